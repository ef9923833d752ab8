//! Listing tasks one page at a time: `glance_task_page` (the iterator over
//! every page is in `task_listing_iter.rs`).

use std::ffi::c_char;

use super::boundary;
use super::client::glance_client;
use super::error::glance_status;
use super::pager::{self, Records};
use super::task::glance_task;
use super::task_list_opts::glance_task_list_opts;
use crate::tasks::TaskPage;

/// One page of a task listing. Immutable; the tasks and strings it lends stay
/// valid until it is freed with `glance_task_page_free`.
pub struct glance_task_page {
    tasks: Records<glance_task>,
}

impl glance_task_page {
    fn new(page: TaskPage) -> glance_task_page {
        let tasks = Records::new(page, glance_task::new);
        glance_task_page { tasks }
    }
}

/// Fetches the first page of tasks matching `opts` (new page owned by the
/// caller; free it with `glance_task_page_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` (a bad option, before any
/// request), `GLANCE_BAD_REQUEST` (a sort key the server refuses), and the
/// statuses of `glance_task_get`.
#[no_mangle]
pub extern "C" fn glance_task_list(
    client: *const glance_client,
    opts: *const glance_task_list_opts,
    out_page: *mut *mut glance_task_page,
) -> glance_status {
    pager::list(client, opts, out_page, "out_page", |c, o| {
        c.list_tasks(&o.options).map(glance_task_page::new)
    })
}

/// Fetches the page a link names (`glance_task_page_next` of an earlier
/// page). Ownership and statuses as `glance_task_list`.
#[no_mangle]
pub extern "C" fn glance_task_list_at(
    client: *const glance_client,
    link: *const c_char,
    out_page: *mut *mut glance_task_page,
) -> glance_status {
    pager::list_at(client, link, out_page, |c, link| {
        c.list_tasks_at(link).map(glance_task_page::new)
    })
}

/// The number of tasks on the page; 0 when `page` is NULL.
#[no_mangle]
pub extern "C" fn glance_task_page_count(page: *const glance_task_page) -> usize {
    pager::count(page, |p| &p.tasks)
}

/// Task number `index` (from 0); NULL when out of range. Borrowed from the
/// page (copy it with `glance_task_clone` to keep it).
#[no_mangle]
pub extern "C" fn glance_task_page_get(
    page: *const glance_task_page,
    index: usize,
) -> *const glance_task {
    pager::get(page, index, |p| &p.tasks)
}

/// The link to the next page; NULL on the last page. Borrowed from the page.
#[no_mangle]
pub extern "C" fn glance_task_page_next(page: *const glance_task_page) -> *const c_char {
    pager::next(page, |p| &p.tasks)
}

/// The link to the first page; NULL when absent. Borrowed from the page.
#[no_mangle]
pub extern "C" fn glance_task_page_first(page: *const glance_task_page) -> *const c_char {
    pager::first(page, |p| &p.tasks)
}

/// Frees a page and every task it lends. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_task_page_free(page: *mut glance_task_page) {
    // SAFETY: NULL or a page from glance_task_list(_at), per the C contract.
    boundary::value((), || unsafe { boundary::free(page) })
}
