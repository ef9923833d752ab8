//! The image record C reads: getters for every known field and any property,
//! and the record as JSON.

use std::collections::BTreeMap;
use std::ffi::{c_char, CString};

use serde_json::Value;

use super::boundary::{self, borrow, c_text, get, lend, lend_at, text, Out};
use super::error::glance_status;
use crate::Image;

/// An image record as the server returned it (a snapshot: it does not change
/// when the image does; fetch it again with `glance_image_get`).
///
/// Immutable: several threads may read one image at once. Strings its getters
/// return are borrowed from it and stay valid until it is freed. An image
/// obtained from a page (`glance_image_page_get`) belongs to the page; every
/// other image belongs to the caller, who frees it with `glance_image_free`.
pub struct glance_image {
    image: Image,
    text: ImageText,
}

/// The record's strings as C strings, made once so getters can lend them.
struct ImageText {
    id: Option<CString>,
    name: Option<CString>,
    status: Option<CString>,
    visibility: Option<CString>,
    owner: Option<CString>,
    checksum: Option<CString>,
    os_hash_algo: Option<CString>,
    os_hash_value: Option<CString>,
    disk_format: Option<CString>,
    container_format: Option<CString>,
    created_at: Option<CString>,
    updated_at: Option<CString>,
    tags: Vec<Option<CString>>,
    stores: Vec<Option<CString>>,
    /// Every top-level attribute: strings as they are, other values as JSON.
    properties: BTreeMap<String, Option<CString>>,
    /// The keys of `properties`, in order.
    keys: Vec<Option<CString>>,
}

fn opt(value: &Option<String>) -> Option<CString> {
    value.as_deref().and_then(c_text)
}

impl glance_image {
    pub(crate) fn new(image: Image) -> glance_image {
        let record = serde_json::to_value(&image).unwrap_or(Value::Null);
        let properties: BTreeMap<String, Option<CString>> = record
            .as_object()
            .map(|object| {
                object
                    .iter()
                    .map(|(key, value)| {
                        let text = match value {
                            Value::Null => None,
                            Value::String(s) => c_text(s),
                            other => c_text(&other.to_string()),
                        };
                        (key.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let text = ImageText {
            id: c_text(&image.id),
            name: opt(&image.name),
            status: c_text(image.status.as_str()),
            visibility: c_text(image.visibility.as_str()),
            owner: opt(&image.owner),
            checksum: opt(&image.checksum),
            os_hash_algo: opt(&image.os_hash_algo),
            os_hash_value: opt(&image.os_hash_value),
            disk_format: opt(&image.disk_format),
            container_format: opt(&image.container_format),
            created_at: opt(&image.created_at),
            updated_at: opt(&image.updated_at),
            tags: image.tags.iter().map(|t| c_text(t)).collect(),
            stores: image.stores().into_iter().map(c_text).collect(),
            keys: properties.keys().map(|k| c_text(k)).collect(),
            properties,
        };
        glance_image { image, text }
    }
}

/// Frees an image the caller owns. NULL is ignored.
///
/// Never call it on an image borrowed from a page.
#[no_mangle]
pub extern "C" fn glance_image_free(image: *mut glance_image) {
    // SAFETY: NULL or an owned image, by the contract above.
    boundary::value((), || unsafe { boundary::free(image) })
}

/// Copies an image (for example to keep one from a page after freeing the
/// page). Returns a new image owned by the caller, or NULL when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_clone(image: *const glance_image) -> *mut glance_image {
    boundary::value(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live image, per the C contract.
        match unsafe { image.as_ref() } {
            Some(image) => boundary::give(glance_image::new(image.image.clone())),
            None => std::ptr::null_mut(),
        }
    })
}

/// The image id (a UUID). NULL only when `image` is NULL.
///
/// Borrowed from `image`, like every string getter of an image: valid until
/// the image (or the page it belongs to) is freed; never free it. String
/// getters return NULL when the field is absent or null, and when its value
/// holds a NUL byte and so cannot be a C string (`glance_image_to_json`
/// has every value).
#[no_mangle]
pub extern "C" fn glance_image_id(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.id))
}

/// The name; NULL when the image has none.
#[no_mangle]
pub extern "C" fn glance_image_name(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.name))
}

/// The status: `queued`, `saving`, `active`, `killed`, `deleted`,
/// `pending_delete`, `deactivated`, `uploading`, `importing`, or whatever
/// else the server says; empty when the server sent none.
#[no_mangle]
pub extern "C" fn glance_image_status(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.status))
}

