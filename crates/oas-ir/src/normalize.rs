//! Normalization: turns every `anyOf`/`oneOf` into a Rust-shaped type, and merges each operation's
//! error bodies into one shape.
//!
//! # Union policy
//!
//! Unions are decided bottom-up (an alternative's own unions are already decided), by the first rule
//! that matches:
//!
//! 1. **Nullable.** Alternatives that match nothing (`not: {}`) or only add `null` are removed and
//!    the result becomes `Option<T>`. Duplicate alternatives collapse. One alternative left is the
//!    type itself: `anyOf[{not: {}}, Config]` is `Option<Config>`.
//! 2. **String enums.** Alternatives that are all string enums merge into one enum with every value:
//!    `anyOf[enum[replace], enum[Replace]]` is one enum of two values.
//! 3. **One or many.** `anyOf[T, array of T]` becomes `OneOrMany<T>`, which accepts both forms and
//!    serializes back the form it read. Infisical's `action` is exactly this.
//! 4. **Tagged.** Every alternative is an object with a *required* property whose type is a string
//!    enum of exactly one value, and the values are pairwise distinct: the union is internally tagged
//!    on that property (`subject` in the permission unions, `type` in the KMS and dynamic secret
//!    providers). The payloads are the objects without the tag property; variants are named from the
//!    tag values. An unknown tag decodes into a catch-all variant that keeps the whole value.
//!    **Nested tags.** When no one property has distinct values but several do together (app
//!    connections: `app` = `aws` for both `access-key` and `assume-role` `method`s), the union is
//!    tagged on the property with the most distinct values, and the alternatives that share a value
//!    become a union tagged on the next property (up to three levels). Payloads drop every tag
//!    above them; on the wire the tags and the payload are one object.
//! 5. **Untagged.** Otherwise the alternatives are tried in order, most specific first (objects with
//!    more required properties first, enums before strings, integers before numbers, any value last).
//!    Alternatives that a JSON type tells apart (`boolean | string`) need nothing more, nor do
//!    objects where the one tried first requires a property the other does not declare (or gives a
//!    one-value property another value); when two alternatives can accept the same value and
//!    neither refines the other, a warning names them.
//!
//! `allOf` over a union is distributed before this policy runs (see `lower`), so a tagged union
//! intersected with common fields is decided like any other union.

use std::cmp::Reverse;

use crate::diagnostics::Diagnostics;
use crate::lower::Arena;
use crate::model::{
    Api, ArrayType, Enum, EnumValue, Field, NumberRange, Presence, Status, Struct, TypeId,
    TypeKind, Union, UnionRepr, Variant,
};
use crate::pointer::JsonPointer;

/// Replaces every [`TypeKind::AnyOf`] by the kind the union policy gives it.
pub(crate) fn normalize_unions(arena: &mut Arena, diags: &mut Diagnostics) {
    // Children are interned before their parents, so walking ids upwards decides inner unions first.
    let mut id = 0;
    while id < arena.types.len() {
        if let TypeKind::AnyOf(alternatives) = arena.kind(TypeId(id as u32)).clone() {
            let origin = arena.types[id].origins.first().cloned().unwrap_or_default();
            let kind = decide_union(arena, &alternatives, &origin, diags);
            arena.types[id].kind = kind;
        }
        id += 1;
    }
}

/// Applies the union policy to one list of alternatives.
fn decide_union(
    arena: &mut Arena,
    alternatives: &[TypeId],
    origin: &JsonPointer,
    diags: &mut Diagnostics,
) -> TypeKind {
    // Rule 1: nullability and duplicates.
    let mut nullable = false;
    let mut alts: Vec<TypeId> = Vec::new();
    for &alt in alternatives {
        let alt = match arena.kind(alt) {
            TypeKind::Never => {
                nullable = true;
                continue;
            }
            TypeKind::Option(inner) => {
                nullable = true;
                *inner
            }
            _ => alt,
        };
        if !alts.contains(&alt) {
            alts.push(alt);
        }
    }
    let inner = match alts.as_slice() {
        [] => TypeKind::Any,
        [single] => arena.kind(*single).clone(),
        _ => maybe_string_enum(arena, &alts)
            .or_else(|| maybe_one_or_many(arena, &alts))
            .or_else(|| maybe_tagged(arena, &alts, origin))
            .unwrap_or_else(|| untagged(arena, &alts, origin, diags)),
    };
    if nullable && !matches!(inner, TypeKind::Any | TypeKind::Option(_)) {
        let inner_id = arena.intern(inner, origin, None);
        TypeKind::Option(inner_id)
    } else {
        inner
    }
}

