//! Identity against the real Keystone of the local cloud: every v3 method,
//! token reuse and renewal, the catalog's regions and interfaces, and the
//! openstacksdk configuration sources (clouds.yaml, `OS_*`).

mod support;

use glance_client::{
    auth::{
        ApplicationCredentialRef, AuthMethod, Interface, ProjectRef, Scope, Service, UserRef,
        V3ApplicationCredential, V3Password, V3Token,
    },
    config::ProxySetting,
    image_data::{DownloadOptions, UploadData, UploadOptions},
    Client, CreateImage, Error, ListOptions, Visibility,
};
use support::cloud::{glance2_url, glance_url, keystone_url, token, unique, user, Cleanup};
use support::identity::{
    keystone_proxy, revoke, token_requests, user_id, validation_status, AppCredential,
};

fn password_client(which: &str) -> Client {
    let u = user(which);
    Client::builder()
        .password(keystone_url(), &u.name, u.password.as_str(), &u.project)
        .proxy(ProxySetting::None)
        .build()
        .expect("client builds")
}

fn v3_password(auth_url: String, which: &str) -> AuthMethod {
    let u = user(which);
    AuthMethod::V3Password(V3Password {
        auth_url,
        user: UserRef::name(u.name),
        password: u.password.into(),
        scope: Scope::Project(ProjectRef::name(u.project)),
    })
}

/// A new raw image without data, made by `owner`; its id.
fn queued_image(owner: &Client, name: &str) -> String {
    owner
        .create_image(&CreateImage {
            name: Some(unique(name)),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            ..Default::default()
        })
        .unwrap()
        .id
}

/// Uploads `content` from a source that can rewind; checks Glance has it all.
fn upload_from_memory(client: &Client, id: &str, content: &[u8]) {
    let mut source = std::io::Cursor::new(content);
    let image = client
        .upload_image(
            id,
            UploadData::seekable(&mut source),
            UploadOptions::default(),
        )
        .unwrap();
    assert_eq!(image.size, Some(content.len() as u64));
}

fn ids(client: &Client) -> Vec<String> {
    client
        .images(&ListOptions::default())
        .map(|image| image.expect("listing works").id)
        .collect()
}

#[test]
fn password_auth_scopes_each_client_to_its_project() {
    let demo = password_client("DEMO");
    let alt = password_client("ALT");
    assert_eq!(
        demo.project_id().unwrap().as_deref(),
        Some(user("DEMO").project_id.as_str())
    );
    assert_eq!(
        alt.project_id().unwrap().as_deref(),
        Some(user("ALT").project_id.as_str())
    );
    assert_eq!(demo.user_id().unwrap(), Some(user_id("DEMO")));
    assert_eq!(demo.endpoint_url(Service::Image).unwrap(), glance_url());

    let mut cleanup = Cleanup::new(&demo);
    let image = demo
        .create_image(&CreateImage {
            name: Some(unique("auth-private")),
            visibility: Some(Visibility::Private),
            ..Default::default()
        })
        .unwrap();
    cleanup.add(&image.id);
    assert_eq!(
        image.owner.as_deref(),
        Some(user("DEMO").project_id.as_str())
    );
    assert!(ids(&demo).contains(&image.id));
    assert!(
        !ids(&alt).contains(&image.id),
        "alt_demo sees demo's private image"
    );
}

#[test]
fn one_token_serves_many_requests() {
    let proxy = keystone_proxy();
    let client = Client::builder()
        .auth(v3_password(format!("{}/v3", proxy.url()), "DEMO"))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    let first = client.auth_token().unwrap();
    for _ in 0..5 {
        client.list_images(&ListOptions::default()).unwrap();
    }
    let clone = client.clone();
    std::thread::spawn(move || clone.list_images(&ListOptions::default()).unwrap())
        .join()
        .unwrap();
    assert_eq!(token_requests(&proxy), 1, "{:?}", proxy.requests());
    assert_eq!(client.auth_token().unwrap(), first);
}

#[test]
fn a_wrong_password_is_a_401_from_keystone_and_is_not_retried() {
    let proxy = keystone_proxy();
    let mut method = v3_password(format!("{}/v3", proxy.url()), "DEMO");
    if let AuthMethod::V3Password(p) = &mut method {
        p.password = "not-the-password".into();
    }
    let client = Client::builder()
        .auth(method)
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    let error = client.list_images(&ListOptions::default()).unwrap_err();
    let Error::Unauthorized(http) = &error else {
        panic!("expected Unauthorized, got {error:?}")
    };
    assert_eq!(http.status, 401);
    assert_eq!(http.path, "/v3/auth/tokens");
    assert!(http.request_id.is_some(), "{http:?}");
    let text = error.to_string();
    assert!(text.contains("Keystone rejected the credentials"), "{text}");
    assert!(
        !text.contains("not-the-password") && !format!("{error:?}").contains("not-the-password")
    );
    assert_eq!(token_requests(&proxy), 1);
    // Each call tries once more; none loops.
    assert!(matches!(client.auth_token(), Err(Error::Unauthorized(_))));
    assert_eq!(token_requests(&proxy), 2);
}

