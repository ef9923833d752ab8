//! Progress bars for transfers (on a terminal only) and Ctrl-C: the first
//! SIGINT during a transfer asks the library to stop it (its progress
//! callback answers `Break`), a second one ends the process at once.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use glance_client::{
    image_data::{Phase, Progress},
    Error,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use signal_hook::consts::SIGINT;
use signal_hook::SigId;

use crate::failure::{Failure, INTERRUPTED};

/// One transfer's bar and its Ctrl-C flag.
pub struct Transfer {
    bar: ProgressBar,
    interrupted: Arc<AtomicBool>,
    handlers: Vec<SigId>,
    label: String,
    done: u64,
    total: Option<u64>,
}

impl Transfer {
    /// Starts watching for Ctrl-C and, when stderr is a terminal, draws a bar
    /// of bytes labelled `label`.
    pub fn start(label: &str) -> Result<Transfer, Failure> {
        Transfer::with_template(
            label,
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
    }

    /// As [`Transfer::start`], with a spinner: for waits without bytes to count.
    pub fn waiting(label: &str) -> Result<Transfer, Failure> {
        Transfer::with_template(label, "{spinner} {msg} {elapsed}")
    }

    fn with_template(label: &str, template: &str) -> Result<Transfer, Failure> {
        let interrupted = Arc::new(AtomicBool::new(false));
        // Order matters: the second handler exits only once the first has
        // set the flag, i.e. on the second Ctrl-C.
        let handlers = [
            signal_hook::flag::register_conditional_shutdown(
                SIGINT,
                INTERRUPTED,
                interrupted.clone(),
            ),
            signal_hook::flag::register(SIGINT, interrupted.clone()),
        ]
        .into_iter()
        .collect::<Result<Vec<SigId>, _>>()
        .map_err(|e| Failure::local(format!("cannot watch for Ctrl-C: {e}")))?;
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_message(label.to_owned());
        Ok(Transfer {
            bar,
            interrupted,
            handlers,
            label: label.to_owned(),
            done: 0,
            total: None,
        })
    }

    /// The library's progress callback: moves the bar, stops on Ctrl-C.
    pub fn report(&mut self, progress: Progress) -> ControlFlow<()> {
        if progress.phase == Phase::Importing {
            // The bytes are in; Glance works on its own (no count to show).
            self.bar
                .set_message(format!("{}: Glance importing", self.label));
            return self.flow();
        }
        if self.total != progress.total {
            self.total = progress.total;
            if let Some(total) = progress.total {
                self.bar.set_length(total);
            }
        }
        self.done = progress.done;
        self.bar.set_position(progress.done);
        self.flow()
    }

    fn flow(&self) -> ControlFlow<()> {
        if self.interrupted() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// What the transfer or wait is doing now.
    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// What had moved when the transfer stopped, e.g. `12.0 MiB of 64.0 MiB`.
    pub fn moved(&self) -> String {
        match self.total {
            Some(total) => format!(
                "{} of {}",
                indicatif::HumanBytes(self.done),
                indicatif::HumanBytes(total)
            ),
            None => format!("{}", indicatif::HumanBytes(self.done)),
        }
    }

    /// The transfer's outcome; after Ctrl-C, says how far it went and what
    /// `cleaned` up (the library removes what the call had made).
    pub fn conclude<T>(
        self,
        outcome: Result<T, Error>,
        what: &str,
        cleaned: &str,
    ) -> Result<T, Failure> {
        match outcome {
            Err(Error::Aborted) => Err(Failure::interrupted(format!(
                "{what} interrupted after {}: {cleaned}",
                self.moved()
            ))),
            other => {
                let value = other?;
                self.finish();
                Ok(value)
            }
        }
    }

    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Transfer {
    /// Ctrl-C ends the process again once no transfer is under way.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        for id in self.handlers.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}
