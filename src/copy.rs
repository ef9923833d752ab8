//! Copying an image to another region or cloud in one call: the data streams
//! from one Glance to the other through this process (no temporary file),
//! checked against the source's digest on the way in and the target's on the
//! way out; the description (name, formats, tags, properties) goes along.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::export_import::{active, check_same_data};
use crate::image::Image;
use crate::image_data::{DownloadOptions, UploadData};
use crate::images::check_id;
use crate::import::CreateWithData;
use crate::pipe::pipe;
use crate::portable::PortableImage;

/// Options of [`Client::copy_image_to`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyOptions {
    /// The copy's name; default the source's.
    pub name: Option<String>,
}

impl Client {
    /// Copies the image `image_id` of this client's cloud into `target`'s
    /// (another region, or another cloud altogether) and returns the new image.
    ///
    /// The copy has the source's description ([`PortableImage`]) and the
    /// same data: the download is verified against the source's digest, the
    /// upload against what the target records, and the two images' size and
    /// digests are compared at the end ([`Error::ChecksumMismatch`] when they
    /// differ). When anything fails, the half-made copy is deleted.
    pub fn copy_image_to(
        &self,
        image_id: &str,
        target: &Client,
        options: &CopyOptions,
    ) -> Result<Image> {
        check_id("image id", image_id)?;
        if options.name.as_deref() == Some("") {
            return Err(Error::invalid_argument("the copy's name must not be empty"));
        }
        let source = self.get_image(image_id)?;
        active(&source)?;
        let mut record = PortableImage::from_image(&source);
        if let Some(name) = &options.name {
            record.name = Some(name.clone());
        }
        let size = source.size;

        let (mut writer, mut reader) = pipe();
        let (downloaded, copied) = std::thread::scope(|scope| {
            let producer = scope.spawn(move || {
                match self.download_image(image_id, &mut writer, DownloadOptions::default()) {
                    Ok(done) => writer
                        .finish()
                        .map(|()| done)
                        .map_err(|e| Error::io("the copy's pipe", e)),
                    Err(e) => {
                        writer.fail(e.to_string());
                        Err(e)
                    }
                }
            });
            let copied = target.create_image_with_data(
                &record.to_create_image(),
                UploadData::reader(&mut reader, size),
                CreateWithData::default(),
            );
            // Unblocks the download if the upload stopped reading early.
            drop(reader);
            let downloaded = producer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (downloaded, copied)
        });
        let copy = match (downloaded, copied) {
            (Ok(_), Ok(copy)) => copy,
            (Err(download), Ok(copy)) => {
                // All bytes went up before the download's check failed.
                let _ = target.delete_image(&copy.id);
                return Err(download);
            }
            (Err(download), Err(_)) => return Err(download),
            (Ok(_), Err(upload)) => return Err(upload),
        };
        if let Err(e) = check_same_data(&record, &copy) {
            let _ = target.delete_image(&copy.id);
            return Err(e);
        }
        Ok(copy)
    }
}
