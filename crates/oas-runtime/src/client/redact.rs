//! Keeping secrets out of `Debug`, `Display` and errors.
//!
//! Every body or message the client prints goes through one [`Redactor`], whatever the body looks
//! like:
//!
//! - a body that parses as JSON has the values of sensitive properties replaced at any depth;
//! - any text (JSON or not, truncated, HTML, a form, a log line) has credential-looking fragments
//!   replaced: the value after a sensitive key in `key=value`, `key: value` and `"key":"value"`
//!   (even when the JSON around it is invalid or cut off), and the token after `Bearer`/`Basic`;
//! - the exact credentials the client sent (its bearer token, the token provider's secrets such as
//!   a client secret, and the sensitive values of the request body) are replaced wherever they
//!   appear, also JSON-escaped or percent-encoded.
//!
//! Bodies are only ever shown as a redacted excerpt with their length, never raw.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

pub use crate::SENSITIVE_PROPERTIES;

const REDACTED: &str = "[redacted]";

/// Key endings that mark a credential even when the key is not in [`SENSITIVE_PROPERTIES`]
/// (`identityAccessToken`, `client_secret`, `x-api-key`), compared without case, `_` and `-`.
/// `secretKey` is the *name* of a secret in Infisical, so `key` alone is not here.
const SENSITIVE_ENDINGS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passphrase",
    "privatekey",
    "apikey",
    "accesskey",
    "credential",
    "credentials",
    "authorization",
    "cookie",
    "secretvalue",
];

/// Values found in bodies (rather than configured) shorter than this are not searched for in
/// free text: replacing every `1` or `dev` would make messages unreadable, and such values are
/// still redacted where they stand next to their key.
const MIN_FOUND_SECRET: usize = 4;

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

/// Whether a property, query, form or header name holds a credential: one of
/// [`SENSITIVE_PROPERTIES`] or ending like one of a few credential words, compared without case,
/// `_` and `-` (`clientSecret`, `client_secret` and `CLIENT-SECRET` are the same key).
pub fn is_sensitive_key(key: &str) -> bool {
    let normal: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SENSITIVE_ENDINGS.iter().any(|end| normal.ends_with(end))
        || SENSITIVE_PROPERTIES
            .iter()
            .any(|p| p.len() == normal.len() && p.eq_ignore_ascii_case(&normal))
}

/// Replaces the values (text or numbers) of sensitive properties, at any depth.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_sensitive_key(key) && (v.is_string() || v.is_number()) {
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

/// The text values of sensitive properties in `value`, at any depth.
fn sensitive_values<'v>(value: &'v Value, out: &mut Vec<Cow<'v, str>>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if is_sensitive_key(key) => out.push(Cow::Borrowed(s)),
                    Value::Number(n) if is_sensitive_key(key) => {
                        out.push(Cow::Owned(n.to_string()));
                    }
                    _ => sensitive_values(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| sensitive_values(v, out)),
        _ => {}
    }
}

