//! Documents built to hurt the generator (found by `oas-fuzz` or measured by hand): each must be
//! refused or built with located diagnostics, never panic, and cost work in proportion to its
//! size. No timing: an exponential pass shows as a test that never ends (the depths below would
//! take years), and work is counted in schema visits.

use oas_ir::load::{Format, load, parse_value};
use oas_ir::{Config, Severity, build};
use serde_json::{Value, json};

/// A document whose one operation answers with `schema`.
fn document(schema: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": schema}}
        }}}}}
    })
}

/// `depth` objects, each holding the next as property `a`, around `leaf`.
fn nested(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(
        leaf,
        |inner, _| json!({"type": "object", "properties": {"a": inner}}),
    )
}

fn yaml(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap()
}

#[test]
fn nested_schemas_with_a_broken_leaf_are_refused_in_linear_time() {
    // 50 levels (the JSON parser's nesting limit is 128 values): typing this whole took 2^50
    // steps before broken schemas were looked for one node at a time.
    let doc = document(nested(50, json!({"type": "string", "minLength": "bad"})));
    let leaf = format!(
        "/paths/~1x/get/responses/200/content/application~1json/schema{}/minLength",
        "/properties/a".repeat(50)
    );
    for (text, format) in [
        (serde_json::to_string(&doc).unwrap(), Format::Json),
        (yaml(&doc), Format::Yaml),
    ] {
        let errors = load(&text, format).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer.as_str(), leaf);
        assert!(
            errors[0]
                .message
                .contains("expected a non-negative integer")
        );
    }
    // A broken discriminator is not a keyword of the wrong JSON type: the fast path's scan must
    // still send it down the value path.
    let doc = document(nested(50, json!({"type": "object", "discriminator": {}})));
    let errors = load(&serde_json::to_string(&doc).unwrap(), Format::Json).unwrap_err();
    assert!(
        errors[0]
            .pointer
            .as_str()
            .ends_with(&"/properties/a".repeat(50))
            && errors[0].message.contains("propertyName"),
        "{errors:?}"
    );
}

#[test]
fn deeply_nested_yaml_flow_mappings_are_refused_before_parsing() {
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep: ";
    for open in ["{a: ", "["] {
        let close = if open == "[" { "]" } else { "}" };
        let text = format!("{head}{}1{}\n", open.repeat(10_000), close.repeat(10_000));
        let errors = parse_value(&text, Format::Yaml).unwrap_err();
        assert!(
            errors[0].message.contains("nest deeper than 256 levels"),
            "{errors:?}"
        );
        assert_eq!(errors[0].location.map(|(line, _)| line), Some(4));
    }
    // Braces in quoted scalars and comments do not count; 100 real levels still parse.
    let quoted = format!(
        "openapi: 3.0.3 # {}\ninfo: {{title: '{}', version: \"{}\"}}\npaths: {{}}\nx-deep: {}1{}\n",
        "{".repeat(300),
        "[".repeat(300),
        "{".repeat(300),
        "[".repeat(100),
        "]".repeat(100)
    );
    let value = parse_value(&quoted, Format::Yaml).unwrap();
    assert_eq!(value["info"]["title"].as_str().map(str::len), Some(300));
}

#[test]
fn duplicate_yaml_keys_and_multi_document_yaml_are_refused() {
    let duplicate = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {}\n  /a: {}\n";
    let errors = parse_value(duplicate, Format::Yaml).unwrap_err();
    assert!(errors[0].message.contains("duplicate key"), "{errors:?}");
    assert_eq!(errors[0].location.map(|(line, _)| line), Some(5));
    let two = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n---\nopenapi: 3.0.3\n";
    let errors = parse_value(two, Format::Yaml).unwrap_err();
    assert!(
        errors[0].message.contains("more than one document"),
        "{errors:?}"
    );
}

#[test]
fn huge_min_items_and_min_length_build_with_a_located_warning() {
    for (keyword, ty, bound) in [
        ("minItems", "array", u64::from(u32::MAX)),
        ("minItems", "array", u64::MAX),
        ("minLength", "string", 300_000),
        ("minLength", "string", u64::MAX),
    ] {
        let mut schema = json!({"type": ty, keyword: bound});
        if ty == "array" {
            schema["items"] = json!({"type": "string"});
        }
        let text = serde_json::to_string(&document(schema)).unwrap();
        let doc = load(&text, Format::Json).unwrap().doc;
        let out = build(&doc, &Config::default()).unwrap();
        let warning = out
            .warnings
            .iter()
            .find(|w| w.pointer.as_str().ends_with(keyword))
            .unwrap_or_else(|| panic!("no warning for {keyword}: {bound}: {:?}", out.warnings));
        assert_eq!(warning.severity, Severity::Warning);
        assert!(warning.message.contains(&bound.to_string()));
    }
}

