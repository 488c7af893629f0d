//! OpenAPI 3.1 and 3.2 documents rewritten, as JSON values, into the OpenAPI 3.0 model that
//! `openapiv3` reads and the rest of the pipeline understands.
//!
//! The rewrite works on the whole value before it is typed, so every later stage sees one model.
//! Exact translations (`type: [X, "null"]`, `const`, numeric `exclusiveMinimum`, `$defs`, ...) are
//! silent; a rewrite that loses meaning (a keyword the 3.0 model has no room for, an operation
//! that cannot be generated) leaves a warning at the JSON pointer of the node. Nodes the rewrite
//! creates (the branches of a multi-type schema, hoisted `$defs`) have pointers that the source
//! text lacks; [`crate::load::locate`] then finds their nearest ancestor.
//!
//! A 3.0 document is left as it is, apart from the operation fields a renderer marked as derived
//! (`x-operation-id-source: derived`): those were not written by the author, and naming the
//! operations from them would make the 3.0 and 3.2 renderings of one API give different crates.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::{Kind, Path};
use crate::pointer::JsonPointer;

/// The OpenAPI version written in the `openapi` field, as far as the rewrite cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    V30,
    V31OrLater,
}

/// Rewrites a 3.1 or 3.2 document into the 3.0 model, in place; returns the warnings. Any document
/// loses the operation fields marked as derived. A value that is not an object is left alone:
/// typing it reports the error.
pub(crate) fn downgrade(value: &mut Value) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    let Some(root) = value.as_object_mut() else {
        return Vec::new();
    };
    drop_derived_fields(root);
    let version = match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => Version::V30,
        Some(v) if v.starts_with("3.1") || v.starts_with("3.2") => Version::V31OrLater,
        // Missing or not a string: typing reports it.
        None => return Vec::new(),
        Some(other) => {
            diags.warning(
                &JsonPointer::root().push("openapi"),
                format!("OpenAPI version `{other}` is not known"),
                "the document is read as OpenAPI 3.2",
            );
            Version::V31OrLater
        }
    };
    if version == Version::V30 {
        return diags.into_sorted();
    }
    root.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
    // The dialect only matters to a JSON Schema validator, and `$self` (3.2) to resolving
    // relative references, which the pipeline does not do.
    root.shift_remove("jsonSchemaDialect");
    root.shift_remove("$self");
    if let Some(webhooks) = root.shift_remove("webhooks")
        && webhooks.as_object().is_some_and(|w| !w.is_empty())
    {
        diags.warning(
            &JsonPointer::root().push("webhooks"),
            "webhooks are not generated",
            "the generated crates cover the `paths` only",
        );
    }
    // 3.1 made `paths` optional.
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    let mut rewriter = Rewriter {
        diags,
        defs: Vec::new(),
    };
    rewriter.hoist_defs(value);
    let root_ptr = JsonPointer::root();
    walk_mut(
        value,
        Kind::Root,
        &Path::at(&root_ptr),
        &mut |node, kind, path| {
            rewriter.visit(node, kind, path);
        },
    );
    rewriter.diags.into_sorted()
}

/// Drops every operation field `f` whose `x-f-source` extension says `derived`: a rendering
/// tool made it up (3.2 renderings derive `operationId` and `summary` from the path).
fn drop_derived_fields(root: &mut Map<String, Value>) {
    let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for (method, op) in item.iter_mut() {
            let is_operation = Kind::PathItem.child(method) == Some(Kind::Operation);
            let Some(op) = op.as_object_mut().filter(|_| is_operation) else {
                continue;
            };
            let derived: Vec<String> = op
                .iter()
                .filter(|(key, value)| {
                    key.starts_with("x-")
                        && key.ends_with("-source")
                        && value.as_str() == Some("derived")
                })
                .map(|(key, _)| lower_camel(&key[2..key.len() - "-source".len()]))
                .collect();
            for field in derived {
                op.shift_remove(&field);
            }
        }
    }
}

