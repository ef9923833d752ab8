//! Chunked uploads and their fallback to `Content-Length`.
//!
//! Chunked bodies upload faster than `Content-Length` ones to Glance under
//! gunicorn, so [`Framing::Auto`](crate::image_data::Framing::Auto) sends chunked first.
//! Some front ends (uWSGI, Apache with mod_proxy_uwsgi) refuse chunked
//! request bodies: they answer with an error before reading the body. Such an
//! answer is a *framing refusal*, and the upload is sent again with
//! `Content-Length`. This file holds the one rule that tells a framing
//! refusal from a real Glance error, and what a client remembers of it.
//!
//! # The rule
//!
//! The answer to a **chunked** upload is a framing refusal when:
//!
//! 1. its status is **411 Length Required**: it only ever means "send a
//!    `Content-Length`", and Glance itself never answers it; or
//! 2. its status is **400**, **501** or **505** *and* its message names the
//!    framing (`chunk`, `transfer-encoding`, `content-length` or
//!    `length required`, in any case): front ends that refuse chunked bodies
//!    with these statuses say why, while Glance's own 400s (an unknown store,
//!    a bad header) say something else and are never retried; or
//! 3. there is **no answer** (the connection was closed or reset) while no
//!    chunked upload has yet succeeded through this client: a front end that
//!    closes on a chunked body is told from a network failure by a chunked
//!    upload having worked before.
//!
//! Any other status (409 for a wrong state, 413 for a size cap, 401, 5xx…)
//! is Glance's answer about the upload itself and is never a framing
//! refusal. An upload sent with `Content-Length` is never retried for its
//! framing.
//!
//! # What happens after a refusal
//!
//! The client remembers it: its later [`Framing::Auto`](crate::image_data::Framing::Auto)
//! uploads of known size go straight to `Content-Length`. The refused upload
//! itself is sent again with `Content-Length` when its source can rewind (a
//! path, a buffer, a seekable reader).
//!
//! A plain reader (a pipe, a C callback) cannot be read twice, so a refusal
//! would fail its upload: with a known size it is sent with `Content-Length`
//! until a chunked upload has gone through this client, chunked after. Only
//! when the server starts refusing after that, or the size is unknown (no
//! fallback exists), does the upload fail, with a message that says what to
//! do.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::Error;

/// What a client has learnt of its Image service's framing.
#[derive(Debug, Default)]
pub(crate) struct FramingMemory {
    /// A chunked upload was refused for its framing.
    chunked_refused: AtomicBool,
    /// A chunked upload went through.
    chunked_worked: AtomicBool,
}

impl FramingMemory {
    /// Whether uploads of known size should go straight to `Content-Length`.
    pub(crate) fn refuses_chunked(&self) -> bool {
        self.chunked_refused.load(Ordering::Relaxed)
    }

    /// Whether a chunked upload went through this client.
    pub(crate) fn takes_chunked(&self) -> bool {
        self.chunked_worked.load(Ordering::Relaxed)
    }

    pub(crate) fn note_refused(&self) {
        self.chunked_refused.store(true, Ordering::Relaxed);
    }

    pub(crate) fn note_worked(&self) {
        self.chunked_worked.store(true, Ordering::Relaxed);
    }

    /// Whether `error`, the outcome of a chunked upload, is a framing
    /// refusal (the rule above).
    pub(crate) fn is_refusal(&self, error: &Error) -> bool {
        if let Some(http) = error.http() {
            return match http.status {
                411 => true,
                400 | 501 | 505 => names_framing(&http.message),
                _ => false,
            };
        }
        matches!(error, Error::Transport(_)) && !self.chunked_worked.load(Ordering::Relaxed)
    }
}

fn names_framing(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "chunk",
        "transfer-encoding",
        "content-length",
        "length required",
    ]
    .iter()
    .any(|word| message.contains(word))
}

/// The error for a refused chunked upload that cannot be sent again;
/// `hint` says what to do.
pub(crate) fn cannot_resend(error: Error, hint: &str) -> Error {
    let hint = format!("the server refuses chunked bodies: {hint}");
    match error {
        Error::Transport(mut failure) => {
            failure.message = format!("{}; {hint}", failure.message);
            Error::Transport(failure)
        }
        other => match other.http() {
            Some(http) => {
                let mut http = http.clone();
                http.message = if http.message.is_empty() {
                    hint
                } else {
                    format!("{}; {hint}", http.message)
                };
                Error::from_status(http)
            }
            None => other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::HttpError;

    fn status(status: u16, message: &str) -> Error {
        Error::from_status(HttpError {
            method: "PUT".into(),
            path: "/v2/images/x/file".into(),
            status,
            message: message.into(),
            request_id: None,
        })
    }

    #[test]
    fn only_framing_answers_are_refusals() {
        let memory = FramingMemory::default();
        assert!(memory.is_refusal(&status(411, "")));
        assert!(memory.is_refusal(&status(400, "Chunked Transfer-Encoding is not supported")));
        assert!(memory.is_refusal(&status(501, "Transfer-Encoding: chunked not implemented")));
        // Glance's own answers about the upload.
        assert!(!memory.is_refusal(&status(400, "Store for identifier fs9 not found")));
        assert!(!memory.is_refusal(&status(409, "Image status transition from active")));
        assert!(!memory.is_refusal(&status(413, "Image exceeds the storage quota")));
        assert!(!memory.is_refusal(&status(401, "chunked")));
        assert!(!memory.is_refusal(&status(500, "chunked")));
    }

    #[test]
    fn a_close_counts_until_chunked_worked() {
        let memory = FramingMemory::default();
        let closed = Error::Transport(Box::new(crate::error::Failure {
            method: "PUT".into(),
            path: "/v2/images/x/file".into(),
            message: "connection reset".into(),
            request_id: None,
        }));
        assert!(memory.is_refusal(&closed));
        memory.note_worked();
        assert!(!memory.is_refusal(&closed));
    }
}
