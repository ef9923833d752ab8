//! Streamed, verified downloads.
//!
//! An ordinary object's ETag is the MD5 of its data. A large object's ETag is
//! the MD5 of its segments' MD5s, so its data is checked segment by segment:
//! the segment list (the manifest of a Static Large Object, the listing of a
//! Dynamic one) gives each segment's size and MD5, and the MD5 of those MD5s
//! must equal the ETag of the object being read, which also proves the list
//! belongs to that object.
//!
//! The data stops at the object's recorded size: a body longer than it fails
//! before a byte past it is handed on, so a server that keeps sending cannot
//! fill the disk. An answer without `Content-Length` (chunked, as gateways and
//! some large-object reads send) takes the recorded size from a `HEAD` of the
//! same object, whose ETag must be the one of the data being read.

use std::io::{self, Read, Write};

use md5::{Digest, Md5};
use serde::Deserialize;
use ureq::http::Method;

use super::{object_path, LargeObject, ObjectInfo, ObjectListOptions, ObjectStore};
use crate::digest::hex;
use crate::error::{Error, Failure, Result};
use crate::image_data::{Meter, ProgressFn};
use crate::transport::cut_body;

/// Buffer of [`ObjectStore::download`]: large enough that data moves in few calls.
const COPY_BUFFER: usize = 256 * 1024;

/// A read cut off after moving some bytes is resumed with `Range` at most
/// this many times, as image downloads are.
const MAX_RESUMES: u32 = 8;

/// Options of [`ObjectStore::download`] and [`ObjectStore::download_to_file`].
#[derive(Default)]
pub struct ObjectDownloadOptions<'a> {
    /// Called as data moves ([`Phase::Transfer`](crate::image_data::Phase::Transfer)), at
    /// the rate of image transfers; returning `Break` stops the download with
    /// [`Error::Aborted`] (a download to a file then leaves no file).
    pub progress: Option<&'a mut ProgressFn<'a>>,
}

impl std::fmt::Debug for ObjectDownloadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectDownloadOptions")
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// One piece of a large object, as its segment list describes it.
#[derive(Debug, Clone)]
struct Segment {
    size: u64,
    /// The hash the list gives (lower-case hex).
    hash: String,
    /// Whether `hash` is the MD5 of the segment's bytes; a nested large
    /// object's hash is not, so it is checked by size only.
    content_md5: bool,
}

#[derive(Debug)]
enum Check {
    /// The whole data's MD5 against the ETag (none: size only).
    Whole(Option<String>),
    /// Segment by segment.
    Segments(Vec<Segment>),
}

/// An object's data as a stream, checked while it is read: the read that
/// reaches the end (or a segment's end) fails with
/// [`io::ErrorKind::InvalidData`] when the bytes differ from what Swift
/// recorded. A connection cut off midway is resumed with `Range` (and
/// `If-Match`, so the rest comes from the same object). Made by
/// [`ObjectStore::open_object`].
pub struct ObjectReader {
    store: ObjectStore,
    resumes: u32,
    info: ObjectInfo,
    body: Box<dyn Read + Send>,
    check: Check,
    md5: Md5,
    segment: usize,
    in_segment: u64,
    total: u64,
    path: String,
    request_id: Option<String>,
    mismatch: Option<Mismatch>,
}

/// How the data failed its check.
#[derive(Debug, Clone)]
enum Mismatch {
    /// A digest differs: [`Error::ChecksumMismatch`].
    Digest {
        algorithm: String,
        expected: String,
        actual: String,
    },
    /// The data does not have the shape Swift described (length, segments).
    Shape(String),
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Digest {
                algorithm,
                expected,
                actual,
            } => write!(f, "{algorithm} mismatch: expected {expected}, got {actual}"),
            Mismatch::Shape(message) => f.write_str(message),
        }
    }
}

impl std::fmt::Debug for ObjectReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectReader")
            .field("info", &self.info)
            .field("read", &self.total)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct ManifestSegment {
    bytes: u64,
    hash: String,
    #[serde(default)]
    sub_slo: bool,
    #[serde(default)]
    range: Option<String>,
}

impl ObjectReader {
    /// What Swift said about the object when the download began.
    pub fn info(&self) -> &ObjectInfo {
        &self.info
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.total
    }

    /// The verification failure, once a read has reported one.
    pub(crate) fn mismatch(&self) -> Option<Error> {
        self.mismatch.as_ref().map(|mismatch| match mismatch {
            Mismatch::Digest {
                algorithm,
                expected,
                actual,
            } => Error::ChecksumMismatch {
                algorithm: algorithm.clone(),
                expected: expected.clone(),
                actual: actual.clone(),
            },
            Mismatch::Shape(message) => Error::InvalidResponse(Box::new(Failure {
                method: "GET".into(),
                path: self.path.clone(),
                message: message.clone(),
                request_id: self.request_id.clone(),
            })),
        })
    }

