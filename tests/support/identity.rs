//! Keystone helpers for the identity tests, written with plain HTTP (no
//! library code): application credentials, token revocation, and a counting
//! proxy that shows how often the library goes to Keystone.

use std::sync::OnceLock;

use serde_json::json;

use super::cloud::{keystone_url, token, user, User};
use super::double::Double;

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .proxy(None)
            .http_status_as_error(false)
            .build()
            .new_agent()
    })
}

/// The Keystone user id of `ADMIN`, `DEMO`, `ALT` or `READER`.
pub fn user_id(which: &str) -> String {
    let name = format!("GLANCE_TEST_{which}_USER_ID");
    std::env::var(&name).unwrap_or_else(|_| panic!("{name} is not set: load the cloud's env.sh"))
}

/// An application credential of a user; deleted when dropped.
pub struct AppCredential {
    pub id: String,
    pub name: String,
    pub secret: String,
    user_id: String,
    owner: User,
}

impl AppCredential {
    /// Creates one for `which` through Keystone's API, as its owner.
    pub fn create(which: &str, name: &str) -> AppCredential {
        let owner = user(which);
        let user_id = user_id(which);
        let mut response = agent()
            .post(format!(
                "{}/users/{user_id}/application_credentials",
                keystone_url()
            ))
            .header("X-Auth-Token", token(&owner))
            .header("Content-Type", "application/json")
            .send(json!({"application_credential": {"name": name}}).to_string())
            .expect("Keystone answers");
        let status = response.status().as_u16();
        let body: serde_json::Value =
            serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).expect("JSON body");
        assert_eq!(status, 201, "creating an application credential: {body}");
        let credential = &body["application_credential"];
        AppCredential {
            id: credential["id"].as_str().unwrap().to_owned(),
            name: name.to_owned(),
            secret: credential["secret"].as_str().unwrap().to_owned(),
            user_id,
            owner,
        }
    }
}

impl Drop for AppCredential {
    fn drop(&mut self) {
        let _ = agent()
            .delete(format!(
                "{}/users/{}/application_credentials/{}",
                keystone_url(),
                self.user_id,
                self.id
            ))
            .header("X-Auth-Token", token(&self.owner))
            .call();
    }
}

/// Revokes a token in Keystone (`DELETE /v3/auth/tokens`), as its own holder.
pub fn revoke(token: &str) {
    let response = agent()
        .delete(format!("{}/auth/tokens", keystone_url()))
        .header("X-Auth-Token", token)
        .header("X-Subject-Token", token)
        .call()
        .expect("Keystone answers");
    assert_eq!(response.status().as_u16(), 204, "revoking a token");
}

/// The status Keystone gives when asked to validate `token`: 200 while it is
/// valid, 404 once revoked.
pub fn validation_status(token: &str, as_which: &str) -> u16 {
    agent()
        .get(format!("{}/auth/tokens", keystone_url()))
        .header("X-Auth-Token", super::cloud::token(&user(as_which)))
        .header("X-Subject-Token", token)
        .call()
        .expect("Keystone answers")
        .status()
        .as_u16()
}

/// A loopback proxy in front of the real Keystone: requests are forwarded
/// unchanged and recorded, so a test can count the token requests.
/// The client's `auth_url` is `<proxy.url()>/v3`.
pub fn keystone_proxy() -> Double {
    let upstream = keystone_url();
    let origin = upstream
        .strip_suffix("/v3")
        .expect("GLANCE_TEST_KEYSTONE_URL ends in /v3")
        .to_owned();
    Double::start(move |request, conn| {
        let url = format!("{origin}{}", request.target);
        let method: ureq::http::Method = request.method.parse().unwrap();
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        for name in ["content-type", "x-auth-token", "x-subject-token"] {
            if let Some(value) = request.header(name) {
                builder = builder.header(name, value);
            }
        }
        let mut response = agent()
            .run(builder.body(request.body.clone()).unwrap())
            .expect("Keystone answers the proxy");
        let status = response.status().as_u16();
        let mut headers = Vec::new();
        for name in [
            "content-type",
            "x-subject-token",
            "x-openstack-request-id",
            "date",
        ] {
            if let Some(value) = response.headers().get(name) {
                headers.push((name, value.to_str().unwrap().to_owned()));
            }
        }
        let body = response.body_mut().read_to_vec().unwrap_or_default();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        conn.respond(status, &headers, &body);
    })
}

/// How many token requests (`POST .../auth/tokens`) the proxy forwarded.
pub fn token_requests(proxy: &Double) -> usize {
    proxy
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path().ends_with("/auth/tokens"))
        .count()
}
