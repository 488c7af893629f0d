//! Every built-in login against a recording server on 127.0.0.1 (which also plays the GCP and
//! Azure metadata servers): the body and path of each login, renewal, re-login when renewal is
//! refused or the maximum lifetime is near, a refused login as `Error::Api`, and a token source of
//! one's own through the public `Login` and `TokenProvider` traits.

#![cfg(all(
    feature = "secrets",
    feature = "universal-auth",
    feature = "token-auth",
    feature = "kubernetes-auth",
    feature = "oidc-auth",
    feature = "jwt-auth",
    feature = "ldap-auth",
    feature = "gcp-auth",
    feature = "azure-auth",
))]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use infisical_client::types::ListSecretsRawV3Query;
use infisical_client::{
    AzureAuth, BoxError, BoxFuture, Client, ClientBuilder, Error, GcpIdTokenAuth, Grant,
    HttpClient, JwtSource, KubernetesAuth, Login, Renewing, RetryPolicy, Secret, TokenAuth,
    TokenProvider, UniversalAuth,
};
use serde_json::{Value, json};
use support::{Harness, Recorded, Scripted};

const EMPTY_LIST: &str = r#"{"secrets":[]}"#;

fn builder(harness: &Harness) -> ClientBuilder {
    Client::builder()
        .base_url(&harness.base_url)
        .retry(RetryPolicy::none())
}

fn token_answer(token: &str, expires_in: u64, max_ttl: u64) -> Scripted {
    Scripted::json(
        200,
        &format!(
            r#"{{"accessToken":"{token}","expiresIn":{expires_in},"accessTokenMaxTTL":{max_ttl},"tokenType":"Bearer"}}"#
        ),
    )
}

fn refused(status: u16) -> Scripted {
    Scripted::json(
        status,
        &format!(r#"{{"reqId":"r","statusCode":{status},"message":"no","error":"Unauthorized"}}"#),
    )
}

async fn list(client: &Client) -> infisical_client::Result<()> {
    client
        .secrets()
        .list_raw_v3(&ListSecretsRawV3Query::default())
        .await
        .map(drop)
}

fn paths(recorded: &[Recorded]) -> Vec<&str> {
    recorded.iter().map(|r| r.path.as_str()).collect()
}

fn body(recorded: &Recorded) -> Value {
    serde_json::from_slice(&recorded.body).unwrap()
}

fn bearer(recorded: &Recorded) -> Option<&str> {
    recorded
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
}

/// Renews before every request: the renewal path without waiting for a token to age.
fn always_renewing<L: Login>(login: L) -> Renewing<L> {
    Renewing::new(login).renew_before(Duration::from_secs(1_000_000))
}

#[tokio::test]
async fn a_token_near_its_maximum_lifetime_is_replaced_by_a_login_not_renewed() {
    let harness = Harness::start().await;
    let client = builder(&harness)
        .universal_auth("id-1", "s3cr3t")
        .build()
        .unwrap();
    // A maximum lifetime of 1 s: within the 2 s re-login margin from the start, so the next
    // request logs in again (a renewal would be refused, and the token deleted, by the server).
    harness.script(token_answer("tok-1", 3600, 1));
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(token_answer("tok-2", 3600, 86400));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        [
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw",
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw"
        ]
    );
    assert_eq!(bearer(&recorded[3]), Some("Bearer tok-2"));
}

#[tokio::test]
async fn a_renewal_that_would_outlive_the_maximum_lifetime_is_a_login() {
    let harness = Harness::start().await;
    let client = builder(&harness)
        .token_provider(always_renewing(UniversalAuth::new("id-1", "s3cr3t")))
        .build()
        .unwrap();
    // The token lives 3600 s but may only be renewed for 10 s: renewing would pass the maximum.
    harness.script(token_answer("tok-1", 3600, 10));
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(token_answer("tok-2", 3600, 0)); // 0: no maximum
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(token_answer("tok-3", 3600, 0)); // now renewed
    harness.script(Scripted::json(200, EMPTY_LIST));
    for _ in 0..3 {
        list(&client).await.unwrap();
    }
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        [
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw",
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw",
            "/api/v1/auth/token/renew",
            "/api/v3/secrets/raw"
        ]
    );
    assert_eq!(body(&recorded[4]), json!({"accessToken": "tok-2"}));
    assert_eq!(bearer(&recorded[5]), Some("Bearer tok-3"));
}

