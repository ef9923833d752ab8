//! Image data faults only a test double can show: corrupted bytes, stalls,
//! connections cut mid-download and mid-upload, servers that ignore `Range`;
//! and a resume where the real Glance serves the rest of a cut download.

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use glance_client::{
    digest::HashAlgorithm,
    image_data::{DownloadOptions, UploadData, UploadOptions},
    Client, CreateImage, Error,
};
use md5::{Digest, Md5};
use sha2::Sha512;
use support::cloud::{client, glance_url, token, unique, user, Cleanup};
use support::double::{Conn, Double, Recorded};

const ID: &str = "7b0c0e9e-0000-4000-8000-00000000d0b1";

fn data(len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn client_for(url: &str, stall: Duration) -> Client {
    Client::builder()
        .endpoint(url)
        .token("test-token")
        .proxy(glance_client::config::ProxySetting::None)
        .stall_timeout(Some(stall))
        .build()
        .unwrap()
}

fn image_json(data: &[u8], with_digests: bool) -> serde_json::Value {
    let mut image = serde_json::json!({
        "id": ID, "status": "active", "visibility": "private", "size": data.len(),
    });
    if with_digests {
        image["checksum"] = hex(&Md5::digest(data)).into();
        image["os_hash_algo"] = "sha512".into();
        image["os_hash_value"] = hex(&Sha512::digest(data)).into();
    }
    image
}

fn file_head(status: u16, len: usize, extra: &str) -> String {
    let reason = if status == 206 {
        "Partial Content"
    } else {
        "OK"
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {len}\r\nx-openstack-request-id: req-double\r\n{extra}\r\n"
    )
}

/// Serves the image record, and its data through `file`.
fn serve_image(
    data: Vec<u8>,
    with_digests: bool,
    file: impl Fn(&Recorded, &mut Conn, &[u8]) + Send + Sync + 'static,
) -> Double {
    // Hashed once here: unoptimised SHA-512 in a handler would be slower
    // than the short stall timeouts some tests use.
    let record = image_json(&data, with_digests);
    Double::start(move |request, conn| {
        if request.path() == format!("/v2/images/{ID}") {
            conn.json(200, &record);
        } else if request.path() == format!("/v2/images/{ID}/file") {
            file(request, conn, &data);
        } else {
            conn.json(404, &serde_json::json!({"message": "no such thing"}));
        }
    })
}

fn range_start(request: &Recorded) -> Option<usize> {
    request
        .header("range")?
        .strip_prefix("bytes=")?
        .strip_suffix('-')?
        .parse()
        .ok()
}

struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(unique("faults"));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
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
fn a_corrupted_byte_fails_verification_and_leaves_no_file() {
    let double = serve_image(data(3 << 20), true, |_, conn, data| {
        let mut bad = data.to_vec();
        bad[1_234_567] ^= 0x01;
        conn.respond(200, &[("Content-Type", "application/octet-stream")], &bad);
    });
    let client = client_for(&double.url(), Duration::from_secs(30));
    let scratch = Scratch::new();
    let target = scratch.0.join("disk.raw");
    let err = client
        .download_image_to_file(ID, &target, DownloadOptions::default())
        .unwrap_err();
    let Error::ChecksumMismatch {
        algorithm,
        expected,
        actual,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(algorithm, "sha512");
    assert_eq!(expected.len(), 128);
    assert_ne!(expected, actual);
    assert!(scratch.names().is_empty(), "left {:?}", scratch.names());

    // Into a writer: the same error, and the caller was told not to trust it.
    let mut sink = Vec::new();
    let err = client
        .download_image(ID, &mut sink, DownloadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");

    // Verification skipped: the bytes arrive as sent.
    let mut sink = Vec::new();
    let done = client
        .download_image(
            ID,
            &mut sink,
            DownloadOptions {
                skip_verification: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(done.verified_with, None);
    assert_eq!(sink.len(), 3 << 20);
}

#[test]
fn content_md5_verifies_an_image_without_recorded_digests() {
    let good = data(100_000);
    let md5 = hex(&Md5::digest(&good));
    let wrong = "0".repeat(32);
    for (header, ok) in [(md5.clone(), true), (wrong, false)] {
        let double = serve_image(good.clone(), false, move |_, conn, data| {
            conn.respond(200, &[("Content-MD5", header.as_str())], data);
        });
        let client = client_for(&double.url(), Duration::from_secs(30));
        let mut sink = Vec::new();
        let outcome = client.download_image(ID, &mut sink, DownloadOptions::default());
        if ok {
            assert_eq!(outcome.unwrap().verified_with, Some(HashAlgorithm::Md5));
        } else {
            let err = outcome.unwrap_err();
            assert!(
                matches!(&err, Error::ChecksumMismatch { algorithm, .. } if algorithm == "md5"),
                "{err:?}"
            );
        }
    }
}

#[test]
fn a_stalled_download_times_out_and_keeps_its_partial_file() {
    let double = serve_image(data(1 << 20), true, |request, conn, data| {
        if range_start(request).is_none() {
            // Some bytes, then silence: worth one resume.
            conn.raw(file_head(200, data.len(), "").as_bytes());
            conn.raw(&data[..1000]);
        } else {
            // The resume gets headers and nothing more.
            let rest = data.len() - 1000;
            let range = format!(
                "Content-Range: bytes 1000-{}/{}\r\n",
                data.len() - 1,
                data.len()
            );
            conn.raw(file_head(206, rest, &range).as_bytes());
        }
        std::thread::sleep(Duration::from_secs(3));
        conn.close();
    });
    let client = client_for(&double.url(), Duration::from_millis(300));
    let scratch = Scratch::new();
    let target = scratch.0.join("disk.raw");
    let err = client
        .download_image_to_file(ID, &target, DownloadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    let part = format!("disk.raw.{ID}.part");
    assert_eq!(scratch.names(), [part.as_str()]);
    assert_eq!(
        std::fs::metadata(scratch.0.join(&part)).unwrap().len(),
        1000
    );
    let files: Vec<Recorded> = double
        .requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/file"))
        .collect();
    assert_eq!(files.len(), 2, "one resume, then no progress: stop");
    assert_eq!(files[1].header("range"), Some("bytes=1000-"));
}

#[test]
fn a_cut_download_resumes_even_when_the_server_ignores_range() {
    let content = data(2 << 20);
    let double = serve_image(content.clone(), true, |request, conn, data| {
        if range_start(request).is_none() {
            conn.raw(file_head(200, data.len(), "").as_bytes());
            conn.raw(&data[..data.len() / 2]);
            conn.reset();
        } else {
            // No range support: the whole body again, 200.
            conn.respond(200, &[], data);
        }
    });
    let client = client_for(&double.url(), Duration::from_secs(30));
    let mut sink = Vec::new();
    let done = client
        .download_image(ID, &mut sink, DownloadOptions::default())
        .unwrap();
    assert_eq!(done.resumes, 1);
    assert_eq!(done.verified_with, Some(HashAlgorithm::Sha512));
    assert!(sink == content, "the repeated prefix was skipped");

    let scratch = Scratch::new();
    let target = scratch.0.join("disk.raw");
    let done = client
        .download_image_to_file(ID, &target, DownloadOptions::default())
        .unwrap();
    assert_eq!(done.resumes, 1);
    assert!(std::fs::read(&target).unwrap() == content);
    assert_eq!(scratch.names(), ["disk.raw"]);
}

#[test]
fn a_download_cut_halfway_is_resumed_by_the_real_glance() {
    let real = client("DEMO");
    let mut cleanup = Cleanup::new(&real);
    let content = data(16 << 20);
    let image = real
        .create_image(&CreateImage {
            name: Some(unique("faults-resume")),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&image.id);
    real.upload_image(
        &image.id,
        UploadData::bytes(&content),
        UploadOptions::default(),
    )
    .unwrap();

    // A proxy in front of the real Glance that cuts the first data transfer
    // halfway; everything else, the ranged rest included, comes from Glance.
    let upstream = glance_url();
    let cuts = Arc::new(AtomicU32::new(0));
    let cut_count = cuts.clone();
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .new_agent();
    let proxy = Double::start(move |request, conn| {
        let mut forward = agent.get(format!("{upstream}{}", request.target));
        for (name, value) in &request.headers {
            if ["x-auth-token", "range", "accept"].contains(&name.to_ascii_lowercase().as_str()) {
                forward = forward.header(name, value);
            }
        }
        let mut response = forward.call().expect("the real Glance answers");
        let status = response.status().as_u16();
        let keep = [
            "content-type",
            "content-range",
            "content-md5",
            "x-openstack-request-id",
        ];
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(k, _)| keep.contains(&k.as_str()))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .unwrap();
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if request.path().ends_with("/file") && cut_count.fetch_add(1, Ordering::SeqCst) == 0 {
            let mut head = format!("HTTP/1.1 {status} OK\r\nContent-Length: {}\r\n", body.len());
            for (k, v) in &header_refs {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            conn.raw(head.as_bytes());
            conn.raw(&body[..body.len() / 2]);
            // A clean close: the client holds exactly the first half.
            conn.close();
        } else {
            conn.respond(status, &header_refs, &body);
        }
    });
    let through_proxy = Client::builder()
        .endpoint(proxy.url())
        .token(token(&user("DEMO")))
        .proxy(glance_client::config::ProxySetting::None)
        .build()
        .unwrap();
    let scratch = Scratch::new();
    let target = scratch.0.join("disk.raw");
    let done = through_proxy
        .download_image_to_file(&image.id, &target, DownloadOptions::default())
        .unwrap();
    assert_eq!(done.resumes, 1);
    assert_eq!(done.verified_with, Some(HashAlgorithm::Sha512));
    assert!(std::fs::read(&target).unwrap() == content);
    let ranged: Vec<Recorded> = proxy
        .requests()
        .into_iter()
        .filter(|r| r.header("range").is_some())
        .collect();
    assert_eq!(ranged.len(), 1);
    assert_eq!(
        ranged[0].header("range"),
        Some(format!("bytes={}-", content.len() / 2).as_str())
    );
}

#[test]
fn an_upload_cut_midway_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = vec![0u8; 1 << 20];
        let mut received = 0;
        while received < 2 << 20 {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => received += n,
            }
        }
        // Cut without an answer: closing with unread data sends a RST.
        drop(stream);
        received
    });
    let client = client_for(&url, Duration::from_secs(30));
    let content = data(16 << 20);
    let err = client
        .upload_image(ID, UploadData::bytes(&content), UploadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(server.join().unwrap() >= 2 << 20);
}

#[test]
fn a_rejected_token_is_heard_before_the_body_is_sent() {
    // Glance answers 401 without reading a byte of the body and closes.
    let rejected = Client::builder()
        .endpoint(glance_url())
        .token("not-a-valid-token")
        .proxy(glance_client::config::ProxySetting::None)
        .build()
        .unwrap();
    let content = data(24 << 20);
    let err = rejected
        .upload_image(ID, UploadData::bytes(&content), UploadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(err.status(), Some(401));
}

#[test]
fn a_short_reader_fails_the_upload_and_says_so() {
    let double = Double::start(|_, conn| conn.respond(204, &[], b""));
    let client = client_for(&double.url(), Duration::from_secs(30));
    let content = data(1000);
    let mut reader = &content[..];
    let err = client
        .upload_image(
            ID,
            UploadData::reader(&mut reader, Some(2000)),
            UploadOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(m) if m.contains("1000 of the 2000")),
        "{err:?}"
    );
}

#[test]
fn a_source_failing_at_once_leaves_the_server_untouched() {
    let double = Double::start(|_, conn| conn.respond(204, &[], b""));
    let client = client_for(&double.url(), Duration::from_secs(30));
    let mut failing = FailingReader;
    let err = client
        .upload_image(
            ID,
            UploadData::reader(&mut failing, None),
            UploadOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    // A call that completes: the double accepts connections in order, so an
    // upload begun before it would be counted by now.
    let _ = client.delete_image(ID);
    assert_eq!(double.requests().len(), 1, "{:?}", double.requests());
    assert_eq!(
        double.connections(),
        1,
        "a source failing at its first read must not start the upload"
    );
}

struct FailingReader;

impl Read for FailingReader {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk on fire"))
    }
}
