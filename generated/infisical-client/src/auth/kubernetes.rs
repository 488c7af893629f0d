//! Kubernetes auth: a pod's service-account token, which the server reviews with the
//! cluster's TokenReview API, exchanged for an access token.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

use crate::JwtSource;

const LOGIN_PATH: &str = "/api/v1/auth/kubernetes-auth/login";

/// Where Kubernetes mounts a pod's service-account token.
pub const DEFAULT_TOKEN_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/// Kubernetes auth: logs in with `POST /api/v1/auth/kubernetes-auth/login` (`identityId` and a JWT: the service-account token), renews the token
/// before it expires and logs in again (reading the JWT again) when it can no longer be renewed.
#[derive(Debug)]
pub struct KubernetesAuth {
    identity_id: String,
    jwt: JwtSource,
}

impl KubernetesAuth {
    /// The default service-account token of the pod,
    /// `/var/run/secrets/kubernetes.io/serviceaccount/token`, read at every login.
    pub fn new(identity_id: impl Into<String>) -> Self {
        Self::with_jwt(identity_id, JwtSource::file(DEFAULT_TOKEN_PATH))
    }

    /// A service-account token from `jwt` (a fixed value, a file, a function).
    pub fn with_jwt(identity_id: impl Into<String>, jwt: impl Into<JwtSource>) -> Self {
        Self {
            identity_id: identity_id.into(),
            jwt: jwt.into(),
        }
    }
}

impl Login for KubernetesAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let jwt = self.jwt.read()?;
            crate::jwt_login(http, "kubernetes_auth.login", LOGIN_PATH, &self.identity_id, &jwt).await
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
    /// Authenticates as a machine identity with Kubernetes auth, with the pod's service-account
    /// token (see [`KubernetesAuth`] for another token).
    pub fn kubernetes_auth(self, identity_id: impl Into<String>) -> Self {
        self.login(KubernetesAuth::new(identity_id))
    }
}
