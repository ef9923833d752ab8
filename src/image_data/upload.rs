//! Uploads: `PUT /v2/images/{id}/file` and, for the interoperable import,
//! `PUT /v2/images/{id}/stage`.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use ureq::http::Method;

use super::progress::{Meter, ProgressFn};
use crate::auth::Service;
use crate::client::Client;
use crate::digest::ExpectedDigest;
use crate::digest::{Digests, HashAlgorithm, Hashing};
use crate::error::{Error, Result};
use crate::image::Image;
use crate::images::image_path;
use crate::transport::{cannot_resend, peer_stopped_reading, Call, Payload, Rewind};

/// How an upload's body is framed on the wire.
///
/// The default sends chunked bodies, the fastest framing: against Glance 33
/// under gunicorn, 1 GiB took 18.2 s chunked against 22.6 s with
/// `Content-Length` with this library on a loaded 2-core machine (curl,
/// measured without load: 174 against 112 MB/s). Front ends that refuse
/// chunked bodies (uWSGI, Apache with mod_proxy_uwsgi) answer with an error
/// before reading the body; the default then sends the upload again with
/// `Content-Length` and the client remembers it, so its later uploads go
/// straight to `Content-Length`. Only a refusal of the framing itself (411,
/// or a 400/501 that names it, see `src/http/framing.rs`) is retried;
/// Glance's own errors never are. A plain reader ([`UploadData::reader`])
/// cannot be sent twice, so one of known size goes with `Content-Length`
/// until a chunked upload has gone through the client; one of unknown size
/// can only go chunked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Framing {
    /// Chunked, falling back to `Content-Length` (when the size is known)
    /// where the server refuses chunked bodies.
    #[default]
    Auto,
    /// Always `Content-Length`; an upload of unknown size is refused.
    ContentLength,
    /// Always `Transfer-Encoding: chunked` (64 KiB chunks), never falling back.
    Chunked,
}

/// Chunk size of chunked uploads: Glance's file store writes 64 KiB at a time,
/// and 64 KiB chunks were the fastest measured.
const CHUNK: usize = 64 * 1024;

/// Options of an upload.
#[derive(Default)]
pub struct UploadOptions<'a> {
    /// The store to put the data in (`X-Image-Meta-Store`), e.g. `fs2`;
    /// the cloud's default store when `None`.
    pub store: Option<String>,
    /// Body framing.
    pub framing: Framing,
    /// Don't hash the data and don't compare digests with what Glance recorded.
    pub skip_verification: bool,
    /// The multihash algorithm Glance is expected to use (`os_hash_algo`);
    /// SHA-512, Glance's default, when `None`. When the image ends up with
    /// another algorithm only the MD5 `checksum` is compared.
    pub multihash: Option<HashAlgorithm>,
    /// The digest the data must have (the one its publisher announced),
    /// checked before the body is complete: a mismatch drops the connection,
    /// so Glance never gets the whole data (see [`ExpectedDigest`]). Checked
    /// even when `skip_verification` is set.
    pub expected_digest: Option<ExpectedDigest>,
    /// Called as data moves; can abort the upload.
    pub progress: Option<&'a mut ProgressFn<'a>>,
}

impl std::fmt::Debug for UploadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadOptions")
            .field("store", &self.store)
            .field("framing", &self.framing)
            .field("skip_verification", &self.skip_verification)
            .field("multihash", &self.multihash)
            .field("expected_digest", &self.expected_digest)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Where the bytes of an upload come from.
///
/// A source that can rewind (a file, a buffer, anything `Seek`) is sent once
/// more after the token was rejected and renewed; a plain reader (a pipe, a
/// socket) cannot be, so its upload fails with the 401 instead.
pub struct UploadData<'r>(Data<'r>);

