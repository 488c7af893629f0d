//! OIDC auth: a JWT from an OpenID Connect provider (a CI system's workload token,
//! for one), which the server checks against the provider's discovery document and the
//! identity's bound issuer, audience, subject and claims.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

use crate::JwtSource;

const LOGIN_PATH: &str = "/api/v1/auth/oidc-auth/login";

/// OIDC auth: logs in with `POST /api/v1/auth/oidc-auth/login` (`identityId` and a JWT from the OIDC provider), renews the token
/// before it expires and logs in again (reading the JWT again) when it can no longer be renewed.
#[derive(Debug)]
pub struct OidcAuth {
    identity_id: String,
    jwt: JwtSource,
}

impl OidcAuth {
    /// A JWT from `jwt`: a fixed value (`&str`, `String`), [`JwtSource::file`] or
    /// [`JwtSource::function`] for one that is replaced while the program runs.
    pub fn new(identity_id: impl Into<String>, jwt: impl Into<JwtSource>) -> Self {
        Self {
            identity_id: identity_id.into(),
            jwt: jwt.into(),
        }
    }
}

impl Login for OidcAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let jwt = self.jwt.read()?;
            crate::jwt_login(http, "oidc_auth.login", LOGIN_PATH, &self.identity_id, &jwt).await
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
        self.jwt.secrets()
    }
}

impl crate::ClientBuilder {
    /// Authenticates as a machine identity with OIDC auth, presenting `jwt` ([`OidcAuth`]).
    pub fn oidc_auth(self, identity_id: impl Into<String>, jwt: impl Into<JwtSource>) -> Self {
        self.login(OidcAuth::new(identity_id, jwt))
    }
}
