//! Mutual TLS: a client certificate presented to servers that require one,
//! from separate or combined PEM files, and refused when unusable.

mod support;

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use glance_client::{
    config::{ProxySetting, RetryPolicy},
    Client, ClientBuilder, Error,
};
use support::tls::{client_identity, self_signed, tls_server, ServerIdentity, TlsServer};

struct Files(Vec<PathBuf>);

impl Files {
    fn write(&mut self, name: &str, contents: &str) -> PathBuf {
        let path = std::env::temp_dir().join(support::cloud::unique(name));
        std::fs::write(&path, contents).unwrap();
        self.0.push(path.clone());
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn client_of(
    server: &TlsServer,
    server_identity: &ServerIdentity,
    files: &mut Files,
) -> ClientBuilder {
    let ca = files.write("server-ca.pem", &server_identity.cert_pem);
    Client::builder()
        .endpoint(&server.url)
        .token("mtls-token")
        .ca_file(ca)
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
}

#[test]
fn a_server_that_requires_a_certificate_gets_it() {
    let mut files = Files(Vec::new());
    let identity = self_signed();
    let client_id = client_identity();
    let server = tls_server(&identity, Some(&client_id.ca_der));

    let err = client_of(&server, &identity, &mut files)
        .build()
        .unwrap()
        .get_image("i1")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Tls(_)) && err.to_string().contains("CertificateRequired"),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);

    let cert = files.write("client.pem", &client_id.cert_pem);
    let key = files.write("client.key", &client_id.key_pem);
    let separate = client_of(&server, &identity, &mut files)
        .client_certificate(&cert, Some(key))
        .build()
        .unwrap();
    assert_eq!(separate.get_image("i1").unwrap().id, "i1");

    let both = files.write(
        "client-and-key.pem",
        &format!("{}{}", client_id.cert_pem, client_id.key_pem),
    );
    let combined = client_of(&server, &identity, &mut files)
        .client_certificate(both, None)
        .build()
        .unwrap();
    assert_eq!(combined.get_image("i1").unwrap().id, "i1");
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
}

#[test]
fn a_certificate_from_another_ca_is_refused() {
    let mut files = Files(Vec::new());
    let identity = self_signed();
    let server = tls_server(&identity, Some(&client_identity().ca_der));
    let stranger = client_identity();
    let cert = files.write("stranger.pem", &stranger.cert_pem);
    let key = files.write("stranger.key", &stranger.key_pem);
    let err = client_of(&server, &identity, &mut files)
        .client_certificate(cert, Some(key))
        .build()
        .unwrap()
        .get_image("i1")
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(_) | Error::Transport(_)),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn unusable_certificate_files_fail_when_the_client_is_built() {
    let mut files = Files(Vec::new());
    let client_id = client_identity();
    let cert = files.write("cert-only.pem", &client_id.cert_pem);
    let key = files.write("key-only.pem", &client_id.key_pem);
    let garbage = files.write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n");
    let build = |cert: &PathBuf, key: Option<PathBuf>| {
        Client::builder()
            .endpoint("https://127.0.0.1:1")
            .token("t")
            .client_certificate(cert, key)
            .build()
            .unwrap_err()
    };
    let no_key = build(&cert, None);
    assert!(
        matches!(&no_key, Error::Config(m) if m.contains("no private key")),
        "{no_key:?}"
    );
    let no_cert = build(&key, Some(key.clone()));
    assert!(
        matches!(&no_cert, Error::Config(m) if m.contains("holds no certificate")),
        "{no_cert:?}"
    );
    let key_is_a_cert = build(&cert, Some(cert.clone()));
    assert!(
        matches!(key_is_a_cert, Error::Config(_)),
        "{key_is_a_cert:?}"
    );
    assert!(matches!(build(&garbage, None), Error::Config(_)));
    let missing = build(&PathBuf::from("/nonexistent/client.pem"), None);
    assert!(matches!(missing, Error::Io { .. }), "{missing:?}");
    let missing_key = build(&cert, Some(PathBuf::from("/nonexistent/client.key")));
    assert!(matches!(missing_key, Error::Io { .. }), "{missing_key:?}");
}