/// [`drop_derived_fields`] on a typed 3.0 document (the fast path of loading).
pub(crate) fn drop_derived_typed(doc: &mut openapiv3::OpenAPI) {
    for item in doc.paths.paths.values_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            let derived = |field: &str| {
                op.extensions
                    .get(&format!("x-{field}-source"))
                    .and_then(Value::as_str)
                    == Some("derived")
            };
            if derived("operation-id") {
                op.operation_id = None;
            }
            if derived("summary") {
                op.summary = None;
            }
            if derived("description") {
                op.description = None;
            }
        }
    }
}

/// `operation-id` to `operationId`.
fn lower_camel(kebab: &str) -> String {
    let mut out = String::with_capacity(kebab.len());
    let mut upper = false;
    for ch in kebab.chars() {
        if ch == '-' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Calls `visit` on every node whose kind is known, parent first; `visit` may rewrite the node
/// before its children are walked.
fn walk_mut(
    value: &mut Value,
    kind: Kind,
    path: &Path<'_>,
    visit: &mut dyn FnMut(&mut Value, Kind, &Path<'_>),
) {
    visit(value, kind, path);
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if let Some(child_kind) = kind.child(key) {
                    walk_mut(child, child_kind, &path.key(key), visit);
                }
            }
        }
        Value::Array(items) => {
            if let Some(element) = kind.element() {
                for (idx, child) in items.iter_mut().enumerate() {
                    walk_mut(child, element, &path.index(idx), visit);
                }
            }
        }
        _ => {}
    }
}

/// One `$defs` entry moved to `components/schemas`.
struct Def {
    /// The pointer of the schema that held the `$defs`, without `#` (empty for the root).
    owner: String,
    key: String,
    /// The name under `components/schemas`.
    name: String,
}

struct Rewriter {
    diags: Diagnostics,
    defs: Vec<Def>,
}

/// Keywords a schema may carry that need a look. Anything else is left to `openapiv3`.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "const",
    "examples",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "$vocabulary",
    "dependentRequired",
    "dependentSchemas",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "prefixItems",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
];

/// Keywords that only constrain values the generated types accept anyway, or only name things:
/// dropped without a word.
const SILENT: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "dependentRequired",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "unevaluatedItems",
    "contentSchema",
];

/// Keywords the 3.0 model has no room for and whose loss changes the type.
const LOSSY: &[(&str, &str)] = &[
    (
        "prefixItems",
        "tuple items are not modelled; the elements are typed by `items`, or as any JSON value",
    ),
    (
        "patternProperties",
        "only `properties` and `additionalProperties` type an object's members",
    ),
    (
        "if",
        "conditional schemas are not modelled; `if`, `then` and `else` are ignored",
    ),
    (
        "dependentSchemas",
        "members that depend on other members are not modelled",
    ),
    (
        "unevaluatedProperties",
        "beside `allOf`, `anyOf`, `oneOf` or `$ref` it is ignored",
    ),
    (
        "$dynamicRef",
        "dynamic references are not resolved; the schema is typed as any JSON value",
    ),
];

/// Keywords of the 3.0 schema model that belong to the schema node itself, not to one `type`.
const SCHEMA_DATA: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "example",
    "title",
    "description",
    "discriminator",
    "default",
];

/// Which keywords apply to which `type`, for splitting `type: [A, B]` into `anyOf`.
fn applies_to(keyword: &str, typ: &str) -> bool {
    match keyword {
        "minLength" | "maxLength" | "pattern" => typ == "string",
        "format" => matches!(typ, "string" | "number" | "integer"),
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            matches!(typ, "number" | "integer")
        }
        "items" | "minItems" | "maxItems" | "uniqueItems" => typ == "array",
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => {
            typ == "object"
        }
        "enum" => true,
        _ => false,
    }
}

/// True when `value` is an instance of the JSON Schema `typ`.
fn is_instance(value: &Value, typ: &str) -> bool {
    match typ {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => false,
    }
}

