//! `cargo xtask sdks [--write-doc] [python|node|rust ...]`: Infisical's own SDKs against
//! `mini-infisical`.
//!
//! Each SDK is installed from its registry by this command, into `<target>/sdks/`: the Python
//! `infisicalsdk` (PyPI, 1.0.x) in a virtual environment, the Node `@infisical/sdk` (npm, 5.0.x) in
//! an npm project, and the Rust crate `infisical` (crates.io, 0.0.4) in a scratch cargo project.
//! Each runs its scenario (`crates/mini-infisical/sdk-scenarios/`) against a fresh mini-infisical
//! seeded with `sdk-scenarios/seed.json`; a scenario prints one `RESULT {json}` line per step.
//! The command prints a table step by SDK and fails when a step fails, a step is missing, or a
//! scenario exits with an error. `--write-doc` also writes the table to `docs/sdks.md`.
//!
//! A missing python3 (with its `venv` module), node, npm or cargo is an error, never a skip.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::spec::project_root;

/// The steps every scenario runs, in order.
pub(crate) const STEPS: &[&str] = &[
    "login",
    "token renewal",
    "list (recursive, with imports)",
    "get",
    "create",
    "update value",
    "rename without a value",
    "delete",
    "missing secret (404)",
    "forbidden write (403)",
    "folders create and list",
    "imports",
    "secret references",
];

/// The SDKs, with the registry version range each one is installed at.
pub(crate) const SDKS: &[(&str, &str)] = &[
    ("python", "infisicalsdk==1.0.*"),
    ("node", "@infisical/sdk@5.0.x"),
    ("rust", "infisical =0.0.4"),
];

/// Options of one run (`cargo xtask sdks --help`).
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// Only these SDKs (default: all).
    #[arg(value_parser = ["python", "node", "rust"])]
    pub(crate) only: Vec<String>,
    /// Write the step-by-SDK table to `docs/sdks.md`.
    #[arg(long)]
    pub(crate) write_doc: bool,
}

/// One step as a scenario reported it.
#[derive(Clone, Debug)]
struct Step {
    ok: bool,
    how: String,
    detail: String,
}

/// What one SDK did.
struct Report {
    name: &'static str,
    version: String,
    steps: BTreeMap<String, Step>,
    /// Why the scenario as a whole failed (exit status, unknown steps), if it did.
    problem: Option<String>,
}

