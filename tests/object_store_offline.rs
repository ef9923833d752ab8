//! Object-storage faults a real Swift does not produce on demand: corrupted
//! bytes, a segment list that does not match the object, a wrong ETag after
//! an upload. Served by the test double.

mod support;

use std::io::Read;

use glance_client::{
    object_store::{ObjectStore, ObjectUploadOptions},
    Error,
};
use md5::{Digest, Md5};
use serde_json::json;
use support::double::Double;

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn store_for(double: &Double) -> ObjectStore {
    double
        .client()
        .object_store_at(&format!("{}/v1/AUTH_t", double.url()))
        .unwrap()
}

/// Serves `/c/slo` as a Static Large Object made of `served` while its
/// manifest lists `listed` (and its ETag is computed from `listed`).
fn slo(listed: Vec<Vec<u8>>, served: Vec<u8>, etag_from: Vec<Vec<u8>>) -> Double {
    Double::start(move |request, conn| {
        if request.target.ends_with("?multipart-manifest=get") {
            let manifest: Vec<_> = listed
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    json!({"name": format!("/c_segments/slo/{i}"), "bytes": s.len(),
                           "hash": md5_hex(s), "content_type": "application/octet-stream"})
                })
                .collect();
            conn.json(200, &json!(manifest));
        } else {
            let hashes: String = etag_from.iter().map(|s| md5_hex(s)).collect();
            let etag = format!("\"{}\"", md5_hex(hashes.as_bytes()));
            conn.respond(
                200,
                &[("X-Static-Large-Object", "True"), ("Etag", &etag)],
                &served,
            );
        }
    })
}

#[test]
fn a_corrupted_ordinary_object_fails_its_md5_check() {
    let good = b"the real data".to_vec();
    let etag = md5_hex(&good);
    let double = Double::start(move |_, conn| {
        conn.respond(
            200,
            &[("Etag", &etag), ("X-Trans-Id", "tx-corrupt")],
            b"the reel data",
        )
    });
    let store = store_for(&double);
    let mut sink = Vec::new();
    let err = store
        .download("c", "plain", &mut sink, Default::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { algorithm, expected, .. }
            if algorithm == "md5" && *expected == md5_hex(b"the real data")),
        "{err:?}"
    );

    let mut reader = store.open_object("c", "plain").unwrap();
    let read = reader.read_to_end(&mut Vec::new()).unwrap_err();
    assert_eq!(read.kind(), std::io::ErrorKind::InvalidData);
}

#[test]
fn large_objects_are_checked_segment_by_segment() {
    let one = vec![1u8; 1000];
    let two = vec![2u8; 500];
    let whole = [one.clone(), two.clone()].concat();

    let intact = slo(
        vec![one.clone(), two.clone()],
        whole.clone(),
        vec![one.clone(), two.clone()],
    );
    let mut back = Vec::new();
    store_for(&intact)
        .download("c", "slo", &mut back, Default::default())
        .unwrap();
    assert_eq!(back, whole);

    let mut damaged = whole.clone();
    damaged[1200] ^= 0xff;
    let corrupt = slo(
        vec![one.clone(), two.clone()],
        damaged,
        vec![one.clone(), two.clone()],
    );
    let err = store_for(&corrupt)
        .download("c", "slo", &mut Vec::new(), Default::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { algorithm, .. } if algorithm == "md5 of segment 2"),
        "{err:?}"
    );

    // The manifest read does not belong to the object being read.
    let swapped = slo(
        vec![two.clone(), one.clone()],
        whole.clone(),
        vec![one, two],
    );
    let err = store_for(&swapped)
        .download("c", "slo", &mut Vec::new(), Default::default())
        .unwrap_err();
    assert!(
        err.to_string().contains("changed while being read"),
        "{err}"
    );
}

#[test]
fn an_upload_whose_etag_differs_fails_and_leaves_no_segments() {
    let double = Double::start(|request, conn| match request.method.as_str() {
        "PUT" if request.path().contains("/00000001") => {
            conn.respond(201, &[("Etag", "00000000000000000000000000000000")], b"")
        }
        "PUT" => {
            let etag = md5_hex(&request.body);
            conn.respond(201, &[("Etag", &etag)], b"");
        }
        _ => conn.respond(204, &[], b""),
    });
    let store = store_for(&double);
    let data = vec![7u8; 2500];
    let err = store
        .upload(
            "c",
            "obj",
            &mut &data[..],
            ObjectUploadOptions {
                segment_size: 1000,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    let requests = double.requests();
    let puts: Vec<&str> = requests
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| r.path())
        .collect();
    assert_eq!(
        puts.len(),
        3,
        "segments container, segment 0, segment 1: {puts:?}"
    );
    let deleted: Vec<&str> = requests
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path())
        .collect();
    assert_eq!(deleted, puts[1..].to_vec(), "both segments are removed");
    assert!(
        !requests
            .iter()
            .any(|r| r.target.contains("multipart-manifest")),
        "no manifest for a failed upload"
    );
}
