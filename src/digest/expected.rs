//! A digest the caller expects of the data it uploads or imports: the one
//! the image's publisher announced, checked before Glance receives the whole
//! body of an upload, and by the wait for an import once the image is active.

use std::fmt;

use super::HashAlgorithm;
use crate::error::{Error, Result};

/// The digest an upload's data must have, e.g. the SHA-256 a distribution
/// publishes beside its cloud image.
///
/// An upload given one hashes the data as it is sent and holds back the end
/// of the body (the last bytes, or the final chunk terminator) until the
/// digest of everything read is compared: on a mismatch the connection is
/// dropped, Glance never receives a complete body, and the upload fails with
/// [`Error::ChecksumMismatch`] (`expected` is this digest). The wait for an
/// import given one ([`crate::import::ImportWait::expected_digest`], e.g. after a
/// `web-download`) checks the active image and deletes it on a mismatch.
#[derive(Clone, PartialEq, Eq)]
pub struct ExpectedDigest {
    algorithm: HashAlgorithm,
    hex: String,
}

impl ExpectedDigest {
    /// The digest `hex` (case ignored) of `algorithm`. A value of the wrong
    /// length for the algorithm, or not hexadecimal, is
    /// [`Error::InvalidArgument`].
    pub fn new(algorithm: HashAlgorithm, hex: &str) -> Result<ExpectedDigest> {
        let want = match algorithm {
            HashAlgorithm::Md5 => 32,
            HashAlgorithm::Sha224 => 56,
            HashAlgorithm::Sha256 => 64,
            HashAlgorithm::Sha384 => 96,
            HashAlgorithm::Sha512 => 128,
        };
        if hex.len() != want || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid_argument(format!(
                "an expected {algorithm} digest is {want} hexadecimal digits, not '{hex}'"
            )));
        }
        Ok(ExpectedDigest {
            algorithm,
            hex: hex.to_ascii_lowercase(),
        })
    }

    /// Parses an algorithm by `hashlib` name ("sha256", "sha512", "md5",
    /// "sha224", "sha384"; case and a '-' ignored) and the digest; an
    /// unknown algorithm is [`Error::InvalidArgument`] too.
    pub fn parse(algorithm: &str, hex: &str) -> Result<ExpectedDigest> {
        let parsed = algorithm.parse::<HashAlgorithm>().map_err(|()| {
            Error::invalid_argument(format!(
                "'{algorithm}' is not a digest algorithm (sha256, sha512, md5, sha224, sha384)"
            ))
        })?;
        ExpectedDigest::new(parsed, hex)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// The digest, lower-case hex.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// [`Error::ChecksumMismatch`] unless `actual` is this digest.
    pub(crate) fn check(&self, actual: Option<&str>) -> Result<()> {
        match actual {
            Some(actual) if actual.eq_ignore_ascii_case(&self.hex) => Ok(()),
            actual => Err(Error::ChecksumMismatch {
                algorithm: self.algorithm.to_string(),
                expected: self.hex.clone(),
                actual: actual.unwrap_or("nothing").to_owned(),
            }),
        }
    }
}

impl fmt::Debug for ExpectedDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExpectedDigest({}:{})", self.algorithm, self.hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_digits_are_checked() {
        let sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let ok = ExpectedDigest::parse("SHA-256", &sha256.to_uppercase()).unwrap();
        assert_eq!(ok.hex(), sha256);
        assert_eq!(ok.algorithm(), HashAlgorithm::Sha256);
        assert!(ok.check(Some(sha256)).is_ok());
        assert!(matches!(
            ok.check(Some("00")),
            Err(Error::ChecksumMismatch { .. })
        ));
        for (algorithm, hex) in [
            ("sha256", &sha256[..63]),
            ("sha512", sha256),
            ("md5", "900150983cd24fb0d6963f7d28e17f7g"),
            ("blake2b", sha256),
            ("sha256", ""),
        ] {
            assert!(
                matches!(
                    ExpectedDigest::parse(algorithm, hex),
                    Err(Error::InvalidArgument(_))
                ),
                "{algorithm} {hex}"
            );
        }
        assert!(ExpectedDigest::parse("md5", "900150983cd24fb0d6963f7d28e17f72").is_ok());
    }
}
