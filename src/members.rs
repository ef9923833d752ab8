//! Image members: sharing an image with other projects.
//!
//! The owner of a `shared` image adds projects as members; a member starts
//! `pending` and sees the image in its default listings only once it has set
//! its own status to `accepted`. Only the member project can change that
//! status, and only the owner can add or remove members.

use serde::{Deserialize, Serialize};
use ureq::http::Method;

use crate::auth::Service;
use crate::client::Client;
use crate::enums::Visibility;
use crate::error::{Error, HttpError, Result};
use crate::images::{check_id, image_path};
use crate::transport::{Call, Payload};
use crate::url::encode;

pub use crate::enums::MemberStatus;

/// One project an image is shared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member project's id.
    pub member_id: String,
    /// The shared image.
    pub image_id: String,
    /// The member's answer: pending, accepted or rejected.
    pub status: MemberStatus,
    /// When the image was shared, ISO 8601.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the status last changed, ISO 8601.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The link to the member schema (`/v2/schemas/member`).
    #[serde(default)]
    pub schema: Option<String>,
}

#[derive(Deserialize)]
struct MemberList {
    members: Vec<Member>,
}

fn members_path(image_id: &str) -> Result<String> {
    Ok(format!("{}/members", image_path(image_id)?))
}

fn member_path(image_id: &str, member_id: &str) -> Result<String> {
    check_id("member id", member_id)?;
    Ok(format!("{}/{}", members_path(image_id)?, encode(member_id)))
}

fn check_status(status: &MemberStatus) -> Result<()> {
    match status {
        MemberStatus::Other(other) => Err(Error::invalid_argument(format!(
            "the status value must be one of 'accepted', 'rejected', or 'pending'; \
             received '{}'",
            other.escape_default()
        ))),
        _ => Ok(()),
    }
}

/// Re-types an HTTP failure of `status` with `variant`; other errors pass through.
fn retype(error: Error, status: u16, variant: fn(Box<HttpError>) -> Error) -> Error {
    match error.http() {
        Some(http) if http.status == status => variant(Box::new(http.clone())),
        _ => error,
    }
}

impl Client {
    /// The projects this image is shared with. The owner sees every member;
    /// a member sees only itself.
    pub fn list_members(&self, image_id: &str) -> Result<Vec<Member>> {
        let list: MemberList = self.transport().json(Call::get(members_path(image_id)?))?;
        Ok(list.members)
    }

    /// One member of an image. [`Error::NotAMember`] when the project is not
    /// one (and the image exists).
    pub fn get_member(&self, image_id: &str, member_id: &str) -> Result<Member> {
        let path = member_path(image_id, member_id)?;
        self.transport()
            .json(Call::get(path))
            .map_err(|e| self.not_a_member_if_image_exists(e, image_id))
    }

    /// Shares the image with a project; the member starts `pending`.
    ///
    /// [`Error::AlreadyMember`] when the project is one already;
    /// [`Error::Unsharable`] when the image's visibility is not `shared`
    /// (set it with `Patch::replace("visibility", "shared")` first); a plain
    /// [`Error::Forbidden`] when the caller does not own the image.
    pub fn add_member(&self, image_id: &str, member_id: &str) -> Result<Member> {
        check_id("member id", member_id)?;
        let call = Call::new(Method::POST, Service::Image, members_path(image_id)?)
            .payload(Payload::json(&serde_json::json!({ "member": member_id }))?);
        self.transport().json(call).map_err(|e| match e.status() {
            Some(409) => retype(e, 409, Error::AlreadyMember),
            Some(403) => self.unsharable_if_not_shared(e, image_id),
            _ => e,
        })
    }

    /// Stops sharing the image with a project. [`Error::NotAMember`] when the
    /// project is not one (and the image exists).
    pub fn remove_member(&self, image_id: &str, member_id: &str) -> Result<()> {
        let path = member_path(image_id, member_id)?;
        self.transport()
            .empty(Call::new(Method::DELETE, Service::Image, path))
            .map_err(|e| self.not_a_member_if_image_exists(e, image_id))
    }

    /// Answers a share, as the member project `member_id` (the caller's own
    /// project): `Accepted` makes the image appear in the member's default
    /// listings, `Rejected` hides it again, `Pending` undoes the answer.
    ///
    /// A status other than those three fails before any request.
    /// [`Error::MemberStatusForbidden`] when the caller is not the member
    /// (the owner cannot answer for its members); [`Error::NotAMember`] when
    /// the project is not a member or the image is gone.
    pub fn update_member_status(
        &self,
        image_id: &str,
        member_id: &str,
        status: MemberStatus,
    ) -> Result<Member> {
        check_status(&status)?;
        let path = member_path(image_id, member_id)?;
        let call = Call::new(Method::PUT, Service::Image, path)
            .payload(Payload::json(&serde_json::json!({ "status": status }))?);
        self.transport().json(call).map_err(|e| match e.status() {
            Some(403) => retype(e, 403, Error::MemberStatusForbidden),
            Some(404) => retype(e, 404, Error::NotAMember),
            _ => e,
        })
    }

    /// Answers a share as the caller's own project (pyrax's
    /// `update_image_member`): [`Client::update_member_status`] with the
    /// project the token is scoped to. [`Error::Config`] for a bare token,
    /// whose project the client cannot know.
    pub fn update_own_member_status(&self, image_id: &str, status: MemberStatus) -> Result<Member> {
        check_status(&status)?;
        image_path(image_id)?;
        let project = self.project_id()?.ok_or_else(|| {
            Error::Config(
                "the token's project is unknown (a bare token): give the member id to \
                 update_member_status"
                    .into(),
            )
        })?;
        self.update_member_status(image_id, &project, status)
    }

    /// A 404 on `/members/{id}` means either "no such image" or "not a
    /// member"; Glance's wording varies, so ask for the image to tell.
    fn not_a_member_if_image_exists(&self, error: Error, image_id: &str) -> Error {
        if error.status() != Some(404) {
            return error;
        }
        match self.get_image(image_id) {
            Ok(_) => retype(error, 404, Error::NotAMember),
            Err(image_error) => image_error,
        }
    }

    /// A 403 on adding a member is either "this image cannot have members"
    /// (its visibility) or "you are not the owner": the image record tells.
    fn unsharable_if_not_shared(&self, error: Error, image_id: &str) -> Error {
        let Ok(image) = self.get_image(image_id) else {
            return error;
        };
        if image.visibility == Visibility::Shared {
            return error;
        }
        match error.http() {
            Some(http) => {
                let mut http = http.clone();
                http.message = format!(
                    "{} (the image's visibility is '{}'; only 'shared' images have members)",
                    http.message, image.visibility
                );
                Error::Unsharable(Box::new(http))
            }
            None => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_paths_are_checked_and_encoded() {
        assert_eq!(
            member_path("img", "proj 1").unwrap(),
            "/v2/images/img/members/proj%201"
        );
        assert!(member_path("img", "").is_err());
        assert!(member_path("img", "a/b").is_err());
        assert!(member_path("", "p").is_err());
    }

    #[test]
    fn a_member_decodes_with_unknown_status() {
        let m: Member = serde_json::from_str(
            r#"{"member_id":"p","image_id":"i","status":"blocked","created_at":"2020-01-01T00:00:00Z",
                "updated_at":"2020-01-01T00:00:00Z","schema":"/v2/schemas/member"}"#,
        )
        .unwrap();
        assert_eq!(m.status, MemberStatus::Other("blocked".into()));
        assert_eq!(m.schema.as_deref(), Some("/v2/schemas/member"));
    }
}
