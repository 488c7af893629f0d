//! The mutator: turns a seed document into a fuzz input by editing its JSON value, node by node,
//! in ways that reach the generator's corners (types changed, huge numbers, keyword and
//! digit-leading names, deep nesting, wide unions, `$ref` cycles, grafts from other documents),
//! then writing it out as JSON or YAML. A few inputs are written directly as text (deeply nested
//! flow collections, truncated documents), since no value can express them.

use serde_json::{Map, Number, Value, json};

use crate::Format;
use crate::corpus::Seed;
use crate::rng::Rng;

/// One fuzz input.
#[derive(Clone, Debug)]
pub struct Input {
    /// The document text.
    pub text: String,
    /// Its syntax.
    pub format: Format,
    /// What was done to which seed (for reports).
    pub recipe: String,
}

/// Input `index` of the run seeded `seed`: a pure function of both and the corpus.
pub fn input(seeds: &[Seed], seed: u64, index: u64) -> Input {
    let mut rng = Rng::for_input(seed, index);
    if rng.one_in(40) {
        return text_input(&mut rng, seeds);
    }
    let with_values: Vec<&Seed> = seeds.iter().filter(|s| s.value.is_some()).collect();
    let base = *rng.pick(&with_values);
    let mut value = base.value.clone().unwrap_or(Value::Null);
    let mut recipe = vec![
        base.path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    ];
    let steps = 1 + rng.below(6);
    for _ in 0..steps {
        let donor = rng
            .pick(&with_values)
            .value
            .as_ref()
            .unwrap_or(&Value::Null);
        recipe.push(mutate(&mut rng, &mut value, donor).to_owned());
    }
    let format = if rng.one_in(4) {
        Format::Yaml
    } else {
        Format::Json
    };
    let text = match format {
        Format::Json if rng.one_in(2) => serde_json::to_string_pretty(&value),
        Format::Json => serde_json::to_string(&value),
        Format::Yaml => {
            return Input {
                text: serde_yaml::to_string(&value).unwrap_or_default(),
                format,
                recipe: recipe.join(" "),
            };
        }
    }
    .unwrap_or_default();
    Input {
        text,
        format,
        recipe: recipe.join(" "),
    }
}

/// Applies one random mutation; returns its name.
pub fn mutate(rng: &mut Rng, doc: &mut Value, donor: &Value) -> &'static str {
    match rng.below(13) {
        0 => {
            let node = random_node(rng, doc);
            *node = interesting_value(rng);
            "replace"
        }
        1 => {
            let node = random_node(rng, doc);
            change_type(node);
            "change-type"
        }
        2 => {
            let node = random_container(rng, doc);
            delete_child(rng, node);
            "delete"
        }
        3 => {
            let node = random_container(rng, doc);
            duplicate_child(rng, node);
            "duplicate"
        }
        4 => {
            let node = random_container(rng, doc);
            rename_key(rng, node);
            "rename-key"
        }
        5 => {
            let node = random_container(rng, doc);
            if let Value::Object(map) = node {
                let key = (*rng.pick(SCHEMA_KEYWORDS)).to_owned();
                let value = if rng.one_in(2) {
                    interesting_value(rng)
                } else {
                    small_schema(rng)
                };
                map.insert(key, value);
            }
            "insert-keyword"
        }
        6 => {
            let node = random_node(rng, doc);
            let depth = nesting_depth(rng);
            nest(rng, node, depth);
            "nest"
        }
        7 => {
            ref_cycle(rng, doc);
            "ref-cycle"
        }
        8 => {
            let graft = random_node_ref(rng, donor).clone();
            *random_node(rng, doc) = graft;
            "graft"
        }
        9 => {
            let node = random_node(rng, doc);
            let span = if rng.one_in(8) { 400 } else { 12 };
            let width = 2 + rng.below(span);
            let parts: Vec<Value> = (0..width).map(|_| small_schema(rng)).collect();
            let key = *rng.pick(&["anyOf", "oneOf", "allOf"]);
            *node = json!({ key: parts });
            "wide-union"
        }
        10 => {
            add_path(rng, doc);
            "add-path"
        }
        11 => {
            rename_schema(rng, doc);
            "rename-schema"
        }
        _ => {
            let node = random_node(rng, doc);
            if let Value::Object(map) = node {
                let key = *rng.pick(&["minItems", "minLength", "maxLength", "maxItems"]);
                map.insert(key.to_owned(), huge_number(rng));
                if rng.one_in(2) {
                    let ty = *rng.pick(&["array", "string"]);
                    map.insert("type".to_owned(), Value::from(ty));
                }
            }
            "huge-bound"
        }
    }
}

