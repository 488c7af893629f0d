//! `cargo xtask ci`: the whole test suite, as CI runs it. Fails on the first failing step.
//!
//! Steps: formatting, freshness of `generated/`, clippy with warnings denied, every test of the
//! workspace with snapshot writing disabled, each per-group feature of the generated crates built
//! on its own (no warnings allowed), Infisical's Python, Node and Rust SDKs (installed from their
//! registries) through their scenarios against mini-infisical, every document of `spec/documents.toml` generated, built and
//! tested in a scratch workspace (`--require-documents`: a missing one fails; CI passes it), a
//! short fuzz run with a fixed seed (any finding fails), and a smoke run of the benchmarks.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

pub(crate) fn run(require_documents: bool) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let steps: [(&str, &[&str]); 4] = [
        ("formatting", &["fmt", "--all", "--check"]),
        (
            "generated code is fresh",
            &[
                "run",
                "--quiet",
                "--release",
                "--locked",
                "-p",
                "xtask",
                "--",
                "codegen",
                "--check",
            ],
        ),
        (
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("tests", &["test", "--workspace", "--locked"]),
    ];
    for (name, args) in steps {
        step(&cargo, name, args)?;
    }
    features(&cargo)?;
    // Infisical's own SDKs (Python, Node, Rust), installed from their registries, against
    // mini-infisical: every step of every scenario must pass.
    println!("==> sdks: Infisical's SDKs against mini-infisical");
    crate::sdks::run(&crate::sdks::Options::default())?;
    // Every real document, not only the pinned one, generates crates that build and pass their
    // generated tests.
    println!("==> documents: every document of spec/documents.toml in a scratch workspace");
    crate::documents::run(&crate::documents::Options {
        require: require_documents,
        only: Vec::new(),
    })?;
    // A short, deterministic fuzz run on the committed fixtures: any finding fails CI.
    println!(
        "==> fuzz: {} s with seed {}",
        crate::fuzz::CI_SECONDS,
        crate::fuzz::DEFAULT_SEED
    );
    crate::fuzz::run(&crate::fuzz::Options {
        seconds: crate::fuzz::CI_SECONDS,
        seed: crate::fuzz::DEFAULT_SEED,
        real: false,
        save: false,
    })?;
    // The benchmarks' smoke run: proves every bench still builds and runs; its numbers are not
    // judged (no timed assertions), and its report goes to a temporary folder.
    step(
        &cargo,
        "benchmarks (smoke run)",
        &[
            "run",
            "--quiet",
            "--release",
            "--locked",
            "-p",
            "xtask",
            "--",
            "bench",
            "--quick",
        ],
    )?;
    println!("==> all steps passed");
    Ok(())
}

/// Runs `cargo <args>` as the step `name`; fails when it fails.
fn step(cargo: &str, name: &str, args: &[&str]) -> Result<()> {
    println!("==> {name}: cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .current_dir(project_root())
        // Snapshots are compared, never written, and doc tests see no stale environment.
        .env("INSTA_UPDATE", "no")
        .env("CI", "true")
        .status()
        .with_context(|| format!("running cargo for {name}"))?;
    if !status.success() {
        bail!("step `{name}` failed ({status})");
    }
    Ok(())
}

/// The generated crates whose features are checked one group at a time; the types crate is
/// checked through them (each group feature enables the types' feature of the same name).
const FEATURE_CRATES: &[&str] = &["infisical-client", "infisical-server"];

/// Checks that every group feature builds alone, and with no feature at all.
fn features(cargo: &str) -> Result<()> {
    let manifest = project_root().join("generated/infisical-types/Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let table: toml::Table = text.parse().context("parsing the types manifest")?;
    let mut groups: Vec<String> = table
        .get("features")
        .and_then(|f| f.as_table())
        .map(|f| {
            f.keys()
                .filter(|k| !matches!(k.as_str(), "default" | "full"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    groups.insert(0, String::new());
    let crates: Vec<&str> = FEATURE_CRATES
        .iter()
        .copied()
        .filter(|krate| {
            let member = project_root()
                .join("generated")
                .join(krate)
                .join("Cargo.toml");
            std::fs::read_to_string(&member).is_ok_and(|t| t.contains("# BEGIN features"))
        })
        .collect();
    if crates.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = crates.iter().flat_map(|krate| ["-p", krate]).collect();
    println!(
        "==> features: cargo check {} --no-default-features --features <group>, for {} groups",
        packages.join(" "),
        groups.len() - 1
    );
    // Both crates in one invocation per group: they have the same group features.
    for group in &groups {
        let output = Command::new(cargo)
            .args(["check", "--quiet", "--locked"])
            .args(&packages)
            .arg("--no-default-features")
            .args(if group.is_empty() {
                Vec::new()
            } else {
                vec!["--features", group.as_str()]
            })
            .current_dir(project_root())
            .output()
            .with_context(|| format!("checking the crates with feature `{group}`"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || stderr.contains("warning") {
            bail!(
                "{} with only feature `{group}` do not build cleanly:\n{stderr}",
                crates.join(" and ")
            );
        }
    }
    Ok(())
}
