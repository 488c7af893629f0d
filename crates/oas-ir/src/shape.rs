//! Shape errors located at the offending node, for a document value that does not type.
//!
//! `openapiv3` reads every `$ref`-able object through an untagged enum, which buffers the node and
//! forgets where inside it the failure was: a whole-document error names the enclosing request
//! body or schema, never the bad keyword. So when typing fails, the value is walked top-down by
//! [`Kind`]; each node of a typed kind is tried on its own and, when it fails, its children are
//! tried first. The deepest failing node reports, with the path its own deserialization gives; a
//! schema reports its keywords of the wrong JSON type. Only the failing chain is deserialized
//! again, so the cost stays small next to the load, and it is paid on failure only.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Severity};
use crate::kinds::{Kind, Path};
use crate::pointer::JsonPointer;

/// Every located shape error of a document value that failed to type. Never empty.
pub(crate) fn errors(doc: &Value) -> Vec<Diagnostic> {
    let root = JsonPointer::root();
    if !doc.is_object() {
        return vec![error(
            root,
            format!(
                "invalid type: {}, expected an OpenAPI document (a map)",
                describe(doc)
            ),
        )];
    }
    if doc.get("openapi").is_none() && doc.get("swagger").is_some() {
        return vec![error(
            root.push("swagger"),
            "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3".into(),
        )];
    }
    let mut out = Vec::new();
    find(doc, Kind::Root, &root, &mut out);
    if out.is_empty() {
        // Every node types on its own but the whole does not: name the document.
        out.extend(located::<openapiv3::OpenAPI>(doc, &root));
    }
    if out.is_empty() {
        out.push(error(root, "the document does not type".into()));
    }
    out
}

/// The errors local to each schema of a document value, found in one linear walk before the
/// document is typed as a whole: each schema is typed with its child schemas replaced by `{}`, so
/// each node's own keywords are read once.
///
/// Typing a schema tree whose leaf is broken costs time exponential in its depth (`openapiv3`
/// reads schemas through untagged enums, and each failed alternative reads the whole subtree
/// again), so a broken schema must be found without ever typing a subtree that contains it.
pub(crate) fn schema_errors(doc: &Value) -> Vec<Diagnostic> {
    let root = JsonPointer::root();
    let mut out = Vec::new();
    walk_schemas(doc, Kind::Root, &Path::at(&root), &mut out);
    out
}

