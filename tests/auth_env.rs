//! `Client::from_env()` and `Client::from_cloud()` with settings other than
//! the ones env.sh exports, against the real Keystone. Environment changes
//! happen only in a child process (this test binary run again for one test),
//! never in the process whose other tests run in parallel.

mod support;

use std::path::PathBuf;
use std::process::Command;

use glance_client::{auth::Service, Client, Error, ListOptions};
use support::cloud::{glance2_url, glance_url, token, unique, user};
use support::identity::AppCredential;

/// Set in the child; the tests below do their real work only there.
const CHILD: &str = "GLANCE_AUTH_ENV_CHILD";

/// Every `OS_*` variable env.sh exports that names the demo password login.
const PASSWORD_VARS: &[&str] = &[
    "OS_AUTH_TYPE",
    "OS_USERNAME",
    "OS_PASSWORD",
    "OS_PROJECT_NAME",
    "OS_USER_DOMAIN_NAME",
    "OS_USER_DOMAIN_ID",
    "OS_PROJECT_DOMAIN_NAME",
    "OS_PROJECT_DOMAIN_ID",
];

fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs test `name` of this binary in a child process with `set` added to
/// and `unset` removed from the environment; fails unless it passed.
fn run_in_child(name: &str, set: &[(&str, &str)], unset: &[&str], dir: Option<&PathBuf>) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    for key in unset {
        command.env_remove(key);
    }
    for (key, value) in set {
        command.env(key, value);
    }
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command.output().expect("the test binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "child {name} failed:\n{text}");
    assert!(
        text.contains("1 passed"),
        "child {name} ran no test:\n{text}"
    );
}

fn project_of(client: &Client) -> String {
    client
        .project_id()
        .unwrap()
        .expect("a project-scoped token")
}

#[test]
fn os_cloud_names_the_default_cloud() {
    if !in_child() {
        return run_in_child(
            "os_cloud_names_the_default_cloud",
            &[("OS_CLOUD", "alt_demo")],
            &[],
            None,
        );
    }
    let client = Client::from_default_cloud().unwrap();
    client.list_images(&ListOptions::default()).unwrap();
    assert_eq!(project_of(&client), user("ALT").project_id);
}

#[test]
fn clouds_yaml_in_the_current_directory_with_secure_yaml() {
    if !in_child() {
        // clouds.yaml without passwords, secure.yaml with demo's only, both in
        // the working directory; no OS_CLIENT_CONFIG_FILE; HOME elsewhere.
        let dir = std::env::temp_dir().join(unique("glance-clouds"));
        std::fs::create_dir_all(&dir).unwrap();
        let original = std::fs::read_to_string(
            std::env::var("GLANCE_TEST_CLOUDS_YAML").expect("GLANCE_TEST_CLOUDS_YAML is set"),
        )
        .unwrap();
        let without_passwords: String = original
            .lines()
            .filter(|line| !line.trim_start().starts_with("password:"))
            .map(|line| format!("{line}\n"))
            .collect();
        std::fs::write(dir.join("clouds.yaml"), without_passwords).unwrap();
        std::fs::write(
            dir.join("secure.yaml"),
            format!(
                "clouds:\n  demo_region_two:\n    auth:\n      password: {:?}\n",
                user("DEMO").password
            ),
        )
        .unwrap();
        let home = dir.join("home");
        run_in_child(
            "clouds_yaml_in_the_current_directory_with_secure_yaml",
            &[("HOME", home.to_str().unwrap()), ("XDG_CONFIG_HOME", "")],
            &["OS_CLIENT_CONFIG_FILE", "OS_CLIENT_SECURE_FILE"],
            Some(&dir),
        );
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let client = Client::from_cloud("demo_region_two").unwrap();
    assert_eq!(client.endpoint_url(Service::Image).unwrap(), glance2_url());
    client.list_images(&ListOptions::default()).unwrap();
    assert_eq!(project_of(&client), user("DEMO").project_id);
    // alt_demo's password is in neither file: the error names the key.
    let error = Client::from_cloud("alt_demo")
        .and_then(|c| c.list_images(&ListOptions::default()).map(|_| c))
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("auth.password is not set in cloud 'alt_demo'"),
        "{text}"
    );
}

#[test]
fn application_credential_from_env() {
    if !in_child() {
        let credential = AppCredential::create("DEMO", &unique("auth-env-appcred"));
        return run_in_child(
            "application_credential_from_env",
            &[
                ("OS_APPLICATION_CREDENTIAL_ID", &credential.id),
                ("OS_APPLICATION_CREDENTIAL_SECRET", &credential.secret),
            ],
            PASSWORD_VARS,
            None,
        );
    }
    let client = Client::from_env().unwrap();
    client.list_images(&ListOptions::default()).unwrap();
    assert_eq!(project_of(&client), user("DEMO").project_id);
}

#[test]
fn token_from_env_with_and_without_keystone() {
    if !in_child() {
        let existing = token(&user("ALT"));
        return run_in_child(
            "token_from_env_with_and_without_keystone",
            &[
                ("OS_TOKEN", &existing),
                ("OS_PROJECT_ID", &user("ALT").project_id),
            ],
            PASSWORD_VARS,
            None,
        );
    }
    // OS_TOKEN with OS_AUTH_URL: exchanged for a scoped token with a catalog.
    let exchanged = Client::from_env().unwrap();
    exchanged.list_images(&ListOptions::default()).unwrap();
    assert_eq!(project_of(&exchanged), user("ALT").project_id);
    assert_ne!(
        exchanged.auth_token().unwrap().expose(),
        std::env::var("OS_TOKEN").unwrap()
    );
    // OS_TOKEN with an endpoint and no OS_AUTH_URL: sent as it is.
    std::env::remove_var("OS_AUTH_URL");
    std::env::set_var("OS_IMAGE_ENDPOINT_OVERRIDE", glance_url());
    let as_is = Client::from_env().unwrap();
    as_is.list_images(&ListOptions::default()).unwrap();
    assert_eq!(
        as_is.auth_token().unwrap().expose(),
        std::env::var("OS_TOKEN").unwrap()
    );
}

#[test]
fn env_region_interface_and_wrong_password() {
    if !in_child() {
        return run_in_child(
            "env_region_interface_and_wrong_password",
            &[
                ("OS_REGION_NAME", "regiontwo"),
                ("OS_INTERFACE", "internal"),
                ("OS_TENANT_NAME", "ignored-when-OS_PROJECT_NAME-is-set"),
            ],
            &[],
            None,
        );
    }
    let client = Client::from_env().unwrap();
    assert_eq!(client.endpoint_url(Service::Image).unwrap(), glance2_url());
    client.list_images(&ListOptions::default()).unwrap();
    std::env::set_var("OS_PASSWORD", "certainly-wrong");
    let error = Client::from_env()
        .unwrap()
        .list_images(&ListOptions::default())
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("Keystone rejected the credentials"),
        "{error}"
    );
    std::env::set_var("OS_IMAGE_API_VERSION", "1");
    assert!(matches!(Client::from_env(), Err(Error::Config(_))));
}
