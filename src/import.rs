//! Interoperable image import: what the cloud offers (`/v2/info/import`,
//! `/v2/info/stores`), the import call (`glance-direct` after staging,
//! `web-download`, `copy-image`, `glance-download`), an image's import tasks,
//! a wait that reports every store's fate, the one-call "create and upload",
//! and removing an image's data from one store.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use ureq::http::Method;

use crate::auth::Service;
use crate::client::Client;
use crate::digest::{ExpectedDigest, HashAlgorithm};
use crate::enums::ImageStatus;
use crate::error::{Error, Failure, Result};
use crate::image::Image;
use crate::image_data::{UploadData, UploadOptions};
use crate::images::{check_id, image_path, CreateImage};
use crate::tasks::Task;
use crate::transport::{Call, Payload};
use crate::url::encode;

/// A store of a multi-store cloud, as `GET /v2/info/stores` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoreInfo {
    /// The store's id, e.g. `fs2`: the name to use in `stores`.
    pub id: String,
    /// What the operator wrote about it.
    #[serde(default)]
    pub description: Option<String>,
    /// The store data goes to when none is named.
    #[serde(default, deserialize_with = "flag")]
    pub default: bool,
    /// A read-only store cannot receive data.
    #[serde(default, deserialize_with = "flag")]
    pub read_only: bool,
}

/// Glance writes these flags as the string `"true"`; accept a JSON boolean too.
pub(crate) fn flag<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<bool, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Bool(b) => b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// How the data reaches the store in an import.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportMethod {
    /// Data staged before with [`Client::stage_image_data`].
    GlanceDirect,
    /// Glance fetches the data from this `http` or `https` URL.
    WebDownload {
        /// Where the data is.
        uri: String,
    },
    /// The data of an active image is copied to more stores (admin by default).
    CopyImage,
    /// The data comes from an image of another region's Glance.
    GlanceDownload {
        /// The image in the other region.
        image_id: String,
        /// That region's name.
        region: String,
        /// The catalog interface to reach it (`public` when `None`).
        service_interface: Option<String>,
    },
}

impl ImportMethod {
    /// The method's name as Glance spells it.
    pub fn name(&self) -> &'static str {
        match self {
            ImportMethod::GlanceDirect => "glance-direct",
            ImportMethod::WebDownload { .. } => "web-download",
            ImportMethod::CopyImage => "copy-image",
            ImportMethod::GlanceDownload { .. } => "glance-download",
        }
    }

    fn body(&self) -> Result<Value> {
        let mut method = serde_json::json!({ "name": self.name() });
        match self {
            ImportMethod::GlanceDirect | ImportMethod::CopyImage => {}
            ImportMethod::WebDownload { uri } => {
                let lower = uri.to_ascii_lowercase();
                if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                    return Err(Error::invalid_argument(format!(
                        "web-download needs an http or https URL, not '{uri}'"
                    )));
                }
                method["uri"] = Value::from(uri.as_str());
            }
            ImportMethod::GlanceDownload {
                image_id,
                region,
                service_interface,
            } => {
                check_id("image id", image_id)?;
                if region.trim().is_empty() {
                    return Err(Error::invalid_argument("glance-download needs a region"));
                }
                method["glance_image_id"] = Value::from(image_id.as_str());
                method["glance_region"] = Value::from(region.as_str());
                if let Some(interface) = service_interface {
                    method["glance_service_interface"] = Value::from(interface.as_str());
                }
            }
        }
        Ok(method)
    }
}

/// Which stores an import fills.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportOptions {
    /// These stores (ids from [`Client::list_stores`]); the default store when
    /// empty and `all_stores` is unset.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<String>,
    /// Every store of the cloud.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_stores: Option<bool>,
    /// When false, the import goes on after a store failed (the image becomes
    /// active in the others); Glance's default is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_stores_must_succeed: Option<bool>,
}

