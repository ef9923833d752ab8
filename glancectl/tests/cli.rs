//! The built `glancectl` against the local cloud (`scripts/local-cloud`):
//! the whole flow of an image, `-f json` compared with what openstacksdk
//! sees, errors and exit statuses, and Ctrl-C in the middle of an upload.
//!
//! Needs the cloud's settings in the environment (`. "$(scripts/local-cloud
//! env)"`, as `scripts/test` does); fails loudly without them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use glance_client::Client;
use serde_json::Value;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: load the local cloud's settings first (. \"$(scripts/local-cloud env)\")")
    })
}

fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

fn glancectl() -> Command {
    // The OS_* variables name user demo in project demo (RegionOne).
    env("GLANCE_TEST_CLOUDS_YAML");
    let mut command = Command::new(env!("CARGO_BIN_EXE_glancectl"));
    command.env_remove("OS_CLOUD").stdin(Stdio::null());
    command
}

fn run(args: &[&str]) -> Output {
    glancectl().args(args).output().expect("glancectl runs")
}

/// Runs a command that must succeed; its stdout.
fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "glancectl {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["-f", "json"]);
    let text = ok(&args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {text}"))
}

fn demo() -> Client {
    env("GLANCE_TEST_CLOUDS_YAML");
    Client::from_cloud("demo").expect("demo client")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique("glancectl-test"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn data_file(path: &Path, size: usize) -> Vec<u8> {
    let data: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(path, &data).unwrap();
    data
}

#[test]
fn the_whole_flow_of_an_image() {
    let name = unique("glancectl-flow");
    let file = scratch("disk.raw");
    let data = data_file(&file, 3 << 20);

    let created = json(&[
        "create",
        &name,
        "--file",
        file.to_str().unwrap(),
        "--property",
        "flow=1",
    ]);
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(created["status"], "active");
    assert_eq!(created["size"], 3 << 20);

    let listed = json(&["list", "--name", &name, "--long"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["ID"], id.as_str());
    assert_eq!(listed[0]["Size"], 3 << 20);
    // By name, as `openstack image show NAME`.
    assert_eq!(json(&["show", &name])["id"], id.as_str());

    ok(&[
        "set",
        &id,
        "--property",
        "color=blue",
        "--tag",
        "t1",
        "--min-ram",
        "64",
        "--shared",
    ]);
    let shown = json(&["show", &id]);
    assert_eq!(shown["properties"]["color"], "blue");
    assert_eq!(shown["properties"]["flow"], "1");
    assert_eq!(shown["tags"], serde_json::json!(["t1"]));
    assert_eq!(shown["min_ram"], 64);
    assert_eq!(shown["visibility"], "shared");
    assert_eq!(ok(&["show", &id, "-f", "value", "-c", "min_ram"]), "64\n");

    ok(&["unset", &id, "--property", "color", "--tag", "t1"]);
    let shown = json(&["show", &id]);
    assert!(shown["properties"].get("color").is_none(), "{shown}");
    assert_eq!(shown["tags"], serde_json::json!([]));
    let missing = run(&["unset", &id, "--property", "never-set"]);
    assert_eq!(missing.status.code(), Some(1));

    // Shared with alt_demo, accepted by alt_demo.
    let alt = env("GLANCE_TEST_ALT_PROJECT_ID");
    let member = json(&["add", "project", &id, &alt]);
    assert_eq!(member["status"], "pending");
    ok(&["--os-cloud", "alt_demo", "set", &id, "--accept"]);
    let members = json(&["member", "list", &id]);
    assert_eq!(members[0]["Member ID"], alt.as_str());
    assert_eq!(members[0]["Status"], "accepted");
    let seen_by_alt = json(&["--os-cloud", "alt_demo", "list", "--name", &name]);
    assert_eq!(seen_by_alt[0]["ID"], id.as_str());
    ok(&["remove", "project", &id, &alt]);

    // Saved, byte for byte.
    let saved = file.with_file_name("saved.raw");
    ok(&["save", &id, "--file", saved.to_str().unwrap()]);
    assert!(std::fs::read(&saved).unwrap() == data, "saved bytes differ");
    let to_stdout = glancectl().args(["save", &id]).output().unwrap();
    assert!(to_stdout.status.success() && to_stdout.stdout == data);
    assert!(
        to_stdout.stderr.is_empty(),
        "no progress bar off a terminal"
    );
    // On a terminal (`script` gives the command one), a bar.
    let on_tty = file.with_file_name("tty.raw");
    let line = format!(
        "{} save {id} --file {}",
        env!("CARGO_BIN_EXE_glancectl"),
        on_tty.display()
    );
    let tty = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("OS_CLOUD")
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs");
    assert!(
        tty.status.success(),
        "{}",
        String::from_utf8_lossy(&tty.stdout)
    );
    assert!(String::from_utf8_lossy(&tty.stdout).contains("downloading"));
    assert!(std::fs::read(&on_tty).unwrap() == data);

    // Exported to a container and imported back.
    let client = demo();
    let store = client.object_store();
    let container = unique("glancectl-export");
    store.create_container(&container).unwrap();
    let exported = json(&["export", &id, "--container", &container]);
    let object = exported["object"].as_str().unwrap().to_owned();
    assert_eq!(exported["size"], 3 << 20);
    let back_name = format!("{name}-back");
    let back = json(&[
        "import",
        "from-container",
        &container,
        &object,
        "--name",
        &back_name,
    ]);
    let back_id = back["id"].as_str().unwrap().to_owned();
    assert_eq!(back["size"], 3 << 20);
    assert_eq!(back["properties"]["flow"], "1");
    assert_eq!(
        back["properties"]["os_hash_value"],
        shown["properties"]["os_hash_value"]
    );
    store.delete_object(&container, &object).unwrap();
    store.delete_container(&container).unwrap();

    // Copied to the second region.
    let region2 = env("GLANCE_TEST_REGION2");
    let copy = json(&[
        "copy",
        &id,
        "--to-region",
        &region2,
        "--name",
        &format!("{name}-copy"),
    ]);
    let copy_id = copy["id"].as_str().unwrap().to_owned();
    assert_eq!(copy["size"], 3 << 20);
    let there = json(&["--os-region-name", &region2, "show", &copy_id]);
    assert_eq!(there["status"], "active");
    assert_eq!(
        there["properties"]["os_hash_value"],
        shown["properties"]["os_hash_value"]
    );
    ok(&["--os-region-name", &region2, "delete", &copy_id]);

    ok(&["delete", &id, &back_id]);
    let gone = run(&["show", &id]);
    assert_eq!(gone.status.code(), Some(1));
    let message = String::from_utf8_lossy(&gone.stderr);
    assert!(
        message.contains("404") && message.contains("request id req-"),
        "{message}"
    );
}

#[test]
fn errors_and_usage_have_their_exit_status() {
    let out = run(&["show", "00000000-0000-4000-8000-000000000000"]);
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("404") && message.contains("request id"),
        "{message}"
    );
    assert!(
        message.contains("No image found"),
        "Glance's own message: {message}"
    );

    assert_eq!(run(&["list", "--no-such-option"]).status.code(), Some(2));
    assert_eq!(
        run(&["list", "--public", "--private"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["import", "x", "--method", "web-download"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["list", "-c", "NoSuchColumn"]).status.code(), Some(2));

    let bad_cloud = run(&["--os-cloud", "no-such-cloud", "list"]);
    assert_eq!(bad_cloud.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_cloud.stderr).contains("no-such-cloud"));
}

#[test]
fn debug_prints_the_redacted_wire_log() {
    let out = run(&["--debug", "list", "--limit", "1"]);
    assert!(out.status.success());
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("DEBUG POST http://127.0.0.1:5000/v3/auth/tokens -> 201"),
        "{log}"
    );
    assert!(
        log.contains("DEBUG GET http://127.0.0.1:9292/v2/images?limit=1"),
        "{log}"
    );
    assert!(!log.contains(&env("OS_PASSWORD")), "a secret leaked: {log}");
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    let bash = ok(&["completion", "bash"]);
    assert!(bash.contains("--member-status") && bash.contains("from-container"));
    let man = ok(&["man"]);
    assert!(man.starts_with(".ie") && man.contains(".TH glancectl 1"));
    assert!(man.contains("GLANCECTL COPY") && man.contains("to\\-region"));
}

/// A virtualenv with openstacksdk at the version scripts/bench pins.
fn sdk_python() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let pins = repo.join("scripts/bench.d/requirements.txt");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    let venv = target.join("glancectl-sdk-venv");
    let stamp = venv.join(".pins");
    let wanted = std::fs::read(&pins).unwrap();
    if std::fs::read(&stamp).ok().as_deref() != Some(&wanted[..]) {
        let _ = std::fs::remove_dir_all(&venv);
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .unwrap();
        assert!(made.success(), "python3 -m venv failed");
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "--disable-pip-version-check", "-r"])
            .arg(&pins)
            .status()
            .unwrap();
        assert!(
            installed.success(),
            "pip install of the pinned openstacksdk failed"
        );
        std::fs::write(&stamp, &wanted).unwrap();
    }
    venv.join("bin/python")
}

