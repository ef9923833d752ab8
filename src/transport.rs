//! The one place that speaks HTTP: a ureq agent, request building, retries,
//! authentication headers, re-authentication after a 401 and error decoding.
//!
//! Resource modules ask for "GET this path, decode JSON into T" or "PUT this
//! stream"; they never see ureq.

use std::cell::Cell;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::de::DeserializeOwned;
use ureq::http::{self, HeaderMap, Method};
use ureq::tls::TlsConfig;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout,
    Transport as UreqTransport,
};
use ureq::{Agent, SendBody};

use crate::auth::{Service, Session};
use crate::body_length::LengthChecked;
use crate::config::{ClientBuilder, ProxySetting, RetryPolicy};
use crate::error::{message_from_body, Error, Failure, HttpError, Result};
use crate::retry;
use crate::secret::{redact, redact_as, Secret};
use crate::tls_files;
use crate::trust::Trust;
use crate::url::{resolve_link, Link};
use crate::wire_log::{self, loggable_url, WireEvent, WireLog};

/// Error bodies are read up to this size; the rest is dropped (a server that
/// sends an endless error page cannot exhaust memory).
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// JSON documents larger than this are refused (a page of 1,000 images with
/// many properties is a few MiB).
const JSON_BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// Idle connections kept for reuse (per host and in all).
const IDLE_CONNECTIONS: usize = 32;
/// Socket buffers: large enough that image data moves in few system calls.
const IO_BUFFER: usize = 256 * 1024;

