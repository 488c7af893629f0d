//! Sample values: for any IR type, a JSON value that the spec accepts and the generated types
//! decode. The generated client and server tests use them to call every operation with a body,
//! query and path parameters that fill every property, so that a dropped or misnamed field shows.
//!
//! Samples respect `minLength`, `maxLength`, `minItems`, `minimum` and formats; `pattern` is not
//! interpreted.
//!
//! Samples are bounded: a string or array sample holds at most
//! [`oas_ir::model::LARGEST_SAMPLED_MINIMUM`] characters or items (lowering warns, located, about
//! a larger `minLength`/`minItems`: the generated tests' samples do not meet it), and the arrays
//! nested in one sample repeat at most [`SAMPLE_VALUES`] elements in all (an array inside an array
//! gets fewer items than its `minItems` once the product of the minimums passes that). The
//! documents CI generates have minimums of a few items, far below both bounds.

use oas_ir::model::{
    Api, LARGEST_SAMPLED_MINIMUM, NumberRange, Operation, Param, ParamLocation, StringFormat,
    StringType, TypeId, TypeKind, UnionRepr,
};
use serde_json::{Map, Value};

/// How deep a sample goes before it stops at `null` (only reached by recursive schemas).
const MAX_DEPTH: usize = 12;

/// The most elements the nested arrays of one sample repeat, multiplied along a path.
pub const SAMPLE_VALUES: u64 = 4096;

/// A value of type `ty` with every property present.
pub fn sample_json(api: &Api, ty: TypeId) -> Value {
    sample_at(api, ty, 0, 1)
}

/// `repeat`: how many times the enclosing arrays repeat this value (the product of their lengths).
fn sample_at(api: &Api, ty: TypeId, depth: usize, repeat: u64) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let sample_at = |ty: TypeId, depth: usize| sample_at(api, ty, depth, repeat);
    match &api.ty(ty).kind {
        TypeKind::Any => Value::String("any".to_owned()),
        TypeKind::Bool => Value::Bool(true),
        TypeKind::Integer(range) => integer_sample(range),
        TypeKind::Number(range) => number_sample(range),
        TypeKind::String(s) => Value::String(string_sample(s)),
        TypeKind::Option(inner) => sample_at(*inner, depth + 1),
        TypeKind::Array(array) => {
            let n = array_length(array.min_items, array.max_items, repeat);
            let item = self::sample_at(api, array.items, depth + 1, repeat.saturating_mul(n));
            Value::Array(vec![item; n as usize])
        }
        TypeKind::OneOrMany(array) => Value::Array(vec![sample_at(array.items, depth + 1)]),
        TypeKind::Map(values) => {
            let mut map = Map::new();
            map.insert("key".to_owned(), sample_at(*values, depth + 1));
            Value::Object(map)
        }
        TypeKind::Struct(s) => {
            let mut map = Map::new();
            for field in &s.fields {
                map.insert(field.wire.clone(), sample_at(field.ty, depth + 1));
            }
            Value::Object(map)
        }
        TypeKind::Enum(e) => e
            .values
            .first()
            .map_or(Value::Null, |v| Value::String(v.wire.clone())),
        TypeKind::Union(union) => {
            let Some(first) = union.variants.first() else {
                return Value::Null;
            };
            let mut value = sample_at(first.ty, depth + 1);
            if let (UnionRepr::Tagged { tag }, Some(tag_value)) = (&union.repr, &first.tag) {
                let mut map = match value {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                map.insert(tag.clone(), Value::String(tag_value.clone()));
                value = Value::Object(map);
            }
            value
        }
        TypeKind::Never | TypeKind::AnyOf(_) => Value::Null,
    }
}

/// How many items an array sample holds: its minimum (at least one), within the bounds above.
fn array_length(min_items: Option<u64>, max_items: Option<u64>, repeat: u64) -> u64 {
    let wanted = min_items.unwrap_or(1).clamp(1, LARGEST_SAMPLED_MINIMUM);
    let room = (SAMPLE_VALUES / repeat.max(1)).max(1);
    let n = wanted.min(room);
    max_items.map_or(n, |max| n.min(max.max(1)))
}

