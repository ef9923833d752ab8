//! Identity behaviour no open-source server can show, against the test
//! double: Rackspace's v2.0 API-key flow (shapes from pyrax), token renewal
//! driven by expiry, sixteen threads meeting one 401, a second 401, links to
//! other hosts, and redaction in every type that holds a secret.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use glance_client::{
    auth::{
        ApplicationCredentialRef, AuthMethod, ProjectRef, RackspaceApiKey, Scope, Service,
        TenantRef, UserRef, V2Password, V3ApplicationCredential, V3Password, V3Token,
    },
    config::ProxySetting,
    Client, Error, ListOptions,
};
use serde_json::{json, Value};
use support::double::{Conn, Double, Recorded};

const API_KEY: &str = "rax-api-key-0123456789";
const PASSWORD: &str = "pw-5b1e0c-very-secret";

fn image_page(ids: &[&str]) -> Value {
    json!({"images": ids.iter().map(|id| json!({"id": id, "status": "active",
        "visibility": "private", "tags": []})).collect::<Vec<_>>(), "schema": "/v2/schemas/images"})
}

fn count(double: &Double, pred: impl Fn(&Recorded) -> bool) -> usize {
    double.requests().iter().filter(|r| pred(r)).count()
}

fn is_token_request(r: &Recorded) -> bool {
    r.method == "POST" && (r.path().ends_with("/tokens") || r.path().ends_with("/auth/tokens"))
}

/// A Rackspace `POST /v2.0/tokens` answer as pyrax parses it (spec section 4.3),
/// with Cloud Images in two regions and Cloud Files without a region.
fn rackspace_access(base: &str, token: &str) -> Value {
    json!({"access": {
        "token": {
            "id": token,
            "expires": "2031-01-01T00:00:00.000-06:00",
            "tenant": {"id": 123456, "name": "123456"},
            "RAX-AUTH:authenticatedBy": ["APIKEY"]
        },
        "serviceCatalog": [
            {"name": "cloudImages", "type": "image", "endpoints": [
                {"region": "IAD", "tenantId": "123456", "publicURL": format!("{base}/iad/v2/")},
                {"region": "DFW", "tenantId": "123456", "publicURL": format!("{base}/dfw"),
                 "internalURL": format!("{base}/dfw-snet/v2")}
            ]},
            {"name": "cloudFiles", "type": "object-store", "endpoints": [
                {"tenantId": "MossoCloudFS_x", "publicURL": format!("{base}/files/v1/MossoCloudFS_x"),
                 "internalURL": format!("{base}/snet/v1/MossoCloudFS_x")}
            ]}
        ],
        "user": {"id": "u-1", "name": "rackuser", "RAX-AUTH:defaultRegion": "DFW",
                 "roles": [{"name": "identity:default"}]}
    }})
}

fn rackspace_double() -> Double {
    Double::start(|request, conn| {
        let base = format!("http://{}", request.header("host").expect("a Host header"));
        match request.path() {
            "/v2.0/tokens" => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let creds = &body["auth"]["RAX-KSKEY:apiKeyCredentials"];
                let password = &body["auth"]["passwordCredentials"];
                if creds["apiKey"] == API_KEY || password["password"] == PASSWORD {
                    conn.json(200, &rackspace_access(&base, "rax-token-1"));
                } else {
                    conn.json(
                        401,
                        &json!({"unauthorized": {"code": 401,
                            "message": "Username or api key is invalid."}}),
                    );
                }
            }
            path if path.ends_with("/v2/images") => {
                let region = path.trim_start_matches('/').split('/').next().unwrap();
                conn.json(200, &image_page(&[region]));
            }
            _ => conn.json(404, &json!({"message": "no route"})),
        }
    })
}

fn rackspace_client(double: &Double, region: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .auth(AuthMethod::rackspace_api_key(
            format!("{}/v2.0/", double.url()),
            "rackuser",
            API_KEY,
        ))
        .proxy(ProxySetting::None);
    if let Some(region) = region {
        builder = builder.region(region);
    }
    builder.build().unwrap()
}

