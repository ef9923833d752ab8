//! What of an image travels with its data: to another region or cloud, or
//! into an object-storage container as the object's metadata.
//!
//! Carried: name, disk and container formats, minimum disk and RAM, tags,
//! custom properties, and the visibility unless it is `public` (which needs
//! an admin). Not carried: what the server manages (id, owner, status, times,
//! stores, locations, `os_glance_*`), and `protected`, which would stop the
//! copy from being deleted. The data's size and digests travel too, so the
//! receiving side can check it got the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::Visibility;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::images::CreateImage;

/// Properties the server sets; never sent when creating the copy.
const SERVER_MANAGED: &[&str] = &[
    "self",
    "file",
    "schema",
    "locations",
    "direct_url",
    "stores",
];
/// Glance reserves this prefix for itself.
const RESERVED_PREFIX: &str = "os_glance_";

/// Object metadata holds the record as JSON split over these headers: each
/// value stays within Swift's 256-byte limit and all of them within its
/// 4096-byte total (names counted without `X-Object-Meta-`).
const METADATA_HEADERS: [&str; 14] = [
    "X-Object-Meta-Glance-Image-00",
    "X-Object-Meta-Glance-Image-01",
    "X-Object-Meta-Glance-Image-02",
    "X-Object-Meta-Glance-Image-03",
    "X-Object-Meta-Glance-Image-04",
    "X-Object-Meta-Glance-Image-05",
    "X-Object-Meta-Glance-Image-06",
    "X-Object-Meta-Glance-Image-07",
    "X-Object-Meta-Glance-Image-08",
    "X-Object-Meta-Glance-Image-09",
    "X-Object-Meta-Glance-Image-10",
    "X-Object-Meta-Glance-Image-11",
    "X-Object-Meta-Glance-Image-12",
    "X-Object-Meta-Glance-Image-13",
];
const METADATA_VALUE_MAX: usize = 256;

/// An image's description, apart from the server's bookkeeping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableImage {
    /// The id of the image it was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Disk format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_format: Option<String>,
    /// Container format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_format: Option<String>,
    /// Minimum disk, GiB.
    #[serde(default)]
    pub min_disk: u64,
    /// Minimum RAM, MiB.
    #[serde(default)]
    pub min_ram: u64,
    /// Visibility (never `public`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom properties.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Size of the data in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// MD5 of the data, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// The multihash algorithm, e.g. `sha512`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_hash_algo: Option<String>,
    /// The multihash of the data, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_hash_value: Option<String>,
}

impl PortableImage {
    /// The part of `image` that travels.
    pub fn from_image(image: &Image) -> PortableImage {
        let properties = image
            .properties
            .iter()
            .filter(|(key, _)| {
                !SERVER_MANAGED.contains(&key.as_str()) && !key.starts_with(RESERVED_PREFIX)
            })
            .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
            .collect();
        PortableImage {
            source_id: Some(image.id.clone()),
            name: image.name.clone(),
            disk_format: image.disk_format.clone(),
            container_format: image.container_format.clone(),
            min_disk: image.min_disk,
            min_ram: image.min_ram,
            visibility: Some(image.visibility.clone()).filter(|v| {
                matches!(
                    v,
                    Visibility::Private | Visibility::Shared | Visibility::Community
                )
            }),
            tags: image.tags.clone(),
            properties,
            size: image.size,
            checksum: image.checksum.clone(),
            os_hash_algo: image.os_hash_algo.clone(),
            os_hash_value: image.os_hash_value.clone(),
        }
    }

    /// The request that makes a new image record like this one.
    pub fn to_create_image(&self) -> CreateImage {
        CreateImage {
            name: self.name.clone(),
            disk_format: self.disk_format.clone(),
            container_format: self.container_format.clone(),
            visibility: self.visibility.clone(),
            min_disk: Some(self.min_disk).filter(|&d| d > 0),
            min_ram: Some(self.min_ram).filter(|&r| r > 0),
            tags: self.tags.clone(),
            properties: self.properties.clone(),
            ..Default::default()
        }
    }

