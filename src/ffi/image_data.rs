//! Image data from C: uploads from a file, a buffer or a read callback,
//! downloads to a file or a write callback, each verified, with a progress
//! callback that can abort.

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};
use std::io::{self, Read, Write};
use std::ops::ControlFlow;

use super::boundary::{self, borrow, borrow_mut, optional_text, text, CallError, CallResult, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use crate::{
    Client, DownloadOptions, ExpectedDigest, Framing, HashAlgorithm, Image, Phase, Progress,
    UploadData, UploadOptions,
};

/// What a callback returns to go on.
pub const GLANCE_CB_CONTINUE: c_int = 0;
/// What a callback returns to stop: the call then fails with `GLANCE_ABORTED`.
pub const GLANCE_CB_ABORT: c_int = 1;

/// How an upload's body is framed (`glance_transfer_opts_set_framing`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum glance_framing {
    /// Chunked (the fastest against Glance under gunicorn); where the front
    /// end refuses chunked bodies (uWSGI, Apache's mod_proxy_uwsgi: 411, or a
    /// 400/501 naming the framing) the upload is sent again with
    /// `Content-Length` and the client's later uploads use it at once. A
    /// callback cannot be read twice: one of known size goes with
    /// `Content-Length` until a chunked upload has gone through the client.
    /// The default.
    GLANCE_FRAMING_AUTO = 0,
    /// Always `Content-Length`; an upload of unknown size is refused.
    GLANCE_FRAMING_CONTENT_LENGTH = 1,
    /// Always chunked, 64 KiB chunks, never falling back.
    GLANCE_FRAMING_CHUNKED = 2,
}

/// Progress of a transfer: `done` bytes moved of `total` (0 when unknown).
/// Called when the transfer starts, every 4 MiB or 100 ms while data moves,
/// and at the end. Returns `GLANCE_CB_CONTINUE`, or `GLANCE_CB_ABORT` to stop.
pub type glance_progress_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, done: u64, total: u64) -> c_int>;

/// What a progress report is about (`glance_phase_progress_cb`). More
/// phases may come: treat an unknown one like `GLANCE_PHASE_TRANSFER`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum glance_phase {
    /// One upload or download on its own (image data, one object): `done`
    /// and `total` are its bytes.
    GLANCE_PHASE_TRANSFER = 0,
    /// A copy's, export's or import's data moving, downloaded from the
    /// source and uploaded to the target at once: `done` bytes reached the
    /// target, of `total` (the image's size).
    GLANCE_PHASE_MOVING = 1,
    /// Glance processing an import (or fetching the data itself): `done`
    /// and `total` are 0; called after each poll.
    GLANCE_PHASE_IMPORTING = 2,
}

impl From<Phase> for glance_phase {
    fn from(phase: Phase) -> Self {
        match phase {
            Phase::Moving => glance_phase::GLANCE_PHASE_MOVING,
            Phase::Importing => glance_phase::GLANCE_PHASE_IMPORTING,
            _ => glance_phase::GLANCE_PHASE_TRANSFER,
        }
    }
}

/// Progress with the phase it is about: `done` bytes of `total` (0 when
/// unknown), at the rate of `glance_progress_cb`. Returns
/// `GLANCE_CB_CONTINUE`, or `GLANCE_CB_ABORT` to stop.
pub type glance_phase_progress_cb = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        done: u64,
        total: u64,
        phase: glance_phase,
    ) -> c_int,
>;

/// The progress callback C gave, of either kind.
#[derive(Clone, Copy)]
enum Reporter {
    None,
    Plain(unsafe extern "C" fn(*mut c_void, u64, u64) -> c_int),
    Phased(unsafe extern "C" fn(*mut c_void, u64, u64, glance_phase) -> c_int),
}

