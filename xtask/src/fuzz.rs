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

/// The command line of `cargo xtask fuzz` (`--help`).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Fuzz for this many minutes (default: one).
    #[arg(long, value_name = "N", conflicts_with = "seconds")]
    minutes: Option<u64>,
    /// Fuzz for this many seconds.
    #[arg(long, value_name = "N")]
    seconds: Option<u64>,
    /// The seed; a run is a pure function of it.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Also mutate the small real documents of the data folder (`$INFISICAL_SPEC_DIR` or
    /// `../shared/spec`) when present; their findings are never saved.
    #[arg(long)]
    real: bool,
    /// Minimize each finding a little and write it to `spec/fixtures/fuzz/`, where the replay
    /// test keeps it fixed.
    #[arg(long)]
    save: bool,
}

impl From<Args> for Options {
    fn from(args: Args) -> Self {
        Self {
            seconds: args
                .seconds
                .unwrap_or_else(|| args.minutes.unwrap_or(1).saturating_mul(60)),
            seed: args.seed,
            real: args.real,
            save: args.save,
        }
    }
}

/// Builds and runs the fuzzer; fails when it finds anything.
pub(crate) fn run(options: &Options) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        // Not `--quiet`: building the fuzzer in release mode takes minutes; cargo shows progress.
        .args(["run", "--release", "--locked", "-p", "oas-fuzz", "--"])
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
