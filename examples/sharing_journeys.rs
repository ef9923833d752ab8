//! The journeys of pyrax's Images guide, end to end, on any OpenStack cloud
//! described in clouds.yaml: share an image with another project, which
//! accepts it; export it into an object-storage container and import it back;
//! copy it to another region. Everything it makes, it deletes again.
//!
//! On the local cloud (`scripts/local-cloud start && . "$(scripts/local-cloud env)"`):
//!
//! ```text
//! cargo run --example sharing_journeys -- demo alt_demo demo_region_two
//! ```

use std::collections::BTreeMap;

use glance_client::{
    image_data::UploadData,
    import::CreateWithData,
    listing::MemberStatusFilter,
    members::MemberStatus,
    workflows::{ContainerImportOptions, ContainerImportVia, CopyOptions, ExportOptions},
    Client, CreateImage, ListOptions, Visibility,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [owner_cloud, member_cloud, other_region_cloud] = args.as_slice() else {
        eprintln!("usage: sharing_journeys <owner cloud> <member cloud> <owner in another region>");
        std::process::exit(2);
    };
    let owner = Client::from_cloud(owner_cloud)?;
    let member = Client::from_cloud(member_cloud)?;
    let elsewhere = Client::from_cloud(other_region_cloud)?;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let name = format!("journeys-{}", stamp.as_millis());

    // An image with data, properties and tags.
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let image = owner.create_image_with_data(
        &CreateImage {
            name: Some(name.clone()),
            disk_format: Some("raw".into()),
            container_format: Some("bare".into()),
            visibility: Some(Visibility::Shared),
            tags: vec!["journeys".into(), "café".into()],
            properties: BTreeMap::from([("os_distro".to_owned(), "debian".to_owned())]),
            ..Default::default()
        },
        UploadData::bytes(&data),
        CreateWithData::default(),
    )?;
    println!(
        "created   {} {} sha512 {}",
        image.id,
        name,
        short(&image.os_hash_value)
    );
    let mut made = vec![(owner.clone(), image.id.clone())];
    let outcome = journeys(&owner, &member, &elsewhere, &image.id, &name, &mut made);
    for (client, id) in made {
        let _ = client.delete_image(&id);
    }
    outcome
}

fn journeys(
    owner: &Client,
    member: &Client,
    elsewhere: &Client,
    id: &str,
    name: &str,
    made: &mut Vec<(Client, String)>,
) -> Result<(), Box<dyn std::error::Error>> {
    // Share: the member sees the image only once it accepts.
    let project = member
        .project_id()?
        .ok_or("the member's token has no project")?;
    owner.add_member(id, &project)?;
    let listed = |status: Option<MemberStatus>| -> glance_client::Result<bool> {
        let options = ListOptions {
            name: Some(name.into()),
            member_status: status.map(MemberStatusFilter::Only),
            ..Default::default()
        };
        Ok(!member.list_images(&options)?.images.is_empty())
    };
    println!(
        "shared    with {project}: listed {}, pending {}",
        listed(None)?,
        listed(Some(MemberStatus::Pending))?
    );
    let refused = owner.update_member_status(id, &project, MemberStatus::Accepted);
    println!(
        "owner     accepting for the member: {}",
        refused.err().map_or("allowed?!".into(), |e| e.to_string())
    );
    member.update_own_member_status(id, MemberStatus::Accepted)?;
    println!("accepted  by {project}: listed {}", listed(None)?);

    // Export into a container, import back.
    let store = owner.object_store();
    let container = format!("{name}-exports");
    store.create_container(&container)?;
    let exported = owner.export_image_to_container(
        id,
        &store,
        &container,
        ExportOptions {
            segment_size: Some(1 << 20),
            ..Default::default()
        },
    )?;
    println!(
        "exported  to {}/{} ({} bytes, {} segments)",
        exported.container, exported.object, exported.size, exported.segments
    );
    let imported = owner.import_image_from_container(
        &store,
        &container,
        &exported.object,
        ContainerImportOptions {
            name: Some(format!("{name}-imported")),
            via: ContainerImportVia::Stream,
            ..Default::default()
        },
    )?;
    made.push((owner.clone(), imported.id.clone()));
    println!(
        "imported  {} sha512 {} tags {:?} os_distro {:?}",
        imported.id,
        short(&imported.os_hash_value),
        imported.tags,
        imported.property("os_distro")
    );
    store.delete_object(&container, &exported.object)?;
    store.delete_container(&container)?;
    let _ = store.delete_container(&format!("{container}_segments"));

    // Copy to the other region.
    let copy = owner.copy_image_to(id, elsewhere, CopyOptions::default())?;
    made.push((elsewhere.clone(), copy.id.clone()));
    println!(
        "copied    to {} as {} sha512 {}",
        elsewhere.endpoint_url(glance_client::auth::Service::Image)?,
        copy.id,
        short(&copy.os_hash_value)
    );
    Ok(())
}

fn short(hash: &Option<String>) -> String {
    hash.as_deref()
        .map_or("-".into(), |h| format!("{}…", &h[..16.min(h.len())]))
}
