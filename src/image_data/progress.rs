//! Progress reports during a transfer, and the caller's way to stop it.

use std::io::{self, Read};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes moved so far (for a resumed download, those already on disk count).
    pub done: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
    /// What is running, so a progress bar can say it.
    pub phase: Phase,
}

/// The part of the work a [`Progress`] report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Phase {
    /// One upload or download on its own (image data, one object): `done`
    /// and `total` are its bytes.
    #[default]
    Transfer,
    /// A journey's data moving, downloaded from the source and uploaded to
    /// the target at once (a copy, an export, a streamed import): `done` and
    /// `total` are the bytes that reached the target and the image's size.
    Moving,
    /// Glance processing an import once the data is up, or fetching it itself
    /// (`web-download`): reported after each poll, `done` 0 and `total` `None`.
    Importing,
}

/// A progress callback: return `ControlFlow::Break(())` to stop the transfer,
/// which then fails with [`Error::Aborted`](crate::Error::Aborted).
pub type ProgressFn<'a> = dyn FnMut(Progress) -> ControlFlow<()> + 'a;

/// Reports are at most this many bytes apart, so a caller that aborts after
/// some amount sees it reached, however fast the link.
const REPORT_BYTES: u64 = 4 << 20;
/// ... and at most this long apart while data moves, for smooth progress bars
/// on slow links.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);

/// Calls the callback when the transfer starts, every 4 MiB or 100 ms while
/// data moves, and when the last byte has moved.
pub(crate) struct Meter<'a, 'b> {
    callback: Option<&'b mut ProgressFn<'a>>,
    phase: Phase,
    total: Option<u64>,
    done: u64,
    reported: u64,
    reported_at: Instant,
    aborted: bool,
}

impl<'a, 'b> Meter<'a, 'b> {
    pub(crate) fn new(callback: Option<&'b mut ProgressFn<'a>>) -> Self {
        Self::for_phase(callback, Phase::Transfer)
    }

    /// A meter whose reports name `phase`.
    pub(crate) fn for_phase(callback: Option<&'b mut ProgressFn<'a>>, phase: Phase) -> Self {
        Meter {
            callback,
            phase,
            total: None,
            done: 0,
            reported: 0,
            reported_at: Instant::now(),
            aborted: false,
        }
    }

    /// (Re)starts the count at `done` of `total` and reports it.
    pub(crate) fn start(&mut self, done: u64, total: Option<u64>) -> ControlFlow<()> {
        self.total = total;
        self.done = done;
        self.report()
    }

    /// Counts `n` more bytes; reports when due.
    pub(crate) fn advance(&mut self, n: u64) -> ControlFlow<()> {
        self.done += n;
        if self.aborted {
            return ControlFlow::Break(());
        }
        let finished = self.total.is_some_and(|t| self.done >= t);
        if finished
            || self.done - self.reported >= REPORT_BYTES
            || self.reported_at.elapsed() >= REPORT_INTERVAL
        {
            return self.report();
        }
        ControlFlow::Continue(())
    }

    /// Reports the end when the last report did not already show it.
    pub(crate) fn finish(&mut self) -> ControlFlow<()> {
        if self.reported != self.done || self.total.is_none() {
            self.total = self.total.or(Some(self.done));
            return self.report();
        }
        ControlFlow::Continue(())
    }

    /// Whether the callback asked to stop.
    #[cfg(test)]
    fn aborted(&self) -> bool {
        self.aborted
    }

    #[cfg(test)]
    fn done(&self) -> u64 {
        self.done
    }

    fn report(&mut self) -> ControlFlow<()> {
        if self.aborted {
            return ControlFlow::Break(());
        }
        self.reported = self.done;
        self.reported_at = Instant::now();
        let Some(callback) = self.callback.as_mut() else {
            return ControlFlow::Continue(());
        };
        let flow = callback(Progress {
            done: self.done,
            total: self.total,
            phase: self.phase,
        });
        if flow.is_break() {
            self.aborted = true;
        }
        flow
    }
}

/// A reader whose bytes are counted into a meter as they are read: a
/// journey's progress is the data reaching its target. A stop asked by the
/// callback fails the read, and [`MeteredReader::aborted`] tells it from a
/// real failure.
pub(crate) struct MeteredReader<'a, 'b, R> {
    inner: R,
    meter: Meter<'a, 'b>,
}

impl<'a, 'b, R: Read> MeteredReader<'a, 'b, R> {
    /// Reports the start (0 of `total`) at once: a callback that stops
    /// there stops the work before any byte moves.
    pub(crate) fn new(inner: R, mut meter: Meter<'a, 'b>, total: Option<u64>) -> Self {
        let _ = meter.start(0, total);
        MeteredReader { inner, meter }
    }

    /// Whether the callback asked to stop.
    pub(crate) fn aborted(&self) -> bool {
        self.meter.aborted
    }

    /// Reports the end; false when the callback asks to stop there.
    pub(crate) fn finish(&mut self) -> bool {
        self.meter.finish().is_continue()
    }
}

impl<R: Read> Read for MeteredReader<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.aborted {
            return Err(stopped());
        }
        let n = self.inner.read(buf)?;
        if n > 0 && self.meter.advance(n as u64).is_break() {
            return Err(stopped());
        }
        Ok(n)
    }
}

fn stopped() -> io::Error {
    io::Error::other("aborted by the progress callback")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_start_steps_and_end_and_stops_on_break() {
        let mut seen = Vec::new();
        let mut callback = |p: Progress| {
            seen.push(p.done);
            if p.done >= 9 << 20 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let mut stopped_at = None;
        {
            let mut meter = Meter::new(Some(&mut callback));
            assert!(meter.start(0, Some(20 << 20)).is_continue());
            for _ in 0..80 {
                if meter.advance(256 << 10).is_break() {
                    stopped_at = Some(meter.done());
                    break;
                }
            }
            assert!(meter.aborted());
            assert!(meter.advance(1).is_break(), "stays stopped");
        }
        assert_eq!(seen.first(), Some(&0));
        assert!(seen.windows(2).all(|w| w[1] - w[0] <= 4 << 20));
        // The 4 MiB rule guarantees a report by 12 MiB; the 100 ms rule may come first.
        let stopped_at = stopped_at.expect("stopped");
        assert!((9 << 20..=12 << 20).contains(&stopped_at), "{stopped_at}");
    }

    #[test]
    fn end_is_reported_once_with_the_total() {
        let mut seen = Vec::new();
        let mut callback = |p: Progress| {
            seen.push(p);
            ControlFlow::Continue(())
        };
        {
            let mut meter = Meter::new(Some(&mut callback));
            let _ = meter.start(0, None);
            let _ = meter.advance(10);
            let _ = meter.finish();
        }
        assert_eq!(
            seen.last(),
            Some(&Progress {
                done: 10,
                total: Some(10),
                phase: Phase::Transfer,
            })
        );
    }
}