/// Rule 2: string enums merge.
fn maybe_string_enum(arena: &Arena, alts: &[TypeId]) -> Option<TypeKind> {
    let mut values: Vec<EnumValue> = Vec::new();
    for alt in alts {
        let TypeKind::Enum(e) = arena.kind(*alt) else {
            return None;
        };
        for value in &e.values {
            if !values.iter().any(|v| v.wire == value.wire) {
                values.push(value.clone());
            }
        }
    }
    Some(TypeKind::Enum(Enum { values }))
}

/// Rule 3: `anyOf[T, array of T]`. The two `T` may differ in their bounds (`minLength`), which
/// do not change how a value decodes; the single form's type is kept, being the one the document
/// constrains more often.
fn maybe_one_or_many(arena: &Arena, alts: &[TypeId]) -> Option<TypeKind> {
    let [a, b] = alts else { return None };
    let pick = |one: TypeId, many: TypeId| match arena.kind(many) {
        TypeKind::Array(array) if same_but_bounds(arena.kind(array.items), arena.kind(one)) => {
            Some(TypeKind::OneOrMany(ArrayType {
                items: one,
                ..array.clone()
            }))
        }
        _ => None,
    };
    pick(*a, *b).or_else(|| pick(*b, *a))
}

/// Equal kinds, or strings of one format, or numbers: values decode the same way.
fn same_but_bounds(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::String(x), TypeKind::String(y)) => x.format == y.format,
        (TypeKind::Number(_), TypeKind::Number(_))
        | (TypeKind::Integer(_), TypeKind::Integer(_)) => true,
        _ => a == b,
    }
}

