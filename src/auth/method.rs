//! The public description of how to authenticate: one struct per kind of
//! credentials, gathered in [`AuthMethod`].
//!
//! Every secret is a [`Secret`], so printing any of these types with `{:?}`
//! shows `<redacted>` in place of passwords, keys and tokens.

use crate::auth::versioned_auth_url;
use crate::error::{Error, Result};
use crate::http::check_header_value;
use crate::secret::Secret;

/// The id Keystone gives its built-in domain.
pub(crate) const DEFAULT_DOMAIN_ID: &str = "default";

/// How the client authenticates.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum AuthMethod {
    /// Nothing chosen yet: building the client fails.
    #[default]
    Unset,
    /// An existing token, used as is until the server rejects it. There is no
    /// catalog, so the Image endpoint must be given
    /// ([`ClientBuilder::endpoint`](crate::ClientBuilder::endpoint)), and a
    /// rejected token cannot be renewed.
    Token(Secret),
    /// Keystone v3, user and password.
    V3Password(V3Password),
    /// Keystone v3, application credential.
    V3ApplicationCredential(V3ApplicationCredential),
    /// Keystone v3, an existing token exchanged for a scoped token with a catalog.
    V3Token(V3Token),
    /// Keystone v2.0, user and password (with a tenant).
    V2Password(V2Password),
    /// Rackspace Cloud Identity (Keystone v2.0), user name and API key, as pyrax sends them.
    RackspaceApiKey(RackspaceApiKey),
}

impl AuthMethod {
    /// Keystone v3 password authentication of a user of the `default` domain,
    /// scoped to a project of the same domain: the common case.
    ///
    /// ```
    /// use glance_client::auth::AuthMethod;
    /// let auth = AuthMethod::password("http://127.0.0.1:5000/v3", "demo", "s3cret", "demo");
    /// assert!(!format!("{auth:?}").contains("s3cret"));
    /// ```
    pub fn password(
        auth_url: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
        project_name: impl Into<String>,
    ) -> AuthMethod {
        AuthMethod::V3Password(V3Password {
            auth_url: auth_url.into(),
            user: UserRef::name(username),
            password: password.into(),
            scope: Scope::Project(ProjectRef::name(project_name)),
        })
    }

    /// Rackspace API key authentication against `auth_url` (e.g.
    /// `https://identity.api.rackspacecloud.com/v2.0/`).
    pub fn rackspace_api_key(
        auth_url: impl Into<String>,
        username: impl Into<String>,
        api_key: impl Into<Secret>,
    ) -> AuthMethod {
        AuthMethod::RackspaceApiKey(RackspaceApiKey {
            auth_url: auth_url.into(),
            username: username.into(),
            api_key: api_key.into(),
        })
    }
}

impl AuthMethod {
    /// Rejects credentials that cannot work, before any request.
    pub(crate) fn check(&self) -> Result<()> {
        match self {
            AuthMethod::Unset => Err(Error::Config(
                "no authentication given: set a token or credentials".into(),
            )),
            AuthMethod::Token(token) => {
                required_secret(token, "the token")?;
                check_header_value("the token", token.expose())
            }
            AuthMethod::V3Password(p) => {
                versioned_auth_url(&p.auth_url, "v3")?;
                p.user.check()?;
                p.scope.check()?;
                required_secret(&p.password, "the password")
            }
            AuthMethod::V3ApplicationCredential(a) => {
                versioned_auth_url(&a.auth_url, "v3")?;
                match &a.credential {
                    ApplicationCredentialRef::Id(id) => {
                        required(id, "the application credential id")?
                    }
                    ApplicationCredentialRef::Name { name, user } => {
                        required(name, "the application credential name")?;
                        user.check()?;
                    }
                }
                required_secret(&a.secret, "the application credential secret")
            }
            AuthMethod::V3Token(t) => {
                versioned_auth_url(&t.auth_url, "v3")?;
                t.scope.check()?;
                required_secret(&t.token, "the token")
            }
            AuthMethod::V2Password(p) => {
                versioned_auth_url(&p.auth_url, "v2.0")?;
                required(&p.username, "the user name")?;
                match &p.tenant {
                    Some(TenantRef::Id(s)) => required(s, "the tenant id")?,
                    Some(TenantRef::Name(s)) => required(s, "the tenant name")?,
                    None => {}
                }
                required_secret(&p.password, "the password")
            }
            AuthMethod::RackspaceApiKey(k) => {
                versioned_auth_url(&k.auth_url, "v2.0")?;
                required(&k.username, "the user name")?;
                required_secret(&k.api_key, "the API key")
            }
        }
    }
}

fn required(value: &str, what: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(format!("{what} is empty")));
    }
    Ok(())
}

fn required_secret(value: &Secret, what: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("{what} is empty")));
    }
    Ok(())
}

/// A Keystone domain, by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainRef {
    /// The domain's id, e.g. `default`.
    Id(String),
    /// The domain's name, e.g. `Default`.
    Name(String),
}

