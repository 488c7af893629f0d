//! Async, typed client of the Infisical API (being written).

pub use infisical_types as types;
