//! The local cloud's object storage, for tests: a handle per test user and a
//! guard that empties and deletes the containers a test made.

use glance_client::object_store::{ObjectListOptions, ObjectStore};

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

/// An in-memory Swift on the test double, for what the real one cannot show:
/// a PUT that meets a 5xx or a cut connection, a DELETE that is refused.
/// Serves one account, `/v1/AUTH_t`; every container exists.
pub mod fake {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use md5::{Digest, Md5};

    use crate::support::double::{Conn, Double, Recorded};

    /// What happens to the next request on a path.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Fault {
        /// Answers this status.
        Status(u16),
        /// Closes the connection without an answer.
        Cut,
        /// A GET: announces the whole object, sends this many bytes, closes.
        CutAfter(usize),
    }

    #[derive(Default)]
    struct State {
        /// Path (`/container/object`) -> data.
        objects: BTreeMap<String, Vec<u8>>,
        /// Static Large Object manifests: path and segment paths.
        manifests: Vec<(String, Vec<String>)>,
        /// Faults still to happen, by path, in order.
        faults: Vec<(String, Fault)>,
        /// Whether every DELETE is refused (403).
        refuse_deletes: bool,
    }

    pub struct FakeSwift {
        pub double: Double,
        state: Arc<Mutex<State>>,
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    impl FakeSwift {
        pub fn start() -> FakeSwift {
            let state: Arc<Mutex<State>> = Arc::default();
            let shared = state.clone();
            let double = Double::start(move |r: &Recorded, c: &mut Conn| {
                handle(&mut shared.lock().unwrap(), r, c)
            });
            FakeSwift { double, state }
        }

        /// The account's URL.
        pub fn storage_url(&self) -> String {
            format!("{}/v1/AUTH_t", self.double.url())
        }

        /// The next request on a path ending with `path` meets `fault`.
        pub fn fault(&self, path: &str, fault: Fault) {
            self.state
                .lock()
                .unwrap()
                .faults
                .push((path.to_owned(), fault));
        }

        pub fn refuse_deletes(&self) {
            self.state.lock().unwrap().refuse_deletes = true;
        }

        /// Every stored path, manifests and segments alike.
        pub fn paths(&self) -> Vec<String> {
            self.state.lock().unwrap().objects.keys().cloned().collect()
        }

        /// The data of an object (a manifest's: its segments' joined).
        pub fn data(&self, path: &str) -> Option<Vec<u8>> {
            self.state.lock().unwrap().objects.get(path).cloned()
        }

        /// The PUTs made on paths starting with `prefix`.
        pub fn puts(&self, prefix: &str) -> Vec<String> {
            self.double
                .requests()
                .into_iter()
                .filter(|r| r.method == "PUT")
                .map(|r| r.path().trim_start_matches("/v1/AUTH_t").to_owned())
                .filter(|p| p.starts_with(prefix))
                .collect()
        }
    }

    fn handle(state: &mut State, r: &Recorded, c: &mut Conn) {
        let Some(path) = r.path().strip_prefix("/v1/AUTH_t") else {
            return c.respond(404, &[], b"");
        };
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned();
        if let Some(at) = state.faults.iter().position(|(p, f)| {
            path.ends_with(p.as_str()) && (r.method == "GET" || !matches!(f, Fault::CutAfter(_)))
        }) {
            match state.faults.remove(at).1 {
                Fault::Status(status) => return c.respond(status, &[], b"try again"),
                Fault::Cut => return c.reset(),
                Fault::CutAfter(n) => {
                    let data = &state.objects[&path];
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nEtag: {}\r\n\r\n",
                        data.len(),
                        hex(&Md5::digest(data))
                    );
                    c.raw(head.as_bytes());
                    c.raw(&data[..n]);
                    return c.close();
                }
            }
        }
        let is_container = path.matches('/').count() == 1;
        let query = r.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        match r.method.as_str() {
            "HEAD" | "PUT" if is_container => c.respond(204, &[], b""),
            "PUT" if query.contains("multipart-manifest=put") => {
                let manifest: Vec<serde_json::Value> = serde_json::from_slice(&r.body).unwrap();
                let mut data = Vec::new();
                let mut etags = String::new();
                let mut segments = Vec::new();
                for segment in &manifest {
                    let segment_path = segment["path"].as_str().unwrap();
                    data.extend(state.objects[segment_path].iter());
                    etags.push_str(segment["etag"].as_str().unwrap());
                    segments.push(segment_path.to_owned());
                }
                state.objects.insert(path.clone(), data);
                state.manifests.push((path, segments));
                let etag = format!("\"{}\"", hex(&Md5::digest(etags.as_bytes())));
                c.respond(201, &[("Etag", &etag)], b"");
            }
            "PUT" => {
                let etag = hex(&Md5::digest(&r.body));
                state.objects.insert(path, r.body.clone());
                c.respond(201, &[("Etag", &etag)], b"");
            }
            "GET" if r.header("range").is_some() => {
                let data = &state.objects[&path];
                let start: usize = r.header("range").unwrap()["bytes=".len()..]
                    .trim_end_matches('-')
                    .parse()
                    .unwrap();
                let range = format!("bytes {start}-{}/{}", data.len() - 1, data.len());
                c.respond(206, &[("Content-Range", &range)], &data[start..]);
            }
            "HEAD" | "GET" => match state.objects.get(&path) {
                Some(data) => {
                    let length = data.len().to_string();
                    let mut headers = vec![("Content-Length", length.as_str())];
                    if state.manifests.iter().any(|(m, _)| *m == path) {
                        headers.push(("X-Static-Large-Object", "True"));
                    }
                    let head = headers
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}\r\n"))
                        .collect::<String>();
                    c.raw(format!("HTTP/1.1 200 OK\r\n{head}\r\n").as_bytes());
                    if r.method == "GET" {
                        c.raw(data);
                    }
                }
                None => c.respond(404, &[], b""),
            },
            "DELETE" if state.refuse_deletes => c.respond(403, &[], b"not yours"),
            "DELETE" if query.contains("multipart-manifest=delete") => {
                state.objects.remove(&path);
                if let Some(at) = state.manifests.iter().position(|(m, _)| *m == path) {
                    for segment in state.manifests.remove(at).1 {
                        state.objects.remove(&segment);
                    }
                }
                c.json(
                    200,
                    &serde_json::json!({"Response Status": "200 OK", "Errors": []}),
                );
            }
            "DELETE" => match state.objects.remove(&path) {
                Some(_) => c.respond(204, &[], b""),
                None => c.respond(404, &[], b""),
            },
            _ => c.respond(405, &[], b""),
        }
    }
}
