//! Interoperable import from C: what the cloud offers, the import call, the
//! image's import tasks, the wait, one-call create-and-upload, and removing
//! an image's data from one store.

use std::ffi::{c_char, c_int, c_void};
use std::ops::ControlFlow;
use std::time::Duration;

use super::boundary::{self, borrow, slice, text, CallError, CallResult, Out};
use super::callbacks::{from_callback, glance_read_cb, GLANCE_CB_CONTINUE};
use super::client::{give_text, glance_client};
use super::create_opts::glance_image_create_opts;
use super::error::glance_status;
use super::image::glance_image;
use super::images::on_image;
use super::import_opts::glance_import_opts;
use super::transfer_opts::{glance_transfer_opts, options, progress_of};
use crate::{
    digest::ExpectedDigest,
    image_data::{Progress, UploadData},
    import::{CreateWithData, ImportMethod, ImportOptions, ImportState, ImportWait, UploadMethod},
};

fn json_text<T: serde::Serialize>(value: &T) -> CallResult<String> {
    serde_json::to_string(value)
        .map_err(|e| CallError::invalid_argument(format!("cannot encode as JSON: {e}")))
}

/// The import methods the cloud offers, comma-separated (e.g.
/// "glance-direct,web-download,copy-image"), in a new string for the caller
/// (free it with `glance_string_free`), written to `*out` on success.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, and the failures every request can have.
#[no_mangle]
pub extern "C" fn glance_import_methods(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    give_text(client, out, |client| Ok(client.import_methods()?.join(",")))
}

/// The stores of a multi-store cloud as a JSON array of
/// `{"id", "description", "default", "read_only"}`, in a new string for the
/// caller (free it with `glance_string_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_NOT_FOUND` or `GLANCE_HTTP`
/// (410) on a single-store cloud, and the failures every request can have.
#[no_mangle]
pub extern "C" fn glance_stores_json(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    give_text(client, out, |client| json_text(&client.list_stores()?))
}

/// The image's import tasks, oldest first, as a JSON array (`id`, `type`,
/// `status`, `message`, `input`, `result`, ...), in a new string for the
/// caller (free it with `glance_string_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_NOT_FOUND`, and the failures every request
/// can have.
#[no_mangle]
pub extern "C" fn glance_image_tasks_json(
    client: *const glance_client,
    id: *const c_char,
    out: *mut *mut c_char,
) -> glance_status {
    on_image(client, id, |client, id| {
        // SAFETY: NULL or a writable pointer, per the C contract.
        let out = unsafe { Out::new(out, "out") }?;
        let text = json_text(&client.image_tasks(id)?)?;
        out.set(boundary::give_string(text)?);
        Ok(())
    })
}

/// Starts an import of the image `id` (`POST /v2/images/{id}/import`) as
/// `opts` says; Glance works in the background: follow with
/// `glance_image_wait_import`.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (stores and all-stores together, a bad URL),
/// `GLANCE_CONFLICT` (nothing staged for glance-direct, or not `queued`),
/// `GLANCE_FORBIDDEN` (copy-image is admin's by default), `GLANCE_BAD_REQUEST`,
/// `GLANCE_NOT_FOUND`, and the failures every request can have.
#[no_mangle]
pub extern "C" fn glance_image_import(
    client: *const glance_client,
    id: *const c_char,
    opts: *const glance_import_opts,
) -> glance_status {
    on_image(client, id, |client, id| {
        // SAFETY: NULL or live options, per the C contract.
        let opts = unsafe { borrow(opts, "opts") }?;
        let method = opts.method.clone().unwrap_or(ImportMethod::GlanceDirect);
        Ok(client.import_image(id, &method, &opts.stores)?)
    })
}

/// Sees each poll of `glance_image_wait_import`: the image as polled
/// (borrowed for the call only). Returns `GLANCE_CB_CONTINUE`, or
/// `GLANCE_CB_ABORT` to stop waiting (the import itself goes on).
pub type glance_import_poll_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, image: *const glance_image) -> c_int>;

