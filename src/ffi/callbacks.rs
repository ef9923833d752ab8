//! The callbacks C passes (progress, data to upload, downloaded data), the
//! values they return, and the adapters that make them a Rust progress
//! closure, reader and writer. Every file whose calls take a callback uses
//! them from here.

use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::io::{self, Read, Write};
use std::ops::ControlFlow;

use super::boundary::{CallError, CallResult};
use super::status::glance_status;
use crate::image_data::{Phase, Progress, UploadData};

/// What a callback returns to go on.
pub const GLANCE_CB_CONTINUE: c_int = 0;
/// What a callback returns to stop: the call then fails with `GLANCE_ABORTED`.
pub const GLANCE_CB_ABORT: c_int = 1;

/// Progress of a transfer: `done` bytes moved of `total` (0 when unknown).
/// Called when the transfer starts, every 4 MiB or 100 ms while data moves,
/// and at the end. Returns `GLANCE_CB_CONTINUE`, or `GLANCE_CB_ABORT` to stop.
pub type glance_progress_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, done: u64, total: u64) -> c_int>;

/// What a progress report is about (`glance_phase_progress_cb`). More
/// phases may come: treat an unknown one like `GLANCE_PHASE_TRANSFER`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum glance_phase {
    /// One upload or download on its own (image data, one object): `done`
    /// and `total` are its bytes.
    GLANCE_PHASE_TRANSFER = 0,
    /// A copy's, export's or import's data moving, downloaded from the
    /// source and uploaded to the target at once: `done` bytes reached the
    /// target, of `total` (the image's size).
    GLANCE_PHASE_MOVING = 1,
    /// Glance processing an import (or fetching the data itself): `done`
    /// and `total` are 0; called after each poll.
    GLANCE_PHASE_IMPORTING = 2,
}

impl From<Phase> for glance_phase {
    fn from(phase: Phase) -> Self {
        match phase {
            Phase::Moving => glance_phase::GLANCE_PHASE_MOVING,
            Phase::Importing => glance_phase::GLANCE_PHASE_IMPORTING,
            _ => glance_phase::GLANCE_PHASE_TRANSFER,
        }
    }
}

/// Progress with the phase it is about: `done` bytes of `total` (0 when
/// unknown), at the rate of `glance_progress_cb`. Returns
/// `GLANCE_CB_CONTINUE`, or `GLANCE_CB_ABORT` to stop.
pub type glance_phase_progress_cb = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        done: u64,
        total: u64,
        phase: glance_phase,
    ) -> c_int,
>;

/// The progress callback C gave, of either kind.
#[derive(Clone, Copy)]
pub(crate) enum Reporter {
    None,
    Plain(unsafe extern "C" fn(*mut c_void, u64, u64) -> c_int),
    Phased(unsafe extern "C" fn(*mut c_void, u64, u64, glance_phase) -> c_int),
}

/// Supplies upload data: writes at most `capacity` bytes to `buffer`, stores
/// how many in `*out_len` (0: the data has ended) and returns
/// `GLANCE_CB_CONTINUE`; or returns `GLANCE_CB_ABORT` to stop the upload.
pub type glance_read_cb = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        buffer: *mut u8,
        capacity: usize,
        out_len: *mut usize,
    ) -> c_int,
>;

/// Receives downloaded data, `len` bytes at `data` (valid during the call
/// only). Returns `GLANCE_CB_CONTINUE`, or `GLANCE_CB_ABORT` to stop.
pub type glance_write_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, data: *const u8, len: usize) -> c_int>;

