//! Copy an image to another region or cloud.

use std::ffi::c_char;
use std::ops::ControlFlow;

use super::boundary::{self, borrow, optional_text, text, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::transfer_opts::{glance_transfer_opts, options, progress_of};
use crate::{image_data::Progress, workflows::CopyOptions};

/// Copies image `image_id` of `source`'s cloud into `target`'s (another
/// region or another cloud), streamed through this process: the copy gets the
/// source's description (formats, tags, properties), is named `name` (NULL:
/// the source's name), and has the same bytes (verified on the way in and
/// out, and digests compared at the end). On failure the half-made copy is
/// deleted.
///
/// Both clients and the strings are borrowed for the call only. On success
/// `*out_image` receives the new image in the target (owned by the caller;
/// free it with `glance_image_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_NOT_FOUND`, `GLANCE_NO_DATA` (the source is
/// not active), `GLANCE_TOO_LARGE` (the target's size cap or quota),
/// `GLANCE_CHECKSUM_MISMATCH`, and the failures every request can have
/// (`GLANCE_UNAUTHORIZED`, `GLANCE_FORBIDDEN`, `GLANCE_TRANSPORT`,
/// `GLANCE_TIMEOUT`, `GLANCE_TLS`, `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`,
/// `GLANCE_SERVICE_UNAVAILABLE`, `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_image_copy_to(
    source: *const glance_client,
    image_id: *const c_char,
    target: *const glance_client,
    name: *const c_char,
    out_image: *mut *mut glance_image,
) -> glance_status {
    glance_image_copy_to_opts(source, image_id, target, name, std::ptr::null(), out_image)
}

/// `glance_image_copy_to` with options: of `opts` only the progress
/// callback is used (`glance_transfer_opts_set_phase_progress` or
/// `_set_progress`), called on the calling thread with
/// `GLANCE_PHASE_MOVING` as the bytes reach the target; returning
/// `GLANCE_CB_ABORT` stops the copy with `GLANCE_ABORTED` and deletes the
/// half-made copy. Where a half-made copy cannot be deleted, the last
/// error's message names it (`image <id> in the target`).
///
/// `opts` may be NULL (no progress). `name` may be NULL (the source's
/// name). Both clients, `opts` and the strings
/// are borrowed for the call only. On success `*out_image` receives the new
/// image in the target (owned by the caller; free it with
/// `glance_image_free`). Thread-safe as far as the clients go.
///
/// Returns the statuses of `glance_image_copy_to`, and `GLANCE_ABORTED`.
#[no_mangle]
pub extern "C" fn glance_image_copy_to_opts(
    source: *const glance_client,
    image_id: *const c_char,
    target: *const glance_client,
    name: *const c_char,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let source = unsafe { borrow(source, "source") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let target = unsafe { borrow(target, "target") }?;
        let name = unsafe { optional_text(name, "name") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let copy = source.client.copy_image_to(
            image_id,
            &target.client,
            CopyOptions {
                name: name.map(str::to_owned),
                progress: progress
                    .as_mut()
                    .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
            },
        )?;
        out.set(boundary::give(glance_image::new(copy)));
        Ok(())
    })
}
