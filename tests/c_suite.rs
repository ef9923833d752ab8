//! Runs the C suite (`tests/c/`) against the real local cloud and the test
//! double, plain, under AddressSanitizer + UndefinedBehaviorSanitizer, and
//! under valgrind.
//!
//! A Rust harness (as rustls-ffi does) rather than a loopback server written
//! in C: the double already exists, scriptable, in `tests/support/`; the
//! harness also fetches Keystone tokens and prepares an active image with the
//! support code, so the C program needs nothing but the library under test.
//!
//! The runs are `#[ignore]`d because they build C programs and take a while;
//! `scripts/test` runs them (`cargo test --test c_suite -- --ignored`), and so
//! can anyone: `GLANCE_C_VARIANT` is not needed, each variant is its own test.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use glance_client::{CreateImage, ListOptions, Patch};
use serde_json::json;
use support::c_abi::{self, deps_dir, manifest_dir};
use support::cloud;
use support::double::{Conn, Double, Recorded};
use support::identity::AppCredential;

/// Builds the C suite for a variant (`plain` or `asan`) into its own directory.
fn build(variant: &str) -> PathBuf {
    let deps = deps_dir();
    let out = deps
        .parent()
        .expect("deps/ has a parent")
        .join("c-suite")
        .join(variant);
    let status = Command::new("make")
        .arg("-C")
        .arg(manifest_dir().join("tests/c"))
        .arg(format!("VARIANT={variant}"))
        .arg(format!("LIB={}", deps.join("libglance_client.a").display()))
        .arg(format!("OUT={}", out.display()))
        .status()
        .expect("make runs (install make and a C compiler)");
    assert!(status.success(), "building the C suite ({variant}) failed");
    out.join("c_suite")
}