impl ImportOptions {
    fn check(&self) -> Result<()> {
        for store in &self.stores {
            check_id("store", store)?;
        }
        if !self.stores.is_empty() && self.all_stores == Some(true) {
            return Err(Error::invalid_argument(
                "name stores or ask for all_stores, not both",
            ));
        }
        Ok(())
    }

    fn wants_several_stores(&self) -> bool {
        self.stores.len() > 1 || self.all_stores == Some(true)
    }
}

/// Where an import stands, as one poll of the image shows it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ImportState {
    /// The image as polled.
    pub image: Image,
    /// Stores still to be filled (`os_glance_importing_to_stores`).
    pub importing_to_stores: Vec<String>,
    /// Stores that failed (`os_glance_failed_import`).
    pub failed_stores: Vec<String>,
    /// The running import task (`os_glance_import_task`), while there is one.
    pub task_id: Option<String>,
}

impl ImportState {
    fn of(image: Image) -> ImportState {
        let list = |key: &str| -> Vec<String> {
            image
                .property(key)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        ImportState {
            importing_to_stores: list("os_glance_importing_to_stores"),
            failed_stores: list("os_glance_failed_import"),
            task_id: image
                .property("os_glance_import_task")
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            image,
        }
    }

    /// Whether Glance is still working on the import.
    pub fn in_progress(&self) -> bool {
        self.task_id.is_some()
            || !self.importing_to_stores.is_empty()
            || matches!(
                self.image.status,
                ImageStatus::Importing | ImageStatus::Saving
            )
    }
}

/// A callback that sees each poll of [`Client::wait_for_import`]; returning
/// `ControlFlow::Break(())` stops the wait with [`Error::Aborted`] (the import
/// itself goes on).
pub type ImportWaitFn<'a> = dyn FnMut(&ImportState) -> ControlFlow<()> + 'a;

/// How [`Client::wait_for_import`] polls.
pub struct ImportWait<'a> {
    /// Time between polls. Default 1 s.
    pub interval: Duration,
    /// Give up after this long with [`Error::Timeout`]; `None` waits as long as
    /// the import runs. Default 1 hour.
    pub timeout: Option<Duration>,
    /// Called after each poll.
    pub on_poll: Option<&'a mut ImportWaitFn<'a>>,
    /// The digest the imported data must have, e.g. the SHA-256 the image's
    /// publisher announced beside the URL of a `web-download`. Once the
    /// image is active it is compared with what Glance recorded (`checksum`
    /// for MD5, `os_hash_value` when `os_hash_algo` is the expected
    /// algorithm), else the data is downloaded and hashed (streamed, nothing
    /// kept). On a mismatch the image is deleted, so no active image with
    /// the wrong data is left behind, and the wait fails with
    /// [`Error::ChecksumMismatch`]: its `algorithm` reads e.g.
    /// `sha256 (image <id> deleted)`. Only for images made for this import.
    /// A download that fails is that error and leaves the image: waiting
    /// again checks it again.
    pub expected_digest: Option<ExpectedDigest>,
}

impl Default for ImportWait<'_> {
    fn default() -> Self {
        ImportWait {
            interval: Duration::from_secs(1),
            timeout: Some(Duration::from_secs(3600)),
            on_poll: None,
            expected_digest: None,
        }
    }
}

impl std::fmt::Debug for ImportWait<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportWait")
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("on_poll", &self.on_poll.is_some())
            .field("expected_digest", &self.expected_digest)
            .finish()
    }
}

/// How [`Client::create_image_with_data`] moves the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UploadMethod {
    /// Direct upload, unless several stores are asked for and the cloud
    /// offers `glance-direct`, which alone can fill several at once.
    #[default]
    Auto,
    /// `PUT /file`: one store, verified as soon as the upload returns.
    Direct,
    /// Stage, then import with `glance-direct` and wait for it.
    GlanceDirect,
}

