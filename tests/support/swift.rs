//! The local cloud's object storage, for tests: a handle per test user and a
//! guard that empties and deletes the containers a test made.

use glance_client::{ObjectListOptions, ObjectStore};

use super::cloud::{client, user};

/// `GLANCE_TEST_SWIFT_URL` (the proxy, without `/v1`).
pub fn swift_url() -> String {
    std::env::var("GLANCE_TEST_SWIFT_URL").unwrap_or_else(|_| {
        panic!(
            "GLANCE_TEST_SWIFT_URL is not set: start the local cloud and load its settings \
             first:\n  scripts/local-cloud start && . \"$(scripts/local-cloud env)\""
        )
    })
}

/// The storage URL of `which`'s project (`.../v1/AUTH_<project id>`).
pub fn storage_url(which: &str) -> String {
    format!("{}/v1/AUTH_{}", swift_url(), user(which).project_id)
}

/// `which`'s object storage, through a client of the RegionOne Glance.
pub fn store(which: &str) -> ObjectStore {
    client(which)
        .object_store_at(&storage_url(which))
        .expect("storage URL is valid")
}

/// Deletes its containers (objects first) when dropped.
pub struct Containers<'a> {
    store: &'a ObjectStore,
    names: Vec<String>,
}

impl<'a> Containers<'a> {
    pub fn new(store: &'a ObjectStore) -> Self {
        Containers {
            store,
            names: Vec::new(),
        }
    }

    /// Registers a container for deletion (segments containers included).
    pub fn add(&mut self, name: &str) {
        self.names.push(name.to_owned());
        self.names.push(format!("{name}_segments"));
    }
}

impl Drop for Containers<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            if let Ok(objects) = self.store.list_objects(name, &ObjectListOptions::default()) {
                for object in objects {
                    let _ = self.store.delete_object_keep_segments(name, &object.name);
                }
            }
            let _ = self.store.delete_container(name);
        }
    }
}