/// Keys a schema or an operation may carry.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "$ref",
    "enum",
    "const",
    "nullable",
    "default",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "discriminator",
    "title",
    "description",
    "operationId",
    "tags",
    "parameters",
    "requestBody",
    "responses",
    "$defs",
    "prefixItems",
];

/// Names that trouble identifiers: Rust keywords (strict, reserved, and those raw identifiers
/// cannot spell), digit-leading, empty, punctuation only, non-ASCII.
pub const AWKWARD_NAMES: &[&str] = &[
    "self",
    "Self",
    "super",
    "crate",
    "type",
    "async",
    "extern",
    "fn",
    "mod",
    "r#type",
    "0abc",
    "1",
    "",
    "_",
    "__",
    "-",
    "a b",
    "é",
    "🦀",
    "日本語",
    "Ω-x",
    "\u{202e}rtl",
    "null",
    "true",
    "None",
    "Result",
    "std",
    "core",
    "ErrorBody",
    "Unknown",
    "gen",
    "try",
    "abstract",
    "union",
    "dyn",
];

/// Paths that trouble the naming of groups and operations.
const AWKWARD_PATHS: &[&str] = &[
    "/0abc",
    "/self",
    "/Self/{id}",
    "/super",
    "/crate/{crate}",
    "/type",
    "/async/{async}",
    "/extern",
    "/api/v1/{id}",
    "/",
    "/{}",
    "/{a}{b}",
    "/é/ü",
    "/a//b",
    "/api/v1/auth/universal-auth/login",
    "/x/{self}",
    "/x/{0}",
];

fn interesting_value(rng: &mut Rng) -> Value {
    match rng.below(16) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => huge_number(rng),
        3 => Value::from(-1),
        4 => Value::from(0),
        5 => json!(1.5e308),
        6 => Value::from(*rng.pick(AWKWARD_NAMES)),
        7 => Value::from(*rng.pick(&[
            "object", "array", "string", "integer", "number", "boolean", "null", "file",
        ])),
        8 => json!([]),
        9 => json!({}),
        10 => Value::from("x".repeat(1 + rng.below(2000))),
        11 => json!(["null", "string"]),
        12 => json!({"$ref": "#/components/schemas/Missing"}),
        13 => Value::from(*rng.pick(&[
            "uuid",
            "date-time",
            "date",
            "email",
            "uri",
            "int64",
            "binary",
        ])),
        14 => json!(-9.3e-300),
        _ => small_schema(rng),
    }
}

fn huge_number(rng: &mut Rng) -> Value {
    match rng.below(7) {
        0 => Value::from(u64::MAX),
        1 => Value::from(u64::from(u32::MAX)),
        2 => Value::from(300_000),
        3 => Value::from(i64::MIN),
        4 => Value::from(1u64 << 53),
        5 => json!(1e300),
        _ => Value::from(rng.next_u64()),
    }
}

fn small_schema(rng: &mut Rng) -> Value {
    let name = *rng.pick(AWKWARD_NAMES);
    match rng.below(10) {
        0 => json!({"type": "string"}),
        1 => json!({"type": "integer", "minimum": 3}),
        2 => json!({"type": "array", "items": {"type": "string"}}),
        3 => {
            json!({"type": "object", "properties": {name: {"type": "string"}}, "required": [name]})
        }
        4 => json!({"type": "string", "enum": [name, "b"]}),
        5 => json!({"type": "string", "format": "uuid"}),
        6 => json!({"type": "object", "additionalProperties": {"type": "number"}}),
        7 => json!({"type": "object", "properties": {"kind": {"type": "string", "enum": [name]}}}),
        8 => json!({"nullable": true, "type": "boolean"}),
        _ => json!({"type": ["string", "null"], "minLength": rng.below(5)}),
    }
}

fn nesting_depth(rng: &mut Rng) -> usize {
    match rng.below(10) {
        0 => 500 + rng.below(5000),
        1..=3 => 20 + rng.below(100),
        _ => 1 + rng.below(12),
    }
}

