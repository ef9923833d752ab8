//! Digests: the algorithms Glance names, digests computed while bytes
//! stream past, the digest a caller expects, and their hexadecimal form.
//! Image data, object storage and the workflows all hash through here.

mod algorithm;
mod expected;
mod hashing;

pub use algorithm::HashAlgorithm;
pub use expected::ExpectedDigest;
pub(crate) use hashing::{Digests, Hashing};

/// Lower-case hexadecimal of `bytes`, the form Glance and Swift print digests in.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Whether `value` is a non-empty string of hexadecimal digits (either case).
pub(crate) fn is_hex(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit())
}
