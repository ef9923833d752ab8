//! Why a command failed, and the exit status that says so: 1 for a failed
//! call, 2 for a usage error (as clap's own), 130 after Ctrl-C (as a shell).

use std::fmt;

pub const FAILED_CALL: i32 = 1;
pub const USAGE: i32 = 2;
pub const INTERRUPTED: i32 = 130;

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub exit_code: i32,
}

impl Failure {
    /// The command line asks for something that cannot be done.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            exit_code: USAGE,
        }
    }

    /// Something on this machine failed (a file, the terminal).
    pub fn local(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            exit_code: FAILED_CALL,
        }
    }

    /// Ctrl-C stopped the command; `message` says what was left.
    pub fn interrupted(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            exit_code: INTERRUPTED,
        }
    }
}

impl From<glance_client::Error> for Failure {
    fn from(error: glance_client::Error) -> Failure {
        let exit_code = match error {
            // Refused before any request was sent: the arguments are wrong.
            glance_client::Error::InvalidArgument(_) => USAGE,
            glance_client::Error::Aborted => INTERRUPTED,
            glance_client::Error::LeftBehind { ref error, .. }
                if matches!(**error, glance_client::Error::Aborted) =>
            {
                INTERRUPTED
            }
            _ => FAILED_CALL,
        };
        // The library's message already holds Glance's message, the HTTP
        // status and the request id.
        Failure {
            message: error.to_string(),
            exit_code,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
