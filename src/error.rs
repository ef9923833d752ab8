//! The one error type of the library.
//!
//! HTTP failures are split by status so callers can `match` on what they can act
//! on (`Error::NotFound(_)`, `Error::Conflict(_)`, ...); every one of them carries
//! an [`HttpError`] with the method, path, status, Glance's cleaned message and
//! the `x-openstack-request-id` an operator needs to find the request in logs.

use std::fmt;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400: the server rejected the request as malformed.
    #[error("bad request: {0}")]
    BadRequest(Box<HttpError>),
    /// 401: the token was missing, invalid or expired (after one re-authentication).
    #[error("unauthorized: {0}")]
    Unauthorized(Box<HttpError>),
    /// 403: the policy forbids this call, or the attribute is read-only.
    #[error("forbidden: {0}")]
    Forbidden(Box<HttpError>),
    /// 404: no such image, member, tag or task (or it is not visible to you).
    #[error("not found: {0}")]
    NotFound(Box<HttpError>),
    /// 409: the resource's state does not allow the call (duplicate, transition).
    #[error("conflict: {0}")]
    Conflict(Box<HttpError>),
    /// 413: a size cap or quota was exceeded.
    #[error("too large: {0}")]
    TooLarge(Box<HttpError>),
    /// 415: the server does not accept this content type or data format.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(Box<HttpError>),
    /// 503: the service is down or overloaded.
    #[error("service unavailable: {0}")]
    ServiceUnavailable(Box<HttpError>),
    /// Any other non-success HTTP status.
    #[error("HTTP error: {0}")]
    Http(Box<HttpError>),
    /// 404 on a membership: the project is not a member of the image (never
    /// added, or removed), or, asked by the member itself, the image is gone.
    #[error("not a member: {0}")]
    NotAMember(Box<HttpError>),
    /// 409 on adding a member: the project already is one.
    #[error("already a member: {0}")]
    AlreadyMember(Box<HttpError>),
    /// 403 on adding a member: the image's visibility is not `shared`
    /// (private, public and community images have no members); set it first.
    #[error("image cannot be shared: {0}")]
    Unsharable(Box<HttpError>),
    /// 403 on a member status change: only the member project itself may
    /// accept or reject an image shared with it, not the image's owner.
    #[error("member status not yours to set: {0}")]
    MemberStatusForbidden(Box<HttpError>),
    /// 404 on an object-storage container that a call needs to exist.
    #[error("no such container: {0}")]
    NoSuchContainer(Box<HttpError>),
    /// A task ended with status `failure`; `message` is the server's reason.
    #[error("task {task_id} ({task_type}) failed: {message}")]
    TaskFailed {
        /// The task's id.
        task_id: String,
        /// The task's type, e.g. `import`.
        task_type: String,
        /// The task's `message`, empty when the server gave none.
        message: String,
    },
    /// The connection could not be made or broke off.
    #[error("transport error: {0}")]
    Transport(Box<Failure>),
    /// A connect, stall or overall deadline expired.
    #[error("timeout: {0}")]
    Timeout(Box<Failure>),
    /// The TLS handshake or certificate verification failed.
    #[error("TLS error: {0}")]
    Tls(Box<Failure>),
    /// The server answered something that does not fit the API (bad JSON, missing field).
    #[error("invalid response: {0}")]
    InvalidResponse(Box<Failure>),
    /// An argument was rejected before any request was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A lookup by name found nothing.
    #[error("no match: {0}")]
    NoMatch(String),
    /// A lookup by name found more than one candidate.
    #[error("ambiguous: {0}")]
    Ambiguous(String),
    /// Settings are missing or inconsistent (auth, clouds.yaml, catalog).
    #[error("configuration error: {0}")]
    Config(String),
    /// The data's digest differs from what the server recorded or sent: the
    /// bytes were corrupted on the way (nothing was kept).
    #[error("{algorithm} checksum mismatch: expected {expected}, got {actual}")]
    ChecksumMismatch {
        /// The algorithm compared, e.g. `sha512` or `md5`.
        algorithm: String,
        /// The value the server reported, hex.
        expected: String,
        /// The value computed over the bytes that moved, hex.
        actual: String,
    },
    /// A progress or wait callback asked to stop.
    #[error("aborted by the caller")]
    Aborted,
    /// The image has no data to download (it is still `queued`).
    #[error("no data: {0}")]
    NoData(String),
    /// An import ended without the data in every store asked for.
    #[error("import of image {image_id} failed (status {status}{}): {message}",
        if failed_stores.is_empty() { String::new() } else { format!(", failed stores {}", failed_stores.join(",")) })]
    ImportFailed {
        /// The image.
        image_id: String,
        /// The image's status when the import ended.
        status: String,
        /// The stores the data could not be imported into.
        failed_stores: Vec<String>,
        /// The import task's message, when there is one.
        message: String,
    },
    /// The cloud does not offer what the call needs (an API version, an
    /// import method, a store): the message names what is missing and what
    /// the cloud offers.
    #[error("not supported by this cloud: {0}")]
    NotSupported(String),
    /// The call failed with `error`, and undoing what it had made failed
    /// too: `left` names what remains (image ids, object names) for the
    /// caller to remove. C gets the status of `error`.
    #[error("{error}; and {left} is left behind, its removal failed: {removal}")]
    LeftBehind {
        /// Why the call failed.
        error: Box<Error>,
        /// What is left, e.g. `image 1bea47ed-...` or `object 'c/o'`.
        left: String,
        /// Why the removal failed.
        removal: Box<Error>,
    },
    /// A local file could not be read or written.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file involved.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// A non-success HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    /// The request method, e.g. `GET`.
    pub method: String,
    /// The request path (and query), without scheme and host.
    pub path: String,
    /// The HTTP status code.
    pub status: u16,
    /// The server's message, cleaned of Glance's `<br />` padding.
    pub message: String,
    /// The `x-openstack-request-id` (or `x-compute-request-id`/`x-trans-id`) header.
    pub request_id: Option<String>,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} returned {}", self.method, self.path, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// A failure that is not an HTTP status: what was being done and why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The request method, or an empty string when no request was involved.
    pub method: String,
    /// The request path, or what was being done.
    pub path: String,
    /// The cause.
    pub message: String,
    /// The request id, when a response had already arrived.
    pub request_id: Option<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.method.is_empty() {
            write!(f, "{} {}: ", self.method, self.path)?;
        } else if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl Error {
    /// Builds the variant that matches an HTTP status.
    pub(crate) fn from_status(e: HttpError) -> Error {
        let boxed = Box::new(e);
        match boxed.status {
            400 => Error::BadRequest(boxed),
            401 => Error::Unauthorized(boxed),
            403 => Error::Forbidden(boxed),
            404 => Error::NotFound(boxed),
            409 => Error::Conflict(boxed),
            413 => Error::TooLarge(boxed),
            415 => Error::UnsupportedMediaType(boxed),
            503 => Error::ServiceUnavailable(boxed),
            _ => Error::Http(boxed),
        }
    }

    pub(crate) fn invalid_response(
        method: &str,
        path: &str,
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Error {
        Error::InvalidResponse(Box::new(Failure {
            method: method.to_owned(),
            path: path.to_owned(),
            message: message.into(),
            request_id,
        }))
    }

    /// This error, or when the removal of what the call had made failed
    /// (something already gone is fine), one that also names what is left.
    pub(crate) fn left_behind(self, left: impl FnOnce() -> String, removal: Result<()>) -> Error {
        match removal {
            Err(removal) if removal.status() != Some(404) => Error::LeftBehind {
                error: Box::new(self),
                left: left(),
                removal: Box::new(removal),
            },
            _ => self,
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Error {
        Error::InvalidArgument(message.into())
    }

    pub(crate) fn io(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The HTTP error details, when the server answered with a failure status.
    pub fn http(&self) -> Option<&HttpError> {
        match self {
            Error::BadRequest(e)
            | Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::TooLarge(e)
            | Error::UnsupportedMediaType(e)
            | Error::ServiceUnavailable(e)
            | Error::Http(e)
            | Error::NotAMember(e)
            | Error::AlreadyMember(e)
            | Error::Unsharable(e)
            | Error::MemberStatusForbidden(e)
            | Error::NoSuchContainer(e) => Some(e),
            Error::LeftBehind { error, .. } => error.http(),
            _ => None,
        }
    }

    fn failure(&self) -> Option<&Failure> {
        match self {
            Error::Transport(f) | Error::Timeout(f) | Error::Tls(f) | Error::InvalidResponse(f) => {
                Some(f)
            }
            Error::LeftBehind { error, .. } => error.failure(),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered with one.
    pub fn status(&self) -> Option<u16> {
        self.http().map(|e| e.status)
    }

    /// The `x-openstack-request-id` of the failed request, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.http()
            .and_then(|e| e.request_id.as_deref())
            .or_else(|| self.failure().and_then(|f| f.request_id.as_deref()))
    }

    /// True for errors worth retrying unchanged: transport failures, timeouts, 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
            _ => matches!(self.status(), Some(500 | 502 | 503 | 504)),
        }
    }
}

/// Turns an error body into a readable message.
///
/// Glance answers `{"message": "...<br /><br />\n\n\n", "code": .., "title": ..}`;
/// Keystone `{"error": {"message": .., "code": .., "title": ..}}`; proxies HTML or text.
pub(crate) fn message_from_body(body: &str) -> String {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(body) {
        let message = value
            .get("message")
            .or_else(|| value.get("error").and_then(|e| e.get("message")))
            // Compute-style faults, as Keystone v2.0 and Rackspace write them:
            // {"badRequest" | "unauthorized" | "itemNotFound" | ...: {"message": ..}}.
            .or_else(|| {
                let object = value.as_object().filter(|o| o.len() == 1)?;
                object.values().next()?.get("message")
            })
            .and_then(|m| m.as_str());
        if let Some(m) = message {
            return clean_message(m);
        }
        if let Some(title) = value.get("title").and_then(|t| t.as_str()) {
            return clean_message(title);
        }
    }
    clean_message(&strip_tags(body))
}

/// Removes `<br />` padding and folds white space.
fn clean_message(message: &str) -> String {
    let without_breaks = message
        .replace("<br />", " ")
        .replace("<br/>", " ")
        .replace("<br>", " ");
    let folded: Vec<&str> = without_breaks.split_whitespace().collect();
    let mut text = folded.join(" ");
    const LIMIT: usize = 2048;
    if text.len() > LIMIT {
        let mut cut = LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glance_message_is_cleaned() {
        let body = r#"{"message": "No image found with ID abc<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#;
        assert_eq!(message_from_body(body), "No image found with ID abc");
    }

    #[test]
    fn keystone_message_is_found() {
        let body = r#"{"error": {"message": "The request you have made requires authentication.", "code": 401, "title": "Unauthorized"}}"#;
        assert_eq!(
            message_from_body(body),
            "The request you have made requires authentication."
        );
    }

    #[test]
    fn html_is_reduced_to_text() {
        let body = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
        assert_eq!(message_from_body(body), "502 Bad Gateway Bad Gateway");
    }

    #[test]
    fn status_picks_variant() {
        let e = Error::from_status(HttpError {
            method: "GET".into(),
            path: "/v2/images/x".into(),
            status: 404,
            message: "gone".into(),
            request_id: Some("req-1".into()),
        });
        assert!(matches!(e, Error::NotFound(_)));
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.request_id(), Some("req-1"));
        assert_eq!(
            e.to_string(),
            "not found: GET /v2/images/x returned 404: gone (request id req-1)"
        );
    }
}
