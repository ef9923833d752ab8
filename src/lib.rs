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
//!   one-line form of its [`config::WireEvent`] (the redacted event of
//!   [`ClientBuilder::wire_log`]: method, URL with secrets masked, status,
//!   request id, time, attempt; never a header or a body). Attempts that got
//!   no answer, or a 5xx or 429 answer, are logged at `warn`, the others at
//!   `debug`. With `env_logger`, `RUST_LOG=glance_client=debug` shows them.
#![warn(missing_docs)]
// Unsafe code belongs to the C layer (src/ffi/) and to one libc call in
// src/part_file.rs; anywhere else the compiler refuses it.
#![deny(unsafe_code)]

mod account;
pub mod auth;
mod body_length;
mod capabilities;
mod client;
pub mod config;
pub mod digest;
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
pub mod image_data;
mod images;
pub mod import;
pub mod info;
mod learned;
pub mod listing;
pub mod members;
pub mod object_store;
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
pub mod tasks;
mod time;
mod transport;
mod url;
mod wire_log;
pub mod workflows;

pub use capabilities::Capabilities;
pub use client::Client;
pub use config::ClientBuilder;
pub use enums::{ImageStatus, SortDir, Visibility};
pub use error::{Error, Failure, HttpError, Result};
pub use image::Image;
pub use images::CreateImage;
pub use listing::{ImageIter, ImagePage, ListOptions};
pub use patch::Patch;
pub use raw_request::ApiResponse;
pub use schemas::SchemaName;
pub use secret::Secret;

/// The examples of README.md, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
