//! Export and import through object storage on any OpenStack cloud, where
//! upstream Glance has no export task: an image's data streams into a
//! container object, its description kept as the object's metadata (or, too
//! large for that, in a sidecar object); an image is made again from such an
//! object, streamed, or fetched by Glance itself (`web-download`) from a
//! Swift temporary URL.

use std::io::Read;
use std::ops::ControlFlow;
use std::time::Duration;

use super::portable::PortableImage;
use super::sidecar;
use crate::client::Client;
use crate::enums::ImageStatus;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::image_data::{
    DownloadOptions, Downloaded, Meter, MeteredReader, Phase, Progress, ProgressFn, UploadData,
    UploadOptions,
};
use crate::images::check_id;
use crate::import::{ImportMethod, ImportOptions, ImportState, ImportWait};
use crate::object_store::{check_object, ObjectStore, ObjectUploadOptions};
use crate::pipe::{pipe, PipeReader};

/// Options of [`Client::export_image_to_container`].
#[derive(Default)]
pub struct ExportOptions<'a> {
    /// The object's name; default `<image id>.<disk format>`, the name
    /// Rackspace's export task gave its objects.
    pub object: Option<String>,
    /// Images larger than this go in segments of this size (a Static Large
    /// Object); default 1 GiB.
    pub segment_size: Option<u64>,
    /// Where the segments go; default `<container>_segments`.
    pub segment_container: Option<String>,
    /// Called as the data moves ([`Phase::Moving`]: bytes that reached the
    /// container, of the image's size), at the rate of image transfers;
    /// returning `Break` stops the export with [`Error::Aborted`], leaving
    /// no object, segment or description object behind.
    pub progress: Option<&'a mut ProgressFn<'a>>,
}

impl std::fmt::Debug for ExportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportOptions")
            .field("object", &self.object)
            .field("segment_size", &self.segment_size)
            .field("segment_container", &self.segment_container)
            .field("progress", &self.progress.is_some())
            .finish()
    }
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
    /// The description kept with the object.
    pub record: PortableImage,
    /// The object holding the description when it was too large for the
    /// data object's metadata (`<object>.glance-image.json`, same container).
    pub description_object: Option<String>,
}

/// How [`Client::import_image_from_container`] moves the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContainerImportVia {
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
pub struct ContainerImportOptions<'a> {
    /// The new image's name; default: the exported image's, else the object's.
    pub name: Option<String>,
    /// Disk format for an object that carries no image description.
    pub disk_format: Option<String>,
    /// Container format for an object that carries no image description.
    pub container_format: Option<String>,
    /// How the data moves.
    pub via: ContainerImportVia,
    /// How long a temporary URL for `web-download` stays valid. Default 1 hour.
    pub temp_url_lifetime: Duration,
    /// Called as the data moves ([`Phase::Moving`]) and, with
    /// `web-download`, after each poll while Glance imports
    /// ([`Phase::Importing`]); returning `Break` stops the import with
    /// [`Error::Aborted`], leaving no image behind.
    pub progress: Option<&'a mut ProgressFn<'a>>,
}

impl Default for ContainerImportOptions<'_> {
    fn default() -> Self {
        ContainerImportOptions {
            name: None,
            disk_format: None,
            container_format: None,
            via: ContainerImportVia::Stream,
            temp_url_lifetime: Duration::from_secs(3600),
            progress: None,
        }
    }
}

impl std::fmt::Debug for ContainerImportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerImportOptions")
            .field("name", &self.name)
            .field("disk_format", &self.disk_format)
            .field("container_format", &self.container_format)
            .field("via", &self.via)
            .field("temp_url_lifetime", &self.temp_url_lifetime)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Downloads image `image_id` of `client` on a helper thread while `upload`
/// reads its data on this one (where the caller's callbacks run); gives
/// both outcomes. Memory stays constant: the pipe holds a few chunks.
pub(crate) fn through_pipe<T>(
    client: &Client,
    image_id: &str,
    upload: impl FnOnce(&mut PipeReader) -> Result<T>,
) -> (Result<Downloaded>, Result<T>) {
    let (mut writer, mut reader) = pipe();
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            // A cut connection is resumed with `Range` where it stopped.
            match client.download_image(image_id, &mut writer, DownloadOptions::default()) {
                Ok(done) => writer
                    .finish()
                    .map(|()| done)
                    .map_err(|e| Error::io("the journey's pipe", e)),
                Err(e) => {
                    writer.fail(e.to_string());
                    Err(e)
                }
            }
        });
        let uploaded = upload(&mut reader);
        // Unblocks the download if the upload stopped reading early.
        drop(reader);
        let downloaded = producer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (downloaded, uploaded)
    })
}

