//! Logins whose tokens expire: [`Login`] says how to get and renew a token, [`Renewing`] turns it
//! into a [`TokenProvider`] that caches the token, renews it shortly before it expires and logs in
//! again when renewal fails or the token's maximum lifetime is near.
//!
//! The schedule is the one Infisical's Go SDK follows, evaluated when a request needs the token
//! rather than by a background task:
//!
//! - the token is used as is while more than [`Renewing::renew_before`] (5 s) of its lifetime
//!   is left;
//! - then it is renewed, unless the renewal would outlive the token's maximum lifetime (counted
//!   from the login; a server refuses, and revokes, such a renewal), in which case the provider
//!   logs in again;
//! - within [`Renewing::relogin_before`] (2 s) of the maximum lifetime, or once the token has
//!   expired, or when renewal fails, the provider logs in again;
//! - a token the server rejects (401) is dropped and the next request logs in again.
//!
//! A [`Grant`] without a lifetime does not expire; one without a maximum lifetime can be renewed
//! for ever.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{BoxError, BoxFuture, HttpClient, Secret, TokenProvider, instant_after};

/// A token and its lifetimes, as a login or renewal answered them.
#[derive(Clone, Debug)]
pub struct Grant {
    /// The bearer token.
    pub token: Secret,
    /// How long the token is valid from now (zero: it has already expired); `None`: it does not
    /// expire.
    pub expires_in: Option<Duration>,
    /// How long the token can be renewed, counted from the login that issued it; `None`: no
    /// maximum. Ignored in the answer of a renewal (the login's stays).
    pub max_ttl: Option<Duration>,
}

impl Grant {
    /// A token that does not expire.
    pub fn forever(token: impl Into<Secret>) -> Self {
        Self {
            token: token.into(),
            expires_in: None,
            max_ttl: None,
        }
    }
}

/// One way of logging in: the part of a provider that talks to the server. Wrap it in
/// [`Renewing`] to get a [`TokenProvider`].
///
/// Send the login with the `HttpClient` you are given and return its error boxed as is (`http.call
/// ::<_, Never>(request).await?`): the caller then sees a refused login as [`Error::Api`](super::Error::Api)
/// with the server's status. Mark the login request [`repeatable`](super::Request::repeatable) so
/// that it is retried after a connection error.
pub trait Login: Send + Sync + 'static {
    /// Logs in: a new token.
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>>;

    /// Renews `token`, or `None` when this login has no renewal (then the provider logs in again
    /// when the token expires).
    fn renew<'a>(
        &'a self,
        http: &'a HttpClient,
        token: &'a Secret,
    ) -> Option<BoxFuture<'a, Result<Grant, BoxError>>> {
        let _ = (http, token);
        None
    }

    /// Credentials this login sends (a client secret, a password, a service-account token), so
    /// that errors and `Debug` redact them wherever a server echoes them.
    fn secrets(&self) -> Vec<Secret> {
        Vec::new()
    }
}

/// A [`TokenProvider`] from a [`Login`]: caches the token, renews it and logs in again on the
/// schedule described in the [module documentation](self). Concurrent requests share one login.
pub struct Renewing<L> {
    login: L,
    renew_before: Duration,
    relogin_before: Duration,
    state: Mutex<Option<Session>>,
    stale: AtomicBool,
}

struct Session {
    token: Secret,
    /// When the last login or renewal answered.
    fetched: Instant,
    /// `None`: the token does not expire.
    expires: Option<Instant>,
    /// The end of the maximum lifetime (from the login); `None`: no maximum.
    max_until: Option<Instant>,
}

impl<L: std::fmt::Debug> std::fmt::Debug for Renewing<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renewing")
            .field("login", &self.login)
            .field("renew_before", &self.renew_before)
            .field("relogin_before", &self.relogin_before)
            .finish_non_exhaustive()
    }
}

/// Renewal starts this long before the token expires (the Go SDK's margin).
pub const DEFAULT_RENEW_BEFORE: Duration = Duration::from_secs(5);
/// A new login happens this long before the maximum lifetime ends (the Go SDK's margin).
pub const DEFAULT_RELOGIN_BEFORE: Duration = Duration::from_secs(2);

