//! Image data: streamed, verified uploads and downloads with progress.
//!
//! Memory stays constant whatever the image size: data moves through one
//! socket buffer and, when hashing runs on its helper thread, a small pool of
//! recycled buffers.

mod download;
mod framing;
mod progress;
mod upload;

use std::time::Duration;

pub use download::{DownloadOptions, Downloaded};
pub(crate) use framing::FramingMemory;
pub(crate) use progress::{Meter, MeteredReader};
pub use progress::{Phase, Progress, ProgressFn};
pub(crate) use upload::check_upload;
pub use upload::{Framing, UploadData, UploadOptions};

use crate::error::Result;
use crate::transport::Transport;

/// A token that would expire within this margin is renewed before a transfer
/// starts: Glance checks the token when the request arrives, but a store
/// that acts with the user's token (Swift) or the calls after the transfer
/// (verification, import) need it still valid at the end.
const TOKEN_MARGIN: Duration = Duration::from_secs(30 * 60);

/// Transfers smaller than this hash inline: a helper thread is not worth
/// starting for them.
const HASH_THREAD_MIN: u64 = 8 << 20;

/// Renews the session's token when it would expire within [`TOKEN_MARGIN`].
pub(crate) fn renew_expiring_token(transport: &Transport) -> Result<()> {
    let auth = transport.session.current(&transport.http)?;
    if auth.due_within(TOKEN_MARGIN) && transport.session.can_reauthenticate() {
        transport.session.reauthenticate(&transport.http, &auth)?;
    }
    Ok(())
}

/// Whether a transfer of `size` bytes (unknown: `None`) hashes on a helper thread.
fn hash_on_thread(size: Option<u64>) -> bool {
    size.map_or(true, |s| s >= HASH_THREAD_MIN)
}
