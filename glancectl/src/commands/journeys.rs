//! The journeys no peer's command has: `export` an image to an
//! object-storage container, `import from-container` to make one again,
//! `copy` to another region or cloud.

use glance_client::{
    workflows::{
        ContainerImportOptions, ContainerImportVia, CopyOptions, ExportOptions, ExportedImage,
    },
    Client,
};
use serde_json::Value;

use crate::cli::{CopyArgs, ExportArgs, FormatOptions, FromContainerArgs, GlobalOptions, ViaArg};
use crate::commands::images::find;
use crate::connect;
use crate::failure::Failure;
use crate::image_view;
use crate::output::{print_record, Record};
use crate::progress::Transfer;

fn exported(export: &ExportedImage) -> Record {
    Record::new(vec![
        ("container".into(), Value::from(export.container.as_str())),
        ("etag".into(), Value::from(export.etag.as_str())),
        ("object".into(), Value::from(export.object.as_str())),
        ("segments".into(), Value::from(export.segments)),
        ("size".into(), Value::from(export.size)),
    ])
}

pub fn export(client: &Client, args: &ExportArgs, format: &FormatOptions) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let mut transfer = Transfer::start("exporting")?;
    let outcome = {
        let mut progress = |p| transfer.report(p);
        let options = ExportOptions {
            object: args.object.clone(),
            segment_size: args.segment_size,
            progress: Some(&mut progress),
            ..Default::default()
        };
        client.export_image_to_container(
            &image.id,
            &client.object_store(),
            &args.container,
            options,
        )
    };
    let export = transfer.conclude(outcome, "export", "no object was left in the container")?;
    print_record(&exported(&export), format)
}

pub fn from_container(
    client: &Client,
    args: &FromContainerArgs,
    format: &FormatOptions,
) -> Result<(), Failure> {
    let mut transfer = Transfer::start("importing")?;
    let outcome = {
        let mut progress = |p| transfer.report(p);
        let options = ContainerImportOptions {
            name: args.name.clone(),
            disk_format: args.disk_format.clone(),
            container_format: args.container_format.clone(),
            via: match args.via {
                ViaArg::Stream => ContainerImportVia::Stream,
                ViaArg::WebDownload => ContainerImportVia::WebDownload,
                ViaArg::Auto => ContainerImportVia::Auto,
            },
            progress: Some(&mut progress),
            ..Default::default()
        };
        client.import_image_from_container(
            &client.object_store(),
            &args.container,
            &args.object,
            options,
        )
    };
    let image = transfer.conclude(outcome, "import", "the new image was deleted")?;
    print_record(&image_view::record(&image, false), format)
}

pub fn copy(
    client: &Client,
    global: &GlobalOptions,
    args: &CopyArgs,
    format: &FormatOptions,
) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let target = match (&args.to_cloud, &args.to_region) {
        (Some(cloud), region) => {
            let mut options = global.clone();
            options.cloud = Some(cloud.clone());
            options.region = region.clone();
            connect::client(&options)?
        }
        (None, Some(region)) => connect::builder(global)?.region(region.clone()).build()?,
        (None, None) => return Err(Failure::usage("--to-region or --to-cloud: where to?")),
    };
    let mut transfer = Transfer::start("copying")?;
    let outcome = {
        let mut progress = |p| transfer.report(p);
        let options = CopyOptions {
            name: args.name.clone(),
            progress: Some(&mut progress),
        };
        client.copy_image_to(&image.id, &target, options)
    };
    let copy = transfer.conclude(outcome, "copy", "the half-made copy was deleted")?;
    print_record(&image_view::record(&copy, false), format)
}
