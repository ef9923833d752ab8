//! `list`, `show`, `create`, `set`, `unset`, `delete`, `save`.

use glance_client::{
    image_data::{DownloadOptions, UploadData, UploadOptions},
    import::{CreateWithData, ImportOptions, UploadMethod},
    listing::{Match, MemberStatusFilter, VisibilityFilter},
    members::MemberStatus,
    Client, CreateImage, Error, Image, ImageStatus, ListOptions, Patch, SortDir, Visibility,
};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::cli::{
    CreateArgs, DeleteArgs, FormatOptions, ListArgs, SaveArgs, SetArgs, ShowArgs, UnsetArgs,
    VisibilityArgs,
};
use crate::failure::Failure;
use crate::image_view;
use crate::output::{print_listing, print_record};
use crate::progress::Transfer;

/// The image named by an id or, as `openstack` does, by its name.
pub fn find(client: &Client, name_or_id: &str) -> Result<Image, Failure> {
    match client.get_image(name_or_id) {
        Err(not_found @ Error::NotFound(_)) => match client.find_image(name_or_id) {
            // Glance's own 404 says more (status, request id) than "no match".
            Err(Error::NoMatch(_)) => Err(not_found.into()),
            other => Ok(other?),
        },
        Err(Error::InvalidArgument(_)) if !name_or_id.is_empty() => {
            Ok(client.find_image(name_or_id)?)
        }
        other => Ok(other?),
    }
}

pub fn list(client: &Client, args: &ListArgs, format: &FormatOptions) -> Result<(), Failure> {
    let visibility = [
        (args.public, Visibility::Public),
        (args.private, Visibility::Private),
        (args.community, Visibility::Community),
        (args.shared, Visibility::Shared),
    ]
    .into_iter()
    .find(|(chosen, _)| *chosen)
    .map(|(_, v)| VisibilityFilter::Only(v))
    .or(args.all.then_some(VisibilityFilter::All));
    let member_status = args.member_status.as_deref().map(|s| match s {
        "all" => MemberStatusFilter::All,
        other => MemberStatusFilter::Only(MemberStatus::from(other)),
    });
    let marker = match &args.marker {
        Some(marker) => Some(find(client, marker)?.id),
        None => None,
    };
    let options = ListOptions {
        limit: args.limit,
        marker,
        name: args.name.clone().map(Match::Is),
        visibility,
        member_status,
        owner: args.project.clone(),
        tags: args.tags.clone(),
        status: args.status.as_deref().map(|s| ImageStatus::from(s).into()),
        sort: sort_keys(&args.sort)?,
        os_hidden: args.hidden.then_some(true),
        properties: args.properties.clone(),
        ..Default::default()
    };
    // As `openstack image list`: --limit shows one page, else every page.
    let images = if args.limit.is_some() {
        client.list_images(&options)?.images
    } else {
        client.list_all_images(&options)?
    };
    print_listing(&image_view::listing(&images, args.long), format)
}

/// `name:asc,created_at:desc`; the direction defaults to ascending.
fn sort_keys(text: &str) -> Result<Vec<(String, SortDir)>, Failure> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, dir) = part.split_once(':').unwrap_or((part, "asc"));
            let dir = match dir {
                "asc" => SortDir::Asc,
                "desc" => SortDir::Desc,
                other => {
                    return Err(Failure::usage(format!(
                        "--sort: '{other}' is not a direction (asc or desc)"
                    )))
                }
            };
            Ok((key.to_owned(), dir))
        })
        .collect()
}

pub fn show(client: &Client, args: &ShowArgs, format: &FormatOptions) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    print_record(&image_view::record(&image, args.human_readable), format)
}

fn visibility(args: &VisibilityArgs) -> Option<Visibility> {
    [
        (args.public, Visibility::Public),
        (args.private, Visibility::Private),
        (args.community, Visibility::Community),
        (args.shared, Visibility::Shared),
    ]
    .into_iter()
    .find(|(chosen, _)| *chosen)
    .map(|(_, v)| v)
}

