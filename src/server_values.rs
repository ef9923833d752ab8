//! Values of a server's records that need more care than their type gives.
//!
//! - Identifiers and links every language is handed as a C string (an image
//!   id, a task id, a listing's `next` link) must not hold a NUL byte: no C
//!   string can, and a C getter documented never to return NULL, or a C
//!   listing that would end early, cannot stand for them. Such a value is the
//!   server's invalid response ([`Error::InvalidResponse`](crate::Error)),
//!   whatever the language.
//! - Sizes are decoded record by record and leniently: a number no size can
//!   be (negative, fractional, beyond 2^64 - 1) is "unknown", so one odd
//!   record does not cost the caller the rest of its page. A value of another
//!   type (a string, an object) is still an invalid response.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string that can become a C string.
pub(crate) fn c_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    if value.contains('\0') {
        return Err(D::Error::custom(format!(
            "the server sent '{}', which holds a NUL byte no C string can hold",
            value.escape_default()
        )));
    }
    Ok(value)
}

/// An optional string that can become a C string.
pub(crate) fn optional_c_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Checked(#[serde(deserialize_with = "c_string")] String);
    Ok(Option::<Checked>::deserialize(deserializer)?.map(|Checked(value)| value))
}

/// A size in bytes; `None` when absent, null or impossible.
pub(crate) fn size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::Number(number) => Ok(number.as_u64()),
        Value::String(_) => Err(D::Error::custom("expected a size in bytes, found a string")),
        _ => Err(D::Error::custom("expected a size in bytes")),
    }
}

/// A minimum (GiB of disk, MiB of RAM); an impossible one means none known (0).
pub(crate) fn minimum<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(size(deserializer)?.unwrap_or(0))
}
