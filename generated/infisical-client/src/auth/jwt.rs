//! JWT auth: a JWT signed by a key the identity trusts (static public keys or a JWKS
//! URL), exchanged for an access token.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

use crate::JwtSource;

const LOGIN_PATH: &str = "/api/v1/auth/jwt-auth/login";

/// JWT auth: logs in with `POST /api/v1/auth/jwt-auth/login` (`identityId` and a JWT), renews the token
/// before it expires and logs in again (reading the JWT again) when it can no longer be renewed.
#[derive(Debug)]
pub struct JwtAuth {
    identity_id: String,
    jwt: JwtSource,
}

impl JwtAuth {
    /// A JWT from `jwt`: a fixed value (`&str`, `String`), [`JwtSource::file`] or
    /// [`JwtSource::function`] for one that is replaced while the program runs.
    pub fn new(identity_id: impl Into<String>, jwt: impl Into<JwtSource>) -> Self {
        Self {
            identity_id: identity_id.into(),
            jwt: jwt.into(),
        }
    }
}

impl Login for JwtAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let jwt = self.jwt.read()?;
            crate::jwt_login(http, "jwt_auth.login", LOGIN_PATH, &self.identity_id, &jwt).await
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
    /// Authenticates as a machine identity with JWT auth, presenting `jwt` ([`JwtAuth`]).
    pub fn jwt_auth(self, identity_id: impl Into<String>, jwt: impl Into<JwtSource>) -> Self {
        self.login(JwtAuth::new(identity_id, jwt))
    }
}
