//! Checks on the named IR: what the emitters rely on and the document cannot be trusted to give.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::model::{Api, ParamLocation, TypeKind};
use crate::names::is_plain_ident;

/// Runs every check.
pub(crate) fn check(api: &Api, diags: &mut Diagnostics) {
    check_type_names(api, diags);
    check_member_names(api, diags);
    for op in &api.operations {
        for param in &op.params {
            if !crate::model::can_travel(&api.types, param.ty, param.location) {
                diags.error(
                    &param.origin,
                    format!(
                        "parameter `{}` has a type that cannot travel in the {} (lowering should have made it text)",
                        param.wire,
                        location_name(param.location)
                    ),
                );
            }
        }
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query string",
        ParamLocation::Header => "headers",
    }
}

fn check_type_names(api: &Api, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (idx, ty) in api.types.iter().enumerate() {
        if !ty.is_named() {
            continue;
        }
        let origin = ty.origins.first().cloned().unwrap_or_default();
        if !is_plain_ident(&ty.name) {
            diags.error(
                &origin,
                format!("type name `{}` is not a Rust identifier", ty.name),
            );
        }
        if let Some(other) = seen.insert(&ty.name, idx) {
            diags.error(
                &origin,
                format!(
                    "type name `{}` is used twice (types {other} and {idx})",
                    ty.name
                ),
            );
        }
    }
}

/// Every other identifier the emitters spell: operations, groups, fields, variants, parameters.
/// The naming pass makes them with `snake_ident`/`pascal_ident`, which only give plain
/// identifiers; a name that is not one (a pinned name, a future naming rule) is refused here,
/// located, rather than reaching an emitter that cannot spell it.
fn check_member_names(api: &Api, diags: &mut Diagnostics) {
    let mut bad = |origin: &crate::JsonPointer, what: &str, name: &str| {
        if !is_plain_ident(name) {
            diags.error(
                origin,
                format!("{what} name `{name}` is not a Rust identifier"),
            );
        }
    };
    for op in &api.operations {
        bad(&op.origin, "operation", &op.name.snake);
        bad(&op.origin, "operation", &op.name.pascal);
        bad(&op.origin, "operation method", &op.name.method);
        bad(&op.origin, "operation group", &op.name.group);
        for param in &op.params {
            bad(&param.origin, "parameter", &param.name);
        }
    }
    for ty in &api.types {
        let origin = ty.origins.first().cloned().unwrap_or_default();
        match &ty.kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    bad(&origin, "field", &field.name);
                }
            }
            TypeKind::Enum(e) => {
                for value in &e.values {
                    bad(&origin, "enum value", &value.name);
                }
            }
            TypeKind::Union(u) => {
                for variant in &u.variants {
                    bad(&origin, "variant", &variant.name);
                }
            }
            _ => {}
        }
    }
}
