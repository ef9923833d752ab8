//! Where a client's settings come from: the builder every way of making a
//! client goes through, the `OS_*` environment, and clouds.yaml with
//! secure.yaml and vendor profiles (both read as openstacksdk's settings,
//! `settings`, then turned into a builder); and the settings' own types (timeouts,
//! proxy, retry policy, the wire log's event).

mod builder;
#[cfg(feature = "clouds-yaml")]
mod clouds;
mod env;
#[cfg(feature = "clouds-yaml")]
mod profiles;
mod settings;
#[cfg(feature = "clouds-yaml")]
mod yaml;

pub use crate::http::{ProxySetting, RetryPolicy, Timeouts};
pub use crate::wire_log::WireEvent;
pub use builder::ClientBuilder;
