//! The C functions that read the last error (`glance_error_*`), the fixed
//! texts of the statuses, and the library version.

use std::ffi::c_char;

use super::boundary::{self, lend};
pub use super::last_error::glance_error;
use super::last_error::last_error;
pub use super::status::glance_status;

/// The details of the most recent failure on this thread.
///
/// Returns NULL when the most recent call that returns a `glance_status` (on
/// this thread) succeeded or when there was none. The error is owned by the
/// library: do not free it. It stays valid until the next call on this thread
/// that returns a `glance_status`; getters (functions that return no status)
/// leave it alone, so it can be read with the `glance_error_*` functions.
///
/// Thread-safety: each thread has its own last error.
#[no_mangle]
pub extern "C" fn glance_error_last() -> *const glance_error {
    boundary::value(std::ptr::null(), last_error)
}

/// The status of a failure; `GLANCE_NULL_ARG` when `error` is NULL.
///
/// `error` is borrowed (from `glance_error_last()`).
#[no_mangle]
pub extern "C" fn glance_error_status(error: *const glance_error) -> glance_status {
    boundary::value(glance_status::GLANCE_PANIC, || {
        // SAFETY: NULL or from glance_error_last(), still current.
        match unsafe { error.as_ref() } {
            Some(e) => e.status,
            None => glance_status::GLANCE_NULL_ARG,
        }
    })
}

/// What failed and why, in English: the operation, the HTTP status, the
/// server's own message and the request id when there was one, e.g.
/// `not found: GET /v2/images/x returned 404: No image found with ID x
/// (request id req-...)`.
///
/// Returns a NUL-terminated UTF-8 string borrowed from `error` (valid as long
/// as `error` is), or NULL when `error` is NULL.
#[no_mangle]
pub extern "C" fn glance_error_message(error: *const glance_error) -> *const c_char {
    boundary::value(std::ptr::null(), || {
        // SAFETY: NULL or from glance_error_last(), still current.
        unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| lend(&e.message))
    })
}

/// The HTTP status the server answered (e.g. 404), or 0 when the failure was
/// not an HTTP answer (bad argument, network, ...) or `error` is NULL.
#[no_mangle]
pub extern "C" fn glance_error_http_status(error: *const glance_error) -> u16 {
    boundary::value(0, || {
        // SAFETY: NULL or from glance_error_last(), still current.
        unsafe { error.as_ref() }.map_or(0, |e| e.http_status)
    })
}

/// The `x-openstack-request-id` of the failed request, which operators need to
/// find it in their logs; NULL when the server sent none, no request was made,
/// or `error` is NULL.
///
/// The string is borrowed from `error` (valid as long as `error` is).
#[no_mangle]
pub extern "C" fn glance_error_request_id(error: *const glance_error) -> *const c_char {
    boundary::value(std::ptr::null(), || {
        // SAFETY: NULL or from glance_error_last(), still current.
        unsafe { error.as_ref() }.map_or(std::ptr::null(), |e| lend(&e.request_id))
    })
}

/// A fixed English description of a status, e.g. "not found (HTTP 404)";
/// "unknown status" for a number that is not a `glance_status`.
///
/// The string is static: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn glance_status_str(status: u32) -> *const c_char {
    boundary::value(c"unknown status".as_ptr(), || {
        glance_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .map_or(c"unknown status", |s| s.text())
            .as_ptr()
    })
}

/// The library's version, e.g. "0.1.0" (the same as `GLANCE_VERSION` in the
/// header the program was compiled with, unless it runs with another build of
/// the library).
///
/// The string is static: never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn glance_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::boundary::CallError;
    use crate::ffi::last_error::{clear_last_error, set_last_error};
    use crate::Error;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn every_status_has_a_text() {
        assert_eq!(text(glance_status_str(404)), "not found (HTTP 404)");
        assert_eq!(text(glance_status_str(0)), "success");
        assert_eq!(text(glance_status_str(12345)), "unknown status");
        for s in glance_status::ALL {
            assert_ne!(text(glance_status_str(s as u32)), "unknown status");
        }
    }

    #[test]
    fn http_failures_keep_their_details() {
        let error = Error::from_status(crate::HttpError {
            method: "GET".into(),
            path: "/v2/images/x".into(),
            status: 404,
            message: "gone".into(),
            request_id: Some("req-7".into()),
        });
        set_last_error(CallError::from(error));
        let last = glance_error_last();
        assert_eq!(glance_error_status(last), glance_status::GLANCE_NOT_FOUND);
        assert_eq!(glance_error_http_status(last), 404);
        assert_eq!(text(glance_error_request_id(last)), "req-7");
        assert!(text(glance_error_message(last)).contains("gone"));
        clear_last_error();
        assert!(glance_error_last().is_null());
        assert_eq!(
            glance_error_status(std::ptr::null()),
            glance_status::GLANCE_NULL_ARG
        );
        assert!(glance_error_message(std::ptr::null()).is_null());
    }

    #[test]
    fn version_matches_the_crate() {
        assert_eq!(text(glance_version()), env!("CARGO_PKG_VERSION"));
    }
}
