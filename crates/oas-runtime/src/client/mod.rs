//! The HTTP client runtime: every generated client method builds a [`Request`] and hands it to
//! [`HttpClient::call`] (or [`HttpClient::call_empty`]).
//!
//! The generic part is kept thin (encoding the query and body, decoding the answer); sending,
//! authentication and retries are one non-generic function, compiled once for all operations.

mod error;
pub mod redact;
mod retry;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::{ApiError, AuthError, DecodeError, Error, RequestError, TransportError};
pub use redact::Secret;
pub use reqwest::{self, Method};
pub use retry::{RetryPolicy, parse_retry_after};

/// A boxed, sendable future (what [`TokenProvider`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error a [`TokenProvider`] returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Supplies bearer tokens, obtaining and renewing them as needed (a login flow).
///
/// `token` is called before each request that needs authentication; it should return a cached
/// token while it is fresh. `invalidate` is called when the server rejected a token with 401, so
/// that the next `token` obtains a new one; the request is then retried once.
pub trait TokenProvider: Send + Sync + 'static {
    /// A valid token.
    fn token<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>>;
    /// Forgets the cached token.
    fn invalidate(&self);
}

/// How requests authenticate.
#[derive(Clone, Default)]
enum Credentials {
    #[default]
    None,
    Token(Secret),
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Token(_) => f.write_str("Token([redacted])"),
            Self::Provider(_) => f.write_str("Provider"),
        }
    }
}

/// Builds an [`HttpClient`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
    reqwest: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// A builder for a server at `base_url` (`https://app.infisical.com`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            credentials: Credentials::None,
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            retry: RetryPolicy::default(),
            user_agent: concat!("oas-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            headers: Vec::new(),
            reqwest: None,
        }
    }

    /// The server's base URL; operation paths are appended to it.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sends `Authorization: Bearer <token>` on operations that require it.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Credentials::Token(token.into());
        self
    }

    /// Gets tokens from `provider` (a login flow with renewal).
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.credentials = Credentials::Provider(Arc::new(provider));
        self
    }

    /// The whole-request timeout (default 30 s); `None` waits forever.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default: 3 retries of idempotent requests).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Uses this reqwest client (its own timeouts, proxies and TLS settings apply); the builder's
    /// timeouts are then ignored.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest = Some(client);
        self
    }

    /// Builds the client; fails on a base URL or header that cannot be used.
    pub fn build(self) -> Result<HttpClient, RequestError> {
        let fail = |message: String| RequestError {
            operation: "client.build",
            message,
        };
        let base = reqwest::Url::parse(&self.base_url)
            .map_err(|e| fail(format!("base URL `{}`: {e}", self.base_url)))?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(fail(format!(
                "base URL `{}` is not an http(s) URL",
                self.base_url
            )));
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| fail(format!("header name `{name}`: {e}")))?;
            let value =
                HeaderValue::from_str(value).map_err(|e| fail(format!("header `{name}`: {e}")))?;
            headers.append(name, value);
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|e| fail(format!("user agent: {e}")))?;
        headers.insert(reqwest::header::USER_AGENT, user_agent);
        let http = match self.reqwest {
            Some(client) => client,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder
                    .build()
                    .map_err(|e| fail(format!("HTTP client: {e}")))?
            }
        };
        Ok(HttpClient {
            inner: Arc::new(Inner {
                base: self.base_url.trim_end_matches('/').to_owned(),
                credentials: self.credentials,
                retry: self.retry,
                headers,
                http,
            }),
        })
    }
}

/// The configured HTTP client; cheap to clone (one shared connection pool).
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base: String,
    credentials: Credentials,
    retry: RetryPolicy,
    headers: HeaderMap,
    http: reqwest::Client,
}

/// One request of an operation, as the generated method describes it.
#[derive(Debug)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// `group.method` of the operation, for errors.
    pub operation: &'static str,
    /// The path with its parameters filled in and percent-encoded.
    pub path: String,
    /// The encoded query string, without `?`.
    pub query: Option<String>,
    /// The JSON body.
    pub body: Option<Bytes>,
    /// Header parameters of the operation.
    pub headers: Vec<(&'static str, String)>,
    /// The operation requires a bearer token.
    pub auth: bool,
}

