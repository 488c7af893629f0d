//! Project automation, run as `cargo xtask <command>`. The only crate of the workspace that does IO.
//!
//! - `cargo xtask codegen [--check] [--spec PATH] [--update-pin] [--timings]`: regenerates `generated/`
//!   (or checks it is fresh).
//! - `cargo xtask ci [--require-documents]`: the whole test suite (fmt, freshness, clippy, tests,
//!   features, every real document), as CI runs it.
//! - `cargo xtask documents [--require] [NAME...]`: generates, builds and tests every document of
//!   `spec/documents.toml` in a scratch workspace.
//! - `cargo xtask spec pull --from PATH|URL`: fetches the Infisical document and checks its pin.
//! - `cargo xtask fuzz [--minutes N] [--seed S] [--real] [--save]`: fuzzes the whole pipeline.
//! - `cargo xtask sdks [--write-doc] [python|node|rust ...]`: Infisical's own SDKs, installed from
//!   their registries, run their scenarios against mini-infisical (`docs/sdks.md`).
//! - `cargo xtask bench [--quick|--full]`: measures the generator and the generated crates and
//!   writes `docs/benchmarks.md`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod ci;
mod codegen;
mod documents;
mod fuzz;
mod profile;
mod sdks;
mod spec;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("codegen") => {
            let mut options = codegen::Options::default();
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => options.check = true,
                    "--update-pin" => options.update_pin = true,
                    "--timings" => options.timings = true,
                    "--quiet" => options.quiet = true,
                    "--out" => {
                        options.out =
                            Some(PathBuf::from(args.next().context("--out needs a path")?))
                    }
                    "--spec" => {
                        options.spec =
                            Some(PathBuf::from(args.next().context("--spec needs a path")?))
                    }
                    other => bail!("unknown codegen argument `{other}`"),
                }
            }
            codegen::run(&options)
        }
        Some("ci") => match args.next().as_deref() {
            None => ci::run(false),
            Some("--require-documents") => ci::run(true),
            Some(other) => bail!("unknown ci argument `{other}`"),
        },
        Some("documents") => {
            let mut options = documents::Options::default();
            for arg in args {
                match arg.as_str() {
                    "--require" => options.require = true,
                    name if !name.starts_with('-') => options.only.push(name.to_owned()),
                    other => bail!("unknown documents argument `{other}`"),
                }
            }
            documents::run(&options)
        }
        Some("bench") => bench::run(args.collect()),
        Some("sdks") => sdks::run(&sdks::Options::parse(args)?),
        Some("fuzz") => fuzz::run(&fuzz::Options::parse(args)?),
        Some("spec") => match (args.next().as_deref(), args.next().as_deref(), args.next()) {
            (Some("pull"), Some("--from"), Some(from)) => spec::pull(&from),
            _ => bail!("usage: cargo xtask spec pull --from PATH|URL"),
        },
        _ => bail!(
            "usage: cargo xtask codegen [--check] [--spec PATH] [--update-pin] [--timings] [--quiet] [--out DIR] | cargo xtask ci [--require-documents] | cargo xtask documents [--require] [NAME...] | cargo xtask fuzz [--minutes N] [--seed S] [--real] [--save] | cargo xtask sdks [--write-doc] [python|node|rust ...] | cargo xtask bench [--quick|--full] | cargo xtask spec pull --from PATH|URL"
        ),
    }
}
