//! The command line: `openstack image X ...` becomes `glancectl X ...`, with
//! the option names of python-openstackclient. Completions and the man page
//! are generated from these definitions.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "glancectl",
    version,
    about = "OpenStack Images (Glance) from the shell: `openstack image X` is `glancectl X`",
    long_about = "OpenStack Images (Glance) from the shell. The commands and options are those \
of `openstack image`: `openstack image list --long` is `glancectl list --long`. \
Settings come from clouds.yaml (--os-cloud or OS_CLOUD) or else the OS_* variables, \
as openstacksdk reads them. Transfers show progress on a terminal; Ctrl-C stops them \
and removes an image the command itself created.\n\n\
Exit status: 0 on success, 1 when a call failed, 2 on a usage error, 130 after Ctrl-C."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(flatten)]
    pub format: FormatOptions,
    #[command(subcommand)]
    pub command: Command,
}

/// Where to connect and how, as the `openstack` command's global options.
#[derive(Args, Debug, Clone)]
pub struct GlobalOptions {
    /// Cloud name in clouds.yaml (default: OS_CLOUD; without either, the OS_* variables)
    #[arg(long = "os-cloud", value_name = "CLOUD", global = true)]
    pub cloud: Option<String>,
    /// Region of the Image service (overrides OS_REGION_NAME and clouds.yaml)
    #[arg(long = "os-region-name", value_name = "REGION", global = true)]
    pub region: Option<String>,
    /// CA certificate bundle file (overrides OS_CACERT and clouds.yaml)
    #[arg(long = "os-cacert", value_name = "CA_BUNDLE_FILE", global = true)]
    pub cacert: Option<PathBuf>,
    /// Don't verify the server's TLS certificate (tests only)
    #[arg(long, global = true)]
    pub insecure: bool,
    /// Catalog interface of the endpoint
    #[arg(long = "os-interface", value_enum, global = true)]
    pub interface: Option<InterfaceArg>,
    /// Print every HTTP request on stderr (secrets redacted)
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum InterfaceArg {
    Public,
    Internal,
    Admin,
}

/// cliff's output formatter options.
#[derive(Args, Debug, Clone, Default)]
pub struct FormatOptions {
    /// Output format
    #[arg(short = 'f', long = "format", value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,
    /// Column to include (repeatable)
    #[arg(short = 'c', long = "column", value_name = "COLUMN", global = true)]
    pub columns: Vec<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Table,
    Json,
    Yaml,
    Value,
    Csv,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List available images
    List(ListArgs),
    /// Display image details
    Show(ShowArgs),
    /// Create an image, with its data from --file
    Create(CreateArgs),
    /// Set image properties, tags, visibility, state or your membership
    Set(SetArgs),
    /// Unset image tags and properties
    Unset(UnsetArgs),
    /// Delete images (or their data in one store)
    Delete(DeleteArgs),
    /// Save an image's data locally
    Save(SaveArgs),
    /// Share an image: add a project
    #[command(subcommand)]
    Add(AddCommand),
    /// Stop sharing an image: remove a project
    #[command(subcommand)]
    Remove(RemoveCommand),
    /// Image members
    #[command(subcommand)]
    Member(MemberCommand),
    /// Upload data to an image's staging area (for glance-direct)
    Stage(StageArgs),
    /// Interoperable image import, import methods, or an image from a container object
    Import(ImportArgs),
    /// Stores of a multi-store cloud
    #[command(subcommand)]
    Stores(StoresCommand),
    /// Tasks
    #[command(subcommand)]
    Task(TaskCommand),
    /// Export an image's data and description to an object-storage container
    Export(ExportArgs),
    /// Copy an image to another region or cloud
    Copy(CopyArgs),
    /// Print a shell completion script
    Completion(CompletionArgs),
    /// Print the man page (roff)
    Man,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("visibility").multiple(false)))]
