//! Fault injection in what the server sends back: endless bodies, bodies that
//! disagree with their `Content-Length`, answers that are not HTTP, links
//! that loop and redirects. (Truncated and invalid JSON and HTML error pages
//! are in `images_offline.rs`.) Every scenario ends by itself with a typed error.

mod support;

use std::io::Write;
use std::time::Duration;

use glance_client::{
    config::{ProxySetting, RetryPolicy},
    Client, ClientBuilder, Error, ListOptions,
};
use serde_json::json;
use support::double::{Conn, Double};

fn image_json(id: &str) -> serde_json::Value {
    json!({"id": id, "name": id, "status": "active", "visibility": "shared", "tags": []})
}

fn builder(url: &str, max_attempts: u32) -> ClientBuilder {
    Client::builder()
        .endpoint(url)
        .token("body-token")
        .proxy(ProxySetting::None)
        .stall_timeout(Some(Duration::from_secs(5)))
        .retry(RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
}

/// Sends `head`, then `chunk` as HTTP chunks until the client hangs up (or
/// 1 GiB, so a broken client cannot keep the test running for ever).
fn endless(conn: &mut Conn, head: &str, chunk: &[u8]) {
    conn.raw(head.as_bytes());
    let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
    for _ in 0..(1 << 30) / chunk.len() {
        if conn.stream().write_all(&framed).is_err() {
            break;
        }
    }
    conn.close();
}

#[test]
fn an_endless_error_body_is_read_bounded_and_still_gives_a_message() {
    let double = Double::start(|_, conn| {
        endless(
            conn,
            "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\
             x-openstack-request-id: req-endless\r\n\r\n",
            &b"the server keeps talking ".repeat(1000),
        )
    });
    let client = builder(&double.url(), 1).build().unwrap();
    let err = client.get_image("i1").unwrap_err();
    let http = err.http().expect("an HTTP error");
    assert_eq!(http.status, 500);
    assert!(
        http.message.starts_with("the server keeps talking"),
        "{err}"
    );
    assert!(
        http.message.len() <= 2048 + '…'.len_utf8(),
        "{}",
        http.message.len()
    );
    assert_eq!(err.request_id(), Some("req-endless"));
}

#[test]
fn endless_error_bodies_between_retries_do_not_hold_the_call() {
    let double = Double::start(|_, conn| {
        endless(
            conn,
            "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n",
            &[b'x'; 65536],
        )
    });
    let client = builder(&double.url(), 3).build().unwrap();
    let err = client.get_image("i1").unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_eq!(double.requests().len(), 3);
}

#[test]
fn an_endless_json_body_is_refused_at_the_size_limit() {
    let double = Double::start(|_, conn| {
        endless(
            conn,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\
             x-openstack-request-id: req-big\r\n\r\n",
            &[b' '; 65536],
        )
    });
    let client = builder(&double.url(), 3).build().unwrap();
    let err = client.list_images(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("larger than"), "{err}");
    assert_eq!(err.request_id(), Some("req-big"));
    // Too large is not transient: asking again would not help.
    assert_eq!(double.requests().len(), 1);
}

/// A 200 whose body stops `missing` bytes short of its Content-Length, then
/// the connection closes.
fn short_body(conn: &mut Conn, missing: usize) {
    let body = image_json("i1").to_string();
    conn.raw(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nx-openstack-request-id: req-short\r\n\r\n{}",
            body.len(),
            &body[..body.len() - missing]
        )
        .as_bytes(),
    );
    conn.close();
}

#[test]
fn a_body_shorter_than_its_length_is_retried_then_reported() {
    let double = Double::start(|_, conn| short_body(conn, 10));
    let client = builder(&double.url(), 3).build().unwrap();
    let err = client.get_image("i1").unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_eq!(err.request_id(), Some("req-short"));
    assert_eq!(double.requests().len(), 3);
}

#[test]
fn a_body_cut_once_is_fetched_again() {
    let served = std::sync::atomic::AtomicBool::new(false);
    let double = Double::start(move |_, conn| {
        if served.swap(true, std::sync::atomic::Ordering::SeqCst) {
            conn.json(200, &image_json("i1"));
        } else {
            short_body(conn, 5);
        }
    });
    let client = builder(&double.url(), 3).build().unwrap();
    assert_eq!(client.get_image("i1").unwrap().id, "i1");
    assert_eq!(double.requests().len(), 2);
}

#[test]
fn a_body_shorter_than_its_length_on_an_open_connection_times_out() {
    let double = Double::start(|_, conn| {
        let body = image_json("i1").to_string();
        conn.raw(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}",
                body.len() + 100,
                body
            )
            .as_bytes(),
        );
        // Keep the connection open and silent until the client gives up.
        let mut byte = [0u8; 1];
        let _ = std::io::Read::read(conn.stream(), &mut byte);
    });
    let client = builder(&double.url(), 1)
        .stall_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = client.get_image("i1").unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}

