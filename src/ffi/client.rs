//! The client handle C programs share between threads.

use std::ffi::c_char;

use super::boundary::{self, borrow, text, CallError, CallResult, Out};
use super::error::glance_status;
use crate::{auth::Service, Client};

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

/// Runs a call on the client that gives back an optional string.
fn string_out(
    client: *const glance_client,
    out: *mut *mut c_char,
    call: impl FnOnce(&Client) -> CallResult<Option<String>>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live client / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let out = unsafe { Out::new(out, "out") }?;
        let value = call(&client.client)?;
        out.set(match value {
            Some(value) => boundary::give_string(value)?,
            None => std::ptr::null_mut(),
        });
        Ok(())
    })
}

/// Runs a call on the client that gives C a new string.
pub(crate) fn give_text(
    client: *const glance_client,
    out: *mut *mut c_char,
    call: impl FnOnce(&Client) -> CallResult<String>,
) -> glance_status {
    string_out(client, out, |client| call(client).map(Some))
}

/// The token the client sends now (authenticating first when it has none),
/// for handing to another tool. It is renewed behind the client's back, so
/// ask again rather than keeping it.
///
/// Like every call that gives back a string: on success `*out` receives a
/// new NUL-terminated string owned by the caller (free it with
/// `glance_string_free`, which also wipes it), on failure it is not written.
/// Thread-safe. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, and when it has to
/// authenticate: `GLANCE_UNAUTHORIZED` (refused credentials), `GLANCE_CONFIG`,
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_HTTP`.
#[no_mangle]
pub extern "C" fn glance_client_auth_token(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    string_out(client, out, |c| {
        Ok(Some(c.auth_token()?.expose().to_owned()))
    })
}

/// The id of the project the token is scoped to (the v2.0 tenant).
/// `*out` is set to NULL (with `GLANCE_OK`) for a bare token, whose scope the
/// client cannot know, or an unscoped one. Otherwise as `glance_client_auth_token`.
#[no_mangle]
pub extern "C" fn glance_client_project_id(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    string_out(client, out, |c| Ok(c.project_id()?))
}

/// The id of the authenticated user; `*out` is set to NULL (with
/// `GLANCE_OK`) for a bare token. Otherwise as `glance_client_auth_token`.
#[no_mangle]
pub extern "C" fn glance_client_user_id(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    string_out(client, out, |c| Ok(c.user_id()?))
}

/// The base URL the client uses for `service` (`image` or `object-store`):
/// the override when one was given, else the catalog's endpoint for the
/// configured region and interface (without `/v2` for the Image service).
///
/// As `glance_client_auth_token`, plus `GLANCE_INVALID_UTF8`, and
/// `GLANCE_INVALID_ARG` for another service name; `GLANCE_CONFIG` when the
/// catalog has no such endpoint (the message lists what it has).
#[no_mangle]
pub extern "C" fn glance_client_endpoint_url(
    client: *const glance_client,
    service: *const c_char,
    out: *mut *mut c_char,
) -> glance_status {
    string_out(client, out, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let service = match unsafe { text(service, "service") }? {
            "image" => Service::Image,
            "object-store" => Service::ObjectStore,
            other => {
                return Err(CallError::invalid_argument(format!(
                    "service must be 'image' or 'object-store', not '{other}'"
                )))
            }
        };
        Ok(Some(c.endpoint_url(service)?))
    })
}