pub struct ListArgs {
    /// List only public images
    #[arg(long, group = "visibility")]
    pub public: bool,
    /// List only private images
    #[arg(long, group = "visibility")]
    pub private: bool,
    /// List only community images
    #[arg(long, group = "visibility")]
    pub community: bool,
    /// List only shared images
    #[arg(long, group = "visibility")]
    pub shared: bool,
    /// List all images
    #[arg(long, group = "visibility")]
    pub all: bool,
    /// Filter on a property (repeatable)
    #[arg(long = "property", value_name = "key=value", value_parser = key_value)]
    pub properties: Vec<(String, String)>,
    /// Filter images by name
    #[arg(long)]
    pub name: Option<String>,
    /// Filter images by status
    #[arg(long)]
    pub status: Option<String>,
    /// Filter images by member status: accepted, pending, rejected or all
    #[arg(long = "member-status", value_name = "member-status")]
    pub member_status: Option<String>,
    /// Images owned by this project (ID)
    #[arg(long)]
    pub project: Option<String>,
    /// Filter images by tag (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// List hidden images
    #[arg(long)]
    pub hidden: bool,
    /// List additional fields in output
    #[arg(long)]
    pub long: bool,
    /// Sort output by keys and directions, e.g. name:asc,created_at:desc
    #[arg(long, value_name = "key[:direction]", default_value = "name:asc")]
    pub sort: String,
    /// Maximum number of images to display (one page)
    #[arg(long, value_name = "num-images")]
    pub limit: Option<u32>,
    /// The last image of the previous page (name or ID)
    #[arg(long, value_name = "image")]
    pub marker: Option<String>,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Image to display (name or ID)
    pub image: String,
    /// Print the size in a human-friendly format
    #[arg(long = "human-readable")]
    pub human_readable: bool,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("protection").multiple(false)))]
pub struct CreateArgs {
    /// New image name
    pub name: String,
    /// Image ID to reserve
    #[arg(long)]
    pub id: Option<String>,
    /// Image container format
    #[arg(long = "container-format", default_value = "bare")]
    pub container_format: String,
    /// Image disk format
    #[arg(long = "disk-format", default_value = "raw")]
    pub disk_format: String,
    /// Minimum disk size needed to boot image, in gigabytes
    #[arg(long = "min-disk", value_name = "disk-gb")]
    pub min_disk: Option<u64>,
    /// Minimum RAM size needed to boot image, in megabytes
    #[arg(long = "min-ram", value_name = "ram-mb")]
    pub min_ram: Option<u64>,
    /// Upload image from local file
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Prevent image from being deleted
    #[arg(long, group = "protection")]
    pub protected: bool,
    /// Allow image to be deleted (default)
    #[arg(long, group = "protection")]
    pub unprotected: bool,
    #[command(flatten)]
    pub visibility: VisibilityArgs,
    /// Set a property on this image (repeatable)
    #[arg(long = "property", value_name = "key=value", value_parser = key_value)]
    pub properties: Vec<(String, String)>,
    /// Set a tag on this image (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Upload through the interoperable image import (stage, then glance-direct)
    #[arg(long = "import")]
    pub use_import: bool,
    /// Store to upload the image to (repeatable with --import)
    #[arg(long = "store")]
    pub stores: Vec<String>,
    /// Show upload progress (always on a terminal; accepted for compatibility)
    #[arg(long)]
    pub progress: bool,
}

/// `--public | --private | --community | --shared`.
#[derive(Args, Debug, Default)]
#[group(id = "visibility", multiple = false)]
pub struct VisibilityArgs {
    /// Image is accessible and visible to all users
    #[arg(long)]
    pub public: bool,
    /// Image is only accessible by the owner
    #[arg(long)]
    pub private: bool,
    /// Image is accessible by all users but listed only on request
    #[arg(long)]
    pub community: bool,
    /// Image is only accessible by the owner and image members
    #[arg(long)]
    pub shared: bool,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("protection").multiple(false)))]
