//! Temporary URLs: a signed link that lets anyone holding it read one object
//! until it expires, without a token (Swift's `tempurl` middleware). Glance
//! can import an image from such a link with `web-download`.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::hmac;
use serde::Deserialize;
use ureq::http::Method;

use super::{container_path, object_path, LargeObject, ObjectStore};
use crate::digest::hex;
use crate::error::{Error, Result};
use crate::secret::Secret;

const CONTAINER_KEY: &str = "x-container-meta-temp-url-key";
const ACCOUNT_KEY: &str = "x-account-meta-temp-url-key";

impl ObjectStore {
    /// The key temporary URLs for this container can be signed with: the
    /// container's own `Temp-URL-Key`, else the account's; `None` when
    /// neither is set (or the caller may not read them).
    pub fn temp_url_key(&self, container: &str) -> Result<Option<String>> {
        match self.container_key(container)? {
            Some(key) => Ok(Some(key)),
            None => self.account_key(),
        }
    }

    /// A key whose temporary URL reaches the whole object. A large object's
    /// segments are read under the same signature, and Swift lets a
    /// container's key reach that container only: with segments elsewhere
    /// only the account's key will do. `None` when there is no such key.
    pub fn temp_url_key_for_object(&self, container: &str, object: &str) -> Result<Option<String>> {
        if let Some(key) = self.account_key()? {
            return Ok(Some(key));
        }
        let Some(key) = self.container_key(container)? else {
            return Ok(None);
        };
        let elsewhere = self
            .segment_containers(container, object)?
            .into_iter()
            .any(|other| other != container);
        Ok((!elsewhere).then_some(key))
    }

    fn container_key(&self, container: &str) -> Result<Option<String>> {
        let call = self.call(Method::HEAD, container_path(container)?);
        let response = self
            .client
            .transport()
            .send(call)
            .map_err(|e| super::no_such_container(e, container))?;
        let key = response.header(CONTAINER_KEY).map(str::to_owned);
        response.finish()?;
        Ok(key)
    }

    fn account_key(&self) -> Result<Option<String>> {
        let response = self
            .client
            .transport()
            .send(self.call(Method::HEAD, String::new()))?;
        let key = response.header(ACCOUNT_KEY).map(str::to_owned);
        response.finish()?;
        Ok(key)
    }

    /// The containers holding the segments of a large object (none for an
    /// ordinary one).
    fn segment_containers(&self, container: &str, object: &str) -> Result<BTreeSet<String>> {
        let path = object_path(container, object)?;
        match self.object_info(container, object)?.large_object {
            LargeObject::No => Ok(BTreeSet::new()),
            LargeObject::Dynamic { container, .. } => Ok(BTreeSet::from([container])),
            LargeObject::Static => {
                let call = self.call(Method::GET, format!("{path}?multipart-manifest=get"));
                let manifest: Vec<SegmentName> = self.client.transport().json(call)?;
                Ok(manifest
                    .iter()
                    .filter_map(|s| s.name.trim_start_matches('/').split_once('/'))
                    .map(|(container, _)| container.to_owned())
                    .collect())
            }
        }
    }

    /// Sets the container's `Temp-URL-Key` (needs write access to it).
    pub fn set_container_temp_url_key(&self, container: &str, key: &str) -> Result<()> {
        check_key(key)?;
        let call = self
            .call(Method::POST, container_path(container)?)
            .header("X-Container-Meta-Temp-URL-Key", key)
            .secret(&Secret::new(key));
        self.client
            .transport()
            .empty(call)
            .map_err(|e| super::no_such_container(e, container))
    }

    /// A URL from which anyone can `GET` the object for `lifetime`, signed
    /// with `key` (HMAC-SHA256, which every current Swift accepts).
    pub fn temp_url(
        &self,
        container: &str,
        object: &str,
        key: &str,
        lifetime: Duration,
    ) -> Result<String> {
        check_key(key)?;
        let encoded = object_path(container, object)?;
        let storage_url = self.storage_url()?;
        let (_, account_path) = crate::url::split_origin(&storage_url)?;
        let expires = SystemTime::now()
            .checked_add(lifetime)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .ok_or_else(|| Error::invalid_argument("the temp URL lifetime is out of range"))?
            .as_secs();
        // Swift signs the decoded path, as its WSGI server hands it over.
        let decoded_path =
            percent_encoding::percent_decode_str(&format!("{account_path}{encoded}"))
                .decode_utf8_lossy()
                .into_owned();
        let signature = sign(key, &format!("GET\n{expires}\n{decoded_path}"));
        Ok(format!(
            "{storage_url}{encoded}?temp_url_sig={signature}&temp_url_expires={expires}"
        ))
    }
}

/// A segment of a Static Large Object's manifest: `/container/object`.
#[derive(Deserialize)]
struct SegmentName {
    name: String,
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_argument(
            "a temp URL key must be non-empty text without control characters",
        ));
    }
    Ok(())
}

/// Swift's signature: HMAC-SHA256 of the message, in hexadecimal.
fn sign(key: &str, message: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    hex(hmac::sign(&key, message.as_bytes()).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_pythons_hmac() {
        // Expected values from Python: hmac.new(key, message, hashlib.sha256).hexdigest()
        assert_eq!(
            sign(
                "mykey",
                "GET\n1440619048\n/v1/AUTH_account/container/object"
            ),
            "9ef8c448d4184fd16dd4013a1e3349149f895555655621dbf6d6a166f585af72"
        );
        assert_eq!(
            sign("kéy", "GET\n1700000000\n/v1/AUTH_a/c/dir/my obj ü"),
            "787f68c4c0099d4e70f5bc863e2c075004f66b213908727e6aa99afee1ff2b69"
        );
    }
}
