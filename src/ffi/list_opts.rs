//! Filters, sorting and paging of an image listing, set one by one.

use std::ffi::c_char;

use super::boundary::{self, text, text_list, CallResult};
use super::error::glance_status;
use crate::{
    listing::{Compare, Match, MemberStatusFilter, StatusFilter, VisibilityFilter},
    members::MemberStatus,
    ImageStatus, ListOptions, SortDir, Visibility,
};

/// What to list: filters, sorting and page size for `glance_image_list` and
/// `glance_image_iter_new`. Every field is optional; an empty one lists what
/// Glance lists by default. Values are checked when the listing starts (a bad
/// one fails with `GLANCE_INVALID_ARG` before any request).
///
/// Made by `glance_list_opts_new`, freed by `glance_list_opts_free`; listings
/// copy what they need, so the options may be changed or freed right after.
/// Not thread-safe: one thread at a time may change it.
///
/// Every setter copies its string arguments and returns `GLANCE_OK`,
/// `GLANCE_NULL_ARG` or `GLANCE_INVALID_UTF8`, plus `GLANCE_INVALID_ARG` where
/// it says so.
pub struct glance_list_opts {
    pub(crate) options: ListOptions,
}

/// Runs a setter on list options.
fn set(
    opts: *mut glance_list_opts,
    set: impl FnOnce(&mut ListOptions) -> CallResult,
) -> glance_status {
    boundary::change(opts, "opts", |opts| set(&mut opts.options))
}

/// Runs a setter that takes one string.
fn set_text(
    opts: *mut glance_list_opts,
    value: *const c_char,
    name: &str,
    apply: impl FnOnce(&mut ListOptions, &str) -> CallResult,
) -> glance_status {
    set(opts, |options| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let value = unsafe { text(value, name) }?;
        apply(options, value)
    })
}

/// Runs a setter that takes an array of `count` strings.
fn set_list(
    opts: *mut glance_list_opts,
    values: *const *const c_char,
    count: usize,
    apply: impl FnOnce(&mut ListOptions, Vec<String>),
) -> glance_status {
    set(opts, |options| {
        // SAFETY: NULL or `count` NUL-terminated strings, per the C contract.
        let values = unsafe { text_list(values, count, "values") }?;
        apply(options, values.into_iter().map(str::to_owned).collect());
        Ok(())
    })
}

/// Adds a time comparison to `created_at` or `updated_at`.
fn add_time(
    opts: *mut glance_list_opts,
    op: *const c_char,
    time: *const c_char,
    field: fn(&mut ListOptions) -> &mut Vec<(Compare, String)>,
) -> glance_status {
    set(opts, |options| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let op = unsafe { text(op, "op") }?.parse::<Compare>()?;
        let time = unsafe { text(time, "time") }?;
        field(options).push((op, time.to_owned()));
        Ok(())
    })
}

/// Makes empty list options. Returns a new handle owned by the caller (free it
/// with `glance_list_opts_free`); NULL only if the library failed internally.
#[no_mangle]
pub extern "C" fn glance_list_opts_new() -> *mut glance_list_opts {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_list_opts {
            options: ListOptions::default(),
        })
    })
}

/// Frees list options. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_list_opts_free(opts: *mut glance_list_opts) {
    // SAFETY: NULL or options from glance_list_opts_new, per the C contract.
    boundary::value((), || unsafe { boundary::free(opts) })
}

/// Page size: at most `limit` images per request (the server may cap it).
/// 0 fails when the listing starts. Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_limit(
    opts: *mut glance_list_opts,
    limit: u32,
) -> glance_status {
    set(opts, |o| {
        o.limit = Some(limit);
        Ok(())
    })
}

/// Starts after the image with this id.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_marker(
    opts: *mut glance_list_opts,
    marker: *const c_char,
) -> glance_status {
    set_text(opts, marker, "marker", |o, v| {
        o.marker = Some(v.to_owned());
        Ok(())
    })
}

/// Only the image with this id.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_id(
    opts: *mut glance_list_opts,
    id: *const c_char,
) -> glance_status {
    set_text(opts, id, "id", |o, v| {
        o.id = Some(Match::from(v));
        Ok(())
    })
}

