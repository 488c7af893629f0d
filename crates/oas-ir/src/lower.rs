//! Lowering: `openapiv3` document to IR.
//!
//! Schemas are lowered bottom-up and hash-consed: a shape that occurs many times (the secret object,
//! the error bodies, the permission unions) is interned once and remembers every place it came from.
//! `anyOf`/`oneOf` are kept as [`TypeKind::AnyOf`]; the union normalization decides what they become.
//! Nothing in the document can make this stage panic: whatever it cannot model becomes a diagnostic.

use std::collections::HashMap;

use openapiv3 as oa;
use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::model::{
    Api, ArrayType, Auth, Body, Enum, EnumValue, Field, Literal, MediaKind, Method, NumberRange,
    Operation, OperationName, Param, ParamLocation, Presence, Response, Server, Status,
    StringFormat, StringType, Struct, Type, TypeId, TypeKind,
};
use crate::pointer::JsonPointer;

/// Whether a schema is read from a request or from a response. Optional-and-nullable properties
/// keep "absent" and "null" apart only in requests, where the difference reaches the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Direction {
    Request,
    Response,
}

/// The arena being built, with its interning index.
#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) types: Vec<Type>,
    index: HashMap<TypeKind, TypeId>,
    /// How many schemas (inline or `$ref`) lowering visited: its unit of work.
    pub(crate) schema_visits: usize,
}

impl Arena {
    /// Returns the id of `kind`, creating it on first sight; records `origin` and `docs` either way.
    pub(crate) fn intern(
        &mut self,
        kind: TypeKind,
        origin: &JsonPointer,
        docs: Option<&str>,
    ) -> TypeId {
        let id = match self.index.get(&kind) {
            Some(id) => *id,
            None => {
                let id = TypeId(u32::try_from(self.types.len()).expect("fewer than 2^32 types"));
                self.types.push(Type {
                    kind: kind.clone(),
                    name: String::new(),
                    docs: None,
                    origins: Vec::new(),
                    hints: Vec::new(),
                });
                self.index.insert(kind, id);
                id
            }
        };
        let ty = &mut self.types[id.index()];
        if !origin.as_str().is_empty() && ty.origins.last() != Some(origin) {
            ty.origins.push(origin.clone());
        }
        if ty.docs.is_none() {
            ty.docs = docs
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned);
        }
        id
    }

    pub(crate) fn kind(&self, id: TypeId) -> &TypeKind {
        &self.types[id.index()].kind
    }

    /// Forgets the interning index; used after a pass rewrote kinds in place.
    pub(crate) fn into_types(self) -> Vec<Type> {
        self.types
    }
}

/// The most `allOf` combinations expanded when parts are unions (39 alternatives in the largest
/// real case).
const MAX_ALL_OF_COMBINATIONS: usize = 256;

struct Lowerer<'a> {
    doc: &'a oa::OpenAPI,
    arena: Arena,
    diags: &'a mut Diagnostics,
    /// `$ref`s being lowered, to report cycles instead of recursing forever.
    ref_stack: Vec<String>,
    ref_cache: HashMap<(String, Direction), TypeId>,
    /// Where the document has `anyOf`/`oneOf`, for the union report.
    unions: Vec<JsonPointer>,
    /// The document as JSON, made on the first `$ref` outside `components/schemas`.
    doc_value: Option<Value>,
}

/// Lowers the whole document. Unions are left as [`TypeKind::AnyOf`].
pub(crate) fn lower(doc: &oa::OpenAPI, diags: &mut Diagnostics) -> (Api, Arena, Vec<JsonPointer>) {
    let mut lowerer = Lowerer {
        doc,
        arena: Arena::default(),
        diags,
        ref_stack: Vec::new(),
        ref_cache: HashMap::new(),
        unions: Vec::new(),
        doc_value: None,
    };
    let mut operations = Vec::new();
    let paths_ptr = JsonPointer::root().push("paths");
    for (path, item) in &doc.paths.paths {
        let item_ptr = paths_ptr.push(path);
        let Some(item) = lowerer.resolve_path_item(item, &item_ptr) else {
            continue;
        };
        for (method_name, method, operation) in path_item_operations(item) {
            let op_ptr = item_ptr.push(method_name);
            operations.push(lowerer.lower_operation(path, method, item, operation, &op_ptr));
        }
    }
    let api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        servers: doc
            .servers
            .iter()
            .map(|s| Server {
                url: s.url.clone(),
                description: s.description.clone(),
            })
            .collect(),
        types: Vec::new(),
        operations,
    };
    (api, lowerer.arena, lowerer.unions)
}

fn path_item_operations(item: &oa::PathItem) -> Vec<(&'static str, Method, &oa::Operation)> {
    let all = [
        ("get", Method::Get, &item.get),
        ("put", Method::Put, &item.put),
        ("post", Method::Post, &item.post),
        ("delete", Method::Delete, &item.delete),
        ("options", Method::Options, &item.options),
        ("head", Method::Head, &item.head),
        ("patch", Method::Patch, &item.patch),
        ("trace", Method::Trace, &item.trace),
    ];
    all.into_iter()
        .filter_map(|(name, method, op)| op.as_ref().map(|op| (name, method, op)))
        .collect()
}

