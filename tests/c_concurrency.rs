//! The concurrency run in C: 16 pthreads share one `glance_client` and make
//! 10,000 mixed calls (`tests/c_concurrency/threads.c`), against the test
//! double (plain, AddressSanitizer + UndefinedBehaviorSanitizer,
//! ThreadSanitizer) and against the real Glance (plain). Every call must
//! succeed and a token rejected under all threads must be renewed once.
//!
//! ThreadSanitizer instruments the C program only (the Rust library is not
//! rebuilt with `-Zsanitizer=thread`), so it checks what C does with the
//! handles across threads. valgrind's helgrind is not used: it does not know
//! the futex-based locks of Rust's standard library and reports each of them
//! as a race.
//!
//! All runs are `#[ignore]`d (they build C programs; the real one takes
//! minutes); `scripts/test` runs them.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use glance_client::{CreateImage, Visibility};
use support::busy::busy_double;
use support::c_abi::{deps_dir, manifest_dir};
use support::cloud::{self, Cleanup};
use support::double::Double;

const THREADS: usize = 16;
const CALLS: usize = 10_000;

fn build(variant: &str) -> PathBuf {
    let out = deps_dir()
        .parent()
        .unwrap()
        .join("c-concurrency")
        .join(variant);
    std::fs::create_dir_all(&out).unwrap();
    let binary = out.join("threads");
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cc.args([
        "-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1", "-pthread",
    ])
    .arg(format!("-I{}", manifest_dir().join("include").display()));
    match variant {
        "asan" => {
            cc.args([
                "-fsanitize=address,undefined",
                "-fno-omit-frame-pointer",
                "-fno-sanitize-recover=all",
            ]);
        }
        "tsan" => {
            cc.args(["-fsanitize=thread", "-fno-omit-frame-pointer"]);
        }
        _ => {}
    }
    cc.arg("-o")
        .arg(&binary)
        .arg(manifest_dir().join("tests/c_concurrency/threads.c"));
    if variant == "tsan" {
        // The shared library, so that TSan can be told to ignore what happens
        // inside it (see `tsan_suppressions`).
        // Its SONAME carries the version: give the loader that name beside
        // the program.
        let soname = format!("libglance_client.so.{}", env!("CARGO_PKG_VERSION"));
        let link = out.join(&soname);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(deps_dir().join("libglance_client.so"), &link).unwrap();
        cc.arg(format!("-L{}", deps_dir().display()))
            .arg(format!("-Wl,-rpath,{}", out.display()))
            .arg("-lglance_client");
    } else {
        cc.arg(deps_dir().join("libglance_client.a"));
    }
    let status = cc
        .args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ])
        .status()
        .expect("a C compiler runs (scripts/install-c-tools)");
    assert!(
        status.success(),
        "building the threads program ({variant}) failed"
    );
    binary
}

/// Runs the program with its settings; returns its summary line.
fn run(binary: &PathBuf, settings: &[(&str, String)]) -> String {
    let output = Command::new(binary)
        .envs(settings.iter().map(|(k, v)| (*k, v.as_str())))
        .env("ASAN_OPTIONS", "detect_leaks=1")
        .env(
            "TSAN_OPTIONS",
            format!(
                "halt_on_error=1 suppressions={}",
                tsan_suppressions().display()
            ),
        )
        .output()
        .expect("the threads program starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{}: {stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
            .chars()
            .take(8000)
            .collect::<String>()
    );
    stdout.trim().to_owned()
}

/// The Rust library is not instrumented and its locks are futexes TSan does
/// not know: accesses made inside it (through intercepted `malloc`, `memcmp`)
/// look unsynchronised. They are ignored; the C program's own are checked.
fn tsan_suppressions() -> PathBuf {
    let dir = deps_dir().parent().unwrap().join("c-concurrency");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tsan.supp");
    std::fs::write(&path, "called_from_lib:libglance_client.so\n").unwrap();
    path
}

