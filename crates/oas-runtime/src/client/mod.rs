//! The HTTP client runtime: every generated client method builds a [`Request`] and hands it to
//! [`HttpClient::call`] (or [`HttpClient::call_empty`]).
//!
//! The generic part is kept thin (encoding the query and body, decoding the answer); sending,
//! authentication and retries are one non-generic function, compiled once for all operations.
//!
//! Every request is traced: a `tracing` span `http.request` per call (operation, method, path
//! template, attempts, final status, latency) and an event per attempt, never a URL, a query, a
//! header value, a token or a body. Nothing is printed unless the program installs a subscriber.
//!
//! What the client does not trust the server with: redirects to another origin are not followed
//! (the request carries a token or, for a login, the client secret); bodies are read up to a
//! limit; numbers of seconds become durations through [`server_seconds`]; and whatever is
//! printed about an exchange goes through its [`Redactor`].

pub mod auth;
mod error;
pub mod redact;
mod retry;
mod time;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use bytes::Bytes;
use bytes::BytesMut;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

pub use auth::{Grant, Login, Renewing};
pub use error::{
    ApiError, AuthError, DecodeError, Error, RedirectError, RequestError, TooLargeError,
    TransportError,
};
pub use redact::{Redactor, Secret};
pub use reqwest::{self, Method};
pub use retry::{RetryPolicy, parse_retry_after};
pub use time::{MAX_SERVER_DURATION, instant_after, server_seconds};

/// The default limit of a response body (32 MiB): far above any answer of the API, far below
/// what would hurt the process.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;

/// Redirects followed within one origin (reqwest's default limit).
const MAX_REDIRECTS: usize = 10;

/// A boxed, sendable future (what [`TokenProvider`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error a [`TokenProvider`] returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Supplies bearer tokens, obtaining and renewing them as needed (a login flow): the one way to
/// plug any source of tokens into a client ([`ClientBuilder::token_provider`]).
///
/// `token` is called before each request that needs authentication; it should return a cached
/// token while it is fresh. `invalidate` is called when the server rejected a token with 401, so
/// that the next `token` obtains a new one; the request is then retried once.
///
/// Most sources are a login that answers a token with a lifetime: implement [`Login`] instead and
/// wrap it in [`Renewing`], which caches, renews and logs in again. A provider that sends its
/// requests with the `HttpClient` it is given and returns their [`Error`] (boxed) lets the
/// caller see a refused login as [`Error::Api`] with the server's status, and a network failure
/// as [`Error::Transport`]; any other error becomes [`Error::Auth`].
///
/// ```
/// use oas_runtime::client::{BoxError, BoxFuture, HttpClient, Secret, TokenProvider};
///
/// /// Reads the token from a file that another process keeps fresh.
/// struct FromFile(std::path::PathBuf);
///
/// impl TokenProvider for FromFile {
///     fn token<'a>(&'a self, _http: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>> {
///         Box::pin(async move {
///             let text = std::fs::read_to_string(&self.0)?;
///             Ok(Secret::new(text.trim().to_owned()))
///         })
///     }
///     fn invalidate(&self) {}
/// }
///
/// let client = HttpClient::builder("https://app.infisical.com")
///     .token_provider(FromFile("/run/secrets/token".into()))
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// A valid token.
    fn token<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>>;
    /// Forgets the cached token.
    fn invalidate(&self);
    /// Credentials the provider sends itself (a client secret), so that errors and `Debug` of
    /// every request redact them wherever a server echoes them.
    fn secrets(&self) -> Vec<Secret> {
        Vec::new()
    }
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

impl Credentials {
    /// The credentials configured on the client (not the provider's current token).
    fn secrets(&self) -> Vec<Secret> {
        match self {
            Self::None => Vec::new(),
            Self::Token(token) => vec![token.clone()],
            Self::Provider(provider) => provider.secrets(),
        }
    }
}

/// Builds an [`HttpClient`].
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    headers: Vec<(String, String)>,
    reqwest: Option<reqwest::Client>,
    max_response_body: usize,
    tls: Tls,
}

