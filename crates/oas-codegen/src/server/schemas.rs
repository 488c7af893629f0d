//! The schema table: every type a request can carry (bodies, query and path parameters), as one
//! static array of `oas_runtime::server::schema::Schema` that refer to each other by index.

use std::collections::BTreeMap;

use oas_ir::model::{Api, Literal, Presence, StringFormat, TypeId, TypeKind, UnionRepr};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::{ArgKind, Plan};
use crate::Config;
use crate::rust::runtime;

/// The types a request can reach, each with its index in the table.
pub(super) struct Table {
    /// Type id to table index; the table is in type id order.
    indices: BTreeMap<TypeId, u32>,
}

impl Table {
    pub(super) fn new(api: &Api, plan: &Plan) -> Self {
        let mut reached: BTreeMap<TypeId, u32> = BTreeMap::new();
        let mut stack: Vec<TypeId> = Vec::new();
        for (op, args) in api.operations.iter().zip(&plan.args) {
            for arg in args {
                match &arg.kind {
                    ArgKind::Token(_) => {}
                    ArgKind::Path(i, _) => stack.push(op.params[*i].ty),
                    ArgKind::Query => stack.extend(
                        op.params
                            .iter()
                            .filter(|p| p.location == oas_ir::model::ParamLocation::Query)
                            .map(|p| p.ty),
                    ),
                    ArgKind::Body { ty, .. } => stack.push(*ty),
                }
            }
        }
        while let Some(id) = stack.pop() {
            if reached.insert(id, 0).is_none() {
                stack.extend(api.ty(id).kind.children());
            }
        }
        for (n, index) in reached.values_mut().enumerate() {
            *index = u32::try_from(n).unwrap_or(u32::MAX);
        }
        Self { indices: reached }
    }

    /// The index of a type as a literal.
    pub(super) fn index(&self, id: TypeId) -> Lit {
        Lit::u32_unsuffixed(self.indices.get(&id).copied().unwrap_or(u32::MAX))
    }

