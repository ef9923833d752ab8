//! Object storage (OpenStack Swift): the calls the export, import and copy
//! workflows need, on the `object-store` service of the same catalog.
//!
//! Containers can be checked, created, listed and deleted; objects uploaded
//! and downloaded as streams in constant memory (large ones as Static Large
//! Objects made of segments), their MD5 checked against Swift's ETag, and
//! deleted with the segments they own, or alone.

mod download;
mod files;
mod temp_url;
mod upload;

use std::collections::BTreeMap;

use serde::Deserialize;
use ureq::http::Method;

use crate::auth::Service;
use crate::client::Client;
use crate::error::{Error, HttpError, Result};
use crate::transport::{Call, Response, Target};
use crate::url::{encode, is_dot_segment, Query};
use crate::wire_log::loggable_url;

pub use download::{ObjectDownloadOptions, ObjectReader};
pub use upload::{ObjectUploadOptions, UploadedObject};

/// Swift's default limits on names, in bytes.
const CONTAINER_NAME_MAX: usize = 256;
const OBJECT_NAME_MAX: usize = 1024;
/// Swift's default page size of a container listing.
const LISTING_PAGE: u32 = 10_000;

/// The object storage of a cloud, reached with the client's token.
///
/// Made by [`Client::object_store`] (the catalog's `object-store` endpoint)
/// or [`Client::object_store_at`] (an explicit storage URL). Cheap to clone.
#[derive(Clone)]
pub struct ObjectStore {
    client: Client,
    storage_url: Option<String>,
}

impl std::fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStore")
            .field(
                "storage_url",
                &self.storage_url.as_deref().map(loggable_url),
            )
            .finish_non_exhaustive()
    }
}

/// How an object is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LargeObject {
    /// One ordinary object.
    No,
    /// A Static Large Object: a manifest listing its segments.
    Static,
    /// A Dynamic Large Object: the segments are every object below
    /// `container/prefix`.
    Dynamic {
        /// The segments' container.
        container: String,
        /// The segments' common name prefix.
        prefix: String,
    },
}

/// What Swift says about an object (from `HEAD` or the `GET` headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Size in bytes.
    pub size: u64,
    /// The ETag without quotes: the MD5 of the data for an ordinary object,
    /// the MD5 of the segments' MD5s for a large one.
    pub etag: Option<String>,
    /// The stored content type.
    pub content_type: Option<String>,
    /// Last modification time as Swift writes it (HTTP date).
    pub last_modified: Option<String>,
    /// Whether the object is made of segments.
    pub large_object: LargeObject,
    /// The `X-Object-Meta-*` headers, names lower-cased without the prefix.
    pub metadata: BTreeMap<String, String>,
}

/// One entry of a container listing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ObjectEntry {
    /// The object's name.
    pub name: String,
    /// Size in bytes (the whole size for a large-object manifest).
    pub bytes: u64,
    /// The ETag (the MD5 of the data for an ordinary object).
    #[serde(default)]
    pub hash: Option<String>,
    /// The content type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Last modification time, ISO 8601 without zone.
    #[serde(default)]
    pub last_modified: Option<String>,
}

/// Which objects of a container to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectListOptions {
    /// Only names starting with this.
    pub prefix: Option<String>,
    /// One page of at most this many (1 or more); `None` lists everything,
    /// page after page.
    pub limit: Option<u32>,
    /// Start after this name.
    pub marker: Option<String>,
}

pub(crate) fn check_container(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > CONTAINER_NAME_MAX {
        return Err(Error::invalid_argument(format!(
            "a container name has 1 to {CONTAINER_NAME_MAX} bytes, not {}",
            name.len()
        )));
    }
    if name.contains('/') || name.chars().any(char::is_control) || is_dot_segment(name) {
        return Err(Error::invalid_argument(format!(
            "container name '{}' holds a '/' or a control character, or is '.' or '..'",
            name.escape_default()
        )));
    }
    Ok(())
}

