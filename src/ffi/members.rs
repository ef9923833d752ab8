//! `glance_members`: the members of an image, as `glance_member_list`
//! returned them; it lends each `glance_member`.

use std::ffi::c_char;

use super::boundary::{self, borrow, text, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::member::glance_member;

/// The members of an image, as `glance_member_list` returned them.
///
/// Immutable: several threads may read it at once. Members it lends stay
/// valid until it is freed with `glance_members_free`.
pub struct glance_members {
    members: Vec<glance_member>,
}

/// Lists the projects an image is shared with (the owner sees every member, a
/// member only itself).
///
/// Like every call here: `client` and the strings are borrowed for the call
/// only; thread-safe as far as `client` goes; the out-parameter is written
/// only on success, with a new handle owned by the caller.
/// Free the list with `glance_members_free`.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (a malformed id), `GLANCE_NOT_FOUND`,
/// `GLANCE_FORBIDDEN`, and the failures every request can have
/// (`GLANCE_UNAUTHORIZED`, `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`, `GLANCE_SERVICE_UNAVAILABLE`,
/// `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_member_list(
    client: *const glance_client,
    image_id: *const c_char,
    out_members: *mut *mut glance_members,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let out = unsafe { Out::new(out_members, "out_members") }?;
        let members = client.client.list_members(image_id)?;
        out.set(boundary::give(glance_members {
            members: members.into_iter().map(glance_member::new).collect(),
        }));
        Ok(())
    })
}

/// The number of members in the list; 0 when `members` is NULL.
#[no_mangle]
pub extern "C" fn glance_members_count(members: *const glance_members) -> usize {
    boundary::get(members, 0, |m| m.members.len())
}

/// Member number `index` (from 0); NULL when out of range or `members` is
/// NULL. Borrowed from the list: valid until it is freed; do not free it
/// (copy it with `glance_member_clone` to keep it longer).
#[no_mangle]
pub extern "C" fn glance_members_get(
    members: *const glance_members,
    index: usize,
) -> *const glance_member {
    boundary::get(members, std::ptr::null(), |m| {
        m.members
            .get(index)
            .map_or(std::ptr::null(), |m| m as *const glance_member)
    })
}

/// Frees a member list and every member it lends. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_members_free(members: *mut glance_members) {
    // SAFETY: NULL or a list from glance_member_list, per the C contract.
    boundary::value((), || unsafe { boundary::free(members) })
}