#[test]
fn rackspace_api_key_sends_pyrax_body_and_uses_the_default_region() {
    let double = rackspace_double();
    let client = rackspace_client(&double, None);
    let page = client.list_images(&ListOptions::default()).unwrap();
    assert_eq!(page.images[0].id, "dfw", "RAX-AUTH:defaultRegion picks DFW");

    let requests = double.requests();
    let auth = &requests[0];
    assert_eq!(auth.method, "POST");
    assert_eq!(auth.target, "/v2.0/tokens");
    assert_eq!(auth.header("content-type"), Some("application/json"));
    assert_eq!(auth.header("accept"), Some("application/json"));
    assert_eq!(auth.header("x-auth-token"), None);
    let body: Value = serde_json::from_slice(&auth.body).unwrap();
    assert_eq!(
        body,
        json!({"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "rackuser", "apiKey": API_KEY}}})
    );
    // The catalog URL had no version: /v2 is added once.
    assert_eq!(requests[1].target, "/dfw/v2/images");
    assert_eq!(requests[1].header("x-auth-token"), Some("rax-token-1"));
    assert_eq!(client.project_id().unwrap().as_deref(), Some("123456"));
    assert_eq!(client.user_id().unwrap().as_deref(), Some("u-1"));
    // Cloud Files has no region: it serves every region.
    assert_eq!(
        client.endpoint_url(Service::ObjectStore).unwrap(),
        format!("{}/files/v1/MossoCloudFS_x", double.url())
    );
    assert_eq!(count(&double, is_token_request), 1);
}

#[test]
fn rackspace_region_is_matched_without_case_and_missing_ones_are_listed() {
    let double = rackspace_double();
    let iad = rackspace_client(&double, Some("iad"));
    assert_eq!(
        iad.list_images(&ListOptions::default()).unwrap().images[0].id,
        "iad"
    );
    // The catalog URL ended in /v2/: still one /v2.
    assert!(double
        .requests()
        .iter()
        .any(|r| r.target == "/iad/v2/images"));

    let internal = Client::builder()
        .auth(AuthMethod::rackspace_api_key(
            double.url(),
            "rackuser",
            API_KEY,
        ))
        .interface(glance_client::auth::Interface::Internal)
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    assert_eq!(
        internal.endpoint_url(Service::Image).unwrap(),
        format!("{}/dfw-snet", double.url())
    );

    let error = rackspace_client(&double, Some("SYD"))
        .list_images(&ListOptions::default())
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        text.contains("region 'SYD'")
            && text.contains("IAD public")
            && text.contains("DFW internal"),
        "{text}"
    );
}

#[test]
fn keystone_v2_password_with_a_tenant() {
    let double = rackspace_double();
    let client = Client::builder()
        .auth(AuthMethod::V2Password(V2Password {
            auth_url: double.url(),
            username: "rackuser".into(),
            password: PASSWORD.into(),
            tenant: Some(TenantRef::Name("123456".into())),
        }))
        .region("IAD")
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    assert_eq!(
        client.list_images(&ListOptions::default()).unwrap().images[0].id,
        "iad"
    );
    let body: Value = serde_json::from_slice(&double.requests()[0].body).unwrap();
    assert_eq!(
        body,
        json!({"auth": {"passwordCredentials": {"username": "rackuser", "password": PASSWORD},
                        "tenantName": "123456"}})
    );
}

#[test]
fn a_bad_api_key_is_a_401_from_rackspace_identity_tried_once() {
    let double = rackspace_double();
    let client = Client::builder()
        .auth(AuthMethod::rackspace_api_key(
            double.url(),
            "rackuser",
            "wrong-key-000",
        ))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    let error = client.list_images(&ListOptions::default()).unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains(
            "Rackspace Identity rejected the credentials: Username or api key is invalid."
        ),
        "{text}"
    );
    assert!(!text.contains("wrong-key-000") && !format!("{error:?}").contains("wrong-key-000"));
    // Unlike pyrax, no second try with the key as a password.
    assert_eq!(double.requests().len(), 1);
}

