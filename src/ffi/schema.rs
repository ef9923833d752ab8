//! The JSON schemas Glance publishes.

use std::ffi::c_char;

use super::boundary::{self, borrow, text, CallError, Out};
use super::client::glance_client;
use super::error::glance_status;
use crate::SchemaName;

/// Fetches a schema as a JSON document: `name` is `images`, `image`,
/// `members`, `member`, `tasks` or `task`.
///
/// `client` and `name` are borrowed for the call only; thread-safe as far as
/// `client` goes. On success `*out_json` receives a new NUL-terminated string
/// owned by the caller (free it with `glance_string_free`); on failure it is
/// not written.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_INVALID_UTF8`,
/// `GLANCE_INVALID_ARG` (another name, before any request), and the failures
/// every request can have (`GLANCE_UNAUTHORIZED`, `GLANCE_NOT_FOUND`,
/// `GLANCE_TRANSPORT`, `GLANCE_TIMEOUT`, `GLANCE_TLS`,
/// `GLANCE_INVALID_RESPONSE`, `GLANCE_CONFIG`, `GLANCE_SERVICE_UNAVAILABLE`,
/// `GLANCE_HTTP`).
#[no_mangle]
pub extern "C" fn glance_schema_get(
    client: *const glance_client,
    name: *const c_char,
    out_json: *mut *mut c_char,
) -> glance_status {
    boundary::run(|| {
        // SAFETY: NULL or live handles / strings / a writable pointer, per the C contract.
        let client = unsafe { borrow(client, "client") }?;
        let name = unsafe { text(name, "name") }?;
        let out = unsafe { Out::new(out_json, "out_json") }?;
        let schema = SchemaName::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| {
                CallError::invalid_argument(format!(
                    "schema must be images, image, members, member, tasks or task, not '{name}'"
                ))
            })?;
        let document = client.client.get_schema(schema)?;
        out.set(boundary::give_string(document.to_string())?);
        Ok(())
    })
}
