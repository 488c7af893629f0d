//! `peak-rss --out FILE -- COMMAND [ARG ...]`: runs a command and writes its wall time, CPU time and
//! peak resident memory as one JSON object to FILE; exits with the command's status.
//!
//! As a `RUSTC_WRAPPER` (cargo calls it as `peak-rss RUSTC ARG ...`) with `PEAK_RSS_LOG` set, it
//! runs rustc and appends one JSON line per compiler run to that log: the crate name, wall time and
//! rustc's peak memory.
//!
//! The peak comes from `getrusage(RUSAGE_CHILDREN)` once the one child has been waited for: the
//! largest peak of this process's reaped children, which is the command's own (or that of the
//! largest process it waited for).

#![allow(clippy::print_stderr)]

use std::io::Write;
use std::process::{Command, ExitCode};
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};

/// The log a wrapped rustc appends to.
const LOG_ENV: &str = "PEAK_RSS_LOG";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("peak-rss: {err}");
            ExitCode::from(101)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let (out, command, log) = match args {
        [flag, out, dashes, command @ ..] if flag == "--out" && dashes == "--" => {
            (Some(out.as_str()), command, None)
        }
        [_rustc, ..] => match std::env::var(LOG_ENV) {
            Ok(log) => (None, args, Some(log)),
            Err(_) => {
                return Err(format!(
                    "usage: peak-rss --out FILE -- COMMAND (or set {LOG_ENV} to wrap rustc)"
                ));
            }
        },
        [] => return Err("usage: peak-rss --out FILE -- COMMAND [ARG ...]".to_owned()),
    };
    let [program, rest @ ..] = command else {
        return Err("no command given".to_owned());
    };
    let start = Instant::now();
    let status = Command::new(program)
        .args(rest)
        .status()
        .map_err(|e| format!("running {program}: {e}"))?;
    let wall_s = start.elapsed().as_secs_f64();
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| format!("getrusage: {e}"))?;
    let seconds = |t: nix::sys::time::TimeVal| {
        // Microseconds fit an f64 exactly for any realistic run.
        #[allow(clippy::cast_precision_loss)]
        let micros = (t.tv_sec() * 1_000_000 + t.tv_usec()) as f64;
        micros / 1e6
    };
    let mut record = serde_json::json!({
        "wall_s": wall_s,
        "user_s": seconds(usage.user_time()),
        "sys_s": seconds(usage.system_time()),
        // Kilobytes on Linux.
        "max_rss_kb": usage.max_rss(),
        "exit": status.code(),
    });
    if let Some(out) = out {
        std::fs::write(out, record.to_string()).map_err(|e| format!("writing {out}: {e}"))?;
    }
    if let Some(log) = log {
        let crate_name = rest
            .iter()
            .position(|a| a == "--crate-name")
            .and_then(|i| rest.get(i + 1))
            .cloned();
        // cargo also asks the wrapper for `rustc -vV`; only compilations are logged.
        if let Some(crate_name) = crate_name {
            record["crate"] = serde_json::Value::String(crate_name);
            let mut line = record.to_string();
            line.push('\n');
            // One write of one short line to a file opened for appending: concurrent rustc runs
            // do not interleave.
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .and_then(|mut f| f.write_all(line.as_bytes()))
                .map_err(|e| format!("appending to {log}: {e}"))?;
        }
    }
    Ok(status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .map_or(ExitCode::FAILURE, ExitCode::from))
}
