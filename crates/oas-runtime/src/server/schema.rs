//! Schema descriptors and the validator that interprets them.
//!
//! The generated server crate describes every type that a request can carry (bodies, query and
//! path parameters) as one static table of [`Schema`]s that refer to each other by index. Checking
//! a request is one walk of its JSON value against that table, so a new constraint costs a table
//! entry rather than generated code, and the crate stays quick to compile.
//!
//! The validator is stricter than the generated types on purpose: the types accept unknown enum
//! values and union tags (a newer server may send them), while a request that carries one does
//! not match the document and is rejected here.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// One type of the table. Indices (`u32`) point into the same table.
#[derive(Clone, Copy, Debug)]
pub enum Schema {
    /// Any JSON value.
    Any,
    /// No value matches.
    Never,
    /// `true` or `false`.
    Bool,
    /// A whole number that fits in an `i64`.
    Integer(Bounds),
    /// Any finite number.
    Number(Bounds),
    /// A string.
    String(StringSchema),
    /// `null`, or a value of the indexed type.
    Nullable(u32),
    /// An array.
    Array(ArraySchema),
    /// One value of the items' type, or an array of them.
    OneOrMany(ArraySchema),
    /// An object with any keys, whose values have the indexed type.
    Map(u32),
    /// An object with named properties. Properties it does not name must have the type
    /// `additional` when that is given, and may be anything otherwise.
    Object {
        /// The named properties.
        fields: &'static [Field],
        /// The type of the properties it does not name, if they are typed.
        additional: Option<u32>,
    },
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An object whose property `tag` selects the schema of the rest.
    Tagged {
        /// The discriminating property.
        tag: &'static str,
        /// Each tag value and the schema of the object for it.
        variants: &'static [(&'static str, u32)],
    },
    /// A value of at least one of the indexed types.
    Untagged(&'static [u32]),
}

/// Bounds and allowed values of a number.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bounds {
    /// `minimum`.
    pub min: Option<f64>,
    /// `maximum`.
    pub max: Option<f64>,
    /// The allowed values (`enum`); empty when any value is allowed.
    pub allowed: &'static [f64],
}

/// String constraints.
#[derive(Clone, Copy, Debug)]
pub struct StringSchema {
    /// The format.
    pub format: Format,
    /// `minLength`, in characters.
    pub min_length: Option<u32>,
    /// `maxLength`, in characters.
    pub max_length: Option<u32>,
}

/// String formats the validator checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Any text.
    Plain,
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal.
    Uuid,
    /// RFC 3339 date and time (`2024-01-02T03:04:05Z`).
    DateTime,
    /// `YYYY-MM-DD`.
    Date,
    /// `local@domain`.
    Email,
    /// An absolute URI (`scheme:rest`).
    Uri,
}

/// Array bounds.
#[derive(Clone, Copy, Debug)]
pub struct ArraySchema {
    /// The items' type.
    pub items: u32,
    /// `minItems`.
    pub min_items: Option<u32>,
    /// `maxItems`.
    pub max_items: Option<u32>,
}

/// One property of an [`Schema::Object`].
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The name on the wire.
    pub name: &'static str,
    /// Its type (for a required nullable property, a [`Schema::Nullable`]).
    pub schema: u32,
    /// Whether it must be present and whether `null` is allowed when it is optional.
    pub presence: Presence,
}

impl Field {
    /// A property that must be present.
    pub const fn required(name: &'static str, schema: u32) -> Self {
        Self {
            name,
            schema,
            presence: Presence::Required,
        }
    }

    /// A property that may be absent, but not `null`.
    pub const fn optional(name: &'static str, schema: u32) -> Self {
        Self {
            name,
            schema,
            presence: Presence::Optional,
        }
    }

    /// A property that may be absent or `null`.
    pub const fn nullable(name: &'static str, schema: u32) -> Self {
        Self {
            name,
            schema,
            presence: Presence::Nullable,
        }
    }
}

/// Whether a property must be present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Must be present.
    Required,
    /// May be absent (a default may apply); `null` is not allowed.
    Optional,
    /// May be absent or `null`.
    Nullable,
}

