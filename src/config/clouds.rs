//! `Client::from_cloud(name)`: a cloud of `clouds.yaml`, with `secure.yaml`
//! merged in, found where openstacksdk looks.
//!
//! Search order (the first file that exists wins, as in openstacksdk):
//! `OS_CLIENT_CONFIG_FILE` (`OS_CLIENT_SECURE_FILE` for secure.yaml), then
//! `clouds.yaml`, `clouds.yml`, `clouds.json` in the current directory,
//! `$XDG_CONFIG_HOME/openstack`, `~/.config/openstack`, `/etc/xdg/openstack`
//! and `/etc/openstack`. secure.yaml is merged over clouds.yaml key by key,
//! nested mappings included, so it can hold just `auth.password`.
//!
//! A cloud naming a vendor `profile:` starts from it (see `profiles`). Not
//! read: the `OS_*` variables on top of a named cloud (openstacksdk merges
//! those only into its `envvars` cloud, which is [`Client::from_env`] here).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_norway::{Mapping, Value};

use super::profiles;
use super::settings::{Origin, Settings};
use super::yaml::{merge, read_yaml};
use super::ClientBuilder;
use crate::client::Client;
use crate::error::{Error, Result};

impl ClientBuilder {
    /// Settings of the cloud `name` of clouds.yaml (and secure.yaml), to
    /// adjust before [`build`](ClientBuilder::build). The keys are
    /// openstacksdk's (`auth.auth_url`, `auth.username`, `region_name`,
    /// `interface`, `auth_type`, `cacert`, `cert`, `key`, `verify`, `image_endpoint_override`,
    /// ...; the same list as [`ClientBuilder::from_env`] without `OS_`);
    /// unknown keys are ignored. A cloud naming a vendor `profile:` (from
    /// clouds-public.yaml, or the built-in `rackspace`) starts from it.
    pub fn from_cloud(name: &str) -> Result<ClientBuilder> {
        if name.trim().is_empty() {
            return Err(Error::invalid_argument("the cloud name is empty"));
        }
        load_cloud(name, &ConfigFiles::from_environment())?.to_builder()
    }

    /// [`from_cloud`](Self::from_cloud) with the cloud named by `OS_CLOUD`.
    pub fn from_default_cloud() -> Result<ClientBuilder> {
        let name = std::env::var("OS_CLOUD")
            .ok()
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| Error::Config("OS_CLOUD is not set: which cloud?".into()))?;
        ClientBuilder::from_cloud(&name)
    }
}

impl Client {
    /// A client for the cloud `name` of clouds.yaml; see
    /// [`ClientBuilder::from_cloud`].
    ///
    /// ```no_run
    /// let client = glance_client::Client::from_cloud("demo")?;
    /// # Ok::<(), glance_client::Error>(())
    /// ```
    pub fn from_cloud(name: &str) -> Result<Client> {
        ClientBuilder::from_cloud(name)?.build()
    }

    /// A client for the cloud named by `OS_CLOUD`.
    pub fn from_default_cloud() -> Result<Client> {
        ClientBuilder::from_default_cloud()?.build()
    }
}

/// Candidate files, most important first.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfigFiles {
    pub(crate) clouds: Vec<PathBuf>,
    pub(crate) secure: Vec<PathBuf>,
    /// `clouds-public.yaml`: vendor profiles.
    pub(crate) public: Vec<PathBuf>,
}

impl ConfigFiles {
    fn from_environment() -> ConfigFiles {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let mut dirs: Vec<PathBuf> = Vec::new();
        dirs.extend(std::env::current_dir().ok());
        dirs.extend(var("XDG_CONFIG_HOME").map(|d| PathBuf::from(d).join("openstack")));
        dirs.extend(var("HOME").map(|h| PathBuf::from(h).join(".config/openstack")));
        dirs.push(PathBuf::from("/etc/xdg/openstack"));
        dirs.push(PathBuf::from("/etc/openstack"));
        let mut files = ConfigFiles::in_dirs(&dirs);
        if let Some(file) = var("OS_CLIENT_CONFIG_FILE") {
            files.clouds.insert(0, file.into());
        }
        if let Some(file) = var("OS_CLIENT_SECURE_FILE") {
            files.secure.insert(0, file.into());
        }
        files
    }

    fn in_dirs(dirs: &[PathBuf]) -> ConfigFiles {
        let names = |stem: &str| -> Vec<PathBuf> {
            let mut seen = Vec::new();
            for dir in dirs {
                for suffix in ["yaml", "yml", "json"] {
                    let path = dir.join(format!("{stem}.{suffix}"));
                    if !seen.contains(&path) {
                        seen.push(path);
                    }
                }
            }
            seen
        };
        ConfigFiles {
            clouds: names("clouds"),
            secure: names("secure"),
            public: names("clouds-public"),
        }
    }
}

