//! Benchmark pieces that `cargo xtask bench` drives: a timing loop with a one-line result format the
//! xtask collects ([`timing`]), the YAML parsers under comparison ([`parsers`]), and the permission
//! lists and the untagged enums the generated tagged enum is measured against ([`permissions`]).
//!
//! The binaries beside this library are `peak-rss` (runs a command and records its peak memory; also
//! a `RUSTC_WRAPPER`) and `parse` (the parse floor and the YAML parser comparison).

pub mod parsers;
pub mod permissions;
pub mod timing;
