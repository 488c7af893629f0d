//! `oas-fuzz`: runs the fuzzer (what `cargo xtask fuzz` calls).
//!
//! The supervisor (`oas-fuzz run --seconds N --seed S`) starts a worker process
//! (`oas-fuzz worker ...`) that generates inputs from the seed, runs each through the pipeline on a
//! thread with a watchdog, and prints one line per input. The worker caps its address space
//! (RLIMIT_AS), so an input that allocates without bound aborts the worker instead of the machine;
//! a time-out ends the worker too (a thread cannot be killed). The supervisor sees which input was
//! running when the worker died, records the finding and starts a new worker after it. Findings
//! are minimized a little (node deletions that keep the same failure, each tried in a fresh
//! process) and, with `--save`, written to `spec/fixtures/fuzz/`, where a test replays them.
//!
//! Exit status: 0 when nothing was found, 1 when something was.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use oas_fuzz::{Format, corpus, mutate, pipeline};
use serde_json::Value;

/// Defaults of a run.
const DEFAULT_TIMEOUT_SECS: u64 = 10;
const DEFAULT_MEMORY_MB: u64 = 4096;
/// The stack of the thread that runs an input: the size of a main thread's, where
/// `cargo xtask codegen` runs the pipeline.
const STACK_BYTES: usize = 8 << 20;
/// Attempts spent minimizing one finding.
const MINIMIZE_ATTEMPTS: usize = 120;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => supervise(&args[1..]),
        Some("worker") => worker(&args[1..]),
        Some("check") => check_files(&args[1..]),
        Some("input") => print_input(&args[1..]),
        _ => Err(
            "usage: oas-fuzz run [--seconds N] [--seed S] [--timeout-secs T] [--memory-mb M] [--real] [--save] | oas-fuzz check FILE... | oas-fuzz input --seed S --start I [--real]"
                .to_owned(),
        ),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Debug)]
struct Options {
    seconds: u64,
    seed: u64,
    timeout_secs: u64,
    memory_mb: u64,
    save: bool,
    real: bool,
    start: u64,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: 60,
        seed: 1,
        timeout_secs: DEFAULT_TIMEOUT_SECS,
        memory_mb: DEFAULT_MEMORY_MB,
        save: false,
        real: false,
        start: 0,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--seconds" => options.seconds = number("--seconds")?,
            "--seed" => options.seed = number("--seed")?,
            "--timeout-secs" => options.timeout_secs = number("--timeout-secs")?,
            "--memory-mb" => options.memory_mb = number("--memory-mb")?,
            "--start" => options.start = number("--start")?,
            "--save" => options.save = true,
            "--real" => options.real = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------------
// One input, in this process.

/// Why an input failed, as far as this process can tell (the parent sees aborts).
#[derive(Clone, Debug)]
enum Failure {
    Panic(String),
    Defect(pipeline::Defect),
    Timeout,
}

impl Failure {
    fn line(&self) -> String {
        match self {
            Self::Panic(message) => format!("panic\t{}", one_line(message)),
            Self::Defect(defect) => {
                format!("unparsable\t{}: {}", defect.file, one_line(&defect.message))
            }
            Self::Timeout => "timeout\tthe input ran past its time bound".to_owned(),
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\t'], " ").chars().take(400).collect()
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Panics are findings, recorded with where they happened; the default hook would only print.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message} at {place}"));
        }
    }));
}

/// Caps this process's address space.
fn limit_memory(megabytes: u64) -> Result<(), String> {
    let bytes = megabytes.saturating_mul(1 << 20);
    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_AS, bytes, bytes)
        .map_err(|e| format!("setting RLIMIT_AS: {e}"))
}

