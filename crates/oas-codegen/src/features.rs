//! Cargo features per operation group, so that a user who needs part of the API compiles only that
//! part: `infisical-client = { default-features = false, features = ["auth", "secrets"] }`.
//!
//! Every operation belongs to one group (feature `secrets` for group `secrets`, `secret-imports`
//! for `secret_imports`). A type is compiled when any group that uses it (through a parameter, a
//! body or a response, at any depth) is enabled; a type every group uses is never gated. `full`,
//! the default, enables every group.

use std::collections::BTreeSet;

use oas_ir::model::{Api, Operation, TypeId};
use proc_macro2::TokenStream;
use quote::quote;

/// The feature of a group.
pub fn feature_name(group: &str) -> String {
    group.replace('_', "-")
}

/// Every group, sorted.
pub fn groups(api: &Api) -> BTreeSet<&str> {
    api.operations
        .iter()
        .map(|op| op.name.group.as_str())
        .collect()
}

/// The types an operation uses directly.
fn roots(op: &Operation) -> Vec<TypeId> {
    let mut roots: Vec<TypeId> = op.params.iter().map(|p| p.ty).collect();
    roots.extend(op.body.as_ref().map(|b| b.ty));
    roots.extend(op.responses.iter().filter_map(|r| r.ty));
    roots
}

/// For each type, the groups that use it; `None` when it is not gated: every group uses it, or it
/// is part of an error body (the client's and server's error types name it whatever is enabled).
pub(crate) fn type_groups(api: &Api) -> Vec<Option<BTreeSet<String>>> {
    let mut users: Vec<BTreeSet<String>> = vec![BTreeSet::new(); api.types.len()];
    let mut always = vec![false; api.types.len()];
    for op in &api.operations {
        let mut stack = roots(op);
        while let Some(id) = stack.pop() {
            if users[id.index()].insert(op.name.group.clone()) {
                stack.extend(api.ty(id).kind.children());
            }
        }
        let mut stack: Vec<TypeId> = op
            .responses
            .iter()
            .filter(|r| !r.status.is_success())
            .filter_map(|r| r.ty)
            .collect();
        while let Some(id) = stack.pop() {
            if !std::mem::replace(&mut always[id.index()], true) {
                stack.extend(api.ty(id).kind.children());
            }
        }
    }
    let all = groups(api).len();
    users
        .into_iter()
        .zip(always)
        .map(|(set, always)| (!always && !set.is_empty() && set.len() < all).then_some(set))
        .collect()
}

/// `#[cfg(any(feature = "a", feature = "b"))]`.
pub(crate) fn cfg_attr<'a>(groups: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let features: Vec<String> = groups.into_iter().map(feature_name).collect();
    match features.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// Puts `cfg` on every item of `tokens` (a struct with its impls, say).
///
/// Items are split without parsing: an emitted item ends with a top-level `{ ... }` (struct, enum,
/// impl, fn, mod) or `;` (tuple struct, const, use). Attributes (`#[...]`) never end an item.
pub(crate) fn gate_items(tokens: TokenStream, cfg: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let mut out = TokenStream::new();
    let mut item = TokenStream::new();
    for tree in tokens {
        let ends = match &tree {
            TokenTree::Group(group) => group.delimiter() == Delimiter::Brace,
            TokenTree::Punct(punct) => punct.as_char() == ';',
            _ => false,
        };
        item.extend([tree]);
        if ends {
            out.extend(cfg.clone());
            out.extend(std::mem::take(&mut item));
        }
    }
    if !item.is_empty() {
        out.extend(cfg.clone());
        out.extend(item);
    }
    out
}

/// The `[features]` table of a generated crate. `forward` names crates whose same-named features
/// each feature enables (`infisical-types` for the client and server).
pub fn features_toml(api: &Api, forward: &[&str]) -> String {
    let groups = groups(api);
    let mut out = String::from("[features]\ndefault = [\"full\"]\n");
    let all: Vec<String> = groups
        .iter()
        .map(|g| format!("\"{}\"", feature_name(g)))
        .collect();
    out.push_str(&format!("full = [{}]\n", all.join(", ")));
    for group in groups {
        let feature = feature_name(group);
        let enables: Vec<String> = forward
            .iter()
            .map(|krate| format!("\"{krate}/{feature}\""))
            .collect();
        out.push_str(&format!("{feature} = [{}]\n", enables.join(", ")));
    }
    out
}
