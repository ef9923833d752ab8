//! A digest the caller expects (the one the image's publisher announced),
//! against the real Glance of the local cloud: a matching one uploads, a
//! mismatching one cuts the body before its end so Glance never gets the
//! whole data, and the one-call create deletes what it made.

mod support;

use std::io::Cursor;
use std::time::{Duration, Instant};

use glance_client::{
    digest::{ExpectedDigest, HashAlgorithm},
    image_data::{Framing, UploadData, UploadOptions},
    import::{CreateWithData, ImportMethod, ImportOptions, ImportWait, UploadMethod},
    Client, CreateImage, Error, Image, ImageStatus,
};
use md5::Md5;
use sha2::{Digest, Sha256, Sha512};
use support::cloud::{client, unique, Cleanup};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 300 KiB and a little: several chunks with chunked framing.
fn data() -> Vec<u8> {
    (0..300_007u32).map(|i| (i * 31 + i / 7) as u8).collect()
}

fn raw_image(client: &Client, cleanup: &mut Cleanup<'_>, prefix: &str) -> Image {
    let image = client.create_image(&raw(prefix)).unwrap();
    cleanup.add(&image.id);
    image
}

fn raw(prefix: &str) -> CreateImage {
    CreateImage {
        name: Some(unique(prefix)),
        disk_format: Some("raw".into()),
        container_format: Some("bare".into()),
        ..Default::default()
    }
}

fn expect(algorithm: HashAlgorithm, hex: &str) -> UploadOptions<'static> {
    UploadOptions {
        expected_digest: Some(ExpectedDigest::new(algorithm, hex).unwrap()),
        ..Default::default()
    }
}

/// A digest of the right length that is not the data's.
fn wrong_sha256() -> String {
    hex(&Sha256::digest(b"not the data"))
}

fn assert_mismatch(outcome: glance_client::Result<impl std::fmt::Debug>, actual: &str) {
    match outcome {
        Err(Error::ChecksumMismatch {
            algorithm,
            expected,
            actual: got,
        }) => {
            assert_eq!(algorithm, "sha256");
            assert_eq!(expected, wrong_sha256());
            assert_eq!(got, actual);
        }
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
}

/// The image after a cut body: without data, whether Glance is still
/// reading the cut request (`saving`, `uploading`) or has given up on it
/// (`queued` again after an upload, `uploading` with nothing staged).
fn without_data(client: &Client, id: &str) -> Image {
    let image = client.get_image(id).unwrap();
    assert!(
        matches!(
            image.status,
            ImageStatus::Queued | ImageStatus::Saving | ImageStatus::Uploading
        ),
        "{image:?}"
    );
    assert_eq!(
        (image.checksum.as_deref(), image.os_hash_value.as_deref()),
        (None, None)
    );
    image
}

/// Uploads the right data after a cut upload. Glance may still be reading
/// the cut request (it answers 409 then), or clean it up while the new
/// upload runs (a cut chunked body: 410, "could not be found after upload",
/// though the image is still there): try again until it has given up on it,
/// a minute at most.
fn upload_again(client: &Client, id: &str, data: &[u8]) -> Image {
    let started = Instant::now();
    loop {
        let sha256 = hex(&Sha256::digest(data));
        match client.upload_image(
            id,
            UploadData::bytes(data),
            expect(HashAlgorithm::Sha256, &sha256),
        ) {
            Err(Error::Conflict(e)) | Err(Error::Http(e))
                if (e.status == 409 || e.status == 410)
                    && started.elapsed() < Duration::from_secs(60) =>
            {
                eprintln!("the cut upload is still being read: {e}");
                std::thread::sleep(Duration::from_millis(200));
            }
            outcome => return outcome.unwrap(),
        }
    }
}

#[test]
fn a_matching_digest_uploads_whatever_the_framing() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = data();
    let sha256 = hex(&Sha256::digest(&data));
    for framing in [Framing::ContentLength, Framing::Chunked] {
        let image = raw_image(&client, &mut cleanup, "digest-match");
        let mut options = expect(HashAlgorithm::Sha256, &sha256.to_uppercase());
        options.framing = framing;
        let uploaded = client
            .upload_image(&image.id, UploadData::bytes(&data), options)
            .unwrap();
        assert_eq!(uploaded.status, ImageStatus::Active);
        assert_eq!(uploaded.size, Some(data.len() as u64));
        assert_eq!(
            uploaded.os_hash_value.as_deref(),
            Some(hex(&Sha512::digest(&data)).as_str())
        );
        assert_eq!(
            uploaded.checksum.as_deref(),
            Some(hex(&Md5::digest(&data)).as_str())
        );
    }
    // The multihash and MD5 as expected digests, from a reader of unknown size.
    let image = raw_image(&client, &mut cleanup, "digest-match");
    let sha512 = hex(&Sha512::digest(&data));
    let mut reader = Cursor::new(&data);
    let uploaded = client
        .upload_image(
            &image.id,
            UploadData::reader(&mut reader, None),
            expect(HashAlgorithm::Sha512, &sha512),
        )
        .unwrap();
    assert_eq!(uploaded.os_hash_value.as_deref(), Some(sha512.as_str()));
    let image = raw_image(&client, &mut cleanup, "digest-match");
    let md5 = hex(&Md5::digest(&data));
    let uploaded = client
        .upload_image(
            &image.id,
            UploadData::bytes(&data),
            expect(HashAlgorithm::Md5, &md5),
        )
        .unwrap();
    assert_eq!(uploaded.checksum.as_deref(), Some(md5.as_str()));
}

