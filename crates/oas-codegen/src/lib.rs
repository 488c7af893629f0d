//! IR to Rust source.
