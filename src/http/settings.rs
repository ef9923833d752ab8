//! The HTTP layer's settings: timeouts, proxy, TLS files and trust, user
//! agent suffix, retry policy and wire log, handed down by the builder as one
//! value (ureq's `config_builder().build()` habit), so this layer never sees
//! the builder itself.

use std::path::PathBuf;
use std::time::Duration;

use crate::wire_log::{loggable_url, WireLog};

/// The default overall deadline of a metadata call (`Timeouts::request`).
const DEFAULT_REQUEST_DEADLINE: Duration = Duration::from_secs(300);

/// Timeouts. Data transfers are never cut by a total timer: a multi-gigabyte
/// download is only stopped when it *stalls*.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection, TLS handshake included. Default 30 s.
    pub connect: Option<Duration>,
    /// The longest the connection may stay silent: no byte sent or received for
    /// this long fails the call with [`Error::Timeout`](crate::Error::Timeout).
    /// Default 120 s.
    pub stall: Option<Duration>,
    /// An overall deadline for each API call that does not transfer image data
    /// (listing, get, update, authentication...), its retries and waits
    /// included. Default 5 minutes, so a server trickling an answer a byte at a
    /// time (which `stall` never catches) cannot hold a call for ever; `None`
    /// removes it. Uploads and downloads ignore it and rely on `stall`, so a
    /// long transfer is not killed by a global timer.
    pub request: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Some(Duration::from_secs(30)),
            stall: Some(Duration::from_secs(120)),
            request: Some(DEFAULT_REQUEST_DEADLINE),
        }
    }
}

/// How to reach the network.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` from the environment.
    #[default]
    FromEnvironment,
    /// Direct connections only.
    None,
    /// This proxy, e.g. `http://user:pass@proxy:3128`.
    Url(String),
}

/// A proxy URL often carries `user:password@`: `{:?}` of a builder (a log line,
/// a panic message) must not print it.
impl std::fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxySetting::FromEnvironment => f.write_str("FromEnvironment"),
            ProxySetting::None => f.write_str("None"),
            ProxySetting::Url(url) => f.debug_tuple("Url").field(&loggable_url(url)).finish(),
        }
    }
}

/// Retries of failed idempotent requests (GET, HEAD, PUT, DELETE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included; 1 disables retries. Default 3.
    pub max_attempts: u32,
    /// Delay before the second attempt; doubled each time, with jitter. Default 500 ms.
    pub initial_backoff: Duration,
    /// Upper bound of a delay, `Retry-After` included. Default 10 s.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// Everything [`Http`](super::Http) is made from.
#[derive(Clone, Default)]
pub(crate) struct HttpSettings {
    pub(crate) timeouts: Timeouts,
    pub(crate) ca_file: Option<PathBuf>,
    pub(crate) client_cert: Option<PathBuf>,
    pub(crate) client_key: Option<PathBuf>,
    pub(crate) insecure: bool,
    pub(crate) proxy: ProxySetting,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) wire_log: Option<WireLog>,
}
