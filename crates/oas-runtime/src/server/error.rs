//! [`ApiError`]: every non-success answer, in Infisical's error shape
//! (`{"reqId", "statusCode", "message", "error"}`).

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

/// An error answer: a status and Infisical's error body.
///
/// Trait methods return it for every non-success status the document declares (400, 401, 403,
/// 404, 500), and the router returns it for every request it rejects before calling them. The
/// `reqId` is filled in when the answer is written.
///
/// ```
/// use oas_runtime::server::ApiError;
///
/// let denied = ApiError::forbidden("You are not allowed to edit secrets");
/// assert_eq!(denied.status().as_u16(), 403);
/// assert_eq!(denied.error(), "PermissionDenied");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    error: Cow<'static, str>,
    message: Cow<'static, str>,
}

impl ApiError {
    /// An error with any status; `error` is Infisical's error name (`"BadRequest"`, ...).
    pub fn new(
        status: StatusCode,
        error: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            error: error.into(),
            message: message.into(),
        }
    }

    /// 400, `BadRequest`: the request is well-formed but cannot be carried out.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 401, `UnauthorizedError`: no token, or a token that is not (or no longer) valid.
    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UnauthorizedError", message)
    }

    /// 403, `PermissionDenied`: the caller is known but may not do this.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "PermissionDenied", message)
    }

    /// 404, `NotFound`.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }

    /// 500, `InternalServerError`.
    pub fn internal(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            message,
        )
    }

    /// 501, `NotImplemented`: what every trait method answers until it is implemented.
    /// `operation` names it (`GET /api/v3/secrets/raw`).
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            format!("{operation} is not implemented by this server"),
        )
    }

    /// 400, `ValidationFailure`: the request does not match the document. `at` names the input
    /// (`body.secrets[0].secretKey`, `query.limit`, `path.secretName`).
    pub fn validation(at: &str, problem: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ValidationFailure",
            format!("{at}: {problem}"),
        )
    }

    /// An error for a status the transport answers on its own (408, 414, 431, ...), named as the
    /// other answers are (`RequestTimeout`, `UriTooLong`, ...).
    pub(crate) fn for_status(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        let error: Cow<'static, str> = match status.as_u16() {
            400 => "BadRequest".into(),
            401 => "UnauthorizedError".into(),
            403 => "PermissionDenied".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            408 => "RequestTimeout".into(),
            413 => "PayloadTooLarge".into(),
            414 => "UriTooLong".into(),
            415 => "UnsupportedMediaType".into(),
            431 => "RequestHeaderFieldsTooLarge".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            503 => "ServiceUnavailable".into(),
            // The reason phrase without its spaces, as the names above are formed.
            _ => status
                .canonical_reason()
                .map_or_else(|| "Error".to_owned(), |r| r.replace([' ', '-'], ""))
                .into(),
        };
        Self::new(status, error, message)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Infisical's error name (`"PermissionDenied"`).
    pub fn error(&self) -> &str {
        &self.error
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.error,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'a> {
    req_id: &'a str,
    status_code: u16,
    message: &'a str,
    error: &'a str,
}

impl ApiError {
    /// The JSON body of the answer, with a fresh `reqId`.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let req_id = next_request_id();
        let body = Wire {
            req_id: &req_id,
            status_code: self.status.as_u16(),
            message: &self.message,
            error: &self.error,
        };
        // Serializing four strings and a number cannot fail; the fallback keeps that a non-panic.
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, self.to_json())
    }
}

/// A response with a JSON body.
pub(crate) fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A request id in Infisical's style (`req-` and 14 characters), unique within the process.
fn next_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // splitmix64: ids look unrelated to each other while staying unique (it is a bijection).
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    format!("req-{z:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_differ() {
        assert_ne!(next_request_id(), next_request_id());
    }

    #[test]
    fn display_names_status_error_and_message() {
        let e = ApiError::not_found("no such secret");
        assert_eq!(e.to_string(), "404 NotFound: no such secret");
    }
}
