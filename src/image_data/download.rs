//! Downloads: `GET /v2/images/{id}/file` to any writer or to a file, verified,
//! resumed with `Range` after a cut connection.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::progress::{Meter, ProgressFn};
use crate::client::Client;
use crate::digest::ExpectedDigest;
use crate::digest::{is_hex, HashAlgorithm, Hashing};
use crate::error::{Error, Failure, Result};
use crate::image::Image;
use crate::images::image_path;
use crate::part_file;
use crate::transport::{cut_body, Call};
use crate::url::encode;

/// Reads of the response body: large enough for few system calls, small
/// enough to stay in cache.
const READ_BUFFER: usize = 256 * 1024;

/// A download cut off after moving some bytes is resumed with `Range` at most
/// this many times; an attempt that moves nothing ends it at once.
const MAX_RESUMES: u32 = 8;

/// Options of a download.
#[derive(Default)]
pub struct DownloadOptions<'a> {
    /// Don't hash the data and don't compare it with the image's digests.
    pub skip_verification: bool,
    /// For downloads to a file: ignore a partial file left by an earlier
    /// attempt and start from the first byte.
    pub restart: bool,
    /// Called as data moves; can abort the download.
    pub progress: Option<&'a mut ProgressFn<'a>>,
    /// Stores to read from rather than the image's others (`?prefer=`; among
    /// the preferred ones the image's own location order applies, and Glance
    /// falls back to the other stores when the image is in none of them). A
    /// store the cloud does not have fails with [`Error::NotSupported`].
    pub prefer_stores: Vec<String>,
}

impl std::fmt::Debug for DownloadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("skip_verification", &self.skip_verification)
            .field("restart", &self.restart)
            .field("progress", &self.progress.is_some())
            .field("prefer_stores", &self.prefer_stores)
            .finish()
    }
}

/// What a finished download moved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Downloaded {
    /// Size of the data.
    pub bytes: u64,
    /// The digest the data was verified with (`None`: verification was
    /// skipped, or the image has no digest at all).
    pub verified_with: Option<HashAlgorithm>,
    /// Bytes taken from a partial file of an earlier attempt.
    pub reused: u64,
    /// How often the transfer was resumed after the connection broke.
    pub resumes: u32,
}

/// Where the bytes go.
trait Sink {
    fn write(&mut self, data: &[u8]) -> Result<()>;
    /// Empties the sink so the data can start over; false when it cannot.
    fn restart(&mut self) -> Result<bool>;
}

struct WriterSink<'w>(&'w mut dyn Write);

impl Sink for WriterSink<'_> {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        self.0
            .write_all(data)
            .map_err(|e| Error::io("the download's writer", e))
    }

    fn restart(&mut self) -> Result<bool> {
        Ok(false)
    }
}

struct FileSink {
    file: File,
    name: String,
}

impl Sink for FileSink {
    fn write(&mut self, data: &[u8]) -> Result<()> {
        self.file
            .write_all(data)
            .map_err(|e| Error::io(&self.name, e))
    }

    fn restart(&mut self) -> Result<bool> {
        self.file
            .set_len(0)
            .and_then(|()| self.file.rewind())
            .map_err(|e| Error::io(&self.name, e))?;
        Ok(true)
    }
}

/// The digest to compare with, once known.
struct Expected {
    algorithm: HashAlgorithm,
    value: String,
}

fn expected_from(image: &Image) -> Option<Expected> {
    let multihash = image
        .os_hash_algo
        .as_deref()
        .and_then(|a| a.parse::<HashAlgorithm>().ok())
        .zip(image.os_hash_value.as_deref().filter(|v| is_hex(v)));
    if let Some((algorithm, value)) = multihash {
        return Some(Expected {
            algorithm,
            value: value.to_ascii_lowercase(),
        });
    }
    image
        .checksum
        .as_deref()
        .filter(|v| v.len() == 32 && is_hex(v))
        .map(|v| Expected {
            algorithm: HashAlgorithm::Md5,
            value: v.to_ascii_lowercase(),
        })
}

