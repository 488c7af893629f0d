//! Name stability and the change report, tested on realistic edits of the real pinned document.
//!
//! Each test loads the pinned document (with its overlays), builds its surface without a lock,
//! applies one edit in memory, builds again with the first surface as the lock, and checks the
//! change report item by item, and that nothing was renamed. The table of edits is in
//! `docs/naming.md`.

#![cfg(test)]

use oas_ir::surface::{self, ChangeKind, Changes, Surface};
use serde_json::{Value, json};

use crate::{codegen, profile, spec};

/// The pinned document after its overlays, as the generator sees it.
fn pinned_value() -> Value {
    let spec = spec::resolve(None).expect("the pinned document (set INFISICAL_SPEC_DIR)");
    let mut value = oas_ir::load::parse_value(&spec.text, spec.format).expect("parses");
    oas_ir::load::downgrade(&mut value);
    let overlays =
        profile::overlays_for(&spec::sha256_hex(spec.text.as_bytes())).expect("overlays");
    for (_, overlay) in &overlays {
        overlay.apply(&mut value).expect("the overlay applies");
    }
    value
}

fn build(value: &Value, lock: Option<Surface>) -> (oas_ir::model::Api, Surface) {
    let doc = oas_ir::load::typed(value).expect("a valid document");
    let config = oas_ir::Config {
        names: codegen::read_names().expect("names file"),
        conventions: profile::conventions(),
        lock,
    };
    let out = oas_ir::build(&doc, &config).expect("builds");
    let surface = surface::surface(&out.api);
    (out.api, surface)
}

struct Base {
    value: Value,
    api: oas_ir::model::Api,
    surface: Surface,
}

fn base() -> Base {
    let value = pinned_value();
    let (api, surface) = build(&value, None);
    Base {
        value,
        api,
        surface,
    }
}

/// Applies `edit` to the base document and reports against the base surface.
fn report(base: &Base, edit: impl FnOnce(&mut Value, &oas_ir::model::Api)) -> Changes {
    let mut value = base.value.clone();
    edit(&mut value, &base.api);
    let (_, new) = build(&value, Some(base.surface.clone()));
    surface::diff(&base.surface, &new)
}

/// `(item, kind, where)` of each change.
fn items(changes: &Changes) -> Vec<(&'static str, ChangeKind, String)> {
    changes
        .changes
        .iter()
        .map(|c| (c.item, c.kind, c.path.clone()))
        .collect()
}

/// Every place a named type occurs in the document.
fn origins_of(api: &oas_ir::model::Api, name: &str) -> Vec<String> {
    let ty = api
        .types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("the pinned document has a type named {name}"));
    ty.origins.iter().map(|o| o.as_str().to_owned()).collect()
}

fn at<'v>(value: &'v mut Value, pointer: &str) -> &'v mut serde_json::Map<String, Value> {
    value
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("an object at {pointer}"))
}

fn paths(value: &mut Value) -> &mut serde_json::Map<String, Value> {
    at(value, "/paths")
}

/// The lock is a fixpoint: regenerating the same document with its own lock changes nothing.
#[test]
fn the_lock_is_a_fixpoint() {
    let base = base();
    let changes = report(&base, |_, _| {});
    assert!(changes.changes.is_empty(), "{:?}", items(&changes));
    let text = base.surface.to_lock();
    assert_eq!(Surface::from_lock(&text).unwrap(), base.surface);
}

