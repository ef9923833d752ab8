//! `glance_member`: one project an image is shared with, and the calls that
//! fetch, add, remove and answer one (the list is `members.rs`).

use std::ffi::{c_char, CString};

use super::boundary::{self, borrow, c_text, get, lend, text, CallResult, Out};
use super::client::glance_client;
use super::error::glance_status;
use crate::{
    members::{Member, MemberStatus},
    Client,
};

/// One project an image is shared with, and its answer (a snapshot).
///
/// Immutable: several threads may read it at once. Strings its getters
/// return are borrowed from it and valid until it is freed. A member obtained
/// from a list (`glance_members_get`) belongs to the list; every other one
/// belongs to the caller, who frees it with `glance_member_free`.
pub struct glance_member {
    member: Member,
    member_id: Option<CString>,
    image_id: Option<CString>,
    status: Option<CString>,
    created_at: Option<CString>,
    updated_at: Option<CString>,
}

impl glance_member {
    pub(super) fn new(member: Member) -> glance_member {
        glance_member {
            member_id: c_text(&member.member_id),
            image_id: c_text(&member.image_id),
            status: c_text(member.status.as_str()),
            created_at: member.created_at.as_deref().and_then(c_text),
            updated_at: member.updated_at.as_deref().and_then(c_text),
            member,
        }
    }
}

/// Runs a call on (image, member) that gives back a member.
fn with_member(
    client: *const glance_client,
    image_id: *const c_char,
    member_id: *const c_char,
    out_member: *mut *mut glance_member,
    call: impl FnOnce(&Client, &str, &str) -> CallResult<Member>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let member_id = unsafe { text(member_id, "member_id") }?;
        let out = unsafe { Out::new(out_member, "out_member") }?;
        let member = call(&client.client, image_id, member_id)?;
        out.set(boundary::give(glance_member::new(member)));
        Ok(())
    })
}

/// Fetches one member of an image (free it with `glance_member_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NOT_A_MEMBER` (the image exists but the
/// project is not a member), and the statuses of `glance_member_list`.
#[no_mangle]
pub extern "C" fn glance_member_get(
    client: *const glance_client,
    image_id: *const c_char,
    member_id: *const c_char,
    out_member: *mut *mut glance_member,
) -> glance_status {
    with_member(client, image_id, member_id, out_member, |c, i, m| {
        Ok(c.get_member(i, m)?)
    })
}

/// Shares an image with the project `member_id`; the member starts `pending`
/// (free it with `glance_member_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_ALREADY_MEMBER`, `GLANCE_UNSHARABLE` (the
/// image's visibility is not `shared`: set it first), `GLANCE_FORBIDDEN` (not
/// the owner), `GLANCE_TOO_LARGE` (member quota), and the statuses of
/// `glance_member_list`.
#[no_mangle]
pub extern "C" fn glance_member_add(
    client: *const glance_client,
    image_id: *const c_char,
    member_id: *const c_char,
    out_member: *mut *mut glance_member,
) -> glance_status {
    with_member(client, image_id, member_id, out_member, |c, i, m| {
        Ok(c.add_member(i, m)?)
    })
}

/// Stops sharing an image with the project `member_id`.
///
/// Returns `GLANCE_OK`, `GLANCE_NOT_A_MEMBER`, and the statuses of
/// `glance_member_list`.
#[no_mangle]
pub extern "C" fn glance_member_remove(
    client: *const glance_client,
    image_id: *const c_char,
    member_id: *const c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let member_id = unsafe { text(member_id, "member_id") }?;
        Ok(client.client.remove_member(image_id, member_id)?)
    })
}

/// Answers a share as the member project `member_id` (the caller's own
/// project): `status` is `accepted` (the image then appears in the member's
/// default listings), `rejected` or `pending`. Gives back the updated member
/// (free it with `glance_member_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` (another status, before any
/// request), `GLANCE_MEMBER_STATUS_FORBIDDEN` (the caller is not the member:
/// an owner cannot answer for its members), `GLANCE_NOT_A_MEMBER`, and the
/// statuses of `glance_member_list`.
#[no_mangle]
pub extern "C" fn glance_member_update_status(
    client: *const glance_client,
    image_id: *const c_char,
    member_id: *const c_char,
    status: *const c_char,
    out_member: *mut *mut glance_member,
) -> glance_status {
    with_member(client, image_id, member_id, out_member, |c, i, m| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let status = MemberStatus::from(unsafe { text(status, "status") }?);
        Ok(c.update_member_status(i, m, status)?)
    })
}

/// Answers a share as the caller's own project (the project its token is
/// scoped to; pyrax's `update_image_member`): `status` is `accepted`,
/// `rejected` or `pending`. Gives back the updated member (free it with
/// `glance_member_free`).
///
/// Returns the statuses of `glance_member_update_status`, and `GLANCE_CONFIG`
/// for a client with a bare token, whose project it cannot know.
#[no_mangle]
pub extern "C" fn glance_member_update_own_status(
    client: *const glance_client,
    image_id: *const c_char,
    status: *const c_char,
    out_member: *mut *mut glance_member,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let image_id = unsafe { text(image_id, "image_id") }?;
        let status = MemberStatus::from(unsafe { text(status, "status") }?);
        let out = unsafe { Out::new(out_member, "out_member") }?;
        let member = client.client.update_own_member_status(image_id, status)?;
        out.set(boundary::give(glance_member::new(member)));
        Ok(())
    })
}

/// The member project's id. Like every string getter of a member: borrowed
/// from `member` (valid until it, or its list, is freed), NULL when `member`
/// is NULL or the field is absent.
#[no_mangle]
pub extern "C" fn glance_member_member_id(member: *const glance_member) -> *const c_char {
    get(member, std::ptr::null(), |m| lend(&m.member_id))
}

/// The shared image's id.
#[no_mangle]
pub extern "C" fn glance_member_image_id(member: *const glance_member) -> *const c_char {
    get(member, std::ptr::null(), |m| lend(&m.image_id))
}

/// The member's answer: `pending`, `accepted` or `rejected`.
#[no_mangle]
pub extern "C" fn glance_member_status(member: *const glance_member) -> *const c_char {
    get(member, std::ptr::null(), |m| lend(&m.status))
}

/// When the image was shared, ISO 8601.
#[no_mangle]
pub extern "C" fn glance_member_created_at(member: *const glance_member) -> *const c_char {
    get(member, std::ptr::null(), |m| lend(&m.created_at))
}

/// When the answer last changed, ISO 8601.
#[no_mangle]
pub extern "C" fn glance_member_updated_at(member: *const glance_member) -> *const c_char {
    get(member, std::ptr::null(), |m| lend(&m.updated_at))
}

/// Copies a member. Returns a new member owned by the caller (free it with
/// `glance_member_free`), or NULL when `member` is NULL.
#[no_mangle]
pub extern "C" fn glance_member_clone(member: *const glance_member) -> *mut glance_member {
    boundary::value(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live member, per the C contract.
        match unsafe { member.as_ref() } {
            Some(m) => boundary::give(glance_member::new(m.member.clone())),
            None => std::ptr::null_mut(),
        }
    })
}

/// Frees a member the caller owns. NULL is ignored. Never call it on a member
/// borrowed from a list.
#[no_mangle]
pub extern "C" fn glance_member_free(member: *mut glance_member) {
    // SAFETY: NULL or an owned member, by the contract above.
    boundary::value((), || unsafe { boundary::free(member) })
}