/// A Keystone v3 + Glance double. `issue(n)` answers the n-th token request
/// (0-based) with (token, `Date` header, issued_at, expires_at); `glance`
/// answers image calls.
fn v3_double(
    issue: impl Fn(usize) -> (String, &'static str, &'static str, &'static str) + Send + Sync + 'static,
    glance: impl Fn(&Recorded, &mut Conn) + Send + Sync + 'static,
) -> Double {
    let issued = AtomicUsize::new(0);
    Double::start(move |request, conn| {
        if request.method == "POST" && request.path() == "/v3/auth/tokens" {
            let (token, date, issued_at, expires_at) = issue(issued.fetch_add(1, Ordering::SeqCst));
            let base = format!("http://{}", request.header("host").unwrap());
            let body = json!({"token": {
                "issued_at": issued_at, "expires_at": expires_at, "methods": ["password"],
                "user": {"id": "user-1", "name": "demo", "domain": {"id": "default"}},
                "project": {"id": "project-1", "name": "demo", "domain": {"id": "default"}},
                "catalog": [{"type": "image", "name": "glance", "endpoints": [
                    {"interface": "public", "region_id": "RegionOne", "region": "RegionOne",
                     "url": base}]}]}})
            .to_string();
            conn.respond(
                201,
                &[
                    ("Content-Type", "application/json"),
                    ("X-Subject-Token", &token),
                    ("Date", date),
                ],
                body.as_bytes(),
            );
        } else {
            glance(request, conn);
        }
    })
}

fn v3_client(double: &Double) -> Client {
    Client::builder()
        .auth(AuthMethod::password(
            format!("{}/v3", double.url()),
            "demo",
            PASSWORD,
            "demo",
        ))
        .proxy(ProxySetting::None)
        .build()
        .unwrap()
}

fn tokens_sent(double: &Double) -> Vec<String> {
    double
        .requests()
        .iter()
        .filter(|r| r.path() == "/v2/images")
        .map(|r| r.header("x-auth-token").unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_token_close_to_expiry_is_renewed_before_use() {
    // Keystone's clock says 2024-01-01T00:00:00Z whatever the local clock says.
    // The first token was issued an hour earlier and has a minute left, less
    // than the two-minute margin; the second has an hour.
    let double = v3_double(
        |n| match n {
            0 => (
                "token-old".into(),
                "Mon, 01 Jan 2024 00:00:00 GMT",
                "2023-12-31T23:01:00.000000Z",
                "2024-01-01T00:01:00.000000Z",
            ),
            _ => (
                format!("token-{n}"),
                "Mon, 01 Jan 2024 00:00:00 GMT",
                "2024-01-01T00:00:00.000000Z",
                "2024-01-01T01:00:00.000000Z",
            ),
        },
        |_, conn| conn.json(200, &image_page(&["a"])),
    );
    let client = v3_client(&double);
    for _ in 0..4 {
        client.list_images(&ListOptions::default()).unwrap();
    }
    assert_eq!(
        tokens_sent(&double),
        ["token-old", "token-1", "token-1", "token-1"]
    );
    assert_eq!(count(&double, is_token_request), 2);
}

#[test]
fn sixteen_threads_meeting_a_401_reauthenticate_once() {
    const THREADS: usize = 16;
    // Token 0 works once (the warm-up), then is refused: every thread then
    // holds it, and the double answers none of them until all sixteen have
    // arrived, so they all meet the 401 together.
    let waiting = Arc::new((Mutex::new(0usize), Condvar::new()));
    let warmed_up = Arc::new(AtomicUsize::new(0));
    let double = {
        let waiting = waiting.clone();
        v3_double(
            |n| {
                (
                    format!("token-{n}"),
                    "Mon, 01 Jan 2024 00:00:00 GMT",
                    "2024-01-01T00:00:00.000000Z",
                    "2024-01-01T01:00:00.000000Z",
                )
            },
            move |request, conn| {
                if request.header("x-auth-token") != Some("token-0") {
                    return conn.json(200, &image_page(&["fresh"]));
                }
                if warmed_up.fetch_add(1, Ordering::SeqCst) == 0 {
                    return conn.json(200, &image_page(&["warm"]));
                }
                let (arrived, all_here) = &*waiting;
                let mut arrived = arrived.lock().unwrap();
                *arrived += 1;
                all_here.notify_all();
                // A safety net so a broken client fails the test, not hangs it.
                let _ = all_here
                    .wait_timeout_while(arrived, Duration::from_secs(20), |n| *n < THREADS)
                    .unwrap();
                conn.json(
                    401,
                    &json!({"error": {"code": 401, "message": "token revoked"}}),
                );
            },
        )
    };
    let client = v3_client(&double);
    assert_eq!(
        client.list_images(&ListOptions::default()).unwrap().images[0].id,
        "warm"
    );
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.list_images(&ListOptions::default()))
        })
        .collect();
    for thread in threads {
        let page = thread
            .join()
            .unwrap()
            .expect("the call succeeds after one renewal");
        assert_eq!(page.images[0].id, "fresh");
    }
    assert_eq!(
        *waiting.0.lock().unwrap(),
        THREADS,
        "all threads met the 401"
    );
    assert_eq!(
        count(&double, is_token_request),
        2,
        "one initial, one renewal"
    );
    let sent = tokens_sent(&double);
    assert_eq!(sent.iter().filter(|t| *t == "token-1").count(), THREADS);
}

