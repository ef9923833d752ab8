//! The raw HTTP agent: one ureq agent with the client's timeouts, TLS,
//! proxy and user agent, sending requests without a token and trying them
//! again after transient failures.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ureq::http::{self, Method};
use ureq::tls::TlsConfig;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector, DefaultConnector};
use ureq::{Agent, SendBody};

use super::call::{check_header_value, Call, Payload};
use super::early_answer::{sending_stream, EarlyAnswerConnector};
use super::failure::{map_ureq_error, never_reached_server, request_id, with_attempts};
use super::response::{Body, RawResponse, Response};
use super::retry;
use super::settings::{HttpSettings, ProxySetting, RetryPolicy};
use super::tls_files;
use super::trust::Trust;
use crate::body_length::LengthChecked;
use crate::error::{Error, Result};
use crate::wire_log::{self, loggable_url, WireEvent, WireLog};

/// Idle connections kept for reuse (per host and in all).
const IDLE_CONNECTIONS: usize = 32;
/// Socket buffers: large enough that image data moves in few system calls.
const IO_BUFFER: usize = 256 * 1024;

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
    pub(crate) fn new(settings: HttpSettings) -> Result<Http> {
        let trust = Trust::new(settings.ca_file.as_deref());
        let mut tls = TlsConfig::builder()
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
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
            wire_log: settings.wire_log,
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
            } => self.run_stream(builder, &mut **reader, *length, content_type, deadline),
            Payload::Rewindable {
                body,
                length,
                content_type,
            } => self.run_stream(builder, body.reader(), *length, content_type, deadline),
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
            Err(RunError::Short(message)) => Err(AttemptError {
                error: Error::invalid_argument(format!("{method} {path}: {message}")),
                unsent: false,
            }),
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

    /// Sends a streamed body, with its length as `Content-Length` when known
    /// (ureq honours a Content-Length it is given and streams without
    /// chunked framing, which some Glance front ends need).
    fn run_stream(
        &self,
        builder: http::request::Builder,
        reader: &mut dyn std::io::Read,
        length: Option<u64>,
        content_type: &str,
        deadline: Option<Duration>,
    ) -> std::result::Result<http::Response<ureq::Body>, RunError> {
        let mut builder = builder.header("Content-Type", content_type);
        if let Some(n) = length {
            builder = builder.header("Content-Length", n.to_string());
        }
        let (outcome, shortfall) = sending_stream(|| match length {
            Some(n) => {
                let mut body = LengthChecked::new(reader, n);
                let outcome = self.run(builder.body(SendBody::from_reader(&mut body)), deadline);
                (outcome, body.shortfall())
            }
            None => (
                self.run(builder.body(SendBody::from_reader(reader)), deadline),
                None,
            ),
        });
        match shortfall {
            Some(message) => Err(RunError::Short(message)),
            None => outcome,
        }
    }

    /// The delay before attempt `attempt + 1` of a request that its caller
    /// repeats itself (a part of a large object).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        retry::delay(&self.retry, attempt, None)
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
    pub(crate) fn send_with_retries(
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
                outcome = outcome.and_then(|raw| {
                    raw.read_success_body().map_err(|error| AttemptError {
                        error,
                        unsent: false,
                    })
                });
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

enum RunError {
    Build(http::Error),
    Ureq(ureq::Error),
    /// The streamed body did not have the length announced.
    Short(String),
}

/// The path (with query) of a URL, as messages name the request.
fn path_of(url: &str) -> String {
    crate::url::split_origin(url)
        .map(|(origin, _)| url[origin.len()..].to_owned())
        .unwrap_or_else(|_| url.to_owned())
}