#[command(group(ArgGroup::new("state").multiple(false)))]
#[command(group(ArgGroup::new("membership").multiple(false)))]
#[command(group(ArgGroup::new("hiding").multiple(false)))]
pub struct SetArgs {
    /// Image to modify (name or ID)
    pub image: String,
    /// New image name
    #[arg(long)]
    pub name: Option<String>,
    /// Minimum disk size needed to boot image, in gigabytes
    #[arg(long = "min-disk", value_name = "disk-gb")]
    pub min_disk: Option<u64>,
    /// Minimum RAM size needed to boot image, in megabytes
    #[arg(long = "min-ram", value_name = "ram-mb")]
    pub min_ram: Option<u64>,
    /// Image container format
    #[arg(long = "container-format")]
    pub container_format: Option<String>,
    /// Image disk format
    #[arg(long = "disk-format")]
    pub disk_format: Option<String>,
    /// Prevent image from being deleted
    #[arg(long, group = "protection")]
    pub protected: bool,
    /// Allow image to be deleted
    #[arg(long, group = "protection")]
    pub unprotected: bool,
    #[command(flatten)]
    pub visibility: VisibilityArgs,
    /// Set a property on this image (repeatable)
    #[arg(long = "property", value_name = "key=value", value_parser = key_value)]
    pub properties: Vec<(String, String)>,
    /// Add a tag (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Deactivate the image
    #[arg(long, group = "state")]
    pub deactivate: bool,
    /// Activate the image
    #[arg(long, group = "state")]
    pub activate: bool,
    /// Accept the image shared with your project
    #[arg(long, group = "membership")]
    pub accept: bool,
    /// Reject the image shared with your project
    #[arg(long, group = "membership")]
    pub reject: bool,
    /// Reset your project's membership to 'pending'
    #[arg(long, group = "membership")]
    pub pending: bool,
    /// Hide the image
    #[arg(long, group = "hiding")]
    pub hidden: bool,
    /// Unhide the image
    #[arg(long, group = "hiding")]
    pub unhidden: bool,
}

#[derive(Args, Debug)]
pub struct UnsetArgs {
    /// Image to modify (name or ID)
    pub image: String,
    /// Unset a tag on this image (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Unset a property on this image (repeatable)
    #[arg(long = "property", value_name = "property-key")]
    pub properties: Vec<String>,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// Image(s) to delete (name or ID)
    #[arg(required = true)]
    pub images: Vec<String>,
    /// Delete the image's data from this store only
    #[arg(long)]
    pub store: Option<String>,
}

#[derive(Args, Debug)]
pub struct SaveArgs {
    /// Image to save (name or ID)
    pub image: String,
    /// Downloaded image save filename (default: stdout)
    #[arg(long, value_name = "filename")]
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum AddCommand {
    /// Associate project with image
    Project(ProjectArgs),
}

#[derive(Subcommand, Debug)]
pub enum RemoveCommand {
    /// Disassociate project with image
    Project(ProjectArgs),
}

#[derive(Args, Debug)]
pub struct ProjectArgs {
    /// Image to share (name or ID)
    pub image: String,
    /// Project (ID)
    pub project: String,
}

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// List projects associated with image
    List(ImageArg),
}

#[derive(Args, Debug)]
pub struct ImageArg {
    /// Image (name or ID)
    pub image: String,
}

#[derive(Args, Debug)]
pub struct StageArgs {
    /// Image to upload data to (name or ID)
    pub image: String,
    /// Local file that contains disk image to be uploaded
    #[arg(long)]
    pub file: PathBuf,
    /// Show upload progress (always on a terminal; accepted for compatibility)
    #[arg(long)]
    pub progress: bool,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[command(group(ArgGroup::new("failure").multiple(false)))]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: Option<ImportCommand>,
    /// Image to import data into (name or ID)
    #[arg(required = true)]
    pub image: Option<String>,
    /// Import method
    #[arg(long = "method", value_enum, default_value_t = ImportMethodArg::GlanceDirect)]
    pub method: ImportMethodArg,
    /// URI to download the external image (web-download)
    #[arg(long)]
    pub uri: Option<String>,
    /// The image of another region (glance-download)
    #[arg(long = "remote-image", value_name = "REMOTE_IMAGE")]
    pub remote_image: Option<String>,
    /// The region of the remote image (glance-download)
    #[arg(long = "remote-region", value_name = "REMOTE_GLANCE_REGION")]
    pub remote_region: Option<String>,
    /// The catalog interface to reach the remote region (glance-download)
    #[arg(
        long = "remote-service-interface",
        value_name = "REMOTE_SERVICE_INTERFACE"
    )]
    pub remote_service_interface: Option<String>,
    /// Backend store to upload image to (repeatable)
    #[arg(long = "store", value_name = "STORE")]
    pub stores: Vec<String>,
    /// Make image available to all stores
    #[arg(long = "all-stores", conflicts_with = "stores")]
    pub all_stores: bool,
    /// Go on when a store fails (with --store or --all-stores)
    #[arg(long = "allow-failure", group = "failure")]
    pub allow_failure: bool,
    /// Fail when any store fails (default)
    #[arg(long = "disallow-failure", group = "failure")]
    pub disallow_failure: bool,
    /// Wait for the import to finish, with progress on a terminal
    #[arg(long)]
    pub wait: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMethodArg {
    GlanceDirect,
    WebDownload,
    GlanceDownload,
    CopyImage,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Show available import methods
    Info,
    /// Make an image of a container object (one `glancectl export` wrote)
    FromContainer(FromContainerArgs),
}

