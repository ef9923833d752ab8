//! The raw request: any method and path of the Images API (metadata
//! definitions, the cache API, the locations API, whatever the next Glance
//! release adds) through the client's authentication, retries and error
//! decoding, for the parts the library does not type.

use serde::de::DeserializeOwned;
use ureq::http::header::{HeaderName, HeaderValue};
use ureq::http::{HeaderMap, Method};

use crate::auth::Service;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::{Call, Payload, Target};
use crate::url::{resolve_link, Link};

/// Headers the client sets itself: a caller's value would either fight the
/// client's authentication or contradict the body it sends.
const CLIENT_HEADERS: [&str; 3] = ["x-auth-token", "content-length", "host"];

/// The answer to [`Client::request`]: a success status (2xx), its headers
/// and its whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiResponse {
    /// The HTTP status, 200 to 299.
    pub status: u16,
    /// The response headers in the order received, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (empty for 204 and HEAD).
    pub body: Vec<u8>,
    method: String,
    path: String,
}

impl ApiResponse {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `x-openstack-request-id` an operator needs to find the request.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-openstack-request-id")
    }

    /// The body decoded as JSON into `T` (`serde_json::Value` for any
    /// document); a body that does not fit is [`Error::InvalidResponse`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let excerpt: String = String::from_utf8_lossy(&self.body)
                .chars()
                .take(120)
                .collect();
            Error::invalid_response(
                &self.method,
                &self.path,
                format!("the body is not the expected JSON ({e}): {excerpt:?}"),
                self.request_id().map(str::to_owned),
            )
        })
    }
}

impl Client {
    /// Sends any request to the Images API and returns the answer.
    ///
    /// `path` is relative to the image endpoint (`/v2/metadefs/namespaces`,
    /// query included, sent as given) or an absolute URL on the endpoint's own
    /// scheme, host and port; any other URL is refused before a request, so
    /// the token never goes to another host. `headers` are added to the
    /// client's own (`X-Auth-Token`, `Content-Length` and `Host` are the
    /// client's and refused here). `body`, when given, is sent with the
    /// `Content-Type` from `headers`, `application/json` by default.
    ///
    /// The request goes through the client's authentication (token renewal,
    /// one re-authentication after a 401) and its retry policy, which retries
    /// only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS); the wire log
    /// sees it as any other call. A success's body is read whole (up to 64
    /// MiB: image data goes through [`Client::download_image`]).
    ///
    /// A status outside 2xx is the same typed error as for every other call
    /// (`Error::NotFound`, `Error::Conflict`, ...), carrying Glance's message
    /// and the request id; a redirect is refused as it would carry the token.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<ApiResponse> {
        let method = Method::from_bytes(method.as_bytes())
            .ok()
            .filter(|m| !method.is_empty() && m.as_str().bytes().all(|b| b.is_ascii_uppercase()))
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "'{method}' is not an HTTP method (upper-case letters, e.g. GET)"
                ))
            })?;
        let target = self.raw_target(path)?;
        let mut call = Call::new(method, Service::Image, String::new());
        call.target = target;
        call.caller_headers = caller_headers(headers)?;
        if let Some(body) = body {
            call = call.payload(Payload::Bytes {
                data: body.to_vec(),
                content_type: "application/json",
            });
        }
        let response = self.transport().read(call)?;
        let status = response.status;
        let (method, path) = response.method_and_path();
        let (method, path) = (method.to_owned(), path.to_owned());
        let headers = response
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut body).map_err(|e| {
            Error::invalid_response(&method, &path, format!("the body broke off: {e}"), None)
        })?;
        Ok(ApiResponse {
            status,
            headers,
            body,
            method,
            path,
        })
    }

    /// Where a raw request goes: below the image endpoint, or an absolute
    /// URL on its origin.
    fn raw_target(&self, path: &str) -> Result<Target> {
        if path.starts_with("http://") || path.starts_with("https://") {
            let endpoint = self.transport().endpoint(Service::Image)?;
            return match resolve_link(&endpoint, path)? {
                Link::SameOrigin(url) => Ok(Target::Link(Service::Image, url)),
                Link::OtherOrigin(url) => Err(Error::invalid_argument(format!(
                    "'{url}' is not on the image endpoint's scheme, host and port \
                     ({endpoint}): refused, so the token stays private"
                ))),
            };
        }
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(Error::invalid_argument(format!(
                "path '{path}' must start with one '/' (relative to the image \
                 endpoint, e.g. /v2/info/usage) or be an http(s) URL on the endpoint"
            )));
        }
        Ok(Target::Path(Service::Image, path.to_owned()))
    }
}

fn caller_headers(headers: &[(&str, &str)]) -> Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_argument(format!("'{name}' is not a header name")))?;
        if CLIENT_HEADERS.contains(&header.as_str()) {
            return Err(Error::invalid_argument(format!(
                "header '{name}' is set by the client and cannot be given"
            )));
        }
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::invalid_argument(format!(
                "the value of header '{name}' holds a character a header cannot carry"
            ))
        })?;
        map.append(header, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> Client {
        Client::builder()
            .endpoint("http://127.0.0.1:9/image")
            .token("offline-token")
            .build()
            .unwrap()
    }

    #[test]
    fn targets_stay_on_the_endpoint() {
        let client = offline();
        assert!(matches!(
            client.raw_target("/v2/info/usage").unwrap(),
            Target::Path(Service::Image, p) if p == "/v2/info/usage"
        ));
        assert!(matches!(
            client.raw_target("http://127.0.0.1:9/image/v2/x").unwrap(),
            Target::Link(Service::Image, _)
        ));
        for bad in [
            "http://127.0.0.2:9/v2/x",
            "https://127.0.0.1:9/v2/x",
            "http://127.0.0.1:10/v2/x",
            "//127.0.0.2/v2/x",
            "v2/images",
            "",
        ] {
            let err = client.raw_target(bad).err().unwrap();
            assert!(matches!(err, Error::InvalidArgument(_)), "{bad}: {err}");
        }
    }

    #[test]
    fn client_headers_and_bad_headers_are_refused() {
        for bad in [
            ("X-Auth-Token", "t"),
            ("content-length", "3"),
            ("Host", "h"),
            ("bad name", "v"),
            ("X-Ok", "line\nbreak"),
        ] {
            assert!(caller_headers(&[bad]).is_err(), "{bad:?}");
        }
        let map = caller_headers(&[("Content-Type", "application/x"), ("X-A", "1")]).unwrap();
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn bad_methods_fail_before_a_request() {
        let client = offline();
        for bad in ["", "get", "GE T", "G\u{e9}T"] {
            let err = client.request(bad, "/v2/x", &[], None).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{bad:?}: {err}");
        }
    }
}