/// A download in progress: the bytes so far and their running digest.
struct Transfer<'m, 'a, 'b> {
    id: String,
    path: String,
    verifying: bool,
    expected: Option<Expected>,
    total: Option<u64>,
    offset: u64,
    hashing: Hashing,
    meter: &'m mut Meter<'a, 'b>,
    resumes: u32,
    prefer: Vec<String>,
}

impl Transfer<'_, '_, '_> {
    fn algorithm(&self) -> Option<HashAlgorithm> {
        match (&self.expected, self.verifying) {
            (_, false) => None,
            (Some(e), true) => Some(e.algorithm),
            // Nothing recorded: hash MD5 for a `Content-MD5` header.
            (None, true) => Some(HashAlgorithm::Md5),
        }
    }

    fn fresh_hashing(&self) -> Hashing {
        let algorithms: Vec<HashAlgorithm> = self.algorithm().into_iter().collect();
        Hashing::new(&algorithms, super::hash_on_thread(self.total))
    }

    /// GETs the data from `offset` on into `sink` until it is complete.
    fn run(&mut self, client: &Client, sink: &mut dyn Sink) -> Result<()> {
        let transport = client.transport();
        loop {
            let mut call = Call::get(self.path.clone()).transfer();
            if self.offset > 0 {
                call = call.header("Range", format!("bytes={}-", self.offset));
            }
            let response = transport
                .send(call)
                .map_err(|e| client.explain_unoffered(e, None, &self.prefer))?;
            let request_id = response.request_id();
            let path = self.path.clone();
            let failure = |message: String| {
                Error::invalid_response("GET", &path, message, request_id.clone())
            };
            match response.status {
                204 => {
                    return Err(Error::NoData(format!(
                        "image {} has no data yet (GET {} returned 204)",
                        self.id, self.path
                    )))
                }
                206 if self.offset > 0 => {
                    let range = response.header("content-range").unwrap_or_default();
                    let (start, total) = parse_content_range(range)
                        .ok_or_else(|| failure(format!("unusable Content-Range {range:?}")))?;
                    if start != self.offset {
                        return Err(failure(format!(
                            "asked for bytes from {} and got {range:?}",
                            self.offset
                        )));
                    }
                    if let Some(announced) = total.filter(|t| self.total.is_some_and(|r| r != *t)) {
                        return Err(failure(self.size_differs(announced)));
                    }
                    self.total = self.total.or(total);
                }
                200 => {
                    let length = response.content_length();
                    if let Some(announced) = length.filter(|l| self.total.is_some_and(|r| l > &r)) {
                        return Err(failure(self.size_differs(announced)));
                    }
                    self.total = self.total.or(length);
                }
                other => return Err(failure(format!("unexpected status {other}"))),
            }
            if self.expected.is_none() && self.verifying {
                self.expected = response
                    .header("content-md5")
                    .filter(|v| v.len() == 32 && is_hex(v))
                    .map(|v| Expected {
                        algorithm: HashAlgorithm::Md5,
                        value: v.to_ascii_lowercase(),
                    });
            }
            // A server that ignored the range sends everything again.
            let mut skip = 0;
            if response.status == 200 && self.offset > 0 {
                if sink.restart()? {
                    self.offset = 0;
                    self.hashing = self.fresh_hashing();
                } else {
                    skip = self.offset;
                }
            }
            if self.meter.start(self.offset, self.total).is_break() {
                return Err(Error::Aborted);
            }
            let before = self.offset;
            let mut reader = response.into_reader();
            match self.pump(&mut reader, sink, skip, &request_id) {
                Ok(()) => {}
                Err(e @ (Error::Transport(_) | Error::Timeout(_)))
                    if self.offset > before && self.resumes < MAX_RESUMES =>
                {
                    drop(e);
                    self.resumes += 1;
                    continue;
                }
                Err(e) => return Err(e),
            }
            match self.total {
                Some(total) if self.offset < total => {
                    if self.offset > before && self.resumes < MAX_RESUMES {
                        self.resumes += 1;
                        continue;
                    }
                    return Err(Error::Transport(Box::new(Failure {
                        method: "GET".into(),
                        path: self.path.clone(),
                        message: format!("the data ended after {} of {total} bytes", self.offset),
                        request_id,
                    })));
                }
                _ => return Ok(()),
            }
        }
    }

    /// The image's size as recorded differs from what the server now sends.
    fn size_differs(&self, announced: u64) -> String {
        format!(
            "the server announces {announced} bytes, not the image's {} bytes",
            self.total.unwrap_or_default()
        )
    }

    /// Moves the body into the sink, skipping its first `skip` bytes. A body
    /// longer than the image fails before a byte past its end is written,
    /// so a server that keeps sending cannot fill the disk.
    fn pump(
        &mut self,
        reader: &mut dyn Read,
        sink: &mut dyn Sink,
        mut skip: u64,
        request_id: &Option<String>,
    ) -> Result<()> {
        let mut buffer = vec![0u8; READ_BUFFER];
        loop {
            let n = match reader.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_error(e)),
            };
            let mut data = &buffer[..n];
            if skip > 0 {
                let dropped = data.len().min(usize::try_from(skip).unwrap_or(usize::MAX));
                data = &data[dropped..];
                skip -= dropped as u64;
                if data.is_empty() {
                    continue;
                }
            }
            if let Some(total) = self.total.filter(|t| self.offset + data.len() as u64 > *t) {
                return Err(Error::invalid_response(
                    "GET",
                    &self.path,
                    format!("the server sent more than the image's {total} bytes; stopped there"),
                    request_id.clone(),
                ));
            }
            sink.write(data)?;
            self.hashing.update(data);
            self.offset += data.len() as u64;
            if self.meter.advance(data.len() as u64).is_break() {
                return Err(Error::Aborted);
            }
        }
    }

    fn read_error(&self, e: io::Error) -> Error {
        let failure = Box::new(Failure {
            method: "GET".into(),
            path: self.path.clone(),
            message: format!("reading the data failed after {} bytes: {e}", self.offset),
            request_id: None,
        });
        cut_body(&e, failure)
    }

    /// Compares the digest of everything received with the expected one.
    fn verify(self) -> Result<Option<HashAlgorithm>> {
        let digests = self.hashing.finish();
        let Some(expected) = self.expected.filter(|_| self.verifying) else {
            return Ok(None);
        };
        let actual = digests.get(expected.algorithm).unwrap_or_default();
        if actual != expected.value {
            return Err(Error::ChecksumMismatch {
                algorithm: expected.algorithm.to_string(),
                expected: expected.value,
                actual: actual.to_owned(),
            });
        }
        Ok(Some(expected.algorithm))
    }
}

