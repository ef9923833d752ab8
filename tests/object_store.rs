//! Object storage against the real Swift of the local cloud.

mod support;

use std::io::Read;

use glance_client::{
    object_store::{LargeObject, ObjectListOptions, ObjectUploadOptions},
    Error,
};
use support::cloud::{token, unique, user};
use support::swift::{storage_url, store, Containers};

/// Deterministic bytes that differ from position to position.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

/// A reader that hides its length, like a pipe.
struct Pipe<'a>(&'a [u8]);

impl Read for Pipe<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Small, uneven reads, as a socket gives them.
        let n = buf.len().min(self.0.len()).min(70_001);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn containers_and_ordinary_objects() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let container = unique("objects");
    cleanup.add(&container);

    assert!(!store.container_exists(&container).unwrap());
    let err = store
        .list_objects(&container, &ObjectListOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NoSuchContainer(_)), "{err:?}");
    assert!(err.to_string().contains(&container), "{err}");
    assert!(matches!(
        store.require_container(&container),
        Err(Error::NoSuchContainer(_))
    ));

    store.create_container(&container).unwrap();
    store.create_container(&container).unwrap();
    assert!(store.container_exists(&container).unwrap());
    store.require_container(&container).unwrap();

    let data = pattern(300_000, 1);
    let name = "dir/an object ü%.bin";
    let uploaded = store
        .upload(
            &container,
            name,
            &mut &data[..],
            ObjectUploadOptions {
                size: Some(data.len() as u64),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(uploaded.size, 300_000);
    assert_eq!(uploaded.segments, 0);
    let empty = store
        .upload(
            &container,
            "empty",
            &mut Pipe(&[]),
            ObjectUploadOptions::default(),
        )
        .unwrap();
    assert_eq!((empty.size, empty.segments), (0, 0));

    let listed = store
        .list_objects(&container, &ObjectListOptions::default())
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, vec!["dir/an object ü%.bin", "empty"]);
    assert_eq!(listed[0].bytes, 300_000);
    assert_eq!(listed[0].hash.as_deref(), Some(uploaded.etag.as_str()));
    let page = store
        .list_objects(
            &container,
            &ObjectListOptions {
                limit: Some(1),
                marker: Some("dir/".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].name, name);
    let prefixed = store
        .list_objects(
            &container,
            &ObjectListOptions {
                prefix: Some("em".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(prefixed.len(), 1);

    let info = store.object_info(&container, name).unwrap();
    assert_eq!(info.size, 300_000);
    assert_eq!(info.large_object, LargeObject::No);
    assert_eq!(info.etag.as_deref(), Some(uploaded.etag.as_str()));
    let mut back = Vec::new();
    store
        .download(&container, name, &mut back, Default::default())
        .unwrap();
    assert!(back == data, "the object came back different");

    // A container with objects cannot go.
    assert!(matches!(
        store.delete_container(&container),
        Err(Error::Conflict(_))
    ));
    store.delete_object(&container, name).unwrap();
    store.delete_object(&container, "empty").unwrap();
    let err = store.object_info(&container, name).unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(err.request_id().is_some_and(|id| id.starts_with("tx")));
    store.delete_container(&container).unwrap();
    assert!(!store.container_exists(&container).unwrap());
}

#[test]
fn large_objects_are_segmented_streamed_checked_and_deleted_whole() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let container = unique("slo");
    cleanup.add(&container);
    store.create_container(&container).unwrap();
    let segments_of = |object: &str| {
        store
            .list_objects(
                &format!("{container}_segments"),
                &ObjectListOptions {
                    prefix: Some(format!("{object}/")),
                    ..Default::default()
                },
            )
            .unwrap()
    };
    let mib = 1 << 20;
    let cases: [(&str, usize, bool, u32); 4] = [
        // name, size, size announced, segments expected
        ("unknown-size", 2 * mib + 12_345, false, 3),
        ("known-size", 2 * mib + 12_345, true, 3),
        ("exact-multiple", 2 * mib, false, 2),
        ("below-threshold-unknown", 1000, false, 1),
    ];
    for (name, size, announced, segments) in cases {
        let data = pattern(size, segments as u8);
        let options = ObjectUploadOptions {
            size: announced.then_some(size as u64),
            segment_size: mib as u64,
            ..Default::default()
        };
        let uploaded = store
            .upload(&container, name, &mut Pipe(&data), options)
            .unwrap();
        assert_eq!(uploaded.size, size as u64, "{name}");
        assert_eq!(uploaded.segments, segments, "{name}");
        assert_eq!(segments_of(name).len(), segments as usize, "{name}");

        let info = store.object_info(&container, name).unwrap();
        assert_eq!(info.large_object, LargeObject::Static, "{name}");
        assert_eq!(info.size, size as u64);
        assert_eq!(info.etag.as_deref(), Some(uploaded.etag.as_str()));
        assert_eq!(
            info.content_type.as_deref(),
            Some("application/octet-stream")
        );

        let mut reader = store.open_object(&container, name).unwrap();
        let mut back = Vec::new();
        reader.read_to_end(&mut back).unwrap();
        assert!(back == data, "{name} came back different");
        assert_eq!(reader.bytes_read(), size as u64);

        store.delete_object(&container, name).unwrap();
        assert!(segments_of(name).is_empty(), "{name}: segments left");
    }
    assert!(store
        .list_objects(&container, &ObjectListOptions::default())
        .unwrap()
        .is_empty());
}

#[test]
fn data_shorter_than_announced_is_refused_and_nothing_is_stored() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let container = unique("short");
    cleanup.add(&container);
    store.create_container(&container).unwrap();
    let mib = 1 << 20;
    // name, bytes announced, bytes given: one PUT, then segments.
    let cases = [("plain", 2000, 1000), ("segmented", 3 * mib, 2 * mib + 5)];
    for (name, announced, given) in cases {
        let data = pattern(given, 3);
        let options = ObjectUploadOptions {
            size: Some(announced as u64),
            segment_size: mib as u64,
            ..Default::default()
        };
        let err = store
            .upload(&container, name, &mut Pipe(&data), options)
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument(m) if m.contains(&format!("of the {}", announced.min(mib)))),
            "{name}: {err:?}"
        );
        assert!(matches!(
            store.object_info(&container, name),
            Err(Error::NotFound(_))
        ));
    }
    let segments = format!("{container}_segments");
    cleanup.add(&segments);
    assert!(store
        .list_objects(&segments, &ObjectListOptions::default())
        .unwrap()
        .is_empty());
}

