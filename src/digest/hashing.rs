//! Digests of image data, computed while the bytes stream past.
//!
//! Glance records two digests of every image: `checksum` (MD5) and the
//! "multihash" `os_hash_value`, whose algorithm `os_hash_algo` is SHA-512
//! unless the cloud is configured otherwise. Hashing can run inline or on a
//! helper thread: SHA-512 runs near 700 MB/s on one core, slower than a local
//! download, so large transfers hash beside the I/O instead of between reads.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use md5::Md5;
use ring::digest::{Context, SHA384, SHA512};
use sha2::{Digest, Sha224, Sha256};

use super::{hex, HashAlgorithm};

/// One running digest.
enum Engine {
    Md5(Md5),
    Sha224(Sha224),
    Sha256(Sha256),
    /// SHA-384 and SHA-512 from ring, faster here than sha2's.
    Sha384(Context),
    Sha512(Context),
}

impl Engine {
    fn new(algorithm: HashAlgorithm) -> Engine {
        match algorithm {
            HashAlgorithm::Md5 => Engine::Md5(Md5::new()),
            HashAlgorithm::Sha224 => Engine::Sha224(Sha224::new()),
            HashAlgorithm::Sha256 => Engine::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Engine::Sha384(Context::new(&SHA384)),
            HashAlgorithm::Sha512 => Engine::Sha512(Context::new(&SHA512)),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Engine::Md5(h) => h.update(data),
            Engine::Sha224(h) => h.update(data),
            Engine::Sha256(h) => h.update(data),
            Engine::Sha384(h) => h.update(data),
            Engine::Sha512(h) => h.update(data),
        }
    }

    fn finish(self) -> (HashAlgorithm, String) {
        match self {
            Engine::Md5(h) => (HashAlgorithm::Md5, hex(&h.finalize())),
            Engine::Sha224(h) => (HashAlgorithm::Sha224, hex(&h.finalize())),
            Engine::Sha256(h) => (HashAlgorithm::Sha256, hex(&h.finalize())),
            Engine::Sha384(h) => (HashAlgorithm::Sha384, hex(h.finish().as_ref())),
            Engine::Sha512(h) => (HashAlgorithm::Sha512, hex(h.finish().as_ref())),
        }
    }
}

/// The finished digests of a transfer, lower-case hex.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Digests(Vec<(HashAlgorithm, String)>);

impl Digests {
    pub(crate) fn get(&self, algorithm: HashAlgorithm) -> Option<&str> {
        self.0
            .iter()
            .find(|(a, _)| *a == algorithm)
            .map(|(_, v)| v.as_str())
    }
}

/// Buffers in flight to each hashing thread: bounds its memory (8 x 256 KiB)
/// while letting the I/O thread run ahead of it a little.
const POOL: usize = 8;

/// Digests fed as data moves, inline or on a helper thread.
pub(crate) struct Hashing(Kind);

enum Kind {
    /// Nothing to compute (verification switched off).
    Off,
    /// On the calling thread.
    Inline(Vec<Engine>),
    /// One helper thread per digest, each fed through a bounded queue of
    /// recycled buffers: an upload's MD5 and SHA-512 then run side by side
    /// (together on one core they hashed at about 400 MB/s, half of either).
    Threaded(Vec<Worker>),
}

struct Worker {
    data: Option<SyncSender<Vec<u8>>>,
    spare: Receiver<Vec<u8>>,
    allocated: usize,
    thread: JoinHandle<Engine>,
}

impl Hashing {
    /// Digests for `algorithms`; on a helper thread when `threaded`.
    pub(crate) fn new(algorithms: &[HashAlgorithm], threaded: bool) -> Hashing {
        let mut unique: Vec<HashAlgorithm> = Vec::new();
        for algorithm in algorithms {
            if !unique.contains(algorithm) {
                unique.push(*algorithm);
            }
        }
        let engines: Vec<Engine> = unique.into_iter().map(Engine::new).collect();
        if engines.is_empty() {
            return Hashing(Kind::Off);
        }
        if !threaded {
            return Hashing(Kind::Inline(engines));
        }
        let mut workers = Vec::with_capacity(engines.len());
        for engine in engines {
            match Worker::spawn(engine) {
                Some(worker) => workers.push(worker),
                // No thread to be had: hash inline rather than fail the transfer
                // (the workers started so far end when dropped).
                None => return Hashing::new(algorithms, false),
            }
        }
        Hashing(Kind::Threaded(workers))
    }

