//! Client settings: the builder every way of making a [`Client`] goes
//! through. [`build`](ClientBuilder::build) hands each layer its own
//! settings value: the HTTP layer its [`HttpSettings`], the session its
//! [`SessionSettings`].

use std::path::PathBuf;
use std::time::Duration;

use crate::auth::{AuthMethod, Interface, SessionSettings};
use crate::client::Client;
use crate::error::Result;
use crate::http::{HttpSettings, ProxySetting, RetryPolicy, Timeouts};
use crate::secret::Secret;
use crate::wire_log::{loggable_url, WireEvent, WireLog};

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// Builds a [`Client`].
///
/// ```no_run
/// let client = glance_client::Client::builder()
///     .endpoint("http://127.0.0.1:9292")
///     .token("gAAAAABh...")
///     .build()?;
/// # Ok::<(), glance_client::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    /// What the HTTP layer is made from.
    pub(crate) http: HttpSettings,
    /// What the session (authentication, catalog) is made from.
    pub(crate) session: SessionSettings,
}

/// URLs may carry `user:password@`: `{:?}` masks it as the wire log does.
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = |u: &Option<String>| u.as_deref().map(loggable_url);
        f.debug_struct("ClientBuilder")
            .field("auth", &self.session.method)
            .field("endpoint_override", &url(&self.session.image_endpoint))
            .field(
                "object_store_endpoint_override",
                &url(&self.session.object_store_endpoint),
            )
            .field("region", &self.session.region)
            .field("interface", &self.session.interface)
            .field("timeouts", &self.http.timeouts)
            .field("ca_file", &self.http.ca_file)
            .field("client_cert", &self.http.client_cert)
            .field("client_key", &self.http.client_key)
            .field("insecure", &self.http.insecure)
            .field("proxy", &self.http.proxy)
            .field("user_agent_suffix", &self.http.user_agent_suffix)
            .field("retry", &self.http.retry)
            .field("wire_log", &self.http.wire_log)
            .finish()
    }
}

impl ClientBuilder {
    /// The Image service URL, e.g. `http://127.0.0.1:9292` (with or without
    /// `/v2`); skips the service catalog.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.session.image_endpoint = Some(url.into());
        self
    }

    /// The Object Storage (Swift) URL including its account, e.g.
    /// `http://127.0.0.1:8080/v1/AUTH_<project>`; skips the service catalog.
    pub fn object_store_endpoint(mut self, url: impl Into<String>) -> Self {
        self.session.object_store_endpoint = Some(url.into());
        self
    }

    /// Keystone v3 password authentication of a user of the `default` domain,
    /// scoped to a project of that domain; see [`AuthMethod::password`] and
    /// [`AuthMethod::V3Password`] for other domains, ids and scopes.
    pub fn password(
        self,
        auth_url: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
        project_name: impl Into<String>,
    ) -> Self {
        self.auth(AuthMethod::password(
            auth_url,
            username,
            password,
            project_name,
        ))
    }

    /// An existing token, sent as `X-Auth-Token`. Needs [`endpoint`](Self::endpoint)
    /// unless the authentication method provides a catalog.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.session.method = AuthMethod::Token(token.into());
        self
    }

    /// How to authenticate (Keystone password, application credential, ...).
    pub fn auth(mut self, method: AuthMethod) -> Self {
        self.session.method = method;
        self
    }

    /// The region whose endpoints to use (matched without regard to case).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.session.region = Some(region.into());
        self
    }

    /// Which catalog interface to use (public by default).
    pub fn interface(mut self, interface: Interface) -> Self {
        self.session.interface = interface;
        self
    }

    /// All timeouts at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.http.timeouts = timeouts;
        self
    }

    /// Connection timeout (TLS handshake included).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.http.timeouts.connect = timeout;
        self
    }

    /// Stall timeout: the longest silence on a connection.
    pub fn stall_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.http.timeouts.stall = timeout;
        self
    }

    /// Overall deadline of calls that do not transfer image data.
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.http.timeouts.request = timeout;
        self
    }

    /// Trusts the certificates of this PEM file in place of the system's trust
    /// store (as `curl --cacert` and `OS_CACERT` in the `openstack` command
    /// do). Without it, the roots come from the system store, honouring
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.http.ca_file = Some(path.into());
        self
    }

    /// Presents a client certificate to servers that ask for one (mutual
    /// TLS, as some private clouds require in front of Keystone and Glance):
    /// the certificate and its chain from the PEM file `cert`, its private
    /// key from the PEM file `key`, or from `cert` itself when `None`. The
    /// files are read by [`ClientBuilder::build`].
    pub fn client_certificate(mut self, cert: impl Into<PathBuf>, key: Option<PathBuf>) -> Self {
        self.http.client_cert = Some(cert.into());
        self.http.client_key = key;
        self
    }

    /// Skips TLS certificate verification. Only for tests: anyone on the path
    /// can then read the token.
    pub fn danger_accept_invalid_certs(mut self, insecure: bool) -> Self {
        self.http.insecure = insecure;
        self
    }

    /// Proxy choice (the environment's by default).
    pub fn proxy(mut self, proxy: ProxySetting) -> Self {
        self.http.proxy = proxy;
        self
    }

    /// Appended to the `User-Agent` (`glance-client/<version> <suffix>`).
    /// A suffix holding a control character (CR, LF, ...) makes
    /// [`build`](Self::build) fail with [`Error::InvalidArgument`](crate::Error::InvalidArgument).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.http.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Retry policy for idempotent requests.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.http.retry = retry;
        self
    }

    /// Reports every HTTP attempt (method, URL, status, request id, timing) to
    /// `callback`, never a header or a body, so never a token or a password.
    /// Off by default. The callback may call the client: the attempts of an
    /// authentication are reported once it has finished (the session lock is
    /// released), so such a call never waits on its own thread.
    pub fn wire_log(mut self, callback: impl Fn(&WireEvent) + Send + Sync + 'static) -> Self {
        self.http.wire_log = Some(WireLog::new(callback));
        self
    }

    /// Makes the client. Settings are checked here; no request is sent until
    /// the first call (authentication happens then).
    pub fn build(self) -> Result<Client> {
        Client::new(self.http, self.session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_proxy_credentials() {
        let builder = ClientBuilder::default().proxy(ProxySetting::Url(
            "http://alice:s3cret@127.0.0.1:3128".into(),
        ));
        let shown = format!("{builder:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains("alice"), "{shown}");
        assert!(shown.contains("127.0.0.1:3128"), "{shown}");
    }

    #[test]
    fn debug_output_hides_credentials_in_endpoints() {
        let builder = ClientBuilder::default()
            .endpoint("http://alice:s3cret@127.0.0.1:9292")
            .object_store_endpoint("http://bob:hunter22@127.0.0.1:8080/v1/AUTH_p");
        let shown = format!("{builder:?} {builder:#?}");
        for secret in ["alice", "s3cret", "bob", "hunter22"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("127.0.0.1:9292") && shown.contains("/v1/AUTH_p"),
            "{shown}"
        );
    }
}
