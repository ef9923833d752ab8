//! The wire log: a C callback told about every HTTP attempt (never a header
//! or a body, so never a secret).

use std::ffi::{c_char, c_void, CString};

use super::boundary::{self, c_text, get, lend};
use super::config::{glance_config, set};
use super::error::glance_status;
use crate::config::WireEvent;

/// One HTTP attempt, as the wire log reports it. Lent to the callback for
/// the duration of the call only: read it there, never keep the pointer.
pub struct glance_wire_event {
    method: Option<CString>,
    url: Option<CString>,
    status: u16,
    request_id: Option<CString>,
    elapsed_ms: u64,
    attempt: u32,
    error: Option<CString>,
}

impl glance_wire_event {
    fn new(event: &WireEvent) -> glance_wire_event {
        glance_wire_event {
            method: c_text(&event.method),
            url: c_text(&event.url),
            status: event.status.unwrap_or(0),
            request_id: event.request_id.as_deref().and_then(c_text),
            elapsed_ms: u64::try_from(event.elapsed.as_millis()).unwrap_or(u64::MAX),
            attempt: event.attempt,
            error: event.error.as_deref().and_then(c_text),
        }
    }
}

/// Receives a wire event: `userdata` as given to `glance_config_set_wire_log`,
/// `event` valid during the call only. Called on whichever thread makes the
/// request, possibly on several at once: it must be thread-safe and quick,
/// must not unwind or longjmp, and must not free the client.
pub type glance_wire_log_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const glance_wire_event)>;

/// The caller's pointer, handed back to its callback on any thread: making it
/// safe to share is the caller's promise (see `glance_config_set_wire_log`).
struct Userdata(*mut c_void);

// SAFETY: the C contract of glance_config_set_wire_log makes the callback and
// its userdata usable from any thread.
unsafe impl Send for Userdata {}
// SAFETY: as above.
unsafe impl Sync for Userdata {}

impl Userdata {
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Calls `callback(userdata, event)` for every HTTP attempt of the client
/// built from `config` (Keystone's included): method, URL (secrets masked),
/// status, request id, time, attempt number, or why no answer came. Headers
/// and bodies are never reported, so tokens and passwords cannot reach it.
///
/// `userdata` is not used by the library, only passed back; it and the
/// callback must stay valid, and be safe to use from any thread, as long as
/// the client (or anything made from it) lives.
///
/// The callback may call the client (e.g. `glance_client_project_id`): the
/// attempts of an authentication are reported once it has finished and the
/// client's session lock is released, so such a call never waits for a lock
/// its own thread holds.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG` (`config` or `callback` is NULL).
#[no_mangle]
pub extern "C" fn glance_config_set_wire_log(
    config: *mut glance_config,
    callback: glance_wire_log_cb,
    userdata: *mut c_void,
) -> glance_status {
    set(config, |c| {
        let callback = callback.ok_or_else(|| {
            boundary::CallError::new(glance_status::GLANCE_NULL_ARG, "'callback' is NULL")
        })?;
        let userdata = Userdata(userdata);
        c.change(|b| {
            b.wire_log(move |event| {
                let event = glance_wire_event::new(event);
                // SAFETY: a valid callback, by the contract above; the event
                // outlives the call.
                unsafe { callback(userdata.get(), &event) }
            })
        });
        Ok(())
    })
}

/// The request method, e.g. `GET`. Strings of an event are borrowed from it
/// (valid during the callback only); every getter gives NULL or 0 for NULL.
#[no_mangle]
pub extern "C" fn glance_wire_event_method(event: *const glance_wire_event) -> *const c_char {
    get(event, std::ptr::null(), |e| lend(&e.method))
}

/// The full URL, with user information and secret-looking query values masked.
#[no_mangle]
pub extern "C" fn glance_wire_event_url(event: *const glance_wire_event) -> *const c_char {
    get(event, std::ptr::null(), |e| lend(&e.url))
}

/// The HTTP status of the answer; 0 when no answer arrived.
#[no_mangle]
pub extern "C" fn glance_wire_event_status(event: *const glance_wire_event) -> u16 {
    get(event, 0, |e| e.status)
}

/// The answer's request id; NULL when there was none.
#[no_mangle]
pub extern "C" fn glance_wire_event_request_id(event: *const glance_wire_event) -> *const c_char {
    get(event, std::ptr::null(), |e| lend(&e.request_id))
}

/// Milliseconds from sending the request to the answer's headers (or the failure).
#[no_mangle]
pub extern "C" fn glance_wire_event_elapsed_ms(event: *const glance_wire_event) -> u64 {
    get(event, 0, |e| e.elapsed_ms)
}

/// 1 for the first attempt, 2 for the first retry, ...
#[no_mangle]
pub extern "C" fn glance_wire_event_attempt(event: *const glance_wire_event) -> u32 {
    get(event, 0, |e| e.attempt)
}

/// Why no answer arrived (connection refused, timeout, ...); NULL when one did.
#[no_mangle]
pub extern "C" fn glance_wire_event_error(event: *const glance_wire_event) -> *const c_char {
    get(event, std::ptr::null(), |e| lend(&e.error))
}