impl Rewriter {
    /// Moves every `$defs` entry to `components/schemas` (under its own name when free) and
    /// records where it came from, so that references to it can be rewritten.
    fn hoist_defs(&mut self, doc: &mut Value) {
        let root_ptr = JsonPointer::root();
        // Where `$defs` are, by owner pointer and key, before anything moves.
        let mut owners: Vec<(String, String)> = Vec::new();
        walk_mut(
            doc,
            Kind::Root,
            &Path::at(&root_ptr),
            &mut |node, kind, path| {
                if kind != Kind::Schema && kind != Kind::Root {
                    return;
                }
                if let Some(defs) = node.get("$defs").and_then(Value::as_object) {
                    let owner = path.pointer().as_str().to_owned();
                    owners.extend(defs.keys().map(|key| (owner.clone(), key.clone())));
                }
            },
        );
        if owners.is_empty() {
            return;
        }
        // `#/$defs/x` inside a schema means the nearest enclosing schema's `$defs` (the document
        // root, strictly, but that is what authors of embedded schemas mean): made absolute here,
        // while the pointers are still the source's.
        walk_mut(
            doc,
            Kind::Root,
            &Path::at(&root_ptr),
            &mut |node, kind, path| {
                if kind != Kind::Schema {
                    return;
                }
                let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                    return;
                };
                let Some(key) = reference.strip_prefix("#/$defs/") else {
                    return;
                };
                let here = path.pointer();
                let here = here.as_str();
                let owner = owners
                    .iter()
                    .filter(|(owner, k)| {
                        k == key
                            && (here.starts_with(owner.as_str())
                                && here[owner.len()..].starts_with('/'))
                    })
                    .max_by_key(|(owner, _)| owner.len());
                if let Some((owner, _)) = owner {
                    let absolute = format!("#{owner}/$defs/{key}");
                    node["$ref"] = Value::String(absolute);
                }
            },
        );
        let mut found: Vec<(String, String, Value)> = Vec::new();
        collect_defs(doc, Kind::Root, &Path::at(&root_ptr), &mut found);
        let Some(root) = doc.as_object_mut() else {
            return;
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else {
            return;
        };
        let schemas = components
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(schemas) = schemas.as_object_mut() else {
            return;
        };
        for (owner, key, value) in found {
            let owner_name = JsonPointer::from_ref(&format!("#{owner}"))
                .and_then(|p| p.tokens().last())
                .unwrap_or_default();
            let mut name = key.clone();
            if schemas.contains_key(&name) {
                name = format!("{owner_name}_{key}");
            }
            let base = name.clone();
            let mut n = 2;
            while schemas.contains_key(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            schemas.insert(name.clone(), value);
            self.defs.push(Def { owner, key, name });
        }
    }

    /// The new target of a reference into `$defs` (made absolute by [`Self::hoist_defs`]).
    fn resolve_def(&self, reference: &str) -> Option<String> {
        let (owner, key) = reference.strip_prefix('#')?.rsplit_once("/$defs/")?;
        let key = JsonPointer::from_ref(&format!("#/{key}"))?
            .tokens()
            .next()?;
        let def = self
            .defs
            .iter()
            .find(|d| d.owner == owner && d.key == key)?;
        let target = JsonPointer::root()
            .push("components")
            .push("schemas")
            .push(&def.name);
        Some(format!("#{}", target.as_str()))
    }

    fn visit(&mut self, node: &mut Value, kind: Kind, path: &Path<'_>) {
        match kind {
            Kind::PathItem => self.path_item(node, path),
            Kind::ParameterList => self.parameters(node, path),
            Kind::Response => {
                // 3.2 made the description optional; 3.0 requires one.
                if let Some(response) = node.as_object_mut()
                    && !response.contains_key("$ref")
                {
                    response
                        .entry("description")
                        .or_insert_with(|| Value::String(String::new()));
                }
            }
            Kind::MediaType => {
                if let Some(media) = node.as_object_mut()
                    && media.shift_remove("itemSchema").is_some()
                {
                    self.diags.warning(
                        &path.pointer().push("itemSchema"),
                        "`itemSchema` (a sequence of items) is not generated",
                        if media.contains_key("schema") {
                            "the body is typed by `schema`"
                        } else {
                            "the body is typed as any JSON value"
                        },
                    );
                }
            }
            Kind::Schema => self.schema(node, path),
            _ => {}
        }
    }

    fn path_item(&mut self, node: &mut Value, path: &Path<'_>) {
        let Some(item) = node.as_object_mut() else {
            return;
        };
        if item.shift_remove("query").is_some() {
            self.diags.warning(
                &path.pointer().push("query"),
                "the `query` operation (OpenAPI 3.2) is not generated",
                "the generated crates have no QUERY method",
            );
        }
        if let Some(extra) = item.shift_remove("additionalOperations") {
            let ptr = path.pointer().push("additionalOperations");
            for method in extra.as_object().into_iter().flat_map(Map::keys) {
                self.diags.warning(
                    &ptr.push(method),
                    format!("the `{method}` operation is not generated"),
                    "only the methods of OpenAPI 3.0 are generated",
                );
            }
        }
    }

    fn parameters(&mut self, node: &mut Value, path: &Path<'_>) {
        let Some(list) = node.as_array_mut() else {
            return;
        };
        let mut idx = 0;
        list.retain(|param| {
            let keep = param.get("in").and_then(Value::as_str) != Some("querystring");
            if !keep {
                self.diags.warning(
                    &path.pointer().index(idx),
                    "a `querystring` parameter (OpenAPI 3.2) is not generated",
                    "the parameter is dropped",
                );
            }
            idx += 1;
            keep
        });
    }

    fn schema(&mut self, node: &mut Value, path: &Path<'_>) {
        // Boolean schemas (3.1): `true` is any value, `false` none. `additionalProperties` takes
        // booleans in 3.0 too.
        if let Value::Bool(allowed) = *node {
            if path.last_key() != Some("additionalProperties") {
                *node = if allowed {
                    Value::Object(Map::new())
                } else {
                    serde_json::json!({ "not": {} })
                };
            }
            return;
        }
        let Some(schema) = node.as_object_mut() else {
            return;
        };
        if !schema.keys().any(|k| SCHEMA_KEYWORDS.contains(&k.as_str())) {
            return;
        }
        for keyword in SILENT {
            schema.shift_remove(*keyword);
        }
        // `const` is a one-value `enum`; without a `type`, the value's own type is meant.
        if let Some(value) = schema.shift_remove("const") {
            let agrees = schema
                .get("enum")
                .and_then(Value::as_array)
                .is_none_or(|values| values.contains(&value));
            if !agrees {
                self.diags.warning(
                    &path.pointer().push("const"),
                    "`const` is not one of the `enum` values",
                    "the `const` value is used",
                );
            }
            let untyped = !["type", "$ref", "allOf", "anyOf", "oneOf", "not"]
                .iter()
                .any(|k| schema.contains_key(*k));
            if untyped {
                let typ = match &value {
                    Value::String(_) => Some("string"),
                    Value::Bool(_) => Some("boolean"),
                    Value::Number(n) if n.is_f64() => Some("number"),
                    Value::Number(_) => Some("integer"),
                    Value::Null => Some("null"),
                    Value::Array(_) | Value::Object(_) => None,
                };
                if let Some(typ) = typ {
                    schema.insert("type".to_owned(), Value::String(typ.to_owned()));
                }
            }
            schema.insert("enum".to_owned(), Value::Array(vec![value]));
        }
        // Schema `examples` is a list (3.1); 3.0 has one `example`.
        if let Some(examples) = schema.shift_remove("examples")
            && !schema.contains_key("example")
            && let Some(first) = match examples {
                Value::Array(items) => items.into_iter().next(),
                _ => None,
            }
        {
            schema.insert("example".to_owned(), first);
        }
        for (exclusive, bound, stricter) in [
            ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
            ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
        ] {
            let Some(limit) = schema.get(exclusive).filter(|v| v.is_number()).cloned() else {
                continue;
            };
            schema.shift_remove(exclusive);
            let existing = schema.get(bound).and_then(Value::as_f64);
            let limit_f = limit.as_f64().unwrap_or_default();
            // Both given: the stricter bound wins.
            let keep_existing = existing
                .and_then(|e| e.partial_cmp(&limit_f))
                .is_some_and(|o| o == stricter);
            if !keep_existing {
                schema.insert(bound.to_owned(), limit);
                schema.insert(exclusive.to_owned(), Value::Bool(true));
            }
        }
        // Binary data: 3.1 says with `contentEncoding`/`contentMediaType` what 3.0 says with
        // `format: byte`/`format: binary`.
        let encoding = schema.shift_remove("contentEncoding");
        let media = schema.shift_remove("contentMediaType");
        if !schema.contains_key("format") {
            let format = match (
                encoding.as_ref().and_then(Value::as_str),
                media.as_ref().and_then(Value::as_str),
            ) {
                (Some("base64" | "base64url"), _) => Some("byte"),
                (None, Some(media)) if !(media.starts_with("text/") || media.contains("json")) => {
                    Some("binary")
                }
                _ => None,
            };
            if let Some(format) = format {
                schema.insert("format".to_owned(), Value::String(format.to_owned()));
            }
        }
        // Where it is exact, `unevaluatedProperties` is `additionalProperties`.
        if !["allOf", "anyOf", "oneOf", "$ref", "additionalProperties"]
            .iter()
            .any(|k| schema.contains_key(*k))
            && let Some(extra) = schema.shift_remove("unevaluatedProperties")
        {
            schema.insert("additionalProperties".to_owned(), extra);
        }
        for (keyword, note) in LOSSY {
            if schema.shift_remove(*keyword).is_some() {
                self.diags.warning(
                    &path.pointer().push(keyword),
                    format!("`{keyword}` is not supported"),
                    *note,
                );
            }
        }
        schema.shift_remove("then");
        schema.shift_remove("else");
        self.types(schema, path);
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = self.resolve_def(reference) {
                schema.insert("$ref".to_owned(), Value::String(target));
            }
            self.ref_siblings(schema, path);
        }
    }

