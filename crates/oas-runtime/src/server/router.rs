//! The glue between axum and the generated code: handlers as boxed functions of an [`Input`], and
//! the router that maps each operation's method and path to its handler.
//!
//! Every route shares one handler type, so axum's routing machinery is instantiated once rather
//! than once per operation; the per-operation code is a plain decode function and a closure that
//! calls the trait method.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use http::{Method, StatusCode};
use serde::Serialize;

use super::error::{ApiError, json_response};
use super::input::Input;

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

/// A handler that decodes the request with `decode`, calls `call` with the implementation and the
/// decoded arguments, and writes the answer: 200 with the JSON result, or the error.
pub fn operation<S, A, F, Fut, T>(
    implementation: Arc<S>,
    decode: fn(&Input) -> Result<A, ApiError>,
    call: F,
) -> Handler
where
    S: Send + Sync + 'static,
    A: Send + 'static,
    F: Fn(Arc<S>, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + Send + 'static,
    T: Serialize,
{
    Arc::new(move |input: Input| -> BoxFuture {
        let args = match decode(&input) {
            Ok(args) => args,
            Err(rejection) => return Box::pin(std::future::ready(rejection.into_response())),
        };
        let answer = call(Arc::clone(&implementation), args);
        Box::pin(async move { respond(answer.await) })
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

/// Writes a trait method's answer: 200 with the JSON of the value, or the error.
pub fn respond<T: Serialize>(answer: Result<T, ApiError>) -> Response {
    match answer {
        Ok(value) => {
            let mut bytes = Vec::with_capacity(256);
            match serde_json::to_writer(&mut bytes, &value) {
                Ok(()) => json_response(StatusCode::OK, bytes),
                Err(e) => ApiError::internal(format!("could not encode the response: {e}"))
                    .into_response(),
            }
        }
        Err(error) => error.into_response(),
    }
}

/// Builds the router: each operation's method and `route` to its handler, and answers in
/// Infisical's error shape for unknown paths (404) and methods (405).
///
/// `operations` and `handlers` are parallel. Operations whose routes differ only in parameter
/// names must use the same `route` text (the generator guarantees it).
pub fn router(operations: &[Operation], handlers: Vec<Handler>, body_limit: usize) -> axum::Router {
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
    router
        .fallback(|request: Request| async move {
            ApiError::not_found(format!(
                "Route {}:{} not found",
                request.method(),
                request.uri().path()
            ))
        })
        .method_not_allowed_fallback(|request: Request| async move {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                format!(
                    "Route {}:{} does not accept this method",
                    request.method(),
                    request.uri().path()
                ),
            )
        })
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
