//! Where a client's settings come from: the builder every way of making a
//! client goes through, the `OS_*` environment, and clouds.yaml with
//! secure.yaml and vendor profiles.

mod builder;
#[cfg(feature = "clouds-yaml")]
mod clouds;
mod env;
#[cfg(feature = "clouds-yaml")]
mod profiles;
#[cfg(feature = "clouds-yaml")]
mod yaml;

pub use builder::ClientBuilder;
