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

/// The wire overlays (`*.wire.overlay.yaml`) applied after the security ones, then built as codegen
/// builds them: every action matches, the bodies they retype are text or bytes, the permission
/// rules read back have the very type of the rules sent, the merged error body's `message` is a
/// union, and the empty answers are optional.
struct Wire {
    document: &'static str,
    prefix: &'static str,
    /// `(method, path, content type)` of the answers that are not JSON.
    not_json: &'static [(&'static str, &'static str, &'static str)],
    /// `(method, path, content type)` of the request bodies that are not JSON.
    bodies_not_json: &'static [(&'static str, &'static str, &'static str)],
    /// `(method, path)` of a request whose permission rules are the union.
    rules_sent: (&'static str, &'static str),
    /// `(method, path)` of answers that read those rules back.
    rules_read: &'static [(&'static str, &'static str)],
}

fn check_wire(case: &Wire) {
    use oas_ir::model::{MediaKind, TypeKind};
    let root = project_root();
    let spec_dir = std::env::var_os("INFISICAL_SPEC_DIR")
        .map_or_else(|| root.join("../shared/spec"), PathBuf::from);
    let overlays: Vec<overlay::Overlay> = ["security", "wire"]
        .iter()
        .map(|purpose| {
            let name = format!("{}.{purpose}.overlay.yaml", case.prefix);
            overlay::parse(&read(&root.join("spec/overlays").join(&name)), Format::Yaml)
                .unwrap_or_else(|errors| panic!("{name}: {errors:#?}"))
        })
        .collect();
    let doc_path = spec_dir.join(case.document);
    if !doc_path.exists() {
        #[allow(clippy::print_stderr)] // the one way a test can say what it could not check
        {
            eprintln!("{} absent: only parsed the overlays", doc_path.display());
        }
        return;
    }
    let mut document: Value = serde_json::from_str(&read(&doc_path)).expect("JSON");
    for overlay in &overlays {
        let report = overlay.apply(&mut document).expect("applies");
        assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    }
    let doc = oas_ir::load::typed(&document).expect("still an OpenAPI document");
    let config = oas_ir::Config {
        conventions: oas_ir::Conventions {
            error_body: Some("ErrorBody".to_owned()),
            query_flags: true,
        },
        ..oas_ir::Config::default()
    };
    let api = oas_ir::build(&doc, &config).expect("builds").api;
    let op = |method: &str, path: &str| {
        api.operations
            .iter()
            .find(|op| op.method.as_str().eq_ignore_ascii_case(method) && op.path == path)
            .unwrap_or_else(|| panic!("{method} {path}"))
    };
    for (method, path, content_type) in case.not_json {
        let ok = &op(method, path).responses[0];
        assert_eq!(ok.content_type.as_deref(), Some(*content_type), "{path}");
        assert!(ok.ty.is_none(), "{path}");
        let want = if content_type.starts_with("text/") {
            MediaKind::Text
        } else {
            MediaKind::Binary
        };
        assert_eq!(ok.kind, want, "{path}");
    }
    for (method, path, content_type) in case.bodies_not_json {
        let body = op(method, path).body.as_ref().expect("a body");
        assert_eq!(body.content_type, *content_type, "{path}");
        assert_ne!(body.kind, MediaKind::Json, "{path}");
    }
    // The rules a request sends and the rules answers read back are one type.
    let items = |ty| match &api.ty(ty).kind {
        TypeKind::Array(array) => array.items,
        other => panic!("permissions is not a list: {other:?}"),
    };
    let field = |ty, wire: &str| match &api.ty(ty).kind {
        TypeKind::Struct(s) => {
            s.fields
                .iter()
                .find(|f| f.wire == wire)
                .unwrap_or_else(|| panic!("no `{wire}`"))
                .ty
        }
        other => panic!("not a struct: {other:?}"),
    };
    let sent = op(case.rules_sent.0, case.rules_sent.1);
    let union = items(field(sent.body.as_ref().expect("a body").ty, "permissions"));
    assert!(
        matches!(api.ty(union).kind, TypeKind::Union(_)),
        "the rules sent are a union"
    );
    for (method, path) in case.rules_read {
        let ok = op(method, path).responses[0].ty.expect("a JSON answer");
        let holder = field(
            ok,
            if path.contains("role") {
                "role"
            } else {
                "privilege"
            },
        );
        assert_eq!(
            items(field(holder, "permissions")),
            union,
            "{method} {path}"
        );
    }
    // `message` of the merged error body: text or a list of issues, not any JSON.
    let error = op(case.rules_sent.0, case.rules_sent.1)
        .responses
        .iter()
        .find(|r| !r.status.is_success())
        .and_then(|r| r.ty)
        .expect("an error body");
    let message = field(error, "message");
    let message = match &api.ty(message).kind {
        TypeKind::Option(inner) => *inner,
        _ => message,
    };
    assert!(
        matches!(api.ty(message).kind, TypeKind::Union(_)),
        "{:?}",
        api.ty(message).kind
    );
    // A machine identity gets an empty 200 from the organization memberships routes.
    let list = op("get", "/api/v2/organizations/{organizationId}/memberships").responses[0]
        .ty
        .expect("a JSON answer");
    assert!(matches!(api.ty(list).kind, TypeKind::Option(_)));
}

