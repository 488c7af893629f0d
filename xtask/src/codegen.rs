//! `cargo xtask codegen`: see `Options` (`cargo xtask codegen --help`).
//!
//! Reads the document, builds the IR, emits every generated file and writes it, or with `--check`
//! fails when a checked-in file differs from what the generator produces now.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{profile, spec};

/// Options of one run (`cargo xtask codegen --help`).
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Options {
    /// Change nothing; fail when a checked-in generated file differs from what the generator
    /// produces now (the CI freshness check).
    #[arg(long)]
    pub(crate) check: bool,
    /// Generate from this document (YAML or JSON) instead of the default one: `$INFISICAL_SPEC`,
    /// then the local copy `spec/<file>`, then the data folder (`$INFISICAL_SPEC_DIR` or
    /// `../shared/spec`).
    #[arg(long, value_name = "PATH")]
    pub(crate) spec: Option<PathBuf>,
    /// Accept a document whose sha256 differs from `spec/pin.json` and pin it, once it has
    /// generated: `spec/pin.json` then names it (a document outside the data folder is kept as
    /// the git-ignored local copy `spec/<file name>`), so it is the default from then on.
    #[arg(long)]
    pub(crate) update_pin: bool,
    /// Print the time each stage took.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Write into this copy of the project instead of this checkout (its `spec/pin.json` is the
    /// one checked and updated); used to generate other documents into scratch workspaces.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Print only the summary line (warnings are counted, not listed).
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Fail when the change report finds a change that breaks a client user or a server
    /// implementer (for CI, after a document update).
    #[arg(long)]
    pub(crate) fail_on_breaking: bool,
}

/// The surface lock, relative to the project root: written by every generation, read by the
/// next one to keep names and to report what changed.
pub(crate) const LOCK_FILE: &str = "generated/surface.lock.json";
/// The full change report of the last regeneration that changed the surface.
pub(crate) const CHANGES_FILE: &str = "docs/changes.md";

/// Reads the surface lock of the project at `root`; `None` when there is none yet.
pub(crate) fn read_lock(root: &Path) -> Result<Option<oas_ir::surface::Surface>> {
    let path = root.join(LOCK_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    oas_ir::surface::Surface::from_lock(&text)
        .map(Some)
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: {e}\nDelete it to start a new lock (every name is derived afresh).",
                path.display()
            )
        })
}

/// Every generated file, with its path relative to the project root.
pub(crate) struct Generated {
    pub(crate) files: Vec<(PathBuf, String)>,
    pub(crate) warnings: Vec<oas_ir::Diagnostic>,
    pub(crate) stats: Stats,
    /// What changed since the lock (empty without a lock).
    pub(crate) changes: oas_ir::surface::Changes,
    /// Whether there was a lock to compare with.
    pub(crate) had_lock: bool,
}

/// Numbers a run reports.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) operations: usize,
    pub(crate) named_occurrences: usize,
    pub(crate) named_types: usize,
    pub(crate) types_after: usize,
    pub(crate) timings: Vec<(&'static str, f64)>,
    /// Each overlay applied: file, actions, nodes changed.
    pub(crate) overlays: Vec<(String, usize, usize)>,
}

pub(crate) fn read_names() -> Result<oas_ir::NamePins> {
    let path = spec::project_root().join("spec/names.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let section = |name: &str| -> Result<std::collections::BTreeMap<String, String>> {
        let Some(value) = table.get(name) else {
            return Ok(Default::default());
        };
        let section = value
            .as_table()
            .with_context(|| format!("{}: `[{name}]` must be a table", path.display()))?;
        section
            .iter()
            .map(|(k, v)| {
                let v = v
                    .as_str()
                    .with_context(|| format!("{}: `{k}` must map to a string", path.display()))?;
                Ok((k.clone(), v.to_owned()))
            })
            .collect()
    };
    Ok(oas_ir::NamePins {
        types: section("types")?,
        operations: section("operations")?,
    })
}

