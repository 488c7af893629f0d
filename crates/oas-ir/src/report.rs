//! Text renderings of the IR for review: a compact dump (snapshot tests pin the IR decisions with
//! it) and the union report (every union of a document with its decision and variants).

use std::fmt::Write as _;

use crate::model::{Api, Auth, Literal, Presence, StringFormat, TypeId, TypeKind, UnionRepr};

/// A type as a short expression: `Vec<Option<String>>`, `OneOrMany<PermissionAction>`.
pub fn type_expr(api: &Api, id: TypeId) -> String {
    let ty = api.ty(id);
    match &ty.kind {
        TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_) => ty.name.clone(),
        TypeKind::Any | TypeKind::AnyOf(_) | TypeKind::Never => "Any".to_owned(),
        TypeKind::Bool => "bool".to_owned(),
        TypeKind::Integer(range) => with_range("i64", range),
        TypeKind::Number(range) => with_range("f64", range),
        TypeKind::String(s) => {
            let base = match s.format {
                StringFormat::Plain => "String",
                StringFormat::Uuid => "Uuid",
                StringFormat::DateTime => "DateTime",
                StringFormat::Date => "Date",
                StringFormat::Email => "String(email)",
                StringFormat::Uri => "String(uri)",
            };
            let mut bounds = Vec::new();
            if let Some(min) = s.min_length {
                bounds.push(format!("minLength {min}"));
            }
            if let Some(max) = s.max_length {
                bounds.push(format!("maxLength {max}"));
            }
            if let Some(pattern) = &s.pattern {
                bounds.push(format!("pattern {pattern:?}"));
            }
            if bounds.is_empty() {
                base.to_owned()
            } else {
                format!("{base}[{}]", bounds.join(", "))
            }
        }
        TypeKind::Option(inner) => format!("Option<{}>", type_expr(api, *inner)),
        TypeKind::Array(a) => format!(
            "Vec<{}>{}",
            type_expr(api, a.items),
            items_bounds(a.min_items, a.max_items)
        ),
        TypeKind::OneOrMany(a) => {
            format!(
                "OneOrMany<{}>{}",
                type_expr(api, a.items),
                items_bounds(a.min_items, a.max_items)
            )
        }
        TypeKind::Map(values) => format!("Map<{}>", type_expr(api, *values)),
    }
}

fn with_range(base: &str, range: &crate::model::NumberRange) -> String {
    let mut bounds = Vec::new();
    if let Some(min) = &range.minimum {
        bounds.push(format!("min {min}"));
    }
    if let Some(max) = &range.maximum {
        bounds.push(format!("max {max}"));
    }
    if !range.allowed.is_empty() {
        bounds.push(format!("one of {}", range.allowed.join("|")));
    }
    if bounds.is_empty() {
        base.to_owned()
    } else {
        format!("{base}[{}]", bounds.join(", "))
    }
}

fn items_bounds(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (None, None) => String::new(),
        (Some(min), None) => format!("[minItems {min}]"),
        (None, Some(max)) => format!("[maxItems {max}]"),
        (Some(min), Some(max)) => format!("[minItems {min}, maxItems {max}]"),
    }
}

fn literal(api: &Api, ty: TypeId, lit: &Literal) -> String {
    match lit {
        Literal::Bool(b) => b.to_string(),
        Literal::Integer(i) => i.to_string(),
        Literal::Number(n) => n.clone(),
        Literal::String(s) => format!("{s:?}"),
        Literal::EnumValue(idx) => match &api.ty(ty).kind {
            TypeKind::Enum(e) => e
                .values
                .get(*idx)
                .map_or_else(|| "?".to_owned(), |v| v.name.clone()),
            _ => "?".to_owned(),
        },
        Literal::EmptyArray => "[]".to_owned(),
        Literal::EmptyObject => "{}".to_owned(),
        Literal::Json(json) => json.clone(),
    }
}