/// `bytes 100-199/1000` -> (100, Some(1000)); `bytes 100-199/*` -> (100, None).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse::<u64>().ok().filter(|t| *t > end)?),
    };
    Some((start, total))
}

impl Client {
    fn start_transfer<'m, 'a, 'b>(
        &self,
        id: &str,
        verify: bool,
        prefer: &[String],
        meter: &'m mut Meter<'a, 'b>,
    ) -> Result<Transfer<'m, 'a, 'b>> {
        let mut path = format!("{}/file", image_path(id)?);
        for store in prefer {
            crate::images::check_id("store", store)?;
        }
        if !prefer.is_empty() {
            let stores: Vec<String> = prefer.iter().map(|s| encode(s)).collect();
            path = format!("{path}?prefer={}", stores.join(","));
        }
        self.transport().renew_before_transfer()?;
        // The record's size bounds the data even when it is not verified.
        let image = self.get_image(id)?;
        let expected = expected_from(&image).filter(|_| verify);
        let total = image.size;
        let mut transfer = Transfer {
            id: id.to_owned(),
            path,
            verifying: verify,
            expected,
            total,
            offset: 0,
            hashing: Hashing::new(&[], false),
            meter,
            resumes: 0,
            prefer: prefer.to_vec(),
        };
        transfer.hashing = transfer.fresh_hashing();
        Ok(transfer)
    }

    /// Downloads the image's data, keeping none of it, and compares its
    /// digest with `expected`: [`Error::ChecksumMismatch`] when it differs.
    /// Streams, hashing as the bytes come, so memory stays constant.
    pub(crate) fn check_image_data(&self, id: &str, expected: &ExpectedDigest) -> Result<()> {
        let mut meter = Meter::new(None);
        let mut transfer = self.start_transfer(id, true, &[], &mut meter)?;
        transfer.expected = Some(Expected {
            algorithm: expected.algorithm(),
            value: expected.hex().to_owned(),
        });
        transfer.hashing = transfer.fresh_hashing();
        let mut discard = io::sink();
        transfer.run(self, &mut WriterSink(&mut discard))?;
        transfer.verify().map(|_| ())
    }

    /// Downloads an image's data into `writer`, verified against the image's
    /// multihash (`os_hash_algo`/`os_hash_value`), else its MD5 `checksum`,
    /// else the `Content-MD5` header. A broken connection is resumed with
    /// `Range` where it stopped.
    ///
    /// The writer has received every byte by the time a mismatch is found:
    /// [`Error::ChecksumMismatch`] then says its content is not to be trusted.
    /// [`Client::download_image_to_file`] never leaves such a file behind.
    ///
    /// Verified or not, the data stops at the image's recorded size: a server
    /// sending more fails the call with [`Error::InvalidResponse`] before a
    /// byte past that size reaches the writer.
    pub fn download_image(
        &self,
        id: &str,
        writer: &mut dyn Write,
        mut options: DownloadOptions<'_>,
    ) -> Result<Downloaded> {
        let mut meter = Meter::new(options.progress.as_deref_mut());
        let mut transfer = self.start_transfer(
            id,
            !options.skip_verification,
            &options.prefer_stores,
            &mut meter,
        )?;
        let mut sink = WriterSink(writer);
        transfer.run(self, &mut sink)?;
        writer_flush(sink.0)?;
        let (bytes, resumes) = (transfer.offset, transfer.resumes);
        let verified_with = transfer.verify()?;
        let _ = meter.finish();
        Ok(Downloaded {
            bytes,
            verified_with,
            reused: 0,
            resumes,
        })
    }

    /// Downloads an image's data into the file at `path`, verified as
    /// [`Client::download_image`] does.
    ///
    /// The data goes to `<path>.<image id>.part` beside the target, is synced
    /// to disk and renamed to `path` only once verified, so a failed download
    /// never leaves a file that looks complete. After a broken connection, a
    /// stall or an abort the partial file stays, and the next call resumes
    /// from it (unless [`DownloadOptions::restart`]); a partial file that
    /// already holds the whole image is verified and renamed without asking
    /// for data again; a partial file whose content proves wrong is discarded
    /// and the data fetched once more in full.
    ///
    /// The partial file is never reached through a symbolic link: one found
    /// at its name, or anything else that cannot be a partial file this
    /// library made (not a regular file, another user's, hard-linked), fails
    /// the call with [`Error::Io`] and is left untouched. A new partial file is
    /// created exclusively, with the permissions of the file at `path`, else
    /// readable and writable by its owner only (0600). The data stops at the
    /// image's recorded size, as [`Client::download_image`] says.
    pub fn download_image_to_file(
        &self,
        id: &str,
        path: impl AsRef<Path>,
        mut options: DownloadOptions<'_>,
    ) -> Result<Downloaded> {
        let target = path.as_ref();
        let part = part_path(target, id)?;
        let verify = !options.skip_verification;
        let mut meter = Meter::new(options.progress.as_deref_mut());
        let mut restart = options.restart;
        loop {
            let mut transfer =
                self.start_transfer(id, verify, &options.prefer_stores, &mut meter)?;
            let (mut sink, reused) = open_part(&part, target, restart, &mut transfer)?;
            let outcome = if reused > 0 && transfer.total == Some(reused) {
                // Everything is there already (an abort at 100 %, a crash or a
                // failed rename before): only the checks remain.
                match transfer.meter.start(reused, transfer.total) {
                    std::ops::ControlFlow::Break(()) => Err(Error::Aborted),
                    std::ops::ControlFlow::Continue(()) => Ok(()),
                }
            } else {
                transfer.run(self, &mut sink)
            };
            if let Err(e) = outcome {
                let keep = matches!(e, Error::Transport(_) | Error::Timeout(_) | Error::Aborted)
                    && transfer.offset > 0;
                if !keep {
                    let _ = fs::remove_file(&part);
                }
                return Err(e);
            }
            let (bytes, resumes) = (transfer.offset, transfer.resumes);
            match transfer.verify() {
                Ok(verified_with) => {
                    finish_file(sink, &part, target)?;
                    let _ = meter.finish();
                    return Ok(Downloaded {
                        bytes,
                        verified_with,
                        reused,
                        resumes,
                    });
                }
                Err(e) => {
                    drop(sink);
                    let _ = fs::remove_file(&part);
                    if reused > 0 && !restart {
                        // The old partial file may have been of other data.
                        restart = true;
                        continue;
                    }
                    return Err(e);
                }
            }
        }
    }
}

