//! The types emitter: structs, string enums, unions and per-operation parameter structs.
//!
//! Wire format choices, in one place:
//! - structs derive `Serialize` (renamed fields carry `#[serde(rename)]`) and get a map-only
//!   `Deserialize` written here (`oas_runtime::de`); unknown properties are ignored;
//! - string enums get hand-written serde impls: a value the document does not list decodes into
//!   `Unknown(String)` and encodes back unchanged;
//! - tagged unions serialize with `#[serde(tag)]` and deserialize by reading the tag first, so an
//!   unknown tag becomes `Unknown(Value)` while a known tag with a broken payload is an error that
//!   names the payload's problem (an untagged fallback would hide it).

use oas_ir::model::{Api, Enum, Operation, Presence, Struct, Type, TypeKind, Union, UnionRepr};
use proc_macro2::TokenStream;
use quote::quote;

use crate::Config;
use crate::rust::{doc_attrs, ident, literal_tokens, number_attr, runtime, type_tokens};

pub(crate) fn emit_types(api: &Api, config: &Config) -> TokenStream {
    let mut items = Vec::new();
    let mut defaults = Vec::new();
    let gates = crate::features::type_groups(api);
    let mut named: Vec<(usize, &Type)> = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_named())
        .collect();
    named.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    for (idx, ty) in named {
        let first_default = defaults.len();
        let tokens = match &ty.kind {
            TypeKind::Struct(s) => emit_struct(api, ty, s, config, &mut defaults),
            TypeKind::Enum(e) => emit_enum(ty, e),
            TypeKind::Union(u) => emit_union(api, ty, u, config),
            _ => continue,
        };
        match &gates[idx] {
            Some(groups) => {
                let cfg = crate::features::cfg_attr(groups.iter().map(String::as_str));
                for default in &mut defaults[first_default..] {
                    *default = crate::features::gate_items(std::mem::take(default), &cfg);
                }
                items.push(crate::features::gate_items(tokens, &cfg));
            }
            None => items.push(tokens),
        }
    }
    let ungated = crate::features::groups(api).len() <= 1;
    for op in &api.operations {
        let first_default = defaults.len();
        let params = emit_params(api, op, config, &mut defaults);
        if ungated || params.is_empty() {
            items.push(params);
        } else {
            let cfg = crate::features::cfg_attr([op.name.group.as_str()]);
            for default in &mut defaults[first_default..] {
                *default = crate::features::gate_items(std::mem::take(default), &cfg);
            }
            items.push(crate::features::gate_items(params, &cfg));
        }
    }
    let defaults = if defaults.is_empty() {
        quote!()
    } else {
        quote! {
            /// Functions that build the defaults the document declares, for `#[serde(default = ...)]`.
            mod defaults {
                #[allow(unused_imports)]
                use super::*;
                #(#defaults)*
            }
        }
    };
    let sensitive = &config.sensitive_properties;
    let error_body = config
        .error_body
        .as_deref()
        .filter(|name| !api.types.iter().any(|t| t.is_named() && t.name == *name))
        .map(|name| {
            let name = ident(name);
            quote! {
                /// The error body of the operations: the document declares none, so any JSON value.
                pub type #name = ::serde_json::Value;
            }
        });
    quote! {
        /// JSON property names whose text values are secrets: `Debug` shows them as `[redacted]`.
        pub const SENSITIVE_PROPERTIES: &[&str] = &[#(#sensitive),*];
        #error_body
        #(#items)*
        #defaults
    }
}

fn source_of(ty: &Type) -> Option<String> {
    let first = ty.origins.first()?;
    Some(match ty.origins.len() {
        1 => format!("`{first}`"),
        2 => format!("`{first}` and 1 more place"),
        n => format!("`{first}` and {} more places", n - 1),
    })
}

