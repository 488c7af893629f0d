//! Project automation, run as `cargo xtask <command>`. The only crate of the workspace that does IO.
//!
//! `cargo xtask --help` lists the commands and `cargo xtask <command> --help` every option of one;
//! the command line is declared below (clap derive), next to the options structs it fills.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod changes;
mod ci;
mod codegen;
mod documents;
mod fuzz;
mod msrv;
mod profile;
mod schemathesis;
mod sdks;
mod spec;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Project automation for the Infisical OpenAPI generator: regenerate the crates, run the test
/// suite, fetch the document, benchmark and fuzz.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate `generated/` (and the docs/ reports) from the pinned Infisical document, or
    /// check that they are fresh.
    Codegen(codegen::Options),
    /// The whole test suite as CI runs it: formatting, freshness, clippy, tests, features,
    /// packaging, every real document, a short fuzz run and a benchmark smoke run.
    ///
    /// Checks that need an Infisical document that is absent are skipped and listed at the end
    /// (all of them when the pinned document is absent, as in a fresh clone), unless
    /// `--require-documents` is given.
    Ci(ci::Options),
    /// Generate, build and test every document of `spec/documents.toml` and every fixture of
    /// `spec/fixtures/` in a scratch copy of the workspace (`target/documents/<name>`).
    Documents(documents::Options),
    /// Fetch the Infisical document.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Fuzz the whole pipeline (structure-aware, on the committed fixtures) in release mode.
    Fuzz(fuzz::Args),
    /// Run schemathesis (pinned, from PyPI) against mini-infisical; fails on a server error or a
    /// response the document forbids from an implemented operation.
    Schemathesis(schemathesis::Options),
    /// Run Infisical's own SDKs (Python, Node, Rust; installed from their registries) through
    /// their scenarios against mini-infisical; fails on any failed or missing step.
    Sdks(sdks::Options),
    /// Measure the generator and the generated crates and write `docs/benchmarks.md`.
    Bench(bench::Args),
}

#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// Copy or download a document into the git-ignored local copy in `spec/`, print its sha256
    /// and whether it is the document `spec/pin.json` pins.
    ///
    /// The pinned document becomes `spec/<its file name>`, the default document of every command;
    /// another document is kept beside it as `spec/pulled-<sha256 prefix>.<ext>` and becomes the
    /// default only through `cargo xtask codegen --spec FILE --update-pin`.
    Pull(spec::PullArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Codegen(options) => codegen::run(&options),
        Command::Ci(options) => ci::run(&options),
        Command::Documents(options) => documents::run(&options),
        Command::Spec(SpecCommand::Pull(args)) => spec::pull(&args),
        Command::Fuzz(args) => fuzz::run(&args.into()),
        Command::Schemathesis(options) => schemathesis::run(&options),
        Command::Sdks(options) => sdks::run(&options),
        Command::Bench(args) => bench::run(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::Cli;

    /// The declared command line is consistent (no clashing flags, every argument reachable).
    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// Every option of every command is described in its `--help`.
    #[test]
    fn every_option_has_help() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" || arg.is_hide_set() {
                    continue;
                }
                if arg.get_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(format!("{path} {}", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "cargo xtask", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:?}");
    }

    /// The flags the README, CI and the other commands use parse as documented.
    #[test]
    fn documented_invocations_parse() {
        for line in [
            "codegen",
            "codegen --check",
            "codegen --spec new.json --update-pin",
            "codegen --fail-on-breaking",
            "codegen --timings --quiet --out /tmp/x",
            "ci",
            "ci --require-documents",
            "documents",
            "documents --require 2025-06 fixture-defaults",
            "spec pull",
            "spec pull --from https://example.com/doc.json",
            "fuzz --minutes 2 --seed 7 --real --save",
            "fuzz --seconds 30",
            "schemathesis --max-examples 4 --seed 2 --keep",
            "sdks",
            "sdks --write-doc python rust",
            "bench --quick",
            "bench --full --out /tmp/b.md --spec doc.json",
        ] {
            let args = std::iter::once("xtask").chain(line.split(' '));
            if let Err(err) = <Cli as clap::Parser>::try_parse_from(args) {
                panic!("`cargo xtask {line}` does not parse: {err}");
            }
        }
        for bad in [
            "codegen --nope",
            "fuzz --minutes 1 --seconds 2",
            "spec pull --from",
        ] {
            let args = std::iter::once("xtask").chain(bad.split(' '));
            assert!(
                <Cli as clap::Parser>::try_parse_from(args).is_err(),
                "`{bad}` must be refused"
            );
        }
    }
}