/// Stands for a masked secret in an error body until its message is made
/// (`<redacted>` itself would be taken for an HTML tag and dropped).
const MASK_MARK: &str = "\u{fffc}redacted\u{fffc}";

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
        Call {
            method,
            target: Target::Path(service, path.into()),
            headers: Vec::new(),
            caller_headers: HeaderMap::new(),
            payload: Payload::Empty,
            transfer: false,
            secrets: Vec::new(),
        }
    }

    /// A call to a full URL outside the catalog (the identity service).
    pub(crate) fn url(method: Method, url: impl Into<String>) -> Self {
        Call {
            method,
            target: Target::Url(url.into()),
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
enum Body {
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

/// Adds the request id of a response whose body then failed to arrive.
fn with_request_id(error: Error, id: Option<String>) -> Error {
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

thread_local! {
    /// Set when the server closed its side while this thread was sending a
    /// request body (it answered early, e.g. 413 or 401, without reading it).
    static PEER_STOPPED_READING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the server has stopped reading the body this thread is sending.
/// A streamed body then needs no more real data: the rest is discarded, and
/// the server's early answer is read once the body is "sent".
pub(crate) fn peer_stopped_reading() -> bool {
    PEER_STOPPED_READING.with(Cell::get)
}

/// Wraps each connection so that a server answering before it has read the
/// whole body (Glance under gunicorn answers 413 "too large" or 401 as soon as
/// it knows, then closes) is heard: ureq alone would fail with "broken pipe"
/// and lose the answer, as curl does not.
#[derive(Debug)]
struct EarlyAnswerConnector;

impl Connector<Box<dyn UreqTransport>> for EarlyAnswerConnector {
    type Out = EarlyAnswer;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<Box<dyn UreqTransport>>,
    ) -> std::result::Result<Option<EarlyAnswer>, ureq::Error> {
        Ok(chained.map(|inner| EarlyAnswer {
            inner,
            peer_gone: false,
        }))
    }
}

#[derive(Debug)]
struct EarlyAnswer {
    inner: Box<dyn UreqTransport>,
    peer_gone: bool,
}

impl UreqTransport for EarlyAnswer {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        if self.peer_gone {
            return Ok(());
        }
        match self.inner.transmit_output(amount, timeout) {
            Err(ureq::Error::Io(e))
                if SENDING_STREAM.with(Cell::get)
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                    ) =>
            {
                self.peer_gone = true;
                PEER_STOPPED_READING.with(|c| c.set(true));
                Ok(())
            }
            other => other,
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        !self.peer_gone && self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

thread_local! {
    /// True while this thread sends a streamed body: only then is a broken
    /// pipe taken for an early answer (a request on a stale pooled
    /// connection must fail and be retried as usual).
    static SENDING_STREAM: Cell<bool> = const { Cell::new(false) };
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

/// Unauthenticated HTTP: one ureq agent with the client's timeouts, TLS and proxy.
#[derive(Clone)]
pub(crate) struct Http {
    agent: Agent,
    request_timeout: Option<Duration>,
    retry: RetryPolicy,
    wire_log: Option<WireLog>,
    trust: Arc<Trust>,
}

impl Http {
    /// When and how often failed requests are tried again.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn new(settings: &ClientBuilder) -> Result<Http> {
        let trust = Trust::new(settings.ca_file.as_deref());
        let mut tls = TlsConfig::builder()
            .disable_verification(settings.insecure)
            .root_certs(trust.root_certs()?);
        if let Some(cert) = &settings.client_cert {
            let identity = tls_files::client_certificate(cert, settings.client_key.as_deref())?;
            tls = tls.client_cert(Some(identity));
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
            Some(suffix) => {
                check_header_value("the user-agent suffix", suffix)?;
                format!("glance-client/{} {suffix}", env!("CARGO_PKG_VERSION"))
            }
            None => format!("glance-client/{}", env!("CARGO_PKG_VERSION")),
        };
        let stall = settings.timeouts.stall;
        let config = Agent::config_builder()
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
            // A client is shared by many threads: keep a connection per busy
            // thread instead of ureq's 3 per host, which closes and reopens
            // connections all the time under concurrency.
            .max_idle_connections(IDLE_CONNECTIONS)
            .max_idle_connections_per_host(IDLE_CONNECTIONS)
            .input_buffer_size(IO_BUFFER)
            .output_buffer_size(IO_BUFFER)
            .tls_config(tls.build())
            .proxy(proxy)
            .build();
        let connector = DefaultConnector::new().chain(EarlyAnswerConnector);
        let agent = Agent::with_parts(config, connector, DefaultResolver::default());
        Ok(Http {
            agent,
            request_timeout: settings.timeouts.request,
            retry: settings.retry,
            wire_log: settings.wire_log.clone(),
            trust: Arc::new(trust),
        })
    }

    /// Sends one request once; statuses are not interpreted. `deadline` is
    /// what is left of the call's overall deadline, if it has one.
    fn send_once(
        &self,
        url: &str,
        call: &mut Call<'_>,
        token: Option<&str>,
        deadline: Option<Duration>,
    ) -> std::result::Result<RawResponse, AttemptError> {
        let path = path_of(url);
        let method = call.method.as_str().to_owned();
        let mut builder = http::Request::builder()
            .method(call.method.clone())
            .uri(url);
        for (name, value) in &call.headers {
            builder = builder.header(*name, value.as_str());
        }
        for (name, value) in &call.caller_headers {
            builder = builder.header(name, value);
        }
        if let Some(token) = token {
            builder = builder.header("X-Auth-Token", token);
        }
        let outcome = match &mut call.payload {
            Payload::Empty => {
                if matches!(call.method, Method::POST | Method::PUT | Method::PATCH) {
                    builder = builder.header("Content-Length", "0");
                }
                self.run(builder.body(()), deadline)
            }
            Payload::Bytes { data, content_type } => {
                if !call.caller_headers.contains_key(http::header::CONTENT_TYPE) {
                    builder = builder.header("Content-Type", *content_type);
                }
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
                SENDING_STREAM.with(|c| c.set(true));
                PEER_STOPPED_READING.with(|c| c.set(false));
                let (outcome, shortfall) = match length {
                    Some(n) => {
                        let mut body = LengthChecked::new(&mut **reader, *n);
                        let outcome =
                            self.run(builder.body(SendBody::from_reader(&mut body)), deadline);
                        (outcome, body.shortfall())
                    }
                    None => (
                        self.run(builder.body(SendBody::from_reader(&mut **reader)), deadline),
                        None,
                    ),
                };
                SENDING_STREAM.with(|c| c.set(false));
                PEER_STOPPED_READING.with(|c| c.set(false));
                if let Some(message) = shortfall {
                    return Err(AttemptError {
                        error: Error::invalid_argument(format!("{method} {path}: {message}")),
                        unsent: false,
                    });
                }
                outcome
            }
        };
        match outcome {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                Ok(RawResponse {
                    status: parts.status.as_u16(),
                    headers: parts.headers,
                    body: Body::Wire(body),
                    method,
                    path,
                    attempts: 1,
                })
            }
            Err(RunError::Build(e)) => Err(AttemptError {
                error: Error::invalid_argument(format!(
                    "cannot build request {method} {path}: {e}"
                )),
                unsent: true,
            }),
            Err(RunError::Ureq(e)) => {
                let explanation = self.trust.explain(&e);
                let unsent = never_reached_server(&e);
                let mut error = map_ureq_error(e, &method, &path);
                if let (Error::Tls(failure), Some(explanation)) = (&mut error, explanation) {
                    failure.message.push_str(&explanation);
                }
                Err(AttemptError { unsent, error })
            }
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
        let raw = self.send_with_retries(url, &mut call, None, false)?;
        raw.into_success(&call.secrets)
    }

    /// Sends a call, trying again after a transient failure while the policy
    /// allows. `read_body`: read a success's body inside the loop, so a body
    /// that breaks off is retried too (JSON answers; never image data).
    ///
    /// What is retried: a 500/502/503/504 answer or a broken or stalled
    /// connection, for idempotent methods with a body that can be sent again;
    /// a connection that was never made (refused, unresolved, connect timeout),
    /// for every method, as the server cannot have acted on it. The overall
    /// deadline covers all attempts and the waits between them.
    fn send_with_retries(
        &self,
        url: &str,
        call: &mut Call<'_>,
        token: Option<&str>,
        read_body: bool,
    ) -> Result<RawResponse> {
        let started = Instant::now();
        let deadline = if call.transfer {
            None
        } else {
            self.request_timeout
        };
        let replayable = call.payload.replayable();
        let idempotent = replayable && retry::is_idempotent(&call.method);
        let max_attempts = self.retry.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let remaining = deadline.map(|d| d.saturating_sub(started.elapsed()));
            let sent_at = Instant::now();
            let mut outcome = self.send_once(url, call, token, remaining);
            if read_body {
                outcome = outcome.and_then(RawResponse::read_success_body);
            }
            self.log_attempt(url, call, attempt, sent_at.elapsed(), &outcome);
            let delay = match &outcome {
                Ok(raw) if idempotent && retry::is_retryable_status(raw.status) => {
                    Some(retry::delay(
                        &self.retry,
                        attempt,
                        retry::retry_after(&raw.headers, SystemTime::now()),
                    ))
                }
                // Only the network's failures pass: a request that could not
                // be built (an argument no header can hold) fails the same
                // way each time.
                Err(failure)
                    if matches!(failure.error, Error::Transport(_) | Error::Timeout(_))
                        && ((failure.unsent && replayable) || idempotent) =>
                {
                    Some(retry::delay(&self.retry, attempt, None))
                }
                _ => None,
            };
            let within_deadline =
                |delay: Duration| deadline.map_or(true, |d| started.elapsed() + delay < d);
            match delay {
                Some(delay) if attempt < max_attempts && within_deadline(delay) => {
                    if let Ok(raw) = outcome {
                        raw.discard();
                    }
                    std::thread::sleep(delay);
                    attempt += 1;
                }
                _ => {
                    return outcome
                        .map(|raw| raw.with_attempts(attempt))
                        .map_err(|failure| with_attempts(failure.error, attempt))
                }
            }
        }
    }

    fn log_attempt(
        &self,
        url: &str,
        call: &Call<'_>,
        attempt: u32,
        elapsed: Duration,
        outcome: &std::result::Result<RawResponse, AttemptError>,
    ) {
        let facade = match outcome {
            Ok(raw) => wire_log::facade_level(Some(raw.status), false),
            Err(failure) => wire_log::facade_level(failure.error.status(), true),
        };
        if self.wire_log.is_none() && facade.is_none() {
            return;
        }
        let (status, request_id, error) = match outcome {
            Ok(raw) => (Some(raw.status), request_id(&raw.headers), None),
            Err(failure) => (
                failure.error.status(),
                failure.error.request_id().map(str::to_owned),
                Some(failure.error.to_string()),
            ),
        };
        let event = WireEvent {
            method: call.method.as_str().to_owned(),
            url: loggable_url(url),
            status,
            request_id,
            elapsed,
            attempt,
            error,
        };
        if let Some(level) = facade {
            wire_log::to_facade(level, &event);
        }
        if let Some(log) = &self.wire_log {
            log.emit(&event);
        }
    }
}

/// A failed attempt.
struct AttemptError {
    error: Error,
    /// The request certainly never reached the server, so sending it again
    /// cannot do anything twice.
    unsent: bool,
}

/// Failures that happen before a single byte of the request left: the server
/// cannot have acted on the request.
fn never_reached_server(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Io(e) => e.kind() == std::io::ErrorKind::ConnectionRefused,
        ureq::Error::Timeout(kind) => {
            matches!(kind, ureq::Timeout::Connect | ureq::Timeout::Resolve)
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        _ => false,
    }
}

/// Says in the error how many attempts were made, when there was more than one.
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
        Error::InvalidResponse(f) => Error::InvalidResponse(note(f)),
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
    body: Body,
    method: String,
    path: String,
    /// How many attempts the call took, said in the error of a failure status.
    attempts: u32,
}

impl RawResponse {
    fn discard(self) {
        if let Body::Wire(mut body) = self.body {
            drain(&mut body);
        }
    }

    /// Reads a success's body now, so a body that breaks off is a failed attempt.
    fn read_success_body(mut self) -> std::result::Result<RawResponse, AttemptError> {
        if let (true, Body::Wire(body)) = ((200..300).contains(&self.status), &mut self.body) {
            let bytes =
                read_json_body(body, &self.method, &self.path, &self.headers).map_err(|error| {
                    AttemptError {
                        error,
                        unsent: false,
                    }
                })?;
            self.body = Body::Read(bytes);
        }
        Ok(self)
    }

    fn with_attempts(mut self, attempts: u32) -> RawResponse {
        self.attempts = attempts;
        self
    }

    /// The response, or the error its status means. `secrets`, what the
    /// request carried (token, password, keys), are masked in the error
    /// message and in any excerpt of a success's body: a proxy or debug page
    /// that echoes the request must not put them into the caller's logs.
    fn into_success(self, secrets: &[Secret]) -> Result<Response> {
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
        ureq::Error::Io(e) if is_tls_failure(&e) => Error::Tls(failure(e.to_string())),
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

/// rustls reports a refused certificate or a failed handshake as an I/O error
/// wrapping its own: that is a TLS failure, not a transient network one.
fn is_tls_failure(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
}

/// Authenticated HTTP against the catalog's services.
pub(crate) struct Transport {
    pub(crate) http: Http,
    pub(crate) session: Session,
    /// Whether the Image service takes chunked upload bodies, once known.
    pub(crate) framing: crate::image_data::FramingMemory,
}

impl Transport {
    pub(crate) fn new(settings: &ClientBuilder) -> Result<Arc<Transport>> {
        let http = Http::new(settings)?;
        let session = Session::new(settings)?;
        Ok(Arc::new(Transport {
            http,
            session,
            framing: Default::default(),
        }))
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
    pub(crate) fn send(&self, call: Call<'_>) -> Result<Response> {
        self.exchange(call, false)
    }

    fn exchange(&self, mut call: Call<'_>, read_body: bool) -> Result<Response> {
        let url = self.url_for(&call.target)?;
        let auth = self.session.current(&self.http)?;
        let raw =
            self.http
                .send_with_retries(&url, &mut call, Some(auth.token.expose()), read_body)?;
        if raw.status == 401
            && call.payload.replayable()
            && self.session.can_reauthenticate()
            && auth.renewable_after_rejection()
        {
            raw.discard();
            let fresh = self.session.reauthenticate(&self.http, &auth)?;
            let url = self.url_for(&call.target)?;
            call.secrets.push(fresh.token.clone());
            return self
                .http
                .send_with_retries(&url, &mut call, Some(fresh.token.expose()), read_body)?
                .into_success(&call.secrets);
        }
        call.secrets.push(auth.token.clone());
        raw.into_success(&call.secrets)
    }

    /// Sends a call and decodes the JSON answer (read whole inside the retry
    /// loop, so an answer cut off midway is retried like a failed request).
    pub(crate) fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        self.exchange(call, true)?.json()
    }

    /// Sends a call and reads a success's body whole (up to the JSON limit)
    /// inside the retry loop, as [`Transport::json`] does, without decoding it.
    pub(crate) fn read(&self, call: Call<'_>) -> Result<Response> {
        self.exchange(call, true)
    }

    /// Sends a call whose answer has no interesting body.
    pub(crate) fn empty(&self, call: Call<'_>) -> Result<()> {
        self.send(call)?.finish()
    }
}
