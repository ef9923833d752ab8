//! `glance_object_store`, object storage (Swift): containers, objects to
//! and from files, listings, temporary URLs. The list and the object info it
//! gives are their own classes (`objects.rs`, `object_info.rs`).

use std::ffi::c_char;
use std::ops::ControlFlow;

use super::boundary::{self, borrow, optional_text, text, CallResult, Out};
use super::client::glance_client;
use super::error::glance_status;
use super::objects::glance_objects;
use super::transfer_opts::{glance_transfer_opts, options, progress_of};
use crate::object_store::{ObjectListOptions, ObjectStore, ObjectUploadOptions};
use crate::{image_data::Progress, object_store::ObjectDownloadOptions};

/// The object storage of a cloud, reached with a client's token.
///
/// Made by `glance_object_store_new` (the catalog's `object-store`
/// endpoint) or `glance_object_store_at` (an explicit storage URL); freed with
/// `glance_object_store_free`. Holds its own reference to the client, so it
/// may outlive the `glance_client` handle. Thread-safe, like the client.
pub struct glance_object_store {
    pub(crate) store: ObjectStore,
}

/// Runs a call on a store with a container name.
pub(super) fn on_container(
    store: *const glance_object_store,
    container: *const c_char,
    call: impl FnOnce(&ObjectStore, &str) -> CallResult,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings, per the C contract.
        let store = unsafe { borrow(store, "store") }?;
        let container = unsafe { text(container, "container") }?;
        call(&store.store, container)
    })
}

/// Runs a call on a store with a container and an object name.
pub(super) fn on_object(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    call: impl FnOnce(&ObjectStore, &str, &str) -> CallResult,
) -> glance_status {
    on_container(store, container, |store, container| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let object = unsafe { text(object, "object") }?;
        call(store, container, object)
    })
}

/// The options of an object upload from C: a `segment_size` of 0 keeps the
/// default.
pub(super) fn upload_options<'a>(
    size: Option<u64>,
    segment_size: u64,
    progress: Option<&'a mut (dyn FnMut(Progress) -> ControlFlow<()> + 'a)>,
) -> ObjectUploadOptions<'a> {
    let mut options = ObjectUploadOptions {
        size,
        progress,
        ..Default::default()
    };
    if segment_size > 0 {
        options.segment_size = segment_size;
    }
    options
}

/// The object storage named `object-store` in the client's catalog. Nothing
/// is sent yet: a client without one (a bare token and endpoint) fails with
/// `GLANCE_CONFIG` at the first call; use `glance_object_store_at` then.
///
/// `client` is borrowed for the call only. On success `*out_store` receives a
/// new handle owned by the caller (free it with `glance_object_store_free`).
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_object_store_new(
    client: *const glance_client,
    out_store: *mut *mut glance_object_store,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live client / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let out = unsafe { Out::new(out_store, "out_store") }?;
        out.set(boundary::give(glance_object_store {
            store: client.client.object_store(),
        }));
        Ok(())
    })
}

/// The object storage at `storage_url`, the account URL (e.g.
/// `https://swift.example/v1/AUTH_<project id>`), reached with the client's token.
///
/// Ownership as `glance_object_store_new`. Returns `GLANCE_OK`,
/// `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`, or `GLANCE_INVALID_ARG` (not an
/// http or https URL).
#[no_mangle]
pub extern "C" fn glance_object_store_at(
    client: *const glance_client,
    storage_url: *const c_char,
    out_store: *mut *mut glance_object_store,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let url = unsafe { text(storage_url, "storage_url") }?;
        let out = unsafe { Out::new(out_store, "out_store") }?;
        let store = client.client.object_store_at(url)?;
        out.set(boundary::give(glance_object_store { store }));
        Ok(())
    })
}

/// Frees an object-store handle. NULL is ignored. No call may be using it.
#[no_mangle]
pub extern "C" fn glance_object_store_free(store: *mut glance_object_store) {
    // SAFETY: NULL or a handle from glance_object_store_new/_at, per the contract.
    boundary::value((), || unsafe { boundary::free(store) })
}

