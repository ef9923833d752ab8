//! The opt-in wire log: one event per HTTP attempt, for callers who want to
//! see what the client does on the network without ever seeing a secret.
//!
//! An event holds the method, the URL (user information and secret-looking
//! query values masked), the status, the request id, the timing and the
//! attempt number. Headers and bodies are never part of it, so tokens
//! (`X-Auth-Token`, `X-Subject-Token`) and Keystone passwords cannot reach it.
//!
//! With the `log` feature the same events also go to the `log` facade
//! (target `glance_client`), whether or not a callback is set.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One HTTP attempt, as the wire log reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WireEvent {
    /// The request method, e.g. `GET`.
    pub method: String,
    /// The full URL, with user information and secret query values masked.
    pub url: String,
    /// The HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// The `x-openstack-request-id` (or equivalent) of the answer.
    pub request_id: Option<String>,
    /// Time from sending the request to receiving the answer's headers (or the failure).
    pub elapsed: Duration,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// Why no answer arrived (connection refused, timeout, ...).
    pub error: Option<String>,
}

impl fmt::Display for WireEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)?;
        match (self.status, &self.error) {
            (Some(status), _) => write!(f, " -> {status}")?,
            (None, Some(error)) => write!(f, " -> failed: {error}")?,
            (None, None) => {}
        }
        write!(f, " in {} ms", self.elapsed.as_millis())?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempt > 1 {
            write!(f, " [attempt {}]", self.attempt)?;
        }
        Ok(())
    }
}

/// The callback that receives [`WireEvent`]s; set with
/// [`ClientBuilder::wire_log`](crate::ClientBuilder::wire_log). It is called
/// on the thread making the request, so it should be quick.
#[derive(Clone)]
pub(crate) struct WireLog(Arc<dyn Fn(&WireEvent) + Send + Sync>);

thread_local! {
    /// Events held back while this thread holds the client's session lock
    /// (authenticating): a callback that calls the client would wait for
    /// that lock for ever.
    static HELD_BACK: RefCell<Option<Vec<(WireLog, WireEvent)>>> = const { RefCell::new(None) };
}

impl WireLog {
    pub(crate) fn new(callback: impl Fn(&WireEvent) + Send + Sync + 'static) -> Self {
        WireLog(Arc::new(callback))
    }

    pub(crate) fn emit(&self, event: &WireEvent) {
        let held = HELD_BACK.with(|held| match held.borrow_mut().as_mut() {
            Some(events) => {
                events.push((self.clone(), event.clone()));
                true
            }
            None => false,
        });
        if !held {
            (self.0)(event)
        }
    }
}

/// While alive, this thread's wire events are held back; they reach their
/// callbacks, in order, when it is dropped. Made before the session lock is
/// taken, so it is dropped after the lock is released.
pub(crate) struct HoldEvents {
    outermost: bool,
}

impl HoldEvents {
    pub(crate) fn start() -> HoldEvents {
        let outermost = HELD_BACK.with(|held| {
            let mut held = held.borrow_mut();
            let outermost = held.is_none();
            held.get_or_insert_with(Vec::new);
            outermost
        });
        HoldEvents { outermost }
    }
}

impl Drop for HoldEvents {
    fn drop(&mut self) {
        if !self.outermost {
            return;
        }
        let events = HELD_BACK
            .with(|held| held.borrow_mut().take())
            .unwrap_or_default();
        // A callback must not run while this thread unwinds from a panic.
        if !std::thread::panicking() {
            for (log, event) in events {
                log.emit(&event);
            }
        }
    }
}

impl fmt::Debug for WireLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WireLog(<callback>)")
    }
}

/// With the `log` feature, events also go to the `log` facade under this target.
#[cfg(feature = "log")]
pub(crate) const LOG_TARGET: &str = "glance_client";

/// The level an attempt goes to the `log` facade at, when that level is
/// enabled for [`LOG_TARGET`]: `Warn` for an attempt that got no answer or
/// an answer the client retries on (5xx, 429), `Debug` for every other one.
/// Without the `log` feature, never.
#[cfg(feature = "log")]
pub(crate) fn facade_level(status: Option<u16>, failed: bool) -> Option<log::Level> {
    let level = level_of(status, failed);
    log::log_enabled!(target: LOG_TARGET, level).then_some(level)
}

#[cfg(feature = "log")]
fn level_of(status: Option<u16>, failed: bool) -> log::Level {
    match status {
        Some(500..) | Some(429) => log::Level::Warn,
        Some(_) => log::Level::Debug,
        None if failed => log::Level::Warn,
        None => log::Level::Debug,
    }
}

/// Without the `log` feature there is no facade.
#[cfg(not(feature = "log"))]
pub(crate) fn facade_level(
    _status: Option<u16>,
    _failed: bool,
) -> Option<std::convert::Infallible> {
    None
}

/// Sends `event` to the `log` facade as its one-line form.
#[cfg(feature = "log")]
pub(crate) fn to_facade(level: log::Level, event: &WireEvent) {
    log::log!(target: LOG_TARGET, level, "{event}");
}

#[cfg(not(feature = "log"))]
pub(crate) fn to_facade(level: std::convert::Infallible, _event: &WireEvent) {
    match level {}
}

/// Query parameters whose values are credentials in some OpenStack API
/// (Swift temporary URLs carry `temp_url_sig`).
const SECRET_QUERY_KEYS: &[&str] = &["sig", "token", "password", "secret"];

/// The URL as it may be logged: `user:password@` and secret query values masked.
pub(crate) fn loggable_url(url: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let mut out = match before_query.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://***@{host}{path}"),
                None => before_query.to_owned(),
            }
        }
        None => before_query.to_owned(),
    };
    if let Some(query) = query {
        out.push('?');
        let masked: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _))
                    if SECRET_QUERY_KEYS
                        .iter()
                        .any(|s| key.to_ascii_lowercase().contains(s)) =>
                {
                    format!("{key}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out.push_str(&masked.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_information_and_signatures_are_masked() {
        assert_eq!(
            loggable_url("https://u:p@h:1/v1/a/c/o?temp_url_sig=abc&temp_url_expires=9"),
            "https://***@h:1/v1/a/c/o?temp_url_sig=***&temp_url_expires=9"
        );
        assert_eq!(
            loggable_url("http://h/v2/images?limit=2&marker=x"),
            "http://h/v2/images?limit=2&marker=x"
        );
        assert_eq!(loggable_url("http://h"), "http://h");
    }

    #[cfg(feature = "log")]
    #[test]
    fn trouble_is_a_warning_everything_else_debug() {
        use log::Level::{Debug, Warn};
        assert_eq!(level_of(Some(200), false), Debug);
        assert_eq!(level_of(Some(404), true), Debug);
        assert_eq!(level_of(Some(409), true), Debug);
        assert_eq!(level_of(Some(429), true), Warn);
        assert_eq!(level_of(Some(503), true), Warn);
        assert_eq!(level_of(None, true), Warn);
    }

    #[test]
    fn events_read_as_one_line() {
        let event = WireEvent {
            method: "GET".into(),
            url: "http://h/v2/images".into(),
            status: Some(503),
            request_id: Some("req-1".into()),
            elapsed: Duration::from_millis(12),
            attempt: 2,
            error: None,
        };
        assert_eq!(
            event.to_string(),
            "GET http://h/v2/images -> 503 in 12 ms (request id req-1) [attempt 2]"
        );
    }
}
