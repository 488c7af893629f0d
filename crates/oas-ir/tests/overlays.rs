//! The committed overlays (`spec/overlays/`) applied to the real documents they were written for.
//!
//! The documents are third-party data kept beside the project (`../shared/spec/`, or the folder
//! `$INFISICAL_SPEC_DIR` names), never committed; where a document is absent (a fresh clone) these
//! tests check only that each overlay parses and record the rest as not run (see `common`), or fail
//! when documents are required.

mod common;

use std::path::{Path, PathBuf};

use oas_ir::load::Format;
use oas_ir::overlay;
use serde_json::Value;

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `(method, path, secured)` for every operation; secured means a non-empty `security` list.
fn operations(document: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if METHODS.contains(&method.as_str()) {
                let secured = op
                    .get("security")
                    .and_then(Value::as_array)
                    .is_some_and(|list| !list.is_empty());
                out.push((method.clone(), path.clone(), secured));
            }
        }
    }
    out
}

struct Case {
    overlay: &'static str,
    document: &'static str,
    operations: usize,
    secured_before: usize,
    secured_after: usize,
}

/// Applies the overlay; every action must change exactly one operation, and the result must still
/// be an OpenAPI document.
fn check(case: &Case) {
    let root = project_root();
    let text = read(&root.join("spec/overlays").join(case.overlay));
    let overlay = overlay::parse(&text, Format::Yaml).unwrap_or_else(|errors| {
        panic!("{}: {errors:#?}", case.overlay);
    });
    assert_eq!(
        overlay.actions.len(),
        case.secured_after - case.secured_before,
        "one action per operation to secure"
    );
    let doc_path = common::data_dir().join(case.document);
    if !doc_path.is_file() {
        common::document_absent(
            &format!(
                "oas-ir overlays: {} applied to {}",
                case.overlay, case.document
            ),
            &doc_path,
        );
        return;
    }
    let doc_text = read(&doc_path);
    let mut document: Value = if case.document.ends_with(".json") {
        serde_json::from_str(&doc_text).expect("the document is JSON")
    } else {
        serde_yaml::from_str(&doc_text).expect("the document is YAML")
    };
    let before = operations(&document);
    assert_eq!(before.len(), case.operations);
    assert_eq!(before.iter().filter(|op| op.2).count(), case.secured_before);

    let report = overlay.apply(&mut document).unwrap_or_else(|errors| {
        panic!("{}: {errors:#?}", case.overlay);
    });
    assert!(
        report.warnings.is_empty(),
        "every action must match: {:#?}",
        report.warnings
    );
    for action in &report.actions {
        assert_eq!(action.changed.len(), 1, "{}", action.target);
        assert!(
            action.changed[0].as_str().starts_with("/paths/"),
            "{}",
            action.changed[0]
        );
    }
    let after = operations(&document);
    assert_eq!(after.len(), case.operations, "no operation added or lost");
    assert_eq!(after.iter().filter(|op| op.2).count(), case.secured_after);
    // Only operations that lacked security were touched.
    for (old, new) in before.iter().zip(&after) {
        assert!(!old.2 || new.2, "{} {} lost its security", old.0, old.1);
    }
    // Logging in never needs a token.
    let login = after
        .iter()
        .find(|op| op.0 == "post" && op.1 == "/api/v1/auth/universal-auth/login")
        .expect("the universal auth login operation");
    assert!(!login.2, "login must stay public");
    // The corrected document still reads as OpenAPI.
    serde_json::from_value::<openapiv3::OpenAPI>(document).expect("still an OpenAPI document");
}

#[test]
fn the_2024_10_security_overlay_secures_what_the_backend_authenticates() {
    check(&Case {
        overlay: "2024-10.security.overlay.yaml",
        document: "infisical-openapi.json",
        operations: 489,
        secured_before: 139,
        secured_after: 437,
    });
}

/// The pin's default file is the YAML rendering of the same document.
#[test]
fn the_2024_10_security_overlay_applies_to_the_yaml_rendering_too() {
    check(&Case {
        overlay: "2024-10.security.overlay.yaml",
        document: "infisical-openapi.yml",
        operations: 489,
        secured_before: 139,
        secured_after: 437,
    });
}

#[test]
fn the_2025_06_security_overlay_secures_what_the_backend_authenticates() {
    check(&Case {
        overlay: "2025-06.security.overlay.yaml",
        document: "2025-06/infisical-openapi.json",
        operations: 762,
        secured_before: 141,
        secured_after: 746,
    });
}
