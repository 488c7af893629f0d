//! [`Reply`]: what a trait method answers on success, and [`Context`]: what it can read of the
//! request besides its decoded arguments.

use std::fmt;
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{AsHeaderName, HeaderName};
use http::request::Parts;
use http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use serde::Serialize;

use super::error::{ApiError, json_response};

/// A successful answer of an operation: its body, and optionally a status and headers.
///
/// The common case is the document's success body, answered with the status the operation
/// declares (200 for most): `Ok(body.into())` or `Ok(Reply::new(body))`. When the operation
/// declares no response content, the body is `()` and the answer has none.
///
/// Everything else is built from the constructors and refined with [`Reply::with_status`] and
/// [`Reply::header`]:
///
/// ```
/// use http::StatusCode;
/// use oas_runtime::server::Reply;
///
/// #[derive(serde::Serialize)]
/// struct Created { id: u32 }
///
/// // 201 with the typed body and a `location` header.
/// let created = Reply::new(Created { id: 7 })
///     .with_status(StatusCode::CREATED)
///     .header("location", "/things/7");
/// assert_eq!(created.status(), Some(StatusCode::CREATED));
///
/// // A redirect (an SSO start), plain text, bytes: no typed body at all.
/// let to_idp: Reply<Created> = Reply::redirect(StatusCode::FOUND, "https://idp.example/login");
/// let text: Reply<Created> = Reply::text("-----BEGIN PUBLIC KEY-----\n...");
/// let der: Reply<Created> = Reply::bytes("application/pkix-cert", vec![0x30, 0x82]);
/// let gone: Reply<Created> = Reply::empty(StatusCode::NO_CONTENT);
/// # let _ = (to_idp, text, der, gone);
/// ```
///
/// A header that is not valid (a name with a space, a value with a line break) does not panic:
/// the answer becomes a 500 that names it, as `http::response::Builder` reports such errors when
/// the response is built.
pub struct Reply<T> {
    status: Option<StatusCode>,
    headers: HeaderMap,
    body: ReplyBody<T>,
    invalid: Option<String>,
}

enum ReplyBody<T> {
    /// The typed body, written as JSON (or nothing when the operation declares no content).
    Typed(T),
    /// No body.
    Empty,
    /// Bytes with their content type.
    Raw(Option<HeaderValue>, Bytes),
    /// A whole response, sent as is.
    Response(Response),
}

impl<T> Reply<T> {
    fn with_body(body: ReplyBody<T>) -> Self {
        Self {
            status: None,
            headers: HeaderMap::new(),
            body,
            invalid: None,
        }
    }

    /// The typed body, with the status the operation declares.
    pub fn new(body: T) -> Self {
        Self::with_body(ReplyBody::Typed(body))
    }

    /// No body, with `status` (204, 304, 202, ...).
    pub fn empty(status: StatusCode) -> Self {
        Self::with_body(ReplyBody::Empty).with_status(status)
    }

    /// A redirect to `location` with `status` (301, 302, 303, 307 or 308) and no body.
    pub fn redirect(status: StatusCode, location: impl AsRef<str>) -> Self {
        Self::empty(status).header(header::LOCATION, location.as_ref())
    }

    /// A `text/plain; charset=utf-8` body, with the status the operation declares.
    pub fn text(text: impl Into<String>) -> Self {
        Self::bytes("text/plain; charset=utf-8", text.into())
    }

    /// A body of any other type (`application/pkix-cert`, `application/octet-stream`, `text/html`,
    /// ...), with the status the operation declares.
    pub fn bytes(content_type: &str, bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        match HeaderValue::from_str(content_type) {
            Ok(value) => Self::with_body(ReplyBody::Raw(Some(value), bytes)),
            Err(_) => {
                let mut reply = Self::with_body(ReplyBody::Raw(None, bytes));
                reply.reject(format!(
                    "content type {content_type:?} is not a header value"
                ));
                reply
            }
        }
    }

