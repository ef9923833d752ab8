//! The client's authentication state, shared by all its clones and threads:
//! one token at a time, renewed shortly before it expires and once after the
//! server rejects it, by one thread while the others wait for its result.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::auth::catalog::{service_base_url, Catalog};
use crate::auth::{keystone_v2, keystone_v3, AuthMethod, Interface, Service, TokenGrant};
use crate::error::{Error, Result};
use crate::http::Http;
use crate::secret::Secret;
use crate::wire_log::HoldEvents;

/// Renew a token this long before it expires (keystoneauth's choice), or
/// half its lifetime before when it lives shorter than twice that.
const RENEWAL_MARGIN: Duration = Duration::from_secs(120);

/// A token the identity service issued already expired is not asked for
/// again after a 401 until this long after it came: a new one, asked at
/// once, would be expired too, and a call would authenticate several times.
const EXPIRED_TOKEN_RETRY: Duration = Duration::from_secs(60);

/// A token and what came with it.
#[derive(Debug)]
pub(crate) struct AuthState {
    pub(crate) token: Secret,
    /// When to get a new token before using this one again; `None`: never.
    renew_at: Option<Instant>,
    /// Whether the token went out with a request. A token is renewed only
    /// after it served once, so a call always progresses and never
    /// authenticates twice, even when a token arrives already due.
    used: AtomicBool,
    /// When a token that was already expired on arrival came.
    arrived_expired: Option<Instant>,
    catalog: Option<Catalog>,
    pub(crate) project_id: Option<String>,
    pub(crate) user_id: Option<String>,
    default_region: Option<String>,
}

impl AuthState {
    fn from_grant(grant: TokenGrant) -> AuthState {
        let local_now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let server_now = grant.server_now.or(grant.issued_at);
        let expired = grant
            .expires_at
            .is_some_and(|at| at <= server_now.unwrap_or(local_now));
        // Renewing it before using it would only fetch another expired one.
        let delay = renewal_delay(grant.expires_at, grant.issued_at, server_now, local_now)
            .filter(|_| !expired);
        AuthState {
            token: grant.token,
            renew_at: delay.map(|d| Instant::now() + d),
            used: AtomicBool::new(false),
            arrived_expired: expired.then(Instant::now),
            catalog: Some(grant.catalog),
            project_id: grant.project_id,
            user_id: grant.user_id,
            default_region: grant.default_region,
        }
    }

    fn due_for_renewal(&self) -> bool {
        self.used.load(Ordering::SeqCst) && self.renew_at.is_some_and(|at| Instant::now() >= at)
    }

    /// Whether a 401 on this token is worth a new authentication: not for a
    /// token that came already expired, until [`EXPIRED_TOKEN_RETRY`] has
    /// passed (so one call authenticates once at most).
    pub(crate) fn renewable_after_rejection(&self) -> bool {
        self.arrived_expired
            .map_or(true, |at| at.elapsed() >= EXPIRED_TOKEN_RETRY)
    }

    /// Whether it falls due for renewal within `margin`: a long transfer
    /// renews it before starting rather than run on a dying token.
    pub(crate) fn due_within(&self, margin: Duration) -> bool {
        self.renew_at
            .is_some_and(|at| Instant::now() + margin >= at)
    }
}

/// How long a token can be used before renewing it, measured on the identity
/// service's clock (`server_now`) so a skewed local clock does not matter;
/// `None` when the token has no known expiry.
fn renewal_delay(
    expires_at: Option<i64>,
    issued_at: Option<i64>,
    server_now: Option<i64>,
    local_now: i64,
) -> Option<Duration> {
    let expires_at = expires_at?;
    let remaining = expires_at - server_now.unwrap_or(local_now);
    let lifetime = issued_at.map_or(remaining, |issued| expires_at - issued);
    let margin = (lifetime / 2).clamp(0, RENEWAL_MARGIN.as_secs() as i64);
    Some(Duration::from_secs((remaining - margin).max(0) as u64))
}

/// Everything a [`Session`] is made from.
#[derive(Clone, Default)]
pub(crate) struct SessionSettings {
    pub(crate) method: AuthMethod,
    pub(crate) region: Option<String>,
    pub(crate) interface: Interface,
    /// The Image service URL given in place of the catalog's.
    pub(crate) image_endpoint: Option<String>,
    /// The Object Storage URL (with its account) given in place of the catalog's.
    pub(crate) object_store_endpoint: Option<String>,
}

/// The client's authentication state, shared by all its clones.
pub(crate) struct Session {
    method: AuthMethod,
    region: Option<String>,
    interface: Interface,
    image_endpoint: Option<String>,
    object_store_endpoint: Option<String>,
    current: Mutex<Option<Arc<AuthState>>>,
}

impl Session {
    pub(crate) fn new(settings: SessionSettings) -> Result<Session> {
        let image_endpoint = settings
            .image_endpoint
            .as_deref()
            .map(|url| service_base_url(Service::Image, url))
            .transpose()?;
        let object_store_endpoint = settings
            .object_store_endpoint
            .as_deref()
            .map(|url| service_base_url(Service::ObjectStore, url))
            .transpose()?;
        settings.method.check()?;
        if matches!(settings.method, AuthMethod::Token(_)) && image_endpoint.is_none() {
            return Err(Error::Config(
                "a token alone needs the image endpoint: set endpoint(...), or give Keystone's \
                 auth_url with AuthMethod::V3Token to get a catalog"
                    .into(),
            ));
        }
        Ok(Session {
            method: settings.method,
            region: settings.region.filter(|r| !r.is_empty()),
            interface: settings.interface,
            image_endpoint,
            object_store_endpoint,
            current: Mutex::new(None),
        })
    }

