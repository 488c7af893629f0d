//! The seed documents: every committed fixture (valid, invalid and earlier fuzz findings), plus
//! the small real documents of the team's data folder when it is there. Sorted by path, so that a
//! seed names the same inputs on every machine that has the same files.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Format;

/// One seed document.
#[derive(Clone, Debug)]
pub struct Seed {
    /// Where it came from (shown in reports).
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Its syntax.
    pub format: Format,
    /// Its value, when the text parses (mutations work on values; the others are used as text).
    pub value: Option<Value>,
}

/// The project root (this crate is `crates/fuzz`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed fuzz findings, replayed by the tests.
pub fn findings_dir() -> PathBuf {
    project_root().join("spec/fixtures/fuzz")
}

/// The team's data folder: `$INFISICAL_SPEC_DIR`, else `../shared/spec` beside the checkout.
fn data_dir() -> PathBuf {
    std::env::var_os("INFISICAL_SPEC_DIR")
        .map_or_else(|| project_root().join("../shared/spec"), PathBuf::from)
}

/// Real documents small enough to run hundreds of times a second (the large ones take a second
/// each, which would starve the mutator).
const SMALL_REAL_DOCUMENTS: &[&str] = &["2026/infisical-organization-roles-api-openapi.yml"];

/// Every seed: fixtures first, then (with `real`) the real documents found.
///
/// Real documents are third-party data that must not be committed: inputs mutated from them
/// (or grafted with their parts) are never saved as fixtures, so runs that save use the
/// committed fixtures alone.
pub fn load(real: bool) -> Vec<Seed> {
    let root = project_root();
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in [
        "spec/fixtures",
        "spec/fixtures/invalid",
        "spec/fixtures/fuzz",
    ] {
        paths.extend(files_in(&root.join(dir)));
    }
    if real {
        let data = data_dir();
        paths.extend(
            SMALL_REAL_DOCUMENTS
                .iter()
                .map(|rel| data.join(rel))
                .filter(|p| p.is_file()),
        );
    }
    paths.into_iter().filter_map(|p| read(&p)).collect()
}

/// The documents files of a folder (not recursive), sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    out.sort();
    out
}

/// Reads one document file.
pub fn read(path: &Path) -> Option<Seed> {
    let text = std::fs::read_to_string(path).ok()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let format = Format::detect(&name, &text);
    let value = oas_ir::load::parse_value(&text, format).ok();
    Some(Seed {
        path: path.to_owned(),
        text,
        format,
        value,
    })
}
