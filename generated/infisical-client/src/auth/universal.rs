//! Universal auth: a machine identity's client id and secret, exchanged for an access token.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

const LOGIN_PATH: &str = "/api/v1/auth/universal-auth/login";

/// Universal auth: logs in with `POST /api/v1/auth/universal-auth/login` (client id and secret).
/// With [`ClientBuilder::universal_auth`](crate::ClientBuilder::universal_auth) the token is
/// renewed before it expires and the client logs in again when it can no longer be renewed.
pub struct UniversalAuth {
    client_id: String,
    client_secret: Secret,
}

impl std::fmt::Debug for UniversalAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UniversalAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

impl UniversalAuth {
    /// Credentials of a machine identity.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }
}

impl Login for UniversalAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "clientId": self.client_id,
                "clientSecret": self.client_secret.expose(),
            });
            crate::identity_login(http, "universal_auth.login", LOGIN_PATH, &body).await
        })
    }

    fn renew<'a>(
        &'a self,
        http: &'a HttpClient,
        token: &'a Secret,
    ) -> Option<BoxFuture<'a, Result<Grant, BoxError>>> {
        Some(Box::pin(crate::renew_access_token(http, token)))
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.client_secret.clone()]
    }
}

impl crate::ClientBuilder {
    /// Authenticates as a machine identity with universal auth: logs in on first use, attaches the
    /// access token, renews it before it expires and logs in again when it can no longer be
    /// renewed.
    pub fn universal_auth(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.login(UniversalAuth::new(client_id, client_secret))
    }
}