fn writer_flush(writer: &mut dyn Write) -> Result<()> {
    writer
        .flush()
        .map_err(|e| Error::io("the download's writer", e))
}

/// `<dir>/<name>.<id>.part`: beside the target (same file system, so the
/// final rename is atomic) and named after the image, so a partial file is
/// never taken for another image's.
fn part_path(target: &Path, id: &str) -> Result<PathBuf> {
    let name = target.file_name().ok_or_else(|| {
        Error::invalid_argument(format!("{} does not name a file", target.display()))
    })?;
    let mut part = name.to_os_string();
    part.push(format!(".{id}.part"));
    Ok(target.with_file_name(part))
}

/// Opens the partial file: resumes from what it holds (hashing it again),
/// or starts it empty.
fn open_part(
    part: &Path,
    target: &Path,
    restart: bool,
    transfer: &mut Transfer<'_, '_, '_>,
) -> Result<(FileSink, u64)> {
    let name = part.display().to_string();
    let io_error = |e| Error::io(&name, e);
    let mut file = part_file::open_or_create(part, target)?;
    let mut held = file.metadata().map_err(io_error)?.len();
    if restart || transfer.total.is_some_and(|t| held > t) {
        file.set_len(0).map_err(io_error)?;
        held = 0;
    }
    if held > 0 {
        let mut buffer = vec![0u8; READ_BUFFER];
        let mut read = 0u64;
        while read < held {
            let n = file.read(&mut buffer).map_err(io_error)?;
            if n == 0 {
                break;
            }
            transfer.hashing.update(&buffer[..n]);
            read += n as u64;
        }
        held = read;
    }
    file.seek(SeekFrom::Start(held)).map_err(io_error)?;
    transfer.offset = held;
    Ok((FileSink { file, name }, held))
}

