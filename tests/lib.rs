//! Cross-crate tests of the generated Infisical crates; the tests are the `[[test]]` targets.
//! The README is included here so that its examples are compiled and run as doc tests.

#![doc = include_str!("../README.md")]
