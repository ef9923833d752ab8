//! Behaviour a real Glance cannot show: what goes on the wire, malformed
//! answers, timeouts, retries, links to other hosts. Served by the test double.

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::thread::sleep;
use std::time::Duration;

use glance_client::{
    config::{ProxySetting, RetryPolicy, Timeouts},
    listing::Match,
    Client, CreateImage, Error, ListOptions,
};
use serde_json::json;
use support::double::Double;

fn client_for(double: &Double) -> Client {
    Client::builder()
        .endpoint(format!("{}/v2/", double.url()))
        .token("secret-token")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
        })
        .build()
        .unwrap()
}

fn image_json(id: &str) -> serde_json::Value {
    json!({"id": id, "name": id, "status": "active", "visibility": "shared", "tags": []})
}

#[test]
fn requests_carry_token_accept_agent_and_encoded_query() {
    let double = Double::start(|_, conn| conn.json(200, &json!({"images": []})));
    let client = client_for(&double);
    client
        .list_images(&ListOptions {
            name: Some(Match::Is("a&b/c%d+e f ü".into())),
            tags: vec!["x".into(), "y".into()],
            ..Default::default()
        })
        .unwrap();
    let request = &double.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/v2/images?name=a%26b%2Fc%25d%2Be%20f%20%C3%BC&tag=x&tag=y"
    );
    assert_eq!(request.header("x-auth-token"), Some("secret-token"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("glance-client/", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn patch_uses_the_json_patch_media_type() {
    let double = Double::start(|_, conn| conn.json(200, &image_json("i1")));
    let client = client_for(&double);
    client
        .update_image("i1", &[glance_client::Patch::replace("name", "n")])
        .unwrap();
    let request = &double.requests()[0];
    assert_eq!(request.method, "PATCH");
    assert_eq!(
        request.header("content-type"),
        Some("application/openstack-images-v2.1-json-patch")
    );
    assert_eq!(
        request.body,
        br#"[{"op":"replace","path":"/name","value":"n"}]"#
    );
}

#[test]
fn bad_arguments_fail_before_any_request() {
    let double = Double::start(|_, conn| conn.json(200, &json!({})));
    let client = client_for(&double);
    assert!(matches!(
        client.get_image(""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        client.get_image("a/b"),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        client.delete_image(" "),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        client.list_images(&ListOptions {
            limit: Some(0),
            ..Default::default()
        }),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        client
            .images(&ListOptions {
                marker: Some(String::new()),
                ..Default::default()
            })
            .next(),
        Some(Err(Error::InvalidArgument(_)))
    ));
    assert!(matches!(
        client.create_image(&CreateImage {
            properties: [("name".to_owned(), "x".to_owned())].into(),
            ..Default::default()
        }),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        client.find_image(""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(double.requests().is_empty());
}

#[test]
fn malformed_answers_are_typed_errors() {
    let double = Double::start(|request, conn| match request.path() {
        "/v2/images/html" => conn.respond(
            500,
            &[("Content-Type", "text/html")],
            b"<html><body><h1>Internal Server Error</h1><p>boom</p></body></html>",
        ),
        "/v2/images/truncated" => conn.respond(
            200,
            &[("x-openstack-request-id", "req-t")],
            br#"{"id": "trunc"#,
        ),
        "/v2/images/wrong" => conn.respond(200, &[], br#"{"id": 42}"#),
        "/v2/images/text" => conn.respond(200, &[], b"not json at all"),
        _ => conn.respond(404, &[], b""),
    });
    let client = Client::builder()
        .endpoint(double.url())
        .token("t")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
        .build()
        .unwrap();
    let err = client.get_image("html").unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.http().unwrap().message, "Internal Server Error boom");
    let err = client.get_image("truncated").unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err}");
    assert_eq!(err.request_id(), Some("req-t"));
    for id in ["wrong", "text"] {
        let err = client.get_image(id).unwrap_err();
        assert!(matches!(err, Error::InvalidResponse(_)), "{err}");
        assert!(err.to_string().contains("not the expected JSON"), "{err}");
    }
}

#[test]
fn a_stalled_server_times_out_and_a_slow_steady_one_does_not() {
    let double = Double::start(|request, conn| match request.path() {
        "/v2/images/stall" => sleep(Duration::from_secs(3)),
        _ => {
            // 1.2 s in all, but never silent for more than 150 ms.
            let body = image_json("slow").to_string();
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            conn.raw(head.as_bytes());
            for chunk in body.as_bytes().chunks(body.len() / 8 + 1) {
                sleep(Duration::from_millis(150));
                conn.stream().write_all(chunk).unwrap();
            }
        }
    });
    let client = Client::builder()
        .endpoint(double.url())
        .token("t")
        .proxy(ProxySetting::None)
        .timeouts(Timeouts {
            connect: Some(Duration::from_secs(2)),
            stall: Some(Duration::from_millis(600)),
            request: None,
        })
        .retry(RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
        .build()
        .unwrap();
    let err = client.get_image("stall").unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(client.get_image("slow").unwrap().id, "slow");
}

#[test]
fn the_request_deadline_bounds_metadata_calls() {
    let double = Double::start(|_, conn| {
        let body = image_json("slow").to_string();
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
        conn.raw(head.as_bytes());
        for chunk in body.as_bytes().chunks(4) {
            sleep(Duration::from_millis(100));
            let _ = conn.stream().write_all(chunk);
        }
    });
    let client = Client::builder()
        .endpoint(double.url())
        .token("t")
        .proxy(ProxySetting::None)
        .request_timeout(Some(Duration::from_millis(500)))
        .retry(RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
        .build()
        .unwrap();
    assert!(matches!(client.get_image("slow"), Err(Error::Timeout(_))));
}

#[test]
fn idempotent_requests_are_retried_and_posts_are_not() {
    let failures = Arc::new(AtomicU32::new(0));
    let seen = failures.clone();
    let double = Double::start(move |request, conn| {
        if request.method == "POST" || seen.fetch_add(1, Ordering::SeqCst) < 2 {
            conn.respond(503, &[("Retry-After", "0")], b"{\"message\": \"busy\"}");
        } else {
            conn.json(200, &image_json("i1"));
        }
    });
    let client = client_for(&double);
    assert_eq!(client.get_image("i1").unwrap().id, "i1");
    assert_eq!(double.requests().len(), 3);

    let err = client.create_image(&CreateImage::default()).unwrap_err();
    assert!(matches!(err, Error::ServiceUnavailable(_)), "{err}");
    assert_eq!(err.http().unwrap().message, "busy");
    assert_eq!(
        double
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
}

#[test]
fn retries_stop_at_the_limit_and_say_so() {
    let double = Double::start(|_, conn| conn.respond(502, &[], b"bad gateway"));
    let client = client_for(&double);
    let err = client.get_image("i1").unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_eq!(double.requests().len(), 3);
}

#[test]
fn a_connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .token("t")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
        .build()
        .unwrap();
    assert!(matches!(client.get_image("x"), Err(Error::Transport(_))));
}

#[test]
fn pagination_follows_next_and_detects_loops() {
    let double = Double::start(|request, conn| {
        let page = match request.target.as_str() {
            "/v2/images?limit=1" => {
                json!({"images": [image_json("a")], "next": "/v2/images?limit=1&marker=a"})
            }
            "/v2/images?limit=1&marker=a" => {
                json!({"images": [image_json("b")], "next": "/v2/images?limit=1&marker=b"})
            }
            "/v2/images?limit=1&marker=b" => json!({"images": [image_json("c")]}),
            "/v2/images?limit=2" => {
                json!({"images": [image_json("x")], "next": "/v2/images?limit=2&marker=x"})
            }
            "/v2/images?limit=2&marker=x" => {
                json!({"images": [image_json("y")], "next": "/v2/images?limit=2&marker=x"})
            }
            _ => json!({"images": []}),
        };
        conn.json(200, &page);
    });
    let client = client_for(&double);
    let ids: Vec<String> = client
        .images(&ListOptions {
            limit: Some(1),
            ..Default::default()
        })
        .map(|i| i.unwrap().id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);

    let results: Vec<_> = client
        .images(&ListOptions {
            limit: Some(2),
            ..Default::default()
        })
        .collect();
    assert_eq!(results.len(), 3);
    assert!(matches!(&results[2], Err(Error::InvalidResponse(_))));
}

#[test]
fn links_and_redirects_to_other_hosts_never_get_the_token() {
    let other = Double::start(|_, conn| conn.json(200, &json!({"images": []})));
    let other_url = other.url().replace("127.0.0.1", "127.0.0.2");
    let double = Double::start(move |request, conn| {
        match request.path() {
        "/v2/images" => conn.json(
            200,
            &json!({"images": [image_json("a")], "next": format!("{other_url}/v2/images?marker=a")}),
        ),
        _ => conn.respond(302, &[("Location", "http://127.0.0.3:1/steal")], b""),
    }
    });
    let client = client_for(&double);
    let results: Vec<_> = client.images(&ListOptions::default()).collect();
    assert!(
        matches!(&results[1], Err(Error::InvalidResponse(_))),
        "{results:?}"
    );
    let err = client.get_image("moved").unwrap_err();
    assert_eq!(err.status(), Some(302));
    assert!(err.to_string().contains("refused"), "{err}");
    assert!(other.requests().is_empty());
}

#[test]
fn secrets_do_not_show_in_debug_output() {
    let builder = Client::builder().token("very-secret-token");
    assert!(!format!("{builder:?}").contains("very-secret-token"));
}