#[test]
fn a_path_segment_starting_with_a_digit_names_a_plain_group() {
    let mut doc = document(json!({"type": "string"}));
    let item = doc["paths"]["/x"].clone();
    for path in [
        "/0abc",
        "/self",
        "/Self/{id}",
        "/super",
        "/crate",
        "/type",
        "/async",
        "/extern",
    ] {
        doc["paths"][path] = item.clone();
    }
    let doc: openapiv3::OpenAPI = serde_json::from_value(doc).unwrap();
    let out = build(&doc, &Config::default()).unwrap();
    let groups: Vec<&str> = out
        .api
        .operations
        .iter()
        .map(|op| op.name.group.as_str())
        .collect();
    for group in &groups {
        assert!(oas_ir::is_plain_ident(group), "group `{group}`");
    }
    assert!(
        groups.contains(&"n0abc") && groups.contains(&"self_"),
        "{groups:?}"
    );
}

#[test]
fn schemas_named_like_keywords_get_plain_type_names() {
    let names = [
        "self", "Self", "super", "crate", "type", "async", "extern", "0abc", "🦀",
    ];
    let mut doc = document(json!({
        "type": "object",
        "properties": names
            .iter()
            .map(|n| (n.to_string(), json!({"$ref": format!("#/components/schemas/{n}")})))
            .collect::<serde_json::Map<String, Value>>()
    }));
    doc["components"] = json!({"schemas": names
        .iter()
        .map(|n| (n.to_string(), json!({"type": "object", "properties": {*n: {"type": "integer"}}})))
        .collect::<serde_json::Map<String, Value>>()});
    let doc: openapiv3::OpenAPI = serde_json::from_value(doc).unwrap();
    let out = build(&doc, &Config::default()).unwrap();
    for ty in out.api.types.iter().filter(|t| t.is_named()) {
        assert!(oas_ir::is_plain_ident(&ty.name), "type `{}`", ty.name);
    }
}

/// Schema visits per input byte of a document.
fn visits_per_byte(value: &Value) -> f64 {
    let text = serde_json::to_string(value).unwrap();
    let doc: openapiv3::OpenAPI = serde_json::from_str(&text).unwrap();
    let out = build(&doc, &Config::default()).unwrap();
    out.schema_visits as f64 / text.len() as f64
}

/// "No input of size n costs more than a fixed multiple of a real document's work per byte",
/// counted in schema visits: adversarial shapes (deep nesting, wide unions, one schema
/// referenced from many places, nested compositions) stay within twice the worst fixture.
#[test]
fn lowering_work_per_byte_of_adversarial_documents_is_bounded_by_the_fixtures() {
    // Unoptimized builds spend tens of kilobytes of stack per nested schema in serde's derived
    // code, more than a test thread's 2 MB for 50 levels; `oas-fuzz` checks the release build on
    // a main thread's 8 MB at the parsers' nesting limit.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(work_per_byte_is_bounded)
        .unwrap()
        .join()
        .unwrap();
}

fn work_per_byte_is_bounded() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/fixtures");
    let mut worst: f64 = 0.0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(loaded) = load(&text, Format::Yaml) else {
            continue;
        };
        let Ok(out) = build(&loaded.doc, &Config::default()) else {
            continue;
        };
        // Per byte of the same document written as compact JSON, as the adversarial ones are.
        let json = serde_json::to_string(&parse_value(&text, Format::Yaml).unwrap()).unwrap();
        worst = worst.max(out.schema_visits as f64 / json.len() as f64);
    }
    assert!(worst > 0.0);
    let wide: Vec<Value> = (0..400)
        .map(|i| json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}))
        .collect();
    let shared = json!({"$ref": "#/components/schemas/Shared"});
    let mut referenced = document(json!({"type": "object", "properties":
        (0..300).map(|i| (format!("p{i}"), shared.clone())).collect::<serde_json::Map<String, Value>>()}));
    referenced["components"] =
        json!({"schemas": {"Shared": nested(40, json!({"type": "string"}))}});
    // Within the JSON parser's nesting limit (128 values).
    let compositions = (0..30).fold(json!({"type": "string"}), |inner, _| {
        json!({"allOf": [inner, {"type": "object", "properties": {"x": {"type": "integer"}}}]})
    });
    let cases = [
        (
            "deep nesting",
            document(nested(50, json!({"type": "string"}))),
        ),
        ("wide union", document(json!({"anyOf": wide}))),
        ("one schema referenced 300 times", referenced),
        ("nested compositions", document(compositions)),
    ];
    for (name, doc) in cases {
        let cost = visits_per_byte(&doc);
        assert!(
            cost <= 2.0 * worst,
            "{name}: {cost:.4} schema visits per byte, the fixtures' worst is {worst:.4}"
        );
    }
}
