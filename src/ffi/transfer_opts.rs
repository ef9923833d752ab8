//! `glance_transfer_opts`: the options every upload and download takes
//! (store, framing, verification, resuming, the progress callback).

use std::ffi::{c_char, c_void};
use std::ops::ControlFlow;

use super::boundary::{self, optional_text, CallError};
use super::callbacks::{glance_phase_progress_cb, glance_progress_cb, Reporter};
use super::error::glance_status;
use crate::{
    digest::{ExpectedDigest, HashAlgorithm},
    image_data::{Framing, Progress, UploadOptions},
};

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
    pub(crate) restart: bool,
    progress: Reporter,
    progress_userdata: *mut c_void,
    pub(crate) prefer_stores: Vec<String>,
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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
    boundary::change(opts, "opts", |opts| {
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

impl glance_transfer_opts {
    /// The options of an image upload, reporting to `progress`.
    pub(crate) fn upload_options<'a>(
        &self,
        progress: Option<&'a mut (dyn FnMut(Progress) -> ControlFlow<()> + 'a)>,
    ) -> UploadOptions<'a> {
        UploadOptions {
            store: self.store.clone(),
            framing: self.framing,
            skip_verification: self.skip_verification,
            multihash: self.multihash,
            expected_digest: self.expected_digest.clone(),
            progress,
        }
    }
}

/// The progress closure of the options' C callback, if any.
pub(crate) fn progress_of(
    opts: &glance_transfer_opts,
) -> Option<impl FnMut(Progress) -> ControlFlow<()>> {
    opts.progress.progress(opts.progress_userdata)
}
