//! The client crate: one struct per operation group with one async method per operation, and a
//! generated test that calls every operation against a recording HTTP server.
//!
//! A method takes the path parameters as arguments (`&str` for text, typed otherwise), then the
//! query struct when the operation has query parameters, then the JSON body; it returns the
//! success body type, or `()` when the success answer has none:
//!
//! ```text
//! client.secrets().get_raw_v3("API_KEY", &GetSecretsRawV3Query { .. }).await?
//! ```
//!
//! The method body only describes the request (method, path, query, body, auth) and hands it to
//! the runtime's `HttpClient::call`, which sends, retries and decodes; so each method compiles to
//! little code.

use std::collections::BTreeMap;

use oas_ir::model::{
    Api, Auth, MediaKind, Operation, Param, ParamLocation, StringFormat, TypeId, TypeKind,
};
use proc_macro2::TokenStream;
use quote::quote;

use crate::rust::{doc_attrs, foreign_type_tokens, ident};
use crate::samples::{percent_encode, sample_json, sample_param_text, sample_query};
use crate::{Config, GeneratedFile, render};

/// Inherent methods of the hand-written `Client`; a group with one of these names gets `_api`.
const CLIENT_METHODS: &[&str] = &["builder", "new", "http", "base_url", "clone"];

pub(crate) fn emit(api: &Api, config: &Config) -> Vec<GeneratedFile> {
    let mut groups: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.name.group.as_str()).or_default().push(op);
    }
    let mut files = Vec::new();
    let mut mods = Vec::new();
    for (group, ops) in &groups {
        let module = ident(group);
        let strukt = ident(&group_struct(group));
        let cfg = if groups.len() > 1 {
            crate::features::cfg_attr([*group])
        } else {
            quote!()
        };
        mods.push(quote! {
            #cfg
            mod #module;
            #cfg
            pub use #module::#strukt;
        });
        files.push(GeneratedFile {
            path: format!("src/ops/{group}.rs"),
            contents: render(
                &emit_group(api, group, ops, config),
                &format!("The `{group}` operations of the client."),
                config,
            ),
        });
    }
    mods.extend(emit_extensions(api, groups.len() > 1, config));
    files.push(GeneratedFile {
        path: "src/ops/mod.rs".to_owned(),
        contents: render(
            &quote!(#(#mods)*),
            "One module per operation group; `Client` has an accessor for each.",
            config,
        ),
    });
    files.push(GeneratedFile {
        path: "tests/generated/operations.rs".to_owned(),
        contents: render(
            &emit_operations_test(api, &groups, config),
            "Calls every operation against a recording server on 127.0.0.1 and checks what was sent.",
            config,
        ),
    });
    files
}