    /// The record as object-metadata headers; [`Error::InvalidArgument`] when
    /// it is larger than object metadata can hold.
    pub(crate) fn to_metadata_headers(&self) -> Result<Vec<(&'static str, String)>> {
        let json = serde_json::to_string(self)
            .map_err(|e| Error::invalid_argument(format!("image record: {e}")))?;
        let text = header_safe(&json);
        let capacity = METADATA_HEADERS.len() * METADATA_VALUE_MAX;
        if text.len() > capacity {
            return Err(Error::invalid_argument(format!(
                "the image's properties take {} bytes as object metadata, more than the {capacity} \
                 Swift keeps with an object",
                text.len()
            )));
        }
        // `text` is ASCII, so any byte offset is a character boundary.
        Ok(text
            .as_bytes()
            .chunks(METADATA_VALUE_MAX)
            .zip(METADATA_HEADERS)
            .map(|(chunk, name)| (name, String::from_utf8_lossy(chunk).into_owned()))
            .collect())
    }

    /// The record kept in an object's metadata (names lower-cased, without
    /// the `X-Object-Meta-` prefix); `None` when the object has none.
    pub(crate) fn from_metadata(metadata: &BTreeMap<String, String>) -> Result<Option<Self>> {
        let mut json = String::new();
        for name in METADATA_HEADERS {
            let key = name["X-Object-Meta-".len()..].to_ascii_lowercase();
            match metadata.get(&key) {
                Some(part) => json.push_str(part),
                None => break,
            }
        }
        if json.is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&json).map(Some).map_err(|e| {
            Error::invalid_argument(format!(
                "the object's image record is not valid ({e}); was it written by another tool?"
            ))
        })
    }
}

/// JSON with every non-ASCII character and every space written as a `\u`
/// escape: header values carry ASCII safely, and no part of the split text
/// can begin or end with white space (which HTTP would strip).
fn header_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() && c != ' ' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> Image {
        serde_json::from_str(
            r#"{"id":"i1","name":"Débian 12 ✓","status":"active","visibility":"public",
                "protected":true,"owner":"o","size":5,"checksum":"c","os_hash_algo":"sha512",
                "os_hash_value":"h","disk_format":"qcow2","container_format":"bare","min_disk":3,
                "min_ram":0,"tags":["a b","ü"],"self":"/v2/images/i1","file":"/v2/images/i1/file",
                "schema":"/v2/schemas/image","stores":"fs","os_glance_importing_to_stores":"",
                "os_distro":"debian","hw_qemu_guest_agent":"yes","locations":[],"virtual_size":null}"#,
        )
        .unwrap()
    }

    #[test]
    fn only_what_a_user_set_travels() {
        let portable = PortableImage::from_image(&image());
        assert_eq!(portable.visibility, None, "public needs an admin");
        assert_eq!(
            portable.properties.keys().collect::<Vec<_>>(),
            vec!["hw_qemu_guest_agent", "os_distro"]
        );
        let create = portable.to_create_image();
        assert_eq!(create.name.as_deref(), Some("Débian 12 ✓"));
        assert_eq!(create.min_disk, Some(3));
        assert_eq!(create.min_ram, None);
        assert_eq!(create.protected, None);
        assert_eq!(create.tags, vec!["a b", "ü"]);
    }

    #[test]
    fn the_record_survives_object_metadata() {
        let mut portable = PortableImage::from_image(&image());
        portable
            .properties
            .insert("long".into(), "x y ".repeat(200));
        let headers = portable.to_metadata_headers().unwrap();
        assert!(headers.len() > 3);
        for (name, value) in &headers {
            assert!(value.len() <= 256 && value.is_ascii(), "{name}");
            assert_eq!(value.trim(), value, "{name}");
        }
        let metadata: BTreeMap<String, String> = headers
            .into_iter()
            .map(|(name, value)| (name["X-Object-Meta-".len()..].to_ascii_lowercase(), value))
            .collect();
        assert_eq!(
            PortableImage::from_metadata(&metadata).unwrap(),
            Some(portable)
        );
        assert_eq!(
            PortableImage::from_metadata(&BTreeMap::new()).unwrap(),
            None
        );
    }

    #[test]
    fn a_record_too_large_for_metadata_is_refused() {
        let mut portable = PortableImage::from_image(&image());
        portable.properties.insert("huge".into(), "x".repeat(4000));
        assert!(matches!(
            portable.to_metadata_headers(),
            Err(Error::InvalidArgument(_))
        ));
    }
}
