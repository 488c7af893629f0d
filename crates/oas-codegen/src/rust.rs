//! Helpers shared by the emitters: identifiers, type expressions, literals and doc comments.

use oas_ir::model::{Api, Literal, StringFormat, TypeId, TypeKind};
use proc_macro2::{Ident, Literal as Lit, Span, TokenStream};
use quote::quote;

use crate::Config;

/// An identifier fixed by the naming pass.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The runtime crate's path as tokens.
pub(crate) fn runtime(config: &Config) -> TokenStream {
    config
        .runtime
        .parse()
        .unwrap_or_else(|_| quote!(::oas_runtime))
}

/// The Rust type of an IR type, fully qualified; named types are spelled unqualified (inside the
/// types crate).
pub(crate) fn type_tokens(api: &Api, id: TypeId, config: &Config) -> TokenStream {
    type_tokens_in(api, id, config, None)
}

/// The Rust type of an IR type outside the types crate: named types are `<types_path>::<Name>`.
pub(crate) fn foreign_type_tokens(api: &Api, id: TypeId, config: &Config) -> TokenStream {
    let path: TokenStream = config
        .types_path
        .parse()
        .unwrap_or_else(|_| quote!(crate::types));
    type_tokens_in(api, id, config, Some(&path))
}

/// The query struct of an operation, spelled from outside the types crate (`<types_path>::<Op>Query`).
pub(crate) fn query_type(op: &oas_ir::model::Operation, config: &Config) -> TokenStream {
    let types: TokenStream = config
        .types_path
        .parse()
        .unwrap_or_else(|_| quote!(crate::types));
    let name = ident(&format!("{}Query", op.name.pascal));
    quote!(#types::#name)
}

fn type_tokens_in(
    api: &Api,
    id: TypeId,
    config: &Config,
    types: Option<&TokenStream>,
) -> TokenStream {
    let recurse = |inner| type_tokens_in(api, inner, config, types);
    let ty = api.ty(id);
    match &ty.kind {
        TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_) => {
            let name = ident(&ty.name);
            match types {
                Some(path) => quote!(#path::#name),
                None => quote!(#name),
            }
        }
        TypeKind::Any | TypeKind::AnyOf(_) | TypeKind::Never => quote!(::serde_json::Value),
        TypeKind::Bool => quote!(bool),
        TypeKind::Integer(_) => quote!(i64),
        TypeKind::Number(_) => quote!(f64),
        TypeKind::String(s) => match s.format {
            StringFormat::Plain | StringFormat::Email | StringFormat::Uri => {
                quote!(::std::string::String)
            }
            StringFormat::Uuid => quote!(::uuid::Uuid),
            StringFormat::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
            StringFormat::Date => quote!(::chrono::NaiveDate),
        },
        TypeKind::Option(inner) => {
            let inner = recurse(*inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeKind::Array(array) => {
            let items = recurse(array.items);
            quote!(::std::vec::Vec<#items>)
        }
        TypeKind::OneOrMany(array) => {
            let items = recurse(array.items);
            let rt = runtime(config);
            quote!(#rt::OneOrMany<#items>)
        }
        TypeKind::Map(values) => {
            let values = recurse(*values);
            quote!(::std::collections::BTreeMap<::std::string::String, #values>)
        }
    }
}

/// `serialize_with = "<runtime>::number::serialize",` when the Rust type of `id` holds an `f64`
/// directly or through `Option`, `Vec`, a map or `OneOrMany` (named types write their own
/// numbers), so that whole values go on the wire as integers; nothing otherwise.
pub(crate) fn number_attr(api: &Api, id: TypeId, config: &Config) -> TokenStream {
    fn holds(api: &Api, id: TypeId) -> bool {
        match &api.ty(id).kind {
            TypeKind::Number(_) => true,
            TypeKind::Option(inner) | TypeKind::Map(inner) => holds(api, *inner),
            TypeKind::Array(array) | TypeKind::OneOrMany(array) => holds(api, array.items),
            _ => false,
        }
    }
    if holds(api, id) {
        let path = format!("{}::number::serialize", config.runtime);
        quote!(serialize_with = #path,)
    } else {
        quote!()
    }
}

/// True when the Rust type of `id` implements `Default` (as the types emitter writes it: structs
/// whose fields may all be left out do; enums, unions and one-or-many do not).
pub(crate) fn has_default(api: &Api, id: TypeId) -> bool {
    match &api.ty(id).kind {
        TypeKind::Any
        | TypeKind::Bool
        | TypeKind::Integer(_)
        | TypeKind::Number(_)
        | TypeKind::String(_)
        | TypeKind::Option(_)
        | TypeKind::Array(_)
        | TypeKind::Map(_) => true,
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .all(|f| f.presence != oas_ir::model::Presence::Required),
        TypeKind::Enum(_)
        | TypeKind::Union(_)
        | TypeKind::OneOrMany(_)
        | TypeKind::Never
        | TypeKind::AnyOf(_) => false,
    }
}

/// An expression building the literal `lit` of type `id`.
pub(crate) fn literal_tokens(api: &Api, id: TypeId, lit: &Literal) -> TokenStream {
    match lit {
        Literal::Bool(b) => quote!(#b),
        Literal::Integer(i) => {
            let lit = Lit::i64_suffixed(*i);
            quote!(#lit)
        }
        Literal::Number(text) => {
            let lit = Lit::f64_suffixed(text.parse::<f64>().unwrap_or_default());
            quote!(#lit)
        }
        Literal::String(text) => match &api.ty(id).kind {
            TypeKind::String(s) if s.format == StringFormat::Uuid => {
                let value = u128::from_str_radix(&text.replace('-', ""), 16).unwrap_or_default();
                let lit = Lit::u128_unsuffixed(value);
                quote!(::uuid::Uuid::from_u128(#lit))
            }
            _ => quote!(::std::string::String::from(#text)),
        },
        Literal::EnumValue(idx) => {
            let ty = api.ty(id);
            let name = ident(&ty.name);
            match &ty.kind {
                TypeKind::Enum(e) => match e.values.get(*idx) {
                    Some(value) => {
                        let variant = ident(&value.name);
                        quote!(#name::#variant)
                    }
                    None => quote!(::std::default::Default::default()),
                },
                _ => quote!(::std::default::Default::default()),
            }
        }
        Literal::EmptyArray | Literal::EmptyObject => quote!(::std::default::Default::default()),
        // Lowering checked the value against the type, so it decodes; a type without `Default`
        // (a union, an enum, a struct with required fields) cannot fall back to one.
        Literal::Json(json) if has_default(api, id) => {
            quote!(::serde_json::from_str(#json).unwrap_or_default())
        }
        Literal::Json(json) => quote!(::serde_json::from_str(#json)
            .expect("the default conforms to its type (checked when the crate was generated)")),
    }
}

/// `#[doc]` attributes for a description and where the item came from.
///
/// Descriptions are Markdown for humans, not Rust: indentation is dropped (an indented block would
/// be compiled as a doctest) and unlabelled code fences are marked `text`.
pub(crate) fn doc_attrs(docs: Option<&str>, source: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    if let Some(docs) = docs {
        let mut in_fence = false;
        for line in docs.trim().lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("```") {
                if !in_fence && rest.trim().is_empty() {
                    lines.push(" ```text".to_owned());
                } else {
                    lines.push(format!(" ```{}", if in_fence { "" } else { rest }));
                }
                in_fence = !in_fence;
                continue;
            }
            lines.push(if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            });
        }
        if in_fence {
            lines.push(" ```".to_owned());
        }
    }
    if let Some(source) = source {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" Source: {source}"));
    }
    let attrs = lines.iter().map(|line| quote!(#[doc = #line]));
    quote!(#(#attrs)*)
}