#[test]
fn a_second_401_is_an_error_not_a_loop() {
    let double = v3_double(
        |n| {
            (
                format!("token-{n}"),
                "Mon, 01 Jan 2024 00:00:00 GMT",
                "2024-01-01T00:00:00.000000Z",
                "2024-01-01T01:00:00.000000Z",
            )
        },
        |_, conn| {
            conn.json(
                401,
                &json!({"error": {"code": 401, "message": "The request you have made requires authentication."}}),
            )
        },
    );
    let client = v3_client(&double);
    let error = client.list_images(&ListOptions::default()).unwrap_err();
    let Error::Unauthorized(http) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(http.path, "/v2/images");
    assert_eq!(tokens_sent(&double), ["token-0", "token-1"]);
    assert_eq!(count(&double, is_token_request), 2);
}

#[test]
fn a_next_link_to_another_host_never_gets_the_token() {
    let elsewhere = Double::start(|_, conn| conn.json(200, &image_page(&[])));
    let next = format!("{}/v2/images?marker=a", elsewhere.url());
    let double = v3_double(
        |n| {
            (
                format!("token-{n}"),
                "Mon, 01 Jan 2024 00:00:00 GMT",
                "2024-01-01T00:00:00.000000Z",
                "2024-01-01T01:00:00.000000Z",
            )
        },
        move |_, conn| {
            let mut page = image_page(&["a"]);
            page["next"] = json!(next);
            conn.json(200, &page)
        },
    );
    let client = v3_client(&double);
    let results: Vec<_> = client.images(&ListOptions::default()).collect();
    assert_eq!(results[0].as_ref().unwrap().id, "a");
    let error = results.last().unwrap().as_ref().unwrap_err();
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
    assert!(error.to_string().contains("another host"), "{error}");
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
}

#[test]
fn no_type_holding_a_secret_shows_it() {
    let secrets = [PASSWORD, API_KEY, "app-cred-secret-77", "token-abc-123456"];
    let methods = [
        AuthMethod::Token(secrets[3].into()),
        AuthMethod::password("http://k/v3", "demo", PASSWORD, "demo"),
        AuthMethod::V3Password(V3Password {
            auth_url: "http://k/v3".into(),
            user: UserRef::Id("u".into()),
            password: PASSWORD.into(),
            scope: Scope::Project(ProjectRef::Id("p".into())),
        }),
        AuthMethod::V3ApplicationCredential(V3ApplicationCredential {
            auth_url: "http://k/v3".into(),
            credential: ApplicationCredentialRef::Id("a".into()),
            secret: secrets[2].into(),
        }),
        AuthMethod::V3Token(V3Token {
            auth_url: "http://k/v3".into(),
            token: secrets[3].into(),
            scope: Scope::Unscoped,
        }),
        AuthMethod::V2Password(V2Password {
            auth_url: "http://k/v2.0".into(),
            username: "u".into(),
            password: PASSWORD.into(),
            tenant: None,
        }),
        AuthMethod::RackspaceApiKey(RackspaceApiKey {
            auth_url: RackspaceApiKey::US_AUTH_URL.into(),
            username: "u".into(),
            api_key: API_KEY.into(),
        }),
    ];
    let mut texts = Vec::new();
    for method in &methods {
        texts.push(format!("{method:?} {method:#?}"));
        match method {
            AuthMethod::V3Password(p) => texts.push(format!("{p:?}")),
            AuthMethod::V3ApplicationCredential(a) => texts.push(format!("{a:?}")),
            AuthMethod::V3Token(t) => texts.push(format!("{t:?}")),
            AuthMethod::V2Password(p) => texts.push(format!("{p:?}")),
            AuthMethod::RackspaceApiKey(k) => texts.push(format!("{k:?}")),
            _ => {}
        }
        let builder = Client::builder()
            .auth(method.clone())
            .endpoint("http://127.0.0.1:9")
            .proxy(ProxySetting::None);
        texts.push(format!("{builder:?} {builder:#?}"));
        let client = builder.build().unwrap();
        texts.push(format!("{client:?}"));
    }
    // And the errors of a failed authentication.
    let double = rackspace_double();
    let client = Client::builder()
        .auth(AuthMethod::rackspace_api_key(
            double.url(),
            "u",
            "wrong-key-000",
        ))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    let error = client.list_images(&ListOptions::default()).unwrap_err();
    texts.push(format!("{error} {error:?}"));
    for text in &texts {
        for secret in secrets.iter().chain(&["wrong-key-000"]) {
            assert!(!text.contains(secret), "{secret} shows in {text}");
        }
    }
    assert!(texts.iter().all(|t| !t.is_empty()));
}