impl DomainRef {
    fn check(&self) -> Result<()> {
        match self {
            DomainRef::Id(id) => required(id, "the domain id"),
            DomainRef::Name(name) => required(name, "the domain name"),
        }
    }
}

impl Default for DomainRef {
    /// Keystone's built-in domain, id `default`.
    fn default() -> Self {
        DomainRef::Id(DEFAULT_DOMAIN_ID.to_owned())
    }
}

/// A Keystone user, by id (unique everywhere) or by name within a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// The user's id.
    Id(String),
    /// The user's name and the domain that holds it.
    Name {
        /// The user name.
        name: String,
        /// The user's domain.
        domain: DomainRef,
    },
}

impl UserRef {
    fn check(&self) -> Result<()> {
        match self {
            UserRef::Id(id) => required(id, "the user id"),
            UserRef::Name { name, domain } => {
                required(name, "the user name")?;
                domain.check()
            }
        }
    }

    /// A user of the `default` domain, by name.
    pub fn name(name: impl Into<String>) -> UserRef {
        UserRef::Name {
            name: name.into(),
            domain: DomainRef::default(),
        }
    }
}

/// A Keystone project, by id or by name within a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectRef {
    /// The project's id.
    Id(String),
    /// The project's name and the domain that holds it.
    Name {
        /// The project name.
        name: String,
        /// The project's domain.
        domain: DomainRef,
    },
}

impl ProjectRef {
    fn check(&self) -> Result<()> {
        match self {
            ProjectRef::Id(id) => required(id, "the project id"),
            ProjectRef::Name { name, domain } => {
                required(name, "the project name")?;
                domain.check()
            }
        }
    }

    /// A project of the `default` domain, by name.
    pub fn name(name: impl Into<String>) -> ProjectRef {
        ProjectRef::Name {
            name: name.into(),
            domain: DomainRef::default(),
        }
    }
}

/// What a Keystone v3 token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// No scope asked: Keystone scopes the token to the user's default project
    /// when it has one; otherwise the token has no catalog and the client needs
    /// an endpoint override.
    #[default]
    Unscoped,
    /// A project: the usual scope for the Image service.
    Project(ProjectRef),
    /// A domain.
    Domain(DomainRef),
}

impl Scope {
    fn check(&self) -> Result<()> {
        match self {
            Scope::Unscoped => Ok(()),
            Scope::Project(project) => project.check(),
            Scope::Domain(domain) => domain.check(),
        }
    }
}

/// Keystone v3 password authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Password {
    /// Keystone's URL, e.g. `https://keystone.example:5000/v3` (`/v3` is added
    /// when missing).
    pub auth_url: String,
    /// Who authenticates.
    pub user: UserRef,
    /// The user's password.
    pub password: Secret,
    /// What the token is for.
    pub scope: Scope,
}

/// Which application credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationCredentialRef {
    /// The credential's id (unique; no user needed).
    Id(String),
    /// The credential's name, unique only for its user.
    Name {
        /// The credential name.
        name: String,
        /// Its owner.
        user: UserRef,
    },
}

/// Keystone v3 application credential authentication. The token's scope is
/// the credential's project; no other scope can be asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3ApplicationCredential {
    /// Keystone's URL (`/v3` is added when missing).
    pub auth_url: String,
    /// The credential.
    pub credential: ApplicationCredentialRef,
    /// Its secret.
    pub secret: Secret,
}

/// Keystone v3 token authentication: an existing token exchanged for a new
/// one with the given scope and a service catalog. Renewal repeats the
/// exchange, so it works only while the original token is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Token {
    /// Keystone's URL (`/v3` is added when missing).
    pub auth_url: String,
    /// The existing token.
    pub token: Secret,
    /// What the new token is for.
    pub scope: Scope,
}

/// A Keystone v2.0 tenant (the v2 name of a project).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantRef {
    /// The tenant's id.
    Id(String),
    /// The tenant's name.
    Name(String),
}

/// Keystone v2.0 password authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Password {
    /// The v2.0 identity URL, e.g. `https://identity.example/v2.0` (`/v2.0`
    /// is added when missing).
    pub auth_url: String,
    /// The user name.
    pub username: String,
    /// The user's password.
    pub password: Secret,
    /// The tenant to scope the token to; `None` leaves the choice to the server.
    pub tenant: Option<TenantRef>,
}

/// Rackspace Cloud Identity API key authentication
/// (`RAX-KSKEY:apiKeyCredentials`). Without a configured region, the user's
/// `RAX-AUTH:defaultRegion` picks the endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RackspaceApiKey {
    /// The v2.0 identity URL (`/v2.0` is added when missing), e.g.
    /// [`RackspaceApiKey::US_AUTH_URL`].
    pub auth_url: String,
    /// The Rackspace user name.
    pub username: String,
    /// The user's API key.
    pub api_key: Secret,
}

impl RackspaceApiKey {
    /// Rackspace's public identity endpoint, pyrax's default.
    pub const US_AUTH_URL: &'static str = "https://identity.api.rackspacecloud.com/v2.0/";
}
