//! Keystone v3 token requests (`POST /v3/auth/tokens`): password,
//! application credential and token methods. The token comes in the
//! `X-Subject-Token` header; expiry, project, user and catalog in the body.

use serde::Deserialize;
use serde_json::{json, Value};
use ureq::http::Method;

use crate::auth::catalog::{Catalog, CatalogEndpoint, CatalogService};
use crate::auth::method::{
    ApplicationCredentialRef, DomainRef, ProjectRef, Scope, UserRef, V3ApplicationCredential,
    V3Password, V3Token,
};
use crate::auth::{identity_error, versioned_auth_url, TokenGrant};
use crate::error::Result;
use crate::http::{Call, Http, Payload};
use crate::secret::Secret;
use crate::time::{parse_http_date, parse_iso8601};

pub(crate) fn password(http: &Http, p: &V3Password) -> Result<TokenGrant> {
    let identity = json!({
        "methods": ["password"],
        "password": {"user": with_secret(user_json(&p.user), "password", &p.password)},
    });
    issue(http, &p.auth_url, identity, &p.scope, &p.password)
}

pub(crate) fn application_credential(
    http: &Http,
    a: &V3ApplicationCredential,
) -> Result<TokenGrant> {
    let credential = match &a.credential {
        ApplicationCredentialRef::Id(id) => json!({"id": id}),
        ApplicationCredentialRef::Name { name, user } => {
            json!({"name": name, "user": user_json(user)})
        }
    };
    let identity = json!({
        "methods": ["application_credential"],
        "application_credential": with_secret(credential, "secret", &a.secret),
    });
    // The credential fixes the scope; Keystone refuses any other.
    issue(http, &a.auth_url, identity, &Scope::Unscoped, &a.secret)
}

pub(crate) fn token(http: &Http, t: &V3Token) -> Result<TokenGrant> {
    let identity = json!({
        "methods": ["token"],
        "token": with_secret(json!({}), "id", &t.token),
    });
    issue(http, &t.auth_url, identity, &t.scope, &t.token)
}

fn with_secret(mut object: Value, key: &str, secret: &Secret) -> Value {
    object[key] = Value::String(secret.expose().to_owned());
    object
}

fn domain_json(domain: &DomainRef) -> Value {
    match domain {
        DomainRef::Id(id) => json!({"id": id}),
        DomainRef::Name(name) => json!({"name": name}),
    }
}

fn user_json(user: &UserRef) -> Value {
    match user {
        UserRef::Id(id) => json!({"id": id}),
        UserRef::Name { name, domain } => json!({"name": name, "domain": domain_json(domain)}),
    }
}

fn scope_json(scope: &Scope) -> Option<Value> {
    match scope {
        Scope::Unscoped => None,
        Scope::Project(ProjectRef::Id(id)) => Some(json!({"project": {"id": id}})),
        Scope::Project(ProjectRef::Name { name, domain }) => {
            Some(json!({"project": {"name": name, "domain": domain_json(domain)}}))
        }
        Scope::Domain(domain) => Some(json!({"domain": domain_json(domain)})),
    }
}

/// Asks for a token; `secret`, the credential the body carries, is masked in
/// every message about the request.
fn issue(
    http: &Http,
    auth_url: &str,
    identity: Value,
    scope: &Scope,
    secret: &Secret,
) -> Result<TokenGrant> {
    let mut auth = json!({"identity": identity});
    if let Some(scope) = scope_json(scope) {
        auth["scope"] = scope;
    }
    let url = format!("{}/auth/tokens", versioned_auth_url(auth_url, "v3")?);
    let call = Call::url(Method::POST, &url)
        .payload(Payload::json(&json!({"auth": auth}))?)
        .secret(secret);
    let response = http
        .send(&url, call)
        .map_err(|e| identity_error("Keystone", e))?;
    let token = response
        .header("x-subject-token")
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or_else(|| response.failure("Keystone sent no X-Subject-Token header".into()))?;
    let server_now = response.header("date").and_then(parse_http_date);
    let body: TokenBody = response.json()?;
    let info = body.token;
    Ok(TokenGrant {
        token,
        expires_at: info.expires_at.as_deref().and_then(parse_iso8601),
        issued_at: info.issued_at.as_deref().and_then(parse_iso8601),
        server_now,
        catalog: catalog(info.catalog),
        project_id: info.project.and_then(|p| p.id),
        user_id: info.user.and_then(|u| u.id),
        default_region: None,
    })
}