/// A compact listing of every named type and every operation.
pub fn dump(api: &Api) -> String {
    let mut out = String::new();
    for ty in &api.types {
        match &ty.kind {
            TypeKind::Struct(s) => {
                let _ = writeln!(out, "struct {}", ty.name);
                for field in &s.fields {
                    let presence = match &field.presence {
                        Presence::Required => "required".to_owned(),
                        Presence::Optional => "optional".to_owned(),
                        Presence::Tristate => "optional, null distinct from absent".to_owned(),
                        Presence::Defaulted(lit) => {
                            format!("default {}", literal(api, field.ty, lit))
                        }
                    };
                    let _ = writeln!(
                        out,
                        "  {} ({:?}): {} [{presence}]",
                        field.name,
                        field.wire,
                        type_expr(api, field.ty)
                    );
                }
                if let Some(additional) = s.additional {
                    let _ = writeln!(out, "  ..: {}", type_expr(api, additional));
                }
            }
            TypeKind::Enum(e) => {
                let values: Vec<String> = e
                    .values
                    .iter()
                    .map(|v| format!("{}={:?}", v.name, v.wire))
                    .collect();
                let _ = writeln!(
                    out,
                    "enum {} = {} | Unknown(String)",
                    ty.name,
                    values.join(" | ")
                );
            }
            TypeKind::Union(u) => {
                let _ = writeln!(out, "union {} {}", ty.name, union_decision(&u.repr));
                for variant in &u.variants {
                    let tag = variant
                        .tag
                        .as_ref()
                        .map(|t| format!("{t:?} => "))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {tag}{}({})",
                        variant.name,
                        type_expr(api, variant.ty)
                    );
                }
                if matches!(u.repr, UnionRepr::Tagged { .. }) {
                    let _ = writeln!(out, "  _ => Unknown(Any)");
                }
            }
            _ => {}
        }
    }
    for op in &api.operations {
        let auth = match op.auth {
            Auth::None => "",
            Auth::Bearer => " bearer",
        };
        let deprecated = if op.deprecated { " deprecated" } else { "" };
        let _ = writeln!(
            out,
            "op {} = {} {} [group {}, method {}]{auth}{deprecated}",
            op.name.snake,
            op.method.as_str(),
            op.path,
            op.name.group,
            op.name.method
        );
        for param in &op.params {
            let required = if param.required {
                "required"
            } else {
                "optional"
            };
            let default = param
                .default
                .as_ref()
                .map(|d| format!(", default {}", literal(api, param.ty, d)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:?} {} ({:?}): {} [{required}{default}]",
                param.location,
                param.name,
                param.wire,
                type_expr(api, param.ty)
            );
        }
        if let Some(body) = &op.body {
            let required = if body.required {
                "required"
            } else {
                "optional"
            };
            let _ = writeln!(
                out,
                "  body {}: {} [{required}]",
                body.content_type,
                type_expr(api, body.ty)
            );
        }
        for response in &op.responses {
            let ty = response
                .ty
                .map_or_else(|| "(no body)".to_owned(), |t| type_expr(api, t));
            let _ = writeln!(out, "  {:?}: {ty}", response.status);
        }
    }
    out
}

fn union_decision(repr: &UnionRepr) -> String {
    match repr {
        UnionRepr::Tagged { tag } => format!("tagged on {tag:?}"),
        UnionRepr::Untagged => "untagged".to_owned(),
    }
}

/// What became of a union of the document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnionDecision {
    /// The Rust type expression it became.
    pub rust: String,
    /// The rule that decided it (`tagged`, `one-or-many`, `option`, `enum`, `untagged`, `single`).
    pub rule: &'static str,
    /// The variants, in the order they are tried, as `Name(Type)`.
    pub variants: Vec<String>,
    /// Every place in the document where a union with this outcome occurs.
    pub origins: Vec<String>,
}