/// The TLS and proxy settings of the client the builder makes (not of a supplied one).
#[derive(Default)]
struct Tls {
    /// PEM bundles of extra root certificates.
    roots: Vec<Vec<u8>>,
    /// A PEM client certificate chain and its private key.
    identity: Option<Secret>,
    proxies: Vec<reqwest::Proxy>,
    no_proxy: bool,
    accept_invalid_certs: bool,
    built_in_roots: bool,
    #[cfg(feature = "native-roots")]
    system_roots: bool,
}

impl Tls {
    fn is_default(&self) -> bool {
        #[cfg(feature = "native-roots")]
        let system = self.system_roots;
        #[cfg(not(feature = "native-roots"))]
        let system = false;
        self.roots.is_empty()
            && self.identity.is_none()
            && self.proxies.is_empty()
            && !self.no_proxy
            && !self.accept_invalid_certs
            && self.built_in_roots
            && !system
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redactor = Redactor::new(self.credentials.secrets(), None);
        f.debug_struct("ClientBuilder")
            .field("base_url", &redactor.text(&self.base_url))
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field(
                "headers",
                &redact::ShownHeaders::new(
                    self.headers
                        .iter()
                        .map(|(n, v)| (n.as_ref(), Some(v.as_str()), false)),
                    &redactor,
                ),
            )
            .field("reqwest", &self.reqwest.is_some())
            .field("max_response_body", &self.max_response_body)
            .field("extra_roots", &self.tls.roots.len())
            .field("identity", &self.tls.identity.is_some())
            .field("proxies", &self.tls.proxies.len())
            .field(
                "danger_accept_invalid_certs",
                &self.tls.accept_invalid_certs,
            )
            .finish()
    }
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
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            tls: Tls {
                built_in_roots: true,
                ..Tls::default()
            },
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

    /// The whole-request timeout (default 30 s); `None` waits forever. It applies to every
    /// attempt, with the client the builder makes or one given to [`ClientBuilder::reqwest_client`].
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s). A client given to [`ClientBuilder::reqwest_client`]
    /// keeps its own (reqwest sets it per client, not per request).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default: 3 retries of requests that are safe to repeat: `GET`, `HEAD`,
    /// `PUT`, `DELETE`, `OPTIONS` and those marked [`Request::repeatable`], such as logins). It
    /// applies whatever reqwest client sends the requests.
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

    /// Uses this reqwest client ([`reqwest`] is re-exported, so its version always matches). Its
    /// TLS, proxy and connect-timeout settings apply; the builder's whole-request
    /// [`timeout`](ClientBuilder::timeout), retries, headers, user agent, body limit, redirect
    /// checks, tracing and credentials still apply to every request. Setting TLS or proxy options
    /// on the builder as well is an error at [`build`](ClientBuilder::build) (they would be
    /// silently ignored). Build it with `.redirect(`[`same_origin_redirects`]`())`: an answer
    /// that arrives from another origin is refused as [`Error::Redirect`] anyway, but a client
    /// that follows such redirects has already sent the request there.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest = Some(client);
        self
    }

    /// The largest response body read, in bytes (default [`DEFAULT_MAX_RESPONSE_BODY`], 32 MiB);
    /// a larger one is [`Error::TooLarge`] and is not read past the limit.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Trusts the root certificates of this PEM bundle (one or more `CERTIFICATE` blocks) as well,
    /// for a server whose certificate a private CA signed. Can be called more than once.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.roots.push(pem.into());
        self
    }

    /// Whether the built-in (Mozilla, webpki-roots) root certificates are trusted (default
    /// `true`). Turn them off to trust only [`add_root_certificates_pem`](Self::add_root_certificates_pem)
    /// (and the system's, when enabled).
    pub fn built_in_roots(mut self, enabled: bool) -> Self {
        self.tls.built_in_roots = enabled;
        self
    }

    /// Whether the operating system's root certificates are trusted as well (default `false`;
    /// read once when the client is built). Needs the `native-roots` feature.
    #[cfg(feature = "native-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-roots")))]
    pub fn system_roots(mut self, enabled: bool) -> Self {
        self.tls.system_roots = enabled;
        self
    }

    /// Presents this client certificate (mutual TLS): a PEM with the certificate chain and its
    /// private key (PKCS#8, PKCS#1 or SEC1). The key is kept out of `Debug`.
    pub fn identity_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        let pem = String::from_utf8_lossy(&pem.into()).into_owned();
        self.tls.identity = Some(Secret::new(pem));
        self
    }

    /// Sends requests through this proxy (`reqwest::Proxy::all("http://proxy:3128")`, or
    /// `::https`/`::http` for one scheme; `.basic_auth` for credentials). Can be called more
    /// than once; without any, reqwest uses `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` from the
    /// environment.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.tls.proxies.push(proxy);
        self
    }

    /// Uses no proxy, not even one from the environment.
    pub fn no_proxy(mut self) -> Self {
        self.tls.no_proxy = true;
        self
    }

    /// **Dangerous**: accepts any server certificate, expired, self-signed or for another host,
    /// so that anyone on the path can read the token and every secret. For a test server only;
    /// prefer [`add_root_certificates_pem`](Self::add_root_certificates_pem).
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.tls.accept_invalid_certs = accept;
        self
    }

    /// Builds the client; fails on a base URL, header, certificate or identity that cannot be
    /// used.
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
            Some(client) => {
                if !self.tls.is_default() {
                    return Err(fail(
                        "TLS or proxy settings were given with a reqwest client of your own; set \
                         them on that client instead"
                            .to_owned(),
                    ));
                }
                client
            }
            None => {
                let mut builder = reqwest::Client::builder().redirect(same_origin_redirects());
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder = configure_tls(builder, self.tls).map_err(fail)?;
                builder
                    .build()
                    .map_err(|e| fail(format!("HTTP client: {}", error::chain(&e))))?
            }
        };
        Ok(HttpClient {
            inner: Arc::new(Inner {
                base: self.base_url.trim_end_matches('/').to_owned(),
                credentials: self.credentials,
                retry: self.retry,
                headers,
                http,
                timeout: self.timeout,
                max_response_body: self.max_response_body,
            }),
        })
    }
}

