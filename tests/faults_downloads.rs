//! Downloads to a path in a directory others can write, and servers that send
//! more (or other) than the recorded data: the library never writes through a
//! planted link, never writes past the recorded size, finishes a partial
//! file that is already whole without asking again, keeps a private target
//! private, and reads an object sent without `Content-Length`. Served by the
//! test double: a real Glance or Swift does not misbehave on demand.

mod support;

use std::io::Write;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use glance_client::{
    image_data::DownloadOptions,
    object_store::{ObjectDownloadOptions, ObjectStore},
    Client, Error,
};
use md5::{Digest, Md5};
use serde_json::json;
use sha2::Sha512;
use support::cloud::unique;
use support::double::{Conn, Double, Recorded};

const ID: &str = "5a9e3c11-0000-4000-8000-00000000f11e";
const SIZE: usize = 300_000;
/// What a hostile server sends beyond the data before giving up (a real one
/// in the issue kept going until the disk was full).
const EXCESS: usize = 4 << 20;

fn data() -> Vec<u8> {
    (0..SIZE as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn client_for(double: &Double) -> Client {
    Client::builder()
        .endpoint(double.url())
        .token("test-token")
        .proxy(glance_client::config::ProxySetting::None)
        .stall_timeout(Some(Duration::from_secs(20)))
        .build()
        .unwrap()
}

/// Serves the image record (size and digests of `data()`) and its data
/// through `file`.
fn serve_image(file: impl Fn(&Recorded, &mut Conn, &[u8]) + Send + Sync + 'static) -> Double {
    let data = data();
    let record = json!({"id": ID, "status": "active", "visibility": "private",
        "size": data.len(), "checksum": hex(&Md5::digest(&data)),
        "os_hash_algo": "sha512", "os_hash_value": hex(&Sha512::digest(&data))});
    Double::start(move |request, conn| {
        if request.path() == format!("/v2/images/{ID}") {
            conn.json(200, &record);
        } else if request.path() == format!("/v2/images/{ID}/file") {
            file(request, conn, &data);
        } else {
            conn.json(404, &json!({"message": "no such thing"}));
        }
    })
}

/// The data as Glance sends it, or the 416 it answers to a range at the end.
fn honest(request: &Recorded, conn: &mut Conn, data: &[u8]) {
    match request.header("range") {
        None => conn.respond(200, &[], data),
        Some(range) => {
            let start: usize = range
                .trim_start_matches("bytes=")
                .trim_end_matches('-')
                .parse()
                .unwrap();
            if start >= data.len() {
                conn.respond(416, &[], b"");
            } else {
                let head = format!("bytes {start}-{}/{}", data.len() - 1, data.len());
                conn.respond(206, &[("Content-Range", &head)], &data[start..]);
            }
        }
    }
}

/// `data` chunked, then `EXCESS` bytes more, then the end of the body.
fn chunked_with_excess(conn: &mut Conn, headers: &str, data: &[u8]) {
    conn.raw(format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n{headers}\r\n").as_bytes());
    let excess = vec![0x5a; EXCESS];
    for piece in data.chunks(64 << 10).chain(excess.chunks(64 << 10)) {
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        if conn.stream().write_all(&chunk).is_err() {
            return; // the client stopped reading
        }
    }
    conn.raw(b"0\r\n\r\n");
}

/// The data announced with a `Content-Length` that includes the excess.
fn long_length_with_excess(conn: &mut Conn, data: &[u8]) {
    let mut body = data.to_vec();
    body.extend(std::iter::repeat(0x5a).take(EXCESS));
    conn.respond(200, &[], &body);
}

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(unique("downloads"));
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

fn part_name(target: &str) -> String {
    format!("{target}.{ID}.part")
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn unverified() -> DownloadOptions<'static> {
    DownloadOptions {
        skip_verification: true,
        ..Default::default()
    }
}

#[test]
fn an_image_download_never_writes_through_a_link_planted_at_its_partial_file() {
    let double = serve_image(honest);
    let client = client_for(&double);
    let scratch = Scratch::new();
    let victim = scratch.path("victim");
    // The victim as long as the image, then shorter, then empty: resumed
    // after, truncated, or written from the start before the fix.
    for (held, restart) in [(SIZE, false), (1000, false), (1000, true), (0, false)] {
        std::fs::write(&victim, vec![b'v'; held]).unwrap();
        let part = scratch.path(&part_name("disk.raw"));
        symlink(&victim, &part).unwrap();
        let err = client
            .download_image_to_file(
                ID,
                scratch.path("disk.raw"),
                DownloadOptions {
                    restart,
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(
            matches!(&err, Error::Io { source, .. } if source.to_string().contains("symbolic link")),
            "{err:?}"
        );
        assert_eq!(std::fs::read(&victim).unwrap(), vec![b'v'; held]);
        assert!(is_link(&part), "the planted link is left alone");
        assert!(!scratch.path("disk.raw").exists(), "no final file");
        std::fs::remove_file(&part).unwrap();
    }
    // Nothing planted: the download works and the final path is a file.
    client
        .download_image_to_file(ID, scratch.path("disk.raw"), DownloadOptions::default())
        .unwrap();
    assert!(!is_link(&scratch.path("disk.raw")));
    assert_eq!(std::fs::read(scratch.path("disk.raw")).unwrap(), data());
    assert_eq!(scratch.names(), ["disk.raw", "victim"]);
}

#[test]
fn an_object_download_never_writes_through_a_link_planted_at_its_partial_file() {
    let content = data();
    let etag = hex(&Md5::digest(&content));
    let double = Double::start(move |_, conn| conn.respond(200, &[("Etag", &etag)], &content));
    let store = object_store(&double);
    let scratch = Scratch::new();
    let victim = scratch.path("victim");
    std::fs::write(&victim, b"precious").unwrap();
    symlink(&victim, scratch.path("obj.bin.part")).unwrap();
    let err = store
        .download_to_file(
            "c",
            "obj",
            scratch.path("obj.bin"),
            ObjectDownloadOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io { source, .. } if source.to_string().contains("symbolic link")),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(!scratch.path("obj.bin").exists());
    assert!(is_link(&scratch.path("obj.bin.part")));
    assert!(double.requests().is_empty(), "refused before any request");

    // A partial file of an earlier failed attempt (the user's own) is replaced.
    std::fs::remove_file(scratch.path("obj.bin.part")).unwrap();
    std::fs::write(scratch.path("obj.bin.part"), b"stale").unwrap();
    store
        .download_to_file(
            "c",
            "obj",
            scratch.path("obj.bin"),
            ObjectDownloadOptions::default(),
        )
        .unwrap();
    assert_eq!(std::fs::read(scratch.path("obj.bin")).unwrap(), data());
    assert_eq!(scratch.names(), ["obj.bin", "victim"]);
}

#[test]
fn an_image_download_stops_at_the_recorded_size_verified_or_not() {
    for (framing, double) in [
        (
            "chunked",
            serve_image(|_, conn, data| chunked_with_excess(conn, "", data)),
        ),
        (
            "long Content-Length",
            serve_image(|_, conn, data| long_length_with_excess(conn, data)),
        ),
    ] {
        let client = client_for(&double);
        for options in [DownloadOptions::default, unverified] {
            let started = Instant::now();
            let mut sink = Vec::new();
            let err = client.download_image(ID, &mut sink, options()).unwrap_err();
            assert!(
                matches!(err, Error::InvalidResponse(_)),
                "{framing}: {err:?}"
            );
            assert!(
                err.to_string().contains("the image's 300000 bytes"),
                "{framing}: {err}"
            );
            assert!(
                sink.len() <= SIZE,
                "{framing}: {} bytes written",
                sink.len()
            );
            assert!(started.elapsed() < Duration::from_secs(15), "{framing}");

            let scratch = Scratch::new();
            let err = client
                .download_image_to_file(ID, scratch.path("disk.raw"), options())
                .unwrap_err();
            assert!(
                matches!(err, Error::InvalidResponse(_)),
                "{framing}: {err:?}"
            );
            assert!(
                scratch.names().is_empty(),
                "{framing}: left {:?}",
                scratch.names()
            );
        }
    }
}

#[test]
fn an_object_download_stops_at_the_recorded_size() {
    let content = data();
    let etag = hex(&Md5::digest(&content));
    let double = Double::start(move |request, conn| {
        let headers = format!("Etag: \"{etag}\"\r\n");
        if request.method == "HEAD" {
            conn.raw(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {SIZE}\r\n{headers}\r\n").as_bytes(),
            );
        } else {
            chunked_with_excess(conn, &headers, &content);
        }
    });
    let store = object_store(&double);
    let mut sink = Vec::new();
    let err = store
        .download("c", "obj", &mut sink, ObjectDownloadOptions::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("more than the object's 300000 bytes"),
        "{err:?}"
    );
    assert!(sink.len() <= SIZE, "{} bytes written", sink.len());
    let scratch = Scratch::new();
    assert!(store
        .download_to_file(
            "c",
            "obj",
            scratch.path("obj.bin"),
            ObjectDownloadOptions::default()
        )
        .is_err());
    assert!(scratch.names().is_empty(), "left {:?}", scratch.names());
}

#[test]
fn an_object_sent_without_content_length_is_checked_by_its_etag_and_recorded_size() {
    let content = data();
    let etag = hex(&Md5::digest(&content));
    let served = content.clone();
    let double = Double::start(move |request, conn| {
        let body = &served;
        if request.method == "HEAD" {
            conn.raw(
                format!("HTTP/1.1 200 OK\r\nContent-Length: {SIZE}\r\nEtag: \"{etag}\"\r\n\r\n")
                    .as_bytes(),
            );
            return;
        }
        let corrupt = request.path().ends_with("/corrupt");
        let mut body = body.clone();
        if corrupt {
            body[SIZE / 2] ^= 1;
        }
        conn.raw(
            format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nEtag: \"{etag}\"\r\n\r\n")
                .as_bytes(),
        );
        for piece in body.chunks(64 << 10) {
            conn.raw(format!("{:x}\r\n", piece.len()).as_bytes());
            conn.raw(piece);
            conn.raw(b"\r\n");
        }
        conn.raw(b"0\r\n\r\n");
    });
    let store = object_store(&double);
    let mut sink = Vec::new();
    let info = store
        .download("c", "obj", &mut sink, ObjectDownloadOptions::default())
        .unwrap();
    assert_eq!(info.size, SIZE as u64);
    assert!(sink == content);
    let err = store
        .download(
            "c",
            "corrupt",
            &mut Vec::new(),
            ObjectDownloadOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
}

#[test]
fn a_partial_file_holding_the_whole_image_is_verified_and_renamed_without_a_request() {
    let double = serve_image(honest);
    let client = client_for(&double);
    let scratch = Scratch::new();
    let part = scratch.path(&part_name("disk.raw"));
    std::fs::write(&part, data()).unwrap();
    let done = client
        .download_image_to_file(ID, scratch.path("disk.raw"), DownloadOptions::default())
        .unwrap();
    assert_eq!(done.reused, SIZE as u64);
    assert_eq!(std::fs::read(scratch.path("disk.raw")).unwrap(), data());
    assert_eq!(scratch.names(), ["disk.raw"]);
    let data_requests = |double: &Double| {
        double
            .requests()
            .iter()
            .filter(|r| r.path().ends_with("/file"))
            .count()
    };
    assert_eq!(data_requests(&double), 0, "{:?}", double.requests());

    // A whole-length partial file of other bytes fails verification: the
    // data is fetched once in full, from the first byte.
    let mut wrong = data();
    wrong[7] ^= 1;
    std::fs::write(&part, &wrong).unwrap();
    let done = client
        .download_image_to_file(ID, scratch.path("disk.raw"), DownloadOptions::default())
        .unwrap();
    assert_eq!(done.reused, 0);
    assert_eq!(std::fs::read(scratch.path("disk.raw")).unwrap(), data());
    let fetched: Vec<Recorded> = double
        .requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/file"))
        .collect();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].header("range"), None);
}

#[test]
fn a_download_keeps_the_targets_mode_and_makes_new_files_owner_only() {
    let double = serve_image(honest);
    let client = client_for(&double);
    let content = data();
    let etag = hex(&Md5::digest(&content));
    let swift = Double::start(move |_, conn| conn.respond(200, &[("Etag", &etag)], &content));
    let store = object_store(&swift);
    let scratch = Scratch::new();
    for wanted in [None, Some(0o600), Some(0o640), Some(0o604)] {
        for which in ["image", "object"] {
            let target = scratch.path(which);
            let _ = std::fs::remove_file(&target);
            if let Some(mode) = wanted {
                std::fs::write(&target, b"old").unwrap();
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode)).unwrap();
            }
            if which == "image" {
                client
                    .download_image_to_file(ID, &target, DownloadOptions::default())
                    .unwrap();
            } else {
                store
                    .download_to_file("c", "obj", &target, ObjectDownloadOptions::default())
                    .unwrap();
            }
            assert_eq!(std::fs::read(&target).unwrap(), data());
            assert_eq!(mode(&target), wanted.unwrap_or(0o600), "{which} {wanted:?}");
        }
    }
}

fn object_store(double: &Double) -> ObjectStore {
    double
        .client()
        .object_store_at(&format!("{}/v1/AUTH_t", double.url()))
        .unwrap()
}
