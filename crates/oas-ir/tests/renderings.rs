//! The organization-roles part of the 2026 Infisical document exists in two renderings, OpenAPI
//! 3.0.3 and OpenAPI 3.2.0 (`type: [X, "null"]` instead of `nullable`, derived summaries and
//! operationIds marked `x-*-source: derived`, long descriptions folded differently). Both must give
//! the same IR, so the same crates, and the 3.2 rendering no loader warning.
//!
//! The documents are third-party data read from the data folder (`$INFISICAL_SPEC_DIR`, else
//! `../shared/spec`), `2026/`, and never copied into the repository; without them the test is
//! skipped and says so (see `common`), or fails when documents are required.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

use oas_ir::load::{Format, load};
use oas_ir::{Config, build, report};

fn spec_dir() -> PathBuf {
    common::data_dir().join("2026")
}

/// The IR dump (plus each operation's documentation fields, which the dump leaves out but the
/// generated docs use) and the loader and build warnings of one rendering.
fn lower(file: &str) -> Option<(String, Vec<String>)> {
    let path = spec_dir().join(file);
    if !path.is_file() {
        common::document_absent(
            "oas-ir renderings: both renderings of the 2026 part give the same IR",
            &path,
        );
        return None;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let loaded = load(&text, Format::Yaml)
        .unwrap_or_else(|errors| panic!("{file} does not load: {errors:#?}"));
    let output = build(&loaded.doc, &Config::default())
        .unwrap_or_else(|errors| panic!("{file} does not build: {errors:#?}"));
    let warnings = loaded
        .warnings
        .iter()
        .chain(&output.warnings)
        .map(ToString::to_string)
        .collect();
    let mut dump = report::dump(&output.api);
    for op in &output.api.operations {
        let _ = writeln!(
            dump,
            "docs {} {}: {:?} {:?} {:?}",
            op.method.as_str(),
            op.path,
            op.operation_id,
            op.summary,
            op.description
        );
    }
    Some((dump, warnings))
}

#[test]
fn both_renderings_of_the_2026_part_give_the_same_ir() {
    let Some((dump_30, warnings_30)) = lower("infisical-organization-roles-api-openapi.yml") else {
        return;
    };
    let Some((dump_32, warnings_32)) = lower("infisical-organization-roles-api-openapi.3.2.yml")
    else {
        return;
    };
    assert!(
        dump_30.lines().any(|line| line.starts_with("op ")),
        "the 3.0 rendering has no operations:\n{dump_30}"
    );
    // No intended difference: the derived operationIds and summaries of the 3.2 rendering are
    // dropped, so operation names are derived from the paths and tags in both.
    if dump_30 != dump_32 {
        let diff: Vec<String> = dump_30
            .lines()
            .zip(dump_32.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("3.0: {a}\n3.2: {b}"))
            .collect();
        panic!("the renderings differ:\n{}", diff.join("\n"));
    }
    assert_eq!(warnings_30, warnings_32);
}