/// Applies the TLS and proxy settings to reqwest's builder; the error says which setting is bad.
fn configure_tls(
    mut builder: reqwest::ClientBuilder,
    tls: Tls,
) -> Result<reqwest::ClientBuilder, String> {
    for (index, pem) in tls.roots.iter().enumerate() {
        let certificates = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("root certificates #{}: {}", index + 1, error::chain(&e)))?;
        if certificates.is_empty() {
            return Err(format!(
                "root certificates #{}: no `BEGIN CERTIFICATE` block in the PEM",
                index + 1
            ));
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if let Some(pem) = &tls.identity {
        let identity = reqwest::Identity::from_pem(pem.expose().as_bytes()).map_err(|e| {
            format!(
                "client certificate: {} (a PEM with the certificate chain and a PKCS#8, PKCS#1 \
                 or SEC1 private key is expected)",
                Redactor::new([pem.clone()], None).text(&error::chain(&e))
            )
        })?;
        builder = builder.identity(identity);
    }
    for proxy in tls.proxies {
        builder = builder.proxy(proxy);
    }
    if tls.no_proxy {
        builder = builder.no_proxy();
    }
    builder = builder.tls_built_in_webpki_certs(tls.built_in_roots);
    #[cfg(feature = "native-roots")]
    {
        builder = builder.tls_built_in_native_certs(tls.system_roots);
    }
    if tls.accept_invalid_certs {
        builder = builder.danger_accept_invalid_certs(true);
    }
    Ok(builder)
}

/// The redirect policy of the client: redirects within the request's origin (scheme, host and
/// port) are followed, up to 10; a redirect to another origin is not followed, and the client
/// returns it as [`Error::Redirect`].
///
/// This applies to every request, not only to those with a token or a body: it is one rule that
/// cannot miss a request that carries credentials (a login carries the client secret in its body,
/// which a 307 or 308 would send again; reqwest drops `Authorization` on such redirects but not
/// the body), and the Infisical API has no reason to send a client elsewhere. A base URL that
/// redirects (`http://` to `https://`, or to another host) is an error that names the target, to
/// be used as the base URL instead.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else {
            attempt.follow()
        }
    })
}

