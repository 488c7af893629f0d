//! Conformance of a JSON value to an IR type: used to accept a `default` only when the generated
//! type can decode it, so a default can never fail at run time.

use serde_json::Value;

use crate::model::{Presence, StringFormat, Type, TypeId, TypeKind, UnionRepr};

/// True when `value` decodes as the type `id`.
pub(crate) fn conforms(types: &[Type], id: TypeId, value: &Value) -> bool {
    match (&types[id.index()].kind, value) {
        (TypeKind::Any, _) => true,
        (TypeKind::Never, _) => false,
        (TypeKind::AnyOf(alternatives), value) => {
            alternatives.iter().any(|alt| conforms(types, *alt, value))
        }
        (TypeKind::Bool, Value::Bool(_)) => true,
        (TypeKind::Integer(_), Value::Number(n)) => n.is_i64(),
        (TypeKind::Number(_), Value::Number(_)) => true,
        (TypeKind::String(s), Value::String(_)) => matches!(
            s.format,
            StringFormat::Plain | StringFormat::Email | StringFormat::Uri
        ),
        (TypeKind::Enum(_), Value::String(_)) => true,
        (TypeKind::Option(_), Value::Null) => true,
        (TypeKind::Option(inner), value) => conforms(types, *inner, value),
        (TypeKind::Array(a), Value::Array(items)) => {
            items.iter().all(|item| conforms(types, a.items, item))
        }
        (TypeKind::OneOrMany(a), Value::Array(items)) => {
            items.iter().all(|item| conforms(types, a.items, item))
        }
        (TypeKind::OneOrMany(a), value) => conforms(types, a.items, value),
        (TypeKind::Map(values), Value::Object(map)) => {
            map.values().all(|v| conforms(types, *values, v))
        }
        (TypeKind::Struct(s), Value::Object(map)) => {
            s.fields.iter().all(|field| match map.get(&field.wire) {
                Some(value) => match field.presence {
                    Presence::Required => conforms(types, field.ty, value),
                    _ => value.is_null() || conforms(types, field.ty, value),
                },
                None => field.presence != Presence::Required,
            })
        }
        (TypeKind::Union(u), value) => match &u.repr {
            UnionRepr::Tagged { .. } => value.is_object(),
            UnionRepr::Untagged => u.variants.iter().any(|v| conforms(types, v.ty, value)),
        },
        _ => false,
    }
}
