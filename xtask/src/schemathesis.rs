//! `cargo xtask schemathesis [--max-examples N] [--seed S] [--keep]`: runs schemathesis (from
//! PyPI, a pinned version in a virtual environment under the target folder) against
//! `mini-infisical`, with the pinned document as the server serves it (the overlays of
//! `spec/overlays/` applied).
//!
//! Fails on any server error (a 5xx other than the 501 of an operation mini-infisical does not
//! implement) and, for the operations it implements, on any response that the document does not
//! allow: an undocumented status code, a content type the document does not name, or a body that
//! does not match its schema. Which operations are implemented is read off the run itself: an
//! operation is unimplemented when it answered `501 NotImplemented` (what every trait method
//! answers until it is written), so no list is kept by hand.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

/// The schemathesis release this step installs; a new one is a deliberate change.
pub(crate) const VERSION: &str = "4.32.5";

/// Examples per operation and phase in CI (and when `--max-examples` is not given).
pub(crate) const CI_MAX_EXAMPLES: u64 = 10;

/// The fixed seed of the CI run and of runs that name none.
pub(crate) const DEFAULT_SEED: u64 = 1;

/// The checks run on every response.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";

/// The identity the step logs in with (an admin in the seeded project).
const CLIENT_ID: &str = "schemathesis-client";
const CLIENT_SECRET: &str = "schemathesis-secret";

/// Options of one run.
#[derive(Debug, clap::Args)]
pub(crate) struct Options {
    /// Examples per implemented operation and phase (the survey pass of every operation uses a
    /// quarter of it, at least 2).
    #[arg(long, default_value_t = CI_MAX_EXAMPLES, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_examples: u64,
    /// schemathesis' random seed.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Keep the report folder (printed) instead of a temporary one that is removed.
    #[arg(long)]
    pub(crate) keep: bool,
}

impl Options {
    pub(crate) fn ci() -> Self {
        Self {
            max_examples: CI_MAX_EXAMPLES,
            seed: DEFAULT_SEED,
            keep: false,
        }
    }
}

/// The seeded project's id, which the generated requests use half of the time (schemathesis.toml).
const PROJECT_ID: &str = "5c4a0e3e-6d1f-4b6a-9a57-8f5d3c2b1a00";

/// Request parameters fixed to the seeded state in pass 2, so that implemented operations get
/// past "not found" and answer with their success bodies too (pass 1 leaves them random).
const FIXED: &[(&str, &str)] = &[
    ("path.projectId", PROJECT_ID),
    ("path.workspaceId", PROJECT_ID),
    ("query.workspaceId", PROJECT_ID),
    ("query.projectId", PROJECT_ID),
    ("query.environment", "dev"),
];

