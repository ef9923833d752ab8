//! How a failed exchange becomes the library's [`Error`]: ureq's errors
//! mapped to kinds, TLS failures told from network ones, a body that broke
//! off told from one that timed out, and the request id and attempt count
//! noted in the message.

use std::io;

use ureq::http::HeaderMap;

use crate::error::{Error, Failure};

/// The request id a service put in its answer's headers.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    [
        "x-openstack-request-id",
        "x-compute-request-id",
        "x-trans-id",
    ]
    .iter()
    .find_map(|name| headers.get(*name))
    .and_then(|v| v.to_str().ok())
    .map(str::to_owned)
}

/// Adds the request id of a response whose body then failed to arrive.
pub(super) fn with_request_id(error: Error, id: Option<String>) -> Error {
    let Some(id) = id else { return error };
    let note = |mut f: Box<Failure>| {
        f.request_id.get_or_insert(id);
        f
    };
    match error {
        Error::Transport(f) => Error::Transport(note(f)),
        Error::Timeout(f) => Error::Timeout(note(f)),
        other => other,
    }
}

/// Says in the error how many attempts were made, when there was more than one.
pub(super) fn with_attempts(error: Error, attempts: u32) -> Error {
    if attempts <= 1 {
        return error;
    }
    let note = |f: Box<Failure>| {
        let mut f = *f;
        f.message = format!("{} (after {attempts} attempts)", f.message);
        Box::new(f)
    };
    match error {
        Error::Transport(f) => Error::Transport(note(f)),
        Error::Timeout(f) => Error::Timeout(note(f)),
        Error::InvalidResponse(f) => Error::InvalidResponse(note(f)),
        other => other,
    }
}

/// Failures that happen before a single byte of the request left: the server
/// cannot have acted on the request.
pub(super) fn never_reached_server(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Io(e) => e.kind() == io::ErrorKind::ConnectionRefused,
        ureq::Error::Timeout(kind) => {
            matches!(kind, ureq::Timeout::Connect | ureq::Timeout::Resolve)
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        _ => false,
    }
}

pub(super) fn map_ureq_error(error: ureq::Error, method: &str, path: &str) -> Error {
    let failure = |message: String| {
        Box::new(Failure {
            method: method.to_owned(),
            path: path.to_owned(),
            message,
            request_id: None,
        })
    };
    match error {
        ureq::Error::Timeout(kind) => Error::Timeout(failure(format!("{kind:?} timeout expired"))),
        ureq::Error::Tls(m) => Error::Tls(failure(m.to_owned())),
        ureq::Error::Rustls(e) => Error::Tls(failure(e.to_string())),
        ureq::Error::Pem(e) => Error::Tls(failure(e.to_string())),
        ureq::Error::Io(e) if is_tls_failure(&e) => Error::Tls(failure(e.to_string())),
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::TimedOut => {
            Error::Timeout(failure(e.to_string()))
        }
        ureq::Error::BadUri(m) => Error::invalid_argument(format!("{method} {path}: bad URL: {m}")),
        ureq::Error::Http(e) => Error::invalid_argument(format!("{method} {path}: {e}")),
        ureq::Error::Protocol(e) => {
            Error::invalid_response(method, path, format!("HTTP protocol error: {e}"), None)
        }
        ureq::Error::LargeResponseHeader(..) => {
            Error::invalid_response(method, path, "response headers too large", None)
        }
        other => Error::Transport(failure(other.to_string())),
    }
}

/// rustls reports a refused certificate or a failed handshake as an I/O error
/// wrapping its own: that is a TLS failure, not a transient network one.
fn is_tls_failure(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
}

/// The error for a response body that broke off while being read (image
/// data, an object): [`Error::Timeout`] when the stall timer fired, else
/// [`Error::Transport`]. ureq's body reader hands its own error inside an
/// `io::Error` of kind `Other`, so the kind alone cannot tell.
pub(crate) fn cut_body(error: &io::Error, failure: Box<Failure>) -> Error {
    let timed_out = error.kind() == io::ErrorKind::TimedOut
        || match error
            .get_ref()
            .and_then(|e| e.downcast_ref::<ureq::Error>())
        {
            Some(ureq::Error::Timeout(_)) => true,
            Some(ureq::Error::Io(e)) => e.kind() == io::ErrorKind::TimedOut,
            _ => false,
        };
    if timed_out {
        Error::Timeout(failure)
    } else {
        Error::Transport(failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure() -> Box<Failure> {
        Box::new(Failure {
            method: "GET".into(),
            path: "/v2/images/x/file".into(),
            message: "reading the data failed".into(),
            request_id: None,
        })
    }

    #[test]
    fn a_cut_body_is_classified_by_its_error_not_its_text() {
        let stalled = ureq::Error::Timeout(ureq::Timeout::RecvBody).into_io();
        assert!(matches!(cut_body(&stalled, failure()), Error::Timeout(_)));
        let timed_out = io::Error::from(io::ErrorKind::TimedOut);
        assert!(matches!(cut_body(&timed_out, failure()), Error::Timeout(_)));
        let wrapped = io::Error::other(ureq::Error::Io(io::ErrorKind::TimedOut.into()));
        assert!(matches!(cut_body(&wrapped, failure()), Error::Timeout(_)));
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert!(matches!(cut_body(&reset, failure()), Error::Transport(_)));
        // A message that merely says "timeout" is no timeout.
        let worded = io::Error::other("the peer said: timeout");
        assert!(matches!(cut_body(&worded, failure()), Error::Transport(_)));
    }
}
