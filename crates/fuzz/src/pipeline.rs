//! The pipeline under test and its oracle: load, build the IR, emit and render the three crates as
//! `cargo xtask codegen` does (with a profile like Infisical's, so the error-body merge and query
//! flags run too), writing nothing. A document may be rejected with diagnostics; it must never
//! panic, and every rendered file must parse as Rust.

use crate::Format;

/// What a run that found nothing wrong did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The document generated: how many files, how many bytes.
    Generated { files: usize, bytes: usize },
    /// The document was refused with diagnostics (a clean refusal).
    Rejected { errors: usize },
}

/// A defect of the generator shown by one input (panics are caught by the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defect {
    /// Which generated file.
    pub file: String,
    /// What is wrong with it.
    pub message: String,
}

/// Runs the whole pipeline on a document text.
pub fn run(text: &str, format: Format) -> Result<Outcome, Defect> {
    let loaded = match oas_ir::load::load(text, format) {
        Ok(loaded) => loaded,
        Err(errors) => {
            return Ok(Outcome::Rejected {
                errors: errors.len(),
            });
        }
    };
    let api = match oas_ir::build(&loaded.doc, &ir_config()) {
        Ok(out) => out.api,
        Err(mut diagnostics) => {
            // Locating the diagnostics is part of the run: `cargo xtask codegen` prints them.
            oas_ir::load::attach_locations(text, format, &mut diagnostics);
            // Rendering them is too.
            let errors = diagnostics
                .iter()
                .filter(|d| !d.to_string().is_empty())
                .count();
            return Ok(Outcome::Rejected { errors });
        }
    };
    let config = codegen_config();
    let mut files = oas_codegen::emit_types(&api, &config);
    files.extend(oas_codegen::emit_client(&api, &config));
    files.extend(oas_codegen::emit_server(&api, &config));
    let mut bytes = 0;
    for file in &files {
        check_rust(&file.path, &file.contents)?;
        bytes += file.contents.len();
    }
    // The features tables go into Cargo manifests: every feature name must be one Cargo accepts.
    let table = oas_codegen::features::features_toml(&api, &["types"]);
    for line in table.lines().filter(|l| !l.starts_with('[')) {
        let name = line.split(" = ").next().unwrap_or_default();
        // Cargo accepts letters, digits, `_`, `-`, `+` and `.`, starting with a letter, digit or `_`.
        let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'));
        if !name.is_empty() && !valid {
            return Err(Defect {
                file: "Cargo.toml [features]".to_owned(),
                message: format!("feature name `{name}` is not a Cargo feature name"),
            });
        }
    }
    Ok(Outcome::Generated {
        files: files.len(),
        bytes,
    })
}

/// A rendered file must parse as Rust, and must not be the renderer's fallback for tokens that
/// did not (`compile_error!` with the tokens as a comment).
fn check_rust(path: &str, contents: &str) -> Result<(), Defect> {
    if contents.contains("compile_error!(\"emitter produced invalid Rust") {
        let line = contents
            .lines()
            .find(|l| l.contains("compile_error!"))
            .unwrap_or_default();
        return Err(Defect {
            file: path.to_owned(),
            message: line.chars().take(300).collect(),
        });
    }
    syn::parse_file(contents).map_err(|err| Defect {
        file: path.to_owned(),
        message: format!("does not parse: {err}"),
    })?;
    Ok(())
}

fn ir_config() -> oas_ir::Config {
    oas_ir::Config {
        names: oas_ir::NamePins::default(),
        conventions: oas_ir::Conventions {
            error_body: Some("ErrorBody".to_owned()),
            query_flags: true,
        },
        lock: None,
    }
}

fn codegen_config() -> oas_codegen::Config {
    oas_codegen::Config {
        sensitive_properties: vec!["password".to_owned(), "token".to_owned()],
        error_body: Some("ErrorBody".to_owned()),
        types_path: "::fuzz_types".to_owned(),
        client_extensions: vec![oas_codegen::Extension {
            module: "universal_auth".to_owned(),
            path: "../universal_auth.rs".to_owned(),
            requires: vec!["POST /api/v1/auth/universal-auth/login".to_owned()],
            features: Vec::new(),
        }],
        ..oas_codegen::Config::default()
    }
}
