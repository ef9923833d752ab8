//! The fields of a new image, set one by one.

use std::ffi::c_char;

use super::boundary::{self, text, CallResult};
use super::error::glance_status;
use crate::{CreateImage, Visibility};

/// The fields of an image to create with `glance_image_create`. Unset fields
/// take the server's defaults. Made by `glance_image_create_opts_new`, freed by
/// `glance_image_create_opts_free`; `glance_image_create` only reads it, so
/// one can serve several creations.
///
/// Not thread-safe: one thread at a time may change it.
pub struct glance_image_create_opts {
    pub(crate) fields: CreateImage,
}

/// Runs a setter on create options.
fn set(
    opts: *mut glance_image_create_opts,
    set: impl FnOnce(&mut CreateImage) -> CallResult,
) -> glance_status {
    boundary::change(opts, "opts", |opts| set(&mut opts.fields))
}

/// Runs a setter that takes one string.
fn set_text(
    opts: *mut glance_image_create_opts,
    value: *const c_char,
    name: &str,
    apply: impl FnOnce(&mut CreateImage, &str),
) -> glance_status {
    set(opts, |fields| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        let value = unsafe { text(value, name) }?;
        apply(fields, value);
        Ok(())
    })
}

/// Makes empty create options. Returns a new handle owned by the caller (free
/// it with `glance_image_create_opts_free`); NULL only if the library failed
/// internally.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_new() -> *mut glance_image_create_opts {
    boundary::value(std::ptr::null_mut(), || {
        boundary::give(glance_image_create_opts {
            fields: CreateImage::default(),
        })
    })
}

/// Frees create options. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_free(opts: *mut glance_image_create_opts) {
    // SAFETY: NULL or options from glance_image_create_opts_new, per the C contract.
    boundary::value((), || unsafe { boundary::free(opts) })
}

/// Chooses the new image's id (a UUID) instead of letting the server pick one.
///
/// Every string setter of create options copies its arguments and returns
/// `GLANCE_OK`, `GLANCE_NULL_ARG` or `GLANCE_INVALID_UTF8`; values are checked
/// by `glance_image_create`.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_id(
    opts: *mut glance_image_create_opts,
    id: *const c_char,
) -> glance_status {
    set_text(opts, id, "id", |f, v| f.id = Some(v.to_owned()))
}

/// Sets the name.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_name(
    opts: *mut glance_image_create_opts,
    name: *const c_char,
) -> glance_status {
    set_text(opts, name, "name", |f, v| f.name = Some(v.to_owned()))
}

/// Sets the disk format (`raw`, `qcow2`, `vhd`, `vmdk`, `iso`, ...).
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_disk_format(
    opts: *mut glance_image_create_opts,
    disk_format: *const c_char,
) -> glance_status {
    set_text(opts, disk_format, "disk_format", |f, v| {
        f.disk_format = Some(v.to_owned())
    })
}

/// Sets the container format (`bare`, `ovf`, ...).
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_container_format(
    opts: *mut glance_image_create_opts,
    container_format: *const c_char,
) -> glance_status {
    set_text(opts, container_format, "container_format", |f, v| {
        f.container_format = Some(v.to_owned())
    })
}

/// Sets the visibility: `private`, `shared` (the server's default), `community`
/// or `public` (usually admin only).
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_visibility(
    opts: *mut glance_image_create_opts,
    visibility: *const c_char,
) -> glance_status {
    set_text(opts, visibility, "visibility", |f, v| {
        f.visibility = Some(Visibility::from(v))
    })
}

/// Sets a custom property (Glance accepts string values only); setting a key
/// again replaces its value. Known fields (`name`, `tags`, ...) have their own
/// setters: giving one here makes `glance_image_create` fail with
/// `GLANCE_INVALID_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_property(
    opts: *mut glance_image_create_opts,
    key: *const c_char,
    value: *const c_char,
) -> glance_status {
    set(opts, |fields| {
        // SAFETY: NULL or NUL-terminated strings, per the C contract.
        let key = unsafe { text(key, "key") }?;
        let value = unsafe { text(value, "value") }?;
        fields.properties.insert(key.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Adds a tag.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_add_tag(
    opts: *mut glance_image_create_opts,
    tag: *const c_char,
) -> glance_status {
    set_text(opts, tag, "tag", |f, v| f.tags.push(v.to_owned()))
}

/// Sets the minimum disk in GiB. Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_min_disk(
    opts: *mut glance_image_create_opts,
    gib: u64,
) -> glance_status {
    set(opts, |f| {
        f.min_disk = Some(gib);
        Ok(())
    })
}

/// Sets the minimum RAM in MiB. Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_min_ram(
    opts: *mut glance_image_create_opts,
    mib: u64,
) -> glance_status {
    set(opts, |f| {
        f.min_ram = Some(mib);
        Ok(())
    })
}

/// Protects the image from deletion (or not). Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_protected(
    opts: *mut glance_image_create_opts,
    protected: bool,
) -> glance_status {
    set(opts, |f| {
        f.protected = Some(protected);
        Ok(())
    })
}

/// Hides the image from default listings (or not). Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_create_opts_set_os_hidden(
    opts: *mut glance_image_create_opts,
    hidden: bool,
) -> glance_status {
    set(opts, |f| {
        f.os_hidden = Some(hidden);
        Ok(())
    })
}