/// Wraps `node` in `depth` schemas that each hold it once (object property, array items, a
/// one-part composition), or, rarely, that hold it twice (the shape that makes work double per
/// level when a pass is not linear).
fn nest(rng: &mut Rng, node: &mut Value, depth: usize) {
    let kind = rng.below(7);
    let mut inner = std::mem::take(node);
    for level in 0..depth {
        inner = match kind {
            0 => json!({"type": "object", "properties": {"a": inner}}),
            1 => json!({"type": "array", "items": inner}),
            2 => json!({"allOf": [inner]}),
            3 => json!({"anyOf": [inner, {"type": "string"}]}),
            4 => json!({"oneOf": [inner]}),
            5 => {
                json!({"type": "object", "properties": {format!("p{level}"): inner.clone(), "b": inner}})
            }
            _ => json!({"allOf": [inner.clone(), {"properties": {"x": inner}}]}),
        };
        // Doubling shapes stay small enough to write out (a few hundred kilobytes: the time
        // bound is for superlinear passes, not for megabyte inputs).
        if kind >= 5 && level >= 8 {
            break;
        }
    }
    *node = inner;
}

/// Points a schema at one of its ancestors, or makes two components refer to each other.
fn ref_cycle(rng: &mut Rng, doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if schemas.is_empty() || rng.one_in(3) {
        schemas.insert(
            "CycleA".to_owned(),
            json!({"type": "object", "properties": {"b": {"$ref": "#/components/schemas/CycleB"}}}),
        );
        schemas.insert(
            "CycleB".to_owned(),
            json!({"allOf": [{"$ref": "#/components/schemas/CycleA"}], "nullable": true}),
        );
        return;
    }
    let names: Vec<String> = schemas.keys().cloned().collect();
    let name = rng.pick(&names).clone();
    let target = format!("#/components/schemas/{}", escape_pointer(&name));
    if let Some(schema) = schemas.get_mut(&name) {
        let node = random_node(rng, schema);
        *node = if rng.one_in(2) {
            json!({"$ref": target})
        } else {
            json!({"type": "array", "items": {"$ref": target}})
        };
    }
}

