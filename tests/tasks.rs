//! Tasks against the real Glance of the local cloud: upstream `import` tasks
//! are admin-only there, and fetch their data from a URL.

mod support;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::time::Duration;

use glance_client::{
    tasks::{Task, TaskListOptions, TaskStatus, TaskType, TaskWait, UrlImportTask},
    Error, ImageStatus, SortDir,
};
use serde_json::Value;
use support::cloud::{client, unique, Cleanup};
use support::double::Double;

/// Serves `data` at `/blob.bin` (and 404 elsewhere) on 127.0.0.1.
fn serve(data: Vec<u8>) -> Double {
    Double::start(move |request, conn| {
        if request.path() == "/blob.bin" {
            conn.respond(200, &[("Content-Type", "application/octet-stream")], &data);
        } else {
            conn.respond(404, &[], b"no such file");
        }
    })
}

fn import(url: String, name: &str) -> UrlImportTask {
    UrlImportTask {
        import_from: url,
        import_from_format: "raw".into(),
        image_properties: [
            ("name", Value::from(name)),
            ("disk_format", "raw".into()),
            ("container_format", "bare".into()),
            ("test_run", name.into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect::<BTreeMap<String, Value>>(),
    }
}

fn quick<'a>() -> TaskWait<'a> {
    TaskWait {
        interval: Duration::from_millis(200),
        timeout: Some(Duration::from_secs(120)),
        on_poll: None,
    }
}

#[test]
fn an_admin_import_task_from_a_loopback_url_makes_the_image() {
    let admin = client("ADMIN");
    let mut cleanup = Cleanup::new(&admin);
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let server = serve(data.clone());
    let name = unique("task-import");

    let created = admin
        .create_url_import_task(&import(format!("{}/blob.bin", server.url()), &name))
        .unwrap();
    assert_eq!(created.task_type, TaskType::Import);
    assert!(!created.is_finished() || created.status == TaskStatus::Success);
    assert_eq!(created.input.as_ref().unwrap()["import_from_format"], "raw");

    let mut seen = Vec::new();
    let mut record = |task: &Task| {
        seen.push(task.status.clone());
        ControlFlow::Continue(())
    };
    let wait = TaskWait {
        on_poll: Some(&mut record),
        ..quick()
    };
    let done = admin.wait_for_task(&created.id, wait).unwrap();
    assert_eq!(done.status, TaskStatus::Success);
    assert_eq!(seen.last(), Some(&TaskStatus::Success));
    assert!(done.expires_at.is_some());
    let image_id = done
        .image_id()
        .expect("a successful import names its image");
    cleanup.add(image_id);

    let image = admin.get_image(image_id).unwrap();
    assert_eq!(image.name.as_deref(), Some(name.as_str()));
    assert_eq!(image.status, ImageStatus::Active);
    assert_eq!(image.size, Some(data.len() as u64));
    assert_eq!(image.property("test_run"), Some(name.as_str()));
    assert!(
        server.requests().iter().any(|r| r.path() == "/blob.bin"),
        "Glance fetched the data from the test's server"
    );

    let fetched = admin.get_task(&created.id).unwrap();
    assert_eq!(fetched, done);

    // The task shows in listings filtered on its type and status, page by page.
    let options = TaskListOptions {
        task_type: Some(TaskType::Import),
        status: Some(TaskStatus::Success),
        limit: Some(2),
        sort_key: Some("created_at".into()),
        sort_dir: Some(SortDir::Desc),
        ..Default::default()
    };
    let first = admin.list_tasks(&options).unwrap();
    assert!(first.tasks.len() <= 2);
    assert!(first
        .tasks
        .iter()
        .all(|t| t.task_type == TaskType::Import && t.status == TaskStatus::Success));
    let listed: Vec<Task> = admin
        .tasks(&options)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert!(listed.iter().any(|t| t.id == created.id));
    let mut ids: Vec<&str> = listed.iter().map(|t| t.id.as_str()).collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "every task comes once");
    if let Some(next) = first.next {
        let second = admin.list_tasks_at(&next).unwrap();
        assert!(second.tasks.iter().all(|t| !first.tasks.contains(t)));
    }
}

#[test]
fn a_failed_task_is_an_error_carrying_its_message() {
    let admin = client("ADMIN");
    let server = serve(Vec::new());
    let name = unique("task-fail");
    let task = admin
        .create_url_import_task(&import(format!("{}/missing.bin", server.url()), &name))
        .unwrap();
    let err = admin.wait_for_task(&task.id, quick()).unwrap_err();
    match &err {
        Error::TaskFailed {
            task_id,
            task_type,
            message,
        } => {
            assert_eq!(task_id, &task.id);
            assert_eq!(task_type, "import");
            assert!(!message.is_empty(), "Glance says why");
            let after = admin.get_task(&task.id).unwrap();
            assert_eq!(after.message.as_deref(), Some(message.as_str()));
        }
        other => panic!("expected TaskFailed, got {other:?}"),
    }
}

#[test]
fn tasks_are_admin_only_and_bad_input_fails_before_any_request() {
    let member = client("DEMO");
    let err = member.list_tasks(&TaskListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    assert!(err.to_string().contains("tasks_api_access"), "{err}");

    let mut bad = import("not a url".into(), "x");
    assert!(matches!(
        member.create_url_import_task(&bad),
        Err(Error::InvalidArgument(_))
    ));
    bad.import_from = "http://127.0.0.1/x".into();
    bad.import_from_format = String::new();
    assert!(matches!(
        member.create_url_import_task(&bad),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        member.get_task(""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        member.wait_for_task(
            "t",
            TaskWait {
                interval: Duration::ZERO,
                ..quick()
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
}
