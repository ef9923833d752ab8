//! A bounded in-process pipe: one thread writes image data (a download), the
//! other reads it (an upload), with a few chunks in flight at most, so memory
//! stays constant whatever the size. The end of the data is explicit: a
//! writer dropped without [`PipeWriter::finish`], or one that reports a
//! failure, makes the reader fail instead of seeing a clean end, so a
//! truncated stream can never pass for a complete one.

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Size of the chunks that cross the pipe.
const CHUNK: usize = 256 * 1024;
/// Chunks waiting in the pipe at most.
const IN_FLIGHT: usize = 4;

enum Message {
    Data(Vec<u8>),
    End,
    Failed(String),
}

/// The writing end.
pub(crate) struct PipeWriter {
    sender: SyncSender<Message>,
    buffer: Vec<u8>,
}

/// The reading end.
pub(crate) struct PipeReader {
    receiver: Receiver<Message>,
    current: Vec<u8>,
    position: usize,
    ended: bool,
}

pub(crate) fn pipe() -> (PipeWriter, PipeReader) {
    let (sender, receiver) = sync_channel(IN_FLIGHT);
    (
        PipeWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
        },
        PipeReader {
            receiver,
            current: Vec::new(),
            position: 0,
            ended: false,
        },
    )
}

fn reader_gone() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the receiving side stopped reading",
    )
}

impl PipeWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.sender
            .send(Message::Data(chunk))
            .map_err(|_| reader_gone())
    }

    /// Marks the data complete: the reader sees its end after the last byte.
    ///
    /// Once every byte is handed over, a reader already gone is no failure:
    /// an upload of known size stops reading after its last byte and may
    /// finish before the end marker is sent.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.send_buffer()?;
        let _ = self.sender.send(Message::End);
        Ok(())
    }

    /// Makes the reader fail with `reason` after what it already has.
    pub(crate) fn fail(self, reason: String) {
        let _ = self.sender.send(Message::Failed(reason));
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let n = data.len().min(room);
        self.buffer.extend_from_slice(&data[..n]);
        if self.buffer.len() == CHUNK {
            self.send_buffer()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.position == self.current.len() {
            if self.ended || buf.is_empty() {
                return Ok(0);
            }
            match self.receiver.recv() {
                Ok(Message::Data(chunk)) => {
                    self.current = chunk;
                    self.position = 0;
                }
                Ok(Message::End) => {
                    self.ended = true;
                    return Ok(0);
                }
                Ok(Message::Failed(reason)) => {
                    return Err(io::Error::other(format!(
                        "the data source failed: {reason}"
                    )))
                }
                Err(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the data source stopped before the end of the data",
                    ))
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.position);
        buf[..n].copy_from_slice(&self.current[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cross_in_order_and_end_cleanly() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
        let (mut writer, mut reader) = pipe();
        let sent = data.clone();
        let producer = std::thread::spawn(move || {
            for piece in sent.chunks(70_001) {
                writer.write_all(piece).unwrap();
            }
            writer.finish().unwrap();
        });
        let mut received = Vec::new();
        reader.read_to_end(&mut received).unwrap();
        producer.join().unwrap();
        assert_eq!(received, data);
        assert_eq!(reader.read(&mut [0u8; 8]).unwrap(), 0);
    }

    #[test]
    fn a_writer_that_fails_or_vanishes_is_never_a_clean_end() {
        let (mut writer, mut reader) = pipe();
        writer.write_all(b"partial").unwrap();
        writer.flush().unwrap();
        writer.fail("checksum mismatch".into());
        let mut received = Vec::new();
        let err = reader.read_to_end(&mut received).unwrap_err();
        assert!(err.to_string().contains("checksum mismatch"));
        assert_eq!(received, b"partial");

        let (writer, mut reader) = pipe();
        drop(writer);
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn a_reader_gone_after_the_last_byte_is_a_clean_finish() {
        let (mut writer, mut reader) = pipe();
        writer.write_all(b"all of it").unwrap();
        writer.flush().unwrap();
        let mut received = [0u8; 9];
        reader.read_exact(&mut received).unwrap();
        drop(reader);
        writer.finish().unwrap();
        assert_eq!(&received, b"all of it");
    }

    #[test]
    fn a_reader_gone_before_the_last_byte_fails_the_finish() {
        let (mut writer, reader) = pipe();
        drop(reader);
        writer.write_all(b"never read").unwrap();
        assert_eq!(
            writer.finish().unwrap_err().kind(),
            io::ErrorKind::BrokenPipe
        );
    }

    #[test]
    fn a_vanished_reader_stops_the_writer() {
        let (mut writer, reader) = pipe();
        drop(reader);
        let err = writer.write_all(&vec![0u8; CHUNK * 2]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
