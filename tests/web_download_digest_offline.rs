//! What the real Glance cannot show about the wait's expected digest: a
//! digest Glance recorded in the expected algorithm is compared without
//! downloading the data, and a download that fails (rather than mismatches)
//! leaves the image alone, so the wait can be tried again.

mod support;

use std::time::Duration;

use glance_client::{
    digest::{ExpectedDigest, HashAlgorithm},
    import::ImportWait,
    Error,
};
use md5::{Digest, Md5};
use serde_json::json;
use sha2::{Sha256, Sha512};
use support::double::{Conn, Double, Recorded};

const DATA: &[u8] = b"the image's data";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An active image `img` whose data cannot be downloaded (500).
fn glance() -> Double {
    Double::start(
        move |r: &Recorded, c: &mut Conn| match (r.method.as_str(), r.path()) {
            ("GET", "/v2/images/img") => c.json(
                200,
                &json!({"id": "img", "status": "active", "size": DATA.len(),
                    "checksum": hex(&Md5::digest(DATA)), "os_hash_algo": "sha512",
                    "os_hash_value": hex(&Sha512::digest(DATA))}),
            ),
            ("GET", "/v2/images/img/file") => c.json(500, &json!({"message": "store down"})),
            ("DELETE", "/v2/images/img") => c.respond(204, &[], b""),
            _ => c.json(404, &json!({"message": "not here"})),
        },
    )
}

fn wait(double: &Double, expected: ExpectedDigest) -> glance_client::Result<glance_client::Image> {
    double.client().wait_for_import(
        "img",
        ImportWait {
            interval: Duration::from_millis(10),
            expected_digest: Some(expected),
            ..Default::default()
        },
    )
}

fn asked(double: &Double, method: &str, path: &str) -> bool {
    double
        .requests()
        .iter()
        .any(|r| r.method == method && r.path() == path)
}

#[test]
fn a_recorded_digest_is_compared_without_downloading() {
    let double = glance();
    let sha512 = ExpectedDigest::new(HashAlgorithm::Sha512, &hex(&Sha512::digest(DATA))).unwrap();
    let md5 = ExpectedDigest::new(HashAlgorithm::Md5, &hex(&Md5::digest(DATA))).unwrap();
    assert_eq!(wait(&double, sha512).unwrap().id, "img");
    assert_eq!(wait(&double, md5).unwrap().id, "img");
    let wrong = ExpectedDigest::new(HashAlgorithm::Md5, &hex(&Md5::digest(b"other"))).unwrap();
    let err = wait(&double, wrong).unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { algorithm, .. } if algorithm == "md5 (image img deleted)"),
        "{err:?}"
    );
    assert!(!asked(&double, "GET", "/v2/images/img/file"));
    assert!(asked(&double, "DELETE", "/v2/images/img"));
}

#[test]
fn a_failed_download_is_no_mismatch_and_keeps_the_image() {
    let double = glance();
    let sha256 = ExpectedDigest::new(HashAlgorithm::Sha256, &hex(&Sha256::digest(DATA))).unwrap();
    let err = wait(&double, sha256).unwrap_err();
    assert!(!matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    assert!(asked(&double, "GET", "/v2/images/img/file"));
    assert!(!asked(&double, "DELETE", "/v2/images/img"));
}
