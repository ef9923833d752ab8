//! Image data from C: uploads from a file, a buffer or a read callback,
//! downloads to a file or a write callback, each verified, with a progress
//! callback that can abort.

use std::ffi::{c_char, c_void};
use std::ops::ControlFlow;

use super::boundary::{self, borrow, slice, text, CallResult, Out};
use super::callbacks::{from_callback, glance_read_cb, glance_write_cb, CallbackWriter};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::transfer_opts::{glance_transfer_opts, options, progress_of};
use crate::{
    image_data::{DownloadOptions, Progress, UploadData, UploadOptions},
    Client, Image,
};

/// Runs an upload and hands the image to `out_image` (when not NULL).
fn upload(
    client: *const glance_client,
    id: *const c_char,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
    call: impl FnOnce(&Client, &str, UploadOptions<'_>) -> CallResult<Option<Image>>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let id = unsafe { text(id, "id") }?;
        let out = unsafe { Out::optional(out_image) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = opts.upload_options(
            progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        );
        let image = call(&client.client, id, options)?;
        if let (Some(out), Some(image)) = (out, image) {
            out.set(boundary::give(glance_image::new(image)));
        }
        Ok(())
    })
}

/// Uploads the file at `path` as the data of the `queued` image `id`
/// (`PUT /v2/images/{id}/file`), hashed while it streams and compared with
/// the `checksum` and `os_hash_value` Glance records. Memory stays constant.
/// After a 401 the file is sent once more with a renewed token.
///
/// `opts` may be NULL (defaults). `out_image` may be NULL; otherwise it
/// receives, on success, the image as it is after the upload (owned by the
/// caller: free it with `glance_image_free`). Thread-safe as far as `client`
/// goes; callbacks run on the calling thread.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_IO` (the file cannot be read),
/// `GLANCE_ABORTED` (the progress callback stopped it),
/// `GLANCE_CHECKSUM_MISMATCH` (Glance recorded other digests: the data was
/// corrupted on the way), `GLANCE_CONFLICT` (the image is not `queued`),
/// `GLANCE_TOO_LARGE` (a size cap or quota), `GLANCE_NOT_FOUND`, and the
/// failures every request can have (`GLANCE_UNAUTHORIZED`,
/// `GLANCE_FORBIDDEN`, `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`, `GLANCE_SERVICE_UNAVAILABLE`,
/// `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_image_upload_file(
    client: *const glance_client,
    id: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    let path = match unsafe { text(path, "path") } {
        Ok(path) => path,
        Err(e) => return boundary::run(|| Err(e)),
    };
    upload(client, id, opts, out_image, |client, id, options| {
        Ok(Some(client.upload_image(
            id,
            UploadData::file(path),
            options,
        )?))
    })
}

/// Uploads `len` bytes at `data` (borrowed for the call only) as the data of
/// the image `id`; otherwise as `glance_image_upload_file`. A buffer can be
/// sent again after a 401.
#[no_mangle]
pub extern "C" fn glance_image_upload_buffer(
    client: *const glance_client,
    id: *const c_char,
    data: *const u8,
    len: usize,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    upload(client, id, opts, out_image, |client, id, options| {
        let bytes = slice(data, len)?;
        Ok(Some(client.upload_image(
            id,
            UploadData::bytes(bytes),
            options,
        )?))
    })
}

/// Uploads data that `read` supplies, as the data of the image `id`. With a
/// `size` of 0 or more, exactly that many bytes are sent (a callback that
/// ends sooner fails the upload with `GLANCE_INVALID_ARG`), with
/// `Content-Length` unless the options choose chunked or, with
/// `GLANCE_FRAMING_AUTO`, a chunked upload has gone through this client; with a negative `size` the body goes chunked until
/// the callback reports the end. A callback cannot rewind, so a 401 is not
/// retried. The callback returning `GLANCE_CB_ABORT` gives `GLANCE_ABORTED`.
/// Otherwise as `glance_image_upload_file`.
#[no_mangle]
pub extern "C" fn glance_image_upload_callback(
    client: *const glance_client,
    id: *const c_char,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    upload(client, id, opts, out_image, |client, id, options| {
        from_callback(read, userdata, size, |data| {
            client.upload_image(id, data, options).map(Some)
        })
    })
}

/// Stages the file at `path` for a `glance-direct` import of the image `id`
/// (`PUT /v2/images/{id}/stage`); follow with `glance_image_import`. Glance
/// records no digest for staged data: `GLANCE_CHECKSUM_MISMATCH` comes only
/// from an expected digest (`glance_transfer_opts_set_expected_digest`).
/// Otherwise returns the statuses of `glance_image_upload_file`.
#[no_mangle]
pub extern "C" fn glance_image_stage_file(
    client: *const glance_client,
    id: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    let path = match unsafe { text(path, "path") } {
        Ok(path) => path,
        Err(e) => return boundary::run(|| Err(e)),
    };
    upload(
        client,
        id,
        opts,
        std::ptr::null_mut(),
        |client, id, options| {
            client.stage_image_data(id, UploadData::file(path), options)?;
            Ok(None)
        },
    )
}