fn walk_schemas(value: &Value, kind: Kind, path: &Path<'_>, out: &mut Vec<Diagnostic>) {
    if kind == Kind::Schema {
        check_hollow_schema(value, path, out);
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let Some(child_kind) = kind.child(key) {
                    walk_schemas(child, child_kind, &path.key(key), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(element) = kind.element() {
                for (idx, child) in items.iter().enumerate() {
                    walk_schemas(child, element, &path.index(idx), out);
                }
            }
        }
        _ => {}
    }
}

/// Types one schema with its child schemas hollowed out (`{}`, which always types); children are
/// checked as nodes of their own.
fn check_hollow_schema(value: &Value, path: &Path<'_>, out: &mut Vec<Diagnostic>) {
    let Some(map) = value.as_object() else {
        // `additionalProperties: true|false` is a boolean, not a schema, in 3.0 too.
        if !(value.is_boolean() && path.last_key() == Some("additionalProperties")) {
            out.extend(node_errors(Kind::Schema, value, &path.pointer()));
        }
        return;
    };
    let hollow_child = |child: &Value| match child {
        Value::Object(_) => Value::Object(serde_json::Map::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        scalar => scalar.clone(),
    };
    let hollow: serde_json::Map<String, Value> = map
        .iter()
        .map(|(key, child)| {
            let child = match (Kind::Schema.child(key), child) {
                (Some(Kind::SchemaMap), Value::Object(members)) => Value::Object(
                    members
                        .keys()
                        .map(|k| (k.clone(), Value::Object(serde_json::Map::new())))
                        .collect(),
                ),
                (Some(Kind::SchemaList), Value::Array(items)) => Value::Array(
                    items
                        .iter()
                        .map(|_| Value::Object(serde_json::Map::new()))
                        .collect(),
                ),
                (Some(_), child) => hollow_child(child),
                (None, child) => child.clone(),
            };
            (key.clone(), child)
        })
        .collect();
    let hollow = Value::Object(hollow);
    if types_ok(Kind::Schema, &hollow) != Some(true) {
        out.extend(node_errors(Kind::Schema, &hollow, &path.pointer()));
    }
}

/// Reports the deepest failing nodes under `value`; true when it reported anything.
fn find(value: &Value, kind: Kind, ptr: &JsonPointer, out: &mut Vec<Diagnostic>) -> bool {
    // `additionalProperties: true|false` is a boolean, not a schema, in 3.0 too.
    let typed = if kind == Kind::Schema
        && value.is_boolean()
        && ptr.as_str().ends_with("/additionalProperties")
    {
        Some(true)
    } else {
        types_ok(kind, value)
    };
    if typed == Some(true) {
        return false;
    }
    let before = out.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let Some(child_kind) = kind.child(key) {
                    find(child, child_kind, &ptr.push(key), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(element) = kind.element() {
                for (idx, child) in items.iter().enumerate() {
                    find(child, element, &ptr.index(idx), out);
                }
            }
        }
        _ => {}
    }
    if out.len() > before {
        return true;
    }
    if typed == Some(false) {
        out.extend(node_errors(kind, value, ptr));
        return true;
    }
    false
}

/// Whether `value` types as what `kind` stands for; `None` for kinds that are only containers.
fn types_ok(kind: Kind, value: &Value) -> Option<bool> {
    fn ok<T: DeserializeOwned>(value: &Value) -> bool {
        T::deserialize(value).is_ok()
    }
    use openapiv3 as oa;
    Some(match kind {
        Kind::Root => ok::<oa::OpenAPI>(value),
        Kind::Components => ok::<oa::Components>(value),
        Kind::PathItem => ok::<oa::ReferenceOr<oa::PathItem>>(value),
        Kind::Operation => ok::<oa::Operation>(value),
        Kind::Parameter => ok::<oa::ReferenceOr<oa::Parameter>>(value),
        Kind::RequestBody => ok::<oa::ReferenceOr<oa::RequestBody>>(value),
        Kind::Responses => ok::<oa::Responses>(value),
        Kind::Response => ok::<oa::ReferenceOr<oa::Response>>(value),
        Kind::Header => ok::<oa::ReferenceOr<oa::Header>>(value),
        Kind::MediaType => ok::<oa::MediaType>(value),
        Kind::Encoding => ok::<oa::Encoding>(value),
        Kind::Example => ok::<oa::ReferenceOr<oa::Example>>(value),
        Kind::Link => ok::<oa::ReferenceOr<oa::Link>>(value),
        Kind::Callback => ok::<oa::ReferenceOr<oa::Callback>>(value),
        Kind::SecurityScheme => ok::<oa::ReferenceOr<oa::SecurityScheme>>(value),
        Kind::Schema => ok::<oa::ReferenceOr<oa::Schema>>(value),
        _ => return None,
    })
}

/// The errors of one node that fails to type although its children type.
fn node_errors(kind: Kind, value: &Value, ptr: &JsonPointer) -> Vec<Diagnostic> {
    use openapiv3 as oa;
    if let Some(reference) = value.get("$ref")
        && !reference.is_string()
    {
        return vec![error(
            ptr.push("$ref"),
            format!("invalid type: {}, expected a string", describe(reference)),
        )];
    }
    if kind == Kind::Schema {
        let found = schema_keyword_errors(value, ptr);
        if !found.is_empty() {
            return found;
        }
    }
    let found = match kind {
        Kind::Root => located::<oa::OpenAPI>(value, ptr),
        Kind::Components => located::<oa::Components>(value, ptr),
        Kind::PathItem => located::<oa::PathItem>(value, ptr),
        Kind::Operation => located::<oa::Operation>(value, ptr),
        Kind::Parameter => located::<oa::Parameter>(value, ptr),
        Kind::RequestBody => located::<oa::RequestBody>(value, ptr),
        Kind::Responses => located::<oa::Responses>(value, ptr),
        Kind::Response => located::<oa::Response>(value, ptr),
        Kind::Header => located::<oa::Header>(value, ptr),
        Kind::MediaType => located::<oa::MediaType>(value, ptr),
        Kind::Encoding => located::<oa::Encoding>(value, ptr),
        Kind::Example => located::<oa::Example>(value, ptr),
        Kind::Link => located::<oa::Link>(value, ptr),
        Kind::Callback => located::<oa::Callback>(value, ptr),
        Kind::SecurityScheme => located::<oa::SecurityScheme>(value, ptr),
        Kind::Schema => located::<oa::Schema>(value, ptr),
        _ => None,
    };
    found.into_iter().collect()
}

/// The error of deserializing `value` as `T`, at the pointer serde got to.
fn located<T: DeserializeOwned>(value: &Value, ptr: &JsonPointer) -> Option<Diagnostic> {
    let err = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let pointer = crate::load::append_path(ptr, err.path());
    Some(error(pointer, err.inner().to_string()))
}

/// What a schema keyword's value must be, for `openapiv3` to read the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expect {
    String,
    Bool,
    Number,
    Count,
    Strings,
    Array,
    Map,
    MapOrBool,
    Schemas,
    /// `discriminator`: a map with a string `propertyName` and a `mapping` of strings.
    Discriminator,
    /// `externalDocs`: a map with a string `url`.
    ExternalDocs,
    /// A map of strings (a discriminator's `mapping`).
    StringMap,
}

/// The JSON type of a value, as a streaming walk sees it (`Count`: a non-negative integer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonType {
    Null,
    Bool,
    Count,
    Number,
    String,
    Array,
    Map,
}

