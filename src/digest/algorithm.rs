//! The digest algorithms Glance names: `os_hash_algo`'s values and MD5.

use std::fmt;
use std::str::FromStr;

/// A digest algorithm Glance may name in `os_hash_algo`, or MD5 for `checksum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// MD5: Glance's legacy `checksum` and the `Content-MD5` header.
    Md5,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512: Glance's default multihash.
    Sha512,
}

impl HashAlgorithm {
    /// The name Glance uses (Python's `hashlib` names).
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Md5 => "md5",
            HashAlgorithm::Sha224 => "sha224",
            HashAlgorithm::Sha256 => "sha256",
            HashAlgorithm::Sha384 => "sha384",
            HashAlgorithm::Sha512 => "sha512",
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HashAlgorithm {
    type Err = ();

    /// Parses a `hashlib` name, ignoring case and a `-` (`SHA-512`).
    fn from_str(name: &str) -> Result<Self, ()> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => Ok(HashAlgorithm::Md5),
            "sha224" => Ok(HashAlgorithm::Sha224),
            "sha256" => Ok(HashAlgorithm::Sha256),
            "sha384" => Ok(HashAlgorithm::Sha384),
            "sha512" => Ok(HashAlgorithm::Sha512),
            _ => Err(()),
        }
    }
}