    /// `type` as a list (3.1): `null` in it is `nullable`; several other types become `anyOf`.
    fn types(&mut self, schema: &mut Map<String, Value>, path: &Path<'_>) {
        let mut types: Vec<String> = match schema.get("type") {
            Some(Value::String(t)) if t == "null" => Vec::new(),
            Some(Value::String(_)) | None => return,
            Some(Value::Array(items)) => {
                if !items.iter().all(Value::is_string) {
                    // Not a list of names: typing reports it at this node.
                    return;
                }
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .map(str::to_owned)
                    .collect()
            }
            Some(_) => return,
        };
        types.dedup();
        let has_null = match &schema["type"] {
            Value::Array(items) => items.iter().any(|t| t == "null"),
            _ => true,
        };
        if has_null {
            schema.insert("nullable".to_owned(), Value::Bool(true));
        }
        match types.as_slice() {
            [] => {
                schema.shift_remove("type");
                schema.shift_remove("enum");
                // Inside a union, `{not: {}}` is the 3.0 way to say "or null" (the lowering
                // makes the union's holder optional).
                let in_union = matches!(path.parent_key(), Some("anyOf" | "oneOf"));
                if in_union {
                    schema.shift_remove("nullable");
                    schema.insert("not".to_owned(), Value::Object(Map::new()));
                } else {
                    self.diags.warning(
                        &path.pointer().push("type"),
                        "a schema that allows only `null` is not modelled",
                        "it is typed as any JSON value",
                    );
                }
            }
            [single] => {
                schema.insert("type".to_owned(), Value::String(single.clone()));
            }
            _ if ["allOf", "anyOf", "oneOf", "$ref"]
                .iter()
                .any(|k| schema.contains_key(*k)) =>
            {
                schema.shift_remove("type");
                self.diags.warning(
                    &path.pointer().push("type"),
                    "a list of types beside `allOf`, `anyOf`, `oneOf` or `$ref` is ignored",
                    "the composition alone types the value",
                );
            }
            several => {
                let several = several.to_vec();
                schema.shift_remove("type");
                let mut branches: Vec<Value> = several
                    .iter()
                    .map(|t| {
                        let mut branch = Map::new();
                        branch.insert("type".to_owned(), Value::String(t.clone()));
                        Value::Object(branch)
                    })
                    .collect();
                let keys: Vec<String> = schema
                    .keys()
                    .filter(|k| !SCHEMA_DATA.contains(&k.as_str()) && !k.starts_with("x-"))
                    .cloned()
                    .collect();
                for key in keys {
                    let Some(value) = schema.shift_remove(&key) else {
                        continue;
                    };
                    let owners: Vec<usize> = (0..several.len())
                        .filter(|i| applies_to(&key, &several[*i]))
                        .collect();
                    let mut value = Some(value);
                    for (n, i) in owners.iter().enumerate() {
                        let typ = several[*i].as_str();
                        let branch_value = if key == "enum" {
                            let kept: Vec<Value> = value
                                .iter()
                                .filter_map(Value::as_array)
                                .flatten()
                                .filter(|v| is_instance(v, typ))
                                .cloned()
                                .collect();
                            if kept.is_empty() {
                                continue;
                            }
                            Value::Array(kept)
                        } else if n + 1 == owners.len() {
                            // The last owner takes the value itself: `items` and `properties`
                            // have one owner, so big subtrees are moved, never copied.
                            value.take().unwrap_or_default()
                        } else {
                            value.clone().unwrap_or_default()
                        };
                        if let Some(branch) = branches[*i].as_object_mut() {
                            branch.insert(key.clone(), branch_value);
                        }
                    }
                }
                schema.insert("anyOf".to_owned(), Value::Array(branches));
            }
        }
    }

