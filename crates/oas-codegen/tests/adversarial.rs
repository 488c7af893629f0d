//! Documents that broke emission (found by `oas-fuzz` or measured by hand): keyword and
//! digit-leading names must give code that parses, and samples must stay small whatever bounds
//! the document declares.

use oas_codegen::{Config, emit_client, emit_server, emit_types};
use oas_ir::model::{Api, TypeId, TypeKind};
use serde_json::{Value, json};

fn build(doc: &Value) -> Api {
    let doc: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
    oas_ir::build(&doc, &oas_ir::Config::default()).unwrap().api
}

fn operation(schema: Value) -> Value {
    json!({"get": {"responses": {"200": {
        "description": "ok",
        "content": {"application/json": {"schema": schema}}
    }}}, "post": {
        "requestBody": {"content": {"application/json": {"schema": schema}}},
        "responses": {"204": {"description": "done"}}
    }})
}

/// Every rendered file parses with syn and is not the renderer's fallback for invalid tokens.
fn assert_parses(api: &Api) {
    let config = Config::default();
    let mut files = emit_types(api, &config);
    files.extend(emit_client(api, &config));
    files.extend(emit_server(api, &config));
    for file in files {
        assert!(
            !file.contents.contains("compile_error!"),
            "{}: {}",
            file.path,
            file.contents
        );
        syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{}: {e}", file.path));
    }
}

const AWKWARD: &[&str] = &[
    "self", "Self", "super", "crate", "type", "async", "extern", "0abc", "fn", "_", "🦀",
];

#[test]
fn keyword_groups_and_schema_names_generate_code_that_parses() {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for name in AWKWARD {
        schemas.insert(
            (*name).to_owned(),
            json!({"type": "object", "properties": {*name: {"type": "string", "enum": [*name, "b"]}}}),
        );
        let reference = json!({"$ref": format!("#/components/schemas/{}", name)});
        paths.insert(format!("/{name}/{{{name}}}"), operation(reference));
    }
    // Groups from tags too.
    paths.insert(
        "/tagged".to_owned(),
        json!({"get": {"tags": ["self"], "responses": {"204": {"description": "done"}}}}),
    );
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    });
    assert_parses(&build(&doc));
}

#[test]
fn a_path_segment_starting_with_a_digit_generates_code_that_parses() {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/0abc": operation(json!({"type": "string"}))}
    });
    assert_parses(&build(&doc));
}

/// The number of JSON values in a sample.
fn size(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(size).sum(),
        Value::Object(map) => map.values().map(size).sum(),
        _ => 0,
    }
}

fn body_type(api: &Api) -> TypeId {
    api.operations
        .iter()
        .find_map(|op| op.body.as_ref().map(|b| b.ty))
        .unwrap()
}

#[test]
fn huge_min_items_and_min_length_give_bounded_samples() {
    let limit = oas_ir::model::LARGEST_SAMPLED_MINIMUM;
    for schema in [
        json!({"type": "array", "minItems": u32::MAX, "items": {"type": "string"}}),
        json!({"type": "array", "minItems": u64::MAX, "items": {"type": "string"}}),
        json!({"type": "string", "minLength": 300_000}),
        json!({"type": "string", "minLength": u64::MAX}),
    ] {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": operation(schema.clone())}
        });
        let api = build(&doc);
        let sample = oas_codegen::samples::sample_json(&api, body_type(&api));
        match &sample {
            Value::Array(items) => assert_eq!(items.len() as u64, limit, "{schema}"),
            Value::String(text) => assert_eq!(text.len() as u64, limit, "{schema}"),
            other => panic!("{schema}: {other}"),
        }
        assert_parses(&api);
    }
    // Minimums met exactly below the limit.
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": operation(json!({"type": "string", "minLength": 40, "maxLength": 50}))}
    });
    let api = build(&doc);
    let sample = oas_codegen::samples::sample_json(&api, body_type(&api));
    assert_eq!(sample.as_str().map(str::len), Some(40));
}

#[test]
fn nested_arrays_with_large_minimums_give_bounded_samples() {
    let nested = (0..6).fold(
        json!({"type": "string"}),
        |inner, _| json!({"type": "array", "minItems": 1000, "items": inner}),
    );
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": operation(nested)}
    });
    let api = build(&doc);
    let ty = body_type(&api);
    assert!(matches!(api.ty(ty).kind, TypeKind::Array(_)));
    let sample = oas_codegen::samples::sample_json(&api, ty);
    // The product of the lengths along a path stays within the budget (once it is spent, arrays
    // hold one item), so each of the 7 levels holds at most the budget's worth of values.
    assert!(
        size(&sample) as u64 <= 7 * oas_codegen::samples::SAMPLE_VALUES,
        "{} values",
        size(&sample)
    );
    assert_eq!(sample.as_array().map(Vec::len), Some(1000));
}