    /// Turns a failed read into the library's error.
    pub(crate) fn error_for(&self, error: io::Error) -> Error {
        if let Some(mismatch) = self.mismatch() {
            return mismatch;
        }
        let failure = Box::new(Failure {
            method: "GET".into(),
            path: self.path.clone(),
            message: format!("reading the object failed: {error}"),
            request_id: self.request_id.clone(),
        });
        cut_body(&error, failure)
    }

    /// Asks for the rest of the object, from the first byte not yet read.
    fn resume(&mut self) -> Result<()> {
        let mut call = self
            .store
            .call(Method::GET, self.path.clone())
            .transfer()
            .header("Range", format!("bytes={}-", self.total));
        if let Some(etag) = &self.info.etag {
            call = call.header("If-Match", etag.clone());
        }
        let response = self.store.client.transport().send(call)?;
        let range = response.header("content-range").unwrap_or_default();
        let start = range
            .trim()
            .strip_prefix("bytes")
            .and_then(|r| r.trim().split('-').next())
            .and_then(|s| s.trim().parse::<u64>().ok());
        if response.status != 206 || start != Some(self.total) {
            return Err(response.failure(format!(
                "asked for bytes from {} and got status {} with Content-Range {range:?}",
                self.total, response.status
            )));
        }
        self.request_id = response.request_id();
        self.body = Box::new(response.into_reader());
        Ok(())
    }

    fn fail(&mut self, mismatch: Mismatch) -> io::Error {
        let error = io::Error::new(io::ErrorKind::InvalidData, mismatch.to_string());
        self.mismatch = Some(mismatch);
        error
    }

    /// The largest read that stays inside the current segment.
    fn room(&self, wanted: usize) -> usize {
        match &self.check {
            Check::Segments(segments) => match segments.get(self.segment) {
                Some(s) => wanted.min(usize::try_from(s.size - self.in_segment).unwrap_or(wanted)),
                // Past the last segment: any byte is one too many.
                None => wanted.min(1),
            },
            Check::Whole(_) => wanted,
        }
    }

    fn at_end(&mut self) -> io::Result<()> {
        if self.total != self.info.size {
            return Err(self.fail(Mismatch::Shape(format!(
                "the object ended after {} of {} bytes",
                self.total, self.info.size
            ))));
        }
        let actual = hex(&std::mem::take(&mut self.md5).finalize());
        match &self.check {
            Check::Whole(Some(etag)) if *etag != actual => {
                let expected = etag.clone();
                Err(self.fail(Mismatch::Digest {
                    algorithm: "md5".into(),
                    expected,
                    actual,
                }))
            }
            Check::Segments(segments) if self.segment != segments.len() => {
                let count = segments.len();
                Err(self.fail(Mismatch::Shape(format!(
                    "the object ended in segment {} of {count}",
                    self.segment + 1
                ))))
            }
            _ => Ok(()),
        }
    }

    fn after(&mut self, n: usize) -> io::Result<()> {
        self.total += n as u64;
        let Check::Segments(segments) = &self.check else {
            return Ok(());
        };
        let Some(segment) = segments.get(self.segment) else {
            return Err(self.fail(Mismatch::Shape(format!(
                "the object is longer than its {} segments",
                segments.len()
            ))));
        };
        self.in_segment += n as u64;
        if self.in_segment < segment.size {
            return Ok(());
        }
        let expected = segment.content_md5.then(|| segment.hash.clone());
        let actual = hex(&std::mem::take(&mut self.md5).finalize());
        let index = self.segment;
        self.segment += 1;
        self.in_segment = 0;
        match expected {
            Some(expected) if expected != actual => Err(self.fail(Mismatch::Digest {
                algorithm: format!("md5 of segment {}", index + 1),
                expected,
                actual,
            })),
            _ => Ok(()),
        }
    }
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(mismatch) = &self.mismatch {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                mismatch.to_string(),
            ));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let room = self.room(buf.len());
        let n = loop {
            let cut = match self.body.read(&mut buf[..room]) {
                Ok(0) if self.total < self.info.size => {
                    io::Error::from(io::ErrorKind::UnexpectedEof)
                }
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => e,
            };
            if self.resumes >= MAX_RESUMES || self.total >= self.info.size {
                return Err(cut);
            }
            self.resumes += 1;
            self.resume()
                .map_err(|e| io::Error::other(format!("{cut}; resuming: {e}")))?;
        };
        if n == 0 {
            self.at_end()?;
            return Ok(0);
        }
        if self.total + n as u64 > self.info.size {
            return Err(self.fail(Mismatch::Shape(format!(
                "the server sent more than the object's {} bytes; stopped there",
                self.info.size
            ))));
        }
        self.md5.update(&buf[..n]);
        self.after(n)?;
        Ok(n)
    }
}

