//! The axum runtime of the generated server crate.
//!
//! - [`ApiError`]: every non-success answer, in Infisical's error shape
//!   (`{"reqId", "statusCode", "message", "error"}`);
//! - [`BearerToken`]: the token of operations that declare `bearerAuth`;
//! - [`schema`]: the schema descriptors the generated crate emits as one static table, and the
//!   validator that checks every request against them before a trait method is called;
//! - [`Reply`]: a method's success answer (the declared status, or any status, headers, and
//!   non-JSON bodies); [`Context`]: the request head a method can read (headers, extensions,
//!   peer address);
//! - [`Input`], [`operation`], [`routes`], [`router`]: the glue the generated router calls;
//! - [`serve`], [`Limits`]: the HTTP/1.1 transport, with timeouts and size limits, every
//!   rejection in the error shape.

mod auto_answer;
mod error;
mod input;
mod reply;
mod router;
pub mod schema;
mod serve;

pub use error::ApiError;
pub use input::{BearerToken, Input, QueryParam};
pub use reply::{Context, Declared, Reply};
pub use router::{
    BoxFuture, DEFAULT_BODY_LIMIT, Handler, Operation, operation, respond, router, routes,
    unimplemented,
};
pub use serve::{Limits, serve, serve_with_shutdown};
