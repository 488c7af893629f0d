//! Project automation, run as `cargo xtask <command>`. The only crate of the workspace that does IO.
//!
//! - `cargo xtask codegen [--check] [--spec PATH]`: regenerates `generated/` (or checks it is fresh).
//! - `cargo xtask spec pull --from PATH|URL`: fetches the Infisical document and checks its pin.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod spec;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

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
            let mut check = false;
            let mut spec_path = None;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => check = true,
                    "--spec" => {
                        spec_path = Some(PathBuf::from(
                            args.next()
                                .ok_or_else(|| anyhow::anyhow!("--spec needs a path"))?,
                        ))
                    }
                    other => bail!("unknown codegen argument `{other}`"),
                }
            }
            let spec = spec::resolve(spec_path.as_deref())?;
            let doc = oas_ir::load::parse(&spec.text, spec.format).map_err(|errors| {
                let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!(
                    "{} is not a valid OpenAPI document:\n{}",
                    spec.path.display(),
                    shown.join("\n")
                )
            })?;
            let out = oas_ir::build(&doc, &oas_ir::Config::default()).map_err(|d| {
                anyhow::anyhow!(
                    "{}",
                    d.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            })?;
            let _ = check;
            std::fs::write("/tmp/ir-dump.txt", oas_ir::report::dump(&out.api))?;
            std::fs::write(
                "/tmp/unions.md",
                oas_ir::report::union_report(&out.api, &out.unions),
            )?;
            let named = out.api.types.iter().filter(|t| t.is_named()).count();
            println!(
                "types before {} after {} named {named}; warnings {}",
                out.types_before_dedup,
                out.api.types.len(),
                out.warnings.len()
            );
            for w in &out.warnings {
                println!("{w}");
            }
            Ok(())
        }
        Some("spec") => match (args.next().as_deref(), args.next().as_deref(), args.next()) {
            (Some("pull"), Some("--from"), Some(from)) => spec::pull(&from),
            _ => bail!("usage: cargo xtask spec pull --from PATH|URL"),
        },
        _ => bail!(
            "usage: cargo xtask codegen [--check] [--spec PATH] | cargo xtask spec pull --from PATH|URL"
        ),
    }
}
