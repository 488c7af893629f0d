//! Cross-crate tests of the generated Infisical crates; the tests are the `[[test]]` targets.