enum Data<'r> {
    Reader(&'r mut dyn Read, Option<u64>),
    Seekable(&'r mut dyn ReadSeek),
    Bytes(&'r [u8]),
    File(PathBuf),
}

impl<'r> UploadData<'r> {
    /// Any reader, read once, to its end or to `size` bytes (exactly `size`
    /// bytes: a shorter reader fails the upload). Without a size the body is
    /// chunked; with one, [`Framing::Auto`] sends `Content-Length` until a
    /// chunked upload has gone through this client (a refused chunked body
    /// could not be sent again).
    pub fn reader(reader: &'r mut dyn Read, size: Option<u64>) -> Self {
        UploadData(Data::Reader(reader, size))
    }

    /// A seekable reader, from its current position to its end; rewindable.
    pub fn seekable<R: Read + Seek>(reader: &'r mut R) -> Self {
        UploadData(Data::Seekable(reader))
    }

    /// Bytes in memory.
    pub fn bytes(data: &'r [u8]) -> Self {
        UploadData(Data::Bytes(data))
    }

    /// A file, opened when the upload starts; rewindable.
    pub fn file(path: impl AsRef<Path>) -> UploadData<'static> {
        UploadData(Data::File(path.as_ref().to_owned()))
    }
}

impl UploadData<'_> {
    /// The digests of the data, read before the upload when that loses
    /// nothing: bytes, a file, a seekable reader (brought back to where it
    /// was). `None` for a plain reader, which can be read only once.
    pub(crate) fn digests_ahead(
        &mut self,
        algorithms: &[HashAlgorithm],
    ) -> Result<Option<Digests>> {
        let mut hashing = Hashing::new(algorithms, false);
        let mut feed = |reader: &mut dyn Read, name: &str| -> Result<()> {
            let mut buffer = vec![0u8; CHUNK];
            loop {
                match reader.read(&mut buffer) {
                    Ok(0) => return Ok(()),
                    Ok(n) => hashing.update(&buffer[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Error::io(name, e)),
                }
            }
        };
        match &mut self.0 {
            Data::Reader(..) => return Ok(None),
            Data::Bytes(bytes) => hashing.update(bytes),
            Data::File(path) => {
                let name = path.display().to_string();
                let mut file = std::fs::File::open(&*path).map_err(|e| Error::io(&name, e))?;
                feed(&mut file, &name)?;
            }
            Data::Seekable(reader) => {
                let start = reader
                    .stream_position()
                    .map_err(|e| Error::io("the seekable reader", e))?;
                feed(&mut **reader, "the seekable reader")?;
                reader
                    .seek(std::io::SeekFrom::Start(start))
                    .map_err(|e| Error::io("the seekable reader", e))?;
            }
        }
        Ok(Some(hashing.finish()))
    }
}

impl std::fmt::Debug for UploadData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Data::Reader(_, size) => write!(f, "UploadData::reader(size {size:?})"),
            Data::Seekable(_) => f.write_str("UploadData::seekable"),
            Data::Bytes(b) => write!(f, "UploadData::bytes({} bytes)", b.len()),
            Data::File(p) => write!(f, "UploadData::file({})", p.display()),
        }
    }
}

/// An opened source: what to read, how much, and how to start over.
struct Source<'r> {
    reader: Reader<'r>,
    size: Option<u64>,
    name: String,
    /// Bytes read before the request started, given out first.
    head: Vec<u8>,
    head_given: usize,
}