/// Runs one input on its own thread; the calling thread is the watchdog.
fn run_one(text: String, format: Format, timeout: Duration) -> Result<Duration, Failure> {
    let (send, receive) = std::sync::mpsc::channel();
    let started = Instant::now();
    std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| pipeline::run(&text, format));
            let _ = send.send(result);
        })
        .map_err(|e| Failure::Panic(format!("spawning the input thread: {e}")))?;
    match receive.recv_timeout(timeout) {
        Ok(Ok(Ok(_))) => Ok(started.elapsed()),
        Ok(Ok(Err(defect))) => Err(Failure::Defect(defect)),
        Ok(Err(_)) => Err(Failure::Panic(
            LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_default(),
        )),
        Err(_) => Err(Failure::Timeout),
    }
}

/// `worker`: runs inputs from `--start` until the time is up, one line each on stdout:
/// `begin I`, then `ok I MICROS` or `finding I KIND\tMESSAGE`. Exits after a time-out.
fn worker(args: &[String]) -> Result<bool, String> {
    let options = parse_options(args)?;
    install_panic_hook();
    limit_memory(options.memory_mb)?;
    let seeds = corpus::load(options.real);
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let timeout = Duration::from_secs(options.timeout_secs);
    let mut out = std::io::stdout().lock();
    let mut index = options.start;
    while Instant::now() < deadline {
        let input = mutate::input(&seeds, options.seed, index);
        writeln!(out, "begin {index}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        match run_one(input.text, input.format, timeout) {
            Ok(took) => writeln!(out, "ok {index} {}", took.as_micros()),
            Err(failure) => {
                writeln!(out, "finding {index} {}", failure.line()).map_err(|e| e.to_string())?;
                out.flush().map_err(|e| e.to_string())?;
                if matches!(failure, Failure::Timeout) {
                    // The input's thread cannot be stopped: this process ends with it, at once
                    // (`exit` can wait on locks the running input holds).
                    std::process::abort();
                }
                Ok(())
            }
        }
        .map_err(|e| e.to_string())?;
        index += 1;
    }
    Ok(true)
}

/// `check FILE...`: runs each file once in this process; prints `ok` or the finding line.
/// Used by the minimizer (one process per attempt) and by hand.
fn check_files(args: &[String]) -> Result<bool, String> {
    install_panic_hook();
    let mut memory = DEFAULT_MEMORY_MB;
    let mut timeout = DEFAULT_TIMEOUT_SECS;
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--memory-mb" => memory = args.next().and_then(|v| v.parse().ok()).unwrap_or(memory),
            "--timeout-secs" => {
                timeout = args.next().and_then(|v| v.parse().ok()).unwrap_or(timeout);
            }
            file => files.push(PathBuf::from(file)),
        }
    }
    limit_memory(memory)?;
    let mut clean = true;
    for file in files {
        let seed = corpus::read(&file).ok_or_else(|| format!("cannot read {}", file.display()))?;
        match run_one(seed.text, seed.format, Duration::from_secs(timeout)) {
            Ok(took) => println!("ok {} {}", took.as_micros(), file.display()),
            Err(failure) => {
                clean = false;
                println!("finding {}", failure.line());
                let _ = std::io::stdout().flush();
                if matches!(failure, Failure::Timeout) {
                    std::process::abort();
                }
            }
        }
    }
    Ok(clean)
}

