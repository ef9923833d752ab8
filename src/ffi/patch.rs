//! JSON Patch operations for `glance_image_update`, added one by one.

use std::ffi::c_char;

use serde_json::Value;

use super::boundary::{self, borrow_mut, text, CallError, CallResult};
use super::error::glance_status;
use crate::Patch;

/// A list of update operations (add, replace, remove of top-level image
/// attributes) for `glance_image_update`, applied in the order they were
/// added. Keys are escaped for you, so any property name works.
///
/// Made by `glance_image_patch_new`, freed by `glance_image_patch_free`;
/// `glance_image_update` only reads it. Not thread-safe: one thread at a time
/// may change it.
pub struct glance_image_patch {
    pub(crate) operations: Vec<Patch>,
}

/// Runs a function that appends one operation.
fn push(
    patch: *mut glance_image_patch,
    key: *const c_char,
    make: impl FnOnce(&str) -> CallResult<Patch>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live patch / NUL-terminated string, per the C contract.
        let patch = unsafe { borrow_mut(patch, "patch") }?;
        let key = unsafe { text(key, "key") }?;
        let operation = make(key)?;
        patch.operations.push(operation);
        Ok(())
    })
}

/// A string argument that must be a JSON document.
///
/// # Safety
/// As [`text`].
unsafe fn json(value: *const c_char) -> CallResult<Value> {
    // SAFETY: passed on from the caller.
    let value = unsafe { text(value, "json") }?;
    serde_json::from_str(value)
        .map_err(|e| CallError::invalid_argument(format!("'json' is not valid JSON: {e}")))
}

/// Makes an empty patch. Returns a new handle owned by the caller (free it
/// with `glance_image_patch_free`); NULL only if the library failed internally.
#[no_mangle]
pub extern "C" fn glance_image_patch_new() -> *mut glance_image_patch {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_image_patch {
            operations: Vec::new(),
        })
    })
}

/// Frees a patch. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_image_patch_free(patch: *mut glance_image_patch) {
    // SAFETY: NULL or a patch from glance_image_patch_new, per the C contract.
    boundary::value((), || unsafe { boundary::free(patch) })
}

/// Appends `add` of attribute `key` with a string value (custom properties
/// are strings). The arguments are copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_image_patch_add(
    patch: *mut glance_image_patch,
    key: *const c_char,
    value: *const c_char,
) -> glance_status {
    push(patch, key, |key| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let value = unsafe { text(value, "value") }?;
        Ok(Patch::add(key, value))
    })
}

/// Appends `add` of attribute `key` with any JSON value, e.g. `"[\"a\"]"` for
/// `tags` or `"true"` for `protected`. The arguments are copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`, or
/// `GLANCE_INVALID_ARG` when `json` is not a JSON document.
#[no_mangle]
pub extern "C" fn glance_image_patch_add_json(
    patch: *mut glance_image_patch,
    key: *const c_char,
    json: *const c_char,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    push(patch, key, |key| {
        Ok(Patch::add(key, unsafe { self::json(json) }?))
    })
}

/// Appends `replace` of attribute `key` with a string value (e.g. `name`).
/// The arguments are copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_image_patch_replace(
    patch: *mut glance_image_patch,
    key: *const c_char,
    value: *const c_char,
) -> glance_status {
    push(patch, key, |key| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let value = unsafe { text(value, "value") }?;
        Ok(Patch::replace(key, value))
    })
}

/// Appends `replace` of attribute `key` with any JSON value, e.g. `"512"` for
/// `min_ram`. The arguments are copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`, or
/// `GLANCE_INVALID_ARG` when `json` is not a JSON document.
#[no_mangle]
pub extern "C" fn glance_image_patch_replace_json(
    patch: *mut glance_image_patch,
    key: *const c_char,
    json: *const c_char,
) -> glance_status {
    // SAFETY: NULL or a NUL-terminated string, per the C contract.
    push(patch, key, |key| {
        Ok(Patch::replace(key, unsafe { self::json(json) }?))
    })
}

/// Appends `remove` of attribute `key` (the server answers 409 when the
/// image does not have it). The key is copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_image_patch_remove(
    patch: *mut glance_image_patch,
    key: *const c_char,
) -> glance_status {
    push(patch, key, |key| Ok(Patch::remove(key)))
}
