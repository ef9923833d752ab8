//! A token that expires while image data moves. Glance checks the token when
//! a transfer starts, so expiry bites when a cut download is resumed or an
//! upload is answered: the client renews the token once and finishes, or
//! fails with the 401, never loops and never leaves a file looking complete.
//! (Cuts, stalls and corruption without expiry: `image_data_faults.rs`.)

mod support;

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use glance_client::{
    config::{ProxySetting, RetryPolicy},
    image_data::{DownloadOptions, UploadData},
    Client, Error,
};
use serde_json::json;
use sha2::{Digest, Sha512};
use support::double::{Conn, Double, Recorded};

const ID: &str = "8d3e1c5a-0000-4000-8000-000000000001";
const LEN: usize = 1 << 20;

fn content() -> Vec<u8> {
    (0..LEN).map(|i| (i * 7 % 251) as u8).collect()
}

/// Keystone v3 and Glance on one double. Tokens are `token-1`, `token-2`, ...;
/// `glance` gets each Glance request and the token it carries.
fn cloud(glance: impl Fn(&Recorded, &mut Conn, &str) + Send + Sync + 'static) -> Double {
    let issued = AtomicUsize::new(0);
    Double::start(move |request, conn| {
        if request.method == "POST" && request.path() == "/v3/auth/tokens" {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            let base = format!("http://{}", request.header("host").unwrap());
            let body = json!({"token": {
                "expires_at": "2099-01-01T00:00:00.000000Z",
                "project": {"id": "p1"}, "user": {"id": "u1"},
                "catalog": [{"type": "image", "endpoints": [{"interface": "public",
                    "region_id": "RegionOne", "region": "RegionOne", "url": base}]}]}})
            .to_string();
            conn.respond(
                201,
                &[
                    ("Content-Type", "application/json"),
                    ("X-Subject-Token", &format!("token-{n}")),
                ],
                body.as_bytes(),
            );
        } else {
            glance(request, conn, request.header("x-auth-token").unwrap_or(""));
        }
    })
}

fn client_for(double: &Double) -> Client {
    Client::builder()
        .password(format!("{}/v3", double.url()), "demo", "pw", "demo")
        .proxy(ProxySetting::None)
        .stall_timeout(Some(Duration::from_secs(10)))
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
        })
        .build()
        .unwrap()
}

fn token_requests(double: &Double) -> usize {
    double
        .requests()
        .iter()
        .filter(|r| r.path() == "/v3/auth/tokens")
        .count()
}

fn record(data: &[u8]) -> serde_json::Value {
    json!({"id": ID, "status": "active", "visibility": "private", "size": data.len(),
           "os_hash_algo": "sha512", "os_hash_value": hex(&Sha512::digest(data))})
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unauthorized(conn: &mut Conn) {
    conn.json(
        401,
        &json!({"error": {"message": "The token has expired.", "code": 401}}),
    );
}

/// Serves the record and the data; the first data request is cut halfway and
/// `token-1` expires at that moment.
fn expiring_download() -> Double {
    let data = content();
    let record = record(&data);
    let expired = AtomicBool::new(false);
    cloud(move |request, conn, token| {
        if token == "token-1" && expired.load(Ordering::SeqCst) {
            return unauthorized(conn);
        }
        if request.path() == format!("/v2/images/{ID}") {
            return conn.json(200, &record);
        }
        match request.header("range") {
            None => {
                conn.raw(format!("HTTP/1.1 200 OK\r\nContent-Length: {LEN}\r\n\r\n").as_bytes());
                conn.raw(&data[..LEN / 2]);
                expired.store(true, Ordering::SeqCst);
                conn.reset();
            }
            Some(range) => {
                let start: usize = range
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse()
                    .unwrap();
                let rest = &data[start..];
                conn.respond(
                    206,
                    &[("Content-Range", &format!("bytes {start}-{}/{LEN}", LEN - 1))],
                    rest,
                );
            }
        }
    })
}

#[test]
fn a_token_expiring_mid_download_is_renewed_once_and_the_download_resumes() {
    let double = expiring_download();
    let client = client_for(&double);
    let mut sink = Vec::new();
    let done = client
        .download_image(ID, &mut sink, DownloadOptions::default())
        .unwrap();
    assert!(sink == content(), "the bytes arrived whole and in order");
    assert_eq!(done.resumes, 1);
    assert!(done.verified_with.is_some());
    assert_eq!(token_requests(&double), 2, "one sign-in, one renewal");
    let resumed = double
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.header("range").is_some())
        .expect("a resumed request");
    assert_eq!(resumed.header("x-auth-token"), Some("token-2"));
}

#[test]
fn a_token_expiring_mid_download_to_a_file_leaves_only_the_verified_file() {
    let double = expiring_download();
    let client = client_for(&double);
    let dir = std::env::temp_dir().join(support::cloud::unique("expiry"));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("disk.raw");
    client
        .download_image_to_file(ID, &target, DownloadOptions::default())
        .unwrap();
    assert!(std::fs::read(&target).unwrap() == content());
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["disk.raw"]);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Glance reads an upload to its end, then finds the token expired.
fn expiring_upload(accepted: Arc<AtomicUsize>) -> Double {
    cloud(move |request, conn, token| match request.method.as_str() {
        "PUT" if token == "token-1" => unauthorized(conn),
        "PUT" => {
            assert_eq!(request.body.len(), LEN, "a whole body after the renewal");
            accepted.fetch_add(1, Ordering::SeqCst);
            conn.respond(204, &[], b"");
        }
        _ => conn.json(200, &record(&content())),
    })
}

#[test]
fn a_token_expiring_during_an_upload_is_renewed_and_a_rewindable_source_sent_again() {
    let accepted = Arc::new(AtomicUsize::new(0));
    let double = expiring_upload(accepted.clone());
    let client = client_for(&double);
    let data = content();
    client
        .upload_image(ID, UploadData::bytes(&data), Default::default())
        .unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    assert_eq!(token_requests(&double), 2);
}

#[test]
fn a_token_expiring_during_a_one_way_upload_is_a_401_not_a_loop() {
    /// A source that cannot rewind, like a pipe.
    struct Pipe(std::io::Cursor<Vec<u8>>);
    impl Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
    }
    let accepted = Arc::new(AtomicUsize::new(0));
    let double = expiring_upload(accepted.clone());
    let client = client_for(&double);
    let mut pipe = Pipe(std::io::Cursor::new(content()));
    let err = client
        .upload_image(
            ID,
            UploadData::reader(&mut pipe, Some(LEN as u64)),
            Default::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 0);
    let puts = double
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 1, "the body cannot be sent twice");
}