/// Loads the document and applies the overlays (the corrections of `spec/overlays/` written for
/// it): text, JSON value, 3.0 model, overlays, typed document. Without overlays, the loader's fast
/// path.
fn load_with_overlays(
    spec: &spec::SpecFile,
    overlays: &[(String, oas_ir::overlay::Overlay)],
) -> Result<(oas_ir::load::Loaded, Vec<OverlayReport>), Vec<oas_ir::Diagnostic>> {
    use oas_ir::load;
    if overlays.is_empty() {
        return load::load(&spec.text, spec.format).map(|loaded| (loaded, Vec::new()));
    }
    let mut value = load::parse_value(&spec.text, spec.format)?;
    let mut warnings = load::downgrade(&mut value);
    let mut reports = Vec::new();
    for (file, overlay) in overlays {
        let report = overlay.apply(&mut value)?;
        warnings.extend(report.warnings.iter().cloned());
        reports.push((file.clone(), report));
    }
    let typed = load::typed(&value);
    // Freeing the 3.7 MB value takes tens of milliseconds; the rest of the run does not wait.
    std::thread::spawn(move || drop(value));
    match typed {
        Ok(doc) => Ok((load::Loaded { doc, warnings }, reports)),
        Err(mut errors) => {
            load::attach_locations(&spec.text, spec.format, &mut errors);
            Err(errors)
        }
    }
}

/// An applied overlay: its file name and what it changed.
type OverlayReport = (String, oas_ir::overlay::Report);

/// `docs/overlay-report.md`: what each overlay changed, where.
fn overlay_report(reports: &[OverlayReport]) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Overlay report\n\nGenerated by `cargo xtask codegen`: the corrections of `spec/overlays/` applied to the \
         pinned document before lowering (see `docs/overlays.md`), each action with the nodes it changed.\n",
    );
    if reports.is_empty() {
        out.push_str("\nNo overlay is written for this document.\n");
    }
    for (file, report) in reports {
        let _ = writeln!(
            out,
            "\n## `{file}`: {} ({} actions, {} nodes changed)\n",
            report.title,
            report.actions.len(),
            report.changed_count()
        );
        for action in &report.actions {
            let what = action.description.as_deref().unwrap_or(&action.target);
            // A wildcard target can change hundreds of nodes: the first few show what it does.
            const SHOWN: usize = 3;
            let mut nodes: Vec<String> = action
                .changed
                .iter()
                .take(if action.changed.len() > 2 * SHOWN {
                    SHOWN
                } else {
                    usize::MAX
                })
                .map(|p| format!("`{p}`"))
                .collect();
            if nodes.len() < action.changed.len() {
                nodes.push(format!("and {} more", action.changed.len() - nodes.len()));
            }
            let _ = writeln!(out, "- {what}: {}", nodes.join(", "));
        }
        for warning in &report.warnings {
            let _ = writeln!(out, "- warning: {}", warning.to_string().replace('\n', " "));
        }
    }
    out
}

