//! Objects to and from local files.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;

use super::{ObjectDownloadOptions, ObjectInfo, ObjectStore, ObjectUploadOptions, UploadedObject};
use crate::error::{Error, Result};

impl ObjectStore {
    /// Uploads the file at `path` (its size is announced; above the segment
    /// size it goes in segments). `options.size` is ignored.
    pub fn upload_file(
        &self,
        container: &str,
        object: &str,
        path: impl AsRef<Path>,
        options: ObjectUploadOptions<'_>,
    ) -> Result<UploadedObject> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let mut file = File::open(path).map_err(|e| Error::io(&name, e))?;
        let size = file.metadata().map_err(|e| Error::io(&name, e))?.len();
        let options = ObjectUploadOptions {
            size: Some(size),
            ..options
        };
        self.upload(container, object, &mut file, options)
    }

    /// Downloads an object into the file at `path`, checked as
    /// [`ObjectStore::download`] checks it. The data goes to a `.part` file
    /// beside the target, renamed only once complete and verified, so a failed
    /// download never leaves a file that looks whole.
    pub fn download_to_file(
        &self,
        container: &str,
        object: &str,
        path: impl AsRef<Path>,
        options: ObjectDownloadOptions<'_>,
    ) -> Result<ObjectInfo> {
        let path = path.as_ref();
        let file_name = path
            .file_name()
            .ok_or_else(|| {
                Error::invalid_argument(format!("'{}' does not name a file", path.display()))
            })?
            .to_string_lossy()
            .into_owned();
        let part = path.with_file_name(format!("{file_name}.part"));
        let part_name = part.display().to_string();
        let outcome = File::create(&part)
            .map_err(|e| Error::io(&part_name, e))
            .and_then(|file| {
                let mut out = BufWriter::new(file);
                let info = self.download(container, object, &mut out, options)?;
                let file = out
                    .into_inner()
                    .map_err(|e| Error::io(&part_name, e.into_error()))?;
                file.sync_all().map_err(|e| Error::io(&part_name, e))?;
                Ok(info)
            })
            .and_then(|info| {
                fs::rename(&part, path).map_err(|e| Error::io(path.display().to_string(), e))?;
                Ok(info)
            });
        if outcome.is_err() {
            let _ = fs::remove_file(&part);
        }
        outcome
    }
}
