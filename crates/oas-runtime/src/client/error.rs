//! The one error type of every generated client call.
//!
//! | what happened | variant |
//! |---|---|
//! | the server answered with a non-2xx status (any body, or none) | [`Error::Api`] |
//! | the request never got an answer (connect, timeout, TLS, reset) | [`Error::Transport`] |
//! | a 2xx answer whose body is not what the document promises | [`Error::Decode`] |
//! | the request could not be built (bad base URL, unencodable value) | [`Error::Request`] |
//! | the token provider failed other than by an exchange (no token file, no cloud credentials) | [`Error::Auth`] |
//! | the answer's body is larger than the configured limit | [`Error::TooLarge`] |
//! | the server redirected to another origin | [`Error::Redirect`] |
//!
//! A login that the server refuses (the token provider's own request) is an [`Error::Api`] too, with
//! the login's operation (`universal_auth.login`) and status (401, 403, 400...), so
//! `Err(Error::Api(e)) if e.status == 401` matches it; a login that gets no answer is an
//! [`Error::Transport`].
//!
//! A non-2xx answer is always an [`ApiError`] with its status and raw body, whatever the body looks
//! like; the typed body is there when it decodes. Everything these errors print (`Display` and
//! `Debug`) goes through the exchange's [`Redactor`] first, so neither the credentials the client
//! sent nor credential-looking parts of a body reach a log line.

use std::fmt;

use bytes::Bytes;

use crate::client::redact::{self, Redactor};

/// An error of a generated client call. `E` is the API's error body type.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status outside 2xx (to the call, or to the login of the
    /// token provider: then `operation` is the login's).
    Api(Box<ApiError<E>>),
    /// No answer: connection refused, timeout, TLS failure, connection reset.
    Transport(TransportError),
    /// A success status whose body does not decode into the promised type.
    Decode(Box<DecodeError>),
    /// The request could not be built.
    Request(RequestError),
    /// The token provider failed with an error of its own (no service-account token file, no
    /// cloud credentials). A refused login is [`Error::Api`] instead.
    Auth(AuthError),
    /// The answer's body is larger than the client's limit; it was not read.
    TooLarge(TooLargeError),
    /// The server redirected to another origin; the request was not repeated there.
    Redirect(RedirectError),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
            Self::TooLarge(e) => Some(e.status),
            Self::Redirect(e) => Some(e.status),
            Self::Transport(_) | Self::Request(_) | Self::Auth(_) => None,
        }
    }

    /// The operation that failed (`secrets.list_raw_v3`).
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Api(e) => e.operation,
            Self::Transport(e) => e.operation,
            Self::Decode(e) => e.operation,
            Self::Request(e) => e.operation,
            Self::Auth(e) => e.operation,
            Self::TooLarge(e) => e.operation,
            Self::Redirect(e) => e.operation,
        }
    }

    /// The same error with another error body type: `Api` keeps status and raw body and
    /// re-decodes the typed body.
    pub fn map_body<F: serde::de::DeserializeOwned>(self) -> Error<F> {
        match self {
            Self::Api(e) => Error::Api(Box::new(
                ApiError::new(e.operation, e.status, e.raw)
                    .with_retry_after(e.retry_after)
                    .with_redactor(e.redactor),
            )),
            Self::Transport(e) => Error::Transport(e),
            Self::Decode(e) => Error::Decode(e),
            Self::Request(e) => Error::Request(e),
            Self::Auth(e) => Error::Auth(e),
            Self::TooLarge(e) => Error::TooLarge(e),
            Self::Redirect(e) => Error::Redirect(e),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(e) => e.fmt(f),
            Self::Transport(e) => e.fmt(f),
            Self::Decode(e) => e.fmt(f),
            Self::Request(e) => e.fmt(f),
            Self::Auth(e) => e.fmt(f),
            Self::TooLarge(e) => e.fmt(f),
            Self::Redirect(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) => Some(&e.source),
            Self::Auth(e) => Some(e.source.as_ref()),
            _ => None,
        }
    }
}

/// A non-2xx answer.
pub struct ApiError<E> {
    /// The operation (`secrets.list_raw_v3`).
    pub operation: &'static str,
    /// The status code.
    pub status: u16,
    /// The body decoded as the API's error body, when it has that shape.
    pub body: Option<E>,
    /// The body as received (possibly empty, possibly not JSON). Never printed as is: `Debug`,
    /// `Display` and [`ApiError::raw_text`] show a redacted excerpt.
    pub raw: Bytes,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<u64>,
    pub(crate) redactor: Redactor,
}

impl<E: serde::de::DeserializeOwned> ApiError<E> {
    /// Builds the error, decoding the typed body when the raw body has its shape.
    pub fn new(operation: &'static str, status: u16, raw: Bytes) -> Self {
        let body = serde_json::from_slice(&raw).ok();
        Self {
            operation,
            status,
            body,
            raw,
            retry_after: None,
            redactor: Redactor::default(),
        }
    }
}

impl<E> ApiError<E> {
    /// The raw body as text (lossy UTF-8, up to 2000 bytes), secrets redacted.
    pub fn raw_text(&self) -> String {
        self.redactor.excerpt(&self.raw, None, 2000)
    }

