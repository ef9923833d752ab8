//! The digest the caller expects of the data it uploads, on the transfer
//! options, and of the data an import brings (e.g. `web-download`), checked
//! when the wait for it ends.

use std::ffi::{c_char, c_void};

use super::boundary::{self, optional_text, text};
use super::client::glance_client;
use super::error::glance_status;
use super::image::glance_image;
use super::import::{glance_import_poll_cb, wait_import};
use super::transfer_opts::glance_transfer_opts;
use crate::digest::ExpectedDigest;

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
    boundary::change(opts, "opts", |opts| {
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

/// `glance_image_wait_import`, and once the import has made the image
/// active, a check that its data has the digest `hex` of `algorithm` (as
/// `glance_transfer_opts_set_expected_digest` takes them), e.g. the SHA-256
/// the publisher of a `web-download` URL announced. What Glance recorded is
/// compared when it is of that algorithm (`checksum` for "md5",
/// `os_hash_value` when `os_hash_algo` is the algorithm); otherwise the data
/// is downloaded and hashed (streamed, nothing kept). On a mismatch the image
/// is deleted, so no active image with the wrong data is left behind, and
/// the call fails with `GLANCE_CHECKSUM_MISMATCH`, the last error naming the
/// algorithm, the expected and the actual digest and that the image was
/// deleted: use it on images made for this import. A download that fails
/// is that failure and leaves the image (waiting again checks it again).
/// `algorithm` NULL: no
/// check (`hex` is ignored), as `glance_image_wait_import`. The digest is
/// checked before any request.
///
/// Returns the statuses of `glance_image_wait_import`,
/// `GLANCE_CHECKSUM_MISMATCH`, `GLANCE_INVALID_ARG` (also an unknown
/// algorithm, a digest of the wrong length or not hexadecimal) and
/// `GLANCE_NULL_ARG` (also `hex` with an algorithm).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn glance_image_wait_import_expecting(
    client: *const glance_client,
    id: *const c_char,
    interval_ms: u32,
    timeout_ms: u64,
    algorithm: *const c_char,
    hex: *const c_char,
    poll: glance_import_poll_cb,
    userdata: *mut c_void,
    out_image: *mut *mut glance_image,
) -> glance_status {
    wait_import(
        client,
        id,
        interval_ms,
        timeout_ms,
        poll,
        userdata,
        || {
            // SAFETY: NULL or NUL-terminated strings, per the C contract.
            let algorithm = unsafe { optional_text(algorithm, "algorithm") }?;
            Ok(match algorithm {
                None => None,
                // SAFETY: as above.
                Some(algorithm) => Some(ExpectedDigest::parse(algorithm, unsafe {
                    text(hex, "hex")
                }?)?),
            })
        },
        out_image,
    )
}