impl<L: Login> Renewing<L> {
    /// Renews 5 s before expiry and logs in again 2 s before the maximum lifetime.
    pub fn new(login: L) -> Self {
        Self {
            login,
            renew_before: DEFAULT_RENEW_BEFORE,
            relogin_before: DEFAULT_RELOGIN_BEFORE,
            state: Mutex::new(None),
            stale: AtomicBool::new(false),
        }
    }

    /// Renews when less than this is left of the token's lifetime (default 5 s). A margin longer
    /// than the lifetime renews before every request.
    pub fn renew_before(mut self, margin: Duration) -> Self {
        self.renew_before = margin;
        self
    }

    /// Logs in again when less than this is left of the maximum lifetime (default 2 s).
    pub fn relogin_before(mut self, margin: Duration) -> Self {
        self.relogin_before = margin;
        self
    }

    /// The login.
    pub fn login(&self) -> &L {
        &self.login
    }

    async fn current(&self, http: &HttpClient) -> Result<Secret, BoxError> {
        let mut state = self.state.lock().await;
        if self.stale.swap(false, Ordering::AcqRel) {
            *state = None;
        }
        let now = Instant::now();
        if let Some(session) = state.as_ref() {
            let near_max = session
                .max_until
                .is_some_and(|until| instant_after(now, self.relogin_before) >= until);
            let fresh = session
                .expires
                .is_none_or(|expires| instant_after(now, self.renew_before) < expires);
            if !near_max && fresh {
                return Ok(session.token.clone());
            }
            let alive = session.expires.is_none_or(|expires| now < expires);
            // A renewal extends the token by its lifetime; past the maximum the server refuses it.
            let lifetime = session
                .expires
                .map(|expires| expires.saturating_duration_since(session.fetched));
            let within_max = match (session.max_until, lifetime) {
                (Some(until), Some(lifetime)) => instant_after(now, lifetime) <= until,
                _ => true,
            };
            let renewable = !near_max && alive && within_max;
            let (token, max_until) = (session.token.clone(), session.max_until);
            if renewable && let Some(renewal) = self.login.renew(http, &token) {
                match renewal.await {
                    Ok(grant) => {
                        let renewed = Session::new(grant, Instant::now(), max_until);
                        let token = renewed.token.clone();
                        *state = Some(renewed);
                        tracing::debug!("access token renewed");
                        return Ok(token);
                    }
                    Err(error) => {
                        tracing::info!(error = %self.shown(&*error), "renewal failed; logging in again");
                    }
                }
            }
        }
        let fetched = Instant::now();
        let grant = self.login.login(http).await?;
        let max_until = grant.max_ttl.map(|ttl| instant_after(fetched, ttl));
        let session = Session::new(grant, fetched, max_until);
        let token = session.token.clone();
        *state = Some(session);
        tracing::debug!("logged in");
        Ok(token)
    }

    /// An error's text with the login's credentials redacted.
    fn shown(&self, error: &(dyn std::error::Error + 'static)) -> String {
        super::Redactor::new(self.login.secrets(), None).text(&super::error::chain(error))
    }
}

impl Session {
    fn new(grant: Grant, fetched: Instant, max_until: Option<Instant>) -> Self {
        let expires = grant
            .expires_in
            .map(|lifetime| instant_after(fetched, lifetime));
        // A renewal cannot take the token past its maximum lifetime.
        let expires = match (expires, max_until) {
            (Some(expires), Some(until)) => Some(expires.min(until)),
            (None, Some(until)) => Some(until),
            (expires, None) => expires,
        };
        Self {
            token: grant.token,
            fetched,
            expires,
            max_until,
        }
    }
}

impl<L: Login> TokenProvider for Renewing<L> {
    fn token<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>> {
        Box::pin(self.current(http))
    }

    fn invalidate(&self) {
        self.stale.store(true, Ordering::Release);
    }

    fn secrets(&self) -> Vec<Secret> {
        self.login.secrets()
    }
}
