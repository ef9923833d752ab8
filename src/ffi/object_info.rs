//! `glance_object_info`: what Swift says about one object (`HEAD`): size,
//! ETag, content type, segments, metadata.

use std::ffi::{c_char, CString};

use super::boundary::{self, c_text, lend, text, Out};
use super::error::glance_status;
use super::object_store::{glance_object_store, on_object};
use crate::object_store::{LargeObject, ObjectInfo};

/// What Swift says about one object (a snapshot). Immutable; strings its
/// getters return are borrowed from it. Free it with `glance_object_info_free`.
pub struct glance_object_info {
    info: ObjectInfo,
    etag: Option<CString>,
    content_type: Option<CString>,
    /// `X-Object-Meta-*` (names lower-cased, without the prefix).
    metadata: Vec<(String, Option<CString>)>,
}

/// What Swift says about an object (`HEAD`). On success `*out_info` receives
/// a new handle owned by the caller (free it with `glance_object_info_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NOT_FOUND` (no such object or container),
/// `GLANCE_INVALID_ARG` (an empty object name, before any request), and the
/// statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_info_get(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    out_info: *mut *mut glance_object_info,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        // SAFETY: NULL or a writable pointer, per the C contract.
        let out = unsafe { Out::new(out_info, "out_info") }?;
        let info = store.object_info(container, object)?;
        out.set(boundary::give(glance_object_info {
            etag: info.etag.as_deref().and_then(c_text),
            content_type: info.content_type.as_deref().and_then(c_text),
            metadata: info
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), c_text(v)))
                .collect(),
            info,
        }));
        Ok(())
    })
}

/// The object's size in bytes; 0 when `info` is NULL.
#[no_mangle]
pub extern "C" fn glance_object_info_size(info: *const glance_object_info) -> u64 {
    boundary::get(info, 0, |i| i.info.size)
}

/// The ETag without quotes; NULL when absent. Borrowed from `info`.
#[no_mangle]
pub extern "C" fn glance_object_info_etag(info: *const glance_object_info) -> *const c_char {
    boundary::get(info, std::ptr::null(), |i| lend(&i.etag))
}

/// The content type; NULL when absent. Borrowed from `info`.
#[no_mangle]
pub extern "C" fn glance_object_info_content_type(
    info: *const glance_object_info,
) -> *const c_char {
    boundary::get(info, std::ptr::null(), |i| lend(&i.content_type))
}

/// Whether the object is made of segments (a static or dynamic large
/// object); false when `info` is NULL.
#[no_mangle]
pub extern "C" fn glance_object_info_is_large(info: *const glance_object_info) -> bool {
    boundary::get(info, false, |i| i.info.large_object != LargeObject::No)
}

/// The value of metadata header `X-Object-Meta-<name>` (`name` matched
/// without regard to case); NULL when absent or an argument is NULL or not
/// UTF-8. `name` is only read; the result is borrowed from `info`.
#[no_mangle]
pub extern "C" fn glance_object_info_metadata(
    info: *const glance_object_info,
    name: *const c_char,
) -> *const c_char {
    boundary::get(info, std::ptr::null(), |i| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let Ok(name) = (unsafe { text(name, "name") }) else {
            return std::ptr::null();
        };
        let name = name.to_ascii_lowercase();
        i.metadata
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(std::ptr::null(), |(_, v)| lend(v))
    })
}

/// Frees object info. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_object_info_free(info: *mut glance_object_info) {
    // SAFETY: NULL or info from glance_object_info_get, per the contract.
    boundary::value((), || unsafe { boundary::free(info) })
}