    /// `$ref` with siblings: 3.0 ignores the siblings, 3.1 applies them. Annotations are dropped
    /// (as 3.0 does, so both renderings give the same types); `nullable`, `default` and object
    /// members are kept by wrapping the reference in `allOf`; other constraints are dropped with
    /// a warning.
    fn ref_siblings(&mut self, schema: &mut Map<String, Value>, path: &Path<'_>) {
        if schema.len() == 1 {
            return;
        }
        let mut wrapper = Map::new();
        let mut object = Map::new();
        let mut dropped = Vec::new();
        let reference = schema.shift_remove("$ref").unwrap_or(Value::Null);
        for (key, value) in std::mem::take(schema) {
            match key.as_str() {
                "description" | "title" | "summary" | "example" | "deprecated" | "readOnly"
                | "writeOnly" | "externalDocs" | "type" => {}
                "nullable" | "default" | "discriminator" => {
                    wrapper.insert(key, value);
                }
                "properties"
                | "required"
                | "additionalProperties"
                | "minProperties"
                | "maxProperties" => {
                    object.insert(key, value);
                }
                _ if key.starts_with("x-") => {}
                _ => dropped.push(key),
            }
        }
        if !dropped.is_empty() {
            let listed: Vec<String> = dropped.iter().map(|k| format!("`{k}`")).collect();
            self.diags.warning(
                &path.pointer(),
                format!("keywords beside `$ref` are ignored: {}", listed.join(", ")),
                "the referenced schema alone types the value",
            );
        }
        let mut target = Map::new();
        target.insert("$ref".to_owned(), reference);
        if wrapper.is_empty() && object.is_empty() {
            *schema = target;
            return;
        }
        let mut parts = vec![Value::Object(target)];
        if !object.is_empty() {
            object.insert("type".to_owned(), Value::String("object".to_owned()));
            parts.push(Value::Object(object));
        }
        wrapper.insert("allOf".to_owned(), Value::Array(parts));
        *schema = wrapper;
    }
}

