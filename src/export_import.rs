//! Export and import through object storage on any OpenStack cloud, where
//! upstream Glance has no export task: an image's data streams into a
//! container object (no temporary file), its description kept as the object's
//! metadata; an image is made again from such an object, streamed, or fetched
//! by Glance itself (`web-download`) from a Swift temporary URL.

use std::time::Duration;

use crate::client::Client;
use crate::enums::ImageStatus;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::image_data::{DownloadOptions, UploadData};
use crate::images::check_id;
use crate::import::{CreateWithData, ImportMethod, ImportOptions, WaitOptions};
use crate::object_store::{check_object, ObjectStore, ObjectUploadOptions};
use crate::pipe::pipe;
use crate::portable::PortableImage;

/// Options of [`Client::export_image_to_container`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// The object's name; default `<image id>.<disk format>`, the name
    /// Rackspace's export task gave its objects.
    pub object: Option<String>,
    /// Images larger than this go in segments of this size (a Static Large
    /// Object); default 1 GiB.
    pub segment_size: Option<u64>,
    /// Where the segments go; default `<container>_segments`.
    pub segment_container: Option<String>,
}

/// What an export stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedImage {
    /// The container.
    pub container: String,
    /// The object's name.
    pub object: String,
    /// Bytes stored.
    pub size: u64,
    /// Swift's ETag of the object (checked against the bytes sent).
    pub etag: String,
    /// Segments of a large object; 0 for an ordinary one.
    pub segments: u32,
    /// The description kept in the object's metadata.
    pub record: PortableImage,
}

/// How [`Client::import_image_from_container`] moves the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImportVia {
    /// Through this client: read from object storage, uploaded to Glance.
    #[default]
    Stream,
    /// Glance fetches the object itself from a temporary URL (`web-download`);
    /// needs a temp URL key on the container or account, and the method
    /// offered by the cloud (and allowed to reach object storage).
    WebDownload,
    /// `WebDownload` when the key and the method are there, else `Stream`.
    Auto,
}

/// Options of [`Client::import_image_from_container`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerImportOptions {
    /// The new image's name; default: the exported image's, else the object's.
    pub name: Option<String>,
    /// Disk format for an object that carries no image description.
    pub disk_format: Option<String>,
    /// Container format for an object that carries no image description.
    pub container_format: Option<String>,
    /// How the data moves.
    pub via: ImportVia,
    /// How long a temporary URL for `web-download` stays valid. Default 1 hour.
    pub temp_url_lifetime: Duration,
}

impl Default for ContainerImportOptions {
    fn default() -> Self {
        ContainerImportOptions {
            name: None,
            disk_format: None,
            container_format: None,
            via: ImportVia::Stream,
            temp_url_lifetime: Duration::from_secs(3600),
        }
    }
}

/// The image's data must be there to be moved.
pub(crate) fn active(image: &Image) -> Result<()> {
    if image.status == ImageStatus::Active {
        return Ok(());
    }
    Err(Error::NoData(format!(
        "image {} is '{}': only an active image has data to move",
        image.id, image.status
    )))
}

/// The new image must have what the old one had: same size, same digests
/// (compared when both sides use the same algorithm).
pub(crate) fn check_same_data(expected: &PortableImage, image: &Image) -> Result<()> {
    let mismatch = |algorithm: &str, expected: &str, actual: &str| Error::ChecksumMismatch {
        algorithm: algorithm.to_owned(),
        expected: expected.to_owned(),
        actual: actual.to_owned(),
    };
    if let (Some(want), Some(got)) = (expected.size, image.size) {
        if want != got {
            return Err(mismatch("size", &want.to_string(), &got.to_string()));
        }
    }
    if let (Some(algo), Some(want), Some(got)) = (
        expected.os_hash_algo.as_deref(),
        expected.os_hash_value.as_deref(),
        image.os_hash_value.as_deref(),
    ) {
        if image.os_hash_algo.as_deref() == Some(algo) && !want.eq_ignore_ascii_case(got) {
            return Err(mismatch(algo, want, got));
        }
    }
    if let (Some(want), Some(got)) = (expected.checksum.as_deref(), image.checksum.as_deref()) {
        if !want.eq_ignore_ascii_case(got) {
            return Err(mismatch("md5", want, got));
        }
    }
    Ok(())
}

