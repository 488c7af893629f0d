//! Small hand-written support that the generated Infisical crates use.
//!
//! - [`OneOrMany`]: a value that the API accepts as one item or as a list (`anyOf[T, T[]]`).
//! - [`Patch`]: an optional and nullable request property where "absent" and "null" differ.
//! - [`de`]: what the generated `Deserialize` impls of structs call.
//! - [`number`]: `f64` written as JavaScript writes it (`7200`, not `7200.0`).
//! - `client` (feature `client`): what every generated client method calls: request building,
//!   retries, authentication, and the error type.
//! - `server` (feature `server`): what the generated axum router calls: validation, rejections in
//!   Infisical's error shape, and the glue between axum and the generated traits.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod de;
pub mod number;
mod one_or_many;
mod patch;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;

pub use one_or_many::OneOrMany;
pub use patch::Patch;

/// JSON property names whose values are secrets or credentials. The generated types show
/// `[redacted]` for them in `Debug` (when they hold text), and bodies quoted in client errors have
/// these values replaced. (`secretKey` is the *name* of a secret in Infisical, so it is not here.)
pub const SENSITIVE_PROPERTIES: &[&str] = &[
    "accessKey",
    "accessToken",
    "adminPrivateKey",
    "apiKey",
    "backupPrivateKey",
    "captchaToken",
    "clientSecret",
    "credential",
    "mfaToken",
    "password",
    "privateKey",
    "providerAuthToken",
    "refreshToken",
    "scimToken",
    "secret",
    "secretAccessKey",
    "secretValue",
    "serverPrivateKey",
    "serviceToken",
    "slackClientSecret",
    "token",
    "tokenReviewerJwt",
    "userPrivateKey",
    "webhookSecretKey",
];
