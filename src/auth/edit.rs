//! Changing one part of an [`AuthMethod`] after it is chosen (its user, its
//! project, a domain), and which kinds of credentials have which part: the
//! C setters refine the method set last this way, and the `OS_*`/clouds.yaml
//! reader puts the project or domain it finds into the method it builds.

use crate::auth::method::{
    ApplicationCredentialRef, AuthMethod, DomainRef, ProjectRef, Scope, TenantRef, UserRef,
    V3ApplicationCredential,
};

/// Why a part cannot be set: the current method has no such part, or not in
/// the form the part needs. The text is for people and says what to set first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoSuchPart(pub(crate) String);

impl AuthMethod {
    /// Names the user by id instead of by name (Keystone v3 password, or an
    /// application credential by name).
    pub(crate) fn set_user_id(&mut self, id: &str) -> Result<(), NoSuchPart> {
        match self.user() {
            Some(user) => {
                *user = UserRef::Id(id.to_owned());
                Ok(())
            }
            None => Err(self.not_applicable("a user id")),
        }
    }

    /// The domain of a user given by name.
    pub(crate) fn set_user_domain(&mut self, domain: DomainRef) -> Result<(), NoSuchPart> {
        match self.user() {
            Some(UserRef::Name { domain: d, .. }) => {
                *d = domain;
                Ok(())
            }
            Some(UserRef::Id(_)) => Err(NoSuchPart(
                "a user given by id has no domain to set".to_owned(),
            )),
            None => Err(self.not_applicable("a user domain")),
        }
    }

    /// Scopes the token to a project (Keystone v3 password or token
    /// exchange); for Keystone v2.0 the project is the tenant, and a
    /// project's domain does not apply.
    pub(crate) fn set_project(&mut self, project: ProjectRef) -> Result<(), NoSuchPart> {
        if let AuthMethod::V2Password(p) = self {
            p.tenant = Some(match project {
                ProjectRef::Id(id) => TenantRef::Id(id),
                ProjectRef::Name { name, .. } => TenantRef::Name(name),
            });
            return Ok(());
        }
        match self.scope() {
            Some(scope) => {
                *scope = Scope::Project(project);
                Ok(())
            }
            None => Err(self.not_applicable("a project")),
        }
    }

    /// The domain of a project given by name.
    pub(crate) fn set_project_domain(&mut self, domain: DomainRef) -> Result<(), NoSuchPart> {
        match self.scope() {
            Some(Scope::Project(ProjectRef::Name { domain: d, .. })) => {
                *d = domain;
                Ok(())
            }
            Some(_) => Err(NoSuchPart(
                "a project domain needs a project given by name: set the project name first"
                    .to_owned(),
            )),
            None => Err(self.not_applicable("a project domain")),
        }
    }

    /// Scopes the token to a domain instead of a project.
    pub(crate) fn set_domain_scope(&mut self, domain: DomainRef) -> Result<(), NoSuchPart> {
        match self.scope() {
            Some(scope) => {
                *scope = Scope::Domain(domain);
                Ok(())
            }
            None => Err(self.not_applicable("a domain scope")),
        }
    }

    /// The user of the method, when it has one.
    fn user(&mut self) -> Option<&mut UserRef> {
        match self {
            AuthMethod::V3Password(p) => Some(&mut p.user),
            AuthMethod::V3ApplicationCredential(V3ApplicationCredential {
                credential: ApplicationCredentialRef::Name { user, .. },
                ..
            }) => Some(user),
            _ => None,
        }
    }

    /// The scope of the method, when it has one.
    fn scope(&mut self) -> Option<&mut Scope> {
        match self {
            AuthMethod::V3Password(p) => Some(&mut p.scope),
            AuthMethod::V3Token(t) => Some(&mut t.scope),
            _ => None,
        }
    }

    fn not_applicable(&self, what: &str) -> NoSuchPart {
        NoSuchPart(format!(
            "{what} does not apply to {}: set the authentication first",
            self.kind()
        ))
    }

    fn kind(&self) -> &'static str {
        match self {
            AuthMethod::Unset => "no authentication",
            AuthMethod::Token(_) => "a bare token",
            AuthMethod::V3Password(_) => "a Keystone v3 password",
            AuthMethod::V3ApplicationCredential(_) => "a Keystone v3 application credential",
            AuthMethod::V3Token(_) => "a Keystone v3 token exchange",
            AuthMethod::V2Password(_) => "a Keystone v2.0 password",
            AuthMethod::RackspaceApiKey(_) => "a Rackspace API key",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::method::{V2Password, V3Token};

    #[test]
    fn a_project_is_the_tenant_for_keystone_v2() {
        let mut method = AuthMethod::V2Password(V2Password {
            auth_url: "http://k/v2.0".into(),
            username: "u".into(),
            password: "p".into(),
            tenant: None,
        });
        method.set_project(ProjectRef::name("t")).unwrap();
        let AuthMethod::V2Password(p) = &method else {
            panic!()
        };
        assert_eq!(p.tenant, Some(TenantRef::Name("t".into())));
        let e = method.set_project_domain(DomainRef::Id("d".into()));
        assert_eq!(
            e.unwrap_err().0,
            "a project domain does not apply to a Keystone v2.0 password: \
             set the authentication first"
        );
    }

    #[test]
    fn parts_need_their_form() {
        let mut method = AuthMethod::password("http://k/v3", "u", "p", "demo");
        method.set_user_id("u1").unwrap();
        let e = method
            .set_user_domain(DomainRef::Id("d".into()))
            .unwrap_err();
        assert_eq!(e.0, "a user given by id has no domain to set");
        let mut token = AuthMethod::V3Token(V3Token {
            auth_url: "http://k/v3".into(),
            token: "t".into(),
            scope: Scope::Unscoped,
        });
        let e = token.set_project_domain(DomainRef::Id("d".into()));
        assert!(e.unwrap_err().0.contains("set the project name first"));
        assert!(token.set_user_id("u1").is_err());
        token.set_domain_scope(DomainRef::Name("D".into())).unwrap();
    }
}