impl Lowerer<'_> {
    fn resolve_path_item<'d>(
        &mut self,
        item: &'d oa::ReferenceOr<oa::PathItem>,
        ptr: &JsonPointer,
    ) -> Option<&'d oa::PathItem> {
        match item {
            oa::ReferenceOr::Item(item) => Some(item),
            oa::ReferenceOr::Reference { reference } => {
                self.diags.warning(
                    ptr,
                    format!("path item `$ref` is not supported: `{reference}`"),
                    "the operations of this path are left out",
                );
                None
            }
        }
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: Method,
        item: &oa::PathItem,
        op: &oa::Operation,
        ptr: &JsonPointer,
    ) -> Operation {
        let mut params: Vec<Param> = Vec::new();
        let item_ptr = ptr.parent_or_root();
        // Path-item parameters first, then the operation's own, which override by (name, location).
        let all = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, item_ptr.push("parameters").index(i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, ptr.push("parameters").index(i))),
            );
        for (param, param_ptr) in all {
            if let Some(param) = self.lower_param(param, &param_ptr) {
                if let Some(existing) = params
                    .iter_mut()
                    .find(|p| p.wire == param.wire && p.location == param.location)
                {
                    *existing = param;
                } else {
                    params.push(param);
                }
            }
        }
        self.check_path_params(path, &mut params, ptr);
        let body = op
            .request_body
            .as_ref()
            .and_then(|body| self.lower_body(body, &ptr.push("requestBody")));
        let responses = self.lower_responses(&op.responses, &ptr.push("responses"));
        let security = op.security.as_ref().or(self.doc.security.as_ref());
        let auth = match security {
            Some(reqs)
                if reqs
                    .iter()
                    .any(|req| req.keys().any(|scheme| self.is_bearer_scheme(scheme))) =>
            {
                Auth::Bearer
            }
            _ => Auth::None,
        };
        Operation {
            origin: ptr.clone(),
            method,
            path: path.to_owned(),
            operation_id: op.operation_id.clone(),
            tags: op.tags.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            auth,
            name: OperationName::default(),
        }
    }

    /// Reports a `$ref` whose target does not exist, and what was done instead.
    fn dangling(&mut self, ptr: &JsonPointer, reference: &str, repair: &str) {
        self.diags.warning(
            ptr,
            format!("`$ref` target not found: `{reference}`"),
            repair,
        );
    }

    fn is_bearer_scheme(&self, name: &str) -> bool {
        let scheme = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.security_schemes.get(name))
            .and_then(|s| s.as_item());
        matches!(scheme, Some(oa::SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer"))
    }

    /// Every `{name}` in the path needs a path parameter and every path parameter a `{name}`.
    ///
    /// Real documents disagree with themselves here (a template names `{dataSourceName}` while the
    /// parameter is declared as `sourceName`). The template is what the server routes on, so it wins:
    /// unmatched parameters are paired with unmatched placeholders in order and renamed; a
    /// placeholder left over becomes a required string parameter; a parameter left over is dropped.
    /// Each repair is a warning.
    fn check_path_params(&mut self, path: &str, params: &mut Vec<Param>, ptr: &JsonPointer) {
        let Some(pieces) = crate::model::path_pieces(path) else {
            self.diags
                .error(ptr, format!("unclosed `{{` in path `{path}`"));
            return;
        };
        let in_template: Vec<&str> = pieces
            .into_iter()
            .filter_map(|piece| match piece {
                crate::model::PathPiece::Param(name) => Some(name),
                crate::model::PathPiece::Literal(_) => None,
            })
            .collect();
        let declared = |params: &[Param], name: &str| {
            params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire == name)
        };
        let mut missing: std::collections::VecDeque<&str> = in_template
            .iter()
            .copied()
            .filter(|name| !declared(params, name))
            .collect();
        let mut index = 0;
        while index < params.len() {
            let param = &mut params[index];
            if param.location != ParamLocation::Path || in_template.contains(&param.wire.as_str()) {
                index += 1;
                continue;
            }
            if let Some(name) = missing.pop_front() {
                self.diags.warning(
                    &param.origin,
                    format!(
                        "path parameter `{}` does not occur in the path `{path}`, which names `{{{name}}}` instead",
                        param.wire
                    ),
                    format!("the parameter is renamed `{name}`, as the path template says"),
                );
                param.wire = name.to_owned();
                index += 1;
            } else {
                self.diags.warning(
                    &param.origin,
                    format!(
                        "path parameter `{}` does not occur in the path `{path}`",
                        param.wire
                    ),
                    "the parameter is left out",
                );
                params.remove(index);
            }
        }
        for name in missing {
            self.diags.warning(
                ptr,
                format!(
                    "path template names `{{{name}}}` but no path parameter `{name}` is declared"
                ),
                "it is a required text parameter",
            );
            let ty = self.arena.intern(
                TypeKind::String(StringType {
                    format: StringFormat::Plain,
                    min_length: None,
                    max_length: None,
                    pattern: None,
                }),
                ptr,
                None,
            );
            params.push(Param {
                origin: ptr.clone(),
                wire: name.to_owned(),
                name: String::new(),
                location: ParamLocation::Path,
                ty,
                required: true,
                default: None,
                docs: None,
                deprecated: false,
            });
        }
    }

    fn lower_param(
        &mut self,
        param: &oa::ReferenceOr<oa::Parameter>,
        ptr: &JsonPointer,
    ) -> Option<Param> {
        let (param, ptr) = match param {
            oa::ReferenceOr::Item(p) => (p, ptr.clone()),
            oa::ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                let found = self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name))
                    .and_then(|p| p.as_item());
                let Some(found) = found else {
                    self.dangling(ptr, reference, "the parameter is left out");
                    return None;
                };
                (found, JsonPointer::from_ref(reference).unwrap_or_default())
            }
        };
        let (location, data) = match param {
            oa::Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
            oa::Parameter::Query { parameter_data, .. } => (ParamLocation::Query, parameter_data),
            oa::Parameter::Header { parameter_data, .. } => (ParamLocation::Header, parameter_data),
            oa::Parameter::Cookie { parameter_data, .. } => {
                self.diags.warning(
                    &ptr,
                    format!(
                        "cookie parameter `{}` is not supported",
                        parameter_data.name
                    ),
                    "the parameter is left out of the generated API",
                );
                return None;
            }
        };
        let schema_ptr = ptr.push("schema");
        let (ty, default) = match &data.format {
            oa::ParameterSchemaOrContent::Schema(schema) => {
                let ty = self.lower_schema(schema, &schema_ptr, Direction::Request);
                let ty = self.non_null(ty, &schema_ptr).unwrap_or(ty);
                let default = self
                    .schema_default(schema)
                    .and_then(|value| self.lower_default(ty, value, &schema_ptr));
                (ty, default)
            }
            oa::ParameterSchemaOrContent::Content(content) => {
                let schema = content
                    .iter()
                    .find_map(|(media, m)| Some((media, m.schema.as_ref()?)));
                let Some((media, schema)) = schema else {
                    self.diags.warning(
                        &ptr,
                        format!("parameter `{}` has `content` without a schema", data.name),
                        "the parameter is left out",
                    );
                    return None;
                };
                let schema_ptr = ptr.push("content").push(media).push("schema");
                let ty = self.lower_schema(schema, &schema_ptr, Direction::Request);
                (self.non_null(ty, &schema_ptr).unwrap_or(ty), None)
            }
        };
        if location == ParamLocation::Path && !data.required {
            self.diags.warning(
                &ptr,
                format!("path parameter `{}` is not `required: true`", data.name),
                "path parameters are always required",
            );
        }
        Some(Param {
            origin: ptr,
            wire: data.name.clone(),
            name: String::new(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            default,
            docs: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
        })
    }

    fn schema_default<'s>(&self, schema: &'s oa::ReferenceOr<oa::Schema>) -> Option<&'s Value> {
        schema
            .as_item()
            .and_then(|s| s.schema_data.default.as_ref())
    }

    /// The type without its `null`, when it allows `null`: `T` for `Option<T>`, and for a union
    /// with null alternatives (`anyOf[{not: {}}, T]`, nullable alternatives) the union of the
    /// others, still undecided (rule 1 of the union policy, applied before the union is decided so
    /// that the property or parameter holding it sees the nullability).
    ///
    /// A parameter's nullability means nothing on the wire: an absent parameter is `None` already.
    fn non_null(&mut self, ty: TypeId, ptr: &JsonPointer) -> Option<TypeId> {
        let alternatives = match self.arena.kind(ty) {
            TypeKind::Option(inner) => return Some(*inner),
            TypeKind::AnyOf(alternatives) => alternatives.clone(),
            _ => return None,
        };
        let mut nullable = false;
        let mut rest: Vec<TypeId> = Vec::new();
        for alt in alternatives {
            match self.arena.kind(alt) {
                TypeKind::Never => nullable = true,
                TypeKind::Option(inner) => {
                    nullable = true;
                    rest.push(*inner);
                }
                _ => rest.push(alt),
            }
        }
        match rest.as_slice() {
            _ if !nullable => None,
            [] => None,
            [single] => Some(*single),
            _ => Some(self.arena.intern(TypeKind::AnyOf(rest), ptr, None)),
        }
    }

    fn lower_body(
        &mut self,
        body: &oa::ReferenceOr<oa::RequestBody>,
        ptr: &JsonPointer,
    ) -> Option<Body> {
        let body = match body {
            oa::ReferenceOr::Item(body) => body,
            oa::ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| {
                        self.doc
                            .components
                            .as_ref()?
                            .request_bodies
                            .get(name)?
                            .as_item()
                    });
                let Some(found) = found else {
                    self.dangling(ptr, reference, "the operation is generated without a body");
                    return None;
                };
                found
            }
        };
        let (content_type, kind, media) = self.pick_media(&body.content, &ptr.push("content"))?;
        let media_ptr = ptr.push("content").push(content_type);
        let ty = match &media.schema {
            Some(schema) => {
                self.lower_schema(schema, &media_ptr.push("schema"), Direction::Request)
            }
            None if kind != MediaKind::Json => self.arena.intern(
                TypeKind::String(StringType {
                    format: StringFormat::Plain,
                    min_length: None,
                    max_length: None,
                    pattern: None,
                }),
                &JsonPointer::root(),
                None,
            ),
            None => {
                self.diags.warning(
                    &media_ptr,
                    "request body has no schema",
                    "the body is typed as any JSON value",
                );
                self.arena.intern(TypeKind::Any, &JsonPointer::root(), None)
            }
        };
        Some(Body {
            ty,
            required: body.required,
            content_type: content_type.to_owned(),
            kind,
            docs: body.description.clone(),
        })
    }

    /// Picks the media type of a content map: JSON when there is one, else the first text or
    /// binary one; the others are reported.
    fn pick_media<'c>(
        &mut self,
        content: &'c oa::Content,
        ptr: &JsonPointer,
    ) -> Option<(&'c str, MediaKind, &'c oa::MediaType)> {
        let picked = content
            .iter()
            .find(|(media, _)| MediaKind::of(media) == Some(MediaKind::Json))
            .or_else(|| {
                content
                    .iter()
                    .find(|(media, _)| MediaKind::of(media).is_some())
            });
        for (media, _) in content
            .iter()
            .filter(|(media, _)| Some(media.as_str()) != picked.map(|(m, _)| m.as_str()))
        {
            let why = if MediaKind::of(media).is_some() {
                "one media type is generated per body; this one is left out"
            } else {
                "only JSON, text and binary bodies are generated; this media type is left out"
            };
            self.diags.warning(
                &ptr.push(media),
                format!("media type `{media}` is not supported"),
                why,
            );
        }
        let (media, m) = picked?;
        Some((media.as_str(), MediaKind::of(media)?, m))
    }

    fn lower_responses(&mut self, responses: &oa::Responses, ptr: &JsonPointer) -> Vec<Response> {
        let mut out = Vec::new();
        let entries = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    oa::StatusCode::Code(code) => Status::Code(*code),
                    oa::StatusCode::Range(class) => Status::Range(*class),
                };
                (status, code.to_string(), r)
            })
            .chain(
                responses
                    .default
                    .iter()
                    .map(|r| (Status::Default, "default".to_owned(), r)),
            );
        for (status, key, response) in entries {
            let response_ptr = ptr.push(&key);
            let response = match response {
                oa::ReferenceOr::Item(r) => r,
                oa::ReferenceOr::Reference { reference } => {
                    let found =
                        reference
                            .strip_prefix("#/components/responses/")
                            .and_then(|name| {
                                self.doc.components.as_ref()?.responses.get(name)?.as_item()
                            });
                    let Some(found) = found else {
                        self.dangling(&response_ptr, reference, "the response is left out");
                        continue;
                    };
                    found
                }
            };
            let picked = self.pick_media(&response.content, &response_ptr.push("content"));
            let ty = match picked {
                Some((media, MediaKind::Json, m)) => m.schema.as_ref().map(|schema| {
                    let schema_ptr = response_ptr.push("content").push(media).push("schema");
                    self.lower_schema(schema, &schema_ptr, Direction::Response)
                }),
                _ => None,
            };
            out.push(Response {
                status,
                ty,
                content_type: picked.map(|(media, _, _)| media.to_owned()),
                kind: picked.map_or(MediaKind::Json, |(_, kind, _)| kind),
                description: response.description.clone(),
            });
        }
        out.sort_by_key(|r| r.status);
        out
    }

    fn lower_schema(
        &mut self,
        schema: &oa::ReferenceOr<oa::Schema>,
        ptr: &JsonPointer,
        dir: Direction,
    ) -> TypeId {
        self.arena.schema_visits += 1;
        match schema {
            oa::ReferenceOr::Item(schema) => self.lower_schema_item(schema, ptr, dir),
            oa::ReferenceOr::Reference { reference } => self.lower_ref(reference, ptr, dir),
        }
    }

    fn lower_boxed(
        &mut self,
        schema: &oa::ReferenceOr<Box<oa::Schema>>,
        ptr: &JsonPointer,
        dir: Direction,
    ) -> TypeId {
        self.arena.schema_visits += 1;
        match schema {
            oa::ReferenceOr::Item(schema) => self.lower_schema_item(schema, ptr, dir),
            oa::ReferenceOr::Reference { reference } => self.lower_ref(reference, ptr, dir),
        }
    }

    fn lower_ref(&mut self, reference: &str, ptr: &JsonPointer, dir: Direction) -> TypeId {
        if let Some(id) = self.ref_cache.get(&(reference.to_owned(), dir)) {
            let id = *id;
            self.arena.types[id.index()].origins.push(ptr.clone());
            return id;
        }
        let component = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| Some((name, self.doc.components.as_ref()?.schemas.get(name)?)));
        let elsewhere;
        let (name, target) = match component {
            Some((name, target)) => (name, target),
            None => match self.schema_at(reference) {
                Some(found) => {
                    elsewhere = found;
                    ("", &elsewhere)
                }
                None => {
                    self.dangling(ptr, reference, "the schema is typed as any JSON value");
                    return self.arena.intern(TypeKind::Any, ptr, None);
                }
            },
        };
        if self.ref_stack.iter().any(|r| r == reference) {
            self.diags.warning(
                ptr,
                format!("recursive `$ref` to `{reference}` is not supported"),
                "the recursive occurrence is typed as any JSON value",
            );
            return self.arena.intern(TypeKind::Any, ptr, None);
        }
        self.ref_stack.push(reference.to_owned());
        let target_ptr = JsonPointer::from_ref(reference).unwrap_or_default();
        let id = self.lower_schema(target, &target_ptr, dir);
        self.ref_stack.pop();
        let hint = crate::names::pascal_ident(name);
        let ty = &mut self.arena.types[id.index()];
        if !hint.is_empty() && !ty.hints.contains(&hint) {
            ty.hints.push(hint);
        }
        ty.origins.push(ptr.clone());
        self.ref_cache.insert((reference.to_owned(), dir), id);
        id
    }

    /// The schema a local `$ref` outside `components/schemas` points at
    /// (`#/paths/~1roles/post/requestBody/content/application~1json/schema`): any JSON pointer into
    /// the document is a valid reference, and overlays use them to give one part of a document
    /// the schema of another.
    fn schema_at(&mut self, reference: &str) -> Option<oa::ReferenceOr<oa::Schema>> {
        let fragment = reference.strip_prefix('#')?;
        if fragment.is_empty() {
            return None;
        }
        let doc = self.doc;
        let value = self
            .doc_value
            .get_or_insert_with(|| serde_json::to_value(doc).unwrap_or(Value::Null));
        serde_json::from_value(value.pointer(fragment)?.clone()).ok()
    }

    /// Warns about a minimum length the generated tests' samples do not meet.
    fn warn_unsampled(&mut self, min: Option<usize>, keyword: &str, what: &str, ptr: &JsonPointer) {
        if let Some(min) = min
            && min as u64 > crate::model::LARGEST_SAMPLED_MINIMUM
        {
            self.diags.warning(
                &ptr.push(keyword),
                format!(
                    "`{keyword}: {min}` is more than the generated tests' samples hold ({} {what})",
                    crate::model::LARGEST_SAMPLED_MINIMUM
                ),
                "the generated operation and route tests send fewer; the type and the server's validation keep the bound",
            );
        }
    }

    fn lower_schema_item(
        &mut self,
        schema: &oa::Schema,
        ptr: &JsonPointer,
        dir: Direction,
    ) -> TypeId {
        let data = &schema.schema_data;
        let docs = data.description.as_deref();
        let (kind, nullable_from_enum) = match &schema.schema_kind {
            oa::SchemaKind::Type(ty) => self.lower_type(ty, ptr, dir),
            oa::SchemaKind::AnyOf { any_of } => (
                self.lower_alternatives(any_of, &ptr.push("anyOf"), dir),
                false,
            ),
            oa::SchemaKind::OneOf { one_of } => (
                self.lower_alternatives(one_of, &ptr.push("oneOf"), dir),
                false,
            ),
            oa::SchemaKind::AllOf { all_of } => {
                (self.lower_all_of(all_of, &ptr.push("allOf"), dir), false)
            }
            oa::SchemaKind::Not { not } => (self.lower_not(not, ptr), false),
            oa::SchemaKind::Any(any) => (self.lower_any(any, ptr, dir), false),
        };
        let id = self.arena.intern(kind, ptr, docs);
        if let Some(title) = &data.title {
            let hint = crate::names::pascal_ident(title);
            let ty = &mut self.arena.types[id.index()];
            if !hint.is_empty() && !ty.hints.contains(&hint) {
                ty.hints.push(hint);
            }
        }
        let nullable = data.nullable || nullable_from_enum;
        if nullable && !matches!(self.arena.kind(id), TypeKind::Any | TypeKind::Option(_)) {
            return self.arena.intern(TypeKind::Option(id), ptr, docs);
        }
        id
    }

    fn lower_type(&mut self, ty: &oa::Type, ptr: &JsonPointer, dir: Direction) -> (TypeKind, bool) {
        match ty {
            oa::Type::String(s) => {
                let has_null = s.enumeration.iter().any(Option::is_none);
                let values: Vec<&String> = s.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    let mut seen = Vec::new();
                    for value in values {
                        if seen.contains(&value) {
                            self.diags.warning(
                                ptr,
                                format!("enum value `{value}` is listed twice"),
                                "the duplicate is ignored",
                            );
                        } else {
                            seen.push(value);
                        }
                    }
                    let values = seen
                        .into_iter()
                        .map(|v| EnumValue {
                            wire: v.clone(),
                            name: String::new(),
                        })
                        .collect();
                    return (TypeKind::Enum(Enum { values }), has_null);
                }
                if has_null && s.enumeration.len() == 1 {
                    // `enum: [null]` alone: only null is allowed.
                    return (TypeKind::Any, false);
                }
                let format = match &s.format {
                    oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::DateTime) => {
                        StringFormat::DateTime
                    }
                    oa::VariantOrUnknownOrEmpty::Item(oa::StringFormat::Date) => StringFormat::Date,
                    oa::VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => StringFormat::Uuid,
                    oa::VariantOrUnknownOrEmpty::Unknown(f) if f == "email" => StringFormat::Email,
                    oa::VariantOrUnknownOrEmpty::Unknown(f) if f == "uri" => StringFormat::Uri,
                    _ => StringFormat::Plain,
                };
                self.warn_unsampled(s.min_length, "minLength", "characters", ptr);
                let string = StringType {
                    format,
                    min_length: s.min_length.map(|n| n as u64),
                    max_length: s.max_length.map(|n| n as u64),
                    pattern: s.pattern.clone(),
                };
                (TypeKind::String(string), false)
            }
            oa::Type::Number(n) => {
                let range = NumberRange {
                    minimum: n.minimum.map(format_f64),
                    maximum: n.maximum.map(format_f64),
                    allowed: n
                        .enumeration
                        .iter()
                        .flatten()
                        .map(|v| format_f64(*v))
                        .collect(),
                };
                (
                    TypeKind::Number(range),
                    n.enumeration.iter().any(Option::is_none),
                )
            }
            oa::Type::Integer(n) => {
                let range = NumberRange {
                    minimum: n.minimum.map(|v| v.to_string()),
                    maximum: n.maximum.map(|v| v.to_string()),
                    allowed: n.enumeration.iter().flatten().map(i64::to_string).collect(),
                };
                (
                    TypeKind::Integer(range),
                    n.enumeration.iter().any(Option::is_none),
                )
            }
            oa::Type::Boolean(_) => (TypeKind::Bool, false),
            oa::Type::Array(a) => {
                let items = match &a.items {
                    Some(items) => self.lower_boxed(items, &ptr.push("items"), dir),
                    None => {
                        self.diags.warning(
                            ptr,
                            "array schema has no `items`",
                            "elements are typed as any JSON value (`serde_json::Value`)",
                        );
                        self.arena.intern(TypeKind::Any, &JsonPointer::root(), None)
                    }
                };
                self.warn_unsampled(a.min_items, "minItems", "items", ptr);
                let array = ArrayType {
                    items,
                    min_items: a.min_items.map(|n| n as u64),
                    max_items: a.max_items.map(|n| n as u64),
                };
                (TypeKind::Array(array), false)
            }
            oa::Type::Object(o) => (
                self.lower_object(
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    ptr,
                    dir,
                ),
                false,
            ),
        }
    }

    fn lower_object(
        &mut self,
        properties: &indexmap::IndexMap<String, oa::ReferenceOr<Box<oa::Schema>>>,
        required: &[String],
        additional: Option<&oa::AdditionalProperties>,
        ptr: &JsonPointer,
        dir: Direction,
    ) -> TypeKind {
        for name in required {
            if !properties.contains_key(name) {
                self.diags.warning(
                    &ptr.push("required"),
                    format!("required property `{name}` is not declared in `properties`"),
                    "the requirement is ignored",
                );
            }
        }
        let additional_ty = match additional {
            None | Some(oa::AdditionalProperties::Any(false)) => None,
            Some(oa::AdditionalProperties::Any(true)) => {
                Some(self.arena.intern(TypeKind::Any, &JsonPointer::root(), None))
            }
            Some(oa::AdditionalProperties::Schema(schema)) => {
                Some(self.lower_schema(schema, &ptr.push("additionalProperties"), dir))
            }
        };
        if properties.is_empty() {
            return match (additional, additional_ty) {
                (Some(oa::AdditionalProperties::Any(false)), _) => TypeKind::Struct(Struct {
                    fields: Vec::new(),
                    additional: None,
                }),
                (_, Some(values)) => TypeKind::Map(values),
                (_, None) => {
                    TypeKind::Map(self.arena.intern(TypeKind::Any, &JsonPointer::root(), None))
                }
            };
        }
        let props_ptr = ptr.push("properties");
        let mut fields = Vec::with_capacity(properties.len());
        for (name, schema) in properties {
            let field_ptr = props_ptr.push(name);
            let ty = self.lower_boxed(schema, &field_ptr, dir);
            let (docs, deprecated, default) = match schema {
                oa::ReferenceOr::Item(s) => (
                    s.schema_data.description.clone(),
                    s.schema_data.deprecated,
                    s.schema_data.default.as_ref(),
                ),
                oa::ReferenceOr::Reference { .. } => (None, false, None),
            };
            let is_required = required.iter().any(|r| r == name);
            let nullable_inner = self.non_null(ty, &field_ptr);
            let (ty, presence) = if is_required {
                (ty, Presence::Required)
            } else if let (Some(inner), Direction::Request) = (nullable_inner, dir) {
                (inner, Presence::Tristate)
            } else {
                let inner = nullable_inner.unwrap_or(ty);
                let literal = match (nullable_inner, default) {
                    (None, Some(value)) => self.lower_default(inner, value, &field_ptr),
                    _ => None,
                };
                match literal {
                    Some(literal) => (inner, Presence::Defaulted(literal)),
                    None => (inner, Presence::Optional),
                }
            };
            fields.push(Field {
                wire: name.clone(),
                name: String::new(),
                ty,
                presence,
                docs,
                deprecated,
            });
        }
        TypeKind::Struct(Struct {
            fields,
            additional: additional_ty,
        })
    }

    /// Turns a `default` into a literal of the field's type, or reports why it cannot be used.
    fn lower_default(&mut self, ty: TypeId, value: &Value, ptr: &JsonPointer) -> Option<Literal> {
        let literal = match (self.arena.kind(ty), value) {
            (TypeKind::Bool, Value::Bool(b)) => Some(Literal::Bool(*b)),
            (TypeKind::Integer(_), Value::Number(n)) => n.as_i64().map(Literal::Integer),
            (TypeKind::Number(_), Value::Number(n)) => Some(Literal::Number(n.to_string())),
            (TypeKind::String(s), Value::String(text)) => match s.format {
                StringFormat::Plain | StringFormat::Email | StringFormat::Uri => {
                    Some(Literal::String(text.clone()))
                }
                StringFormat::Uuid if is_uuid(text) => Some(Literal::String(text.clone())),
                // A date default would have to be parsed when the default is built; left to the server.
                StringFormat::Uuid | StringFormat::DateTime | StringFormat::Date => None,
            },
            (TypeKind::Enum(e), Value::String(text)) => e
                .values
                .iter()
                .position(|v| &v.wire == text)
                .map(Literal::EnumValue),
            (TypeKind::Array(_), Value::Array(items)) if items.is_empty() => {
                Some(Literal::EmptyArray)
            }
            (TypeKind::Map(_) | TypeKind::Any, Value::Object(map)) if map.is_empty() => {
                Some(Literal::EmptyObject)
            }
            (_, value) if crate::conform::conforms(&self.arena.types, ty, value) => {
                Some(Literal::Json(value.to_string()))
            }
            _ => None,
        };
        if literal.is_none() {
            self.diags.warning(
                ptr,
                format!("default `{value}` does not fit the property's type"),
                "the property is optional without a default; the server applies its own",
            );
        }
        literal
    }

    fn lower_alternatives(
        &mut self,
        alternatives: &[oa::ReferenceOr<oa::Schema>],
        ptr: &JsonPointer,
        dir: Direction,
    ) -> TypeKind {
        if alternatives.is_empty() {
            self.diags.warning(
                ptr,
                "union has no alternatives",
                "the schema is typed as any JSON value",
            );
            return TypeKind::Any;
        }
        self.unions.push(ptr.parent_or_root());
        let ids = alternatives
            .iter()
            .enumerate()
            .map(|(i, s)| self.lower_schema(s, &ptr.index(i), dir))
            .collect();
        TypeKind::AnyOf(ids)
    }

    /// `allOf`: the intersection of its parts.
    ///
    /// Parts that constrain nothing (`{description: ..}`) drop out. Objects merge their properties.
    /// A part that is an undecided union distributes over the others: `allOf[anyOf[A, B], C]` is
    /// `anyOf[A+C, B+C]`, so a tagged union intersected with common fields stays a tagged union whose
    /// variants carry the common fields at the same level, exactly as the server reads them. Parts
    /// of other kinds intersect when they are equal; otherwise the first is kept, with a warning.
    fn lower_all_of(
        &mut self,
        parts: &[oa::ReferenceOr<oa::Schema>],
        ptr: &JsonPointer,
        dir: Direction,
    ) -> TypeKind {
        let mut ids: Vec<(usize, TypeId)> = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let id = self.lower_schema(part, &ptr.index(i), dir);
            if *self.arena.kind(id) != TypeKind::Any {
                ids.push((i, id));
            }
        }
        // Each part as the list of shapes it may take: a union's alternatives, or itself.
        let choices: Vec<(usize, Vec<TypeId>)> = ids
            .iter()
            .map(|&(i, id)| match self.arena.kind(id) {
                TypeKind::AnyOf(alternatives) => (i, alternatives.clone()),
                _ => (i, vec![id]),
            })
            .collect();
        let combinations: usize = choices
            .iter()
            .map(|(_, c)| c.len().max(1))
            .try_fold(1usize, |acc, n| acc.checked_mul(n))
            .unwrap_or(usize::MAX);
        if combinations > MAX_ALL_OF_COMBINATIONS {
            self.diags.warning(
                ptr,
                format!("`allOf` over unions gives {combinations} combinations"),
                format!(
                    "only the first part is used (at most {MAX_ALL_OF_COMBINATIONS} combinations are expanded)"
                ),
            );
            return ids
                .first()
                .map_or(TypeKind::Any, |(_, id)| self.arena.kind(*id).clone());
        }
        let mut merged: Vec<TypeId> = Vec::new();
        let mut combination = vec![0usize; choices.len()];
        loop {
            let picked: Vec<(usize, TypeId)> = choices
                .iter()
                .zip(&combination)
                .map(|((i, alternatives), &k)| (*i, alternatives[k]))
                .collect();
            let kind = self.intersect(&picked, ptr);
            let id = self.arena.intern(kind, ptr, None);
            if !merged.contains(&id) {
                merged.push(id);
            }
            // The next combination, last part fastest (document order of the alternatives).
            let mut position = choices.len();
            loop {
                if position == 0 {
                    return match merged.as_slice() {
                        [] => TypeKind::Any,
                        [single] => self.arena.kind(*single).clone(),
                        _ => {
                            self.unions.push(ptr.parent_or_root());
                            TypeKind::AnyOf(merged)
                        }
                    };
                }
                position -= 1;
                combination[position] += 1;
                if combination[position] < choices[position].1.len() {
                    break;
                }
                combination[position] = 0;
            }
        }
    }

    /// The intersection of one shape per `allOf` part (see [`Self::lower_all_of`]).
    fn intersect(&mut self, parts: &[(usize, TypeId)], ptr: &JsonPointer) -> TypeKind {
        let Some(&(_, first)) = parts.first() else {
            return TypeKind::Any;
        };
        if parts
            .iter()
            .all(|(_, id)| matches!(self.arena.kind(*id), TypeKind::Struct(_)))
        {
            let mut merged = Struct {
                fields: Vec::new(),
                additional: None,
            };
            for &(i, id) in parts {
                let TypeKind::Struct(part) = self.arena.kind(id).clone() else {
                    continue;
                };
                for field in part.fields {
                    match merged.fields.iter_mut().find(|f| f.wire == field.wire) {
                        Some(existing) => {
                            if existing.ty != field.ty {
                                self.diags.warning(
                                    &ptr.index(i),
                                    format!(
                                        "`allOf` parts give property `{}` different types",
                                        field.wire
                                    ),
                                    "the type of the first part that declares it is used",
                                );
                            }
                            if field.presence == Presence::Required {
                                existing.presence = Presence::Required;
                            }
                        }
                        None => merged.fields.push(field),
                    }
                }
                merged.additional = merged.additional.or(part.additional);
            }
            return TypeKind::Struct(merged);
        }
        let kind = self.arena.kind(first).clone();
        for &(i, id) in &parts[1..] {
            if *self.arena.kind(id) != kind {
                self.diags.warning(
                    &ptr.index(i),
                    "`allOf` part has a different kind than the first part",
                    "the first part's type is used",
                );
            }
        }
        kind
    }

    fn lower_not(&mut self, not: &oa::ReferenceOr<oa::Schema>, ptr: &JsonPointer) -> TypeKind {
        match not {
            oa::ReferenceOr::Item(s) if matches!(&s.schema_kind, oa::SchemaKind::Any(a) if *a == oa::AnySchema::default()) => {
                TypeKind::Never
            }
            _ => {
                self.diags.warning(
                    ptr,
                    "`not` is not modelled",
                    "the schema is typed as any JSON value",
                );
                TypeKind::Any
            }
        }
    }

    /// A schema whose keywords do not fit one `type`: `{}` is any value; otherwise the keywords
    /// that decide the shape are used and the rest reported.
    fn lower_any(&mut self, any: &oa::AnySchema, ptr: &JsonPointer, dir: Direction) -> TypeKind {
        if *any == oa::AnySchema::default() {
            return TypeKind::Any;
        }
        if !any.any_of.is_empty() || !any.one_of.is_empty() {
            let (key, alternatives) = if any.any_of.is_empty() {
                ("oneOf", &any.one_of)
            } else {
                ("anyOf", &any.any_of)
            };
            if !any.properties.is_empty() || any.typ.is_some() {
                self.diags.warning(
                    ptr,
                    format!("keywords beside `{key}` are ignored"),
                    "only the union alternatives decide the type",
                );
            }
            return self.lower_alternatives(alternatives, &ptr.push(key), dir);
        }
        if !any.all_of.is_empty() {
            return self.lower_all_of(&any.all_of, &ptr.push("allOf"), dir);
        }
        if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
            return self.lower_object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                ptr,
                dir,
            );
        }
        if let Some(typ) = &any.typ {
            self.diags.warning(
                &ptr.push("type"),
                format!("unknown type `{typ}`"),
                "the schema is typed as any JSON value",
            );
        } else {
            self.diags
                .warning(ptr, "schema has no `type`", "it is typed as any JSON value");
        }
        TypeKind::Any
    }
}

fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Formats a number the way JSON writes it (`1`, not `1.0`, for whole numbers).
fn format_f64(value: f64) -> String {
    serde_json::Number::from_f64(value).map_or_else(
        || value.to_string(),
        |n| {
            if value.fract() == 0.0 && value.abs() < 1e15 {
                format!("{}", value as i64)
            } else {
                n.to_string()
            }
        },
    )
}

impl JsonPointer {
    /// The pointer without its last token (the root stays the root).
    pub(crate) fn parent_or_root(&self) -> Self {
        match self.as_str().rfind('/') {
            Some(idx) => Self::from_ref(&format!("#{}", &self.as_str()[..idx])).unwrap_or_default(),
            None => Self::root(),
        }
    }
}