impl Client {
    /// Streams an image's data into `container` (which must exist:
    /// [`Error::NoSuchContainer`] before anything moves, as pyrax checks),
    /// with the image's description as the object's metadata.
    ///
    /// Nothing touches the disk: the download is verified against the
    /// image's digest while it streams, the upload against Swift's ETags.
    /// When either fails, no object is left behind.
    pub fn export_image_to_container(
        &self,
        image_id: &str,
        store: &ObjectStore,
        container: &str,
        options: &ExportOptions,
    ) -> Result<ExportedImage> {
        check_id("image id", image_id)?;
        if let Some(object) = &options.object {
            check_object(object)?;
        }
        let image = self.get_image(image_id)?;
        active(&image)?;
        let record = PortableImage::from_image(&image);
        let headers = record.to_metadata_headers()?;
        let object = match &options.object {
            Some(object) => object.clone(),
            None => match &image.disk_format {
                Some(format) => format!("{}.{format}", image.id),
                None => image.id.clone(),
            },
        };
        check_object(&object)?;
        store.require_container(container)?;
        let defaults = ObjectUploadOptions::default();
        let upload_options = ObjectUploadOptions {
            size: image.size,
            segment_size: options.segment_size.unwrap_or(defaults.segment_size),
            segment_container: options.segment_container.clone(),
        };

        let id = image.id.clone();
        let (mut writer, mut reader) = pipe();
        let (downloaded, uploaded) = std::thread::scope(|scope| {
            let producer = scope.spawn(move || {
                match self.download_image(&id, &mut writer, DownloadOptions::default()) {
                    Ok(done) => writer
                        .finish()
                        .map(|()| done)
                        .map_err(|e| Error::io("the export's pipe", e)),
                    Err(e) => {
                        writer.fail(e.to_string());
                        Err(e)
                    }
                }
            });
            let uploaded = store.upload_with_headers(
                container,
                &object,
                &mut reader,
                &upload_options,
                headers,
            );
            // Unblocks the download if the upload stopped reading early.
            drop(reader);
            let downloaded = producer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (downloaded, uploaded)
        });
        match (downloaded, uploaded) {
            (Ok(_), Ok(uploaded)) => Ok(ExportedImage {
                container: container.to_owned(),
                object,
                size: uploaded.size,
                etag: uploaded.etag,
                segments: uploaded.segments,
                record,
            }),
            (Err(download), _) => {
                // The bytes may all have gone up before the download's check
                // failed, even when the upload then reported the failure.
                let _ = store.delete_object(container, &object);
                Err(download)
            }
            (Ok(_), Err(upload)) => Err(upload),
        }
    }

