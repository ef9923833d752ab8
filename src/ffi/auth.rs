//! Where a configuration comes from (the `OS_*` environment, a clouds.yaml
//! cloud) and how it authenticates: one setter per kind of credentials the
//! Rust API knows, and setters that refine the user and the scope the way
//! openstacksdk's keys do (`user_id`, `project_domain_name`, ...).

use std::ffi::c_char;

use super::boundary::{self, text, CallError, CallResult, Out};
use super::config::{glance_config, set};
use super::error::glance_status;
use crate::auth::edit::NoSuchPart;
use crate::config::builder_of_cloud;
use crate::{
    auth::{
        ApplicationCredentialRef, AuthMethod, DomainRef, ProjectRef, RackspaceApiKey, Scope,
        UserRef, V2Password, V3ApplicationCredential, V3Token,
    },
    ClientBuilder,
};

/// Hands a builder to C as a new configuration.
fn give_config(
    out: *mut *mut glance_config,
    make: impl FnOnce() -> CallResult<ClientBuilder>,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or writable, per the C contract.
        let out = unsafe { Out::new(out, "out_config") }?;
        let builder = make()?;
        out.set(boundary::give(glance_config { builder }));
        Ok(())
    })
}

/// A configuration from the `OS_*` environment variables, as openstacksdk and
/// the `openstack` command read them (`OS_AUTH_URL`, `OS_USERNAME`,
/// `OS_PASSWORD`, `OS_PROJECT_NAME`, the domain variables,
/// `OS_APPLICATION_CREDENTIAL_*`, `OS_TOKEN`, `OS_API_KEY`, `OS_REGION_NAME`,
/// `OS_INTERFACE`, `OS_CACERT`, `OS_INSECURE`, `OS_IMAGE_ENDPOINT_OVERRIDE`, ...;
/// others are ignored). It can still be changed with the setters before
/// `glance_config_build`.
///
/// On success `*out_config` receives a new configuration owned by the caller
/// (consume it with `glance_config_build` or free it with
/// `glance_config_free`); on failure it is not written. Reads the environment:
/// do not change it from another thread during the call.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_CONFIG` (a variable the
/// authentication type needs is missing: the message names it),
/// `GLANCE_INVALID_ARG` (a value that cannot be used, e.g. `OS_INSECURE=maybe`).
#[no_mangle]
pub extern "C" fn glance_config_from_env(out_config: *mut *mut glance_config) -> glance_status {
    give_config(out_config, || Ok(ClientBuilder::from_env()?))
}

/// A configuration from the cloud `name` of clouds.yaml (with secure.yaml
/// merged in), found where openstacksdk looks: `OS_CLIENT_CONFIG_FILE`, the
/// current directory, `~/.config/openstack`, `/etc/openstack`.
///
/// `name` is only read during the call. Ownership of `*out_config` as
/// `glance_config_from_env`.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty name, a value that cannot be used),
/// `GLANCE_CONFIG` (no clouds.yaml, no such cloud, a missing key: the message
/// names it), `GLANCE_IO` (a file that cannot be read).
#[no_mangle]
pub extern "C" fn glance_config_from_cloud(
    name: *const c_char,
    out_config: *mut *mut glance_config,
) -> glance_status {
    give_config(out_config, || {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let name = unsafe { text(name, "name") }?;
        Ok(builder_of_cloud(Some(name))?)
    })
}

/// `glance_config_from_cloud` with the cloud named by `OS_CLOUD`
/// (`GLANCE_CONFIG` when it is not set).
#[no_mangle]
pub extern "C" fn glance_config_from_default_cloud(
    out_config: *mut *mut glance_config,
) -> glance_status {
    give_config(out_config, || Ok(builder_of_cloud(None)?))
}

/// Runs an authentication setter that reads some strings and picks a method.
fn set_auth(
    config: *mut glance_config,
    make: impl FnOnce() -> CallResult<AuthMethod>,
) -> glance_status {
    set(config, |c| {
        let method = make()?;
        c.change(|b| b.auth(method));
        Ok(())
    })
}

