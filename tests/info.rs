//! The small gaps against the real Glance of the local cloud: capability
//! discovery, quota usage, the stores' details (admin), the download store
//! preference, `find` over hidden images, and "not supported by this cloud"
//! instead of a bare 400/404. Only an old API version and an import method
//! the local Glance does not disable come from the test double.

mod support;

use std::path::PathBuf;

use glance_client::{
    image_data::{DownloadOptions, UploadData},
    import::{CreateWithData, ImportMethod, ImportOptions, UploadMethod},
    CreateImage, Error,
};
use serde_json::json;
use support::cloud::{client, unique, Cleanup};
use support::double::Double;

fn record(prefix: &str) -> CreateImage {
    CreateImage {
        name: Some(unique(prefix)),
        disk_format: Some("raw".into()),
        container_format: Some("bare".into()),
        ..Default::default()
    }
}

#[test]
fn capabilities_come_from_the_version_document_and_the_info_api() {
    let demo = client("DEMO");
    let caps = demo.capabilities().unwrap();
    let (major, minor) = caps
        .api_version
        .expect("the local Glance has a version document");
    assert_eq!(major, 2);
    assert!(minor >= 15, "local Glance offers 2.{minor}");
    for method in [
        "glance-direct",
        "web-download",
        "copy-image",
        "glance-download",
    ] {
        assert!(caps.import_methods.iter().any(|m| m == method), "{caps:?}");
    }
    let mut stores = caps.stores.clone();
    stores.sort();
    assert_eq!(stores, ["fs", "fs2"]);
    // Asked again: the same answer, from memory.
    assert_eq!(demo.clone().capabilities().unwrap(), caps);
}

#[test]
fn image_create_headers_teach_the_client() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let image = demo.create_image(&record("gaps-headers")).unwrap();
    cleanup.add(&image.id);
    let caps = demo.capabilities().unwrap();
    let mut stores = caps.stores.clone();
    stores.sort();
    // The header also lists Glance's internal stores; they are left out.
    assert_eq!(stores, ["fs", "fs2"]);
    assert!(caps.import_methods.iter().any(|m| m == "copy-image"));
}

#[test]
fn usage_is_empty_without_unified_limits() {
    // The local Glance enforces no unified limits: it answers {"usage": {}}.
    let usage = client("DEMO").usage().unwrap();
    assert!(usage.quotas.is_empty(), "{usage:?}");
    assert_eq!(usage.image_count_total(), None);
}

#[test]
fn stores_detail_for_admin_only() {
    let details = client("ADMIN").list_stores_detail().unwrap();
    let fs2 = details.iter().find(|s| s.id == "fs2").expect("fs2 listed");
    assert_eq!(fs2.kind.as_deref(), Some("file"));
    assert_eq!(fs2.description.as_deref(), Some("second file store"));
    assert!(!fs2.default);
    assert!(fs2.properties["data_dir"]
        .as_str()
        .is_some_and(|d| d.ends_with("/images2/")));
    assert!(details.iter().any(|s| s.id == "fs" && s.default));
    let err = client("DEMO").list_stores_detail().unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
}

/// The file of an image in the second file store of the local Glance.
fn fs2_file(id: &str) -> PathBuf {
    let dir = std::env::var("GLANCE_TEST_CLOUD_DIR").expect("GLANCE_TEST_CLOUD_DIR");
    PathBuf::from(dir).join("data/glance/images2").join(id)
}