/// Polls the image `id` every `interval_ms` milliseconds (0: 1000) until its
/// import has ended, for at most `timeout_ms` (0: no limit), calling `poll`
/// (may be NULL) after each poll. On success `*out_image` (may be NULL)
/// receives the active image (free it with `glance_image_free`).
///
/// An import that left the image without data, or left any store out
/// (`os_glance_failed_import`, even when the image became active in the
/// others), fails with `GLANCE_IMPORT_FAILED`; the message names the stores
/// and Glance's reason: a failed store is never silent.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_IMPORT_FAILED`, `GLANCE_TIMEOUT`,
/// `GLANCE_ABORTED`, `GLANCE_NOT_FOUND`, and the failures every request can have.
/// `glance_image_wait_import_expecting` also checks the data's digest.
#[no_mangle]
pub extern "C" fn glance_image_wait_import(
    client: *const glance_client,
    id: *const c_char,
    interval_ms: u32,
    timeout_ms: u64,
    poll: glance_import_poll_cb,
    userdata: *mut c_void,
    out_image: *mut *mut glance_image,
) -> glance_status {
    wait_import(
        client,
        id,
        interval_ms,
        timeout_ms,
        poll,
        userdata,
        || Ok(None),
        out_image,
    )
}

/// `glance_image_wait_import`, with the expected digest `expected` gives
/// (read before any request).
#[allow(clippy::too_many_arguments)]
pub(crate) fn wait_import(
    client: *const glance_client,
    id: *const c_char,
    interval_ms: u32,
    timeout_ms: u64,
    poll: glance_import_poll_cb,
    userdata: *mut c_void,
    expected: impl FnOnce() -> CallResult<Option<ExpectedDigest>>,
    out_image: *mut *mut glance_image,
) -> glance_status {
    on_image(client, id, |client, id| {
        let expected_digest = expected()?;
        // SAFETY: NULL or a writable pointer, per the C contract.
        let out = unsafe { Out::optional(out_image) };
        let mut on_poll = poll.map(|callback| {
            move |state: &ImportState| {
                let image = glance_image::new(state.image.clone());
                // SAFETY: a valid callback per the docs; the image lives during the call.
                let answer = unsafe { callback(userdata, &image) };
                if answer == GLANCE_CB_CONTINUE {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                }
            }
        });
        let options = ImportWait {
            interval: Duration::from_millis(u64::from(if interval_ms == 0 {
                1000
            } else {
                interval_ms
            })),
            timeout: (timeout_ms > 0).then(|| Duration::from_millis(timeout_ms)),
            on_poll: on_poll
                .as_mut()
                .map(|p| p as &mut dyn FnMut(&ImportState) -> ControlFlow<()>),
            expected_digest,
        };
        let image = client.wait_for_import(id, options)?;
        if let Some(out) = out {
            out.set(boundary::give(glance_image::new(image)));
        }
        Ok(())
    })
}

/// Removes the image's data from one store (`DELETE /v2/stores/{store}/{id}`;
/// admin by default); the image keeps its other stores.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_FORBIDDEN`, `GLANCE_NOT_FOUND`,
/// `GLANCE_CONFLICT`, and the failures every request can have.
#[no_mangle]
pub extern "C" fn glance_image_delete_from_store(
    client: *const glance_client,
    id: *const c_char,
    store: *const c_char,
) -> glance_status {
    on_image(client, id, |client, id| {
        // SAFETY: a NUL-terminated string, per the C contract.
        let store = unsafe { text(store, "store") }?;
        Ok(client.delete_image_from_store(id, store)?)
    })
}

/// Creates an image with the fields of `create` and gives it the data of the
/// file at `path` in one call: a direct upload, or staging plus a
/// `glance-direct` import when `import` asks for several stores (or all of
/// them) and the cloud offers it, or when `import`'s method was set to
/// "glance-direct" explicitly. Verified either way. When anything fails the
/// new image is deleted again. `import` and `transfer` may be NULL; an
/// import is waited for with a 1 s interval and a 1 hour limit. On success
/// `*out_image` receives the new image (free it with `glance_image_free`).
///
/// Returns the statuses of `glance_image_create`, `glance_image_upload_file`
/// and `glance_image_wait_import`.
#[no_mangle]
pub extern "C" fn glance_image_create_with_data(
    client: *const glance_client,
    create: *const glance_image_create_opts,
    path: *const c_char,
    import: *const glance_import_opts,
    transfer: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    create_from_file(
        client,
        create,
        path,
        import,
        transfer,
        out_image,
        |client, fields, data, options| client.create_image_with_data(fields, data, options),
    )
}

