//! What the cloud offers, learned once per client: the highest Images API
//! version of the version document (`GET /versions`), the import methods and
//! the store ids (from `/v2/info/import` and `/v2/info/stores`, or from the
//! `OpenStack-image-import-methods` and `OpenStack-image-store-ids` headers
//! Glance sends with every image create). A call the cloud cannot serve then
//! fails with [`Error::NotSupported`] naming what is missing and what the
//! cloud offers, instead of a bare 400 or 404.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::Call;

/// What a cloud's Images API offers, as [`Client::capabilities`] learns it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// The highest `2.x` version of the version document, e.g. `(2, 17)`;
    /// `None` when the cloud has no version document.
    pub api_version: Option<(u32, u32)>,
    /// The import methods the cloud enables, e.g. `glance-direct`.
    pub import_methods: Vec<String>,
    /// The ids of its stores (a single-store cloud lists none).
    pub stores: Vec<String>,
}

/// The minor version of the Images API that brought `GET /v2/info/usage`.
pub(crate) const USAGE_MINOR: u32 = 13;
/// The minor version that brought `GET /v2/info/stores/detail`.
pub(crate) const STORES_DETAIL_MINOR: u32 = 15;

#[derive(Deserialize)]
struct Versions {
    #[serde(default)]
    versions: Vec<Version>,
}

#[derive(Deserialize)]
struct Version {
    #[serde(default)]
    id: String,
}

/// `v2.17` → `(2, 17)`.
fn parse_version(id: &str) -> Option<(u32, u32)> {
    let (major, minor) = id.strip_prefix('v').unwrap_or(id).split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn offered(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

impl Client {
    /// What the cloud offers: its highest Images API version and its import
    /// methods and stores. Learned once per client (and from the headers of
    /// image creates), then answered from memory; clones share what was learned.
    pub fn capabilities(&self) -> Result<Capabilities> {
        Ok(Capabilities {
            api_version: self.api_version()?,
            import_methods: self.offered_methods()?,
            stores: self.offered_stores()?,
        })
    }

    fn api_version(&self) -> Result<Option<(u32, u32)>> {
        if let Some(version) = self.learned().parts().version {
            return Ok(version);
        }
        let version = match self.transport().json::<Versions>(Call::get("/versions")) {
            Ok(doc) => doc
                .versions
                .iter()
                .filter_map(|v| parse_version(&v.id))
                .filter(|(major, _)| *major == 2)
                .max(),
            Err(e) if matches!(e.status(), Some(404)) => None,
            Err(e) => return Err(e),
        };
        self.learned().update(|p| p.version = Some(version));
        Ok(version)
    }

    fn offered_methods(&self) -> Result<Vec<String>> {
        if let Some(methods) = self.learned().parts().methods {
            return Ok(methods);
        }
        let methods = match self.import_methods() {
            Ok(methods) => methods,
            Err(e) if matches!(e.status(), Some(404)) => Vec::new(),
            Err(e) => return Err(e),
        };
        self.learned().update(|p| p.methods = Some(methods.clone()));
        Ok(methods)
    }

    fn offered_stores(&self) -> Result<Vec<String>> {
        if let Some(stores) = self.learned().parts().stores {
            return Ok(stores);
        }
        let stores = match self.list_stores() {
            Ok(stores) => stores.into_iter().map(|s| s.id).collect(),
            // A single-store cloud answers 404 or 410.
            Err(e) if matches!(e.status(), Some(404 | 410)) => Vec::new(),
            Err(e) => return Err(e),
        };
        self.learned().update(|p| p.stores = Some(stores.clone()));
        Ok(stores)
    }

    /// After `error` (a 404 or 405 answer) on `what`: a cloud whose version
    /// document stops below `2.minor` does not serve it.
    pub(crate) fn explain_missing_version(&self, error: Error, what: &str, minor: u32) -> Error {
        if !matches!(error.status(), Some(404 | 405)) {
            return error;
        }
        match self.api_version() {
            Ok(Some((2, have))) if have < minor => Error::NotSupported(format!(
                "{what} needs Images API 2.{minor}; this cloud offers up to 2.{have}"
            )),
            _ => error,
        }
    }

    /// After `error` (a 4xx answer) on a call naming an import method and
    /// stores: one the cloud does not offer makes it [`Error::NotSupported`].
    pub(crate) fn explain_unoffered(
        &self,
        error: Error,
        method: Option<&str>,
        stores: &[String],
    ) -> Error {
        if !matches!(error.status(), Some(400 | 404 | 409)) {
            return error;
        }
        if let Some(method) = method {
            if let Ok(methods) = self.offered_methods() {
                if !methods.iter().any(|m| m == method) {
                    return Error::NotSupported(format!(
                        "the import method '{method}' is not enabled; this cloud offers: {}",
                        offered(&methods)
                    ));
                }
            }
        }
        if !stores.is_empty() {
            if let Ok(known) = self.offered_stores() {
                if let Some(store) = stores.iter().find(|s| !known.contains(s)) {
                    return Error::NotSupported(format!(
                        "the store '{store}' does not exist; this cloud has: {}",
                        offered(&known)
                    ));
                }
            }
        }
        error
    }
}

/// The capabilities as JSON for the bindings:
/// `{"api_version": "2.17", "import_methods": [...], "stores": [...]}`.
pub(crate) fn to_json(capabilities: &Capabilities) -> Value {
    serde_json::json!({
        "api_version": capabilities
            .api_version
            .map(|(major, minor)| format!("{major}.{minor}")),
        "import_methods": capabilities.import_methods,
        "stores": capabilities.stores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("v2.17"), Some((2, 17)));
        assert_eq!(parse_version("v2.9"), Some((2, 9)));
        assert_eq!(parse_version("v1.1"), Some((1, 1)));
        assert_eq!(parse_version("v2"), None);
        assert_eq!(parse_version("vX.1"), None);
    }
}
