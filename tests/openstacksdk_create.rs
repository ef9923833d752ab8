//! openstacksdk's create against the real Glance: the stamped properties and
//! the "no duplicates" check. (openstacksdk itself checks the interplay in
//! bindings/python/tests/test_openstacksdk.py.)

mod support;

use glance_client::{
    image_data::{DownloadOptions, UploadData},
    import::CreateWithData,
    CreateImage, Error, ImageStatus,
};
use md5::{Digest, Md5};
use sha2::Sha256;
use support::cloud::{client, unique, Cleanup};

fn raw(name: &str) -> CreateImage {
    CreateImage {
        name: Some(name.to_owned()),
        disk_format: Some("raw".into()),
        container_format: Some("bare".into()),
        ..Default::default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_digests_are_stamped_and_a_second_create_finds_the_first() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let name = unique("sdk-create");
    let data = b"openstacksdk compatible bytes".repeat(1000);
    let first = demo
        .create_image_like_openstacksdk(
            &raw(&name),
            UploadData::bytes(&data),
            CreateWithData::default(),
            false,
        )
        .unwrap();
    cleanup.add(&first.id);
    assert_eq!(first.status, ImageStatus::Active);
    assert_eq!(
        first.property("owner_specified.openstack.md5"),
        Some(hex(&Md5::digest(&data)).as_str())
    );
    assert_eq!(
        first.property("owner_specified.openstack.sha256"),
        Some(hex(&Sha256::digest(&data)).as_str())
    );
    let object = format!("images/{name}");
    assert_eq!(
        first.property("owner_specified.openstack.object"),
        Some(object.as_str())
    );

    let path = std::env::temp_dir().join(unique("sdk-create-file"));
    std::fs::write(&path, &data).unwrap();
    let again = demo
        .create_image_like_openstacksdk(
            &raw(&name),
            UploadData::file(&path),
            CreateWithData::default(),
            false,
        )
        .unwrap();
    assert_eq!(again.id, first.id, "found, not uploaded again");

    let other = b"other bytes".to_vec();
    let mut cursor = std::io::Cursor::new(other.clone());
    let second = demo
        .create_image_like_openstacksdk(
            &raw(&name),
            UploadData::seekable(&mut cursor),
            CreateWithData::default(),
            false,
        )
        .unwrap();
    cleanup.add(&second.id);
    assert_ne!(second.id, first.id, "other data is a new image");
    let mut stored = Vec::new();
    demo.download_image(&second.id, &mut stored, DownloadOptions::default())
        .unwrap();
    assert_eq!(stored, other, "the reader was brought back after hashing");
    let err = demo
        .create_image_like_openstacksdk(
            &raw(&name),
            UploadData::file(&path),
            CreateWithData::default(),
            false,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Ambiguous(_)), "{err:?}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_plain_reader_gets_empty_digests_and_is_never_a_duplicate() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let name = unique("sdk-create-stream");
    let data = b"streamed once".to_vec();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut reader: &[u8] = &data;
        let image = demo
            .create_image_like_openstacksdk(
                &raw(&name),
                UploadData::reader(&mut reader, Some(data.len() as u64)),
                CreateWithData::default(),
                true,
            )
            .unwrap();
        cleanup.add(&image.id);
        assert_eq!(image.property("owner_specified.openstack.sha256"), Some(""));
        ids.push(image.id);
    }
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn bad_arguments_fail_before_any_request() {
    let demo = client("DEMO");
    let mut nameless = raw("x");
    nameless.name = None;
    let err = demo
        .create_image_like_openstacksdk(
            &nameless,
            UploadData::bytes(b"x"),
            CreateWithData::default(),
            true,
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    let mut forced = raw(&unique("sdk-forced"));
    forced
        .properties
        .insert("owner_specified.openstack.md5".into(), "0".into());
    let err = demo
        .create_image_like_openstacksdk(
            &forced,
            UploadData::bytes(b"x"),
            CreateWithData::default(),
            true,
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}
