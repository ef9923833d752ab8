//! `glance_members`: the members of an image, as `glance_member_list`
//! returned them; it lends each `glance_member`.

use super::boundary;
use super::member::glance_member;

/// The members of an image, as `glance_member_list` returned them.
///
/// Immutable: several threads may read it at once. Members it lends stay
/// valid until it is freed with `glance_members_free`.
pub struct glance_members {
    pub(super) members: Vec<glance_member>,
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
