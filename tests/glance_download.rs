//! glance-download against the real two-region cloud: an image of RegionOne
//! imported into RegionTwo by RegionTwo's Glance itself, same bytes and digests.

mod support;

use std::time::Duration;

use glance_client::{
    image_data::{DownloadOptions, UploadData, UploadOptions},
    import::{ImportMethod, ImportOptions, ImportWait},
    CreateImage, Error, ImageStatus,
};
use support::cloud::{catalog_client, unique, Cleanup};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn record(name: &str) -> CreateImage {
    CreateImage {
        name: Some(name.to_owned()),
        disk_format: Some("raw".into()),
        container_format: Some("bare".into()),
        ..Default::default()
    }
}

#[test]
fn glance_download_brings_an_image_of_region_one_into_region_two() {
    let one = catalog_client("DEMO", "RegionOne");
    let two = catalog_client("DEMO", "RegionTwo");
    let mut in_one = Cleanup::new(&one);
    let mut in_two = Cleanup::new(&two);
    let bytes = pattern(3 * 1024 * 1024 + 7);
    let name = unique("glance-download-rust");
    let source = one.create_image(&record(&name)).unwrap();
    in_one.add(&source.id);
    let source = one
        .upload_image(
            &source.id,
            UploadData::bytes(&bytes),
            UploadOptions::default(),
        )
        .unwrap();

    let target = two.create_image(&record(&name)).unwrap();
    in_two.add(&target.id);
    two.import_image(
        &target.id,
        &ImportMethod::GlanceDownload {
            image_id: source.id.clone(),
            region: "RegionOne".into(),
            service_interface: None,
        },
        &ImportOptions::default(),
    )
    .unwrap();
    let active = two
        .wait_for_import(
            &target.id,
            ImportWait {
                interval: Duration::from_millis(200),
                timeout: Some(Duration::from_secs(120)),
                on_poll: None,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(active.status, ImageStatus::Active);
    assert_eq!(active.size, Some(bytes.len() as u64));
    assert_eq!(active.checksum, source.checksum);
    assert_eq!(active.os_hash_value, source.os_hash_value);
    let mut back = Vec::new();
    two.download_image(&target.id, &mut back, DownloadOptions::default())
        .unwrap();
    assert!(back == bytes, "the bytes arrived unchanged");
    let tasks = two.image_tasks(&target.id).unwrap();
    let last = tasks.last().expect("the import left a task");
    let input = last.input.as_ref().expect("an image task keeps its input");
    assert_eq!(input["import_req"]["method"]["name"], "glance-download");
}

#[test]
fn glance_download_needs_an_image_id_and_a_region() {
    let two = catalog_client("DEMO", "RegionTwo");
    let method = |image_id: &str, region: &str| ImportMethod::GlanceDownload {
        image_id: image_id.into(),
        region: region.into(),
        service_interface: None,
    };
    for bad in [method("", "RegionOne"), method("x", " ")] {
        let err = two
            .import_image(
                "00000000-0000-0000-0000-000000000000",
                &bad,
                &ImportOptions::default(),
            )
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    }
}
