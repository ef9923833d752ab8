//! Long journeys against faults a real cloud does not show on demand: a
//! segment PUT meeting a 5xx or a cut connection is sent again, a copy whose
//! source download is cut resumes with `Range` (and so does an object read,
//! for a download or an import), a stop asked by the progress
//! callback leaves nothing behind, and a server refusing the cleanup gets
//! named in the error. Glance and Swift are test doubles here.

mod support;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use glance_client::{
    image_data::{Framing, Phase, Progress, UploadData, UploadOptions},
    object_store::ObjectUploadOptions,
    workflows::{ContainerImportOptions, CopyOptions, ExportOptions},
    Error,
};
use md5::{Digest, Md5};
use serde_json::json;
use sha2::Sha512;
use support::double::{Conn, Double, Recorded};
use support::swift::fake::{FakeSwift, Fault};

const MIB: usize = 1 << 20;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect()
}

/// A Glance serving image `src` with `data`, honouring `Range`; with `cut`,
/// the first download breaks off after that many bytes.
fn source(data: Vec<u8>, cut: Option<usize>) -> Double {
    let cut_done = AtomicBool::new(false);
    Double::start(
        move |r: &Recorded, c: &mut Conn| match (r.method.as_str(), r.path()) {
            ("GET", "/v2/images/src") => c.json(
                200,
                &json!({"id": "src", "name": "source", "status": "active", "visibility": "private",
                "size": data.len(), "disk_format": "raw", "container_format": "bare",
                "checksum": hex(&Md5::digest(&data)), "os_hash_algo": "sha512",
                "os_hash_value": hex(&Sha512::digest(&data)), "tags": []}),
            ),
            ("GET", "/v2/images/src/file") => {
                if let Some(range) = r.header("range") {
                    let start: usize = range
                        .trim_start_matches("bytes=")
                        .trim_end_matches('-')
                        .parse()
                        .unwrap();
                    let range = format!("bytes {start}-{}/{}", data.len() - 1, data.len());
                    return c.respond(206, &[("Content-Range", &range)], &data[start..]);
                }
                match cut {
                    Some(at) if !cut_done.swap(true, Ordering::SeqCst) => {
                        c.raw(
                            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", data.len())
                                .as_bytes(),
                        );
                        c.raw(&data[..at]);
                        c.close();
                    }
                    _ => c.respond(200, &[], &data),
                }
            }
            _ => c.json(404, &json!({"message": "not here"})),
        },
    )
}

/// A Glance that takes one image, `copy`; with `refuse_delete`, it will not
/// delete it. Its images live in `images`.
fn target(images: Arc<Mutex<Vec<String>>>, refuse_delete: bool) -> Double {
    let stored: Mutex<Vec<u8>> = Mutex::default();
    Double::start(move |r: &Recorded, c: &mut Conn| {
        let mut live = images.lock().unwrap();
        let mut stored = stored.lock().unwrap();
        let image = |data: &[u8]| {
            json!({"id": "copy", "name": "source", "visibility": "private",
                "status": if data.is_empty() { "queued" } else { "active" },
                "size": data.len(), "checksum": hex(&Md5::digest(data)),
                "os_hash_algo": "sha512", "os_hash_value": hex(&Sha512::digest(data)), "tags": []})
        };
        match (r.method.as_str(), r.path()) {
            ("POST", "/v2/images") => {
                live.push("copy".into());
                c.json(201, &image(&[]));
            }
            ("PUT", "/v2/images/copy/file") => {
                *stored = r.body.clone();
                c.respond(204, &[], b"");
            }
            ("GET", "/v2/images/copy") => c.json(200, &image(&stored)),
            ("DELETE", "/v2/images/copy") if refuse_delete => {
                c.json(403, &json!({"message": "protected"}))
            }
            ("DELETE", "/v2/images/copy") => {
                live.retain(|id| id != "copy");
                c.respond(204, &[], b"");
            }
            _ => c.json(404, &json!({"message": "not here"})),
        }
    })
}

/// A progress callback that records every report and stops once half of
/// the total has moved.
fn stop_halfway(seen: &mut Vec<Progress>) -> impl FnMut(Progress) -> ControlFlow<()> + '_ {
    move |p: Progress| {
        seen.push(p);
        match p.total {
            Some(total) if p.done >= total / 2 && p.done > 0 => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }
}

