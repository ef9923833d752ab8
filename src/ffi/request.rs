//! The raw request: any path of the Images API through the client's
//! authentication, for the parts the library does not type.

use std::ffi::{c_char, CString};

use super::boundary::{
    self, borrow, c_text, lend, optional_bytes, text, text_list, CallError, Out,
};
use super::client::glance_client;
use super::error::glance_status;
use crate::ApiResponse;

/// The answer to `glance_request`: a success status, its headers and its
/// body. Immutable: may be read by several threads at once; the strings and
/// bytes it lends live until `glance_response_free`.
pub struct glance_response {
    status: u16,
    headers: Vec<(Option<CString>, Option<CString>)>,
    /// The body followed by one NUL byte, so a text body is also a C string.
    body: Vec<u8>,
}

impl From<ApiResponse> for glance_response {
    fn from(response: ApiResponse) -> Self {
        let mut body = response.body;
        body.push(0);
        glance_response {
            status: response.status,
            headers: response
                .headers
                .iter()
                .map(|(name, value)| (c_text(name), c_text(value)))
                .collect(),
            body,
        }
    }
}

/// Sends any request to the Images API: `method` (`GET`, `POST`, ...,
/// upper case) to `path`, relative to the image endpoint
/// (`/v2/metadefs/namespaces`, query included, sent as given) or an absolute
/// URL on the endpoint's own scheme, host and port (any other URL is refused
/// with `GLANCE_INVALID_ARG` before a request: the token never goes to
/// another host).
///
/// `headers` holds `header_count` strings `"Name: value"` added to the
/// client's own (`X-Auth-Token`, `Content-Length` and `Host` are refused);
/// `headers` may be NULL when `header_count` is 0. `body` may be NULL: no
/// body; otherwise its `body_len` bytes are sent with the `Content-Type` of
/// `headers`, `application/json` by default. Everything passed is borrowed
/// for the call only; thread-safe as far as `client` goes.
///
/// The request goes through the client's authentication (token renewal, one
/// re-authentication after a 401) and its retry policy (idempotent methods
/// only), and is seen by the wire log. A success's body is read whole (up to
/// 64 MiB). On success `*out_response` receives a new handle owned by the
/// caller (free it with `glance_response_free`); on failure it is not written.
///
/// A status outside 2xx is the status every other call gives for it
/// (`GLANCE_NOT_FOUND`, `GLANCE_CONFLICT`, `GLANCE_FORBIDDEN`, ...,
/// `GLANCE_HTTP`), with Glance's message and the request id in the last
/// error. Also returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (a bad method, path or header, before any request),
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE` and `GLANCE_CONFIG`.
#[no_mangle]
pub extern "C" fn glance_request(
    client: *const glance_client,
    method: *const c_char,
    path: *const c_char,
    headers: *const *const c_char,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    out_response: *mut *mut glance_response,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / buffers / a writable
        // pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let method = unsafe { text(method, "method") }?;
        let path = unsafe { text(path, "path") }?;
        let lines = unsafe { text_list(headers, header_count, "headers") }?;
        let body = unsafe { optional_bytes(body, body_len, "body") }?;
        let out = unsafe { Out::new(out_response, "out_response") }?;
        let pairs = lines
            .iter()
            .map(|line| {
                line.split_once(':')
                    .map(|(name, value)| (name.trim(), value.trim()))
                    .ok_or_else(|| {
                        CallError::invalid_argument(format!(
                            "header '{line}' is not of the form 'Name: value'"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let response = client.client.request(method, path, &pairs, body)?;
        out.set(boundary::give(glance_response::from(response)));
        Ok(())
    })
}

/// The HTTP status (200 to 299); 0 when `response` is NULL.
#[no_mangle]
pub extern "C" fn glance_response_status(response: *const glance_response) -> u16 {
    boundary::get(response, 0, |r| r.status)
}

/// The first value of header `name` (matched without regard to case); NULL
/// when absent or an argument is NULL or not UTF-8. `name` is only read; the
/// result is borrowed from `response`.
#[no_mangle]
pub extern "C" fn glance_response_header(
    response: *const glance_response,
    name: *const c_char,
) -> *const c_char {
    boundary::get(response, std::ptr::null(), |r| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let Ok(name) = (unsafe { text(name, "name") }) else {
            return std::ptr::null();
        };
        r.headers
            .iter()
            .find(|(n, _)| {
                n.as_deref()
                    .and_then(|n| n.to_str().ok())
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map_or(std::ptr::null(), |(_, v)| lend(v))
    })
}

/// How many headers the response has (a repeated header counts each time);
/// 0 when `response` is NULL.
#[no_mangle]
pub extern "C" fn glance_response_header_count(response: *const glance_response) -> usize {
    boundary::get(response, 0, |r| r.headers.len())
}

/// The name (lower case) of header `index`; NULL when `response` is NULL or
/// `index` is out of range. Borrowed from `response`.
#[no_mangle]
pub extern "C" fn glance_response_header_name(
    response: *const glance_response,
    index: usize,
) -> *const c_char {
    boundary::get(response, std::ptr::null(), |r| {
        r.headers
            .get(index)
            .map_or(std::ptr::null(), |(n, _)| lend(n))
    })
}

/// The value of header `index`; NULL when `response` is NULL or `index` is
/// out of range. Borrowed from `response`.
#[no_mangle]
pub extern "C" fn glance_response_header_value(
    response: *const glance_response,
    index: usize,
) -> *const c_char {
    boundary::get(response, std::ptr::null(), |r| {
        r.headers
            .get(index)
            .map_or(std::ptr::null(), |(_, v)| lend(v))
    })
}

/// The body's bytes, followed by a NUL byte not counted in
/// `glance_response_body_len` (so a JSON or text body can be read as a C
/// string); NULL when `response` is NULL. Borrowed from `response`.
#[no_mangle]
pub extern "C" fn glance_response_body(response: *const glance_response) -> *const u8 {
    boundary::get(response, std::ptr::null(), |r| r.body.as_ptr())
}

/// The body's length in bytes; 0 when `response` is NULL.
#[no_mangle]
pub extern "C" fn glance_response_body_len(response: *const glance_response) -> usize {
    boundary::get(response, 0, |r| r.body.len() - 1)
}

/// Frees a response. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_response_free(response: *mut glance_response) {
    // SAFETY: NULL or a response from glance_request, per the contract.
    boundary::value((), || unsafe { boundary::free(response) })
}