impl Reporter {
    /// The progress closure the Rust API calls, which calls the C callback
    /// with `userdata`; `None` without a callback.
    pub(crate) fn progress(
        self,
        userdata: *mut c_void,
    ) -> Option<impl FnMut(Progress) -> ControlFlow<()>> {
        if let Reporter::None = self {
            return None;
        }
        Some(move |p: Progress| {
            let total = p.total.unwrap_or(0);
            // SAFETY: the caller gave a valid callback and userdata, per the docs.
            let answer = unsafe {
                match self {
                    Reporter::Plain(callback) => callback(userdata, p.done, total),
                    Reporter::Phased(callback) => callback(userdata, p.done, total, p.phase.into()),
                    Reporter::None => GLANCE_CB_CONTINUE,
                }
            };
            if answer == GLANCE_CB_CONTINUE {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        })
    }
}

/// Reads upload data through a C callback; remembers an abort.
pub(crate) struct CallbackReader {
    callback: unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> c_int,
    userdata: *mut c_void,
    aborted: Cell<bool>,
}

impl CallbackReader {
    /// The reader of a callback C passed (`'read'` when NULL).
    pub(crate) fn new(read: glance_read_cb, userdata: *mut c_void) -> CallResult<CallbackReader> {
        let callback =
            read.ok_or_else(|| CallError::new(glance_status::GLANCE_NULL_ARG, "'read' is NULL"))?;
        Ok(CallbackReader {
            callback,
            userdata,
            aborted: Cell::new(false),
        })
    }

    /// The call's error: `GLANCE_ABORTED` when the callback asked to stop.
    pub(crate) fn failure(&self, error: crate::Error) -> CallError {
        aborted_or(self.aborted.get(), error)
    }
}

impl Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut len = 0usize;
        // SAFETY: a valid callback per the docs; `buf` is writable for its length.
        let answer =
            unsafe { (self.callback)(self.userdata, buf.as_mut_ptr(), buf.len(), &mut len) };
        if answer != GLANCE_CB_CONTINUE {
            self.aborted.set(true);
            return Err(io::Error::other("the read callback aborted"));
        }
        if len > buf.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the read callback claimed {len} bytes of a {}-byte buffer",
                    buf.len()
                ),
            ));
        }
        Ok(len)
    }
}

/// Writes download data through a C callback; remembers an abort.
pub(crate) struct CallbackWriter {
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    userdata: *mut c_void,
    aborted: bool,
}

impl CallbackWriter {
    /// The writer of a callback C passed (`'write'` when NULL).
    pub(crate) fn new(write: glance_write_cb, userdata: *mut c_void) -> CallResult<CallbackWriter> {
        let callback = write
            .ok_or_else(|| CallError::new(glance_status::GLANCE_NULL_ARG, "'write' is NULL"))?;
        Ok(CallbackWriter {
            callback,
            userdata,
            aborted: false,
        })
    }

    /// The call's error: `GLANCE_ABORTED` when the callback asked to stop.
    pub(crate) fn failure(&self, error: crate::Error) -> CallError {
        aborted_or(self.aborted, error)
    }
}

impl Write for CallbackWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // SAFETY: a valid callback per the docs; `data` is readable for its length.
        let answer = unsafe { (self.callback)(self.userdata, data.as_ptr(), data.len()) };
        if answer != GLANCE_CB_CONTINUE {
            self.aborted = true;
            return Err(io::Error::other("the write callback aborted"));
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An abort by a data callback is `GLANCE_ABORTED`, like one by progress.
fn aborted_or(aborted: bool, error: crate::Error) -> CallError {
    if aborted {
        CallError::from(crate::Error::Aborted)
    } else {
        CallError::from(error)
    }
}

/// Runs `call` on the data a C read callback supplies (`size` negative:
/// unknown); the callback stopping the transfer is `GLANCE_ABORTED`.
pub(crate) fn from_callback<T>(
    read: glance_read_cb,
    userdata: *mut c_void,
    size: i64,
    call: impl FnOnce(UploadData<'_>) -> crate::Result<T>,
) -> CallResult<T> {
    let mut reader = CallbackReader::new(read, userdata)?;
    let outcome = call(UploadData::reader(&mut reader, u64::try_from(size).ok()));
    outcome.map_err(|e| reader.failure(e))
}
