//! The configuration builder, consumed into a client.

use std::ffi::c_char;
use std::time::Duration;

use super::boundary::{self, optional_text, text, CallError, Out};
use super::client::glance_client;
use super::error::glance_status;
use crate::http::check_header_value;
use crate::{
    auth::Interface,
    config::{ProxySetting, RetryPolicy},
    ClientBuilder,
};

/// Settings for a client: where the Image service is, how to authenticate,
/// TLS, proxy, timeouts. Made by `glance_config_new`, changed by the
/// `glance_config_set_*` functions, consumed by `glance_config_build`.
///
/// Not thread-safe: one thread at a time may change it (it may move between
/// threads).
pub struct glance_config {
    pub(crate) builder: ClientBuilder,
}

impl glance_config {
    pub(crate) fn change(&mut self, f: impl FnOnce(ClientBuilder) -> ClientBuilder) {
        self.builder = f(std::mem::take(&mut self.builder));
    }
}

/// Runs a setter: checks the handle, then lets `set` change the builder.
pub(crate) fn set(
    config: *mut glance_config,
    set: impl FnOnce(&mut glance_config) -> boundary::CallResult,
) -> glance_status {
    boundary::change(config, "config", set)
}

fn millis(ms: u64) -> Option<Duration> {
    (ms > 0).then(|| Duration::from_millis(ms))
}

/// Makes an empty configuration (no endpoint, no authentication; default
/// timeouts: connect 30 s, stall 120 s, 300 s overall deadline of calls that
/// move no image data; the proxy from
/// the environment; 3 attempts for idempotent requests).
///
/// Returns a new handle owned by the caller, to be consumed by
/// `glance_config_build` or freed with `glance_config_free`; NULL only if the
/// library failed internally.
#[no_mangle]
pub extern "C" fn glance_config_new() -> *mut glance_config {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_config {
            builder: ClientBuilder::default(),
        })
    })
}

/// Frees a configuration that was not built. NULL is ignored.
///
/// Do not call it after `glance_config_build`, which consumes the configuration.
#[no_mangle]
pub extern "C" fn glance_config_free(config: *mut glance_config) {
    // SAFETY: NULL or a config from glance_config_new, by the contract above.
    boundary::value((), || unsafe { boundary::free(config) })
}

/// Uses this Image service URL (e.g. `http://127.0.0.1:9292`, with or without
/// `/v2`) instead of looking it up in the service catalog.
///
/// `url` is copied. The URL is checked by `glance_config_build`.
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_endpoint(
    config: *mut glance_config,
    url: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let url = unsafe { text(url, "url") }?;
        c.change(|b| b.endpoint(url));
        Ok(())
    })
}

/// Authenticates with an existing token (sent as `X-Auth-Token`), replacing any
/// other authentication set before. A token alone has no service catalog, so
/// the endpoint must be set too.
///
/// `token` is copied; the library never shows it in messages.
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`, or
/// `GLANCE_INVALID_ARG` for a token holding a control character (CR, LF, ...),
/// which no HTTP header can carry (the configuration is then unchanged).
#[no_mangle]
pub extern "C" fn glance_config_set_token(
    config: *mut glance_config,
    token: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let token = unsafe { text(token, "token") }?;
        check_header_value("the token", token)?;
        c.change(|b| b.token(token));
        Ok(())
    })
}

/// Uses the endpoints of this region of the service catalog (compared
/// without regard to case).
///
/// `region` is copied. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_region(
    config: *mut glance_config,
    region: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let region = unsafe { text(region, "region") }?;
        c.change(|b| b.region(region));
        Ok(())
    })
}

/// Uses this interface of the service catalog: `public` (the default),
/// `internal` or `admin` (any case; the v2.0 names `publicURL`,
/// `internalURL`, `adminURL` too).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`, or
/// `GLANCE_INVALID_ARG` for another word.
#[no_mangle]
pub extern "C" fn glance_config_set_interface(
    config: *mut glance_config,
    interface: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let interface: Interface = unsafe { text(interface, "interface") }?.parse()?;
        c.change(|b| b.interface(interface));
        Ok(())
    })
}

/// Uses this Object Storage (Swift) URL, account included (e.g.
/// `http://127.0.0.1:8080/v1/AUTH_<project>`), instead of the catalog's.
///
/// `url` is copied. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_object_store_endpoint(
    config: *mut glance_config,
    url: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let url = unsafe { text(url, "url") }?;
        c.change(|b| b.object_store_endpoint(url));
        Ok(())
    })
}

/// Connection timeout in milliseconds (TLS handshake included); 0 means none.
/// Default 30 000.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_config_set_connect_timeout_ms(
    config: *mut glance_config,
    ms: u64,
) -> glance_status {
    set(config, |c| {
        c.change(|b| b.connect_timeout(millis(ms)));
        Ok(())
    })
}

/// Stall timeout in milliseconds: a call fails with `GLANCE_TIMEOUT` when the
/// connection stays silent this long; 0 means none. Default 120 000. Image
/// data transfers are only ever stopped by this one, never by a total timer.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_config_set_stall_timeout_ms(
    config: *mut glance_config,
    ms: u64,
) -> glance_status {
    set(config, |c| {
        c.change(|b| b.stall_timeout(millis(ms)));
        Ok(())
    })
}

