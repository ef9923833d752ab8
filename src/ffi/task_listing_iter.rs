//! Iterating over every task of a listing, page after page:
//! `glance_task_iter`.

use super::boundary;
use super::client::glance_client;
use super::error::glance_status;
use super::pager;
use super::task::glance_task;
use super::task_list_opts::glance_task_list_opts;
use crate::tasks::TaskIter;

/// Iterates over every task of a listing, fetching pages as needed. Holds its
/// own reference to the client. One thread at a time; free it with
/// `glance_task_iter_free`.
pub struct glance_task_iter {
    iter: TaskIter,
}

/// Starts iterating over every task matching `opts`; nothing is sent before
/// the first `glance_task_iter_next`. The iterator keeps its own reference to
/// the client and a copy of the options; free it with `glance_task_iter_free`.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_task_iter_new(
    client: *const glance_client,
    opts: *const glance_task_list_opts,
    out_iter: *mut *mut glance_task_iter,
) -> glance_status {
    pager::list(client, opts, out_iter, "out_iter", |c, o| {
        let iter = c.tasks(&o.options);
        Ok(glance_task_iter { iter })
    })
}

/// The next task: `GLANCE_OK` and `*out_task` (owned by the caller), or
/// `GLANCE_DONE` when there are no more, or a failure (as
/// `glance_task_list`). After a failure or `GLANCE_DONE` every further call
/// gives `GLANCE_DONE`.
#[no_mangle]
pub extern "C" fn glance_task_iter_next(
    iter: *mut glance_task_iter,
    out_task: *mut *mut glance_task,
) -> glance_status {
    pager::step(
        iter,
        out_task,
        "out_task",
        |i| &mut i.iter,
        glance_task::new,
    )
}

/// Frees a task iterator. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_task_iter_free(iter: *mut glance_task_iter) {
    // SAFETY: NULL or an iterator from glance_task_iter_new, per the contract.
    boundary::value((), || unsafe { boundary::free(iter) })
}
