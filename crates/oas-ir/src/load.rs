//! Loading: document text (YAML or JSON) to `openapiv3::OpenAPI`, with errors that say where.
//!
//! Four steps, each public so that a caller can insert its own (an overlay) between them:
//!
//! 1. [`parse_value`]: text to a JSON value; syntax errors, duplicate keys and multi-document YAML
//!    are located errors;
//! 2. [`downgrade`]: an OpenAPI 3.1 or 3.2 value rewritten into the 3.0 model, with a warning for
//!    each change of meaning (see [`crate::downgrade`]);
//! 3. (overlays, by the caller, on the 3.0 model);
//! 4. [`typed`]: the value to `openapiv3::OpenAPI`; a shape error (a value of the wrong type, a
//!    missing required key) names the JSON pointer of the offending node itself, not the enclosing
//!    `$ref`-able object, and every broken node is reported at once.
//!
//! [`load`] runs them in order and [`attach_locations`] adds line and column. Pure: the caller
//! reads the file.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Severity};
use crate::kinds::Kind;
use crate::pointer::JsonPointer;
use crate::shape::{Expect, JsonType};

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

/// A document read into the OpenAPI 3.0 model, with the warnings of reading it.
#[derive(Debug)]
pub struct Loaded {
    /// The typed document.
    pub doc: openapiv3::OpenAPI,
    /// What the 3.1/3.2 rewrite changed in meaning, in document order. Pointers only: call
    /// [`attach_locations`] for line and column.
    pub warnings: Vec<Diagnostic>,
}

/// Reads a document: [`parse_value`], then [`downgrade`], then [`typed`]. On failure, returns every
/// located error found (and the warnings so far).
///
/// A step that edits the document as a value (an overlay) belongs between [`downgrade`] and
/// [`typed`], so that it sees the 3.0 model whatever version the text is written in; call the
/// three steps yourself to insert it.
pub fn load(text: &str, format: Format) -> Result<Loaded, Vec<Diagnostic>> {
    if let Some(doc) = load_30(text, format) {
        return Ok(Loaded {
            doc,
            warnings: Vec::new(),
        });
    }
    let mut value = parse_value(text, format)?;
    let warnings = downgrade(&mut value);
    match typed(&value) {
        Ok(doc) => Ok(Loaded { doc, warnings }),
        Err(mut errors) => {
            attach_locations(text, format, &mut errors);
            errors.extend(warnings);
            errors.sort();
            Err(errors)
        }
    }
}

/// The fast path for a valid OpenAPI 3.0 JSON document: one scan that refuses duplicate keys and
/// reads the version, then typing straight from the text. Building the JSON value first (and
/// freeing it) costs about half as much again on the 3.7 MB document. `None` sends the document
/// down the value path, which reports every problem. YAML always takes the value path: parsing
/// YAML twice costs more than the value does.
fn load_30(text: &str, format: Format) -> Option<openapiv3::OpenAPI> {
    if format == Format::Yaml {
        return None;
    }
    let version = scan(text, format)?;
    if !(version.starts_with("3.0.") || version == "3.0") {
        return None;
    }
    let mut doc: openapiv3::OpenAPI = match format {
        Format::Json => serde_json::from_str(text).ok()?,
        Format::Yaml => serde_yaml::from_str(text).ok()?,
    };
    crate::downgrade::drop_derived_typed(&mut doc);
    Some(doc)
}

/// [`load`] without the warnings, for callers that only need the typed document (tests, the spec
/// command's validity check).
pub fn parse(text: &str, format: Format) -> Result<openapiv3::OpenAPI, Vec<Diagnostic>> {
    load(text, format).map(|loaded| loaded.doc)
}

/// Rewrites an OpenAPI 3.1 or 3.2 document value into the 3.0 model, in place; see
/// [`crate::downgrade`]. Returns the warnings.
pub fn downgrade(value: &mut Value) -> Vec<Diagnostic> {
    crate::downgrade::downgrade(value)
}