/// The settings of cloud `name`.
pub(crate) fn load_cloud(name: &str, files: &ConfigFiles) -> Result<Settings> {
    let clouds_file = files.clouds.iter().find(|p| p.is_file());
    let secure_file = files.secure.iter().find(|p| p.is_file());
    let Some(main_file) = clouds_file.or(secure_file) else {
        let looked: Vec<String> = files
            .clouds
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(Error::Config(format!(
            "no clouds.yaml found for cloud '{name}'; looked for: {}",
            looked.join(", ")
        )));
    };
    let mut document = match clouds_file {
        Some(path) => read_yaml(path)?,
        None => Value::Mapping(Mapping::new()),
    };
    if let Some(path) = secure_file {
        merge(&mut document, read_yaml(path)?);
    }
    let clouds = document
        .get("clouds")
        .and_then(Value::as_mapping)
        .ok_or_else(|| Error::Config(format!("{} has no 'clouds' mapping", main_file.display())))?;
    let cloud = clouds.get(name).ok_or_else(|| {
        let names: Vec<&str> = clouds.keys().filter_map(Value::as_str).collect();
        Error::Config(format!(
            "no cloud '{name}' in {}; it has: {}",
            main_file.display(),
            names.join(", ")
        ))
    })?;
    let cloud = cloud.as_mapping().ok_or_else(|| {
        Error::Config(format!(
            "cloud '{name}' in {} is not a mapping",
            main_file.display()
        ))
    })?;
    let cloud = &profiles::with_profile(cloud, &files.public)?;
    Ok(Settings {
        origin: Origin::Cloud {
            name: name.to_owned(),
            file: main_file.clone(),
        },
        values: flatten(cloud),
    })
}