#[test]
fn credentials_are_checked_before_any_request() {
    let cases = [
        AuthMethod::password("http://k/v3", "", PASSWORD, "demo"),
        AuthMethod::password("http://k/v3", "demo", "", "demo"),
        AuthMethod::password("k:5000", "demo", PASSWORD, "demo"),
        AuthMethod::password("http://k/v2.0", "demo", PASSWORD, "demo"),
        AuthMethod::rackspace_api_key(RackspaceApiKey::US_AUTH_URL, "u", ""),
        AuthMethod::V3ApplicationCredential(V3ApplicationCredential {
            auth_url: "http://k/v3".into(),
            credential: ApplicationCredentialRef::Name {
                name: "c".into(),
                user: UserRef::Id("".into()),
            },
            secret: "s".into(),
        }),
    ];
    for method in cases {
        let shown = format!("{method:?}");
        let result = Client::builder().auth(method).build();
        assert!(
            matches!(result, Err(Error::InvalidArgument(_))),
            "{shown}: {result:?}"
        );
    }
    assert!(matches!(
        Client::builder().token("t").build(),
        Err(Error::Config(_))
    ));
}

/// Issue 13, item 4: a wire-log callback that calls the client while the
/// client authenticates (its thread holding the session lock) deadlocked.
/// The authentication's events now arrive once the lock is released.
#[test]
fn a_wire_log_callback_may_call_the_client_during_authentication() {
    let double = v3_double(
        |n| {
            (
                format!("token-{n}"),
                "Mon, 01 Jan 2024 00:00:00 GMT",
                "2024-01-01T00:00:00.000000Z",
                "2024-01-01T01:00:00.000000Z",
            )
        },
        |_, conn| conn.json(200, &image_page(&["a"])),
    );
    let shared: Arc<std::sync::OnceLock<Client>> = Arc::new(std::sync::OnceLock::new());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (inner, log) = (shared.clone(), seen.clone());
    let client = Client::builder()
        .auth(AuthMethod::password(
            format!("{}/v3", double.url()),
            "demo",
            PASSWORD,
            "demo",
        ))
        .proxy(ProxySetting::None)
        .wire_log(move |event| {
            let project = inner
                .get()
                .map(|c| c.project_id().map_err(|e| e.to_string()));
            log.lock().unwrap().push((event.url.clone(), project));
        })
        .build()
        .unwrap();
    shared.set(client.clone()).ok().unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(client.list_images(&ListOptions::default()).map(drop)));
    finished
        .recv_timeout(Duration::from_secs(20))
        .expect("the call finishes: no deadlock")
        .unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen[0].0.ends_with("/v3/auth/tokens"), "{seen:?}");
    for (_, project) in seen.iter() {
        assert_eq!(project, &Some(Ok(Some("project-1".to_owned()))), "{seen:?}");
    }
    assert_eq!(count(&double, is_token_request), 1);
}

/// Issue 13, item 18: Keystone issuing a token that is already expired cost
/// four authentications for one download (a renewal before the transfer, one
/// before the request, one after its 401). One call now authenticates once.
#[test]
fn a_token_issued_already_expired_costs_one_authentication_per_call() {
    let double = v3_double(
        |n| {
            (
                format!("token-{n}"),
                "Mon, 01 Jan 2024 00:00:00 GMT",
                "2023-12-31T22:00:00.000000Z",
                "2023-12-31T23:00:00.000000Z",
            )
        },
        |_, conn| {
            conn.json(
                401,
                &json!({"error": {"code": 401, "message": "The token has expired."}}),
            )
        },
    );
    let client = v3_client(&double);
    let mut sink = Vec::new();
    let err = client
        .download_image(
            "img",
            &mut sink,
            glance_client::image_data::DownloadOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(count(&double, is_token_request), 1);
    let err = client.list_images(&ListOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(
        count(&double, is_token_request),
        1,
        "not asked again at once"
    );
}