#[tokio::test]
async fn a_refused_login_is_an_api_error_with_the_login_status() {
    let harness = Harness::start().await;
    let client = builder(&harness)
        .ldap_auth("identity-1", "alice", "pa55-LdapWord")
        .build()
        .unwrap();
    harness.script(refused(401));
    let result = list(&client).await;
    let Err(Error::Api(error)) = &result else {
        panic!("expected Error::Api, got {result:?}");
    };
    assert_eq!(error.status, 401);
    assert_eq!(error.operation, "ldap_auth.login");
    assert!(
        error.body.is_some(),
        "the typed error body decodes: {error:?}"
    );
    let shown = format!("{error} {result:?}");
    assert!(!shown.contains("pa55-LdapWord"), "{shown}");
    let recorded = harness.take_recorded();
    assert_eq!(paths(&recorded), ["/api/v1/auth/ldap-auth/login"]);
    assert_eq!(
        body(&recorded[0]),
        json!({"identityId": "identity-1", "username": "alice", "password": "pa55-LdapWord"})
    );
}

#[tokio::test]
async fn token_auth_sends_the_token_as_is_and_renews_it_when_its_lifetime_is_given() {
    let harness = Harness::start().await;
    let fixed = builder(&harness)
        .token_auth(TokenAuth::new("tok-issued"))
        .build()
        .unwrap();
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&fixed).await.unwrap();
    list(&fixed).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        ["/api/v3/secrets/raw", "/api/v3/secrets/raw"]
    );
    assert!(
        recorded
            .iter()
            .all(|r| bearer(r) == Some("Bearer tok-issued"))
    );

    let renewing = builder(&harness)
        .token_provider(always_renewing(
            TokenAuth::new("tok-issued")
                .expires_in(Duration::from_secs(3600))
                .max_ttl(Duration::from_secs(86400)),
        ))
        .build()
        .unwrap();
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(token_answer("tok-issued", 3600, 86400));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&renewing).await.unwrap();
    list(&renewing).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        [
            "/api/v3/secrets/raw",
            "/api/v1/auth/token/renew",
            "/api/v3/secrets/raw"
        ]
    );
    assert_eq!(body(&recorded[1]), json!({"accessToken": "tok-issued"}));
}

#[tokio::test]
async fn kubernetes_auth_reads_the_service_account_token_again_at_each_login() {
    let harness = Harness::start().await;
    let dir = std::env::temp_dir().join(format!("infisical-k8s-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token");
    std::fs::write(&path, "sa-jwt-1\n").unwrap();
    let client = builder(&harness)
        .login(KubernetesAuth::with_jwt(
            "identity-k",
            JwtSource::file(&path),
        ))
        .build()
        .unwrap();
    harness.script(token_answer("tok-1", 3600, 86400));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    // The kubelet rotates the token; the server rejects the access token: a new login reads it.
    std::fs::write(&path, "sa-jwt-2").unwrap();
    harness.script(refused(401));
    harness.script(token_answer("tok-2", 3600, 86400));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        [
            "/api/v1/auth/kubernetes-auth/login",
            "/api/v3/secrets/raw",
            "/api/v3/secrets/raw",
            "/api/v1/auth/kubernetes-auth/login",
            "/api/v3/secrets/raw"
        ]
    );
    assert_eq!(
        body(&recorded[0]),
        json!({"identityId": "identity-k", "jwt": "sa-jwt-1"})
    );
    assert_eq!(
        body(&recorded[3]),
        json!({"identityId": "identity-k", "jwt": "sa-jwt-2"})
    );
    assert_eq!(bearer(&recorded[4]), Some("Bearer tok-2"));

    // A missing token file is the provider's own failure: `Error::Auth`, naming the file.
    std::fs::remove_dir_all(&dir).unwrap();
    let missing = builder(&harness)
        .login(KubernetesAuth::with_jwt(
            "identity-k",
            JwtSource::file(&path),
        ))
        .build()
        .unwrap();
    let Err(Error::Auth(error)) = list(&missing).await else {
        panic!("expected an auth error");
    };
    assert!(error.to_string().contains("token"), "{error}");
    assert!(harness.take_recorded().is_empty());
}

#[tokio::test]
async fn oidc_and_jwt_auth_post_the_jwt_to_their_logins() {
    for (oidc, path) in [
        (true, "/api/v1/auth/oidc-auth/login"),
        (false, "/api/v1/auth/jwt-auth/login"),
    ] {
        let harness = Harness::start().await;
        let builder = builder(&harness);
        let builder = if oidc {
            builder.oidc_auth("identity-o", "eyJ.oidc.jwt")
        } else {
            builder.jwt_auth(
                "identity-o",
                JwtSource::function(|| Ok("eyJ.fn.jwt".into())),
            )
        };
        let client = builder.build().unwrap();
        harness.script(token_answer("tok-1", 3600, 86400));
        harness.script(Scripted::json(200, EMPTY_LIST));
        list(&client).await.unwrap();
        let recorded = harness.take_recorded();
        assert_eq!(paths(&recorded), [path, "/api/v3/secrets/raw"]);
        let jwt = if oidc { "eyJ.oidc.jwt" } else { "eyJ.fn.jwt" };
        assert_eq!(
            body(&recorded[0]),
            json!({"identityId": "identity-o", "jwt": jwt})
        );
        assert_eq!(bearer(&recorded[1]), Some("Bearer tok-1"));
    }
}