/// Supplies upload data: writes at most `capacity` bytes to `buffer`, stores
/// how many in `*out_len` (0: the data has ended) and returns
/// `GLANCE_CB_CONTINUE`; or returns `GLANCE_CB_ABORT` to stop the upload.
pub type glance_read_cb = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        buffer: *mut u8,
        capacity: usize,
        out_len: *mut usize,
    ) -> c_int,
>;

/// Receives downloaded data, `len` bytes at `data` (valid during the call
/// only). Returns `GLANCE_CB_CONTINUE`, or `GLANCE_CB_ABORT` to stop.
pub type glance_write_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, data: *const u8, len: usize) -> c_int>;

/// Options of uploads and downloads. Made by `glance_transfer_opts_new`,
/// freed by `glance_transfer_opts_free`; calls only read it, so one can serve
/// several transfers. Every transfer function also accepts NULL for defaults.
///
/// Not thread-safe: one thread at a time may use it.
pub struct glance_transfer_opts {
    pub(crate) store: Option<String>,
    pub(crate) framing: Framing,
    pub(crate) skip_verification: bool,
    pub(crate) multihash: Option<HashAlgorithm>,
    pub(crate) expected_digest: Option<ExpectedDigest>,
    restart: bool,
    progress: Reporter,
    progress_userdata: *mut c_void,
    prefer_stores: Vec<String>,
}

impl Default for glance_transfer_opts {
    fn default() -> Self {
        glance_transfer_opts {
            store: None,
            framing: Framing::Auto,
            skip_verification: false,
            multihash: None,
            expected_digest: None,
            restart: false,
            progress: Reporter::None,
            progress_userdata: std::ptr::null_mut(),
            prefer_stores: Vec::new(),
        }
    }
}

/// Makes default transfer options. Returns a new handle owned by the caller
/// (free it with `glance_transfer_opts_free`); NULL only if the library failed
/// internally.
#[no_mangle]
pub extern "C" fn glance_transfer_opts_new() -> *mut glance_transfer_opts {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_transfer_opts::default())
    })
}

/// Frees transfer options. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_transfer_opts_free(opts: *mut glance_transfer_opts) {
    boundary::value((), || {
        // SAFETY: NULL or made by glance_transfer_opts_new, per the C contract.
        unsafe { boundary::free(opts) }
    })
}

pub(crate) fn set(
    opts: *mut glance_transfer_opts,
    apply: impl FnOnce(&mut glance_transfer_opts) -> CallResult,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live options used by this thread only, per the docs.
        let opts = unsafe { borrow_mut(opts, "opts") }?;
        apply(opts)
    })
}

/// Uploads go to this store (`X-Image-Meta-Store`), e.g. "fs2"; NULL: the
/// cloud's default store. The string is copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty or malformed store id).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_store(
    opts: *mut glance_transfer_opts,
    store: *const c_char,
) -> glance_status {
    set(opts, |opts| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let store = unsafe { optional_text(store, "store") }?;
        if let Some(store) = store {
            crate::images::check_id("store", store)?;
        }
        opts.store = store.map(str::to_owned);
        Ok(())
    })
}

/// Downloads read from the stores listed in `stores` (comma-separated ids,
/// for example "fs2") rather than the image's others. To clear the list,
/// `stores` may be NULL or "".
/// Among the preferred stores the image's own location order applies; Glance
/// falls back to the other stores when the image is in none of them. A store
/// the cloud does not have fails the download with `GLANCE_NOT_SUPPORTED`.
/// The string is copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (a malformed store id).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_prefer_stores(
    opts: *mut glance_transfer_opts,
    stores: *const c_char,
) -> glance_status {
    set(opts, |opts| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let stores = unsafe { optional_text(stores, "stores") }?.unwrap_or("");
        let list: Vec<String> = stores
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        for store in &list {
            crate::images::check_id("store", store)?;
        }
        opts.prefer_stores = list;
        Ok(())
    })
}