/// Runs the pipeline on a document text; pure apart from reading the names file and overlays.
pub(crate) fn generate(spec: &spec::SpecFile, root: &std::path::Path) -> Result<Generated> {
    let mut timings: Vec<(&'static str, f64)> = Vec::new();
    let clock = Instant::now();
    let overlays = profile::overlays_for(&spec::sha256_hex(spec.text.as_bytes()))?;
    let (loaded, overlay_reports) = load_with_overlays(spec, &overlays).map_err(|errors| {
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "{} is not a valid OpenAPI document:\n{}",
            spec.path.display(),
            shown.join("\n")
        )
    })?;
    timings.push(("load", clock.elapsed().as_secs_f64()));
    let lock = read_lock(root)?;
    let config = oas_ir::Config {
        names: read_names()?,
        conventions: profile::conventions(),
        lock: lock.clone(),
    };
    let mut ir_stages: Vec<(&'static str, f64)> = Vec::new();
    let mut ir_clock = Instant::now();
    let out = oas_ir::build_timed(&loaded.doc, &config, &mut |stage| {
        ir_stages.push((stage, ir_clock.elapsed().as_secs_f64()));
        ir_clock = Instant::now();
    });
    timings.extend(ir_stages);
    let mut out = match out {
        Ok(out) => out,
        Err(mut diagnostics) => {
            oas_ir::load::attach_locations(&spec.text, spec.format, &mut diagnostics);
            let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            bail!(
                "{} cannot be generated:\n{}",
                spec.path.display(),
                shown.join("\n")
            );
        }
    };
    let clock = Instant::now();
    let codegen = profile::codegen_config();
    // The three crates are emitted and rendered on their own threads (rendering dominates).
    let api = &out.api;
    let codegen = &codegen;
    let crates = std::thread::scope(|scope| {
        let client = scope.spawn(|| oas_codegen::emit_client(api, codegen));
        let server = scope.spawn(|| oas_codegen::emit_server(api, codegen));
        let types = oas_codegen::emit_types(api, codegen);
        let join = |handle: std::thread::ScopedJoinHandle<'_, Vec<oas_codegen::GeneratedFile>>| {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("an emitter panicked; this is a generator bug"))
        };
        anyhow::Ok([
            (profile::TYPES_CRATE, types),
            (profile::CLIENT_CRATE, join(client)?),
            (profile::SERVER_CRATE, join(server)?),
        ])
    })?;
    timings.push(("emit+render", clock.elapsed().as_secs_f64()));
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for (dir, emitted) in crates {
        for file in emitted {
            files.push((PathBuf::from(dir).join(&file.path), file.contents));
        }
    }
    // The `[features]` table of each generated crate: one feature per operation group.
    for (dir, forward) in [
        (profile::TYPES_CRATE, &[][..]),
        (profile::CLIENT_CRATE, &["infisical-types"][..]),
        (profile::SERVER_CRATE, &["infisical-types"][..]),
    ] {
        let path = PathBuf::from(dir).join("Cargo.toml");
        let full = root.join(&path);
        let current = std::fs::read_to_string(&full)
            .with_context(|| format!("reading {}", full.display()))?;
        let mut text = None;
        if let Some(package) = profile::package_table(dir) {
            text = splice(&current, PACKAGE_BEGIN, PACKAGE_END, &package);
        }
        let table = oas_codegen::features::features_toml(&out.api, forward);
        if let Some(spliced) = splice(
            text.as_deref().unwrap_or(&current),
            FEATURES_BEGIN,
            FEATURES_END,
            &table,
        ) {
            text = Some(spliced);
        }
        if let Some(text) = text {
            files.push((path, text));
        }
    }
    files.push((
        PathBuf::from("docs/overlay-report.md"),
        overlay_report(&overlay_reports),
    ));
    files.push((
        PathBuf::from("docs/union-report.md"),
        oas_ir::report::union_report(&out.api, &out.unions, &out.query_flags),
    ));
    files.push((
        PathBuf::from("docs/operations.md"),
        oas_ir::report::operations_report(&out.api),
    ));
    // The surface lock, and the change report against the previous lock. The report is only
    // rewritten when the surface changed: it describes the last change until the next one.
    let surface = oas_ir::surface::surface(&out.api);
    let changes = lock
        .as_ref()
        .map(|old| oas_ir::surface::diff(old, &surface))
        .unwrap_or_default();
    files.push((PathBuf::from(LOCK_FILE), surface.to_lock()));
    if !changes.changes.is_empty() {
        files.push((
            PathBuf::from(CHANGES_FILE),
            changes.markdown("the previous regeneration", &document_label(&spec.path)),
        ));
    }
    let stats = Stats {
        operations: out.api.operations.len(),
        named_occurrences: out
            .api
            .types
            .iter()
            .filter(|t| t.is_named())
            .map(|t| t.origins.len())
            .sum(),
        named_types: out.api.types.iter().filter(|t| t.is_named()).count(),
        types_after: out.api.types.len(),
        timings,
        overlays: overlay_reports
            .iter()
            .map(|(file, r)| (file.clone(), r.actions.len(), r.changed_count()))
            .collect(),
    };
    Ok(Generated {
        files,
        // The loader's warnings (OpenAPI 3.1/3.2 rewrites) first: they happened first.
        warnings: loaded
            .warnings
            .into_iter()
            .chain(std::mem::take(&mut out.warnings))
            .collect(),
        stats,
        changes,
        had_lock: lock.is_some(),
    })
}

