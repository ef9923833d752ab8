//! What an authenticated client can tell about itself: its token, project,
//! user and service endpoints. Each of these authenticates first when the
//! client has no valid token yet.

use crate::auth::Service;
use crate::client::Client;
use crate::error::Result;
use crate::secret::Secret;

impl Client {
    /// The token the client sends now (authenticating first if needed), for
    /// handing to another tool. It is renewed behind the client's back, so ask
    /// again rather than keeping it.
    pub fn auth_token(&self) -> Result<Secret> {
        Ok(self.transport().auth()?.token.clone())
    }

    /// The id of the project the token is scoped to (the v2.0 tenant); `None`
    /// for a bare token, whose scope the client cannot know, or an unscoped one.
    pub fn project_id(&self) -> Result<Option<String>> {
        Ok(self.transport().auth()?.project_id.clone())
    }

    /// The id of the authenticated user; `None` for a bare token.
    pub fn user_id(&self) -> Result<Option<String>> {
        Ok(self.transport().auth()?.user_id.clone())
    }

    /// The base URL the client uses for `service`: the override when one was
    /// given, else the catalog's endpoint for the configured region and
    /// interface. For the Image service it has no `/v2` suffix.
    pub fn endpoint_url(&self, service: Service) -> Result<String> {
        self.transport().endpoint(service)
    }
}
