//! An image as `openstack image show` and `openstack image list` print it:
//! the same fields under the same names, so `-f json` agrees with
//! openstacksdk's view of the image.

use glance_client::Image;
use serde_json::{Map, Value};

use crate::output::{Listing, Record};

/// Fields `openstack image show` prints at the top level; everything else
/// the server sent goes under `properties` (osc's `_format_image`).
const TOP_LEVEL: &[&str] = &[
    "checksum",
    "container_format",
    "created_at",
    "disk_format",
    "file",
    "id",
    "min_disk",
    "min_ram",
    "name",
    "owner",
    "protected",
    "schema",
    "size",
    "status",
    "updated_at",
    "virtual_size",
    "visibility",
];

/// Never shown: `self` (openstacksdk drops it) and `location` (osc does).
const DROPPED: &[&str] = &["self", "location", "tags"];

/// The record `show`, `create` and `set` print, keys sorted as osc sorts them.
pub fn record(image: &Image, human_readable: bool) -> Record {
    let Ok(Value::Object(raw)) = serde_json::to_value(image) else {
        return Record::new(vec![("id".to_owned(), Value::from(image.id.as_str()))]);
    };
    let mut top = Map::new();
    let mut properties = Map::new();
    for (key, value) in raw {
        // openstacksdk leaves out what the server sent as null.
        if value.is_null() || DROPPED.contains(&key.as_str()) {
            continue;
        }
        if TOP_LEVEL.contains(&key.as_str()) {
            top.insert(key, value);
        } else {
            properties.insert(key, value);
        }
    }
    if human_readable {
        if let Some(size) = image.size {
            top.insert("size".into(), Value::from(human_size(size)));
        }
    }
    top.insert("tags".into(), Value::from(image.tags.clone()));
    if !properties.is_empty() {
        top.insert("properties".into(), Value::Object(properties));
    }
    Record::new(top.into_iter().collect())
}

/// osc-lib's `format_size`: 1.5G, 300M, 12K.
fn human_size(size: u64) -> String {
    let mut value = size as f64;
    for suffix in ["", "K", "M", "G", "T", "P", "E"] {
        if value < 1024.0 {
            let text = format!("{value:.1}");
            let text = text.strip_suffix(".0").unwrap_or(&text).to_owned();
            return format!("{text}{suffix}");
        }
        value /= 1024.0;
    }
    size.to_string()
}

/// `openstack image list` and `list --long`.
pub fn listing(images: &[Image], long: bool) -> Listing {
    let text = |v: &Option<String>| v.as_deref().map_or(Value::Null, Value::from);
    if !long {
        return Listing {
            columns: vec!["ID", "Name", "Status"],
            rows: images
                .iter()
                .map(|i| {
                    vec![
                        Value::from(i.id.as_str()),
                        text(&i.name),
                        Value::from(i.status.as_str()),
                    ]
                })
                .collect(),
        };
    }
    Listing {
        columns: vec![
            "ID",
            "Name",
            "Disk Format",
            "Container Format",
            "Size",
            "Checksum",
            "Status",
            "Visibility",
            "Protected",
            "Project",
            "Hash Algorithm",
            "Hash Value",
            "Tags",
        ],
        rows: images
            .iter()
            .map(|i| {
                vec![
                    Value::from(i.id.as_str()),
                    text(&i.name),
                    text(&i.disk_format),
                    text(&i.container_format),
                    i.size.map_or(Value::Null, Value::from),
                    text(&i.checksum),
                    Value::from(i.status.as_str()),
                    Value::from(i.visibility.as_str()),
                    Value::from(i.protected),
                    text(&i.owner),
                    text(&i.os_hash_algo),
                    text(&i.os_hash_value),
                    Value::from(i.tags.clone()),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_splits_fields_and_properties_as_osc() {
        let image: Image = serde_json::from_str(
            r#"{"id":"i","name":"n","status":"queued","visibility":"shared","size":null,
                "tags":["b","a"],"os_hidden":false,"os_distro":"debian","self":"/v2/images/i",
                "file":"/v2/images/i/file","schema":"/v2/schemas/image","min_disk":0}"#,
        )
        .unwrap();
        let fields: Map<String, Value> = record(&image, false).fields.into_iter().collect();
        assert_eq!(fields["file"], "/v2/images/i/file");
        assert!(!fields.contains_key("size") && !fields.contains_key("self"));
        assert_eq!(fields["properties"]["os_distro"], "debian");
        assert_eq!(fields["properties"]["os_hidden"], false);
        assert_eq!(fields["tags"], serde_json::json!(["b", "a"]));
    }

    #[test]
    fn sizes_read_as_osc_lib_writes_them() {
        assert_eq!(human_size(0), "0");
        assert_eq!(human_size(1536), "1.5K");
        assert_eq!(human_size(268435456), "256M");
    }
}
