//! No handle outlives a failure: after hundreds of failed calls of every kind
//! and the clients dropped, the process holds the file descriptors it held
//! before. Alone in its binary so no other test opens sockets meanwhile.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use glance_client::{
    config::{ProxySetting, RetryPolicy},
    Client, CreateImage, ListOptions,
};
use serde_json::json;
use support::double::Double;

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd is readable")
        .count()
}

fn misbehaving_server() -> Double {
    Double::start(|request, conn| match request.path() {
        "/v2/images/reset" => conn.reset(),
        "/v2/images/close" => conn.close(),
        "/v2/images/busy" => conn.respond(503, &[("Retry-After", "0")], b"busy"),
        "/v2/images/stall" => std::thread::sleep(Duration::from_millis(400)),
        "/v2/images/short" => {
            conn.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":");
            conn.close();
        }
        "/v2/images/endless" => {
            conn.raw(b"HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n");
            let chunk = [b"10000\r\n".as_slice(), &[b'x'; 0x10000], b"\r\n"].concat();
            for _ in 0..1000 {
                if conn.stream().write_all(&chunk).is_err() {
                    break;
                }
            }
            conn.close();
        }
        "/v2/images/redirect" => conn.respond(302, &[("Location", "http://127.0.0.9/")], b""),
        "/v2/images/garbage" => conn.respond(200, &[], b"<html>"),
        _ => conn.json(
            200,
            &json!({
                "images": [{"id": "a", "status": "active", "visibility": "private"}],
                "next": "http://127.0.0.2:1/v2/images?marker=a"
            }),
        ),
    })
}

#[test]
fn failed_calls_leave_no_descriptor_behind() {
    // Nothing listens on port 1: a port freed by this process could be taken
    // by another test process on the machine meanwhile.
    let refused = "http://127.0.0.1:1".to_owned();
    // Warm up what the process opens once (thread pools, resolver files).
    let warm_up = misbehaving_server();
    drop(
        Client::builder()
            .endpoint(warm_up.url())
            .token("t")
            .proxy(ProxySetting::None)
            .build()
            .unwrap()
            .get_image("garbage"),
    );
    drop(warm_up);
    std::thread::sleep(Duration::from_millis(200));
    let before = open_descriptors();

    let mut failures = 0;
    let mut unexpected = Vec::new();
    for round in 0..10 {
        let server = misbehaving_server();
        for url in [server.url(), refused.clone()] {
            let client = Client::builder()
                .endpoint(&url)
                .token("t")
                .proxy(ProxySetting::None)
                .stall_timeout(Some(Duration::from_millis(100)))
                .retry(RetryPolicy {
                    max_attempts: 2,
                    initial_backoff: Duration::from_millis(1),
                    max_backoff: Duration::from_millis(2),
                })
                .build()
                .unwrap();
            for id in [
                "reset", "close", "busy", "stall", "short", "endless", "redirect", "garbage",
            ] {
                match client.get_image(id) {
                    Err(_) => failures += 1,
                    Ok(image) => unexpected.push(format!("{url} {id}: {image:?}")),
                }
            }
            failures += usize::from(client.create_image(&CreateImage::default()).is_err());
            failures += usize::from(client.list_all_images(&ListOptions::default()).is_err());
            if round % 2 == 0 {
                // Clones share one pool: dropping one must not close it for the other.
                let clone = client.clone();
                drop(client);
                failures += usize::from(clone.get_image("busy").is_err());
            }
        }
    }
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert_eq!(failures, 10 * 2 * 10 + 5 * 2);

    // The double's threads close their side once the client's sockets are gone.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut after = open_descriptors();
    while after > before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        after = open_descriptors();
    }
    assert!(
        after <= before,
        "{before} descriptors before, {after} after {failures} failed calls"
    );
}