fn integer_sample(range: &NumberRange) -> Value {
    if let Some(first) = range.allowed.first() {
        return first.parse::<i64>().map_or(Value::Null, Value::from);
    }
    let min = range.minimum.as_deref().and_then(|m| m.parse::<f64>().ok());
    let max = range.maximum.as_deref().and_then(|m| m.parse::<f64>().ok());
    let mut n = min.map_or(1.0, f64::ceil).max(1.0);
    if let Some(max) = max {
        n = n.min(max.floor());
    }
    Value::from(n as i64)
}

fn number_sample(range: &NumberRange) -> Value {
    if let Some(first) = range.allowed.first() {
        return first.parse::<f64>().map_or(Value::Null, wire_number);
    }
    let min = range.minimum.as_deref().and_then(|m| m.parse::<f64>().ok());
    let max = range.maximum.as_deref().and_then(|m| m.parse::<f64>().ok());
    let mut n = min.map_or(1.5, |m| m.max(1.5));
    if let Some(max) = max {
        n = n.min(max);
    }
    wire_number(n)
}

/// A number as the generated crates write it (see `oas_runtime::number`): a whole value as an
/// integer, so that the samples compare equal to what goes on the wire.
fn wire_number(n: f64) -> Value {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn string_sample(s: &StringType) -> String {
    let base = match s.format {
        StringFormat::Uuid => return "00000000-0000-4000-8000-000000000001".to_owned(),
        StringFormat::DateTime => return "2024-01-02T03:04:05Z".to_owned(),
        StringFormat::Date => return "2024-01-02".to_owned(),
        StringFormat::Email => "user@example.com",
        StringFormat::Uri => "https://example.com/x",
        StringFormat::Plain => "sample",
    };
    // Built in one pass: counting characters in a loop was quadratic in `minLength`.
    let min = s.min_length.unwrap_or(0).min(LARGEST_SAMPLED_MINIMUM) as usize;
    let have = base.chars().count();
    let mut out = base.to_owned();
    out.extend(std::iter::repeat_n('x', min.saturating_sub(have)));
    if let Some(max) = s.max_length
        && (max as usize) < out.len()
    {
        out = out.chars().take(max as usize).collect();
    }
    out
}

/// The text of a sample path or query parameter, as it goes on the wire.
pub fn sample_param_text(api: &Api, param: &Param) -> String {
    match sample_json(api, param.ty) {
        Value::String(s) => match param.location {
            // Path samples carry characters that must be percent-encoded.
            ParamLocation::Path
                if matches!(
                    api.ty(param.ty).kind,
                    TypeKind::String(StringType {
                        format: StringFormat::Plain,
                        ..
                    })
                ) =>
            {
                format!("{s} /{}", param.wire)
            }
            _ => s,
        },
        other => other.to_string(),
    }
}

/// The query pairs of a sample call of `op`: every query parameter, in document order.
///
/// A parameter with a default is left out of the query string while it holds the default, so its
/// sample avoids the default: a flag is flipped, another value left out.
pub fn sample_query(api: &Api, op: &Operation) -> Vec<(String, String)> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .filter_map(|p| {
            let text = sample_param_text(api, p);
            let default = p.default.as_ref().filter(|_| !p.required);
            match default.and_then(|d| default_text(api, p, d)) {
                Some(default) if default == text => match text.as_str() {
                    "true" => Some("false".to_owned()),
                    "false" => Some("true".to_owned()),
                    _ => None,
                },
                _ => Some(text),
            }
            .map(|text| (p.wire.clone(), text))
        })
        .collect()
}

/// The text of a parameter's default on the wire, when it is a scalar.
fn default_text(api: &Api, param: &Param, default: &oas_ir::model::Literal) -> Option<String> {
    use oas_ir::model::Literal;
    Some(match default {
        Literal::Bool(b) => b.to_string(),
        Literal::Integer(i) => i.to_string(),
        Literal::Number(n) => match wire_number(n.parse().ok()?) {
            Value::Number(n) => n.to_string(),
            _ => return None,
        },
        Literal::String(s) => s.clone(),
        Literal::EnumValue(idx) => match &api.ty(param.ty).kind {
            TypeKind::Enum(e) => e.values.get(*idx)?.wire.clone(),
            _ => return None,
        },
        Literal::Json(json) => match serde_json::from_str::<Value>(json).ok()? {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        },
        Literal::EmptyArray | Literal::EmptyObject => return None,
    })
}

/// Percent-encodes a path segment or query component as the generated crates must: every byte
/// outside RFC 3986's unreserved set becomes `%XX`. The generated tests compare what went over
/// the wire with this (an implementation of its own, not the runtime's).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
