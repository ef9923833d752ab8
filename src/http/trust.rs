//! Which roots a client trusts, and what a refused certificate tells the user.
//!
//! By default the operating system's trust store, as curl, libcurl programs
//! and the `openstack` command use it: on Linux the bundle and directory
//! OpenSSL would read, `SSL_CERT_FILE` and `SSL_CERT_DIR` when set (through
//! ureq's `platform-verifier`); the system's verifier on macOS and Windows.
//! A CA file (`ca_file`, `OS_CACERT`, clouds.yaml `cacert`) replaces the
//! system roots, as `curl --cacert` and keystoneauth's `verify=<file>` do: a
//! cloud that names its CA is trusted through that CA alone.

use std::path::{Path, PathBuf};

use ureq::tls::RootCerts;

use super::tls_files;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Trust {
    System,
    CaFile(PathBuf),
}

impl Trust {
    pub(crate) fn new(ca_file: Option<&Path>) -> Trust {
        match ca_file {
            Some(path) => Trust::CaFile(path.to_owned()),
            None => Trust::System,
        }
    }

    /// The roots ureq verifies with; a CA file is read now, so an unusable
    /// one fails `build()`.
    pub(crate) fn root_certs(&self) -> Result<RootCerts> {
        Ok(match self {
            Trust::System => RootCerts::PlatformVerifier,
            Trust::CaFile(path) => RootCerts::new_with_certs(&tls_files::ca_certificates(path)?),
        })
    }

    /// What to add to the message of a TLS failure: the roots that were in
    /// use when a certificate was refused and, when no root vouched for the
    /// server, how to trust its CA. `None` for other TLS failures.
    pub(crate) fn explain(&self, error: &ureq::Error) -> Option<String> {
        use rustls::{CertificateError, Error as TlsError};
        let tls_error = match error {
            ureq::Error::Rustls(e) => e,
            ureq::Error::Io(e) => e.get_ref()?.downcast_ref::<TlsError>()?,
            _ => return None,
        };
        let no_trusted_issuer = match tls_error {
            TlsError::InvalidCertificate(CertificateError::UnknownIssuer)
            // The platform verifier found no root at all.
            | TlsError::General(_) => true,
            TlsError::InvalidCertificate(_) => false,
            _ => return None,
        };
        let roots = self.describe();
        Some(if no_trusted_issuer {
            format!(" (trusted roots: {roots}; {})", self.how_to_add_a_ca())
        } else {
            format!(" (trusted roots: {roots})")
        })
    }

    fn describe(&self) -> String {
        match self {
            Trust::CaFile(path) => format!(
                "only the CA file {} (it replaces the system trust store)",
                path.display()
            ),
            Trust::System => {
                let named: Vec<String> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
                    .into_iter()
                    .filter_map(|name| {
                        std::env::var_os(name).map(|v| format!("{name}={}", v.to_string_lossy()))
                    })
                    .collect();
                if named.is_empty() {
                    "the system trust store".to_owned()
                } else {
                    format!("the system trust store, {}", named.join(", "))
                }
            }
        }
    }

    fn how_to_add_a_ca(&self) -> &'static str {
        match self {
            Trust::CaFile(_) => "add the server's CA certificate (PEM) to that file",
            Trust::System => {
                "to trust a private CA, install it in the system store \
                 (update-ca-certificates), point SSL_CERT_FILE at a PEM bundle holding it, \
                 or name it as the CA file (OS_CACERT, clouds.yaml cacert)"
            }
        }
    }
}
