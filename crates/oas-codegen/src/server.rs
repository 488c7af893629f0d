//! The server crate: one trait per operation group, the builder that turns implementations into an
//! axum router, the decoders that check each request first, and the schema table they check
//! against.
//!
//! What each operation costs in generated code is kept small on purpose (the crate has 489 of
//! them): a trait method, a decode function that reads the inputs through the runtime, and a
//! closure that calls the method. Constraints live in one static table interpreted by
//! `oas_runtime::server::schema`, and every route shares one axum handler type.
//!
//! Files: `src/traits.rs` (the traits), `src/router.rs` (the builder, the operation table, the
//! decoders), `src/schemas.rs` (the table) and `tests/generated/routes.rs` (every route, called
//! with sample inputs; `tests/routes.rs` includes it).
//!
//! When the document has more than one group, everything that names a group's items (its trait,
//! its setter, its handlers, its decoders, its entries in `OPERATIONS` and in the route test) is
//! gated by the group's Cargo feature (see `crate::features`), so a crate that enables `auth` and
//! `secrets` compiles only those; with no feature it is a server that answers 404. The schema
//! table is plain data and compiled whenever a group that reads it is.

mod schemas;
mod tests;

use std::collections::BTreeMap;

use oas_ir::model::{Api, Auth, Method, Operation, Param, ParamLocation, Status, TypeId};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use crate::rust::{doc_attrs, ident, runtime};
use crate::{Config, GeneratedFile, render};

pub(crate) fn emit(api: &Api, config: &Config) -> Vec<GeneratedFile> {
    let plan = Plan::new(api);
    let table = schemas::Table::new(api, &plan);
    vec![
        GeneratedFile {
            path: "src/traits.rs".to_owned(),
            contents: render(
                &emit_traits(api, &plan, config),
                "The operation traits: one per group, one method per operation.",
                config,
            ),
        },
        GeneratedFile {
            path: "src/router.rs".to_owned(),
            contents: render(
                &emit_router(api, &plan, &table, config),
                "The router builder, the operation table and the request decoders.",
                config,
            ),
        },
        GeneratedFile {
            path: "src/schemas.rs".to_owned(),
            contents: render(
                &table.emit(api, &plan.table_cfg(), config),
                "The schema table every request is validated against.",
                config,
            ),
        },
        GeneratedFile {
            path: "tests/generated/routes.rs".to_owned(),
            contents: render(
                &tests::emit(api, &plan),
                "Every route is routed: sample inputs reach the default 501, a missing token is a 401.",
                config,
            ),
        },
    ]
}

/// Decisions shared by the emitters: groups, argument names, registered routes.
pub(super) struct Plan {
    /// Operation indices per group, groups sorted by name, operations by method name.
    groups: BTreeMap<String, Vec<usize>>,
    /// Per operation: its arguments in call order.
    args: Vec<Vec<Arg>>,
    /// Per operation: the path the router registers, or `None` when another operation already
    /// has the same method and path (up to parameter names), which axum cannot route twice.
    routes: Vec<Option<String>>,
    /// Whether items are gated by their group's feature: the document has more than one group.
    gated: bool,
}

/// One argument of a trait method.
pub(super) struct Arg {
    /// The Rust name.
    name: String,
    kind: ArgKind,
}

pub(super) enum ArgKind {
    /// The bearer token; `true` when the operation requires it.
    Token(bool),
    /// A path parameter: the parameter and its position in the path template.
    Path(usize, usize),
    Query,
    Body {
        ty: TypeId,
        required: bool,
    },
}