/// What must not be printed about one exchange: the credentials the client sent and the request
/// body, whose sensitive values are looked up only when something is actually printed (so a
/// successful call pays nothing). Cheap to clone.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Arc<[Secret]>,
    request_body: Option<Bytes>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .field("request_body", &self.request_body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl Redactor {
    /// A redactor that knows these credentials and, optionally, the request body that was sent.
    pub fn new(secrets: impl IntoIterator<Item = Secret>, request_body: Option<Bytes>) -> Self {
        let secrets: Vec<Secret> = secrets
            .into_iter()
            .filter(|s| !s.expose().is_empty())
            .collect();
        Self {
            secrets: secrets.into(),
            request_body,
        }
    }

    /// `text` with every credential-looking fragment and every known credential replaced.
    pub fn text(&self, text: &str) -> String {
        self.redact(text, &[])
    }

    /// `text`, a message about `body` (a decoding error quoting a value), redacted like
    /// [`Redactor::text`] and also of the sensitive values `body` holds.
    pub fn message(&self, text: &str, body: &[u8]) -> String {
        let mut found = Vec::new();
        let value = serde_json::from_slice::<Value>(body).ok();
        if let Some(value) = &value {
            sensitive_values(value, &mut found);
        }
        let found: Vec<String> = found.into_iter().map(Cow::into_owned).collect();
        self.redact(text, &found)
    }

    /// Up to `max` bytes of `body` for a message, redacted: the JSON value at `path` (or the whole
    /// body) when the body is JSON, else the start of the text; longer excerpts end with `…` and
    /// the body's length.
    pub fn excerpt(
        &self,
        body: &[u8],
        path: Option<&serde_path_to_error::Path>,
        max: usize,
    ) -> String {
        if body.is_empty() {
            return "(empty)".to_owned();
        }
        let looks_like_json = body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| matches!(b, b'{' | b'['));
        if looks_like_json && let Ok(mut value) = serde_json::from_slice::<Value>(body) {
            let mut found = Vec::new();
            sensitive_values(&value, &mut found);
            let found: Vec<String> = found.into_iter().map(Cow::into_owned).collect();
            redact_value(&mut value);
            let at = path.map_or(&value, |path| locate(&value, path));
            let shown = self.redact(&at.to_string(), &found);
            return cut(&shown, max, body.len());
        }
        // Redact before cutting, so that a credential cut in half cannot show its first half.
        // The window grows until the redacted text is longer than what is shown (or is all of
        // the body), so anything cut off at the window's end lies beyond the excerpt.
        let mut window = max.saturating_mul(2).saturating_add(1024);
        loop {
            let end = window.min(body.len());
            let shown = self.redact(&String::from_utf8_lossy(&body[..end]), &[]);
            if shown.len() > max || end == body.len() {
                return cut(&shown, max, body.len());
            }
            window = window.saturating_mul(4);
        }
    }

    /// The one redaction: known credentials (configured, from the request body, and `found` in the
    /// printed body), then `Bearer <token>`, then values after sensitive keys.
    fn redact(&self, text: &str, found: &[String]) -> String {
        let request: Option<Value> = self
            .request_body
            .as_ref()
            .and_then(|body| serde_json::from_slice(body).ok());
        let mut from_request = Vec::new();
        if let Some(request) = &request {
            sensitive_values(request, &mut from_request);
        }
        let mut known: Vec<&str> = self.secrets.iter().map(Secret::expose).collect();
        known.extend(
            from_request
                .iter()
                .map(|s| s.as_ref())
                .chain(found.iter().map(String::as_str))
                .filter(|s| s.len() >= MIN_FOUND_SECRET),
        );
        let mut text = replace_known(text, &known);
        text = redact_schemes(&text);
        redact_pairs(&text)
    }
}

/// Replaces each known credential, also in its JSON-escaped and percent-encoded spellings;
/// longest first, so that a credential containing another is replaced whole.
fn replace_known(text: &str, known: &[&str]) -> String {
    let mut spellings: Vec<String> = Vec::new();
    for secret in known.iter().filter(|s| !s.is_empty()) {
        spellings.push((*secret).to_owned());
        let json = serde_json::to_string(secret).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|j| j.strip_suffix('"'))
            .unwrap_or(&json);
        if json != *secret && !json.is_empty() {
            spellings.push(json.to_owned());
        }
        let encoded = super::encode_segment(secret);
        if encoded != *secret {
            spellings.push(encoded.into_owned());
        }
    }
    spellings.sort_by_key(|s| std::cmp::Reverse(s.len()));
    spellings.dedup();
    let mut text = text.to_owned();
    for spelling in &spellings {
        if text.contains(spelling.as_str()) {
            text = text.replace(spelling.as_str(), REDACTED);
        }
    }
    text
}

