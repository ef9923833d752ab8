//! The Images API against the real Glance of the local cloud.

mod support;

use std::collections::BTreeMap;

use glance_client::{
    listing::{Compare, Match, StatusFilter, VisibilityFilter},
    CreateImage, Error, ImageStatus, ListOptions, Patch, SortDir, Visibility,
};
use serde_json::Value;
use support::cloud::{client, unique, Cleanup};

fn tagged(run: &str, name: &str) -> CreateImage {
    CreateImage {
        name: Some(name.to_owned()),
        disk_format: Some("raw".into()),
        container_format: Some("bare".into()),
        properties: [("test_run".to_owned(), run.to_owned())].into(),
        ..Default::default()
    }
}

fn run_filter(run: &str) -> ListOptions {
    ListOptions {
        properties: vec![("test_run".into(), run.into())],
        ..Default::default()
    }
}

#[test]
fn sixty_images_in_pages_of_seven_come_back_once_each_in_order() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("paging");
    let mut names = Vec::new();
    for i in 0..60 {
        let name = format!("{run}-{i:02}");
        let image = client.create_image(&tagged(&run, &name)).unwrap();
        cleanup.add(&image.id);
        names.push(name);
    }

    for dir in [SortDir::Asc, SortDir::Desc] {
        let options = ListOptions {
            limit: Some(7),
            sort: vec![("name".into(), dir)],
            ..run_filter(&run)
        };
        let listed: Vec<String> = client
            .images(&options)
            .map(|i| i.unwrap().name.unwrap())
            .collect();
        let mut expected = names.clone();
        if dir == SortDir::Desc {
            expected.reverse();
        }
        assert_eq!(listed, expected, "order {dir:?}");
    }

    let first = client
        .list_images(&ListOptions {
            limit: Some(7),
            sort_key: Some("name".into()),
            sort_dir: Some(SortDir::Asc),
            ..run_filter(&run)
        })
        .unwrap();
    assert_eq!(first.images.len(), 7);
    let next = first
        .next
        .expect("a first page of 7 out of 60 has a next link");
    let second = client.list_images_at(&next).unwrap();
    assert_eq!(second.images[0].name.as_deref(), Some(names[7].as_str()));
    assert_eq!(client.list_all_images(&run_filter(&run)).unwrap().len(), 60);
}