/// The visibility: `public`, `private`, `shared`, `community`, or whatever
/// else the server says; empty when the server sent none.
#[no_mangle]
pub extern "C" fn glance_image_visibility(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.visibility))
}

/// The owning project's id; NULL when absent.
#[no_mangle]
pub extern "C" fn glance_image_owner(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.owner))
}

/// The MD5 of the data, hex (legacy checksum); NULL before upload.
#[no_mangle]
pub extern "C" fn glance_image_checksum(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.checksum))
}

/// The multihash algorithm (e.g. `sha512`); NULL before upload.
#[no_mangle]
pub extern "C" fn glance_image_os_hash_algo(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.os_hash_algo))
}

/// The multihash of the data, hex; NULL before upload.
#[no_mangle]
pub extern "C" fn glance_image_os_hash_value(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.os_hash_value))
}

/// The disk format (`raw`, `qcow2`, ...); NULL when unset.
#[no_mangle]
pub extern "C" fn glance_image_disk_format(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.disk_format))
}

/// The container format (`bare`, `ovf`, ...); NULL when unset.
#[no_mangle]
pub extern "C" fn glance_image_container_format(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.container_format))
}

/// The creation time, ISO 8601 (e.g. `2026-01-31T12:00:00Z`); NULL when absent.
#[no_mangle]
pub extern "C" fn glance_image_created_at(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.created_at))
}

/// The last update time, ISO 8601; NULL when absent.
#[no_mangle]
pub extern "C" fn glance_image_updated_at(image: *const glance_image) -> *const c_char {
    get(image, std::ptr::null(), |i| lend(&i.text.updated_at))
}

/// Whether the image is protected from deletion; false when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_protected(image: *const glance_image) -> bool {
    get(image, false, |i| i.image.protected)
}

/// Whether the image is hidden from default listings; false when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_os_hidden(image: *const glance_image) -> bool {
    get(image, false, |i| i.image.os_hidden)
}

/// The size of the data in bytes. Returns true and writes `*out_size` when the
/// size is known; returns false and leaves `*out_size` alone when it is not
/// (no data yet) or an argument is NULL.
#[no_mangle]
pub extern "C" fn glance_image_size(image: *const glance_image, out_size: *mut u64) -> bool {
    known(image, out_size, |i| i.image.size)
}

/// The size of the virtual disk in bytes, as `glance_image_size` (false
/// when the server does not know it).
#[no_mangle]
pub extern "C" fn glance_image_virtual_size(
    image: *const glance_image,
    out_size: *mut u64,
) -> bool {
    known(image, out_size, |i| i.image.virtual_size)
}

fn known(
    image: *const glance_image,
    out: *mut u64,
    field: impl FnOnce(&glance_image) -> Option<u64>,
) -> bool {
    boundary::value(false, || {
        // SAFETY: NULL or a live image / writable u64, per the C contract.
        let (Ok(image), Ok(out)) = (unsafe { borrow(image, "image") }, unsafe {
            Out::new(out, "out")
        }) else {
            return false;
        };
        match field(image) {
            Some(value) => {
                out.set(value);
                true
            }
            None => false,
        }
    })
}

/// The minimum disk in GiB to boot the image; 0 when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_min_disk(image: *const glance_image) -> u64 {
    get(image, 0, |i| i.image.min_disk)
}

/// The minimum RAM in MiB to boot the image; 0 when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_min_ram(image: *const glance_image) -> u64 {
    get(image, 0, |i| i.image.min_ram)
}

/// The number of tags; 0 when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_tag_count(image: *const glance_image) -> usize {
    get(image, 0, |i| i.text.tags.len())
}

/// Tag number `index` (from 0); NULL when out of range. Borrowed from `image`.
#[no_mangle]
pub extern "C" fn glance_image_tag(image: *const glance_image, index: usize) -> *const c_char {
    get(image, std::ptr::null(), |i| lend_at(&i.text.tags, index))
}

/// The number of stores holding the data (the `stores` property); 0 when
/// the server does not say or `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_store_count(image: *const glance_image) -> usize {
    get(image, 0, |i| i.text.stores.len())
}

/// Store number `index` (from 0), e.g. `fs`; NULL when out of range.
/// Borrowed from `image`.
#[no_mangle]
pub extern "C" fn glance_image_store(image: *const glance_image, index: usize) -> *const c_char {
    get(image, std::ptr::null(), |i| lend_at(&i.text.stores, index))
}

/// The number of top-level attributes of the record: the known fields the
/// server sent and every other property (custom ones, `os_glance_*`,
/// `locations`, ...); 0 when `image` is NULL.
#[no_mangle]
pub extern "C" fn glance_image_property_count(image: *const glance_image) -> usize {
    get(image, 0, |i| i.text.keys.len())
}