/// The storage URL the handle talks to (looked up in the catalog, which may
/// authenticate first).
///
/// On success `*out_url` receives a new string owned by the caller (free it
/// with `glance_string_free`). Returns `GLANCE_OK`, `GLANCE_NULL_ARG`,
/// `GLANCE_CONFIG` (no object store in the catalog), `GLANCE_UNAUTHORIZED`,
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`.
#[no_mangle]
pub extern "C" fn glance_object_store_url(
    store: *const glance_object_store,
    out_url: *mut *mut c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live handle / a writable pointer, per the C contract.
        let store = unsafe { borrow(store, "store") }?;
        let out = unsafe { Out::new(out_url, "out_url") }?;
        out.set(boundary::give_string(store.store.storage_url()?)?);
        Ok(())
    })
}

/// Whether the container exists: `*out_exists` is written on success.
///
/// Like every call here: the handle and strings are borrowed for the call
/// only, thread-safe as far as the store goes, out-parameters written only on
/// success. Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (an empty name, a `/` or one over 256 bytes, before
/// any request), `GLANCE_FORBIDDEN` (another project's account), and the
/// failures every request can have (`GLANCE_UNAUTHORIZED`, `GLANCE_CONFIG`,
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_SERVICE_UNAVAILABLE`, `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_container_exists(
    store: *const glance_object_store,
    container: *const c_char,
    out_exists: *mut bool,
) -> glance_status {
    on_container(store, container, |store, container| {
        // SAFETY: NULL or a writable bool, per the C contract.
        let out = unsafe { Out::new(out_exists, "out_exists") }?;
        out.set(store.container_exists(container)?);
        Ok(())
    })
}

/// Succeeds when the container exists: a check before work that needs it
/// (an export, an import), with an error that names the container.
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, and the statuses of
/// `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_container_require(
    store: *const glance_object_store,
    container: *const c_char,
) -> glance_status {
    on_container(store, container, |store, container| {
        Ok(store.require_container(container)?)
    })
}

/// Creates a container; an existing one is left as it is.
///
/// Statuses as `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_container_create(
    store: *const glance_object_store,
    container: *const c_char,
) -> glance_status {
    on_container(store, container, |store, container| {
        Ok(store.create_container(container)?)
    })
}

/// Deletes an empty container.
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, `GLANCE_CONFLICT` (it
/// holds objects), and the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_container_delete(
    store: *const glance_object_store,
    container: *const c_char,
) -> glance_status {
    on_container(store, container, |store, container| {
        Ok(store.delete_container(container)?)
    })
}

/// Lists a container's objects whose names start with `prefix` (NULL: all),
/// every page. On success `*out_list` receives a new list owned by the caller
/// (free it with `glance_objects_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, and the statuses of
/// `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_list(
    store: *const glance_object_store,
    container: *const c_char,
    prefix: *const c_char,
    out_list: *mut *mut glance_objects,
) -> glance_status {
    on_container(store, container, |store, container| {
        // SAFETY: NULL or a string / a writable pointer, per the C contract.
        let prefix = unsafe { optional_text(prefix, "prefix") }?;
        let out = unsafe { Out::new(out_list, "out_list") }?;
        let entries = store.list_objects(
            container,
            &ObjectListOptions {
                prefix: prefix.map(str::to_owned),
                ..Default::default()
            },
        )?;
        out.set(boundary::give(glance_objects::new(entries)));
        Ok(())
    })
}

/// Uploads the file at `path` as `container/object`, replacing any object of
/// that name. Files larger than `segment_size` bytes (0: 1 GiB) go up in
/// segments of that size, as a Static Large Object; every piece's MD5 is
/// checked against Swift's ETag. Memory stays constant.
///
/// Returns `GLANCE_OK`, `GLANCE_IO` (the file cannot be read),
/// `GLANCE_NOT_FOUND` (no such container), `GLANCE_TOO_LARGE`,
/// `GLANCE_CHECKSUM_MISMATCH` (Swift stored other bytes than were sent), and
/// the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_upload_file(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    path: *const c_char,
    segment_size: u64,
) -> glance_status {
    glance_object_upload_file_opts(
        store,
        container,
        object,
        path,
        segment_size,
        std::ptr::null(),
    )
}

