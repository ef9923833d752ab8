//! Image records: get, find, create, update, rename, delete, deactivate, reactivate.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use ureq::http::Method;

use crate::auth::Service;
use crate::client::Client;
use crate::enums::Visibility;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::listing::{ListOptions, Match, MemberStatusFilter, VisibilityFilter};
use crate::patch::Patch;
use crate::transport::{Call, Payload, JSON_PATCH};
use crate::url::{encode, is_dot_segment};

/// The fields of a new image record. Unset fields take the server's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreateImage {
    /// A chosen id (UUID); the server picks one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Disk format (`raw`, `qcow2`, `vhd`, `vmdk`, `iso`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_format: Option<String>,
    /// Container format (`bare`, `ovf`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_format: Option<String>,
    /// Visibility (the server's default is `shared`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Minimum disk, GiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_disk: Option<u64>,
    /// Minimum RAM, MiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ram: Option<u64>,
    /// Protected from deletion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Hidden from default listings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_hidden: Option<bool>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Custom properties (Glance accepts string values only).
    #[serde(flatten)]
    pub properties: BTreeMap<String, String>,
}

const CREATE_FIELDS: &[&str] = &[
    "id",
    "name",
    "disk_format",
    "container_format",
    "visibility",
    "min_disk",
    "min_ram",
    "protected",
    "os_hidden",
    "tags",
];

/// Checks an image id before it goes into a path.
pub(crate) fn check_id(what: &str, id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid_argument(format!("{what} must not be empty")));
    }
    if id.len() > 255 || id.chars().any(|c| c.is_control() || c == '/') || is_dot_segment(id) {
        return Err(Error::invalid_argument(format!(
            "{what} '{}' is not a valid id",
            id.escape_default()
        )));
    }
    Ok(())
}

pub(crate) fn image_path(id: &str) -> Result<String> {
    check_id("image id", id)?;
    Ok(format!("/v2/images/{}", encode(id)))
}

impl Client {
    /// The image with this id.
    pub fn get_image(&self, id: &str) -> Result<Image> {
        self.transport().json(Call::get(image_path(id)?))
    }

    /// The one image with exactly this name, searched across all pages of what
    /// the caller can see (community and pending shares included). When no
    /// visible image has the name, hidden images (`os_hidden`) are searched
    /// too, as openstacksdk's `find_image` does.
    /// [`Error::NoMatch`] when there is none, [`Error::Ambiguous`] when several.
    pub fn find_image(&self, name: &str) -> Result<Image> {
        if name.is_empty() {
            return Err(Error::invalid_argument("name must not be empty"));
        }
        let mut options = ListOptions {
            name: Some(Match::Is(name.to_owned())),
            visibility: Some(VisibilityFilter::All),
            member_status: Some(MemberStatusFilter::All),
            ..Default::default()
        };
        let mut found = self.list_all_images(&options)?;
        if found.is_empty() {
            options.os_hidden = Some(true);
            found = self.list_all_images(&options)?;
        }
        match found.len() {
            0 => Err(Error::NoMatch(format!("no image is named '{name}'"))),
            1 => Ok(found.remove(0)),
            n => Err(Error::Ambiguous(format!(
                "{n} images are named '{name}': {}",
                found
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Creates an image record (no data yet: status `queued`).
    pub fn create_image(&self, image: &CreateImage) -> Result<Image> {
        if let Some(id) = &image.id {
            check_id("image id", id)?;
        }
        if let Some(key) = image
            .properties
            .keys()
            .find(|k| k.is_empty() || CREATE_FIELDS.contains(&k.as_str()))
        {
            return Err(Error::invalid_argument(format!(
                "'{key}' is not a custom property name; use its own field"
            )));
        }
        let call =
            Call::new(Method::POST, Service::Image, "/v2/images").payload(Payload::json(image)?);
        let response = self.transport().read(call)?;
        self.learned().learn_from(&response);
        response.json()
    }

    /// Applies JSON Patch operations and returns the updated image.
    pub fn update_image(&self, id: &str, patch: &[Patch]) -> Result<Image> {
        let path = image_path(id)?;
        if patch.is_empty() {
            return self.get_image(id);
        }
        let body = serde_json::to_vec(patch)
            .map_err(|e| Error::invalid_argument(format!("patch cannot be encoded: {e}")))?;
        let call = Call::new(Method::PATCH, Service::Image, path).payload(Payload::Bytes {
            data: body,
            content_type: JSON_PATCH,
        });
        self.transport().json(call)
    }

    /// Makes the image's properties what `desired` says (`None` removes one),
    /// sending only the operations needed; returns the updated image.
    pub fn set_image_properties(
        &self,
        id: &str,
        desired: &BTreeMap<String, Option<Value>>,
    ) -> Result<Image> {
        let current = self.get_image(id)?;
        let patch = Patch::diff(&current, desired);
        if patch.is_empty() {
            return Ok(current);
        }
        self.update_image(id, &patch)
    }

    /// Renames an image.
    pub fn rename_image(&self, id: &str, name: &str) -> Result<Image> {
        self.update_image(id, &[Patch::replace("name", name)])
    }

    /// Deletes an image (403 when protected).
    pub fn delete_image(&self, id: &str) -> Result<()> {
        self.transport()
            .empty(Call::new(Method::DELETE, Service::Image, image_path(id)?))
    }

    /// Deactivates an image: its data can no longer be downloaded.
    pub fn deactivate_image(&self, id: &str) -> Result<()> {
        let path = format!("{}/actions/deactivate", image_path(id)?);
        self.transport()
            .empty(Call::new(Method::POST, Service::Image, path))
    }

    /// Reactivates a deactivated image.
    pub fn reactivate_image(&self, id: &str) -> Result<()> {
        let path = format!("{}/actions/reactivate", image_path(id)?);
        self.transport()
            .empty(Call::new(Method::POST, Service::Image, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_skips_unset_fields() {
        let c = CreateImage {
            name: Some("n".into()),
            visibility: Some(Visibility::Private),
            tags: vec!["t".into()],
            properties: [("os_distro".to_owned(), "debian".to_owned())].into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"name":"n","visibility":"private","tags":["t"],"os_distro":"debian"}"#
        );
    }

    #[test]
    fn ids_are_checked() {
        assert!(image_path("").is_err());
        assert!(image_path("  ").is_err());
        assert!(image_path("a/b").is_err());
        assert!(image_path("a\nb").is_err());
        assert_eq!(image_path("abc").unwrap(), "/v2/images/abc");
    }
}