#[test]
fn a_mismatch_cuts_the_body_and_leaves_the_image_without_data() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = data();
    let actual = hex(&Sha256::digest(&data));
    let mut reader = Cursor::new(&data);
    let sources: Vec<(Framing, UploadData<'_>)> = vec![
        (Framing::ContentLength, UploadData::bytes(&data)),
        (Framing::Chunked, UploadData::bytes(&data)),
        (Framing::Auto, UploadData::reader(&mut reader, None)),
    ];
    for (framing, source) in sources {
        let image = raw_image(&client, &mut cleanup, "digest-mismatch");
        let mut options = expect(HashAlgorithm::Sha256, &wrong_sha256());
        options.framing = framing;
        let outcome = client.upload_image(&image.id, source, options);
        assert_mismatch(outcome, &actual);
        without_data(&client, &image.id);
        // Glance kept nothing of the cut body: the image takes the right data.
        let uploaded = upload_again(&client, &image.id, &data);
        assert_eq!(uploaded.status, ImageStatus::Active, "{framing:?}");
        assert_eq!(
            uploaded.checksum.as_deref(),
            Some(hex(&Md5::digest(&data)).as_str())
        );
    }
}

#[test]
fn a_mismatch_is_checked_even_when_verification_is_skipped() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = data();
    let image = raw_image(&client, &mut cleanup, "digest-skip");
    let mut options = expect(HashAlgorithm::Sha256, &wrong_sha256());
    options.skip_verification = true;
    let outcome = client.upload_image(&image.id, UploadData::bytes(&data), options);
    assert_mismatch(outcome, &hex(&Sha256::digest(&data)));
    without_data(&client, &image.id);
    assert_eq!(
        upload_again(&client, &image.id, &data).status,
        ImageStatus::Active
    );
}

#[test]
fn an_empty_upload_is_compared_before_the_request() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let image = raw_image(&client, &mut cleanup, "digest-empty");
    let outcome = client.upload_image(
        &image.id,
        UploadData::bytes(b""),
        expect(HashAlgorithm::Sha256, &wrong_sha256()),
    );
    assert_mismatch(outcome, &hex(&Sha256::digest(b"")));
    assert_eq!(
        client.get_image(&image.id).unwrap().status,
        ImageStatus::Queued
    );
}

#[test]
fn a_staging_mismatch_stages_nothing_an_import_can_use() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = data();
    let image = raw_image(&client, &mut cleanup, "digest-stage");
    let outcome = client.stage_image_data(
        &image.id,
        UploadData::bytes(&data),
        expect(HashAlgorithm::Sha256, &wrong_sha256()),
    );
    assert_mismatch(outcome, &hex(&Sha256::digest(&data)));
    // Glance 33 drops the cut stage: the image is left `uploading` with
    // nothing staged (an import started from it fails), never active.
    without_data(&client, &image.id);

    // A matching digest stages data that imports.
    let image = raw_image(&client, &mut cleanup, "digest-stage");
    let sha256 = hex(&Sha256::digest(&data));
    client
        .stage_image_data(
            &image.id,
            UploadData::bytes(&data),
            expect(HashAlgorithm::Sha256, &sha256),
        )
        .unwrap();
    client
        .import_image(
            &image.id,
            &ImportMethod::GlanceDirect,
            &ImportOptions::default(),
        )
        .unwrap();
    let imported = client
        .wait_for_import(
            &image.id,
            ImportWait {
                interval: Duration::from_millis(200),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(imported.status, ImageStatus::Active);
    assert_eq!(
        imported.os_hash_value.as_deref(),
        Some(hex(&Sha512::digest(&data)).as_str())
    );
}

#[test]
fn the_one_call_create_leaves_no_image_after_a_mismatch() {
    let client = client("DEMO");
    let data = data();
    let actual = hex(&Sha256::digest(&data));
    for method in [UploadMethod::Direct, UploadMethod::GlanceDirect] {
        let create = raw("digest-create");
        let name = create.name.clone().unwrap();
        let outcome = client.create_image_with_data(
            &create,
            UploadData::bytes(&data),
            CreateWithData {
                method,
                upload: expect(HashAlgorithm::Sha256, &wrong_sha256()),
                ..Default::default()
            },
        );
        assert_mismatch(outcome, &actual);
        assert!(
            matches!(client.find_image(&name), Err(Error::NoMatch(_))),
            "{method:?}: {:?}",
            client.find_image(&name)
        );
    }
    let mut cleanup = Cleanup::new(&client);
    let created = client
        .create_image_with_data(
            &raw("digest-create"),
            UploadData::bytes(&data),
            CreateWithData {
                upload: expect(HashAlgorithm::Sha256, &actual),
                ..Default::default()
            },
        )
        .unwrap();
    cleanup.add(&created.id);
    assert_eq!(created.status, ImageStatus::Active);
    assert_eq!(
        created.checksum.as_deref(),
        Some(hex(&Md5::digest(&data)).as_str())
    );
}

#[test]
fn bad_expected_digests_are_refused() {
    for (algorithm, value) in [
        ("sha3-256", "00".repeat(32)),
        ("sha256", "00".repeat(31)),
        ("sha512", "00".repeat(32)),
        ("md5", "zz".repeat(16)),
    ] {
        assert!(
            matches!(
                ExpectedDigest::parse(algorithm, &value),
                Err(Error::InvalidArgument(_))
            ),
            "{algorithm} {value}"
        );
    }
}
