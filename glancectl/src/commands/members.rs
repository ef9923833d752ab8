//! `add project`, `remove project`, `member list`.

use glance_client::{members::Member, Client};
use serde_json::Value;

use crate::cli::{FormatOptions, ImageArg, ProjectArgs};
use crate::commands::images::find;
use crate::failure::Failure;
use crate::output::{print_listing, print_record, Listing, Record};

fn record(member: &Member) -> Record {
    let text = |v: &Option<String>| v.as_deref().map_or(Value::Null, Value::from);
    Record::new(vec![
        ("created_at".into(), text(&member.created_at)),
        ("image_id".into(), Value::from(member.image_id.as_str())),
        ("member_id".into(), Value::from(member.member_id.as_str())),
        ("schema".into(), text(&member.schema)),
        ("status".into(), Value::from(member.status.as_str())),
        ("updated_at".into(), text(&member.updated_at)),
    ])
}

pub fn add_project(
    client: &Client,
    args: &ProjectArgs,
    format: &FormatOptions,
) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let member = client.add_member(&image.id, &args.project)?;
    print_record(&record(&member), format)
}

pub fn remove_project(client: &Client, args: &ProjectArgs) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    Ok(client.remove_member(&image.id, &args.project)?)
}

pub fn list(client: &Client, args: &ImageArg, format: &FormatOptions) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let members = client.list_members(&image.id)?;
    let listing = Listing {
        columns: vec!["Image ID", "Member ID", "Status"],
        rows: members
            .iter()
            .map(|m| {
                vec![
                    Value::from(m.image_id.as_str()),
                    Value::from(m.member_id.as_str()),
                    Value::from(m.status.as_str()),
                ]
            })
            .collect(),
    };
    print_listing(&listing, format)
}
