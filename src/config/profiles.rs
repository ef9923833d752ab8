//! Vendor profiles: a cloud of clouds.yaml that says `profile: rackspace`
//! (or the older `cloud: rackspace`) starts from that vendor's settings, its
//! own going over them key by key, as openstacksdk does. A profile comes from
//! `clouds-public.yaml` (`public-clouds:`), found where clouds.yaml is looked
//! for, else from the ones built in here.

use std::path::PathBuf;

use serde_norway::{Mapping, Value};

use super::yaml::{merge, read_yaml};
use crate::auth::RackspaceApiKey;
use crate::error::{Error, Result};

/// A profile built in: its name and its settings.
type BuiltIn = (&'static str, fn() -> Mapping);

/// Profiles every user of this library may name without a clouds-public.yaml.
const BUILT_IN: &[BuiltIn] = &[("rackspace", rackspace)];

/// Rackspace, whose customers arrive from pyrax: Identity v2.0 at one URL
/// for every region.
fn rackspace() -> Mapping {
    let mut auth = Mapping::new();
    auth.insert("auth_url".into(), RackspaceApiKey::US_AUTH_URL.into());
    let mut profile = Mapping::new();
    profile.insert("auth".into(), Value::Mapping(auth));
    profile.insert("identity_api_version".into(), "2".into());
    profile
}

/// The cloud's settings over those of the profile it names, if it names one.
pub(crate) fn with_profile(cloud: &Mapping, public_files: &[PathBuf]) -> Result<Mapping> {
    let Some(name) = ["profile", "cloud"]
        .iter()
        .find_map(|key| cloud.get(*key).and_then(Value::as_str))
    else {
        return Ok(cloud.clone());
    };
    let mut merged = Value::Mapping(profile(name, public_files)?);
    merge(&mut merged, Value::Mapping(cloud.clone()));
    match merged {
        Value::Mapping(mapping) => Ok(mapping),
        _ => unreachable!("merging a mapping into a mapping gives a mapping"),
    }
}

fn profile(name: &str, public_files: &[PathBuf]) -> Result<Mapping> {
    let public_file = public_files.iter().find(|p| p.is_file());
    if let Some(path) = public_file {
        let document = read_yaml(path)?;
        let found = document
            .get("public-clouds")
            .and_then(|clouds| clouds.get(name));
        if let Some(found) = found {
            return found.as_mapping().cloned().ok_or_else(|| {
                Error::Config(format!(
                    "profile '{name}' in {} is not a mapping",
                    path.display()
                ))
            });
        }
    }
    if let Some((_, profile)) = BUILT_IN.iter().find(|(known, _)| *known == name) {
        return Ok(profile());
    }
    let searched = match public_file {
        Some(path) => format!("not in {}", path.display()),
        None => "no clouds-public.yaml found".to_owned(),
    };
    let built_in: Vec<&str> = BUILT_IN.iter().map(|(known, _)| *known).collect();
    Err(Error::Config(format!(
        "unknown vendor profile '{name}' ({searched}; built in: {})",
        built_in.join(", ")
    )))
}