/// Parses document text into a JSON value. Syntax errors, duplicate keys and a YAML stream of
/// several documents are errors, located.
pub fn parse_value(text: &str, format: Format) -> Result<Value, Vec<Diagnostic>> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let value = ValueSeed
                .deserialize(&mut de)
                .and_then(|v| de.end().map(|()| v));
            value.map_err(|e| {
                if e.is_syntax() || e.is_eof() {
                    vec![syntax_error(e.to_string(), e.line(), e.column())]
                } else {
                    // A duplicate key: find where it is.
                    let mut de = serde_json::Deserializer::from_str(text);
                    let pointer = duplicate_pointer(&mut de);
                    let location = locate_occurrence(text, format, &pointer, 1)
                        .or(Some((e.line(), e.column())));
                    vec![duplicate_error(pointer, &e.to_string(), location)]
                }
            })
        }
        Format::Yaml => {
            if let Some(error) = flow_depth_error(text) {
                return Err(vec![error]);
            }
            let mut documents = serde_yaml::Deserializer::from_str(text);
            let Some(first) = documents.next() else {
                return Ok(Value::Null);
            };
            let value = ValueSeed.deserialize(first).map_err(|e| {
                let location = e.location().map(|l| (l.line(), l.column()));
                let message = e.to_string();
                if message.contains(DUPLICATE) {
                    let pointer = serde_yaml::Deserializer::from_str(text)
                        .next()
                        .map(duplicate_pointer)
                        .unwrap_or_default();
                    let location = locate_occurrence(text, format, &pointer, 1).or(location);
                    vec![duplicate_error(pointer, &message, location)]
                } else {
                    let (line, column) = location.unwrap_or((0, 0));
                    vec![syntax_error(message, line, column)]
                }
            })?;
            if documents.next().is_some() {
                return Err(vec![Diagnostic {
                    pointer: JsonPointer::root(),
                    severity: Severity::Error,
                    message: "the YAML stream holds more than one document".to_owned(),
                    note: Some("an OpenAPI document is one YAML document".to_owned()),
                    location: second_document(text),
                }]);
            }
            Ok(value)
        }
    }
}

/// Types a document value (already in the 3.0 model: see [`downgrade`]). On failure, every shape
/// error, each at the JSON pointer of the offending node; without line and column, which only the
/// text gives: see [`attach_locations`].
pub fn typed(value: &Value) -> Result<openapiv3::OpenAPI, Vec<Diagnostic>> {
    // Deserializing from the value borrows its strings while `openapiv3` buffers its untagged
    // enums, and skips path tracking: errors are located afterwards, on the failure path only.
    // Broken schemas first, in one linear walk: typing the document with a broken schema deep
    // inside costs time exponential in its depth (see `shape::schema_errors`).
    // A value the scan vouches for (keyword types right, schemas not nested deeper than real
    // documents nest them) types safely straight away, as the fast path's text does.
    if vouched(value)
        && let Ok(doc) = openapiv3::OpenAPI::deserialize(value)
    {
        return Ok(doc);
    }
    let mut errors = crate::shape::schema_errors(value);
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    match openapiv3::OpenAPI::deserialize(value) {
        Ok(doc) => Ok(doc),
        Err(_) => {
            let mut errors = crate::shape::errors(value);
            errors.sort();
            errors.dedup();
            Err(errors)
        }
    }
}

const DUPLICATE: &str = "duplicate key";

/// Builds a `serde_json::Value`, refusing duplicate keys (serde_json's own impl keeps the last).
struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        ValueSeed.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(ValueSeed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed)?;
            match out.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                serde_json::map::Entry::Occupied(slot) => {
                    return Err(de::Error::custom(format_args!(
                        "{DUPLICATE} `{}`",
                        slot.key()
                    )));
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Reads the `openapi` version of a document whose maps repeat no key, without building it;
/// `None` for anything else (the value path then says what is wrong).
/// The scan of [`scan`] over a document value (after a rewrite or an overlay): true when typing it
/// straight away is safe.
fn vouched(value: &Value) -> bool {
    let seed = ScanSeed {
        version: None,
        kind: Some(Kind::Root),
        schema_depth: 0,
        expect: None,
    };
    seed.deserialize(value).is_ok()
}

fn scan(text: &str, format: Format) -> Option<String> {
    let mut version = None;
    let seed = ScanSeed {
        version: Some(&mut version),
        kind: Some(Kind::Root),
        schema_depth: 0,
        expect: None,
    };
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            seed.deserialize(&mut de).ok()?;
            de.end().ok()?;
        }
        Format::Yaml => {
            let mut documents = serde_yaml::Deserializer::from_str(text);
            seed.deserialize(documents.next()?).ok()?;
            if documents.next().is_some() {
                return None;
            }
        }
    }
    version
}

/// Walks a document checking that no map repeats a key; at the root, it also keeps `openapi`.
///
/// It also vouches that typing the text straight away is safe: typing a broken schema deep in a
/// tree costs time exponential in its depth (see [`crate::shape::schema_errors`]), so a schema
/// keyword whose value has the wrong JSON type, or schemas nested deeper than any real document
/// nests them, send the document down the value path, which finds broken schemas in linear time.
struct ScanSeed<'v> {
    version: Option<&'v mut Option<String>>,
    /// The kind of this node, when the walk knows it.
    kind: Option<Kind>,
    /// How many schemas enclose this node.
    schema_depth: usize,
    /// What JSON type this node must have, as a schema keyword's value.
    expect: Option<Expect>,
}

