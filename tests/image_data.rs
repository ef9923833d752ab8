//! Image data against the real Glance of the local cloud: uploads and
//! downloads verified end to end, stores, size caps, resume, abort.

mod support;

use std::io::{Cursor, Read};
use std::ops::ControlFlow;
use std::path::PathBuf;

use glance_client::{
    digest::HashAlgorithm,
    image_data::{DownloadOptions, Framing, Phase, Progress, UploadData, UploadOptions},
    Client, CreateImage, Error, Image, ImageStatus,
};
use md5::Md5;
use sha2::{Digest, Sha512};
use support::cloud::{client, glance2_url, token, unique, user, Cleanup};

const MIB: usize = 1 << 20;

/// Incompressible bytes from a seeded xorshift: every run different, no RNG crate.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn md5_hex(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

fn sha512_hex(data: &[u8]) -> String {
    hex(&Sha512::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn raw_image(client: &Client, cleanup: &mut Cleanup<'_>, prefix: &str) -> Image {
    let image = client
        .create_image(&CreateImage {
            name: Some(unique(prefix)),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&image.id);
    image
}

/// A scratch directory for this test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(prefix: &str) -> Scratch {
        let dir = std::env::temp_dir().join(unique(prefix));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn sixty_four_mib_round_trip_from_a_file_verified_end_to_end() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let scratch = Scratch::new("data-64m");
    let data = random_bytes(64 * MIB);
    let source = scratch.path("source.raw");
    std::fs::write(&source, &data).unwrap();
    let image = raw_image(&client, &mut cleanup, "data-64m");

    let mut reports: Vec<Progress> = Vec::new();
    let mut progress = |p: Progress| {
        reports.push(p);
        ControlFlow::Continue(())
    };
    let uploaded = client
        .upload_image(
            &image.id,
            UploadData::file(&source),
            UploadOptions {
                progress: Some(&mut progress),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(uploaded.status, ImageStatus::Active);
    assert_eq!(uploaded.size, Some(data.len() as u64));
    assert_eq!(uploaded.checksum.as_deref(), Some(md5_hex(&data).as_str()));
    assert_eq!(uploaded.os_hash_algo.as_deref(), Some("sha512"));
    assert_eq!(
        uploaded.os_hash_value.as_deref(),
        Some(sha512_hex(&data).as_str())
    );
    let total = Some(data.len() as u64);
    let phase = Phase::Transfer;
    assert_eq!(
        reports.first(),
        Some(&Progress {
            done: 0,
            total,
            phase
        })
    );
    assert_eq!(
        reports.last(),
        Some(&Progress {
            done: data.len() as u64,
            total,
            phase
        })
    );
    assert!(reports.windows(2).all(|w| w[0].done <= w[1].done));
    assert!(reports
        .windows(2)
        .all(|w| w[1].done - w[0].done <= 4 * MIB as u64));

    let target = scratch.path("copy.raw");
    let downloaded = client
        .download_image_to_file(&image.id, &target, DownloadOptions::default())
        .unwrap();
    assert_eq!(downloaded.bytes, data.len() as u64);
    assert_eq!(downloaded.verified_with, Some(HashAlgorithm::Sha512));
    assert_eq!(downloaded.resumes, 0);
    assert!(
        std::fs::read(&target).unwrap() == data,
        "file content differs"
    );
    assert_eq!(
        scratch.names(),
        ["copy.raw", "source.raw"],
        "no partial file left"
    );

    let mut memory = Vec::new();
    let again = client
        .download_image(&image.id, &mut memory, DownloadOptions::default())
        .unwrap();
    assert_eq!(again.bytes, data.len() as u64);
    assert!(memory == data, "downloaded bytes differ");
}

#[test]
fn reader_of_unknown_size_goes_chunked_into_the_chosen_store() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = random_bytes(3 * MIB + 17);
    let image = raw_image(&client, &mut cleanup, "data-fs2");
    // `take` hides the size: the library cannot know it and must go chunked.
    let mut reader = Cursor::new(&data).take(u64::MAX);
    let uploaded = client
        .upload_image(
            &image.id,
            UploadData::reader(&mut reader, None),
            UploadOptions {
                store: Some("fs2".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(uploaded.status, ImageStatus::Active);
    assert_eq!(uploaded.stores(), ["fs2"]);
    assert_eq!(uploaded.checksum.as_deref(), Some(md5_hex(&data).as_str()));

    let mut memory = Vec::new();
    client
        .download_image(&image.id, &mut memory, DownloadOptions::default())
        .unwrap();
    assert!(memory == data);
}

#[test]
fn chunked_and_content_length_framings_store_the_same_bytes() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = random_bytes(MIB + 1);
    for framing in [Framing::Chunked, Framing::ContentLength] {
        let image = raw_image(&client, &mut cleanup, "data-framing");
        let uploaded = client
            .upload_image(
                &image.id,
                UploadData::bytes(&data),
                UploadOptions {
                    framing,
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(
            uploaded.os_hash_value.as_deref(),
            Some(sha512_hex(&data).as_str()),
            "{framing:?}"
        );
    }
}

#[test]
fn a_queued_image_has_no_data_to_download() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let scratch = Scratch::new("data-queued");
    let image = raw_image(&client, &mut cleanup, "data-queued");
    let target = scratch.path("nothing.raw");
    let err = client
        .download_image_to_file(&image.id, &target, DownloadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NoData(_)), "{err:?}");
    assert!(scratch.names().is_empty(), "{:?}", scratch.names());
    let mut memory = Vec::new();
    let err = client
        .download_image(&image.id, &mut memory, DownloadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NoData(_)), "{err:?}");
}

#[test]
fn an_upload_above_the_size_cap_is_too_large() {
    let region_two = Client::builder()
        .endpoint(glance2_url())
        .token(token(&user("DEMO")))
        .proxy(glance_client::config::ProxySetting::None)
        .build()
        .unwrap();
    let mut cleanup = Cleanup::new(&region_two);
    let cap: usize = std::env::var("GLANCE_TEST_GLANCE2_IMAGE_SIZE_CAP")
        .expect("GLANCE_TEST_GLANCE2_IMAGE_SIZE_CAP is set by the local cloud's env")
        .parse()
        .unwrap();
    let data = random_bytes(cap + MIB);
    // Glance answers as soon as it knows (at once with Content-Length, at the
    // cap when chunked) and stops reading: the answer must still be heard.
    for known_size in [true, false] {
        let image = raw_image(&region_two, &mut cleanup, "data-cap");
        let mut reader = Cursor::new(&data).take(u64::MAX);
        let source = if known_size {
            UploadData::bytes(&data)
        } else {
            UploadData::reader(&mut reader, None)
        };
        let err = region_two
            .upload_image(&image.id, source, UploadOptions::default())
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge(_)), "{known_size}: {err:?}");
        let http = err.http().unwrap();
        assert_eq!(http.status, 413);
        assert!(http.request_id.is_some());
        assert!(http.message.contains("too large"), "{}", http.message);
        let after = region_two.get_image(&image.id).unwrap();
        assert_ne!(after.status, ImageStatus::Active);
    }
}

#[test]
fn a_progress_callback_aborts_an_upload_and_a_download() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let scratch = Scratch::new("data-abort");
    let data = random_bytes(32 * MIB);

    let image = raw_image(&client, &mut cleanup, "data-abort-up");
    let mut last = 0;
    let mut stop_at_8_mib = |p: Progress| {
        last = p.done;
        if p.done >= 8 * MIB as u64 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let err = client
        .upload_image(
            &image.id,
            UploadData::bytes(&data),
            UploadOptions {
                progress: Some(&mut stop_at_8_mib),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert!(last < data.len() as u64, "stopped at {last}");
    assert_ne!(
        client.get_image(&image.id).unwrap().status,
        ImageStatus::Active
    );

    let image = raw_image(&client, &mut cleanup, "data-abort-down");
    client
        .upload_image(
            &image.id,
            UploadData::bytes(&data),
            UploadOptions::default(),
        )
        .unwrap();
    let target = scratch.path("aborted.raw");
    let mut last = 0;
    let mut stop_at_8_mib = |p: Progress| {
        last = p.done;
        if p.done >= 8 * MIB as u64 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let err = client
        .download_image_to_file(
            &image.id,
            &target,
            DownloadOptions {
                progress: Some(&mut stop_at_8_mib),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert!(last < data.len() as u64);
    assert!(!target.exists(), "an aborted download leaves no target");

    // The partial file left by the abort is resumed by the next call.
    let part = format!("aborted.raw.{}.part", image.id);
    assert_eq!(scratch.names(), [part.as_str()]);
    let held = std::fs::metadata(scratch.path(&part)).unwrap().len();
    assert!(held >= 8 * MIB as u64 && held < data.len() as u64, "{held}");
    let done = client
        .download_image_to_file(&image.id, &target, DownloadOptions::default())
        .unwrap();
    assert_eq!(done.reused, held);
    assert_eq!(done.bytes, data.len() as u64);
    assert!(std::fs::read(&target).unwrap() == data);
    assert_eq!(scratch.names(), ["aborted.raw"]);
}

#[test]
fn a_prepared_partial_file_is_resumed_and_a_wrong_one_replaced() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let scratch = Scratch::new("data-resume");
    let data = random_bytes(16 * MIB + 5);
    let image = raw_image(&client, &mut cleanup, "data-resume");
    client
        .upload_image(
            &image.id,
            UploadData::bytes(&data),
            UploadOptions::default(),
        )
        .unwrap();
    let target = scratch.path("disk.raw");
    let part = scratch.path(&format!("disk.raw.{}.part", image.id));

    // The first half, as an interrupted earlier run would have left it.
    let half = data.len() / 2;
    std::fs::write(&part, &data[..half]).unwrap();
    let done = client
        .download_image_to_file(&image.id, &target, DownloadOptions::default())
        .unwrap();
    assert_eq!(done.reused, half as u64);
    assert_eq!(done.verified_with, Some(HashAlgorithm::Sha512));
    assert!(std::fs::read(&target).unwrap() == data);
    assert!(!part.exists());

    // A partial file of other bytes: the whole-file check fails, the data is
    // fetched again in full and the result is right.
    std::fs::remove_file(&target).unwrap();
    let mut wrong = data[..half].to_vec();
    wrong[1000] ^= 0xff;
    std::fs::write(&part, &wrong).unwrap();
    let done = client
        .download_image_to_file(&image.id, &target, DownloadOptions::default())
        .unwrap();
    assert_eq!(done.reused, 0);
    assert!(std::fs::read(&target).unwrap() == data);
    assert_eq!(scratch.names(), ["disk.raw"]);
}

#[test]
fn a_seekable_source_sends_from_its_position_to_its_end() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = random_bytes(MIB);
    let image = raw_image(&client, &mut cleanup, "data-seekable");
    let mut cursor = Cursor::new(&data);
    cursor.set_position(1000);
    let uploaded = client
        .upload_image(
            &image.id,
            UploadData::seekable(&mut cursor),
            UploadOptions::default(),
        )
        .unwrap();
    assert_eq!(uploaded.size, Some(data.len() as u64 - 1000));
    assert_eq!(
        uploaded.checksum.as_deref(),
        Some(md5_hex(&data[1000..]).as_str())
    );
}
