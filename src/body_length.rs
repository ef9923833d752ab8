//! A streamed request body held to the `Content-Length` it announced.
//!
//! ureq sends a reader's bytes until the announced length is reached; a
//! reader that ends sooner leaves it waiting for bytes that never come (seen
//! with ureq 3.5: a busy loop, for ever). Every streamed body with a length
//! goes through [`LengthChecked`], which ends the request with an error
//! instead, and never sends more than was announced.

use std::io::{self, Read};

pub(crate) struct LengthChecked<'r> {
    reader: &'r mut dyn Read,
    announced: u64,
    sent: u64,
    ended_early: bool,
}

impl<'r> LengthChecked<'r> {
    pub(crate) fn new(reader: &'r mut dyn Read, announced: u64) -> Self {
        LengthChecked {
            reader,
            announced,
            sent: 0,
            ended_early: false,
        }
    }

    /// Why the body could not be sent whole, if it could not.
    pub(crate) fn shortfall(&self) -> Option<String> {
        self.ended_early.then(|| {
            format!(
                "the data ended after {} of the {} bytes announced",
                self.sent, self.announced
            )
        })
    }
}

impl Read for LengthChecked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.announced - self.sent;
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.reader.read(&mut buf[..want])?;
        if n == 0 {
            self.ended_early = true;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the request body ended before its Content-Length",
            ));
        }
        self.sent += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_reader_is_an_error_not_a_wait() {
        let mut data: &[u8] = b"12345";
        let mut body = LengthChecked::new(&mut data, 8);
        let mut sink = Vec::new();
        let err = io::copy(&mut body, &mut sink).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(sink, b"12345");
        assert_eq!(
            body.shortfall().as_deref(),
            Some("the data ended after 5 of the 8 bytes announced")
        );
    }

    #[test]
    fn nothing_beyond_the_announced_length_is_read() {
        let mut data: &[u8] = b"123456789";
        let mut body = LengthChecked::new(&mut data, 4);
        let mut sink = Vec::new();
        io::copy(&mut body, &mut sink).unwrap();
        assert_eq!(body.shortfall(), None);
        assert_eq!(sink, b"1234");
        assert_eq!(data, b"56789");
    }
}
