//! `cargo xtask ci`: the whole test suite, as CI runs it. Fails on the first failing step.
//!
//! Steps: formatting, freshness of `generated/`, clippy with warnings denied, every test of the
//! workspace with snapshot writing disabled, each per-group feature of the generated crates built
//! on its own (no warnings allowed), the publishable crates' `rust-version` (see `msrv`) and
//! their verified `cargo package`, Infisical's Python, Node and Rust SDKs (installed from their
//! registries) through their scenarios against mini-infisical, every document of `spec/documents.toml` generated, built and
//! tested in a scratch workspace, a short fuzz run with a fixed seed (any finding fails),
//! schemathesis against mini-infisical (`cargo xtask schemathesis`: a server error or a
//! nonconforming response fails), and a smoke run of the benchmarks.
//!
//! The Infisical documents are third-party data, absent from a fresh clone. A check that needs one
//! that is absent is skipped and named in the closing `NOT RUN` list: the freshness check and the
//! benchmark smoke run (the pinned document), the tests that read a real document (they see
//! [`SKIPPED_LOG_ENV`] and append what they skipped), and the documents step. With
//! `--require-documents` (CI, `.ci/run`) every one of them is a failure instead: the tests see
//! [`REQUIRE_DOCUMENTS_ENV`] and fail.

use std::process::Command;
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

/// Set (to `1`) for every step when documents are required: a test that needs an absent document
/// fails instead of skipping.
pub(crate) const REQUIRE_DOCUMENTS_ENV: &str = "INFISICAL_REQUIRE_DOCUMENTS";
/// A file a test appends one line to for each check it skipped because a document is absent.
pub(crate) const SKIPPED_LOG_ENV: &str = "INFISICAL_SKIPPED_LOG";

/// The environment every step runs with (set once by [`run`]).
static STEP_ENV: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();

/// `cargo xtask ci --help`.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// Fail when an Infisical document a check needs is absent (the pinned one, those of
    /// `spec/documents.toml`), instead of skipping the check and listing it; CI passes it.
    #[arg(long)]
    pub(crate) require_documents: bool,
}

pub(crate) fn run(options: &Options) -> Result<()> {
    let require_documents = options.require_documents;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let skipped_log =
        std::env::temp_dir().join(format!("xtask-ci-skipped-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&skipped_log);
    let mut env = vec![(SKIPPED_LOG_ENV, skipped_log.display().to_string())];
    if require_documents {
        env.push((REQUIRE_DOCUMENTS_ENV, "1".to_owned()));
    }
    let _ = STEP_ENV.set(env);
    let mut not_run: Vec<String> = Vec::new();
    // The pinned document: the freshness check and the benchmarks need it.
    let pinned = match crate::spec::resolve(None) {
        Ok(spec) => {
            println!("==> the pinned document: {}", spec.path.display());
            Some(spec.path)
        }
        Err(err) if require_documents => return Err(err),
        Err(err) => {
            println!(
                "==> the pinned document is absent: the checks that need it are skipped and listed at the end\n    ({})",
                format!("{err:#}").replace('\n', "\n     ")
            );
            None
        }
    };
    step(&cargo, "formatting", &["fmt", "--all", "--check"])?;
    let fresh: &[&str] = &[
        "run",
        "--quiet",
        "--release",
        "--locked",
        "-p",
        "xtask",
        "--",
        "codegen",
        "--check",
    ];
    if pinned.is_some() {
        step(&cargo, "generated code is fresh", fresh)?;
    } else {
        not_run.push(
            "generated code is fresh (`cargo xtask codegen --check`): needs the pinned document"
                .to_owned(),
        );
    }
    let steps: [(&str, &[&str]); 2] = [
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
                // Explicit, though `warnings` covers it: std items newer than `rust-version`.
                "-D",
                "clippy::incompatible_msrv",
            ],
        ),
        ("tests", &["test", "--workspace", "--locked"]),
    ];
    for (name, args) in steps {
        step(&cargo, name, args)?;
    }
    features(&cargo)?;
    println!("==> rust-version: what the publishable crates need, against what they declare");
    crate::msrv::check(&cargo)?;
    package(&cargo)?;
    // Every real document, not only the pinned one, generates crates that build and pass their
    // generated tests.
    println!("==> documents: every document of spec/documents.toml in a scratch workspace");
    let absent = crate::documents::check(&crate::documents::Options {
        require: require_documents,
        only: Vec::new(),
    })?;
    not_run.extend(absent.into_iter().map(|name| {
        format!("documents: `{name}` not generated, built or tested: its document is absent")
    }));
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
    // Infisical's own SDKs, from their registries, through their scenarios against mini-infisical.
    println!("==> sdks: Infisical's SDKs against mini-infisical");
    crate::sdks::run(&crate::sdks::Options::default())?;
    // schemathesis against mini-infisical: no server error anywhere, no response the document
    // forbids from an implemented operation.
    if pinned.is_none() {
        not_run.push(
            "schemathesis against mini-infisical (`cargo xtask schemathesis`): needs the pinned document"
                .to_owned(),
        );
    } else {
        crate::schemathesis::run(&crate::schemathesis::Options::ci())?;
    }
    // The benchmarks' smoke run: proves every bench still builds and runs; its numbers are not
    // judged (no timed assertions), and its report goes to a temporary folder.
    if pinned.is_none() {
        not_run.push(
            "benchmarks (smoke run, `cargo xtask bench --quick`): needs the pinned document"
                .to_owned(),
        );
    } else {
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
    }
    // What the tests skipped, one line each.
    if let Ok(text) = std::fs::read_to_string(&skipped_log) {
        let mut lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        lines.sort_unstable();
        lines.dedup();
        not_run.extend(lines.into_iter().map(|l| format!("test {l}")));
        let _ = std::fs::remove_file(&skipped_log);
    }
    if not_run.is_empty() {
        println!("==> all steps passed");
    } else {
        println!(
            "==> all steps that could run passed. NOT RUN, for lack of an Infisical document \
             (get the pinned one with `cargo xtask spec pull`, or point $INFISICAL_SPEC_DIR at a \
             folder holding those of spec/documents.toml; `cargo xtask ci --require-documents` \
             and .ci/run fail instead):"
        );
        for line in &not_run {
            println!("    - {line}");
        }
    }
    Ok(())
}

/// `cargo package` of every publishable crate, verified: each `.crate` is unpacked and built on
/// its own, the crates of the workspace it depends on taken from their own `.crate` files (cargo
/// packages them together), the rest from crates.io as `Cargo.lock` pins them.
fn package(cargo: &str) -> Result<()> {
    let meta = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .current_dir(project_root())
        .output()
        .context("running cargo metadata")?;
    let meta: serde_json::Value =
        serde_json::from_slice(&meta.stdout).context("parsing cargo metadata")?;
    let crates = crate::msrv::publishable(&meta);
    let mut args = vec!["package", "--locked", "--allow-dirty"];
    for (name, ..) in &crates {
        args.extend(["-p", name.as_str()]);
    }
    step(cargo, "packaging (cargo package, verified)", &args)
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
        .envs(STEP_ENV.get().into_iter().flatten().map(|(k, v)| (*k, v)))
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
        "==> features: cargo check {} --no-default-features --features <group>, for {} groups and none",
        packages.join(" "),
        groups.len() - 1
    );
    // Both crates in one invocation per group: they have the same group features.
    for (i, group) in groups.iter().enumerate() {
        println!(
            "    [{}/{}] {}",
            i + 1,
            groups.len(),
            if group.is_empty() {
                "no feature"
            } else {
                group
            }
        );
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