/// The framing of uploads: a `glance_framing` value.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_ARG` (not a
/// `glance_framing`).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_framing(
    opts: *mut glance_transfer_opts,
    framing: u32,
) -> glance_status {
    set(opts, |opts| {
        opts.framing = match framing {
            0 => Framing::Auto,
            1 => Framing::ContentLength,
            2 => Framing::Chunked,
            other => {
                return Err(CallError::invalid_argument(format!(
                    "{other} is not a glance_framing"
                )))
            }
        };
        Ok(())
    })
}

/// Whether to skip hashing and comparing the data with the image's digests
/// (default false: every transfer is verified).
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_skip_verification(
    opts: *mut glance_transfer_opts,
    skip: bool,
) -> glance_status {
    set(opts, |opts| {
        opts.skip_verification = skip;
        Ok(())
    })
}

/// For uploads: the multihash algorithm the cloud is expected to use (its
/// Glance `hashing_algorithm`), by `hashlib` name: "sha512" (Glance's default),
/// "sha384", "sha256", "sha224" or "md5"; case and a '-' are ignored.
/// `algorithm` may be NULL: back to SHA-512. When the image ends up with another `os_hash_algo`,
/// only its MD5 `checksum` is compared. Downloads always verify with the
/// image's own algorithm.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG` (`opts`), `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an algorithm Glance cannot use).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_multihash(
    opts: *mut glance_transfer_opts,
    algorithm: *const c_char,
) -> glance_status {
    set(opts, |opts| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let algorithm = unsafe { optional_text(algorithm, "algorithm") }?;
        opts.multihash = algorithm
            .map(|name| {
                name.parse::<HashAlgorithm>().map_err(|()| {
                    CallError::invalid_argument(format!(
                        "'{name}' is not a hash algorithm Glance uses \
                         (sha512, sha384, sha256, sha224, md5)"
                    ))
                })
            })
            .transpose()?;
        Ok(())
    })
}

/// For downloads to a file: whether to ignore a partial file left by an
/// earlier attempt and start from the first byte (default false: resume).
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_restart(
    opts: *mut glance_transfer_opts,
    restart: bool,
) -> glance_status {
    set(opts, |opts| {
        opts.restart = restart;
        Ok(())
    })
}

/// The progress callback (NULL: none) and the `userdata` it is given; both
/// are kept until changed and must stay valid while transfers use them.
/// Replaces a callback set with `glance_transfer_opts_set_phase_progress`.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG` (`opts` only).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_progress(
    opts: *mut glance_transfer_opts,
    callback: glance_progress_cb,
    userdata: *mut c_void,
) -> glance_status {
    set(opts, |opts| {
        opts.progress = callback.map_or(Reporter::None, Reporter::Plain);
        opts.progress_userdata = userdata;
        Ok(())
    })
}

/// The progress callback that is also told the phase (NULL: none), and the
/// `userdata` it is given; both are kept until changed and must stay valid
/// while transfers use them. Replaces a callback set with
/// `glance_transfer_opts_set_progress`. Image and object transfers report
/// `GLANCE_PHASE_TRANSFER`; copies, exports and imports
/// (`glance_image_copy_to_opts`, ...) `GLANCE_PHASE_MOVING` and
/// `GLANCE_PHASE_IMPORTING`.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG` (`opts` only).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_phase_progress(
    opts: *mut glance_transfer_opts,
    callback: glance_phase_progress_cb,
    userdata: *mut c_void,
) -> glance_status {
    set(opts, |opts| {
        opts.progress = callback.map_or(Reporter::None, Reporter::Phased);
        opts.progress_userdata = userdata;
        Ok(())
    })
}

/// The options C passed, or the defaults for NULL.
///
/// # Safety
/// `opts` is NULL or live options not used elsewhere during the call.
pub(crate) unsafe fn options<'a>(opts: *const glance_transfer_opts) -> &'a glance_transfer_opts {
    // SAFETY: the caller's promise.
    unsafe { opts.as_ref() }.unwrap_or(&NO_OPTIONS.0)
}

