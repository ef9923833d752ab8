//! The description of one request before it is sent: method, target,
//! headers and body ([`Call`], [`Target`], [`Payload`]).

use std::io::Read;

use ureq::http::{HeaderMap, Method};

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::service::Service;

/// The `Content-Type` of Glance image PATCH requests.
pub(crate) const JSON_PATCH: &str = "application/openstack-images-v2.1-json-patch";

/// A request body.
pub(crate) enum Payload<'a> {
    /// No body.
    Empty,
    /// A body held in memory; can be sent again after a re-authentication.
    Bytes {
        data: Vec<u8>,
        content_type: &'static str,
    },
    /// A streamed body. `length` is sent as `Content-Length` when known;
    /// otherwise the body goes chunked. Sent at most once.
    Stream {
        reader: &'a mut dyn Read,
        length: Option<u64>,
        content_type: &'static str,
    },
    /// A streamed body that can start over, sent as [`Payload::Stream`] is;
    /// after a 401 it is rewound and sent once more with a fresh token.
    Rewindable {
        body: &'a mut dyn Rewind,
        length: Option<u64>,
        content_type: &'static str,
    },
}

/// A streamed body that can start over from its first byte (an upload from
/// a file, a buffer or a seekable reader).
pub(crate) trait Rewind {
    /// The body, read from where it stands.
    fn reader(&mut self) -> &mut dyn Read;
    /// Whether it can start over now.
    fn can_rewind(&self) -> bool;
    /// Starts it over; its error ends the call.
    fn rewind(&mut self) -> Result<()>;
}

impl Payload<'_> {
    pub(crate) fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Payload<'static>> {
        Ok(Payload::Bytes {
            data: serde_json::to_vec(value).map_err(|e| {
                Error::invalid_argument(format!("value cannot be encoded as JSON: {e}"))
            })?,
            content_type: "application/json",
        })
    }

    /// Whether a failed attempt may be repeated unchanged (after a transient
    /// failure): only a body held in memory, or none.
    pub(crate) fn replayable(&self) -> bool {
        matches!(self, Payload::Empty | Payload::Bytes { .. })
    }

    /// Whether the body can go again after a 401: a replayable one, or a
    /// stream that can start over.
    pub(crate) fn can_resend(&self) -> bool {
        match self {
            Payload::Rewindable { body, .. } => body.can_rewind(),
            other => other.replayable(),
        }
    }

    /// Makes the body ready to be sent again.
    pub(crate) fn rewind(&mut self) -> Result<()> {
        match self {
            Payload::Rewindable { body, .. } => body.rewind(),
            _ => Ok(()),
        }
    }
}

/// One request, before the token is added.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Headers a caller of the raw request chose (checked when they were
    /// parsed); a `Content-Type` among them replaces the payload's.
    pub(crate) caller_headers: HeaderMap,
    pub(crate) payload: Payload<'a>,
    /// Moves image data: exempt from the per-request deadline.
    pub(crate) transfer: bool,
    /// What the request carries that no message may show (a password, an
    /// API key, a temp-URL key); the token is added by the transport.
    pub(crate) secrets: Vec<Secret>,
}

/// Where a call goes.
pub(crate) enum Target {
    /// A path (with query) below a service's endpoint, e.g. `/v2/images?limit=5`.
    Path(Service, String),
    /// A link returned by the service (`next`), resolved against its endpoint.
    Link(Service, String),
    /// A full URL that is not below a catalog endpoint (Keystone).
    Url(String),
}

impl<'a> Call<'a> {
    pub(crate) fn new(method: Method, service: Service, path: impl Into<String>) -> Self {
        Call::to(method, Target::Path(service, path.into()))
    }

    /// A call to a full URL outside the catalog (the identity service).
    pub(crate) fn url(method: Method, url: impl Into<String>) -> Self {
        Call::to(method, Target::Url(url.into()))
    }

    fn to(method: Method, target: Target) -> Self {
        Call {
            method,
            target,
            headers: Vec::new(),
            caller_headers: HeaderMap::new(),
            payload: Payload::Empty,
            transfer: false,
            secrets: Vec::new(),
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Self {
        Call::new(Method::GET, Service::Image, path)
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }

    pub(crate) fn transfer(mut self) -> Self {
        self.transfer = true;
        self
    }

    /// Masks `secret` in every message about this call.
    pub(crate) fn secret(mut self, secret: &Secret) -> Self {
        self.secrets.push(secret.clone());
        self
    }
}

/// Refuses a caller's value that cannot travel in an HTTP header (CR, LF and
/// other control characters would split or corrupt the request). The value
/// itself is not quoted: it may be a token.
pub(crate) fn check_header_value(what: &str, value: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_argument(format!(
            "{what} holds a control character (CR, LF, tab, ...), which an HTTP header cannot carry"
        )));
    }
    Ok(())
}
