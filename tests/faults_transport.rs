//! Fault injection at the HTTP level: refused and reset connections, 5xx
//! bursts with and without `Retry-After`, the retry policy's limits, and which
//! methods may be retried. Served by the test double; every scenario ends by
//! itself, well within its configured timeouts.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use glance_client::{
    config::{ProxySetting, RetryPolicy, WireEvent},
    Client, ClientBuilder, CreateImage, Error, ListOptions, Patch,
};
use serde_json::json;
use support::double::{Conn, Double, Recorded};

fn image_json(id: &str) -> serde_json::Value {
    json!({"id": id, "name": id, "status": "active", "visibility": "shared", "tags": []})
}

fn builder(url: &str, max_attempts: u32) -> ClientBuilder {
    Client::builder()
        .endpoint(url)
        .token("fault-token")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(40),
        })
}

/// A client whose wire log is collected, to count attempts even when no
/// server saw them.
fn logged(builder: ClientBuilder) -> (Client, Arc<Mutex<Vec<WireEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let client = builder
        .wire_log(move |e| sink.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    (client, events)
}

/// A handler that fails the first `failures` requests with `fail`, then
/// answers every request with image `i1`.
fn failing_first(
    failures: u32,
    fail: impl Fn(&Recorded, &mut Conn) + Send + Sync + 'static,
) -> Double {
    let seen = AtomicU32::new(0);
    Double::start(move |request, conn| {
        if seen.fetch_add(1, Ordering::SeqCst) < failures {
            fail(request, conn)
        } else {
            conn.json(200, &image_json("i1"))
        }
    })
}

/// Nothing listens on port 1 (a port freed by this process could be taken by
/// another test process on the machine meanwhile).
fn closed_port_url() -> String {
    "http://127.0.0.1:1".to_owned()
}

#[test]
fn connection_refused_is_retried_for_every_method_and_reported_with_attempts() {
    let (client, events) = logged(builder(&closed_port_url(), 4));
    let err = client.get_image("i1").unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
    assert!(err.is_transient());
    // A refused connection never reached the server: even a POST is safe to repeat.
    let err = client.create_image(&CreateImage::default()).unwrap_err();
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 8);
    assert!(events
        .iter()
        .all(|e| e.status.is_none() && e.error.is_some()));
    assert_eq!(
        events.iter().map(|e| e.attempt).collect::<Vec<_>>(),
        [1, 2, 3, 4, 1, 2, 3, 4]
    );
}

#[test]
fn a_reset_before_the_answer_is_retried_for_a_get() {
    let double = failing_first(2, |_, conn| conn.reset());
    let client = builder(&double.url(), 3).build().unwrap();
    assert_eq!(client.get_image("i1").unwrap().id, "i1");
    assert_eq!(double.requests().len(), 3);
}

#[test]
fn a_reset_before_the_answer_is_not_retried_for_a_post_or_patch() {
    let double = Double::start(|_, conn| conn.reset());
    let client = builder(&double.url(), 5).build().unwrap();
    let err = client.create_image(&CreateImage::default()).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.to_string().contains("attempts"), "{err}");
    let err = client
        .update_image("i1", &[Patch::replace("name", "n")])
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let methods: Vec<String> = double.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "PATCH"]);
}

#[test]
fn bursts_of_each_5xx_are_ridden_out_by_idempotent_calls() {
    for status in [500, 502, 503, 504] {
        let double = failing_first(3, move |_, conn| {
            conn.respond(status, &[("x-openstack-request-id", "req-burst")], b"{}")
        });
        let client = builder(&double.url(), 4).build().unwrap();
        assert_eq!(client.get_image("i1").unwrap().id, "i1", "{status}");
        assert_eq!(double.requests().len(), 4, "{status}");
    }
}

#[test]
fn a_burst_longer_than_the_limit_fails_with_the_status_and_the_attempt_count() {
    for status in [500, 502, 503, 504] {
        let double = Double::start(move |_, conn| {
            conn.respond(
                status,
                &[("x-openstack-request-id", "req-storm")],
                br#"{"message": "storm<br /><br />"}"#,
            )
        });
        let client = builder(&double.url(), 5).build().unwrap();
        let err = client.get_image("i1").unwrap_err();
        let http = err.http().expect("an HTTP error");
        assert_eq!(http.status, status);
        assert_eq!(http.message, "storm (after 5 attempts)");
        assert_eq!(http.path, "/v2/images/i1");
        assert_eq!(err.request_id(), Some("req-storm"));
        assert!(err.is_transient());
        assert_eq!(double.requests().len(), 5, "{status}");
    }
}

#[test]
fn the_attempt_limit_is_the_callers() {
    for limit in [1, 2, 6] {
        let double = Double::start(|_, conn| conn.respond(503, &[], b""));
        let client = builder(&double.url(), limit).build().unwrap();
        let err = client.delete_image("i1").unwrap_err();
        assert!(matches!(err, Error::ServiceUnavailable(_)), "{err:?}");
        assert_eq!(double.requests().len() as u32, limit);
        assert_eq!(
            err.to_string().contains("attempts"),
            limit > 1,
            "limit {limit}: {err}"
        );
    }
    // 0 means "no retries", not "no request".
    let double = Double::start(|_, conn| conn.respond(503, &[], b""));
    let client = builder(&double.url(), 0).build().unwrap();
    assert!(client.get_image("i1").is_err());
    assert_eq!(double.requests().len(), 1);
}

