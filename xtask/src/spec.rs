//! Finding, pinning and loading the Infisical document.
//!
//! Resolution order: `--spec PATH`, then `$INFISICAL_SPEC`, then the git-ignored local copy
//! `spec/<file name of the pin>`, then the team's data folder (`$INFISICAL_SPEC_DIR`, else
//! `../shared/spec`) at the pinned `file`.
//! The document's sha256 is compared with `spec/pin.json`; a difference is reported, never
//! silently accepted.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use oas_ir::load::Format;
use sha2::{Digest, Sha256};

/// `spec/pin.json`: the one document the checked-in crates are generated from.
#[derive(Debug)]
pub(crate) struct Pin {
    /// Where the document is, relative to the team's data folder (`2025-06/infisical-openapi.json`);
    /// the git-ignored local copy is `spec/<its file name>`.
    pub(crate) file: String,
    pub(crate) source_url: String,
    /// The sha256 (hex) of the document's bytes.
    pub(crate) sha256: String,
}

impl Pin {
    /// The file name of the local copy in `spec/`.
    pub(crate) fn local_name(&self) -> &str {
        self.file.rsplit('/').next().unwrap_or(&self.file)
    }
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
    let field = |name: &str| {
        value
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .with_context(|| format!("{} lacks `{name}`", path.display()))
    };
    Ok(Pin {
        file: field("file")?,
        source_url: field("source_url")?,
        sha256: field("sha256")?,
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
    resolve_in(&project_root(), explicit)
}

/// [`resolve`] for the project copy at `root` (its pin and its local copy).
pub(crate) fn resolve_in(root: &Path, explicit: Option<&Path>) -> Result<SpecFile> {
    let pin = read_pin(root)?;
    let mut tried = Vec::new();
    let candidates: Vec<(PathBuf, &str)> = [
        explicit.map(|p| (p.to_path_buf(), "--spec")),
        std::env::var_os("INFISICAL_SPEC").map(|p| (PathBuf::from(p), "$INFISICAL_SPEC")),
        Some((root.join("spec").join(pin.local_name()), "the local copy")),
        Some((
            crate::documents::data_dir().join(&pin.file),
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
         The pinned one is {} (sha256 {}): copy it in with `cargo xtask spec pull --from PATH`,\n\
         set $INFISICAL_SPEC_DIR to the folder holding it, or point `--spec PATH` or `$INFISICAL_SPEC` at it.\n\
         `cargo xtask spec pull` without --from downloads {}, Infisical's current document:\n\
         when it is not the pinned one, regenerate from it deliberately with `--spec FILE --update-pin`.",
        tried.join(", "),
        pin.file,
        pin.sha256,
        pin.source_url
    )
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares the document with the pin. `Ok(None)` when it is the pinned document; otherwise a message.
pub(crate) fn check_pin(root: &Path, spec: &SpecFile) -> Result<Option<String>> {
    let pin = read_pin(root)?;
    let actual = sha256_hex(spec.text.as_bytes());
    if pin.sha256 == actual {
        return Ok(None);
    }
    Ok(Some(format!(
        "{} has sha256 {actual}, but spec/pin.json pins {} ({}).\n\
         Regenerating from a new document is deliberate: pass --update-pin.",
        spec.path.display(),
        pin.sha256,
        pin.file
    )))
}

/// `cargo xtask spec pull --help`.
#[derive(Debug, clap::Args)]
pub(crate) struct PullArgs {
    /// A file path, or an `http://` or `https://` URL (redirects followed); default: the
    /// `source_url` of `spec/pin.json`.
    #[arg(long, value_name = "PATH|URL")]
    pub(crate) from: Option<String>,
}

/// The largest document `spec pull` downloads (the 2025-06 document is 3.7 MB).
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// What `spec pull` wrote (the command prints it; the tests read it).
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Pulled {
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
    pub(crate) matches_pin: bool,
}

/// `cargo xtask spec pull [--from PATH|URL]`: copies or downloads the document to the git-ignored
/// local copy and checks it against the pin.
pub(crate) fn pull(args: &PullArgs) -> Result<()> {
    pull_into(&project_root(), args.from.as_deref()).map(drop)
}

/// [`pull`] into the project copy at `root`.
pub(crate) fn pull_into(root: &Path, from: Option<&str>) -> Result<Pulled> {
    let pin = read_pin(root)?;
    let from = from.unwrap_or(&pin.source_url);
    let bytes = if from.starts_with("http://") || from.starts_with("https://") {
        download(from)?
    } else {
        println!("reading {from}");
        std::fs::read(from).with_context(|| format!("reading {from}"))?
    };
    let actual = sha256_hex(&bytes);
    let text = String::from_utf8(bytes).with_context(|| format!("{from} is not UTF-8 text"))?;
    let format = Format::detect(from, &text);
    oas_ir::load::parse(&text, format).map_err(|errors| {
        let shown: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
        anyhow::anyhow!(
            "{from} is not a valid OpenAPI document:\n{}",
            shown.join("\n")
        )
    })?;
    let matches_pin = actual == pin.sha256;
    // The pinned document becomes the local copy; another one is kept beside it, never over it.
    let file_name = if matches_pin {
        pin.local_name().to_owned()
    } else {
        let ext = if format == Format::Json {
            "json"
        } else {
            "yml"
        };
        format!("pulled-{}.{ext}", &actual[..12])
    };
    let dest = root.join("spec").join(&file_name);
    std::fs::write(&dest, &text).with_context(|| format!("writing {}", dest.display()))?;
    println!("wrote {} ({} bytes)", dest.display(), text.len());
    println!("sha256 {actual}");
    if matches_pin {
        println!(
            "matches the pin in spec/pin.json: it is now the default document of every command"
        );
    } else {
        println!(
            "does NOT match the pin: spec/pin.json pins {} ({}).\n\
             The default document is unchanged. To generate from this one and pin it, deliberately:\n    \
             cargo xtask codegen --spec {} --update-pin",
            pin.sha256,
            pin.file,
            dest.display()
        );
    }
    Ok(Pulled {
        path: dest,
        sha256: actual,
        matches_pin,
    })
}

/// Downloads `url` (following redirects), with a time and size bound, saying what it does.
fn download(url: &str) -> Result<Vec<u8>> {
    println!("downloading {url}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .user_agent(concat!("infisical-oas-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("downloading {url}"))?;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .with_context(|| format!("reading the answer of {url}"))?;
    Ok(bytes)
}

/// Pins `spec`: records its sha256 and place in `spec/pin.json` and, for a document outside the
/// team's data folder, keeps a git-ignored copy in `spec/`, so that from now on the default
/// document is this one (`codegen --check` and CI then agree with what was written).
pub(crate) fn update_pin(root: &Path, spec: &SpecFile) -> Result<()> {
    let path = root.join("spec/pin.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut value: serde_json::Value = serde_json::from_str(&text)?;
    let data = crate::documents::data_dir();
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let file = match canonical(&spec.path).strip_prefix(canonical(&data)) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => {
            let name = spec
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .context("the document path has no file name")?;
            let copy = root.join("spec").join(&name);
            if canonical(&copy) != canonical(&spec.path) {
                std::fs::write(&copy, &spec.text)
                    .with_context(|| format!("writing {}", copy.display()))?;
            }
            name
        }
    };
    value["file"] = serde_json::Value::String(file);
    value["sha256"] = serde_json::Value::String(sha256_hex(spec.text.as_bytes()));
    std::fs::write(&path, serde_json::to_string_pretty(&value)? + "\n")?;
    Ok(())
}

/// Called by a test that cannot run `check` because the document at `path` is absent: fails when
/// documents are required (`cargo xtask ci --require-documents`), otherwise says so on stderr and
/// records the skip for `cargo xtask ci`'s closing list.
#[cfg(test)]
pub(crate) fn document_absent(check: &str, path: &Path) {
    use std::io::Write as _;
    let required =
        std::env::var_os(crate::ci::REQUIRE_DOCUMENTS_ENV).is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "{check} needs {}, which is absent, and documents are required (${})",
        path.display(),
        crate::ci::REQUIRE_DOCUMENTS_ENV
    );
    let line = format!("{check}: needs {}, absent", path.display());
    eprintln!("NOT RUN: {line}");
    if let Some(log) = std::env::var_os(crate::ci::SKIPPED_LOG_ENV)
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
    {
        let _ = writeln!(file, "{line}");
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::net::TcpListener;
    use std::path::{Path, PathBuf};

    use super::{project_root, pull_into, read_pin, resolve_in, sha256_hex};

    /// A scratch project copy holding only `spec/pin.json`, pinning `sha256` at `file`.
    fn scratch(name: &str, file: &str, sha256: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-pull-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let pin = serde_json::json!({
            "what": "test pin",
            "source_url": "http://127.0.0.1:9/never-used",
            "file": file,
            "sha256": sha256,
        });
        std::fs::write(root.join("spec/pin.json"), pin.to_string()).unwrap();
        root
    }

    fn fixture() -> (PathBuf, String) {
        let path = project_root().join("spec/fixtures/tagged-anyof.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        (path, text)
    }

    /// Serves `routes` (path, status line, extra headers, body) on 127.0.0.1 for `requests`
    /// requests; returns the base URL.
    fn serve(
        routes: Vec<(&'static str, &'static str, String, Vec<u8>)>,
        requests: usize,
    ) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(requests) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                }
                let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
                let (status, headers, body) = routes
                    .iter()
                    .find(|(p, ..)| *p == path)
                    .map_or(("404 Not Found", String::new(), b"no".to_vec()), |r| {
                        (r.1, r.2.clone(), r.3.clone())
                    });
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).unwrap();
                stream.write_all(&body).unwrap();
            }
        });
        base
    }

