//! Checks on the named IR: what the emitters rely on and the document cannot be trusted to give.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::model::{Api, ParamLocation};

/// Runs every check.
pub(crate) fn check(api: &Api, diags: &mut Diagnostics) {
    check_type_names(api, diags);
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
        if !is_rust_type_ident(&ty.name) {
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

fn is_rust_type_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