/// Syncs the verified partial file and gives it its final name.
fn finish_file(sink: FileSink, part: &Path, target: &Path) -> Result<()> {
    let FileSink { file, name } = sink;
    file.sync_all().map_err(|e| Error::io(&name, e))?;
    drop(file);
    fs::rename(part, target).map_err(|e| Error::io(target.display().to_string(), e))?;
    // Make the rename itself durable.
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_forms() {
        assert_eq!(
            parse_content_range("bytes 100-199/1000"),
            Some((100, Some(1000)))
        );
        assert_eq!(parse_content_range("bytes 0-0/*"), Some((0, None)));
        assert_eq!(parse_content_range("bytes 5-4/10"), None);
        assert_eq!(parse_content_range("bytes 5-9/9"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
        assert_eq!(parse_content_range(""), None);
    }

    #[test]
    fn part_file_sits_beside_the_target() {
        assert_eq!(
            part_path(Path::new("/tmp/x/disk.raw"), "abc").unwrap(),
            Path::new("/tmp/x/disk.raw.abc.part")
        );
        assert_eq!(
            part_path(Path::new("disk.raw"), "abc").unwrap(),
            Path::new("disk.raw.abc.part")
        );
        assert!(part_path(Path::new("/"), "abc").is_err());
    }
}
