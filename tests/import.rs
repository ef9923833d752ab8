//! Interoperable import against the real Glance of the local cloud:
//! discovery, glance-direct, web-download from a loopback server, stores,
//! copy-image and per-store delete (admin), failures that name their stores.

mod support;

use std::ops::ControlFlow;
use std::time::Duration;

use glance_client::{
    image_data::{DownloadOptions, UploadData, UploadOptions},
    import::{CreateWithData, ImportMethod, ImportOptions, ImportState, ImportWait, UploadMethod},
    tasks::{TaskStatus, TaskType},
    Client, CreateImage, Error, Image, ImageStatus,
};
use md5::{Digest, Md5};
use sha2::Sha512;
use support::cloud::{client, unique, Cleanup};
use support::double::Double;

fn data(len: usize, seed: u8) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(seed) ^ std::process::id() as u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn record(prefix: &str) -> CreateImage {
    CreateImage {
        name: Some(unique(prefix)),
        disk_format: Some("raw".into()),
        container_format: Some("bare".into()),
        ..Default::default()
    }
}

fn new_image(client: &Client, cleanup: &mut Cleanup<'_>, prefix: &str) -> Image {
    let image = client.create_image(&record(prefix)).unwrap();
    cleanup.add(&image.id);
    image
}

fn quick() -> ImportWait<'static> {
    ImportWait {
        interval: Duration::from_millis(200),
        timeout: Some(Duration::from_secs(120)),
        on_poll: None,
        expected_digest: None,
    }
}

fn sorted(mut stores: Vec<&str>) -> Vec<&str> {
    stores.sort_unstable();
    stores
}

#[test]
fn the_cloud_advertises_its_methods_and_stores() {
    let client = client("DEMO");
    let methods = client.import_methods().unwrap();
    for method in ["glance-direct", "web-download", "copy-image"] {
        assert!(
            methods.iter().any(|m| m == method),
            "{method} in {methods:?}"
        );
    }
    let stores = client.list_stores().unwrap();
    let ids: Vec<&str> = stores.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(sorted(ids), ["fs", "fs2"]);
    let default: Vec<&str> = stores
        .iter()
        .filter(|s| s.default)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(default, ["fs"]);
}

#[test]
fn staged_data_imported_with_glance_direct_into_two_stores() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let bytes = data(2 << 20, 1);
    let image = new_image(&client, &mut cleanup, "import-direct");

    client
        .stage_image_data(
            &image.id,
            UploadData::bytes(&bytes),
            UploadOptions::default(),
        )
        .unwrap();
    let staged = client.get_image(&image.id).unwrap();
    assert_eq!(staged.status, ImageStatus::Uploading);

    client
        .import_image(
            &image.id,
            &ImportMethod::GlanceDirect,
            &ImportOptions {
                stores: vec!["fs".into(), "fs2".into()],
                ..Default::default()
            },
        )
        .unwrap();
    let mut polls: Vec<ImageStatus> = Vec::new();
    let mut on_poll = |state: &ImportState| {
        polls.push(state.image.status.clone());
        ControlFlow::Continue(())
    };
    let active = client
        .wait_for_import(
            &image.id,
            ImportWait {
                on_poll: Some(&mut on_poll),
                ..quick()
            },
        )
        .unwrap();
    assert_eq!(polls.last(), Some(&ImageStatus::Active));
    assert_eq!(active.status, ImageStatus::Active);
    assert_eq!(sorted(active.stores()), ["fs", "fs2"]);
    assert_eq!(
        active.checksum.as_deref(),
        Some(hex(&Md5::digest(&bytes)).as_str())
    );
    assert_eq!(
        active.os_hash_value.as_deref(),
        Some(hex(&Sha512::digest(&bytes)).as_str())
    );

    let tasks = client.image_tasks(&image.id).unwrap();
    let last = tasks.last().expect("the import left a task");
    assert_eq!(last.task_type, TaskType::ApiImageImport);
    assert_eq!(last.status, TaskStatus::Success);
    let input = last.input.as_ref().expect("an image task keeps its input");
    assert_eq!(input["import_req"]["method"]["name"], "glance-direct");

    let mut back = Vec::new();
    client
        .download_image(&image.id, &mut back, DownloadOptions::default())
        .unwrap();
    assert!(back == bytes);
}

