//! Loading: document text (YAML or JSON) to `openapiv3::OpenAPI`, with errors that say where.
//!
//! A syntax error names its line and column. A shape error (a value of the wrong type, a missing
//! required key) names the line, the column and the JSON pointer of the failing value; the document is
//! then checked path item by path item so that one run reports every broken operation, not just the
//! first. Pure: the caller reads the file.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::diagnostics::{Diagnostic, Severity};
use crate::pointer::JsonPointer;

/// The syntax of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON: the fast path.
    Json,
    /// YAML.
    Yaml,
}

impl Format {
    /// Guesses the format from a file name, then from the first character of the text.
    pub fn detect(file_name: &str, text: &str) -> Self {
        if file_name.ends_with(".json") {
            Self::Json
        } else if file_name.ends_with(".yaml") || file_name.ends_with(".yml") {
            Self::Yaml
        } else if text.trim_start().starts_with('{') {
            Self::Json
        } else {
            Self::Yaml
        }
    }
}

/// Parses a document. On failure, returns every located error found.
pub fn parse(text: &str, format: Format) -> Result<openapiv3::OpenAPI, Vec<Diagnostic>> {
    let first = match parse_typed(text, format) {
        Ok(doc) => return Ok(doc),
        Err(err) => err,
    };
    // Syntax errors stop everything; for shape errors, look for more, one path item at a time.
    let value: serde_json::Value = match format {
        Format::Json => serde_json::from_str(text)
            .map_err(|e| vec![syntax_error(e.to_string(), e.line(), e.column())])?,
        Format::Yaml => serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            vec![syntax_error(strip_location(&e.to_string()), line, column)]
        })?,
    };
    let mut errors = vec![first];
    if let Some(paths) = value.get("paths").and_then(serde_json::Value::as_object) {
        // `x-` keys are extensions, which take any value.
        for (path, item) in paths.iter().filter(|(path, _)| !path.starts_with("x-")) {
            let base = JsonPointer::root().push("paths").push(path);
            if let Err(err) = serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item) {
                let pointer = append_path(&base, err.path());
                if !errors.iter().any(|e| e.pointer == pointer) {
                    errors.push(shape_error(pointer, err.inner().to_string(), None));
                }
            }
        }
    }
    // The whole-document error cannot see past an untagged enum (`$ref` or item), so it may name
    // only `#/paths` for a problem that a path item error locates precisely: keep that one alone.
    let first_in_paths =
        errors[0].pointer.as_str() == "/paths" || errors[0].pointer.as_str().starts_with("/paths/");
    if first_in_paths
        && errors[1..]
            .iter()
            .any(|e| is_within(&e.pointer, &errors[0].pointer))
    {
        errors.remove(0);
    }
    for error in &mut errors {
        if error.location.is_none() {
            error.location = locate(text, format, &error.pointer);
        }
    }
    errors.sort();
    Err(errors)
}

/// True when `inner` is `outer` or points inside it.
fn is_within(inner: &JsonPointer, outer: &JsonPointer) -> bool {
    let (inner, outer) = (inner.as_str(), outer.as_str());
    inner == outer || (inner.starts_with(outer) && inner[outer.len()..].starts_with('/'))
}

fn parse_typed(text: &str, format: Format) -> Result<openapiv3::OpenAPI, Diagnostic> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|err| {
                let pointer = append_path(&JsonPointer::root(), err.path());
                let inner = err.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    syntax_error(inner.to_string(), inner.line(), inner.column())
                } else {
                    shape_error(
                        pointer,
                        strip_location(&inner.to_string()),
                        Some((inner.line(), inner.column())),
                    )
                }
            })
        }
        Format::Yaml => {
            let de = serde_yaml::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|err| {
                let pointer = append_path(&JsonPointer::root(), err.path());
                let inner = err.into_inner();
                let location = inner.location().map(|l| (l.line(), l.column()));
                shape_error(pointer, strip_location(&inner.to_string()), location)
            })
        }
    }
}

fn syntax_error(message: String, line: usize, column: usize) -> Diagnostic {
    Diagnostic {
        pointer: JsonPointer::root(),
        severity: Severity::Error,
        message: format!("syntax error: {}", strip_location(&message)),
        note: None,
        location: (line > 0).then_some((line, column)),
    }
}

fn shape_error(
    pointer: JsonPointer,
    message: String,
    location: Option<(usize, usize)>,
) -> Diagnostic {
    Diagnostic {
        pointer,
        severity: Severity::Error,
        message: format!("not a valid OpenAPI 3.0 document here: {message}"),
        note: None,
        location,
    }
}

/// Drops the " at line 3 column 5" that serde appends: the diagnostic carries the location itself.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(idx) => message[..idx].to_owned(),
        None => message.to_owned(),
    }
}

fn append_path(base: &JsonPointer, path: &serde_path_to_error::Path) -> JsonPointer {
    let mut out = base.clone();
    for segment in path.iter() {
        out = match segment {
            serde_path_to_error::Segment::Seq { index } => out.index(*index),
            serde_path_to_error::Segment::Map { key } => out.push(key),
            serde_path_to_error::Segment::Enum { variant } => out.push(variant),
            serde_path_to_error::Segment::Unknown => break,
        };
    }
    out
}

/// Finds the line and column of the value at `pointer`, by walking the text with a deserializer
/// that stops there: the parser then reports where it was. Costs one parse; used for errors only.
pub fn locate(text: &str, format: Format, pointer: &JsonPointer) -> Option<(usize, usize)> {
    let tokens: Vec<String> = pointer.tokens().collect();
    let probe = Probe { path: &tokens };
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            match probe.deserialize(&mut de) {
                Err(e) if e.to_string().starts_with(FOUND) => Some((e.line(), e.column())),
                _ => None,
            }
        }
        // serde_yaml puts the path of the failing value before the message: `a.b: probe ...`.
        Format::Yaml => match probe.deserialize(serde_yaml::Deserializer::from_str(text)) {
            Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| (l.line(), l.column())),
            _ => None,
        },
    }
}

const FOUND: &str = "probe reached the pointer";

struct Probe<'a> {
    path: &'a [String],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(ProbeVisitor { path: self.path })
    }
}

struct ProbeVisitor<'a> {
    path: &'a [String],
}

impl ProbeVisitor<'_> {
    fn found<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for ProbeVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.found::<A::Error>()?;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.path[0] {
                return map.next_value_seed(Probe {
                    path: &self.path[1..],
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.found::<A::Error>()?;
        let mut idx = 0usize;
        loop {
            if self.path[0] == idx.to_string() {
                return seq
                    .next_element_seed(Probe {
                        path: &self.path[1..],
                    })
                    .map(|_| ());
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            idx += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.found()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.found()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.found()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.found()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.found()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.found()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.found()
    }
}

/// Attaches line and column to diagnostics that lack them. One parse per diagnostic, so callers
/// pass only what they will show (the errors of a failed run).
pub fn attach_locations(text: &str, format: Format, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics
        .iter_mut()
        .filter(|d| d.location.is_none() && !d.pointer.as_str().is_empty())
    {
        diagnostic.location = locate(text, format, &diagnostic.pointer);
    }
}