#[test]
fn dynamic_large_objects_are_checked_and_deleted_with_their_segments() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let container = unique("dlo");
    cleanup.add(&container);
    store.create_container(&container).unwrap();
    let parts = [pattern(5000, 1), pattern(7000, 2), pattern(10, 3)];
    for (i, part) in parts.iter().enumerate() {
        store
            .upload(
                &container,
                &format!("parts/{i}"),
                &mut &part[..],
                ObjectUploadOptions {
                    size: Some(part.len() as u64),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    // Swift's DLO manifest: an empty object naming the segments' prefix.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .build()
        .new_agent();
    let response = agent
        .put(format!("{}/{container}/whole", storage_url("DEMO")))
        .header("X-Auth-Token", token(&user("DEMO")))
        .header("X-Object-Manifest", format!("{container}/parts/"))
        .send(&[][..])
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);

    let info = store.object_info(&container, "whole").unwrap();
    assert_eq!(
        info.large_object,
        LargeObject::Dynamic {
            container: container.clone(),
            prefix: "parts/".into()
        }
    );
    let mut back = Vec::new();
    store
        .download(&container, "whole", &mut back, Default::default())
        .unwrap();
    assert_eq!(back, parts.concat());

    store.delete_object(&container, "whole").unwrap();
    assert!(store
        .list_objects(&container, &ObjectListOptions::default())
        .unwrap()
        .is_empty());
}

#[test]
fn projects_cannot_reach_each_others_containers() {
    let demo = store("DEMO");
    let mut cleanup = Containers::new(&demo);
    let container = unique("private");
    cleanup.add(&container);
    demo.create_container(&container).unwrap();
    let intruder = support::cloud::client("ALT")
        .object_store_at(&storage_url("DEMO"))
        .unwrap();
    let err = intruder
        .list_objects(&container, &ObjectListOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
}

#[test]
fn a_temp_url_lets_anyone_read_the_object_until_it_expires() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let container = unique("tempurl");
    cleanup.add(&container);
    store.create_container(&container).unwrap();
    let data = pattern(4321, 9);
    let object = "dir/with space ü.bin";
    store
        .upload(
            &container,
            object,
            &mut &data[..],
            ObjectUploadOptions {
                size: Some(data.len() as u64),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(store.temp_url_key(&container).unwrap(), None);
    let key = unique("key");
    store.set_container_temp_url_key(&container, &key).unwrap();
    assert_eq!(store.temp_url_key(&container).unwrap(), Some(key.clone()));

    let url = store
        .temp_url(
            &container,
            object,
            &key,
            std::time::Duration::from_secs(600),
        )
        .unwrap();
    let anonymous: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut response = anonymous.get(&url).call().unwrap();
    assert_eq!(response.status().as_u16(), 200, "{url}");
    assert_eq!(response.body_mut().read_to_vec().unwrap(), data);

    let forged = url.replace("temp_url_sig=", "temp_url_sig=0");
    let response = anonymous.get(&forged).call().unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let expired = store
        .temp_url(&container, object, &key, std::time::Duration::ZERO)
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let response = anonymous.get(&expired).call().unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[test]
fn the_catalog_names_the_object_store() {
    let client = support::cloud::catalog_client("DEMO", "RegionOne");
    let store = client.object_store();
    assert_eq!(store.storage_url().unwrap(), storage_url("DEMO"));
    let mut cleanup = Containers::new(&store);
    let container = unique("catalog");
    cleanup.add(&container);
    store.create_container(&container).unwrap();
    assert!(support::swift::store("DEMO")
        .container_exists(&container)
        .unwrap());
}

#[test]
fn files_go_up_and_come_back_whole() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let container = unique("files");
    cleanup.add(&container);
    store.create_container(&container).unwrap();
    let dir = std::env::temp_dir().join(unique("object-files"));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("source.bin");
    let data = pattern(2 * 1024 * 1024 + 99, 4);
    std::fs::write(&source, &data).unwrap();

    let uploaded = store
        .upload_file(
            &container,
            "from-file",
            &source,
            ObjectUploadOptions {
                segment_size: 1024 * 1024,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((uploaded.size, uploaded.segments), (data.len() as u64, 3));

    let target = dir.join("target.bin");
    let info = store
        .download_to_file(&container, "from-file", &target, Default::default())
        .unwrap();
    assert_eq!(info.size, data.len() as u64);
    assert!(std::fs::read(&target).unwrap() == data);
    assert!(!dir.join("target.bin.part").exists());

    let missing = dir.join("missing.bin");
    let err = store
        .download_to_file(&container, "no-such-object", &missing, Default::default())
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(!missing.exists() && !dir.join("missing.bin.part").exists());
    let err = store
        .upload_file(
            &container,
            "x",
            dir.join("absent"),
            ObjectUploadOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A DLO manifest (an empty object with `X-Object-Manifest`), PUT directly.
fn put_manifest(container: &str, object: &str, points_at: &str) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .build()
        .new_agent();
    let response = agent
        .put(format!("{}/{container}/{object}", storage_url("DEMO")))
        .header("X-Auth-Token", token(&user("DEMO")))
        .header("X-Object-Manifest", points_at)
        .send(&[][..])
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
}

fn names(store: &glance_client::object_store::ObjectStore, container: &str) -> Vec<String> {
    store
        .list_objects(container, &ObjectListOptions::default())
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect()
}

#[test]
fn deleting_a_dynamic_large_object_never_reaches_another_containers_objects() {
    let store = store("DEMO");
    let mut cleanup = Containers::new(&store);
    let shared = unique("dlo-shared");
    let victim = unique("dlo-victim");
    cleanup.add(&shared);
    cleanup.add(&victim);
    store.create_container(&shared).unwrap();
    store.create_container(&victim).unwrap();
    for name in ["payroll.db", "private/key", "keys/a"] {
        store
            .upload(
                &victim,
                name,
                &mut &b"precious"[..],
                ObjectUploadOptions::default(),
            )
            .unwrap();
    }
    // Someone who can write `shared` points a manifest into the victim.
    put_manifest(&shared, "trap", &format!("{victim}/p"));
    let err = store.delete_object(&shared, "trap").unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(err.to_string().contains("does not own"), "{err}");
    assert_eq!(
        names(&store, &victim),
        ["keys/a", "payroll.db", "private/key"]
    );
    assert_eq!(names(&store, &shared), ["trap"], "nothing deleted");
    // Deleting only the manifest is the caller's way out.
    store.delete_object_keep_segments(&shared, "trap").unwrap();
    assert!(names(&store, &shared).is_empty());
    assert_eq!(
        names(&store, &victim),
        ["keys/a", "payroll.db", "private/key"]
    );

    // A manifest whose segment container is gone is still deletable, with
    // or without its segments.
    let segments = format!("{shared}_segments");
    put_manifest(&shared, "orphan", &format!("{segments}/orphan/"));
    put_manifest(&shared, "orphan2", &format!("{segments}/orphan2/"));
    store.delete_object(&shared, "orphan").unwrap();
    store
        .delete_object_keep_segments(&shared, "orphan2")
        .unwrap();
    assert!(names(&store, &shared).is_empty());

    // Segments where the manifest owns them (python-swiftclient's layout) go
    // with it when the caller asks; another object's segments stay.
    store.create_container(&segments).unwrap();
    for name in ["big/1/0", "big/1/1", "bigger/1/0"] {
        store
            .upload(
                &segments,
                name,
                &mut &b"part"[..],
                ObjectUploadOptions::default(),
            )
            .unwrap();
    }
    put_manifest(&shared, "big", &format!("{segments}/big/"));
    store.delete_object(&shared, "big").unwrap();
    assert!(names(&store, &shared).is_empty());
    assert_eq!(names(&store, &segments), ["bigger/1/0"]);
}