/// Takes every `$defs` out of the schemas under `value`, nested ones included, as
/// `(owner pointer, key, schema)`.
fn collect_defs(
    value: &mut Value,
    kind: Kind,
    path: &Path<'_>,
    found: &mut Vec<(String, String, Value)>,
) {
    walk_mut(value, kind, path, &mut |node, kind, path| {
        if kind != Kind::Schema && kind != Kind::Root {
            return;
        }
        let Some(defs) = node.as_object_mut().and_then(|s| s.shift_remove("$defs")) else {
            return;
        };
        let owner = path.pointer();
        let Value::Object(defs) = defs else {
            return;
        };
        for (key, mut def) in defs {
            let ptr = owner.push("$defs").push(&key);
            collect_defs(&mut def, Kind::Schema, &Path::at(&ptr), found);
            found.push((owner.as_str().to_owned(), key, def));
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{downgrade, lower_camel};

    fn schema_of(doc: &serde_json::Value) -> &serde_json::Value {
        &doc["components"]["schemas"]["S"]
    }

    fn doc_with(schema: serde_json::Value) -> serde_json::Value {
        json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "components": { "schemas": { "S": schema } }
        })
    }

    #[test]
    fn type_lists_with_null_become_nullable() {
        let mut doc = doc_with(json!({ "type": ["string", "null"], "maxLength": 3 }));
        let warnings = downgrade(&mut doc);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            schema_of(&doc),
            &json!({ "type": "string", "maxLength": 3, "nullable": true })
        );
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
    }

    #[test]
    fn several_types_become_any_of() {
        let mut doc = doc_with(json!({
            "type": ["string", "integer", "null"],
            "description": "d",
            "enum": ["a", 1, null],
            "minimum": 0,
            "maxLength": 2
        }));
        downgrade(&mut doc);
        assert_eq!(
            schema_of(&doc),
            &json!({
                "description": "d",
                "nullable": true,
                "anyOf": [
                    { "type": "string", "enum": ["a"], "maxLength": 2 },
                    { "type": "integer", "enum": [1], "minimum": 0 }
                ]
            })
        );
    }

    #[test]
    fn const_exclusive_bounds_and_examples() {
        let mut doc = doc_with(json!({
            "type": "object",
            "properties": {
                "kind": { "const": "role" },
                "n": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5 },
                "e": { "type": "string", "examples": ["x", "y"] }
            }
        }));
        assert!(downgrade(&mut doc).is_empty());
        let props = &schema_of(&doc)["properties"];
        assert_eq!(props["kind"], json!({ "type": "string", "enum": ["role"] }));
        assert_eq!(
            props["n"],
            json!({ "type": "number", "maximum": 5, "minimum": 0, "exclusiveMinimum": true })
        );
        assert_eq!(props["e"], json!({ "type": "string", "example": "x" }));
    }

    #[test]
    fn defs_are_hoisted_and_references_follow() {
        let mut doc = doc_with(json!({
            "type": "object",
            "$defs": { "Inner": { "type": "string" } },
            "properties": {
                "a": { "$ref": "#/components/schemas/S/$defs/Inner" },
                "b": { "$ref": "#/$defs/Inner" }
            }
        }));
        assert!(downgrade(&mut doc).is_empty());
        assert_eq!(
            doc["components"]["schemas"]["Inner"],
            json!({ "type": "string" })
        );
        let props = &schema_of(&doc)["properties"];
        assert_eq!(props["a"]["$ref"], "#/components/schemas/Inner");
        assert_eq!(props["b"]["$ref"], "#/components/schemas/Inner");
        assert!(schema_of(&doc).get("$defs").is_none());
    }

    #[test]
    fn ref_siblings_are_wrapped_or_dropped() {
        let mut doc = doc_with(json!({
            "type": "object",
            "properties": {
                "plain": { "$ref": "#/components/schemas/T", "description": "d" },
                "with_default": { "$ref": "#/components/schemas/T", "default": "x" },
                "constrained": { "$ref": "#/components/schemas/T", "maxLength": 3 }
            }
        }));
        let warnings = downgrade(&mut doc);
        let props = &schema_of(&doc)["properties"];
        assert_eq!(props["plain"], json!({ "$ref": "#/components/schemas/T" }));
        assert_eq!(
            props["with_default"],
            json!({ "default": "x", "allOf": [{ "$ref": "#/components/schemas/T" }] })
        );
        assert_eq!(
            props["constrained"],
            json!({ "$ref": "#/components/schemas/T" })
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].pointer.to_string(),
            "#/components/schemas/S/properties/constrained"
        );
    }

    #[test]
    fn derived_operation_fields_are_dropped_in_any_version() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": { "/a": { "get": {
                "operationId": "getA", "x-operation-id-source": "derived",
                "summary": "Get a", "x-summary-source": "authored"
            } } }
        });
        downgrade(&mut doc);
        let op = &doc["paths"]["/a"]["get"];
        assert!(op.get("operationId").is_none());
        assert_eq!(op["summary"], "Get a");
        assert_eq!(lower_camel("operation-id"), "operationId");
    }
}