/// Creates an image with the fields of `create` and gives it the `len`
/// bytes at `data` (borrowed for the call only) in one call; otherwise as
/// `glance_image_create_with_data`: the same choice of direct upload or
/// `glance-direct`, the same verification, and when anything fails the new
/// image is deleted again. `import` and `transfer` may be NULL. On success
/// `*out_image` receives the new image (free it with `glance_image_free`).
///
/// Returns the statuses of `glance_image_create_with_data`.
#[no_mangle]
pub extern "C" fn glance_image_create_with_data_buffer(
    client: *const glance_client,
    create: *const glance_image_create_opts,
    data: *const u8,
    len: usize,
    import: *const glance_import_opts,
    transfer: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    create_from(
        client,
        create,
        import,
        transfer,
        out_image,
        |client, fields, options| {
            let bytes = slice(data, len)?;
            Ok(client.create_image_with_data(fields, UploadData::bytes(bytes), options)?)
        },
    )
}

/// Creates an image with the fields of `create` and gives it the data `read`
/// supplies, in one call and constant memory; otherwise as
/// `glance_image_create_with_data`. With a `size` of 0 or more exactly that
/// many bytes are sent (a callback that ends sooner fails with
/// `GLANCE_INVALID_ARG`); with a negative `size` the data goes chunked until
/// the callback reports the end. The callback returning `GLANCE_CB_ABORT`
/// gives `GLANCE_ABORTED`. A callback cannot rewind, so a 401 is not retried.
/// When anything fails (the callback too) the new image is deleted again.
/// `import` and `transfer` may be NULL. On success `*out_image` receives the
/// new image (free it with `glance_image_free`).
///
/// Returns the statuses of `glance_image_create_with_data`.
#[no_mangle]
pub extern "C" fn glance_image_create_with_data_callback(
    client: *const glance_client,
    create: *const glance_image_create_opts,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    import: *const glance_import_opts,
    transfer: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    create_from(
        client,
        create,
        import,
        transfer,
        out_image,
        |client, fields, options| {
            from_callback(read, userdata, size, |data| {
                client.create_image_with_data(fields, data, options)
            })
        },
    )
}

/// The C side of a one-call create from the file at `path`: the arguments
/// checked, `import` and `transfer` turned into [`CreateWithData`], `create`
/// run and its image handed out.
pub(crate) fn create_from_file(
    client: *const glance_client,
    create: *const glance_image_create_opts,
    path: *const c_char,
    import: *const glance_import_opts,
    transfer: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
    create_with: impl FnOnce(
        &crate::Client,
        &crate::CreateImage,
        UploadData<'static>,
        CreateWithData<'_>,
    ) -> crate::Result<crate::Image>,
) -> glance_status {
    create_from(
        client,
        create,
        import,
        transfer,
        out_image,
        |client, fields, options| {
            // SAFETY: NULL or a NUL-terminated string, per the C contract.
            let path = unsafe { text(path, "path") }?;
            Ok(create_with(
                client,
                fields,
                UploadData::file(path),
                options,
            )?)
        },
    )
}

/// The C side of a one-call create: the arguments checked, `import` and
/// `transfer` turned into [`CreateWithData`], `run` (which brings the data)
/// called and its image handed out.
fn create_from(
    client: *const glance_client,
    create: *const glance_image_create_opts,
    import: *const glance_import_opts,
    transfer: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
    run: impl FnOnce(
        &crate::Client,
        &crate::CreateImage,
        CreateWithData<'_>,
    ) -> CallResult<crate::Image>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let create = unsafe { borrow(create, "create") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        let import = unsafe { import.as_ref() };
        let (method, stores) =
            match import {
                None => (UploadMethod::Auto, ImportOptions::default()),
                Some(i) => (
                    match &i.method {
                        Some(ImportMethod::GlanceDirect) => UploadMethod::GlanceDirect,
                        None => UploadMethod::Auto,
                        Some(_) => return Err(CallError::invalid_argument(
                            "create-with-data moves the data itself: only glance-direct applies",
                        )),
                    },
                    i.stores.clone(),
                ),
            };
        let transfer = unsafe { options(transfer) };
        let mut progress = progress_of(transfer);
        let upload = transfer.upload_options(
            progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        );
        let image = run(
            &client.client,
            &create.fields,
            CreateWithData {
                method,
                stores,
                upload,
                wait: ImportWait::default(),
            },
        )?;
        out.set(boundary::give(glance_image::new(image)));
        Ok(())
    })
}