    /// The JSON of a value of another type than the success body (the body of another status the
    /// operation declares), with the status the operation declares unless one is set.
    pub fn json<U: Serialize + ?Sized>(value: &U) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self::bytes("application/json; charset=utf-8", bytes),
            Err(e) => {
                let mut reply = Self::with_body(ReplyBody::Empty);
                reply.reject(format!("the body could not be encoded as JSON: {e}"));
                reply
            }
        }
    }

    /// Any axum response, sent as it is (streaming bodies, cookies set by other crates, ...):
    /// [`Reply::with_status`] and [`Reply::header`] still apply to it.
    pub fn response(response: impl IntoResponse) -> Self {
        Self::with_body(ReplyBody::Response(response.into_response()))
    }

    /// Answers with `status` instead of the declared one.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a response header (a repeated name adds another line). An invalid name or value makes
    /// the answer a 500 naming it.
    #[must_use]
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match name.try_into() {
            Ok(name) => match value.try_into() {
                Ok(value) => {
                    self.headers.append(name, value);
                }
                Err(_) => self.reject(format!("the value of header `{name}` is not valid")),
            },
            Err(_) => self.reject("a header name is not valid".to_owned()),
        }
        self
    }

    /// The headers set so far, to change them in place.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The headers set so far.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The status set with [`Reply::with_status`] or a constructor; `None` means the declared one.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The typed body, if the reply has one.
    pub fn body(&self) -> Option<&T> {
        match &self.body {
            ReplyBody::Typed(body) => Some(body),
            _ => None,
        }
    }

    /// The typed body, if the reply has one.
    pub fn into_body(self) -> Option<T> {
        match self.body {
            ReplyBody::Typed(body) => Some(body),
            _ => None,
        }
    }

    fn reject(&mut self, problem: String) {
        self.invalid.get_or_insert(problem);
    }
}

impl<T> From<T> for Reply<T> {
    fn from(body: T) -> Self {
        Self::new(body)
    }
}

impl<T: fmt::Debug> fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body: &dyn fmt::Debug = match &self.body {
            ReplyBody::Typed(body) => body,
            ReplyBody::Empty => &"(empty)",
            ReplyBody::Raw(_, bytes) => bytes,
            ReplyBody::Response(_) => &"(response)",
        };
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", body)
            .finish()
    }
}

/// What an operation declares about its success answer: the status (the first success status of
/// the document, 200 when it gives a class or none) and whether the answer has content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Declared {
    status: u16,
    content: bool,
}

impl Declared {
    /// `status` and whether the answer has content; a status outside 100..=999 means 200.
    pub const fn new(status: u16, content: bool) -> Self {
        Self { status, content }
    }

    /// The declared status.
    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK)
    }
}

impl<T: Serialize> Reply<T> {
    /// The response: the declared status unless one is set, the headers, the body. A typed body
    /// is JSON, except when the operation declares no content or the status has none (204, 304,
    /// 1xx): then nothing is written.
    pub fn into_response_for(self, declared: Declared) -> Response {
        if let Some(problem) = self.invalid {
            return ApiError::internal(format!("the reply could not be built: {problem}"))
                .into_response();
        }
        let status = self.status.unwrap_or_else(|| declared.status());
        let bodiless = status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED;
        let mut response = match self.body {
            ReplyBody::Typed(_) if bodiless || !declared.content => empty(status),
            ReplyBody::Typed(body) => {
                let mut bytes = Vec::with_capacity(256);
                match serde_json::to_writer(&mut bytes, &body) {
                    Ok(()) => json_response(status, bytes),
                    Err(e) => {
                        return ApiError::internal(format!("could not encode the response: {e}"))
                            .into_response();
                    }
                }
            }
            ReplyBody::Empty => empty(status),
            ReplyBody::Raw(content_type, bytes) => {
                let mut response = Response::new(axum::body::Body::from(bytes));
                *response.status_mut() = status;
                if let Some(content_type) = content_type {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_TYPE, content_type);
                }
                response
            }
            ReplyBody::Response(mut response) => {
                if let Some(status) = self.status {
                    *response.status_mut() = status;
                }
                response
            }
        };
        // Headers set on the reply win over the ones of the body (`content-type`, ...), and
        // repeated names stay repeated.
        let mut last: Option<HeaderName> = None;
        for (name, value) in self.headers {
            let name = match name {
                Some(name) => {
                    response.headers_mut().remove(&name);
                    last = Some(name.clone());
                    name
                }
                None => match &last {
                    Some(name) => name.clone(),
                    None => continue,
                },
            };
            response.headers_mut().append(name, value);
        }
        response
    }
}

fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = status;
    response
}

/// The request as a trait method sees it besides its decoded arguments: method, URI, headers,
/// extensions (what middleware inserted: an authenticated user, a request id, ...) and the peer
/// address.
///
/// The body is not here: it is the method's `body` argument, checked against the document.
#[derive(Debug)]
pub struct Context {
    parts: Parts,
}

impl Context {
    /// The context of a request head (the generated router makes one per request; tests may too).
    pub fn new(parts: Parts) -> Self {
        Self { parts }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The URI as routed (without the prefix of `Router::nest`; the full one is the
    /// `axum::extract::OriginalUri` extension).
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// Every request header.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The first value of a header, if it is present and visible ASCII.
    pub fn header(&self, name: impl AsHeaderName) -> Option<&str> {
        self.parts.headers.get(name)?.to_str().ok()
    }

    /// The request extensions: what middleware and the transport inserted.
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// One extension, by type.
    pub fn extension<E: Send + Sync + 'static>(&self) -> Option<&E> {
        self.parts.extensions.get::<E>()
    }

    /// The address of the connection's other end: set by [`serve`](super::serve), and by
    /// `axum::serve` with `into_make_service_with_connect_info::<SocketAddr>()`; `None` otherwise.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.extension::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0)
    }

    /// The whole request head.
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The whole request head, owned.
    pub fn into_parts(self) -> Parts {
        self.parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        id: u32,
    }

    fn parts_of(response: Response) -> (StatusCode, HeaderMap) {
        let (parts, _) = response.into_parts();
        (parts.status, parts.headers)
    }

    #[test]
    fn the_declared_status_applies_unless_one_is_set() {
        let declared = Declared::new(201, true);
        let (status, headers) = parts_of(Reply::new(Body { id: 1 }).into_response_for(declared));
        assert_eq!(status, StatusCode::CREATED);
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let (status, _) = parts_of(
            Reply::new(Body { id: 1 })
                .with_status(StatusCode::ACCEPTED)
                .into_response_for(declared),
        );
        assert_eq!(status, StatusCode::ACCEPTED);
    }

    #[test]
    fn declared_without_content_or_204_has_no_body() {
        for declared in [Declared::new(200, false), Declared::new(204, true)] {
            let (status, headers) = parts_of(Reply::new(()).into_response_for(declared));
            assert_eq!(status, declared.status());
            assert!(headers.get(header::CONTENT_TYPE).is_none());
        }
    }

    #[test]
    fn invalid_headers_make_a_500_not_a_panic() {
        let reply = Reply::new(Body { id: 1 }).header("x-a", "line\nbreak");
        let (status, _) = parts_of(reply.into_response_for(Declared::new(200, true)));
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let reply: Reply<Body> = Reply::redirect(StatusCode::FOUND, "https://x/\r\n");
        let (status, _) = parts_of(reply.into_response_for(Declared::new(200, true)));
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn reply_headers_replace_the_bodys_and_repeat() {
        let reply: Reply<Body> = Reply::text("x")
            .header(header::CONTENT_TYPE, "text/csv")
            .header("set-cookie", "a=1")
            .header("set-cookie", "b=2");
        let (_, headers) = parts_of(reply.into_response_for(Declared::new(200, true)));
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv");
        let cookies: Vec<_> = headers.get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
    }
}