/// Only images whose id is one of the `count` ids of `ids` (`in:` filter).
/// An empty list fails when the listing starts.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_id_in(
    opts: *mut glance_list_opts,
    ids: *const *const c_char,
    count: usize,
) -> glance_status {
    set_list(opts, ids, count, |o, v| o.id = Some(Match::In(v)))
}

/// Only images with exactly this name.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_name(
    opts: *mut glance_list_opts,
    name: *const c_char,
) -> glance_status {
    set_text(opts, name, "name", |o, v| {
        o.name = Some(Match::from(v));
        Ok(())
    })
}

/// Only images whose name is one of the `count` names of `names` (names
/// holding commas are quoted for you).
#[no_mangle]
pub extern "C" fn glance_list_opts_set_name_in(
    opts: *mut glance_list_opts,
    names: *const *const c_char,
    count: usize,
) -> glance_status {
    set_list(opts, names, count, |o, v| o.name = Some(Match::In(v)))
}

/// Only images of this visibility (`public`, `private`, `shared`,
/// `community`), or `all` for every image the caller may see.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_visibility(
    opts: *mut glance_list_opts,
    visibility: *const c_char,
) -> glance_status {
    set_text(opts, visibility, "visibility", |o, v| {
        o.visibility = Some(match v {
            "all" => VisibilityFilter::All,
            other => VisibilityFilter::Only(Visibility::from(other)),
        });
        Ok(())
    })
}

/// Only shared images the caller answered this way (`pending`, `accepted`,
/// `rejected`), or `all`. The server's default is `accepted`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_member_status(
    opts: *mut glance_list_opts,
    member_status: *const c_char,
) -> glance_status {
    set_text(opts, member_status, "member_status", |o, v| {
        o.member_status = Some(match v {
            "all" => MemberStatusFilter::All,
            other => MemberStatusFilter::Only(MemberStatus::from(other)),
        });
        Ok(())
    })
}

/// Only images owned by this project id.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_owner(
    opts: *mut glance_list_opts,
    owner: *const c_char,
) -> glance_status {
    set_text(opts, owner, "owner", |o, v| {
        o.owner = Some(v.to_owned());
        Ok(())
    })
}

/// Only images carrying this tag (call again for images carrying all of several).
#[no_mangle]
pub extern "C" fn glance_list_opts_add_tag(
    opts: *mut glance_list_opts,
    tag: *const c_char,
) -> glance_status {
    set_text(opts, tag, "tag", |o, v| {
        o.tags.push(v.to_owned());
        Ok(())
    })
}

/// Only images in this status (`active`, `queued`, ...).
#[no_mangle]
pub extern "C" fn glance_list_opts_set_status(
    opts: *mut glance_list_opts,
    status: *const c_char,
) -> glance_status {
    set_text(opts, status, "status", |o, v| {
        o.status = Some(StatusFilter::Is(ImageStatus::from(v)));
        Ok(())
    })
}

/// Only images in one of the `count` statuses of `statuses`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_status_in(
    opts: *mut glance_list_opts,
    statuses: *const *const c_char,
    count: usize,
) -> glance_status {
    set_list(opts, statuses, count, |o, v| {
        o.status = Some(StatusFilter::In(
            v.into_iter().map(ImageStatus::from).collect(),
        ))
    })
}

/// Only images of at least `bytes` bytes. Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_size_min(
    opts: *mut glance_list_opts,
    bytes: u64,
) -> glance_status {
    set(opts, |o| {
        o.size_min = Some(bytes);
        Ok(())
    })
}

/// Only images of at most `bytes` bytes. Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_size_max(
    opts: *mut glance_list_opts,
    bytes: u64,
) -> glance_status {
    set(opts, |o| {
        o.size_max = Some(bytes);
        Ok(())
    })
}

/// Sorts by one attribute, the legacy way (`sort_key`; cannot be combined
/// with `glance_list_opts_add_sort`).
#[no_mangle]
pub extern "C" fn glance_list_opts_set_sort_key(
    opts: *mut glance_list_opts,
    key: *const c_char,
) -> glance_status {
    set_text(opts, key, "key", |o, v| {
        o.sort_key = Some(v.to_owned());
        Ok(())
    })
}