/// Runs the whole step; fails on any finding.
pub(crate) fn run(options: &Options) -> Result<()> {
    let started = Instant::now();
    let root = project_root();
    let work = target_dir(&root).join("schemathesis");
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let st = install(&work)?;

    let document = work.join("infisical-openapi.overlaid.json");
    let operations = write_document(&document)?;
    let config = write_config(&work)?;

    let server = Server::start(&work)?;
    let token = server.login()?;

    let report = if options.keep {
        let dir = work.join("report");
        let _ = std::fs::remove_dir_all(&dir);
        dir
    } else {
        work.join(format!("report-{}", std::process::id()))
    };
    std::fs::create_dir_all(&report)?;
    let runner = Runner {
        st: &st,
        document: &document,
        base: &server.base,
        token: &token,
        seed: options.seed,
        report: &report,
    };

    // Pass 1: every operation, a few examples each; which ones answer 501 tells what is
    // implemented.
    let survey_examples = options.max_examples.div_ceil(4).max(2);
    println!(
        "==> schemathesis {VERSION} pass 1: all {operations} operations, {survey_examples} examples each, seed {}, against {}",
        options.seed, server.base
    );
    let mut summary = Summary::default();
    summary.add_events(&runner.run("survey", "examples,fuzzing", survey_examples, None, &[])?)?;
    let implemented: Vec<String> = summary
        .operations
        .keys()
        .filter(|op| !summary.unimplemented.contains(*op))
        .cloned()
        .collect();
    // Pass 2: the implemented operations, with the coverage phase (boundaries, missing and
    // unexpected properties) and more random examples.
    println!(
        "==> schemathesis pass 2: the {} implemented operations, coverage and {} examples each",
        implemented.len(),
        options.max_examples
    );
    if !implemented.is_empty() {
        summary.add_events(&runner.run(
            "implemented",
            "examples,coverage,fuzzing",
            options.max_examples,
            Some(&config),
            &implemented,
        )?)?;
    }
    drop(server);
    summary.finish();
    print!("{}", summary.render());
    println!("wall time: {:.0} s", started.elapsed().as_secs_f64());
    if options.keep {
        println!("reports kept in {}", report.display());
    } else {
        let _ = std::fs::remove_dir_all(&report);
    }
    if summary.operations.is_empty() {
        bail!("schemathesis tested no operation");
    }
    if !summary.failures.is_empty() || !summary.errors.is_empty() {
        bail!(
            "schemathesis found {} failures and {} errors (above); `cargo xtask schemathesis --keep` keeps its log and events",
            summary.failures.len(),
            summary.errors.len()
        );
    }
    Ok(())
}

/// How schemathesis is run.
struct Runner<'a> {
    st: &'a Path,
    document: &'a Path,
    base: &'a str,
    token: &'a str,
    seed: u64,
    report: &'a Path,
}

impl Runner<'_> {
    /// One run of `st`; returns its events (NDJSON). Its exit status is not the verdict: the
    /// events are.
    fn run(
        &self,
        name: &str,
        phases: &str,
        examples: u64,
        config: Option<&Path>,
        only: &[String],
    ) -> Result<String> {
        let events = self.report.join(format!("{name}.ndjson"));
        let log = self.report.join(format!("{name}.log"));
        let mut command = Command::new(self.st);
        if let Some(config) = config {
            command.arg("--config-file").arg(config);
        }
        command
            .arg("run")
            .arg(self.document)
            .args(["--url", self.base])
            .args(["--checks", CHECKS])
            .args(["--max-examples", &examples.to_string()])
            .args(["--seed", &self.seed.to_string()])
            .args(["--phases", phases])
            .args(["--workers", "2"])
            .args(["--generation-database", "none"])
            .args(["--suppress-health-check", "all"])
            .args(["--request-timeout", "10"])
            .arg("--continue-on-failure")
            .arg("--no-shrink")
            .arg("--no-color")
            .args(["--warnings", "off"])
            .args(["--header", &format!("Authorization: Bearer {}", self.token)])
            .args(["--report", "ndjson"])
            .arg("--report-ndjson-path")
            .arg(&events);
        for operation in only {
            command.args(["--include-name", operation]);
        }
        let status = command
            .stdout(Stdio::from(
                std::fs::File::create(&log).context("creating the schemathesis log")?,
            ))
            .stderr(Stdio::inherit())
            // Not the work folder: a `schemathesis.toml` there would apply to every pass.
            .current_dir(self.report)
            .status()
            .with_context(|| format!("running {}", self.st.display()))?;
        std::fs::read_to_string(&events).with_context(|| {
            format!(
                "schemathesis ({status}) wrote no events at {}; its log: {}",
                events.display(),
                log.display()
            )
        })
    }
}