#[derive(Args, Debug)]
pub struct FromContainerArgs {
    /// The container
    pub container: String,
    /// The object
    pub object: String,
    /// The new image's name (default: the exported image's)
    #[arg(long)]
    pub name: Option<String>,
    /// Disk format, for an object without an image description
    #[arg(long = "disk-format")]
    pub disk_format: Option<String>,
    /// Container format, for an object without an image description
    #[arg(long = "container-format")]
    pub container_format: Option<String>,
    /// How the data moves: through this command, or fetched by Glance from a temporary URL
    #[arg(long, value_enum, default_value_t = ViaArg::Stream)]
    pub via: ViaArg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViaArg {
    Stream,
    WebDownload,
    Auto,
}

#[derive(Subcommand, Debug)]
pub enum StoresCommand {
    /// List the stores of a multi-store cloud
    List,
}

#[derive(Subcommand, Debug)]
pub enum TaskCommand {
    /// List tasks
    List(TaskListArgs),
    /// Display task details
    Show(TaskShowArgs),
}

#[derive(Args, Debug)]
pub struct TaskListArgs {
    /// Sort key
    #[arg(long = "sort-key", value_name = "key")]
    pub sort_key: Option<String>,
    /// Sort direction
    #[arg(long = "sort-dir", value_enum)]
    pub sort_dir: Option<SortDirArg>,
    /// Maximum number of tasks to display (one page)
    #[arg(long, value_name = "num-tasks")]
    pub limit: Option<u32>,
    /// The last task of the previous page (ID)
    #[arg(long, value_name = "task")]
    pub marker: Option<String>,
    /// Filter tasks by type
    #[arg(long = "type")]
    pub task_type: Option<String>,
    /// Filter tasks by status
    #[arg(long)]
    pub status: Option<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum SortDirArg {
    Asc,
    Desc,
}

#[derive(Args, Debug)]
pub struct TaskShowArgs {
    /// Task to display (ID)
    pub task: String,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Image to export (name or ID)
    pub image: String,
    /// The container (it must exist)
    #[arg(long)]
    pub container: String,
    /// The object's name (default: <image id>.<disk format>)
    #[arg(long)]
    pub object: Option<String>,
    /// Images larger than this many bytes go in segments of this size
    #[arg(long = "segment-size", value_name = "bytes")]
    pub segment_size: Option<u64>,
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("target").required(true).multiple(true)))]
pub struct CopyArgs {
    /// Image to copy (name or ID)
    pub image: String,
    /// The region to copy to (same credentials)
    #[arg(long = "to-region", value_name = "REGION", group = "target")]
    pub to_region: Option<String>,
    /// The cloud of clouds.yaml to copy to
    #[arg(long = "to-cloud", value_name = "CLOUD", group = "target")]
    pub to_cloud: Option<String>,
    /// The copy's name (default: the source's)
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Args, Debug)]
pub struct CompletionArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `--property key=value`: a key and a value, the key not empty.
fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("'{text}' is not key=value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn osc_command_lines_parse() {
        let cli = Cli::try_parse_from([
            "glancectl",
            "list",
            "--public",
            "--property",
            "os_distro=debian",
            "--long",
            "-f",
            "json",
        ])
        .unwrap();
        assert!(matches!(cli.command, Command::List(ref a) if a.public && a.long));
        assert_eq!(cli.format.format, Format::Json);
        assert!(Cli::try_parse_from(["glancectl", "list", "--public", "--private"]).is_err());
        assert!(Cli::try_parse_from(["glancectl", "list", "--property", "novalue"]).is_err());
        let cli = Cli::try_parse_from(["glancectl", "import", "info"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Import(ImportArgs {
                what: Some(ImportCommand::Info),
                ..
            })
        ));
        let cli = Cli::try_parse_from([
            "glancectl",
            "import",
            "img",
            "--method",
            "web-download",
            "--uri",
            "http://x/",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Import(ImportArgs { what: None, .. })
        ));
        assert!(Cli::try_parse_from(["glancectl", "copy", "img"]).is_err());
    }
}