#[test]
fn an_export_sends_a_segment_again_after_a_5xx_or_a_cut_connection() {
    let data = pattern(3 * MIB + 1000);
    let glance = source(data.clone(), None);
    let swift = FakeSwift::start();
    swift.fault("/00000001", Fault::Status(503));
    swift.fault("/00000002", Fault::Cut);
    let client = glance.client();
    let store = client.object_store_at(&swift.storage_url()).unwrap();
    let exported = client
        .export_image_to_container(
            "src",
            &store,
            "exports",
            ExportOptions {
                segment_size: Some(MIB as u64),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(exported.segments, 4);
    assert!(
        swift.data("/exports/src.raw").unwrap() == data,
        "whole and in order"
    );
    let puts = swift.puts("/exports_segments/");
    assert_eq!(puts.len(), 6, "segments 1 and 2 went twice: {puts:?}");
    assert_eq!(puts.iter().filter(|p| p.ends_with("/00000001")).count(), 2);
    assert_eq!(puts.iter().filter(|p| p.ends_with("/00000002")).count(), 2);
}

#[test]
fn a_stopped_export_leaves_no_object_and_no_segment() {
    let data = pattern(12 * MIB);
    let glance = source(data, None);
    let swift = FakeSwift::start();
    let client = glance.client();
    let store = client.object_store_at(&swift.storage_url()).unwrap();
    let mut seen = Vec::new();
    let mut progress = stop_halfway(&mut seen);
    let err = client
        .export_image_to_container(
            "src",
            &store,
            "exports",
            ExportOptions {
                segment_size: Some(4 * MIB as u64),
                progress: Some(&mut progress),
                ..Default::default()
            },
        )
        .unwrap_err();
    drop(progress);
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert!(swift.paths().is_empty(), "left: {:?}", swift.paths());
    assert!(
        !swift.puts("/exports_segments/").is_empty(),
        "segments had gone up before the stop"
    );
    assert!(seen.iter().all(|p| p.phase == Phase::Moving));
    assert_eq!(seen[0].done, 0);
    assert_eq!(seen[0].total, Some(12 * MIB as u64));
    assert!(seen
        .windows(2)
        .all(|w| w[1].done - w[0].done <= 4 * MIB as u64));
}

#[test]
fn segments_the_store_refuses_to_delete_are_named_in_the_error() {
    let glance = source(pattern(12 * MIB), None);
    let swift = FakeSwift::start();
    swift.refuse_deletes();
    let client = glance.client();
    let store = client.object_store_at(&swift.storage_url()).unwrap();
    let mut seen = Vec::new();
    let mut progress = stop_halfway(&mut seen);
    let err = client
        .export_image_to_container(
            "src",
            &store,
            "exports",
            ExportOptions {
                segment_size: Some(4 * MIB as u64),
                progress: Some(&mut progress),
                ..Default::default()
            },
        )
        .unwrap_err();
    let Error::LeftBehind { error, left, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(**error, Error::Aborted), "{err:?}");
    for path in swift.paths() {
        let name = path.trim_start_matches('/');
        assert!(left.contains(name), "{name} not named in: {err}");
    }
    assert!(err.to_string().contains("aborted"), "{err}");
}

#[test]
fn a_copy_whose_source_download_is_cut_resumes_with_range() {
    let data = pattern(3 * MIB);
    let glance = source(data.clone(), Some(MIB + 5));
    let images: Arc<Mutex<Vec<String>>> = Arc::default();
    let target = target(images.clone(), false);
    let copy = glance
        .client()
        .copy_image_to("src", &target.client(), CopyOptions::default())
        .unwrap();
    assert_eq!(copy.id, "copy");
    let ranged: Vec<String> = glance
        .requests()
        .iter()
        .filter_map(|r| r.header("range").map(str::to_owned))
        .collect();
    assert_eq!(ranged, vec![format!("bytes={}-", MIB + 5)]);
    let put = target
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert!(put.body == data, "the copy has every byte once");
    assert_eq!(
        put.header("x-openstack-image-size"),
        Some(data.len().to_string().as_str())
    );
}

#[test]
fn a_stopped_copy_the_target_will_not_delete_is_named_in_the_error() {
    let glance = source(pattern(12 * MIB), None);
    let images: Arc<Mutex<Vec<String>>> = Arc::default();
    let refusing = target(images.clone(), true);
    let mut seen = Vec::new();
    let mut progress = stop_halfway(&mut seen);
    let err = glance
        .client()
        .copy_image_to(
            "src",
            &refusing.client(),
            CopyOptions {
                progress: Some(&mut progress),
                ..Default::default()
            },
        )
        .unwrap_err();
    drop(progress);
    let Error::LeftBehind { error, left, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(**error, Error::Aborted), "{err:?}");
    assert!(left.contains("image copy"), "{err}");
    assert_eq!(
        err.status(),
        None,
        "the status is the stop's, not the 403's"
    );
    assert!(seen.iter().all(|p| p.phase == Phase::Moving));

    // A target that deletes: nothing is left.
    let images: Arc<Mutex<Vec<String>>> = Arc::default();
    let deleting = target(images.clone(), false);
    let mut seen = Vec::new();
    let mut progress = stop_halfway(&mut seen);
    let err = glance
        .client()
        .copy_image_to(
            "src",
            &deleting.client(),
            CopyOptions {
                progress: Some(&mut progress),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert!(images.lock().unwrap().is_empty());
}

#[test]
fn uploads_and_stages_announce_the_image_size_even_chunked() {
    let glance = Double::start(|r: &Recorded, c: &mut Conn| match r.method.as_str() {
        "PUT" => c.respond(204, &[], b""),
        _ => c.json(
            200,
            &json!({"id": "img", "status": "active", "visibility": "private", "tags": []}),
        ),
    });
    let client = glance.client();
    let data = pattern(100_000);
    for framing in [Framing::Auto, Framing::Chunked] {
        client
            .stage_image_data(
                "img",
                UploadData::bytes(&data),
                UploadOptions {
                    framing,
                    ..Default::default()
                },
            )
            .unwrap();
        client
            .upload_image(
                "img",
                UploadData::bytes(&data),
                UploadOptions {
                    framing,
                    skip_verification: true,
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let puts: Vec<Recorded> = glance
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 4);
    for put in &puts {
        assert_eq!(
            put.header("x-openstack-image-size"),
            Some("100000"),
            "{}",
            put.target
        );
    }
    assert!(puts.iter().any(|p| p.header("transfer-encoding").is_some()));
    // Of unknown size, nothing is announced.
    let mut reader = &data[..];
    client
        .stage_image_data(
            "img",
            UploadData::reader(&mut reader, None),
            UploadOptions::default(),
        )
        .unwrap();
    let last = glance.requests().pop().unwrap();
    assert_eq!(last.header("x-openstack-image-size"), None);
}

#[test]
fn an_object_read_cut_midway_resumes_with_range_for_a_download_and_an_import() {
    let swift = FakeSwift::start();
    let nowhere = Double::start(|_: &Recorded, c: &mut Conn| c.json(404, &json!({})));
    let client = nowhere.client();
    let store = client.object_store_at(&swift.storage_url()).unwrap();
    let data = pattern(3 * MIB + 11);
    store
        .upload(
            "c",
            "o",
            &mut &data[..],
            ObjectUploadOptions {
                size: Some(data.len() as u64),
                ..Default::default()
            },
        )
        .unwrap();

    swift.fault("/c/o", Fault::CutAfter(MIB + 3));
    let mut back = Vec::new();
    store
        .download("c", "o", &mut back, Default::default())
        .unwrap();
    assert!(back == data, "every byte once, in order");
    let ranges = |double: &Double| -> Vec<String> {
        double
            .requests()
            .iter()
            .filter_map(|r| r.header("range").map(str::to_owned))
            .collect()
    };
    assert_eq!(ranges(&swift.double), vec![format!("bytes={}-", MIB + 3)]);

    let images: Arc<Mutex<Vec<String>>> = Arc::default();
    let glance = target(images.clone(), false);
    swift.fault("/c/o", Fault::CutAfter(2 * MIB));
    let image = glance
        .client()
        .import_image_from_container(
            &store,
            "c",
            "o",
            ContainerImportOptions {
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(image.size, Some(data.len() as u64));
    let put = glance
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert!(put.body == data, "Glance got every byte once");
    assert_eq!(
        ranges(&swift.double).last(),
        Some(&format!("bytes={}-", 2 * MIB))
    );
}
