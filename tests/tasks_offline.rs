//! Rackspace's export/import task extension has no open-source server: these
//! tests run it against the test double, which answers with the task shapes
//! and statuses of the pyrax reference (pending, processing, success, failure;
//! `message` on failure). Also the wait's timeout.

mod support;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use glance_client::{
    tasks::{RackspaceImportTask, Task, TaskStatus, TaskType, TaskWait},
    Error,
};
use serde_json::{json, Value};
use support::double::{Conn, Double, Recorded};

const TASK_ID: &str = "5e3a1c9f-1b7e-4c4b-9b9e-2f4d6c1a0b11";

fn quick<'a>() -> TaskWait<'a> {
    TaskWait {
        interval: Duration::from_millis(5),
        timeout: Some(Duration::from_secs(30)),
        on_poll: None,
    }
}

fn task(input: &Value, status: &str, extra: Value) -> Value {
    let mut task = json!({
        "id": TASK_ID, "type": "export", "status": status, "input": input,
        "result": null, "owner": "123456", "message": "",
        "created_at": "2014-02-26T02:34:49Z", "updated_at": "2014-02-26T02:35:02Z",
        "expires_at": "2014-02-28T02:35:02Z",
        "self": format!("/v2/tasks/{TASK_ID}"), "schema": "/v2/schemas/task",
    });
    if let (Some(task), Some(extra)) = (task.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            task.insert(k.clone(), v.clone());
        }
    }
    task
}

/// A Rackspace-like cloud: container `exports` exists, `missing` does not;
/// a created task goes pending -> processing -> the `last` state.
fn rackspace(last: Value) -> Double {
    let created: Arc<std::sync::Mutex<Value>> = Arc::default();
    let polls = Arc::new(AtomicU32::new(0));
    Double::start(move |request: &Recorded, conn: &mut Conn| {
        match (request.method.as_str(), request.path()) {
            ("HEAD", "/v1/AUTH_123456/exports") => conn.respond(204, &[], b""),
            ("HEAD", _) => conn.respond(404, &[("X-Trans-Id", "tx-missing")], b""),
            ("POST", "/v2/tasks") => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let mut answer = task(&body["input"], "pending", json!({}));
                answer["type"] = body["type"].clone();
                *created.lock().unwrap() = answer.clone();
                conn.json(201, &answer);
            }
            ("GET", path) if path == format!("/v2/tasks/{TASK_ID}") => {
                let mut answer = created.lock().unwrap().clone();
                if polls.fetch_add(1, Ordering::SeqCst) == 0 {
                    answer["status"] = "processing".into();
                } else if let Some(last) = last.as_object() {
                    for (k, v) in last {
                        answer[k] = v.clone();
                    }
                }
                conn.json(200, &answer);
            }
            _ => conn.respond(404, &[], b"unexpected"),
        }
    })
}

#[test]
fn an_export_to_a_missing_container_fails_before_any_task_is_made() {
    let double = rackspace(json!({}));
    let client = double.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_123456", double.url()))
        .unwrap();
    let err = client
        .create_rackspace_export_task(&store, "img-1", "missing")
        .unwrap_err();
    assert!(matches!(err, Error::NoSuchContainer(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("container 'missing' does not exist"),
        "{err}"
    );
    assert_eq!(err.request_id(), Some("tx-missing"));
    let requests = double.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "HEAD");
    assert_eq!(requests[0].target, "/v1/AUTH_123456/missing");
    assert_eq!(requests[0].header("x-auth-token"), Some("secret-token"));
}

#[test]
fn an_export_task_is_sent_as_pyrax_sends_it_and_waited_for() {
    let double = rackspace(json!({
        "status": "success",
        "result": {"export_location": "exports/img-1.vhd"},
    }));
    let client = double.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_123456", double.url()))
        .unwrap();
    let created = client
        .create_rackspace_export_task(&store, "img-1", "exports")
        .unwrap();
    assert_eq!(created.id, TASK_ID);
    assert_eq!(created.task_type, TaskType::Export);
    assert_eq!(created.status, TaskStatus::Pending);

    let requests = double.requests();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("HEAD", "/v1/AUTH_123456/exports")
    );
    assert_eq!(
        (requests[1].method.as_str(), requests[1].target.as_str()),
        ("POST", "/v2/tasks")
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&requests[1].body).unwrap(),
        json!({"type": "export", "input": {
            "image_uuid": "img-1", "receiving_swift_container": "exports"}})
    );

    let mut seen = Vec::new();
    let mut record = |t: &Task| {
        seen.push(t.status.clone());
        ControlFlow::Continue(())
    };
    let wait = TaskWait {
        on_poll: Some(&mut record),
        ..quick()
    };
    let done = client.wait_for_task(&created.id, wait).unwrap();
    assert_eq!(seen, vec![TaskStatus::Processing, TaskStatus::Success]);
    assert_eq!(done.result.unwrap()["export_location"], "exports/img-1.vhd");
    assert_eq!(done.expires_at.as_deref(), Some("2014-02-28T02:35:02Z"));
}

