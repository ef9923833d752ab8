//! A string that never shows itself in `Debug` or `Display`.

use std::fmt;

use zeroize::Zeroize;

/// A token, password, API key or application credential secret.
///
/// Formatting prints `<redacted>`; the value is reachable only through
/// [`Secret::expose`], so it cannot end up in a log line or an error by accident.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when no secret was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite the bytes so a freed secret does not linger in the heap
        // (zeroize's writes are not optimised away as a plain fill may be).
        self.0.zeroize();
    }
}

/// Secrets shorter than this are not masked: replacing every `abc` of a
/// message would mangle it while hiding next to nothing.
const MASKED_MIN_CHARS: usize = 4;

/// `text` with every secret of `secrets` replaced by `<redacted>`, as it was
/// sent and as JSON or HTML quote it (a server or proxy that echoes the
/// request body escapes `"`, `\`, `<`, `&` and non-ASCII characters).
pub(crate) fn redact(text: &str, secrets: &[Secret]) -> String {
    redact_as(text, secrets, "<redacted>")
}

/// As [`redact`], with `mark` in place of each secret.
pub(crate) fn redact_as(text: &str, secrets: &[Secret], mark: &str) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        let value = secret.expose();
        if value.chars().count() < MASKED_MIN_CHARS {
            continue;
        }
        for form in quoted_forms(value) {
            if out.contains(&form) {
                out = out.replace(&form, mark);
            }
        }
    }
    out
}

/// The ways a value shows up in an echoed body, the value itself first.
fn quoted_forms(value: &str) -> Vec<String> {
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json[1..json.len().saturating_sub(1).max(1)].to_owned();
    let ascii_json: String = json
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("\\u{u:04x}"))
                    .collect()
            }
        })
        .collect();
    let html = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut forms = Vec::new();
    for form in [value.to_owned(), json, ascii_json] {
        forms.push(html(&form));
        forms.push(form);
    }
    // Longest first, so a form is not left half-masked by a shorter one.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_quoted_form_is_redacted() {
        let secrets = [Secret::new("p\"w<é>&x"), Secret::new("abc")];
        let echoed = r#"raw p"w<é>&x json p\"w<é>&x ascii p\"w<\u00e9>&x html p&quot;w&lt;é&gt;&amp;x html-json p\&quot;w&lt;é&gt;&amp;x abc"#;
        assert_eq!(
            redact(echoed, &secrets),
            "raw <redacted> json <redacted> ascii <redacted> html <redacted> html-json <redacted> abc"
        );
    }

    #[test]
    fn never_formats_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "<redacted> <redacted>");
        assert_eq!(s.expose(), "hunter2");
    }
}
