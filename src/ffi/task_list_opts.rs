//! What a task listing lists: `glance_task_list_opts`, its filters, sorting
//! and page size.

use std::ffi::c_char;

use super::boundary::{self, text};
use super::error::glance_status;
use crate::{
    tasks::{TaskListOptions, TaskStatus, TaskType},
    SortDir,
};

/// What to list: filters, sorting and page size for `glance_task_list` and
/// `glance_task_iter_new`. Every field is optional; values are checked when
/// the listing starts (`GLANCE_INVALID_ARG` before any request).
///
/// Made by `glance_task_list_opts_new`, freed by `glance_task_list_opts_free`;
/// listings copy what they need. Not thread-safe: one thread at a time may
/// change it. Setters copy their strings and return `GLANCE_OK`,
/// `GLANCE_NULL_ARG` or `GLANCE_INVALID_UTF8`.
pub struct glance_task_list_opts {
    pub(crate) options: TaskListOptions,
}

/// Makes empty task-list options (free them with `glance_task_list_opts_free`).
#[no_mangle]
pub extern "C" fn glance_task_list_opts_new() -> *mut glance_task_list_opts {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_task_list_opts {
            options: TaskListOptions::default(),
        })
    })
}

/// Frees task-list options. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_task_list_opts_free(opts: *mut glance_task_list_opts) {
    // SAFETY: NULL or options from glance_task_list_opts_new, per the contract.
    boundary::value((), || unsafe { boundary::free(opts) })
}

/// Page size (1 or more; checked when the listing starts).
#[no_mangle]
pub extern "C" fn glance_task_list_opts_set_limit(
    opts: *mut glance_task_list_opts,
    limit: u32,
) -> glance_status {
    boundary::change(opts, "opts", |o| {
        o.options.limit = Some(limit);
        Ok(())
    })
}

/// Start after the task with this id.
#[no_mangle]
pub extern "C" fn glance_task_list_opts_set_marker(
    opts: *mut glance_task_list_opts,
    marker: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |o| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        o.options.marker = Some(unsafe { text(marker, "marker") }?.to_owned());
        Ok(())
    })
}

/// Tasks of this type only (`import`, `api_image_import`, ...).
#[no_mangle]
pub extern "C" fn glance_task_list_opts_set_type(
    opts: *mut glance_task_list_opts,
    r#type: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |o| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        o.options.task_type = Some(TaskType::from(unsafe { text(r#type, "type") }?));
        Ok(())
    })
}

/// Tasks in this status only (`pending`, `processing`, `success`, `failure`).
#[no_mangle]
pub extern "C" fn glance_task_list_opts_set_status(
    opts: *mut glance_task_list_opts,
    status: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |o| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        o.options.status = Some(TaskStatus::from(unsafe { text(status, "status") }?));
        Ok(())
    })
}

/// Sort by `key` (e.g. `created_at`) in direction `dir`, `asc` or `desc`
/// (`GLANCE_INVALID_ARG` otherwise).
#[no_mangle]
pub extern "C" fn glance_task_list_opts_set_sort(
    opts: *mut glance_task_list_opts,
    key: *const c_char,
    dir: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |o| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let key = unsafe { text(key, "key") }?;
        let dir: SortDir = unsafe { text(dir, "dir") }?.parse()?;
        o.options.sort_key = Some(key.to_owned());
        o.options.sort_dir = Some(dir);
        Ok(())
    })
}