pub(crate) fn run(options: &Options) -> Result<()> {
    let root = project_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let scenarios = root.join("crates/mini-infisical/sdk-scenarios");
    let seed = scenarios.join("seed.json");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = target.join("sdks");
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;

    let chosen: Vec<&'static str> = SDKS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| options.only.is_empty() || options.only.iter().any(|o| o == name))
        .collect();
    check_tools(&chosen)?;

    println!("==> sdks: building mini-infisical");
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "--locked", "-p", "mini-infisical"])
        .current_dir(&root)
        .status()
        .context("running cargo build -p mini-infisical")?;
    if !status.success() {
        bail!("building mini-infisical failed ({status})");
    }
    let server = target.join("debug/mini-infisical");

    let mut reports = Vec::new();
    for name in chosen {
        println!("==> sdks: {name}: installing from its registry");
        let (version, command) = match name {
            "python" => install_python(&work, &scenarios)?,
            "node" => install_node(&work, &scenarios)?,
            _ => install_rust(&cargo, &work, &scenarios)?,
        };
        println!("==> sdks: {name} {version}: running the scenario");
        reports.push(scenario(name, version, command, &server, &seed)?);
    }

    let table = table(&reports);
    println!("\n{table}");
    let mut failures = Vec::new();
    for report in &reports {
        if let Some(problem) = &report.problem {
            failures.push(format!("{}: {problem}", report.name));
        }
        for step in STEPS {
            match report.steps.get(*step) {
                Some(s) if s.ok => {}
                Some(s) => failures.push(format!("{} / {step}: {}", report.name, s.detail)),
                None => failures.push(format!("{} / {step}: not reported", report.name)),
            }
        }
    }
    if options.write_doc {
        let path = root.join("docs/sdks.md");
        std::fs::write(&path, document(&reports, &table, &failures))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if !failures.is_empty() {
        bail!(
            "{} SDK step(s) failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
    println!("==> sdks: every step of every SDK passed");
    Ok(())
}

/// Fails loudly, naming what to install, when a tool an SDK needs is missing.
fn check_tools(chosen: &[&str]) -> Result<()> {
    let mut needed: Vec<(&str, &[&str])> = vec![("cargo", &["--version"])];
    if chosen.contains(&"python") {
        needed.push(("python3", &["-m", "venv", "--help"]));
    }
    if chosen.contains(&"node") {
        needed.push(("node", &["--version"]));
        needed.push(("npm", &["--version"]));
    }
    for (tool, args) in needed {
        let ok = Command::new(tool)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            bail!(
                "`{tool} {}` does not run: the SDK scenarios need python3 (with venv), node and npm \
                 on the PATH (Debian: apt-get install python3-venv nodejs npm)",
                args.join(" ")
            );
        }
    }
    Ok(())
}

/// Runs `command`, failing with its output when it fails.
fn checked(command: &mut Command, what: &str) -> Result<String> {
    let output = command
        .output()
        .with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn install_python(work: &Path, scenarios: &Path) -> Result<(String, Command)> {
    let venv = work.join("python-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        checked(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        )?;
    }
    checked(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(SDKS[0].1),
        "pip install infisicalsdk",
    )?;
    let version = checked(
        Command::new(&python).args([
            "-c",
            "import importlib.metadata as m; print(m.version('infisicalsdk'))",
        ]),
        "reading the installed infisicalsdk version",
    )?;
    let mut command = Command::new(python);
    command.arg(scenarios.join("python/scenario.py"));
    Ok((format!("infisicalsdk {version}"), command))
}

fn install_node(work: &Path, scenarios: &Path) -> Result<(String, Command)> {
    let project = work.join("node");
    std::fs::create_dir_all(&project)?;
    std::fs::write(
        project.join("package.json"),
        "{\n  \"name\": \"mini-infisical-sdk-scenario\",\n  \"private\": true,\n  \"type\": \"module\"\n}\n",
    )?;
    checked(
        Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                SDKS[1].1,
            ])
            .current_dir(&project),
        "npm install @infisical/sdk",
    )?;
    let manifest = project.join("node_modules/@infisical/sdk/package.json");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {}", manifest.display()))?;
    let version = serde_json::from_str::<serde_json::Value>(&text)?["version"]
        .as_str()
        .unwrap_or("?")
        .to_owned();
    // Node resolves packages from the script's folder: the scenario runs from the project.
    let script = project.join("scenario.mjs");
    std::fs::copy(scenarios.join("node/scenario.mjs"), &script)?;
    let mut command = Command::new("node");
    command.arg(script);
    Ok((format!("@infisical/sdk {version}"), command))
}

fn install_rust(cargo: &str, work: &Path, scenarios: &Path) -> Result<(String, Command)> {
    let project = work.join("rust");
    std::fs::create_dir_all(&project)?;
    let main = scenarios.join("rust/main.rs");
    // An empty [workspace] keeps the scratch project out of this repository's workspace.
    let manifest = format!(
        "[package]\nname = \"sdk-scenario\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [[bin]]\nname = \"sdk-scenario\"\npath = {main:?}\n\n\
         [dependencies]\ninfisical = \"=0.0.4\"\nserde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n\n[workspace]\n",
        main = main.display().to_string()
    );
    std::fs::write(project.join("Cargo.toml"), manifest)?;
    let target = project.join("target");
    checked(
        Command::new(cargo)
            .args(["build", "--quiet", "--manifest-path"])
            .arg(project.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target),
        "cargo build (the infisical crate scenario)",
    )?;
    let lock = std::fs::read_to_string(project.join("Cargo.lock")).unwrap_or_default();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"infisical\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .map_or_else(|| "?".to_owned(), |v| v.trim_matches('"').to_owned());
    Ok((
        format!("infisical {version}"),
        Command::new(target.join("debug/sdk-scenario")),
    ))
}

