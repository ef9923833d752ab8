//! Members, tags and schemas against the real Glance of the local cloud.

mod support;

use std::collections::BTreeSet;

use glance_client::{
    listing::MemberStatusFilter, members::MemberStatus, Client, CreateImage, Error, ListOptions,
    Patch, SchemaName, Visibility,
};
use support::cloud::{catalog_client, client, unique, user, Cleanup};

fn create(client: &Client, name: &str, visibility: Visibility) -> String {
    client
        .create_image(&CreateImage {
            name: Some(name.to_owned()),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            visibility: Some(visibility),
            ..Default::default()
        })
        .unwrap()
        .id
}

/// Whether `image_id` is in the caller's listing with this member_status filter.
fn listed(client: &Client, name: &str, image_id: &str, filter: Option<MemberStatus>) -> bool {
    let options = ListOptions {
        name: Some(name.into()),
        member_status: filter.map(MemberStatusFilter::Only),
        ..Default::default()
    };
    client
        .images(&options)
        .map(|i| i.unwrap().id)
        .any(|id| id == image_id)
}

#[test]
fn a_shared_image_appears_for_the_member_only_once_accepted() {
    let owner = client("DEMO");
    let consumer = client("ALT");
    let alt = user("ALT").project_id;
    let mut cleanup = Cleanup::new(&owner);
    let name = unique("share");
    let id = create(&owner, &name, Visibility::Shared);
    cleanup.add(&id);

    assert!(!listed(&consumer, &name, &id, None), "not shared yet");
    let member = owner.add_member(&id, &alt).unwrap();
    assert_eq!(member.member_id, alt);
    assert_eq!(member.image_id, id);
    assert_eq!(member.status, MemberStatus::Pending);

    assert!(!listed(&consumer, &name, &id, None), "pending: hidden");
    assert!(listed(&consumer, &name, &id, Some(MemberStatus::Pending)));

    // The owner cannot answer for its member.
    let err = owner
        .update_member_status(&id, &alt, MemberStatus::Accepted)
        .unwrap_err();
    assert!(matches!(err, Error::MemberStatusForbidden(_)), "{err:?}");
    assert_eq!(err.status(), Some(403));
    assert!(err.request_id().is_some_and(|r| r.starts_with("req-")));
    assert_eq!(
        owner.get_member(&id, &alt).unwrap().status,
        MemberStatus::Pending
    );

    let accepted = consumer
        .update_member_status(&id, &alt, MemberStatus::Accepted)
        .unwrap();
    assert_eq!(accepted.status, MemberStatus::Accepted);
    assert!(listed(&consumer, &name, &id, None), "accepted: listed");
    assert!(listed(&consumer, &name, &id, Some(MemberStatus::Accepted)));
    assert_eq!(
        owner.get_member(&id, &alt).unwrap().status,
        MemberStatus::Accepted
    );
    // A member sees only itself among the members.
    let seen: Vec<String> = consumer
        .list_members(&id)
        .unwrap()
        .into_iter()
        .map(|m| m.member_id)
        .collect();
    assert_eq!(seen, vec![alt.clone()]);

    consumer
        .update_member_status(&id, &alt, MemberStatus::Rejected)
        .unwrap();
    assert!(!listed(&consumer, &name, &id, None), "rejected: hidden");
    assert!(listed(&consumer, &name, &id, Some(MemberStatus::Rejected)));
    assert!(!listed(&consumer, &name, &id, Some(MemberStatus::Accepted)));
}

