//! Iterating over every image of a listing, page after page:
//! `glance_image_iter`.

use super::boundary;
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::list_opts::glance_list_opts;
use super::pager;
use crate::ImageIter;

/// Iterates over every image of a listing, fetching the next page when the
/// previous one is used up.
///
/// Holds its own reference to the client, so it may outlive the
/// `glance_client` handle. May move between threads, but only one thread at a
/// time may use it. Free it with `glance_image_iter_free`.
pub struct glance_image_iter {
    iter: ImageIter,
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
    pager::list(client, opts, out_iter, "out_iter", |c, o| {
        let iter = c.images(&o.options);
        Ok(glance_image_iter { iter })
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
    pager::step(
        iter,
        out_image,
        "out_image",
        |i| &mut i.iter,
        glance_image::new,
    )
}

/// Frees an iterator. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_image_iter_free(iter: *mut glance_image_iter) {
    // SAFETY: NULL or an iterator from glance_image_iter_new, per the C contract.
    boundary::value((), || unsafe { boundary::free(iter) })
}
