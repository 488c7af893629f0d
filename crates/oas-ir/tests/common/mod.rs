//! What the tests that read real Infisical documents share: where the documents are, and what to
//! do when one is absent.
//!
//! The documents are third-party data, never committed: they live in the data folder
//! (`$INFISICAL_SPEC_DIR`, else `../shared/spec` beside the checkout). A fresh clone has none, so
//! a test that needs one skips it: it says so on stderr and, under `cargo xtask ci`, appends a
//! line to the file `$INFISICAL_SKIPPED_LOG`, which `ci` lists at the end. With
//! `$INFISICAL_REQUIRE_DOCUMENTS` set (`cargo xtask ci --require-documents`, CI) it fails instead.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The data folder the real documents are read from.
pub(crate) fn data_dir() -> PathBuf {
    std::env::var_os("INFISICAL_SPEC_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"),
        PathBuf::from,
    )
}

/// Called by a test that cannot run `check` because `path` is absent: fails when documents are
/// required, otherwise records the skip.
pub(crate) fn document_absent(check: &str, path: &Path) {
    let required = std::env::var_os("INFISICAL_REQUIRE_DOCUMENTS").is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "{check} needs {}, which is absent, and documents are required \
         ($INFISICAL_REQUIRE_DOCUMENTS)",
        path.display()
    );
    let line = format!("{check}: needs {}, absent", path.display());
    #[allow(clippy::print_stderr)] // the one way a test can say what it could not check
    {
        eprintln!("NOT RUN: {line}");
    }
    if let Some(log) = std::env::var_os("INFISICAL_SKIPPED_LOG")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
    {
        let _ = writeln!(file, "{line}");
    }
}
