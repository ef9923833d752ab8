//! A blocking client for the OpenStack Images API v2 (Glance), with a C ABI.
//!
//! ```no_run
//! use glance_client::{Client, ListOptions, ImageStatus};
//!
//! let client = Client::builder()
//!     .endpoint("http://127.0.0.1:9292")
//!     .token(std::env::var("OS_TOKEN").unwrap_or_default())
//!     .build()?;
//! let active = ListOptions { status: Some(ImageStatus::Active.into()), ..Default::default() };
//! for image in client.images(&active) {
//!     let image = image?;
//!     println!("{} {}", image.id, image.name.as_deref().unwrap_or(""));
//! }
//! # Ok::<(), glance_client::Error>(())
//! ```
//!
//! # Features
//!
//! - `clouds-yaml` (default): [`Client::from_cloud`] reads `clouds.yaml` and
//!   `secure.yaml`.
//! - `log` (off by default): every HTTP attempt also goes to the
//!   [`log`](https://docs.rs/log) facade, target `glance_client`, as the
//!   one-line form of its [`WireEvent`] (the redacted event of
//!   [`ClientBuilder::wire_log`]: method, URL with secrets masked, status,
//!   request id, time, attempt; never a header or a body). Attempts that got
//!   no answer, or a 5xx or 429 answer, are logged at `warn`, the others at
//!   `debug`. With `env_logger`, `RUST_LOG=glance_client=debug` shows them.
#![warn(missing_docs)]
// Unsafe code belongs to the C layer (src/ffi/) and to one libc call in
// src/part_file.rs; anywhere else the compiler refuses it.
#![deny(unsafe_code)]

mod account;
mod auth;
mod body_length;
mod capabilities;
mod client;
mod config;
mod digest;
mod enums;
mod error;
// The C ABI: raw pointers and callbacks from C are its whole purpose.
#[allow(unsafe_code)]
pub mod ffi;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod image;
mod image_data;
mod images;
mod import;
mod info;
mod learned;
mod listing;
mod members;
mod object_store;
mod paging;
mod part_file;
mod patch;
mod pipe;
mod raw_request;
mod schemas;
mod secret;
mod server_values;
mod service;
mod tags;
mod tasks;
mod time;
mod transport;
mod url;
mod wire_log;
mod workflows;

pub use auth::{
    ApplicationCredentialRef, AuthMethod, DomainRef, Interface, ProjectRef, RackspaceApiKey, Scope,
    Service, TenantRef, UserRef, V2Password, V3ApplicationCredential, V3Password, V3Token,
};
pub use capabilities::Capabilities;
pub use client::Client;
pub use config::ClientBuilder;
pub use digest::{ExpectedDigest, HashAlgorithm};
pub use enums::{ImageStatus, MemberStatus, SortDir, TaskStatus, TaskType, Visibility};
pub use error::{Error, Failure, HttpError, Result};
pub use http::{ProxySetting, RetryPolicy, Timeouts};
pub use image::Image;
pub use image_data::Phase;
pub use image_data::{
    DownloadOptions, Downloaded, Framing, Progress, ProgressFn, UploadData, UploadOptions,
};
pub use images::CreateImage;
pub use import::{
    CreateWithData, ImageTask, ImportMethod, ImportOptions, ImportState, StoreInfo, UploadMethod,
    WaitFn, WaitOptions,
};
pub use info::{Quota, StoreDetail, Usage};
pub use listing::{
    Compare, ImageIter, ImagePage, ListOptions, Match, MemberStatusFilter, StatusFilter,
    VisibilityFilter,
};
pub use members::Member;
pub use object_store::ObjectDownloadOptions;
pub use object_store::{
    LargeObject, ObjectEntry, ObjectInfo, ObjectListOptions, ObjectReader, ObjectStore,
    ObjectUploadOptions, UploadedObject,
};
pub use patch::Patch;
pub use raw_request::ApiResponse;
pub use schemas::SchemaName;
pub use secret::Secret;
pub use tasks::{
    ContainerImport, ImportTask, NewTask, Task, TaskIter, TaskListOptions, TaskPage, TaskWait,
};
pub use wire_log::WireEvent;
pub use workflows::{
    ContainerImportOptions, CopyOptions, ExportOptions, ExportedImage, ImportVia, PortableImage,
    OPENSTACK_MD5, OPENSTACK_OBJECT, OPENSTACK_SHA256,
};

/// The examples of README.md, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
