//! Settings of the local cloud that `scripts/local-cloud start` runs, read from
//! the environment its `env.sh` exports. A test that needs the cloud fails
//! loudly when those variables are missing: it never passes by skipping.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use glance_client::Client;

/// One of the cloud's test users.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub password: String,
    pub project: String,
    pub project_id: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: start the local cloud and load its settings first:\n  \
             scripts/local-cloud start && . \"$(scripts/local-cloud env)\""
        )
    })
}

/// `ADMIN`, `DEMO`, `ALT` or `READER`.
pub fn user(which: &str) -> User {
    User {
        name: var(&format!("GLANCE_TEST_{which}_USER")),
        password: var(&format!("GLANCE_TEST_{which}_PASSWORD")),
        project: var(&format!("GLANCE_TEST_{which}_PROJECT")),
        project_id: var(&format!("GLANCE_TEST_{which}_PROJECT_ID")),
    }
}

pub fn keystone_url() -> String {
    var("GLANCE_TEST_KEYSTONE_URL")
}

pub fn glance_url() -> String {
    var("GLANCE_TEST_GLANCE_URL")
}

pub fn glance2_url() -> String {
    var("GLANCE_TEST_GLANCE2_URL")
}

/// A project-scoped token straight from Keystone (no library code involved,
/// so the images tests do not depend on the identity code).
pub fn token(user: &User) -> String {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    let agent = AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .proxy(None)
            .build()
            .new_agent()
    });
    let body = serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user.name, "domain": {"id": "default"}, "password": user.password}}},
        "scope": {"project": {"name": user.project, "domain": {"id": "default"}}}}});
    let response = agent
        .post(format!("{}/auth/tokens", keystone_url()))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .expect("Keystone answers");
    response
        .headers()
        .get("x-subject-token")
        .expect("Keystone returns X-Subject-Token")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A client for `which` on the RegionOne Glance, built from endpoint + token.
pub fn client(which: &str) -> Client {
    Client::builder()
        .endpoint(glance_url())
        .token(token(&user(which)))
        .proxy(glance_client::config::ProxySetting::None)
        .build()
        .expect("client builds")
}

/// A client for `which` that signs in to Keystone with its password and
/// finds its endpoints (image, object-store) in the catalog of `region`.
pub fn catalog_client(which: &str, region: &str) -> Client {
    let u = user(which);
    Client::builder()
        .password(keystone_url(), u.name, u.password, u.project)
        .region(region)
        .proxy(glance_client::config::ProxySetting::None)
        .build()
        .expect("client builds")
}

/// A name no other test run uses, so tests can run in parallel and again.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Deletes the images it holds when dropped, so a failing test leaves no litter.
pub struct Cleanup<'a> {
    client: &'a Client,
    ids: Vec<String>,
}

impl<'a> Cleanup<'a> {
    pub fn new(client: &'a Client) -> Self {
        Cleanup {
            client,
            ids: Vec::new(),
        }
    }

    pub fn add(&mut self, id: &str) {
        self.ids.push(id.to_owned());
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for id in &self.ids {
            let _ = self.client.delete_image(id);
        }
    }
}

/// Uploads bytes with a plain HTTP call (no library code), to give a test an
/// active image without depending on the image-data module.
pub fn upload_without_library(which: &str, image_id: &str, data: &[u8]) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .build()
        .new_agent();
    let response = agent
        .put(format!("{}/v2/images/{image_id}/file", glance_url()))
        .header("X-Auth-Token", token(&user(which)))
        .header("Content-Type", "application/octet-stream")
        .send(data)
        .expect("upload answers");
    assert_eq!(response.status().as_u16(), 204, "upload of {image_id}");
}
