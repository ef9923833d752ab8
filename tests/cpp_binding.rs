//! The C++ binding (`bindings/cpp/glance.hpp`): its suite
//! (`bindings/cpp/tests/`) built with `-std=c++17 -Wall -Wextra -Werror
//! -pedantic` and run against the real local cloud and a test double, the
//! C++ tour built and run, and a check that the header calls every function
//! `include/glance.h` declares.
//!
//! As `tests/c_suite.rs` does for C: the harness starts the double, fetches
//! Keystone tokens, makes an active image and an application credential with
//! the support code, and removes every image of the run afterwards. The runs
//! are `#[ignore]`d (they build C++ programs and need the cloud);
//! `scripts/test` runs them: `cargo test --test cpp_binding -- --include-ignored`.

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

/// Builds a target of `bindings/cpp/Makefile` (`suite` or `tour`) in a
/// variant (`plain` or `asan`) against the static library cargo built for
/// this test; the program's path.
fn build(target: &str, variant: &str, program: &str) -> PathBuf {
    let deps = deps_dir();
    let out = deps
        .parent()
        .expect("deps/ has a parent")
        .join("cpp")
        .join(variant);
    let status = Command::new("make")
        .arg("-C")
        .arg(manifest_dir().join("bindings/cpp"))
        .arg(target)
        .arg(format!("VARIANT={variant}"))
        .arg(format!("LIB={}", deps.join("libglance_client.a").display()))
        .arg(format!("OUT={}", out.display()))
        .status()
        .expect("make runs (install make and a C++ compiler)");
    assert!(status.success(), "building the C++ {target} failed");
    out.join(program)
}

/// The double's script: what the C++ suite checks that a real server cannot show.
fn double() -> Double {
    let flaky = Arc::new(AtomicUsize::new(0));
    Double::start(move |r: &Recorded, c: &mut Conn| {
        let image =
            |id: &str| json!({"id": id, "name": id, "status": "active", "visibility": "private"});
        match (r.method.as_str(), r.path()) {
            ("CONNECT", _) => c.raw(b"HTTP/1.1 200 Connection established\r\n\r\n"),
            ("GET", "/v2/images/via-proxy") => c.json(200, &image("via-proxy")),
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

/// Keystone v2.0 as the double plays it: a password user and a Rackspace API
/// key user, each with a catalog whose image endpoint is the double.
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

/// Rackspace's export/import tasks with pyrax's shapes: container `exports`
/// exists, `missing` does not; an export succeeds, a container import fails
/// with a message, `t-slow` never ends.
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

/// Listings chosen by the custom `scenario` filter the suite sends.
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
    } else if has("scenario=elsewhere") {
        json!({"images": ids(&["e1"]), "next": "http://127.0.0.2:1/v2/images?marker=e1"})
    } else {
        json!({"images": []})
    };
    c.json(200, &page);
}

/// Removes every image of the run in `client`'s region (the suite gives each
/// one it makes the property `cpp_suite_run`; exports and copies inherit it).
fn remove_run_images(client: &glance_client::Client, run_id: &str) {
    let mine = ListOptions {
        properties: vec![("cpp_suite_run".into(), run_id.to_owned())],
        ..Default::default()
    };
    for image in client.list_all_images(&mine).unwrap_or_default() {
        if image.protected {
            let _ = client.update_image(&image.id, &[Patch::replace("protected", false)]);
        }
        let _ = client.delete_image(&image.id);
    }
}

/// Runs the suite with everything it needs (and `env`), under `wrapper`
/// (a command and its arguments, e.g. valgrind) when one is given; then
/// cleans up.
fn run_suite(binary: &Path, wrapper: &[&str], env: &[(&str, &str)]) {
    let demo = cloud::client("DEMO");
    let run_id = cloud::unique("cpp-suite");
    let double = double();

    // An active image to read, deactivate, export and copy: made here because
    // every group needs it.
    let active_name = format!("{run_id}-active");
    let active = demo
        .create_image(&CreateImage {
            name: Some(active_name.clone()),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            visibility: Some(glance_client::Visibility::Private),
            properties: [("cpp_suite_run".to_owned(), run_id.clone())].into(),
            ..Default::default()
        })
        .expect("the harness creates its image");
    let data = b"sixteen bytes!!\n";
    cloud::upload_without_library("DEMO", &active.id, data);
    let credential = AppCredential::create("DEMO", &run_id);

    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(binary);
            command
        }
        None => Command::new(binary),
    };
    let status = command
        .envs(env.iter().copied())
        .env("GLANCE_CPP_DOUBLE_URL", double.url())
        .env("GLANCE_CPP_DEMO_TOKEN", cloud::token(&cloud::user("DEMO")))
        .env("GLANCE_CPP_ALT_TOKEN", cloud::token(&cloud::user("ALT")))
        .env("GLANCE_CPP_RUN_ID", &run_id)
        .env("GLANCE_CPP_ACTIVE_ID", &active.id)
        .env("GLANCE_CPP_ACTIVE_NAME", &active_name)
        .env("GLANCE_CPP_ACTIVE_SIZE", data.len().to_string())
        .env("GLANCE_CPP_APPCRED_ID", &credential.id)
        .env("GLANCE_CPP_APPCRED_NAME", &credential.name)
        .env("GLANCE_CPP_APPCRED_SECRET", &credential.secret)
        // For Config::from_default_cloud.
        .env("OS_CLOUD", "alt_demo")
        .status()
        .expect("the C++ suite starts");

    remove_run_images(&demo, &run_id);
    remove_run_images(&cloud::catalog_client("DEMO", "RegionTwo"), &run_id);
    assert!(
        status.success(),
        "the C++ suite failed ({status}); its output is above"
    );
}

