//! Keeping secrets out of `Debug`, `Display` and errors.

use std::fmt;

use serde_json::Value;

pub use crate::SENSITIVE_PROPERTIES;

const REDACTED: &str = "[redacted]";

/// A credential (token, client secret). `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Replaces the values of sensitive string properties, at any depth.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SENSITIVE_PROPERTIES.contains(&key.as_str()) && v.is_string() {
                    *v = Value::String(REDACTED.to_owned());
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// Up to `max` bytes of a body for an error message: the JSON value at `path` (or the whole body)
/// with secrets redacted; a body that is not JSON is shown as text, cut short.
pub fn excerpt(body: &[u8], path: Option<&serde_path_to_error::Path>, max: usize) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            redact_value(&mut value);
            let at = path.map_or(&value, |path| locate(&value, path));
            at.to_string()
        }
        Err(_) if body.is_empty() => "(empty)".to_owned(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    cut(&text, max)
}

/// The deepest value that `path` reaches in `value`.
fn locate<'v>(value: &'v Value, path: &serde_path_to_error::Path) -> &'v Value {
    use serde_path_to_error::Segment;
    let mut at = value;
    for segment in path.iter() {
        let next = match segment {
            Segment::Seq { index } => at.get(*index),
            Segment::Map { key } => at.get(key.as_str()),
            Segment::Enum { .. } | Segment::Unknown => None,
        };
        match next {
            Some(next) => at = next,
            None => break,
        }
    }
    at
}

fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_excerpts() {
        let body =
            br#"{"secrets":[{"secretKey":"A","secretValue":"hunter2"}],"accessToken":"t0k"}"#;
        let shown = excerpt(body, None, 1000);
        assert!(
            !shown.contains("hunter2") && !shown.contains("t0k"),
            "{shown}"
        );
        assert!(shown.contains(r#""secretKey":"A""#), "{shown}");
    }

    #[test]
    fn non_json_bodies_are_cut() {
        let body = "x".repeat(1000);
        let shown = excerpt(body.as_bytes(), None, 10);
        assert!(shown.starts_with("xxxxxxxxxx…"), "{shown}");
        assert_eq!(excerpt(b"", None, 10), "(empty)");
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("t0k")), "[redacted]");
    }
}
