//! Export an image's data into a container object, and make an image of one.

use std::ffi::c_char;
use std::ops::ControlFlow;

use super::boundary::{self, borrow, optional_text, text, CallError, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::object_store::glance_object_store;
use super::transfer_opts::{glance_transfer_opts, options, progress_of};
use crate::{
    image_data::Progress,
    workflows::{ContainerImportOptions, ContainerImportVia, ExportOptions},
};

/// Import through this client: the object is read and uploaded to Glance.
pub const GLANCE_IMPORT_VIA_STREAM: u32 = 0;
/// Import by Glance itself, from a temporary URL (`web-download`).
pub const GLANCE_IMPORT_VIA_WEB_DOWNLOAD: u32 = 1;
/// `web-download` when a temp URL key reaches the object and the cloud offers
/// the method, else through this client.
pub const GLANCE_IMPORT_VIA_AUTO: u32 = 2;

/// Streams image `image_id`'s data into `container` (which must exist) as
/// the object `object` (NULL: `<image id>.<disk format>`), with the image's
/// description (name, formats, tags, properties, digests) as the object's
/// metadata. Images larger than `segment_size` bytes (0: 1 GiB) are stored
/// as a Static Large Object with segments in `<container>_segments`. No
/// temporary file; the download is verified against the image's digest and
/// the upload against Swift's ETags; on failure no object is left.
///
/// `client`, `store` and the strings are borrowed for the call only. On
/// success, when `out_object` is not NULL, `*out_object` receives the
/// object's name (free it with `glance_string_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (a malformed id or name, a description too large for
/// object metadata), `GLANCE_NO_SUCH_CONTAINER` (before any data moves),
/// `GLANCE_NOT_FOUND`, `GLANCE_NO_DATA` (the image is not active),
/// `GLANCE_CHECKSUM_MISMATCH`, `GLANCE_INVALID_RESPONSE`, and the failures
/// every request can have (`GLANCE_UNAUTHORIZED`, `GLANCE_FORBIDDEN`,
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`, `GLANCE_CONFIG`,
/// `GLANCE_SERVICE_UNAVAILABLE`, `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_image_export_to_container(
    client: *const glance_client,
    image_id: *const c_char,
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    segment_size: u64,
    out_object: *mut *mut c_char,
) -> glance_status {
    glance_image_export_to_container_opts(
        client,
        image_id,
        store,
        container,
        object,
        segment_size,
        std::ptr::null(),
        out_object,
    )
}

/// `glance_image_export_to_container` with options: of `opts` only the
/// progress callback is used (`glance_transfer_opts_set_phase_progress` or
/// `_set_progress`), called on the calling thread with
/// `GLANCE_PHASE_MOVING` as the bytes reach the container; returning
/// `GLANCE_CB_ABORT` stops the export with `GLANCE_ABORTED`, leaving no
/// object, segment or description object. A description too large for
/// object metadata goes in `<object>.glance-image.json` beside the object.
/// A segment whose upload meets a cut connection or a 5xx is sent again.
/// Where something cannot be removed after a failure, the last error's
/// message names it.
///
/// `opts` may be NULL (no progress). `object` may be NULL (the default
/// name). `out_object` may be NULL; otherwise it receives, on success, the
/// object's name (free it with `glance_string_free`). `client`, `store`,
/// `opts` and the strings are borrowed for the call only. Thread-safe as far as the handles go.
///
/// Returns the statuses of `glance_image_export_to_container`, and
/// `GLANCE_ABORTED`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn glance_image_export_to_container_opts(
    client: *const glance_client,
    image_id: *const c_char,
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    segment_size: u64,
    opts: *const glance_transfer_opts,
    out_object: *mut *mut c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let store = unsafe { borrow(store, "store") }?;
        let container = unsafe { text(container, "container") }?;
        let object = unsafe { optional_text(object, "object") }?;
        let out = unsafe { Out::optional(out_object) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = ExportOptions {
            object: object.map(str::to_owned),
            segment_size: (segment_size > 0).then_some(segment_size),
            segment_container: None,
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        };
        let exported =
            client
                .client
                .export_image_to_container(image_id, &store.store, container, options)?;
        if let Some(out) = out {
            out.set(boundary::give_string(exported.object)?);
        }
        Ok(())
    })
}