impl Request {
    /// A request without query or body.
    pub fn new(method: Method, operation: &'static str, path: String, auth: bool) -> Self {
        Self {
            method,
            operation,
            path,
            query: None,
            body: None,
            headers: Vec::new(),
            auth,
        }
    }

    /// Adds a header parameter.
    pub fn header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Adds the query string of `query` (a generated query struct).
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Result<Self, RequestError> {
        let encoded = serde_urlencoded::to_string(query).map_err(|e| RequestError {
            operation: self.operation,
            message: format!("query: {e}"),
        })?;
        self.query = (!encoded.is_empty()).then_some(encoded);
        Ok(self)
    }

    /// Adds `body` as JSON.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, RequestError> {
        let bytes = serde_json::to_vec(body).map_err(|e| RequestError {
            operation: self.operation,
            message: format!("body: {e}"),
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }
}

/// An answer: status, headers and the whole body.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl HttpClient {
    /// Starts a builder for a server at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Sends `request` and decodes a 2xx body as `T`; any other status is [`Error::Api`].
    pub async fn call<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        request: Result<Request, RequestError>,
    ) -> Result<T, Error<E>> {
        let operation = match &request {
            Ok(r) => r.operation,
            Err(e) => e.operation,
        };
        let response = self.send(request?).await.map_err(Error::lift)?;
        decode(operation, response)
    }

    /// Sends `request` and ignores a 2xx body; any other status is [`Error::Api`].
    pub async fn call_empty<E: DeserializeOwned>(
        &self,
        request: Result<Request, RequestError>,
    ) -> Result<(), Error<E>> {
        let operation = match &request {
            Ok(r) => r.operation,
            Err(e) => e.operation,
        };
        let response = self.send(request?).await.map_err(Error::lift)?;
        if (200..300).contains(&response.status) {
            Ok(())
        } else {
            Err(api_error(operation, response))
        }
    }

    /// Sends `request`: authenticates, retries, and returns whatever the server answered. Only
    /// the absence of an answer is an error here.
    pub async fn send(&self, request: Request) -> Result<Response, Error<Never>> {
        let inner = &self.inner;
        let mut url = String::with_capacity(inner.base.len() + request.path.len() + 64);
        url.push_str(&inner.base);
        url.push_str(&request.path);
        if let Some(query) = &request.query {
            url.push('?');
            url.push_str(query);
        }
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Error::Request(RequestError {
                operation: request.operation,
                message: format!("URL `{url}`: {e}"),
            })
        })?;
        let idempotent = matches!(
            request.method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
        );
        let mut attempt: u32 = 0;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            let token = if request.auth {
                self.token(request.operation).await?
            } else {
                None
            };
            let mut builder = inner
                .http
                .request(request.method.clone(), url.clone())
                .headers(inner.headers.clone());
            if let Some(token) = &token {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        Error::Request(RequestError {
                            operation: request.operation,
                            message: "the token is not a valid header value".to_owned(),
                        })
                    })?;
                value.set_sensitive(true);
                builder = builder.header(reqwest::header::AUTHORIZATION, value);
            }
            for (name, value) in &request.headers {
                builder = builder.header(*name, value.as_str());
            }
            if let Some(body) = &request.body {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let retries_left = attempt <= inner.retry.max_retries;
            let outcome = match builder.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(body) => Ok(Response {
                            status,
                            headers,
                            body,
                        }),
                        Err(source) => Err(source),
                    }
                }
                Err(source) => Err(source),
            };
            match outcome {
                Ok(response) => {
                    if response.status == 401
                        && !reauthenticated
                        && let Credentials::Provider(provider) = &inner.credentials
                        && request.auth
                    {
                        provider.invalidate();
                        reauthenticated = true;
                        continue;
                    }
                    let wait = inner.retry.wait_before_retry(
                        response.status,
                        retry_after(&response.headers),
                        attempt - 1,
                    );
                    if let Some(wait) = wait.filter(|_| idempotent && retries_left) {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Ok(response);
                }
                Err(source) => {
                    let transient = source.is_connect() || source.is_timeout();
                    if idempotent && retries_left && transient {
                        tokio::time::sleep(inner.retry.backoff(attempt - 1)).await;
                        continue;
                    }
                    return Err(Error::Transport(TransportError {
                        operation: request.operation,
                        attempts: attempt,
                        source,
                    }));
                }
            }
        }
    }

    async fn token(&self, operation: &'static str) -> Result<Option<Secret>, Error<Never>> {
        match &self.inner.credentials {
            Credentials::None => Ok(None),
            Credentials::Token(token) => Ok(Some(token.clone())),
            Credentials::Provider(provider) => provider
                .token(self)
                .await
                .map(Some)
                .map_err(|source| Error::Auth(AuthError { operation, source })),
        }
    }
}

