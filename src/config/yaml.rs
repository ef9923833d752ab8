//! Reading YAML settings files and merging one over another, as
//! openstacksdk does for clouds.yaml, secure.yaml and vendor profiles.

use std::path::Path;

use serde_norway::Value;

use crate::error::{Error, Result};

/// The document of a YAML (or JSON) file; one that cannot be read or parsed
/// is a configuration error naming it.
pub(crate) fn read_yaml(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    serde_norway::from_str(&text)
        .map_err(|e| Error::Config(format!("{} is not valid YAML: {e}", path.display())))
}

/// openstacksdk's `_merge_clouds`: mappings merge key by key, anything else
/// from `overlay` replaces what was there.
pub(crate) fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Mapping(base), Value::Mapping(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}
