//! Universal auth: a machine identity's client id and secret, exchanged for an access token that is
//! attached to every request and renewed before it expires.
//!
//! Written by hand against the wire format of the two operations it uses (login and renewal), so it
//! depends on no generated name. The generated `ops` module declares it only when the document has
//! both operations, gated by their groups' features (`spec` profile: `client_extensions`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use oas_runtime::client::{
    BoxError, BoxFuture, HttpClient, Method, Request, Secret, TokenProvider, instant_after,
    server_seconds,
};
use tokio::sync::Mutex;

use crate::ClientBuilder;

const LOGIN_PATH: &str = "/api/v1/auth/universal-auth/login";
const RENEW_PATH: &str = "/api/v1/auth/token/renew";

/// What login and renewal answer (the fields this module reads).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessToken {
    access_token: String,
    expires_in: f64,
    #[serde(rename = "accessTokenMaxTTL", default)]
    access_token_max_ttl: f64,
}

/// Logs in with `POST /api/v1/auth/universal-auth/login` on first use, renews the token with
/// `POST /api/v1/auth/token/renew` when less than the renewal margin of its lifetime is left, and
/// logs in again when renewal fails, the token's maximum lifetime is reached, or the server
/// rejects the token (401).
pub struct UniversalAuth {
    client_id: String,
    client_secret: Secret,
    renew_margin: f64,
    state: Mutex<Option<Session>>,
    stale: AtomicBool,
}

struct Session {
    token: Secret,
    issued: Instant,
    expires: Instant,
    /// The end of the token's maximum lifetime, after which it cannot be renewed.
    renewable_until: Option<Instant>,
}

impl std::fmt::Debug for UniversalAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UniversalAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

impl UniversalAuth {
    /// Credentials of a machine identity.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            renew_margin: 0.2,
            state: Mutex::new(None),
            stale: AtomicBool::new(false),
        }
    }

    /// Renews when less than this fraction of the token's lifetime is left (default 0.2).
    pub fn renew_margin(mut self, fraction: f64) -> Self {
        self.renew_margin = if fraction.is_nan() {
            0.2
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    async fn current(&self, http: &HttpClient) -> Result<Secret, BoxError> {
        let mut state = self.state.lock().await;
        if self.stale.swap(false, Ordering::AcqRel) {
            *state = None;
        }
        let now = Instant::now();
        if let Some(session) = state.as_ref() {
            let lifetime = session.expires.saturating_duration_since(session.issued);
            let margin = lifetime.mul_f64(self.renew_margin);
            if instant_after(now, margin) < session.expires {
                return Ok(session.token.clone());
            }
            let renewable = now < session.expires
                && session
                    .renewable_until
                    .is_none_or(|until| instant_after(now, lifetime) <= until);
            if renewable && let Ok(renewed) = self.renew(http, &session.token).await {
                let token = renewed.token.clone();
                *state = Some(renewed);
                return Ok(token);
            }
        }
        let session = self.login(http).await?;
        let token = session.token.clone();
        *state = Some(session);
        Ok(token)
    }

    async fn login(&self, http: &HttpClient) -> Result<Session, BoxError> {
        let body = serde_json::json!({
            "clientId": self.client_id,
            "clientSecret": self.client_secret.expose(),
        });
        let request = Request::new(
            Method::POST,
            "universal_auth.login",
            LOGIN_PATH.to_owned(),
            false,
        )
        .json(&body);
        let issued = Instant::now();
        let answer: AccessToken = http.call::<_, crate::types::ErrorBody>(request).await?;
        Ok(session(answer, issued))
    }

    async fn renew(&self, http: &HttpClient, token: &Secret) -> Result<Session, BoxError> {
        let body = serde_json::json!({ "accessToken": token.expose() });
        let request = Request::new(
            Method::POST,
            "universal_auth.renew",
            RENEW_PATH.to_owned(),
            false,
        )
        .json(&body);
        let issued = Instant::now();
        let answer: AccessToken = http.call::<_, crate::types::ErrorBody>(request).await?;
        Ok(session(answer, issued))
    }
}

/// The session of a login or renewal answer. The server's numbers are clamped (no lifetime below
/// zero or above ten years, NaN is zero) before they become deadlines.
fn session(answer: AccessToken, issued: Instant) -> Session {
    Session {
        token: Secret::new(answer.access_token),
        issued,
        expires: instant_after(issued, server_seconds(answer.expires_in)),
        // Infisical answers 0 for "no maximum lifetime".
        renewable_until: (answer.access_token_max_ttl > 0.0)
            .then(|| instant_after(issued, server_seconds(answer.access_token_max_ttl))),
    }
}

impl TokenProvider for UniversalAuth {
    fn token<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>> {
        Box::pin(self.current(http))
    }

    fn invalidate(&self) {
        self.stale.store(true, Ordering::Release);
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.client_secret.clone()]
    }
}

impl ClientBuilder {
    /// Authenticates as a machine identity with universal auth: logs in on first use, attaches the
    /// access token, renews it before it expires and logs in again when it can no longer be
    /// renewed.
    pub fn universal_auth(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.token_provider(UniversalAuth::new(client_id, client_secret))
    }

    /// Authenticates with a configured [`UniversalAuth`] (custom renewal margin).
    pub fn universal_auth_with(self, auth: UniversalAuth) -> Self {
        self.token_provider(auth)
    }
}
