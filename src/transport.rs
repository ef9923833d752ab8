//! The one place that speaks HTTP: a ureq agent, request building, retries,
//! authentication headers, re-authentication after a 401 and error decoding.
//!
//! Resource modules ask for "GET this path, decode JSON into T" or "PUT this
//! stream"; they never see ureq.

// Streaming payloads, raw responses and Keystone's unauthenticated calls are
// used by the image-data and identity modules that build on this core.
#![allow(dead_code)]

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use ureq::http::{self, HeaderMap, Method};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::{Agent, SendBody};

use crate::auth::{Service, Session};
use crate::config::{ClientBuilder, ProxySetting, RetryPolicy};
use crate::error::{message_from_body, Error, Failure, HttpError, Result};
use crate::url::{resolve_link, Link};

/// Error bodies are read up to this size; the rest is dropped (a server that
/// sends an endless error page cannot exhaust memory).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// JSON documents larger than this are refused (a page of 1,000 images with
/// many properties is a few MiB).
const JSON_BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// Socket buffers: large enough that image data moves in few system calls.
const IO_BUFFER: usize = 256 * 1024;

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

    fn replayable(&self) -> bool {
        !matches!(self, Payload::Stream { .. })
    }
}

/// One request, before the token is added.
pub(crate) struct Call<'a> {
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) payload: Payload<'a>,
    /// Moves image data: exempt from the per-request deadline.
    pub(crate) transfer: bool,
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
        Call {
            method,
            target: Target::Path(service, path.into()),
            headers: Vec::new(),
            payload: Payload::Empty,
            transfer: false,
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
}