#[test]
fn application_credentials_by_id_and_by_name() {
    let credential = AppCredential::create("DEMO", &unique("auth-appcred"));
    let by_id = Client::builder()
        .auth(AuthMethod::V3ApplicationCredential(
            V3ApplicationCredential {
                auth_url: keystone_url(),
                credential: ApplicationCredentialRef::Id(credential.id.clone()),
                secret: credential.secret.as_str().into(),
            },
        ))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    by_id.list_images(&ListOptions::default()).unwrap();
    assert_eq!(
        by_id.project_id().unwrap().as_deref(),
        Some(user("DEMO").project_id.as_str())
    );
    let by_name = Client::builder()
        .auth(AuthMethod::V3ApplicationCredential(
            V3ApplicationCredential {
                auth_url: keystone_url(),
                credential: ApplicationCredentialRef::Name {
                    name: credential.name.clone(),
                    user: UserRef::name(user("DEMO").name),
                },
                secret: credential.secret.as_str().into(),
            },
        ))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    by_name.list_images(&ListOptions::default()).unwrap();
    assert_eq!(by_name.user_id().unwrap(), Some(user_id("DEMO")));
    let wrong = Client::builder()
        .auth(AuthMethod::V3ApplicationCredential(
            V3ApplicationCredential {
                auth_url: keystone_url(),
                credential: ApplicationCredentialRef::Id(credential.id.clone()),
                secret: "wrong".into(),
            },
        ))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    assert!(matches!(
        wrong.list_images(&ListOptions::default()),
        Err(Error::Unauthorized(_))
    ));
}

#[test]
fn an_existing_token_is_exchanged_for_a_scoped_one_or_used_as_is() {
    let demo = user("DEMO");
    let existing = token(&demo);
    let exchanged = Client::builder()
        .auth(AuthMethod::V3Token(V3Token {
            auth_url: keystone_url(),
            token: existing.as_str().into(),
            scope: Scope::Project(ProjectRef::Id(demo.project_id.clone())),
        }))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    exchanged.list_images(&ListOptions::default()).unwrap();
    assert_ne!(exchanged.auth_token().unwrap().expose(), existing);
    assert_eq!(exchanged.project_id().unwrap(), Some(demo.project_id));

    let as_is = Client::builder()
        .endpoint(glance_url())
        .token(existing.as_str())
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    as_is.list_images(&ListOptions::default()).unwrap();
    assert_eq!(as_is.auth_token().unwrap().expose(), existing);
    assert_eq!(as_is.project_id().unwrap(), None);
}

#[test]
fn catalog_regions_and_interfaces() {
    let u = user("DEMO");
    let in_region = |region: &str, interface: Interface| {
        Client::builder()
            .password(keystone_url(), &u.name, u.password.as_str(), &u.project)
            .region(region)
            .interface(interface)
            .proxy(ProxySetting::None)
            .build()
            .unwrap()
    };
    let two = in_region("regiontwo", Interface::Public);
    assert_eq!(two.endpoint_url(Service::Image).unwrap(), glance2_url());
    two.list_images(&ListOptions::default()).unwrap();
    let one = in_region("RegionOne", Interface::Internal);
    assert_eq!(one.endpoint_url(Service::Image).unwrap(), glance_url());
    one.list_images(&ListOptions::default()).unwrap();
    let admin = in_region("REGIONTWO", Interface::Admin);
    assert_eq!(admin.endpoint_url(Service::Image).unwrap(), glance2_url());
    let swift = admin.endpoint_url(Service::ObjectStore).unwrap();
    assert!(
        swift.ends_with(&format!("/v1/AUTH_{}", u.project_id)),
        "{swift}"
    );

    let nowhere = in_region("RegionThree", Interface::Public);
    let error = nowhere.list_images(&ListOptions::default()).unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        text.contains("no 'image' endpoint for region 'RegionThree'"),
        "{text}"
    );
    assert!(
        text.contains("RegionOne public") && text.contains("RegionTwo admin"),
        "{text}"
    );

    // An override skips the catalog, whatever the region says.
    let overridden = Client::builder()
        .password(keystone_url(), &u.name, u.password.as_str(), &u.project)
        .region("RegionThree")
        .endpoint(format!("{}/v2/", glance2_url()))
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    overridden.list_images(&ListOptions::default()).unwrap();
    assert_eq!(
        overridden.endpoint_url(Service::Image).unwrap(),
        glance2_url()
    );
}

#[test]
fn a_revoked_token_is_replaced_on_the_next_call() {
    let proxy = keystone_proxy();
    let client = Client::builder()
        .auth(v3_password(format!("{}/v3", proxy.url()), "DEMO"))
        .region("RegionTwo")
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    // Glance's keystonemiddleware caches a token it has validated for minutes,
    // so the token is revoked before any Glance saw it: the next call's 401
    // then comes from Keystone's own verdict.
    let revoked = client.auth_token().unwrap();
    revoke(revoked.expose());
    assert_eq!(validation_status(revoked.expose(), "DEMO"), 404);
    client.list_images(&ListOptions::default()).unwrap();
    let fresh = client.auth_token().unwrap();
    assert_ne!(fresh, revoked);
    assert_eq!(validation_status(fresh.expose(), "DEMO"), 200);
    assert_eq!(token_requests(&proxy), 2);
}