#[test]
#[ignore = "builds and runs a C++ program against the local cloud; scripts/test runs it"]
fn cpp_suite() {
    run_suite(&build("suite", "plain", "cpp_suite"), &[], &[]);
}

/// The suite with the C++ side under AddressSanitizer + UndefinedBehaviorSanitizer
/// (with LeakSanitizer): an owner freeing twice or never, a callback's
/// state used after its owner is gone.
#[test]
#[ignore = "builds and runs a C++ program against the local cloud; scripts/test runs it"]
fn cpp_suite_asan_ubsan() {
    let binary = build("suite", "asan", "cpp_suite");
    let symbols = Command::new("nm").arg(&binary).output().expect("nm runs");
    assert!(
        String::from_utf8_lossy(&symbols.stdout).contains("__asan_init"),
        "the asan build is not instrumented"
    );
    run_suite(
        &binary,
        &[],
        &[
            (
                "ASAN_OPTIONS",
                "detect_leaks=1:abort_on_error=0:halt_on_error=1",
            ),
            ("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1"),
        ],
    );
}

/// The suite under valgrind's memcheck: what ASan cannot see in the parts not
/// built with it (the Rust library) and reads of uninitialised memory.
#[test]
#[ignore = "needs valgrind; builds and runs a C++ program against the local cloud; scripts/test runs it"]
fn cpp_suite_valgrind() {
    run_suite(&build("suite", "plain", "cpp_suite"), c_abi::VALGRIND, &[]);
}

#[test]
#[ignore = "builds and runs the C++ tour against the local cloud; scripts/test runs it"]
fn cpp_tour() {
    let tour = build("tour", "plain", "tour");
    let output = Command::new(&tour).output().expect("the C++ tour starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the C++ tour failed");
    assert!(
        stdout.contains("The tour is over: every step worked."),
        "the C++ tour did not finish"
    );
}

/// Every function `include/glance.h` declares is called by `glance.hpp`, so
/// a function added to the C ABI and not wrapped fails here. Nothing is
/// exempt: even the `_free` functions are called, by the owners' deleters.
#[test]
fn header_calls_every_function() {
    let source = std::fs::read_to_string(manifest_dir().join("bindings/cpp/glance.hpp"))
        .expect("bindings/cpp/glance.hpp is readable");
    // Code only: a function named in a comment is not called (the header
    // writes no `//` inside string literals).
    let header: String = source
        .lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n");
    let functions = c_abi::header_functions();
    assert!(functions.len() > 200, "glance.h parsed: {functions:?}");
    let missing: Vec<&String> = functions
        .iter()
        .filter(|f| !header.contains(&format!("{f}(")))
        .collect();
    assert!(missing.is_empty(), "glance.hpp never calls: {missing:?}");
}

/// README's C++ example compiles (and links) against the header, so it
/// cannot drift from it.
#[test]
#[ignore = "needs g++; scripts/test runs it"]
fn readme_cpp_example_compiles() {
    let readme = include_str!("../README.md");
    let section = readme
        .split_once("\n## C++\n")
        .expect("README.md has a \"## C++\" section")
        .1;
    let example = section
        .split_once("```cpp\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("the C++ section holds a ```cpp block")
        .0;
    let dir = deps_dir().parent().expect("deps/ has a parent").join("cpp");
    std::fs::create_dir_all(&dir).expect("the output directory can be made");
    let source = dir.join("readme_example.cpp");
    std::fs::write(&source, example).expect("the example can be written");
    let status = Command::new("g++")
        .args(["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg(format!("-I{}", manifest_dir().join("include").display()))
        .arg(format!(
            "-I{}",
            manifest_dir().join("bindings/cpp").display()
        ))
        .arg(&source)
        .arg(deps_dir().join("libglance_client.a"))
        .args(["-lpthread", "-ldl", "-lm"])
        .arg("-o")
        .arg(dir.join("readme_example"))
        .status()
        .expect("g++ runs");
    assert!(status.success(), "README's C++ example does not compile");
}