/// Rule 4: the implicit discriminator, on one property or, nested, on several.
fn maybe_tagged(arena: &mut Arena, alts: &[TypeId], origin: &JsonPointer) -> Option<TypeKind> {
    let structs: Vec<&Struct> = alts
        .iter()
        .map(|alt| match arena.kind(*alt) {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let plan = plan_tagging(arena, &structs, &[], MAX_TAG_DEPTH)?;
    Some(build_tagged(arena, alts, &plan, &[], origin))
}

/// How deep tags may nest (`app`, then `method`, then one more).
const MAX_TAG_DEPTH: usize = 3;

/// A decided tagging: the property, then for each value (in order of first occurrence) the indices
/// of the alternatives that carry it and, where there are several, how those are told apart.
struct TagPlan {
    tag: String,
    groups: Vec<TagGroup>,
}

/// One value of a [`TagPlan`]'s property: the value, the alternatives that carry it, and how those
/// are told apart when there are several.
type TagGroup = (String, Vec<usize>, Option<TagPlan>);

/// The value of `wire` when `s` requires it and it is a one-value string enum.
fn single_value(arena: &Arena, s: &Struct, wire: &str) -> Option<String> {
    let field = s
        .fields
        .iter()
        .find(|f| f.wire == wire && f.presence == Presence::Required)?;
    match arena.kind(field.ty) {
        TypeKind::Enum(e) if e.values.len() == 1 => Some(e.values[0].wire.clone()),
        _ => None,
    }
}

/// Finds a tagging of `structs`: a property whose values are all distinct (the first such, in
/// document order); else the property with the most distinct values whose groups can each be
/// told apart by another property, recursively.
fn plan_tagging(
    arena: &Arena,
    structs: &[&Struct],
    used: &[String],
    depth: usize,
) -> Option<TagPlan> {
    if depth == 0 {
        return None;
    }
    let candidates: Vec<(String, Vec<String>)> = structs[0]
        .fields
        .iter()
        .filter(|f| !used.contains(&f.wire))
        .filter_map(|f| {
            let values: Vec<String> = structs
                .iter()
                .map(|s| single_value(arena, s, &f.wire))
                .collect::<Option<_>>()?;
            Some((f.wire.clone(), values))
        })
        .collect();
    let group = |values: &[String]| {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, value) in values.iter().enumerate() {
            match groups.iter_mut().find(|(v, _)| v == value) {
                Some((_, members)) => members.push(i),
                None => groups.push((value.clone(), vec![i])),
            }
        }
        groups
    };
    if let Some((tag, values)) = candidates.iter().find(|(_, values)| {
        let mut sorted = values.clone();
        sorted.sort();
        sorted.dedup();
        sorted.len() == values.len()
    }) {
        let groups = group(values)
            .into_iter()
            .map(|(value, members)| (value, members, None))
            .collect();
        return Some(TagPlan {
            tag: tag.clone(),
            groups,
        });
    }
    let mut best: Option<TagPlan> = None;
    for (tag, values) in &candidates {
        let groups = group(values);
        if groups.len() < 2
            || best
                .as_ref()
                .is_some_and(|b| b.groups.len() >= groups.len())
        {
            continue;
        }
        let mut used_here = used.to_vec();
        used_here.push(tag.clone());
        let planned: Option<Vec<TagGroup>> = groups
            .into_iter()
            .map(|(value, members)| {
                if members.len() == 1 {
                    return Some((value, members, None));
                }
                let inner: Vec<&Struct> = members.iter().map(|&i| structs[i]).collect();
                let plan = plan_tagging(arena, &inner, &used_here, depth - 1)?;
                Some((value, members, Some(plan)))
            })
            .collect();
        if let Some(groups) = planned {
            best = Some(TagPlan {
                tag: tag.clone(),
                groups,
            });
        }
    }
    best
}

/// The union a [`TagPlan`] describes; payloads drop every tag property above them.
fn build_tagged(
    arena: &mut Arena,
    alts: &[TypeId],
    plan: &TagPlan,
    outer_tags: &[&str],
    origin: &JsonPointer,
) -> TypeKind {
    let mut tags: Vec<&str> = outer_tags.to_vec();
    tags.push(&plan.tag);
    let mut variants = Vec::with_capacity(plan.groups.len());
    for (value, members, inner) in &plan.groups {
        let ty = match inner {
            None => {
                let alt = alts[members[0]];
                let ty = &arena.types[alt.index()];
                let TypeKind::Struct(s) = &ty.kind else {
                    unreachable!("tagging is planned over structs only")
                };
                let payload = Struct {
                    fields: s
                        .fields
                        .iter()
                        .filter(|f| !tags.contains(&f.wire.as_str()))
                        .cloned()
                        .collect(),
                    additional: s.additional,
                };
                let docs = ty.docs.clone();
                let at = ty.origins.first().cloned().unwrap_or_default();
                arena.intern(TypeKind::Struct(payload), &at, docs.as_deref())
            }
            Some(inner) => {
                let group: Vec<TypeId> = members.iter().map(|&i| alts[i]).collect();
                let kind = build_tagged(arena, &group, inner, &tags, origin);
                arena.intern(kind, origin, None)
            }
        };
        variants.push(Variant {
            ty,
            tag: Some(value.clone()),
            name: String::new(),
        });
    }
    TypeKind::Union(Union {
        repr: UnionRepr::Tagged {
            tag: plan.tag.clone(),
        },
        variants,
    })
}

/// The JSON types a value of this type can have, as a bit set.
fn json_types(arena: &Arena, id: TypeId) -> u8 {
    const NULL: u8 = 1;
    const BOOL: u8 = 2;
    const NUMBER: u8 = 4;
    const STRING: u8 = 8;
    const ARRAY: u8 = 16;
    const OBJECT: u8 = 32;
    match arena.kind(id) {
        TypeKind::Any | TypeKind::AnyOf(_) => NULL | BOOL | NUMBER | STRING | ARRAY | OBJECT,
        TypeKind::Never => 0,
        TypeKind::Bool => BOOL,
        TypeKind::Integer(_) | TypeKind::Number(_) => NUMBER,
        TypeKind::String(_) | TypeKind::Enum(_) => STRING,
        TypeKind::Option(inner) => NULL | json_types(arena, *inner),
        TypeKind::Array(_) => ARRAY,
        TypeKind::OneOrMany(array) => ARRAY | json_types(arena, array.items),
        TypeKind::Map(_) | TypeKind::Struct(_) => OBJECT,
        TypeKind::Union(u) => u
            .variants
            .iter()
            .fold(0, |acc, v| acc | json_types(arena, v.ty)),
    }
}

/// How early an alternative is tried: lower ranks first.
fn specificity(arena: &Arena, id: TypeId) -> (u8, Reverse<usize>) {
    match arena.kind(id) {
        TypeKind::Never | TypeKind::Bool => (0, Reverse(0)),
        TypeKind::Enum(_) => (1, Reverse(0)),
        TypeKind::Struct(s) => {
            let required = s
                .fields
                .iter()
                .filter(|f| f.presence == Presence::Required)
                .count();
            (2, Reverse(required))
        }
        TypeKind::Union(_) => (3, Reverse(0)),
        TypeKind::Integer(_) => (4, Reverse(0)),
        TypeKind::Array(_) | TypeKind::OneOrMany(_) => (5, Reverse(0)),
        TypeKind::String(_) | TypeKind::Number(_) => (6, Reverse(0)),
        TypeKind::Map(_) => (7, Reverse(0)),
        TypeKind::Option(_) => (8, Reverse(0)),
        TypeKind::Any | TypeKind::AnyOf(_) => (9, Reverse(0)),
    }
}

/// True when every value `narrow` accepts, `wide` accepts too, so trying `narrow` first is a
/// refinement rather than an arbitrary choice.
fn refines(arena: &Arena, narrow: TypeId, wide: TypeId) -> bool {
    matches!(
        (arena.kind(narrow), arena.kind(wide)),
        (TypeKind::Enum(_), TypeKind::String(_))
            | (TypeKind::Integer(_), TypeKind::Number(_))
            | (TypeKind::Struct(_), TypeKind::Map(_))
            | (_, TypeKind::Any)
    )
}

/// True when no value of `second` decodes as `first`: `first` requires a property that `second`
/// does not declare, or requires a one-value-enum property that `second` gives another value.
fn excludes(arena: &Arena, first: TypeId, second: TypeId) -> bool {
    let (TypeKind::Struct(a), TypeKind::Struct(b)) = (arena.kind(first), arena.kind(second)) else {
        return false;
    };
    a.fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .any(|f| match b.fields.iter().find(|g| g.wire == f.wire) {
            None => b.additional.is_none(),
            Some(g) => match (arena.kind(f.ty), arena.kind(g.ty)) {
                (TypeKind::Enum(x), TypeKind::Enum(y)) => !x
                    .values
                    .iter()
                    .any(|v| y.values.iter().any(|w| w.wire == v.wire)),
                _ => false,
            },
        })
}

/// Rule 5: untagged, most specific first, with a warning for overlaps that the order decides.
fn untagged(
    arena: &Arena,
    alts: &[TypeId],
    origin: &JsonPointer,
    diags: &mut Diagnostics,
) -> TypeKind {
    let mut ordered: Vec<(usize, TypeId)> = alts.iter().copied().enumerate().collect();
    ordered.sort_by_key(|(idx, id)| (specificity(arena, *id), *idx));
    for (i, (first_idx, first)) in ordered.iter().enumerate() {
        for (second_idx, second) in &ordered[i + 1..] {
            let overlap = json_types(arena, *first) & json_types(arena, *second) != 0;
            if overlap && !refines(arena, *first, *second) && !excludes(arena, *first, *second) {
                diags.warning(
                    origin,
                    format!("union alternatives {first_idx} and {second_idx} can both accept the same value"),
                    format!("alternative {first_idx} is tried first; add a discriminator to make the choice explicit"),
                );
            }
        }
    }
    let variants = ordered
        .into_iter()
        .map(|(_, ty)| Variant {
            ty,
            tag: None,
            name: String::new(),
        })
        .collect();
    TypeKind::Union(Union {
        repr: UnionRepr::Untagged,
        variants,
    })
}

/// Merges each operation's error bodies into one shape.
///
/// Infisical declares a separate body per error status that differ only in a `statusCode` pinned
/// to that status (`enum: [401]`) and in `message` (any value for 401, a string otherwise).
/// A property pinned to the response's own status code is widened to an integer, then the bodies
/// of one operation are merged: a property keeps its type where all bodies agree and becomes any
/// JSON value where they differ, and is required only where every body requires it. The merged
/// bodies of all operations are then one shape, which de-duplication turns into one error type.
pub(crate) fn unify_error_bodies(api: &mut Api, arena: &mut Arena) {
    for op in &mut api.operations {
        let mut widened: Vec<(usize, Struct)> = Vec::new();
        for (idx, response) in op.responses.iter().enumerate() {
            let (Status::Code(code), Some(ty)) = (response.status, response.ty) else {
                continue;
            };
            if response.status.is_success() {
                continue;
            }
            let TypeKind::Struct(body) = arena.kind(ty).clone() else {
                continue;
            };
            widened.push((idx, widen_status_literal(arena, body, code)));
        }
        let Some(merged) = widened
            .iter()
            .map(|(_, s)| s.clone())
            .reduce(|a, b| merge_structs(arena, &a, &b))
        else {
            continue;
        };
        let origin = op.origin.push("responses");
        let merged_id = arena.intern(TypeKind::Struct(merged), &origin, None);
        for (idx, _) in widened {
            op.responses[idx].ty = Some(merged_id);
        }
    }
}

fn widen_status_literal(arena: &mut Arena, mut body: Struct, code: u16) -> Struct {
    let code = code.to_string();
    for field in &mut body.fields {
        let pinned = match arena.kind(field.ty) {
            TypeKind::Number(range) | TypeKind::Integer(range) => range.allowed == [code.clone()],
            _ => false,
        };
        if pinned {
            field.ty = arena.intern(
                TypeKind::Integer(NumberRange::default()),
                &JsonPointer::root(),
                None,
            );
        }
    }
    body
}

/// The type of a field two error bodies both have: the same type, or the union when one is a
/// union that has the other among its alternatives (`message` is text in most error bodies and
/// text or a list of issues in one), else any JSON value.
fn widen(arena: &mut Arena, a: TypeId, b: TypeId) -> TypeId {
    if a == b || arena.kind(a) == arena.kind(b) {
        return a;
    }
    let holds = |arena: &Arena, union: TypeId, part: TypeId| match arena.kind(union) {
        TypeKind::Union(u) => u
            .variants
            .iter()
            .any(|v| v.ty == part || arena.kind(v.ty) == arena.kind(part)),
        _ => false,
    };
    if holds(arena, a, b) {
        a
    } else if holds(arena, b, a) {
        b
    } else {
        arena.intern(TypeKind::Any, &JsonPointer::root(), None)
    }
}

fn merge_structs(arena: &mut Arena, a: &Struct, b: &Struct) -> Struct {
    let mut fields: Vec<Field> = Vec::new();
    let wires = a.fields.iter().chain(&b.fields).map(|f| f.wire.clone());
    for wire in wires {
        if fields.iter().any(|f| f.wire == wire) {
            continue;
        }
        let fa = a.fields.iter().find(|f| f.wire == wire);
        let fb = b.fields.iter().find(|f| f.wire == wire);
        let field = match (fa, fb) {
            (Some(fa), Some(fb)) if fa == fb => fa.clone(),
            (Some(fa), Some(fb)) => {
                let ty = widen(arena, fa.ty, fb.ty);
                let presence =
                    if fa.presence == Presence::Required && fb.presence == Presence::Required {
                        Presence::Required
                    } else {
                        Presence::Optional
                    };
                let ty = if presence == Presence::Required {
                    ty
                } else {
                    strip_option(arena, ty)
                };
                Field {
                    ty,
                    presence,
                    docs: fa.docs.clone().or_else(|| fb.docs.clone()),
                    ..fa.clone()
                }
            }
            (Some(only), None) | (None, Some(only)) => {
                let ty = strip_option(arena, only.ty);
                let presence = match &only.presence {
                    Presence::Required => Presence::Optional,
                    other => other.clone(),
                };
                Field {
                    ty,
                    presence,
                    ..only.clone()
                }
            }
            (None, None) => unreachable!("the wire name comes from one of the two"),
        };
        fields.push(field);
    }
    let additional = a.additional.or(b.additional);
    Struct { fields, additional }
}

fn strip_option(arena: &Arena, ty: TypeId) -> TypeId {
    match arena.kind(ty) {
        TypeKind::Option(inner) => *inner,
        _ => ty,
    }
}

/// Parameters whose type cannot travel where they are (an object in the path) become text, with a
/// warning: the caller writes the text the server expects.
pub(crate) fn text_params(api: &mut Api, arena: &mut Arena, diags: &mut Diagnostics) {
    for op in &mut api.operations {
        for param in &mut op.params {
            if crate::model::can_travel(&arena.types, param.ty, param.location) {
                continue;
            }
            diags.warning(
                &param.origin,
                format!(
                    "parameter `{}` has a type that cannot travel as a parameter",
                    param.wire
                ),
                "it is typed as text",
            );
            param.ty = arena.intern(
                TypeKind::String(crate::model::StringType {
                    format: crate::model::StringFormat::Plain,
                    min_length: None,
                    max_length: None,
                    pattern: None,
                }),
                &param.origin,
                None,
            );
            param.default = None;
        }
    }
}

/// Query flags become `bool`. Infisical declares its query booleans either as the string enum
/// `["true", "false"]` or as `anyOf[boolean, string]`, and reads both as `"true"`/`"false"`; a
/// `bool` encodes to exactly those, so callers write `recursive: true` instead of picking an
/// enum variant or a string.
///
/// Returns where the rewritten `anyOf` unions are in the document, for the union report. A
/// default survives the rewrite: `enum` value `"true"` and `anyOf` default `true` both become the
/// boolean default.
pub(crate) fn query_booleans(api: &mut Api, arena: &mut Arena) -> Vec<JsonPointer> {
    let mut rewritten_unions: Vec<JsonPointer> = Vec::new();
    let mut boolean = None;
    for op in &mut api.operations {
        for param in &mut op.params {
            if param.location != crate::model::ParamLocation::Query {
                continue;
            }
            let kind = arena.kind(param.ty).clone();
            let from_enum = match &kind {
                TypeKind::Enum(e) => {
                    let mut wires: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
                    wires.sort_unstable();
                    if wires != ["false", "true"] {
                        continue;
                    }
                    Some(e.clone())
                }
                TypeKind::Union(u)
                    if u.variants.len() == 2
                        && u.variants
                            .iter()
                            .any(|v| matches!(arena.kind(v.ty), TypeKind::Bool))
                        && u.variants
                            .iter()
                            .any(|v| matches!(arena.kind(v.ty), TypeKind::String(_))) =>
                {
                    None
                }
                _ => continue,
            };
            if from_enum.is_none() {
                for origin in &arena.types[param.ty.index()].origins {
                    if !rewritten_unions.contains(origin) {
                        rewritten_unions.push(origin.clone());
                    }
                }
            }
            let bool_id = *boolean
                .get_or_insert_with(|| arena.intern(TypeKind::Bool, &JsonPointer::default(), None));
            param.ty = bool_id;
            param.default = match (&from_enum, param.default.take()) {
                (Some(e), Some(crate::model::Literal::EnumValue(idx))) => {
                    Some(crate::model::Literal::Bool(
                        e.values.get(idx).is_some_and(|v| v.wire == "true"),
                    ))
                }
                // The union's default was kept as its JSON (`true`), or as text (`"true"`).
                (_, Some(crate::model::Literal::Json(json))) => match json.as_str() {
                    "true" | "\"true\"" => Some(crate::model::Literal::Bool(true)),
                    "false" | "\"false\"" => Some(crate::model::Literal::Bool(false)),
                    _ => None,
                },
                (_, Some(crate::model::Literal::Bool(b))) => Some(crate::model::Literal::Bool(b)),
                (_, Some(crate::model::Literal::String(text))) => match text.as_str() {
                    "true" => Some(crate::model::Literal::Bool(true)),
                    "false" => Some(crate::model::Literal::Bool(false)),
                    _ => None,
                },
                (_, _) => None,
            };
        }
    }
    rewritten_unions.sort();
    rewritten_unions
}
