//! Keystone v2.0 token requests (`POST /v2.0/tokens`): password credentials
//! with a tenant, and Rackspace Cloud Identity's API key credentials
//! (`RAX-KSKEY:apiKeyCredentials`), as pyrax sends them.

use serde::Deserialize;
use serde_json::{json, Value};
use ureq::http::Method;

use crate::auth::catalog::{Catalog, CatalogEndpoint, CatalogService};
use crate::auth::method::{RackspaceApiKey, TenantRef, V2Password};
use crate::auth::{identity_error, versioned_auth_url, Interface, TokenGrant};
use crate::error::Result;
use crate::http::{Call, Http, Payload};
use crate::secret::Secret;
use crate::time::{parse_http_date, parse_iso8601};

pub(crate) fn password(http: &Http, p: &V2Password) -> Result<TokenGrant> {
    let mut auth = json!({"passwordCredentials": {
        "username": p.username,
        "password": p.password.expose(),
    }});
    match &p.tenant {
        Some(TenantRef::Id(id)) => auth["tenantId"] = json!(id),
        Some(TenantRef::Name(name)) => auth["tenantName"] = json!(name),
        None => {}
    }
    issue(http, &p.auth_url, "Keystone", auth, &p.password)
}

pub(crate) fn api_key(http: &Http, k: &RackspaceApiKey) -> Result<TokenGrant> {
    let auth = json!({"RAX-KSKEY:apiKeyCredentials": {
        "username": k.username,
        "apiKey": k.api_key.expose(),
    }});
    issue(http, &k.auth_url, "Rackspace Identity", auth, &k.api_key)
}

/// Asks for a token; `secret`, the credential the body carries, is masked in
/// every message about the request.
fn issue(
    http: &Http,
    auth_url: &str,
    service: &str,
    auth: Value,
    secret: &Secret,
) -> Result<TokenGrant> {
    let url = format!("{}/tokens", versioned_auth_url(auth_url, "v2.0")?);
    let call = Call::url(Method::POST, &url)
        .payload(Payload::json(&json!({"auth": auth}))?)
        .secret(secret);
    let response = http
        .send(&url, call)
        .map_err(|e| identity_error(service, e))?;
    let server_now = response.header("date").and_then(parse_http_date);
    let access = response.json::<AccessBody>()?.access;
    let token = access.token;
    Ok(TokenGrant {
        token: Secret::new(token.id),
        expires_at: token.expires.as_deref().and_then(parse_iso8601),
        issued_at: token.issued_at.as_deref().and_then(parse_iso8601),
        server_now,
        catalog: catalog(access.service_catalog),
        project_id: token.tenant.and_then(|t| t.id).map(id_text),
        user_id: access.user.as_ref().and_then(|u| u.id.clone()).map(id_text),
        default_region: access
            .user
            .and_then(|u| u.default_region)
            .filter(|r| !r.is_empty()),
    })
}

/// Ids are strings in Keystone, but Rackspace tenant ids look like numbers
/// and some deployments send them as such.
fn id_text(id: Value) -> String {
    match id {
        Value::String(s) => s,
        other => other.to_string(),
    }
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
                    .flat_map(|e| {
                        [
                            (Interface::Public, e.public_url),
                            (Interface::Internal, e.internal_url.or(e.private_url)),
                            (Interface::Admin, e.admin_url),
                        ]
                        .into_iter()
                        .filter_map(move |(interface, url)| {
                            Some(CatalogEndpoint {
                                region: e.region.clone(),
                                interface,
                                url: url?,
                            })
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Deserialize)]
struct AccessBody {
    access: Access,
}

#[derive(Deserialize)]
struct Access {
    token: TokenEntry,
    #[serde(rename = "serviceCatalog", default)]
    service_catalog: Vec<ServiceEntry>,
    user: Option<UserEntry>,
}

#[derive(Deserialize)]
struct TokenEntry {
    id: String,
    expires: Option<String>,
    issued_at: Option<String>,
    tenant: Option<Identified>,
}

#[derive(Deserialize)]
struct Identified {
    id: Option<Value>,
}

#[derive(Deserialize)]
struct UserEntry {
    id: Option<Value>,
    #[serde(rename = "RAX-AUTH:defaultRegion")]
    default_region: Option<String>,
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
    region: Option<String>,
    #[serde(rename = "publicURL")]
    public_url: Option<String>,
    #[serde(rename = "internalURL")]
    internal_url: Option<String>,
    #[serde(rename = "privateURL")]
    private_url: Option<String>,
    #[serde(rename = "adminURL")]
    admin_url: Option<String>,
}

/// For the fuzz targets (feature `fuzzing`): a v2.0 / Rackspace `access`
/// answer decoded and turned into its token facts and catalog, as `issue`
/// does, then the image endpoint looked up in it.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_access_body(bytes: &[u8]) {
    let Ok(body) = serde_json::from_slice::<AccessBody>(bytes) else {
        return;
    };
    let access = body.access;
    let _ = access.token.expires.as_deref().and_then(parse_iso8601);
    let _ = access.token.tenant.and_then(|t| t.id).map(id_text);
    let _ = access.user.and_then(|u| u.id).map(id_text);
    crate::auth::catalog::fuzz_lookups(&catalog(access.service_catalog));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_maps_url_kinds_to_interfaces() {
        let services: Vec<ServiceEntry> = serde_json::from_value(json!([
            {"name": "cloudFiles", "type": "object-store", "endpoints": [
                {"region": "IAD", "tenantId": "MossoCloudFS_1", "publicURL": "https://s/v1/a",
                 "internalURL": "https://snet/v1/a"},
                {"region": "DFW", "publicURL": "https://d/v1/a", "privateURL": "https://dp/v1/a"}
            ]},
            {"name": "cloudImages", "type": "image", "endpoints": [
                {"publicURL": "https://images/v2", "adminURL": "https://adm/v2"}
            ]}
        ]))
        .unwrap();
        let c = catalog(services);
        let files: Vec<_> = c.services[0]
            .endpoints
            .iter()
            .map(|e| (e.region.as_deref(), e.interface, e.url.as_str()))
            .collect();
        assert_eq!(
            files,
            [
                (Some("IAD"), Interface::Public, "https://s/v1/a"),
                (Some("IAD"), Interface::Internal, "https://snet/v1/a"),
                (Some("DFW"), Interface::Public, "https://d/v1/a"),
                (Some("DFW"), Interface::Internal, "https://dp/v1/a"),
            ]
        );
        assert_eq!(c.services[1].endpoints.len(), 2);
        assert_eq!(c.services[1].endpoints[0].region, None);
    }

    #[test]
    fn numeric_ids_become_text() {
        assert_eq!(id_text(json!(123456)), "123456");
        assert_eq!(id_text(json!("abc")), "abc");
    }
}