    /// Takes the session lock. Callers hold the wire log's events back first
    /// ([`HoldEvents`]): the identity requests made under the lock are
    /// reported once it is released, so a wire-log callback may call the
    /// client without waiting for the lock its own thread holds.
    fn lock(&self) -> MutexGuard<'_, Option<Arc<AuthState>>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token to send now: authenticates first when there is none or when
    /// it is about to expire. Threads that ask meanwhile wait for that one
    /// authentication instead of starting their own.
    pub(crate) fn current(&self, http: &Http) -> Result<Arc<AuthState>> {
        let _events = HoldEvents::start();
        let mut current = self.lock();
        let state = match current.as_ref().filter(|s| !s.due_for_renewal()) {
            Some(state) => state.clone(),
            None => self.renew(&mut current, http)?,
        };
        state.used.store(true, Ordering::SeqCst);
        Ok(state)
    }

    /// The state to read the catalog from: the current one even when due for
    /// renewal (the catalog does not expire; the request's own token is
    /// renewed by [`current`](Self::current)).
    fn catalog_state(&self, http: &Http) -> Result<Arc<AuthState>> {
        let _events = HoldEvents::start();
        let mut current = self.lock();
        match current.as_ref() {
            Some(state) => Ok(state.clone()),
            None => self.renew(&mut current, http),
        }
    }

    /// Authenticates and installs the result, under the caller's lock.
    fn renew(&self, current: &mut Option<Arc<AuthState>>, http: &Http) -> Result<Arc<AuthState>> {
        let fresh = Arc::new(self.authenticate(http)?);
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// Whether a 401 can be cured by authenticating again.
    pub(crate) fn can_reauthenticate(&self) -> bool {
        !matches!(self.method, AuthMethod::Token(_))
    }

    /// Replaces `stale` with a fresh token, once however many threads ask:
    /// a thread that finds `stale` already replaced takes the replacement.
    pub(crate) fn reauthenticate(
        &self,
        http: &Http,
        stale: &Arc<AuthState>,
    ) -> Result<Arc<AuthState>> {
        let _events = HoldEvents::start();
        let mut current = self.lock();
        let state = match current.as_ref().filter(|s| !Arc::ptr_eq(s, stale)) {
            Some(state) => state.clone(),
            None => self.renew(&mut current, http)?,
        };
        state.used.store(true, Ordering::SeqCst);
        Ok(state)
    }

    fn authenticate(&self, http: &Http) -> Result<AuthState> {
        let grant = match &self.method {
            AuthMethod::Token(token) => {
                return Ok(AuthState {
                    token: token.clone(),
                    renew_at: None,
                    used: AtomicBool::new(false),
                    arrived_expired: None,
                    catalog: None,
                    project_id: None,
                    user_id: None,
                    default_region: None,
                })
            }
            AuthMethod::V3Password(p) => keystone_v3::password(http, p)?,
            AuthMethod::V3ApplicationCredential(a) => keystone_v3::application_credential(http, a)?,
            AuthMethod::V3Token(t) => keystone_v3::token(http, t)?,
            AuthMethod::V2Password(p) => keystone_v2::password(http, p)?,
            AuthMethod::RackspaceApiKey(k) => keystone_v2::api_key(http, k)?,
            AuthMethod::Unset => return Err(Error::Config("no authentication given".into())),
        };
        Ok(AuthState::from_grant(grant))
    }

    /// The base URL of a service: the override when one was given, else the
    /// catalog's endpoint for the configured region (or the identity
    /// service's default region) and interface.
    pub(crate) fn endpoint(&self, http: &Http, service: Service) -> Result<String> {
        let overridden = match service {
            Service::Image => &self.image_endpoint,
            Service::ObjectStore => &self.object_store_endpoint,
        };
        if let Some(url) = overridden {
            return Ok(url.clone());
        }
        let state = self.catalog_state(http)?;
        let catalog = state.catalog.as_ref().ok_or_else(|| {
            Error::Config(format!(
                "no endpoint for service '{}': a bare token has no catalog, give the endpoint",
                service.catalog_type()
            ))
        })?;
        let region = self.region.as_deref().or(state.default_region.as_deref());
        catalog.base_url(service, region, self.interface)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn delay(expires: i64, issued: Option<i64>, server_now: Option<i64>) -> u64 {
        renewal_delay(
            Some(NOW + expires),
            issued.map(|i| NOW + i),
            server_now.map(|s| NOW + s),
            NOW,
        )
        .unwrap()
        .as_secs()
    }

    #[test]
    fn renews_two_minutes_before_expiry() {
        // A one-hour token, just issued: renew after 58 minutes.
        assert_eq!(delay(3600, Some(0), Some(0)), 3480);
        // Issued an hour ago, a minute left: renew now.
        assert_eq!(delay(60, Some(-3540), Some(0)), 0);
    }

    #[test]
    fn short_tokens_renew_at_half_life() {
        // A one-minute token would otherwise be renewed at every call.
        assert_eq!(delay(60, Some(0), Some(0)), 30);
    }

    #[test]
    fn expiry_is_measured_on_the_server_clock() {
        // The local clock is an hour behind the server's: the token still has
        // an hour, not two.
        assert_eq!(delay(7200, Some(3600), Some(3600)), 3480);
        // Without a server time, the local clock is all there is.
        assert_eq!(delay(3600, None, None), 3480);
    }

    #[test]
    fn expired_or_unknown() {
        assert_eq!(delay(-10, Some(-3610), Some(0)), 0);
        assert_eq!(renewal_delay(None, None, None, NOW), None);
    }
}
