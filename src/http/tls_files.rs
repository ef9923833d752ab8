//! TLS material read from PEM files when a client is built: the CA
//! certificates to trust and the certificate a client presents (mutual TLS).
//! A file that cannot be used fails `build()`, not the first request.

use std::path::Path;

use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey};

use crate::error::{Error, Result};

/// The certificates of a CA file (at least one).
pub(crate) fn ca_certificates(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let items = pem_items(path, "CA file")?;
    let certs: Vec<Certificate<'static>> = items
        .into_iter()
        .filter_map(|item| match item {
            PemItem::Certificate(cert) => Some(cert),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "CA file {} holds no certificate",
            path.display()
        )));
    }
    Ok(certs)
}

/// A client certificate with its chain from `cert`, and its private key from
/// `key`, or from `cert` too when `key` is `None` (a combined PEM file).
pub(crate) fn client_certificate(cert: &Path, key: Option<&Path>) -> Result<ClientCert> {
    let mut chain = Vec::new();
    let mut private_key = None;
    for item in pem_items(cert, "client certificate file")? {
        match item {
            PemItem::Certificate(c) => chain.push(c),
            PemItem::PrivateKey(k) if key.is_none() => private_key = Some(k),
            _ => {}
        }
    }
    if chain.is_empty() {
        return Err(Error::Config(format!(
            "client certificate file {} holds no certificate",
            cert.display()
        )));
    }
    let key_path = key.unwrap_or(cert);
    if let Some(key) = key {
        private_key = pem_items(key, "client key file")?
            .into_iter()
            .find_map(|item| match item {
                PemItem::PrivateKey(k) => Some(k),
                _ => None,
            });
    }
    let private_key: PrivateKey<'static> = private_key.ok_or_else(|| {
        Error::Config(format!(
            "{} holds no private key for the client certificate",
            key_path.display()
        ))
    })?;
    Ok(ClientCert::new_with_certs(&chain, private_key))
}

fn pem_items(path: &Path, what: &str) -> Result<Vec<PemItem<'static>>> {
    let pem = std::fs::read(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    ureq::tls::parse_pem(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Config(format!("{what} {} is not valid PEM: {e}", path.display())))
}
