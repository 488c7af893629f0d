//! Azure auth: the managed identity of the VM, app or container asks the instance metadata
//! service (IMDS) for an access token to a resource, and exchanges it for an Infisical token.
//!
//! Written by hand against the wire format of its login, so it depends on no generated name. The
//! generated `ops` module declares it only when the document has the login and renewal
//! operations (`spec` profile: `client_extensions`).

use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

const LOGIN_PATH: &str = "/api/v1/auth/azure-auth/login";

/// Azure's instance metadata service.
pub const AZURE_METADATA_URL: &str = "http://169.254.169.254";
/// The resource whose token is requested unless told otherwise (as Infisical's SDKs do).
pub const AZURE_DEFAULT_RESOURCE: &str = "https://management.azure.com/";

/// Azure managed-identity auth: at every login, gets a token for the resource from
/// `/metadata/identity/oauth2/token` (`api-version=2018-02-01`, `Metadata: true`) and posts it to
/// `POST /api/v1/auth/azure-auth/login`; renews the access token before it expires and logs in
/// again when it can no longer be renewed.
#[derive(Debug)]
pub struct AzureAuth {
    identity_id: String,
    resource: String,
    client_id: Option<String>,
    metadata_url: String,
    last: std::sync::Mutex<Option<Secret>>,
}

#[derive(serde::Deserialize)]
struct ImdsToken {
    access_token: String,
}

impl AzureAuth {
    /// The identity, with the system-assigned managed identity and [`AZURE_DEFAULT_RESOURCE`].
    pub fn new(identity_id: impl Into<String>) -> Self {
        Self {
            identity_id: identity_id.into(),
            resource: AZURE_DEFAULT_RESOURCE.to_owned(),
            client_id: None,
            metadata_url: AZURE_METADATA_URL.to_owned(),
            last: std::sync::Mutex::new(None),
        }
    }

    /// The resource (audience) of the token, which the identity's Azure auth expects.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = resource.into();
        self
    }

    /// A user-assigned managed identity, by its client id.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The metadata service's base URL (default [`AZURE_METADATA_URL`]).
    pub fn metadata_url(mut self, url: impl Into<String>) -> Self {
        self.metadata_url = url.into();
        self
    }

    async fn imds_token(&self, http: &HttpClient) -> Result<Secret, BoxError> {
        use oas_runtime::client::encode_segment;
        let mut url = format!(
            "{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={}",
            self.metadata_url.trim_end_matches('/'),
            encode_segment(&self.resource)
        );
        if let Some(client_id) = &self.client_id {
            url.push_str("&client_id=");
            url.push_str(&encode_segment(client_id));
        }
        let body = crate::metadata_get(http, &url, ("Metadata", "true")).await?;
        let token: ImdsToken = serde_json::from_str(&body)
            .map_err(|e| format!("the answer of {url} has no `access_token`: {e}"))?;
        let token = Secret::new(token.access_token);
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        Ok(token)
    }
}

impl Login for AzureAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let jwt = self.imds_token(http).await?;
            crate::jwt_login(http, "azure_auth.login", LOGIN_PATH, &self.identity_id, &jwt).await
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
    /// Authenticates as a machine identity with Azure managed-identity auth ([`AzureAuth`]).
    pub fn azure_auth(self, identity_id: impl Into<String>) -> Self {
        self.login(AzureAuth::new(identity_id))
    }
}
