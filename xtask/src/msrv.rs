//! The publishable crates' `rust-version`, derived rather than guessed, and their packaging.
//!
//! Only the installed toolchain exists, so an older compiler cannot be run. What an older compiler
//! would refuse is therefore derived from three sources, and the declared `rust-version` must be
//! exactly their maximum (not lower: it would not build; not higher: it would be a guess):
//!
//! - the language: edition 2024 needs 1.85, `if let ... && let ...` chains 1.88 (found in the
//!   crates' sources);
//! - the standard library: clippy's `incompatible_msrv` lint, denied in `cargo xtask ci`'s clippy
//!   step, reports any std item stabilized after the crate's `rust-version`;
//! - the dependencies: the `rust-version` each crate in `Cargo.lock` declares, over the normal and
//!   build dependencies of the publishable crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

/// A `major.minor` Rust version.
type Version = (u64, u64);

fn parse_version(text: &str) -> Option<Version> {
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().unwrap_or("0").parse().ok()?;
    Some((major, minor))
}

fn show(version: Version) -> String {
    format!("{}.{}", version.0, version.1)
}

/// Why the crates need at least a version: `(version, reason)`.
type Floor = (Version, String);

/// `cargo metadata` of the workspace with its locked dependencies.
fn metadata(cargo: &str) -> Result<serde_json::Value> {
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(project_root())
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout).context("parsing cargo metadata")
}

/// The publishable workspace members (`publish` not `false`): their names, manifest folders and
/// declared `rust-version`.
pub(crate) fn publishable(meta: &serde_json::Value) -> Vec<(String, String, Option<String>)> {
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(id)))
        .filter(|p| !p["publish"].as_array().is_some_and(Vec::is_empty))
        .map(|p| {
            let dir = p["manifest_path"]
                .as_str()
                .and_then(|m| Path::new(m).parent())
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            (
                p["name"].as_str().unwrap_or_default().to_owned(),
                dir,
                p["rust_version"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// The highest `rust-version` among the locked normal and build dependencies of `roots`.
fn dependency_floor(meta: &serde_json::Value, roots: &[&str]) -> Option<Floor> {
    let packages: BTreeMap<&str, &serde_json::Value> = meta["packages"]
        .as_array()?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let mut pending: Vec<&str> = packages
        .iter()
        .filter(|(_, p)| p["name"].as_str().is_some_and(|n| roots.contains(&n)))
        .map(|(id, _)| *id)
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes.get(id)?["deps"].as_array()? {
            let runtime = dep["dep_kinds"]
                .as_array()?
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build"));
            if runtime && let Some(pkg) = dep["pkg"].as_str() {
                pending.push(pkg);
            }
        }
    }
    seen.iter()
        .filter(|id| {
            packages
                .get(*id)
                .and_then(|p| p["name"].as_str())
                .is_some_and(|n| !roots.contains(&n))
        })
        .filter_map(|id| {
            let p = packages.get(id)?;
            let version = parse_version(p["rust_version"].as_str()?)?;
            Some((
                version,
                format!(
                    "the locked dependency {} {} declares rust-version {}",
                    p["name"].as_str()?,
                    p["version"].as_str()?,
                    show(version)
                ),
            ))
        })
        .max_by_key(|(v, _)| *v)
}

/// The language features the sources use: edition 2024 (1.85), let-chains (1.88).
fn language_floor(dirs: &[&str]) -> Result<Floor> {
    let mut floor: Floor = ((1, 85), "edition 2024".to_owned());
    for dir in dirs {
        let mut pending = vec![Path::new(dir).join("src")];
        while let Some(path) = pending.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path)
                    .with_context(|| format!("reading {}", path.display()))?
                {
                    pending.push(entry?.path());
                }
            } else if path.extension().is_some_and(|e| e == "rs") && floor.0 < (1, 88) {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                if let Some((n, _)) = text
                    .lines()
                    .enumerate()
                    .find(|(_, line)| uses_let_chain(line))
                {
                    floor = (
                        (1, 88),
                        format!("a let-chain ({}:{})", path.display(), n + 1),
                    );
                }
            }
        }
    }
    Ok(floor)
}

/// Whether a source line continues a condition with `&& let` (a let-chain, stable in 1.88).
fn uses_let_chain(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or("");
    code.trim_start().starts_with("&& let ") || code.contains(" && let ")
}

/// Checks that every publishable crate declares exactly the `rust-version` the code and its locked
/// dependencies need.
pub(crate) fn check(cargo: &str) -> Result<()> {
    let meta = metadata(cargo)?;
    let crates = publishable(&meta);
    if crates.is_empty() {
        bail!("no publishable crate in the workspace");
    }
    let names: Vec<&str> = crates.iter().map(|(n, ..)| n.as_str()).collect();
    let dirs: Vec<&str> = crates.iter().map(|(_, d, _)| d.as_str()).collect();
    let mut floors = vec![language_floor(&dirs)?];
    floors.extend(dependency_floor(&meta, &names));
    let (needed, why) = floors
        .iter()
        .max_by_key(|(v, _)| *v)
        .cloned()
        .context("no floor")?;
    for (version, reason) in &floors {
        println!("    needs {}: {reason}", show(*version));
    }
    for (name, _, declared) in &crates {
        let Some(declared) = declared.as_deref() else {
            bail!(
                "{name} declares no rust-version; it needs {} ({why})",
                show(needed)
            );
        };
        let version = parse_version(declared)
            .with_context(|| format!("{name}: rust-version `{declared}` is not a version"))?;
        if version != needed {
            bail!(
                "{name} declares rust-version {declared}, but it needs exactly {} ({why}); \
                 set `rust-version` in the workspace's Cargo.toml",
                show(needed)
            );
        }
    }
    println!(
        "    {} declare rust-version {} (std items newer than it: clippy's incompatible_msrv, denied in the clippy step)",
        names.join(", "),
        show(needed)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{parse_version, uses_let_chain};

    #[test]
    fn let_chains_are_recognised() {
        assert!(uses_let_chain("        && let Some(x) = y"));
        assert!(uses_let_chain("if a && let Some(x) = y {"));
        assert!(!uses_let_chain("if let Some(x) = y {"));
        assert!(!uses_let_chain("// a && let b"));
        assert!(!uses_let_chain("let ok = a && b;"));
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("1.89"), Some((1, 89)));
        assert_eq!(parse_version("1.85.0"), Some((1, 85)));
        assert_eq!(parse_version("x"), None);
    }

    /// The workspace as committed passes its own rust-version check.
    #[test]
    fn the_declared_rust_version_is_the_derived_one() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        super::check(&cargo).unwrap();
    }
}