impl ObjectStore {
    /// Opens an object for reading; the data is checked as it streams.
    pub fn open_object(&self, container: &str, object: &str) -> Result<ObjectReader> {
        let path = object_path(container, object)?;
        let response = self
            .client
            .transport()
            .send(self.call(Method::GET, path.clone()).transfer())?;
        let mut info = ObjectInfo::from_response(&response)?;
        let request_id = response.request_id();
        if response.header("content-length").is_none() {
            info.size = self.recorded_size(container, object, &path, &info)?;
        }
        let body: Box<dyn Read + Send> = Box::new(response.into_reader());
        let check = match &info.large_object {
            LargeObject::No => Check::Whole(info.etag.clone()),
            LargeObject::Static => self.manifest_check(&path, &info)?,
            LargeObject::Dynamic { container, prefix } => {
                let listed = self.list_objects(
                    container,
                    &ObjectListOptions {
                        prefix: Some(prefix.clone()),
                        ..Default::default()
                    },
                )?;
                let segments = listed
                    .into_iter()
                    .map(|entry| Segment {
                        size: entry.bytes,
                        content_md5: entry.hash.is_some(),
                        hash: entry.hash.unwrap_or_default().to_ascii_lowercase(),
                    })
                    .collect();
                self.segments_check(&path, &info, segments)?
            }
        };
        Ok(ObjectReader {
            store: self.clone(),
            resumes: 0,
            info,
            body,
            check,
            md5: Md5::new(),
            segment: 0,
            in_segment: 0,
            total: 0,
            path,
            request_id,
            mismatch: None,
        })
    }

    /// Streams an object into `out`, checked; returns what Swift said about it.
    pub fn download(
        &self,
        container: &str,
        object: &str,
        out: &mut dyn Write,
        options: ObjectDownloadOptions<'_>,
    ) -> Result<ObjectInfo> {
        let mut reader = self.open_object(container, object)?;
        let mut meter = Meter::new(options.progress);
        if meter.start(0, Some(reader.info.size)).is_break() {
            return Err(Error::Aborted);
        }
        let mut buffer = vec![0u8; COPY_BUFFER];
        loop {
            let n = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(reader.error_for(e)),
            };
            out.write_all(&buffer[..n])
                .map_err(|e| Error::io("the download's destination", e))?;
            if meter.advance(n as u64).is_break() {
                return Err(Error::Aborted);
            }
        }
        out.flush()
            .map_err(|e| Error::io("the download's destination", e))?;
        let _ = meter.finish();
        Ok(reader.info)
    }

    /// The size Swift records for an object whose data came without a
    /// length, from a `HEAD` that must describe the same data (same ETag).
    fn recorded_size(
        &self,
        container: &str,
        object: &str,
        path: &str,
        reading: &ObjectInfo,
    ) -> Result<u64> {
        let call = self.call(Method::HEAD, path.to_owned());
        let response = self.client.transport().send(call)?;
        let recorded = ObjectInfo::from_response(&response);
        let has_length = response.header("content-length").is_some();
        let request_id = response.request_id();
        response.finish()?;
        let recorded = recorded?;
        let failure =
            |message: String| Error::invalid_response("HEAD", path, message, request_id.clone());
        if !has_length {
            return Err(failure(format!(
                "Swift gives no size for {container}/{object}, so its data cannot be bounded"
            )));
        }
        if recorded.etag != reading.etag {
            return Err(failure(format!(
                "{container}/{object} changed while being read (ETag {} then {})",
                reading.etag.as_deref().unwrap_or("none"),
                recorded.etag.as_deref().unwrap_or("none"),
            )));
        }
        Ok(recorded.size)
    }

    fn manifest_check(&self, path: &str, info: &ObjectInfo) -> Result<Check> {
        let call = self.call(Method::GET, format!("{path}?multipart-manifest=get"));
        let manifest: Vec<ManifestSegment> = self.client.transport().json(call)?;
        if manifest.iter().any(|s| s.range.is_some()) {
            // Ranged segments hash differently; only the size can be checked.
            return Ok(Check::Whole(None));
        }
        let segments = manifest
            .into_iter()
            .map(|s| Segment {
                size: s.bytes,
                hash: s.hash.to_ascii_lowercase(),
                content_md5: !s.sub_slo,
            })
            .collect::<Vec<_>>();
        self.segments_check(path, info, segments)
    }

    /// Checks the segment list belongs to the object being read.
    fn segments_check(
        &self,
        path: &str,
        info: &ObjectInfo,
        segments: Vec<Segment>,
    ) -> Result<Check> {
        let mut of_hashes = Md5::new();
        let mut size = 0u64;
        for segment in &segments {
            size += segment.size;
            of_hashes.update(segment.hash.as_bytes());
        }
        let listed_etag = hex(&of_hashes.finalize());
        let etag_differs = info.etag.as_ref().is_some_and(|e| *e != listed_etag);
        if size != info.size || etag_differs {
            return Err(Error::InvalidResponse(Box::new(Failure {
                method: "GET".into(),
                path: path.to_owned(),
                message: format!(
                    "the segment list ({} segments, {size} bytes, etag {listed_etag}) does not \
                     match the object ({} bytes, etag {}); it changed while being read",
                    segments.len(),
                    info.size,
                    info.etag.as_deref().unwrap_or("none"),
                ),
                request_id: None,
            })));
        }
        Ok(Check::Segments(segments))
    }
}