/// `Bearer <token>` and `Basic <credentials>` (any case): the word after the scheme is replaced.
fn redact_schemes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let scheme_len = ["bearer", "basic"].iter().find_map(|scheme| {
            let end = i + scheme.len();
            (end < bytes.len()
                && bytes[i..end].eq_ignore_ascii_case(scheme.as_bytes())
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                && matches!(bytes[end], b' ' | b'\t'))
            .then_some(scheme.len())
        });
        let Some(scheme_len) = scheme_len else {
            i += 1;
            continue;
        };
        let mut start = i + scheme_len;
        while start < bytes.len() && matches!(bytes[start], b' ' | b'\t') {
            start += 1;
        }
        let end = value_end(bytes, start, b"\"'\\,;<>");
        // A lowercase word is prose ("invalid bearer token"), not a credential: tokens have
        // digits, capitals or punctuation (and the client's own are replaced as known secrets).
        let prose = text[start..end].bytes().all(|b| b.is_ascii_lowercase());
        if end > start && !prose && !text[start..].starts_with(REDACTED) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        i = end.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// The value after a sensitive key: `key=value`, `key: value`, `"key":"value"`, `\"key\":\"value\"`
/// (JSON inside a JSON string); a quoted value runs to its closing quote or the end of the text, so
/// truncated JSON is covered. Objects and arrays are left for their own keys.
fn redact_pairs(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_key_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-');
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_key_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let key_start = i;
        while i < bytes.len() && is_key_byte(bytes[i]) {
            i += 1;
        }
        if !is_sensitive_key(&text[key_start..i]) {
            continue;
        }
        // The key's closing quote (`"`, `'` or `\"`), blanks, the separator, blanks.
        let mut at = i;
        let mut quotes = 0;
        while at < bytes.len() && matches!(bytes[at], b'"' | b'\'' | b'\\') && quotes < 2 {
            at += 1;
            quotes += 1;
        }
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        if at >= bytes.len() || !matches!(bytes[at], b'=' | b':') {
            continue;
        }
        at += 1;
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        let (start, end) = match bytes.get(at) {
            None | Some(b'{' | b'[') => continue,
            Some(b'\\') if bytes.get(at + 1) == Some(&b'"') => {
                let start = at + 2;
                let end = text[start..].find("\\\"").map_or(text.len(), |n| start + n);
                (start, end)
            }
            Some(&quote @ (b'"' | b'\'')) => {
                let start = at + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != quote {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                (start, end.min(bytes.len()))
            }
            Some(_) => (at, value_end(bytes, at, b"\"'&,;})]<>")),
        };
        if end > start && !text[start..end].starts_with(REDACTED) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        i = end.max(i);
    }
    out.push_str(&text[copied..]);
    out
}

/// Where an unquoted value starting at `start` ends: at whitespace, one of `stops`, or the end.
fn value_end(bytes: &[u8], start: usize, stops: &[u8]) -> usize {
    let mut end = start;
    while end < bytes.len() && !bytes[end].is_ascii_whitespace() && !stops.contains(&bytes[end]) {
        end += 1;
    }
    end
}

/// Up to `max` bytes of a body for an error message, redacted; see [`Redactor::excerpt`] (this
/// one knows no credentials beyond what the body itself shows).
pub fn excerpt(body: &[u8], path: Option<&serde_path_to_error::Path>, max: usize) -> String {
    Redactor::default().excerpt(body, path, max)
}

/// How a body shows in `Debug`: its length and a short redacted excerpt, never the raw bytes.
pub(crate) struct BodyDebug<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) redactor: &'a Redactor,
}

impl fmt::Debug for BodyDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} bytes: {}",
            self.body.len(),
            self.redactor.excerpt(self.body, None, 300)
        )
    }
}

/// How headers show in `Debug`: credential headers (`Authorization`, cookies, `x-api-key`, values
/// marked sensitive) as `[redacted]`, the others redacted like any text.
pub(crate) struct ShownHeaders(Vec<(String, String)>);

impl ShownHeaders {
    /// From `(name, value if text, marked sensitive)`.
    pub(crate) fn new<'h>(
        headers: impl Iterator<Item = (&'h str, Option<&'h str>, bool)>,
        redactor: &Redactor,
    ) -> Self {
        Self(
            headers
                .map(|(name, value, sensitive)| {
                    let shown = match value {
                        Some(_) if sensitive || is_sensitive_key(name) => REDACTED.to_owned(),
                        Some(text) => redactor.text(text),
                        None => "(not text)".to_owned(),
                    };
                    (name.to_owned(), shown)
                })
                .collect(),
        )
    }

    /// From a header map.
    pub(crate) fn of_map(headers: &http::HeaderMap, redactor: &Redactor) -> Self {
        let entries = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.to_str().ok(), value.is_sensitive()));
        Self::new(entries, redactor)
    }
}

