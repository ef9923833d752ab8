//! What the export and copy journeys do when the data turns out corrupted on
//! the way: the check fails and nothing is left behind. A real Glance does not
//! corrupt data on demand; the test double does.

mod support;

use std::sync::{Arc, Mutex};

use glance_client::{
    workflows::{CopyOptions, ExportOptions},
    Error,
};
use md5::{Digest, Md5};
use serde_json::json;
use sha2::Sha512;
use support::double::{Conn, Double, Recorded};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Glance whose image `src` claims digests of `claimed` but serves `served`.
fn lying_source(claimed: Vec<u8>, served: Vec<u8>) -> Double {
    Double::start(
        move |r: &Recorded, c: &mut Conn| match (r.method.as_str(), r.path()) {
            ("GET", "/v2/images/src") => c.json(
                200,
                &json!({"id": "src", "name": "source", "status": "active", "visibility": "private",
                    "size": claimed.len(), "disk_format": "raw", "container_format": "bare",
                    "checksum": hex(&Md5::digest(&claimed)), "os_hash_algo": "sha512",
                    "os_hash_value": hex(&Sha512::digest(&claimed)), "tags": ["t"],
                    "os_distro": "debian"}),
            ),
            ("GET", "/v2/images/src/file") => c.respond(
                200,
                &[("Content-Type", "application/octet-stream")],
                &served,
            ),
            _ => c.json(404, &json!({"message": "not here"})),
        },
    )
}

#[test]
fn an_export_whose_download_fails_its_check_leaves_no_object() {
    let claimed = vec![7u8; 300_000];
    let mut served = claimed.clone();
    served[123_456] ^= 1;
    let glance = lying_source(claimed, served);
    let object: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let stored = object.clone();
    let swift = Double::start(move |r: &Recorded, c: &mut Conn| {
        let mut object = stored.lock().unwrap();
        match (r.method.as_str(), r.path()) {
            ("HEAD", "/v1/AUTH_t/exports") => c.respond(204, &[], b""),
            ("PUT", "/v1/AUTH_t/exports/src.raw") => {
                let etag = hex(&Md5::digest(&r.body));
                *object = Some(r.body.clone());
                c.respond(201, &[("Etag", &etag)], b"");
            }
            ("HEAD", "/v1/AUTH_t/exports/src.raw") => match object.as_ref() {
                Some(data) => c.raw(
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", data.len()).as_bytes(),
                ),
                None => c.respond(404, &[], b""),
            },
            ("DELETE", "/v1/AUTH_t/exports/src.raw") => {
                *object = None;
                c.respond(204, &[], b"");
            }
            _ => c.respond(404, &[], b""),
        }
    });
    let client = glance.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_t", swift.url()))
        .unwrap();
    let err = client
        .export_image_to_container("src", &store, "exports", ExportOptions::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { algorithm, .. } if algorithm == "sha512"),
        "{err:?}"
    );
    assert!(
        object.lock().unwrap().is_none(),
        "the corrupted object is gone"
    );
}

#[test]
fn a_copy_whose_download_fails_its_check_leaves_no_image_in_the_target() {
    let claimed = vec![9u8; 200_000];
    let mut served = claimed.clone();
    served[0] ^= 0x80;
    let source = lying_source(claimed, served);
    let images: Arc<Mutex<Vec<String>>> = Arc::default();
    let live = images.clone();
    let target = Double::start(move |r: &Recorded, c: &mut Conn| {
        let mut live = live.lock().unwrap();
        let image = |data: Option<&[u8]>| {
            let mut image = json!({"id": "copy", "name": "source", "visibility": "private",
                                   "status": "queued", "tags": ["t"], "os_distro": "debian"});
            if let Some(data) = data {
                image["status"] = "active".into();
                image["size"] = data.len().into();
                image["checksum"] = hex(&Md5::digest(data)).into();
                image["os_hash_algo"] = "sha512".into();
                image["os_hash_value"] = hex(&Sha512::digest(data)).into();
            }
            image
        };
        match (r.method.as_str(), r.path()) {
            ("POST", "/v2/images") => {
                live.push("copy".into());
                c.json(201, &image(None));
            }
            ("PUT", "/v2/images/copy/file") => c.respond(204, &[], b""),
            ("GET", "/v2/images/copy") => c.json(200, &image(Some(&r.body))),
            ("DELETE", "/v2/images/copy") => {
                live.retain(|id| id != "copy");
                c.respond(204, &[], b"");
            }
            _ => c.json(404, &json!({"message": "not here"})),
        }
    });
    let err = source
        .client()
        .copy_image_to("src", &target.client(), CopyOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    assert!(
        images.lock().unwrap().is_empty(),
        "the half-made copy is deleted"
    );
    let created = target
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("the copy was created");
    let body: serde_json::Value = serde_json::from_slice(&created.body).unwrap();
    assert_eq!(body["tags"], json!(["t"]));
    assert_eq!(body["os_distro"], "debian");
}