/// A document's folder and file name (`2025-06/infisical-openapi.json`): where it sits in the
/// data folder, without the machine's path.
fn document_label(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

const FEATURES_BEGIN: &str =
    "# BEGIN features (generated by `cargo xtask codegen`: one per operation group)\n";
const FEATURES_END: &str = "# END features\n";

/// The markers around the `[package]` table of a generated crate's manifest, which the profile's
/// crate metadata fills (`profile::package_table`).
const PACKAGE_BEGIN: &str =
    "# BEGIN package (generated by `cargo xtask codegen` from xtask/src/profile.rs)\n";
const PACKAGE_END: &str = "# END package\n";

/// `manifest` with the text between the markers `begin` and `end` replaced by `table`; `None` when
/// the manifest has no such markers (a crate that opts out).
fn splice(manifest: &str, begin: &str, end: &str, table: &str) -> Option<String> {
    let from = manifest.find(begin)? + begin.len();
    let to = from + manifest[from..].find(end)?;
    Some(format!("{}{table}{}", &manifest[..from], &manifest[to..]))
}

pub(crate) fn run(options: &Options) -> Result<()> {
    let started = Instant::now();
    let root = options.out.clone().unwrap_or_else(spec::project_root);
    // The default document is the one the pin of the project written to names.
    let spec = spec::resolve_in(&root, options.spec.as_deref())?;
    let mismatch = spec::check_pin(&root, &spec)?;
    if let Some(mismatch) = &mismatch
        && !options.update_pin
    {
        bail!("{mismatch}\nPass --update-pin to regenerate from this document and pin it.");
    }
    let generated = generate(&spec, &root)?;
    // The pin moves only once the document generated: a document that fails stays unpinned.
    if mismatch.is_some() {
        spec::update_pin(&root, &spec)?;
        println!("pinned {} in spec/pin.json", spec.path.display());
    }
    if !options.quiet {
        for warning in &generated.warnings {
            println!("{}", warning.to_string().replace('\n', " "));
        }
    }
    let mut stale = Vec::new();
    let write_time = Instant::now();
    for (rel, contents) in &generated.files {
        let path = root.join(rel);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(contents.as_str()) {
            continue;
        }
        if options.check {
            stale.push(rel.display().to_string());
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, contents)
                .with_context(|| format!("writing {}", path.display()))?;
            if !options.quiet {
                println!("wrote {}", rel.display());
            }
        }
    }
    // Generated files the document no longer produces (a removed group) go too.
    for rel in leftovers(&root, &generated.files)? {
        if options.check {
            stale.push(format!("{} (no longer generated)", rel.display()));
        } else {
            let path = root.join(&rel);
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            if !options.quiet {
                println!("removed {}", rel.display());
            }
        }
    }
    let write_secs = write_time.elapsed().as_secs_f64();
    let stats = &generated.stats;
    println!(
        "{} operations; {} named type occurrences in the document became {} named types ({} types in all); {} warnings; {:.2} s",
        stats.operations,
        stats.named_occurrences,
        stats.named_types,
        stats.types_after,
        generated.warnings.len(),
        started.elapsed().as_secs_f64()
    );
    for (file, actions, changed) in &stats.overlays {
        println!(
            "overlay spec/overlays/{file}: {actions} actions changed {changed} nodes (docs/overlay-report.md)"
        );
    }
    let changes = &generated.changes;
    if !generated.had_lock {
        println!("no surface lock yet: wrote {LOCK_FILE}; the next regeneration reports changes");
    } else if !changes.changes.is_empty() {
        println!("{} ({CHANGES_FILE})", changes.summary());
        if !options.quiet {
            for change in changes
                .changes
                .iter()
                .filter(|c| {
                    c.client == oas_ir::surface::Impact::Breaking
                        || c.server == oas_ir::surface::Impact::Breaking
                })
                .take(20)
            {
                println!(
                    "  breaking: {} {:?}: {} {}",
                    change.item, change.kind, change.path, change.detail
                );
            }
        }
    }
    if options.timings {
        for (stage, secs) in &stats.timings {
            println!("  {stage:<12} {:>8.1} ms", secs * 1000.0);
        }
        println!("  {:<12} {:>8.1} ms", "write", write_secs * 1000.0);
    }
    if options.fail_on_breaking && changes.is_breaking() {
        bail!(
            "the API change breaks a client user ({}) or a server implementer ({}); see {CHANGES_FILE}",
            changes.client().bump(),
            changes.server().bump()
        );
    }
    if !stale.is_empty() {
        bail!(
            "generated files are stale: {}\nRun `cargo xtask codegen` and commit the result.",
            stale.join(", ")
        );
    }
    Ok(())
}

