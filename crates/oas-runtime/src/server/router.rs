//! The glue between axum and the generated code: handlers as boxed functions of an [`Input`], and
//! the router that maps each operation's method and path to its handler.
//!
//! Every route shares one handler type, so axum's routing machinery is instantiated once rather
//! than once per operation; the per-operation code is a plain decode function and a closure that
//! calls the trait method.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OriginalUri, RawPathParams, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use http::{Method, StatusCode};
use serde::Serialize;

use super::error::ApiError;
use super::input::Input;
use super::reply::{Context, Declared, Reply};

/// The future of a handler.
pub type BoxFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// What the router calls for one operation.
pub type Handler = Arc<dyn Fn(Input) -> BoxFuture + Send + Sync>;

/// The request body limit the router applies unless told otherwise: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// What the document says about one operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The method.
    pub method: Method,
    /// The path template as written in the document (`/api/v3/secrets/raw/{secretName}`).
    pub path: &'static str,
    /// The path the router registers: the template, with parameter names taken from another
    /// operation when two templates differ only in those names (matchit needs one spelling).
    pub route: &'static str,
    /// `group.method`, as in the generated traits (`secrets.list_raw_v3`).
    pub name: &'static str,
    /// Whether it requires a bearer token.
    pub bearer: bool,
}

/// A handler that decodes the request with `decode`, calls `call` with the implementation, the
/// request's [`Context`] and the decoded arguments, and writes the answer: the [`Reply`] (with the
/// `declared` status unless it sets one), or the error.
pub fn operation<S, A, F, Fut, T>(
    implementation: Arc<S>,
    decode: fn(&Input) -> Result<A, ApiError>,
    declared: Declared,
    call: F,
) -> Handler
where
    S: Send + Sync + 'static,
    A: Send + 'static,
    F: Fn(Arc<S>, Context, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Reply<T>, ApiError>> + Send + 'static,
    T: Serialize,
{
    Arc::new(move |input: Input| -> BoxFuture {
        let args = match decode(&input) {
            Ok(args) => args,
            Err(rejection) => return Box::pin(std::future::ready(rejection.into_response())),
        };
        let answer = call(Arc::clone(&implementation), Context::new(input.parts), args);
        Box::pin(async move { respond(answer.await, declared) })
    })
}

/// A handler for an operation nobody implements: it still checks the request (so a missing token
/// is a 401 and a broken body a 400), then answers 501.
pub fn unimplemented<A: 'static>(
    decode: fn(&Input) -> Result<A, ApiError>,
    operation: &'static str,
) -> Handler {
    Arc::new(move |input: Input| -> BoxFuture {
        let answer = match decode(&input) {
            Ok(_) => ApiError::not_implemented(operation),
            Err(rejection) => rejection,
        };
        Box::pin(std::future::ready(answer.into_response()))
    })
}

/// Writes a trait method's answer: the reply (with the `declared` status unless it sets one), or
/// the error.
pub fn respond<T: Serialize>(answer: Result<Reply<T>, ApiError>, declared: Declared) -> Response {
    match answer {
        Ok(reply) => reply.into_response_for(declared),
        Err(error) => error.into_response(),
    }
}

/// Builds the routes: each operation's method and `route` to its handler, with 405 answers in
/// Infisical's error shape for a known path called with another method. There is no fallback:
/// merged into an application's router, unknown paths reach the application's fallback; see
/// [`router`] for a router that answers them itself.
///
/// `operations` and `handlers` are parallel. Operations whose routes differ only in parameter
/// names must use the same `route` text (the generator guarantees it).
pub fn routes(operations: &[Operation], handlers: Vec<Handler>, body_limit: usize) -> axum::Router {
    let mut router = axum::Router::new();
    for (op, handler) in operations.iter().zip(handlers) {
        // An empty route marks an operation the generator could not route (same method and path
        // shape as another); registering it would make axum panic.
        if op.route.is_empty() {
            continue;
        }
        let Ok(filter) = MethodFilter::try_from(op.method.clone()) else {
            continue;
        };
        let route = move |request: Request| {
            let handler = Arc::clone(&handler);
            async move {
                let input = read(request, body_limit).await;
                handler(input).await
            }
        };
        router = router.route(op.route, on(filter, route));
    }
    // Set on each route registered above (not a router-wide fallback), so merging and nesting
    // keep it without conflicting with the application's fallback.
    router.method_not_allowed_fallback(|request: Request| async move {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!(
                "Route {}:{} does not accept this method",
                request.method(),
                original_path(&request)
            ),
        )
    })
}

/// [`routes`] with a fallback answering unknown paths with 404 in Infisical's error shape: a
/// complete service. Nest it (`Router::nest`) or serve it; to merge operations into a router
/// that has its own fallback, use [`routes`] (axum refuses to merge two fallbacks).
pub fn router(operations: &[Operation], handlers: Vec<Handler>, body_limit: usize) -> axum::Router {
    routes(operations, handlers, body_limit).fallback(|request: Request| async move {
        ApiError::not_found(format!(
            "Route {}:{} not found",
            request.method(),
            original_path(&request)
        ))
    })
}

/// The path as the client sent it, also under `Router::nest`.
fn original_path(request: &Request) -> String {
    request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri().path(), |uri| uri.0.path())
        .to_owned()
}

/// Splits a request into an [`Input`]: path parameters from the router, the body up to `limit`.
async fn read(request: Request, limit: usize) -> Input {
    let (mut parts, body) = request.into_parts();
    let params = match RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(raw) => Ok(raw.iter().map(|(_, v)| v.to_owned()).collect()),
        Err(rejection) => Err(invalid_param(&rejection.body_text())),
    };
    let body = axum::body::to_bytes(body, limit)
        .await
        .map_err(|e| body_error(&e, limit));
    Input {
        parts,
        params,
        body,
    }
}

/// The parameter name in axum's "invalid UTF-8 in `name`" text, or the whole text.
fn invalid_param(text: &str) -> String {
    text.split('`').nth(1).unwrap_or(text).to_owned()
}

/// Why a body could not be read: over the limit (413), too slow (408, from the body timeout of
/// [`serve`](super::serve)), or cut off or malformed on the wire (400).
fn body_error(error: &axum::Error, limit: usize) -> ApiError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PayloadTooLarge",
                format!("body: the request body is larger than {limit} bytes"),
            );
        }
        if e.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::for_status(
                StatusCode::REQUEST_TIMEOUT,
                "body: the client stopped sending the request body",
            );
        }
        cause = e.source();
    }
    ApiError::bad_request(format!("body: the request body could not be read: {error}"))
}