/// `glance_object_upload_file` with options: of `opts` only the progress
/// callback is used, called on the calling thread (`GLANCE_PHASE_TRANSFER`);
/// returning `GLANCE_CB_ABORT` stops the upload with `GLANCE_ABORTED`,
/// leaving no object or segment. A piece whose PUT meets a cut connection
/// or a 5xx is sent again.
///
/// `opts` may be NULL (no progress). `store`, `opts` and the strings are
/// borrowed for the call only. Thread-safe as far as `store` goes.
///
/// Returns the statuses of `glance_object_upload_file`, and `GLANCE_ABORTED`.
#[no_mangle]
pub extern "C" fn glance_object_upload_file_opts(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    path: *const c_char,
    segment_size: u64,
    opts: *const glance_transfer_opts,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        // SAFETY: NULL or a NUL-terminated string, NULL or live options, per the C contract.
        let path = unsafe { text(path, "path") }?;
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let progress = progress
            .as_mut()
            .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>);
        let options = upload_options(None, segment_size, progress);
        store.upload_file(container, object, path, options)?;
        Ok(())
    })
}

/// Downloads `container/object` into the file at `path`, checked against
/// Swift's ETag (segment by segment for a large object). The data goes to
/// `<path>.part`, renamed to `path` only once complete and verified. The
/// `.part` file is created exclusively with the permissions of the file at
/// `path`, else 0600, and never reached through a symbolic link (a link or
/// anything else there that cannot be a partial file this library made gives
/// `GLANCE_IO` and is left untouched). The data stops at the size Swift
/// recorded; an answer without `Content-Length` is bounded by the size a
/// `HEAD` gives and checked against the ETag.
///
/// Returns `GLANCE_OK`, `GLANCE_NOT_FOUND`, `GLANCE_IO`,
/// `GLANCE_CHECKSUM_MISMATCH` (the data differs from its ETag),
/// `GLANCE_INVALID_RESPONSE` (the data is shorter or longer than Swift
/// said), and the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_download_file(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    path: *const c_char,
) -> glance_status {
    glance_object_download_file_opts(store, container, object, path, std::ptr::null())
}

/// `glance_object_download_file` with options: of `opts` only the progress
/// callback is used, called on the calling thread (`GLANCE_PHASE_TRANSFER`);
/// returning `GLANCE_CB_ABORT` stops the download with `GLANCE_ABORTED`,
/// leaving no file.
///
/// `opts` may be NULL (no progress). `store`, `opts` and the strings are
/// borrowed for the call only. Thread-safe as far as `store` goes.
///
/// Returns the statuses of `glance_object_download_file`, and `GLANCE_ABORTED`.
#[no_mangle]
pub extern "C" fn glance_object_download_file_opts(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    path: *const c_char,
    opts: *const glance_transfer_opts,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        // SAFETY: NULL or a NUL-terminated string, NULL or live options, per the C contract.
        let path = unsafe { text(path, "path") }?;
        let opts = unsafe { options(opts) };
        let mut progress = progress_of(opts);
        let options = ObjectDownloadOptions {
            progress: progress
                .as_mut()
                .map(|p| p as &mut dyn FnMut(Progress) -> ControlFlow<()>),
        };
        store.download_to_file(container, object, path, options)?;
        Ok(())
    })
}

/// Deletes an object and the segments it owns: a Static Large Object's
/// through Swift's bulk delete; a Dynamic Large Object's only when its
/// manifest points into the object's own container (a non-empty prefix not
/// covering the manifest's name) or under `<container>_segments/<object>/`.
/// A manifest pointing anywhere else (anyone who can write the container can
/// set it) gives `GLANCE_INVALID_ARG` before anything is deleted: use
/// `glance_object_delete_keep_segments` to delete only the manifest. A
/// manifest whose segment container is gone is deleted.
///
/// Thread-safe (the store may be shared). Returns `GLANCE_OK`,
/// `GLANCE_NOT_FOUND`, `GLANCE_INVALID_ARG`, and the statuses of
/// `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_delete(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        Ok(store.delete_object(container, object)?)
    })
}