enum Reader<'r> {
    Once(&'r mut dyn Read),
    Seekable(&'r mut dyn ReadSeek, u64),
    Bytes(Cursor<&'r [u8]>),
    File(File),
}

impl Source<'_> {
    fn open(data: UploadData<'_>) -> Result<Source<'_>> {
        let io_error = |name: &str, e| Error::io(name, e);
        Ok(match data.0 {
            Data::Reader(reader, size) => {
                Source::new(Reader::Once(reader), size, "the upload's reader".into())
            }
            Data::Seekable(reader) => {
                let name = "the upload's reader".to_owned();
                let start = reader.stream_position().map_err(|e| io_error(&name, e))?;
                let end = reader
                    .seek(SeekFrom::End(0))
                    .map_err(|e| io_error(&name, e))?;
                reader
                    .seek(SeekFrom::Start(start))
                    .map_err(|e| io_error(&name, e))?;
                Source::new(
                    Reader::Seekable(reader, start),
                    Some(end.saturating_sub(start)),
                    name,
                )
            }
            Data::Bytes(bytes) => Source::new(
                Reader::Bytes(Cursor::new(bytes)),
                Some(bytes.len() as u64),
                "the upload's buffer".into(),
            ),
            Data::File(path) => {
                let name = path.display().to_string();
                let file = File::open(&path).map_err(|e| io_error(&name, e))?;
                let meta = file.metadata().map_err(|e| io_error(&name, e))?;
                if !meta.is_file() {
                    return Err(Error::invalid_argument(format!(
                        "{name} is not a regular file"
                    )));
                }
                Source::new(Reader::File(file), Some(meta.len()), name)
            }
        })
    }

    fn new(reader: Reader<'_>, size: Option<u64>, name: String) -> Source<'_> {
        Source {
            reader,
            size,
            name,
            head: Vec::new(),
            head_given: 0,
        }
    }

    /// Reads the first chunk before any request is made, so that a source
    /// failing at once (a file opened in text mode by a binding, an
    /// unreadable pipe) leaves the image as it was instead of half-way
    /// through an upload Glance has to undo.
    fn read_ahead(&mut self) -> Result<()> {
        let want = self.size.map_or(CHUNK, |size| {
            usize::try_from(size).unwrap_or(CHUNK).min(CHUNK)
        });
        let mut head = vec![0; want];
        let n = loop {
            match self.read_source(&mut head) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(self.name.clone(), e)),
            }
        };
        head.truncate(n);
        self.head = head;
        self.head_given = 0;
        Ok(())
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let ahead = &self.head[self.head_given..];
        if ahead.is_empty() {
            return self.read_source(buf);
        }
        let n = ahead.len().min(buf.len());
        buf[..n].copy_from_slice(&ahead[..n]);
        self.head_given += n;
        if n == buf.len() {
            return Ok(n);
        }
        // Fills the rest from the source, so reads keep the sizes they would
        // have had without the read-ahead (progress reports stay 4 MiB apart).
        loop {
            match self.read_source(&mut buf[n..]) {
                Ok(more) => return Ok(n + more),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn read_source(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.reader {
            Reader::Once(r) => r.read(buf),
            Reader::Seekable(r, _) => r.read(buf),
            Reader::Bytes(c) => c.read(buf),
            Reader::File(f) => f.read(buf),
        }
    }

    /// Goes back to the start; false when the source cannot.
    fn rewind(&mut self) -> Result<bool> {
        self.head = Vec::new();
        self.head_given = 0;
        let outcome = match &mut self.reader {
            Reader::Once(_) => return Ok(false),
            Reader::Seekable(r, start) => r.seek(SeekFrom::Start(*start)).map(drop),
            Reader::Bytes(c) => {
                c.set_position(0);
                Ok(())
            }
            Reader::File(f) => f.rewind(),
        };
        outcome.map_err(|e| Error::io(self.name.clone(), e))?;
        Ok(true)
    }

    fn can_rewind(&self) -> bool {
        !matches!(self.reader, Reader::Once(_))
    }
}

/// Why the body stopped before the server's answer.
enum Stop {
    Aborted,
    Source(io::Error),
    Short {
        sent: u64,
        size: u64,
    },
    /// The data's digest is not the one expected.
    Mismatch(Error),
}

/// The request body: reads the source, hashes, counts and reports.
struct Body<'s, 'r, 'm, 'a, 'b> {
    source: &'s mut Source<'r>,
    sent: u64,
    max_read: usize,
    hashing: Hashing,
    meter: &'m mut Meter<'a, 'b>,
    stop: Option<Stop>,
    /// The server stopped reading: the bytes counted since were not real.
    discarded: bool,
    /// The digest to compare before the body's end goes out.
    expected: Option<&'s ExpectedDigest>,
    /// The digests, once finished for that comparison.
    finished: Option<Digests>,
    /// What is computed as the data goes, and where: for a fresh start.
    algorithms: &'s [HashAlgorithm],
    threaded: bool,
}

/// After a 401 the transport re-authenticates and sends the body again from
/// its first byte, with progress and digests started over.
impl Rewind for Body<'_, '_, '_, '_, '_> {
    fn reader(&mut self) -> &mut dyn Read {
        self
    }

    /// Not once the body stopped for a reason of its own: that reason is
    /// the outcome, whatever the server answered.
    fn can_rewind(&self) -> bool {
        self.stop.is_none() && self.source.can_rewind()
    }

    fn rewind(&mut self) -> Result<()> {
        self.source.rewind()?;
        self.sent = 0;
        self.hashing = Hashing::new(self.algorithms, self.threaded);
        self.discarded = false;
        self.finished = None;
        if self.meter.start(0, self.source.size).is_break() {
            return Err(Error::Aborted);
        }
        Ok(())
    }
}

impl Body<'_, '_, '_, '_, '_> {
    /// At the end of the data, before its last bytes or the chunk
    /// terminator are handed over: compares the expected digest. On a
    /// mismatch the body fails, so the request is never completed.
    fn check_expected(&mut self) -> io::Result<()> {
        let Some(expected) = self.expected else {
            return Ok(());
        };
        if self.finished.is_some() {
            return Ok(());
        }
        let hashing = std::mem::replace(&mut self.hashing, Hashing::new(&[], false));
        let digests = hashing.finish();
        let outcome = expected.check(digests.get(expected.algorithm()));
        self.finished = Some(digests);
        if let Err(e) = outcome {
            self.stop = Some(Stop::Mismatch(e));
            return Err(io::Error::other(
                "the data's digest is not the one expected",
            ));
        }
        Ok(())
    }
}

impl Read for Body<'_, '_, '_, '_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut want = buf.len().min(self.max_read);
        if let Some(size) = self.source.size {
            want = want.min(usize::try_from(size - self.sent).unwrap_or(usize::MAX));
            if want == 0 {
                return Ok(0);
            }
        }
        if peer_stopped_reading() {
            // The server answered already; what is "sent" now is discarded,
            // so finish the body at once without reading the source.
            self.discarded = true;
            // A chunked body (`max_read` is `CHUNK`) can end here.
            if self.source.size.is_none() || self.max_read == CHUNK {
                return Ok(0);
            }
            self.sent += want as u64;
            return Ok(want);
        }
        let n = loop {
            match self.source.read(&mut buf[..want]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let kind = e.kind();
                    self.stop = Some(Stop::Source(e));
                    return Err(io::Error::new(kind, "reading the image data failed"));
                }
            }
        };
        if n == 0 {
            if let Some(size) = self.source.size {
                self.stop = Some(Stop::Short {
                    sent: self.sent,
                    size,
                });
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the image data ended early",
                ));
            }
            self.check_expected()?;
            return Ok(0);
        }
        self.hashing.update(&buf[..n]);
        self.sent += n as u64;
        if self.source.size == Some(self.sent) {
            // The last bytes stay unsent until the digest is right.
            self.check_expected()?;
        }
        if self.meter.advance(n as u64).is_break() {
            self.stop = Some(Stop::Aborted);
            return Err(io::Error::other("aborted by the progress callback"));
        }
        Ok(n)
    }
}

