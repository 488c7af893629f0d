//! Server traits of the Infisical API on axum (being written).

pub use infisical_types as types;