#[tokio::test]
async fn gcp_id_token_auth_asks_the_metadata_server_for_the_identity_audience() {
    let harness = Harness::start().await;
    let client = builder(&harness)
        .login(GcpIdTokenAuth::new("identity-g").metadata_url(&harness.base_url))
        .build()
        .unwrap();
    harness.script(Scripted {
        status: 200,
        headers: vec![("content-type", "application/text".to_owned())],
        body: b"eyJ.gcp.idtoken".to_vec(),
    });
    harness.script(token_answer("tok-g", 3600, 86400));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        [
            "/computeMetadata/v1/instance/service-accounts/default/identity",
            "/api/v1/auth/gcp-auth/login",
            "/api/v3/secrets/raw"
        ]
    );
    let metadata = &recorded[0];
    assert_eq!(metadata.method, "GET");
    assert_eq!(metadata.headers.get("metadata-flavor").unwrap(), "Google");
    assert_eq!(
        metadata.query.as_deref(),
        Some("audience=identity-g&format=full")
    );
    assert!(bearer(metadata).is_none());
    assert_eq!(
        body(&recorded[1]),
        json!({"identityId": "identity-g", "jwt": "eyJ.gcp.idtoken"})
    );

    // A metadata server that refuses is the provider's failure, not the Infisical server's.
    harness.script(Scripted::json(404, "{}"));
    let client = builder(&harness)
        .login(GcpIdTokenAuth::new("identity-g").metadata_url(&harness.base_url))
        .build()
        .unwrap();
    let Err(Error::Auth(error)) = list(&client).await else {
        panic!("expected an auth error");
    };
    assert!(error.to_string().contains("404"), "{error}");
}

#[tokio::test]
async fn azure_auth_gets_a_managed_identity_token_for_the_resource() {
    let harness = Harness::start().await;
    let client = builder(&harness)
        .login(
            AzureAuth::new("identity-a")
                .client_id("uami-1")
                .metadata_url(&harness.base_url),
        )
        .build()
        .unwrap();
    harness.script(Scripted::json(
        200,
        r#"{"access_token":"eyJ.azure.token","expires_in":"3599","token_type":"Bearer"}"#,
    ));
    harness.script(token_answer("tok-a", 3600, 86400));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(
        paths(&recorded),
        [
            "/metadata/identity/oauth2/token",
            "/api/v1/auth/azure-auth/login",
            "/api/v3/secrets/raw"
        ]
    );
    assert_eq!(recorded[0].headers.get("metadata").unwrap(), "true");
    assert_eq!(
        recorded[0].query.as_deref(),
        Some(
            "api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F&client_id=uami-1"
        )
    );
    assert_eq!(
        body(&recorded[1]),
        json!({"identityId": "identity-a", "jwt": "eyJ.azure.token"})
    );
}

/// A login of one's own through the public trait: counts its logins, has no renewal.
#[derive(Clone, Default)]
struct Counting(Arc<AtomicUsize>);

impl Login for Counting {
    fn login<'a>(&'a self, _http: &'a HttpClient) -> BoxFuture<'a, Result<Grant, BoxError>> {
        Box::pin(async move {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Grant {
                token: Secret::new(format!("own-{n}")),
                expires_in: Some(Duration::from_secs(3600)),
                max_ttl: None,
            })
        })
    }
}

/// A provider of one's own: a token from elsewhere, never a login request.
struct FromVault;

impl TokenProvider for FromVault {
    fn token<'a>(&'a self, _http: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>> {
        Box::pin(async { Ok(Secret::new("vault-token".to_owned())) })
    }
    fn invalidate(&self) {}
}

#[tokio::test]
async fn any_token_source_plugs_in_through_login_or_token_provider() {
    let harness = Harness::start().await;
    let logins = Counting::default();
    let client = builder(&harness).login(logins.clone()).build().unwrap();
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(refused(401));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    assert_eq!(logins.0.load(Ordering::SeqCst), 2);
    let recorded = harness.take_recorded();
    assert_eq!(bearer(&recorded[0]), Some("Bearer own-1"));
    assert_eq!(bearer(&recorded[2]), Some("Bearer own-2"));

    let client = builder(&harness).token_provider(FromVault).build().unwrap();
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    assert_eq!(
        bearer(&harness.take_recorded()[0]),
        Some("Bearer vault-token")
    );
}
