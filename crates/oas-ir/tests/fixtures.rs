//! The IR decisions, pinned: one snapshot per `spec/fixtures/*.yaml`, each holding the IR dump and
//! the warnings of the build (or every diagnostic, when the fixture fails to load or build).
//!
//! Each fixture holds one construct; see the comment at its top for what the snapshot should show.
//! `insta::glob!` needs insta's `glob` feature, which the workspace does not enable, so the fixture
//! directory is walked by hand and every mismatch is reported before the test fails.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use oas_ir::load::{Format, load, parse};
use oas_ir::{Config, Conventions, Diagnostic, build, report};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/fixtures")
}

/// The sorted `*.yaml` files directly in `dir`.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

fn push_diagnostics(out: &mut String, heading: &str, diagnostics: &[Diagnostic]) {
    let _ = writeln!(out, "# {heading} ({})", diagnostics.len());
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
}

/// What a fixture's snapshot holds: the IR dump and the warnings, or the diagnostics of the stage
/// that failed. Never panics on a bad document.
/// The fixtures run with the conventions of the Infisical profile (error bodies merged and named,
/// query flags): the passes are generic, the conventions opt in.
fn fixture_config() -> Config {
    Config {
        conventions: Conventions {
            error_body: Some("ErrorBody".to_owned()),
            query_flags: true,
        },
        ..Config::default()
    }
}

/// Without the conventions, error bodies stay per operation and status, and query flags keep
/// their declared types.
#[test]
fn conventions_are_opt_in() {
    let read = |name: &str| std::fs::read_to_string(fixture_dir().join(name)).expect("fixture");
    let errors = parse(&read("error-bodies.yaml"), Format::Yaml).expect("fixture parses");
    let plain = build(&errors, &Config::default()).expect("builds");
    assert!(!plain.api.types.iter().any(|t| t.name == "ErrorBody"));
    let merged = build(&errors, &fixture_config()).expect("builds");
    assert!(merged.api.types.iter().any(|t| t.name == "ErrorBody"));
    let flags = parse(&read("query-flags.yaml"), Format::Yaml).expect("fixture parses");
    let bool_params = |config: &Config| {
        let out = build(&flags, config).expect("builds");
        out.api
            .operations
            .iter()
            .flat_map(|op| &op.params)
            .filter(|p| matches!(out.api.ty(p.ty).kind, oas_ir::model::TypeKind::Bool))
            .count()
    };
    assert!(bool_params(&fixture_config()) > bool_params(&Config::default()));
}

#[track_caller]
fn render_fixture(text: &str) -> String {
    let mut out = String::new();
    let loaded = match load(text, Format::Yaml) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            push_diagnostics(&mut out, "parse failed", &diagnostics);
            return out;
        }
    };
    match build(&loaded.doc, &fixture_config()) {
        Ok(output) => {
            let _ = writeln!(out, "# api");
            out.push_str(&report::dump(&output.api));
            // The loader's warnings (OpenAPI 3.1/3.2 rewrites) come first: they happen first.
            let mut warnings = loaded.warnings;
            warnings.extend(output.warnings);
            push_diagnostics(&mut out, "warnings", &warnings);
        }
        Err(diagnostics) => push_diagnostics(&mut out, "build failed", &diagnostics),
    }
    out
}

#[test]
fn fixtures() {
    let files = yaml_files(&fixture_dir());
    assert!(!files.is_empty(), "no fixtures found");
    let mut failed = Vec::new();
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let rendered = render_fixture(&text);
        let mut settings = insta::Settings::clone_current();
        settings.set_input_file(&path);
        settings.set_prepend_module_to_snapshot(true);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.as_str(), rendered));
        }));
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "snapshots differ for: {failed:?}");
}

/// `[operations]` pins: `group.method` moves an operation to another group, a bare name keeps the
/// derived group; both win over the derived names.
#[test]
fn operation_pins_rename_and_regroup() {
    let text = std::fs::read_to_string(fixture_dir().join("query-flags.yaml")).expect("fixture");
    let doc = parse(&text, Format::Yaml).expect("fixture parses");
    let mut config = fixture_config();
    config.names.operations.insert(
        "GET /api/v1/secrets".to_owned(),
        "vault.list_everything".to_owned(),
    );
    config
        .names
        .operations
        .insert("POST /api/v1/secrets".to_owned(), "add".to_owned());
    let output = build(&doc, &config).expect("fixture builds");
    let names: Vec<(String, String, String)> = output
        .api
        .operations
        .iter()
        .map(|op| {
            (
                op.name.group.clone(),
                op.name.method.clone(),
                op.name.pascal.clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (
                "vault".into(),
                "list_everything".into(),
                "ListEverything".into()
            ),
            ("secrets".into(), "add".into(), "Add".into()),
        ]
    );
}