/// Adds a path with an awkward name, copying an existing path item when there is one.
fn add_path(rng: &mut Rng, doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let item = if paths.is_empty() || rng.one_in(3) {
        json!({"get": {"tags": [rng.pick(AWKWARD_NAMES)], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": small_schema(rng)}}}}}})
    } else {
        let keys: Vec<String> = paths.keys().cloned().collect();
        paths[rng.pick(&keys).as_str()].clone()
    };
    paths.insert((*rng.pick(AWKWARD_PATHS)).to_owned(), item);
}

/// Renames a component schema to an awkward name and follows every reference to it.
fn rename_schema(rng: &mut Rng, doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    if names.is_empty() {
        return;
    }
    let old = rng.pick(&names).clone();
    let new = (*rng.pick(AWKWARD_NAMES)).to_owned();
    if schemas.contains_key(&new) {
        return;
    }
    let Some(schema) = schemas.shift_remove(&old) else {
        return;
    };
    schemas.insert(new.clone(), schema);
    let from = format!("#/components/schemas/{}", escape_pointer(&old));
    let to = format!("#/components/schemas/{}", escape_pointer(&new));
    retarget(doc, &from, &to);
}

fn retarget(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" && child.as_str() == Some(from) {
                    *child = Value::from(to);
                } else {
                    retarget(child, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| retarget(c, from, to)),
        _ => {}
    }
}

fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn change_type(node: &mut Value) {
    *node = match std::mem::take(node) {
        Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
        Value::Array(items) => Value::Object(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
        ),
        Value::String(s) => s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| json!([s]), Value::Number),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Null => json!({}),
    };
}

fn delete_child(rng: &mut Rng, node: &mut Value) {
    match node {
        Value::Object(map) if !map.is_empty() => {
            let idx = rng.below(map.len());
            if let Some(key) = map.keys().nth(idx).cloned() {
                map.shift_remove(&key);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let idx = rng.below(items.len());
            items.remove(idx);
        }
        _ => {}
    }
}

fn duplicate_child(rng: &mut Rng, node: &mut Value) {
    match node {
        Value::Object(map) if !map.is_empty() => {
            let idx = rng.below(map.len());
            let (key, value) = map
                .iter()
                .nth(idx)
                .map(|(k, v)| (k.clone(), v.clone()))
                .unwrap_or_default();
            let new_key = if rng.one_in(2) {
                (*rng.pick(AWKWARD_NAMES)).to_owned()
            } else {
                format!("{key}{}", rng.below(10))
            };
            map.insert(new_key, value);
        }
        Value::Array(items) if !items.is_empty() => {
            let idx = rng.below(items.len());
            let copy = items[idx].clone();
            let times = if rng.one_in(10) { 100 } else { 1 };
            items.extend(std::iter::repeat_n(copy, times));
        }
        _ => {}
    }
}

fn rename_key(rng: &mut Rng, node: &mut Value) {
    let Value::Object(map) = node else { return };
    if map.is_empty() {
        return;
    }
    let idx = rng.below(map.len());
    let new_key = (*rng.pick(AWKWARD_NAMES)).to_owned();
    if map.contains_key(&new_key) {
        return;
    }
    let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    *map = entries
        .into_iter()
        .enumerate()
        .map(|(i, (k, v))| {
            if i == idx {
                (new_key.clone(), v)
            } else {
                (k, v)
            }
        })
        .collect::<Map<String, Value>>();
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

/// A node chosen uniformly (pre-order index).
fn random_node<'a>(rng: &mut Rng, doc: &'a mut Value) -> &'a mut Value {
    let target = rng.below(count(doc));
    nth_mut(doc, target)
}

fn nth_mut(value: &mut Value, mut n: usize) -> &mut Value {
    if n == 0 {
        return value;
    }
    n -= 1;
    let children: Vec<&mut Value> = match value {
        Value::Object(map) => map.values_mut().collect(),
        Value::Array(items) => items.iter_mut().collect(),
        _ => unreachable!("a scalar has no descendants to index"),
    };
    for child in children {
        let size = count(child);
        if n < size {
            return nth_mut(child, n);
        }
        n -= size;
    }
    unreachable!("the index is below the node count")
}

fn random_node_ref<'a>(rng: &mut Rng, doc: &'a Value) -> &'a Value {
    let mut n = rng.below(count(doc));
    let mut node = doc;
    'descend: while n > 0 {
        n -= 1;
        let children: Vec<&Value> = match node {
            Value::Object(map) => map.values().collect(),
            Value::Array(items) => items.iter().collect(),
            _ => break,
        };
        for child in children {
            let size = count(child);
            if n < size {
                node = child;
                continue 'descend;
            }
            n -= size;
        }
        break;
    }
    node
}

/// A random object or array (the root when there is no other).
fn random_container<'a>(rng: &mut Rng, doc: &'a mut Value) -> &'a mut Value {
    for _ in 0..8 {
        let target = rng.below(count(doc));
        if matches!(nth_mut(doc, target), Value::Object(_) | Value::Array(_)) {
            return nth_mut(doc, target);
        }
    }
    doc
}

/// Inputs written as text: deeply nested flow collections, truncated or spliced documents.
fn text_input(rng: &mut Rng, seeds: &[Seed]) -> Input {
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep: ";
    let depth = 1000 + rng.below(20_000);
    let (text, format, recipe) = match rng.below(4) {
        0 => (
            format!("{head}{}1{}\n", "{a: ".repeat(depth), "}".repeat(depth)),
            Format::Yaml,
            format!("yaml-flow-mappings-{depth}"),
        ),
        1 => (
            format!("{head}{}1{}\n", "[".repeat(depth), "]".repeat(depth)),
            Format::Yaml,
            format!("yaml-flow-sequences-{depth}"),
        ),
        2 => (
            format!(
                "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x\": {}1{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
            Format::Json,
            format!("json-arrays-{depth}"),
        ),
        _ => {
            let seed = rng.pick(seeds);
            let mut cut = rng.below(seed.text.len().max(1));
            while !seed.text.is_char_boundary(cut) {
                cut -= 1;
            }
            (
                seed.text[..cut].to_owned(),
                seed.format,
                format!("truncated-{cut}"),
            )
        }
    };
    Input {
        text,
        format,
        recipe,
    }
}
