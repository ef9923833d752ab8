//! openstacksdk's create: the properties it stamps on an upload, and its
//! "no duplicates" check, so tools built on openstacksdk (Ansible's
//! `openstack.cloud.image`, image managers) recognise an image uploaded by
//! this library, and this library one uploaded by them.

use crate::client::Client;
use crate::digest::HashAlgorithm;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::image_data::UploadData;
use crate::images::CreateImage;
use crate::import::CreateWithData;

/// The MD5 of the data, hex (openstacksdk's `_IMAGE_MD5_KEY`).
pub const OPENSTACK_MD5: &str = "owner_specified.openstack.md5";
/// The SHA-256 of the data, hex (`_IMAGE_SHA256_KEY`).
pub const OPENSTACK_SHA256: &str = "owner_specified.openstack.sha256";
/// `<container>/<name>` (`_IMAGE_OBJECT_KEY`).
pub const OPENSTACK_OBJECT: &str = "owner_specified.openstack.object";
/// What shade, openstacksdk's ancestor, stamped; still read by openstacksdk.
const SHADE_MD5: &str = "owner_specified.shade.md5";
const SHADE_SHA256: &str = "owner_specified.shade.sha256";
/// openstacksdk's default container (`_OBJECT_AUTOCREATE_CONTAINER`).
const CONTAINER: &str = "images";

impl Client {
    /// Creates an image with its data as openstacksdk's `create_image` does:
    /// the properties `owner_specified.openstack.md5`, `.sha256` (hex digests
    /// of the data) and `.object` (`images/<name>`) are stamped on it, and,
    /// unless `allow_duplicates`, an image already named `image.name` whose
    /// stamped digests match the data is returned instead of uploading again
    /// (openstacksdk's rule: every digest known on both sides equal, at least
    /// one). The digests are read from the data before the upload for bytes,
    /// a file or a seekable reader; a plain reader cannot be read twice, so
    /// its image gets empty digests, as openstacksdk gives a stream, and is
    /// never found a duplicate. The upload itself is
    /// [`Client::create_image_with_data`] with `options`.
    ///
    /// [`Error::InvalidArgument`] without a name, or when `image` already
    /// sets one of the three properties; [`Error::Ambiguous`] when several
    /// images carry the name (as openstacksdk refuses to choose).
    pub fn create_image_like_openstacksdk(
        &self,
        image: &CreateImage,
        mut data: UploadData<'_>,
        options: CreateWithData<'_>,
        allow_duplicates: bool,
    ) -> Result<Image> {
        let name = image
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| Error::invalid_argument("openstacksdk's create needs a name"))?;
        if let Some(key) = [OPENSTACK_MD5, OPENSTACK_SHA256, OPENSTACK_OBJECT]
            .into_iter()
            .find(|k| image.properties.contains_key(*k))
        {
            return Err(Error::invalid_argument(format!(
                "'{key}' is stamped from the data and cannot be given"
            )));
        }
        let digests = data.digests_ahead(&[HashAlgorithm::Md5, HashAlgorithm::Sha256])?;
        let md5 = digests.as_ref().and_then(|d| d.get(HashAlgorithm::Md5));
        let sha256 = digests.as_ref().and_then(|d| d.get(HashAlgorithm::Sha256));
        if !allow_duplicates {
            match self.find_image(name) {
                Ok(existing) if up_to_date(&existing, md5, sha256) => return Ok(existing),
                Ok(_) | Err(Error::NoMatch(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let mut stamped = image.clone();
        for (key, value) in [
            (OPENSTACK_MD5, md5.unwrap_or_default().to_owned()),
            (OPENSTACK_SHA256, sha256.unwrap_or_default().to_owned()),
            (OPENSTACK_OBJECT, format!("{CONTAINER}/{name}")),
        ] {
            stamped.properties.insert(key.to_owned(), value);
        }
        self.create_image_with_data(&stamped, data, options)
    }
}

/// openstacksdk's `_hashes_up_to_date`: the digests stamped on `existing`
/// (openstacksdk's keys, else shade's) agree with the data's.
fn up_to_date(existing: &Image, md5: Option<&str>, sha256: Option<&str>) -> bool {
    let stamped = |key: &str, old: &str| {
        existing
            .property(key)
            .or_else(|| existing.property(old))
            .unwrap_or("")
            .to_owned()
    };
    let (md5_key, sha256_key) = (
        stamped(OPENSTACK_MD5, SHADE_MD5),
        stamped(OPENSTACK_SHA256, SHADE_SHA256),
    );
    let pairs = [(md5, md5_key), (sha256, sha256_key)];
    let known: Vec<_> = pairs
        .iter()
        .filter(|(new, _)| new.is_some_and(|v| !v.is_empty()))
        .collect();
    !known.is_empty() && known.iter().all(|(new, old)| *new == Some(old.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamped(md5: &str, sha256: &str) -> Image {
        serde_json::from_value(serde_json::json!({
            "id": "i", "status": "active",
            "owner_specified.openstack.md5": md5,
            "owner_specified.openstack.sha256": sha256,
        }))
        .unwrap()
    }

    #[test]
    fn hashes_agree_as_openstacksdk_decides() {
        let image = stamped("m", "s");
        assert!(up_to_date(&image, Some("m"), Some("s")));
        assert!(up_to_date(&image, Some("m"), None));
        assert!(up_to_date(&image, None, Some("s")));
        assert!(!up_to_date(&image, Some("m"), Some("other")));
        assert!(!up_to_date(&image, None, None));
        assert!(!up_to_date(&stamped("", ""), None, None));
        let shade: Image = serde_json::from_value(serde_json::json!({
            "id": "i", "status": "active", "owner_specified.shade.sha256": "s"}))
        .unwrap();
        assert!(up_to_date(&shade, None, Some("s")));
    }
}
