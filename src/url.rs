//! Percent-encoding of path segments and query values, and resolution of the
//! links Glance returns (`next`, `first`, `Location`) against the endpoint.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::error::{Error, Result};

/// Everything but RFC 3986 unreserved characters is encoded: safe both in a
/// path segment (a `/` in an id or tag must not split the path) and in a query
/// value (`&`, `=`, `+` and `%` must reach the server as data).
const STRICT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'!')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Encodes one path segment or query component.
pub(crate) fn encode(value: &str) -> String {
    utf8_percent_encode(value, STRICT).to_string()
}

/// `.` and `..` are path segments of their own: a front end that normalises
/// paths (Apache, most load balancers) would turn `/v2/images/img/members/..`
/// into `/v2/images/img`, another resource. They never go into a path.
pub(crate) fn is_dot_segment(segment: &str) -> bool {
    segment == "." || segment == ".."
}

/// A query string under construction, with every key and value encoded.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query(String);

impl Query {
    pub(crate) fn push(&mut self, key: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(&encode(key));
        self.0.push('=');
        self.0.push_str(&encode(value));
    }

    /// `path?query`, or `path` when the query is empty.
    pub(crate) fn append_to(&self, path: &str) -> String {
        if self.0.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", self.0)
        }
    }
}

/// Splits `scheme://authority/path` into (`scheme://authority`, `/path`), the
/// path without a trailing slash.
pub(crate) fn split_origin(url: &str) -> Result<(&str, &str)> {
    let after_scheme = url
        .find("://")
        .map(|i| i + 3)
        .filter(|_| url.starts_with("http://") || url.starts_with("https://"))
        .ok_or_else(|| {
            Error::invalid_argument(format!("'{url}' is not an http:// or https:// URL"))
        })?;
    let path_start = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    if path_start == after_scheme {
        return Err(Error::invalid_argument(format!("'{url}' has no host")));
    }
    let path = url[path_start..].split(['?', '#']).next().unwrap_or("");
    Ok((&url[..path_start], path.trim_end_matches('/')))
}

/// Where a link returned by the service points.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Link {
    /// On the endpoint's own origin: the full URL to request.
    SameOrigin(String),
    /// On another scheme, host or port: never sent the token.
    OtherOrigin(String),
}

/// Resolves a link against an endpoint base (`scheme://host[:port][/prefix]`,
/// without the `/v2` suffix).
///
/// Glance writes `next` as `/v2/images?...` without knowing about a path prefix
/// a proxy adds in front of it (`https://cloud/image/v2/...`), so a relative link
/// that does not already carry the prefix gets it. Links are never re-encoded.
pub(crate) fn resolve_link(base: &str, link: &str) -> Result<Link> {
    let (origin, prefix) = split_origin(base)?;
    if link.starts_with("http://") || link.starts_with("https://") {
        let (link_origin, _) = split_origin(link)?;
        return Ok(if link_origin.eq_ignore_ascii_case(origin) {
            Link::SameOrigin(link.to_owned())
        } else {
            Link::OtherOrigin(link.to_owned())
        });
    }
    if link.starts_with("//") {
        return Ok(Link::OtherOrigin(link.to_owned()));
    }
    if let Some(absolute_path) = link.strip_prefix('/') {
        let path = format!("/{absolute_path}");
        if prefix.is_empty() || path.starts_with(&format!("{prefix}/")) {
            return Ok(Link::SameOrigin(format!("{origin}{path}")));
        }
        return Ok(Link::SameOrigin(format!("{origin}{prefix}{path}")));
    }
    Err(Error::invalid_argument(format!(
        "link '{link}' is neither absolute nor rooted"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(encode("a b&c/d%e+f"), "a%20b%26c%2Fd%25e%2Bf");
        assert_eq!(encode("café"), "caf%C3%A9");
        assert_eq!(encode("A-z_0.9~"), "A-z_0.9~");
    }

    #[test]
    fn query_builds_in_order() {
        let mut q = Query::default();
        q.push("name", "a&b");
        q.push("tag", "x y");
        assert_eq!(q.append_to("/v2/images"), "/v2/images?name=a%26b&tag=x%20y");
        assert_eq!(Query::default().append_to("/v2/images"), "/v2/images");
    }

    #[test]
    fn next_link_resolves_against_origin() {
        let base = "http://127.0.0.1:9292";
        assert_eq!(
            resolve_link(base, "/v2/images?limit=2&marker=x").unwrap(),
            Link::SameOrigin("http://127.0.0.1:9292/v2/images?limit=2&marker=x".into())
        );
    }

    #[test]
    fn next_link_keeps_proxy_prefix() {
        let base = "https://cloud.example/image";
        assert_eq!(
            resolve_link(base, "/v2/images?marker=x").unwrap(),
            Link::SameOrigin("https://cloud.example/image/v2/images?marker=x".into())
        );
        assert_eq!(
            resolve_link(base, "/image/v2/images?marker=x").unwrap(),
            Link::SameOrigin("https://cloud.example/image/v2/images?marker=x".into())
        );
    }

    #[test]
    fn other_hosts_are_flagged() {
        let base = "http://127.0.0.1:9292";
        assert!(matches!(
            resolve_link(base, "http://127.0.0.2:9292/v2/images").unwrap(),
            Link::OtherOrigin(_)
        ));
        assert!(matches!(
            resolve_link(base, "//evil/v2/images").unwrap(),
            Link::OtherOrigin(_)
        ));
        assert!(resolve_link(base, "v2/images").is_err());
    }

    #[test]
    fn origin_split() {
        assert_eq!(
            split_origin("http://h:1/v2/").unwrap(),
            ("http://h:1", "/v2")
        );
        assert_eq!(split_origin("https://h").unwrap(), ("https://h", ""));
        assert!(split_origin("ftp://h").is_err());
        assert!(split_origin("http://").is_err());
    }
}
