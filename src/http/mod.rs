//! HTTP without a token: the ureq agent and its retries, the description
//! of a request, answers and their bodies, error mapping, and what a client
//! learns of its servers' HTTP (early answers, chunked uploads refused),
//! and the TLS roots and client certificate its connections use.
//! The only ureq user; the authenticated transport (`src/transport.rs`)
//! and the identity requests (`src/auth/`) stand on it.

mod agent;
mod call;
mod early_answer;
mod failure;
mod framing;
mod response;
pub(crate) mod retry;
mod settings;
mod tls_files;
mod trust;

pub(crate) use agent::Http;
pub(crate) use call::{check_header_value, Call, Payload, Rewind, Target, JSON_PATCH};
pub(crate) use early_answer::peer_stopped_reading;
pub(crate) use failure::cut_body;
pub(crate) use framing::{cannot_resend, FramingMemory};
pub(crate) use response::Response;
pub(crate) use settings::HttpSettings;
pub use settings::{ProxySetting, RetryPolicy, Timeouts};
