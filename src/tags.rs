//! Image tags: add, remove, replace.
//!
//! Tags may hold any character, but not every tag survives a trip through a
//! URL path: Glance decodes `%2F` into a path separator (404) and reads the
//! decoded path as Latin-1, so `café` would be stored as `cafÃ©`; `.` and
//! `..` are dot segments, which Glance 33 itself stores as tags but a front
//! end that normalises paths (Apache, a load balancer) turns into the path of
//! the image or of its tag list, another resource. Such tags go through a JSON
//! Patch of the whole tag list instead, whose JSON body carries them intact.
//! That is a read-modify-write: a tag another client adds to the same image
//! between the read and the write is lost. Plain ASCII tags use the tag URL,
//! which has no such race.

use ureq::http::Method;

use crate::auth::Service;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::images::image_path;
use crate::patch::Patch;
use crate::transport::Call;
use crate::url::encode;

/// Glance's limit on a tag, in characters.
const TAG_MAX_CHARS: usize = 255;

fn check_tag(tag: &str) -> Result<()> {
    if tag.is_empty() {
        return Err(Error::invalid_argument("a tag must not be empty"));
    }
    let chars = tag.chars().count();
    if chars > TAG_MAX_CHARS {
        return Err(Error::invalid_argument(format!(
            "a tag has at most {TAG_MAX_CHARS} characters; this one has {chars}"
        )));
    }
    Ok(())
}

/// Whether the tag reaches Glance unchanged as a path segment.
fn fits_in_url(tag: &str) -> bool {
    tag != "." && tag != ".." && tag.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'/')
}

fn tag_path(image_id: &str, tag: &str) -> Result<String> {
    Ok(format!("{}/tags/{}", image_path(image_id)?, encode(tag)))
}

impl Client {
    /// Adds a tag to an image; adding a tag it already has does nothing.
    pub fn add_tag(&self, image_id: &str, tag: &str) -> Result<()> {
        check_tag(tag)?;
        if fits_in_url(tag) {
            let call = Call::new(Method::PUT, Service::Image, tag_path(image_id, tag)?);
            return self.transport().empty(call);
        }
        let image = self.get_image(image_id)?;
        if image.tags.iter().any(|t| t == tag) {
            return Ok(());
        }
        let mut tags = image.tags;
        tags.push(tag.to_owned());
        self.replace_tags(image_id, &tags).map(drop)
    }

    /// Removes a tag from an image. [`Error::NoMatch`] when the image does not
    /// have it.
    pub fn remove_tag(&self, image_id: &str, tag: &str) -> Result<()> {
        check_tag(tag)?;
        if fits_in_url(tag) {
            let call = Call::new(Method::DELETE, Service::Image, tag_path(image_id, tag)?);
            return match self.transport().empty(call) {
                // 404 names either the image or the tag: the image tells which.
                Err(e) if e.status() == Some(404) => {
                    self.get_image(image_id)?;
                    Err(no_such_tag(image_id, tag))
                }
                other => other,
            };
        }
        let image = self.get_image(image_id)?;
        if !image.tags.iter().any(|t| t == tag) {
            return Err(no_such_tag(image_id, tag));
        }
        let tags: Vec<String> = image.tags.into_iter().filter(|t| t != tag).collect();
        self.replace_tags(image_id, &tags).map(drop)
    }

    /// Makes the image's tags exactly `tags` (duplicates are dropped by
    /// Glance) and returns the updated image.
    pub fn replace_tags(&self, image_id: &str, tags: &[String]) -> Result<Image> {
        for tag in tags {
            check_tag(tag)?;
        }
        self.update_image(image_id, &[Patch::replace("tags", tags)])
    }
}

fn no_such_tag(image_id: &str, tag: &str) -> Error {
    Error::NoMatch(format!(
        "image {image_id} has no tag '{}'",
        tag.escape_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_safe_tags_are_plain_ascii_without_slash_or_dots() {
        for tag in ["a b", "p%q", "a?b", "#;+~\"<>{}\\", " lead", "x.y"] {
            assert!(fits_in_url(tag), "{tag}");
        }
        for tag in ["a/b", "café", ".", "..", "tab\there", "日本"] {
            assert!(!fits_in_url(tag), "{tag}");
        }
    }

    #[test]
    fn tags_are_checked_before_any_request() {
        assert!(check_tag("").is_err());
        assert!(check_tag(&"é".repeat(255)).is_ok());
        assert!(check_tag(&"x".repeat(256)).is_err());
    }

    #[test]
    fn tag_paths_encode_everything_reserved() {
        assert_eq!(
            tag_path("i", "a b%c?d#e").unwrap(),
            "/v2/images/i/tags/a%20b%25c%3Fd%23e"
        );
    }
}