    /// The same error with `Retry-After` set.
    pub fn with_retry_after(mut self, seconds: Option<u64>) -> Self {
        self.retry_after = seconds;
        self
    }

    /// The same error, printed with `redactor` (which knows what the request sent).
    pub fn with_redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = redactor;
        self
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The typed body can quote the request (an error `message` echoing a value), so its
        // `Debug` goes through the redactor too.
        let body = self.redactor.text(&format!("{:?}", self.body));
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body", &format_args!("{body}"))
            .field(
                "raw",
                &redact::BodyDebug {
                    body: &self.raw,
                    redactor: &self.redactor,
                },
            )
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the server answered {}", self.operation, self.status)?;
        if self.raw.is_empty() {
            write!(f, " with an empty body")
        } else {
            write!(f, ": {}", self.redactor.excerpt(&self.raw, None, 300))
        }
    }
}

/// No answer from the server.
pub struct TransportError {
    /// The operation.
    pub operation: &'static str,
    /// How many attempts were made.
    pub attempts: u32,
    /// The underlying error.
    pub source: reqwest::Error,
    redactor: Redactor,
}

impl TransportError {
    pub(crate) fn new(
        operation: &'static str,
        attempts: u32,
        source: reqwest::Error,
        redactor: Redactor,
    ) -> Self {
        Self {
            operation,
            attempts,
            source,
            redactor,
        }
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// The connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

/// `error` and its causes, `: `-separated (reqwest's own message is often only "error sending
/// request"; the cause says what happened).
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_timeout() {
            "timed out"
        } else if self.is_connect() {
            "could not connect"
        } else {
            "failed"
        };
        write!(
            f,
            "{}: the request {what} after {} attempt(s): {}",
            self.operation,
            self.attempts,
            self.redactor.text(&chain(&self.source))
        )
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("operation", &self.operation)
            .field("attempts", &self.attempts)
            .field(
                "source",
                &format_args!("{}", self.redactor.text(&format!("{:?}", self.source))),
            )
            .finish()
    }
}

/// A success answer whose body does not decode.
#[derive(Debug)]
pub struct DecodeError {
    /// The operation.
    pub operation: &'static str,
    /// The status code (2xx).
    pub status: u16,
    /// Where in the body decoding failed (`secrets[3].secretKey`; `.` for the whole body).
    pub path: String,
    /// What serde said, secrets redacted (serde quotes the offending value).
    pub message: String,
    /// The part of the body at `path` (or its start), secrets redacted, cut to a few hundred bytes.
    pub excerpt: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the {} answer does not decode at `{}`: {}; the body there: {}",
            self.operation, self.status, self.path, self.message, self.excerpt
        )
    }
}

/// A request that could not be built.
#[derive(Debug)]
pub struct RequestError {
    /// The operation.
    pub operation: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The message can quote the URL, whose query may carry a credential.
        write!(
            f,
            "{}: the request cannot be built: {}",
            self.operation,
            Redactor::default().text(&self.message)
        )
    }
}

/// The token provider failed.
pub struct AuthError {
    /// The operation that needed the token.
    pub operation: &'static str,
    /// Why.
    pub source: Box<dyn std::error::Error + Send + Sync>,
    redactor: Redactor,
}

impl AuthError {
    pub(crate) fn new(
        operation: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
        redactor: Redactor,
    ) -> Self {
        Self {
            operation,
            source,
            redactor,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A custom token provider's error is printed through the redactor too.
        write!(
            f,
            "{}: could not get an access token: {}",
            self.operation,
            self.redactor.text(&self.source.to_string())
        )
    }
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthError")
            .field("operation", &self.operation)
            .field(
                "source",
                &format_args!("{}", self.redactor.text(&format!("{:?}", self.source))),
            )
            .finish()
    }
}

/// An answer whose body is larger than the client's limit (`ClientBuilder::max_response_body`).
/// The body was not read beyond the limit, and the connection was dropped.
#[derive(Debug)]
pub struct TooLargeError {
    /// The operation.
    pub operation: &'static str,
    /// The status code of the answer.
    pub status: u16,
    /// The limit in bytes.
    pub limit: usize,
    /// The `Content-Length` the server announced, when it did.
    pub content_length: Option<u64>,
}

impl fmt::Display for TooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the {} answer's body is larger than the limit of {} bytes",
            self.operation, self.status, self.limit
        )?;
        if let Some(length) = self.content_length {
            write!(f, " (Content-Length: {length})")?;
        }
        write!(
            f,
            "; it was not read (raise the limit with `max_response_body`)"
        )
    }
}

/// A redirect to another origin (scheme, host or port) than the request's. It is not followed:
/// the request carried a token or a body (a login carries the client secret) meant for the
/// configured server only.
#[derive(Debug)]
pub struct RedirectError {
    /// The operation.
    pub operation: &'static str,
    /// The redirect's status (301, 302, 303, 307, 308).
    pub status: u16,
    /// The origin the request was sent to (`https://app.infisical.com`).
    pub from: String,
    /// Where the server redirected, redacted.
    pub to: String,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} answered {} with a redirect to another origin, {}; it was not followed, so \
             that credentials and request bodies only go to the configured server (use the \
             final URL as the base URL)",
            self.operation, self.from, self.status, self.to
        )
    }
}
