//! GCP auth with an ID token: the instance's service account asks the metadata server for an ID
//! token whose audience is the identity, and exchanges it for an access token.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

const LOGIN_PATH: &str = "/api/v1/auth/gcp-auth/login";

/// The metadata server of Google Cloud (`GCE_METADATA_HOST` replaces the host, as in Google's
/// libraries).
pub const GCP_METADATA_URL: &str = "http://metadata.google.internal";

/// GCP ID-token auth (on Compute Engine, GKE, Cloud Run, Cloud Functions): at every login, gets an
/// ID token for the audience `identityId` from
/// `/computeMetadata/v1/instance/service-accounts/default/identity` (`format=full`) with
/// `Metadata-Flavor: Google`, and posts it to `POST /api/v1/auth/gcp-auth/login`; renews the
/// access token before it expires and logs in again when it can no longer be renewed.
#[derive(Debug)]
pub struct GcpIdTokenAuth {
    identity_id: String,
    metadata_url: Option<String>,
    last: std::sync::Mutex<Option<Secret>>,
}

impl GcpIdTokenAuth {
    /// The identity (also the ID token's audience).
    pub fn new(identity_id: impl Into<String>) -> Self {
        Self {
            identity_id: identity_id.into(),
            metadata_url: None,
            last: std::sync::Mutex::new(None),
        }
    }

    /// The metadata server's base URL (default [`GCP_METADATA_URL`], or `http://` and
    /// `GCE_METADATA_HOST` when that is set).
    pub fn metadata_url(mut self, url: impl Into<String>) -> Self {
        self.metadata_url = Some(url.into());
        self
    }

    fn base(&self) -> String {
        if let Some(url) = &self.metadata_url {
            return url.trim_end_matches('/').to_owned();
        }
        match std::env::var("GCE_METADATA_HOST") {
            Ok(host) if !host.is_empty() => format!("http://{host}"),
            _ => GCP_METADATA_URL.to_owned(),
        }
    }

    async fn id_token(&self, http: &HttpClient) -> Result<Secret, BoxError> {
        let mut query = String::new();
        for (name, value) in [("audience", self.identity_id.as_str()), ("format", "full")] {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str(name);
            query.push('=');
            query.push_str(&oas_runtime::client::encode_segment(value));
        }
        let url = format!(
            "{}/computeMetadata/v1/instance/service-accounts/default/identity{query}",
            self.base()
        );
        let jwt = crate::metadata_get(http, &url, ("Metadata-Flavor", "Google")).await?;
        let jwt = Secret::new(jwt.trim().to_owned());
        if jwt.expose().is_empty() {
            return Err(format!("the metadata server's ID token from {url} is empty").into());
        }
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(jwt.clone());
        Ok(jwt)
    }
}

impl Login for GcpIdTokenAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let jwt = self.id_token(http).await?;
            crate::jwt_login(http, "gcp_auth.login", LOGIN_PATH, &self.identity_id, &jwt).await
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
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

impl crate::ClientBuilder {
    /// Authenticates as a machine identity with GCP ID-token auth ([`GcpIdTokenAuth`]).
    pub fn gcp_id_token_auth(self, identity_id: impl Into<String>) -> Self {
        self.login(GcpIdTokenAuth::new(identity_id))
    }
}