const SDK_VIEW: &str = r#"
import json, sys
import openstack
conn = openstack.connect(cloud="demo")
out = []
for image in conn.image.images(name=sys.argv[1]):
    out.append({"id": image.id, "name": image.name, "size": image.size,
                "status": image.status, "properties": image.properties or {}})
print(json.dumps(out))
"#;

#[test]
fn json_agrees_with_openstacksdk() {
    let name = unique("glancectl-sdk");
    let file = scratch("sdk.raw");
    data_file(&file, 1 << 20);
    let with_data = json(&[
        "create",
        &name,
        "--file",
        file.to_str().unwrap(),
        "--property",
        "os_distro=debian",
    ]);
    let queued = json(&["create", &name, "--property", "k=v", "--tag", "x"]);

    let python = sdk_python();
    let out = Command::new(python)
        .args(["-c", SDK_VIEW, &name])
        .env_remove("OS_CLOUD")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sdk: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sdk.len(), 2, "{sdk:?}");

    let listed = json(&["list", "--name", &name, "--long"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    for theirs in &sdk {
        let id = theirs["id"].as_str().unwrap();
        let row = listed
            .iter()
            .find(|r| r["ID"] == id)
            .expect("the same images");
        assert_eq!(row["Name"], theirs["name"]);
        assert_eq!(row["Status"], theirs["status"]);
        assert_eq!(row["Size"], theirs["size"]);
        let ours = json(&["show", id]);
        assert_eq!(ours["name"], theirs["name"]);
        assert_eq!(ours["status"], theirs["status"]);
        assert_eq!(
            ours.get("size").cloned().unwrap_or(Value::Null),
            theirs["size"]
        );
        // Every custom property openstacksdk sees, with the same value.
        for (key, value) in theirs["properties"].as_object().unwrap() {
            assert_eq!(&ours["properties"][key], value, "property {key} of {id}");
        }
    }
    ok(&[
        "delete",
        with_data["id"].as_str().unwrap(),
        queued["id"].as_str().unwrap(),
    ]);
}

#[test]
fn ctrl_c_during_an_upload_leaves_no_image() {
    let name = unique("glancectl-sigint");
    let file = scratch("big.raw");
    // Sparse: 4 GiB to send, nothing written to disk here.
    std::fs::File::create(&file)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    let mut child = glancectl()
        .args(["create", &name, "--file", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Wait until the data is flowing into Glance.
    let client = demo();
    let find = || {
        client
            .list_all_images(&glance_client::ListOptions {
                name: Some(name.as_str().into()),
                ..Default::default()
            })
            .unwrap()
    };
    let started = Instant::now();
    loop {
        let found = find();
        if found.iter().any(|i| i.status.as_str() == "saving") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the upload never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "glancectl ended before Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let message = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{message}");
    assert!(
        message.contains("upload interrupted after") && message.contains("deleted"),
        "{message}"
    );
    assert!(find().is_empty(), "an image was left behind");
    let _ = std::fs::remove_file(&file);
}