/// Defaults for a NULL options pointer (never changed, so shareable).
struct Defaults(glance_transfer_opts);
// SAFETY: the defaults hold a NULL userdata and no callback; nothing is shared.
unsafe impl Sync for Defaults {}
static NO_OPTIONS: Defaults = Defaults(glance_transfer_opts {
    store: None,
    framing: Framing::Auto,
    skip_verification: false,
    multihash: None,
    expected_digest: None,
    restart: false,
    progress: Reporter::None,
    progress_userdata: std::ptr::null_mut(),
    prefer_stores: Vec::new(),
});

/// Calls the C progress callback.
pub(crate) fn progress_of(
    opts: &glance_transfer_opts,
) -> Option<impl FnMut(Progress) -> ControlFlow<()>> {
    let reporter = opts.progress;
    if let Reporter::None = reporter {
        return None;
    }
    let userdata = opts.progress_userdata;
    Some(move |p: Progress| {
        let total = p.total.unwrap_or(0);
        // SAFETY: the caller gave a valid callback and userdata, per the docs.
        let answer = unsafe {
            match reporter {
                Reporter::Plain(callback) => callback(userdata, p.done, total),
                Reporter::Phased(callback) => callback(userdata, p.done, total, p.phase.into()),
                Reporter::None => GLANCE_CB_CONTINUE,
            }
        };
        if answer == GLANCE_CB_CONTINUE {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    })
}

/// Reads upload data through a C callback; remembers an abort.
pub(crate) struct CallbackReader {
    callback: unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> c_int,
    userdata: *mut c_void,
    aborted: Cell<bool>,
}

impl CallbackReader {
    /// The reader of a callback C passed (`'read'` when NULL).
    pub(crate) fn new(read: glance_read_cb, userdata: *mut c_void) -> CallResult<CallbackReader> {
        let callback =
            read.ok_or_else(|| CallError::new(glance_status::GLANCE_NULL_ARG, "'read' is NULL"))?;
        Ok(CallbackReader {
            callback,
            userdata,
            aborted: Cell::new(false),
        })
    }

    /// The call's error: `GLANCE_ABORTED` when the callback asked to stop.
    pub(crate) fn failure(&self, error: crate::Error) -> CallError {
        aborted_or(self.aborted.get(), error)
    }
}

impl Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut len = 0usize;
        // SAFETY: a valid callback per the docs; `buf` is writable for its length.
        let answer =
            unsafe { (self.callback)(self.userdata, buf.as_mut_ptr(), buf.len(), &mut len) };
        if answer != GLANCE_CB_CONTINUE {
            self.aborted.set(true);
            return Err(io::Error::other("the read callback aborted"));
        }
        if len > buf.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the read callback claimed {len} bytes of a {}-byte buffer",
                    buf.len()
                ),
            ));
        }
        Ok(len)
    }
}

/// Writes download data through a C callback; remembers an abort.
pub(crate) struct CallbackWriter {
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    userdata: *mut c_void,
    aborted: bool,
}

impl CallbackWriter {
    /// The writer of a callback C passed (`'write'` when NULL).
    pub(crate) fn new(write: glance_write_cb, userdata: *mut c_void) -> CallResult<CallbackWriter> {
        let callback = write
            .ok_or_else(|| CallError::new(glance_status::GLANCE_NULL_ARG, "'write' is NULL"))?;
        Ok(CallbackWriter {
            callback,
            userdata,
            aborted: false,
        })
    }

    /// The call's error: `GLANCE_ABORTED` when the callback asked to stop.
    pub(crate) fn failure(&self, error: crate::Error) -> CallError {
        aborted_or(self.aborted, error)
    }
}

