//! The client handle.

use std::sync::Arc;

use crate::auth::SessionSettings;
use crate::error::Result;
use crate::http::HttpSettings;
use crate::learned::Learned;
use crate::transport::Transport;

/// A blocking Images API client.
///
/// `Send + Sync` and cheap to clone: clones share one connection pool and one
/// token, so a client can be handed to many threads.
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
    learned: Arc<Learned>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

impl Client {
    /// A client on the settings the builder hands each layer.
    pub(crate) fn new(http: HttpSettings, session: SessionSettings) -> Result<Client> {
        Ok(Client {
            transport: Transport::new(http, session)?,
            learned: Arc::default(),
        })
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    pub(crate) fn learned(&self) -> &Learned {
        &self.learned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn client_is_shareable() {
        assert_send_sync::<Client>();
    }
}
