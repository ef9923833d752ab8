//! Hearing a server that answers before it has read the whole request body
//! (Glance under gunicorn answers 413 "too large" or 401 as soon as it
//! knows, then closes): ureq alone would fail with "broken pipe" and lose
//! the answer, as curl does not.

use std::cell::Cell;

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, NextTimeout, Transport as UreqTransport,
};

thread_local! {
    /// Set when the server closed its side while this thread was sending a
    /// request body (it answered early, e.g. 413 or 401, without reading it).
    static PEER_STOPPED_READING: Cell<bool> = const { Cell::new(false) };
}

thread_local! {
    /// True while this thread sends a streamed body: only then is a broken
    /// pipe taken for an early answer (a request on a stale pooled
    /// connection must fail and be retried as usual).
    static SENDING_STREAM: Cell<bool> = const { Cell::new(false) };
}

/// Whether the server has stopped reading the body this thread is sending.
/// A streamed body then needs no more real data: the rest is discarded, and
/// the server's early answer is read once the body is "sent".
pub(crate) fn peer_stopped_reading() -> bool {
    PEER_STOPPED_READING.with(Cell::get)
}

/// Runs `send`, the sending of a streamed body, with a broken pipe taken for
/// an early answer.
pub(super) fn sending_stream<T>(send: impl FnOnce() -> T) -> T {
    SENDING_STREAM.with(|c| c.set(true));
    PEER_STOPPED_READING.with(|c| c.set(false));
    let outcome = send();
    SENDING_STREAM.with(|c| c.set(false));
    PEER_STOPPED_READING.with(|c| c.set(false));
    outcome
}

/// Wraps each connection in an [`EarlyAnswer`].
#[derive(Debug)]
pub(super) struct EarlyAnswerConnector;

impl Connector<Box<dyn UreqTransport>> for EarlyAnswerConnector {
    type Out = EarlyAnswer;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<Box<dyn UreqTransport>>,
    ) -> std::result::Result<Option<EarlyAnswer>, ureq::Error> {
        Ok(chained.map(|inner| EarlyAnswer {
            inner,
            peer_gone: false,
        }))
    }
}

/// A connection that, once the peer has stopped reading a streamed body,
/// swallows the rest of it so the answer can be read.
#[derive(Debug)]
pub(super) struct EarlyAnswer {
    inner: Box<dyn UreqTransport>,
    peer_gone: bool,
}

impl UreqTransport for EarlyAnswer {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        if self.peer_gone {
            return Ok(());
        }
        match self.inner.transmit_output(amount, timeout) {
            Err(ureq::Error::Io(e))
                if SENDING_STREAM.with(Cell::get)
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                    ) =>
            {
                self.peer_gone = true;
                PEER_STOPPED_READING.with(|c| c.set(true));
                Ok(())
            }
            other => other,
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        !self.peer_gone && self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