/// Declares each hand-written extension whose operations all exist, gated by their groups.
fn emit_extensions(api: &Api, gated: bool, config: &Config) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for extension in &config.client_extensions {
        let groups: Option<std::collections::BTreeSet<&str>> = extension
            .requires
            .iter()
            .map(|wanted| {
                api.operations
                    .iter()
                    .find(|op| format!("{} {}", op.method.as_str(), op.path) == *wanted)
                    .map(|op| op.name.group.as_str())
            })
            .collect();
        let Some(groups) = groups else { continue };
        let mut features: Vec<String> = if gated {
            groups
                .into_iter()
                .map(crate::features::feature_name)
                .collect()
        } else {
            Vec::new()
        };
        features.extend(extension.features.iter().cloned());
        let cfg = match features.as_slice() {
            [] => quote!(),
            [one] => quote!(#[cfg(feature = #one)]),
            _ => quote!(#[cfg(all(#(feature = #features),*))]),
        };
        // An extension's module must not take a group's name (the 2025 document has a
        // `universal_auth` group).
        let clashes = api
            .operations
            .iter()
            .any(|op| op.name.group == extension.module);
        let module = if clashes {
            ident(&format!("{}_extension", extension.module))
        } else {
            ident(&extension.module)
        };
        let path = &extension.path;
        out.push(quote! {
            #cfg
            #[path = #path]
            mod #module;
            #cfg
            pub use #module::*;
        });
    }
    out
}

fn group_struct(group: &str) -> String {
    format!("{}Api", oas_ir::pascal_ident(group))
}

fn accessor(group: &str) -> String {
    if CLIENT_METHODS.contains(&group) {
        format!("{group}_api")
    } else {
        group.to_owned()
    }
}

/// What the success answer holds: a JSON body of a type, text, bytes, or nothing.
enum Success {
    Json(TypeId),
    Text,
    Binary(String),
    Empty,
}

fn success(op: &Operation) -> Success {
    let first = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .find(|r| r.ty.is_some() || r.kind != MediaKind::Json);
    match first {
        Some(r) if r.kind == MediaKind::Text => Success::Text,
        Some(r) if r.kind == MediaKind::Binary => {
            Success::Binary(r.content_type.clone().unwrap_or_default())
        }
        Some(r) => r.ty.map_or(Success::Empty, Success::Json),
        None => Success::Empty,
    }
}

/// A sample text answer (its own line ending included, as keys and PEM files have).
const SAMPLE_TEXT: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISample sample@example\n";
/// A sample binary answer: the start of a DER certificate, not UTF-8.
const SAMPLE_BYTES: &[u8] = b"\x30\x82\x01\xff\x30\x82\x01\xa5\xa0\x03\x02\x01\x02";

/// `(argument name, parameter)` of path and header parameters, names clear of `query` and `body`.
fn positional(op: &Operation) -> Vec<(String, &Param)> {
    op.params
        .iter()
        .filter(|p| p.location != ParamLocation::Query)
        .map(|p| {
            let name = if matches!(p.name.as_str(), "query" | "body" | "self_") {
                format!("{}_param", p.name)
            } else {
                p.name.clone()
            };
            (name, p)
        })
        .collect()
}

/// Text parameters are `&str`; other scalars go by value, enums by reference.
fn is_text(api: &Api, ty: TypeId) -> bool {
    matches!(&api.ty(ty).kind, TypeKind::String(s) if matches!(s.format, StringFormat::Plain | StringFormat::Email | StringFormat::Uri))
}

fn param_type(api: &Api, param: &Param, config: &Config) -> TokenStream {
    let ty = foreign_type_tokens(api, param.ty, config);
    match &api.ty(param.ty).kind {
        _ if is_text(api, param.ty) => quote!(&str),
        TypeKind::Bool | TypeKind::Integer(_) | TypeKind::Number(_) | TypeKind::String(_) => ty,
        _ => quote!(&#ty),
    }
}

fn has_query(op: &Operation) -> bool {
    op.params.iter().any(|p| p.location == ParamLocation::Query)
}

fn operation_label(op: &Operation) -> String {
    format!("{}.{}", op.name.group, op.name.method)
}

fn emit_group(api: &Api, group: &str, ops: &[&Operation], config: &Config) -> TokenStream {
    let strukt = ident(&group_struct(group));
    let accessor_ident = ident(&accessor(group));
    let accessor_doc = format!(" The `{group}` operations.");
    let struct_doc = format!(
        " The `{group}` operations; get it with `Client::{}()`.",
        accessor(group)
    );
    let mut sorted: Vec<&&Operation> = ops.iter().collect();
    sorted.sort_by(|a, b| a.name.method.cmp(&b.name.method));
    let methods = sorted.iter().map(|op| emit_method(api, op, config));
    quote! {
        impl crate::Client {
            #[doc = #accessor_doc]
            pub fn #accessor_ident(&self) -> #strukt<'_> {
                #strukt { client: self }
            }
        }

        #[doc = #struct_doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #strukt<'a> {
            client: &'a crate::Client,
        }

        impl #strukt<'_> {
            #(#methods)*
        }
    }
}

