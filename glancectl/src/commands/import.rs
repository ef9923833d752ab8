//! `stage`, `import` (every method), `import info`, `stores list`.

use std::ops::ControlFlow;

use glance_client::{
    image_data::{UploadData, UploadOptions},
    import::{ImportMethod, ImportOptions, ImportWait},
    Client, Error,
};
use serde_json::Value;

use crate::cli::{FormatOptions, ImportArgs, ImportMethodArg, StageArgs};
use crate::commands::images::find;
use crate::failure::Failure;
use crate::image_view;
use crate::output::{print_listing, print_record, Listing, Record};
use crate::progress::Transfer;

pub fn stage(client: &Client, args: &StageArgs) -> Result<(), Failure> {
    let image = find(client, &args.image)?;
    let mut transfer = Transfer::start("staging")?;
    let staged = {
        let mut progress = |p| transfer.report(p);
        let options = UploadOptions {
            progress: Some(&mut progress),
            ..Default::default()
        };
        client.stage_image_data(&image.id, UploadData::file(&args.file), options)
    };
    let cleaned = format!("image {} has no staged data", image.id);
    transfer.conclude(staged, "staging", &cleaned)
}

/// The method and its arguments, checked as `openstack image import` does.
fn method(args: &ImportArgs) -> Result<ImportMethod, Failure> {
    let web = args.method == ImportMethodArg::WebDownload;
    let remote = args.method == ImportMethodArg::GlanceDownload;
    if args.uri.is_some() != web {
        return Err(Failure::usage(if web {
            "--uri is required with --method web-download"
        } else {
            "--uri is only for --method web-download"
        }));
    }
    if !remote
        && (args.remote_image.is_some()
            || args.remote_region.is_some()
            || args.remote_service_interface.is_some())
    {
        return Err(Failure::usage(
            "--remote-* options are only for --method glance-download",
        ));
    }
    Ok(match args.method {
        ImportMethodArg::GlanceDirect => ImportMethod::GlanceDirect,
        ImportMethodArg::WebDownload => ImportMethod::WebDownload {
            uri: args.uri.clone().unwrap_or_default(),
        },
        ImportMethodArg::CopyImage => {
            if args.stores.is_empty() && !args.all_stores {
                return Err(Failure::usage(
                    "--method copy-image needs --store or --all-stores",
                ));
            }
            ImportMethod::CopyImage
        }
        ImportMethodArg::GlanceDownload => {
            let (Some(image_id), Some(region)) = (&args.remote_image, &args.remote_region) else {
                return Err(Failure::usage(
                    "--method glance-download needs --remote-image and --remote-region",
                ));
            };
            ImportMethod::GlanceDownload {
                image_id: image_id.clone(),
                region: region.clone(),
                service_interface: args.remote_service_interface.clone(),
            }
        }
    })
}

pub fn import(client: &Client, args: &ImportArgs, format: &FormatOptions) -> Result<(), Failure> {
    let Some(name) = &args.image else {
        return Err(Failure::usage("which image?"));
    };
    let method = method(args)?;
    let image = find(client, name)?;
    let options = ImportOptions {
        stores: args.stores.clone(),
        all_stores: args.all_stores.then_some(true),
        all_stores_must_succeed: match (args.allow_failure, args.disallow_failure) {
            (true, _) => Some(false),
            (_, true) => Some(true),
            _ => None,
        },
    };
    client.import_image(&image.id, &method, &options)?;
    let image = if args.wait {
        let transfer = Transfer::waiting("importing")?;
        let mut on_poll = |state: &glance_client::import::ImportState| {
            let left = state.importing_to_stores.len();
            transfer.set_message(format!(
                "importing ({}, {left} stores to go)",
                state.image.status
            ));
            if transfer.interrupted() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let waited = client.wait_for_import(
            &image.id,
            ImportWait {
                on_poll: Some(&mut on_poll),
                ..Default::default()
            },
        );
        match waited {
            Err(Error::Aborted) => {
                return Err(Failure::interrupted(format!(
                    "stopped waiting: the import of image {} goes on in Glance",
                    image.id
                )))
            }
            other => other?,
        }
    } else {
        client.get_image(&image.id)?
    };
    print_record(&image_view::record(&image, false), format)
}

pub fn info(client: &Client, format: &FormatOptions) -> Result<(), Failure> {
    let methods = client.import_methods()?;
    let record = Record::new(vec![("import-methods".into(), Value::from(methods))]);
    print_record(&record, format)
}

pub fn stores(client: &Client, format: &FormatOptions) -> Result<(), Failure> {
    let stores = client.list_stores()?;
    let listing = Listing {
        columns: vec!["ID", "Description", "Default"],
        rows: stores
            .iter()
            .map(|s| {
                vec![
                    Value::from(s.id.as_str()),
                    s.description.as_deref().map_or(Value::Null, Value::from),
                    // osc shows the flag only on the default store.
                    if s.default {
                        Value::from(true)
                    } else {
                        Value::Null
                    },
                ]
            })
            .collect(),
    };
    print_listing(&listing, format)
}
