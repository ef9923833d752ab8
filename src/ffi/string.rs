//! Strings the library hands to C to keep.

use std::ffi::{c_char, CString};

use super::boundary;

/// Frees a string the library returned as `char *` (for example from
/// `glance_image_to_json`). NULL is ignored.
///
/// Use this and never libc `free`: the string comes from the library's
/// allocator. The bytes are overwritten before they are released, so a token
/// from `glance_client_auth_token` does not linger in memory. Do not use the
/// string afterwards.
#[no_mangle]
pub extern "C" fn glance_string_free(string: *mut c_char) {
    boundary::value((), || {
        if !string.is_null() {
            // SAFETY: made by CString::into_raw in this library, by the contract above.
            let mut bytes = unsafe { CString::from_raw(string) }.into_bytes();
            bytes.fill(0);
        }
    })
}
