//! The body the C page and iterator classes share (images, tasks): a page
//! lends its records and its two links; an iterator hands out one owned
//! record at a time. Each class's file keeps its handle type and its
//! exported functions, which call these.

use std::ffi::{c_char, CString};

use super::boundary::{self, borrow, borrow_mut, c_text, lend, text, CallResult, Out};
use super::client::glance_client;
use super::error::glance_status;
use crate::paging::Page;

/// What a C page handle holds: its records as C handles, and its links.
pub(crate) struct Records<H> {
    records: Vec<H>,
    next: Option<CString>,
    first: Option<CString>,
}

impl<H> Records<H> {
    /// The page's records, each made a C handle by `handle`.
    pub(crate) fn new<P: Page>(page: P, handle: fn(P::Record) -> H) -> Records<H> {
        let (records, next, first) = page.into_parts();
        Records {
            records: records.into_iter().map(handle).collect(),
            next: next.as_deref().and_then(c_text),
            first: first.as_deref().and_then(c_text),
        }
    }
}

/// Runs a call that hands C a new page or iterator made from list options.
pub(crate) fn list<O, T>(
    client: *const glance_client,
    opts: *const O,
    out: *mut *mut T,
    out_name: &str,
    make: impl FnOnce(&crate::Client, &O) -> crate::Result<T>,
) -> glance_status {
    // SAFETY: NULL or live options, per the C contract.
    start(
        client,
        || unsafe { borrow(opts, "opts") },
        out,
        out_name,
        make,
    )
}

/// Runs a call that hands C the page a `next` (or `first`) link names.
pub(crate) fn list_at<T>(
    client: *const glance_client,
    link: *const c_char,
    out_page: *mut *mut T,
    make: impl FnOnce(&crate::Client, &str) -> crate::Result<T>,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    start(
        client,
        || unsafe { text(link, "link") },
        out_page,
        "out_page",
        make,
    )
}

/// Checks `client`, the call's own argument and the out-parameter in that
/// order (the order C names them), and writes the new handle only on success.
fn start<A, T>(
    client: *const glance_client,
    arg: impl FnOnce() -> CallResult<A>,
    out: *mut *mut T,
    out_name: &str,
    make: impl FnOnce(&crate::Client, A) -> crate::Result<T>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live client / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let arg = arg()?;
        let out = unsafe { Out::new(out, out_name) }?;
        out.set(boundary::give(make(&client.client, arg)?));
        Ok(())
    })
}

/// Runs a getter on a page: `fallback` when `page` is NULL.
fn read<T, H, R: Copy>(
    page: *const T,
    fallback: R,
    records: impl FnOnce(&T) -> &Records<H>,
    f: impl FnOnce(&Records<H>) -> R,
) -> R {
    boundary::get(page, fallback, |p| f(records(p)))
}

/// The number of records on the page; 0 when `page` is NULL.
pub(crate) fn count<T, H>(page: *const T, records: impl FnOnce(&T) -> &Records<H>) -> usize {
    read(page, 0, records, |r| r.records.len())
}

/// Record number `index`, borrowed from the page; NULL when out of range
/// or `page` is NULL.
pub(crate) fn get<T, H>(
    page: *const T,
    index: usize,
    records: impl FnOnce(&T) -> &Records<H>,
) -> *const H {
    read(page, std::ptr::null(), records, |r| {
        r.records
            .get(index)
            .map_or(std::ptr::null(), |h| h as *const H)
    })
}

/// The link to the next page, borrowed from the page; NULL on the last page
/// or when `page` is NULL.
pub(crate) fn next<T, H>(page: *const T, records: impl FnOnce(&T) -> &Records<H>) -> *const c_char {
    read(page, std::ptr::null(), records, |r| lend(&r.next))
}

/// The link to the first page, borrowed from the page; NULL when the server
/// sent none or `page` is NULL.
pub(crate) fn first<T, H>(
    page: *const T,
    records: impl FnOnce(&T) -> &Records<H>,
) -> *const c_char {
    read(page, std::ptr::null(), records, |r| lend(&r.first))
}

/// One step of a C iterator: `GLANCE_OK` with a new record handle in `*out`,
/// `GLANCE_DONE` when the listing is over, or the failure that ended it.
pub(crate) fn step<T, P: Page, H>(
    iter: *mut T,
    out: *mut *mut H,
    out_name: &str,
    pager: impl FnOnce(&mut T) -> &mut crate::paging::Pager<P>,
    handle: fn(P::Record) -> H,
) -> glance_status {
    boundary::run_status(|| {
        // SAFETY: NULL or a live iterator / a writable pointer, per the C contract.
        let iter = unsafe { borrow_mut(iter, "iter") }?;
        let out = unsafe { Out::new(out, out_name) }?;
        match pager(iter).next() {
            Some(record) => {
                out.set(boundary::give(handle(record?)));
                Ok(glance_status::GLANCE_OK)
            }
            None => Ok(glance_status::GLANCE_DONE),
        }
    })
}
