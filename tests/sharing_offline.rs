//! What the member and tag calls put on the wire, checked on the test double.

mod support;

use glance_client::{members::MemberStatus, Error};
use serde_json::{json, Value};
use support::double::Double;

fn member_json(status: &str) -> Value {
    json!({"member_id": "p1", "image_id": "i1", "status": status,
           "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z",
           "schema": "/v2/schemas/member"})
}

fn body(request: &support::double::Recorded) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[test]
fn member_calls_send_pyrax_bodies() {
    let double = Double::start(|request, conn| match request.method.as_str() {
        "POST" => conn.json(200, &member_json("pending")),
        "PUT" => conn.json(200, &member_json("accepted")),
        _ => conn.respond(204, &[], b""),
    });
    let client = double.client();
    client.add_member("i1", "p1").unwrap();
    let member = client
        .update_member_status("i1", "p1", MemberStatus::Accepted)
        .unwrap();
    assert_eq!(member.status, MemberStatus::Accepted);
    client.remove_member("i1", "p1").unwrap();

    let requests = double.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].target, "/v2/images/i1/members");
    assert_eq!(body(&requests[0]), json!({"member": "p1"}));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[1].method, "PUT");
    assert_eq!(requests[1].target, "/v2/images/i1/members/p1");
    assert_eq!(body(&requests[1]), json!({"status": "accepted"}));
    assert_eq!(requests[2].method, "DELETE");
    assert_eq!(requests[2].target, "/v2/images/i1/members/p1");
}

#[test]
fn a_status_outside_the_three_fails_before_any_request() {
    let double = Double::start(|_, conn| conn.json(200, &member_json("pending")));
    let client = double.client();
    let err = client
        .update_member_status("i1", "p1", MemberStatus::Other("Accepted".into()))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(err.to_string().contains("'Accepted'"), "{err}");
    for (image, member) in [("", "p1"), ("i1", ""), ("i1", "a/b")] {
        assert!(matches!(
            client.add_member(image, member),
            Err(Error::InvalidArgument(_))
        ));
    }
    assert!(matches!(
        client.add_tag("i1", ""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        client.add_tag("i1", &"x".repeat(256)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(double.requests().is_empty());
}

#[test]
fn plain_tags_go_in_the_url_and_others_through_a_patch_of_the_list() {
    let double = Double::start(|request, conn| {
        match request.method.as_str() {
        "GET" => conn.json(
            200,
            &json!({"id": "i1", "tags": ["old"], "status": "queued", "visibility": "private"}),
        ),
        "PATCH" => conn.json(
            200,
            &json!({"id": "i1", "tags": ["old", "a/b"], "status": "queued", "visibility": "private"}),
        ),
        _ => conn.respond(204, &[], b""),
    }
    });
    let client = double.client();
    client.add_tag("i1", "a b%c?").unwrap();
    client.add_tag("i1", "a/b").unwrap();
    client.add_tag("i1", "old").unwrap();
    client.remove_tag("i1", "x y").unwrap();

    let requests = double.requests();
    let summary: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.clone(), r.target.clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("PUT", "/v2/images/i1/tags/a%20b%25c%3F"),
        ("GET", "/v2/images/i1"),
        ("PATCH", "/v2/images/i1"),
        ("PUT", "/v2/images/i1/tags/old"),
        ("DELETE", "/v2/images/i1/tags/x%20y"),
    ]
    .iter()
    .map(|(m, t)| (m.to_string(), t.to_string()))
    .collect();
    assert_eq!(summary, expected);
    assert_eq!(requests[0].body, b"");
    assert_eq!(
        requests[2].header("content-type"),
        Some("application/openstack-images-v2.1-json-patch")
    );
    assert_eq!(
        body(&requests[2]),
        json!([{"op": "replace", "path": "/tags", "value": ["old", "a/b"]}])
    );
}
