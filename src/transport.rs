//! The authenticated transport: HTTP (`src/http/`) with the session's token
//! (`src/auth/`), and all session policy in one place: the token added to
//! each call, one re-authentication and resend after a 401 when the body can
//! go again, and a token renewed before a long transfer.
//!
//! Resource modules ask for "GET this path, decode JSON into T" or "PUT this
//! stream"; they never see ureq. The words of a request ([`Call`],
//! [`Payload`], [`Target`], [`Response`]) are handed on from here, so a
//! resource module has this one door to the network.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::auth::{AuthState, Service, Session, SessionSettings};
use crate::error::{Error, Result};
pub(crate) use crate::http::{
    cannot_resend, cut_body, peer_stopped_reading, Call, Payload, Response, Rewind, Target,
    JSON_PATCH,
};
use crate::http::{FramingMemory, Http, HttpSettings};
use crate::url::{resolve_link, Link};

/// A token that would expire within this margin is renewed before a long
/// transfer starts: Glance checks the token when the request arrives, but a
/// store that acts with the user's token (Swift) or the calls after the
/// transfer (verification, import) need it still valid at the end.
const TRANSFER_TOKEN_MARGIN: Duration = Duration::from_secs(30 * 60);

/// Authenticated HTTP against the catalog's services.
pub(crate) struct Transport {
    http: Http,
    session: Session,
    /// Whether the Image service takes chunked upload bodies, once known.
    pub(crate) framing: FramingMemory,
}

impl Transport {
    pub(crate) fn new(http: HttpSettings, session: SessionSettings) -> Result<Arc<Transport>> {
        let http = Http::new(http)?;
        let session = Session::new(session)?;
        Ok(Arc::new(Transport {
            http,
            session,
            framing: Default::default(),
        }))
    }

    /// The token to send now, and what came with it (authenticating first
    /// when there is none yet or it is due for renewal).
    pub(crate) fn auth(&self) -> Result<Arc<AuthState>> {
        self.session.current(&self.http)
    }

    /// Before a long transfer: renews the token when it would expire within
    /// [`TRANSFER_TOKEN_MARGIN`], rather than run on a dying one.
    pub(crate) fn renew_before_transfer(&self) -> Result<()> {
        let auth = self.auth()?;
        if auth.due_within(TRANSFER_TOKEN_MARGIN) && self.session.can_reauthenticate() {
            self.session.reauthenticate(&self.http, &auth)?;
        }
        Ok(())
    }

    /// The delay before attempt `attempt + 1` of a request its caller
    /// repeats itself.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.http.backoff(attempt)
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
    /// and repeats the call when its body can be sent again (held in memory,
    /// or a [`Payload::Rewindable`] stream, rewound first).
    pub(crate) fn send(&self, call: Call<'_>) -> Result<Response> {
        self.exchange(call, false)
    }

    fn exchange(&self, mut call: Call<'_>, read_body: bool) -> Result<Response> {
        let url = self.url_for(&call.target)?;
        let auth = self.auth()?;
        let raw =
            self.http
                .send_with_retries(&url, &mut call, Some(auth.token.expose()), read_body)?;
        if raw.status == 401
            && call.payload.can_resend()
            && self.session.can_reauthenticate()
            && auth.renewable_after_rejection()
        {
            raw.discard();
            let fresh = self.session.reauthenticate(&self.http, &auth)?;
            call.payload.rewind()?;
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