/// The configured HTTP client; cheap to clone (one shared connection pool).
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    credentials: Credentials,
    retry: RetryPolicy,
    headers: HeaderMap,
    http: reqwest::Client,
    timeout: Option<Duration>,
    max_response_body: usize,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redactor = Redactor::new(self.credentials.secrets(), None);
        f.debug_struct("HttpClient")
            .field("base", &redactor.text(&self.base))
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field(
                "headers",
                &redact::ShownHeaders::of_map(&self.headers, &redactor),
            )
            .field("max_response_body", &self.max_response_body)
            .finish_non_exhaustive()
    }
}

/// One request of an operation, as the generated method describes it. `Debug` shows the body's
/// length and a redacted excerpt, never the body itself.
pub struct Request {
    /// The method.
    pub method: Method,
    /// `group.method` of the operation, for errors and traces.
    pub operation: &'static str,
    /// The path with its parameters filled in and percent-encoded.
    pub path: String,
    /// The path as the document writes it (`/api/v3/secrets/raw/{secretName}`), for traces.
    pub path_template: Option<&'static str>,
    /// Safe to send again after a connection error, 429 or 503 although the method is `POST` or
    /// `PATCH` (a login: repeating it only issues another token).
    pub repeatable: bool,
    /// The encoded query string, without `?`.
    pub query: Option<String>,
    /// The body (JSON unless `content_type` says otherwise).
    pub body: Option<Bytes>,
    /// The media type of `body` (`application/json`).
    pub content_type: &'static str,
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
            path_template: None,
            query: None,
            body: None,
            content_type: "application/json",
            headers: Vec::new(),
            auth,
            repeatable: false,
        }
    }

    /// Sets the path as the document writes it, which traces show instead of the filled-in path.
    pub fn path_template(mut self, template: &'static str) -> Self {
        self.path_template = Some(template);
        self
    }

    /// Marks the request as safe to repeat: it is retried like a `GET` (a login, whose repetition
    /// only issues another token).
    pub fn repeatable(mut self) -> Self {
        self.repeatable = true;
        self
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
        self.content_type = "application/json";
        Ok(self)
    }

    /// Adds `body` as is, sent as `content_type` (a text or binary body: `text/plain`,
    /// `application/pkcs10`).
    pub fn raw(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = Some(body.into());
        self.content_type = content_type;
        self
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redactor = Redactor::new([], self.body.clone());
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("operation", &self.operation)
            .field("path", &redactor.text(&self.path))
            .field("query", &self.query.as_deref().map(|q| redactor.text(q)))
            .field(
                "body",
                &self.body.as_ref().map(|body| redact::BodyDebug {
                    body,
                    redactor: &redactor,
                }),
            )
            .field(
                "headers",
                &redact::ShownHeaders::new(
                    self.headers
                        .iter()
                        .map(|(n, v)| (*n, Some(v.as_str()), false)),
                    &redactor,
                ),
            )
            .field("auth", &self.auth)
            .field("repeatable", &self.repeatable)
            .finish()
    }
}

/// An answer: status, headers and the whole body (at most the client's `max_response_body`).
/// `Debug` shows the body's length and a redacted excerpt, never the body itself.
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// What the request sent, to keep it out of anything printed about this answer.
    redactor: Redactor,
}

