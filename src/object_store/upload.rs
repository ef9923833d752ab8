//! Streamed uploads: one PUT for an object up to the segment size, a Static
//! Large Object (segments, then a manifest) above it or when the size is
//! unknown. Memory stays constant: every byte goes from the reader to the
//! socket, its MD5 computed on the way and compared with Swift's ETag.

use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use serde::Serialize;
use ureq::http::Method;

use super::{check_container, object_path, strip_quotes, ObjectStore};
use crate::error::{Error, Result};
use crate::transport::{Payload, Response};

/// Swift refuses single objects above 5 GiB by default.
const DEFAULT_SEGMENT_SIZE: u64 = 1 << 30;

/// How to upload an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectUploadOptions {
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
}

impl Default for ObjectUploadOptions {
    fn default() -> Self {
        ObjectUploadOptions {
            size: None,
            segment_size: DEFAULT_SEGMENT_SIZE,
            segment_container: None,
        }
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
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.md5.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Serialize)]
struct ManifestEntry {
    path: String,
    etag: String,
    size_bytes: u64,
}

/// Metadata headers sent with the object (names are fixed strings).
pub(crate) type Headers = Vec<(&'static str, String)>;

impl ObjectStore {
    /// Uploads `data` as `container/object`, replacing any object of that name.
    pub fn upload(
        &self,
        container: &str,
        object: &str,
        data: &mut dyn Read,
        options: &ObjectUploadOptions,
    ) -> Result<UploadedObject> {
        self.upload_with_headers(container, object, data, options, Vec::new())
    }

    pub(crate) fn upload_with_headers(
        &self,
        container: &str,
        object: &str,
        data: &mut dyn Read,
        options: &ObjectUploadOptions,
        headers: Headers,
    ) -> Result<UploadedObject> {
        let path = object_path(container, object)?;
        if options.segment_size == 0 {
            return Err(Error::invalid_argument(
                "segment_size must be more than zero",
            ));
        }
        match options.size {
            Some(size) if size <= options.segment_size => {
                self.put_plain(&path, data, Some(size), headers)
            }
            _ => {
                let segment_container = match &options.segment_container {
                    Some(name) => name.clone(),
                    None => format!("{container}_segments"),
                };
                check_container(&segment_container)?;
                self.put_segmented(&path, object, &segment_container, data, options, headers)
            }
        }
    }

    /// One PUT; the ETag Swift answers must be the MD5 of what was sent.
    fn put_plain(
        &self,
        path: &str,
        data: &mut dyn Read,
        size: Option<u64>,
        headers: Headers,
    ) -> Result<UploadedObject> {
        let mut hashing = HashingReader::new(data);
        let mut call = self.call(Method::PUT, path.to_owned()).transfer();
        call.headers = headers;
        let call = call.payload(Payload::Stream {
            reader: &mut hashing,
            length: size,
            content_type: "application/octet-stream",
        });
        let response = self.client.transport().send(call)?;
        let (md5, count) = hashing.finish();
        let etag = checked_etag(&response, &md5)?;
        response.finish()?;
        // The transport held the body to `size`: no more, no fewer bytes.
        Ok(UploadedObject {
            size: count,
            etag,
            segments: 0,
        })
    }

    fn put_segmented(
        &self,
        path: &str,
        object: &str,
        segment_container: &str,
        data: &mut dyn Read,
        options: &ObjectUploadOptions,
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
            data,
            options,
            &mut segments,
            &mut whole,
        );
        let outcome = outcome.and_then(|total| {
            if segments.is_empty() {
                // Nothing to segment: an empty object is an ordinary one.
                return self.put_plain(path, &mut std::io::empty(), Some(0), headers);
            }
            let manifest_md5 = hex(&whole.finalize());
            self.put_manifest(path, &segments, headers, total, manifest_md5)
        });
        if outcome.is_err() {
            // Leave no orphaned segments behind a failed upload.
            for segment in &segments {
                if let Some((_, name)) = segment.path[1..].split_once('/') {
                    let _ = self.delete_plain(segment_container, name);
                }
            }
        }
        outcome
    }

    /// Uploads segments until the data ends; returns the total size.
    fn put_segments(
        &self,
        segment_container: &str,
        prefix: &str,
        data: &mut dyn Read,
        options: &ObjectUploadOptions,
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
            let mut hashing = HashingReader::new(Read::take(&mut *data, want));
            let call = self
                .call(Method::PUT, segment_path)
                .transfer()
                .payload(Payload::Stream {
                    reader: &mut hashing,
                    length: options.size.map(|_| want),
                    content_type: "application/octet-stream",
                });
            let response = self.client.transport().send(call)?;
            let (md5, count) = hashing.finish();
            let etag = checked_etag(&response, &md5);
            response.finish()?;
            if count == 0 {
                // The data ended exactly at the previous segment's end.
                self.delete_plain(segment_container, &name)?;
                return Ok(total);
            }
            // Recorded before the check, so a bad segment is cleaned up too.
            segments.push(ManifestEntry {
                path: format!("/{segment_container}/{name}"),
                etag: md5.clone(),
                size_bytes: count,
            });
            etag?;
            whole.update(md5.as_bytes());
            total += count;
            // Only data of unknown size can end within a segment: the
            // transport fails a sized segment that comes up short.
            if count < want {
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
        // The manifest's Content-Type becomes the large object's.
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