/// Schemas nested deeper than this take the value path: a safety net for broken schemas the
/// streaming checks miss (the deepest real document, 2025-06, nests 12).
const FAST_PATH_SCHEMA_DEPTH: usize = 16;

/// The error that ends a scan without saying the text is broken: the value path decides.
const NOT_VOUCHED: &str = "not vouched for the fast path";

impl ScanSeed<'_> {
    fn plain(kind: Option<Kind>, schema_depth: usize, expect: Option<Expect>) -> Self {
        ScanSeed {
            version: None,
            kind,
            schema_depth,
            expect,
        }
    }

    /// Fails unless this node's JSON type is what it must be.
    fn expecting<E: de::Error>(&self, found: JsonType) -> Result<(), E> {
        match self.expect {
            Some(expect) if !expect.accepts_type(found) => Err(E::custom(NOT_VOUCHED)),
            _ => Ok(()),
        }
    }
}

impl<'de> DeserializeSeed<'de> for ScanSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScanSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.expecting(JsonType::Bool)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.expecting(if v < 0 {
            JsonType::Number
        } else {
            JsonType::Count
        })
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.expecting(JsonType::Count)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.expecting(JsonType::Number)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.expecting(JsonType::String)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.expecting(JsonType::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.expecting(JsonType::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        ScanSeed::plain(self.kind, self.schema_depth, self.expect).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.expecting(JsonType::Array)?;
        let element = self.kind.and_then(Kind::element);
        let element_expect = self.expect.and_then(Expect::element);
        while seq
            .next_element_seed(ScanSeed::plain(element, self.schema_depth, element_expect))?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.expecting(JsonType::Map)?;
        let in_schema = self.kind == Some(Kind::Schema);
        let depth = self.schema_depth + usize::from(in_schema);
        if depth > FAST_PATH_SCHEMA_DEPTH {
            return Err(de::Error::custom(NOT_VOUCHED));
        }
        let mut keys: Vec<Cow<'de, str>> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if self.version.is_some() && key == "openapi" {
                let value: Value = map.next_value()?;
                if let (Some(slot), Value::String(v)) = (self.version.as_deref_mut(), value) {
                    *slot = Some(v);
                }
            } else {
                let kind = self.kind.and_then(|k| k.child(&key));
                let expect = if in_schema {
                    Expect::of(&key)
                } else {
                    self.expect.and_then(|e| e.member(&key))
                };
                map.next_value_seed(ScanSeed::plain(kind, depth, expect))?;
            }
            keys.push(key);
        }
        // Maps are small, except a few (paths, properties) where sorting wins.
        let repeated = if keys.len() <= 16 {
            keys.iter().enumerate().any(|(i, k)| keys[..i].contains(k))
        } else {
            let mut sorted: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
            sorted.sort_unstable();
            sorted.windows(2).any(|w| w[0] == w[1])
        };
        if repeated {
            return Err(de::Error::custom(DUPLICATE));
        }
        if let Some(required) = self.expect.and_then(Expect::required_member)
            && !keys.iter().any(|k| k == required)
        {
            return Err(de::Error::custom(NOT_VOUCHED));
        }
        Ok(())
    }
}

/// A map key, borrowed from the text when the parser allows it.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// Parses again, tracking the path, to find the pointer of the map member that repeats a key.
fn duplicate_pointer<'de, D: de::Deserializer<'de>>(deserializer: D) -> JsonPointer
where
    D::Error: fmt::Display,
{
    let mut track = serde_path_to_error::Track::new();
    let wrapped = serde_path_to_error::Deserializer::new(deserializer, &mut track);
    match ValueSeed.deserialize(wrapped) {
        Ok(_) => JsonPointer::root(),
        Err(err) => {
            let message = err.to_string();
            let map = append_path(&JsonPointer::root(), &track.path());
            match message.split('`').nth(1) {
                Some(key) if message.contains(DUPLICATE) => map.push(key),
                _ => map,
            }
        }
    }
}

fn duplicate_error(
    pointer: JsonPointer,
    message: &str,
    location: Option<(usize, usize)>,
) -> Diagnostic {
    let message = strip_location(message);
    // serde_yaml puts the path first (`a.b: duplicate key ...`); the pointer says it better.
    let message = message
        .find(DUPLICATE)
        .map_or(message.as_str(), |idx| &message[idx..]);
    Diagnostic {
        pointer,
        severity: Severity::Error,
        message: message.to_owned(),
        note: Some("a key may appear once in a map".to_owned()),
        location: location.filter(|(line, _)| *line > 0),
    }
}

/// The line of the marker that starts the second document of a YAML stream.
fn second_document(text: &str) -> Option<(usize, usize)> {
    let mut seen_content = false;
    for (idx, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if is_marker && seen_content {
            return Some((idx + 1, 1));
        }
        let trimmed = line.trim();
        if !(trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('%')) {
            seen_content = true;
        }
    }
    None
}

