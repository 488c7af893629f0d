//! The HTTP client runtime of the generated client crate (being written).