impl Plan {
    fn new(api: &Api) -> Self {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, op) in api.operations.iter().enumerate() {
            groups.entry(op.name.group.clone()).or_default().push(i);
        }
        for ops in groups.values_mut() {
            ops.sort_by(|a, b| {
                api.operations[*a]
                    .name
                    .method
                    .cmp(&api.operations[*b].name.method)
            });
        }
        let args = api.operations.iter().map(plan_args).collect();
        // matchit needs one spelling of parameter names per path shape: the first operation (in
        // document order) with a shape fixes it.
        let mut spelling: BTreeMap<String, String> = BTreeMap::new();
        let mut taken: BTreeMap<(String, Method), ()> = BTreeMap::new();
        let mut routes = Vec::new();
        for op in &api.operations {
            let shape = path_shape(&op.path);
            let route = spelling
                .entry(shape.clone())
                .or_insert_with(|| op.path.clone())
                .clone();
            let fresh = taken.insert((shape, op.method), ()).is_none();
            routes.push(fresh.then_some(route));
        }
        let gated = groups.len() > 1;
        Self {
            groups,
            args,
            routes,
            gated,
        }
    }

    /// `#[cfg(feature = "<group>")]`, or nothing when items are not gated.
    pub(super) fn cfg(&self, group: &str) -> TokenStream {
        if self.gated {
            crate::features::cfg_attr([group])
        } else {
            quote!()
        }
    }

    /// The gate of the schema table: the groups with an operation whose decoder reads it (one
    /// with a path, query or body argument), `#[cfg(any())]` when there is none, nothing when
    /// items are not gated.
    pub(super) fn table_cfg(&self) -> TokenStream {
        let readers: Vec<&str> = self
            .groups
            .iter()
            .filter(|(_, ops)| {
                ops.iter().any(|&i| {
                    self.args[i]
                        .iter()
                        .any(|a| !matches!(a.kind, ArgKind::Token(_)))
                })
            })
            .map(|(group, _)| group.as_str())
            .collect();
        if readers.is_empty() {
            quote!(#[cfg(any())])
        } else if self.gated {
            crate::features::cfg_attr(readers)
        } else {
            quote!()
        }
    }

    fn has_query(op: &Operation) -> bool {
        op.params.iter().any(|p| p.location == ParamLocation::Query)
    }
}

fn plan_args(op: &Operation) -> Vec<Arg> {
    // Every method gets the token: the document declares `bearerAuth` on few of the operations that
    // need one, so the others receive it as an `Option` (absent when the request has none).
    let mut args = vec![Arg {
        name: "token".to_owned(),
        kind: ArgKind::Token(op.auth == Auth::Bearer),
    }];
    let template = path_params(&op.path);
    for (i, param) in op.params.iter().enumerate() {
        if param.location != ParamLocation::Path {
            continue;
        }
        let position = template
            .iter()
            .position(|name| *name == param.wire)
            .unwrap_or(usize::MAX);
        // The fixed argument names win; a path parameter that spells one gets a suffix.
        let name = if matches!(param.name.as_str(), "cx" | "token" | "query" | "body") {
            format!("{}_param", param.name)
        } else {
            param.name.clone()
        };
        args.push(Arg {
            name,
            kind: ArgKind::Path(i, position),
        });
    }
    if Plan::has_query(op) {
        args.push(Arg {
            name: "query".to_owned(),
            kind: ArgKind::Query,
        });
    }
    if let Some(body) = &op.body {
        args.push(Arg {
            name: "body".to_owned(),
            kind: ArgKind::Body {
                ty: body.ty,
                required: body.required,
            },
        });
    }
    args
}

/// The parameter names of a path template, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The template with parameter names erased: `/a/{}/b`.
fn path_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The Rust type of an IR type in the server crate: named types live in the types crate.
pub(super) fn server_type(api: &Api, id: TypeId, config: &Config) -> TokenStream {
    crate::rust::foreign_type_tokens(api, id, config)
}