/// Authenticates with Keystone v3, user name and password, scoped to a
/// project by name; user and project are in the `default` domain unless
/// `glance_config_set_user_domain_*` / `glance_config_set_project_domain_*`
/// say otherwise. Replaces any authentication set before. `auth_url` is
/// Keystone's URL (`/v3` is added when missing).
///
/// Every authentication setter copies its arguments (secrets are never shown
/// in messages); the values are checked by `glance_config_build`
/// (`GLANCE_INVALID_ARG` for an empty one). Returns `GLANCE_OK`,
/// `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`.
#[no_mangle]
pub extern "C" fn glance_config_set_password(
    config: *mut glance_config,
    auth_url: *const c_char,
    username: *const c_char,
    password: *const c_char,
    project_name: *const c_char,
) -> glance_status {
    set_auth(config, || {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        unsafe {
            Ok(AuthMethod::password(
                text(auth_url, "auth_url")?,
                text(username, "username")?,
                text(password, "password")?,
                text(project_name, "project_name")?,
            ))
        }
    })
}

/// Authenticates with a Keystone v3 application credential given by id (its
/// project is the scope).
#[no_mangle]
pub extern "C" fn glance_config_set_application_credential(
    config: *mut glance_config,
    auth_url: *const c_char,
    id: *const c_char,
    secret: *const c_char,
) -> glance_status {
    set_auth(config, || {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        unsafe {
            Ok(AuthMethod::V3ApplicationCredential(
                V3ApplicationCredential {
                    auth_url: text(auth_url, "auth_url")?.to_owned(),
                    credential: ApplicationCredentialRef::Id(text(id, "id")?.to_owned()),
                    secret: text(secret, "secret")?.into(),
                },
            ))
        }
    })
}

/// Authenticates with a Keystone v3 application credential given by name,
/// which is unique only for its user: `username` in the `default` domain
/// (refine with `glance_config_set_user_id` or `glance_config_set_user_domain_*`).
#[no_mangle]
pub extern "C" fn glance_config_set_application_credential_name(
    config: *mut glance_config,
    auth_url: *const c_char,
    name: *const c_char,
    username: *const c_char,
    secret: *const c_char,
) -> glance_status {
    set_auth(config, || {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        unsafe {
            Ok(AuthMethod::V3ApplicationCredential(
                V3ApplicationCredential {
                    auth_url: text(auth_url, "auth_url")?.to_owned(),
                    credential: ApplicationCredentialRef::Name {
                        name: text(name, "name")?.to_owned(),
                        user: UserRef::name(text(username, "username")?),
                    },
                    secret: text(secret, "secret")?.into(),
                },
            ))
        }
    })
}

/// Authenticates by exchanging an existing Keystone token for a new one with
/// a service catalog (unscoped unless a project or domain is set with the
/// scope setters). Unlike `glance_config_set_token`, no endpoint is needed.
#[no_mangle]
pub extern "C" fn glance_config_set_keystone_token(
    config: *mut glance_config,
    auth_url: *const c_char,
    token: *const c_char,
) -> glance_status {
    set_auth(config, || {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        unsafe {
            Ok(AuthMethod::V3Token(V3Token {
                auth_url: text(auth_url, "auth_url")?.to_owned(),
                token: text(token, "token")?.into(),
                scope: Scope::Unscoped,
            }))
        }
    })
}

/// Authenticates with Keystone v2.0, user name and password; the tenant is
/// the server's choice unless `glance_config_set_project_name` /
/// `glance_config_set_project_id` name one. `auth_url` gets `/v2.0` when missing.
#[no_mangle]
pub extern "C" fn glance_config_set_v2_password(
    config: *mut glance_config,
    auth_url: *const c_char,
    username: *const c_char,
    password: *const c_char,
) -> glance_status {
    set_auth(config, || {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        unsafe {
            Ok(AuthMethod::V2Password(V2Password {
                auth_url: text(auth_url, "auth_url")?.to_owned(),
                username: text(username, "username")?.to_owned(),
                password: text(password, "password")?.into(),
                tenant: None,
            }))
        }
    })
}

/// Authenticates with Rackspace Cloud Identity, user name and API key, as
/// pyrax does (e.g. `auth_url` `https://identity.api.rackspacecloud.com/v2.0/`).
/// Without a region, the user's default region picks the endpoints.
#[no_mangle]
pub extern "C" fn glance_config_set_rackspace_api_key(
    config: *mut glance_config,
    auth_url: *const c_char,
    username: *const c_char,
    api_key: *const c_char,
) -> glance_status {
    set_auth(config, || {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        unsafe {
            Ok(AuthMethod::RackspaceApiKey(RackspaceApiKey {
                auth_url: text(auth_url, "auth_url")?.to_owned(),
                username: text(username, "username")?.to_owned(),
                api_key: text(api_key, "api_key")?.into(),
            }))
        }
    })
}