/// Options of [`Client::create_image_with_data`].
#[derive(Debug, Default)]
pub struct CreateWithData<'a> {
    /// Direct upload or stage + import.
    pub method: UploadMethod,
    /// The stores to fill. A direct upload takes one store at most.
    pub stores: ImportOptions,
    /// Framing, verification and progress of the data transfer.
    pub upload: UploadOptions<'a>,
    /// How to wait for a `glance-direct` import.
    pub wait: ImportWait<'a>,
}

#[derive(Deserialize)]
struct ImportInfo {
    #[serde(rename = "import-methods")]
    methods: ImportMethods,
}

#[derive(Deserialize)]
struct ImportMethods {
    #[serde(default)]
    value: Vec<String>,
}

#[derive(Deserialize)]
struct Stores {
    stores: Vec<StoreInfo>,
}

#[derive(Deserialize)]
struct Tasks {
    tasks: Vec<Task>,
}

impl Client {
    /// The import methods the cloud offers (`GET /v2/info/import`), e.g.
    /// `["glance-direct", "web-download", "copy-image"]`.
    pub fn import_methods(&self) -> Result<Vec<String>> {
        let info: ImportInfo = self.transport().json(Call::get("/v2/info/import"))?;
        Ok(info.methods.value)
    }

    /// The stores of a multi-store cloud (`GET /v2/info/stores`); a cloud
    /// with one store answers 410 or 404.
    pub fn list_stores(&self) -> Result<Vec<StoreInfo>> {
        let stores: Stores = self.transport().json(Call::get("/v2/info/stores"))?;
        Ok(stores.stores)
    }

    /// Starts an import (`POST /v2/images/{id}/import`); Glance answers at
    /// once and works in the background: follow it with
    /// [`Client::wait_for_import`].
    pub fn import_image(
        &self,
        id: &str,
        method: &ImportMethod,
        options: &ImportOptions,
    ) -> Result<()> {
        let path = format!("{}/import", image_path(id)?);
        options.check()?;
        let mut body = serde_json::to_value(options)
            .map_err(|e| Error::invalid_argument(format!("import options: {e}")))?;
        body["method"] = method.body()?;
        let call = Call::new(Method::POST, Service::Image, path).payload(Payload::json(&body)?);
        self.transport()
            .empty(call)
            .map_err(|e| self.explain_unoffered(e, Some(method.name()), &options.stores))
    }

    /// The image's import tasks, oldest first (`GET /v2/images/{id}/tasks`):
    /// tasks like any other, of type `api_image_import`.
    pub fn image_tasks(&self, id: &str) -> Result<Vec<Task>> {
        let path = format!("{}/tasks", image_path(id)?);
        let mut tasks: Tasks = self.transport().json(Call::get(path))?;
        tasks.tasks.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(tasks.tasks)
    }

    /// Polls the image until its import has ended and returns it, `active`
    /// with its data in every store asked for.
    ///
    /// An import that left the image without data, or left any store out
    /// (`os_glance_failed_import`, even when the image became active in the
    /// others), fails with [`Error::ImportFailed`] naming the stores and the
    /// task's message: a failed store is never silent. With
    /// [`ImportWait::expected_digest`] the data of the active image is
    /// checked too, and the image deleted when it is not the one expected.
    pub fn wait_for_import(&self, id: &str, mut options: ImportWait<'_>) -> Result<Image> {
        image_path(id)?;
        if options.interval.is_zero() {
            return Err(Error::invalid_argument(
                "the poll interval must not be zero",
            ));
        }
        let started = Instant::now();
        loop {
            let state = ImportState::of(self.get_image(id)?);
            if let Some(on_poll) = options.on_poll.as_mut() {
                if on_poll(&state).is_break() {
                    return Err(Error::Aborted);
                }
            }
            let ended_badly = matches!(
                state.image.status,
                ImageStatus::Killed | ImageStatus::Deleted | ImageStatus::PendingDelete
            );
            if !state.in_progress() || ended_badly {
                if state.image.status == ImageStatus::Active && state.failed_stores.is_empty() {
                    if let Some(expected) = &options.expected_digest {
                        self.check_imported(&state.image, expected)?;
                    }
                    return Ok(state.image);
                }
                let message = self.final_task_message(id, &options, started);
                return Err(Error::ImportFailed {
                    image_id: id.to_owned(),
                    status: state.image.status.to_string(),
                    failed_stores: state.failed_stores,
                    message,
                });
            }
            let waited = started.elapsed();
            let mut pause = options.interval;
            if let Some(timeout) = options.timeout {
                if waited >= timeout {
                    return Err(Error::Timeout(Box::new(Failure {
                        method: String::new(),
                        path: format!("import of image {id}"),
                        message: format!(
                            "still {} (importing to [{}]) after {} s",
                            state.image.status,
                            state.importing_to_stores.join(","),
                            waited.as_secs()
                        ),
                        request_id: None,
                    })));
                }
                pause = pause.min(timeout - waited);
            }
            std::thread::sleep(pause);
        }
    }