/// `--protected` / `--unprotected`, either or neither.
fn either(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

pub fn create(client: &Client, args: &CreateArgs, format: &FormatOptions) -> Result<(), Failure> {
    let record = CreateImage {
        id: args.id.clone(),
        name: Some(args.name.clone()),
        disk_format: Some(args.disk_format.clone()),
        container_format: Some(args.container_format.clone()),
        visibility: visibility(&args.visibility),
        min_disk: args.min_disk,
        min_ram: args.min_ram,
        protected: either(args.protected, args.unprotected),
        tags: args.tags.clone(),
        properties: args.properties.iter().cloned().collect(),
        ..Default::default()
    };
    let Some(file) = &args.file else {
        if args.use_import || !args.stores.is_empty() {
            return Err(Failure::usage("--import and --store need --file"));
        }
        let image = client.create_image(&record)?;
        return print_record(&image_view::record(&image, false), format);
    };
    let mut transfer = Transfer::start("uploading")?;
    let created = {
        let mut progress = |p| transfer.report(p);
        let options = CreateWithData {
            method: if args.use_import {
                UploadMethod::GlanceDirect
            } else {
                UploadMethod::Direct
            },
            stores: ImportOptions {
                stores: args.stores.clone(),
                ..Default::default()
            },
            upload: UploadOptions {
                progress: Some(&mut progress),
                ..Default::default()
            },
            ..Default::default()
        };
        client.create_image_with_data(&record, UploadData::file(file), options)
    };
    // The library deletes the record it made for the data when the upload fails.
    let image = transfer.conclude(created, "upload", "the new image was deleted")?;
    print_record(&image_view::record(&image, false), format)
}

pub fn set(client: &Client, args: &SetArgs) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let mut desired: BTreeMap<String, Option<Value>> = BTreeMap::new();
    let mut want = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            desired.insert(key.to_owned(), Some(value));
        }
    };
    want("name", args.name.clone().map(Value::from));
    want("min_disk", args.min_disk.map(Value::from));
    want("min_ram", args.min_ram.map(Value::from));
    want(
        "container_format",
        args.container_format.clone().map(Value::from),
    );
    want("disk_format", args.disk_format.clone().map(Value::from));
    want(
        "protected",
        either(args.protected, args.unprotected).map(Value::from),
    );
    want(
        "visibility",
        visibility(&args.visibility).map(|v| Value::from(v.as_str())),
    );
    want(
        "os_hidden",
        either(args.hidden, args.unhidden).map(Value::from),
    );
    for (key, value) in &args.properties {
        want(key, Some(Value::from(value.as_str())));
    }
    let patch = Patch::diff(&image, &desired);
    if !patch.is_empty() {
        client.update_image(&image.id, &patch)?;
    }
    for tag in &args.tags {
        client.add_tag(&image.id, tag)?;
    }
    if args.deactivate {
        client.deactivate_image(&image.id)?;
    }
    if args.activate {
        client.reactivate_image(&image.id)?;
    }
    let membership = [
        (args.accept, MemberStatus::Accepted),
        (args.reject, MemberStatus::Rejected),
        (args.pending, MemberStatus::Pending),
    ]
    .into_iter()
    .find(|(chosen, _)| *chosen);
    if let Some((_, status)) = membership {
        client.update_own_member_status(&image.id, status)?;
    }
    Ok(())
}

pub fn unset(client: &Client, args: &UnsetArgs) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let missing: Vec<&str> = args
        .properties
        .iter()
        .filter(|key| !image.properties.contains_key(key.as_str()) && !is_field(&image, key))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Failure::local(format!(
            "image {} has no property {}",
            image.id,
            missing.join(", ")
        )));
    }
    let removals: BTreeMap<String, Option<Value>> = args
        .properties
        .iter()
        .map(|key| (key.clone(), None))
        .collect();
    let patch = Patch::diff(&image, &removals);
    if !patch.is_empty() {
        client.update_image(&image.id, &patch)?;
    }
    for tag in &args.tags {
        client.remove_tag(&image.id, tag)?;
    }
    Ok(())
}

/// A typed field of the record that holds a value (e.g. `min_disk`).
fn is_field(image: &Image, key: &str) -> bool {
    serde_json::to_value(image)
        .ok()
        .and_then(|v| v.get(key).map(|v| !v.is_null()))
        .unwrap_or(false)
}

pub fn delete(client: &Client, args: &DeleteArgs) -> Result<(), Failure> {
    let mut failed = Vec::new();
    for name in &args.images {
        let outcome = find(client, name).and_then(|image| {
            let deleted = match &args.store {
                Some(store) => client.delete_image_from_store(&image.id, store),
                None => client.delete_image(&image.id),
            };
            Ok(deleted?)
        });
        if let Err(failure) = outcome {
            eprintln!("glancectl: failed to delete image {name}: {failure}");
            failed.push(failure);
        }
    }
    match failed.len() {
        0 => Ok(()),
        n => Err(Failure {
            message: format!("{n} of {} images failed to delete", args.images.len()),
            exit_code: failed.iter().map(|f| f.exit_code).max().unwrap_or(1),
        }),
    }
}

pub fn save(client: &Client, args: &SaveArgs) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let mut transfer = Transfer::start("downloading")?;
    let saved = {
        let mut progress = |p| transfer.report(p);
        let options = DownloadOptions {
            progress: Some(&mut progress),
            ..Default::default()
        };
        match &args.file {
            Some(path) => client.download_image_to_file(&image.id, path, options),
            // The library flushes the writer before it reports success.
            None => client.download_image(&image.id, &mut std::io::stdout().lock(), options),
        }
    };
    match saved {
        Err(Error::Aborted) if transfer.interrupted() => Err(Failure::interrupted(format!(
            "download interrupted after {}{}",
            transfer.moved(),
            if args.file.is_some() {
                ": the partial file is kept and the next save resumes from it"
            } else {
                ""
            }
        ))),
        Err(other) => Err(other.into()),
        Ok(_) => {
            transfer.finish();
            Ok(())
        }
    }
}
