//! LDAP auth: a directory user's name and password, which the server binds with against the
//! identity's LDAP server, exchanged for an access token.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

const LOGIN_PATH: &str = "/api/v1/auth/ldap-auth/login";

/// LDAP auth: logs in with `POST /api/v1/auth/ldap-auth/login` (`identityId`, `username`,
/// `password`), renews the token before it expires and logs in again when it can no longer be
/// renewed.
pub struct LdapAuth {
    identity_id: String,
    username: String,
    password: Secret,
}

impl std::fmt::Debug for LdapAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LdapAuth")
            .field("identity_id", &self.identity_id)
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

impl LdapAuth {
    /// The identity and the directory user's credentials.
    pub fn new(
        identity_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self {
            identity_id: identity_id.into(),
            username: username.into(),
            password: password.into(),
        }
    }
}

impl Login for LdapAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "identityId": self.identity_id,
                "username": self.username,
                "password": self.password.expose(),
            });
            crate::identity_login(http, "ldap_auth.login", LOGIN_PATH, &body).await
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
        vec![self.password.clone()]
    }
}

impl crate::ClientBuilder {
    /// Authenticates as a machine identity with LDAP auth ([`LdapAuth`]).
    pub fn ldap_auth(
        self,
        identity_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        self.login(LdapAuth::new(identity_id, username, password))
    }
}