/// Makes an image of `container/object`, normally one
/// `glance_image_export_to_container` wrote: the new image gets the exported
/// image's description, named `name` (NULL: the exported image's name, else
/// the object's), and must end up with the same data (size and digests
/// compared). `via` is `GLANCE_IMPORT_VIA_STREAM`,
/// `GLANCE_IMPORT_VIA_WEB_DOWNLOAD` or `GLANCE_IMPORT_VIA_AUTO`. On failure
/// no new image is left.
///
/// On success `*out_image` receives the new image (owned by the caller; free
/// it with `glance_image_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` (an unknown `via`, an object
/// without a description: use the Rust API to give its formats),
/// `GLANCE_NOT_FOUND` (no such object), `GLANCE_CONFIG` (web-download not
/// possible: no temp URL key reaching the object, or the method not offered),
/// `GLANCE_IMPORT_FAILED`, `GLANCE_CHECKSUM_MISMATCH`, `GLANCE_TOO_LARGE`,
/// and the statuses of `glance_image_export_to_container`.
#[no_mangle]
pub extern "C" fn glance_image_import_from_container(
    client: *const glance_client,
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    name: *const c_char,
    via: u32,
    out_image: *mut *mut glance_image,
) -> glance_status {
    glance_image_import_from_container_opts(
        client,
        store,
        container,
        object,
        name,
        via,
        std::ptr::null(),
        out_image,
    )
}

/// `glance_image_import_from_container` with options: of `opts` only the
/// progress callback is used (`glance_transfer_opts_set_phase_progress` or
/// `_set_progress`), called on the calling thread with
/// `GLANCE_PHASE_MOVING` as the bytes reach Glance and, when Glance fetches
/// the object itself (`web-download`), `GLANCE_PHASE_IMPORTING` after each
/// poll; returning `GLANCE_CB_ABORT` stops the import with
/// `GLANCE_ABORTED`, leaving no new image. Where the new image cannot be
/// removed after a failure, the last error's message names it.
///
/// `opts` may be NULL (no progress). `name` may be NULL (the exported
/// image's name, else the object's). The handles, `opts` and the strings
/// are borrowed for the call only. On success `*out_image` receives the new
/// image (owned by the caller; free it with `glance_image_free`). Thread-safe as far as the handles go.
///
/// Returns the statuses of `glance_image_import_from_container`, and
/// `GLANCE_ABORTED`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn glance_image_import_from_container_opts(
    client: *const glance_client,
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    name: *const c_char,
    via: u32,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let store = unsafe { borrow(store, "store") }?;
        let container = unsafe { text(container, "container") }?;
        let object = unsafe { text(object, "object") }?;
        let name = unsafe { optional_text(name, "name") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        let opts = unsafe { options(opts) };
        let via = match via {
            GLANCE_IMPORT_VIA_STREAM => ContainerImportVia::Stream,
            GLANCE_IMPORT_VIA_WEB_DOWNLOAD => ContainerImportVia::WebDownload,
            GLANCE_IMPORT_VIA_AUTO => ContainerImportVia::Auto,
            other => {
                return Err(CallError::invalid_argument(format!(
                    "'via' must be GLANCE_IMPORT_VIA_STREAM, _WEB_DOWNLOAD or _AUTO, not {other}"
                )))
            }
        };
        let mut progress = progress_of(opts);
        let options = ContainerImportOptions {
            name: name.map(str::to_owned),
            via,
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
            ..Default::default()
        };
        let image =
            client
                .client
                .import_image_from_container(&store.store, container, object, options)?;
        out.set(boundary::give(glance_image::new(image)));
        Ok(())
    })
}