    /// Compares the digest of an imported, active image with `expected`:
    /// what Glance recorded when it is of that algorithm, else the data
    /// itself. On a mismatch the image is deleted.
    fn check_imported(&self, image: &Image, expected: &ExpectedDigest) -> Result<()> {
        let recorded = match expected.algorithm() {
            HashAlgorithm::Md5 => image.checksum.as_deref(),
            algorithm => image.os_hash_value.as_deref().filter(|_| {
                image
                    .os_hash_algo
                    .as_deref()
                    .and_then(|a| a.parse::<HashAlgorithm>().ok())
                    == Some(algorithm)
            }),
        };
        let outcome = match recorded {
            Some(recorded) => expected.check(Some(recorded)),
            None => self.check_image_data(&image.id, expected),
        };
        let Err(Error::ChecksumMismatch {
            algorithm,
            expected,
            actual,
        }) = outcome
        else {
            return outcome;
        };
        let fate = match self.delete_image(&image.id) {
            Ok(()) => format!("image {} deleted", image.id),
            Err(e) => format!("deleting image {} failed: {e}", image.id),
        };
        Err(Error::ChecksumMismatch {
            algorithm: format!("{algorithm} ({fate})"),
            expected,
            actual,
        })
    }

    /// The message of the image's latest import task. Glance releases the
    /// image a moment before it records the task's outcome: poll the task
    /// until it has one (within the wait's interval and timeout, 10 polls at most).
    fn final_task_message(&self, id: &str, options: &ImportWait<'_>, started: Instant) -> String {
        for _ in 0..10 {
            let last = self.image_tasks(id).ok().and_then(|t| t.into_iter().last());
            match last {
                Some(task) if task.is_finished() => return task.message.unwrap_or_default(),
                None => return String::new(),
                Some(_) => {}
            }
            if options
                .timeout
                .is_some_and(|t| started.elapsed() + options.interval >= t)
            {
                break;
            }
            std::thread::sleep(options.interval);
        }
        String::new()
    }

    /// Removes the image's data from one store (`DELETE /v2/stores/{store}/{id}`;
    /// admin by default). The image stays, with its data in its other stores.
    pub fn delete_image_from_store(&self, id: &str, store: &str) -> Result<()> {
        check_id("image id", id)?;
        check_id("store", store)?;
        let path = format!("/v2/stores/{}/{}", encode(store), encode(id));
        self.transport()
            .empty(Call::new(Method::DELETE, Service::Image, path))
    }

