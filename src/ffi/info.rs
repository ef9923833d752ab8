//! What the cloud offers, from C: its capabilities, quota usage and the
//! stores' details, each as a JSON string.

use std::ffi::c_char;

use super::boundary::CallResult;
use super::client::{give_text, glance_client};
use super::error::glance_status;

/// The JSON text of a value, as `serde_json::Value` writes it.
fn json_value_text<T: serde::Serialize>(value: &T) -> CallResult<String> {
    let value = serde_json::to_value(value)
        .map_err(|e| crate::Error::invalid_argument(format!("cannot encode as JSON: {e}")))?;
    Ok(value.to_string())
}

/// What the cloud offers, as JSON: `{"api_version": "2.17" (or null),
/// "import_methods": [...], "stores": [...]}` (store ids; none on a
/// single-store cloud). Learned once per client (also from the headers of
/// image creates) and then answered from memory. A new string for the caller
/// (free it with `glance_string_free`), written to `*out` on success.
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, and the failures every request can have.
#[no_mangle]
pub extern "C" fn glance_capabilities_json(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    give_text(client, out, |client| {
        Ok(crate::capabilities::to_json(&client.capabilities()?).to_string())
    })
}

/// The project's quota usage (`GET /v2/info/usage`) as a JSON object of
/// quotas, each `{"limit", "usage"}` (e.g. `image_size_total`,
/// `image_stage_total`, `image_count_total`, `image_count_uploading`); `{}`
/// when the cloud enforces no unified limits. A new string for the caller
/// (free it with `glance_string_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_NOT_SUPPORTED` (a cloud
/// older than Images API 2.13), and the failures every request can have.
#[no_mangle]
pub extern "C" fn glance_usage_json(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    give_text(client, out, |client| json_value_text(&client.usage()?))
}

/// The stores' details (`GET /v2/info/stores/detail`; admin by default) as a
/// JSON array of `{"id", "description", "default", "read_only", "type",
/// "weight", "properties"}`. A new string for the caller (free it with
/// `glance_string_free`).
///
/// Returns `GLANCE_OK`, `GLANCE_NULL_ARG`, `GLANCE_FORBIDDEN` (not admin),
/// `GLANCE_NOT_SUPPORTED` (a cloud older than Images API 2.15), and the
/// failures every request can have.
#[no_mangle]
pub extern "C" fn glance_stores_detail_json(
    client: *const glance_client,
    out: *mut *mut c_char,
) -> glance_status {
    give_text(client, out, |client| {
        json_value_text(&client.list_stores_detail()?)
    })
}
