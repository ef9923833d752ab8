//! Progress reports during a transfer, and the caller's way to stop it.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes moved so far (for a resumed download, those already on disk count).
    pub done: u64,
    /// Bytes in all, when known.
    pub total: Option<u64>,
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
    total: Option<u64>,
    done: u64,
    reported: u64,
    reported_at: Instant,
    aborted: bool,
}

impl<'a, 'b> Meter<'a, 'b> {
    pub(crate) fn new(callback: Option<&'b mut ProgressFn<'a>>) -> Self {
        Meter {
            callback,
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
        });
        if flow.is_break() {
            self.aborted = true;
        }
        flow
    }
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
                total: Some(10)
            })
        );
    }
}