    fn pinned_file(root: &Path) -> String {
        read_pin(root).unwrap().file
    }

    /// `spec pull --from PATH`: the pinned document becomes the local copy, and so the default
    /// document; another one is kept beside it and changes nothing.
    #[test]
    fn pull_from_a_path_checks_the_pin() {
        let (path, text) = fixture();
        let sha = sha256_hex(text.as_bytes());
        let root = scratch("path-match", "2099/pinned.yaml", &sha);
        let pulled = pull_into(&root, Some(path.to_str().unwrap())).unwrap();
        assert!(pulled.matches_pin);
        assert_eq!(pulled.sha256, sha);
        assert_eq!(pulled.path, root.join("spec/pinned.yaml"));
        assert_eq!(std::fs::read_to_string(&pulled.path).unwrap(), text);
        if std::env::var_os("INFISICAL_SPEC").is_none() {
            assert_eq!(resolve_in(&root, None).unwrap().path, pulled.path);
        }
        std::fs::remove_dir_all(&root).unwrap();

        let root = scratch("path-other", "2099/pinned.yaml", &"0".repeat(64));
        let pulled = pull_into(&root, Some(path.to_str().unwrap())).unwrap();
        assert!(!pulled.matches_pin);
        assert_eq!(
            pulled.path,
            root.join(format!("spec/pulled-{}.yml", &sha[..12]))
        );
        assert!(!root.join("spec/pinned.yaml").exists());
        assert_eq!(
            pinned_file(&root),
            "2099/pinned.yaml",
            "the pin is unchanged"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// `spec pull --from URL` against a real HTTP server on 127.0.0.1: redirects are followed, the
    /// bytes are checked against the pin, and a failing answer or a document that is not OpenAPI
    /// is a clear error that writes nothing.
    #[test]
    fn pull_from_a_url_downloads_and_checks_the_pin() {
        let (_, text) = fixture();
        let sha = sha256_hex(text.as_bytes());
        let base = serve(
            vec![
                (
                    "/api/docs/json",
                    "200 OK",
                    String::new(),
                    text.clone().into_bytes(),
                ),
                (
                    "/moved",
                    "302 Found",
                    "location: /api/docs/json\r\n".to_owned(),
                    Vec::new(),
                ),
                (
                    "/not-openapi",
                    "200 OK",
                    String::new(),
                    b"[1, 2, 3]".to_vec(),
                ),
            ],
            4,
        );
        let root = scratch("url", "2099/infisical-openapi.yaml", &sha);
        let pulled = pull_into(&root, Some(&format!("{base}/moved"))).unwrap();
        assert!(pulled.matches_pin);
        assert_eq!(pulled.path, root.join("spec/infisical-openapi.yaml"));
        assert_eq!(std::fs::read_to_string(&pulled.path).unwrap(), text);

        let err = pull_into(&root, Some(&format!("{base}/missing"))).unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.contains("/missing") && message.contains("404"),
            "{message}"
        );

        let err = pull_into(&root, Some(&format!("{base}/not-openapi"))).unwrap_err();
        assert!(
            format!("{err:#}").contains("is not a valid OpenAPI document"),
            "{err:#}"
        );
        let written: Vec<_> = std::fs::read_dir(root.join("spec"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(written.len(), 2, "{written:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// Without `--from`, the pin's source URL is fetched.
    #[test]
    fn pull_defaults_to_the_pinned_source() {
        let (_, text) = fixture();
        let sha = sha256_hex(text.as_bytes());
        let base = serve(
            vec![("/doc", "200 OK", String::new(), text.into_bytes())],
            1,
        );
        let root = scratch("default", "doc.yaml", &sha);
        let pin_path = root.join("spec/pin.json");
        let mut pin: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&pin_path).unwrap()).unwrap();
        pin["source_url"] = serde_json::Value::String(format!("{base}/doc"));
        std::fs::write(&pin_path, pin.to_string()).unwrap();
        let pulled = pull_into(&root, None).unwrap();
        assert!(pulled.matches_pin);
        assert_eq!(pulled.path, root.join("spec/doc.yaml"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
