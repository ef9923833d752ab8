//! Image tags: add, remove, replace all.

use std::ffi::c_char;

use super::boundary::{self, borrow, text, text_list, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;

/// Adds a tag to an image; adding one it already has is not an error. Any
/// text works (up to 255 characters), including `/`, dots and non-ASCII.
///
/// `client` and the strings are borrowed for the call only; thread-safe as far
/// as `client` goes.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty or too long tag, a malformed id, before any
/// request), `GLANCE_NOT_FOUND`, `GLANCE_FORBIDDEN`, `GLANCE_TOO_LARGE` (tag
/// quota), and the failures every request can have (`GLANCE_UNAUTHORIZED`,
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`, `GLANCE_SERVICE_UNAVAILABLE`,
/// `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_tag_add(
    client: *const glance_client,
    image_id: *const c_char,
    tag: *const c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let tag = unsafe { text(tag, "tag") }?;
        Ok(client.client.add_tag(image_id, tag)?)
    })
}

/// Removes a tag from an image.
///
/// Returns `GLANCE_OK`, `GLANCE_NO_MATCH` (the image has no such tag), and
/// the statuses of `glance_tag_add`.
#[no_mangle]
pub extern "C" fn glance_tag_remove(
    client: *const glance_client,
    image_id: *const c_char,
    tag: *const c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let tag = unsafe { text(tag, "tag") }?;
        Ok(client.client.remove_tag(image_id, tag)?)
    })
}

/// Replaces all the tags of an image with the `count` tags of `tags` (`tags`
/// may be NULL when `count` is 0: removes every tag) and gives back the
/// updated image: a new image owned by the caller (free it with
/// `glance_image_free`), written only on success.
///
/// Statuses as `glance_tag_add`.
#[no_mangle]
pub extern "C" fn glance_tag_replace_all(
    client: *const glance_client,
    image_id: *const c_char,
    tags: *const *const c_char,
    count: usize,
    out_image: *mut *mut glance_image,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let tags = unsafe { text_list(tags, count, "tags") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        let tags: Vec<String> = tags.into_iter().map(str::to_owned).collect();
        let image = client.client.replace_tags(image_id, &tags)?;
        out.set(boundary::give(glance_image::new(image)));
        Ok(())
    })
}
