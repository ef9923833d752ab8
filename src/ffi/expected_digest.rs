//! The digest the caller expects of the data it uploads, on the transfer
//! options.

use std::ffi::c_char;

use super::boundary::{optional_text, text};
use super::error::glance_status;
use super::image_data::{glance_transfer_opts, set};
use crate::ExpectedDigest;

/// For uploads, stages and `glance_image_create_with_data*`: the digest the
/// data must have, e.g. the SHA-256 its publisher announced. `algorithm` is
/// a `hashlib` name: "sha256", "sha512", "md5" (or "sha224", "sha384"; case
/// and a '-' are ignored), `hex` the digest in hexadecimal. The data is
/// hashed as it is sent and the end of the body held back until the digest
/// is compared: on a mismatch the connection is dropped, so Glance never
/// receives the whole data (the image stays without data, and
/// `glance_image_create_with_data*` deletes the image it made), and the call
/// fails with `GLANCE_CHECKSUM_MISMATCH`, the last error naming the
/// algorithm, the expected and the actual digest. Checked even when
/// verification is skipped. `algorithm` NULL: no expected digest (the
/// default); `hex` is then ignored. The strings are copied.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG` (`opts`, or `hex` with an
/// algorithm), `GLANCE_INVALID_UTF8`, `GLANCE_INVALID_ARG` (an unknown
/// algorithm, a digest of the wrong length or not hexadecimal).
#[no_mangle]
pub extern "C" fn glance_transfer_opts_set_expected_digest(
    opts: *mut glance_transfer_opts,
    algorithm: *const c_char,
    hex: *const c_char,
) -> glance_status {
    set(opts, |opts| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let algorithm = unsafe { optional_text(algorithm, "algorithm") }?;
        opts.expected_digest = match algorithm {
            None => None,
            // SAFETY: as above.
            Some(algorithm) => Some(ExpectedDigest::parse(algorithm, unsafe {
                text(hex, "hex")
            }?)?),
        };
        Ok(())
    })
}
