//! openstacksdk's configuration keys (`auth_url`, `username`,
//! `project_domain_name`, `region_name`, `interface`, ...) turned into a
//! [`ClientBuilder`]. The `OS_*` environment and a clouds.yaml cloud both
//! arrive here as flat key/value settings, so they mean the same thing.
//!
//! Keys this client has no use for are ignored; a key an authentication
//! type needs and does not find is an error that names it the way its
//! source spells it (`OS_PASSWORD`, or `auth.password` in a clouds.yaml).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::ClientBuilder;
use crate::auth::method::{
    ApplicationCredentialRef, AuthMethod, DomainRef, ProjectRef, RackspaceApiKey, Scope, UserRef,
    V2Password, V3ApplicationCredential, V3Password, V3Token,
};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Keys that clouds.yaml keeps under `auth:`.
pub(crate) const AUTH_KEYS: &[&str] = &[
    "auth_url",
    "username",
    "user_id",
    "password",
    "project_name",
    "project_id",
    "tenant_name",
    "tenant_id",
    "user_domain_name",
    "user_domain_id",
    "project_domain_name",
    "project_domain_id",
    "domain_name",
    "domain_id",
    "default_domain",
    "application_credential_id",
    "application_credential_name",
    "application_credential_secret",
    "token",
    "api_key",
];

/// Where settings came from, to name a missing key as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `OS_*` environment variables.
    Environment,
    /// A cloud of a clouds.yaml file.
    #[cfg_attr(not(feature = "clouds-yaml"), allow(dead_code))]
    Cloud { name: String, file: PathBuf },
}

/// Flat openstacksdk settings: key (lower case, as in clouds.yaml) to value.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) origin: Origin,
    pub(crate) values: BTreeMap<String, String>,
}