/// What went up: its size and digests.
#[derive(Debug)]
pub(crate) struct Streamed {
    pub(crate) bytes: u64,
    pub(crate) digests: Digests,
    pub(crate) multihash: HashAlgorithm,
}

/// Where the data goes.
#[derive(Clone, Copy)]
enum Destination {
    File,
    Stage,
}

impl Client {
    /// Uploads an image's data (`PUT /v2/images/{id}/file`); the image must be
    /// `queued`. The data is hashed while it streams (MD5 and the multihash)
    /// and compared with the `checksum` and `os_hash_value` Glance records:
    /// a difference is [`Error::ChecksumMismatch`]. Returns the image as it is
    /// after the upload (normally `active`).
    ///
    /// ```no_run
    /// # let client: glance_client::Client = unimplemented!();
    /// use glance_client::image_data::{UploadData, UploadOptions};
    /// let image = client.upload_image("1bea47ed-...", UploadData::file("disk.raw"),
    ///     UploadOptions { store: Some("fs2".into()), ..Default::default() })?;
    /// println!("{} is {:?}", image.id, image.status);
    /// # Ok::<(), glance_client::Error>(())
    /// ```
    pub fn upload_image(
        &self,
        id: &str,
        data: UploadData<'_>,
        mut options: UploadOptions<'_>,
    ) -> Result<Image> {
        let streamed = self.stream_up(id, Destination::File, data, &mut options)?;
        let image = self.get_image(id)?;
        if !options.skip_verification {
            check_upload(&image, &streamed)?;
        }
        Ok(image)
    }

