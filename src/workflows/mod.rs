//! Multi-call recipes built from the resources: copying an image to another
//! region or cloud, export to and import from object storage (with the
//! description that travels with the data), and openstacksdk's create.

mod copy;
mod export_import;
mod openstacksdk;
mod portable;
mod sidecar;

pub use copy::CopyOptions;
pub use export_import::{ContainerImportOptions, ContainerImportVia, ExportOptions, ExportedImage};
pub use openstacksdk::{OPENSTACK_MD5, OPENSTACK_OBJECT, OPENSTACK_SHA256};
pub use portable::PortableImage;
