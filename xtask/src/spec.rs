//! Finding, pinning and loading the Infisical document.
//!
//! Resolution order: `--spec PATH`, then `$INFISICAL_SPEC`, then the git-ignored copy
//! `spec/infisical-openapi.yml`, then the team's data folder `../shared/spec/infisical-openapi.yml`.
//! The document's sha256 is compared with `spec/pin.json`; a difference is reported, never
//! silently accepted.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use oas_ir::load::Format;
use sha2::{Digest, Sha256};

/// `spec/pin.json`.
#[derive(Debug)]
pub(crate) struct Pin {
    pub(crate) default_file: String,
    pub(crate) source_url: String,
    /// File name to sha256 (hex).
    pub(crate) sha256: Vec<(String, String)>,
}

pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the project root")
        .to_path_buf()
}

pub(crate) fn read_pin(root: &Path) -> Result<Pin> {
    let path = root.join("spec/pin.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let sha256 = value
        .get("sha256")
        .and_then(|v| v.as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Pin {
        default_file: field("default_file").context("spec/pin.json lacks `default_file`")?,
        source_url: field("source_url").context("spec/pin.json lacks `source_url`")?,
        sha256,
    })
}

/// A document found and read.
pub(crate) struct SpecFile {
    pub(crate) path: PathBuf,
    pub(crate) text: String,
    pub(crate) format: Format,
}

/// Finds the document by the resolution order and reads it.
pub(crate) fn resolve(explicit: Option<&Path>) -> Result<SpecFile> {
    let root = project_root();
    let pin = read_pin(&root)?;
    let mut tried = Vec::new();
    let candidates: Vec<(PathBuf, &str)> = [
        explicit.map(|p| (p.to_path_buf(), "--spec")),
        std::env::var_os("INFISICAL_SPEC").map(|p| (PathBuf::from(p), "$INFISICAL_SPEC")),
        Some((root.join("spec").join(&pin.default_file), "the local copy")),
        Some((
            root.join("..").join("shared/spec").join(&pin.default_file),
            "the team data folder",
        )),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (path, source) in candidates {
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let format = Format::detect(&path.to_string_lossy(), &text);
            return Ok(SpecFile { path, text, format });
        }
        if source == "--spec" || source == "$INFISICAL_SPEC" {
            bail!("{source} names {}, which is not a file", path.display());
        }
        tried.push(path.display().to_string());
    }
    bail!(
        "no Infisical OpenAPI document found (tried {}).\n\
         Get it with `cargo xtask spec pull --from PATH|URL` (the pinned source is {}),\n\
         or point `--spec PATH` or `$INFISICAL_SPEC` at a copy.",
        tried.join(", "),
        pin.source_url
    )
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares the document with the pin. `Ok(None)` when it matches a pinned file; otherwise a message.
pub(crate) fn check_pin(root: &Path, spec: &SpecFile) -> Result<Option<String>> {
    let pin = read_pin(root)?;
    let actual = sha256_hex(spec.text.as_bytes());
    if pin.sha256.iter().any(|(_, sha)| *sha == actual) {
        return Ok(None);
    }
    let expected: Vec<String> = pin
        .sha256
        .iter()
        .map(|(file, sha)| format!("{file} {sha}"))
        .collect();
    Ok(Some(format!(
        "{} has sha256 {actual}, which spec/pin.json does not pin (pinned: {}).\n\
         Regenerating from a new document is deliberate: update spec/pin.json in the same change.",
        spec.path.display(),
        expected.join(", ")
    )))
}

/// `cargo xtask spec pull --from PATH|URL`: copies or downloads the document to the git-ignored
/// local copy and checks it against the pin.
pub(crate) fn pull(from: &str) -> Result<()> {
    let pin = read_pin(&project_root())?;
    let bytes = if from.starts_with("http://") || from.starts_with("https://") {
        // curl keeps an HTTP client and a TLS stack out of the xtask build.
        let output = Command::new("curl")
            .args(["--fail", "--silent", "--show-error", "--location", from])
            .output()
            .context("running curl to download the document (is curl installed?)")?;
        if !output.status.success() {
            bail!(
                "downloading {from} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        output.stdout
    } else {
        std::fs::read(from).with_context(|| format!("reading {from}"))?
    };
    let actual = sha256_hex(&bytes);
    let text = String::from_utf8(bytes).context("the document is not UTF-8")?;
    let format = Format::detect(from, &text);
    oas_ir::load::parse(&text, format).map_err(|errors| {
        let shown: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
        anyhow::anyhow!(
            "{from} is not a valid OpenAPI document:\n{}",
            shown.join("\n")
        )
    })?;
    let file_name = match format {
        Format::Json => pin
            .default_file
            .replace(".yml", ".json")
            .replace(".yaml", ".json"),
        Format::Yaml => pin.default_file.clone(),
    };
    let dest = project_root().join("spec").join(&file_name);
    std::fs::write(&dest, &text).with_context(|| format!("writing {}", dest.display()))?;
    println!("wrote {} (sha256 {actual})", dest.display());
    match pin.sha256.iter().find(|(file, _)| *file == file_name) {
        Some((_, sha)) if *sha == actual => println!("matches the pin in spec/pin.json"),
        Some((_, sha)) => {
            println!("warning: the pin in spec/pin.json is {sha}; this is a different document.");
            println!(
                "Regenerate with `cargo xtask codegen --spec {}` and update the pin deliberately.",
                dest.display()
            );
        }
        None => println!("warning: spec/pin.json pins no {file_name}"),
    }
    Ok(())
}

/// Records the document's sha256 in `spec/pin.json` under its file name.
pub(crate) fn update_pin(root: &Path, spec: &SpecFile) -> Result<()> {
    let path = root.join("spec/pin.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut value: serde_json::Value = serde_json::from_str(&text)?;
    let name = spec
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    value["sha256"][name] = serde_json::Value::String(sha256_hex(spec.text.as_bytes()));
    std::fs::write(&path, serde_json::to_string_pretty(&value)? + "\n")?;
    Ok(())
}
