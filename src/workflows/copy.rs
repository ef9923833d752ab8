//! Copying an image to another region or cloud in one call: the data streams
//! from one Glance to the other through this process (no temporary file),
//! checked against the source's digest on the way in and the target's on the
//! way out; the description (name, formats, tags, properties) goes along.

use super::export_import::{active, check_same_data, journey_outcome, through_pipe, upload_moving};
use super::portable::PortableImage;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::image::Image;
use crate::image_data::ProgressFn;
use crate::images::check_id;

/// Options of [`Client::copy_image_to`].
#[derive(Default)]
pub struct CopyOptions<'a> {
    /// The copy's name; default the source's.
    pub name: Option<String>,
    /// Called as the data moves ([`Phase::Moving`](crate::image_data::Phase::Moving):
    /// bytes that reached the target, of the image's size), at the rate of
    /// image transfers; returning `Break` stops the copy with
    /// [`Error::Aborted`], leaving no image in the target.
    pub progress: Option<&'a mut ProgressFn<'a>>,
}

impl std::fmt::Debug for CopyOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopyOptions")
            .field("name", &self.name)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Client {
    /// Copies the image `image_id` of this client's cloud into `target`'s
    /// (another region, or another cloud altogether) and returns the new image.
    ///
    /// The copy has the source's description ([`PortableImage`]) and the
    /// same data: the download is verified against the source's digest (a
    /// cut connection resumed with `Range`), the upload against what the
    /// target records, and the two images' size and digests are compared at
    /// the end ([`Error::ChecksumMismatch`] when they differ). When anything
    /// fails or the progress callback stops it, the half-made copy is
    /// deleted; one that could not be is named by [`Error::LeftBehind`].
    pub fn copy_image_to(
        &self,
        image_id: &str,
        target: &Client,
        mut options: CopyOptions<'_>,
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
        let progress = options.progress.take();
        let created = target.create_image(&record.to_create_image())?;
        let (downloaded, uploaded) = through_pipe(self, image_id, |reader| {
            upload_moving(target, &created.id, reader, source.size, progress)
        });
        journey_outcome(downloaded, uploaded)
            .and_then(|copy| check_same_data(&record, &copy).map(|()| copy))
            .map_err(|error| {
                let removal = target.delete_image(&created.id);
                error.left_behind(|| format!("image {} in the target", created.id), removal)
            })
    }
}
