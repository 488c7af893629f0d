//! AWS IAM auth: the client signs an `sts:GetCallerIdentity` request with its AWS credentials
//! (SigV4) and sends the signed request, not the credentials, to Infisical, which forwards it to
//! STS to learn the caller's account and ARN.
//!
//! Needs the `aws-iam` feature (aws-sigv4 and aws-credential-types). Written by hand against the
//! wire format of its login, so it depends on no generated name. The generated `ops` module
//! declares it only when the document has the login and renewal operations (`spec` profile:
//! `client_extensions`).

#![cfg(feature = "aws-iam")]

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use base64::Engine as _;
use oas_runtime::client::{BoxError, BoxFuture, Grant, HttpClient, Login, Secret};

const LOGIN_PATH: &str = "/api/v1/auth/aws-auth/login";

/// The signed request's body: STS's `GetCallerIdentity` in its query protocol.
pub const GET_CALLER_IDENTITY_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// AWS IAM auth: at every login, takes credentials from the provider (by default the
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` environment variables;
/// give aws-config's chain with [`AwsIamAuth::credentials_provider`] for profiles, SSO, ECS or
/// instance roles), signs `POST https://sts.<region>.amazonaws.com/` with SigV4 and posts the
/// method, the base64 body and the base64 JSON of the signed headers to
/// `POST /api/v1/auth/aws-auth/login`; renews the token before it expires and logs in again when
/// it can no longer be renewed.
#[derive(Debug)]
pub struct AwsIamAuth {
    identity_id: String,
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    last: std::sync::Mutex<Vec<Secret>>,
}

impl AwsIamAuth {
    /// The identity; the region from `AWS_REGION` or `AWS_DEFAULT_REGION`, the credentials from
    /// the environment.
    pub fn new(identity_id: impl Into<String>) -> Self {
        Self {
            identity_id: identity_id.into(),
            region: None,
            credentials: None,
            last: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The STS region whose endpoint the request is signed for (the server sends it there).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where credentials come from: any `ProvideCredentials` (aws-config's
    /// `SdkConfig::credentials_provider()`, or fixed `Credentials`). Asked at every login, so
    /// rotated credentials are picked up.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(SharedCredentialsProvider::new(provider));
        self
    }

    fn region_or_env(&self) -> Result<String, BoxError> {
        let region = self
            .region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
            .or_else(|| {
                std::env::var("AWS_DEFAULT_REGION")
                    .ok()
                    .filter(|r| !r.is_empty())
            })
            .ok_or("AWS IAM auth: no region (set AWS_REGION or call `AwsIamAuth::region`)")?;
        // The server takes the region from the signature and refuses anything else.
        if region.is_empty()
            || region.len() > 20
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!("AWS IAM auth: `{region}` is not an AWS region").into());
        }
        Ok(region)
    }

    async fn credentials(&self) -> Result<Credentials, BoxError> {
        let credentials = match &self.credentials {
            Some(provider) => provider
                .provide_credentials()
                .await
                .map_err(|e| format!("AWS IAM auth: no AWS credentials: {e}"))?,
            None => {
                let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
                let (Some(key), Some(secret)) =
                    (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
                else {
                    return Err("AWS IAM auth: no AWS credentials (set AWS_ACCESS_KEY_ID and \
                                AWS_SECRET_ACCESS_KEY, or give a provider with \
                                `AwsIamAuth::credentials_provider`)"
                        .into());
                };
                Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "environment")
            }
        };
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = std::iter::once(credentials.secret_access_key())
            .chain(credentials.session_token())
            .map(|s| Secret::new(s.to_owned()))
            .collect();
        Ok(credentials)
    }

    /// The login body: the signed `GetCallerIdentity` request, as the server expects it.
    async fn signed_request(&self, now: SystemTime) -> Result<serde_json::Value, BoxError> {
        let region = self.region_or_env()?;
        let credentials = self.credentials().await?;
        let host = format!("sts.{region}.amazonaws.com");
        let url = format!("https://{host}/");
        let identity = credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name("sts")
            .time(now)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| format!("AWS IAM auth: signing parameters: {e}"))?
            .into();
        let length = GET_CALLER_IDENTITY_BODY.len().to_string();
        let unsigned = [
            ("host", host.as_str()),
            ("content-type", CONTENT_TYPE),
            ("content-length", length.as_str()),
        ];
        let signable = SignableRequest::new(
            "POST",
            url.as_str(),
            unsigned.iter().copied(),
            SignableBody::Bytes(GET_CALLER_IDENTITY_BODY.as_bytes()),
        )
        .map_err(|e| format!("AWS IAM auth: signing: {e}"))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| format!("AWS IAM auth: signing: {e}"))?
            .into_parts();
        // The headers the server replays to STS: the signed ones and what the signer added
        // (`Authorization`, `X-Amz-Date`, `X-Amz-Security-Token`), in canonical spelling.
        let mut headers = serde_json::Map::new();
        headers.insert("Host".to_owned(), host.clone().into());
        headers.insert("Content-Type".to_owned(), CONTENT_TYPE.into());
        headers.insert("Content-Length".to_owned(), length.clone().into());
        for (name, value) in instructions.headers() {
            headers.insert(canonical_header(name), value.into());
        }
        let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let headers = serde_json::to_vec(&headers)?;
        Ok(serde_json::json!({
            "identityId": self.identity_id,
            "iamHttpRequestMethod": "POST",
            "iamRequestBody": encode(GET_CALLER_IDENTITY_BODY.as_bytes()),
            "iamRequestHeaders": encode(&headers),
        }))
    }
}

/// `x-amz-date` as `X-Amz-Date`.
fn canonical_header(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl Login for AwsIamAuth {
    fn login<'a>(&'a self, http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let body = self.signed_request(SystemTime::now()).await?;
            crate::identity_login(http, "aws_auth.login", LOGIN_PATH, &body).await
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
        self.last.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl crate::ClientBuilder {
    /// Authenticates as a machine identity with AWS IAM auth ([`AwsIamAuth`]: region and
    /// credentials from the environment).
    pub fn aws_iam_auth(self, identity_id: impl Into<String>) -> Self {
        self.login(AwsIamAuth::new(identity_id))
    }
}
