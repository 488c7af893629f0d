//! Every operation against a recording server on 127.0.0.1: the cases are generated
//! (`tests/generated/operations.rs`, by `cargo xtask codegen`), the harness is `support/`.

#![cfg(feature = "full")]

mod support;

#[rustfmt::skip]
#[path = "generated/operations.rs"]
mod generated;
