//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`, off
//! by default). Each one runs bytes a server could send through exactly the
//! code the client runs on them and checks what must hold whatever the input.
//! Not a supported API: it changes without notice.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::image::Image;
use crate::listing::ImagePage;
use crate::members::Member;
use crate::url::{resolve_link, Link};

/// Decodes as `Response::json` does; a decoded value must survive a round
/// trip through its JSON form unchanged (what `to_json` and the C ABI rely on).
fn decode<T>(bytes: &[u8]) -> Option<T>
where
    T: DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_slice(bytes).ok()?;
    let encoded = serde_json::to_vec(&value).expect("a decoded value encodes");
    let again: T = serde_json::from_slice(&encoded).expect("an encoded value decodes");
    assert_eq!(again, value, "round trip changed the value");
    Some(value)
}

/// An image record (`GET /v2/images/{id}`, create, update).
pub fn image(bytes: &[u8]) {
    if let Some(image) = decode::<Image>(bytes) {
        let _ = image.stores();
        for key in image.properties.keys() {
            let _ = image.property(key);
        }
    }
}

/// A listing page (`GET /v2/images`), then its `next` link resolved as the
/// iterator resolves it.
pub fn image_page(bytes: &[u8]) {
    let Ok(page) = serde_json::from_slice::<ImagePage>(bytes) else {
        return;
    };
    if let Some(next) = &page.next {
        for base in ["http://127.0.0.1:9292", "https://cloud.example/image"] {
            next_link_against(base, next);
        }
    }
}

/// A member record and a member list (`GET /v2/images/{id}/members`).
pub fn member(bytes: &[u8]) {
    #[derive(Deserialize)]
    struct MemberList {
        #[allow(dead_code)]
        members: Vec<Member>,
    }
    let _ = decode::<Member>(bytes);
    let _ = serde_json::from_slice::<MemberList>(bytes);
}

/// An error body of any status, as the message of the error a caller sees.
pub fn error_body(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let message = crate::error::message_from_body(&text);
    // Bounded: the cleaned message is at most 2 KiB and an ellipsis.
    assert!(message.len() <= 2048 + '…'.len_utf8(), "{}", message.len());
    // One line for a log: white space folded to single spaces.
    assert!(
        !message.contains("  ") && !message.chars().any(|c| c.is_whitespace() && c != ' '),
        "{message:?}"
    );
}

/// A `next` link (or any link a server returns) resolved against an endpoint:
/// the first line of the input is the endpoint, the rest the link.
pub fn next_link(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let (base, link) = text
        .split_once('\n')
        .unwrap_or(("http://127.0.0.1:9292", &text));
    next_link_against(base, link);
}

fn next_link_against(base: &str, link: &str) {
    let Ok((origin, _)) = crate::url::split_origin(base) else {
        return;
    };
    match resolve_link(base, link) {
        // What is requested with the token stays on the endpoint's origin.
        Ok(Link::SameOrigin(url)) => {
            let (url_origin, _) = crate::url::split_origin(&url).expect("a resolved link is a URL");
            assert!(
                url_origin.eq_ignore_ascii_case(origin),
                "{link:?} against {base:?} resolved to {url:?}, off {origin:?}"
            );
        }
        Ok(Link::OtherOrigin(_)) | Err(_) => {}
    }
}

/// A `Retry-After` header value: the delay is never negative and never
/// beyond what the policy allows.
pub fn retry_after(bytes: &[u8]) {
    let Ok(value) = ureq::http::HeaderValue::from_bytes(bytes) else {
        return;
    };
    let mut headers = ureq::http::HeaderMap::new();
    headers.insert("retry-after", value);
    let asked = crate::http::retry::retry_after(&headers, std::time::SystemTime::now());
    let policy = crate::http::RetryPolicy::default();
    let delay = crate::http::retry::delay(&policy, 1, asked);
    assert!(delay <= policy.max_backoff);
}

/// A URL as the wire log prints it: its authority carries no user
/// information but the mask.
pub fn wire_log_url(bytes: &[u8]) {
    let url = String::from_utf8_lossy(bytes);
    // The client only ever logs the http(s) URLs it requested.
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return;
    }
    let logged = crate::wire_log::loggable_url(&url);
    let rest = logged.split_once("://").map_or("", |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if let Some((userinfo, _)) = authority.rsplit_once('@') {
        assert_eq!(userinfo, "***", "{logged}");
    }
}

/// A Keystone v3 token answer (`POST /v3/auth/tokens`): body, times, catalog
/// and the endpoint lookups made in it.
pub fn keystone_v3_token(bytes: &[u8]) {
    crate::auth::keystone_v3::fuzz_token_body(bytes);
}

/// A Keystone v2.0 / Rackspace `access` answer, the same way.
pub fn keystone_v2_access(bytes: &[u8]) {
    crate::auth::keystone_v2::fuzz_access_body(bytes);
}

/// A task record (`GET /v2/tasks/{id}`): decodes and survives a round trip.
pub fn task(bytes: &[u8]) {
    let _ = decode::<crate::tasks::Task>(bytes);
}
