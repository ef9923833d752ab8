//! `Client::from_env()`: the `OS_*` variables openstacksdk and the
//! `openstack` command read, with the same meaning.

use super::settings::{Origin, Settings};
use super::ClientBuilder;
use crate::client::Client;
use crate::error::Result;

impl ClientBuilder {
    /// Settings from the `OS_*` environment variables, to adjust before
    /// [`build`](ClientBuilder::build).
    ///
    /// Read: `OS_AUTH_URL`, `OS_AUTH_TYPE`, `OS_IDENTITY_API_VERSION`,
    /// `OS_USERNAME`, `OS_USER_ID`, `OS_PASSWORD`, `OS_PROJECT_NAME` /
    /// `OS_TENANT_NAME`, `OS_PROJECT_ID` / `OS_TENANT_ID`,
    /// `OS_USER_DOMAIN_NAME` / `_ID`, `OS_PROJECT_DOMAIN_NAME` / `_ID`,
    /// `OS_DOMAIN_NAME` / `_ID`, `OS_DEFAULT_DOMAIN`,
    /// `OS_APPLICATION_CREDENTIAL_ID` / `_NAME` / `_SECRET`, `OS_TOKEN`,
    /// `OS_API_KEY` (Rackspace), `OS_REGION_NAME`, `OS_INTERFACE` /
    /// `OS_ENDPOINT_TYPE`, `OS_IMAGE_API_VERSION` (anything but 2 is an
    /// error), `OS_CACERT`, `OS_CERT` and `OS_KEY` (a client certificate and
    /// its key), `OS_INSECURE`, `OS_API_TIMEOUT`, and the Image
    /// endpoint override `OS_IMAGE_ENDPOINT_OVERRIDE` (or `OS_IMAGE_URL`,
    /// `OS_ENDPOINT`) and `OS_OBJECT_STORE_ENDPOINT_OVERRIDE`. Others are
    /// ignored. Without `OS_AUTH_TYPE`, the secret present picks the method:
    /// password, application credential, token or API key.
    pub fn from_env() -> Result<ClientBuilder> {
        settings_from_vars(std::env::vars_os().filter_map(|(k, v)| {
            // A variable that is not UTF-8 cannot be one of ours.
            Some((k.into_string().ok()?, v.into_string().ok()?))
        }))
        .to_builder()
    }
}

impl Client {
    /// A client configured by the `OS_*` environment variables; see
    /// [`ClientBuilder::from_env`].
    ///
    /// ```no_run
    /// // After `. openrc` or `export OS_AUTH_URL=... OS_USERNAME=...`:
    /// let client = glance_client::Client::from_env()?;
    /// # Ok::<(), glance_client::Error>(())
    /// ```
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

/// `OS_FOO_BAR=x` becomes the setting `foo_bar = x`, as openstacksdk does.
pub(crate) fn settings_from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Settings {
    Settings {
        origin: Origin::Environment,
        values: vars
            .into_iter()
            .filter_map(|(key, value)| Some((key.strip_prefix("OS_")?.to_ascii_lowercase(), value)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AuthMethod, Interface};

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn an_openrc_becomes_a_builder() {
        let builder = settings_from_vars(vars(&[
            ("OS_AUTH_URL", "http://127.0.0.1:5000/v3"),
            ("OS_AUTH_TYPE", "password"),
            ("OS_IDENTITY_API_VERSION", "3"),
            ("OS_USERNAME", "demo"),
            ("OS_PASSWORD", "demo-secret"),
            ("OS_PROJECT_NAME", "demo"),
            ("OS_USER_DOMAIN_NAME", "Default"),
            ("OS_PROJECT_DOMAIN_NAME", "Default"),
            ("OS_REGION_NAME", "RegionOne"),
            ("OS_INTERFACE", "public"),
            ("OS_CLIENT_CONFIG_FILE", "/elsewhere/clouds.yaml"),
            ("PATH", "/usr/bin"),
            ("os_lowercase", "ignored"),
        ]))
        .to_builder()
        .unwrap();
        assert!(matches!(builder.session.method, AuthMethod::V3Password(_)));
        assert_eq!(builder.session.region.as_deref(), Some("RegionOne"));
        assert_eq!(builder.session.interface, Interface::Public);
        let shown = format!("{builder:?}");
        assert!(!shown.contains("demo-secret"), "{shown}");
    }

    #[test]
    fn missing_variables_are_named() {
        let e = settings_from_vars(vars(&[("OS_USERNAME", "demo"), ("OS_PASSWORD", "x")]))
            .to_builder()
            .unwrap_err()
            .to_string();
        assert!(e.contains("OS_AUTH_URL is not set"), "{e}");
    }
}