/// How deep YAML flow collections (`{...}`, `[...]`) may nest. serde_yaml refuses documents
/// nested deeper than 128 levels anyway, but only after its YAML parser has read every event,
/// which costs time quadratic in the flow depth (libyaml looks at every open flow level for each
/// token): 10,000 levels took 4 s.
pub const MAX_FLOW_DEPTH: usize = 256;

/// A located error for YAML text whose flow collections nest deeper than [`MAX_FLOW_DEPTH`], found
/// in one pass over the text before the YAML parser sees it. Quoted scalars and comments are
/// skipped; braces in block scalars are counted, which errs towards refusing only documents with
/// hundreds of unbalanced braces in their text.
fn flow_depth_error(text: &str) -> Option<Diagnostic> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<u8> = None;
    let mut comment = false;
    let mut previous = b'\n';
    let mut escaped = false;
    for &byte in text.as_bytes() {
        column += 1;
        if byte == b'\n' {
            (line, column, comment) = (line + 1, 0, false);
            if quote.is_none() {
                previous = byte;
                continue;
            }
        }
        let token_start = previous.is_ascii_whitespace() || b",[{:-?".contains(&previous);
        match quote {
            _ if comment => {}
            Some(b'"') if escaped => escaped = false,
            Some(b'"') if byte == b'\\' => escaped = true,
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None => match byte {
                b'#' if previous.is_ascii_whitespace() => comment = true,
                b'"' | b'\'' if token_start => quote = Some(byte),
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(syntax_error(
                            format!("flow collections nest deeper than {MAX_FLOW_DEPTH} levels"),
                            line,
                            column,
                        ));
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = byte;
    }
    None
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

/// Drops the " at line 3 column 5" that serde appends: the diagnostic carries the location itself.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(idx) => message[..idx].to_owned(),
        None => message.to_owned(),
    }
}

pub(crate) fn append_path(base: &JsonPointer, path: &serde_path_to_error::Path) -> JsonPointer {
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
    locate_occurrence(text, format, pointer, 0)
}

/// [`locate`], passing over the first `skip` members that repeat the last key of `pointer` (a
/// duplicate key is located at its second occurrence).
fn locate_occurrence(
    text: &str,
    format: Format,
    pointer: &JsonPointer,
    skip: usize,
) -> Option<(usize, usize)> {
    let tokens: Vec<String> = pointer.tokens().collect();
    let probe = Probe {
        path: &tokens,
        skip,
    };
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
    /// Members matching the last token to pass over.
    skip: usize,
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(ProbeVisitor {
            path: self.path,
            skip: self.skip,
        })
    }
}

struct ProbeVisitor<'a> {
    path: &'a [String],
    skip: usize,
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

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.found::<A::Error>()?;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.path[0] && self.path.len() == 1 && self.skip > 0 {
                self.skip -= 1;
            } else if key == self.path[0] {
                return map.next_value_seed(Probe {
                    path: &self.path[1..],
                    skip: self.skip,
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
                        skip: self.skip,
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
/// pass only what they will show (the errors of a failed run). A pointer the text lacks (a node
/// the 3.1 rewrite made) gets the location of its nearest ancestor that the text has.
pub fn attach_locations(text: &str, format: Format, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics
        .iter_mut()
        .filter(|d| d.location.is_none() && !d.pointer.as_str().is_empty())
    {
        let mut pointer = diagnostic.pointer.clone();
        while diagnostic.location.is_none() && !pointer.as_str().is_empty() {
            diagnostic.location = locate(text, format, &pointer);
            pointer = pointer.parent_or_root();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, parse_value, scan};

    /// The fast path's scan vouches for valid 3.0 documents: every 3.0 fixture, written as JSON,
    /// is typed straight from the text (`scan` gives its version), as the real documents are.
    #[test]
    fn the_fast_path_vouches_for_valid_documents() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/fixtures");
        let mut vouched = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let value =
                parse_value(&std::fs::read_to_string(&path).unwrap(), Format::Yaml).unwrap();
            if !value["openapi"]
                .as_str()
                .unwrap_or_default()
                .starts_with("3.0")
            {
                continue;
            }
            let json = serde_json::to_string(&value).unwrap();
            assert!(
                scan(&json, Format::Json).is_some(),
                "{} is not vouched for",
                path.display()
            );
            vouched += 1;
        }
        assert!(vouched > 10);
        // A keyword of the wrong JSON type, or a broken discriminator, is not.
        for schema in [
            r#"{"minLength": "2"}"#,
            r#"{"discriminator": {"mapping": {}}}"#,
        ] {
            let text = format!(
                r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"schemas": {{"A": {schema}}}}}}}"#
            );
            assert_eq!(scan(&text, Format::Json), None, "{schema}");
        }
    }
}
