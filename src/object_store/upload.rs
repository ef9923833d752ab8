//! Streamed uploads: one PUT for an object up to the segment size, a Static
//! Large Object (segments, then a manifest) above it or when the size is
//! unknown. Memory stays constant: every byte goes from the reader to the
//! socket, its MD5 computed on the way and compared with Swift's ETag.
//!
//! A PUT that meets a cut connection or a 5xx is sent again (a PUT is
//! idempotent): each piece's bytes are kept in an unlinked temporary file
//! while it goes up, so the retry resends them without reading the source
//! twice. Disk use is one piece (the segment size) at most; when no
//! temporary file can be written the piece goes up without a second chance.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use serde::Serialize;
use ureq::http::Method;

use super::{check_container, object_path, strip_quotes, ObjectStore};
use crate::digest::hex;
use crate::error::{Error, Result};
use crate::image_data::{Meter, MeteredReader, Phase, ProgressFn};
use crate::transport::{Payload, Response};

/// Swift refuses single objects above 5 GiB by default.
const DEFAULT_SEGMENT_SIZE: u64 = 1 << 30;

/// How to upload an object.
pub struct ObjectUploadOptions<'a> {
    /// The data's size when known: sent as `Content-Length`, and exactly
    /// that many bytes are read (data that ends sooner fails the upload with
    /// [`Error::InvalidArgument`]). Unknown sizes are uploaded as a Static
    /// Large Object.
    pub size: Option<u64>,
    /// Objects larger than this (and of unknown size) are uploaded as
    /// segments of this size. Default 1 GiB; Swift's single-object limit is
    /// usually 5 GiB.
    pub segment_size: u64,
    /// Where segments go; default `<container>_segments` (python-swiftclient's
    /// convention), created when missing.
    pub segment_container: Option<String>,
    /// Called as data goes up ([`Phase::Transfer`]), at the rate of image
    /// transfers; returning `Break` stops the upload with [`Error::Aborted`],
    /// leaving no object and no segment behind.
    pub progress: Option<&'a mut ProgressFn<'a>>,
}

impl Default for ObjectUploadOptions<'_> {
    fn default() -> Self {
        ObjectUploadOptions {
            size: None,
            segment_size: DEFAULT_SEGMENT_SIZE,
            segment_container: None,
            progress: None,
        }
    }
}

impl std::fmt::Debug for ObjectUploadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectUploadOptions")
            .field("size", &self.size)
            .field("segment_size", &self.segment_size)
            .field("segment_container", &self.segment_container)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What an upload stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedObject {
    /// Bytes stored.
    pub size: u64,
    /// Swift's ETag, checked against the MD5 computed while sending: the MD5
    /// of the data for an ordinary object, the MD5 of the segments' MD5s for
    /// a large one.
    pub etag: String,
    /// Number of segments; 0 for an ordinary object.
    pub segments: u32,
}