/// A cloud's scalar settings, `auth:` ones over top-level ones of the same
/// name; `regions:` gives `region_name` when that is absent.
fn flatten(cloud: &Mapping) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let scalars = |mapping: &Mapping, values: &mut BTreeMap<String, String>| {
        for (key, value) in mapping {
            if let (Some(key), Some(value)) = (key.as_str(), scalar(value)) {
                values.insert(key.to_owned(), value);
            }
        }
    };
    scalars(cloud, &mut values);
    if !values.contains_key("region_name") {
        let first = cloud
            .get("regions")
            .and_then(Value::as_sequence)
            .and_then(|regions| regions.first())
            .and_then(|r| scalar(r).or_else(|| r.get("name").and_then(scalar)));
        if let Some(region) = first {
            values.insert("region_name".to_owned(), region);
        }
    }
    if let Some(auth) = cloud.get("auth").and_then(Value::as_mapping) {
        scalars(auth, &mut values);
    }
    values
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{AuthMethod, Interface};

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir = std::env::temp_dir().join(format!(
                "glance-client-{tag}-{}-{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, text).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const CLOUDS: &str = r#"
clouds:
  demo:
    region_name: RegionOne
    interface: internal
    identity_api_version: 3
    verify: false
    some_future_key: {nested: [1, 2]}
    auth:
      auth_url: "http://127.0.0.1:5000/v3"
      username: "demo"
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
  regions:
    regions: [{name: RegionTwo, values: {}}, RegionOne]
    auth: {auth_url: "http://k/v3", token: "t0k3n", project_id: p1}
"#;

    #[test]
    fn secure_yaml_fills_in_secrets() {
        let dir = TempDir::new("clouds");
        let files = ConfigFiles {
            clouds: vec![dir.0.join("missing.yaml"), dir.write("clouds.yaml", CLOUDS)],
            secure: vec![dir.write(
                "secure.yaml",
                "clouds:\n  demo:\n    auth:\n      password: hunter2\n    region_name: RegionTwo\n",
            )],
            public: vec![],
        };
        let settings = load_cloud("demo", &files).unwrap();
        assert_eq!(settings.values["password"], "hunter2");
        assert_eq!(settings.values["username"], "demo");
        assert_eq!(settings.values["region_name"], "RegionTwo");
        assert_eq!(settings.values["identity_api_version"], "3");
        let builder = settings.to_builder().unwrap();
        assert!(matches!(builder.session.method, AuthMethod::V3Password(_)));
        assert_eq!(builder.session.interface, Interface::Internal);
        assert!(builder.http.insecure);
        assert!(!format!("{builder:?}").contains("hunter2"));
    }

    #[test]
    fn a_vendor_profile_is_the_base_of_its_cloud() {
        let dir = TempDir::new("profiles");
        let clouds = dir.write(
            "clouds.yaml",
            r#"
clouds:
  rax:
    profile: rackspace
    auth_type: rackspace_apikey
    region_name: IAD
    auth: {username: pyrax-user, api_key: k3y}
  acme-internal:
    cloud: acme
    region_name: B
    auth: {username: u, password: p, project_name: proj}
  nowhere:
    profile: no-such-vendor
"#,
        );
        let public = dir.write(
            "clouds-public.yaml",
            r#"
public-clouds:
  acme:
    region_name: A
    interface: internal
    auth: {auth_url: "https://keystone.acme.example/v3"}
"#,
        );
        let files = ConfigFiles {
            clouds: vec![clouds],
            secure: vec![],
            public: vec![dir.0.join("absent.yaml"), public],
        };
        let rax = load_cloud("rax", &files).unwrap().to_builder().unwrap();
        match &rax.session.method {
            AuthMethod::RackspaceApiKey(key) => {
                assert_eq!(
                    key.auth_url,
                    "https://identity.api.rackspacecloud.com/v2.0/"
                );
                assert_eq!(key.username, "pyrax-user");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(rax.session.region.as_deref(), Some("IAD"));

        let acme = load_cloud("acme-internal", &files).unwrap();
        assert_eq!(acme.values["auth_url"], "https://keystone.acme.example/v3");
        assert_eq!(
            acme.values["region_name"], "B",
            "the cloud's own value wins"
        );
        assert_eq!(
            acme.to_builder().unwrap().session.interface,
            Interface::Internal
        );

        let e = load_cloud("nowhere", &files).unwrap_err().to_string();
        assert!(
            e.contains("unknown vendor profile 'no-such-vendor'")
                && e.contains("clouds-public.yaml")
                && e.contains("built in: rackspace"),
            "{e}"
        );
    }

    #[test]
    fn regions_list_gives_the_region() {
        let dir = TempDir::new("regions");
        let files = ConfigFiles {
            clouds: vec![dir.write("clouds.yml", CLOUDS)],
            secure: vec![],
            public: vec![],
        };
        let settings = load_cloud("regions", &files).unwrap();
        assert_eq!(settings.values["region_name"], "RegionTwo");
        assert!(matches!(
            settings.to_builder().unwrap().session.method,
            AuthMethod::V3Token(_)
        ));
    }

    #[test]
    fn clear_errors() {
        let dir = TempDir::new("errors");
        let clouds = dir.write("clouds.yaml", CLOUDS);
        let files = ConfigFiles {
            clouds: vec![clouds.clone()],
            secure: vec![],
            public: vec![],
        };
        let e = load_cloud("nope", &files).unwrap_err().to_string();
        assert!(e.contains("no cloud 'nope'"), "{e}");
        assert!(e.contains("it has: demo, regions"), "{e}");
        let e = load_cloud("demo", &files)
            .unwrap()
            .to_builder()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("auth.password is not set in cloud 'demo'"),
            "{e}"
        );
        assert!(e.contains(&clouds.display().to_string()), "{e}");
        let none = ConfigFiles {
            clouds: vec![dir.0.join("absent.yaml")],
            secure: vec![],
            public: vec![],
        };
        let e = load_cloud("demo", &none).unwrap_err().to_string();
        assert!(
            e.contains("no clouds.yaml found") && e.contains("absent.yaml"),
            "{e}"
        );
        let bad = ConfigFiles {
            clouds: vec![dir.write("bad.yaml", "clouds: [unclosed")],
            secure: vec![],
            public: vec![],
        };
        let e = load_cloud("demo", &bad).unwrap_err().to_string();
        assert!(e.contains("is not valid YAML"), "{e}");
    }

    #[test]
    fn json_files_parse_too() {
        let dir = TempDir::new("json");
        let files = ConfigFiles {
            clouds: vec![dir.write(
                "clouds.json",
                r#"{"clouds": {"j": {"auth_type": "admin_token", "auth": {"token": "t"},
                    "image_endpoint_override": "http://g:9292/v2"}}}"#,
            )],
            secure: vec![],
            public: vec![],
        };
        let builder = load_cloud("j", &files).unwrap().to_builder().unwrap();
        assert!(matches!(builder.session.method, AuthMethod::Token(_)));
        assert_eq!(
            builder.session.image_endpoint.as_deref(),
            Some("http://g:9292/v2")
        );
    }

    #[test]
    fn search_path_order() {
        let files = ConfigFiles::in_dirs(&[PathBuf::from("/a"), PathBuf::from("/b")]);
        assert_eq!(
            files.clouds,
            [
                "/a/clouds.yaml",
                "/a/clouds.yml",
                "/a/clouds.json",
                "/b/clouds.yaml",
                "/b/clouds.yml",
                "/b/clouds.json"
            ]
            .map(PathBuf::from)
        );
        assert_eq!(files.secure[0], PathBuf::from("/a/secure.yaml"));
    }
}
