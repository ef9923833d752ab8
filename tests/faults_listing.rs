//! Listings from servers that misbehave in ways a real Glance does not:
//! pages repeated under ever new links, strings a C caller cannot be given,
//! numbers no image can have. Served by the test double.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use glance_client::{tasks::TaskListOptions, Error, ListOptions};
use serde_json::json;
use support::double::Double;

/// Every page is the same two records under a `next` link never seen before.
fn repeating(
    path: &'static str,
    key: &'static str,
    record: fn(&str) -> serde_json::Value,
) -> Double {
    let served = AtomicUsize::new(0);
    Double::start(move |request, conn| {
        assert!(request.path() == path, "{}", request.target);
        let n = served.fetch_add(1, Ordering::SeqCst);
        conn.json(
            200,
            &json!({key: [record("r1"), record("r2")], "next": format!("{path}?marker=r2&n={n}")}),
        );
    })
}

fn image(id: &str) -> serde_json::Value {
    json!({"id": id, "status": "active", "visibility": "private"})
}

fn task(id: &str) -> serde_json::Value {
    json!({"id": id, "type": "import", "status": "success"})
}

#[test]
fn the_image_iterator_stops_when_pages_repeat_under_new_links() {
    let double = repeating("/v2/images", "images", image);
    let client = double.client();
    let items: Vec<_> = client.images(&ListOptions::default()).take(50).collect();
    let ids: Vec<String> = items
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|i| i.id.clone()))
        .collect();
    assert_eq!(ids, ["r1", "r2"], "each image once");
    let err = items[2].as_ref().unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("repeats 'r1'"), "{err}");
    assert_eq!(items.len(), 3, "nothing after the error");
    assert_eq!(double.requests().len(), 2);

    let err = client.list_all_images(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
}

#[test]
fn the_task_iterator_stops_when_pages_repeat_under_new_links() {
    let double = repeating("/v2/tasks", "tasks", task);
    let client = double.client();
    let items: Vec<_> = client.tasks(&TaskListOptions::default()).take(50).collect();
    assert_eq!(
        items.iter().filter(|r| r.is_ok()).count(),
        2,
        "each task once"
    );
    let err = items[2].as_ref().unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert_eq!(items.len(), 3, "nothing after the error");
    assert_eq!(double.requests().len(), 2);
}

#[test]
fn the_task_iterator_does_not_follow_a_next_link_back_to_the_first_page() {
    // The image iterator's twin is in faults_bodies.rs; one pager serves both.
    let double = Double::start(|request, conn| {
        let page = match request.target.as_str() {
            "/v2/tasks?limit=1" => {
                json!({"tasks": [task("a")], "next": "/v2/tasks?limit=1&marker=a"})
            }
            _ => json!({"tasks": [task("b")], "next": "/v2/tasks?limit=1"}),
        };
        conn.json(200, &page);
    });
    let options = TaskListOptions {
        limit: Some(1),
        ..Default::default()
    };
    let results: Vec<_> = double.client().tasks(&options).collect();
    let ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(ids, ["a", "b"], "no task is handed out twice");
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("'next' link repeats"), "{err}");
    assert_eq!(double.requests().len(), 2);
}

#[test]
fn an_impossible_size_is_unknown_and_the_other_records_survive() {
    let double = Double::start(|_, conn| {
        // Written by hand: serde_json cannot make 2^64 an integer.
        let page = r#"{"images": [
            {"id": "minus", "status": "active", "visibility": "private", "size": -1},
            {"id": "huge", "status": "active", "visibility": "private",
             "size": 18446744073709551616, "virtual_size": -5, "min_disk": -1},
            {"id": "fine", "status": "active", "visibility": "private", "size": 300}]}"#;
        conn.respond(
            200,
            &[("Content-Type", "application/json")],
            page.as_bytes(),
        );
    });
    let page = double
        .client()
        .list_images(&ListOptions::default())
        .unwrap();
    let sizes: Vec<(&str, Option<u64>)> = page
        .images
        .iter()
        .map(|i| (i.id.as_str(), i.size))
        .collect();
    assert_eq!(
        sizes,
        [("minus", None), ("huge", None), ("fine", Some(300))]
    );
    assert_eq!(page.images[1].virtual_size, None);
    assert_eq!(page.images[1].min_disk, 0);
}

#[test]
fn a_nul_in_an_id_or_a_next_link_is_the_servers_invalid_response() {
    let double = Double::start(|request, conn| match request.path() {
        "/v2/images/nul-id" => conn.json(200, &image("a\u{0}b")),
        "/v2/tasks" => conn.json(
            200,
            &json!({"tasks": [task("t1")], "next": "/v2/tasks?marker=t1\u{0}"}),
        ),
        _ => conn.json(
            200,
            &json!({"images": [image("p1")], "next": "/v2/images?marker=p1\u{0}x"}),
        ),
    });
    let client = double.client();
    let err = client.get_image("nul-id").unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("NUL byte"), "{err}");

    // Never a listing that ends quietly after its first page.
    let outcome: Result<Vec<_>, _> = client.images(&ListOptions::default()).collect();
    let err = outcome.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    assert!(err.to_string().contains("NUL byte"), "{err}");
    let err = client.list_images(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err:?}");
    let outcome: Result<Vec<_>, _> = client.tasks(&TaskListOptions::default()).collect();
    assert!(
        matches!(outcome, Err(Error::InvalidResponse(_))),
        "{outcome:?}"
    );
}