/// The configuration of pass 2 (`pass2/schemathesis.toml`): the parameters fixed to the seeded
/// state. Returns its path.
fn write_config(work: &Path) -> Result<PathBuf> {
    let mut text = String::from("# Written by `cargo xtask schemathesis`.\n[parameters]\n");
    for (key, value) in FIXED {
        text.push_str(&format!("{key:?} = {value:?}\n"));
    }
    let dir = work.join("pass2");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("schemathesis.toml");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// The Cargo target folder (`$CARGO_TARGET_DIR` or `target/`).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Creates (or reuses) the virtual environment with the pinned schemathesis; returns its `st`.
fn install(work: &Path) -> Result<PathBuf> {
    let venv = work.join(format!("venv-{VERSION}"));
    let st = venv.join("bin/st");
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if installed {
        return Ok(st);
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    println!(
        "==> schemathesis: creating {} with {python}",
        venv.display()
    );
    let _ = std::fs::remove_dir_all(&venv);
    let hint = "schemathesis needs Python 3.9+ with venv and pip \
                (on Debian: `apt-get install python3 python3-venv python3-pip`; \
                `.ci/run` installs them when they are missing)";
    let output = Command::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .with_context(|| format!("running `{python} -m venv`: {hint}"))?;
    if !output.status.success() {
        bail!(
            "`{python} -m venv {}` failed: {hint}\n{}",
            venv.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let pip = venv.join("bin/pip");
    let status = Command::new(&pip)
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("schemathesis=={VERSION}"))
        .status()
        .with_context(|| format!("running {}: {hint}", pip.display()))?;
    if !status.success() {
        let _ = std::fs::remove_dir_all(&venv);
        bail!("installing schemathesis {VERSION} from PyPI failed ({status})");
    }
    Ok(st)
}

/// Writes the pinned document with its overlays applied (what mini-infisical is generated from
/// and serves) as JSON; returns its number of operations.
fn write_document(out: &Path) -> Result<usize> {
    let spec = crate::spec::resolve(None)?;
    let mut value = oas_ir::load::parse_value(&spec.text, spec.format)
        .map_err(|e| diagnostics(&spec.path, &e))?;
    oas_ir::load::downgrade(&mut value);
    let overlays = crate::profile::overlays_for(&crate::spec::sha256_hex(spec.text.as_bytes()))?;
    for (file, overlay) in &overlays {
        overlay
            .apply(&mut value)
            .map_err(|e| diagnostics(Path::new(file), &e))?;
    }
    let operations = value
        .get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .flat_map(|item| item.keys())
                .filter(|k| {
                    matches!(
                        k.as_str(),
                        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                    )
                })
                .count()
        });
    std::fs::write(out, serde_json::to_vec(&value)?)
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(operations)
}

fn diagnostics(path: &Path, errors: &[oas_ir::Diagnostic]) -> anyhow::Error {
    let shown: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
    anyhow::anyhow!("{}:\n{}", path.display(), shown.join("\n"))
}

/// mini-infisical, running on a free loopback port; stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(work: &Path) -> Result<Self> {
        let binary = build_server()?;
        let seed = work.join("seed.json");
        let config = serde_json::json!({
            "identities": [{"name": "schemathesis", "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "role": "admin"}],
            "projects": [{"name": "Demo", "slug": "demo", "id": PROJECT_ID}],
        });
        std::fs::write(&seed, serde_json::to_vec_pretty(&config)?)
            .with_context(|| format!("writing {}", seed.display()))?;
        let mut child = Command::new(&binary)
            .args(["--listen", "127.0.0.1:0"])
            .arg("--config")
            .arg(&seed)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("mini-infisical's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().transpose()?.unwrap_or_default();
        let Some(base) = first
            .strip_prefix("mini-infisical listening on ")
            .map(str::to_owned)
        else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("mini-infisical did not start (it printed `{first}`)");
        };
        // The rest of its banner is not needed; keep the pipe drained.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, base })
    }

    /// Logs in with universal auth; returns the access token.
    fn login(&self) -> Result<String> {
        let address = self
            .base
            .strip_prefix("http://")
            .context("mini-infisical's address")?;
        let body =
            serde_json::json!({"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}).to_string();
        let mut stream = TcpStream::connect(address)
            .with_context(|| format!("connecting to mini-infisical at {address}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            stream,
            "POST /api/v1/auth/universal-auth/login HTTP/1.1\r\nHost: {address}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        let (head, rest) = answer
            .split_once("\r\n\r\n")
            .context("the login answer has no body")?;
        if !head.starts_with("HTTP/1.1 200") {
            bail!("universal-auth login failed: {head}\n{rest}");
        }
        // The body is small and JSON: take it whole whether or not it came chunked.
        let json = rest
            .find('{')
            .zip(rest.rfind('}'))
            .map(|(a, b)| &rest[a..=b])
            .context("the login answer has no JSON body")?;
        let value: serde_json::Value = serde_json::from_str(json)?;
        value
            .get("accessToken")
            .and_then(|t| t.as_str())
            .map(str::to_owned)
            .context("the login answer has no accessToken")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds mini-infisical (the test profile's build is reused) and returns its executable.
fn build_server() -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--locked",
            "-p",
            "mini-infisical",
            "--bin",
            "mini-infisical",
            "--message-format",
            "json",
        ])
        .current_dir(project_root())
        .stderr(Stdio::inherit())
        .output()
        .context("building mini-infisical")?;
    if !output.status.success() {
        bail!("building mini-infisical failed ({})", output.status);
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "mini-infisical")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo did not name mini-infisical's executable")
}

/// One failed check on one response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Failure {
    pub(crate) operation: String,
    pub(crate) check: String,
    /// The response's status code (0: no response).
    pub(crate) status: u16,
    pub(crate) message: String,
}

/// What the runs tested and found, read from schemathesis' NDJSON events.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// Requests sent, by operation (`POST /api/v1/...`).
    pub(crate) operations: BTreeMap<String, u64>,
    /// Operations that answered 501 NotImplemented: mini-infisical does not implement them.
    pub(crate) unimplemented: BTreeSet<String>,
    /// Responses by status code.
    pub(crate) statuses: BTreeMap<u16, u64>,
    /// Every failed check, before the verdict ([`Summary::finish`] sorts them out).
    pending: Vec<Failure>,
    /// Failures that count.
    pub(crate) failures: Vec<Failure>,
    /// Failed checks that do not count, by check: the 501 of an unimplemented operation, and the
    /// conformance of an operation that is not implemented.
    pub(crate) ignored: BTreeMap<String, u64>,
    /// Errors schemathesis met (a network error, a time-out), by operation: these fail.
    pub(crate) errors: Vec<(String, String)>,
    /// Operations schemathesis could not test because the document is inconsistent (a path
    /// parameter it does not define, a body schema no value satisfies): reported, not failed.
    pub(crate) invalid_schema: Vec<(String, String)>,
}

impl Summary {
    /// Adds the events of one run.
    pub(crate) fn add_events(&mut self, text: &str) -> Result<()> {
        use serde_json::Value;
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let event: Value = serde_json::from_str(line)
                .with_context(|| format!("schemathesis event {} is not JSON", number + 1))?;
            if let Some(error) = event.get("NonFatalError") {
                let label = error["label"]
                    .as_str()
                    .unwrap_or("(no operation)")
                    .to_owned();
                let kind = error["value"]["type"].as_str().unwrap_or("error");
                let message = format!(
                    "{kind}: {}",
                    error["value"]["message"].as_str().unwrap_or_default()
                );
                // The document's own inconsistencies: nothing a server can answer to.
                if matches!(kind, "InvalidSchema" | "Unsatisfiable") {
                    let message = message.lines().next().unwrap_or_default().to_owned();
                    if !self
                        .invalid_schema
                        .contains(&(label.clone(), message.clone()))
                    {
                        self.invalid_schema.push((label, message));
                    }
                } else {
                    self.errors.push((label, message));
                }
                continue;
            }
            let Some(recorder) = event.get("ScenarioFinished").map(|e| &e["recorder"]) else {
                continue;
            };
            let label = recorder["label"].as_str().unwrap_or_default().to_owned();
            let interactions = recorder["interactions"].as_object();
            let status_of = |case: &str| -> u16 {
                interactions
                    .and_then(|i| i.get(case))
                    .and_then(|i| i["response"]["status_code"].as_u64())
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(0)
            };
            for case in interactions.into_iter().flat_map(|i| i.keys()) {
                let status = status_of(case);
                *self.operations.entry(label.clone()).or_default() += 1;
                *self.statuses.entry(status).or_default() += 1;
                if status == 501 {
                    self.unimplemented.insert(label.clone());
                }
            }
            let checks = recorder["checks"].as_object().into_iter().flatten();
            for (case, results) in checks {
                for result in results.as_array().into_iter().flatten() {
                    if result["status"] == "success" {
                        continue;
                    }
                    let failure = &result["failure_info"]["failure"];
                    let title = failure["title"].as_str().unwrap_or_default();
                    let message = failure["message"].as_str().unwrap_or_default();
                    self.pending.push(Failure {
                        operation: label.clone(),
                        check: result["name"].as_str().unwrap_or("check").to_owned(),
                        status: status_of(case),
                        message: format!("{title}: {}", message.trim())
                            .trim_end_matches(": ")
                            .to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Sorts the failed checks into those that count and those that do not.
    pub(crate) fn finish(&mut self) {
        for failure in std::mem::take(&mut self.pending) {
            let unimplemented = self.unimplemented.contains(&failure.operation);
            let counts = if failure.status == 501 {
                // 501 is the designed answer of an unimplemented operation, nothing else.
                !unimplemented
            } else {
                failure.check == "not_a_server_error" || !unimplemented
            };
            if counts {
                self.failures.push(failure);
            } else {
                *self.ignored.entry(failure.check).or_default() += 1;
            }
        }
        self.failures.sort();
        self.failures.dedup();
    }

    /// The report printed at the end of the step.
    pub(crate) fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let requests: u64 = self.operations.values().sum();
        let _ = writeln!(
            out,
            "schemathesis: {} operations tested ({} implemented, {} answer 501), {requests} requests",
            self.operations.len(),
            self.operations.len() - self.unimplemented.len(),
            self.unimplemented.len()
        );
        let statuses: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| {
                if *s == 0 {
                    format!("no response: {n}")
                } else {
                    format!("{s}: {n}")
                }
            })
            .collect();
        let _ = writeln!(out, "  responses: {}", statuses.join(", "));
        let mut by_check: BTreeMap<&str, u64> = BTreeMap::new();
        for failure in &self.failures {
            *by_check.entry(failure.check.as_str()).or_default() += 1;
        }
        if by_check.is_empty() {
            let _ = writeln!(out, "  failures: none");
        } else {
            let checks: Vec<String> = by_check.iter().map(|(c, n)| format!("{c}: {n}")).collect();
            let _ = writeln!(out, "  failures by check (distinct): {}", checks.join(", "));
        }
        if !self.ignored.is_empty() {
            let ignored: Vec<String> = self
                .ignored
                .iter()
                .map(|(c, n)| format!("{c}: {n}"))
                .collect();
            let _ = writeln!(
                out,
                "  not counted (501 of unimplemented operations, their conformance): {}",
                ignored.join(", ")
            );
        }
        for (operation, message) in &self.invalid_schema {
            let _ = writeln!(out, "  untestable (the document): {operation}: {message}");
        }
        for failure in self.failures.iter().take(50) {
            let _ = writeln!(
                out,
                "  FAIL {} [{}] {}: {}",
                failure.operation,
                failure.check,
                failure.status,
                failure.message.replace('\n', " | ")
            );
        }
        if self.failures.len() > 50 {
            let _ = writeln!(out, "  ... and {} more", self.failures.len() - 50);
        }
        for (operation, message) in &self.errors {
            let _ = writeln!(out, "  ERROR {operation}: {message}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One `ScenarioFinished` event as schemathesis 4 writes it: one case, its response status
    /// and the result of one check.
    fn scenario(label: &str, status: u16, check: &str, passed: bool) -> String {
        let result = if passed {
            serde_json::json!({"name": check, "status": "success"})
        } else {
            serde_json::json!({"name": check, "status": "failure", "failure_info": {"failure": {
                "title": "Undocumented status code", "message": "Received: 999"}}})
        };
        serde_json::json!({"ScenarioFinished": {"phase": "fuzzing", "recorder": {
            "label": label,
            "interactions": {"c1": {"response": {"status_code": status}}},
            "checks": {"c1": [result]},
        }}})
        .to_string()
    }

    fn summary(events: &[String]) -> Summary {
        let mut summary = Summary::default();
        summary.add_events(&events.join("\n")).unwrap();
        summary.finish();
        summary
    }

    #[test]
    fn the_501_of_an_unimplemented_operation_is_not_a_failure() {
        let s = summary(&[
            scenario("GET /a", 501, "not_a_server_error", false),
            scenario("GET /a", 400, "status_code_conformance", false),
        ]);
        assert!(s.failures.is_empty(), "{:?}", s.failures);
        assert!(s.unimplemented.contains("GET /a"));
        assert_eq!(s.ignored["not_a_server_error"], 1);
        assert_eq!(s.ignored["status_code_conformance"], 1);
    }

    #[test]
    fn a_server_error_fails_on_any_operation() {
        let s = summary(&[
            scenario("GET /a", 501, "not_a_server_error", false),
            scenario("GET /a", 500, "not_a_server_error", false),
        ]);
        assert_eq!(s.failures.len(), 1);
        assert_eq!(s.failures[0].status, 500);
    }

    #[test]
    fn a_nonconforming_response_of_an_implemented_operation_fails() {
        let s = summary(&[
            scenario("GET /b", 200, "response_schema_conformance", false),
            scenario("GET /b", 200, "not_a_server_error", true),
        ]);
        assert_eq!(s.operations["GET /b"], 2);
        assert_eq!(s.failures.len(), 1);
        assert_eq!(s.failures[0].check, "response_schema_conformance");
        assert!(s.render().contains("response_schema_conformance: 1"));
    }

    #[test]
    fn a_501_from_an_operation_is_what_marks_it_unimplemented() {
        // The 501 alone is the mark: an implemented operation never answers it, so a 501 from
        // an operation makes its conformance failures not count, and nothing else does.
        let s = summary(&[scenario("GET /c", 404, "status_code_conformance", false)]);
        assert_eq!(s.failures.len(), 1);
        assert!(s.unimplemented.is_empty());
    }

    #[test]
    fn document_inconsistencies_are_reported_and_network_errors_fail() {
        let events = [
            r#"{"NonFatalError":{"label":"GET /d/{x}","value":{"type":"InvalidSchema","message":"Path parameter 'x' is not defined"}}}"#,
            r#"{"NonFatalError":{"label":"GET /d/{x}","value":{"type":"InvalidSchema","message":"Path parameter 'x' is not defined"}}}"#,
            r#"{"NonFatalError":{"label":"GET /e","value":{"type":"ConnectionError","message":"refused"}}}"#,
        ]
        .map(str::to_owned);
        let s = summary(&events);
        assert_eq!(s.invalid_schema.len(), 1);
        assert_eq!(s.errors.len(), 1);
        assert!(
            s.render()
                .contains("ERROR GET /e: ConnectionError: refused")
        );
    }

    #[test]
    fn an_event_that_is_not_json_is_an_error() {
        let mut s = Summary::default();
        let error = s.add_events("{\"Initialize\":{}}\n{oops").unwrap_err();
        assert!(error.to_string().contains("event 2"), "{error}");
    }
}
