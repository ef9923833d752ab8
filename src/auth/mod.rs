//! Authentication: how the client gets a token and finds its endpoints.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::config::ClientBuilder;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport::Http;

/// How the client authenticates.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum AuthMethod {
    /// Nothing chosen yet: building the client fails.
    #[default]
    Unset,
    /// An existing token, used as is until the server rejects it.
    Token(Secret),
}

/// A service the client talks to, as named in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `image`: Glance.
    Image,
    /// `object-store`: Swift.
    ObjectStore,
}

impl Service {
    /// The catalog's service type.
    pub fn catalog_type(self) -> &'static str {
        match self {
            Service::Image => "image",
            Service::ObjectStore => "object-store",
        }
    }
}

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

/// A token and what came with it.
#[derive(Debug)]
pub(crate) struct AuthState {
    pub(crate) token: Secret,
    #[allow(dead_code)]
    pub(crate) expires_at: Option<SystemTime>,
}

/// The client's authentication state, shared by all its clones.
pub(crate) struct Session {
    method: AuthMethod,
    image_endpoint: Option<String>,
    current: Mutex<Option<Arc<AuthState>>>,
}

impl Session {
    pub(crate) fn new(settings: &ClientBuilder) -> Result<Session> {
        let image_endpoint = settings
            .endpoint_override
            .as_deref()
            .map(normalize_image_endpoint)
            .transpose()?;
        match &settings.auth {
            AuthMethod::Unset => {
                return Err(Error::Config(
                    "no authentication given: set a token or credentials".into(),
                ))
            }
            AuthMethod::Token(token) if token.is_empty() => {
                return Err(Error::Config("the token is empty".into()))
            }
            AuthMethod::Token(_) if image_endpoint.is_none() => {
                return Err(Error::Config(
                    "a token alone needs the image endpoint: set endpoint(...)".into(),
                ))
            }
            AuthMethod::Token(_) => {}
        }
        Ok(Session {
            method: settings.auth.clone(),
            image_endpoint,
            current: Mutex::new(None),
        })
    }

    /// The token to send now, authenticating first when there is none.
    pub(crate) fn current(&self, _http: &Http) -> Result<Arc<AuthState>> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(state) = current.as_ref() {
            return Ok(state.clone());
        }
        let state = Arc::new(match &self.method {
            AuthMethod::Token(token) => AuthState {
                token: token.clone(),
                expires_at: None,
            },
            AuthMethod::Unset => unreachable!("rejected in Session::new"),
        });
        *current = Some(state.clone());
        Ok(state)
    }

    /// Whether a 401 can be cured by authenticating again.
    pub(crate) fn can_reauthenticate(&self) -> bool {
        !matches!(self.method, AuthMethod::Token(_))
    }

    /// Replaces `stale` with a fresh token (once, however many threads ask).
    pub(crate) fn reauthenticate(
        &self,
        http: &Http,
        stale: &Arc<AuthState>,
    ) -> Result<Arc<AuthState>> {
        {
            let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
            if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, stale)) {
                *current = None;
            }
        }
        self.current(http)
    }

    /// The base URL of a service.
    pub(crate) fn endpoint(&self, _http: &Http, service: Service) -> Result<String> {
        match (service, &self.image_endpoint) {
            (Service::Image, Some(url)) => Ok(url.clone()),
            _ => Err(Error::Config(format!(
                "no endpoint for service '{}' (no catalog with this authentication)",
                service.catalog_type()
            ))),
        }
    }
}

/// `http://h:9292`, `http://h:9292/`, `http://h:9292/v2` and `http://h:9292/v2/`
/// all name the same Image service; keep the form without version suffix.
pub(crate) fn normalize_image_endpoint(url: &str) -> Result<String> {
    crate::url::split_origin(url)?;
    let trimmed = url.trim_end_matches('/');
    let base = trimmed
        .strip_suffix("/v2")
        .or_else(|| {
            // `/v2.1` style suffixes from older catalogs.
            trimmed
                .rfind("/v2.")
                .filter(|&i| trimmed[i + 4..].chars().all(|c| c.is_ascii_digit()))
                .map(|i| &trimmed[..i])
        })
        .unwrap_or(trimmed);
    Ok(base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_endpoint_forms_agree() {
        for url in [
            "http://h:9292",
            "http://h:9292/",
            "http://h:9292/v2",
            "http://h:9292/v2/",
            "http://h:9292/v2.1",
        ] {
            assert_eq!(
                normalize_image_endpoint(url).unwrap(),
                "http://h:9292",
                "{url}"
            );
        }
        assert_eq!(
            normalize_image_endpoint("https://c/image/v2").unwrap(),
            "https://c/image"
        );
        assert!(normalize_image_endpoint("127.0.0.1:9292").is_err());
    }
}
