//! `parse [--iters N] PARSER FILE`: parses an OpenAPI document N times with one parser and prints a
//! result line `parse/PARSER` (per-parse time). Run under `peak-rss` for the peak memory.
//! `parse --to-json FILE.yml OUT.json` writes the JSON form of a YAML document;
//! `parse --to-yaml FILE.json OUT.yml` the YAML form of a JSON one.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Instant;

use bench::parsers::Parser;
use bench::timing::{Summary, report};

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let usage = "usage: parse [--iters N] PARSER FILE | parse --to-json FILE.yml OUT.json | parse --to-yaml FILE.json OUT.yml";
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["--to-json", input, output] => {
            let value: serde_json::Value =
                serde_yaml::from_str(&read(input)?).map_err(|e| format!("{input}: {e}"))?;
            let json = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
            std::fs::write(output, json).map_err(|e| format!("{output}: {e}"))
        }
        ["--to-yaml", input, output] => {
            let value: serde_json::Value =
                serde_json::from_str(&read(input)?).map_err(|e| format!("{input}: {e}"))?;
            let yaml = serde_yaml::to_string(&value).map_err(|e| e.to_string())?;
            std::fs::write(output, yaml).map_err(|e| format!("{output}: {e}"))
        }
        ["--iters", iters, parser, file] => {
            let iters: usize = iters.parse().map_err(|_| usage.to_owned())?;
            measure(parser, file, iters.max(1), &read(file)?)
        }
        [parser, file] => measure(parser, file, 1, &read(file)?),
        _ => Err(usage.to_owned()),
    }
}

fn measure(parser: &str, file: &str, iters: usize, text: &str) -> Result<(), String> {
    let names: Vec<&str> = Parser::ALL.iter().map(|p| p.name()).collect();
    let parser = Parser::from_name(parser)
        .ok_or_else(|| format!("unknown parser `{parser}` (known: {})", names.join(", ")))?;
    let mut times = Vec::with_capacity(iters);
    for _ in 0..iters {
        let start = Instant::now();
        let doc = parser.parse(text).map_err(|e| format!("{file}: {e}"))?;
        times.push(start.elapsed().as_secs_f64() * 1e9);
        // Drop outside the clock: the pipeline keeps the document to the end anyway.
        std::hint::black_box(&doc);
        if doc.paths.paths.is_empty() {
            return Err(format!("{file}: parsed to a document without paths"));
        }
    }
    report(&Summary::from_times(
        &format!("parse/{}", parser.name()),
        times,
    ));
    Ok(())
}