#[test]
fn a_member_signed_in_with_a_password_answers_as_its_own_project() {
    let owner = client("DEMO");
    let consumer = catalog_client("ALT", "RegionOne");
    let mut cleanup = Cleanup::new(&owner);
    let id = create(&owner, &unique("own-status"), Visibility::Shared);
    cleanup.add(&id);
    owner.add_member(&id, &user("ALT").project_id).unwrap();

    let member = consumer
        .update_own_member_status(&id, MemberStatus::Accepted)
        .unwrap();
    assert_eq!(member.member_id, user("ALT").project_id);
    assert_eq!(member.status, MemberStatus::Accepted);
    // The owner's project is not a member: nothing to answer.
    let err = catalog_client("DEMO", "RegionOne")
        .update_own_member_status(&id, MemberStatus::Accepted)
        .unwrap_err();
    assert!(matches!(err, Error::NotAMember(_)), "{err:?}");
    // A bare token does not say which project it is for.
    let err = client("ALT")
        .update_own_member_status(&id, MemberStatus::Rejected)
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[test]
fn membership_errors_say_what_went_wrong() {
    let owner = client("DEMO");
    let other = client("ALT");
    let alt = user("ALT").project_id;
    let admin_project = user("ADMIN").project_id;
    let mut cleanup = Cleanup::new(&owner);
    let shared = create(&owner, &unique("members-shared"), Visibility::Shared);
    let private = create(&owner, &unique("members-private"), Visibility::Private);
    cleanup.add(&shared);
    cleanup.add(&private);

    let err = owner.get_member(&shared, &alt).unwrap_err();
    assert!(matches!(err, Error::NotAMember(_)), "{err:?}");
    assert_eq!(err.status(), Some(404));

    owner.add_member(&shared, &alt).unwrap();
    let err = owner.add_member(&shared, &alt).unwrap_err();
    assert!(matches!(err, Error::AlreadyMember(_)), "{err:?}");
    assert_eq!(err.status(), Some(409));
    assert!(err.to_string().contains("already a member"), "{err}");

    let err = owner.add_member(&private, &alt).unwrap_err();
    assert!(matches!(err, Error::Unsharable(_)), "{err:?}");
    assert!(err.to_string().contains("'private'"), "{err}");
    // Once shared, it can have members.
    owner
        .update_image(&private, &[Patch::replace("visibility", "shared")])
        .unwrap();
    owner.add_member(&private, &alt).unwrap();

    // A member trying to share further is refused, but not as "unsharable".
    let err = other.add_member(&shared, &admin_project).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");

    let members: BTreeSet<String> = owner
        .list_members(&shared)
        .unwrap()
        .into_iter()
        .map(|m| m.member_id)
        .collect();
    assert_eq!(members, BTreeSet::from([alt.clone()]));

    owner.remove_member(&shared, &alt).unwrap();
    assert!(owner.list_members(&shared).unwrap().is_empty());
    let err = owner.remove_member(&shared, &alt).unwrap_err();
    assert!(matches!(err, Error::NotAMember(_)), "{err:?}");
    // Removed: the former member can no longer answer.
    let err = other
        .update_member_status(&shared, &alt, MemberStatus::Accepted)
        .unwrap_err();
    assert!(matches!(err, Error::NotAMember(_)), "{err:?}");

    // An image that does not exist is not reported as a membership problem.
    let missing = "00000000-0000-4000-8000-000000000000";
    assert!(matches!(
        owner.get_member(missing, &alt),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        owner.list_members(missing),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn tags_with_any_characters_round_trip() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let id = create(&client, &unique("tags"), Visibility::Private);
    cleanup.add(&id);
    let tags = [
        "plain",
        "with space",
        "100%",
        "50%25",
        "q?a#b&c=d+e",
        "café",
        "日本語",
        "a/b",
        "..",
        "back\\slash",
    ];
    for tag in tags {
        client.add_tag(&id, tag).unwrap();
    }
    // Adding again changes nothing, whichever route the tag takes.
    client.add_tag(&id, "with space").unwrap();
    client.add_tag(&id, "café").unwrap();
    let stored: BTreeSet<String> = client.get_image(&id).unwrap().tags.into_iter().collect();
    let expected: BTreeSet<String> = tags.iter().map(|t| t.to_string()).collect();
    assert_eq!(stored, expected);

    for tag in ["with space", "100%", "café", "a/b"] {
        client.remove_tag(&id, tag).unwrap();
    }
    let stored: BTreeSet<String> = client.get_image(&id).unwrap().tags.into_iter().collect();
    let expected: BTreeSet<String> = [
        "plain",
        "50%25",
        "q?a#b&c=d+e",
        "日本語",
        "..",
        "back\\slash",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    assert_eq!(stored, expected);

    for absent in ["with space", "a/b"] {
        let err = client.remove_tag(&id, absent).unwrap_err();
        assert!(matches!(err, Error::NoMatch(_)), "{absent}: {err:?}");
    }
    let replaced = client
        .replace_tags(&id, &["x/y".to_owned(), "z".to_owned()])
        .unwrap();
    let replaced: BTreeSet<String> = replaced.tags.into_iter().collect();
    assert_eq!(replaced, BTreeSet::from(["x/y".to_owned(), "z".to_owned()]));

    let missing = "00000000-0000-4000-8000-000000000000";
    for tag in ["plain", "a/b"] {
        assert!(matches!(
            client.add_tag(missing, tag),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            client.remove_tag(missing, tag),
            Err(Error::NotFound(_))
        ));
    }
}

#[test]
fn all_six_schemas_are_json_documents_named_for_what_they_describe() {
    let client = client("READER");
    for name in SchemaName::ALL {
        let schema = client.get_schema(name).unwrap();
        assert_eq!(schema["name"], name.as_str(), "{name:?}");
        assert!(schema["properties"].is_object(), "{name:?}: {schema}");
    }
    let image = client.get_schema(SchemaName::Image).unwrap();
    assert_eq!(image["properties"]["tags"]["items"]["maxLength"], 255);
    let task = client.get_schema(SchemaName::Task).unwrap();
    assert!(task["properties"]["status"]["enum"]
        .as_array()
        .unwrap()
        .contains(&"failure".into()));
}