/// Deletes only the object itself: a large object's manifest goes, its
/// segments stay, wherever the manifest points. One `DELETE`, so a Dynamic
/// Large Object whose segment container is gone is deleted too.
///
/// Thread-safe (the store may be shared). Returns `GLANCE_OK`,
/// `GLANCE_NOT_FOUND`, and the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_delete_keep_segments(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        Ok(store.delete_object_keep_segments(container, object)?)
    })
}

/// The key temporary URLs for the container can be signed with (the
/// container's own, else the account's). On success `*out_key` receives a new
/// string owned by the caller (free it with `glance_string_free`), or NULL
/// when no key is set.
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, and the statuses of
/// `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_container_temp_url_key(
    store: *const glance_object_store,
    container: *const c_char,
    out_key: *mut *mut c_char,
) -> glance_status {
    on_container(store, container, |store, container| {
        // SAFETY: NULL or a writable pointer, per the C contract.
        let out = unsafe { Out::new(out_key, "out_key") }?;
        let key = match store.temp_url_key(container)? {
            Some(key) => boundary::give_string(key)?,
            None => std::ptr::null_mut(),
        };
        out.set(key);
        Ok(())
    })
}

/// The key a temporary URL for the whole object must be signed with: the
/// account's key, else the container's when every segment of a large object
/// lives in that same container (Swift lets a container's key reach that
/// container only). On success `*out_key` receives a new string owned by the
/// caller (free it with `glance_string_free`), or NULL when no key reaches
/// the whole object.
///
/// Returns `GLANCE_OK`, `GLANCE_NO_SUCH_CONTAINER`, `GLANCE_NOT_FOUND` (no
/// such object), and the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_object_temp_url_key(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    out_key: *mut *mut c_char,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        // SAFETY: NULL or a writable pointer, per the C contract.
        let out = unsafe { Out::new(out_key, "out_key") }?;
        let key = match store.temp_url_key_for_object(container, object)? {
            Some(key) => boundary::give_string(key)?,
            None => std::ptr::null_mut(),
        };
        out.set(key);
        Ok(())
    })
}

/// Sets the container's temporary URL key.
///
/// Returns `GLANCE_OK`, `GLANCE_INVALID_ARG` (an empty key),
/// `GLANCE_NO_SUCH_CONTAINER`, and the statuses of `glance_container_exists`.
#[no_mangle]
pub extern "C" fn glance_container_set_temp_url_key(
    store: *const glance_object_store,
    container: *const c_char,
    key: *const c_char,
) -> glance_status {
    on_container(store, container, |store, container| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let key = unsafe { text(key, "key") }?;
        Ok(store.set_container_temp_url_key(container, key)?)
    })
}

/// A URL from which anyone can `GET` the object for `lifetime_seconds`,
/// signed with `key` (HMAC-SHA256). Nothing is sent but, with a catalog, the
/// authentication that finds the storage URL.
///
/// On success `*out_url` receives a new string owned by the caller (free it
/// with `glance_string_free`). Returns `GLANCE_OK`, `GLANCE_NULL_ARG`,
/// `GLANCE_INVALID_UTF8`, `GLANCE_INVALID_ARG`, `GLANCE_CONFIG`.
#[no_mangle]
pub extern "C" fn glance_object_temp_url(
    store: *const glance_object_store,
    container: *const c_char,
    object: *const c_char,
    key: *const c_char,
    lifetime_seconds: u64,
    out_url: *mut *mut c_char,
) -> glance_status {
    on_object(store, container, object, |store, container, object| {
        // SAFETY: NULL or a string / a writable pointer, per the C contract.
        let key = unsafe { text(key, "key") }?;
        let out = unsafe { Out::new(out_url, "out_url") }?;
        let url = store.temp_url(
            container,
            object,
            key,
            std::time::Duration::from_secs(lifetime_seconds),
        )?;
        out.set(boundary::give_string(url)?);
        Ok(())
    })
}
