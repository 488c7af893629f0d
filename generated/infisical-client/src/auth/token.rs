//! What every machine-identity login shares (the answer's shape, renewal with
//! `POST /api/v1/auth/token/renew`, where a JWT comes from), and token auth.
//!
//! Written by hand against the wire format, so it depends on no generated name. The generated
//! `ops` module declares it when the document has the renewal operation (`spec` profile:
//! `client_extensions`); the other login modules build on it.

// The shared parts (JWT sources, the identity login) serve the login modules of other groups:
// with only some group features enabled, some of them have no user.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use oas_runtime::client::{
    BoxError, BoxFuture, Grant, HttpClient, Login, Method, Never, Request, Secret, server_seconds,
};

pub(crate) const RENEW_PATH: &str = "/api/v1/auth/token/renew";

/// What a login or renewal answers (the fields the providers read).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessToken {
    access_token: String,
    expires_in: f64,
    #[serde(rename = "accessTokenMaxTTL", default)]
    access_token_max_ttl: f64,
}

impl AccessToken {
    /// The server's numbers are clamped (no lifetime below zero or above ten years, NaN is zero).
    /// A lifetime of exactly 0 is Infisical's "does not expire", a maximum of 0 (or less) its
    /// "no maximum"; a negative lifetime is an expired token.
    fn grant(self) -> Grant {
        Grant {
            token: Secret::new(self.access_token),
            expires_in: (self.expires_in != 0.0).then(|| server_seconds(self.expires_in)),
            max_ttl: (self.access_token_max_ttl > 0.0)
                .then(|| server_seconds(self.access_token_max_ttl)),
        }
    }
}

/// Posts a login body to `path` and reads the token it answers. The request is repeatable (a
/// connection error retries it), and a refusal comes back as the client's `Error::Api`.
pub(crate) async fn identity_login(
    http: &HttpClient,
    operation: &'static str,
    path: &'static str,
    body: &serde_json::Value,
) -> Result<Grant, BoxError> {
    let request = Request::new(Method::POST, operation, path.to_owned(), false)
        .path_template(path)
        .repeatable()
        .json(body);
    let answer: AccessToken = http.call::<_, Never>(request).await?;
    Ok(answer.grant())
}

/// Renews `token` with `POST /api/v1/auth/token/renew`.
pub(crate) async fn renew_access_token(
    http: &HttpClient,
    token: &Secret,
) -> Result<Grant, BoxError> {
    let body = serde_json::json!({ "accessToken": token.expose() });
    identity_login(http, "auth.renew_access_token", RENEW_PATH, &body).await
}

/// Where a login's JWT comes from: a fixed value, a file read at each login (Kubernetes
/// service-account tokens and CI OIDC tokens are rotated in place), or a function.
pub struct JwtSource {
    kind: JwtKind,
    /// The last value read, so that errors redact it.
    last: std::sync::Mutex<Option<Secret>>,
}

type JwtFn = Box<dyn Fn() -> Result<String, BoxError> + Send + Sync>;

enum JwtKind {
    Fixed(Secret),
    File(PathBuf),
    Function(JwtFn),
}

impl std::fmt::Debug for JwtSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            JwtKind::Fixed(_) => f.write_str("JwtSource::Fixed([redacted])"),
            JwtKind::File(path) => f.debug_tuple("JwtSource::File").field(path).finish(),
            JwtKind::Function(_) => f.write_str("JwtSource::Function"),
        }
    }
}

impl JwtSource {
    fn of(kind: JwtKind) -> Self {
        Self {
            kind,
            last: std::sync::Mutex::new(None),
        }
    }

    /// This JWT, at every login.
    pub fn fixed(jwt: impl Into<Secret>) -> Self {
        let jwt = jwt.into();
        let source = Self::of(JwtKind::Fixed(jwt.clone()));
        *source.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(jwt);
        source
    }