impl Response {
    /// An answer (for tests and hand-made calls of [`decode`]); it redacts what any body shows
    /// but knows no credentials.
    pub fn new(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
            redactor: Redactor::default(),
        }
    }

    /// The redactor of this exchange (knows the credentials and body the request sent).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field(
                "headers",
                &redact::ShownHeaders::of_map(&self.headers, &self.redactor),
            )
            .field(
                "body",
                &redact::BodyDebug {
                    body: &self.body,
                    redactor: &self.redactor,
                },
            )
            .finish()
    }
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

    /// The reqwest client that sends the requests (with the builder's TLS and proxy settings),
    /// for requests to other services that a token provider needs (a cloud metadata server).
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The whole-request timeout of the client.
    pub fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
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

    /// Sends `request` and returns a 2xx body as text (a `text/plain` answer); any other status
    /// is [`Error::Api`], a body that is not UTF-8 is [`Error::Decode`].
    pub async fn call_text<E: DeserializeOwned>(
        &self,
        request: Result<Request, RequestError>,
    ) -> Result<String, Error<E>> {
        let operation = match &request {
            Ok(r) => r.operation,
            Err(e) => e.operation,
        };
        let response = self.send(request?).await.map_err(Error::lift)?;
        decode_text(operation, response)
    }

    /// Sends `request` and returns a 2xx body as bytes (a binary answer such as a DER
    /// certificate); any other status is [`Error::Api`].
    pub async fn call_bytes<E: DeserializeOwned>(
        &self,
        request: Result<Request, RequestError>,
    ) -> Result<Bytes, Error<E>> {
        let operation = match &request {
            Ok(r) => r.operation,
            Err(e) => e.operation,
        };
        let response = self.send(request?).await.map_err(Error::lift)?;
        if (200..300).contains(&response.status) {
            Ok(response.body)
        } else {
            Err(api_error(operation, response))
        }
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
    /// the absence of an answer is an error here (and a refused login of the token provider,
    /// which is [`Error::Api`] with the login's operation and status).
    ///
    /// Traced as a span `http.request` with the fields `operation`, `method`, `path` (the
    /// template, when the request has one), `attempts`, `status` and `latency_ms`, and a `DEBUG`
    /// event per attempt; retries are `INFO` events, an exchange without an answer a `WARN`.
    pub async fn send(&self, request: Request) -> Result<Response, Error<Never>> {
        let span = tracing::info_span!(
            "http.request",
            operation = request.operation,
            method = request.method.as_str(),
            path = request.path_template.unwrap_or("-"),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.send_inner(request).instrument(span).await
    }

    async fn send_inner(&self, request: Request) -> Result<Response, Error<Never>> {
        let inner = &self.inner;
        let started = Instant::now();
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
        let repeatable = request.repeatable
            || matches!(
                request.method,
                Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
            );
        let span = tracing::Span::current();
        let finish = |attempts: u32, status: Option<u16>| {
            span.record("attempts", attempts);
            if let Some(status) = status {
                span.record("status", status);
            }
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
        };
        let mut attempt: u32 = 0;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            let token = if request.auth {
                match self.token(request.operation).await {
                    Ok(token) => token,
                    Err(error) => {
                        finish(attempt, None);
                        tracing::warn!(attempt, error = %error, "no access token");
                        return Err(error);
                    }
                }
            } else {
                None
            };
            let mut builder = inner
                .http
                .request(request.method.clone(), url.clone())
                .headers(inner.headers.clone());
            if let Some(timeout) = inner.timeout {
                builder = builder.timeout(timeout);
            }
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
                    .header(reqwest::header::CONTENT_TYPE, request.content_type)
                    .body(body.clone());
            }
            let retries_left = attempt <= inner.retry.max_retries;
            // Built only when the exchange ends: what the request sent, for redaction.
            let redactor = || {
                let mut secrets = inner.credentials.secrets();
                secrets.extend(token.iter().cloned());
                Redactor::new(secrets, request.body.clone())
            };
            let attempt_started = Instant::now();
            let outcome = match builder.send().await {
                Ok(response) => receive(&request, &url, response, inner.max_response_body).await,
                Err(source) => Err(Failure::Transport(source)),
            };
            let attempt_ms =
                u64::try_from(attempt_started.elapsed().as_millis()).unwrap_or(u64::MAX);
            match outcome {
                Ok((status, headers, body)) => {
                    tracing::debug!(attempt, status, latency_ms = attempt_ms, "answer");
                    if status == 401
                        && !reauthenticated
                        && let Credentials::Provider(provider) = &inner.credentials
                        && request.auth
                    {
                        tracing::info!(attempt, "token rejected (401); getting a new one");
                        provider.invalidate();
                        reauthenticated = true;
                        continue;
                    }
                    let wait =
                        inner
                            .retry
                            .wait_before_retry(status, retry_after(&headers), attempt - 1);
                    if let Some(wait) = wait.filter(|_| repeatable && retries_left) {
                        tracing::info!(
                            attempt,
                            status,
                            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            "retrying"
                        );
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    finish(attempt, Some(status));
                    return Ok(Response {
                        status,
                        headers,
                        body,
                        redactor: redactor(),
                    });
                }
                Err(Failure::Transport(source)) => {
                    let transient = source.is_connect() || source.is_timeout();
                    if repeatable && retries_left && transient {
                        let wait = inner.retry.backoff(attempt - 1);
                        tracing::info!(
                            attempt,
                            connect = source.is_connect(),
                            timeout = source.is_timeout(),
                            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            "retrying after a connection error"
                        );
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    finish(attempt, None);
                    let error = TransportError::new(request.operation, attempt, source, redactor());
                    tracing::warn!(attempt, latency_ms = attempt_ms, error = %error, "no answer");
                    return Err(Error::Transport(error));
                }
                Err(Failure::TooLarge(error)) => {
                    finish(attempt, Some(error.status));
                    tracing::warn!(attempt, status = error.status, "answer over the body limit");
                    return Err(Error::TooLarge(error));
                }
                Err(Failure::Redirect(mut error)) => {
                    finish(attempt, Some(error.status));
                    error.to = redactor().text(&error.to);
                    tracing::warn!(attempt, status = error.status, "redirect to another origin");
                    return Err(Error::Redirect(error));
                }
            }
        }
    }

    async fn token(&self, operation: &'static str) -> Result<Option<Secret>, Error<Never>> {
        match &self.inner.credentials {
            Credentials::None => Ok(None),
            Credentials::Token(token) => Ok(Some(token.clone())),
            Credentials::Provider(provider) => match provider.token(self).await {
                Ok(token) => Ok(Some(token)),
                // The provider's own exchange failed (a refused login, no answer): the caller
                // gets that error as is, with the login's status and operation.
                Err(source) => match source.downcast::<Error<Never>>() {
                    Ok(error) => Err(*error),
                    Err(source) => {
                        let redactor = Redactor::new(provider.secrets(), None);
                        Err(Error::Auth(AuthError::new(operation, source, redactor)))
                    }
                },
            },
        }
    }
}

/// Why an exchange gave no [`Response`].
enum Failure {
    Transport(reqwest::Error),
    TooLarge(TooLargeError),
    Redirect(RedirectError),
}

/// Status, headers and body of an answer, refusing one that comes from (or points to) another
/// origin than `url`'s, and reading at most `limit` bytes of body.
async fn receive(
    request: &Request,
    url: &reqwest::Url,
    mut response: reqwest::Response,
    limit: usize,
) -> Result<(u16, HeaderMap, Bytes), Failure> {
    let status = response.status().as_u16();
    let redirect = |to: String| {
        Failure::Redirect(RedirectError {
            operation: request.operation,
            status,
            from: url.origin().ascii_serialization(),
            to,
        })
    };
    // A reqwest client supplied by the caller may have followed a redirect elsewhere: its answer
    // is not the configured server's.
    if response.url().origin() != url.origin() {
        return Err(redirect(response.url().to_string()));
    }
    // Our own policy stops at a redirect to another origin and hands it over as is.
    if response.status().is_redirection()
        && let Some(to) = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|location| response.url().join(location).ok())
        && to.origin() != url.origin()
    {
        return Err(redirect(to.to_string()));
    }
    let too_large = |content_length| {
        Failure::TooLarge(TooLargeError {
            operation: request.operation,
            status,
            limit,
            content_length,
        })
    };
    let content_length = response.content_length();
    if content_length.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(too_large(content_length));
    }
    let headers = std::mem::take(response.headers_mut());
    // Chunk by chunk, so that a body over the limit is never held whole; a body that arrives in
    // one chunk (the common case) is kept without copying.
    let mut single: Option<Bytes> = None;
    let mut joined = BytesMut::new();
    let mut read = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        read = read.saturating_add(chunk.len());
        if read > limit {
            return Err(too_large(content_length));
        }
        if single.is_none() && joined.is_empty() {
            single = Some(chunk);
            continue;
        }
        if let Some(first) = single.take() {
            joined.extend_from_slice(&first);
        }
        joined.extend_from_slice(&chunk);
    }
    let body = single.unwrap_or_else(|| joined.freeze());
    Ok((status, headers, body))
}

