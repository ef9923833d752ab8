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

/// The builder of the clouds.yaml cloud `name`, or of the one `OS_CLOUD`
/// names when `None`. The C ABI offers these calls whatever the features, so
/// a build without `clouds-yaml` answers them with a `Config` error that
/// says why.
pub(crate) fn builder_of_cloud(name: Option<&str>) -> crate::error::Result<ClientBuilder> {
    #[cfg(feature = "clouds-yaml")]
    {
        match name {
            Some(name) => ClientBuilder::from_cloud(name),
            None => ClientBuilder::from_default_cloud(),
        }
    }
    #[cfg(not(feature = "clouds-yaml"))]
    {
        let _ = name;
        Err(crate::error::Error::Config(
            "this build of glance-client has no clouds.yaml support (feature `clouds-yaml`)".into(),
        ))
    }
}
