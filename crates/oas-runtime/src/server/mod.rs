//! The axum runtime of the generated server crate (to be written).
