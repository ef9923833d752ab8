//! The journeys of pyrax's Images guide on a plain OpenStack cloud: export an
//! image into a container and import it back, and copy an image from one
//! region's Glance to another's. Real Keystone, Glance (RegionOne :9292,
//! RegionTwo :9293) and Swift; clients found through the catalog.

mod support;

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use glance_client::{
    image_data::{DownloadOptions, Phase, Progress, UploadData},
    import::CreateWithData,
    object_store::ObjectUploadOptions,
    workflows::{ContainerImportOptions, ContainerImportVia, CopyOptions, ExportOptions},
    Client, CreateImage, Error, Image, Visibility,
};
use support::cloud::{catalog_client, unique, Cleanup};
use support::swift::Containers;

/// Bytes that differ from position to position, so a shifted or truncated
/// copy cannot match.
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) ^ seed).to_le_bytes()[2])
        .collect()
}

/// An active image with custom properties, awkward tags and `data`.
fn source_image(client: &Client, name: &str, data: &[u8]) -> Image {
    client
        .create_image_with_data(
            &CreateImage {
                name: Some(name.to_owned()),
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                visibility: Some(Visibility::Private),
                min_disk: Some(1),
                min_ram: Some(64),
                tags: vec!["a b".into(), "café".into(), "x/y".into()],
                properties: [
                    ("os_distro".to_owned(), "debian".to_owned()),
                    ("note".to_owned(), "ü, with spaces & 100%".to_owned()),
                ]
                .into(),
                ..Default::default()
            },
            UploadData::bytes(data),
            CreateWithData::default(),
        )
        .unwrap()
}

fn download(client: &Client, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    client
        .download_image(id, &mut out, DownloadOptions::default())
        .unwrap();
    out
}

/// The copy has the source's data and everything a user set.
fn assert_same_image(copy: &Image, source: &Image) {
    assert_ne!(copy.id, source.id);
    assert_eq!(copy.name, source.name);
    assert_eq!(copy.size, source.size);
    assert_eq!(copy.checksum, source.checksum);
    assert_eq!(copy.os_hash_algo, source.os_hash_algo);
    assert_eq!(copy.os_hash_value, source.os_hash_value);
    assert_eq!(copy.disk_format, source.disk_format);
    assert_eq!(copy.container_format, source.container_format);
    assert_eq!(
        (copy.min_disk, copy.min_ram),
        (source.min_disk, source.min_ram)
    );
    assert_eq!(copy.visibility, source.visibility);
    let tags = |i: &Image| i.tags.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(tags(copy), tags(source));
    for key in ["os_distro", "note"] {
        assert_eq!(copy.property(key), source.property(key), "{key}");
    }
}

