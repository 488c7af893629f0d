//! The client crate: one struct per operation group with one async method per operation.

use oas_ir::model::Api;

use crate::{Config, GeneratedFile};

pub(crate) fn emit(_api: &Api, _config: &Config) -> Vec<GeneratedFile> {
    Vec::new()
}
