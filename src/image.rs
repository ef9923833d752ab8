//! The `Image` record as Glance returns it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::{ImageStatus, Visibility};
use crate::server_values;

/// An image record. Known fields are typed; every other property the server
/// sent (custom properties, `os_glance_*`, `stores`, ...) is kept in
/// [`properties`](Image::properties).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// The image id (a UUID). Never holds a NUL byte: a record whose id does
    /// is the server's invalid response.
    #[serde(deserialize_with = "server_values::c_string")]
    pub id: String,
    /// The name; images may have none.
    #[serde(default)]
    pub name: Option<String>,
    /// Life-cycle state.
    #[serde(default = "unknown_status")]
    pub status: ImageStatus,
    /// Who can see it.
    #[serde(default = "unknown_visibility")]
    pub visibility: Visibility,
    /// A protected image cannot be deleted.
    #[serde(default)]
    pub protected: bool,
    /// Hidden from default listings.
    #[serde(default)]
    pub os_hidden: bool,
    /// The owning project.
    #[serde(default)]
    pub owner: Option<String>,
    /// Size of the data in bytes, once uploaded; `None` also when the server
    /// sent a number no size can be (negative, beyond 2^64 - 1).
    #[serde(default, deserialize_with = "server_values::size")]
    pub size: Option<u64>,
    /// Size of the virtual disk, when the format tells (`None` for an
    /// impossible number, as for `size`).
    #[serde(default, deserialize_with = "server_values::size")]
    pub virtual_size: Option<u64>,
    /// MD5 of the data, hex (legacy checksum).
    #[serde(default)]
    pub checksum: Option<String>,
    /// The multihash algorithm, e.g. `sha512`.
    #[serde(default)]
    pub os_hash_algo: Option<String>,
    /// The multihash of the data, hex.
    #[serde(default)]
    pub os_hash_value: Option<String>,
    /// Disk format (`raw`, `qcow2`, `vhd`, ...).
    #[serde(default)]
    pub disk_format: Option<String>,
    /// Container format (`bare`, `ovf`, ...).
    #[serde(default)]
    pub container_format: Option<String>,
    /// Minimum disk in GiB to boot it (0 also for an impossible number).
    #[serde(default, deserialize_with = "server_values::minimum")]
    pub min_disk: u64,
    /// Minimum RAM in MiB to boot it (0 also for an impossible number).
    #[serde(default, deserialize_with = "server_values::minimum")]
    pub min_ram: u64,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Creation time, ISO 8601.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last update time, ISO 8601.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Every other property, as sent.
    #[serde(flatten)]
    pub properties: BTreeMap<String, Value>,
}

fn unknown_status() -> ImageStatus {
    ImageStatus::Other(String::new())
}

fn unknown_visibility() -> Visibility {
    Visibility::Other(String::new())
}

impl Image {
    /// A custom property as a string, when it is one.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }

    /// The stores holding the data (`stores` is a comma-separated string).
    pub fn stores(&self) -> Vec<&str> {
        self.property("stores")
            .map(|s| s.split(',').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    /// The record as JSON, exactly as the library holds it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_unknown_properties() {
        let json = r#"{"id":"i1","name":"n","status":"active","visibility":"shared",
            "protected":false,"os_hidden":false,"size":3,"tags":["a"],
            "os_distro":"debian","stores":"fs,fs2","self":"/v2/images/i1","locations":[]}"#;
        let image: Image = serde_json::from_str(json).unwrap();
        assert_eq!(image.status, ImageStatus::Active);
        assert_eq!(image.property("os_distro"), Some("debian"));
        assert_eq!(image.stores(), vec!["fs", "fs2"]);
        assert!(image.properties.contains_key("locations"));
        let again: Image = serde_json::from_str(&image.to_json()).unwrap();
        assert_eq!(again, image);
    }

    #[test]
    fn impossible_sizes_are_unknown_and_a_nul_in_the_id_is_refused() {
        for size in ["-1", "18446744073709551616", "1.5", "-0.5"] {
            let json = format!(
                r#"{{"id":"x","size":{size},"virtual_size":{size},"min_disk":{size},"min_ram":{size}}}"#
            );
            let image: Image = serde_json::from_str(&json).unwrap();
            assert_eq!((image.size, image.virtual_size), (None, None), "{size}");
            assert_eq!((image.min_disk, image.min_ram), (0, 0), "{size}");
        }
        let largest: Image =
            serde_json::from_str(r#"{"id":"x","size":18446744073709551615}"#).unwrap();
        assert_eq!(largest.size, Some(u64::MAX));
        let err = serde_json::from_str::<Image>(r#"{"id":"a\u0000b"}"#).unwrap_err();
        assert!(err.to_string().contains("NUL byte"), "{err}");
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        assert!(serde_json::from_str::<Image>(r#"{"id":"x","size":"big"}"#).is_err());
        assert!(serde_json::from_str::<Image>(r#"{"name":"no id"}"#).is_err());
        let minimal: Image = serde_json::from_str(r#"{"id":"x","size":null}"#).unwrap();
        assert_eq!(minimal.size, None);
    }
}
