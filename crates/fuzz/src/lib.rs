//! Structure-aware fuzzing of the generator on stable Rust: documents are mutated as JSON values
//! (nodes replaced, duplicated, deleted, renamed to keywords, nested deeply, made into `$ref`
//! cycles, ...) and each mutant runs through the whole pipeline in-process, as `cargo xtask codegen`
//! runs it, without writing files.
//!
//! The library holds the deterministic parts (the random source, the corpus, the mutator and the
//! pipeline with its oracle); the binary (`src/main.rs`) runs inputs in a worker process with a
//! time and memory bound and a supervisor that records what killed it.

pub mod corpus;
pub mod mutate;
pub mod pipeline;
pub mod rng;

pub use oas_ir::load::Format;