#[test]
fn bytes_beyond_the_length_are_not_taken_for_the_next_answer() {
    let double = Double::start(|request, conn| {
        let id = request.path().rsplit('/').next().unwrap().to_owned();
        let body = image_json(&id).to_string();
        conn.raw(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}HTTP/1.1 200 OK\r\n\
                 Content-Length: 2\r\n\r\n{{}}",
                body.len()
            )
            .as_bytes(),
        );
    });
    let client = builder(&double.url(), 1).build().unwrap();
    for id in ["a", "b", "c"] {
        assert_eq!(client.get_image(id).unwrap().id, id);
    }
}

#[test]
fn a_length_shorter_than_the_json_is_an_invalid_response() {
    let double = Double::start(|_, conn| {
        let body = image_json("i1").to_string();
        conn.raw(format!("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{body}").as_bytes());
        conn.close();
    });
    let client = builder(&double.url(), 3).build().unwrap();
    let err = client.get_image("i1").unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("not the expected JSON"), "{err}");
}

#[test]
fn answers_that_are_not_json_or_not_http_are_typed_errors() {
    let double = Double::start(|request, conn| match request.path() {
        "/v2/images/empty" => conn.respond(200, &[], b""),
        "/v2/images/latin1" => conn.respond(200, &[], b"{\"id\": \"caf\xe9\"}"),
        "/v2/images/null" => conn.respond(200, &[], b"null"),
        "/v2/images/array" => conn.respond(200, &[], b"[]"),
        "/v2/images/deep" => conn.respond(200, &[], "[".repeat(100_000).as_bytes()),
        "/v2/images/garbage" => {
            conn.raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n");
            conn.close();
        }
        "/v2/images/headers" => {
            conn.raw(b"HTTP/1.1 200 OK\r\nX-Filler: ");
            let _ = conn.stream().write_all(&vec![b'a'; 1 << 20]);
            conn.close();
        }
        _ => conn.respond(404, &[], b""),
    });
    let client = builder(&double.url(), 1).build().unwrap();
    for id in [
        "empty", "latin1", "null", "array", "deep", "garbage", "headers",
    ] {
        let err = client.get_image(id).unwrap_err();
        assert!(
            matches!(err, Error::InvalidResponse(_) | Error::Transport(_)),
            "{id}: {err:?}"
        );
    }
}

#[test]
fn a_next_link_back_to_the_first_page_is_not_followed() {
    let double = Double::start(|request, conn| {
        let page = match request.target.as_str() {
            "/v2/images?limit=1" => {
                json!({"images": [image_json("a")], "next": "/v2/images?limit=1&marker=a"})
            }
            _ => json!({"images": [image_json("b")], "next": "/v2/images?limit=1"}),
        };
        conn.json(200, &page);
    });
    let client = builder(&double.url(), 1).build().unwrap();
    let results: Vec<_> = client
        .images(&ListOptions {
            limit: Some(1),
            ..Default::default()
        })
        .collect();
    let ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["a", "b"], "no image is handed out twice");
    assert!(matches!(
        results.last(),
        Some(Err(Error::InvalidResponse(_)))
    ));
    assert_eq!(double.requests().len(), 2);
}

#[test]
fn every_kind_of_redirect_is_refused_and_the_target_never_sees_the_token() {
    let target = Double::start(|_, conn| conn.json(200, &image_json("stolen")));
    let same_host = target.url();
    let other_host = target.url().replace("127.0.0.1", "127.0.0.2");
    let double = Double::start(move |request, conn| {
        let status: u16 = request.path().rsplit('/').next().unwrap().parse().unwrap();
        let location = if status % 2 == 0 {
            &same_host
        } else {
            &other_host
        };
        conn.respond(
            status,
            &[("Location", &format!("{location}/v2/images/x"))],
            b"",
        );
    });
    let client = builder(&double.url(), 3).build().unwrap();
    for status in [301, 302, 303, 307, 308] {
        let err = client.get_image(&status.to_string()).unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert!(err.to_string().contains("refused"), "{err}");
    }
    assert!(target.requests().is_empty());
}

#[test]
fn a_swift_listing_that_ignores_the_marker_is_not_followed_for_ever() {
    let double = Double::start(|_, conn| {
        conn.json(
            200,
            &json!([{"name": "obj", "bytes": 3, "hash": "900150983cd24fb0d6963f7d28e17f72",
                     "last_modified": "2026-01-01T00:00:00.000000",
                     "content_type": "application/octet-stream"}]),
        )
    });
    let store = builder(&double.url(), 1)
        .build()
        .unwrap()
        .object_store_at(&format!("{}/v1/AUTH_t", double.url()))
        .unwrap();
    let err = store
        .list_objects(
            "bucket",
            &glance_client::object_store::ObjectListOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("did not move past 'obj'"), "{err}");
    assert_eq!(double.requests().len(), 2);
}
