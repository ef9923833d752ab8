//! Authentication: how the client gets a token and finds its endpoints.
//!
//! - `method`: the public description of credentials ([`AuthMethod`]);
//! - `edit`: changing one part of a method (its user, project or domain),
//!   for the C setters and for the settings reader in `src/config/`;
//! - `keystone_v3`, `keystone_v2`: the token requests of each Identity API;
//! - `catalog`: endpoint selection by service type, region and interface;
//! - `session`: the shared token cache, renewal before expiry and after a 401.

mod catalog;
pub(crate) mod edit;
pub(crate) mod keystone_v2;
pub(crate) mod keystone_v3;
pub(crate) mod method;
mod session;

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, HttpError, Result};

pub use crate::service::Service;
pub use method::{
    ApplicationCredentialRef, AuthMethod, DomainRef, ProjectRef, RackspaceApiKey, Scope, TenantRef,
    UserRef, V2Password, V3ApplicationCredential, V3Password, V3Token,
};
pub(crate) use session::{AuthState, Session, SessionSettings};

/// Which endpoint of a service to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interface {
    /// The public endpoint (default).
    #[default]
    Public,
    /// The internal endpoint.
    Internal,
    /// The admin endpoint.
    Admin,
}

impl Interface {
    /// The name Keystone v3 catalogs use: `public`, `internal` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Public => "public",
            Interface::Internal => "internal",
            Interface::Admin => "admin",
        }
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Interface {
    type Err = Error;

    /// Accepts the v3 names and the v2.0 ones (`publicURL`, `internalURL`,
    /// `adminURL`), in any case, as `OS_INTERFACE` and `OS_ENDPOINT_TYPE` do.
    fn from_str(text: &str) -> Result<Interface> {
        let lower = text.trim().to_ascii_lowercase();
        match lower.strip_suffix("url").unwrap_or(&lower) {
            "public" => Ok(Interface::Public),
            "internal" | "private" => Ok(Interface::Internal),
            "admin" => Ok(Interface::Admin),
            _ => Err(Error::invalid_argument(format!(
                "interface '{text}' is not one of public, internal, admin"
            ))),
        }
    }
}

/// What an identity service handed out: a token and what came with it.
#[derive(Debug)]
pub(crate) struct TokenGrant {
    pub(crate) token: crate::secret::Secret,
    /// Seconds since the epoch, as the identity service wrote them.
    pub(crate) expires_at: Option<i64>,
    pub(crate) issued_at: Option<i64>,
    /// The identity service's clock when it answered (its `Date` header).
    pub(crate) server_now: Option<i64>,
    pub(crate) catalog: catalog::Catalog,
    pub(crate) project_id: Option<String>,
    pub(crate) user_id: Option<String>,
    /// Rackspace's `RAX-AUTH:defaultRegion`.
    pub(crate) default_region: Option<String>,
}

/// `auth_url` with the identity API version as its last path segment:
/// `http://k:5000` and `http://k:5000/v3/` both give `http://k:5000/v3`.
/// A URL naming the other version is refused rather than silently mixed.
pub(crate) fn versioned_auth_url(auth_url: &str, version: &str) -> Result<String> {
    crate::url::split_origin(auth_url)
        .map_err(|e| Error::invalid_argument(format!("auth_url: {e}")))?;
    let trimmed = auth_url.trim_end_matches('/');
    if trimmed.ends_with(&format!("/{version}")) {
        return Ok(trimmed.to_owned());
    }
    for other in ["v2.0", "v3"] {
        if other != version && trimmed.ends_with(&format!("/{other}")) {
            return Err(Error::invalid_argument(format!(
                "auth_url '{auth_url}' is a Keystone {other} URL, but {version} authentication \
                 was asked"
            )));
        }
    }
    Ok(format!("{trimmed}/{version}"))
}

/// Says that a failure status came from the identity service, so "401" is
/// not mistaken for a rejected Image call.
pub(crate) fn identity_error(service: &str, error: Error) -> Error {
    match error.http() {
        Some(http) => {
            let what = if http.status == 401 {
                format!("{service} rejected the credentials")
            } else {
                format!("{service} refused to issue a token")
            };
            Error::from_status(HttpError {
                message: if http.message.is_empty() {
                    what
                } else {
                    format!("{what}: {}", http.message)
                },
                ..http.clone()
            })
        }
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names() {
        for (text, want) in [
            ("public", Interface::Public),
            ("publicURL", Interface::Public),
            ("Internal", Interface::Internal),
            ("internalURL", Interface::Internal),
            ("admin", Interface::Admin),
            ("adminURL", Interface::Admin),
        ] {
            assert_eq!(text.parse::<Interface>().unwrap(), want, "{text}");
        }
        assert!(matches!(
            "outside".parse::<Interface>(),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn auth_url_gets_its_version_once() {
        for url in [
            "http://k:5000",
            "http://k:5000/",
            "http://k:5000/v3",
            "http://k:5000/v3/",
        ] {
            assert_eq!(versioned_auth_url(url, "v3").unwrap(), "http://k:5000/v3");
        }
        assert_eq!(
            versioned_auth_url("https://id.example/v2.0/", "v2.0").unwrap(),
            "https://id.example/v2.0"
        );
        assert_eq!(
            versioned_auth_url("https://c/identity", "v3").unwrap(),
            "https://c/identity/v3"
        );
        assert!(versioned_auth_url("http://k:5000/v2.0", "v3").is_err());
        assert!(versioned_auth_url("k:5000", "v3").is_err());
    }

    #[test]
    fn identity_errors_name_the_service() {
        let e = Error::from_status(HttpError {
            method: "POST".into(),
            path: "/v3/auth/tokens".into(),
            status: 401,
            message: "The request you have made requires authentication.".into(),
            request_id: Some("req-1".into()),
        });
        let e = identity_error("Keystone", e);
        assert!(matches!(e, Error::Unauthorized(_)));
        assert_eq!(
            e.to_string(),
            "unauthorized: POST /v3/auth/tokens returned 401: Keystone rejected the \
             credentials: The request you have made requires authentication. (request id req-1)"
        );
    }
}