    /// Makes an image of a container object, normally one
    /// [`Client::export_image_to_container`] wrote: the new image gets the
    /// exported image's description (name, formats, tags, properties) and
    /// must end up with the same data (size and digests compared; a
    /// difference is [`Error::ChecksumMismatch`] and the new image is
    /// deleted). An object without a description needs the formats in
    /// `options`. On any failure no new image is left behind.
    pub fn import_image_from_container(
        &self,
        store: &ObjectStore,
        container: &str,
        object: &str,
        options: &ContainerImportOptions,
    ) -> Result<Image> {
        check_object(object)?;
        if options.name.as_deref() == Some("") {
            return Err(Error::invalid_argument("the image name must not be empty"));
        }
        let info = store.object_info(container, object)?;
        let mut record = PortableImage::from_metadata(&info.metadata)?.unwrap_or_default();
        if let Some(format) = &options.disk_format {
            record.disk_format = Some(format.clone());
        }
        if let Some(format) = &options.container_format {
            record.container_format = Some(format.clone());
        }
        if record.disk_format.is_none() || record.container_format.is_none() {
            return Err(Error::invalid_argument(format!(
                "object '{object}' carries no image description: give disk_format and \
                 container_format"
            )));
        }
        record.name = options
            .name
            .clone()
            .or(record.name.take())
            .or_else(|| Some(object.to_owned()));
        record.size.get_or_insert(info.size);

        let web_download = match options.via {
            ImportVia::Stream => None,
            ImportVia::WebDownload => {
                Some(self.temp_url_for_import(store, container, object, options)?)
            }
            ImportVia::Auto => self
                .temp_url_for_import(store, container, object, options)
                .ok(),
        };
        let image = match web_download {
            Some(uri) => self.import_by_web_download(&record, uri)?,
            None => {
                let mut reader = store.open_object(container, object)?;
                let size = reader.info().size;
                self.create_image_with_data(
                    &record.to_create_image(),
                    UploadData::reader(&mut reader, Some(size)),
                    CreateWithData::default(),
                )
                .map_err(|e| reader.mismatch().unwrap_or(e))?
            }
        };
        if let Err(e) = check_same_data(&record, &image) {
            let _ = self.delete_image(&image.id);
            return Err(e);
        }
        Ok(image)
    }

    /// A temporary URL Glance can fetch the object from, when the cloud
    /// allows `web-download` and the container or account has a key.
    fn temp_url_for_import(
        &self,
        store: &ObjectStore,
        container: &str,
        object: &str,
        options: &ContainerImportOptions,
    ) -> Result<String> {
        if !self.import_methods()?.iter().any(|m| m == "web-download") {
            return Err(Error::Config(
                "the cloud does not offer the web-download import method".into(),
            ));
        }
        let key = store
            .temp_url_key_for_object(container, object)?
            .ok_or_else(|| {
                Error::Config(format!(
                    "no temp URL key reaches '{container}/{object}' for web-download: set one on \
                     the account, or on the container when the object's segments are in it too \
                     (a container's key does not reach segments in another container)"
                ))
            })?;
        store.temp_url(container, object, &key, options.temp_url_lifetime)
    }

    fn import_by_web_download(&self, record: &PortableImage, uri: String) -> Result<Image> {
        let image = self.create_image(&record.to_create_image())?;
        let imported = self
            .import_image(
                &image.id,
                &ImportMethod::WebDownload { uri },
                &ImportOptions::default(),
            )
            .and_then(|()| self.wait_for_import(&image.id, WaitOptions::default()));
        if imported.is_err() {
            let _ = self.delete_image(&image.id);
        }
        imported
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differing_data_is_a_mismatch_naming_the_algorithm() {
        let image: Image = serde_json::from_str(
            r#"{"id":"i","size":3,"checksum":"aa","os_hash_algo":"sha512","os_hash_value":"bb"}"#,
        )
        .unwrap();
        let same = PortableImage::from_image(&image);
        assert!(check_same_data(&same, &image).is_ok());
        let other_hash = PortableImage {
            os_hash_value: Some("cc".into()),
            ..same.clone()
        };
        assert!(matches!(
            check_same_data(&other_hash, &image),
            Err(Error::ChecksumMismatch { algorithm, .. }) if algorithm == "sha512"
        ));
        let other_size = PortableImage {
            size: Some(4),
            ..same.clone()
        };
        assert!(check_same_data(&other_size, &image).is_err());
        let other_algo = PortableImage {
            os_hash_algo: Some("sha256".into()),
            os_hash_value: Some("dd".into()),
            ..same
        };
        assert!(
            check_same_data(&other_algo, &image).is_ok(),
            "not comparable"
        );
    }
}