#[test]
fn create_get_patch_rename_and_delete() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("crud");
    let created = client
        .create_image(&CreateImage {
            min_disk: Some(2),
            min_ram: Some(512),
            tags: vec!["alpha".into(), "beta gamma".into()],
            visibility: Some(Visibility::Private),
            properties: [
                ("test_run".to_owned(), run.clone()),
                ("os_distro".to_owned(), "debian".to_owned()),
                ("to_remove".to_owned(), "x".to_owned()),
            ]
            .into(),
            ..tagged(&run, &run)
        })
        .unwrap();
    cleanup.add(&created.id);
    assert_eq!(created.status, ImageStatus::Queued);
    assert_eq!(created.visibility, Visibility::Private);
    assert_eq!(created.min_ram, 512);
    assert_eq!(created.property("os_distro"), Some("debian"));

    let fetched = client.get_image(&created.id).unwrap();
    assert_eq!(fetched.id, created.id);
    assert_eq!(fetched.tags.len(), 2);

    let patched = client
        .update_image(
            &created.id,
            &[
                Patch::replace("os_distro", "ubuntu"),
                Patch::add("key/with~chars", "v"),
                Patch::remove("to_remove"),
                Patch::replace("min_ram", 1024),
            ],
        )
        .unwrap();
    assert_eq!(patched.property("os_distro"), Some("ubuntu"));
    let fresh = client.get_image(&created.id).unwrap();
    assert_eq!(fresh.property("os_distro"), Some("ubuntu"));
    assert_eq!(fresh.property("key/with~chars"), Some("v"));
    assert_eq!(fresh.property("to_remove"), None);
    assert_eq!(fresh.min_ram, 1024);

    let desired: BTreeMap<String, Option<Value>> = [
        ("os_distro".to_owned(), Some(Value::from("fedora"))),
        ("key/with~chars".to_owned(), None),
        ("added".to_owned(), Some(Value::from("yes"))),
    ]
    .into();
    client.set_image_properties(&created.id, &desired).unwrap();
    let fresh = client.get_image(&created.id).unwrap();
    assert_eq!(fresh.property("os_distro"), Some("fedora"));
    assert_eq!(fresh.property("added"), Some("yes"));
    assert!(!fresh.properties.contains_key("key/with~chars"));

    let renamed_to = format!("{run} renamed & ü");
    client.rename_image(&created.id, &renamed_to).unwrap();
    assert_eq!(
        client.get_image(&created.id).unwrap().name.as_deref(),
        Some(renamed_to.as_str())
    );

    client.delete_image(&created.id).unwrap();
    assert!(matches!(
        client.get_image(&created.id),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn filters_select_exactly_what_they_should() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("filters");
    let odd_name = format!("{run} a&b/c%d+e f ü");
    let make = |name: &str, disk: &str, tags: &[&str], extra: &[(&str, &str)]| {
        let mut spec = tagged(&run, name);
        spec.disk_format = Some(disk.to_owned());
        spec.tags = tags.iter().map(|t| t.to_string()).collect();
        for (k, v) in extra {
            spec.properties.insert(k.to_string(), v.to_string());
        }
        client.create_image(&spec).unwrap()
    };
    let odd = make(&odd_name, "raw", &["red", "blue"], &[("flavor", "x")]);
    let qcow = make(
        &format!("{run}-qcow"),
        "qcow2",
        &["red"],
        &[("flavor", "y")],
    );
    let plain = make(&format!("{run}-plain"), "raw", &[], &[]);
    for image in [&odd, &qcow, &plain] {
        cleanup.add(&image.id);
    }
    let ids = |options: ListOptions| -> Vec<String> {
        let mut ids: Vec<String> = client
            .images(&ListOptions {
                properties: [
                    vec![("test_run".to_owned(), run.clone())],
                    options.properties.clone(),
                ]
                .concat(),
                ..options
            })
            .map(|i| i.unwrap().id)
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };

    assert_eq!(
        ids(ListOptions {
            name: Some(Match::Is(odd_name.clone())),
            ..Default::default()
        }),
        sorted(vec![&odd.id])
    );
    assert_eq!(
        ids(ListOptions {
            name: Some(Match::In(vec![odd_name.clone(), format!("{run}-plain")])),
            ..Default::default()
        }),
        sorted(vec![&odd.id, &plain.id])
    );
    assert_eq!(
        ids(ListOptions {
            tags: vec!["red".into()],
            ..Default::default()
        }),
        sorted(vec![&odd.id, &qcow.id])
    );
    assert_eq!(
        ids(ListOptions {
            tags: vec!["red".into(), "blue".into()],
            ..Default::default()
        }),
        sorted(vec![&odd.id])
    );
    assert_eq!(
        ids(ListOptions {
            disk_format: Some("qcow2".into()),
            ..Default::default()
        }),
        sorted(vec![&qcow.id])
    );
    assert_eq!(
        ids(ListOptions {
            properties: vec![("flavor".into(), "y".into())],
            ..Default::default()
        }),
        sorted(vec![&qcow.id])
    );
    assert_eq!(
        ids(ListOptions {
            status: Some(StatusFilter::In(vec![
                ImageStatus::Queued,
                ImageStatus::Saving
            ])),
            ..Default::default()
        })
        .len(),
        3
    );
    assert!(ids(ListOptions {
        status: Some(ImageStatus::Active.into()),
        ..Default::default()
    })
    .is_empty());
    assert!(ids(ListOptions {
        created_at: vec![(Compare::Lt, "2000-01-01T00:00:00Z".into())],
        ..Default::default()
    })
    .is_empty());
    assert_eq!(
        ids(ListOptions {
            created_at: vec![(Compare::Gte, "2000-01-01T00:00:00Z".into())],
            ..Default::default()
        })
        .len(),
        3
    );
    assert_eq!(
        ids(ListOptions {
            visibility: Some(VisibilityFilter::Only(Visibility::Shared)),
            ..Default::default()
        })
        .len(),
        3
    );
    assert!(ids(ListOptions {
        visibility: Some(VisibilityFilter::Only(Visibility::Private)),
        ..Default::default()
    })
    .is_empty());
    assert_eq!(
        ids(ListOptions {
            protected: Some(false),
            ..Default::default()
        })
        .len(),
        3
    );
    assert!(ids(ListOptions {
        protected: Some(true),
        ..Default::default()
    })
    .is_empty());
}

#[test]
fn hidden_and_community_images_are_listed_only_on_request() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("hidden");
    let hidden = client
        .create_image(&CreateImage {
            os_hidden: Some(true),
            ..tagged(&run, "hidden")
        })
        .unwrap();
    cleanup.add(&hidden.id);
    let community = client
        .create_image(&CreateImage {
            visibility: Some(Visibility::Community),
            ..tagged(&run, "community")
        })
        .unwrap();
    cleanup.add(&community.id);

    let count = |client: &glance_client::Client, options: ListOptions| {
        client
            .list_all_images(&ListOptions {
                properties: vec![("test_run".into(), run.clone())],
                ..options
            })
            .unwrap()
            .into_iter()
            .map(|i| i.name.unwrap())
            .collect::<Vec<_>>()
    };
    // The owner sees its community image by default, never its hidden one.
    assert_eq!(count(&client, ListOptions::default()), ["community"]);
    assert_eq!(
        count(
            &client,
            ListOptions {
                os_hidden: Some(true),
                ..Default::default()
            }
        ),
        ["hidden"]
    );
    // Another project sees the community image only when it asks for it.
    let other = support::cloud::client("ALT");
    assert!(count(&other, ListOptions::default()).is_empty());
    assert_eq!(
        count(
            &other,
            ListOptions {
                visibility: Some(VisibilityFilter::Only(Visibility::Community)),
                ..Default::default()
            }
        ),
        ["community"]
    );
    assert_eq!(
        count(
            &other,
            ListOptions {
                visibility: Some(VisibilityFilter::All),
                ..Default::default()
            }
        ),
        ["community"]
    );
}