impl Write for CallbackWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // SAFETY: a valid callback per the docs; `data` is readable for its length.
        let answer = unsafe { (self.callback)(self.userdata, data.as_ptr(), data.len()) };
        if answer != GLANCE_CB_CONTINUE {
            self.aborted = true;
            return Err(io::Error::other("the write callback aborted"));
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An abort by a data callback is `GLANCE_ABORTED`, like one by progress.
fn aborted_or(aborted: bool, error: crate::Error) -> CallError {
    if aborted {
        CallError::from(crate::Error::Aborted)
    } else {
        CallError::from(error)
    }
}

/// Runs an upload and hands the image to `out_image` (when not NULL).
fn upload(
    client: *const glance_client,
    id: *const c_char,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
    call: impl FnOnce(&Client, &str, UploadOptions<'_>) -> CallResult<Option<Image>>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let id = unsafe { text(id, "id") }?;
        let out = unsafe { Out::optional(out_image) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = UploadOptions {
            store: opts.store.clone(),
            framing: opts.framing,
            skip_verification: opts.skip_verification,
            multihash: opts.multihash,
            expected_digest: opts.expected_digest.clone(),
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        };
        let image = call(&client.client, id, options)?;
        if let (Some(out), Some(image)) = (out, image) {
            out.set(boundary::give(glance_image::new(image)));
        }
        Ok(())
    })
}

/// Uploads the file at `path` as the data of the `queued` image `id`
/// (`PUT /v2/images/{id}/file`), hashed while it streams and compared with
/// the `checksum` and `os_hash_value` Glance records. Memory stays constant.
/// After a 401 the file is sent once more with a renewed token.
///
/// `opts` may be NULL (defaults). `out_image` may be NULL; otherwise it
/// receives, on success, the image as it is after the upload (owned by the
/// caller: free it with `glance_image_free`). Thread-safe as far as `client`
/// goes; callbacks run on the calling thread.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_IO` (the file cannot be read),
/// `GLANCE_ABORTED` (the progress callback stopped it),
/// `GLANCE_CHECKSUM_MISMATCH` (Glance recorded other digests: the data was
/// corrupted on the way), `GLANCE_CONFLICT` (the image is not `queued`),
/// `GLANCE_TOO_LARGE` (a size cap or quota), `GLANCE_NOT_FOUND`, and the
/// failures every request can have (`GLANCE_UNAUTHORIZED`,
/// `GLANCE_FORBIDDEN`, `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`, `GLANCE_SERVICE_UNAVAILABLE`,
/// `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_image_upload_file(
    client: *const glance_client,
    id: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    let path = match unsafe { text(path, "path") } {
        Ok(path) => path,
        Err(e) => return boundary::run(|| Err(e)),
    };
    upload(client, id, opts, out_image, |client, id, options| {
        Ok(Some(client.upload_image(
            id,
            UploadData::file(path),
            options,
        )?))
    })
}

/// Uploads `len` bytes at `data` (borrowed for the call only) as the data of
/// the image `id`; otherwise as `glance_image_upload_file`. A buffer can be
/// sent again after a 401.
#[no_mangle]
pub extern "C" fn glance_image_upload_buffer(
    client: *const glance_client,
    id: *const c_char,
    data: *const u8,
    len: usize,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    upload(client, id, opts, out_image, |client, id, options| {
        let bytes = slice(data, len)?;
        Ok(Some(client.upload_image(
            id,
            UploadData::bytes(bytes),
            options,
        )?))
    })
}

/// `len` bytes at `data`, or an empty slice when `len` is 0.
pub(crate) fn slice<'a>(data: *const u8, len: usize) -> CallResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(CallError::new(
            glance_status::GLANCE_NULL_ARG,
            "'data' is NULL",
        ));
    }
    // No buffer is this large; such a length must not reach `from_raw_parts`
    // (found by tests/c_bad_input.rs).
    if len > isize::MAX as usize {
        return Err(CallError::invalid_argument(format!(
            "'len' ({len}) is larger than any buffer"
        )));
    }
    // SAFETY: `data` holds `len` readable bytes during the call, per the C contract.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Runs `call` on the data a C read callback supplies (`size` negative:
