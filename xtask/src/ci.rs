//! `cargo xtask ci`: the whole test suite, as CI runs it. Fails on the first failing step.
//!
//! Steps: formatting, freshness of `generated/`, clippy with warnings denied, then every test of
//! the workspace with snapshot writing disabled.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

pub(crate) fn run() -> Result<()> {
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
        println!("==> {name}: cargo {}", args.join(" "));
        let status = Command::new(&cargo)
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
    }
    println!("==> all steps passed");
    Ok(())
}
