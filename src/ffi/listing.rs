//! Listing images: one page at a time, or an iterator over every page.

use std::ffi::{c_char, CString};

use super::boundary::{self, borrow, borrow_mut, c_text, lend, text, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::list_opts::glance_list_opts;
use crate::{ImageIter, ImagePage};

/// One page of a listing: its images and the link to the next page.
///
/// Immutable: several threads may read one page at once. The images and
/// strings it lends stay valid until it is freed with `glance_image_page_free`.
pub struct glance_image_page {
    images: Vec<glance_image>,
    next: Option<CString>,
    first: Option<CString>,
}

impl glance_image_page {
    fn new(page: ImagePage) -> glance_image_page {
        glance_image_page {
            next: page.next.as_deref().and_then(c_text),
            first: page.first.as_deref().and_then(c_text),
            images: page.images.into_iter().map(glance_image::new).collect(),
        }
    }
}

/// Iterates over every image of a listing, fetching the next page when the
/// previous one is used up.
///
/// Holds its own reference to the client, so it may outlive the
/// `glance_client` handle. May move between threads, but only one thread at a
/// time may use it. Free it with `glance_image_iter_free`.
pub struct glance_image_iter {
    iter: ImageIter,
}

/// Fetches the first page of images matching `opts`.
///
/// `client` and `opts` are only borrowed during the call. On success
/// `*out_page` receives a new page owned by the caller (free it with
/// `glance_image_page_free`); on failure it is not written.
///
/// Thread-safe as far as `client` goes.
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_ARG` (a bad
/// option, before any request), `GLANCE_UNAUTHORIZED`, `GLANCE_FORBIDDEN`,
/// `GLANCE_BAD_REQUEST` (a filter the server refuses), `GLANCE_TRANSPORT`,
/// `GLANCE_TIMEOUT`, `GLANCE_TLS`, `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`,
/// `GLANCE_SERVICE_UNAVAILABLE`, `GLANCE_HTTP`.
#[no_mangle]
pub extern "C" fn glance_image_list(
    client: *const glance_client,
    opts: *const glance_list_opts,
    out_page: *mut *mut glance_image_page,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let opts = unsafe { borrow(opts, "opts") }?;
        let out = unsafe { Out::new(out_page, "out_page") }?;
        let page = client.client.list_images(&opts.options)?;
        out.set(boundary::give(glance_image_page::new(page)));
        Ok(())
    })
}

/// Fetches the page a link names: the value of `glance_image_page_next` (or
/// `glance_image_page_first`) of an earlier page, as given.
///
/// `link` is only read during the call. Ownership and statuses as
/// `glance_image_list` (`GLANCE_INVALID_RESPONSE` also when the link points to
/// another host: the token is never sent there).
#[no_mangle]
pub extern "C" fn glance_image_list_at(
    client: *const glance_client,
    link: *const c_char,
    out_page: *mut *mut glance_image_page,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let link = unsafe { text(link, "link") }?;
        let out = unsafe { Out::new(out_page, "out_page") }?;
        let page = client.client.list_images_at(link)?;
        out.set(boundary::give(glance_image_page::new(page)));
        Ok(())
    })
}

/// The number of images on the page; 0 when `page` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_page_count(page: *const glance_image_page) -> usize {
    boundary::value(0, || {
        // SAFETY: NULL or a live page, per the C contract.
        unsafe { page.as_ref() }.map_or(0, |p| p.images.len())
    })
}

/// Image number `index` (from 0) of the page; NULL when out of range or
/// `page` is NULL.
///
/// The image is borrowed from the page: valid until the page is freed; do not
/// free it (copy it with `glance_image_clone` to keep it longer).
#[no_mangle]
pub extern "C" fn glance_image_page_get(
    page: *const glance_image_page,
    index: usize,
) -> *const glance_image {
    boundary::value(std::ptr::null(), || {
        // SAFETY: NULL or a live page, per the C contract.
        unsafe { page.as_ref() }
            .and_then(|p| p.images.get(index))
            .map_or(std::ptr::null(), |i| i as *const glance_image)
    })
}

/// The link to the next page (for `glance_image_list_at`); NULL on the last
/// page or when `page` is NULL. Borrowed from the page.
#[no_mangle]
pub extern "C" fn glance_image_page_next(page: *const glance_image_page) -> *const c_char {
    boundary::value(std::ptr::null(), || {
        // SAFETY: NULL or a live page, per the C contract.
        unsafe { page.as_ref() }.map_or(std::ptr::null(), |p| lend(&p.next))
    })
}

/// The link to the first page of the same listing; NULL when the server sent
/// none or `page` is NULL. Borrowed from the page.
#[no_mangle]
pub extern "C" fn glance_image_page_first(page: *const glance_image_page) -> *const c_char {
    boundary::value(std::ptr::null(), || {
        // SAFETY: NULL or a live page, per the C contract.
        unsafe { page.as_ref() }.map_or(std::ptr::null(), |p| lend(&p.first))
    })
}

/// Frees a page and every image it lends. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_image_page_free(page: *mut glance_image_page) {
    // SAFETY: NULL or a page from glance_image_list(_at), per the C contract.
    boundary::value((), || unsafe { boundary::free(page) })
}

/// Starts iterating over every image matching `opts`, page after page. No
/// request is sent until the first `glance_image_iter_next`, and a bad option
/// is reported there.
///
/// `client` and `opts` are only borrowed during the call (the iterator keeps
/// its own reference to the client and a copy of the options). On success
/// `*out_iter` receives a new iterator owned by the caller (free it with
/// `glance_image_iter_free`); on failure it is not written.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_iter_new(
    client: *const glance_client,
    opts: *const glance_list_opts,
    out_iter: *mut *mut glance_image_iter,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let opts = unsafe { borrow(opts, "opts") }?;
        let out = unsafe { Out::new(out_iter, "out_iter") }?;
        let iter = client.client.images(&opts.options);
        out.set(boundary::give(glance_image_iter { iter }));
        Ok(())
    })
}

/// The next image. Returns `GLANCE_OK` and writes `*out_image` (a new image
/// owned by the caller, freed with `glance_image_free`), or `GLANCE_DONE`
/// when there are no more images, or a failure (as `glance_image_list`);
/// `*out_image` is written only with `GLANCE_OK`. After a failure or
/// `GLANCE_DONE` the iterator is finished: every further call gives `GLANCE_DONE`.
#[no_mangle]
pub extern "C" fn glance_image_iter_next(
    iter: *mut glance_image_iter,
    out_image: *mut *mut glance_image,
) -> glance_status {
    boundary::run_status(|| {
        // SAFETY: NULL or a live iterator / a writable pointer, per the C contract.
        let iter = unsafe { borrow_mut(iter, "iter") }?;
        let out = unsafe { Out::new(out_image, "out_image") }?;
        match iter.iter.next() {
            Some(image) => {
                out.set(boundary::give(glance_image::new(image?)));
                Ok(glance_status::GLANCE_OK)
            }
            None => Ok(glance_status::GLANCE_DONE),
        }
    })
}

/// Frees an iterator. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_image_iter_free(iter: *mut glance_image_iter) {
    // SAFETY: NULL or an iterator from glance_image_iter_new, per the C contract.
    boundary::value((), || unsafe { boundary::free(iter) })
}