/// Runs a refinement: reads one string, then changes that part of the
/// current method (the rules are the core's, `src/auth/edit.rs`).
fn refine(
    config: *mut glance_config,
    value: *const c_char,
    name: &str,
    apply: impl FnOnce(&mut AuthMethod, &str) -> Result<(), NoSuchPart>,
) -> glance_status {
    set(config, |c| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let value = unsafe { text(value, name) }?;
        apply(&mut c.builder.session.method, value).map_err(|e| CallError::invalid_argument(e.0))
    })
}

/// Names the user by id instead of by name (Keystone v3 password, or an
/// application credential by name).
///
/// Every refinement setter changes the authentication set last, copies its
/// argument, and returns `GLANCE_OK`, `GLANCE_NULL_ARG`,
/// `GLANCE_INVALID_UTF8`, or `GLANCE_INVALID_ARG` when the current
/// authentication has no such part (set the authentication first).
#[no_mangle]
pub extern "C" fn glance_config_set_user_id(
    config: *mut glance_config,
    user_id: *const c_char,
) -> glance_status {
    refine(config, user_id, "user_id", AuthMethod::set_user_id)
}

/// The domain of the user (given by name), by id.
#[no_mangle]
pub extern "C" fn glance_config_set_user_domain_id(
    config: *mut glance_config,
    domain_id: *const c_char,
) -> glance_status {
    refine(config, domain_id, "domain_id", |m, d| {
        m.set_user_domain(DomainRef::Id(d.to_owned()))
    })
}

/// The domain of the user (given by name), by name.
#[no_mangle]
pub extern "C" fn glance_config_set_user_domain_name(
    config: *mut glance_config,
    domain_name: *const c_char,
) -> glance_status {
    refine(config, domain_name, "domain_name", |m, d| {
        m.set_user_domain(DomainRef::Name(d.to_owned()))
    })
}

/// Scopes the token to the project with this id (Keystone v3 password or
/// token exchange; for Keystone v2.0, the tenant id).
#[no_mangle]
pub extern "C" fn glance_config_set_project_id(
    config: *mut glance_config,
    project_id: *const c_char,
) -> glance_status {
    refine(config, project_id, "project_id", |m, id| {
        m.set_project(ProjectRef::Id(id.to_owned()))
    })
}

/// Scopes the token to the project with this name, in the `default` domain
/// unless `glance_config_set_project_domain_*` says otherwise (Keystone v3
/// password or token exchange; for Keystone v2.0, the tenant name).
#[no_mangle]
pub extern "C" fn glance_config_set_project_name(
    config: *mut glance_config,
    project_name: *const c_char,
) -> glance_status {
    refine(config, project_name, "project_name", |m, name| {
        m.set_project(ProjectRef::name(name))
    })
}

/// The domain of the project (given by name), by id.
#[no_mangle]
pub extern "C" fn glance_config_set_project_domain_id(
    config: *mut glance_config,
    domain_id: *const c_char,
) -> glance_status {
    refine(config, domain_id, "domain_id", |m, d| {
        m.set_project_domain(DomainRef::Id(d.to_owned()))
    })
}

/// The domain of the project (given by name), by name.
#[no_mangle]
pub extern "C" fn glance_config_set_project_domain_name(
    config: *mut glance_config,
    domain_name: *const c_char,
) -> glance_status {
    refine(config, domain_name, "domain_name", |m, d| {
        m.set_project_domain(DomainRef::Name(d.to_owned()))
    })
}

/// Scopes the token to a domain, by id, instead of a project.
#[no_mangle]
pub extern "C" fn glance_config_set_domain_scope_id(
    config: *mut glance_config,
    domain_id: *const c_char,
) -> glance_status {
    refine(config, domain_id, "domain_id", |m, d| {
        m.set_domain_scope(DomainRef::Id(d.to_owned()))
    })
}

/// Scopes the token to a domain, by name, instead of a project.
#[no_mangle]
pub extern "C" fn glance_config_set_domain_scope_name(
    config: *mut glance_config,
    domain_name: *const c_char,
) -> glance_status {
    refine(config, domain_name, "domain_name", |m, d| {
        m.set_domain_scope(DomainRef::Name(d.to_owned()))
    })
}