/// Kills the server when the scenario is done, whatever happened.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scenario(
    name: &'static str,
    version: String,
    mut command: Command,
    server: &Path,
    seed: &Path,
) -> Result<Report> {
    let mut child = Command::new(server)
        .args(["--listen", "127.0.0.1:0", "--config"])
        .arg(seed)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", server.display()))?;
    let stdout = child.stdout.take().context("the server's stdout")?;
    let server_guard = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines
        .next()
        .context("mini-infisical ended before it listened")??;
    let url = first
        .strip_prefix("mini-infisical listening on ")
        .with_context(|| format!("unexpected first line from mini-infisical: {first}"))?
        .to_owned();
    // Keep reading the banner so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));

    let output = command
        .env("INFISICAL_URL", &url)
        .env("SDK_SEED", seed)
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running the {name} scenario"))?;
    drop(server_guard);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut steps = BTreeMap::new();
    let mut problem = None;
    for line in stdout.lines() {
        let Some(json) = line.strip_prefix("RESULT ") else {
            continue;
        };
        let value: serde_json::Value = serde_json::from_str(json)
            .with_context(|| format!("{name}: a result line that is not JSON: {line}"))?;
        let step = value["step"].as_str().unwrap_or_default().to_owned();
        if !STEPS.contains(&step.as_str()) {
            problem = Some(format!("reported an unknown step `{step}`"));
        }
        steps.insert(
            step,
            Step {
                ok: value["ok"].as_bool() == Some(true),
                how: value["how"].as_str().unwrap_or("sdk").to_owned(),
                detail: value["detail"].as_str().unwrap_or_default().to_owned(),
            },
        );
    }
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        eprintln!(
            "--- {name} scenario stderr (last lines) ---\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
        problem.get_or_insert_with(|| format!("the scenario exited with {}", output.status));
    }
    Ok(Report {
        name,
        version,
        steps,
        problem,
    })
}

/// The Markdown table: one row per step, one column per SDK.
fn table(reports: &[Report]) -> String {
    let mut out = String::from("| step |");
    for r in reports {
        out.push_str(&format!(" {} |", r.version));
    }
    out.push_str("\n| --- |");
    out.push_str(&" --- |".repeat(reports.len()));
    out.push('\n');
    for step in STEPS {
        out.push_str(&format!("| {step} |"));
        for r in reports {
            let cell = match r.steps.get(*step) {
                Some(s) if s.ok && s.how == "sdk" => "pass".to_owned(),
                Some(s) if s.ok => "pass (raw call)".to_owned(),
                Some(_) => "**FAIL**".to_owned(),
                None => "not run".to_owned(),
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

fn document(reports: &[Report], table: &str, failures: &[String]) -> String {
    let mut out = String::from(
        "# Infisical's SDKs against mini-infisical\n\n\
         Written by `cargo xtask sdks --write-doc`; `cargo xtask ci` runs the same scenarios (without\n\
         writing this file) and fails when a step fails.\n\n\
         Each SDK is installed from its registry by the command itself (under `target/sdks/`) and\n\
         runs its scenario (`crates/mini-infisical/sdk-scenarios/`) against a fresh mini-infisical\n\
         seeded with `sdk-scenarios/seed.json`: an admin identity, a reader whose role may read `dev`\n\
         and `staging` only, secrets with references (`${KEY}`, `${staging.backend.API_HOST}`,\n\
         `${prod.PASSWORD}`), a folder `/app` and an import of `staging:/shared` into `dev:/`.\n\
         Every step asserts the values it gets back.\n\n",
    );
    out.push_str(table);
    out.push_str(
        "\n\"pass (raw call)\": the SDK has no method for the step, so the scenario makes the call \
         with the SDK's own HTTP transport (its client, with the token it logged in with):\n\n",
    );
    for r in reports {
        for step in STEPS {
            if let Some(s) = r.steps.get(*step).filter(|s| s.how != "sdk") {
                out.push_str(&format!("- {}, {step}: {}.\n", r.version, s.how));
            }
        }
    }
    out.push_str(
        "\nWhat the steps check:\n\n\
         - login: universal auth; the token works for the next calls.\n\
         - token renewal: `POST /api/v1/auth/token/renew` answers the same token with `expiresIn: 7200`.\n\
         - list (recursive, with imports): `dev:/` and `/app`, with `${...}` expanded and the imported secrets.\n\
         - get, create, update value, rename without a value (the value is kept), delete: values and\n  \
           versions read back.\n\
         - missing secret (404): a clean 404 naming the secret. forbidden write (403): the reader's create.\n\
         - folders create and list: a folder under `/app`, listed flat and recursively, then a secret in it.\n\
         - imports: the imported secrets (references expanded in the imported folder), the local secret\n  \
           beside an imported one of the same key, a single read through the import.\n\
         - secret references: `${KEY}`, `${env.path.KEY}` and `${KEY}` in a folder expanded; unexpanded\n  \
           when `expandSecretReferences=false`; for the reader, who may not read `prod`, a listing keeps\n  \
           `${prod.PASSWORD}` as written and a single read of it answers 403, as Infisical does.\n",
    );
    if !failures.is_empty() {
        out.push_str("\nFailures of this run:\n\n");
        for f in failures {
            out.push_str(&format!("- {}\n", f.replace('\n', " ")));
        }
    }
    out
}
