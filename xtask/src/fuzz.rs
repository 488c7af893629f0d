//! `cargo xtask fuzz [--minutes N | --seconds N] [--seed S] [--real] [--save]`: runs the
//! structure-aware fuzzer (`crates/fuzz`, binary `oas-fuzz`) in release mode.
//!
//! The fuzzer mutates the committed fixtures (and with `--real`, the small real documents of the
//! data folder) and runs each input through the whole pipeline with a time and memory bound;
//! panics, aborts, time-outs and rendered files that do not parse are findings. A run is a pure
//! function of its seed. `--save` minimizes each finding a little and writes it to
//! `spec/fixtures/fuzz/`, where `oas-fuzz`'s replay test keeps it fixed.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

/// The fixed seed of the CI run and of runs that name none.
pub(crate) const DEFAULT_SEED: u64 = 1;

/// How long `cargo xtask ci` fuzzes.
pub(crate) const CI_SECONDS: u64 = 90;

/// Options of one run.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) seconds: u64,
    pub(crate) seed: u64,
    pub(crate) real: bool,
    pub(crate) save: bool,
}

impl Options {
    pub(crate) fn parse(args: impl Iterator<Item = String>) -> Result<Self> {
        let mut options = Self {
            seconds: 60,
            seed: DEFAULT_SEED,
            real: false,
            save: false,
        };
        let mut args = args;
        while let Some(arg) = args.next() {
            let mut number = |name: &str| -> Result<u64> {
                args.next()
                    .and_then(|v| v.parse().ok())
                    .with_context(|| format!("{name} needs a number"))
            };
            match arg.as_str() {
                "--minutes" => options.seconds = number("--minutes")? * 60,
                "--seconds" => options.seconds = number("--seconds")?,
                "--seed" => options.seed = number("--seed")?,
                "--real" => options.real = true,
                "--save" => options.save = true,
                other => bail!("unknown fuzz argument `{other}`"),
            }
        }
        Ok(options)
    }
}

/// Builds and runs the fuzzer; fails when it finds anything.
pub(crate) fn run(options: &Options) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args([
            "run",
            "--quiet",
            "--release",
            "--locked",
            "-p",
            "oas-fuzz",
            "--",
        ])
        .args(["run", "--seconds", &options.seconds.to_string()])
        .args(["--seed", &options.seed.to_string()])
        .current_dir(project_root());
    if options.real {
        command.arg("--real");
    }
    if options.save {
        command.arg("--save");
    }
    let status = command.status().context("running the fuzzer")?;
    if !status.success() {
        bail!("the fuzzer found failing inputs ({status}); see its report above");
    }
    Ok(())
}
