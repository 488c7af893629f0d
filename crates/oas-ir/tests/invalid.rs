//! Diagnostics of broken documents: every file in `spec/fixtures/invalid/` must fail to load or
//! to build, and the snapshot pins every diagnostic with its JSON pointer, line and column.
//!
//! `insta::glob!` needs insta's `glob` feature, which the workspace does not enable, so the
//! directory is walked by hand and every failure is reported before the test fails.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use oas_ir::load::{Format, attach_locations, parse};
use oas_ir::{Config, Diagnostic, Severity, build};

fn invalid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/fixtures/invalid")
}

/// Files that must report more than one error: their stage recovers and keeps looking.
const SEVERAL_ERRORS: &[&str] = &["shape-error.yaml"];

/// The diagnostics of a broken document, and the stage that stopped it. `None` when the document
/// loads and builds: a fixture here that does is a test failure.
#[track_caller]
fn diagnose(file_name: &str, text: &str) -> Option<(&'static str, Vec<Diagnostic>)> {
    let format = Format::detect(file_name, text);
    let doc = match parse(text, format) {
        Ok(doc) => doc,
        Err(diagnostics) => return Some(("parse", diagnostics)),
    };
    match build(&doc, &Config::default()) {
        Ok(_) => None,
        Err(mut diagnostics) => {
            attach_locations(text, format, &mut diagnostics);
            Some(("build", diagnostics))
        }
    }
}

fn render(stage: &str, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = format!(
        "# {stage} failed: {errors} errors, {} warnings\n",
        diagnostics.len() - errors
    );
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
    out
}

#[test]
fn invalid_documents_report_located_errors() {
    let dir = invalid_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no invalid fixtures found");
    let mut failed = Vec::new();
    for path in files {
        let file_name = path
            .file_name()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let Some((stage, diagnostics)) = diagnose(&file_name, &text) else {
            failed.push(format!("{file_name}: loads and builds without an error"));
            continue;
        };
        let errors: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            failed.push(format!("{file_name}: {stage} failed without an error"));
        }
        if SEVERAL_ERRORS.contains(&file_name.as_str()) && errors.len() < 2 {
            failed.push(format!(
                "{file_name}: expected several errors, got {}",
                errors.len()
            ));
        }
        for error in errors.iter().filter(|e| e.location.is_none()) {
            failed.push(format!(
                "{file_name}: error without line and column: {error}"
            ));
        }
        let rendered = render(stage, &diagnostics);
        let mut settings = insta::Settings::clone_current();
        settings.set_input_file(&path);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(file_name.as_str(), rendered));
        }));
        if outcome.is_err() {
            failed.push(format!("{file_name}: snapshot differs"));
        }
    }
    assert!(
        failed.is_empty(),
        "invalid fixtures failed:\n{}",
        failed.join("\n")
    );
}