#[test]
fn find_by_name_is_exact_and_unambiguous() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("find");
    let one = client
        .create_image(&tagged(&run, &format!("{run}-one")))
        .unwrap();
    cleanup.add(&one.id);
    for _ in 0..2 {
        let twin = client
            .create_image(&tagged(&run, &format!("{run}-twin")))
            .unwrap();
        cleanup.add(&twin.id);
    }
    assert_eq!(client.find_image(&format!("{run}-one")).unwrap().id, one.id);
    assert!(matches!(
        client.find_image(&format!("{run}-twin")),
        Err(Error::Ambiguous(_))
    ));
    assert!(matches!(
        client.find_image(&format!("{run}-none")),
        Err(Error::NoMatch(_))
    ));
}

#[test]
fn deactivate_reactivate_and_protection() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("states");
    let image = client.create_image(&tagged(&run, &run)).unwrap();
    cleanup.add(&image.id);
    // Only an active image can be deactivated; a queued one is a conflict.
    let err = client.deactivate_image(&image.id).unwrap_err();
    assert!(
        matches!(err, Error::Conflict(_)) || matches!(err, Error::Forbidden(_)),
        "{err}"
    );

    client
        .update_image(&image.id, &[Patch::replace("protected", true)])
        .unwrap();
    let err = client.delete_image(&image.id).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    client
        .update_image(&image.id, &[Patch::replace("protected", false)])
        .unwrap();
    client.delete_image(&image.id).unwrap();
}

#[test]
fn errors_carry_status_message_and_request_id() {
    let client = client("DEMO");
    let err = client
        .get_image("00000000-0000-0000-0000-000000000000")
        .unwrap_err();
    let Error::NotFound(http) = &err else {
        panic!("expected NotFound, got {err:?}")
    };
    assert_eq!(http.status, 404);
    assert_eq!(http.method, "GET");
    assert_eq!(http.path, "/v2/images/00000000-0000-0000-0000-000000000000");
    assert!(http.message.contains("No image found"), "{}", http.message);
    assert!(!http.message.contains("<br"), "{}", http.message);
    assert!(err.request_id().unwrap().starts_with("req-"), "{err}");

    let err = client
        .list_images(&ListOptions {
            marker: Some("not-on-the-server".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)), "{err}");
    assert!(err.request_id().is_some());

    // A custom property must be a string: the schema check answers 400 with its reason.
    let err = client
        .create_image(&CreateImage {
            min_disk: Some(u64::MAX),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(err, Error::BadRequest(_)), "{err}");

    let err = client
        .update_image(
            &client
                .create_image(&CreateImage::default())
                .map(|i| {
                    let id = i.id.clone();
                    client.delete_image(&id).unwrap();
                    id
                })
                .unwrap(),
            &[Patch::replace("name", "x")],
        )
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");
}

#[test]
fn read_only_attributes_and_missing_properties_are_typed_errors() {
    let client = client("DEMO");
    let mut cleanup = Cleanup::new(&client);
    let run = unique("readonly");
    let image = client.create_image(&tagged(&run, &run)).unwrap();
    cleanup.add(&image.id);
    let err = client
        .update_image(&image.id, &[Patch::replace("status", "active")])
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    let err = client
        .update_image(&image.id, &[Patch::remove("never_set")])
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
}
