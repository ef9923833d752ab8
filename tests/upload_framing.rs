//! Upload framing: chunked by default where the server takes it (the real
//! Glance, under gunicorn), and the fallback to `Content-Length` where a
//! front end refuses chunked bodies (a test double playing uWSGI/Apache's
//! mod_proxy_uwsgi, which answer 411 before reading the body).

mod support;

use std::io::{Cursor, Read};

use glance_client::{
    image_data::{Framing, UploadData, UploadOptions},
    CreateImage, ImageStatus,
};
use md5::Md5;
use serde_json::json;
use sha2::{Digest, Sha512};
use support::cloud::{client, unique, Cleanup};
use support::double::{Conn, Double, Recorded};

fn pattern(len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Glance behind a front end that refuses chunked bodies (or, with
/// `refuse` false, one that takes them); `put_status`/`put_body` answer
/// every upload that gets through.
fn glance(data: &[u8], refuse: bool, put_status: u16, put_body: &'static str) -> Double {
    let image = json!({"id": "img", "status": "active", "visibility": "private", "tags": [],
        "size": data.len(), "checksum": hex(&Md5::digest(data)),
        "os_hash_algo": "sha512", "os_hash_value": hex(&Sha512::digest(data))});
    let handler = move |r: &Recorded, c: &mut Conn| match r.method.as_str() {
        "PUT" => c.respond(put_status, &[], put_body.as_bytes()),
        _ => c.json(200, &image),
    };
    if refuse {
        Double::start_refusing_chunked(handler)
    } else {
        Double::start(handler)
    }
}

fn puts(double: &Double) -> Vec<Recorded> {
    double
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect()
}

fn is_chunked(r: &Recorded) -> bool {
    r.header("transfer-encoding") == Some("chunked") && r.header("content-length").is_none()
}

fn verified() -> UploadOptions<'static> {
    UploadOptions::default()
}

#[test]
fn a_refused_chunked_upload_is_sent_again_with_content_length_and_remembered() {
    let data = pattern(300_000);
    let glance = glance(&data, true, 204, "");
    let client = glance.client();
    let image = client
        .upload_image("img", UploadData::bytes(&data), verified())
        .unwrap();
    assert_eq!(image.status, ImageStatus::Active);
    let sent = puts(&glance);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(is_chunked(&sent[0]), "first attempt chunked: {:?}", sent[0]);
    assert!(sent[0].body.is_empty(), "the front end read none of it");
    assert_eq!(sent[1].header("content-length"), Some("300000"));
    assert!(sent[1].body == data);

    // The client learnt it: a file goes straight to Content-Length.
    let dir = std::env::temp_dir().join(unique("framing-file"));
    std::fs::write(&dir, &data).unwrap();
    let outcome = client.upload_image("img", UploadData::file(&dir), verified());
    std::fs::remove_file(&dir).unwrap();
    outcome.unwrap();
    let sent = puts(&glance);
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].header("content-length"), Some("300000"));
    assert!(sent[2].body == data);
}

#[test]
fn a_refused_chunked_stage_is_sent_again_with_content_length() {
    let data = pattern(200_001);
    let glance = glance(&data, true, 204, "");
    let client = glance.client();
    let mut seekable = Cursor::new(data.clone());
    client
        .stage_image_data("img", UploadData::seekable(&mut seekable), verified())
        .unwrap();
    let sent = puts(&glance);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().all(|r| r.path() == "/v2/images/img/stage"));
    assert!(is_chunked(&sent[0]));
    assert_eq!(sent[1].header("content-length"), Some("200001"));
    assert!(sent[1].body == data);
}

#[test]
fn a_one_shot_reader_risks_no_refusal() {
    let data = pattern(100_000);
    // Behind the refusing front end: Content-Length at once, never refused.
    let refusing = glance(&data, true, 204, "");
    let client = refusing.client();
    let mut once: &[u8] = &data;
    client
        .upload_image(
            "img",
            UploadData::reader(&mut once as &mut dyn Read, Some(data.len() as u64)),
            verified(),
        )
        .unwrap();
    let sent = puts(&refusing);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].header("content-length"), Some("100000"));
    assert!(sent[0].body == data);

    // Of unknown size it can only go chunked: the refusal says what to do.
    let mut once: &[u8] = &data;
    let err = client
        .upload_image(
            "img",
            UploadData::reader(&mut once as &mut dyn Read, None),
            verified(),
        )
        .unwrap_err();
    assert_eq!(err.status(), Some(411), "{err:?}");
    assert!(err.to_string().contains("give the size"), "{err}");

    // Where chunked has gone through once, a reader goes chunked too.
    let taking = glance(&data, false, 204, "");
    let client = taking.client();
    client
        .upload_image("img", UploadData::bytes(&data), verified())
        .unwrap();
    let mut once: &[u8] = &data;
    client
        .upload_image(
            "img",
            UploadData::reader(&mut once as &mut dyn Read, Some(data.len() as u64)),
            verified(),
        )
        .unwrap();
    let sent = puts(&taking);
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(is_chunked), "{sent:?}");
    assert!(sent[1].body == data);
}

#[test]
fn explicit_chunked_framing_never_falls_back() {
    let data = pattern(100_000);
    let glance = glance(&data, true, 204, "");
    let err = glance
        .client()
        .upload_image(
            "img",
            UploadData::bytes(&data),
            UploadOptions {
                framing: Framing::Chunked,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.status(), Some(411), "{err:?}");
    assert_eq!(puts(&glance).len(), 1);
}

#[test]
fn glance_errors_about_the_upload_are_not_taken_for_framing_refusals() {
    let data = pattern(100_000);
    for (status, body) in [
        (400, r#"{"message": "Store for identifier fs9 not found"}"#),
        (
            409,
            r#"{"message": "Image status transition from active to saving is not allowed"}"#,
        ),
        (413, r#"{"message": "Image exceeds the storage quota"}"#),
    ] {
        let glance = glance(&data, false, status, body);
        let err = glance
            .client()
            .upload_image("img", UploadData::bytes(&data), verified())
            .unwrap_err();
        assert_eq!(err.status(), Some(status), "{err:?}");
        let sent = puts(&glance);
        assert_eq!(sent.len(), 1, "{status}: not retried");
        assert!(is_chunked(&sent[0]), "{status}: the default is chunked");
    }
}

#[test]
fn the_real_glance_takes_the_default_chunked_upload_and_stage() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let data = pattern(3 << 20);
    let new_image = |prefix: &str| {
        let image = client
            .create_image(&CreateImage {
                name: Some(unique(prefix)),
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                ..Default::default()
            })
            .unwrap();
        image.id
    };
    let id = new_image("framing-upload");
    cleanup.add(&id);
    let uploaded = client
        .upload_image(&id, UploadData::bytes(&data), verified())
        .unwrap();
    assert_eq!(uploaded.status, ImageStatus::Active);
    assert_eq!(uploaded.size, Some(data.len() as u64));
    assert_eq!(
        uploaded.checksum.as_deref(),
        Some(hex(&Md5::digest(&data)).as_str())
    );
    assert_eq!(
        uploaded.os_hash_value.as_deref(),
        Some(hex(&Sha512::digest(&data)).as_str())
    );

    let staged = new_image("framing-stage");
    cleanup.add(&staged);
    let mut seekable = Cursor::new(data.clone());
    client
        .stage_image_data(&staged, UploadData::seekable(&mut seekable), verified())
        .unwrap();
    let image = client.get_image(&staged).unwrap();
    assert_eq!(image.status, ImageStatus::Uploading);
}
