//! An exported image's description when it is too large for object metadata
//! (Swift keeps about 4 KB with an object; many properties or signature
//! properties pass that): it goes whole, as JSON, in a small object beside
//! the data, `<object>.glance-image.json`, and the data object's metadata
//! holds its MD5, which proves on import that the two belong together.
//! Objects whose description fits keep it in their metadata as before, so
//! objects exported earlier stay readable.

use std::io::Read;

use md5::{Digest, Md5};

use super::portable::PortableImage;
use crate::digest::hex;
use crate::error::{Error, Result};
use crate::object_store::{check_object, ObjectStore, ObjectUploadOptions};

/// The data object's metadata header naming the sidecar's MD5.
const HEADER: &str = "X-Object-Meta-Glance-Image-Sidecar-Md5";
/// The same, as [`crate::object_store::ObjectInfo::metadata`] keys it.
const KEY: &str = "glance-image-sidecar-md5";
/// A description larger than this is not one this library wrote.
const MAX_SIZE: u64 = 16 << 20;

/// The sidecar's name for the data object `object`.
pub(crate) fn name_for(object: &str) -> Result<String> {
    let name = format!("{object}.glance-image.json");
    check_object(&name)?;
    Ok(name)
}

/// Stores `record` as the sidecar of `container/object`; gives the header
/// the data object carries to point at it.
pub(crate) fn store(
    store: &ObjectStore,
    container: &str,
    object: &str,
    record: &PortableImage,
) -> Result<(&'static str, String)> {
    let json = serde_json::to_vec(record)
        .map_err(|e| Error::invalid_argument(format!("image record: {e}")))?;
    let md5 = hex(&Md5::digest(&json));
    store.upload(
        container,
        &name_for(object)?,
        &mut &json[..],
        ObjectUploadOptions {
            size: Some(json.len() as u64),
            ..Default::default()
        },
    )?;
    Ok((HEADER, md5))
}

/// The description of the data object whose metadata is `metadata`: from
/// its sidecar when it names one, else from the metadata itself; `None`
/// when there is none.
pub(crate) fn load(
    store: &ObjectStore,
    container: &str,
    object: &str,
    metadata: &std::collections::BTreeMap<String, String>,
) -> Result<Option<PortableImage>> {
    let Some(expected) = metadata.get(KEY) else {
        return PortableImage::from_metadata(metadata);
    };
    let name = name_for(object)?;
    let mut reader = store.open_object(container, &name)?;
    if reader.info().size > MAX_SIZE {
        return Err(Error::invalid_argument(format!(
            "the description object '{container}/{name}' has {} bytes, more than an image \
             description takes",
            reader.info().size
        )));
    }
    let mut json = Vec::new();
    reader
        .read_to_end(&mut json)
        .map_err(|e| reader.error_for(e))?;
    let actual = hex(&Md5::digest(&json));
    if !actual.eq_ignore_ascii_case(expected.trim()) {
        return Err(Error::ChecksumMismatch {
            algorithm: format!("md5 of the description object '{container}/{name}'"),
            expected: expected.clone(),
            actual,
        });
    }
    serde_json::from_slice(&json).map(Some).map_err(|e| {
        Error::invalid_argument(format!(
            "the description object '{container}/{name}' is not valid ({e})"
        ))
    })
}