impl Expect {
    pub(crate) fn of(keyword: &str) -> Option<Self> {
        Some(match keyword {
            "type" | "format" | "pattern" | "title" | "description" | "$ref" => Self::String,
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems"
            | "exclusiveMinimum" | "exclusiveMaximum" => Self::Bool,
            "minimum" | "maximum" | "multipleOf" => Self::Number,
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties" => Self::Count,
            "required" => Self::Strings,
            "enum" => Self::Array,
            "properties" | "items" | "not" => Self::Map,
            "discriminator" => Self::Discriminator,
            "externalDocs" => Self::ExternalDocs,
            "additionalProperties" => Self::MapOrBool,
            "allOf" | "anyOf" | "oneOf" => Self::Schemas,
            _ => return None,
        })
    }

    /// Whether a value of JSON type `found` can be this (elements are checked on their own:
    /// see [`Expect::element`]).
    pub(crate) fn accepts_type(self, found: JsonType) -> bool {
        match self {
            Self::String => found == JsonType::String,
            Self::Bool => found == JsonType::Bool,
            Self::Number => matches!(found, JsonType::Number | JsonType::Count),
            Self::Count => found == JsonType::Count,
            Self::Strings | Self::Array | Self::Schemas => found == JsonType::Array,
            Self::Map | Self::Discriminator | Self::ExternalDocs | Self::StringMap => {
                found == JsonType::Map
            }
            Self::MapOrBool => matches!(found, JsonType::Map | JsonType::Bool),
        }
    }

    /// What the member `key` of a map of this must be.
    pub(crate) fn member(self, key: &str) -> Option<Self> {
        match (self, key) {
            (Self::Discriminator, "propertyName")
            | (Self::ExternalDocs, "url" | "description")
            | (Self::StringMap, _) => Some(Self::String),
            (Self::Discriminator, "mapping") => Some(Self::StringMap),
            _ => None,
        }
    }

    /// The member a map of this must have.
    pub(crate) fn required_member(self) -> Option<&'static str> {
        match self {
            Self::Discriminator => Some("propertyName"),
            Self::ExternalDocs => Some("url"),
            _ => None,
        }
    }

    /// What each element of a sequence of this must be.
    pub(crate) fn element(self) -> Option<Self> {
        match self {
            Self::Strings => Some(Self::String),
            _ => None,
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match self {
            Self::String => value.is_string(),
            Self::Bool => value.is_boolean(),
            Self::Number => value.is_number(),
            Self::Count => value.is_u64(),
            Self::Strings => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            Self::Array | Self::Schemas => value.is_array(),
            Self::Map | Self::Discriminator | Self::ExternalDocs | Self::StringMap => {
                value.is_object()
            }
            Self::MapOrBool => value.is_object() || value.is_boolean(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Bool => "a boolean",
            Self::Number => "a number",
            Self::Count => "a non-negative integer",
            Self::Strings => "a sequence of strings",
            Self::Array => "a sequence",
            Self::Map | Self::Discriminator | Self::ExternalDocs => "a map",
            Self::StringMap => "a map of strings",
            Self::MapOrBool => "a map or a boolean",
            Self::Schemas => "a sequence of schemas",
        }
    }
}

/// The keywords of one schema whose values have the wrong JSON type (children are checked as
/// nodes of their own).
fn schema_keyword_errors(value: &Value, ptr: &JsonPointer) -> Vec<Diagnostic> {
    let Some(schema) = value.as_object() else {
        return vec![error(
            ptr.clone(),
            format!(
                "invalid type: {}, expected a schema (a map)",
                describe(value)
            ),
        )];
    };
    let mut out = Vec::new();
    for (keyword, value) in schema {
        let Some(expect) = Expect::of(keyword) else {
            continue;
        };
        if keyword == "type"
            && let Some((idx, item)) = value
                .as_array()
                .and_then(|items| items.iter().enumerate().find(|(_, t)| !t.is_string()))
        {
            out.push(error(
                ptr.push(keyword).index(idx),
                format!("invalid type: {}, expected a type name", describe(item)),
            ));
            continue;
        }
        if !expect.accepts(value) {
            let message = if keyword == "type" && value.is_array() {
                "a list of types is OpenAPI 3.1; this document says it is OpenAPI 3.0 \
                 (set `openapi: 3.1.0`, or write one `type` and `nullable: true`)"
                    .to_owned()
            } else {
                format!(
                    "invalid type: {}, expected {}",
                    describe(value),
                    expect.name()
                )
            };
            out.push(error(ptr.push(keyword), message));
        }
    }
    out
}

/// A value described as serde describes it in its errors.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

fn error(pointer: JsonPointer, message: String) -> Diagnostic {
    Diagnostic {
        pointer,
        severity: Severity::Error,
        message: format!("not a valid OpenAPI document here: {message}"),
        note: None,
        location: None,
    }
}