/// Files under the generated crates that carry the generated preamble but are not in `files`.
fn leftovers(root: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending: Vec<PathBuf> = [
        profile::TYPES_CRATE,
        profile::CLIENT_CRATE,
        profile::SERVER_CRATE,
    ]
    .iter()
    .flat_map(|krate| {
        [
            PathBuf::from(krate).join("src"),
            PathBuf::from(krate).join("tests"),
        ]
    })
    .collect();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            let rel = dir.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(rel);
            } else if files.iter().all(|(f, _)| *f != rel) {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let head: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
                if head.contains(GENERATED_MARK) {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What the preamble of every generated file says (see `oas_codegen::render`).
const GENERATED_MARK: &str = "Generated by `cargo xtask codegen`";

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Options, generate, run};
    use crate::{profile, spec};

    /// A scratch project copy with what `codegen --out` reads there: the pin and the generated
    /// crates' manifests.
    fn scratch_project(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let project = spec::project_root();
        std::fs::create_dir_all(root.join("spec")).unwrap();
        std::fs::copy(project.join("spec/pin.json"), root.join("spec/pin.json")).unwrap();
        for krate in [
            profile::TYPES_CRATE,
            profile::CLIENT_CRATE,
            profile::SERVER_CRATE,
        ] {
            std::fs::create_dir_all(root.join(krate)).unwrap();
            std::fs::copy(
                project.join(krate).join("Cargo.toml"),
                root.join(krate).join("Cargo.toml"),
            )
            .unwrap();
        }
        root
    }

    fn pinned_sha(root: &Path) -> String {
        spec::read_pin(root).unwrap().sha256
    }

    /// `--update-pin` pins a new document only once it has generated; from then on it is the
    /// default document, so `--check` (as CI runs it) agrees with what was written; a document
    /// that fails to generate leaves the pin and the default as they were.
    #[test]
    fn update_pin_pins_only_a_document_that_generates_and_makes_it_the_default() {
        let root = scratch_project("update-pin");
        let outside = root.join("incoming");
        std::fs::create_dir_all(&outside).unwrap();
        let fixtures = spec::project_root().join("spec/fixtures");
        let before = pinned_sha(&root);

        // A document that does not generate: refused, nothing pinned, nothing copied.
        let bad = outside.join("bad.yaml");
        std::fs::copy(fixtures.join("invalid/shape-error.yaml"), &bad).unwrap();
        let err = run(&Options {
            spec: Some(bad.clone()),
            update_pin: true,
            out: Some(root.clone()),
            quiet: true,
            ..Options::default()
        })
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("not a valid OpenAPI document"),
            "{err:#}"
        );
        assert_eq!(
            pinned_sha(&root),
            before,
            "a failing document must not be pinned"
        );
        assert!(!root.join("spec/bad.yaml").exists());

        // Without --update-pin a new document is refused, and nothing is written.
        let new = outside.join("new-document.yaml");
        std::fs::copy(fixtures.join("tagged-anyof.yaml"), &new).unwrap();
        let err = run(&Options {
            spec: Some(new.clone()),
            out: Some(root.clone()),
            quiet: true,
            ..Options::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("--update-pin"), "{err:#}");
        assert_eq!(pinned_sha(&root), before);
        assert!(
            !root
                .join(profile::TYPES_CRATE)
                .join("src/types.rs")
                .exists()
        );

        // With it: generated, then pinned, and kept as the local copy.
        run(&Options {
            spec: Some(new.clone()),
            update_pin: true,
            out: Some(root.clone()),
            quiet: true,
            ..Options::default()
        })
        .unwrap();
        let text = std::fs::read_to_string(&new).unwrap();
        let pin = spec::read_pin(&root).unwrap();
        assert_eq!(pin.sha256, spec::sha256_hex(text.as_bytes()));
        assert_eq!(pin.file, "new-document.yaml");
        assert_eq!(
            std::fs::read_to_string(root.join("spec/new-document.yaml")).unwrap(),
            text
        );
        assert!(
            root.join(profile::TYPES_CRATE)
                .join("src/types.rs")
                .is_file()
        );

        // The default document is now the new one: the check passes without naming it, even
        // once the original is gone.
        std::fs::remove_file(&new).unwrap();
        if std::env::var_os("INFISICAL_SPEC").is_none() {
            let default = spec::resolve_in(&root, None).unwrap();
            assert_eq!(default.path, root.join("spec/new-document.yaml"));
            run(&Options {
                check: true,
                out: Some(root.clone()),
                quiet: true,
                ..Options::default()
            })
            .unwrap();
        }
        // And a stale file is reported by the check, with the advice that keeps the pin.
        let lib = root.join(profile::TYPES_CRATE).join("src/types.rs");
        std::fs::write(&lib, "// edited\n").unwrap();
        let err = run(&Options {
            check: true,
            spec: Some(root.join("spec/new-document.yaml")),
            out: Some(root.clone()),
            quiet: true,
            ..Options::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("stale"), "{err:#}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// `generated/` and `docs/union-report.md` match what the generator produces now.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(err) = spec::resolve(None) {
            let pin = spec::read_pin(&spec::project_root()).unwrap();
            eprintln!("{err:#}");
            spec::document_absent(
                "xtask codegen: generated/ is fresh",
                &crate::documents::data_dir().join(pin.file),
            );
            return;
        }
        run(&Options {
            check: true,
            ..Options::default()
        })
        .unwrap();
    }

    /// The pipeline runs on a newer document with tags and a 32-alternative union.
    #[test]
    fn the_2026_organization_roles_document_generates() {
        let path =
            crate::documents::data_dir().join("2026/infisical-organization-roles-api-openapi.yml");
        if !path.is_file() {
            spec::document_absent(
                "xtask codegen: the 2026 organization-roles document generates",
                &path,
            );
            return;
        }
        let spec = spec::resolve(Some(&path)).unwrap();
        let doc = oas_ir::load::parse(&spec.text, spec.format).unwrap();
        let out = oas_ir::build(&doc, &oas_ir::Config::default()).unwrap();
        let api = &out.api;
        assert_eq!(api.operations.len(), 6);
        // Groups come from the tag, not the path.
        assert!(
            api.operations
                .iter()
                .all(|op| op.name.group == "organization_roles"),
            "{:?}",
            api.operations[0].name
        );
        let tagged: Vec<usize> = api
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                oas_ir::model::TypeKind::Union(u)
                    if u.repr
                        == (oas_ir::model::UnionRepr::Tagged {
                            tag: "subject".to_owned(),
                        }) =>
                {
                    Some(u.variants.len())
                }
                _ => None,
            })
            .collect();
        assert!(tagged.contains(&32), "tagged unions: {tagged:?}");
        let generated = generate(&spec, &spec::project_root()).unwrap();
        let types = &generated.files[0].1;
        assert!(
            !types.contains("compile_error!"),
            "the emitter produced invalid Rust"
        );
        assert!(types.contains("#[serde(tag = \"subject\")]"));
    }
}
