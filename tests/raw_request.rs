//! The raw request against the real Glance of the local cloud: metadata
//! definitions (a namespace created, listed, read and deleted as admin),
//! Glance's errors as typed errors, a caller's content type, an absolute URL
//! on the endpoint, renewal of a revoked token; and, from the test double,
//! the 5xx a real server does not give on demand (retried for idempotent
//! methods only).

mod support;

use glance_client::{
    auth::{AuthMethod, ProjectRef},
    config::{ProxySetting, RetryPolicy},
    Client, Error,
};
use glance_client::{
    auth::{Scope, UserRef, V3Password},
    config::WireEvent,
    CreateImage,
};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::cloud::{client, glance_url, unique, user, Cleanup};
use support::double::Double;
use support::identity::{keystone_proxy, revoke, token_requests};

fn namespace_names(admin: &Client) -> Vec<String> {
    let listing: Value = admin
        .request("GET", "/v2/metadefs/namespaces?limit=1000", &[], None)
        .unwrap()
        .json()
        .unwrap();
    listing["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["namespace"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_metadefs_namespace_is_created_listed_read_and_deleted_as_admin() {
    let admin = client("ADMIN");
    let name = unique("raw-ns");
    let body = json!({"namespace": name, "display_name": "raw request test"}).to_string();
    let created = admin
        .request(
            "POST",
            "/v2/metadefs/namespaces",
            &[],
            Some(body.as_bytes()),
        )
        .unwrap();
    assert_eq!(created.status, 201);
    assert!(created
        .request_id()
        .is_some_and(|id| id.starts_with("req-")));
    let document: Value = created.json().unwrap();
    assert_eq!(document["namespace"], name.as_str());
    assert!(namespace_names(&admin).contains(&name));

    let absolute = format!("{}/v2/metadefs/namespaces/{name}", glance_url());
    let read: Value = admin
        .request("GET", &absolute, &[], None)
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(read["display_name"], "raw request test");

    let deleted = admin
        .request(
            "DELETE",
            &format!("/v2/metadefs/namespaces/{name}"),
            &[],
            None,
        )
        .unwrap();
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    assert!(!namespace_names(&admin).contains(&name));

    let gone = admin
        .request("GET", &format!("/v2/metadefs/namespaces/{name}"), &[], None)
        .unwrap_err();
    assert!(matches!(gone, Error::NotFound(_)), "{gone:?}");
    assert!(gone.request_id().is_some(), "{gone:?}");
    assert!(gone.to_string().contains(&name), "Glance's message: {gone}");
}

#[test]
fn glance_refusing_a_member_is_the_forbidden_error_with_its_message() {
    let demo = client("DEMO");
    let body = json!({"namespace": unique("raw-ns-demo")}).to_string();
    let err = demo
        .request(
            "POST",
            "/v2/metadefs/namespaces",
            &[],
            Some(body.as_bytes()),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    assert_eq!(err.status(), Some(403));
    assert!(err.request_id().is_some(), "{err:?}");
}

#[test]
fn a_caller_content_type_is_sent_instead_of_json() {
    let demo = client("DEMO");
    let mut cleanup = Cleanup::new(&demo);
    let image = demo
        .create_image(&CreateImage {
            name: Some(unique("raw-patch")),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&image.id);
    let patch = json!([{"op": "replace", "path": "/name", "value": "renamed-by-raw"}]);
    let answer = demo
        .request(
            "PATCH",
            &format!("/v2/images/{}", image.id),
            &[(
                "Content-Type",
                "application/openstack-images-v2.1-json-patch",
            )],
            Some(patch.to_string().as_bytes()),
        )
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        demo.get_image(&image.id).unwrap().name.as_deref(),
        Some("renamed-by-raw")
    );
}

#[test]
fn another_host_never_gets_a_request() {
    let double = Double::start(|_, conn| conn.respond(200, &[], b"{}"));
    let demo = client("DEMO");
    let err = demo
        .request("GET", &format!("{}/v2/images", double.url()), &[], None)
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(double.requests().is_empty());
}

#[test]
fn a_revoked_token_is_renewed_for_a_raw_request() {
    let proxy = keystone_proxy();
    let u = user("DEMO");
    let client = Client::builder()
        .auth(AuthMethod::V3Password(V3Password {
            auth_url: format!("{}/v3", proxy.url()),
            user: UserRef::name(u.name),
            password: u.password.into(),
            scope: Scope::Project(ProjectRef::name(u.project)),
        }))
        .region("RegionTwo")
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    revoke(client.auth_token().unwrap().expose());
    let usage = client.request("GET", "/v2/info/usage", &[], None).unwrap();
    assert_eq!(usage.status, 200);
    assert_eq!(token_requests(&proxy), 2);
}

fn retrying(url: &str) -> Client {
    Client::builder()
        .endpoint(url)
        .token("fault-token")
        .proxy(ProxySetting::None)
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

#[test]
fn only_idempotent_methods_are_retried() {
    let double = Double::start(|_, conn| conn.respond(503, &[], b""));
    let client = retrying(&double.url());
    let err = client.request("GET", "/v2/cache", &[], None).unwrap_err();
    assert!(matches!(err, Error::ServiceUnavailable(_)), "{err:?}");
    assert_eq!(double.requests().len(), 3);
    let err = client
        .request("POST", "/v2/cache", &[], Some(b"{}"))
        .unwrap_err();
    assert!(matches!(err, Error::ServiceUnavailable(_)), "{err:?}");
    assert_eq!(double.requests().len(), 4, "POST was sent once");
}

#[test]
fn the_wire_log_sees_a_raw_request_with_its_secrets_masked() {
    let events: Arc<Mutex<Vec<WireEvent>>> = Arc::default();
    let sink = events.clone();
    let token = support::cloud::token(&user("DEMO"));
    let client = Client::builder()
        .endpoint(glance_url())
        .token(token.clone())
        .proxy(ProxySetting::None)
        .wire_log(move |e| sink.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    client
        .request("GET", "/v2/info/usage?auth_token=hush-hush", &[], None)
        .unwrap();
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    let line = events[0].to_string();
    assert!(line.contains("/v2/info/usage?auth_token=***"), "{line}");
    assert!(events[0].request_id.is_some(), "{line}");
    assert!(
        !line.contains("hush-hush") && !line.contains(&token),
        "{line}"
    );
}