/// An error body type for errors that carry none ([`HttpClient::send`] never returns `Api`).
#[derive(Debug)]
pub enum Never {}

impl<'de> serde::Deserialize<'de> for Never {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom("no value has this type"))
    }
}

impl Error<Never> {
    fn lift<E>(self) -> Error<E> {
        match self {
            Self::Api(e) => Error::Api(Box::new(ApiError {
                operation: e.operation,
                status: e.status,
                body: None,
                raw: e.raw,
                retry_after: e.retry_after,
            })),
            Self::Transport(e) => Error::Transport(e),
            Self::Decode(e) => Error::Decode(e),
            Self::Request(e) => Error::Request(e),
            Self::Auth(e) => Error::Auth(e),
        }
    }
}

impl<E> From<RequestError> for Error<E> {
    fn from(error: RequestError) -> Self {
        Self::Request(error)
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

fn api_error<E: DeserializeOwned>(operation: &'static str, response: Response) -> Error<E> {
    let mut error = ApiError::new(operation, response.status, response.body);
    error.retry_after = retry_after(&response.headers).map(|d| d.as_secs());
    Error::Api(Box::new(error))
}

/// Decodes a 2xx body as `T`; a failure names the JSON path and quotes the body there.
pub fn decode<T: DeserializeOwned, E: DeserializeOwned>(
    operation: &'static str,
    response: Response,
) -> Result<T, Error<E>> {
    if !(200..300).contains(&response.status) {
        return Err(api_error(operation, response));
    }
    // The fast path decodes directly; only a failure pays for tracking the path.
    if let Ok(value) = serde_json::from_slice(&response.body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(&response.body);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let path = error.path().to_string();
    let message = if response.body.is_empty() {
        "the body is empty".to_owned()
    } else {
        error.inner().to_string()
    };
    Err(Error::Decode(Box::new(DecodeError {
        operation,
        status: response.status,
        excerpt: redact::excerpt(&response.body, Some(error.path()), 300),
        path,
        message,
    })))
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved characters).
pub fn encode_segment(value: &str) -> Cow<'_, str> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if value.bytes().all(unreserved) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("API_KEY-1.x~"), "API_KEY-1.x~");
        assert_eq!(encode_segment("a b/c?d%é"), "a%20b%2Fc%3Fd%25%C3%A9");
    }

    #[test]
    fn decode_failures_name_the_path_and_redact() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            n: u32,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            items: Vec<Item>,
        }
        let body = br#"{"items":[{"n":1},{"n":"two","secretValue":"hunter2"}]}"#;
        let response = Response {
            status: 200,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
        };
        let Err(Error::Decode(error)) = decode::<Body, Never>("x.get", response) else {
            panic!("expected a decode error");
        };
        assert_eq!(error.path, "items[1].n");
        assert_eq!(error.status, 200);
        assert!(error.excerpt.contains("two"), "{}", error.excerpt);
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }

    #[test]
    fn empty_and_odd_error_bodies_keep_the_status() {
        #[derive(Debug, serde::Deserialize)]
        struct ErrorBody {
            #[allow(dead_code)]
            message: String,
        }
        for body in [
            &b""[..],
            b"<html>bad gateway</html>",
            br#"{"other":"shape"}"#,
        ] {
            let response = Response {
                status: 502,
                headers: HeaderMap::new(),
                body: Bytes::copy_from_slice(body),
            };
            let Err(Error::Api(error)) = decode::<(), ErrorBody>("x.get", response) else {
                panic!("expected an API error");
            };
            assert_eq!(error.status, 502);
            assert!(error.body.is_none());
            assert_eq!(&error.raw[..], body);
        }
    }
}