/// Counts and hashes what passes through.
pub(crate) struct HashingReader<R> {
    inner: R,
    md5: Md5,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader {
            inner,
            md5: Md5::new(),
            count: 0,
        }
    }

    fn finish(self) -> (String, u64) {
        (hex(&self.md5.finalize()), self.count)
    }

    /// The MD5 of what passed so far.
    fn peek_md5(&self) -> String {
        hex(&self.md5.clone().finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.md5.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

#[derive(Serialize)]
struct ManifestEntry {
    path: String,
    etag: String,
    size_bytes: u64,
}

/// Metadata headers sent with the object (names are fixed strings).
pub(crate) type Headers = Vec<(&'static str, String)>;

/// A PUT is sent at most this often when the connection breaks or Swift
/// answers 5xx.
const PUT_ATTEMPTS: u32 = 4;

/// The source of an upload, counted into the caller's progress.
type Source<'d, 'a, 'b> = MeteredReader<'a, 'b, &'d mut dyn Read>;

/// One piece's bytes, kept while it goes up so that a retry can resend them.
struct Spool {
    /// `None` when no temporary file could be made: no retries then.
    file: Option<File>,
    len: u64,
}

impl Spool {
    fn new() -> Spool {
        Spool {
            file: temporary_file().ok(),
            len: 0,
        }
    }

    /// Empties it for the next piece.
    fn reset(&mut self) {
        self.len = 0;
        if let Some(file) = &mut self.file {
            if file.set_len(0).and_then(|()| file.rewind()).is_err() {
                self.file = None;
            }
        }
    }

    /// Whether the bytes read so far can be sent again.
    fn replayable(&self) -> bool {
        self.file.is_some()
    }
}

/// An unlinked file in the temporary directory, readable by this user only.
fn temporary_file() -> io::Result<File> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    let mut last = io::Error::other("no temporary file name was free");
    for _ in 0..16 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = dir.join(format!(
            ".glance-client-piece-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&name) {
            Ok(file) => {
                let _ = std::fs::remove_file(&name);
                return Ok(file);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The body of one attempt: the piece's bytes already spooled, then the
/// rest from the source (spooled as they pass).
struct PieceBody<'p, 's> {
    spool: &'p mut Spool,
    source: &'p mut (dyn Read + 's),
    want: u64,
    replayed: u64,
    /// The source failed (or the caller stopped it): not worth a retry.
    source_failed: bool,
}

impl Read for PieceBody<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.replayed < self.spool.len {
            let file = self
                .spool
                .file
                .as_mut()
                .ok_or_else(|| io::Error::other("the piece's temporary file is gone"))?;
            let room = usize::try_from(self.spool.len - self.replayed).unwrap_or(usize::MAX);
            let take = buf.len().min(room);
            let n = file.read(&mut buf[..take])?;
            if n == 0 {
                return Err(io::Error::other("the piece's temporary file ended early"));
            }
            self.replayed += n as u64;
            return Ok(n);
        }
        let room = usize::try_from(self.want - self.spool.len).unwrap_or(usize::MAX);
        if room == 0 {
            return Ok(0);
        }
        let take = buf.len().min(room);
        let n = match self.source.read(&mut buf[..take]) {
            Ok(n) => n,
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.source_failed = true;
                }
                return Err(e);
            }
        };
        if let Some(file) = &mut self.spool.file {
            if file.write_all(&buf[..n]).is_err() {
                // No room to keep it: this piece goes up without a retry.
                self.spool.file = None;
            }
        }
        self.spool.len += n as u64;
        self.replayed += n as u64;
        Ok(n)
    }
}

/// What one piece's PUT stored.
struct Piece {
    md5: String,
    count: u64,
    /// Swift's ETag, or why it is not the MD5 of what was sent.
    etag: Result<String>,
}

impl ObjectStore {
    /// Uploads `data` as `container/object`, replacing any object of that name.
    pub fn upload(
        &self,
        container: &str,
        object: &str,
        data: &mut dyn Read,
        options: ObjectUploadOptions<'_>,
    ) -> Result<UploadedObject> {
        self.upload_with_headers(
            container,
            object,
            data,
            options,
            Vec::new(),
            Phase::Transfer,
        )
    }

    /// Uploads with metadata headers; progress is reported as `phase`.
    pub(crate) fn upload_with_headers(
        &self,
        container: &str,
        object: &str,
        data: &mut dyn Read,
        mut options: ObjectUploadOptions<'_>,
        headers: Headers,
        phase: Phase,
    ) -> Result<UploadedObject> {
        let path = object_path(container, object)?;
        if options.segment_size == 0 {
            return Err(Error::invalid_argument(
                "segment_size must be more than zero",
            ));
        }
        let segment_container = match &options.segment_container {
            Some(name) => name.clone(),
            None => format!("{container}_segments"),
        };
        check_container(&segment_container)?;
        let meter = Meter::for_phase(options.progress.take(), phase);
        let mut source: Source<'_, '_, '_> = MeteredReader::new(data, meter, options.size);
        if source.aborted() {
            return Err(Error::Aborted);
        }
        let mut spool = Spool::new();
        let uploaded = match options.size {
            Some(size) if size <= options.segment_size => self
                .put_plain(&path, &mut source, &mut spool, size, headers)
                .map_err(|e| stopped_or(e, &source)),
            _ => self.put_segmented(
                &path,
                object,
                &segment_container,
                &mut source,
                &mut spool,
                &options,
                headers,
            ),
        }?;
        let _ = source.finish();
        Ok(uploaded)
    }

    /// One PUT; the ETag Swift answers must be the MD5 of what was sent.
    fn put_plain(
        &self,
        path: &str,
        source: &mut dyn Read,
        spool: &mut Spool,
        size: u64,
        headers: Headers,
    ) -> Result<UploadedObject> {
        let piece = self.put_piece(path, source, spool, size, Some(size), &headers)?;
        // The transport held the body to `size`: no more, no fewer bytes.
        Ok(UploadedObject {
            size: piece.count,
            etag: piece.etag?,
            segments: 0,
        })
    }

    /// Sends one piece (a whole object, or a segment of `want` bytes at
    /// most; `length`: its announced size, `None` for chunked), again after
    /// a cut connection or a 5xx while its bytes can be replayed.
    fn put_piece(
        &self,
        path: &str,
        source: &mut dyn Read,
        spool: &mut Spool,
        want: u64,
        length: Option<u64>,
        headers: &Headers,
    ) -> Result<Piece> {
        spool.reset();
        let transport = self.client.transport();
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(file) = &mut spool.file {
                if file.rewind().is_err() {
                    spool.file = None;
                }
            }
            let mut body = PieceBody {
                spool: &mut *spool,
                source: &mut *source,
                want,
                replayed: 0,
                source_failed: false,
            };
            let mut hashing = HashingReader::new(&mut body);
            let mut call = self.call(Method::PUT, path.to_owned()).transfer();
            call.headers = headers.clone();
            let call = call.payload(Payload::Stream {
                reader: &mut hashing,
                length,
                content_type: "application/octet-stream",
            });
            let outcome = transport.send(call).and_then(|response| {
                let etag = checked_etag(&response, &hashing.peek_md5());
                response.finish().map(|()| etag)
            });
            let (md5, count) = hashing.finish();
            let source_failed = body.source_failed;
            match outcome {
                Ok(etag) => return Ok(Piece { md5, count, etag }),
                Err(e)
                    if e.is_transient()
                        && !source_failed
                        && spool.replayable()
                        && attempt < PUT_ATTEMPTS =>
                {
                    std::thread::sleep(transport.backoff(attempt));
                }
                Err(e) => return Err(e),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn put_segmented(
        &self,
        path: &str,
        object: &str,
        segment_container: &str,
        source: &mut Source<'_, '_, '_>,
        spool: &mut Spool,
        options: &ObjectUploadOptions<'_>,
        headers: Headers,
    ) -> Result<UploadedObject> {
        self.create_container(segment_container)?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let prefix = format!("{object}/slo/{stamp}/{}", options.segment_size);
        let mut segments: Vec<ManifestEntry> = Vec::new();
        let mut whole = Md5::new();
        let outcome = self.put_segments(
            segment_container,
            &prefix,
            source,
            spool,
            options,
            &mut segments,
            &mut whole,
        );
        let outcome = outcome.and_then(|total| {
            if segments.is_empty() {
                // Nothing to segment: an empty object is an ordinary one.
                return self.put_plain(path, &mut io::empty(), spool, 0, headers);
            }
            let manifest_md5 = hex(&whole.finalize());
            self.put_manifest(path, &segments, headers, total, manifest_md5)
        });
        outcome.map_err(|e| {
            let error = stopped_or(e, source);
            // Leave no orphaned segments behind a failed upload.
            let mut left = Vec::new();
            let mut removal = Ok(());
            for segment in &segments {
                if let Some((_, name)) = segment.path[1..].split_once('/') {
                    if let Err(e) = self.delete_plain(segment_container, name) {
                        left.push(format!("'{segment_container}/{name}'"));
                        removal = Err(e);
                    }
                }
            }
            error.left_behind(|| format!("segments {}", left.join(", ")), removal)
        })
    }

    /// Uploads segments until the data ends; returns the total size.
    #[allow(clippy::too_many_arguments)]
    fn put_segments(
        &self,
        segment_container: &str,
        prefix: &str,
        data: &mut dyn Read,
        spool: &mut Spool,
        options: &ObjectUploadOptions<'_>,
        segments: &mut Vec<ManifestEntry>,
        whole: &mut Md5,
    ) -> Result<u64> {
        let mut total = 0u64;
        loop {
            let name = format!("{prefix}/{:08}", segments.len());
            let want = match options.size {
                Some(size) => options.segment_size.min(size - total),
                None => options.segment_size,
            };
            if options.size.is_some() && want == 0 {
                return Ok(total);
            }
            let segment_path = object_path(segment_container, &name)?;
            let length = options.size.map(|_| want);
            let piece = self.put_piece(&segment_path, data, spool, want, length, &Vec::new())?;
            if piece.count == 0 {
                // The data ended exactly at the previous segment's end.
                self.delete_plain(segment_container, &name)?;
                return Ok(total);
            }
            // Recorded before the check, so a bad segment is cleaned up too.
            segments.push(ManifestEntry {
                path: format!("/{segment_container}/{name}"),
                etag: piece.md5.clone(),
                size_bytes: piece.count,
            });
            piece.etag?;
            whole.update(piece.md5.as_bytes());
            total += piece.count;
            // Only data of unknown size can end within a segment: the
            // transport fails a sized segment that comes up short.
            if piece.count < want {
                return Ok(total);
            }
        }
    }

    fn put_manifest(
        &self,
        path: &str,
        segments: &[ManifestEntry],
        headers: Headers,
        total: u64,
        manifest_md5: String,
    ) -> Result<UploadedObject> {
        let body = serde_json::to_vec(segments)
            .map_err(|e| Error::invalid_argument(format!("manifest cannot be encoded: {e}")))?;
        let mut call = self.call(Method::PUT, format!("{path}?multipart-manifest=put"));
        call.headers = headers;
        // The manifest's Content-Type becomes the large object's; a body in
        // memory is sent again by the transport after a 5xx.
        let call = call.payload(Payload::Bytes {
            data: body,
            content_type: "application/octet-stream",
        });
        let response = self.client.transport().send(call)?;
        let etag = checked_etag(&response, &manifest_md5)?;
        response.finish()?;
        Ok(UploadedObject {
            size: total,
            etag,
            segments: segments.len() as u32,
        })
    }
}

/// [`Error::Aborted`] when the caller's callback stopped the source.
fn stopped_or(error: Error, source: &Source<'_, '_, '_>) -> Error {
    if source.aborted() {
        Error::Aborted
    } else {
        error
    }
}

/// The ETag of a successful PUT, which must equal the MD5 computed locally.
fn checked_etag(response: &Response, expected: &str) -> Result<String> {
    let etag = response
        .header("etag")
        .map(strip_quotes)
        .ok_or_else(|| response.failure("the upload's answer has no ETag".into()))?;
    if etag != expected {
        // Swift stored other bytes than were sent.
        return Err(Error::ChecksumMismatch {
            algorithm: "md5".into(),
            expected: expected.to_owned(),
            actual: etag,
        });
    }
    Ok(etag)
}
