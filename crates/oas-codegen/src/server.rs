//! The server crate: one axum-facing trait per operation group, the router, and validation.

use oas_ir::model::Api;

use crate::{Config, GeneratedFile};

pub(crate) fn emit(_api: &Api, _config: &Config) -> Vec<GeneratedFile> {
    Vec::new()
}
