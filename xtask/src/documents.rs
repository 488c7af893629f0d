//! `cargo xtask documents [--require] [NAME...]`: every real document listed in
//! `spec/documents.toml` is generated into a scratch copy of the workspace, and its three crates are
//! built and their generated operation and route tests run there, with warnings denied.
//!
//! This is how CI proves that the generator works for every Infisical document we hold, not only
//! the pinned one. The scratch copies live in `target/documents/<name>/` and share the project's
//! target folder, so dependencies build once.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::codegen;
use crate::spec::{self, project_root};

/// One entry of `spec/documents.toml`.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) sha256: String,
}

/// Reads `spec/documents.toml`.
pub(crate) fn list() -> Result<Vec<Document>> {
    let path = project_root().join("spec/documents.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let entries = table
        .get("document")
        .and_then(|d| d.as_array())
        .with_context(|| format!("{}: no [[document]] entries", path.display()))?;
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = |key: &str| {
                entry
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .with_context(|| format!("{}: document {i} lacks `{key}`", path.display()))
            };
            Ok(Document {
                name: field("name")?,
                file: field("file")?,
                sha256: field("sha256")?,
            })
        })
        .collect()
}

/// The team's data folder: `$INFISICAL_SPEC_DIR`, else `../shared/spec` beside the checkout.
pub(crate) fn data_dir() -> PathBuf {
    std::env::var_os("INFISICAL_SPEC_DIR")
        .map_or_else(|| project_root().join("../shared/spec"), PathBuf::from)
}

impl Document {
    /// The document's path, when it is present with the pinned bytes; an error when it is present
    /// with other bytes; `None` when it is absent.
    pub(crate) fn locate(&self) -> Result<Option<PathBuf>> {
        let path = data_dir().join(&self.file);
        if !path.is_file() {
            return Ok(None);
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let actual = spec::sha256_hex(&bytes);
        if actual != self.sha256 {
            bail!(
                "{} has sha256 {actual}; spec/documents.toml pins {} for `{}`",
                path.display(),
                self.sha256,
                self.name
            );
        }
        Ok(Some(path))
    }
}

/// Options of `cargo xtask documents`.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// Fail when a listed document is absent (CI), instead of saying it was not checked.
    #[arg(long)]
    pub(crate) require: bool,
    /// Only these documents (names from `spec/documents.toml`, or `fixture-<file stem>`); all
    /// when none is given.
    #[arg(value_name = "NAME")]
    pub(crate) only: Vec<String>,
}

pub(crate) fn run(options: &Options) -> Result<()> {
    check(options).map(drop)
}

/// Checks the documents and fixtures the options select; the names of the documents skipped
/// because they are absent (never any with `require`).
pub(crate) fn check(options: &Options) -> Result<Vec<String>> {
    let documents = list()?;
    let fixtures: Vec<(String, PathBuf)> = fixtures()?
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (format!("fixture-{stem}"), path)
        })
        .collect();
    for name in &options.only {
        if !documents.iter().any(|d| d.name == *name) && !fixtures.iter().any(|(f, _)| f == name) {
            bail!("spec/documents.toml lists no document `{name}`, and no fixture has that name");
        }
    }
    let mut skipped = Vec::new();
    for document in documents
        .iter()
        .filter(|d| options.only.is_empty() || options.only.contains(&d.name))
    {
        let Some(path) = document.locate()? else {
            if options.require {
                bail!(
                    "document `{}` is missing: expected {}",
                    document.name,
                    data_dir().join(&document.file).display()
                );
            }
            skipped.push(document.name.clone());
            continue;
        };
        check_document(&document.name, &path, true)?;
    }
    // Every fixture too, so constructs Infisical does not use today are compiled as well.
    for (name, path) in fixtures
        .iter()
        .filter(|(name, _)| options.only.is_empty() || options.only.contains(name))
    {
        check_document(name, path, false)?;
    }
    if !skipped.is_empty() {
        println!(
            "==> NOT CHECKED (document absent from {}): {}",
            data_dir().display(),
            skipped.join(", ")
        );
    }
    Ok(skipped)
}

/// The fixture documents (`spec/fixtures/*.yaml`), sorted.
fn fixtures() -> Result<Vec<PathBuf>> {
    let dir = project_root().join("spec/fixtures");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    Ok(out)
}

/// Generates the document at `path` into a scratch copy named `name`, then builds the three
/// crates there and, with `tests`, runs their generated operation and route tests.
fn check_document(name: &str, path: &Path, tests: bool) -> Result<()> {
    let root = project_root();
    let scratch = root.join("target/documents").join(name);
    println!("==> document {name}: generating into {}", scratch.display());
    copy_workspace(&root, &scratch)?;
    // Another document starts its own surface: the pinned document's lock would rename its types
    // around names it never had.
    let lock = scratch.join(codegen::LOCK_FILE);
    if lock.exists() {
        std::fs::remove_file(&lock).with_context(|| format!("removing {}", lock.display()))?;
    }
    codegen::run(&codegen::Options {
        spec: Some(path.to_path_buf()),
        update_pin: true,
        out: Some(scratch.clone()),
        quiet: true,
        ..codegen::Options::default()
    })
    .with_context(|| format!("generating document `{name}`"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let steps: [(&str, &[&str]); 2] = [
        (
            "build (warnings denied)",
            &[
                "build",
                "--locked",
                "-p",
                "infisical-types",
                "-p",
                "infisical-client",
                "-p",
                "infisical-server",
            ],
        ),
        (
            "generated operation and route tests",
            &[
                "test",
                "--locked",
                "-p",
                "infisical-client",
                "--test",
                "operations",
                "-p",
                "infisical-server",
                "--test",
                "routes",
            ],
        ),
    ];
    for (step, args) in steps.iter().take(if tests { 2 } else { 1 }) {
        println!("==> document {name}: {step}: cargo {}", args.join(" "));
        let status = Command::new(&cargo)
            .args(*args)
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .status()
            .with_context(|| format!("running cargo for document `{name}`"))?;
        if !status.success() {
            bail!("document `{name}`: {step} failed ({status})");
        }
    }
    Ok(())
}

/// Copies the project's files (tracked and untracked but not ignored) to `to`, denying warnings in
/// the copy's workspace lints. Generated files are copied too; codegen replaces them and removes
/// what the new document no longer produces.
fn copy_workspace(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to).with_context(|| format!("removing {}", to.display()))?;
    }
    let output = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(from)
        .output()
        .context("running git ls-files")?;
    if !output.status.success() {
        bail!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    for rel in output.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).context("a file name is not UTF-8")?);
        let source = from.join(rel);
        if !source.is_file() {
            continue; // deleted in the work tree
        }
        let dest = to.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::copy(&source, &dest)
            .with_context(|| format!("copying {} to {}", source.display(), dest.display()))?;
    }
    let manifest = to.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let header = "[workspace.lints.rust]\n";
    let Some(at) = text.find(header) else {
        bail!("{} has no [workspace.lints.rust] table", manifest.display());
    };
    let at = at + header.len();
    let text = format!("{}warnings = \"deny\"\n{}", &text[..at], &text[at..]);
    std::fs::write(&manifest, text)?;
    Ok(())
}