    /// The table; `cfg` gates it (only decoders read it: see `Plan::table_cfg`).
    pub(super) fn emit(&self, api: &Api, cfg: &TokenStream, config: &Config) -> TokenStream {
        let rt = runtime(config);
        let n = Lit::usize_unsuffixed(self.indices.len());
        let entries = self.indices.keys().map(|&id| {
            let entry = self.entry(api, id, config);
            quote!(#entry,)
        });
        quote! {
            /// The table, as the runtime's validator takes it: every type a request can carry, in
            /// type order; entries refer to each other by index.
            #cfg
            pub(crate) static SCHEMAS: #rt::server::schema::Schemas = {
                // Which of these a table uses depends on the document.
                #[allow(unused_imports)]
                use #rt::server::schema::{ArraySchema, Bounds, Field, Format, Schema, Schemas, StringSchema};

                static TABLE: [Schema; #n] = [#(#entries)*];
                Schemas(&TABLE)
            };
        }
    }

    fn entry(&self, api: &Api, id: TypeId, config: &Config) -> TokenStream {
        let _ = config;
        match &api.ty(id).kind {
            TypeKind::Any | TypeKind::AnyOf(_) => quote!(Schema::Any),
            TypeKind::Never => quote!(Schema::Never),
            TypeKind::Bool => quote!(Schema::Bool),
            TypeKind::Integer(range) => {
                let bounds = bounds(range);
                quote!(Schema::Integer(#bounds))
            }
            TypeKind::Number(range) => {
                let bounds = bounds(range);
                quote!(Schema::Number(#bounds))
            }
            TypeKind::String(s) => {
                let format = match s.format {
                    StringFormat::Plain => quote!(Plain),
                    StringFormat::Uuid => quote!(Uuid),
                    StringFormat::DateTime => quote!(DateTime),
                    StringFormat::Date => quote!(Date),
                    StringFormat::Email => quote!(Email),
                    StringFormat::Uri => quote!(Uri),
                };
                let min = opt_u32(s.min_length);
                let max = opt_u32(s.max_length);
                quote!(Schema::String(StringSchema { format: Format::#format, min_length: #min, max_length: #max }))
            }
            TypeKind::Option(inner) => {
                let inner = self.index(*inner);
                quote!(Schema::Nullable(#inner))
            }
            TypeKind::Array(array) | TypeKind::OneOrMany(array) => {
                let items = self.index(array.items);
                let min = opt_u32(array.min_items);
                let max = opt_u32(array.max_items);
                let schema =
                    quote!(ArraySchema { items: #items, min_items: #min, max_items: #max });
                if matches!(api.ty(id).kind, TypeKind::Array(_)) {
                    quote!(Schema::Array(#schema))
                } else {
                    quote!(Schema::OneOrMany(#schema))
                }
            }
            TypeKind::Map(values) => {
                let values = self.index(*values);
                quote!(Schema::Map(#values))
            }
            TypeKind::Struct(s) => {
                let fields = s.fields.iter().map(|f| {
                    let name = &f.wire;
                    let schema = self.index(f.ty);
                    let constructor = match f.presence {
                        Presence::Required => quote!(required),
                        Presence::Optional | Presence::Defaulted(_) => quote!(optional),
                        Presence::Tristate => quote!(nullable),
                    };
                    quote!(Field::#constructor(#name, #schema),)
                });
                let additional = match s.additional {
                    Some(ty) => {
                        let ty = self.index(ty);
                        quote!(::std::option::Option::Some(#ty))
                    }
                    None => quote!(::std::option::Option::None),
                };
                quote!(Schema::Object { fields: &[#(#fields)*], additional: #additional })
            }
            TypeKind::Enum(e) => {
                let values = e.values.iter().map(|v| &v.wire);
                quote!(Schema::Enum(&[#(#values),*]))
            }
            TypeKind::Union(u) => match &u.repr {
                UnionRepr::Tagged { tag } => {
                    let variants = u.variants.iter().map(|v| {
                        let value = v.tag.as_deref().unwrap_or_default();
                        let schema = self.index(v.ty);
                        quote!((#value, #schema),)
                    });
                    quote!(Schema::Tagged { tag: #tag, variants: &[#(#variants)*] })
                }
                UnionRepr::Untagged => {
                    let variants = u.variants.iter().map(|v| self.index(v.ty));
                    quote!(Schema::Untagged(&[#(#variants),*]))
                }
            },
        }
    }
}

fn opt_u32(value: Option<u64>) -> TokenStream {
    match value {
        Some(n) => {
            let n = Lit::u32_unsuffixed(u32::try_from(n).unwrap_or(u32::MAX));
            quote!(::std::option::Option::Some(#n))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn float(text: &str) -> Option<Lit> {
    let value = text.parse::<f64>().ok().filter(|v| v.is_finite())?;
    Some(Lit::f64_unsuffixed(value))
}

fn opt_float(text: Option<&str>) -> TokenStream {
    match text.and_then(float) {
        Some(lit) => quote!(::std::option::Option::Some(#lit)),
        None => quote!(::std::option::Option::None),
    }
}

fn bounds(range: &oas_ir::model::NumberRange) -> TokenStream {
    if range.minimum.is_none() && range.maximum.is_none() && range.allowed.is_empty() {
        return quote!(Bounds {
            min: ::std::option::Option::None,
            max: ::std::option::Option::None,
            allowed: &[]
        });
    }
    let min = opt_float(range.minimum.as_deref());
    let max = opt_float(range.maximum.as_deref());
    let allowed = range.allowed.iter().filter_map(|a| float(a));
    quote!(Bounds { min: #min, max: #max, allowed: &[#(#allowed),*] })
}

/// A query parameter's default as a runtime literal.
pub(super) fn literal(
    api: &Api,
    ty: TypeId,
    lit: &Literal,
    config: &Config,
) -> Option<TokenStream> {
    let _ = config;
    let path = quote!(Literal);
    Some(match lit {
        Literal::Bool(b) => quote!(#path::Bool(#b)),
        Literal::Integer(i) => {
            let i = Lit::i64_unsuffixed(*i);
            quote!(#path::Integer(#i))
        }
        Literal::Number(text) => {
            let value = float(text)?;
            quote!(#path::Number(#value))
        }
        Literal::String(text) => quote!(#path::Str(#text)),
        Literal::EnumValue(idx) => match &api.ty(ty).kind {
            TypeKind::Enum(e) => {
                let wire = &e.values.get(*idx)?.wire;
                quote!(#path::Str(#wire))
            }
            _ => return None,
        },
        Literal::EmptyArray | Literal::EmptyObject | Literal::Json(_) => return None,
    })
}
