//! The client handle C programs share between threads.

use super::boundary;
use crate::Client;

/// A connection to the Image service, made by `glance_config_build`.
///
/// Thread-safe: one client may be used by many threads at once (they share
/// its connection pool and token). Every call that takes a `const
/// glance_client *` only borrows it for the call. Free it with
/// `glance_client_free` once no thread uses it any more; handles made from it
/// (an image iterator, for example) keep what they need and may outlive it.
pub struct glance_client {
    pub(crate) client: Client,
}

/// Frees a client. NULL is ignored.
///
/// No call may be using the client at the time, and it must not be used
/// afterwards.
#[no_mangle]
pub extern "C" fn glance_client_free(client: *mut glance_client) {
    // SAFETY: NULL or a client from glance_config_build, by the contract above.
    boundary::value((), || unsafe { boundary::free(client) })
}