/// `input --seed S --start I`: prints input `I` of the run seeded `S` (to reproduce a finding).
fn print_input(args: &[String]) -> Result<bool, String> {
    let options = parse_options(args)?;
    let input = mutate::input(&corpus::load(options.real), options.seed, options.start);
    eprintln!(
        "{} ({:?}, {} bytes)",
        input.recipe,
        input.format,
        input.text.len()
    );
    println!("{}", input.text);
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// The supervisor.

#[derive(Debug)]
struct Finding {
    index: u64,
    kind: String,
    message: String,
    recipe: String,
}

/// What groups findings: the kind and the message with numbers and quoted names blurred.
fn signature(kind: &str, message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars().take(160) {
        if c == '"' || c == '`' {
            quoted = !quoted;
            out.push(c);
        } else if !quoted {
            out.push(if c.is_ascii_digit() { '#' } else { c });
        }
    }
    format!("{kind}: {out}")
}

fn supervise(args: &[String]) -> Result<bool, String> {
    let options = parse_options(args)?;
    if options.save && options.real {
        return Err(
            "--save runs on the committed fixtures only: inputs made from real documents \
             (third-party data) must not be committed"
                .to_owned(),
        );
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let seeds = corpus::load(options.real);
    println!(
        "fuzz: seed {}, {} s, {} seed documents{}, {} s and {} MB per input",
        options.seed,
        options.seconds,
        seeds.len(),
        if options.real {
            " (with real documents)"
        } else {
            ""
        },
        options.timeout_secs,
        options.memory_mb
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let mut next = options.start;
    let mut executions: u64 = 0;
    let mut slowest: (u64, u64) = (0, 0);
    let mut findings: BTreeMap<String, Finding> = BTreeMap::new();
    let mut total_findings = 0usize;
    while Instant::now() < deadline {
        let remaining = deadline
            .saturating_duration_since(Instant::now())
            .as_secs()
            .max(1);
        let mut child = Command::new(&exe)
            .args(["worker", "--seed", &options.seed.to_string()])
            .args(["--start", &next.to_string()])
            .args(["--seconds", &remaining.to_string()])
            .args(["--timeout-secs", &options.timeout_secs.to_string()])
            .args(["--memory-mb", &options.memory_mb.to_string()])
            .args(options.real.then_some("--real"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting a worker: {e}"))?;
        let stderr = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        });
        let mut running: Option<u64> = None;
        let mut timed_out = false;
        let mut last = next;
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut parts = line.splitn(3, ' ');
                let (tag, index) = (parts.next(), parts.next().and_then(|i| i.parse().ok()));
                let Some(index) = index else { continue };
                last = index;
                match tag {
                    Some("begin") => running = Some(index),
                    Some("ok") => {
                        running = None;
                        executions += 1;
                        let micros = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
                        if micros > slowest.0 {
                            slowest = (micros, index);
                        }
                    }
                    Some("finding") => {
                        running = None;
                        executions += 1;
                        let rest = parts.next().unwrap_or_default();
                        let (kind, message) = rest.split_once('\t').unwrap_or((rest, ""));
                        timed_out = kind == "timeout";
                        total_findings += 1;
                        record(&mut findings, &seeds, &options, index, kind, message);
                    }
                    _ => {}
                }
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
        if let Some(index) = running {
            // The worker died inside an input: an abort (allocation over the cap, stack
            // overflow) or a signal.
            executions += 1;
            total_findings += 1;
            let tail = stderr
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("no message")
                .to_owned();
            record(
                &mut findings,
                &seeds,
                &options,
                index,
                "crash",
                &format!("{status}: {tail}"),
            );
            last = index;
        } else if !status.success() && !timed_out {
            return Err(format!(
                "the worker failed outside an input ({status}): {stderr}"
            ));
        }
        next = last + 1;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "fuzz: {executions} executions in {secs:.0} s ({:.0}/s); {total_findings} failing inputs, {} distinct; slowest input #{} took {} ms",
        executions as f64 / secs,
        findings.len(),
        slowest.1,
        slowest.0 / 1000
    );
    for (signature, finding) in &findings {
        println!(
            "  input #{} ({}): {signature}\n    {}",
            finding.index, finding.recipe, finding.message
        );
    }
    if !findings.is_empty() && options.save {
        save(&findings, &seeds, &options, &exe)?;
    }
    Ok(findings.is_empty())
}

fn record(
    findings: &mut BTreeMap<String, Finding>,
    seeds: &[corpus::Seed],
    options: &Options,
    index: u64,
    kind: &str,
    message: &str,
) {
    let signature = signature(kind, message);
    if findings.contains_key(&signature) {
        return;
    }
    let recipe = mutate::input(seeds, options.seed, index).recipe;
    println!("  new finding at input #{index} ({recipe}): {kind}: {message}");
    findings.insert(
        signature,
        Finding {
            index,
            kind: kind.to_owned(),
            message: message.to_owned(),
            recipe,
        },
    );
}

/// Minimizes each finding a little and writes it to `spec/fixtures/fuzz/`.
fn save(
    findings: &BTreeMap<String, Finding>,
    seeds: &[corpus::Seed],
    options: &Options,
    exe: &Path,
) -> Result<(), String> {
    let dir = corpus::findings_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (signature, finding) in findings {
        let input = mutate::input(seeds, options.seed, finding.index);
        let text = if finding.kind == "timeout" {
            // Each attempt would cost the whole time bound.
            input.text
        } else {
            minimize(exe, options, &input.text, input.format, signature)
        };
        let ext = match input.format {
            Format::Json => "json",
            Format::Yaml => "yaml",
        };
        let name = format!(
            "{}-seed{}-{}.{ext}",
            finding.kind, options.seed, finding.index
        );
        let path = dir.join(&name);
        std::fs::write(&path, &text).map_err(|e| format!("writing {}: {e}", path.display()))?;
        println!("  saved {} ({} bytes)", path.display(), text.len());
    }
    Ok(())
}

/// The finding signature of `text`, run in a fresh process (`None`: no failure).
fn failure_of(exe: &Path, options: &Options, text: &str, format: Format) -> Option<String> {
    let ext = if format == Format::Json {
        "json"
    } else {
        "yaml"
    };
    let path = std::env::temp_dir().join(format!("oas-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, text).ok()?;
    let output = Command::new(exe)
        .arg("check")
        .arg(&path)
        .args(["--timeout-secs", &options.timeout_secs.to_string()])
        .args(["--memory-mb", &options.memory_mb.to_string()])
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("finding ")) {
        let (kind, message) = line.split_once('\t').unwrap_or((line, ""));
        return Some(signature(kind, message));
    }
    if output.status.success() {
        return None;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail = stderr
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    Some(signature("crash", &format!("{}: {tail}", output.status)))
}

/// Greedy node deletion: drops each node whose removal keeps the same failure.
fn minimize(exe: &Path, options: &Options, text: &str, format: Format, signature: &str) -> String {
    let Ok(mut value) = oas_ir::load::parse_value(text, format) else {
        return text.to_owned();
    };
    let write = |value: &Value| match format {
        Format::Json => serde_json::to_string_pretty(value).unwrap_or_default(),
        Format::Yaml => serde_yaml::to_string(value).unwrap_or_default(),
    };
    let mut attempts = 0;
    let mut n = 1;
    while attempts < MINIMIZE_ATTEMPTS {
        let mut candidate = value.clone();
        if !remove_nth(&mut candidate, n) {
            break;
        }
        attempts += 1;
        if failure_of(exe, options, &write(&candidate), format).as_deref() == Some(signature) {
            value = candidate;
        } else {
            n += 1;
        }
    }
    write(&value)
}

/// Removes the node of pre-order index `n` (> 0) from its parent; false when there is none.
fn remove_nth(value: &mut Value, mut n: usize) -> bool {
    fn size(v: &Value) -> usize {
        1 + match v {
            Value::Object(m) => m.values().map(size).sum(),
            Value::Array(a) => a.iter().map(size).sum(),
            _ => 0,
        }
    }
    let mut node = value;
    loop {
        n -= 1;
        let sizes: Vec<usize> = match &*node {
            Value::Object(m) => m.values().map(size).collect(),
            Value::Array(a) => a.iter().map(size).collect(),
            _ => return false,
        };
        let mut child = None;
        for (i, s) in sizes.iter().enumerate() {
            if n < *s {
                child = Some(i);
                break;
            }
            n -= s;
        }
        let Some(i) = child else { return false };
        if n == 0 {
            match node {
                Value::Object(m) => {
                    if let Some(key) = m.keys().nth(i).cloned() {
                        m.shift_remove(&key);
                    }
                }
                Value::Array(a) => {
                    a.remove(i);
                }
                _ => {}
            }
            return true;
        }
        node = match node {
            Value::Object(m) => match m.values_mut().nth(i) {
                Some(child) => child,
                None => return false,
            },
            Value::Array(a) => &mut a[i],
            _ => return false,
        };
    }
}