/// Stages `len` bytes at `data` for a `glance-direct` import; otherwise as
/// `glance_image_stage_file`.
#[no_mangle]
pub extern "C" fn glance_image_stage_buffer(
    client: *const glance_client,
    id: *const c_char,
    data: *const u8,
    len: usize,
    opts: *const glance_transfer_opts,
) -> glance_status {
    upload(
        client,
        id,
        opts,
        std::ptr::null_mut(),
        |client, id, options| {
            let bytes = slice(data, len)?;
            client.stage_image_data(id, UploadData::bytes(bytes), options)?;
            Ok(None)
        },
    )
}

/// Stages the data `read` supplies for a `glance-direct` import, in constant
/// memory: with a `size` of 0 or more exactly that many bytes (a callback
/// that ends sooner fails with `GLANCE_INVALID_ARG`), with a negative `size`
/// chunked until the callback reports the end. A callback cannot rewind, so a
/// 401 is not retried. The callback returning `GLANCE_CB_ABORT` gives
/// `GLANCE_ABORTED`. Otherwise as `glance_image_stage_file`.
#[no_mangle]
pub extern "C" fn glance_image_stage_callback(
    client: *const glance_client,
    id: *const c_char,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    opts: *const glance_transfer_opts,
) -> glance_status {
    upload(
        client,
        id,
        opts,
        std::ptr::null_mut(),
        |client, id, options| {
            from_callback(read, userdata, size, |data| {
                client.stage_image_data(id, data, options)
            })?;
            Ok(None)
        },
    )
}

/// Runs a download with the options' settings; `*out_bytes` (when not NULL)
/// receives the size on success.
fn download(
    client: *const glance_client,
    id: *const c_char,
    opts: *const glance_transfer_opts,
    out_bytes: *mut u64,
    call: impl FnOnce(&Client, &str, DownloadOptions<'_>) -> CallResult<u64>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let id = unsafe { text(id, "id") }?;
        let out = unsafe { Out::optional(out_bytes) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = DownloadOptions {
            skip_verification: opts.skip_verification,
            restart: opts.restart,
            prefer_stores: opts.prefer_stores.clone(),
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        };
        let bytes = call(&client.client, id, options)?;
        if let Some(out) = out {
            out.set(bytes);
        }
        Ok(())
    })
}

/// Downloads the data of the image `id` into the file at `path`, verified
/// against the image's multihash (`os_hash_value`), else its MD5 `checksum`,
/// else the `Content-MD5` header. The data goes to `<path>.<id>.part` beside
/// the target, is synced and renamed to `path` only once verified, so a failed
/// download never leaves a file that looks complete. A broken connection is
/// resumed with `Range`; after a stall, a cut or an abort the partial file
/// stays and the next call resumes from it (unless the options say restart);
/// a partial file already holding the whole image is verified and renamed
/// without another request.
///
/// The partial file is never reached through a symbolic link: a link at its
/// name, or anything else that cannot be a partial file this library made
/// (not a regular file, another user's, hard-linked), gives `GLANCE_IO` and
/// is left untouched. A new one is created exclusively with the permissions
/// of the file at `path`, else 0600. Verified or not, the data stops at the
/// image's recorded size: a longer body gives `GLANCE_INVALID_RESPONSE`
/// before a byte past it is written (no file is left).
///
/// `opts` may be NULL (defaults); `out_bytes` may be NULL, else it receives
/// the size on success.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_NO_DATA` (the image is `queued`),
/// `GLANCE_CHECKSUM_MISMATCH` (no file is left), `GLANCE_ABORTED`,
/// `GLANCE_IO`, `GLANCE_NOT_FOUND`, `GLANCE_FORBIDDEN` (deactivated), and the
/// failures every request can have.
#[no_mangle]
pub extern "C" fn glance_image_download_file(
    client: *const glance_client,
    id: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
    out_bytes: *mut u64,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    let path = match unsafe { text(path, "path") } {
        Ok(path) => path,
        Err(e) => return boundary::run(|| Err(e)),
    };
    download(client, id, opts, out_bytes, |client, id, options| {
        Ok(client.download_image_to_file(id, path, options)?.bytes)
    })
}

/// Downloads the data of the image `id` through `write`, verified as
/// `glance_image_download_file` does. The callback has seen every byte when
/// a mismatch is found: `GLANCE_CHECKSUM_MISMATCH` then says not to trust
/// them. The callback returning `GLANCE_CB_ABORT` gives `GLANCE_ABORTED`.
/// It never sees a byte past the image's recorded size: a longer body gives
/// `GLANCE_INVALID_RESPONSE`.
#[no_mangle]
pub extern "C" fn glance_image_download_callback(
    client: *const glance_client,
    id: *const c_char,
    write: glance_write_cb,
    userdata: *mut c_void,
    opts: *const glance_transfer_opts,
    out_bytes: *mut u64,
) -> glance_status {
    download(client, id, opts, out_bytes, |client, id, options| {
        let mut writer = CallbackWriter::new(write, userdata)?;
        let outcome = client.download_image(id, &mut writer, options);
        outcome.map(|d| d.bytes).map_err(|e| writer.failure(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_no_buffer_can_have_is_refused() {
        let byte = 0u8;
        let result = slice(&byte, usize::MAX);
        assert!(matches!(result, Err(e) if e.status == glance_status::GLANCE_INVALID_ARG));
        assert_eq!(slice(&byte, 1).unwrap(), &[0]);
    }
}
