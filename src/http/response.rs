//! Answers: a success handed to the resource code ([`Response`]), an answer
//! of any status inside the retry loop ([`RawResponse`]), and how their
//! bodies are read, bounded and turned into errors.

use std::io::Read;

use serde::de::DeserializeOwned;
use ureq::http::HeaderMap;

use super::failure::{map_ureq_error, request_id, with_request_id};
use crate::error::{message_from_body, Error, HttpError, Result};
use crate::secret::{redact, redact_as, Secret};

/// Error bodies are read up to this size; the rest is dropped (a server that
/// sends an endless error page cannot exhaust memory).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// JSON documents larger than this are refused (a page of 1,000 images with
/// many properties is a few MiB).
const JSON_BODY_LIMIT: u64 = 64 * 1024 * 1024;

/// Stands for a masked secret in an error body until its message is made
/// (`<redacted>` itself would be taken for an HTML tag and dropped).
const MASK_MARK: &str = "\u{fffc}redacted\u{fffc}";

/// A response whose status was a success.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    body: Body,
    method: String,
    path: String,
    /// Masked in any excerpt of the body.
    secrets: Vec<Secret>,
}

/// A response body: still on the wire, or already read in full (JSON answers
/// are read inside the retry loop, so an answer cut off midway is retried like
/// a failed request).
pub(super) enum Body {
    Wire(ureq::Body),
    Read(Vec<u8>),
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    pub(crate) fn content_length(&self) -> Option<u64> {
        match &self.body {
            Body::Wire(body) => body.content_length(),
            Body::Read(bytes) => Some(bytes.len() as u64),
        }
    }

    /// Decodes the body as JSON into `T`; a body that does not fit is an
    /// [`Error::InvalidResponse`] naming what was wrong.
    pub(crate) fn json<T: DeserializeOwned>(mut self) -> Result<T> {
        let bytes = match std::mem::replace(&mut self.body, Body::Read(Vec::new())) {
            Body::Read(bytes) => bytes,
            Body::Wire(mut body) => {
                read_json_body(&mut body, &self.method, &self.path, &self.headers)?
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| {
            let text = redact(&String::from_utf8_lossy(&bytes), &self.secrets);
            let excerpt: String = text.chars().take(120).collect();
            self.failure(format!(
                "the body is not the expected JSON ({e}): {excerpt:?}"
            ))
        })
    }

    /// The body as a stream, for image data.
    pub(crate) fn into_reader(self) -> impl Read + Send + 'static {
        let reader: Box<dyn Read + Send + 'static> = match self.body {
            Body::Wire(body) => Box::new(body.into_reader()),
            Body::Read(bytes) => Box::new(std::io::Cursor::new(bytes)),
        };
        reader
    }

    /// Reads and drops the body so the connection can be reused.
    pub(crate) fn finish(self) -> Result<()> {
        if let Body::Wire(mut body) = self.body {
            drain(&mut body);
        }
        Ok(())
    }

    pub(crate) fn failure(&self, message: String) -> Error {
        Error::invalid_response(&self.method, &self.path, message, self.request_id())
    }

    pub(crate) fn method_and_path(&self) -> (&str, &str) {
        (&self.method, &self.path)
    }
}

/// Reads a JSON answer whole, refusing one larger than [`JSON_BODY_LIMIT`].
fn read_json_body(
    body: &mut ureq::Body,
    method: &str,
    path: &str,
    headers: &HeaderMap,
) -> Result<Vec<u8>> {
    body.with_config()
        .limit(JSON_BODY_LIMIT)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(limit) => Error::invalid_response(
                method,
                path,
                format!("the body is larger than {limit} bytes"),
                request_id(headers),
            ),
            other => with_request_id(map_ureq_error(other, method, path), request_id(headers)),
        })
}

/// Reads at most [`ERROR_BODY_LIMIT`] bytes of a body nobody needs, so a short
/// one leaves the connection reusable and an endless one cannot hold the call:
/// what is left unread closes the connection instead.
fn drain(body: &mut ureq::Body) {
    let _ = std::io::copy(
        &mut body.as_reader().take(ERROR_BODY_LIMIT),
        &mut std::io::sink(),
    );
}

/// Reads the start of an error body (at most [`ERROR_BODY_LIMIT`] bytes): an
/// endless error page yields its first part instead of nothing.
fn read_error_body(body: &mut ureq::Body) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = body
        .as_reader()
        .take(ERROR_BODY_LIMIT)
        .read_to_end(&mut bytes);
    bytes
}

/// A response of any status.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Body,
    pub(super) method: String,
    pub(super) path: String,
    /// How many attempts the call took, said in the error of a failure status.
    pub(super) attempts: u32,
}

impl RawResponse {
    pub(crate) fn discard(self) {
        if let Body::Wire(mut body) = self.body {
            drain(&mut body);
        }
    }

    /// Reads a success's body now, so a body that breaks off is a failed attempt.
    pub(super) fn read_success_body(mut self) -> Result<RawResponse> {
        if let (true, Body::Wire(body)) = ((200..300).contains(&self.status), &mut self.body) {
            let bytes = read_json_body(body, &self.method, &self.path, &self.headers)?;
            self.body = Body::Read(bytes);
        }
        Ok(self)
    }

    pub(super) fn with_attempts(mut self, attempts: u32) -> RawResponse {
        self.attempts = attempts;
        self
    }

    /// The response, or the error its status means. `secrets`, what the
    /// request carried (token, password, keys), are masked in the error
    /// message and in any excerpt of a success's body: a proxy or debug page
    /// that echoes the request must not put them into the caller's logs.
    pub(crate) fn into_success(self, secrets: &[Secret]) -> Result<Response> {
        if (200..300).contains(&self.status) {
            return Ok(Response {
                status: self.status,
                headers: self.headers,
                body: self.body,
                method: self.method,
                path: self.path,
                secrets: secrets.to_vec(),
            });
        }
        let bytes = match self.body {
            Body::Wire(mut body) => read_error_body(&mut body),
            Body::Read(bytes) => bytes,
        };
        // Masked before the message is cut to size or its white space
        // folded, either of which could leave part of a secret unmatched.
        // (A mark that tag stripping keeps, `<redacted>` once the message is made.)
        let text = redact_as(&String::from_utf8_lossy(&bytes), secrets, MASK_MARK);
        let mut message = if (300..400).contains(&self.status) {
            let location = self
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("nowhere");
            format!("redirect to {location} refused (it would carry the token)")
        } else {
            message_from_body(&text)
        };
        message = redact(&message, secrets).replace(MASK_MARK, "<redacted>");
        if self.attempts > 1 {
            message = format!("{message} (after {} attempts)", self.attempts)
                .trim_start()
                .to_owned();
        }
        Err(Error::from_status(HttpError {
            method: self.method,
            path: self.path,
            status: self.status,
            message,
            request_id: request_id(&self.headers),
        }))
    }
}