fn catalog(services: Vec<ServiceEntry>) -> Catalog {
    Catalog {
        services: services
            .into_iter()
            .map(|s| CatalogService {
                service_type: s.service_type,
                endpoints: s
                    .endpoints
                    .into_iter()
                    .filter_map(|e| {
                        Some(CatalogEndpoint {
                            // An interface this client does not know is skipped,
                            // not an error: it cannot be asked for anyway.
                            interface: e.interface.parse().ok()?,
                            region: e.region_id.or(e.region),
                            url: e.url,
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: TokenInfo,
}

#[derive(Deserialize)]
struct TokenInfo {
    expires_at: Option<String>,
    issued_at: Option<String>,
    #[serde(default)]
    catalog: Vec<ServiceEntry>,
    project: Option<Identified>,
    user: Option<Identified>,
}

#[derive(Deserialize)]
struct Identified {
    id: Option<String>,
}

#[derive(Deserialize)]
struct ServiceEntry {
    #[serde(rename = "type")]
    service_type: String,
    #[serde(default)]
    endpoints: Vec<EndpointEntry>,
}

#[derive(Deserialize)]
struct EndpointEntry {
    interface: String,
    region_id: Option<String>,
    region: Option<String>,
    url: String,
}

/// For the fuzz targets (feature `fuzzing`): a token answer's body decoded and
/// turned into its expiry, issue time and catalog, as `issue` does, then the
/// image endpoint looked up in it.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_token_body(bytes: &[u8]) {
    let Ok(body) = serde_json::from_slice::<TokenBody>(bytes) else {
        return;
    };
    let info = body.token;
    let _ = info.expires_at.as_deref().and_then(parse_iso8601);
    let _ = info.issued_at.as_deref().and_then(parse_iso8601);
    crate::auth::catalog::fuzz_lookups(&catalog(info.catalog));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_follow_the_identity_api() {
        let user = UserRef::Name {
            name: "demo".into(),
            domain: DomainRef::Name("Default".into()),
        };
        let body = with_secret(user_json(&user), "password", &Secret::new("pw"));
        assert_eq!(
            body,
            json!({"name": "demo", "domain": {"name": "Default"}, "password": "pw"})
        );
        assert_eq!(
            scope_json(&Scope::Project(ProjectRef::Id("p1".into()))),
            Some(json!({"project": {"id": "p1"}}))
        );
        assert_eq!(
            scope_json(&Scope::Project(ProjectRef::name("demo"))),
            Some(json!({"project": {"name": "demo", "domain": {"id": "default"}}}))
        );
        assert_eq!(
            scope_json(&Scope::Domain(DomainRef::Name("Default".into()))),
            Some(json!({"domain": {"name": "Default"}}))
        );
        assert_eq!(scope_json(&Scope::Unscoped), None);
    }

    #[test]
    fn catalog_keeps_known_interfaces_and_region_ids() {
        let services: Vec<ServiceEntry> = serde_json::from_value(json!([
            {"type": "image", "endpoints": [
                {"interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://a"},
                {"interface": "public", "region": "RegionTwo", "url": "http://b"},
                {"interface": "weird", "region_id": "RegionOne", "url": "http://c"}
            ]},
            {"type": "identity"}
        ]))
        .unwrap();
        let c = catalog(services);
        assert_eq!(c.services[0].endpoints.len(), 2);
        assert_eq!(
            c.services[0].endpoints[1].region.as_deref(),
            Some("RegionTwo")
        );
        assert!(c.services[1].endpoints.is_empty());
    }
}