#[test]
fn an_import_task_names_the_image_after_the_object_and_defaults_to_vhd() {
    let double = rackspace(json!({"status": "success", "result": {"image_id": "new-image"}}));
    let client = double.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_123456", double.url()))
        .unwrap();
    let import = RackspaceImportTask {
        container: "exports".into(),
        object: "my image.vhd".into(),
        image_name: None,
        format: None,
    };
    let task = client
        .create_rackspace_import_task(&store, &import)
        .unwrap();
    let done = client.wait_for_task(&task.id, quick()).unwrap();
    assert_eq!(done.image_id(), Some("new-image"));

    let named = RackspaceImportTask {
        image_name: Some("Renamed".into()),
        format: Some("VHD".into()),
        ..import
    };
    client.create_rackspace_import_task(&store, &named).unwrap();

    let posts: Vec<Value> = double
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        posts,
        vec![
            json!({"type": "import", "input": {
                "image_properties": {"name": "my image.vhd"},
                "import_from": "exports/my image.vhd",
                "import_from_format": "vhd"}}),
            json!({"type": "import", "input": {
                "image_properties": {"name": "Renamed"},
                "import_from": "exports/my image.vhd",
                "import_from_format": "VHD"}}),
        ]
    );

    let missing = RackspaceImportTask {
        container: "missing".into(),
        object: "x.vhd".into(),
        image_name: None,
        format: None,
    };
    assert!(matches!(
        client.create_rackspace_import_task(&store, &missing),
        Err(Error::NoSuchContainer(_))
    ));
    assert_eq!(
        double
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        2,
        "no task for a missing container"
    );
}

#[test]
fn a_failed_task_carries_the_servers_message() {
    let double = rackspace(json!({
        "status": "failure",
        "message": "Image import failed: the VHD is not a valid fixed or dynamic disk",
    }));
    let client = double.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_123456", double.url()))
        .unwrap();
    let import = RackspaceImportTask {
        container: "exports".into(),
        object: "broken.vhd".into(),
        image_name: None,
        format: None,
    };
    let task = client
        .create_rackspace_import_task(&store, &import)
        .unwrap();
    let err = client.wait_for_task(&task.id, quick()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "task {TASK_ID} (import) failed: Image import failed: the VHD is not a valid \
             fixed or dynamic disk"
        )
    );
}

#[test]
fn a_wait_gives_up_at_its_timeout_and_says_how_the_task_stood() {
    let double = rackspace(json!({"status": "processing"}));
    let client = double.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_123456", double.url()))
        .unwrap();
    let task = client
        .create_rackspace_export_task(&store, "img-1", "exports")
        .unwrap();
    let mut polls = 0;
    let mut count = |_: &Task| {
        polls += 1;
        ControlFlow::Continue(())
    };
    let wait = TaskWait {
        interval: Duration::from_millis(5),
        timeout: Some(Duration::from_millis(60)),
        on_poll: Some(&mut count),
    };
    let err = client.wait_for_task(&task.id, wait).unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.to_string().contains("still 'processing'"), "{err}");
    assert!(polls >= 2, "polled {polls} times");
}

#[test]
fn a_callback_can_stop_the_wait() {
    let double = rackspace(json!({"status": "processing"}));
    let client = double.client();
    let store = client
        .object_store_at(&format!("{}/v1/AUTH_123456", double.url()))
        .unwrap();
    let task = client
        .create_rackspace_export_task(&store, "img-1", "exports")
        .unwrap();
    let mut polls = 0;
    let mut stop_at_third = |_: &Task| {
        polls += 1;
        if polls == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let wait = TaskWait {
        on_poll: Some(&mut stop_at_third),
        ..quick()
    };
    let err = client.wait_for_task(&task.id, wait).unwrap_err();
    assert!(matches!(err, Error::Aborted), "{err:?}");
    assert_eq!(polls, 3);
}
