//! The `log` feature against the local cloud: every HTTP attempt reaches the
//! `log` facade (target `glance_client`) as its redacted one-line wire event,
//! at debug, or at warn when it got no answer; never a token or a password.
//! Run with `cargo test --features log --test log_facade`.

mod support;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use glance_client::{
    config::{ProxySetting, RetryPolicy},
    Client, Error, ListOptions,
};
use log::{Level, LevelFilter, Log, Metadata, Record};
use support::cloud::{glance_url, keystone_url, user};

/// A logger that keeps every record: (level, target, message).
struct Capture(Mutex<Vec<(Level, String, String)>>);

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &Record<'_>) {
        self.0.lock().unwrap().push((
            record.level(),
            record.target().to_owned(),
            record.args().to_string(),
        ));
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

/// Installs the logger once; the tests of this file take turns (the records
/// are process-wide), each starting from an empty list.
fn capture() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    if log::set_logger(&CAPTURE).is_ok() {
        log::set_max_level(LevelFilter::Trace);
    }
    CAPTURE.0.lock().unwrap().clear();
    turn
}

/// The records of the library: `glance_client` is its only target.
fn records() -> Vec<(Level, String)> {
    let all = CAPTURE.0.lock().unwrap().clone();
    let ours: Vec<_> = all
        .iter()
        .filter(|(_, target, _)| target == "glance_client")
        .map(|(level, _, message)| (*level, message.clone()))
        .collect();
    assert!(
        all.iter().all(|(_, target, _)| !target.starts_with("glance_client")
            || target == "glance_client"),
        "records under other glance_client targets: {all:#?}"
    );
    ours
}

#[test]
fn requests_against_the_real_glance_reach_the_log_facade_without_secrets() {
    let _turn = capture();
    let demo = user("DEMO");
    let client = Client::builder()
        .password(
            keystone_url(),
            &demo.name,
            demo.password.as_str(),
            &demo.project,
        )
        .proxy(ProxySetting::None)
        .build()
        .expect("client builds");
    let page = client
        .list_images(&ListOptions {
            limit: Some(1),
            ..Default::default()
        })
        .expect("Glance lists");
    drop(page);
    let missing = client.get_image("00000000-0000-0000-0000-00000000f00d");
    assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");
    let token = client.auth_token().expect("authenticated");

    let records = records();
    let has = |level: Level, start: &str, status: &str| {
        records
            .iter()
            .any(|(l, m)| *l == level && m.starts_with(start) && m.contains(status))
    };
    let keystone = keystone_url();
    let glance = glance_url();
    assert!(
        has(
            Level::Debug,
            &format!("POST {keystone}/auth/tokens "),
            " -> 201 in "
        ),
        "{records:#?}"
    );
    assert!(
        has(
            Level::Debug,
            &format!("GET {glance}/v2/images?limit=1 "),
            " -> 200 in "
        ),
        "{records:#?}"
    );
    assert!(
        has(
            Level::Debug,
            &format!("GET {glance}/v2/images/00000000-0000-0000-0000-00000000f00d "),
            " -> 404 in "
        ),
        "{records:#?}"
    );
    assert!(
        records
            .iter()
            .all(|(_, m)| m.contains("(request id ") || m.starts_with(&format!("POST {keystone}"))),
        "Glance's answers carry their request id: {records:#?}"
    );
    for (_, message) in &records {
        assert!(!message.contains(token.expose()), "token in {message}");
        assert!(!message.contains(&demo.password), "password in {message}");
    }
}

#[test]
fn an_attempt_without_an_answer_is_a_warning_and_its_token_stays_out() {
    let _turn = capture();
    // A port nothing listens on: connection refused, retried once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .token("log-facade-secret-token")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(10),
            ..Default::default()
        })
        .build()
        .expect("client builds");
    assert!(client.get_image("any").is_err());

    let records = records();
    let refused: Vec<_> = records
        .iter()
        .filter(|(_, m)| m.starts_with(&format!("GET http://127.0.0.1:{port}/v2/images/any")))
        .collect();
    assert_eq!(
        refused.len(),
        2,
        "first attempt and one retry: {records:#?}"
    );
    assert!(
        refused
            .iter()
            .all(|(l, m)| *l == Level::Warn && m.contains(" -> failed: ")),
        "{refused:#?}"
    );
    assert!(refused[1].1.ends_with("[attempt 2]"), "{refused:#?}");
    for (_, message) in &records {
        assert!(!message.contains("log-facade-secret-token"), "{message}");
    }
}
