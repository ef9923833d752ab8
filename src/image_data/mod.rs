//! Image data: streamed, verified uploads and downloads with progress.
//!
//! Memory stays constant whatever the image size: data moves through one
//! socket buffer and, when hashing runs on its helper thread, a small pool of
//! recycled buffers.

mod download;
mod progress;
mod upload;

pub use download::{DownloadOptions, Downloaded};
pub(crate) use progress::{Meter, MeteredReader};
pub use progress::{Phase, Progress, ProgressFn};
pub(crate) use upload::check_upload;
pub use upload::{Framing, UploadData, UploadOptions};

/// Transfers smaller than this hash inline: a helper thread is not worth
/// starting for them.
const HASH_THREAD_MIN: u64 = 8 << 20;

/// Whether a transfer of `size` bytes (unknown: `None`) hashes on a helper thread.
fn hash_on_thread(size: Option<u64>) -> bool {
    size.map_or(true, |s| s >= HASH_THREAD_MIN)
}