/// unknown); the callback stopping the transfer is `GLANCE_ABORTED`.
pub(crate) fn from_callback<T>(
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    call: impl FnOnce(UploadData<'_>) -> crate::Result<T>,
) -> CallResult<T> {
    let mut reader = CallbackReader::new(read, userdata)?;
    let outcome = call(UploadData::reader(&mut reader, u64::try_from(size).ok()));
    outcome.map_err(|e| reader.failure(e))
}

/// Uploads data that `read` supplies, as the data of the image `id`. With a
/// `size` of 0 or more, exactly that many bytes are sent (a callback that
/// ends sooner fails the upload with `GLANCE_INVALID_ARG`), with
/// `Content-Length` unless the options choose chunked or, with
/// `GLANCE_FRAMING_AUTO`, a chunked upload has gone through this client; with a negative `size` the body goes chunked until
/// the callback reports the end. A callback cannot rewind, so a 401 is not
/// retried. The callback returning `GLANCE_CB_ABORT` gives `GLANCE_ABORTED`.
/// Otherwise as `glance_image_upload_file`.
#[no_mangle]
pub extern "C" fn glance_image_upload_callback(
    client: *const glance_client,
    id: *const c_char,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    opts: *const glance_transfer_opts,
    out_image: *mut *mut glance_image,
) -> glance_status {
    upload(client, id, opts, out_image, |client, id, options| {
        from_callback(read, userdata, size, |data| {
            client.upload_image(id, data, options).map(Some)
        })
    })
}

/// Stages the file at `path` for a `glance-direct` import of the image `id`
/// (`PUT /v2/images/{id}/stage`); follow with `glance_image_import`. Glance
/// records no digest for staged data: `GLANCE_CHECKSUM_MISMATCH` comes only
/// from an expected digest (`glance_transfer_opts_set_expected_digest`).
/// Otherwise returns the statuses of `glance_image_upload_file`.
#[no_mangle]
pub extern "C" fn glance_image_stage_file(
    client: *const glance_client,
    id: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    let path = match unsafe { text(path, "path") } {
        Ok(path) => path,
        Err(e) => return boundary::run(|| Err(e)),
    };
    upload(
        client,
        id,
        opts,
        std::ptr::null_mut(),
        |client, id, options| {
            client.stage_image_data(id, UploadData::file(path), options)?;
            Ok(None)
        },
    )
}

/// Stages `len` bytes at `data` for a `glance-direct` import; otherwise as
/// `glance_image_stage_file`.
#[no_mangle]
pub extern "C" fn glance_image_stage_buffer(
    client: *const glance_client,
    id: *const c_char,
    data: *const u8,
    len: usize,
    opts: *const glance_transfer_opts,
) -> glance_status {
    upload(
        client,
        id,
        opts,
        std::ptr::null_mut(),
        |client, id, options| {
            let bytes = slice(data, len)?;
            client.stage_image_data(id, UploadData::bytes(bytes), options)?;
            Ok(None)
        },
    )
}

/// Stages the data `read` supplies for a `glance-direct` import, in constant
/// memory: with a `size` of 0 or more exactly that many bytes (a callback
/// that ends sooner fails with `GLANCE_INVALID_ARG`), with a negative `size`
/// chunked until the callback reports the end. A callback cannot rewind, so a
/// 401 is not retried. The callback returning `GLANCE_CB_ABORT` gives
/// `GLANCE_ABORTED`. Otherwise as `glance_image_stage_file`.
#[no_mangle]
pub extern "C" fn glance_image_stage_callback(
    client: *const glance_client,
    id: *const c_char,
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    opts: *const glance_transfer_opts,
) -> glance_status {
    upload(
        client,
        id,
        opts,
        std::ptr::null_mut(),
        |client, id, options| {
            from_callback(read, userdata, size, |data| {
                client.stage_image_data(id, data, options)
            })?;
            Ok(None)
        },
    )
}

/// Runs a download with the options' settings; `*out_bytes` (when not NULL)
/// receives the size on success.
fn download(
    client: *const glance_client,
    id: *const c_char,
    opts: *const glance_transfer_opts,
    out_bytes: *mut u64,
    call: impl FnOnce(&Client, &str, DownloadOptions<'_>) -> CallResult<u64>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let id = unsafe { text(id, "id") }?;
        let out = unsafe { Out::optional(out_bytes) };
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = DownloadOptions {
            skip_verification: opts.skip_verification,
            restart: opts.restart,
            prefer_stores: opts.prefer_stores.clone(),
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        };
        let bytes = call(&client.client, id, options)?;
        if let Some(out) = out {
            out.set(bytes);
        }
        Ok(())
    })
}