/// Overall deadline in milliseconds of each call that transfers no image data
/// (listing, get, update, authentication...), retries and waits included;
/// 0 means none. Default 300 000 (5 minutes), so a server trickling its
/// answer cannot hold a call for ever; image data transfers ignore it and are
/// bounded by the stall timeout only.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_config_set_request_timeout_ms(
    config: *mut glance_config,
    ms: u64,
) -> glance_status {
    set(config, |c| {
        c.change(|b| b.request_timeout(millis(ms)));
        Ok(())
    })
}

/// Trusts the certificates in this PEM file in place of the system's trust
/// store (as `curl --cacert` does). Without it, the roots come from the
/// system store, honouring `SSL_CERT_FILE` and `SSL_CERT_DIR`.
///
/// `path` is copied; the file is read by `glance_config_build`.
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_ca_file(
    config: *mut glance_config,
    path: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let path = unsafe { text(path, "path") }?;
        c.change(|b| b.ca_file(path));
        Ok(())
    })
}

/// Presents a client certificate to servers that ask for one (mutual TLS):
/// the certificate and its chain from the PEM file `cert_path`, its private
/// key from the PEM file `key_path`. `key_path` may be NULL: the key is then
/// read from `cert_path` too. Both paths are copied; the files are read by
/// `glance_config_build`, which fails with `GLANCE_IO` (unreadable) or
/// `GLANCE_CONFIG` (no certificate or no key in them).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_client_cert(
    config: *mut glance_config,
    cert_path: *const c_char,
    key_path: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let cert = unsafe { text(cert_path, "cert_path") }?;
        let key = unsafe { optional_text(key_path, "key_path") }?;
        c.change(|b| b.client_certificate(cert, key.map(Into::into)));
        Ok(())
    })
}

/// With `insecure` true, skips TLS certificate verification. Only for tests:
/// anyone on the path can then read the token.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_config_set_insecure(
    config: *mut glance_config,
    insecure: bool,
) -> glance_status {
    set(config, |c| {
        c.change(|b| b.danger_accept_invalid_certs(insecure));
        Ok(())
    })
}

/// Sends every request through this proxy (e.g. `http://user:pass@proxy:3128`)
/// instead of the one the environment names.
///
/// `url` is copied and checked by `glance_config_build`.
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_proxy(
    config: *mut glance_config,
    url: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let url = unsafe { text(url, "url") }?;
        c.change(|b| b.proxy(ProxySetting::Url(url.to_owned())));
        Ok(())
    })
}

/// Connects directly, ignoring the proxy variables of the environment
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) that are used by default.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_config_disable_proxy(config: *mut glance_config) -> glance_status {
    set(config, |c| {
        c.change(|b| b.proxy(ProxySetting::None));
        Ok(())
    })
}

/// Appends `suffix` to the `User-Agent` header (`glance-client/<version> <suffix>`).
///
/// `suffix` is copied. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`,
/// `GLANCE_INVALID_UTF8`, or `GLANCE_INVALID_ARG` for a suffix holding a
/// control character (CR, LF, ...), which no HTTP header can carry (the
/// configuration is then unchanged).
#[no_mangle]
pub extern "C" fn glance_config_set_user_agent_suffix(
    config: *mut glance_config,
    suffix: *const c_char,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let suffix = unsafe { text(suffix, "suffix") }?;
        check_header_value("the user-agent suffix", suffix)?;
        c.change(|b| b.user_agent_suffix(suffix));
        Ok(())
    })
}

/// Retries of idempotent requests (GET, HEAD, PUT, DELETE) after a network
/// failure or a 500/502/503/504: `max_attempts` in total (1, or 0, disables
/// retries), waiting `initial_backoff_ms` before the second, doubled each time,
/// never more than `max_backoff_ms` (a server's `Retry-After` included).
/// Default 3, 500, 10 000.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_config_set_retry(
    config: *mut glance_config,
    max_attempts: u32,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
) -> glance_status {
    set(config, |c| {
        c.change(|b| {
            b.retry(RetryPolicy {
                max_attempts,
                initial_backoff: Duration::from_millis(initial_backoff_ms),
                max_backoff: Duration::from_millis(max_backoff_ms),
            })
        });
        Ok(())
    })
}

/// Makes a client from the configuration. Settings are checked here (a missing
/// authentication, a bad URL, an unreadable CA file); no request is sent
/// until the first call.
///
/// Always consumes `config`, whether it succeeds or not: do not use or free it
/// afterwards. On success `*out_client` receives a new client owned by the
/// caller (free it with `glance_client_free`); on failure it is not written.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_CONFIG` (settings missing or
/// inconsistent), `GLANCE_INVALID_ARG` (a malformed URL), `GLANCE_IO` (the CA
/// file cannot be read).
#[no_mangle]
pub extern "C" fn glance_config_build(
    config: *mut glance_config,
    out_client: *mut *mut glance_client,
) -> glance_status {
    boundary::run(|| {
        if config.is_null() {
            return Err(CallError::new(
                glance_status::GLANCE_NULL_ARG,
                "'config' is NULL",
            ));
        }
        // SAFETY: from glance_config_new and not used again, per the contract above.
        let config = unsafe { Box::from_raw(config) };
        // SAFETY: NULL or writable, per the C contract.
        let out = unsafe { Out::new(out_client, "out_client") }?;
        let client = config.builder.build()?;
        out.set(boundary::give(glance_client { client }));
        Ok(())
    })
}