/// The outcome of a journey whose two sides both ended: the caller's stop
/// first; then the upload's failure when the download only failed because
/// the upload stopped reading (a target refusing the size); then the
/// download's failure (an upload failing after it only lost its data);
/// then the upload's.
pub(crate) fn journey_outcome<D, U>(downloaded: Result<D>, uploaded: Result<U>) -> Result<U> {
    match (downloaded, uploaded) {
        (_, Err(upload)) if stopped(&upload) => Err(upload),
        (Err(download), Err(upload)) if upload_went_away(&download) => Err(upload),
        (Err(download), _) => Err(download),
        (Ok(_), uploaded) => uploaded,
    }
}

/// Whether the download failed writing into a pipe nobody reads any more.
fn upload_went_away(download: &Error) -> bool {
    matches!(download, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Whether the caller's callback stopped the work (whatever was left).
fn stopped(error: &Error) -> bool {
    match error {
        Error::Aborted => true,
        Error::LeftBehind { error, .. } => stopped(error),
        _ => false,
    }
}

/// Uploads the data `reader` gives as image `id` of `client`, counting it
/// into `progress` as [`Phase::Moving`]; the callback's stop is
/// [`Error::Aborted`].
pub(crate) fn upload_moving(
    client: &Client,
    id: &str,
    reader: &mut dyn Read,
    size: Option<u64>,
    progress: Option<&mut ProgressFn<'_>>,
) -> Result<Image> {
    let meter = Meter::for_phase(progress, Phase::Moving);
    let mut metered = MeteredReader::new(reader, meter, size);
    if metered.aborted() {
        return Err(Error::Aborted);
    }
    match client.upload_image(
        id,
        UploadData::reader(&mut metered, size),
        UploadOptions::default(),
    ) {
        Ok(image) => {
            let _ = metered.finish();
            Ok(image)
        }
        Err(_) if metered.aborted() => Err(Error::Aborted),
        Err(e) => Err(e),
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
    /// with the image's description as the object's metadata, or in a
    /// description object beside it (`<object>.glance-image.json`) when it
    /// is too large for metadata.
    ///
    /// Nothing is kept in memory: the download is verified against the
    /// image's digest while it streams (a cut connection resumed with
    /// `Range`), the upload against Swift's ETags, each piece sent again
    /// after a cut connection or a 5xx (kept meanwhile in an unlinked
    /// temporary file). When either side fails or the progress callback
    /// stops it, no object, segment or description object is left behind;
    /// what could not be removed is named by [`Error::LeftBehind`].
    pub fn export_image_to_container(
        &self,
        image_id: &str,
        store: &ObjectStore,
        container: &str,
        mut options: ExportOptions<'_>,
    ) -> Result<ExportedImage> {
        check_id("image id", image_id)?;
        if let Some(object) = &options.object {
            check_object(object)?;
        }
        let image = self.get_image(image_id)?;
        active(&image)?;
        let record = PortableImage::from_image(&image);
        let object = match &options.object {
            Some(object) => object.clone(),
            None => match &image.disk_format {
                Some(format) => format!("{}.{format}", image.id),
                None => image.id.clone(),
            },
        };
        check_object(&object)?;
        store.require_container(container)?;
        let (headers, description_object) = match record.to_metadata_headers() {
            Ok(headers) => (headers, None),
            Err(Error::InvalidArgument(_)) => {
                let header = sidecar::store(store, container, &object, &record)?;
                (vec![header], Some(sidecar::name_for(&object)?))
            }
            Err(e) => return Err(e),
        };
        let defaults = ObjectUploadOptions::default();
        let upload_options = ObjectUploadOptions {
            size: image.size,
            segment_size: options.segment_size.unwrap_or(defaults.segment_size),
            segment_container: options.segment_container.clone(),
            progress: options.progress.take(),
        };
        let (downloaded, uploaded) = through_pipe(self, &image.id, |reader| {
            store.upload_with_headers(
                container,
                &object,
                reader,
                upload_options,
                headers,
                Phase::Moving,
            )
        });
        // The data object was written when the upload went through (the
        // download's check failing after the last byte) or Swift stored
        // other bytes; otherwise any object of that name is not ours.
        let stored = matches!(&uploaded, Ok(_) | Err(Error::ChecksumMismatch { .. }));
        match journey_outcome(downloaded, uploaded) {
            Ok(uploaded) => Ok(ExportedImage {
                container: container.to_owned(),
                object,
                size: uploaded.size,
                etag: uploaded.etag,
                segments: uploaded.segments,
                record,
                description_object,
            }),
            Err(error) => {
                let mut left = Vec::new();
                let mut removal = Ok(());
                let mut remove = |name: &str| {
                    if let Err(e) = store.delete_object(container, name) {
                        if e.status() != Some(404) {
                            left.push(format!("object '{container}/{name}'"));
                            removal = Err(e);
                        }
                    }
                };
                if stored {
                    remove(&object);
                }
                if let Some(name) = &description_object {
                    remove(name);
                }
                Err(error.left_behind(|| left.join(" and "), removal))
            }
        }
    }

    /// Makes an image of a container object, normally one
    /// [`Client::export_image_to_container`] wrote: the new image gets the
    /// exported image's description (name, formats, tags, properties, from
    /// the object's metadata or its description object) and must end up
    /// with the same data (size and digests compared; a difference is
    /// [`Error::ChecksumMismatch`] and the new image is deleted). An object
    /// without a description needs the formats in `options`. On any failure,
    /// and when the progress callback stops it, no new image is left
    /// behind; one that could not be removed is named by
    /// [`Error::LeftBehind`].
    pub fn import_image_from_container(
        &self,
        store: &ObjectStore,
        container: &str,
        object: &str,
        mut options: ContainerImportOptions<'_>,
    ) -> Result<Image> {
        check_object(object)?;
        if options.name.as_deref() == Some("") {
            return Err(Error::invalid_argument("the image name must not be empty"));
        }
        let info = store.object_info(container, object)?;
        let mut record =
            sidecar::load(store, container, object, &info.metadata)?.unwrap_or_default();
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
            ContainerImportVia::Stream => None,
            ContainerImportVia::WebDownload => {
                Some(self.temp_url_for_import(store, container, object, &options)?)
            }
            ContainerImportVia::Auto => self
                .temp_url_for_import(store, container, object, &options)
                .ok(),
        };
        let progress = options.progress.take();
        let created = self.create_image(&record.to_create_image())?;
        let imported = match web_download {
            Some(uri) => self.import_by_web_download(&created.id, uri, progress),
            None => store.open_object(container, object).and_then(|mut reader| {
                let size = reader.info().size;
                upload_moving(self, &created.id, &mut reader, Some(size), progress)
                    .map_err(|e| reader.mismatch().unwrap_or(e))
            }),
        };
        let checked = imported.and_then(|image| check_same_data(&record, &image).map(|()| image));
        checked.map_err(|error| {
            let removal = self.delete_image(&created.id);
            error.left_behind(|| format!("image {}", created.id), removal)
        })
    }

    /// A temporary URL Glance can fetch the object from, when the cloud
    /// allows `web-download` and the container or account has a key.
    fn temp_url_for_import(
        &self,
        store: &ObjectStore,
        container: &str,
        object: &str,
        options: &ContainerImportOptions<'_>,
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

    /// Has Glance fetch the data of image `id` from `uri`, and waits;
    /// progress reports [`Phase::Importing`] after each poll.
    fn import_by_web_download(
        &self,
        id: &str,
        uri: String,
        mut progress: Option<&mut ProgressFn<'_>>,
    ) -> Result<Image> {
        self.import_image(
            id,
            &ImportMethod::WebDownload { uri },
            &ImportOptions::default(),
        )?;
        let mut on_poll = |_: &ImportState| match progress.as_mut() {
            Some(progress) => progress(Progress {
                done: 0,
                total: None,
                phase: Phase::Importing,
            }),
            None => ControlFlow::Continue(()),
        };
        self.wait_for_import(
            id,
            ImportWait {
                on_poll: Some(&mut on_poll),
                ..Default::default()
            },
        )
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