/// The name of attribute number `index` (from 0, in alphabetical order);
/// NULL when out of range. Borrowed from `image`.
#[no_mangle]
pub extern "C" fn glance_image_property_key(
    image: *const glance_image,
    index: usize,
) -> *const c_char {
    get(image, std::ptr::null(), |i| lend_at(&i.text.keys, index))
}

/// The value of any attribute by name, known field or custom property: a
/// string value as it is (`"debian"`), any other value as compact JSON
/// (`"1024"`, `"true"`, `"[\"a\",\"b\"]"`). NULL when the attribute is absent
/// or null, or when `image` or `key` is NULL or `key` is not UTF-8.
///
/// `key` is only read during the call; the result is borrowed from `image`.
#[no_mangle]
pub extern "C" fn glance_image_property(
    image: *const glance_image,
    key: *const c_char,
) -> *const c_char {
    get(image, std::ptr::null(), |i| {
        // SAFETY: NULL or a NUL-terminated string, per the C contract.
        match unsafe { text(key, "key") } {
            Ok(key) => i.text.properties.get(key).map_or(std::ptr::null(), lend),
            Err(_) => std::ptr::null(),
        }
    })
}

/// The whole record as a JSON object, every attribute included.
///
/// On success `*out_json` receives a new NUL-terminated string owned by the
/// caller, to be freed with `glance_string_free`; on failure it is not written.
/// Returns `GLANCE_OK` or `GLANCE_NULL_ARG`.
#[no_mangle]
pub extern "C" fn glance_image_to_json(
    image: *const glance_image,
    out_json: *mut *mut c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or a live image / writable pointer, per the C contract.
        let image = unsafe { borrow(image, "image") }?;
        let out = unsafe { Out::new(out_json, "out_json") }?;
        out.set(boundary::give_string(image.image.to_json())?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn s(p: *const c_char) -> Option<String> {
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    #[test]
    fn getters_lend_every_field() {
        let image: Image = serde_json::from_str(
            r#"{"id":"i1","name":"n","status":"active","visibility":"shared","size":3,
                "tags":["a","b"],"min_disk":2,"os_distro":"debian","stores":"fs,fs2",
                "locations":[],"checksum":null,"bad":"x\u0000y"}"#,
        )
        .unwrap();
        let handle = glance_image::new(image);
        let h = &handle as *const glance_image;
        assert_eq!(s(glance_image_id(h)).as_deref(), Some("i1"));
        assert_eq!(s(glance_image_status(h)).as_deref(), Some("active"));
        assert_eq!(s(glance_image_checksum(h)), None);
        assert_eq!(glance_image_tag_count(h), 2);
        assert_eq!(s(glance_image_tag(h, 1)).as_deref(), Some("b"));
        assert_eq!(s(glance_image_tag(h, 2)), None);
        assert_eq!(s(glance_image_store(h, 1)).as_deref(), Some("fs2"));
        let mut size = 0;
        assert!(glance_image_size(h, &mut size));
        assert_eq!(size, 3);
        let mut virtual_size = 77;
        assert!(!glance_image_virtual_size(h, &mut virtual_size));
        assert_eq!(virtual_size, 77);
        let prop = |k: &CStr| s(glance_image_property(h, k.as_ptr()));
        assert_eq!(prop(c"os_distro").as_deref(), Some("debian"));
        assert_eq!(prop(c"name").as_deref(), Some("n"));
        assert_eq!(prop(c"min_disk").as_deref(), Some("2"));
        assert_eq!(prop(c"tags").as_deref(), Some(r#"["a","b"]"#));
        assert_eq!(prop(c"locations").as_deref(), Some("[]"));
        assert_eq!(prop(c"checksum"), None);
        assert_eq!(prop(c"bad"), None);
        assert_eq!(prop(c"missing"), None);
        let keys: Vec<String> = (0..glance_image_property_count(h))
            .map(|i| s(glance_image_property_key(h, i)).unwrap())
            .collect();
        assert!(keys.contains(&"os_distro".to_owned()) && keys.contains(&"id".to_owned()));
    }

    #[test]
    fn null_images_give_fallbacks() {
        let null = std::ptr::null();
        assert!(glance_image_id(null).is_null());
        assert!(!glance_image_protected(null));
        assert_eq!(glance_image_min_ram(null), 0);
        assert_eq!(glance_image_property_count(null), 0);
        assert!(glance_image_clone(null).is_null());
        glance_image_free(std::ptr::null_mut());
    }
}