/// A response whose status was a success.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    body: ureq::Body,
    method: String,
    path: String,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    pub(crate) fn content_length(&self) -> Option<u64> {
        self.body.content_length()
    }

    /// Decodes the body as JSON into `T`; a body that does not fit is an
    /// [`Error::InvalidResponse`] naming what was wrong.
    pub(crate) fn json<T: DeserializeOwned>(mut self) -> Result<T> {
        let bytes = self
            .body
            .with_config()
            .limit(JSON_BODY_LIMIT)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(limit) => {
                    self.failure(format!("the body is larger than {limit} bytes"))
                }
                other => map_ureq_error(other, &self.method, &self.path),
            })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            let excerpt: String = String::from_utf8_lossy(&bytes).chars().take(120).collect();
            self.failure(format!(
                "the body is not the expected JSON ({e}): {excerpt:?}"
            ))
        })
    }

    /// The body as a stream, for image data.
    pub(crate) fn into_reader(self) -> impl Read + Send + 'static {
        self.body.into_reader()
    }

    /// Reads and drops the body so the connection can be reused.
    pub(crate) fn finish(mut self) -> Result<()> {
        let _ = self
            .body
            .with_config()
            .limit(ERROR_BODY_LIMIT)
            .read_to_vec();
        Ok(())
    }

    pub(crate) fn failure(&self, message: String) -> Error {
        Error::invalid_response(&self.method, &self.path, message, self.request_id())
    }

    pub(crate) fn method_and_path(&self) -> (&str, &str) {
        (&self.method, &self.path)
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
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

/// Unauthenticated HTTP: one ureq agent with the client's timeouts, TLS and proxy.
#[derive(Clone)]
pub(crate) struct Http {
    agent: Agent,
    request_timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl Http {
    pub(crate) fn new(settings: &ClientBuilder) -> Result<Http> {
        let mut tls = TlsConfig::builder().disable_verification(settings.insecure);
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path).map_err(|e| Error::io(path.display().to_string(), e))?;
            let certs = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<std::result::Result<Vec<Certificate<'static>>, _>>()
                .map_err(|e| {
                    Error::Config(format!("CA file {} is not valid PEM: {e}", path.display()))
                })?;
            if certs.is_empty() {
                return Err(Error::Config(format!(
                    "CA file {} holds no certificate",
                    path.display()
                )));
            }
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let proxy = match &settings.proxy {
            ProxySetting::FromEnvironment => ureq::Proxy::try_from_env(),
            ProxySetting::None => None,
            ProxySetting::Url(url) => Some(
                ureq::Proxy::new(url)
                    .map_err(|e| Error::Config(format!("proxy URL is not usable: {e}")))?,
            ),
        };
        let user_agent = match &settings.user_agent_suffix {
            Some(suffix) => format!("glance-client/{} {suffix}", env!("CARGO_PKG_VERSION")),
            None => format!("glance-client/{}", env!("CARGO_PKG_VERSION")),
        };
        let stall = settings.timeouts.stall;
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            // Redirects would carry X-Auth-Token to wherever they point: refuse them.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent.as_str())
            .accept("application/json")
            .accept_encoding(ureq::config::AutoHeaderValue::None)
            .timeout_connect(settings.timeouts.connect)
            .timeout_per_read(stall)
            .timeout_per_write(stall)
            .timeout_recv_response(stall)
            .input_buffer_size(IO_BUFFER)
            .output_buffer_size(IO_BUFFER)
            .tls_config(tls.build())
            .proxy(proxy)
            .build()
            .new_agent();
        Ok(Http {
            agent,
            request_timeout: settings.timeouts.request,
            retry: settings.retry,
        })
    }

    /// Sends one request once; statuses are not interpreted.
    fn send_once(
        &self,
        url: &str,
        call: &mut Call<'_>,
        token: Option<&str>,
    ) -> Result<RawResponse> {
        let path = path_of(url);
        let method = call.method.as_str().to_owned();
        let mut builder = http::Request::builder()
            .method(call.method.clone())
            .uri(url);
        for (name, value) in &call.headers {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(token) = token {
            builder = builder.header("X-Auth-Token", token);
        }
        let deadline = if call.transfer {
            None
        } else {
            self.request_timeout
        };
        let outcome = match &mut call.payload {
            Payload::Empty => {
                if matches!(call.method, Method::POST | Method::PUT | Method::PATCH) {
                    builder = builder.header("Content-Length", "0");
                }
                self.run(builder.body(()), deadline)
            }
            Payload::Bytes { data, content_type } => {
                let builder = builder.header("Content-Type", *content_type);
                self.run(builder.body(&data[..]), deadline)
            }
            Payload::Stream {
                reader,
                length,
                content_type,
            } => {
                builder = builder.header("Content-Type", *content_type);
                if let Some(n) = length {
                    // ureq honours a Content-Length it is given and streams
                    // without chunked framing, which some Glance front ends need.
                    builder = builder.header("Content-Length", n.to_string());
                }
                self.run(builder.body(SendBody::from_reader(&mut **reader)), deadline)
            }
        };
        match outcome {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                Ok(RawResponse {
                    status: parts.status.as_u16(),
                    headers: parts.headers,
                    body,
                    method,
                    path,
                })
            }
            Err(RunError::Build(e)) => Err(Error::invalid_argument(format!(
                "cannot build request {method} {path}: {e}"
            ))),
            Err(RunError::Ureq(e)) => Err(map_ureq_error(e, &method, &path)),
        }
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: std::result::Result<http::Request<B>, http::Error>,
        deadline: Option<Duration>,
    ) -> std::result::Result<http::Response<ureq::Body>, RunError> {
        let request = self
            .agent
            .configure_request(request.map_err(RunError::Build)?)
            .timeout_global(deadline)
            .build();
        self.agent.run(request).map_err(RunError::Ureq)
    }

    /// Sends a request to a full URL without a token, with retries; a failure
    /// status becomes an error. Used for Keystone.
    pub(crate) fn send(&self, url: &str, mut call: Call<'_>) -> Result<Response> {
        let raw = self.send_with_retries(url, &mut call, None)?;
        raw.into_success()
    }

    fn send_with_retries(
        &self,
        url: &str,
        call: &mut Call<'_>,
        token: Option<&str>,
    ) -> Result<RawResponse> {
        let retryable = call.payload.replayable()
            && matches!(
                call.method,
                Method::GET | Method::HEAD | Method::PUT | Method::DELETE
            );
        let attempts = if retryable {
            self.retry.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(url, call, token);
            let delay = match &outcome {
                Ok(raw) if matches!(raw.status, 500 | 502 | 503 | 504) => {
                    Some(self.backoff(attempt, retry_after(&raw.headers)))
                }
                Err(Error::Transport(_) | Error::Timeout(_)) => Some(self.backoff(attempt, None)),
                _ => None,
            };
            match delay {
                Some(delay) if attempt < attempts => {
                    if let Ok(raw) = outcome {
                        raw.discard();
                    }
                    std::thread::sleep(delay);
                    attempt += 1;
                }
                _ => {
                    return outcome
                        .map(|raw| raw.with_attempts(attempt))
                        .map_err(|e| with_attempts(e, attempt))
                }
            }
        }
    }

    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .retry
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(16));
        let base = retry_after
            .unwrap_or(exponential)
            .min(self.retry.max_backoff);
        // Jitter of up to a quarter spreads clients that failed together.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let jitter = base.mul_f64(f64::from(nanos % 1000) / 4000.0);
        (base + jitter).min(self.retry.max_backoff)
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

fn with_attempts(error: Error, attempts: u32) -> Error {
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
        other => other,
    }
}