/// The double's script: every fault and shape the C suite checks against it.
fn double() -> Double {
    let flaky = Arc::new(AtomicUsize::new(0));
    // Under /uwsgi/, a front end that refuses chunked bodies (411).
    Double::start_refusing_chunked_under("/uwsgi/", move |r: &Recorded, c: &mut Conn| {
        let image =
            |id: &str| json!({"id": id, "name": id, "status": "active", "visibility": "private"});
        match (r.method.as_str(), r.path()) {
            ("CONNECT", _) => c.raw(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            ("GET", "/v2/images/via-proxy") => c.json(200, &image("via-proxy")),
            // Only what came with Content-Length reaches here: the C suite's
            // 5000 bytes of 42, uploaded or staged.
            ("PUT", "/uwsgi/v2/images/framed/file" | "/uwsgi/v2/images/framed/stage") => {
                if r.body == [42u8; 5000] {
                    c.respond(204, &[], b"")
                } else {
                    c.json(400, &json!({"message": "not the suite's 5000 bytes"}))
                }
            }
            ("GET", "/uwsgi/v2/images/framed") => c.json(200, &image("framed")),
            ("GET", "/v2/images/e500") => c.json(
                500,
                &json!({"message": "boom<br /><br />\n", "code": "500"}),
            ),
            ("GET", "/v2/images/e413") => c.json(413, &json!({"message": "too big"})),
            ("GET", "/v2/images/e418") => c.json(418, &json!({"message": "teapot"})),
            ("GET", "/v2/images/bad-json") => c.respond(
                200,
                &[
                    ("Content-Type", "application/json"),
                    ("x-openstack-request-id", "req-bad-json"),
                ],
                b"{\"id\": ",
            ),
            ("GET", "/v2/images/nul-name") => {
                c.json(200, &json!({"id": "nul-name", "name": "a\u{0}b"}))
            }
            ("GET", "/v2/images/nul-id") => c.json(200, &image("nul\u{0}id")),
            ("GET", "/v2/images/redirect") => {
                c.respond(302, &[("Location", "http://127.0.0.1:1/elsewhere")], b"")
            }
            ("GET", "/v2/images/flaky") => {
                // Every other request fails: a retry succeeds, a single attempt does not.
                if flaky.fetch_add(1, Ordering::SeqCst) % 2 == 0 {
                    c.json(503, &json!({"message": "try later"}))
                } else {
                    c.json(200, &image("flaky"))
                }
            }
            ("GET", "/v2/images/stall") => {
                std::thread::sleep(Duration::from_secs(3));
                c.json(200, &image("stall"));
            }
            ("GET", "/v2/schemas/image") => c.json(
                200,
                &json!({
                    "user_agent": r.header("user-agent").unwrap_or(""),
                    "token": r.header("x-auth-token").unwrap_or(""),
                }),
            ),
            ("GET", "/v2/images") => listing(r, c),
            ("GET", "/v2/images/whoami") => c.json(
                200,
                &json!({"id": "whoami", "name": r.header("x-auth-token").unwrap_or("")}),
            ),
            ("POST", "/v2.0/tokens") => keystone_v2(r, c),
            (_, path) if path.starts_with("/v2/tasks") || path.starts_with("/v1/AUTH_c") => {
                rackspace_tasks(r, c)
            }
            // Data an upstream import task fetches, served to the real Glance.
            ("GET", "/blob.bin") => c.respond(200, &[], &[42u8; 4096]),
            // An old cloud (Images API 2.9), for "not supported by this cloud".
            ("GET", "/versions") => c.json(200, &json!({"versions": [{"id": "v2.9"}]})),
            _ => c.json(
                404,
                &json!({"message": format!("the double has no {} {}", r.method, r.target)}),
            ),
        }
    })
}

/// Keystone v2.0 as the double plays it: one password user, one Rackspace
/// API key user, each with a catalog whose image endpoint is the double.
fn keystone_v2(r: &Recorded, c: &mut Conn) {
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
    let auth = &body["auth"];
    let here = format!("http://{}", r.header("host").unwrap_or("127.0.0.1"));
    let catalog = |region: &str| {
        json!([{"type": "image", "name": "glance", "endpoints": [
            {"region": region, "publicURL": format!("{here}/v2")},
            {"region": "Elsewhere", "publicURL": "http://127.0.0.1:1/v2"}]}])
    };
    let password = &auth["passwordCredentials"];
    let api_key = &auth["RAX-KSKEY:apiKeyCredentials"];
    let access = if password["username"] == "v2-user"
        && password["password"] == "v2-pass"
        && auth["tenantName"] == "v2-tenant"
    {
        json!({"token": {"id": "v2-token", "tenant": {"id": "t-v2"}},
               "user": {"id": "u-v2"}, "serviceCatalog": catalog("RegionOne")})
    } else if api_key["username"] == "rax-user" && api_key["apiKey"] == "rax-key" {
        json!({"token": {"id": "rax-token", "tenant": {"id": 123456}},
               "user": {"id": 42, "RAX-AUTH:defaultRegion": "ORD"}, "serviceCatalog": catalog("ORD")})
    } else {
        return c.json(
            401,
            &json!({"unauthorized": {"message": "bad credentials", "code": 401}}),
        );
    };
    c.json(200, &json!({"access": access}));
}

/// Rackspace's export/import tasks (no open-source server has them), with
/// pyrax's shapes: container `exports` exists, `missing` does not; an export
/// task succeeds, a container import fails with a message, `t-slow` never ends.
fn rackspace_tasks(r: &Recorded, c: &mut Conn) {
    let task = |id: &str, kind: &str, status: &str, input: serde_json::Value| {
        json!({"id": id, "type": kind, "status": status, "input": input, "result": null,
               "owner": "c-owner", "message": "", "created_at": "2014-02-26T02:34:49Z",
               "updated_at": "2014-02-26T02:35:02Z", "schema": "/v2/schemas/task"})
    };
    match (r.method.as_str(), r.path()) {
        ("HEAD", "/v1/AUTH_c/exports") => c.respond(204, &[], b""),
        ("HEAD", _) => c.respond(404, &[], b""),
        ("POST", "/v2/tasks") => {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
            let kind = body["type"].as_str().unwrap_or("");
            let id = if kind == "export" {
                "t-export"
            } else {
                "t-import"
            };
            c.json(201, &task(id, kind, "pending", body["input"].clone()));
        }
        ("GET", "/v2/tasks/t-export") => {
            let mut done = task("t-export", "export", "success", json!({}));
            done["result"] = json!({"export_location": "exports/img.vhd"});
            done["expires_at"] = "2014-02-28T02:35:02Z".into();
            c.json(200, &done);
        }
        ("GET", "/v2/tasks/t-import") => {
            let mut failed = task("t-import", "import", "failure", json!({}));
            failed["message"] = "the VHD is not a valid fixed or dynamic disk".into();
            c.json(200, &failed);
        }
        ("GET", "/v2/tasks/t-slow") => {
            c.json(200, &task("t-slow", "export", "processing", json!({})))
        }
        _ => c.json(404, &json!({"message": "no such task"})),
    }
}

/// Listings, chosen by the custom `scenario` filter the C suite sends.
fn listing(r: &Recorded, c: &mut Conn) {
    let query = r.target.split_once('?').map_or("", |(_, q)| q);
    let has = |part: &str| query.split('&').any(|p| p == part);
    let ids = |ids: &[&str]| -> Vec<serde_json::Value> {
        ids.iter().map(|id| json!({"id": id, "name": id})).collect()
    };
    let page = if has("scenario=pages") && has("marker=p2") {
        json!({"images": ids(&["p3"]), "first": "/v2/images?scenario=pages"})
    } else if has("scenario=pages") {
        json!({"images": ids(&["p1", "p2"]), "next": "/v2/images?scenario=pages&marker=p2",
               "first": "/v2/images?scenario=pages"})
    } else if has("scenario=loop") {
        json!({"images": ids(&["l1"]), "next": "/v2/images?scenario=loop&marker=l1"})
    } else if has("scenario=nul-next") {
        json!({"images": ids(&["n1"]), "next": "/v2/images?scenario=nul-next&marker=n1\u{0}"})
    } else if has("scenario=elsewhere") {
        json!({"images": ids(&["e1"]), "next": "http://127.0.0.2:1/v2/images?marker=e1"})
    } else {
        json!({"images": []})
    };
    c.json(200, &page);
}

/// Runs the suite binary (under `wrapper`, if any) with everything it needs.
fn run(binary: &Path, wrapper: &[&str], env: &[(&str, String)]) {
    let demo = cloud::client("DEMO");
    let run_id = cloud::unique("c-suite");
    let double = double();

    // An active image to deactivate and filter by size: made here because
    // uploading from C needs the image-data functions.
    let active_name = format!("{run_id}-active");
    let active = demo
        .create_image(&CreateImage {
            name: Some(active_name.clone()),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            visibility: Some(glance_client::Visibility::Private),
            properties: [("c_suite_run".to_owned(), run_id.clone())].into(),
            ..Default::default()
        })
        .expect("the harness creates its image");
    let data = b"sixteen bytes!!\n";
    cloud::upload_without_library("DEMO", &active.id, data);
    let credential = AppCredential::create("DEMO", &run_id);

    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(binary);
            c
        }
        None => Command::new(binary),
    };
    command
        .env("GLANCE_C_DOUBLE_URL", double.url())
        .env("GLANCE_C_DEMO_TOKEN", cloud::token(&cloud::user("DEMO")))
        .env("GLANCE_C_ALT_TOKEN", cloud::token(&cloud::user("ALT")))
        .env("GLANCE_C_RUN_ID", &run_id)
        .env("GLANCE_C_ACTIVE_ID", &active.id)
        .env("GLANCE_C_ACTIVE_NAME", &active_name)
        .env("GLANCE_C_ACTIVE_SIZE", data.len().to_string())
        .env("GLANCE_C_APPCRED_ID", &credential.id)
        .env("GLANCE_C_APPCRED_NAME", &credential.name)
        .env("GLANCE_C_APPCRED_SECRET", &credential.secret)
        // For glance_config_from_default_cloud.
        .env("OS_CLOUD", "alt_demo");
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command.status().expect("the C suite starts");

    // Whatever the outcome, remove every image of this run (the C suite tags
    // each one it makes with the property c_suite_run).
    let mine = ListOptions {
        properties: vec![("c_suite_run".into(), run_id.clone())],
        ..Default::default()
    };
    for image in demo.list_all_images(&mine).unwrap_or_default() {
        if image.protected {
            let _ = demo.update_image(&image.id, &[Patch::replace("protected", false)]);
        }
        let _ = demo.delete_image(&image.id);
    }
    assert!(
        status.success(),
        "the C suite failed ({status}); its output is above"
    );
}