fn emit_struct(
    api: &Api,
    ty: &Type,
    s: &Struct,
    config: &Config,
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    let name = ident(&ty.name);
    let docs = doc_attrs(ty.docs.as_deref(), source_of(ty).as_deref());
    let rt = runtime(config);
    let mut fields = Vec::new();
    let mut default_inits = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut all_optional = true;
    let mut has_defaults = false;
    let mut de_fields = Vec::new();
    for field in &s.fields {
        let field_name = ident(&field.name);
        let wire = &field.wire;
        let inner = type_tokens(api, field.ty, config);
        let field_docs = doc_attrs(field.docs.as_deref(), None);
        let deprecated = if field.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        let rename = if field.name == field.wire {
            quote!()
        } else {
            quote!(rename = #wire,)
        };
        // Whole `f64` values are written as integers; the helper also takes the field's
        // `Option`/`Patch` wrapper.
        let numbers = number_attr(api, field.ty, config);
        let (attrs, ty_tokens, init) = match &field.presence {
            Presence::Required => {
                all_optional = false;
                let attrs = if field.name == field.wire && numbers.is_empty() {
                    quote!()
                } else {
                    quote!(#[serde(#rename #numbers)])
                };
                (attrs, inner, quote!())
            }
            Presence::Optional => (
                quote!(#[serde(#rename #numbers default, skip_serializing_if = "::std::option::Option::is_none")]),
                quote!(::std::option::Option<#inner>),
                quote!(::std::option::Option::None),
            ),
            Presence::Tristate => {
                let skip = format!("{}::Patch::is_absent", config.runtime);
                (
                    quote!(#[serde(#rename #numbers default, skip_serializing_if = #skip)]),
                    quote!(#rt::Patch<#inner>),
                    quote!(#rt::Patch::Absent),
                )
            }
            Presence::Defaulted(lit) => {
                has_defaults = true;
                let fn_name = format!("{}_{}", oas_ir::snake_ident(&ty.name), field.name);
                let fn_ident = ident(&fn_name);
                let value = literal_tokens(api, field.ty, lit);
                defaults.push(quote! {
                    pub(super) fn #fn_ident() -> #inner { #value }
                });
                let path = format!("defaults::{fn_name}");
                (
                    quote!(#[serde(#rename #numbers default = #path)]),
                    inner,
                    quote!(defaults::#fn_ident()),
                )
            }
        };
        de_fields.push(DeField {
            name: field_name.clone(),
            wire: wire.clone(),
            ty: ty_tokens.clone(),
            absent: match &field.presence {
                Presence::Required => Absent::Required,
                Presence::Optional | Presence::Tristate => Absent::Default,
                Presence::Defaulted(_) => {
                    let fn_name = format!("{}_{}", oas_ir::snake_ident(&ty.name), field.name);
                    let fn_ident = ident(&fn_name);
                    Absent::Call(quote!(defaults::#fn_ident))
                }
            },
        });
        if matches!(field.presence, Presence::Required) {
            new_args.push(quote!(#field_name: #ty_tokens));
            new_inits.push(quote!(#field_name,));
        } else {
            new_inits.push(quote!(#field_name: #init,));
        }
        fields.push(quote! {
            #field_docs
            #deprecated
            #attrs
            pub #field_name: #ty_tokens,
        });
        default_inits.push(quote!(#field_name: #init,));
    }
    if let Some(additional) = s.additional {
        let values = type_tokens(api, additional, config);
        fields.push(quote! {
            /// Properties the document does not name.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #values>,
        });
        default_inits.push(quote!(additional_properties: ::std::collections::BTreeMap::new(),));
        new_inits.push(quote!(additional_properties: ::std::collections::BTreeMap::new(),));
    }
    // Structs with required and optional fields get `new(required...)`: optional fields start
    // absent, defaulted ones at the document's default.
    let optional_count = s.fields.len() - new_args.len() + usize::from(s.additional.is_some());
    let new_impl = if !new_args.is_empty() && optional_count > 0 {
        let allow = if s.fields.iter().any(|f| f.deprecated) {
            quote!(#[allow(deprecated)])
        } else {
            quote!()
        };
        quote! {
            impl #name {
                /// The required fields; the others start absent or at their default.
                #allow
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#new_args),*) -> Self {
                    Self { #(#new_inits)* }
                }
            }
        }
    } else {
        quote!()
    };
    // Structs whose every field may be left out get `Default`, with the document's defaults.
    let derive_default = if all_optional && !has_defaults {
        quote!(Default,)
    } else {
        quote!()
    };
    let default_impl = if all_optional && has_defaults {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self { #(#default_inits)* }
                }
            }
        }
    } else {
        quote!()
    };
    let allow_deprecated = if s.fields.iter().any(|f| f.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    // Secrets and credentials never reach `Debug` (and so no log line that prints a value).
    let sensitive =
        |f: &oas_ir::model::Field| is_sensitive(config, &f.wire) && holds_text(api, f.ty);
    let redacted = s.fields.iter().any(sensitive);
    let (derive_debug, debug_impl) = if redacted {
        let name_str = ty.name.as_str();
        let entries = s.fields.iter().map(|f| {
            let field = ident(&f.name);
            let shown = f.name.as_str();
            if sensitive(f) {
                quote!(.field(#shown, &"[redacted]"))
            } else {
                quote!(.field(#shown, &self.#field))
            }
        });
        let additional = s
            .additional
            .map(|_| quote!(.field("additional_properties", &self.additional_properties)));
        (
            quote!(),
            quote! {
                #allow_deprecated
                impl ::std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(#name_str) #(#entries)* #additional .finish()
                    }
                }
            },
        )
    } else {
        (quote!(Debug,), quote!())
    };
    // Structs with a map of further properties keep serde's derive (`flatten`); the others get
    // the lean map-only impl.
    let (derive_deserialize, deserialize) = if s.additional.is_some() {
        (quote!(::serde::Deserialize,), quote!())
    } else {
        (
            quote!(),
            deserialize_impl(&name, &de_fields, &rt, &allow_deprecated),
        )
    };
    quote! {
        #docs
        #[derive(Clone, #derive_debug PartialEq, #derive_default ::serde::Serialize, #derive_deserialize)]
        #allow_deprecated
        pub struct #name {
            #(#fields)*
        }
        #deserialize
        #allow_deprecated
        #default_impl
        #debug_impl
        #new_impl
    }
}

/// A struct field as the generated `Deserialize` reads it.
struct DeField {
    name: proc_macro2::Ident,
    wire: String,
    ty: TokenStream,
    absent: Absent,
}

/// What a field is when the input leaves it out.
enum Absent {
    /// An error, unless its type is an `Option` (then `None`, as serde's derive does).
    Required,
    /// `Default::default()` (`None`, `Patch::Absent`).
    Default,
    /// The document's default, from this function.
    Call(TokenStream),
}

/// `Deserialize` for a struct, read from a map only (see `oas_runtime::de`): a third of the code
/// serde's derive writes, which also reads sequences and field indexes nobody sends.
fn deserialize_impl(
    name: &proc_macro2::Ident,
    fields: &[DeField],
    rt: &TokenStream,
    allow_deprecated: &TokenStream,
) -> TokenStream {
    let name_str = name.to_string();
    let expecting = format!("struct {name_str}");
    let slot = |i: usize| ident(&format!("__field{i}"));
    let slots = fields.iter().enumerate().map(|(i, f)| {
        let (var, ty) = (slot(i), &f.ty);
        quote!(let mut #var: ::std::option::Option<#ty> = ::std::option::Option::None;)
    });
    let arms = fields.iter().enumerate().map(|(i, f)| {
        let (var, wire) = (slot(i), &f.wire);
        quote!(#wire => #rt::de::field(&mut #var, &mut map, #wire)?,)
    });
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let (var, field, wire) = (slot(i), &f.name, &f.wire);
        match &f.absent {
            Absent::Required => quote! {
                #field: match #var {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => #rt::de::missing::<_, A::Error>(#wire)?,
                },
            },
            Absent::Default => quote!(#field: #var.unwrap_or_default(),),
            Absent::Call(default) => quote!(#field: #var.unwrap_or_else(#default),),
        }
    });
    let wires = fields.iter().map(|f| &f.wire);
    let read = if fields.is_empty() {
        quote! {
            while map.next_key::<#rt::de::Key<'de>>()?.is_some() {
                #rt::de::skip(&mut map)?;
            }
        }
    } else {
        quote! {
            while let ::std::option::Option::Some(key) = map.next_key::<#rt::de::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => #rt::de::skip(&mut map)?,
                }
            }
        }
    };
    quote! {
        #allow_deprecated
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct __Visitor;
                #allow_deprecated
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        #(#slots)*
                        #read
                        ::std::result::Result::Ok(#name { #(#inits)* })
                    }
                }
                deserializer.deserialize_struct(#name_str, &[#(#wires),*], __Visitor)
            }
        }
    }
}

pub(crate) fn is_sensitive(config: &Config, wire: &str) -> bool {
    config.sensitive_properties.iter().any(|p| p == wire)
}

/// A string, or an optional string: what a secret value looks like (an object called `secret` is
/// a record about a secret, not the secret).
fn holds_text(api: &Api, ty: oas_ir::model::TypeId) -> bool {
    match &api.ty(ty).kind {
        oas_ir::model::TypeKind::String(_) => true,
        oas_ir::model::TypeKind::Option(inner) => holds_text(api, *inner),
        _ => false,
    }
}

fn emit_enum(ty: &Type, e: &Enum) -> TokenStream {
    let name = ident(&ty.name);
    let docs = doc_attrs(ty.docs.as_deref(), source_of(ty).as_deref());
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = format!(" `{}`", v.wire);
        quote!(#[doc = #doc] #variant,)
    });
    let to_str = e.values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let from_str = e.values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#variant,)
    });
    let known = e.values.iter().map(|v| &v.wire);
    let n_known = e.values.len();
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the document does not list, kept as received.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the document lists, in its order.
            pub const KNOWN: [&'static str; #n_known] = [#(#known),*];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(::std::string::String::from(other)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(&*value))
            }
        }
    }
}

fn emit_union(api: &Api, ty: &Type, u: &Union, config: &Config) -> TokenStream {
    let name = ident(&ty.name);
    let docs = doc_attrs(ty.docs.as_deref(), source_of(ty).as_deref());
    match &u.repr {
        UnionRepr::Untagged => {
            let variants = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let payload = type_tokens(api, v.ty, config);
                let numbers = number_attr(api, v.ty, config);
                if numbers.is_empty() {
                    quote!(#variant(#payload),)
                } else {
                    quote!(#[serde(#numbers)] #variant(#payload),)
                }
            });
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        UnionRepr::Tagged { tag } => {
            let variants = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let payload = type_tokens(api, v.ty, config);
                let value = v.tag.as_deref().unwrap_or_default();
                let doc = format!(" `{tag}: {value}`");
                quote!(#[doc = #doc] #[serde(rename = #value)] #variant(#payload),)
            });
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let value = v.tag.as_deref().unwrap_or_default();
                quote! {
                    ::std::option::Option::Some(#value) => ::serde_json::from_value(value).map(Self::#variant).map_err(<D::Error as ::serde::de::Error>::custom),
                }
            });
            let known: Vec<&str> = u.variants.iter().filter_map(|v| v.tag.as_deref()).collect();
            let unknown_doc = format!(
                " A `{tag}` this version of the document does not know: the whole value, kept as received."
            );
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
                #[serde(tag = #tag)]
                #[non_exhaustive]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                    #[doc = #unknown_doc]
                    #[serde(untagged)]
                    Unknown(::serde_json::Value),
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let mut value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                        let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                        // A known tag is taken off before the payload decodes: a payload that is
                        // itself a tagged union must not keep it (it would be written twice).
                        if matches!(tag.as_deref(), #(::std::option::Option::Some(#known))|*)
                            && let ::std::option::Option::Some(object) = value.as_object_mut()
                        {
                            object.remove(#tag);
                        }
                        match tag.as_deref() {
                            #(#arms)*
                            _ => ::std::result::Result::Ok(Self::Unknown(value)),
                        }
                    }
                }
            }
        }
    }
}

/// The query parameters of one operation as a struct that serializes to, and parses from, the query
/// string (serde_urlencoded). Path and header parameters are method arguments instead.
///
/// A parameter with a default is a plain field holding it (`Default` and `new` start there, the
/// server's decoder fills it in when the request leaves it out); the client leaves it out of the
/// query string while it equals the default, so the server applies its own.
fn emit_params(
    api: &Api,
    op: &Operation,
    config: &Config,
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    let query: Vec<&oas_ir::model::Param> = op
        .params
        .iter()
        .filter(|p| p.location == oas_ir::model::ParamLocation::Query)
        .collect();
    if query.is_empty() {
        return quote!();
    }
    let name = ident(&format!("{}Query", op.name.pascal));
    let summary = format!(" Query parameters of `{} {}`.", op.method.as_str(), op.path);
    let source = format!(" Source: `{}`", op.origin);

    let mut de_fields = Vec::new();
    let mut new_args = Vec::new();
    let mut inits = Vec::new();
    let mut has_defaults = false;
    let mut fields = Vec::new();
    for param in &query {
        let field = ident(&param.name);
        let wire = &param.wire;
        let ty = type_tokens(api, param.ty, config);
        let numbers = number_attr(api, param.ty, config);
        let mut docs = param.docs.clone().unwrap_or_default();
        let default = param.default.as_ref().filter(|_| !param.required);
        if let Some(default) = default {
            let shown = match default {
                oas_ir::model::Literal::Bool(b) => b.to_string(),
                oas_ir::model::Literal::Integer(i) => i.to_string(),
                oas_ir::model::Literal::Number(n) => n.clone(),
                oas_ir::model::Literal::String(s) => format!("{s:?}"),
                oas_ir::model::Literal::EnumValue(idx) => match &api.ty(param.ty).kind {
                    oas_ir::model::TypeKind::Enum(e) => e
                        .values
                        .get(*idx)
                        .map(|v| format!("{:?}", v.wire))
                        .unwrap_or_default(),
                    _ => String::new(),
                },
                oas_ir::model::Literal::Json(json) => json.clone(),
                oas_ir::model::Literal::EmptyArray => "[]".to_owned(),
                oas_ir::model::Literal::EmptyObject => "{}".to_owned(),
            };
            if !docs.is_empty() {
                docs.push_str("\n\n");
            }
            docs.push_str(&format!(
                "Defaults to `{shown}`: the server uses it when the query string leaves this out, \
                 and the client leaves it out while it holds this value."
            ));
        }
        let docs = doc_attrs((!docs.is_empty()).then_some(docs.as_str()), None);
        let deprecated = if param.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        if param.required {
            de_fields.push(DeField {
                name: field.clone(),
                wire: wire.clone(),
                ty: ty.clone(),
                absent: Absent::Required,
            });
            new_args.push(quote!(#field: #ty));
            inits.push(quote!(#field,));
            fields.push(
                quote!(#docs #deprecated #[serde(rename = #wire, #numbers)] pub #field: #ty,),
            );
        } else if let Some(default) = default {
            has_defaults = true;
            let fn_name = format!(
                "{}_query_{}",
                oas_ir::snake_ident(&op.name.pascal),
                param.name
            );
            let fn_ident = ident(&fn_name);
            let is_ident = ident(&format!("is_{fn_name}"));
            let value = literal_tokens(api, param.ty, default);
            defaults.push(quote! {
                pub(super) fn #fn_ident() -> #ty { #value }
                pub(super) fn #is_ident(value: &#ty) -> bool { *value == #fn_ident() }
            });
            let path = format!("defaults::{fn_name}");
            let skip = format!("defaults::is_{fn_name}");
            inits.push(quote!(#field: defaults::#fn_ident(),));
            de_fields.push(DeField {
                name: field.clone(),
                wire: wire.clone(),
                ty: ty.clone(),
                absent: Absent::Call(quote!(defaults::#fn_ident)),
            });
            fields.push(quote!(
                #docs #deprecated
                #[serde(rename = #wire, #numbers default = #path, skip_serializing_if = #skip)]
                pub #field: #ty,
            ));
        } else {
            inits.push(quote!(#field: ::std::option::Option::None,));
            de_fields.push(DeField {
                name: field.clone(),
                wire: wire.clone(),
                ty: quote!(::std::option::Option<#ty>),
                absent: Absent::Default,
            });
            fields.push(quote!(
                #docs #deprecated
                #[serde(rename = #wire, #numbers default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #field: ::std::option::Option<#ty>,
            ));
        }
    }
    let all_optional = new_args.is_empty();
    let allow_deprecated = if query.iter().any(|p| p.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    let derive_default = if all_optional && !has_defaults {
        quote!(Default,)
    } else {
        quote!()
    };
    let default_impl = if all_optional && has_defaults {
        quote! {
            #allow_deprecated
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self { #(#inits)* }
                }
            }
        }
    } else {
        quote!()
    };
    let new_impl = if !all_optional && new_args.len() < query.len() {
        quote! {
            #allow_deprecated
            impl #name {
                /// The required parameters; the others start absent or at their default.
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#new_args),*) -> Self {
                    Self { #(#inits)* }
                }
            }
        }
    } else {
        quote!()
    };
    let deserialize = deserialize_impl(&name, &de_fields, &runtime(config), &allow_deprecated);
    quote! {
        #[doc = #summary]
        #[doc = ""]
        #[doc = #source]
        #[derive(Clone, Debug, PartialEq, #derive_default ::serde::Serialize)]
        #allow_deprecated
        pub struct #name {
            #(#fields)*
        }
        #deserialize
        #default_impl
        #new_impl
    }
}
