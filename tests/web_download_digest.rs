//! The digest a `web-download`'s publisher announced, checked by the wait
//! against the real Glance of the local cloud (which ignores
//! `validation_data` for web-download): a match ends active, whether Glance
//! recorded that algorithm (md5, sha512) or the data had to be hashed
//! (sha256); a mismatch is the checksum error and the image is gone.

mod support;

use std::time::Duration;

use glance_client::{
    digest::{ExpectedDigest, HashAlgorithm},
    import::{ImportMethod, ImportOptions, ImportWait},
    Client, CreateImage, Error, Image, ImageStatus,
};
use md5::{Digest, Md5};
use sha2::{Sha256, Sha512};
use support::cloud::{client, unique, Cleanup};
use support::double::Double;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn data(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64 ^ std::process::id() as u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Serves `bytes` at `/disk.raw` on 127.0.0.1.
fn serve(bytes: Vec<u8>) -> Double {
    Double::start(move |request, conn| {
        if request.path() == "/disk.raw" {
            conn.respond(200, &[("Content-Type", "application/octet-stream")], &bytes);
        } else {
            conn.respond(404, &[], b"no");
        }
    })
}

/// A new image, web-downloaded from `server` and waited for with `expected`.
fn import(
    client: &Client,
    cleanup: &mut Cleanup<'_>,
    server: &Double,
    expected: ExpectedDigest,
) -> (String, glance_client::Result<Image>) {
    let image = client
        .create_image(&CreateImage {
            name: Some(unique("webdigest")),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&image.id);
    client
        .import_image(
            &image.id,
            &ImportMethod::WebDownload {
                uri: format!("{}/disk.raw", server.url()),
            },
            &ImportOptions::default(),
        )
        .unwrap();
    let outcome = client.wait_for_import(
        &image.id,
        ImportWait {
            interval: Duration::from_millis(200),
            timeout: Some(Duration::from_secs(120)),
            expected_digest: Some(expected),
            ..Default::default()
        },
    );
    (image.id, outcome)
}

#[test]
fn a_matching_digest_ends_active_whichever_algorithm() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let bytes = data(1 << 20);
    let server = serve(bytes.clone());
    for expected in [
        // Glance records sha512 and md5: compared with the record.
        ExpectedDigest::new(HashAlgorithm::Sha512, &hex(&Sha512::digest(&bytes))).unwrap(),
        ExpectedDigest::new(
            HashAlgorithm::Md5,
            &hex(&Md5::digest(&bytes)).to_uppercase(),
        )
        .unwrap(),
        // Not recorded: the data is downloaded and hashed.
        ExpectedDigest::new(HashAlgorithm::Sha256, &hex(&Sha256::digest(&bytes))).unwrap(),
    ] {
        let (id, outcome) = import(&client, &mut cleanup, &server, expected.clone());
        let image = outcome.unwrap_or_else(|e| panic!("{expected:?}: {e}"));
        assert_eq!(image.status, ImageStatus::Active);
        assert_eq!(client.get_image(&id).unwrap().status, ImageStatus::Active);
        assert_eq!(image.size, Some(bytes.len() as u64));
    }
}

#[test]
fn a_wrong_digest_is_the_checksum_error_and_deletes_the_image() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let bytes = data(1 << 20);
    let server = serve(bytes.clone());
    let wrong256 = hex(&Sha256::digest(b"not the image"));
    let wrong5 = hex(&Md5::digest(b"not the image"));
    for (expected, actual) in [
        (
            ExpectedDigest::new(HashAlgorithm::Sha256, &wrong256).unwrap(),
            hex(&Sha256::digest(&bytes)),
        ),
        (
            ExpectedDigest::new(HashAlgorithm::Md5, &wrong5).unwrap(),
            hex(&Md5::digest(&bytes)),
        ),
    ] {
        let name = expected.algorithm().to_string();
        let (id, outcome) = import(&client, &mut cleanup, &server, expected.clone());
        let err = outcome.unwrap_err();
        let Error::ChecksumMismatch {
            algorithm,
            expected: said_expected,
            actual: said_actual,
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(algorithm, &format!("{name} (image {id} deleted)"));
        assert_eq!(said_expected, expected.hex());
        assert_eq!(said_actual, &actual);
        let message = err.to_string();
        assert!(
            message.contains("deleted") && message.contains(&actual),
            "{message}"
        );
        let gone = client.get_image(&id).unwrap_err();
        assert!(matches!(gone, Error::NotFound(_)), "{gone:?}");
    }
}