fn arg_type(api: &Api, op: &Operation, arg: &Arg, config: &Config) -> TokenStream {
    let rt = runtime(config);
    match &arg.kind {
        ArgKind::Token(true) => quote!(#rt::server::BearerToken),
        ArgKind::Token(false) => quote!(::std::option::Option<#rt::server::BearerToken>),
        ArgKind::Path(i, _) => server_type(api, op.params[*i].ty, config),
        ArgKind::Query => crate::rust::query_type(op, config),
        ArgKind::Body { ty, required } => {
            let ty = server_type(api, *ty, config);
            if *required {
                ty
            } else {
                quote!(::std::option::Option<#ty>)
            }
        }
    }
}

/// The type of the success answer: the first 2xx response's body (`()` when it has none).
fn success_type(api: &Api, op: &Operation, config: &Config) -> TokenStream {
    op.responses
        .iter()
        .find(|r| r.status.is_success())
        .and_then(|r| r.ty)
        .map_or_else(|| quote!(()), |ty| server_type(api, ty, config))
}

/// `Declared::new(status, content)`: the first success response's status (a class `2XX` is its
/// `x00`; 200 when there is none) and whether it has a body.
fn declared(op: &Operation, config: &Config) -> TokenStream {
    let rt = runtime(config);
    let first = op.responses.iter().find(|r| r.status.is_success());
    let status = match first.map(|r| r.status) {
        Some(Status::Code(code)) => code,
        Some(Status::Range(class)) => class * 100,
        _ => 200,
    };
    let content = first.is_none_or(|r| r.ty.is_some());
    let status = Lit::u16_unsuffixed(status);
    quote!(#rt::server::Declared::new(#status, #content))
}

/// The declared success status, for the docs.
fn declared_status(op: &Operation) -> String {
    match op.responses.iter().find(|r| r.status.is_success()) {
        Some(r) => match r.status {
            Status::Code(code) => code.to_string(),
            Status::Range(class) => format!("{class}XX"),
            Status::Default => "200".to_owned(),
        },
        None => "200".to_owned(),
    }
}

fn trait_name(group: &str) -> proc_macro2::Ident {
    ident(&oas_ir::pascal_ident(group))
}

fn describe(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.path)
}

fn emit_traits(api: &Api, plan: &Plan, config: &Config) -> TokenStream {
    let rt = runtime(config);
    let traits = plan.groups.iter().map(|(group, ops)| {
        let name = trait_name(group);
        let doc = format!(
            " The `{group}` operations. Every method answers 501 until it is implemented; pass an \
             implementation to [`crate::Server::{}`].",
            oas_ir::snake_ident(group)
        );
        let methods = ops.iter().map(|&i| {
            let op = &api.operations[i];
            let method = ident(&op.name.method);
            let mut text = String::new();
            for part in [&op.summary, &op.description].into_iter().flatten() {
                if !text.contains(part.trim()) {
                    if !text.is_empty() {
                        text.push_str("\n\n");
                    }
                    text.push_str(part.trim());
                }
            }
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("`{}`", describe(op)));
            if op.auth == Auth::Bearer {
                text.push_str(" (requires a bearer token)");
            }
            let content = op
                .responses
                .iter()
                .find(|r| r.status.is_success())
                .is_none_or(|r| r.ty.is_some());
            text.push_str(&format!(
                "; answers {}{} unless the reply sets another status",
                declared_status(op),
                if content { "" } else { " without a JSON body" }
            ));
            let source = format!("`{}`", op.origin);
            let docs = doc_attrs(Some(&text), Some(&source));
            let deprecated = if op.deprecated {
                quote!(#[deprecated])
            } else {
                quote!()
            };
            let args = &plan.args[i];
            let params = args.iter().map(|arg| {
                let name = ident(&arg.name);
                let ty = arg_type(api, op, arg, config);
                quote!(#name: #ty)
            });
            let names: Vec<_> = args.iter().map(|a| ident(&a.name)).collect();
            let ok = success_type(api, op, config);
            let described = describe(op);
            quote! {
                #docs
                #deprecated
                fn #method(&self, cx: &#rt::server::Context, #(#params),*) -> impl ::std::future::Future<
                    Output = ::std::result::Result<#rt::server::Reply<#ok>, #rt::server::ApiError>,
                > + ::std::marker::Send {
                    let _ = (cx, #(#names,)*);
                    ::std::future::ready(::std::result::Result::Err(
                        #rt::server::ApiError::not_implemented(#described),
                    ))
                }
            }
        });
        let cfg = plan.cfg(group);
        quote! {
            #[doc = #doc]
            #cfg
            pub trait #name: ::std::marker::Send + ::std::marker::Sync + 'static {
                #(#methods)*
            }
        }
    });
    let impls = plan.groups.keys().map(|group| {
        let name = trait_name(group);
        let cfg = plan.cfg(group);
        quote!(#cfg impl #name for Unimplemented {})
    });
    quote! {
        #(#traits)*

        /// Implements every trait with the defaults: every operation answers 501 (after the
        /// request has been checked).
        #[derive(Clone, Copy, Debug, Default)]
        pub struct Unimplemented;

        #(#impls)*
    }
}

fn emit_router(api: &Api, plan: &Plan, table: &schemas::Table, config: &Config) -> TokenStream {
    let rt = runtime(config);
    // `OPERATIONS` and the handlers are both in group order (groups by name, operations by method
    // name), so each group's handlers are one contiguous run whatever groups are enabled.
    let mut operations = Vec::new();
    let mut decoders = Vec::new();
    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    let mut collected = Vec::new();
    let mut setters = Vec::new();
    for (group, ops) in &plan.groups {
        let cfg = plan.cfg(group);
        let field = ident(&oas_ir::snake_ident(group));
        let name = trait_name(group);
        let mut unimplemented = Vec::new();
        let mut handlers = Vec::new();
        for &i in ops {
            let op = &api.operations[i];
            let method = ident(op.method.as_str());
            let path = &op.path;
            let route = plan.routes[i].clone().unwrap_or_default();
            let qualified = format!("{}.{}", op.name.group, op.name.method);
            let bearer = op.auth == Auth::Bearer;
            operations.push(quote! {
                #cfg
                #rt::server::Operation {
                    method: ::axum::http::Method::#method,
                    path: #path,
                    route: #route,
                    name: #qualified,
                    bearer: #bearer,
                },
            });
            let decoder = emit_decoder(api, op, &plan.args[i], table, config);
            decoders.push(quote!(#cfg #decoder));
            let decoder = ident(&op.name.snake);
            let described = describe(op);
            unimplemented.push(quote!(#rt::server::unimplemented(decode::#decoder, #described),));
            let trait_method = ident(&op.name.method);
            let names: Vec<_> = plan.args[i].iter().map(|a| ident(&a.name)).collect();
            let declared = declared(op, config);
            handlers.push(quote! {
                #rt::server::operation(
                    ::std::sync::Arc::clone(&implementation),
                    decode::#decoder,
                    #declared,
                    |s, cx, (#(#names,)*)| async move { s.#trait_method(&cx, #(#names),*).await },
                ),
            });
        }
        fields.push(quote! {
            #cfg
            #field: ::std::vec::Vec<#rt::server::Handler>,
        });
        defaults.push(quote! {
            #cfg
            #field: ::std::vec::Vec::from([#(#unimplemented)*]),
        });
        collected.push(quote!(#cfg self.#field,));
        let doc = format!(" Serves the `{group}` operations with `implementation`.");
        // A deprecated operation is still served: routing it is not a use to warn about.
        let allow = if ops.iter().any(|&i| api.operations[i].deprecated) {
            quote!(#[allow(deprecated)])
        } else {
            quote!()
        };
        setters.push(quote! {
            #[doc = #doc]
            #cfg
            #[must_use]
            #allow
            pub fn #field<S: crate::#name>(mut self, implementation: ::std::sync::Arc<S>) -> Self {
                self.handlers.#field = ::std::vec::Vec::from([#(#handlers)*]);
                self
            }
        });
    }
    let table_cfg = plan.table_cfg();
    quote! {
        /// Every operation of the enabled groups, by group (groups sorted by name, operations by
        /// method name): what the router registers.
        pub static OPERATIONS: &[#rt::server::Operation] = &[#(#operations)*];

        /// Turns implementations of the operation traits into an [`::axum::Router`].
        ///
        /// Start from [`Server::new`], where every operation answers 501 after checking the request,
        /// give each group you implement its implementation (one type may implement several
        /// traits; pass it to each setter), then call [`Server::into_router`] (a complete service)
        /// or [`Server::routes`] (to merge into an application router).
        pub struct Server {
            handlers: Handlers,
            body_limit: usize,
        }

        /// The handlers of each enabled group, in `OPERATIONS` order.
        struct Handlers {
            #(#fields)*
        }

        impl Handlers {
            /// Every handler, in `OPERATIONS` order.
            fn into_vec(self) -> ::std::vec::Vec<#rt::server::Handler> {
                let groups: [::std::vec::Vec<#rt::server::Handler>; _] = [#(#collected)*];
                groups.into_iter().flatten().collect()
            }
        }

        impl Server {
            /// A server where every operation answers 501 (after checking the request).
            pub fn new() -> Self {
                Self {
                    handlers: Handlers {
                        #(#defaults)*
                    },
                    body_limit: #rt::server::DEFAULT_BODY_LIMIT,
                }
            }

            /// Sets the largest request body accepted, in bytes (1 MiB unless set); a larger one
            /// is answered with 413.
            #[must_use]
            pub fn body_limit(mut self, bytes: usize) -> Self {
                self.body_limit = bytes;
                self
            }

            /// The router of every operation, with 404 (unknown path) and 405 (known path, other
            /// method) answers in Infisical's error shape: a complete service, to serve or to
            /// [`::axum::Router::nest`] under a prefix.
            ///
            /// To [`::axum::Router::merge`] the operations into an application router that has its
            /// own fallback, use [`Server::routes`]: axum refuses to merge two fallbacks.
            pub fn into_router(self) -> ::axum::Router {
                #rt::server::router(OPERATIONS, self.handlers.into_vec(), self.body_limit)
            }

            /// The routes of every operation, with 405 answers in Infisical's error shape but no
            /// fallback: merged into an application router, unknown paths reach the application's
            /// fallback (axum's empty 404 when it has none).
            pub fn routes(self) -> ::axum::Router {
                #rt::server::routes(OPERATIONS, self.handlers.into_vec(), self.body_limit)
            }

            #(#setters)*
        }

        impl ::std::default::Default for Server {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ::std::fmt::Debug for Server {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Server")
                    .field("operations", &OPERATIONS.len())
                    .field("body_limit", &self.body_limit)
                    .finish_non_exhaustive()
            }
        }

        /// One function per operation: reads and checks its arguments, in the order the trait
        /// method takes them (the token first, so a missing token is a 401 whatever else is wrong).
        mod decode {
            #[allow(unused_imports)]
            use #rt::server::schema::Literal;
            #[allow(unused_imports)]
            use #rt::server::{ApiError, Input, QueryParam};

            #table_cfg
            use crate::schemas::SCHEMAS;

            #(#decoders)*
        }
    }
}

fn emit_decoder(
    api: &Api,
    op: &Operation,
    args: &[Arg],
    table: &schemas::Table,
    config: &Config,
) -> TokenStream {
    let name = ident(&op.name.snake);
    let schemas = quote!(SCHEMAS);
    let types = args.iter().map(|arg| arg_type(api, op, arg, config));
    let reads = args.iter().map(|arg| match &arg.kind {
        ArgKind::Token(true) => quote!(input.bearer()?),
        ArgKind::Token(false) => quote!(input.optional_bearer()),
        ArgKind::Path(i, position) => {
            let param: &Param = &op.params[*i];
            let wire = &param.wire;
            let position = Lit::usize_unsuffixed(*position);
            let schema = table.index(param.ty);
            quote!(input.path(#schemas, #position, #wire, #schema)?)
        }
        ArgKind::Query => {
            let params: Vec<TokenStream> = op
                .params
                .iter()
                .filter(|p| p.location == ParamLocation::Query)
                .map(|p| {
                    let wire = &p.wire;
                    let schema = table.index(p.ty);
                    let required = p.required;
                    let default = match p
                        .default
                        .as_ref()
                        .and_then(|d| schemas::literal(api, p.ty, d, config))
                    {
                        Some(lit) => quote!(Some(#lit)),
                        None => quote!(None),
                    };
                    quote!(QueryParam::new(#wire, #schema, #required, #default),)
                })
                .collect();
            let n = Lit::usize_unsuffixed(params.len());
            quote!({
                static PARAMS: [QueryParam; #n] = [#(#params)*];
                input.query(SCHEMAS, &PARAMS)?
            })
        }
        ArgKind::Body { ty, required } => {
            let schema = table.index(*ty);
            if *required {
                quote!(input.body(#schemas, #schema)?)
            } else {
                quote!(input.optional_body(#schemas, #schema)?)
            }
        }
    });
    let doc = format!(" `{}`", describe(op));
    let input = if args.is_empty() {
        quote!(_input)
    } else {
        quote!(input)
    };
    quote! {
        #[doc = #doc]
        pub(super) fn #name(#input: &Input) -> Result<(#(#types,)*), ApiError> {
            Ok((#(#reads,)*))
        }
    }
}