/// A default value of a query parameter.
#[derive(Clone, Copy, Debug)]
pub enum Literal {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A string (also an enum value).
    Str(&'static str),
}

impl Literal {
    pub(crate) fn to_json(self) -> Value {
        match self {
            Self::Bool(b) => Value::Bool(b),
            Self::Integer(i) => Value::from(i),
            Self::Number(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Self::Str(s) => Value::String(s.to_owned()),
        }
    }
}

/// Where a value failed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// JSON path below the input's root (`.secrets[0].secretKey`), empty for the root.
    pub path: String,
    /// What is wrong, as a sentence fragment (`expected a string, found a number`).
    pub problem: String,
}

/// The schema table of a generated crate.
#[derive(Clone, Copy, Debug)]
pub struct Schemas(pub &'static [Schema]);

impl Schemas {
    /// Checks `value` against the schema at `index`.
    pub fn validate(self, index: u32, value: &Value) -> Result<(), Invalid> {
        let mut path = String::new();
        self.check(index, value, &mut path)
            .map_err(|problem| Invalid {
                path: path.clone(),
                problem,
            })
    }

    fn get(self, index: u32) -> Schema {
        // Indices come from the generator; an out-of-range one would be a generator bug, and even
        // then the answer is a validation failure rather than a panic.
        self.0.get(index as usize).copied().unwrap_or(Schema::Never)
    }

    /// Walks `value`. On failure, `path` is left pointing at the offending value.
    fn check(self, index: u32, value: &Value, path: &mut String) -> Result<(), String> {
        match self.get(index) {
            Schema::Any => Ok(()),
            Schema::Never => Err("no value is allowed here".to_owned()),
            Schema::Bool => expect(value.is_boolean(), "a boolean", value),
            Schema::Integer(bounds) => {
                let Some(n) = value.as_i64() else {
                    return Err(match value {
                        Value::Number(_) => format!("expected an integer, found {value}"),
                        _ => mismatch("an integer", value),
                    });
                };
                #[allow(clippy::cast_precision_loss)]
                check_bounds(bounds, n as f64, value)
            }
            Schema::Number(bounds) => match value.as_f64() {
                Some(n) => check_bounds(bounds, n, value),
                None => Err(mismatch("a number", value)),
            },
            Schema::String(s) => match value {
                Value::String(text) => check_string(s, text),
                _ => Err(mismatch("a string", value)),
            },
            Schema::Nullable(inner) => {
                if value.is_null() {
                    Ok(())
                } else {
                    self.check(inner, value, path)
                }
            }
            Schema::Array(array) => match value {
                Value::Array(items) => self.check_items(array, items, path),
                _ => Err(mismatch("an array", value)),
            },
            Schema::OneOrMany(array) => match value {
                Value::Array(items) => self.check_items(array, items, path),
                _ => self.check(array.items, value, path),
            },
            Schema::Map(values) => match value {
                Value::Object(map) => {
                    for (key, v) in map {
                        let len = path.len();
                        push_key(path, key);
                        self.check(values, v, path)?;
                        path.truncate(len);
                    }
                    Ok(())
                }
                _ => Err(mismatch("an object", value)),
            },
            Schema::Object { fields, additional } => match value {
                Value::Object(map) => {
                    self.check_fields(fields, map, path)?;
                    if let Some(additional) = additional {
                        for (key, v) in map {
                            if fields.iter().any(|f| f.name == key) {
                                continue;
                            }
                            let len = path.len();
                            push_key(path, key);
                            self.check(additional, v, path)?;
                            path.truncate(len);
                        }
                    }
                    Ok(())
                }
                _ => Err(mismatch("an object", value)),
            },
            Schema::Enum(allowed) => match value {
                Value::String(text) if allowed.contains(&text.as_str()) => Ok(()),
                Value::String(text) => Err(format!(
                    "unknown value {text:?}, expected one of {}",
                    one_of(allowed)
                )),
                _ => Err(mismatch("a string", value)),
            },
            Schema::Tagged { tag, variants } => {
                let Value::Object(map) = value else {
                    return Err(mismatch("an object", value));
                };
                let len = path.len();
                push_key(path, tag);
                let Some(found) = map.get(tag) else {
                    return Err("is required".to_owned());
                };
                let Some(text) = found.as_str() else {
                    return Err(mismatch("a string", found));
                };
                let Some(&(_, payload)) = variants.iter().find(|(name, _)| *name == text) else {
                    let names: Vec<&str> = variants.iter().map(|(name, _)| *name).collect();
                    return Err(format!(
                        "unknown value {text:?}, expected one of {}",
                        one_of(&names)
                    ));
                };
                path.truncate(len);
                self.check(payload, value, path)
            }
            Schema::Untagged(alternatives) => {
                // The alternative that got furthest explains the failure best.
                let mut best: Option<(String, String)> = None;
                for &alternative in alternatives {
                    let mut attempt = path.clone();
                    match self.check(alternative, value, &mut attempt) {
                        Ok(()) => return Ok(()),
                        Err(problem) => {
                            if best.as_ref().is_none_or(|(p, _)| attempt.len() > p.len()) {
                                best = Some((attempt, problem));
                            }
                        }
                    }
                }
                match best {
                    Some((at, problem)) => {
                        *path = at;
                        Err(problem)
                    }
                    None => Err("no value is allowed here".to_owned()),
                }
            }
        }
    }

    fn check_items(
        self,
        array: ArraySchema,
        items: &[Value],
        path: &mut String,
    ) -> Result<(), String> {
        let n = items.len();
        if let Some(min) = array.min_items
            && n < min as usize
        {
            return Err(format!("expected at least {min} item(s), found {n}"));
        }
        if let Some(max) = array.max_items
            && n > max as usize
        {
            return Err(format!("expected at most {max} item(s), found {n}"));
        }
        for (i, item) in items.iter().enumerate() {
            let len = path.len();
            let _ = write!(path, "[{i}]");
            self.check(array.items, item, path)?;
            path.truncate(len);
        }
        Ok(())
    }

    fn check_fields(
        self,
        fields: &[Field],
        map: &Map<String, Value>,
        path: &mut String,
    ) -> Result<(), String> {
        for field in fields {
            let len = path.len();
            push_key(path, field.name);
            match (map.get(field.name), field.presence) {
                (None, Presence::Required) => return Err("is required".to_owned()),
                (None, _) | (Some(Value::Null), Presence::Nullable) => {}
                (Some(Value::Null), Presence::Optional) => {
                    return Err("must not be null (leave it out instead)".to_owned());
                }
                (Some(v), _) => self.check(field.schema, v, path)?,
            }
            path.truncate(len);
        }
        Ok(())
    }

    /// Turns the text of a query or path parameter into the JSON value its schema expects
    /// (`"10"` for an integer becomes `10`), without checking constraints.
    pub fn coerce(self, index: u32, text: &str) -> Result<Value, String> {
        match self.get(index) {
            Schema::Integer(_) => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("expected an integer, found {text:?}")),
            Schema::Number(_) => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("expected a number, found {text:?}")),
            Schema::Bool => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("expected `true` or `false`, found {text:?}")),
            },
            Schema::Nullable(inner) => self.coerce(inner, text),
            Schema::OneOrMany(array) => self.coerce(array.items, text),
            Schema::Untagged(alternatives) => {
                let mut last = Err(format!("unexpected value {text:?}"));
                for &alternative in alternatives {
                    last = self.coerce(alternative, text);
                    if let Ok(value) = &last
                        && self.validate(alternative, value).is_ok()
                    {
                        return last;
                    }
                }
                last
            }
            _ => Ok(Value::String(text.to_owned())),
        }
    }

    /// True when the schema at `index` takes several values (an array), which a query string
    /// gives by repeating the key.
    pub fn is_array(self, index: u32) -> bool {
        match self.get(index) {
            Schema::Array(_) | Schema::OneOrMany(_) => true,
            Schema::Nullable(inner) => self.is_array(inner),
            _ => false,
        }
    }

    /// The items' schema of an array schema (itself for other schemas).
    pub fn items(self, index: u32) -> u32 {
        match self.get(index) {
            Schema::Array(array) | Schema::OneOrMany(array) => array.items,
            Schema::Nullable(inner) => self.items(inner),
            _ => index,
        }
    }
}

fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        let _ = write!(path, "[{key:?}]");
    }
}

fn expect(ok: bool, what: &str, value: &Value) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(mismatch(what, value))
    }
}

fn mismatch(expected: &str, found: &Value) -> String {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("expected {expected}, found {found}")
}

fn one_of(allowed: &[&str]) -> String {
    const SHOWN: usize = 12;
    let mut out = String::new();
    for (i, value) in allowed.iter().take(SHOWN).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{value:?}");
    }
    if allowed.len() > SHOWN {
        let _ = write!(out, " (and {} more)", allowed.len() - SHOWN);
    }
    out
}

fn check_bounds(bounds: Bounds, n: f64, value: &Value) -> Result<(), String> {
    if !bounds.allowed.is_empty() && !bounds.allowed.contains(&n) {
        let shown: Vec<String> = bounds.allowed.iter().map(ToString::to_string).collect();
        return Err(format!("{value} is not one of {}", shown.join(", ")));
    }
    if let Some(min) = bounds.min
        && n < min
    {
        return Err(format!("{value} is less than the minimum {min}"));
    }
    if let Some(max) = bounds.max
        && n > max
    {
        return Err(format!("{value} is more than the maximum {max}"));
    }
    Ok(())
}

fn check_string(s: StringSchema, text: &str) -> Result<(), String> {
    let n = text.chars().count();
    if let Some(min) = s.min_length
        && n < min as usize
    {
        return Err(if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("must be at least {min} characters long, found {n}")
        });
    }
    if let Some(max) = s.max_length
        && n > max as usize
    {
        return Err(format!("must be at most {max} characters long, found {n}"));
    }
    let ok = match s.format {
        Format::Plain => true,
        Format::Uuid => is_uuid(text),
        Format::DateTime => is_date_time(text),
        Format::Date => is_date(text),
        Format::Email => is_email(text),
        Format::Uri => is_uri(text),
    };
    if ok {
        Ok(())
    } else {
        let what = match s.format {
            Format::Plain => "text",
            Format::Uuid => "a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
            Format::DateTime => "an RFC 3339 date-time (2024-01-02T03:04:05Z)",
            Format::Date => "a date (YYYY-MM-DD)",
            Format::Email => "an email address",
            Format::Uri => "an absolute URI",
        };
        Err(format!("expected {what}, found {text:?}"))
    }
}

fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn digits(text: &str, n: usize) -> Option<(u32, &str)> {
    let head = text.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &text[n..]))
}

fn is_date(text: &str) -> bool {
    parse_date(text).is_some_and(str::is_empty)
}

/// `YYYY-MM-DD`, returning the rest.
fn parse_date(text: &str) -> Option<&str> {
    let (_, rest) = digits(text, 4)?;
    let (month, rest) = digits(rest.strip_prefix('-')?, 2)?;
    let (day, rest) = digits(rest.strip_prefix('-')?, 2)?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(rest)
}

fn is_date_time(text: &str) -> bool {
    let Some(rest) = parse_date(text) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(['T', 't', ' ']) else {
        return false;
    };
    let time = || -> Option<&str> {
        let (h, rest) = digits(rest, 2)?;
        let (m, rest) = digits(rest.strip_prefix(':')?, 2)?;
        let (s, mut rest) = digits(rest.strip_prefix(':')?, 2)?;
        if h > 23 || m > 59 || s > 60 {
            return None;
        }
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = &frac[n..];
        }
        Some(rest)
    };
    let Some(zone) = time() else {
        return false;
    };
    if zone == "Z" || zone == "z" {
        return true;
    }
    let Some(offset) = zone.strip_prefix(['+', '-']) else {
        return false;
    };
    let parsed =
        digits(offset, 2).and_then(|(h, rest)| Some((h, digits(rest.strip_prefix(':')?, 2)?)));
    matches!(parsed, Some((h, (m, ""))) if h < 24 && m < 60)
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    static TABLE: [Schema; 9] = [
        // 0: the object under test.
        Schema::Object {
            fields: &[
                Field {
                    name: "name",
                    schema: 1,
                    presence: Presence::Required,
                },
                Field {
                    name: "id",
                    schema: 2,
                    presence: Presence::Optional,
                },
                Field {
                    name: "tags",
                    schema: 3,
                    presence: Presence::Optional,
                },
                Field {
                    name: "note",
                    schema: 1,
                    presence: Presence::Nullable,
                },
                Field {
                    name: "rule",
                    schema: 6,
                    presence: Presence::Optional,
                },
            ],
            additional: None,
        },
        Schema::String(StringSchema {
            format: Format::Plain,
            min_length: Some(1),
            max_length: Some(5),
        }),
        Schema::String(StringSchema {
            format: Format::Uuid,
            min_length: None,
            max_length: None,
        }),
        Schema::Array(ArraySchema {
            items: 4,
            min_items: Some(1),
            max_items: None,
        }),
        Schema::Enum(&["read", "edit"]),
        Schema::Object {
            fields: &[Field {
                name: "action",
                schema: 7,
                presence: Presence::Required,
            }],
            additional: None,
        },
        Schema::Tagged {
            tag: "subject",
            variants: &[("secrets", 5)],
        },
        Schema::OneOrMany(ArraySchema {
            items: 4,
            min_items: None,
            max_items: None,
        }),
        Schema::Integer(Bounds {
            min: Some(1.0),
            max: Some(100.0),
            allowed: &[],
        }),
    ];

    fn problem(value: Value) -> Option<(String, String)> {
        Schemas(&TABLE)
            .validate(0, &value)
            .err()
            .map(|e| (e.path, e.problem))
    }

    #[test]
    fn accepts_a_valid_value() {
        let ok = json!({"name": "abc", "id": "00000000-0000-4000-8000-000000000001",
            "tags": ["read"], "note": null, "rule": {"subject": "secrets", "action": "edit"}, "extra": 1});
        assert_eq!(problem(ok), None);
    }

    #[test]
    fn names_the_field_and_the_problem() {
        let cases = [
            (json!({}), ".name", "is required"),
            (
                json!({"name": 1}),
                ".name",
                "expected a string, found a number",
            ),
            (json!({"name": ""}), ".name", "must not be empty"),
            (
                json!({"name": "toolong"}),
                ".name",
                "must be at most 5 characters long, found 7",
            ),
            (json!({"name": "a", "id": "nope"}), ".id", "expected a UUID"),
            (json!({"name": "a", "id": null}), ".id", "must not be null"),
            (
                json!({"name": "a", "tags": []}),
                ".tags",
                "expected at least 1 item(s), found 0",
            ),
            (
                json!({"name": "a", "tags": ["read", "fly"]}),
                ".tags[1]",
                "unknown value \"fly\"",
            ),
            (
                json!({"name": "a", "rule": {"subject": "cats"}}),
                ".rule.subject",
                "unknown value \"cats\"",
            ),
            (
                json!({"name": "a", "rule": {"subject": "secrets", "action": ["x"]}}),
                ".rule.action[0]",
                "unknown value",
            ),
            (
                json!({"name": "a", "rule": {"action": "read"}}),
                ".rule.subject",
                "is required",
            ),
            (json!([1]), "", "expected an object, found an array"),
        ];
        for (value, path, start) in cases {
            let (at, what) = problem(value.clone()).unwrap_or_default();
            assert_eq!(at, path, "{value}");
            assert!(what.starts_with(start), "{value}: {what}");
        }
    }

    #[test]
    fn numbers_and_coercion() {
        let s = Schemas(&TABLE);
        assert!(s.validate(8, &json!(5)).is_ok());
        assert!(s.validate(8, &json!(0)).is_err());
        assert!(s.validate(8, &json!(1.5)).is_err());
        assert_eq!(s.coerce(8, "42"), Ok(json!(42)));
        assert!(s.coerce(8, "4x").is_err());
        assert_eq!(s.coerce(1, "42"), Ok(json!("42")));
    }

    #[test]
    fn formats() {
        assert!(is_date_time("2024-01-02T03:04:05Z"));
        assert!(is_date_time("2024-01-02T03:04:05.123+01:00"));
        assert!(!is_date_time("2024-01-02T03:04:05"));
        assert!(!is_date_time("2024-13-02T03:04:05Z"));
        assert!(is_date("2024-01-02"));
        assert!(!is_date("2024-1-02"));
        assert!(is_email("a@b.io"));
        assert!(!is_email("a@b"));
        assert!(is_uri("https://example.com"));
        assert!(!is_uri("example.com"));
        assert!(!is_uuid("00000000000040008000000000000001"));
    }
}