#[test]
fn the_2025_06_wire_overlay_types_what_the_server_sends() {
    check_wire(&Wire {
        document: "2025-06/infisical-openapi.json",
        prefix: "2025-06",
        not_json: &[
            ("get", "/api/v1/ssh/ca/{sshCaId}/public-key", "text/plain"),
            (
                "get",
                "/api/v1/ssh/hosts/{sshHostId}/user-ca-public-key",
                "text/plain",
            ),
            (
                "get",
                "/api/v1/ssh/hosts/{sshHostId}/host-ca-public-key",
                "text/plain",
            ),
            (
                "get",
                "/api/v1/pki/certificates/{serialNumber}/private-key",
                "text/plain",
            ),
            (
                "get",
                "/api/v1/pki/ca/{caId}/certificates/{caCertId}/der",
                "application/pkix-cert",
            ),
        ],
        bodies_not_json: &[],
        rules_sent: ("post", "/api/v2/workspace/{projectId}/roles"),
        rules_read: &[
            ("post", "/api/v2/workspace/{projectId}/roles"),
            ("get", "/api/v2/workspace/{projectId}/roles/slug/{roleSlug}"),
            ("get", "/api/v2/identity-project-additional-privilege/{id}"),
            (
                "get",
                "/api/v1/additional-privilege/identity/{privilegeSlug}",
            ),
        ],
    });
}

#[test]
fn the_2024_10_wire_overlay_types_what_the_server_sends() {
    check_wire(&Wire {
        document: "infisical-openapi.json",
        prefix: "2024-10",
        not_json: &[
            (
                "get",
                "/api/v1/pki/ca/{caId}/certificates/{caCertId}/der",
                "application/pkix-cert",
            ),
            ("get", "/api/v1/pki/crl/{crlId}", "application/pkix-crl"),
            (
                "get",
                "/api/v1/workflow-integrations/slack/install",
                "text/plain",
            ),
            (
                "post",
                "/.well-known/est/{certificateTemplateId}/simpleenroll",
                "application/pkcs7-mime",
            ),
        ],
        bodies_not_json: &[(
            "post",
            "/.well-known/est/{certificateTemplateId}/simplereenroll",
            "application/pkcs10",
        )],
        rules_sent: ("post", "/api/v1/workspace/{projectSlug}/roles"),
        rules_read: &[
            ("post", "/api/v1/workspace/{projectSlug}/roles"),
            ("get", "/api/v1/workspace/{projectSlug}/roles/slug/{slug}"),
            (
                "get",
                "/api/v1/additional-privilege/identity/{privilegeSlug}",
            ),
        ],
    });
}