    /// Feeds bytes to every digest.
    pub(crate) fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            Kind::Off => {}
            Kind::Inline(engines) => {
                for engine in engines {
                    engine.update(data);
                }
            }
            Kind::Threaded(workers) => {
                for worker in workers {
                    worker.send(data);
                }
            }
        }
    }

    /// The digests of everything fed.
    pub(crate) fn finish(self) -> Digests {
        let engines = match self.0 {
            Kind::Off => Vec::new(),
            Kind::Inline(engines) => engines,
            Kind::Threaded(workers) => workers
                .into_iter()
                .filter_map(|mut worker| {
                    worker.data = None;
                    // The thread only panics if hashing itself does, which it does not.
                    worker.thread.join().ok()
                })
                .collect(),
        };
        Digests(engines.into_iter().map(Engine::finish).collect())
    }
}

impl Worker {
    /// Starts a thread computing `engine`; `None` when no thread can be started.
    fn spawn(mut engine: Engine) -> Option<Worker> {
        let (data_tx, data_rx) = mpsc::sync_channel::<Vec<u8>>(POOL);
        let (spare_tx, spare_rx) = mpsc::sync_channel::<Vec<u8>>(POOL);
        let thread = std::thread::Builder::new()
            .name("glance-hash".into())
            .spawn(move || {
                for buffer in data_rx {
                    engine.update(&buffer);
                    // The I/O side may have finished and gone: nothing to return to.
                    let _ = spare_tx.try_send(buffer);
                }
                engine
            })
            .ok()?;
        Some(Worker {
            data: Some(data_tx),
            spare: spare_rx,
            allocated: 0,
            thread,
        })
    }

    fn send(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        let mut buffer = match self.spare.try_recv() {
            Ok(buffer) => buffer,
            Err(_) if self.allocated < POOL => {
                self.allocated += 1;
                Vec::with_capacity(data.len())
            }
            // Every buffer is in flight: wait for the hasher to hand one back.
            Err(_) => self.spare.recv().unwrap_or_default(),
        };
        buffer.clear();
        buffer.extend_from_slice(data);
        if let Some(tx) = &self.data {
            let _ = tx.send(buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [HashAlgorithm; 5] = [
        HashAlgorithm::Md5,
        HashAlgorithm::Sha224,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ];

    fn digest_of(data: &[u8], threaded: bool, piece: usize) -> Digests {
        let mut h = Hashing::new(&ALL, threaded);
        for chunk in data.chunks(piece) {
            h.update(chunk);
        }
        h.finish()
    }

    #[test]
    fn known_vectors() {
        let d = digest_of(b"abc", false, 1);
        assert_eq!(
            d.get(HashAlgorithm::Md5),
            Some("900150983cd24fb0d6963f7d28e17f72")
        );
        assert_eq!(
            d.get(HashAlgorithm::Sha256),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert!(d
            .get(HashAlgorithm::Sha512)
            .unwrap()
            .starts_with("ddaf35a193617aba"));
    }

    #[test]
    fn threaded_equals_inline_whatever_the_pieces() {
        let data: Vec<u8> = (0..1_000_003u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let inline = digest_of(&data, false, 1 << 20);
        for piece in [1, 4093, 65536, 262144, 1_000_003] {
            assert_eq!(digest_of(&data, true, piece), inline, "piece {piece}");
        }
    }

    #[test]
    fn names_parse() {
        assert_eq!("SHA-512".parse(), Ok(HashAlgorithm::Sha512));
        assert_eq!("md5".parse(), Ok(HashAlgorithm::Md5));
        assert_eq!("blake2b".parse::<HashAlgorithm>(), Err(()));
        assert!(matches!(Hashing::new(&[], true).0, Kind::Off));
    }
}
