//! The C ABI: `extern "C"` functions over opaque handles, declared in
//! `include/glance.h` (generated from this module by cbindgen in `build.rs`).
//!
//! Rust programs use the Rust API; this module is the thin skin C, C++ and
//! every language with an FFI use. It adds no behaviour of its own, only the
//! conventions of a C library (from rustls-ffi, libgit2 and curl):
//!
//! - Every fallible function returns a [`glance_status`](error::glance_status)
//!   (`GLANCE_OK` is 0; numbers never change). Details of the most recent
//!   failure on the calling thread are in a thread-local last error
//!   ([`glance_error_last`](error::glance_error_last) and its getters).
//! - Out-parameters come last and are written only on success.
//! - Every pointer argument is checked: NULL gives `GLANCE_NULL_ARG`, a string
//!   that is not UTF-8 gives `GLANCE_INVALID_UTF8`. Functions that cannot fail
//!   (getters) return NULL, 0 or false for a NULL handle.
//! - Every body runs inside a panic boundary: a bug in the library becomes
//!   `GLANCE_PANIC`, never an unwind into C.
//! - Handles are created and freed by the library; every `_free` accepts NULL.
//!   Strings returned as `const char *` are borrowed from their handle and live
//!   as long as it; strings returned as `char *` are the caller's and are freed
//!   with [`glance_string_free`](string::glance_string_free).
//! - `glance_client` is thread-safe; every other handle may move between
//!   threads but must not be used by two threads at once (immutable handles
//!   such as `glance_image` may be read concurrently).
//!
//! Every function is written out as `#[no_mangle] pub extern "C" fn` (no macro
//! generates them) so cbindgen sees it.
//!
//! Adding a capability: put its functions in a new file named after the C
//! "class" it serves, use `boundary` for the plumbing and [`callbacks`]
//! for callbacks, and give a new [`Error`](crate::Error) variant its own
//! status in `status.rs`. Logic a Rust user could want goes in the Rust API,
//! not here.

// The C names are the Rust names, so cbindgen needs no renaming.
#![allow(non_camel_case_types)]
// These functions are called from C, where `unsafe` means nothing; each one
// checks its pointers (NULL) and documents what it needs from the others.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod auth;
pub(crate) mod boundary;
pub mod client;
pub mod config;
pub mod copy;
pub mod create_opts;
pub mod error;
pub mod expected_digest;
pub mod export_import;
pub mod image;
// Declared before the calls that take them: the header keeps this order.
pub mod callbacks;
pub mod transfer_opts;

pub mod image_data;
pub mod images;

// The import request before the calls that take it (the header keeps this order).
pub mod import_opts;

pub mod import;
pub mod info;
pub(crate) mod last_error;
pub mod list_opts;
pub mod listing;
pub mod listing_iter;
pub mod member;
pub mod members;

// The object store, then the classes its calls give: the header keeps this
// order (rustfmt sorts only within a group, hence the blank lines).
pub mod object_store;

pub mod objects;

pub mod object_info;

pub mod object_stream;
pub mod openstacksdk;
pub(crate) mod pager;
pub mod patch;
pub mod request;
pub mod schema;
pub(crate) mod status;
pub mod string;
pub mod tags;
pub mod task;
pub mod task_list_opts;
pub mod task_listing;
pub mod task_listing_iter;
pub mod wire_log;
