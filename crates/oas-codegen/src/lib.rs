//! IR to Rust source: token emitters for the types, client and server crates, rendered with
//! prettyplease.
//!
//! This crate knows nothing about `openapiv3`; it reads the named IR of `oas-ir` and never invents
//! an identifier the naming pass did not fix. Output is a pure function of the IR and [`Config`].

mod client;
pub mod features;
mod render;
mod rust;
pub mod samples;
mod server;
mod types;

pub use render::render;

/// Everything that steers emission besides the IR.
#[derive(Clone, Debug)]
pub struct Config {
    /// The Rust path of the runtime crate in generated code (`::oas_runtime`).
    pub runtime: String,
    /// What the generated files say they were generated from (shown in each file's preamble).
    pub source: String,
    /// The Rust path of the types crate (`::infisical_types`), used by the client and server
    /// emitters; named types are spelled `<types_path>::<Name>` there.
    pub types_path: String,
    /// JSON property names whose text values are secrets: the generated `Debug` shows them as
    /// `[redacted]`, and the types crate exports the list (`SENSITIVE_PROPERTIES`) for the client's
    /// error excerpts.
    pub sensitive_properties: Vec<String>,
    /// The name of the error body the operations share. The types crate always has a type of this
    /// name: the named error body, or any JSON value when the document declares none.
    pub error_body: Option<String>,
    /// Hand-written client modules that need certain operations: each is declared only when every
    /// operation it needs exists, and gated by their groups' features.
    pub client_extensions: Vec<Extension>,
}

/// A hand-written module of a generated crate that uses some operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The module name (`universal_auth`).
    pub module: String,
    /// Its file, relative to the generated `src/ops/` folder (`../universal_auth.rs`).
    pub path: String,
    /// The operations it uses, as `METHOD /path`.
    pub requires: Vec<String>,
    /// Cargo features of the client crate it also needs (beyond its operations' groups).
    pub features: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            runtime: "::oas_runtime".to_owned(),
            source: "the OpenAPI document".to_owned(),
            types_path: "crate::types".to_owned(),
            sensitive_properties: Vec::new(),
            error_body: None,
            client_extensions: Vec::new(),
        }
    }
}

/// One generated source file: where it goes (relative to the generated crate's root) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, with `/` separators (`src/types.rs`).
    pub path: String,
    /// The formatted file, preamble included.
    pub contents: String,
}

/// Emits the types module: every named type, and the parameter struct of every operation.
pub fn emit_types(api: &oas_ir::model::Api, config: &Config) -> Vec<GeneratedFile> {
    let tokens = types::emit_types(api, config);
    vec![GeneratedFile {
        path: "src/types.rs".to_owned(),
        contents: render(&tokens, "Every type of the API.", config),
    }]
}

/// Emits the client crate's generated files: one module per operation group, and the test that
/// calls every operation against a recording server.
pub fn emit_client(api: &oas_ir::model::Api, config: &Config) -> Vec<GeneratedFile> {
    client::emit(api, config)
}

/// Emits the server crate's generated files: the traits, the router and the validation tables.
pub fn emit_server(api: &oas_ir::model::Api, config: &Config) -> Vec<GeneratedFile> {
    server::emit(api, config)
}
