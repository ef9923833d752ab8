//! A busy cloud on the test double for the concurrency runs (Rust and C):
//! Keystone v3 and an image service that answers gets, two-page listings,
//! patches, creates and deletes, and stops accepting the first token after
//! a given number of requests, so that every thread meets a 401 at once.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::json;

use super::double::{Double, Recorded};

/// A Keystone v3 token answer whose catalog points the image service at `base`.
fn keystone_token(base: &str) -> serde_json::Value {
    json!({"token": {
        "expires_at": "2099-01-01T00:00:00.000000Z",
        "project": {"id": "p1"},
        "user": {"id": "u1"},
        "catalog": [{"type": "image", "endpoints": [
            {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": base}
        ]}]
    }})
}

/// The double and how many requests it rejected with the expired token.
pub struct Busy {
    pub double: Double,
    pub rejected: Arc<AtomicUsize>,
}

impl Busy {
    /// `POST /v3/auth/tokens` requests the double answered.
    pub fn token_requests(&self) -> usize {
        self.double
            .requests()
            .iter()
            .filter(|r: &&Recorded| r.path() == "/v3/auth/tokens")
            .count()
    }
}

/// Starts the double: `token-1` expires after `token_lifetime` image requests.
/// Listings have two pages (`p1`, `p2`, then `p3`) whatever their filters.
pub fn busy_double(token_lifetime: usize) -> Busy {
    let next_id = AtomicU64::new(0);
    let issued = AtomicUsize::new(0);
    let served = AtomicUsize::new(0);
    let rejected = Arc::new(AtomicUsize::new(0));
    let rejections = rejected.clone();
    let double = Double::start(move |request, conn| {
        let image = |id: &str, properties: serde_json::Value| {
            let mut body = json!({"id": id, "status": "queued", "visibility": "private"});
            body.as_object_mut()
                .unwrap()
                .extend(properties.as_object().unwrap().clone());
            body
        };
        if request.path() == "/v3/auth/tokens" {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            let base = format!("http://{}", request.header("host").unwrap());
            let token = format!("token-{n}");
            let body = keystone_token(&base).to_string();
            conn.respond(
                201,
                &[
                    ("X-Subject-Token", &token),
                    ("Content-Type", "application/json"),
                ],
                body.as_bytes(),
            );
            return;
        }
        // Halfway through, the first token expires under all 16 threads.
        if served.fetch_add(1, Ordering::SeqCst) >= token_lifetime
            && request.header("x-auth-token") == Some("token-1")
        {
            rejections.fetch_add(1, Ordering::SeqCst);
            conn.json(401, &json!({"message": "token expired"}));
            return;
        }
        let id = request.path().rsplit('/').next().unwrap_or("");
        match (request.method.as_str(), request.path()) {
            ("GET", "/v2/images") if request.target.contains("marker=") => {
                conn.json(200, &json!({"images": [image("p3", json!({}))]}))
            }
            ("GET", "/v2/images") => conn.json(
                200,
                &json!({
                    "images": [image("p1", json!({})), image("p2", json!({}))],
                    "next": format!("{}&marker=p2", request.target),
                }),
            ),
            ("GET", _) => conn.json(200, &image(id, json!({}))),
            ("PATCH", _) => {
                let patch: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
                conn.json(200, &image(id, json!({"counter": patch[0]["value"]})));
            }
            ("POST", "/v2/images") => {
                let n = next_id.fetch_add(1, Ordering::SeqCst);
                conn.json(201, &image(&format!("new-{n}"), json!({})));
            }
            ("DELETE", _) => conn.respond(204, &[], b""),
            _ => conn.respond(400, &[], b"unexpected"),
        }
    });
    Busy { double, rejected }
}