/// The legacy sort direction: `asc` or `desc` (anything else:
/// `GLANCE_INVALID_ARG`).
#[no_mangle]
pub extern "C" fn glance_list_opts_set_sort_dir(
    opts: *mut glance_list_opts,
    dir: *const c_char,
) -> glance_status {
    set_text(opts, dir, "dir", |o, v| {
        o.sort_dir = Some(v.parse::<SortDir>()?);
        Ok(())
    })
}

/// Adds a sort key with its direction (`asc` or `desc`, anything else:
/// `GLANCE_INVALID_ARG`); keys apply in the order added.
#[no_mangle]
pub extern "C" fn glance_list_opts_add_sort(
    opts: *mut glance_list_opts,
    key: *const c_char,
    dir: *const c_char,
) -> glance_status {
    set(opts, |o| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let key = unsafe { text(key, "key") }?;
        let dir = unsafe { text(dir, "dir") }?.parse::<SortDir>()?;
        o.sort.push((key.to_owned(), dir));
        Ok(())
    })
}

/// Adds a condition on the creation time: `op` is `gt`, `gte`, `lt`, `lte`,
/// `eq` or `neq` (anything else: `GLANCE_INVALID_ARG`), `time` an ISO 8601
/// time such as `2026-01-31T00:00:00Z`.
#[no_mangle]
pub extern "C" fn glance_list_opts_add_created_at(
    opts: *mut glance_list_opts,
    op: *const c_char,
    time: *const c_char,
) -> glance_status {
    add_time(opts, op, time, |o| &mut o.created_at)
}

/// Adds a condition on the update time, as `glance_list_opts_add_created_at`.
#[no_mangle]
pub extern "C" fn glance_list_opts_add_updated_at(
    opts: *mut glance_list_opts,
    op: *const c_char,
    time: *const c_char,
) -> glance_status {
    add_time(opts, op, time, |o| &mut o.updated_at)
}

/// Only hidden images (`true`) or only visible ones (`false`).
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_os_hidden(
    opts: *mut glance_list_opts,
    hidden: bool,
) -> glance_status {
    set(opts, |o| {
        o.os_hidden = Some(hidden);
        Ok(())
    })
}

/// Only protected images (`true`) or only unprotected ones (`false`).
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_protected(
    opts: *mut glance_list_opts,
    protected: bool,
) -> glance_status {
    set(opts, |o| {
        o.protected = Some(protected);
        Ok(())
    })
}

/// Only images whose custom property `key` is exactly `value`.
#[no_mangle]
pub extern "C" fn glance_list_opts_add_property(
    opts: *mut glance_list_opts,
    key: *const c_char,
    value: *const c_char,
) -> glance_status {
    set(opts, |o| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let key = unsafe { text(key, "key") }?;
        let value = unsafe { text(value, "value") }?;
        o.properties.push((key.to_owned(), value.to_owned()));
        Ok(())
    })
}

/// Only images with this disk format.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_disk_format(
    opts: *mut glance_list_opts,
    disk_format: *const c_char,
) -> glance_status {
    set_text(opts, disk_format, "disk_format", |o, v| {
        o.disk_format = Some(Match::from(v));
        Ok(())
    })
}

/// Only images with one of the `count` disk formats of `disk_formats`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_disk_format_in(
    opts: *mut glance_list_opts,
    disk_formats: *const *const c_char,
    count: usize,
) -> glance_status {
    set_list(opts, disk_formats, count, |o, v| {
        o.disk_format = Some(Match::In(v))
    })
}

/// Only images with this container format.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_container_format(
    opts: *mut glance_list_opts,
    container_format: *const c_char,
) -> glance_status {
    set_text(opts, container_format, "container_format", |o, v| {
        o.container_format = Some(Match::from(v));
        Ok(())
    })
}

/// Only images with one of the `count` container formats of `container_formats`.
#[no_mangle]
pub extern "C" fn glance_list_opts_set_container_format_in(
    opts: *mut glance_list_opts,
    container_formats: *const *const c_char,
    count: usize,
) -> glance_status {
    set_list(opts, container_formats, count, |o, v| {
        o.container_format = Some(Match::In(v))
    })
}
