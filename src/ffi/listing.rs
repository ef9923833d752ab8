//! Listing images one page at a time: `glance_image_page` (the iterator over
//! every page is in `listing_iter.rs`).

use std::ffi::c_char;

use super::boundary;
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::list_opts::glance_list_opts;
use super::pager::{self, Records};
use crate::ImagePage;

/// One page of a listing: its images and the link to the next page.
///
/// Immutable: several threads may read one page at once. The images and
/// strings it lends stay valid until it is freed with `glance_image_page_free`.
pub struct glance_image_page {
    images: Records<glance_image>,
}

impl glance_image_page {
    fn new(page: ImagePage) -> glance_image_page {
        let images = Records::new(page, glance_image::new);
        glance_image_page { images }
    }
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
    pager::list(client, opts, out_page, "out_page", |c, o| {
        c.list_images(&o.options).map(glance_image_page::new)
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
    pager::list_at(client, link, out_page, |c, link| {
        c.list_images_at(link).map(glance_image_page::new)
    })
}

/// The number of images on the page; 0 when `page` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_page_count(page: *const glance_image_page) -> usize {
    pager::count(page, |p| &p.images)
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
    pager::get(page, index, |p| &p.images)
}

/// The link to the next page (for `glance_image_list_at`); NULL on the last
/// page or when `page` is NULL. Borrowed from the page.
#[no_mangle]
pub extern "C" fn glance_image_page_next(page: *const glance_image_page) -> *const c_char {
    pager::next(page, |p| &p.images)
}

/// The link to the first page of the same listing; NULL when the server sent
/// none or `page` is NULL. Borrowed from the page.
#[no_mangle]
pub extern "C" fn glance_image_page_first(page: *const glance_image_page) -> *const c_char {
    pager::first(page, |p| &p.images)
}

/// Frees a page and every image it lends. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_image_page_free(page: *mut glance_image_page) {
    // SAFETY: NULL or a page from glance_image_list(_at), per the C contract.
    boundary::value((), || unsafe { boundary::free(page) })
}
