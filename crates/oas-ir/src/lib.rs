//! OpenAPI document to intermediate representation.
//!
//! The pipeline, each stage in its own module:
//!
//! 1. [`lower`](crate::lower): `openapiv3` document to IR, hash-consing identical schemas;
//! 2. [`normalize`](crate::normalize): the union policy, and the merge of per-status error bodies;
//! 3. [`dedup`](crate::dedup): merges shapes that became equal and drops unreachable ones;
//! 4. [`names`](crate::names): fixes every Rust identifier;
//! 5. [`check`](crate::check): what the emitters rely on.
//!
//! Diagnostics accumulate through all stages; [`build`] returns them all at once. This crate is pure:
//! no IO, and it knows nothing about tokens.

mod check;
mod conform;
mod dedup;
pub mod diagnostics;
mod downgrade;
mod kinds;
pub mod load;
mod lower;
pub mod model;
mod names;
mod normalize;
pub mod overlay;
pub mod pointer;
pub mod report;
mod shape;
pub mod surface;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use names::{NamePins, is_plain_ident, pascal_ident, snake_ident};
pub use pointer::JsonPointer;

/// Everything that steers the IR besides the document.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Names pinned by the committed names file.
    pub names: NamePins,
    /// The conventions of the API the document describes (none by default).
    pub conventions: Conventions,
    /// The surface locked by the previous generation: the names of items whose identity still
    /// matches are kept (see [`surface::Surface`]).
    pub lock: Option<surface::Surface>,
}

/// Rewrites that follow one API's conventions rather than OpenAPI's: the caller's profile chooses
/// them (xtask passes Infisical's), so the passes stay usable on any document.
#[derive(Clone, Debug, Default)]
pub struct Conventions {
    /// Merge each operation's per-status error bodies (a property pinned to the status, such as
    /// `statusCode: enum [404]`, widened to an integer) into one shape, and give the error body
    /// most operations share this name.
    pub error_body: Option<String>,
    /// Query parameters declared as the string enum `["true", "false"]` or as
    /// `anyOf[boolean, string]` are flags (`bool`), keeping their defaults.
    pub query_flags: bool,
}

/// The result of a successful build.
#[derive(Debug)]
pub struct Output {
    /// The named, de-duplicated API.
    pub api: model::Api,
    /// Warnings, in document order.
    pub warnings: Vec<Diagnostic>,
    /// Where the document has an `anyOf` or `oneOf`, in document order (for the union report).
    pub unions: Vec<JsonPointer>,
    /// Which of those unions are query flags (`anyOf[boolean, string]` query parameters) rewritten
    /// to a boolean (see [`Conventions::query_flags`]), for the union report.
    pub query_flags: Vec<JsonPointer>,
    /// How many types lowering produced, before normalization and de-duplication.
    pub types_before_dedup: usize,
    /// How many schemas lowering visited (each inline schema and each `$ref` occurrence once):
    /// the unit of work the linear-cost test counts per input byte.
    pub schema_visits: usize,
}

/// The IR stages, in order, as [`build_timed`] reports them.
pub const STAGES: [&str; 5] = ["lower", "normalize", "dedup", "name", "check"];

/// Builds the IR of a document. On failure, returns every diagnostic (errors and warnings).
pub fn build(doc: &openapiv3::OpenAPI, config: &Config) -> Result<Output, Vec<Diagnostic>> {
    build_timed(doc, config, &mut |_| {})
}

/// [`build`], calling `stage_done` with each stage's name from [`STAGES`] as it finishes.
pub fn build_timed(
    doc: &openapiv3::OpenAPI,
    config: &Config,
    stage_done: &mut dyn FnMut(&'static str),
) -> Result<Output, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let (mut api, mut arena, unions) = lower::lower(doc, &mut diags);
    let types_before_dedup = arena.types.len();
    let schema_visits = arena.schema_visits;
    stage_done("lower");
    normalize::normalize_unions(&mut arena, &mut diags);
    if config.conventions.error_body.is_some() {
        normalize::unify_error_bodies(&mut api, &mut arena);
    }
    let query_flags = if config.conventions.query_flags {
        normalize::query_booleans(&mut api, &mut arena)
    } else {
        Vec::new()
    };
    normalize::text_params(&mut api, &mut arena, &mut diags);
    stage_done("normalize");
    api.types = dedup::dedup(&mut api, arena);
    stage_done("dedup");
    names::assign_names(&mut api, config, &mut diags);
    stage_done("name");
    check::check(&api, &mut diags);
    stage_done("check");
    if diags.has_errors() {
        return Err(diags.into_sorted());
    }
    Ok(Output {
        api,
        warnings: diags.into_sorted(),
        unions,
        query_flags,
        types_before_dedup,
        schema_visits,
    })
}