    /// The contents of this file (trimmed), read again at every login.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::of(JwtKind::File(path.into()))
    }

    /// What this function returns, called at every login.
    pub fn function(f: impl Fn() -> Result<String, BoxError> + Send + Sync + 'static) -> Self {
        Self::of(JwtKind::Function(Box::new(f)))
    }

    /// The JWT for a login now.
    pub(crate) fn read(&self) -> Result<Secret, BoxError> {
        let jwt = match &self.kind {
            JwtKind::Fixed(jwt) => return Ok(jwt.clone()),
            JwtKind::File(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("reading the JWT from {}: {e}", path.display()))?
                .trim()
                .to_owned(),
            JwtKind::Function(f) => f()?,
        };
        if jwt.is_empty() {
            return Err(format!("the JWT of {self:?} is empty").into());
        }
        let jwt = Secret::new(jwt);
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(jwt.clone());
        Ok(jwt)
    }

    /// The last JWT read, for redaction.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

impl<T: Into<Secret>> From<T> for JwtSource {
    fn from(jwt: T) -> Self {
        Self::fixed(jwt)
    }
}

/// A `{identityId, jwt}` login (Kubernetes, OIDC, JWT, GCP and Azure all post this shape).
pub(crate) async fn jwt_login(
    http: &HttpClient,
    operation: &'static str,
    path: &'static str,
    identity_id: &str,
    jwt: &Secret,
) -> Result<Grant, BoxError> {
    let body = serde_json::json!({ "identityId": identity_id, "jwt": jwt.expose() });
    identity_login(http, operation, path, &body).await
}

/// Token auth: an access token issued to a machine identity ahead of time (in the dashboard or
/// with `token_auth().create_auth_token_auth_identities_token_v1`). There is no login: the token
/// is sent as is. When its lifetime is given, the client renews it before it expires, within its
/// maximum lifetime; once that is reached the server refuses it and calls fail with
/// `Error::Api` 401 (a new token has to be issued). Infisical's Go SDK sends such a token as is.
pub struct TokenAuth {
    token: Secret,
    expires_in: Option<Duration>,
    max_ttl: Option<Duration>,
}

impl std::fmt::Debug for TokenAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAuth")
            .field("token", &self.token)
            .field("expires_in", &self.expires_in)
            .field("max_ttl", &self.max_ttl)
            .finish()
    }
}

impl TokenAuth {
    /// The token, sent as is.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self {
            token: token.into(),
            expires_in: None,
            max_ttl: None,
        }
    }

    /// The token expires this long from now (its TTL, when it was just issued): the client
    /// renews it shortly before.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The token cannot be renewed past this long from now (its maximum TTL, when it was just
    /// issued).
    pub fn max_ttl(mut self, lifetime: Duration) -> Self {
        self.max_ttl = Some(lifetime);
        self
    }
}

impl Login for TokenAuth {
    fn login<'a>(&'a self, _http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            Ok(Grant {
                token: self.token.clone(),
                expires_in: self.expires_in,
                max_ttl: self.max_ttl,
            })
        })
    }

    fn renew<'a>(
        &'a self,
        http: &'a HttpClient,
        token: &'a Secret,
    ) -> Option<BoxFuture<'a, Result<Grant, BoxError>>> {
        self.expires_in?;
        Some(Box::pin(renew_access_token(http, token)))
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.token.clone()]
    }
}

impl crate::ClientBuilder {
    /// Authenticates with a token-auth access token: [`TokenAuth`] (sent as is, or renewed when
    /// its lifetime is given).
    pub fn token_auth(self, auth: TokenAuth) -> Self {
        self.login(auth)
    }
}

/// `GET url` with one header on a cloud's metadata server (not the Infisical server): the body of
/// a 2xx answer, up to 64 KiB. Errors name the URL and status, never the body (it may hold a token).
pub(crate) async fn metadata_get(
    http: &HttpClient,
    url: &str,
    header: (&'static str, &'static str),
) -> Result<String, BoxError> {
    const LIMIT: usize = 64 * 1024;
    let mut request = http.reqwest().get(url).header(header.0, header.1);
    if let Some(timeout) = http.timeout() {
        request = request.timeout(timeout);
    }
    let mut response = request
        .send()
        .await
        .map_err(|e| format!("the metadata server at {url} did not answer: {e}"))?;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("reading the answer of {url}: {e}"))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > LIMIT {
            return Err(format!("the answer of {url} is larger than {LIMIT} bytes").into());
        }
    }
    if !status.is_success() {
        return Err(format!("the metadata server answered {status} to {url}").into());
    }
    String::from_utf8(body).map_err(|_| format!("the answer of {url} is not UTF-8").into())
}