#[test]
fn realistic_edits_give_exactly_their_report() {
    let base = base();

    // 1. A new operation, with a response shape of its own.
    let changes = report(&base, |value, _| {
        paths(value).insert(
            "/api/v1/widgets".to_owned(),
            json!({"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "required": ["widgets"],
                "properties": {"widgets": {"type": "array", "items": {
                    "type": "object", "required": ["id", "label"],
                    "properties": {"id": {"type": "string"}, "label": {"type": "string"}}}}}}}}}}}}),
        );
    });
    let got = items(&changes);
    assert_eq!(changes.renames(), 0, "{got:?}");
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        got[0],
        (
            "operation",
            ChangeKind::Added,
            "GET /api/v1/widgets".to_owned()
        )
    );
    assert!(
        got[1..]
            .iter()
            .all(|(item, kind, _)| *item == "type" && *kind == ChangeKind::Added),
        "{got:?}"
    );
    assert_eq!(changes.client().bump(), "minor");
    assert_eq!(changes.server().bump(), "minor");

    // 2. A field added to a model, everywhere the model occurs (a response type).
    let changes = report(&base, |value, api| {
        for origin in origins_of(api, "RawSecret") {
            at(value, &origin)
                .entry("properties")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("properties")
                .insert("note".to_owned(), json!({"type": "string"}));
        }
    });
    assert_eq!(
        items(&changes),
        [("field", ChangeKind::Added, "RawSecret.note".to_owned())]
    );
    // The server builds responses (a struct literal misses the field); the client only reads.
    assert_eq!(changes.client().bump(), "minor");
    assert_eq!(changes.server().bump(), "major");

    // 3. A value added to an enum, everywhere it occurs.
    let changes = report(&base, |value, api| {
        for origin in origins_of(api, "PermissionAction") {
            at(value, &origin)
                .get_mut("enum")
                .and_then(Value::as_array_mut)
                .expect("an enum")
                .push(json!("archive"));
        }
    });
    assert_eq!(
        items(&changes),
        [(
            "enum value",
            ChangeKind::Added,
            "PermissionAction::Archive".to_owned()
        )]
    );
    assert_eq!(changes.client().bump(), "minor");
    assert_eq!(changes.server().bump(), "minor");

    // 4. A permission subject added to the project permission union, everywhere it occurs.
    let changes = report(&base, |value, api| {
        // The wire overlay's read-backs refer to the union (`$ref`): only its definitions change.
        for origin in origins_of(api, "ProjectPermission") {
            let Some(alternatives) = at(value, &origin)
                .get_mut("anyOf")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            let mut subject = alternatives.last().expect("a subject").clone();
            subject["properties"]["subject"]["enum"] = json!(["widgets"]);
            alternatives.push(subject);
        }
    });
    assert_eq!(
        items(&changes),
        [(
            "union variant",
            ChangeKind::Added,
            "ProjectPermission::Widgets".to_owned()
        )]
    );
    assert!(!changes.is_breaking());

    // 5. A path parameter renamed: same wire, same method name, same argument name.
    let old_path = "/api/v1/workspace/{workspaceId}/environments/{envId}";
    let new_path = "/api/v1/workspace/{projectId}/environments/{envId}";
    let changes = report(&base, |value, _| {
        // Same place in the document, new key.
        let paths = paths(value);
        let entries: Vec<(String, Value)> = std::mem::take(paths).into_iter().collect();
        assert!(entries.iter().any(|(key, _)| key == old_path), "the path");
        for (key, mut item) in entries {
            if key != old_path {
                paths.insert(key, item);
                continue;
            }
            for op in item.as_object_mut().expect("a path item").values_mut() {
                for param in op["parameters"].as_array_mut().expect("parameters") {
                    if param["name"] == "workspaceId" {
                        param["name"] = json!("projectId");
                    }
                }
            }
            paths.insert(new_path.to_owned(), item);
        }
    });
    assert_eq!(
        items(&changes),
        [(
            "parameter",
            ChangeKind::Changed,
            format!("GET {new_path} path parameter 1")
        )]
    );
    assert!(!changes.is_breaking());
    assert_eq!(changes.client().bump(), "patch");

    // 6. Paths reordered (reversed): nothing changes.
    let changes = report(&base, |value, _| {
        let paths = paths(value);
        let entries: Vec<(String, Value)> = std::mem::take(paths).into_iter().collect();
        paths.extend(entries.into_iter().rev());
    });
    assert_eq!(items(&changes), []);

    // 7. An operation removed whose types other operations still use.
    let changes = report(&base, |value, _| {
        at(
            value,
            "/paths/~1api~1v1~1workspace~1{workspaceId}~1environments~1{id}",
        )
        .shift_remove("delete")
        .expect("the operation");
    });
    assert_eq!(
        items(&changes),
        [(
            "operation",
            ChangeKind::Removed,
            "DELETE /api/v1/workspace/{workspaceId}/environments/{id}".to_owned()
        )]
    );
    assert_eq!(changes.client().bump(), "major");
}