#[test]
fn posts_and_patches_are_not_retried_after_a_5xx() {
    let double = Double::start(|_, conn| conn.respond(503, &[("Retry-After", "0")], b""));
    let client = builder(&double.url(), 5).build().unwrap();
    let err = client.create_image(&CreateImage::default()).unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(!err.to_string().contains("attempts"), "{err}");
    let err = client
        .update_image("i1", &[Patch::replace("name", "n")])
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let err = client.deactivate_image("i1").unwrap_err();
    assert_eq!(err.status(), Some(503));
    let methods: Vec<String> = double.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "PATCH", "POST"]);
}

#[test]
fn retry_after_in_seconds_is_waited_for() {
    let double = failing_first(1, |_, conn| conn.respond(503, &[("Retry-After", "1")], b""));
    let client = Client::builder()
        .endpoint(double.url())
        .token("t")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(30),
        })
        .build()
        .unwrap();
    assert_eq!(client.get_image("i1").unwrap().id, "i1");
    let requests = double.requests();
    assert_eq!(requests.len(), 2);
    // The server's wish beats the 1 ms the policy alone would wait.
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
}

#[test]
fn retry_after_as_a_date_is_waited_for() {
    let double = failing_first(1, |_, conn| {
        let when = SystemTime::now() + Duration::from_secs(2);
        conn.respond(503, &[("Retry-After", &http_date(when))], b"")
    });
    let client = Client::builder()
        .endpoint(double.url())
        .token("t")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(30),
        })
        .build()
        .unwrap();
    assert_eq!(client.get_image("i1").unwrap().id, "i1");
    let requests = double.requests();
    // The date has one-second resolution: at least one full second remains.
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
}

#[test]
fn a_huge_retry_after_is_capped_by_the_policy() {
    // An hour asked, 40 ms allowed: the test ends at once instead of in an hour.
    let double = failing_first(2, |_, conn| {
        conn.respond(503, &[("Retry-After", "3600")], b"")
    });
    let client = builder(&double.url(), 3).build().unwrap();
    assert_eq!(client.get_image("i1").unwrap().id, "i1");
    let requests = double.requests();
    assert!(requests[2].at - requests[0].at < Duration::from_secs(60));
}

#[test]
fn the_request_deadline_covers_all_attempts_and_waits() {
    // Each answer asks for a 10 s pause; the 1 s deadline ends the call instead.
    let double = Double::start(|_, conn| conn.respond(503, &[("Retry-After", "10")], b""));
    let client = Client::builder()
        .endpoint(double.url())
        .token("t")
        .proxy(ProxySetting::None)
        .request_timeout(Some(Duration::from_secs(1)))
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(30),
        })
        .build()
        .unwrap();
    let err = client.get_image("i1").unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(double.requests().len(), 1);
}

#[test]
fn every_attempt_is_in_the_wire_log_with_its_outcome() {
    let double = failing_first(2, |_, conn| {
        conn.respond(502, &[("x-openstack-request-id", "req-gw")], b"")
    });
    let (client, events) = logged(builder(&double.url(), 3));
    client.list_images(&ListOptions::default()).unwrap_err();
    let events = events.lock().unwrap();
    let summary: Vec<(u32, Option<u16>, Option<&str>)> = events
        .iter()
        .map(|e| (e.attempt, e.status, e.request_id.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, Some(502), Some("req-gw")),
            (2, Some(502), Some("req-gw")),
            (3, Some(200), Some("req-double"))
        ]
    );
    assert!(events
        .iter()
        .all(|e| e.method == "GET" && e.url == format!("{}/v2/images", double.url())));
}

/// IMF-fixdate, as servers write `Retry-After` dates.
fn http_date(at: SystemTime) -> String {
    let secs = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let month_name = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!(
        "{weekday}, {day:02} {month_name} {year} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Issue 13, item 10: a server trickling its answer a byte at a time never
/// trips the stall timeout; metadata calls have an overall deadline by
/// default (5 minutes), here shortened, while image data keeps flowing past it.
#[test]
fn metadata_calls_have_a_deadline_by_default_and_transfers_do_not() {
    assert_eq!(
        glance_client::config::Timeouts::default().request,
        Some(Duration::from_secs(300))
    );
    let body = json!({"images": []}).to_string();
    let double = Double::start(move |request, conn| {
        if request.path() == "/v2/images/img" {
            return conn.json(200, &json!({"id": "img", "status": "active", "size": 10}));
        }
        let data = if request.path().ends_with("/file") {
            "0123456789"
        } else {
            body.as_str()
        };
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n", data.len());
        conn.raw(head.as_bytes());
        for byte in data.bytes() {
            std::thread::sleep(Duration::from_millis(150));
            conn.raw(&[byte]);
        }
    });
    let timeouts = glance_client::config::Timeouts {
        request: Some(Duration::from_millis(700)),
        ..Default::default()
    };
    let client = glance_client::Client::builder()
        .endpoint(double.url())
        .token("secret-token")
        .proxy(glance_client::config::ProxySetting::None)
        .timeouts(timeouts)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.list_images(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let mut data = Vec::new();
    client
        .download_image(
            "img",
            &mut data,
            glance_client::image_data::DownloadOptions {
                skip_verification: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(data, b"0123456789");
}