#[test]
fn create_with_data_picks_glance_direct_for_all_stores_and_direct_otherwise() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let bytes = data(1 << 20, 2);

    let everywhere = client
        .create_image_with_data(
            &record("import-create-all"),
            UploadData::bytes(&bytes),
            CreateWithData {
                stores: ImportOptions {
                    all_stores: Some(true),
                    ..Default::default()
                },
                wait: quick(),
                ..Default::default()
            },
        )
        .unwrap();
    cleanup.add(&everywhere.id);
    assert_eq!(everywhere.status, ImageStatus::Active);
    assert_eq!(sorted(everywhere.stores()), ["fs", "fs2"]);
    let tasks = client.image_tasks(&everywhere.id).unwrap();
    assert_eq!(tasks.len(), 1, "went through an import");

    let one_store = client
        .create_image_with_data(
            &record("import-create-one"),
            UploadData::bytes(&bytes),
            CreateWithData {
                stores: ImportOptions {
                    stores: vec!["fs2".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap();
    cleanup.add(&one_store.id);
    assert_eq!(one_store.stores(), ["fs2"]);
    assert!(
        client.image_tasks(&one_store.id).unwrap().is_empty(),
        "a direct upload runs no import task"
    );
    assert_eq!(
        one_store.checksum.as_deref(),
        Some(hex(&Md5::digest(&bytes)).as_str())
    );

    let forced = client
        .create_image_with_data(
            &record("import-create-forced"),
            UploadData::bytes(&bytes),
            CreateWithData {
                method: UploadMethod::GlanceDirect,
                wait: quick(),
                ..Default::default()
            },
        )
        .unwrap();
    cleanup.add(&forced.id);
    assert_eq!(forced.stores(), ["fs"]);
    assert_eq!(client.image_tasks(&forced.id).unwrap().len(), 1);
}

#[test]
fn create_with_data_leaves_no_record_when_the_upload_fails() {
    let client = client("DEMO");
    let name = unique("import-create-fails");
    let mut stop = |_: glance_client::image_data::Progress| ControlFlow::Break(());
    let err = client
        .create_image_with_data(
            &CreateImage {
                name: Some(name.clone()),
                ..record("unused")
            },
            UploadData::bytes(b"abc"),
            CreateWithData {
                upload: UploadOptions {
                    progress: Some(&mut stop),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    let found = client.find_image(&name).unwrap_err();
    assert!(matches!(found, Error::NoMatch(_)), "{found:?}");
}

#[test]
fn web_download_from_a_loopback_server() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let bytes = data(3 << 20, 3);
    let served = bytes.clone();
    let server = Double::start(move |request, conn| {
        if request.path() == "/disk.raw" {
            conn.respond(
                200,
                &[("Content-Type", "application/octet-stream")],
                &served,
            );
        } else {
            conn.respond(404, &[], b"no");
        }
    });
    let image = new_image(&client, &mut cleanup, "import-web");
    client
        .import_image(
            &image.id,
            &ImportMethod::WebDownload {
                uri: format!("{}/disk.raw", server.url()),
            },
            &ImportOptions::default(),
        )
        .unwrap();
    let active = client.wait_for_import(&image.id, quick()).unwrap();
    assert_eq!(active.size, Some(bytes.len() as u64));
    assert_eq!(
        active.checksum.as_deref(),
        Some(hex(&Md5::digest(&bytes)).as_str())
    );
    assert!(server.requests().iter().any(|r| r.path() == "/disk.raw"));
}

#[test]
fn a_failed_web_download_names_its_stores() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let server = Double::start(|_, conn| conn.respond(404, &[], b"gone"));
    let image = new_image(&client, &mut cleanup, "import-web-fails");
    client
        .import_image(
            &image.id,
            &ImportMethod::WebDownload {
                uri: format!("{}/missing.raw", server.url()),
            },
            &ImportOptions {
                stores: vec!["fs".into(), "fs2".into()],
                ..Default::default()
            },
        )
        .unwrap();
    let err = client.wait_for_import(&image.id, quick()).unwrap_err();
    let Error::ImportFailed {
        image_id,
        status,
        failed_stores,
        message,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(image_id, &image.id);
    assert_eq!(status, "queued");
    assert_eq!(
        sorted(failed_stores.iter().map(String::as_str).collect()),
        ["fs", "fs2"]
    );
    assert!(!message.is_empty());
    assert!(err.to_string().contains("fs2"), "{err}");
}

#[test]
fn bad_imports_fail_before_or_at_the_server() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let image = new_image(&client, &mut cleanup, "import-bad");
    let err = client
        .import_image(
            &image.id,
            &ImportMethod::WebDownload {
                uri: "ftp://127.0.0.1/x".into(),
            },
            &ImportOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    // glance-direct with nothing staged: the server refuses.
    let err = client
        .import_image(
            &image.id,
            &ImportMethod::GlanceDirect,
            &ImportOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.request_id().is_some());
}

#[test]
fn copy_image_to_a_second_store_and_delete_it_from_there() {
    let admin = client("ADMIN");
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&admin);
    let bytes = data(1 << 20, 4);
    let image = demo.create_image(&record("import-copy")).unwrap();
    cleanup.add(&image.id);
    demo.upload_image(
        &image.id,
        UploadData::bytes(&bytes),
        UploadOptions::default(),
    )
    .unwrap();

    let err = demo
        .import_image(
            &image.id,
            &ImportMethod::CopyImage,
            &ImportOptions {
                stores: vec!["fs2".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Forbidden(_)),
        "copy-image is admin's: {err:?}"
    );

    admin
        .import_image(
            &image.id,
            &ImportMethod::CopyImage,
            &ImportOptions {
                stores: vec!["fs2".into()],
                ..Default::default()
            },
        )
        .unwrap();
    let copied = admin.wait_for_import(&image.id, quick()).unwrap();
    assert_eq!(sorted(copied.stores()), ["fs", "fs2"]);

    let err = demo.delete_image_from_store(&image.id, "fs2").unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    admin.delete_image_from_store(&image.id, "fs2").unwrap();
    let after = demo.get_image(&image.id).unwrap();
    assert_eq!(after.stores(), ["fs"]);
    assert_eq!(after.status, ImageStatus::Active);
    let err = admin.delete_image_from_store(&image.id, "fs2").unwrap_err();
    assert!(err.status().is_some_and(|s| s >= 400), "{err:?}");
}

#[test]
fn a_wait_stops_when_its_callback_says_so_or_its_time_is_up() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    // A source that answers only after the waits below have given up.
    let server = Double::start(|_, conn| {
        std::thread::sleep(Duration::from_secs(5));
        conn.respond(200, &[], b"late");
    });
    let image = new_image(&client, &mut cleanup, "import-wait");
    client
        .import_image(
            &image.id,
            &ImportMethod::WebDownload {
                uri: format!("{}/slow.raw", server.url()),
            },
            &ImportOptions::default(),
        )
        .unwrap();

    let mut seen = Vec::new();
    let mut stop = |state: &ImportState| {
        seen.push(state.in_progress());
        ControlFlow::Break(())
    };
    let err = client
        .wait_for_import(
            &image.id,
            ImportWait {
                on_poll: Some(&mut stop),
                ..quick()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert_eq!(seen, [true], "one poll, of an import in progress");

    let err = client
        .wait_for_import(
            &image.id,
            ImportWait {
                interval: Duration::from_millis(100),
                timeout: Some(Duration::from_millis(300)),
                ..quick()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.to_string().contains(&image.id), "{err}");

    let err = client
        .wait_for_import(
            &image.id,
            ImportWait {
                interval: Duration::ZERO,
                ..quick()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}
