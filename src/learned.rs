//! What a client has learned of its cloud's offer as it went (the import
//! methods and store ids from an image create's headers; what
//! `src/capabilities.rs` asks for), kept beside its transport and shared by
//! its clones.

use std::sync::Mutex;

use crate::http::Response;

/// What a client has learned so far; each part is asked for once at most.
#[derive(Debug, Default)]
pub(crate) struct Learned(Mutex<Parts>);

#[derive(Debug, Default, Clone)]
pub(crate) struct Parts {
    pub(crate) version: Option<Option<(u32, u32)>>,
    pub(crate) methods: Option<Vec<String>>,
    pub(crate) stores: Option<Vec<String>>,
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Glance's internal stores, listed in the header but not usable by callers.
fn is_internal_store(id: &str) -> bool {
    id.starts_with("os_glance_")
}

impl Learned {
    pub(crate) fn parts(&self) -> Parts {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn update(&self, apply: impl FnOnce(&mut Parts)) {
        apply(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Takes the import methods and store ids from an image create's answer.
    pub(crate) fn learn_from(&self, response: &Response) {
        let methods = response
            .header("OpenStack-image-import-methods")
            .map(split_list);
        let stores = response.header("OpenStack-image-store-ids").map(|v| {
            split_list(v)
                .into_iter()
                .filter(|s| !is_internal_store(s))
                .collect::<Vec<_>>()
        });
        self.update(|parts| {
            if methods.is_some() {
                parts.methods = methods;
            }
            if stores.is_some() {
                parts.stores = stores;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split() {
        assert_eq!(split_list(" fs, fs2 ,,"), ["fs", "fs2"]);
        assert!(is_internal_store("os_glance_staging_store"));
    }
}