#[test]
fn export_to_a_container_and_import_back_gives_the_same_image() {
    let client = catalog_client("DEMO", "RegionOne");
    let store = client.object_store();
    let mut images = Cleanup::new(&client);
    let mut containers = Containers::new(&store);
    let name = unique("journey-export");
    let data = pattern(3 * 1024 * 1024 + 5, 1);
    let source = source_image(&client, &name, &data);
    images.add(&source.id);
    let container = unique("exports");
    containers.add(&container);

    // As pyrax does: no container, no export (and nothing else happens).
    let err = client
        .export_image_to_container(&source.id, &store, &container, ExportOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NoSuchContainer(_)), "{err:?}");

    store.create_container(&container).unwrap();
    let exported = client
        .export_image_to_container(
            &source.id,
            &store,
            &container,
            ExportOptions {
                segment_size: Some(1024 * 1024),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(exported.object, format!("{}.raw", source.id));
    assert_eq!(exported.size, data.len() as u64);
    assert_eq!(exported.segments, 4);
    let mut stored = Vec::new();
    let info = store
        .download(
            &container,
            &exported.object,
            &mut stored,
            Default::default(),
        )
        .unwrap();
    assert!(stored == data, "the object holds the image's bytes");
    assert!(info.metadata.contains_key("glance-image-00"));
    assert_eq!(exported.record.os_hash_value, source.os_hash_value);

    let streamed = client
        .import_image_from_container(
            &store,
            &container,
            &exported.object,
            ContainerImportOptions::default(),
        )
        .unwrap();
    images.add(&streamed.id);
    assert_same_image(&streamed, &source);
    assert!(download(&client, &streamed.id) == data);

    // Glance fetches the object itself, from a temporary URL. A container's
    // key does not reach segments kept in another container...
    store
        .set_container_temp_url_key(&container, &unique("key"))
        .unwrap();
    let web = || ContainerImportOptions {
        name: Some(format!("{name}-web")),
        via: ContainerImportVia::WebDownload,
        ..Default::default()
    };
    let err = client
        .import_image_from_container(&store, &container, &exported.object, web())
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(err.to_string().contains("segments"), "{err}");
    // ... so export again with the segments beside the object.
    let beside = client
        .export_image_to_container(
            &source.id,
            &store,
            &container,
            ExportOptions {
                object: Some("beside.raw".into()),
                segment_size: Some(1024 * 1024),
                segment_container: Some(container.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(beside.segments, 4);
    // Glance fetches the data itself: the callback hears it importing.
    let mut phases = Vec::new();
    let mut progress = |p: Progress| {
        phases.push((p.phase, p.done, p.total));
        ControlFlow::Continue(())
    };
    let fetched = client
        .import_image_from_container(
            &store,
            &container,
            &beside.object,
            ContainerImportOptions {
                progress: Some(&mut progress),
                ..web()
            },
        )
        .unwrap();
    images.add(&fetched.id);
    assert!(!phases.is_empty());
    assert!(
        phases.iter().all(|p| *p == (Phase::Importing, 0, None)),
        "{phases:?}"
    );
    assert_eq!(
        fetched.name.as_deref(),
        Some(format!("{name}-web").as_str())
    );
    assert_eq!(fetched.os_hash_value, source.os_hash_value);
    assert_eq!(fetched.property("note"), source.property("note"));
}

#[test]
fn an_object_without_an_image_record_needs_its_formats() {
    let client = catalog_client("DEMO", "RegionOne");
    let store = client.object_store();
    let mut images = Cleanup::new(&client);
    let mut containers = Containers::new(&store);
    let container = unique("plain-objects");
    containers.add(&container);
    store.create_container(&container).unwrap();
    let data = pattern(70_000, 2);
    store
        .upload(
            &container,
            "disk.img",
            &mut &data[..],
            ObjectUploadOptions {
                size: Some(data.len() as u64),
                ..Default::default()
            },
        )
        .unwrap();

    let err = client
        .import_image_from_container(
            &store,
            &container,
            "disk.img",
            ContainerImportOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");

    // Without a temp URL key, Auto streams the data through the client.
    let image = client
        .import_image_from_container(
            &store,
            &container,
            "disk.img",
            ContainerImportOptions {
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                via: ContainerImportVia::Auto,
                ..Default::default()
            },
        )
        .unwrap();
    images.add(&image.id);
    assert_eq!(image.name.as_deref(), Some("disk.img"));
    assert_eq!(image.size, Some(data.len() as u64));
    assert!(download(&client, &image.id) == data);

    let err = client
        .import_image_from_container(
            &store,
            &container,
            "disk.img",
            ContainerImportOptions {
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                via: ContainerImportVia::WebDownload,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "no temp URL key: {err:?}");

    let queued = client
        .create_image(&CreateImage {
            name: Some(unique("queued")),
            ..Default::default()
        })
        .unwrap();
    images.add(&queued.id);
    let err = client
        .export_image_to_container(&queued.id, &store, &container, ExportOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::NoData(_)), "{err:?}");
}

#[test]
fn a_copy_between_regions_is_byte_identical() {
    let one = catalog_client("DEMO", "RegionOne");
    let two = catalog_client("DEMO", "RegionTwo");
    assert_ne!(
        one.endpoint_url(glance_client::auth::Service::Image)
            .unwrap(),
        two.endpoint_url(glance_client::auth::Service::Image)
            .unwrap(),
        "two regions, two Glances"
    );
    let mut in_one = Cleanup::new(&one);
    let mut in_two = Cleanup::new(&two);
    let data = pattern(5 * 1024 * 1024 + 3, 3);
    let source = source_image(&one, &unique("journey-copy"), &data);
    in_one.add(&source.id);

    let copy = one
        .copy_image_to(&source.id, &two, CopyOptions::default())
        .unwrap();
    in_two.add(&copy.id);
    assert!(matches!(one.get_image(&copy.id), Err(Error::NotFound(_))));
    let fresh = two.get_image(&copy.id).unwrap();
    assert_same_image(&fresh, &source);
    assert!(download(&two, &copy.id) == data, "byte-identical");

    let renamed = two
        .copy_image_to(
            &copy.id,
            &one,
            CopyOptions {
                name: Some("back home".into()),
                ..Default::default()
            },
        )
        .unwrap();
    in_one.add(&renamed.id);
    assert_eq!(renamed.name.as_deref(), Some("back home"));
    assert_eq!(renamed.os_hash_value, source.os_hash_value);
}

#[test]
fn a_copy_the_target_refuses_leaves_nothing_behind() {
    let one = catalog_client("DEMO", "RegionOne");
    let two = catalog_client("DEMO", "RegionTwo");
    let cap: usize = std::env::var("GLANCE_TEST_GLANCE2_IMAGE_SIZE_CAP")
        .expect("GLANCE_TEST_GLANCE2_IMAGE_SIZE_CAP is set by the cloud's env.sh")
        .parse()
        .unwrap();
    let mut in_one = Cleanup::new(&one);
    let name = unique("journey-too-large");
    // Well above the cap: the download is still running when the target
    // refuses, and its broken pipe must not hide the refusal.
    let source = source_image(&one, &name, &pattern(cap + (8 << 20), 4));
    in_one.add(&source.id);

    let err = one
        .copy_image_to(&source.id, &two, CopyOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge(_)), "{err:?}");
    assert!(
        matches!(two.find_image(&name), Err(Error::NoMatch(_))),
        "the half-made copy is deleted"
    );
}

/// Every image of `client` named `name` (any status).
fn images_named(client: &Client, name: &str) -> Vec<Image> {
    client
        .images(&glance_client::ListOptions {
            name: Some(name.into()),
            ..Default::default()
        })
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

/// Object names of a container (none when it does not exist).
fn objects_in(store: &glance_client::object_store::ObjectStore, container: &str) -> Vec<String> {
    store
        .list_objects(
            container,
            &glance_client::object_store::ObjectListOptions::default(),
        )
        .map(|objects| objects.into_iter().map(|o| o.name).collect())
        .unwrap_or_default()
}

/// A callback that records every report and, with `stop`, stops once half
/// of the total has moved.
fn watch(seen: &mut Vec<Progress>, stop: bool) -> impl FnMut(Progress) -> ControlFlow<()> + '_ {
    move |p: Progress| {
        seen.push(p);
        match p.total {
            Some(total) if stop && p.done > 0 && p.done >= total / 2 => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }
}

/// Reports of one moving phase: from 0 to the end, never more than 4 MiB apart.
fn assert_watched(seen: &[Progress], size: u64) {
    assert!(seen.iter().all(|p| p.phase == Phase::Moving), "{seen:?}");
    assert_eq!(
        seen.first().map(|p| (p.done, p.total)),
        Some((0, Some(size)))
    );
    assert_eq!(seen.last().map(|p| p.done), Some(size));
    assert!(seen
        .windows(2)
        .all(|w| w[1].done >= w[0].done && w[1].done - w[0].done <= 4 << 20));
}

#[test]
fn a_watched_export_and_import_stopped_halfway_leave_nothing_behind() {
    let client = catalog_client("DEMO", "RegionOne");
    let store = client.object_store();
    let mut images = Cleanup::new(&client);
    let mut containers = Containers::new(&store);
    let name = unique("journey-watched");
    let data = pattern(12 * 1024 * 1024 + 7, 5);
    let size = data.len() as u64;
    let source = source_image(&client, &name, &data);
    images.add(&source.id);
    let container = unique("watched");
    containers.add(&container);
    store.create_container(&container).unwrap();
    let segments = format!("{container}_segments");
    let export = |progress: &mut dyn FnMut(Progress) -> ControlFlow<()>| {
        client.export_image_to_container(
            &source.id,
            &store,
            &container,
            ExportOptions {
                segment_size: Some(4 * 1024 * 1024),
                progress: Some(progress),
                ..Default::default()
            },
        )
    };

    let mut seen = Vec::new();
    let err = export(&mut watch(&mut seen, true)).unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    let stopped_at = seen.last().unwrap().done;
    assert!(stopped_at >= size / 2 && stopped_at < size, "{stopped_at}");
    assert_eq!(objects_in(&store, &container), Vec::<String>::new());
    assert_eq!(
        objects_in(&store, &segments),
        Vec::<String>::new(),
        "no segment left"
    );

    let mut seen = Vec::new();
    let exported = export(&mut watch(&mut seen, false)).unwrap();
    assert_eq!(exported.segments, 4);
    assert_watched(&seen, size);

    let import = |name: &str, progress: &mut dyn FnMut(Progress) -> ControlFlow<()>| {
        client.import_image_from_container(
            &store,
            &container,
            &exported.object,
            ContainerImportOptions {
                name: Some(name.to_owned()),
                progress: Some(progress),
                ..Default::default()
            },
        )
    };
    let stopped_name = unique("journey-import-stopped");
    let mut seen = Vec::new();
    let err = import(&stopped_name, &mut watch(&mut seen, true)).unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert!(seen.last().unwrap().done < size);
    assert!(
        images_named(&client, &stopped_name).is_empty(),
        "no image left"
    );

    let back_name = unique("journey-import");
    let mut seen = Vec::new();
    let back = import(&back_name, &mut watch(&mut seen, false)).unwrap();
    images.add(&back.id);
    assert_watched(&seen, size);
    assert_eq!(back.os_hash_value, source.os_hash_value);
    assert!(download(&client, &back.id) == data);
}

#[test]
fn a_watched_copy_to_the_second_region_stopped_halfway_leaves_nothing_behind() {
    let one = catalog_client("DEMO", "RegionOne");
    let two = catalog_client("DEMO", "RegionTwo");
    let mut in_one = Cleanup::new(&one);
    let mut in_two = Cleanup::new(&two);
    let name = unique("journey-copy-watched");
    let data = pattern(12 * 1024 * 1024 + 1, 6);
    let size = data.len() as u64;
    let source = source_image(&one, &name, &data);
    in_one.add(&source.id);

    let mut seen = Vec::new();
    let err = one
        .copy_image_to(
            &source.id,
            &two,
            CopyOptions {
                progress: Some(&mut watch(&mut seen, true)),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert!(seen.last().unwrap().done < size);
    assert!(
        images_named(&two, &name).is_empty(),
        "no image left in RegionTwo"
    );
    let in_region_one: Vec<String> = images_named(&one, &name)
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(
        in_region_one,
        vec![source.id.clone()],
        "only the source in RegionOne"
    );

    let mut seen = Vec::new();
    let copy = one
        .copy_image_to(
            &source.id,
            &two,
            CopyOptions {
                progress: Some(&mut watch(&mut seen, false)),
                ..Default::default()
            },
        )
        .unwrap();
    in_two.add(&copy.id);
    assert_watched(&seen, size);
    assert!(download(&two, &copy.id) == data);
}

#[test]
fn a_description_too_large_for_metadata_travels_in_a_description_object() {
    let client = catalog_client("DEMO", "RegionOne");
    let store = client.object_store();
    let mut images = Cleanup::new(&client);
    let mut containers = Containers::new(&store);
    let data = pattern(100_000, 7);
    // Signature properties and many others: far beyond Swift's 4 KB of metadata.
    let mut properties: std::collections::BTreeMap<String, String> = (0..40)
        .map(|i| {
            (
                format!("prop_{i:02}"),
                format!("value {i} {}", "é".repeat(100)),
            )
        })
        .collect();
    properties.insert("img_signature".into(), "A".repeat(684));
    let source = client
        .create_image_with_data(
            &CreateImage {
                name: Some(unique("journey-big-description")),
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                properties: properties.clone(),
                ..Default::default()
            },
            UploadData::bytes(&data),
            CreateWithData::default(),
        )
        .unwrap();
    images.add(&source.id);
    let container = unique("described");
    containers.add(&container);
    store.create_container(&container).unwrap();
    let exported = client
        .export_image_to_container(&source.id, &store, &container, ExportOptions::default())
        .unwrap();
    let sidecar = format!("{}.glance-image.json", exported.object);
    assert_eq!(
        exported.description_object.as_deref(),
        Some(sidecar.as_str())
    );
    assert_eq!(objects_in(&store, &container), {
        let mut names = vec![exported.object.clone(), sidecar];
        names.sort();
        names
    });
    let back = client
        .import_image_from_container(
            &store,
            &container,
            &exported.object,
            ContainerImportOptions::default(),
        )
        .unwrap();
    images.add(&back.id);
    assert_eq!(back.name, source.name);
    for (key, value) in &properties {
        assert_eq!(back.property(key), Some(value.as_str()), "{key}");
    }
    assert!(download(&client, &back.id) == data);
}
