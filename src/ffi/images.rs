//! Image records: get, find, create, update, rename, delete, deactivate, reactivate.

use std::collections::BTreeMap;
use std::ffi::c_char;

use serde_json::Value;

use super::boundary::{self, borrow, text, CallError, CallResult, Out};
use super::client::glance_client;
use super::create_opts::glance_image_create_opts;
use super::error::glance_status;
use super::image::glance_image;
use super::patch::glance_image_patch;
use crate::{Client, Image};

/// Runs a call that takes a client and an image id and gives back an image.
fn with_image(
    client: *const glance_client,
    id: *const c_char,
    out_image: *mut *mut glance_image,
    call: impl FnOnce(&Client, &str) -> CallResult<Image>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let id = unsafe { text(id, "id") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        let image = call(&client.client, id)?;
        out.set(boundary::give(glance_image::new(image)));
        Ok(())
    })
}

/// Runs a call that takes a client and an image id and gives back nothing.
pub(crate) fn on_image(
    client: *const glance_client,
    id: *const c_char,
    call: impl FnOnce(&Client, &str) -> CallResult,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let id = unsafe { text(id, "id") }?;
        call(&client.client, id)
    })
}

/// Fetches the image with this id.
///
/// Every function here borrows `client` and its string arguments for the call
/// only, is thread-safe as far as `client` goes, and writes its `out_image`
/// only on success: a new image owned by the caller (free it with
/// `glance_image_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty or malformed id, before any request),
/// `GLANCE_NOT_FOUND`, and the failures every request can have:
/// `GLANCE_UNAUTHORIZED`, `GLANCE_FORBIDDEN`, `GLANCE_TRANSPORT`,
/// `GLANCE_TIMEOUT`, `GLANCE_TLS`, `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`,
/// `GLANCE_SERVICE_UNAVAILABLE`, `GLANCE_HTTP`.
#[no_mangle]
pub extern "C" fn glance_image_get(
    client: *const glance_client,
    id: *const c_char,
    out_image: *mut *mut glance_image,
) -> glance_status {
    with_image(client, id, out_image, |c, id| Ok(c.get_image(id)?))
}

/// Finds the one image with exactly this name among every image the caller
/// can see (all pages, community images and pending shares included).
///
/// Returns `GLANCE_OK`, `GLANCE_NO_MATCH` (none), `GLANCE_AMBIGUOUS`
/// (several; the message lists their ids), `GLANCE_INVALID_ARG` (an empty
/// name), and the failures of `glance_image_get`.
#[no_mangle]
pub extern "C" fn glance_image_find(
    client: *const glance_client,
    name: *const c_char,
    out_image: *mut *mut glance_image,
) -> glance_status {
    with_image(client, name, out_image, |c, name| Ok(c.find_image(name)?))
}

/// Creates an image record (no data yet: status `queued`) from `opts`, which
/// is only read.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_ARG` (a malformed
/// id, or a known field given as a custom property), `GLANCE_BAD_REQUEST` (a
/// value the server refuses), `GLANCE_CONFLICT` (the id is taken),
/// `GLANCE_FORBIDDEN` (e.g. `public` without the right), and the failures of
/// `glance_image_get`.
#[no_mangle]
pub extern "C" fn glance_image_create(
    client: *const glance_client,
    opts: *const glance_image_create_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let opts = unsafe { borrow(opts, "opts") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        let image = client.client.create_image(&opts.fields)?;
        out.set(boundary::give(glance_image::new(image)));
        Ok(())
    })
}

/// Applies the operations of `patch` (only read) to the image in one request
/// and gives back the updated record. An empty patch just fetches the image.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_NOT_FOUND`, `GLANCE_CONFLICT` (removing an
/// attribute the image does not have), `GLANCE_FORBIDDEN` (a read-only
/// attribute), `GLANCE_BAD_REQUEST`, and the failures of `glance_image_get`.
#[no_mangle]
pub extern "C" fn glance_image_update(
    client: *const glance_client,
    id: *const c_char,
    patch: *const glance_image_patch,
    out_image: *mut *mut glance_image,
) -> glance_status {
    with_image(client, id, out_image, |c, id| {
        // SAFETY: NULL or a live patch, per the C contract.
        let patch = unsafe { borrow(patch, "patch") }?;
        Ok(c.update_image(id, &patch.operations)?)
    })
}

/// Makes the image's attributes what the JSON object `properties` says,
/// sending only the operations needed: a value sets the attribute (added when
/// absent, replaced when different), `null` removes it when present, and
/// attributes not named are left alone. Example:
/// `{"os_distro": "debian", "old_key": null}`.
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` when `properties` is not a JSON
/// object, and the statuses of `glance_image_update`.
#[no_mangle]
pub extern "C" fn glance_image_set_properties(
    client: *const glance_client,
    id: *const c_char,
    properties: *const c_char,
    out_image: *mut *mut glance_image,
) -> glance_status {
    with_image(client, id, out_image, |c, id| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let properties = unsafe { text(properties, "properties") }?;
        let desired: BTreeMap<String, Option<Value>> =
            serde_json::from_str(properties).map_err(|e| {
                CallError::invalid_argument(format!("'properties' is not a JSON object: {e}"))
            })?;
        Ok(c.set_image_properties(id, &desired)?)
    })
}

/// Renames an image and gives back the updated record.
///
/// Statuses as `glance_image_update`.
#[no_mangle]
pub extern "C" fn glance_image_rename(
    client: *const glance_client,
    id: *const c_char,
    name: *const c_char,
    out_image: *mut *mut glance_image,
) -> glance_status {
    with_image(client, id, out_image, |c, id| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let name = unsafe { text(name, "name") }?;
        Ok(c.rename_image(id, name)?)
    })
}

/// Deletes an image and its data.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_NOT_FOUND`, `GLANCE_FORBIDDEN` (protected, or
/// not the owner), and the failures of `glance_image_get`.
#[no_mangle]
pub extern "C" fn glance_image_delete(
    client: *const glance_client,
    id: *const c_char,
) -> glance_status {
    on_image(client, id, |c, id| Ok(c.delete_image(id)?))
}

/// Deactivates an image: its data can no longer be downloaded (by anyone but
/// an admin) until it is reactivated.
///
/// Returns `GLANCE_OK`, `GLANCE_CONFLICT` (an image that is not active or
/// deactivated), and the statuses of `glance_image_delete`.
#[no_mangle]
pub extern "C" fn glance_image_deactivate(
    client: *const glance_client,
    id: *const c_char,
) -> glance_status {
    on_image(client, id, |c, id| Ok(c.deactivate_image(id)?))
}

/// Reactivates a deactivated image.
///
/// Statuses as `glance_image_deactivate`.
#[no_mangle]
pub extern "C" fn glance_image_reactivate(
    client: *const glance_client,
    id: *const c_char,
) -> glance_status {
    on_image(client, id, |c, id| Ok(c.reactivate_image(id)?))
}