    /// Stages data for a `glance-direct` import (`PUT /v2/images/{id}/stage`).
    /// Glance records no digest for staged data; [`Client::create_image_with_data`]
    /// compares them once the import has finished.
    pub fn stage_image_data(
        &self,
        id: &str,
        data: UploadData<'_>,
        mut options: UploadOptions<'_>,
    ) -> Result<()> {
        self.stream_up(id, Destination::Stage, data, &mut options)
            .map(drop)
    }

    pub(crate) fn stage_streamed(
        &self,
        id: &str,
        data: UploadData<'_>,
        options: &mut UploadOptions<'_>,
    ) -> Result<Streamed> {
        self.stream_up(id, Destination::Stage, data, options)
    }

    fn stream_up(
        &self,
        id: &str,
        destination: Destination,
        data: UploadData<'_>,
        options: &mut UploadOptions<'_>,
    ) -> Result<Streamed> {
        let path = match destination {
            Destination::File => format!("{}/file", image_path(id)?),
            Destination::Stage => format!("{}/stage", image_path(id)?),
        };
        if let Some(store) = &options.store {
            crate::images::check_id("store", store)?;
        }
        let mut source = Source::open(data)?;
        let transport = self.transport();
        let mut length = match (options.framing, source.size) {
            (Framing::Chunked, _) => None,
            (Framing::ContentLength, Some(size)) => Some(size),
            (Framing::ContentLength, None) => {
                return Err(Error::invalid_argument(
                    "Content-Length framing needs the size of the data",
                ))
            }
            // Chunked unless known to be refused; a source that cannot be
            // sent again risks no refusal until chunked is known to work.
            (Framing::Auto, size) => size.filter(|_| {
                transport.framing.refuses_chunked()
                    || !(source.can_rewind() || transport.framing.takes_chunked())
            }),
        };
        source.read_ahead()?;
        let multihash = options.multihash.unwrap_or(HashAlgorithm::Sha512);
        let mut algorithms = if options.skip_verification {
            Vec::new()
        } else {
            vec![HashAlgorithm::Md5, multihash]
        };
        let expected = options.expected_digest.as_ref();
        if let Some(expected) = expected {
            algorithms.push(expected.algorithm());
            if source.size == Some(0) {
                // An empty body is complete with its headers: compare first.
                let empty = Hashing::new(&[expected.algorithm()], false).finish();
                expected.check(empty.get(expected.algorithm()))?;
            }
        }
        let algorithms = algorithms.as_slice();
        transport.renew_before_transfer()?;
        let threaded = super::hash_on_thread(source.size);
        let mut meter = Meter::new(options.progress.as_deref_mut());
        let mut reframed = false;
        let announced_size = source.size;
        loop {
            let max_read = if length.is_some() { usize::MAX } else { CHUNK };
            if meter.start(0, source.size).is_break() {
                return Err(Error::Aborted);
            }
            let mut body = Body {
                source: &mut source,
                sent: 0,
                max_read,
                hashing: Hashing::new(algorithms, threaded),
                meter: &mut meter,
                stop: None,
                discarded: false,
                expected,
                finished: None,
                algorithms,
                threaded,
            };
            let mut call = Call::new(Method::PUT, Service::Image, path.clone())
                .payload(Payload::Rewindable {
                    body: &mut body,
                    length,
                    content_type: "application/octet-stream",
                })
                .transfer();
            if let Some(store) = &options.store {
                call = call.header("X-Image-Meta-Store", store.clone());
            }
            // As python-glanceclient and openstacksdk send it: with chunked
            // framing Glance learns the size only from here, and stores such
            // as RBD size the image ahead with it.
            if let Some(size) = announced_size {
                call = call.header("X-OpenStack-Image-Size", size.to_string());
            }
            let outcome = transport.send(call);
            let Body {
                sent,
                hashing,
                stop,
                discarded,
                finished,
                ..
            } = body;
            match (outcome, stop) {
                (_, Some(Stop::Aborted)) => return Err(Error::Aborted),
                (_, Some(Stop::Mismatch(e))) => return Err(e),
                (_, Some(Stop::Source(e))) => return Err(Error::io(source.name.clone(), e)),
                (_, Some(Stop::Short { sent, size })) => {
                    return Err(Error::invalid_argument(format!(
                        "{} ended after {sent} of the {size} bytes announced",
                        source.name
                    )))
                }
                (Ok(response), None) if discarded => {
                    let (method, path) = response.method_and_path();
                    return Err(Error::invalid_response(
                        method,
                        path,
                        format!(
                            "the server answered {} without reading all the data",
                            response.status
                        ),
                        response.request_id(),
                    ));
                }
                (Ok(response), None) => {
                    response.finish()?;
                    if length.is_none() {
                        transport.framing.note_worked();
                    }
                    let _ = meter.finish();
                    let digests = finished.unwrap_or_else(|| hashing.finish());
                    if let Some(expected) = expected {
                        expected.check(digests.get(expected.algorithm()))?;
                    }
                    return Ok(Streamed {
                        bytes: sent,
                        digests,
                        multihash,
                    });
                }
                (Err(e), None)
                    if length.is_none()
                        && options.framing == Framing::Auto
                        && !reframed
                        && transport.framing.is_refusal(&e) =>
                {
                    transport.framing.note_refused();
                    let Some(size) = announced_size else {
                        return Err(cannot_resend(
                            e,
                            "give the size of the data, so that it can go with Content-Length",
                        ));
                    };
                    if !source.rewind()? {
                        return Err(cannot_resend(
                            e,
                            "this reader cannot be read again; upload again through this \
                             client (it now uses Content-Length) or pass Framing::ContentLength",
                        ));
                    }
                    length = Some(size);
                    reframed = true;
                }
                (Err(e), None) => return Err(e),
            }
        }
    }
}

/// Compares what went up with what Glance recorded.
pub(crate) fn check_upload(image: &Image, streamed: &Streamed) -> Result<()> {
    if let Some(size) = image.size {
        if size != streamed.bytes {
            return Err(Error::ChecksumMismatch {
                algorithm: "size".into(),
                expected: size.to_string(),
                actual: streamed.bytes.to_string(),
            });
        }
    }
    let compare = |algorithm: HashAlgorithm, recorded: Option<&str>| -> Result<()> {
        if let (Some(recorded), Some(sent)) = (recorded, streamed.digests.get(algorithm)) {
            if !recorded.eq_ignore_ascii_case(sent) {
                return Err(Error::ChecksumMismatch {
                    algorithm: algorithm.to_string(),
                    expected: recorded.to_owned(),
                    actual: sent.to_owned(),
                });
            }
        }
        Ok(())
    };
    compare(HashAlgorithm::Md5, image.checksum.as_deref())?;
    let algorithm = image
        .os_hash_algo
        .as_deref()
        .and_then(|a| a.parse::<HashAlgorithm>().ok());
    if algorithm == Some(streamed.multihash) {
        compare(streamed.multihash, image.os_hash_value.as_deref())?;
    }
    Ok(())
}