impl Settings {
    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn first(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.get(k))
    }

    fn name_of(&self, key: &str) -> String {
        match &self.origin {
            Origin::Environment => format!("OS_{}", key.to_ascii_uppercase()),
            Origin::Cloud { .. } if AUTH_KEYS.contains(&key) => format!("auth.{key}"),
            Origin::Cloud { .. } => key.to_owned(),
        }
    }

    fn describe(&self) -> String {
        match &self.origin {
            Origin::Environment => "the environment".to_owned(),
            Origin::Cloud { name, file } => format!("cloud '{name}' of {}", file.display()),
        }
    }

    fn missing(&self, key: &str, purpose: &str) -> Error {
        Error::Config(format!(
            "{} is not set in {} ({purpose})",
            self.name_of(key),
            self.describe()
        ))
    }

    fn require(&self, key: &str, purpose: &str) -> Result<String> {
        self.get(key)
            .map(str::to_owned)
            .ok_or_else(|| self.missing(key, purpose))
    }

    fn flag(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(Error::Config(format!(
                    "{} in {} is '{v}', not true or false",
                    self.name_of(key),
                    self.describe()
                ))),
            })
            .transpose()
    }

    /// The builder these settings describe.
    pub(crate) fn to_builder(&self) -> Result<ClientBuilder> {
        let mut builder = ClientBuilder::default().auth(self.auth_method()?);
        if let Some(version) = self.get("image_api_version") {
            if version != "2" && !version.starts_with("2.") {
                return Err(Error::Config(format!(
                    "{} is {version} in {}, but this client speaks only Images API v2",
                    self.name_of("image_api_version"),
                    self.describe()
                )));
            }
        }
        if let Some(region) = self.get("region_name") {
            builder = builder.region(region);
        }
        if let Some(interface) = self.first(&["interface", "endpoint_type"]) {
            builder = builder.interface(interface.parse().map_err(|_| {
                Error::Config(format!(
                    "{} in {} is '{interface}', not public, internal or admin",
                    self.name_of("interface"),
                    self.describe()
                ))
            })?);
        }
        if let Some(url) = self.first(&["image_endpoint_override", "image_url", "endpoint"]) {
            builder = builder.endpoint(url);
        }
        if let Some(url) = self.get("object_store_endpoint_override") {
            builder = builder.object_store_endpoint(url);
        }
        if let Some(path) = self.get("cacert") {
            builder = builder.ca_file(path);
        }
        match (self.get("cert"), self.get("key")) {
            (Some(cert), key) => builder = builder.client_certificate(cert, key.map(Into::into)),
            (None, Some(_)) => {
                return Err(Error::Config(format!(
                    "{} in {} names a client key without a client certificate ({})",
                    self.name_of("key"),
                    self.describe(),
                    self.name_of("cert")
                )))
            }
            (None, None) => {}
        }
        // clouds.yaml says `verify: false`; the environment `OS_INSECURE=true`.
        let insecure =
            self.flag("insecure")?.unwrap_or(false) || self.flag("verify")? == Some(false);
        builder = builder.danger_accept_invalid_certs(insecure);
        if let Some(seconds) = self.get("api_timeout") {
            let seconds: f64 =
                seconds
                    .parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0)
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "{} in {} is '{seconds}', not a number of seconds",
                            self.name_of("api_timeout"),
                            self.describe()
                        ))
                    })?;
            builder = builder.request_timeout(Some(Duration::from_secs_f64(seconds)));
        }
        Ok(builder)
    }

    fn auth_method(&self) -> Result<AuthMethod> {
        let auth_type = match self.get("auth_type") {
            Some(t) => t.to_ascii_lowercase().replace('-', "_"),
            None => self.inferred_auth_type().to_owned(),
        };
        match auth_type.as_str() {
            "password" if self.identity_version_is_2() => self.v2_password(),
            "password" | "v3password" => self.v3_password(),
            "v2password" => self.v2_password(),
            "v3applicationcredential" | "applicationcredential" | "application_credential" => {
                self.v3_application_credential()
            }
            "token" | "v3token" if self.get("auth_url").is_some() => self.v3_token(),
            "token" | "v3token" | "admin_token" => Ok(AuthMethod::Token(Secret::new(
                self.require("token", "the token to send")?,
            ))),
            "rackspace_apikey" | "rackspace" | "apikey" => {
                Ok(AuthMethod::RackspaceApiKey(RackspaceApiKey {
                    auth_url: self
                        .get("auth_url")
                        .unwrap_or(RackspaceApiKey::US_AUTH_URL)
                        .to_owned(),
                    username: self.require("username", "Rackspace API key authentication")?,
                    api_key: Secret::new(
                        self.require("api_key", "Rackspace API key authentication")?,
                    ),
                }))
            }
            other => Err(Error::Config(format!(
                "{} '{other}' in {} is not supported; use password, v3password, v2password, \
                 v3applicationcredential, token, v3token, admin_token or rackspace_apikey",
                self.name_of("auth_type"),
                self.describe()
            ))),
        }
    }

    /// openstacksdk needs `auth_type` for anything but passwords; being
    /// told which secret is there is enough to know.
    fn inferred_auth_type(&self) -> &'static str {
        if self.get("password").is_some() {
            "password"
        } else if self.get("application_credential_secret").is_some() {
            "v3applicationcredential"
        } else if self.get("token").is_some() {
            "token"
        } else if self.get("api_key").is_some() {
            "rackspace_apikey"
        } else {
            "password"
        }
    }

    fn identity_version_is_2(&self) -> bool {
        match self.get("identity_api_version") {
            Some(v) => v.starts_with('2'),
            None => self
                .get("auth_url")
                .is_some_and(|u| u.trim_end_matches('/').ends_with("/v2.0")),
        }
    }

    fn auth_url(&self) -> Result<String> {
        self.require("auth_url", "where Keystone is")
    }

    /// openstacksdk's rule: `domain_id`/`domain_name` stand for the user's and
    /// the project's domain when a project is given, and are the scope when
    /// not; `default_domain` fills in for any domain not given.
    fn domain(&self, id_key: &str, name_key: &str) -> DomainRef {
        let project_scoped = self
            .first(&["project_id", "project_name", "tenant_id", "tenant_name"])
            .is_some();
        if let Some(id) = self.get(id_key) {
            DomainRef::Id(id.to_owned())
        } else if let Some(name) = self.get(name_key) {
            DomainRef::Name(name.to_owned())
        } else if let Some(id) = self.get("domain_id").filter(|_| project_scoped) {
            DomainRef::Id(id.to_owned())
        } else if let Some(name) = self.get("domain_name").filter(|_| project_scoped) {
            DomainRef::Name(name.to_owned())
        } else if let Some(id) = self.get("default_domain") {
            DomainRef::Id(id.to_owned())
        } else {
            DomainRef::default()
        }
    }

    fn user(&self, purpose: &str) -> Result<UserRef> {
        if let Some(id) = self.get("user_id") {
            return Ok(UserRef::Id(id.to_owned()));
        }
        Ok(UserRef::Name {
            name: self.require("username", purpose)?,
            domain: self.domain("user_domain_id", "user_domain_name"),
        })
    }

    /// The project these settings name, an id before a name; each list of
    /// keys in the order its identity version prefers.
    fn project(&self, id_keys: &[&str], name_keys: &[&str]) -> Option<ProjectRef> {
        if let Some(id) = self.first(id_keys) {
            return Some(ProjectRef::Id(id.to_owned()));
        }
        self.first(name_keys).map(|name| ProjectRef::Name {
            name: name.to_owned(),
            domain: self.domain("project_domain_id", "project_domain_name"),
        })
    }

    /// `method` (unscoped) scoped to the project or the domain these
    /// settings name, by the rules of `auth/edit.rs`.
    fn scoped(&self, mut method: AuthMethod) -> Result<AuthMethod> {
        let scoped = if let Some(project) = self.project(
            &["project_id", "tenant_id"],
            &["project_name", "tenant_name"],
        ) {
            method.set_project(project)
        } else if let Some(id) = self.get("domain_id") {
            method.set_domain_scope(DomainRef::Id(id.to_owned()))
        } else if let Some(name) = self.get("domain_name") {
            method.set_domain_scope(DomainRef::Name(name.to_owned()))
        } else {
            Ok(())
        };
        // Both kinds given here have a scope, so this does not fail.
        scoped.map_err(|e| Error::Config(e.0))?;
        Ok(method)
    }

    fn v3_password(&self) -> Result<AuthMethod> {
        self.scoped(AuthMethod::V3Password(V3Password {
            auth_url: self.auth_url()?,
            user: self.user("who authenticates")?,
            password: Secret::new(self.require("password", "password authentication")?),
            scope: Scope::Unscoped,
        }))
    }

    fn v2_password(&self) -> Result<AuthMethod> {
        let mut method = AuthMethod::V2Password(V2Password {
            auth_url: self.auth_url()?,
            username: self.require("username", "who authenticates")?,
            password: Secret::new(self.require("password", "password authentication")?),
            tenant: None,
        });
        // Keystone v2.0 prefers the tenant keys; its project is the tenant.
        let tenant = self.project(
            &["tenant_id", "project_id"],
            &["tenant_name", "project_name"],
        );
        if let Some(tenant) = tenant {
            // A Keystone v2.0 password has a tenant, so this does not fail.
            method.set_project(tenant).map_err(|e| Error::Config(e.0))?;
        }
        Ok(method)
    }

    fn v3_application_credential(&self) -> Result<AuthMethod> {
        let credential = if let Some(id) = self.get("application_credential_id") {
            ApplicationCredentialRef::Id(id.to_owned())
        } else if let Some(name) = self.get("application_credential_name") {
            ApplicationCredentialRef::Name {
                name: name.to_owned(),
                user: self.user("the owner of the named application credential")?,
            }
        } else {
            return Err(self.missing(
                "application_credential_id",
                "or application_credential_name with the user: which application credential",
            ));
        };
        Ok(AuthMethod::V3ApplicationCredential(
            V3ApplicationCredential {
                auth_url: self.auth_url()?,
                credential,
                secret: Secret::new(self.require(
                    "application_credential_secret",
                    "application credential authentication",
                )?),
            },
        ))
    }

    fn v3_token(&self) -> Result<AuthMethod> {
        self.scoped(AuthMethod::V3Token(V3Token {
            auth_url: self.auth_url()?,
            token: Secret::new(self.require("token", "token authentication")?),
            scope: Scope::Unscoped,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::method::TenantRef;
    use crate::auth::Interface;

    fn env(pairs: &[(&str, &str)]) -> Settings {
        Settings {
            origin: Origin::Environment,
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn auth(pairs: &[(&str, &str)]) -> AuthMethod {
        env(pairs).auth_method().unwrap()
    }

    #[test]
    fn v3_password_with_names_and_domains() {
        let method = auth(&[
            ("auth_url", "http://k:5000/v3"),
            ("username", "demo"),
            ("password", "pw"),
            ("project_name", "demo"),
            ("user_domain_name", "Users"),
            ("project_domain_id", "p-dom"),
        ]);
        let AuthMethod::V3Password(p) = method else {
            panic!("{method:?}")
        };
        assert_eq!(
            p.user,
            UserRef::Name {
                name: "demo".into(),
                domain: DomainRef::Name("Users".into())
            }
        );
        assert_eq!(
            p.scope,
            Scope::Project(ProjectRef::Name {
                name: "demo".into(),
                domain: DomainRef::Id("p-dom".into())
            })
        );
        assert_eq!(p.password.expose(), "pw");
    }

    #[test]
    fn domain_keys_follow_openstacksdk() {
        // With a project, domain_name is the user's and the project's domain.
        let AuthMethod::V3Password(p) = auth(&[
            ("auth_url", "http://k/v3"),
            ("username", "u"),
            ("password", "p"),
            ("tenant_name", "t"),
            ("domain_name", "D"),
        ]) else {
            panic!()
        };
        assert_eq!(
            p.user,
            UserRef::Name {
                name: "u".into(),
                domain: DomainRef::Name("D".into())
            }
        );
        assert_eq!(
            p.scope,
            Scope::Project(ProjectRef::Name {
                name: "t".into(),
                domain: DomainRef::Name("D".into())
            })
        );
        // Without one, it is the scope; default_domain fills the user's domain.
        let AuthMethod::V3Password(p) = auth(&[
            ("auth_url", "http://k/v3"),
            ("username", "u"),
            ("password", "p"),
            ("domain_id", "d1"),
            ("default_domain", "dd"),
        ]) else {
            panic!()
        };
        assert_eq!(
            p.user,
            UserRef::Name {
                name: "u".into(),
                domain: DomainRef::Id("dd".into())
            }
        );
        assert_eq!(p.scope, Scope::Domain(DomainRef::Id("d1".into())));
    }

    #[test]
    fn v2_by_version_or_url() {
        for extra in [("identity_api_version", "2"), ("auth_type", "v2password")] {
            let method = auth(&[
                ("auth_url", "http://k:5000/v2.0"),
                ("username", "u"),
                ("password", "p"),
                ("tenant_id", "t1"),
                extra,
            ]);
            let AuthMethod::V2Password(p) = method else {
                panic!("{method:?}")
            };
            assert_eq!(p.tenant, Some(TenantRef::Id("t1".into())));
        }
        assert!(matches!(
            auth(&[
                ("auth_url", "http://k/v2.0/"),
                ("username", "u"),
                ("password", "p")
            ]),
            AuthMethod::V2Password(_)
        ));
    }

    #[test]
    fn secrets_pick_the_auth_type() {
        assert!(matches!(
            auth(&[
                ("auth_url", "http://k/v3"),
                ("application_credential_id", "a1"),
                ("application_credential_secret", "s"),
            ]),
            AuthMethod::V3ApplicationCredential(V3ApplicationCredential {
                credential: ApplicationCredentialRef::Id(_),
                ..
            })
        ));
        assert!(matches!(
            auth(&[
                ("auth_url", "http://k/v3"),
                ("token", "t"),
                ("project_id", "p")
            ]),
            AuthMethod::V3Token(V3Token {
                scope: Scope::Project(ProjectRef::Id(_)),
                ..
            })
        ));
        assert!(matches!(
            auth(&[("token", "t"), ("endpoint", "http://g:9292")]),
            AuthMethod::Token(_)
        ));
        let AuthMethod::RackspaceApiKey(k) = auth(&[("username", "u"), ("api_key", "k")]) else {
            panic!()
        };
        assert_eq!(k.auth_url, RackspaceApiKey::US_AUTH_URL);
    }

    #[test]
    fn missing_keys_are_named_as_written() {
        let e = env(&[("auth_url", "http://k/v3"), ("username", "u")])
            .auth_method()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("OS_PASSWORD is not set in the environment"),
            "{e}"
        );
        let cloud = Settings {
            origin: Origin::Cloud {
                name: "demo".into(),
                file: "/x/clouds.yaml".into(),
            },
            values: [("password", "p"), ("username", "u")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let e = cloud.auth_method().unwrap_err().to_string();
        assert!(
            e.contains("auth.auth_url is not set in cloud 'demo' of /x/clouds.yaml"),
            "{e}"
        );
        let e = env(&[
            ("auth_url", "http://k/v3"),
            ("auth_type", "v3applicationcredential"),
            ("application_credential_secret", "s"),
        ])
        .auth_method()
        .unwrap_err()
        .to_string();
        assert!(e.contains("OS_APPLICATION_CREDENTIAL_ID is not set"), "{e}");
        let e = env(&[("auth_type", "v3oidcpassword")])
            .auth_method()
            .unwrap_err()
            .to_string();
        assert!(e.contains("'v3oidcpassword'"), "{e}");
    }

    #[test]
    fn builder_options() {
        let base = [
            ("auth_url", "http://k/v3"),
            ("username", "u"),
            ("password", "p"),
        ];
        let with = |extra: &[(&str, &str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(extra);
            env(&all).to_builder()
        };
        let b = with(&[
            ("region_name", "RegionTwo"),
            ("endpoint_type", "internalURL"),
            ("image_api_version", "2"),
            ("insecure", "true"),
            ("cacert", "/ca.pem"),
            ("image_endpoint_override", "http://g:9292"),
            ("api_timeout", "2.5"),
        ])
        .unwrap();
        assert_eq!(b.session.region.as_deref(), Some("RegionTwo"));
        assert_eq!(b.session.interface, Interface::Internal);
        assert!(b.http.insecure);
        assert_eq!(b.http.ca_file, Some(PathBuf::from("/ca.pem")));
        assert_eq!(b.session.image_endpoint.as_deref(), Some("http://g:9292"));
        assert_eq!(b.http.timeouts.request, Some(Duration::from_millis(2500)));
        let mtls = with(&[("cert", "/client.pem"), ("key", "/client.key")]).unwrap();
        assert_eq!(mtls.http.client_cert, Some(PathBuf::from("/client.pem")));
        assert_eq!(mtls.http.client_key, Some(PathBuf::from("/client.key")));
        let combined = with(&[("cert", "/both.pem")]).unwrap();
        assert_eq!(combined.http.client_key, None);
        let e = with(&[("key", "/client.key")]).unwrap_err().to_string();
        assert!(e.contains("OS_KEY") && e.contains("OS_CERT"), "{e}");
        assert!(!with(&[("verify", "true")]).unwrap().http.insecure);
        assert!(with(&[("verify", "false")]).unwrap().http.insecure);
        let e = with(&[("image_api_version", "1")]).unwrap_err().to_string();
        assert!(e.contains("OS_IMAGE_API_VERSION is 1"), "{e}");
        assert!(with(&[("interface", "sideways")]).is_err());
        assert!(with(&[("insecure", "maybe")]).is_err());
    }
}