impl fmt::Debug for ShownHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(n, v)| (n, v)))
            .finish()
    }
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

/// `text` cut to `max` bytes; a cut text ends with `…` and the length of the whole body.
fn cut(text: &str, max: usize, body_len: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({body_len} bytes)", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        Redactor::default().text(text)
    }

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
    fn a_json_secret_repeated_under_another_key_is_redacted_there_too() {
        let body = br#"{"accessToken":"tok-12345","message":"issued tok-12345"}"#;
        let shown = excerpt(body, None, 1000);
        assert!(!shown.contains("tok-12345"), "{shown}");
    }

    #[test]
    fn non_json_bodies_are_cut() {
        let body = "x".repeat(1000);
        let shown = excerpt(body.as_bytes(), None, 10);
        assert_eq!(shown, "xxxxxxxxxx… (1000 bytes)");
        assert_eq!(excerpt(b"", None, 10), "(empty)");
    }

    #[test]
    fn truncated_json_has_its_sensitive_values_redacted() {
        for text in [
            r#"{"accessToken":"abc.def","expiresIn":7200"#,
            r#"{"accessToken" : "abc.def"#,
            r#"{"secrets":[{"secretValue":"abc.def\"still","#,
            r#"{"error":"{\"clientSecret\":\"abc.def\"}"}"#,
            r#"{'password': 'abc.def'}"#,
        ] {
            let shown = shown(text);
            assert!(!shown.contains("abc.def"), "{text} -> {shown}");
            assert!(!shown.contains("still"), "{text} -> {shown}");
        }
    }

    #[test]
    fn key_value_text_has_its_sensitive_values_redacted() {
        let text = "client_secret=abc.def&clientId=me; Password: abc.ghi, X-Api-Key=abc.jkl";
        let shown = shown(text);
        for secret in ["abc.def", "abc.ghi", "abc.jkl"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("clientId=me"), "{shown}");
    }

    #[test]
    fn bearer_tokens_are_redacted() {
        let shown = shown("<p>sent Authorization: Bearer eyJ.abc.def and bearer\tx.y</p>");
        assert!(!shown.contains("eyJ") && !shown.contains("x.y"), "{shown}");
        assert!(shown.contains("</p>"), "{shown}");
    }

    #[test]
    fn prose_about_bearer_tokens_is_left_alone() {
        let text = "Invalid bearer token; use Basic auth";
        assert_eq!(shown(text), text);
    }

    #[test]
    fn known_credentials_are_redacted_in_every_spelling() {
        let redactor = Redactor::new(
            [Secret::new("s3cr3t/\"x")],
            Some(Bytes::from_static(br#"{"secretValue":"hunter22"}"#)),
        );
        let shown = redactor.text(r#"got s3cr3t/"x, "s3cr3t/\"x", s3cr3t%2F%22x and hunter22"#);
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("hunter22"),
            "{shown}"
        );
    }

    #[test]
    fn non_secret_text_is_left_alone() {
        let text = r#"{"secretKey":"DB_URL","tokenType":"Bearer","message":"not found""#;
        assert_eq!(shown(text), text);
    }

    #[test]
    fn a_credential_at_the_cut_is_not_half_shown() {
        let redactor = Redactor::new([Secret::new("ABCDEFGHIJ")], None);
        let body = format!("{}ABCDEFGHIJ tail", "x".repeat(15));
        let shown = redactor.excerpt(body.as_bytes(), None, 20);
        assert!(!shown.contains("ABCDE"), "{shown}");
    }

    #[test]
    fn sensitive_keys_are_recognised_in_any_spelling() {
        for key in [
            "clientSecret",
            "client_secret",
            "CLIENT-SECRET",
            "identityAccessToken",
            "x-api-key",
            "secretValue",
        ] {
            assert!(is_sensitive_key(key), "{key}");
        }
        for key in ["secretKey", "tokenType", "secrets", "expiresIn"] {
            assert!(!is_sensitive_key(key), "{key}");
        }
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("t0k")), "[redacted]");
    }
}