enum RunError {
    Build(http::Error),
    Ureq(ureq::Error),
}

/// A response of any status.
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: ureq::Body,
    method: String,
    path: String,
}

impl RawResponse {
    fn discard(mut self) {
        let _ = self
            .body
            .with_config()
            .limit(ERROR_BODY_LIMIT)
            .read_to_vec();
    }

    fn with_attempts(mut self, attempts: u32) -> RawResponse {
        if attempts > 1 && self.status >= 500 {
            self.path = format!("{} (after {attempts} attempts)", self.path);
        }
        self
    }

    fn into_success(mut self) -> Result<Response> {
        if (200..300).contains(&self.status) {
            return Ok(Response {
                status: self.status,
                headers: self.headers,
                body: self.body,
                method: self.method,
                path: self.path,
            });
        }
        let bytes = self
            .body
            .with_config()
            .limit(ERROR_BODY_LIMIT)
            .read_to_vec()
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let message = if (300..400).contains(&self.status) {
            let location = self
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("nowhere");
            format!("redirect to {location} refused (it would carry the token)")
        } else {
            message_from_body(&text)
        };
        Err(Error::from_status(HttpError {
            method: self.method,
            path: self.path,
            status: self.status,
            message,
            request_id: request_id(&self.headers),
        }))
    }
}

fn path_of(url: &str) -> String {
    crate::url::split_origin(url)
        .map(|(origin, _)| url[origin.len()..].to_owned())
        .unwrap_or_else(|_| url.to_owned())
}

fn map_ureq_error(error: ureq::Error, method: &str, path: &str) -> Error {
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
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
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

/// Authenticated HTTP against the catalog's services.
pub(crate) struct Transport {
    pub(crate) http: Http,
    pub(crate) session: Session,
}

impl Transport {
    pub(crate) fn new(settings: &ClientBuilder) -> Result<Arc<Transport>> {
        let http = Http::new(settings)?;
        let session = Session::new(settings)?;
        Ok(Arc::new(Transport { http, session }))
    }

    /// The base URL of a service (for the Image service, without `/v2`).
    pub(crate) fn endpoint(&self, service: Service) -> Result<String> {
        self.session.endpoint(&self.http, service)
    }

    fn url_for(&self, target: &Target) -> Result<String> {
        match target {
            Target::Path(service, path) => Ok(format!("{}{path}", self.endpoint(*service)?)),
            Target::Link(service, link) => match resolve_link(&self.endpoint(*service)?, link)? {
                Link::SameOrigin(url) => Ok(url),
                Link::OtherOrigin(url) => Err(Error::invalid_response(
                    "GET",
                    link,
                    format!("the service linked to another host ({url}); not followed, so the token stays private"),
                    None,
                )),
            },
            Target::Url(url) => Ok(url.clone()),
        }
    }

    /// Sends a call with the session's token; after a 401 re-authenticates once
    /// and repeats the call when its body can be sent again.
    pub(crate) fn send(&self, mut call: Call<'_>) -> Result<Response> {
        let url = self.url_for(&call.target)?;
        let auth = self.session.current(&self.http)?;
        let raw = self
            .http
            .send_with_retries(&url, &mut call, Some(auth.token.expose()))?;
        if raw.status == 401 && call.payload.replayable() && self.session.can_reauthenticate() {
            raw.discard();
            let fresh = self.session.reauthenticate(&self.http, &auth)?;
            let url = self.url_for(&call.target)?;
            return self
                .http
                .send_with_retries(&url, &mut call, Some(fresh.token.expose()))?
                .into_success();
        }
        raw.into_success()
    }

    /// Sends a call and decodes the JSON answer.
    pub(crate) fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        self.send(call)?.json()
    }

    /// Sends a call whose answer has no interesting body.
    pub(crate) fn empty(&self, call: Call<'_>) -> Result<()> {
        self.send(call)?.finish()
    }
}
