//! The client the global options describe: a cloud of clouds.yaml
//! (`--os-cloud`, else `OS_CLOUD`), else the `OS_*` variables, then the
//! command line's overrides, as the `openstack` command reads them.

use glance_client::{auth::Interface, Client, ClientBuilder};

use crate::cli::{GlobalOptions, InterfaceArg};
use crate::failure::Failure;

/// The settings of the cloud the options name, with their overrides applied.
pub fn builder(options: &GlobalOptions) -> Result<ClientBuilder, Failure> {
    let cloud = options
        .cloud
        .clone()
        .or_else(|| std::env::var("OS_CLOUD").ok())
        .filter(|name| !name.trim().is_empty());
    let builder = match cloud {
        Some(name) => ClientBuilder::from_cloud(&name)?,
        None => ClientBuilder::from_env()?,
    };
    Ok(overrides(builder, options))
}

/// A client for the cloud the options name.
pub fn client(options: &GlobalOptions) -> Result<Client, Failure> {
    Ok(builder(options)?.build()?)
}

fn overrides(mut builder: ClientBuilder, options: &GlobalOptions) -> ClientBuilder {
    if let Some(region) = &options.region {
        builder = builder.region(region.clone());
    }
    if let Some(interface) = options.interface {
        builder = builder.interface(match interface {
            InterfaceArg::Public => Interface::Public,
            InterfaceArg::Internal => Interface::Internal,
            InterfaceArg::Admin => Interface::Admin,
        });
    }
    if let Some(cacert) = &options.cacert {
        builder = builder.ca_file(cacert.clone());
    }
    if options.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if options.debug {
        // The library's wire log: URLs masked, never a header or a body.
        builder = builder.wire_log(|event| eprintln!("DEBUG {event}"));
    }
    builder
}