fn against_the_double(variant: &str) {
    let binary = build(variant);
    let busy = busy_double(CALLS / 2);
    let summary = run(
        &binary,
        &[
            ("GLANCE_CC_AUTH_URL", format!("{}/v3", busy.double.url())),
            ("GLANCE_CC_USER", "demo".into()),
            ("GLANCE_CC_PASSWORD", "pw".into()),
            ("GLANCE_CC_PROJECT", "demo".into()),
            ("GLANCE_CC_SHARED_ID", "shared".into()),
            (
                "GLANCE_CC_OWN_IDS",
                (0..THREADS)
                    .map(|t| format!("own-{t}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("GLANCE_CC_PROPERTY", "test_run=any".into()),
            ("GLANCE_CC_PAGE_LIMIT", "2".into()),
            ("GLANCE_CC_LISTED", "3".into()),
        ],
    );
    assert_eq!(summary, "16 threads, 10000 calls, 0 errors");
    assert_eq!(busy.token_requests(), 2, "one sign-in, one renewal");
    let rejected = busy.rejected.load(Ordering::SeqCst);
    assert!((1..=THREADS).contains(&rejected), "{rejected} rejected");
}

#[test]
#[ignore = "builds a C program: scripts/test runs it"]
fn c_threads_against_the_double() {
    against_the_double("plain");
}

#[test]
#[ignore = "builds a C program: scripts/test runs it"]
fn c_threads_against_the_double_asan_ubsan() {
    against_the_double("asan");
}

#[test]
#[ignore = "builds a C program: scripts/test runs it"]
fn c_threads_against_the_double_tsan() {
    against_the_double("tsan");
}

/// A proxy in front of the real Keystone that revokes the first token it
/// hands out, before any Glance has seen it: the threads' first calls meet a
/// 401 together (Glance caches tokens it validated, so a later revocation
/// would go unnoticed for minutes).
fn revoking_keystone_proxy() -> Double {
    let origin = cloud::keystone_url()
        .strip_suffix("/v3")
        .expect("GLANCE_TEST_KEYSTONE_URL ends in /v3")
        .to_owned();
    let first = AtomicBool::new(true);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .new_agent();
    Double::start(move |request, conn| {
        let method: ureq::http::Method = request.method.parse().unwrap();
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{origin}{}", request.target));
        for name in ["content-type", "x-auth-token", "x-subject-token"] {
            if let Some(value) = request.header(name) {
                builder = builder.header(name, value);
            }
        }
        let mut response = agent
            .run(builder.body(request.body.clone()).unwrap())
            .expect("Keystone answers the proxy");
        let status = response.status().as_u16();
        let token = response
            .headers()
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.body_mut().read_to_vec().unwrap_or_default();
        let mut headers = vec![("Content-Type", "application/json".to_owned())];
        if let Some(token) = &token {
            headers.push(("X-Subject-Token", token.clone()));
            if first.swap(false, Ordering::SeqCst) {
                support::identity::revoke(token);
            }
        }
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        conn.respond(status, &headers, &body);
    })
}

#[test]
#[ignore = "minutes against the real Glance: scripts/test runs it"]
fn c_threads_against_the_real_glance() {
    let binary = build("plain");
    let demo_client = cloud::client("DEMO");
    let mut cleanup = Cleanup::new(&demo_client);
    let run_id = cloud::unique("c-concurrency");
    let make = |name: String| {
        demo_client
            .create_image(&CreateImage {
                name: Some(name),
                visibility: Some(Visibility::Private),
                properties: BTreeMap::from([
                    ("test_run".to_owned(), run_id.clone()),
                    ("counter".to_owned(), "unset".to_owned()),
                ]),
                ..Default::default()
            })
            .expect("fixture image")
            .id
    };
    let shared = make(format!("{run_id}-shared"));
    cleanup.add(&shared);
    let own: Vec<String> = (0..THREADS)
        .map(|t| make(format!("{run_id}-own-{t}")))
        .collect();
    for id in &own {
        cleanup.add(id);
    }
    let proxy = revoking_keystone_proxy();
    let demo = cloud::user("DEMO");
    let outcome = std::panic::catch_unwind(|| {
        run(
            &binary,
            &[
                ("GLANCE_CC_AUTH_URL", format!("{}/v3", proxy.url())),
                ("GLANCE_CC_USER", demo.name.clone()),
                ("GLANCE_CC_PASSWORD", demo.password.clone()),
                ("GLANCE_CC_PROJECT", demo.project.clone()),
                ("GLANCE_CC_REGION", "RegionOne".into()),
                ("GLANCE_CC_SHARED_ID", shared.clone()),
                ("GLANCE_CC_OWN_IDS", own.join(",")),
                ("GLANCE_CC_PROPERTY", format!("test_run={run_id}")),
                ("GLANCE_CC_PAGE_LIMIT", "10".into()),
                ("GLANCE_CC_LISTED", (THREADS + 1).to_string()),
            ],
        )
    });
    // Images a failed thread created and did not delete carry the run's name.
    for image in demo_client
        .list_all_images(&glance_client::ListOptions {
            name: None,
            ..Default::default()
        })
        .unwrap_or_default()
    {
        if image
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with(&format!("{shared}-c-")))
        {
            cleanup.add(&image.id);
        }
    }
    let summary = outcome.unwrap_or_else(|e| std::panic::resume_unwind(e));
    assert_eq!(summary, "16 threads, 10000 calls, 0 errors");
    let token_requests = proxy
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path().ends_with("/auth/tokens"))
        .count();
    assert_eq!(token_requests, 2, "one sign-in, one renewal");
}