    /// Creates an image and gives it its data in one call: a direct upload,
    /// or staging plus a `glance-direct` import when several stores are asked
    /// for (see [`UploadMethod`]). Either way the data is hashed as it goes
    /// and compared with what Glance recorded. When anything fails, the new
    /// image is deleted again, so no empty record is left behind.
    pub fn create_image_with_data(
        &self,
        image: &CreateImage,
        data: UploadData<'_>,
        options: CreateWithData<'_>,
    ) -> Result<Image> {
        let CreateWithData {
            method,
            stores,
            mut upload,
            wait,
        } = options;
        stores.check()?;
        let glance_direct = match method {
            UploadMethod::Direct => false,
            UploadMethod::GlanceDirect => true,
            UploadMethod::Auto => {
                stores.wants_several_stores()
                    && self.import_methods()?.iter().any(|m| m == "glance-direct")
            }
        };
        if !glance_direct {
            if stores.wants_several_stores() {
                return Err(Error::invalid_argument(
                    "a direct upload fills one store: several stores need glance-direct",
                ));
            }
            if let Some(store) = stores.stores.first() {
                upload.store = Some(store.clone());
            }
        }
        let created = self.create_image(image)?;
        let outcome = if glance_direct {
            self.stage_and_import(&created.id, data, &mut upload, &stores, wait)
        } else {
            self.upload_image(&created.id, data, upload)
        };
        if outcome.is_err() {
            let _ = self.delete_image(&created.id);
        }
        outcome
    }

    fn stage_and_import(
        &self,
        id: &str,
        data: UploadData<'_>,
        upload: &mut UploadOptions<'_>,
        stores: &ImportOptions,
        wait: ImportWait<'_>,
    ) -> Result<Image> {
        let streamed = self.stage_streamed(id, data, upload)?;
        self.import_image(id, &ImportMethod::GlanceDirect, stores)?;
        let image = self.wait_for_import(id, wait)?;
        if !upload.skip_verification {
            crate::image_data::check_upload(&image, &streamed)?;
        }
        Ok(image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_flags_accept_strings_and_booleans() {
        let stores: Stores = serde_json::from_str(
            r#"{"stores":[{"id":"fs","description":"d","default":"true"},
                          {"id":"fs2","read_only":true},{"id":"x","default":"false"}]}"#,
        )
        .unwrap();
        assert!(stores.stores[0].default);
        assert!(!stores.stores[1].default && stores.stores[1].read_only);
        assert!(!stores.stores[2].default);
    }

    #[test]
    fn import_bodies() {
        let options = ImportOptions {
            stores: vec!["fs".into(), "fs2".into()],
            all_stores_must_succeed: Some(false),
            ..Default::default()
        };
        let mut body = serde_json::to_value(&options).unwrap();
        body["method"] = ImportMethod::WebDownload {
            uri: "http://127.0.0.1:1/x".into(),
        }
        .body()
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"stores":["fs","fs2"],"all_stores_must_succeed":false,
                "method":{"name":"web-download","uri":"http://127.0.0.1:1/x"}})
        );
        assert!(ImportMethod::WebDownload {
            uri: "file:///etc/passwd".into()
        }
        .body()
        .is_err());
        let both = ImportOptions {
            stores: vec!["fs".into()],
            all_stores: Some(true),
            ..Default::default()
        };
        assert!(both.check().is_err());
        let bad = ImportOptions {
            stores: vec!["a/b".into()],
            ..Default::default()
        };
        assert!(bad.check().is_err());
    }

    #[test]
    fn state_reads_the_import_properties() {
        let image: Image = serde_json::from_str(
            r#"{"id":"i","status":"active","os_glance_importing_to_stores":"",
                "os_glance_failed_import":"fs2, fs3","stores":"fs"}"#,
        )
        .unwrap();
        let state = ImportState::of(image);
        assert!(state.importing_to_stores.is_empty());
        assert_eq!(state.failed_stores, ["fs2", "fs3"]);
        assert!(!state.in_progress());
        let busy: Image =
            serde_json::from_str(r#"{"id":"i","status":"queued","os_glance_import_task":"t1"}"#)
                .unwrap();
        assert!(ImportState::of(busy).in_progress());
    }
}
