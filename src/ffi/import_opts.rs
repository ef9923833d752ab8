//! `glance_import_opts`: an import request (its method and the stores to
//! fill) that the import calls of `import.rs` take.

use std::ffi::c_char;

use super::boundary::{self, optional_text, text, CallError};
use super::error::glance_status;
use crate::import::{ImportMethod, ImportOptions};

/// An import request: its method and the stores to fill. Made by
/// `glance_import_opts_new` (method `glance-direct`, the default store),
/// freed by `glance_import_opts_free`; calls only read it.
///
/// Not thread-safe: one thread at a time may use it.
pub struct glance_import_opts {
    pub(crate) method: Option<ImportMethod>,
    pub(crate) stores: ImportOptions,
}

/// Makes an import request for `glance-direct` into the default store.
/// Returns a new handle owned by the caller (free it with
/// `glance_import_opts_free`); NULL only if the library failed internally.
#[no_mangle]
pub extern "C" fn glance_import_opts_new() -> *mut glance_import_opts {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_import_opts {
            method: None,
            stores: ImportOptions::default(),
        })
    })
}

/// Frees an import request. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_import_opts_free(opts: *mut glance_import_opts) {
    boundary::value((), || {
        // SAFETY: NULL or made by glance_import_opts_new, per the C contract.
        unsafe { boundary::free(opts) }
    })
}

/// The import method: "glance-direct", "web-download" (with `uri`, the
/// http(s) URL Glance fetches) or "copy-image"; `uri` is ignored by the
/// others and may be NULL. Strings are copied. "glance-download" needs more:
/// set it with `glance_import_opts_set_glance_download`.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an unknown method, or web-download without a URL).
#[no_mangle]
pub extern "C" fn glance_import_opts_set_method(
    opts: *mut glance_import_opts,
    method: *const c_char,
    uri: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |opts| {
        // SAFETY: NUL-terminated strings (uri may be NULL), per the C contract.
        let method = unsafe { text(method, "method") }?;
        let uri = unsafe { optional_text(uri, "uri") }?;
        opts.method = Some(match (method, uri) {
            ("glance-direct", _) => ImportMethod::GlanceDirect,
            ("copy-image", _) => ImportMethod::CopyImage,
            ("web-download", Some(uri)) => ImportMethod::WebDownload {
                uri: uri.to_owned(),
            },
            ("web-download", None) => {
                return Err(CallError::invalid_argument("web-download needs a URI"))
            }
            ("glance-download", _) => {
                return Err(CallError::invalid_argument(
                    "glance-download needs an image and a region: use glance_import_opts_set_glance_download",
                ))
            }
            (other, _) => {
                return Err(CallError::invalid_argument(format!(
                    "'{other}' is not an import method this library knows"
                )))
            }
        });
        Ok(())
    })
}

/// The import method "glance-download": the data comes from the image
/// `image_id` of the Glance of region `region`, which the importing Glance
/// finds in the caller's token catalog and fetches itself. The catalog
/// interface `service_interface` may be NULL ("public"). Strings are copied.
/// Like every import, follow with `glance_image_wait_import`.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty or malformed image id, an empty region or
/// interface).
#[no_mangle]
pub extern "C" fn glance_import_opts_set_glance_download(
    opts: *mut glance_import_opts,
    image_id: *const c_char,
    region: *const c_char,
    service_interface: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |opts| {
        // SAFETY: NUL-terminated strings (service_interface may be NULL), per the C contract.
        let image_id = unsafe { text(image_id, "image_id") }?;
        let region = unsafe { text(region, "region") }?;
        let interface = unsafe { optional_text(service_interface, "service_interface") }?;
        crate::images::check_id("image id", image_id)?;
        if region.trim().is_empty() {
            return Err(CallError::invalid_argument(
                "glance-download needs a region",
            ));
        }
        if interface.is_some_and(|i| i.trim().is_empty()) {
            return Err(CallError::invalid_argument(
                "the service interface must not be empty (NULL means public)",
            ));
        }
        opts.method = Some(ImportMethod::GlanceDownload {
            image_id: image_id.to_owned(),
            region: region.to_owned(),
            service_interface: interface.map(str::to_owned),
        });
        Ok(())
    })
}

/// Adds a store to fill (an id from `glance_stores_json`). The string is copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty or malformed store id).
#[no_mangle]
pub extern "C" fn glance_import_opts_add_store(
    opts: *mut glance_import_opts,
    store: *const c_char,
) -> glance_status {
    boundary::change(opts, "opts", |opts| {
        // SAFETY: a NUL-terminated string, per the C contract.
        let store = unsafe { text(store, "store") }?;
        crate::images::check_id("store", store)?;
        opts.stores.stores.push(store.to_owned());
        Ok(())
    })
}

/// Whether to fill every store of the cloud (default false).
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_import_opts_set_all_stores(
    opts: *mut glance_import_opts,
    all: bool,
) -> glance_status {
    boundary::change(opts, "opts", |opts| {
        opts.stores.all_stores = Some(all);
        Ok(())
    })
}

/// Whether the import fails as a whole when one store fails (Glance's
/// default, true) or goes on with the others.
///
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_import_opts_set_all_stores_must_succeed(
    opts: *mut glance_import_opts,
    must: bool,
) -> glance_status {
    boundary::change(opts, "opts", |opts| {
        opts.stores.all_stores_must_succeed = Some(must);
        Ok(())
    })
}