#[test]
#[ignore = "builds and runs C programs; scripts/test runs it"]
fn c_suite_plain() {
    run(&build("plain"), &[], &[]);
}

#[test]
#[ignore = "builds and runs C programs; scripts/test runs it"]
fn c_suite_asan_ubsan() {
    let binary = build("asan");
    let symbols = Command::new("nm").arg(&binary).output().expect("nm runs");
    assert!(
        String::from_utf8_lossy(&symbols.stdout).contains("__asan_init"),
        "the asan build is not instrumented"
    );
    run(
        &binary,
        &[],
        &[
            (
                "ASAN_OPTIONS",
                "detect_leaks=1:abort_on_error=0:halt_on_error=1".into(),
            ),
            ("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1".into()),
        ],
    );
}

#[test]
#[ignore = "needs valgrind; scripts/test installs it and runs this"]
fn c_suite_valgrind() {
    let binary = build("valgrind");
    run(&binary, c_abi::VALGRIND, &[]);
}

/// Every function the header declares appears in the C suite's sources.
#[test]
fn suite_calls_every_function() {
    let mut sources = String::new();
    for entry in std::fs::read_dir(manifest_dir().join("tests/c")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "c") {
            sources.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let missing: Vec<String> = c_abi::header_functions()
        .into_iter()
        .filter(|f| !sources.contains(&format!("{f}(")))
        .collect();
    assert!(missing.is_empty(), "the C suite never calls: {missing:?}");
}