/// An error body type for errors whose body is not decoded ([`HttpClient::send`] returns `Api`
/// only for a refused login of its token provider; [`Error::lift`] decodes it).
#[derive(Debug)]
pub enum Never {}

impl<'de> serde::Deserialize<'de> for Never {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom("no value has this type"))
    }
}

impl Error<Never> {
    /// The same error with the API's error body type (an `Api` error, from a refused login,
    /// decodes its body as `E`).
    pub fn lift<E: DeserializeOwned>(self) -> Error<E> {
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
    let retry_after = retry_after(&response.headers).map(|d| d.as_secs());
    let error = ApiError::new(operation, response.status, response.body)
        .with_retry_after(retry_after)
        .with_redactor(response.redactor);
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
    // An empty body (some servers answer 200 with nothing where a value is declared) is `null`
    // to a type that allows it (an `Option`).
    if response.body.iter().all(u8::is_ascii_whitespace)
        && let Ok(value) = serde_json::from_slice(b"null")
    {
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
        // serde quotes the offending value.
        response
            .redactor
            .message(&error.inner().to_string(), &response.body)
    };
    Err(Error::Decode(Box::new(DecodeError {
        operation,
        status: response.status,
        excerpt: response
            .redactor
            .excerpt(&response.body, Some(error.path()), 300),
        path,
        message,
    })))
}

/// A 2xx body as text; a body that is not UTF-8 is [`Error::Decode`] at the first bad byte.
pub fn decode_text<E: DeserializeOwned>(
    operation: &'static str,
    response: Response,
) -> Result<String, Error<E>> {
    if !(200..300).contains(&response.status) {
        return Err(api_error(operation, response));
    }
    match String::from_utf8(response.body.to_vec()) {
        Ok(text) => Ok(text),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            Err(Error::Decode(Box::new(DecodeError {
                operation,
                status: response.status,
                path: ".".to_owned(),
                message: format!("the text body is not UTF-8 (at byte {at})"),
                excerpt: response.redactor.excerpt(&response.body, None, 300),
            })))
        }
    }
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
        let response = Response::new(200, HeaderMap::new(), Bytes::from_static(body));
        let Err(Error::Decode(error)) = decode::<Body, Never>("x.get", response) else {
            panic!("expected a decode error");
        };
        assert_eq!(error.path, "items[1].n");
        assert_eq!(error.status, 200);
        assert!(error.excerpt.contains("two"), "{}", error.excerpt);
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }

    #[test]
    fn an_empty_body_is_none_to_an_option_and_an_error_otherwise() {
        let empty = || Response::new(200, HeaderMap::new(), Bytes::new());
        let none = decode::<Option<Vec<u32>>, Never>("x.list", empty()).unwrap();
        assert_eq!(none, None);
        let Err(Error::Decode(error)) = decode::<Vec<u32>, Never>("x.list", empty()) else {
            panic!("expected a decode error");
        };
        assert_eq!(error.message, "the body is empty");
    }

    #[test]
    fn text_bodies_are_text_and_bad_utf8_is_a_decode_error() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
        let response = Response::new(200, HeaderMap::new(), Bytes::from(pem));
        assert_eq!(decode_text::<Never>("x.key", response).unwrap(), pem);
        let response = Response::new(200, HeaderMap::new(), Bytes::from_static(b"ab\xffcd"));
        let Err(Error::Decode(error)) = decode_text::<Never>("x.key", response) else {
            panic!("expected a decode error");
        };
        assert!(error.message.contains("byte 2"), "{}", error.message);
        let response = Response::new(404, HeaderMap::new(), Bytes::from_static(b"{}"));
        let Err(Error::Api(error)) = decode_text::<Never>("x.key", response) else {
            panic!("expected an API error");
        };
        assert_eq!(error.status, 404);
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
            let response = Response::new(502, HeaderMap::new(), Bytes::copy_from_slice(body));
            let Err(Error::Api(error)) = decode::<(), ErrorBody>("x.get", response) else {
                panic!("expected an API error");
            };
            assert_eq!(error.status, 502);
            assert!(error.body.is_none());
            assert_eq!(&error.raw[..], body);
        }
    }
}