pub(crate) fn check_object(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > OBJECT_NAME_MAX {
        return Err(Error::invalid_argument(format!(
            "an object name has 1 to {OBJECT_NAME_MAX} bytes, not {}",
            name.len()
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid_argument(format!(
            "object name '{}' holds a control character",
            name.escape_default()
        )));
    }
    if name.split('/').any(is_dot_segment) {
        return Err(Error::invalid_argument(format!(
            "object name '{}' has a '.' or '..' segment, which a front end normalising \
             paths would resolve to another object",
            name.escape_default()
        )));
    }
    Ok(())
}

fn container_path(container: &str) -> Result<String> {
    check_container(container)?;
    Ok(format!("/{}", encode(container)))
}

/// `/container/object`, each part of the object's name encoded on its own so
/// its `/` stay separators (Swift names are flat; `/` is just a character).
fn object_path(container: &str, object: &str) -> Result<String> {
    check_object(object)?;
    let encoded: Vec<String> = object.split('/').map(encode).collect();
    Ok(format!(
        "{}/{}",
        container_path(container)?,
        encoded.join("/")
    ))
}

fn strip_quotes(etag: &str) -> String {
    etag.trim().trim_matches('"').to_ascii_lowercase()
}

impl ObjectInfo {
    fn from_response(response: &Response) -> Result<ObjectInfo> {
        let size = match response.header("content-length") {
            Some(value) => value.trim().parse::<u64>().map_err(|_| {
                response.failure(format!("Content-Length '{value}' is not a number"))
            })?,
            None => response.content_length().unwrap_or(0),
        };
        let large_object = if response
            .header("x-static-large-object")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            LargeObject::Static
        } else if let Some(manifest) = response.header("x-object-manifest") {
            let manifest = percent_encoding::percent_decode_str(manifest)
                .decode_utf8_lossy()
                .into_owned();
            let (container, prefix) = manifest.split_once('/').ok_or_else(|| {
                response.failure(format!("X-Object-Manifest '{manifest}' has no '/'"))
            })?;
            LargeObject::Dynamic {
                container: container.to_owned(),
                prefix: prefix.to_owned(),
            }
        } else {
            LargeObject::No
        };
        let metadata = response
            .headers
            .iter()
            .filter_map(|(name, value)| {
                let key = name.as_str().strip_prefix("x-object-meta-")?;
                Some((key.to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        Ok(ObjectInfo {
            size,
            etag: response.header("etag").map(strip_quotes),
            content_type: response.header("content-type").map(str::to_owned),
            last_modified: response.header("last-modified").map(str::to_owned),
            large_object,
            metadata,
        })
    }
}

impl Client {
    /// The object storage named `object-store` in the catalog.
    pub fn object_store(&self) -> ObjectStore {
        ObjectStore {
            client: self.clone(),
            storage_url: None,
        }
    }

    /// The object storage at this storage URL (the account URL, e.g.
    /// `https://swift.example/v1/AUTH_<project id>`), with this client's token.
    pub fn object_store_at(&self, storage_url: &str) -> Result<ObjectStore> {
        crate::url::split_origin(storage_url)?;
        Ok(ObjectStore {
            client: self.clone(),
            storage_url: Some(storage_url.trim_end_matches('/').to_owned()),
        })
    }
}

impl ObjectStore {
    /// The storage URL this handle talks to.
    pub fn storage_url(&self) -> Result<String> {
        match &self.storage_url {
            Some(url) => Ok(url.clone()),
            None => Ok(self
                .client
                .transport()
                .endpoint(Service::ObjectStore)?
                .trim_end_matches('/')
                .to_owned()),
        }
    }

    fn call<'a>(&self, method: Method, path: String) -> Call<'a> {
        let mut call = Call::new(method, Service::ObjectStore, path);
        if let (Some(url), Target::Path(_, path)) = (&self.storage_url, &call.target) {
            call.target = Target::Url(format!("{url}{path}"));
        }
        call
    }

    /// Whether the container exists.
    pub fn container_exists(&self, container: &str) -> Result<bool> {
        let call = self.call(Method::HEAD, container_path(container)?);
        match self.client.transport().empty(call) {
            Ok(()) => Ok(true),
            Err(e) if e.status() == Some(404) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Succeeds when the container exists; [`Error::NoSuchContainer`] otherwise.
    pub fn require_container(&self, container: &str) -> Result<()> {
        let call = self.call(Method::HEAD, container_path(container)?);
        self.client
            .transport()
            .empty(call)
            .map_err(|e| no_such_container(e, container))
    }

    /// Creates the container; an existing one is left as it is.
    pub fn create_container(&self, container: &str) -> Result<()> {
        let call = self.call(Method::PUT, container_path(container)?);
        self.client.transport().empty(call)
    }

    /// Deletes an empty container ([`Error::Conflict`] when it holds objects).
    pub fn delete_container(&self, container: &str) -> Result<()> {
        let call = self.call(Method::DELETE, container_path(container)?);
        self.client
            .transport()
            .empty(call)
            .map_err(|e| no_such_container(e, container))
    }

    /// The container's objects, by name. Without a `limit`, every page.
    pub fn list_objects(
        &self,
        container: &str,
        options: &ObjectListOptions,
    ) -> Result<Vec<ObjectEntry>> {
        let path = container_path(container)?;
        if options.limit == Some(0) {
            return Err(Error::invalid_argument("'limit' must be at least 1"));
        }
        let mut marker = options.marker.clone();
        let mut all = Vec::new();
        loop {
            let mut q = Query::default();
            q.push("format", "json");
            q.push("limit", &options.limit.unwrap_or(LISTING_PAGE).to_string());
            if let Some(prefix) = &options.prefix {
                q.push("prefix", prefix);
            }
            if let Some(marker) = &marker {
                q.push("marker", marker);
            }
            let call = self.call(Method::GET, q.append_to(&path));
            let page: Vec<ObjectEntry> = self
                .client
                .transport()
                .json(call)
                .map_err(|e| no_such_container(e, container))?;
            let last = page.last().map(|entry| entry.name.clone());
            all.extend(page);
            match last {
                // Swift lists names in byte order after the marker: a page that
                // does not move past it (a server ignoring the marker) would be
                // fetched for ever (found by tests/c_bad_input.rs).
                Some(name) if marker.as_ref().is_some_and(|m| name <= *m) => {
                    return Err(Error::invalid_response(
                        "GET",
                        &path,
                        format!("the listing did not move past '{name}'; stopped"),
                        None,
                    ))
                }
                Some(name) if options.limit.is_none() => marker = Some(name),
                _ => return Ok(all),
            }
        }
    }

    /// What Swift says about an object ([`Error::NotFound`] when it is absent).
    pub fn object_info(&self, container: &str, object: &str) -> Result<ObjectInfo> {
        let call = self.call(Method::HEAD, object_path(container, object)?);
        let response = self.client.transport().send(call)?;
        let info = ObjectInfo::from_response(&response);
        response.finish()?;
        info
    }

    /// Deletes an object and the segments it owns: a Static Large Object's
    /// through Swift's bulk delete, a Dynamic Large Object's only where its
    /// manifest legitimately points.
    ///
    /// A Dynamic Large Object's `X-Object-Manifest` is an ordinary header
    /// anyone who can write its container can set, to any container of the
    /// account. Its segments are deleted only when they lie in the manifest's
    /// own container (under a non-empty prefix that does not cover the
    /// manifest's own name), or in `<container>_segments` under the prefix
    /// `<object>/` (python-swiftclient's layout); a manifest pointing anywhere
    /// else fails with [`Error::InvalidArgument`] before anything is deleted
    /// (use [`ObjectStore::delete_object_keep_segments`] to delete only the
    /// manifest). A manifest whose segment container is gone is deleted.
    pub fn delete_object(&self, container: &str, object: &str) -> Result<()> {
        let path = object_path(container, object)?;
        match self.manifest_info(&path)?.large_object {
            LargeObject::No => self
                .client
                .transport()
                .empty(self.call(Method::DELETE, path)),
            LargeObject::Static => {
                let call = self.call(Method::DELETE, format!("{path}?multipart-manifest=delete"));
                let response = self.client.transport().send(call)?;
                let request_id = response.request_id();
                let (method, path) = {
                    let (m, p) = response.method_and_path();
                    (m.to_owned(), p.to_owned())
                };
                let outcome: BulkDelete = response.json()?;
                outcome.into_result(method, path, request_id)
            }
            LargeObject::Dynamic {
                container: segments,
                prefix,
            } => {
                check_owned_segments(container, object, &segments, &prefix)?;
                self.client
                    .transport()
                    .empty(self.call(Method::DELETE, path))?;
                let listed = match self.list_objects(
                    &segments,
                    &ObjectListOptions {
                        prefix: Some(prefix),
                        ..Default::default()
                    },
                ) {
                    Err(Error::NoSuchContainer(_)) => Vec::new(),
                    other => other?,
                };
                for segment in listed {
                    self.delete_plain(&segments, &segment.name)?;
                }
                Ok(())
            }
        }
    }

    /// Deletes only the object itself: a large object's manifest goes, its
    /// segments stay. One `DELETE`, whatever the manifest says, so a Dynamic
    /// Large Object whose segment container is gone is deleted too.
    pub fn delete_object_keep_segments(&self, container: &str, object: &str) -> Result<()> {
        let call = self.call(Method::DELETE, object_path(container, object)?);
        self.client.transport().empty(call)
    }

    /// What the object itself is (a manifest is not resolved into its
    /// segments, so a Dynamic Large Object whose segments are gone answers).
    fn manifest_info(&self, path: &str) -> Result<ObjectInfo> {
        let call = self.call(Method::HEAD, format!("{path}?multipart-manifest=get"));
        let response = self.client.transport().send(call)?;
        let info = ObjectInfo::from_response(&response);
        response.finish()?;
        info
    }

    /// Deletes one ordinary object; one already gone is not an error.
    fn delete_plain(&self, container: &str, object: &str) -> Result<()> {
        let call = self.call(Method::DELETE, object_path(container, object)?);
        match self.client.transport().empty(call) {
            Err(e) if e.status() == Some(404) => Ok(()),
            other => other,
        }
    }
}

/// Whether a Dynamic Large Object's manifest points where its segments may
/// be deleted with it (see [`ObjectStore::delete_object`]).
fn check_owned_segments(container: &str, object: &str, segments: &str, prefix: &str) -> Result<()> {
    let own_container = segments == container && !prefix.is_empty() && !object.starts_with(prefix);
    let own_segments =
        segments == format!("{container}_segments") && prefix.starts_with(&format!("{object}/"));
    if own_container || own_segments {
        return Ok(());
    }
    Err(Error::invalid_argument(format!(
        "the manifest of '{container}/{object}' points at segments '{segments}/{prefix}', which \
         it does not own (they must be in '{container}' or under '{container}_segments/{object}/'); \
         nothing was deleted: delete only the manifest, keeping segments, to remove it"
    )))
}

fn no_such_container(error: Error, container: &str) -> Error {
    match error.http() {
        Some(http) if http.status == 404 => {
            let mut http = http.clone();
            http.message = format!("container '{container}' does not exist");
            Error::NoSuchContainer(Box::new(http))
        }
        _ => error,
    }
}

/// The answer of a bulk (`multipart-manifest=delete`) delete.
#[derive(Deserialize)]
struct BulkDelete {
    #[serde(rename = "Response Status")]
    status: String,
    #[serde(rename = "Errors", default)]
    errors: Vec<Vec<String>>,
}

impl BulkDelete {
    fn into_result(self, method: String, path: String, request_id: Option<String>) -> Result<()> {
        let code = self
            .status
            .split_whitespace()
            .next()
            .and_then(|c| c.parse::<u16>().ok())
            .unwrap_or(500);
        if (200..300).contains(&code) && self.errors.is_empty() {
            return Ok(());
        }
        let details: Vec<String> = self.errors.iter().map(|e| e.join(": ")).collect();
        Err(Error::from_status(HttpError {
            method,
            path,
            status: if (200..300).contains(&code) {
                500
            } else {
                code
            },
            message: format!(
                "deleting the large object failed ({}): {}",
                self.status,
                details.join("; ")
            ),
            request_id,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_keep_slashes_and_encode_the_rest() {
        assert_eq!(
            object_path("my c", "dir/a b%/ü").unwrap(),
            "/my%20c/dir/a%20b%25/%C3%BC"
        );
        assert!(object_path("a/b", "o").is_err());
        assert!(object_path("", "o").is_err());
        assert!(object_path("c", "").is_err());
        assert!(object_path("c", "a\nb").is_err());
        assert!(object_path(&"c".repeat(257), "o").is_err());
        assert!(object_path("c", &"o".repeat(1025)).is_err());
    }

    #[test]
    fn bulk_delete_answers_become_errors() {
        let ok = BulkDelete {
            status: "200 OK".into(),
            errors: vec![],
        };
        assert!(ok.into_result("DELETE".into(), "/c/o".into(), None).is_ok());
        let failed = BulkDelete {
            status: "400 Bad Request".into(),
            errors: vec![vec!["/c_segments/o/1".into(), "403 Forbidden".into()]],
        };
        let err = failed
            .into_result("DELETE".into(), "/c/o".into(), Some("tx1".into()))
            .unwrap_err();
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.request_id(), Some("tx1"));
        assert!(err.to_string().contains("/c_segments/o/1: 403 Forbidden"));
    }
}
