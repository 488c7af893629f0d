//! The one error type of every generated client call.
//!
//! | what happened | variant |
//! |---|---|
//! | the server answered with a non-2xx status (any body, or none) | [`Error::Api`] |
//! | the request never got an answer (connect, timeout, TLS, reset) | [`Error::Transport`] |
//! | a 2xx answer whose body is not what the document promises | [`Error::Decode`] |
//! | the request could not be built (bad base URL, unencodable value) | [`Error::Request`] |
//! | the token provider could not get a token | [`Error::Auth`] |
//!
//! A non-2xx answer is always an [`ApiError`] with its status and raw body, whatever the body looks
//! like; the typed body is there when it decodes. Bodies shown in errors go through
//! [`crate::client::redact`] first, so secrets never reach a log line.

use std::fmt;

use bytes::Bytes;

use crate::client::redact;

/// An error of a generated client call. `E` is the API's error body type.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status outside 2xx.
    Api(Box<ApiError<E>>),
    /// No answer: connection refused, timeout, TLS failure, connection reset.
    Transport(TransportError),
    /// A success status whose body does not decode into the promised type.
    Decode(Box<DecodeError>),
    /// The request could not be built.
    Request(RequestError),
    /// The token provider failed (for example, a universal-auth login was refused).
    Auth(AuthError),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
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
        }
    }

    /// The same error with another error body type: `Api` keeps status and raw body and
    /// re-decodes the typed body.
    pub fn map_body<F: serde::de::DeserializeOwned>(self) -> Error<F> {
        match self {
            Self::Api(e) => Error::Api(Box::new(ApiError::new(e.operation, e.status, e.raw))),
            Self::Transport(e) => Error::Transport(e),
            Self::Decode(e) => Error::Decode(e),
            Self::Request(e) => Error::Request(e),
            Self::Auth(e) => Error::Auth(e),
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
    /// The body as received (possibly empty, possibly not JSON).
    pub raw: Bytes,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<u64>,
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
        }
    }
}

impl<E> ApiError<E> {
    /// The raw body as text (lossy UTF-8), secrets redacted.
    pub fn raw_text(&self) -> String {
        redact::excerpt(&self.raw, None, 2000)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body", &self.body)
            .field("raw", &redact::excerpt(&self.raw, None, 300))
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl<E: fmt::Debug> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the server answered {}", self.operation, self.status)?;
        if self.raw.is_empty() {
            write!(f, " with an empty body")
        } else {
            write!(f, ": {}", redact::excerpt(&self.raw, None, 300))
        }
    }
}

/// No answer from the server.
#[derive(Debug)]
pub struct TransportError {
    /// The operation.
    pub operation: &'static str,
    /// How many attempts were made.
    pub attempts: u32,
    /// The underlying error.
    pub source: reqwest::Error,
}

impl TransportError {
    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// The connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
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
            self.operation, self.attempts, self.source
        )
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
    /// What serde said.
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
        write!(
            f,
            "{}: the request cannot be built: {}",
            self.operation, self.message
        )
    }
}

/// The token provider failed.
#[derive(Debug)]
pub struct AuthError {
    /// The operation that needed the token.
    pub operation: &'static str,
    /// Why.
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not get an access token: {}",
            self.operation, self.source
        )
    }
}
