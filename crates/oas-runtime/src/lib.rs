//! Small hand-written support that the generated Infisical crates use.
//!
//! - [`OneOrMany`]: a value that the API accepts as one item or as a list (`anyOf[T, T[]]`).
//! - [`Patch`]: an optional and nullable request property where "absent" and "null" differ.

#![deny(missing_docs)]

mod one_or_many;
mod patch;

pub use one_or_many::OneOrMany;
pub use patch::Patch;