/// Every union of the document, grouped by outcome: one entry per distinct result type.
///
/// `unions` are the origins of the document's `anyOf`/`oneOf` schemas (see [`crate::Output`]).
/// `query_flags` are the unions the query-flag convention rewrote to `bool` (see
/// [`crate::Output::query_flags`]); they are listed under the rule `query-flag`.
pub fn union_decisions(
    api: &Api,
    unions: &[crate::pointer::JsonPointer],
    query_flags: &[crate::pointer::JsonPointer],
) -> Vec<UnionDecision> {
    let mut by_type: std::collections::BTreeMap<TypeId, Vec<String>> =
        std::collections::BTreeMap::new();
    let origin_to_type: std::collections::HashMap<&str, TypeId> = api
        .types
        .iter()
        .enumerate()
        .flat_map(|(idx, ty)| {
            ty.origins
                .iter()
                .map(move |o| (o.as_str(), TypeId(idx as u32)))
        })
        .collect();
    for origin in unions {
        if let Some(ty) = origin_to_type.get(origin.as_str()) {
            by_type.entry(*ty).or_default().push(origin.to_string());
        }
    }
    let mut out: Vec<UnionDecision> = by_type
        .into_iter()
        .map(|(id, origins)| {
            let ty = api.ty(id);
            let (rule, variants) = match &ty.kind {
                TypeKind::Union(u) => {
                    let rule = match u.repr {
                        UnionRepr::Tagged { .. } => "tagged",
                        UnionRepr::Untagged => "untagged",
                    };
                    let variants = u
                        .variants
                        .iter()
                        .map(|v| match &v.tag {
                            Some(tag) => format!("{}({}) = {tag:?}", v.name, type_expr(api, v.ty)),
                            None => format!("{}({})", v.name, type_expr(api, v.ty)),
                        })
                        .collect();
                    (rule, variants)
                }
                TypeKind::OneOrMany(a) => (
                    "one-or-many",
                    vec![
                        type_expr(api, a.items),
                        format!("Vec<{}>", type_expr(api, a.items)),
                    ],
                ),
                TypeKind::Option(inner) => ("option", vec![type_expr(api, *inner)]),
                TypeKind::Enum(e) => (
                    "enum",
                    e.values.iter().map(|v| format!("{:?}", v.wire)).collect(),
                ),
                _ => ("single", vec![type_expr(api, id)]),
            };
            UnionDecision {
                rust: type_expr(api, id),
                rule,
                variants,
                origins,
            }
        })
        .collect();
    if !query_flags.is_empty() {
        out.push(UnionDecision {
            rust: "bool".to_owned(),
            rule: "query-flag",
            variants: vec![
                "`anyOf[boolean, string]` query parameter: `true`/`false` in the query string, \
                 the default kept"
                    .to_owned(),
            ],
            origins: query_flags.iter().map(ToString::to_string).collect(),
        });
    }
    out.sort_by(|a, b| a.rule.cmp(b.rule).then_with(|| a.rust.cmp(&b.rust)));
    out
}

/// The union report as Markdown.
pub fn union_report(
    api: &Api,
    unions: &[crate::pointer::JsonPointer],
    query_flags: &[crate::pointer::JsonPointer],
) -> String {
    let decisions = union_decisions(api, unions, query_flags);
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for decision in &decisions {
        *counts.entry(decision.rule).or_default() += decision.origins.len();
    }
    let mut out = String::new();
    let _ = writeln!(out, "# Union report: {}\n", api.title);
    let _ = writeln!(
        out,
        "{} `anyOf`/`oneOf` in the document became {} distinct types. By rule (occurrences):\n",
        unions.len(),
        decisions.len()
    );
    for (rule, count) in &counts {
        let _ = writeln!(out, "- {rule}: {count}");
    }
    for decision in &decisions {
        let _ = writeln!(
            out,
            "\n## `{}`: {} ({} occurrences)\n",
            decision.rust,
            decision.rule,
            decision.origins.len()
        );
        for variant in &decision.variants {
            let _ = writeln!(out, "- {variant}");
        }
        let _ = writeln!(out, "\nOccurs at:\n");
        for origin in &decision.origins {
            let _ = writeln!(out, "- `{origin}`");
        }
    }
    out
}

/// Every operation with the names the generated crates give it, as Markdown: the index a user
/// searches for "which method calls `GET /api/v3/secrets/raw`?".
pub fn operations_report(api: &Api) -> String {
    let mut rows: Vec<&crate::model::Operation> = api.operations.iter().collect();
    rows.sort_by(|a, b| {
        (&a.name.group, &a.name.method, &a.name.version).cmp(&(
            &b.name.group,
            &b.name.method,
            &b.name.version,
        ))
    });
    let mut out = String::new();
    let _ = writeln!(out, "# Operations: {}\n", api.title);
    let _ = writeln!(
        out,
        "{} operations. The client calls `client.<group>().<method>(..)`; the server trait of a group \
         has the method of the same name. Pin another name in `spec/names.toml` under `[operations]`.\n",
        api.operations.len()
    );
    let _ = writeln!(out, "| group | method | operation | summary |");
    let _ = writeln!(out, "|---|---|---|---|");
    for op in rows {
        let summary = op
            .summary
            .as_deref()
            .unwrap_or("")
            .replace('|', "\\|")
            .replace('\n', " ");
        let deprecated = if op.deprecated { " (deprecated)" } else { "" };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | `{} {}`{deprecated} | {summary} |",
            op.name.group,
            op.name.method,
            op.method.as_str(),
            op.path
        );
    }
    out
}