/// Downloads the data of the image `id` into the file at `path`, verified
/// against the image's multihash (`os_hash_value`), else its MD5 `checksum`,
/// else the `Content-MD5` header. The data goes to `<path>.<id>.part` beside
/// the target, is synced and renamed to `path` only once verified, so a failed
/// download never leaves a file that looks complete. A broken connection is
/// resumed with `Range`; after a stall, a cut or an abort the partial file
/// stays and the next call resumes from it (unless the options say restart);
/// a partial file already holding the whole image is verified and renamed
/// without another request.
///
/// The partial file is never reached through a symbolic link: a link at its
/// name, or anything else that cannot be a partial file this library made
/// (not a regular file, another user's, hard-linked), gives `GLANCE_IO` and
/// is left untouched. A new one is created exclusively with the permissions
/// of the file at `path`, else 0600. Verified or not, the data stops at the
/// image's recorded size: a longer body gives `GLANCE_INVALID_RESPONSE`
/// before a byte past it is written (no file is left).
///
/// `opts` may be NULL (defaults); `out_bytes` may be NULL, else it receives
/// the size on success.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG`, `GLANCE_NO_DATA` (the image is `queued`),
/// `GLANCE_CHECKSUM_MISMATCH` (no file is left), `GLANCE_ABORTED`,
/// `GLANCE_IO`, `GLANCE_NOT_FOUND`, `GLANCE_FORBIDDEN` (deactivated), and the
/// failures every request can have.
#[no_mangle]
pub extern "C" fn glance_image_download_file(
    client: *const glance_client,
    id: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
    out_bytes: *mut u64,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    let path = match unsafe { text(path, "path") } {
        Ok(path) => path,
        Err(e) => return boundary::run(|| Err(e)),
    };
    download(client, id, opts, out_bytes, |client, id, options| {
        Ok(client.download_image_to_file(id, path, options)?.bytes)
    })
}

/// Downloads the data of the image `id` through `write`, verified as
/// `glance_image_download_file` does. The callback has seen every byte when
/// a mismatch is found: `GLANCE_CHECKSUM_MISMATCH` then says not to trust
/// them. The callback returning `GLANCE_CB_ABORT` gives `GLANCE_ABORTED`.
/// It never sees a byte past the image's recorded size: a longer body gives
/// `GLANCE_INVALID_RESPONSE`.
#[no_mangle]
pub extern "C" fn glance_image_download_callback(
    client: *const glance_client,
    id: *const c_char,
    write: glance_write_cb,
    userdata: *mut c_void,
    opts: *const glance_transfer_opts,
    out_bytes: *mut u64,
) -> glance_status {
    download(client, id, opts, out_bytes, |client, id, options| {
        let mut writer = CallbackWriter::new(write, userdata)?;
        let outcome = client.download_image(id, &mut writer, options);
        outcome.map(|d| d.bytes).map_err(|e| writer.failure(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_no_buffer_can_have_is_refused() {
        let byte = 0u8;
        let result = slice(&byte, usize::MAX);
        assert!(matches!(result, Err(e) if e.status == glance_status::GLANCE_INVALID_ARG));
        assert_eq!(slice(&byte, 1).unwrap(), &[0]);
    }
}