fn emit_method(api: &Api, op: &Operation, config: &Config) -> TokenStream {
    let rt: TokenStream = config
        .runtime
        .parse()
        .unwrap_or_else(|_| quote!(::oas_runtime));
    let name = ident(&op.name.method);
    let label = operation_label(op);
    let method = ident(op.method.as_str());
    let auth = op.auth == Auth::Bearer;

    let mut docs = String::new();
    if let Some(summary) = &op.summary {
        docs.push_str(summary.trim());
    }
    if let Some(description) = &op.description {
        let description = description.trim();
        if !description.is_empty() && Some(description) != op.summary.as_deref().map(str::trim) {
            docs.push_str("\n\n");
            docs.push_str(description);
        }
    }
    if !docs.is_empty() {
        docs.push_str("\n\n");
    }
    docs.push_str(&format!("`{} {}`", op.method.as_str(), op.path));
    if auth {
        docs.push_str(" (bearer token)");
    }
    let docs = doc_attrs(Some(&docs), None);
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };

    let positional = positional(op);
    let mut args = Vec::new();
    for (arg, param) in &positional {
        let arg = ident(arg);
        let ty = param_type(api, param, config);
        args.push(quote!(#arg: #ty));
    }
    if has_query(op) {
        let ty = crate::rust::query_type(op, config);
        args.push(quote!(query: &#ty));
    }
    if let Some(body) = &op.body {
        let ty = match body.kind {
            MediaKind::Json => {
                let ty = foreign_type_tokens(api, body.ty, config);
                quote!(&#ty)
            }
            MediaKind::Text => quote!(&str),
            MediaKind::Binary => quote!(&[u8]),
        };
        if body.required {
            args.push(quote!(body: #ty));
        } else {
            args.push(quote!(body: ::std::option::Option<#ty>));
        }
    }

    // The path: a format string with one `{}` per parameter, each percent-encoded.
    let mut path_args = Vec::new();
    let template = oas_ir::model::fill_path(&op.path, |wire| {
        path_args.push(match positional.iter().find(|(_, p)| p.wire == wire) {
            Some((arg, param)) if is_text(api, param.ty) => {
                let arg = ident(arg);
                quote!(#rt::client::encode_segment(#arg))
            }
            Some((arg, _)) => {
                let arg = ident(arg);
                quote!(#rt::client::encode_segment(&#arg.to_string()))
            }
            None => quote!(#rt::client::encode_segment("")),
        });
        "{}".to_owned()
    });
    let path = if path_args.is_empty() {
        quote!(::std::string::String::from(#template))
    } else {
        quote!(::std::format!(#template, #(#path_args),*))
    };

    // The path as the document writes it, which traces show (never the filled-in values).
    let doc_path = op.path.as_str();
    let mut build = quote! {
        ::std::result::Result::Ok(#rt::client::Request::new(#rt::client::Method::#method, #label, #path, #auth).path_template(#doc_path))
    };
    for (arg, param) in &positional {
        if param.location == ParamLocation::Header {
            let arg = ident(arg);
            let wire = &param.wire;
            build = quote!(#build.map(|r| r.header(#wire, #arg)));
        }
    }
    if has_query(op) {
        build = quote!(#build.and_then(|r| r.query(query)));
    }
    if let Some(body) = &op.body {
        let content_type = &body.content_type;
        let attach = |b: TokenStream| match body.kind {
            MediaKind::Json => quote!(r.json(#b)),
            MediaKind::Text => {
                quote!(::std::result::Result::Ok(r.raw(::std::string::String::from(#b), #content_type)))
            }
            MediaKind::Binary => {
                quote!(::std::result::Result::Ok(r.raw(#b.to_vec(), #content_type)))
            }
        };
        build = if body.required {
            let attach = attach(quote!(body));
            quote!(#build.and_then(|r| #attach))
        } else {
            let attach = attach(quote!(b));
            quote!(#build.and_then(|r| match body { ::std::option::Option::Some(b) => #attach, ::std::option::Option::None => ::std::result::Result::Ok(r) }))
        };
    }
    let (ret, call) = match success(op) {
        Success::Json(ty) => {
            let ty = foreign_type_tokens(api, ty, config);
            (ty, quote!(self.client.http.call(request).await))
        }
        Success::Text => (
            quote!(::std::string::String),
            quote!(self.client.http.call_text(request).await),
        ),
        Success::Binary(_) => (
            quote!(#rt::client::Bytes),
            quote!(self.client.http.call_bytes(request).await),
        ),
        Success::Empty => (
            quote!(()),
            quote!(self.client.http.call_empty(request).await),
        ),
    };
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#args),*) -> crate::Result<#ret> {
            let request = #build;
            #call
        }
    }
}

fn emit_operations_test(
    api: &Api,
    groups: &BTreeMap<&str, Vec<&Operation>>,
    config: &Config,
) -> TokenStream {
    let mut calls = Vec::new();
    for (group, ops) in groups {
        let accessor_ident = ident(&accessor(group));
        let mut sorted: Vec<&&Operation> = ops.iter().collect();
        sorted.sort_by(|a, b| a.name.method.cmp(&b.name.method));
        for op in sorted {
            let method_ident = ident(&op.name.method);
            let label = operation_label(op);
            let http_method = op.method.as_str();
            let auth = op.auth == Auth::Bearer;
            let positional = positional(op);
            let mut lets = Vec::new();
            let mut args = Vec::new();
            let expected_path = oas_ir::model::fill_path(&op.path, |wire| {
                positional
                    .iter()
                    .find(|(_, p)| p.wire == wire)
                    .map(|(_, param)| percent_encode(&sample_param_text(api, param)))
                    .unwrap_or_default()
            });
            for (arg, param) in &positional {
                let arg = ident(arg);
                let text = sample_param_text(api, param);
                let ty = foreign_type_tokens(api, param.ty, config);
                if is_text(api, param.ty) {
                    lets.push(quote!(let #arg: &str = #text;));
                    args.push(quote!(#arg));
                } else {
                    let json = sample_json(api, param.ty).to_string();
                    lets.push(quote!(let #arg: #ty = support::parse(#json);));
                    match &api.ty(param.ty).kind {
                        TypeKind::Bool
                        | TypeKind::Integer(_)
                        | TypeKind::Number(_)
                        | TypeKind::String(_) => args.push(quote!(#arg)),
                        _ => args.push(quote!(&#arg)),
                    }
                }
            }
            let pairs = sample_query(api, op);
            let pair_tokens = pairs.iter().map(|(k, v)| quote!((#k, #v)));
            if has_query(op) {
                let ty = crate::rust::query_type(op, config);
                lets.push(quote!(let query: #ty = support::query(&[#(#pair_tokens),*]);));
                args.push(quote!(&query));
            }
            let (expected_body, body_type) = match &op.body {
                Some(body) => {
                    let content_type = body.content_type.as_str();
                    let (sample, arg) = match body.kind {
                        MediaKind::Json => {
                            let json = sample_json(api, body.ty).to_string();
                            let ty = foreign_type_tokens(api, body.ty, config);
                            lets.push(quote!(let body: #ty = support::parse(#json);));
                            (json, quote!(&body))
                        }
                        MediaKind::Text | MediaKind::Binary => {
                            let text = SAMPLE_TEXT.to_owned();
                            let arg = if body.kind == MediaKind::Text {
                                quote!(#text)
                            } else {
                                quote!(#text.as_bytes())
                            };
                            (text, arg)
                        }
                    };
                    if body.required {
                        args.push(arg);
                    } else {
                        args.push(quote!(::std::option::Option::Some(#arg)));
                    }
                    (
                        quote!(::std::option::Option::Some(#sample)),
                        quote!(#content_type),
                    )
                }
                None => (quote!(::std::option::Option::None), quote!("")),
            };
            let (response, response_type, returned) = match success(op) {
                Success::Json(ty) => {
                    let json = sample_json(api, ty).to_string();
                    (
                        quote!(::std::option::Option::Some(#json.as_bytes())),
                        quote!("application/json"),
                        quote!(.map(|_| ::std::option::Option::None)),
                    )
                }
                Success::Text => (
                    quote!(::std::option::Option::Some(#SAMPLE_TEXT.as_bytes())),
                    quote!("text/plain; charset=utf-8"),
                    quote!(.map(|text| ::std::option::Option::Some(text.into_bytes()))),
                ),
                Success::Binary(content_type) => {
                    let bytes = proc_macro2::Literal::byte_string(SAMPLE_BYTES);
                    (
                        quote!(::std::option::Option::Some(#bytes)),
                        quote!(#content_type),
                        quote!(.map(|bytes| ::std::option::Option::Some(bytes.to_vec()))),
                    )
                }
                Success::Empty => (
                    quote!(::std::option::Option::None),
                    quote!("application/json"),
                    quote!(.map(|()| ::std::option::Option::None)),
                ),
            };
            let errors: Vec<u16> = op
                .responses
                .iter()
                .filter(|r| !r.status.is_success() && r.ty.is_some())
                .filter_map(|r| match r.status {
                    oas_ir::model::Status::Code(code) => Some(code),
                    _ => None,
                })
                .collect();
            let query_pairs = pairs.iter().map(|(k, v)| quote!((#k, #v)));
            calls.push(quote! {
                {
                    #(#lets)*
                    let expected = support::Expected {
                        operation: #label,
                        method: #http_method,
                        path: #expected_path,
                        query: &[#(#query_pairs),*],
                        body: #expected_body,
                        body_type: #body_type,
                        auth: #auth,
                        response: #response,
                        response_type: #response_type,
                        errors: &[#(#errors),*],
                    };
                    harness
                        .check(&expected, &mut || {
                            ::std::boxed::Box::pin(async {
                                client.#accessor_ident().#method_ident(#(#args),*).await #returned
                            })
                        })
                        .await;
                }
            });
        }
    }
    let count = api.operations.len();
    let authenticated = api
        .operations
        .iter()
        .filter(|op| op.auth == Auth::Bearer)
        .count();
    quote! {
        #![allow(deprecated, clippy::too_many_lines)]

        use super::support;

        /// Every operation: method, percent-encoded path, query pairs, body and its media type are
        /// what the document prescribes; the bearer token is sent on every authenticated operation
        /// and on no other, and only authenticated operations ask the token provider (a login
        /// never triggers a login, and a 401 on it does not either); the success body decodes
        /// (JSON as its type, text as text, binary as bytes); each declared error status gives
        /// `Error::Api` with that status and the typed error body.
        #[tokio::test]
        async fn every_operation_sends_what_the_document_prescribes() {
            let harness = support::Harness::start().await;
            let client = harness.client();
            #(#calls)*
            harness.finish(#count, #authenticated);
        }
    }
}

#[cfg(test)]
mod tests {
    use oas_ir::load::{Format, parse};

    /// Header parameters are method arguments that travel as headers (the Infisical document has
    /// none; a document that does must not lose them).
    #[test]
    fn header_parameters_are_sent() {
        let doc = parse(
            r#"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /api/v1/things/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: X-Request-Id, in: header, required: true, schema: { type: string } }
      responses:
        "200": { description: ok }
"#,
            Format::Yaml,
        )
        .expect("the document parses");
        let api = oas_ir::build(&doc, &oas_ir::Config::default())
            .expect("the document builds")
            .api;
        let files = super::emit(&api, &crate::Config::default());
        let group = files
            .iter()
            .find(|f| f.path == "src/ops/things.rs")
            .expect("the group file");
        assert!(
            group.contents.contains("x_request_id: &str"),
            "{}",
            group.contents
        );
        assert!(
            group
                .contents
                .contains(r#"r.header("X-Request-Id", x_request_id)"#),
            "{}",
            group.contents
        );
    }
}