#[test]
fn a_revoked_token_is_replaced_during_an_upload_from_a_source_that_can_rewind() {
    // Another client makes the image records, so the uploading client's token
    // reaches Glance for the first time with the upload itself (Glance caches
    // tokens it has validated; see above).
    let owner = support::cloud::client("DEMO");
    let mut cleanup = Cleanup::new(&owner);
    let record = || queued_image(&owner, "auth-upload");
    let content: Vec<u8> = (0..3u32 << 20).map(|i| (i % 251) as u8).collect();
    let revoked_client = |proxy: &support::double::Double| {
        let client = Client::builder()
            .auth(v3_password(format!("{}/v3", proxy.url()), "DEMO"))
            .proxy(ProxySetting::None)
            .build()
            .unwrap();
        revoke(client.auth_token().unwrap().expose());
        client
    };

    let rewindable = record();
    cleanup.add(&rewindable);
    let proxy = keystone_proxy();
    let client = revoked_client(&proxy);
    upload_from_memory(&client, &rewindable, &content);
    assert_eq!(
        token_requests(&proxy),
        2,
        "the revoked token was renewed once"
    );
    let mut back = Vec::new();
    owner
        .download_image(&rewindable, &mut back, DownloadOptions::default())
        .unwrap();
    assert!(back == content, "the data round-trips");

    // A reader that cannot start over: the 401 is the answer.
    let one_shot = record();
    cleanup.add(&one_shot);
    let proxy = keystone_proxy();
    let client = revoked_client(&proxy);
    let mut reader = &content[..];
    let error = client
        .upload_image(
            &one_shot,
            UploadData::reader(&mut reader, Some(content.len() as u64)),
            UploadOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
}

#[test]
fn a_token_revoked_after_glance_used_it_is_replaced_mid_way() {
    // RegionTwo's Glance keeps no token cache (scripts/local-cloud.d/glance.sh),
    // so a revocation after it has accepted the token is seen at once.
    let owner = support::cloud::catalog_client("DEMO", "RegionTwo");
    let mut cleanup = Cleanup::new(&owner);
    let proxy = keystone_proxy();
    let client = Client::builder()
        .auth(v3_password(format!("{}/v3", proxy.url()), "DEMO"))
        .region("RegionTwo")
        .proxy(ProxySetting::None)
        .build()
        .unwrap();
    client.list_images(&ListOptions::default()).unwrap();
    let used = client.auth_token().unwrap();
    revoke(used.expose());

    // The next call: a 401 from Glance, one re-authentication, the answer.
    client.list_images(&ListOptions::default()).unwrap();
    let renewed = client.auth_token().unwrap();
    assert_ne!(renewed, used);
    assert_eq!(token_requests(&proxy), 2);

    // And in the middle of streaming data from a source that can rewind.
    let image = queued_image(&owner, "auth-mid-way");
    cleanup.add(&image);
    revoke(renewed.expose());
    let content: Vec<u8> = (0..3u32 << 20).map(|i| (i % 253) as u8).collect();
    upload_from_memory(&client, &image, &content);
    assert_eq!(token_requests(&proxy), 3, "renewed once more, not looping");
    assert_ne!(client.auth_token().unwrap(), renewed);
}

#[cfg(feature = "clouds-yaml")]
#[test]
fn from_cloud_lists_images() {
    // OS_CLIENT_CONFIG_FILE from the cloud's env.sh names its clouds.yaml.
    let demo = Client::from_cloud("demo").unwrap();
    demo.list_images(&ListOptions::default()).unwrap();
    assert_eq!(
        demo.project_id().unwrap().as_deref(),
        Some(user("DEMO").project_id.as_str())
    );
    let region_two = Client::from_cloud("demo_region_two").unwrap();
    assert_eq!(
        region_two.endpoint_url(Service::Image).unwrap(),
        glance2_url()
    );
    region_two.list_images(&ListOptions::default()).unwrap();
    let alt = Client::from_cloud("alt_demo").unwrap();
    assert_eq!(
        alt.project_id().unwrap().as_deref(),
        Some(user("ALT").project_id.as_str())
    );
    let error = Client::from_cloud("no_such_cloud").unwrap_err().to_string();
    assert!(
        error.contains("no cloud 'no_such_cloud'") && error.contains("demo_region_two"),
        "{error}"
    );
}

#[test]
fn from_env_lists_images() {
    // env.sh exports OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ... for demo.
    let client = Client::from_env().unwrap();
    client.list_images(&ListOptions::default()).unwrap();
    assert_eq!(
        client.project_id().unwrap().as_deref(),
        Some(user("DEMO").project_id.as_str())
    );
}