#[test]
fn download_prefers_the_named_store() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let image = demo
        .create_image_with_data(
            &record("gaps-prefer"),
            UploadData::bytes(&data),
            CreateWithData {
                method: UploadMethod::GlanceDirect,
                stores: ImportOptions {
                    stores: vec!["fs".into(), "fs2".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap();
    cleanup.add(&image.id);
    // Spoil the copy in fs2 only (same length): a download that reads it
    // fails its verification, one that reads fs does not.
    let file = fs2_file(&image.id);
    assert_eq!(std::fs::metadata(&file).unwrap().len(), data.len() as u64);
    std::fs::write(&file, vec![0u8; data.len()]).unwrap();
    let prefer = |stores: &[&str]| DownloadOptions {
        prefer_stores: stores.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let err = demo
        .download_image(&image.id, &mut out, prefer(&["fs2"]))
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    let mut out = Vec::new();
    demo.download_image(&image.id, &mut out, prefer(&["fs", "fs2"]))
        .unwrap();
    assert_eq!(out, data);
    let mut out = Vec::new();
    demo.download_image(&image.id, &mut out, prefer(&["fs"]))
        .unwrap();
    assert_eq!(out, data);

    // A store the cloud does not have: Glance answers 400, the client says why.
    let err = demo
        .download_image(&image.id, &mut Vec::new(), prefer(&["nosuchstore"]))
        .unwrap_err();
    let Error::NotSupported(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("nosuchstore"), "{message}");
    assert!(message.contains("fs2"), "{message}");
    assert!(err.to_string().contains("not supported by this cloud"));
}

#[test]
fn import_to_an_unknown_store_is_not_supported() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let image = demo.create_image(&record("gaps-store")).unwrap();
    cleanup.add(&image.id);
    demo.stage_image_data(&image.id, UploadData::bytes(b"staged"), Default::default())
        .unwrap();
    let err = demo
        .import_image(
            &image.id,
            &ImportMethod::GlanceDirect,
            &ImportOptions {
                stores: vec!["nosuchstore".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
    let Error::NotSupported(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("'nosuchstore'"), "{message}");
    assert!(message.contains("fs, fs2"), "{message}");
}

#[test]
fn find_looks_at_hidden_images_when_nothing_visible_matches() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let name = unique("gaps-hidden");
    let hidden = demo
        .create_image(&CreateImage {
            name: Some(name.clone()),
            os_hidden: Some(true),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&hidden.id);
    // A plain listing does not show it...
    let listed = demo
        .list_all_images(&glance_client::ListOptions {
            name: Some(glance_client::listing::Match::Is(name.clone())),
            ..Default::default()
        })
        .unwrap();
    assert!(listed.is_empty());
    // ...find does.
    assert_eq!(demo.find_image(&name).unwrap().id, hidden.id);
    // A visible image of the same name wins: hidden ones are not looked at.
    let visible = demo
        .create_image(&CreateImage {
            name: Some(name.clone()),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&visible.id);
    assert_eq!(demo.find_image(&name).unwrap().id, visible.id);
    let err = demo.find_image(&unique("gaps-nothing")).unwrap_err();
    assert!(matches!(err, Error::NoMatch(_)), "{err:?}");
}

/// An old cloud (Images API 2.9) has no `/v2/info/usage` nor
/// `/v2/info/stores/detail`, and this one offers glance-direct only: what the
/// real, current Glance cannot show.
fn old_cloud() -> Double {
    Double::start(|request, conn| match request.path() {
        "/versions" => conn.json(
            200,
            &json!({"versions": [
                {"id": "v2.9", "status": "CURRENT"},
                {"id": "v2.8", "status": "SUPPORTED"},
                {"id": "v1.1", "status": "DEPRECATED"}]}),
        ),
        "/v2/info/import" => conn.json(
            200,
            &json!({"import-methods": {"type": "array", "value": ["glance-direct"]}}),
        ),
        "/v2/info/stores" => {
            conn.json(200, &json!({"stores": [{"id": "ceph", "default": "true"}]}))
        }
        _ => conn.respond(404, &[("Content-Type", "text/plain")], b"404 Not Found"),
    })
}

#[test]
fn an_old_cloud_says_what_it_lacks() {
    let double = old_cloud();
    let client = double.client();
    let caps = client.capabilities().unwrap();
    assert_eq!(caps.api_version, Some((2, 9)));
    assert_eq!(caps.stores, ["ceph"]);

    let err = client.usage().unwrap_err();
    let Error::NotSupported(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("2.13") && message.contains("2.9"),
        "{message}"
    );
    let err = client.list_stores_detail().unwrap_err();
    assert!(
        matches!(&err, Error::NotSupported(m) if m.contains("2.15")),
        "{err:?}"
    );
    let err = client
        .import_image(
            "0d7b4c2a-0000-4000-8000-000000000001",
            &ImportMethod::WebDownload {
                uri: "http://127.0.0.1:1/x".into(),
            },
            &ImportOptions::default(),
        )
        .unwrap_err();
    let Error::NotSupported(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("'web-download'") && message.contains("glance-direct"),
        "{message}"
    );
    // A 404 of something the cloud does offer stays a 404.
    let err = client
        .get_image("0d7b4c2a-0000-4000-8000-000000000001")
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
}

#[test]
fn what_an_image_create_says_is_not_asked_again() {
    let double = Double::start(|request, conn| match request.path() {
        "/versions" => conn.json(200, &json!({"versions": [{"id": "v2.17"}]})),
        "/v2/images" => {
            let body = json!({"id": "0d7b4c2a-0000-4000-8000-000000000002", "status": "queued"});
            conn.respond(
                201,
                &[
                    ("Content-Type", "application/json"),
                    ("OpenStack-image-import-methods", "glance-direct,copy-image"),
                    ("OpenStack-image-store-ids", "a,b,os_glance_staging_store"),
                ],
                body.to_string().as_bytes(),
            )
        }
        _ => conn.respond(500, &[], b"not asked for"),
    });
    let client = double.client();
    client.create_image(&CreateImage::default()).unwrap();
    let caps = client.capabilities().unwrap();
    assert_eq!(caps.import_methods, ["glance-direct", "copy-image"]);
    assert_eq!(caps.stores, ["a", "b"]);
    let paths: Vec<String> = double
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(paths, ["/v2/images", "/versions"]);
}
