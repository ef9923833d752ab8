//! The rest of the info API: quota usage (`GET /v2/info/usage`, Images API
//! 2.13) and the stores' details (`GET /v2/info/stores/detail`, 2.15, admin).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capabilities::{STORES_DETAIL_MINOR, USAGE_MINOR};
use crate::client::Client;
use crate::error::Result;
use crate::transport::Call;

/// One quota of [`Usage`]: the project's limit and what it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Quota {
    /// The limit (`-1`: unlimited).
    pub limit: i64,
    /// What the project uses now.
    pub usage: i64,
}

/// The project's quota usage (`GET /v2/info/usage`). Empty when the cloud
/// does not enforce unified limits (Glance then answers `{"usage": {}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Every quota by name, as Glance sends them.
    #[serde(flatten)]
    pub quotas: BTreeMap<String, Quota>,
}

impl Usage {
    /// A quota by name, e.g. `image_count_total`.
    pub fn get(&self, name: &str) -> Option<Quota> {
        self.quotas.get(name).copied()
    }
    /// Total size of the project's images, bytes.
    pub fn image_size_total(&self) -> Option<Quota> {
        self.get("image_size_total")
    }
    /// Total size of the project's staged data, bytes.
    pub fn image_stage_total(&self) -> Option<Quota> {
        self.get("image_stage_total")
    }
    /// Number of the project's images.
    pub fn image_count_total(&self) -> Option<Quota> {
        self.get("image_count_total")
    }
    /// Number of the project's images receiving data now.
    pub fn image_count_uploading(&self) -> Option<Quota> {
        self.get("image_count_uploading")
    }
}

/// A store as `GET /v2/info/stores/detail` describes it (admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoreDetail {
    /// The store's id, e.g. `fs2`.
    pub id: String,
    /// What the operator wrote about it.
    #[serde(default)]
    pub description: Option<String>,
    /// The store data goes to when none is named.
    #[serde(default, deserialize_with = "crate::import::flag")]
    pub default: bool,
    /// A read-only store cannot receive data.
    #[serde(default, deserialize_with = "crate::import::flag")]
    pub read_only: bool,
    /// The driver, e.g. `file`, `rbd`, `swift`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The store's weight in location ordering.
    #[serde(default)]
    pub weight: Option<i64>,
    /// The driver's settings (e.g. `data_dir`, `pool`, `chunk_size`).
    #[serde(default)]
    pub properties: Value,
}

#[derive(Deserialize)]
struct UsageAnswer {
    #[serde(default)]
    usage: Usage,
}

#[derive(Deserialize)]
struct StoresDetail {
    stores: Vec<StoreDetail>,
}

impl Client {
    /// The project's quota usage (`GET /v2/info/usage`): empty when the cloud
    /// enforces no unified limits. A cloud older than Images API 2.13 fails
    /// with [`crate::Error::NotSupported`].
    pub fn usage(&self) -> Result<Usage> {
        self.transport()
            .json::<UsageAnswer>(Call::get("/v2/info/usage"))
            .map(|a| a.usage)
            .map_err(|e| self.explain_missing_version(e, "quota usage", USAGE_MINOR))
    }

    /// The stores with their drivers and settings (`GET
    /// /v2/info/stores/detail`; admin by default). A cloud older than Images
    /// API 2.15 fails with [`crate::Error::NotSupported`].
    pub fn list_stores_detail(&self) -> Result<Vec<StoreDetail>> {
        self.transport()
            .json::<StoresDetail>(Call::get("/v2/info/stores/detail"))
            .map(|a| a.stores)
            .map_err(|e| {
                self.explain_missing_version(e, "the stores' details", STORES_DETAIL_MINOR)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_reads_every_quota() {
        let answer: UsageAnswer = serde_json::from_str(
            r#"{"usage":{"image_size_total":{"limit":1024,"usage":256},
                "image_count_total":{"limit":10,"usage":2}}}"#,
        )
        .unwrap();
        let usage = answer.usage;
        assert_eq!(
            usage.image_size_total(),
            Some(Quota {
                limit: 1024,
                usage: 256
            })
        );
        assert_eq!(usage.image_count_total().unwrap().usage, 2);
        assert_eq!(usage.image_stage_total(), None);
        let empty: UsageAnswer = serde_json::from_str(r#"{"usage":{}}"#).unwrap();
        assert!(empty.usage.quotas.is_empty());
    }
}
