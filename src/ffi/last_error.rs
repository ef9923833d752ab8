//! Why a call failed ([`CallError`]) and the thread-local record of the
//! most recent failure that `glance_error_last` lends to C. Below the panic
//! boundary, which fills it.

use std::cell::RefCell;
use std::ffi::CString;

use super::status::glance_status;

/// Why a call failed: the status C gets and what the last error records.
#[derive(Debug)]
pub(crate) struct CallError {
    pub(crate) status: glance_status,
    pub(crate) message: String,
    pub(crate) http_status: u16,
    pub(crate) request_id: Option<String>,
}

impl CallError {
    /// A failure found in the FFI layer itself (bad pointer, bad string).
    pub(crate) fn new(status: glance_status, message: impl Into<String>) -> CallError {
        CallError {
            status,
            message: message.into(),
            http_status: 0,
            request_id: None,
        }
    }

    /// An argument that C passed and the library cannot use.
    pub(crate) fn invalid_argument(message: impl Into<String>) -> CallError {
        CallError::new(glance_status::GLANCE_INVALID_ARG, message)
    }
}

impl From<crate::Error> for CallError {
    fn from(error: crate::Error) -> CallError {
        CallError {
            status: glance_status::of(&error),
            message: error.to_string(),
            http_status: error.status().unwrap_or(0),
            request_id: error.request_id().map(str::to_owned),
        }
    }
}

/// The result of a function body.
pub(crate) type CallResult<T = ()> = Result<T, CallError>;

/// The details of a failed call: status, message, HTTP status, request id.
///
/// Owned by the library and kept per thread; obtained with
/// `glance_error_last()`. Read it with the `glance_error_*` getters.
pub struct glance_error {
    pub(super) status: glance_status,
    pub(super) message: Option<CString>,
    pub(super) http_status: u16,
    pub(super) request_id: Option<CString>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<Box<glance_error>>> = const { RefCell::new(None) };
}

/// Forgets the thread's last error (at the start of every status-returning call).
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|last| last.borrow_mut().take());
}

/// Records a failure as the thread's last error.
pub(crate) fn set_last_error(error: CallError) {
    let record = Box::new(glance_error {
        status: error.status,
        // The message is for people: a NUL byte (from a server's text) is shown escaped.
        message: CString::new(error.message.replace('\0', "\\0")).ok(),
        http_status: error.http_status,
        request_id: error.request_id.and_then(|id| CString::new(id).ok()),
    });
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = Some(record));
}

/// The thread's last error, NULL when there is none.
pub(super) fn last_error() -> *const glance_error {
    LAST_ERROR
        .try_with(|last| {
            last.borrow()
                .as_deref()
                .map_or(std::ptr::null(), |e| e as *const glance_error)
        })
        .unwrap_or(std::ptr::null())
}
