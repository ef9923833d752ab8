//! Objects to and from C callbacks: data that is not in a file (a pipe, a
//! socket, a generator) streams through Swift in constant memory.

use std::ffi::{c_char, c_void};
use std::ops::ControlFlow;

use super::boundary::Out;
use super::callbacks::{glance_read_cb, glance_write_cb, CallbackReader, CallbackWriter};
use super::error::glance_status;
use super::object_store::{glance_object_store, on_object, upload_options};
use super::transfer_opts::{glance_transfer_opts, options, progress_of};
use crate::{image_data::Progress, object_store::ObjectDownloadOptions};

/// Uploads the data `read` supplies as `container/object`, replacing any
/// object of that name. With a `size` of 0 or more exactly that many bytes
/// are read and stored (a callback that ends sooner fails the upload with
/// `GLANCE_INVALID_ARG`); a `size` above `segment_size` (0: 1 GiB), or a negative `size`
/// (unknown: `read` goes on until it reports the end), uploads a Static Large
/// Object whose segments go to `<container>_segments`. Every piece's MD5 is
/// checked against Swift's ETag. `read` and `userdata` are used during the
/// call only; `read` returning `GLANCE_CB_ABORT` stops the upload with
/// `GLANCE_ABORTED` (segments already stored are deleted).
///
/// `out_size` may be NULL; otherwise it receives, on success, the bytes
/// stored. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (a bad name, or data shorter than `size`),
/// `GLANCE_ABORTED`, `GLANCE_IO` (the callback claimed more bytes than its
/// buffer holds), `GLANCE_NOT_FOUND` (no such container),
/// `GLANCE_TOO_LARGE`, `GLANCE_CHECKSUM_MISMATCH`, and the statuses of
/// `glance_container_exists`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn glance_object_upload_callback(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    segment_size: u64,
    out_size: *mut u64,
) -> glance_status {
    glance_object_upload_callback_opts(
        store,
        container,
        object,
        read,
        userdata,
        size,
        segment_size,
        std::ptr::null(),
        out_size,
    )
}

/// `glance_object_upload_callback` with options: of `opts` only the
/// progress callback is used, called on the calling thread
/// (`GLANCE_PHASE_TRANSFER`); returning `GLANCE_CB_ABORT` stops the upload
/// with `GLANCE_ABORTED`, leaving no object or segment. A piece whose PUT
/// meets a cut connection or a 5xx is sent again (its bytes are kept in an
/// unlinked temporary file meanwhile: `read` is never asked twice).
///
/// `opts` may be NULL (no progress); `out_size` may be NULL. Lifetimes and
/// statuses as in `glance_object_upload_callback`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn glance_object_upload_callback_opts(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    segment_size: u64,
    opts: *const glance_transfer_opts,
    out_size: *mut u64,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        let mut reader = CallbackReader::new(read, userdata)?;
        // SAFETY: NULL or a writable u64, NULL or live options, per the C contract.
        let out = unsafe { Out::optional(out_size) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let progress = progress
            .as_mut()
            .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>);
        let options = upload_options(u64::try_from(size).ok(), segment_size, progress);
        let uploaded = store
            .upload(container, object, &mut reader, options)
            .map_err(|e| reader.failure(e))?;
        if let Some(out) = out {
            out.set(uploaded.size);
        }
        Ok(())
    })
}

/// Downloads `container/object` through `write`, checked against Swift's
/// ETag as it streams (segment by segment for a large object). The callback
/// has seen every byte when a mismatch is found: `GLANCE_CHECKSUM_MISMATCH`
/// then says not to trust them. `write` returning `GLANCE_CB_ABORT` stops the
/// download with `GLANCE_ABORTED`.
///
/// `out_size` may be NULL; otherwise it receives, on success, the bytes
/// written. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_ABORTED`, `GLANCE_NOT_FOUND`, `GLANCE_CHECKSUM_MISMATCH`,
/// `GLANCE_INVALID_RESPONSE` (the data is shorter or longer than Swift
/// said), and the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_download_callback(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    write: glance_write_cb,
    userdata: *mut c_void,
    out_size: *mut u64,
) -> glance_status {
    glance_object_download_callback_opts(
        store,
        container,
        object,
        write,
        userdata,
        std::ptr::null(),
        out_size,
    )
}

/// `glance_object_download_callback` with options: of `opts` only the
/// progress callback is used, called on the calling thread
/// (`GLANCE_PHASE_TRANSFER`); returning `GLANCE_CB_ABORT` stops the
/// download with `GLANCE_ABORTED`.
///
/// `opts` may be NULL (no progress); `out_size` may be NULL. Lifetimes and
/// statuses as in `glance_object_download_callback`.
#[no_mangle]
pub extern "C" fn glance_object_download_callback_opts(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    write: glance_write_cb,
    userdata: *mut c_void,
    opts: *const glance_transfer_opts,
    out_size: *mut u64,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        let mut writer = CallbackWriter::new(write, userdata)?;
        // SAFETY: NULL or a writable u64, NULL or live options, per the C contract.
        let out = unsafe { Out::optional(out_size) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = ObjectDownloadOptions {
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        };
        let info = store
            .download(container, object, &mut writer, options)
            .map_err(|e| writer.failure(e))?;
        if let Some(out) = out {
            out.set(info.size);
        }
        Ok(())
    })
}
