//! `glance_objects`: the objects of a container, as `glance_object_list`
//! returned them.

use std::ffi::{c_char, CString};

use super::boundary::{self, c_text, lend_at};
use crate::object_store::ObjectEntry;

/// The objects of a container, by name, as `glance_object_list` returned
/// them. Immutable; strings its getters return are borrowed from it. Free it
/// with `glance_objects_free`.
pub struct glance_objects {
    entries: Vec<ObjectEntry>,
    names: Vec<Option<CString>>,
    hashes: Vec<Option<CString>>,
}

impl glance_objects {
    pub(super) fn new(entries: Vec<ObjectEntry>) -> glance_objects {
        glance_objects {
            names: entries.iter().map(|e| c_text(&e.name)).collect(),
            hashes: entries
                .iter()
                .map(|e| e.hash.as_deref().and_then(c_text))
                .collect(),
            entries,
        }
    }
}

/// The number of objects in the list; 0 when `list` is NULL.
#[no_mangle]
pub extern "C" fn glance_objects_count(list: *const glance_objects) -> usize {
    boundary::get(list, 0, |l| l.entries.len())
}

/// The name of object number `index` (from 0); NULL when out of range.
/// Borrowed from `list`.
#[no_mangle]
pub extern "C" fn glance_objects_name(list: *const glance_objects, index: usize) -> *const c_char {
    boundary::get(list, std::ptr::null(), |l| lend_at(&l.names, index))
}

/// The ETag (MD5 of an ordinary object) of object number `index`; NULL when
/// out of range or absent. Borrowed from `list`.
#[no_mangle]
pub extern "C" fn glance_objects_hash(list: *const glance_objects, index: usize) -> *const c_char {
    boundary::get(list, std::ptr::null(), |l| lend_at(&l.hashes, index))
}

/// The size in bytes of object number `index`; 0 when out of range.
#[no_mangle]
pub extern "C" fn glance_objects_size(list: *const glance_objects, index: usize) -> u64 {
    boundary::get(list, 0, |l| l.entries.get(index).map_or(0, |e| e.bytes))
}

/// Frees an object list. NULL is ignored.
#[no_mangle]
pub extern "C" fn glance_objects_free(list: *mut glance_objects) {
    // SAFETY: NULL or a list from glance_object_list, per the contract.
    boundary::value((), || unsafe { boundary::free(list) })
}
