//! JSON Patch operations for image updates, built so a malformed patch cannot
//! be made: keys are escaped as JSON pointers, operations are typed.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::image::Image;

/// One JSON Patch operation on an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Patch {
    /// Adds a property (or replaces it, per RFC 6902).
    Add {
        /// JSON pointer, e.g. `/os_distro`.
        path: String,
        /// The new value.
        value: Value,
    },
    /// Replaces an existing property.
    Replace {
        /// JSON pointer.
        path: String,
        /// The new value.
        value: Value,
    },
    /// Removes a property (409 from Glance when it is absent).
    Remove {
        /// JSON pointer.
        path: String,
    },
}

/// Escapes a property name as one JSON pointer segment (RFC 6901).
fn pointer(key: &str) -> String {
    format!("/{}", key.replace('~', "~0").replace('/', "~1"))
}

impl Patch {
    /// `add` of a top-level property.
    pub fn add(key: &str, value: impl Into<Value>) -> Patch {
        Patch::Add {
            path: pointer(key),
            value: value.into(),
        }
    }

    /// `replace` of a top-level property.
    pub fn replace(key: &str, value: impl Into<Value>) -> Patch {
        Patch::Replace {
            path: pointer(key),
            value: value.into(),
        }
    }

    /// `remove` of a top-level property.
    pub fn remove(key: &str) -> Patch {
        Patch::Remove { path: pointer(key) }
    }

    /// The operations that turn `image` into one with the `desired` properties:
    /// `Some(value)` sets (add when absent, replace when different), `None`
    /// removes (only when present). Unchanged keys produce nothing.
    pub fn diff(image: &Image, desired: &BTreeMap<String, Option<Value>>) -> Vec<Patch> {
        let current = serde_json::to_value(image).unwrap_or(Value::Null);
        desired
            .iter()
            .filter_map(|(key, wanted)| {
                let existing = current.get(key).filter(|v| !v.is_null());
                match (existing, wanted) {
                    (None, Some(value)) => Some(Patch::add(key, value.clone())),
                    (Some(old), Some(value)) if old != value => {
                        Some(Patch::replace(key, value.clone()))
                    }
                    (Some(_), None) => Some(Patch::remove(key)),
                    _ => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_escaped() {
        let ops = vec![Patch::add("a/b~c", "v"), Patch::remove("x")];
        assert_eq!(
            serde_json::to_string(&ops).unwrap(),
            r#"[{"op":"add","path":"/a~1b~0c","value":"v"},{"op":"remove","path":"/x"}]"#
        );
    }

    #[test]
    fn diff_picks_add_replace_remove() {
        let image: Image = serde_json::from_str(
            r#"{"id":"i","name":"old","os_distro":"debian","keep":"same","gone":"x"}"#,
        )
        .unwrap();
        let desired: BTreeMap<String, Option<Value>> = [
            ("name".to_owned(), Some(Value::from("new"))),
            ("keep".to_owned(), Some(Value::from("same"))),
            ("fresh".to_owned(), Some(Value::from("1"))),
            ("gone".to_owned(), None),
            ("never".to_owned(), None),
        ]
        .into_iter()
        .collect();
        let ops = Patch::diff(&image, &desired);
        assert_eq!(
            ops,
            vec![
                Patch::add("fresh", "1"),
                Patch::remove("gone"),
                Patch::replace("name", "new"),
            ]
        );
    }
}
