//! Runtime behaviour against a real HTTP server on 127.0.0.1: retries and `Retry-After`,
//! universal-auth login, renewal and re-login, error decoding, forward compatibility, redaction.

#![cfg(all(feature = "universal-auth", feature = "secrets"))]

mod support;

use std::time::Duration;

use infisical_client::types::{ListSecretsRawV3Query, ListSecretsRawV3Response};
use infisical_client::{Client, Error, Renewing, RetryPolicy, UniversalAuth};
use support::{Harness, Scripted};

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
    }
}

fn client(harness: &Harness, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&harness.base_url)
        .token("t0ken-value")
        .retry(retry)
        .build()
        .unwrap()
}

const EMPTY_LIST: &str = r#"{"secrets":[]}"#;

async fn list(client: &Client) -> infisical_client::Result<ListSecretsRawV3Response> {
    client
        .secrets()
        .list_raw_v3(&ListSecretsRawV3Query::default())
        .await
}

fn error_body(status: u16) -> String {
    format!(r#"{{"reqId":"r","statusCode":{status},"message":"m","error":"E"}}"#)
}

#[tokio::test]
async fn idempotent_requests_are_retried_on_503_and_429() {
    let harness = Harness::start().await;
    let client = client(&harness, fast_retries(3));
    harness.script(Scripted::json(503, &error_body(503)));
    harness.script(Scripted::json(429, &error_body(429)));
    harness.script(Scripted::json(200, EMPTY_LIST));
    let listed = list(&client).await.unwrap();
    assert!(listed.secrets.is_empty());
    assert_eq!(harness.take_recorded().len(), 3);
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_return_the_last_answer() {
    let harness = Harness::start().await;
    let client = client(&harness, fast_retries(2));
    for _ in 0..3 {
        harness.script(Scripted::json(503, &error_body(503)));
    }
    let Err(Error::Api(error)) = list(&client).await else {
        panic!("expected an API error");
    };
    assert_eq!(error.status, 503);
    assert_eq!(error.body.as_ref().unwrap().status_code, 503);
    assert_eq!(harness.take_recorded().len(), 3);
}

#[tokio::test]
async fn non_idempotent_requests_are_not_retried() {
    let harness = Harness::start().await;
    let client = client(&harness, fast_retries(3));
    harness.script(Scripted::json(503, &error_body(503)));
    let body = support::parse(r#"{"workspaceId":"w","environment":"dev","secretValue":"v"}"#);
    let result = client.secrets().create_raw_v3("NAME", &body).await;
    assert!(matches!(result, Err(Error::Api(ref e)) if e.status == 503));
    assert_eq!(harness.take_recorded().len(), 1);
}

/// A `Retry-After` within the limit is retried (how long the client waits is decided by
/// `RetryPolicy::wait_before_retry`, tested in the runtime without a clock).
#[tokio::test]
async fn a_retry_after_within_the_limit_is_retried() {
    let harness = Harness::start().await;
    let client = client(&harness, fast_retries(3));
    let mut limited = Scripted::json(429, &error_body(429));
    limited.headers.push(("retry-after", "0".to_owned()));
    harness.script(limited);
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    assert_eq!(harness.take_recorded().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_returned_not_waited_for() {
    let harness = Harness::start().await;
    let client = client(&harness, fast_retries(3));
    let mut limited = Scripted::json(429, &error_body(429));
    limited.headers.push(("retry-after", "3600".to_owned()));
    harness.script(limited);
    let Err(Error::Api(error)) = list(&client).await else {
        panic!("expected an API error");
    };
    assert_eq!((error.status, error.retry_after), (429, Some(3600)));
    assert_eq!(harness.take_recorded().len(), 1);
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .retry(fast_retries(2))
        .build()
        .unwrap();
    let Err(Error::Transport(error)) = list(&client).await else {
        panic!("expected a transport error");
    };
    assert!(error.is_connect(), "{error}");
    assert_eq!(error.attempts, 3);
    assert!(error.to_string().contains("secrets.list_raw_v3"), "{error}");
}

fn token_answer(token: &str, expires_in: u64) -> Scripted {
    Scripted::json(
        200,
        &format!(
            r#"{{"accessToken":"{token}","expiresIn":{expires_in},"accessTokenMaxTTL":86400,"tokenType":"Bearer"}}"#
        ),
    )
}

fn bearer(request: &support::Recorded) -> Option<&str> {
    request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn universal_auth_logs_in_once_and_attaches_the_token() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(&harness.base_url)
        .universal_auth("id-1", "s3cr3t")
        .build()
        .unwrap();
    harness.script(token_answer("tok-1", 3600));
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    let paths: Vec<&str> = recorded.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw",
            "/api/v3/secrets/raw"
        ]
    );
    let login: serde_json::Value = serde_json::from_slice(&recorded[0].body).unwrap();
    assert_eq!(
        login,
        serde_json::json!({"clientId": "id-1", "clientSecret": "s3cr3t"})
    );
    assert_eq!(bearer(&recorded[0]), None);
    assert_eq!(bearer(&recorded[1]), Some("Bearer tok-1"));
    assert_eq!(bearer(&recorded[2]), Some("Bearer tok-1"));
}

#[tokio::test]
async fn universal_auth_renews_before_expiry() {
    let harness = Harness::start().await;
    // With a margin longer than the lifetime, every use renews: the renewal path without waiting.
    let client = Client::builder()
        .base_url(&harness.base_url)
        .token_provider(
            Renewing::new(UniversalAuth::new("id-1", "s3cr3t"))
                .renew_before(Duration::from_secs(1_000_000)),
        )
        .build()
        .unwrap();
    harness.script(token_answer("tok-1", 3600));
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(token_answer("tok-2", 3600));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    let paths: Vec<&str> = recorded.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw",
            "/api/v1/auth/token/renew",
            "/api/v3/secrets/raw"
        ]
    );
    let renew: serde_json::Value = serde_json::from_slice(&recorded[2].body).unwrap();
    assert_eq!(renew, serde_json::json!({"accessToken": "tok-1"}));
    assert_eq!(bearer(&recorded[3]), Some("Bearer tok-2"));
}

#[tokio::test]
async fn an_expired_token_logs_in_again_and_a_failed_renewal_falls_back_to_login() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(&harness.base_url)
        .token_provider(
            Renewing::new(UniversalAuth::new("id-1", "s3cr3t"))
                .renew_before(Duration::from_secs(1_000_000)),
        )
        .build()
        .unwrap();
    harness.script(token_answer("tok-1", 3600));
    harness.script(Scripted::json(200, EMPTY_LIST));
    harness.script(Scripted::json(401, &error_body(401))); // renewal refused
    harness.script(token_answer("tok-2", 3600));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    let paths: Vec<&str> = recorded.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw",
            "/api/v1/auth/token/renew",
            "/api/v1/auth/universal-auth/login",
            "/api/v3/secrets/raw"
        ]
    );
    assert_eq!(bearer(&recorded[4]), Some("Bearer tok-2"));
}

#[tokio::test]
async fn a_rejected_token_is_replaced_once() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(&harness.base_url)
        .universal_auth("id-1", "s3cr3t")
        .build()
        .unwrap();
    harness.script(token_answer("tok-1", 3600));
    harness.script(Scripted::json(401, &error_body(401)));
    harness.script(token_answer("tok-2", 3600));
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    assert_eq!(recorded.len(), 4);
    assert_eq!(bearer(&recorded[3]), Some("Bearer tok-2"));

    // A second 401 in a row is the caller's answer, not a loop.
    harness.script(Scripted::json(401, &error_body(401)));
    harness.script(token_answer("tok-3", 3600));
    harness.script(Scripted::json(401, &error_body(401)));
    let result = list(&client).await;
    assert!(matches!(result, Err(Error::Api(ref e)) if e.status == 401));
    assert_eq!(harness.take_recorded().len(), 3);
}

#[tokio::test]
async fn a_refused_login_is_an_api_error_that_keeps_the_answer() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(&harness.base_url)
        .universal_auth("id-1", "wrong")
        .build()
        .unwrap();
    harness.script(Scripted::json(401, &error_body(401)));
    let result = list(&client).await;
    let Err(Error::Api(error)) = &result else {
        panic!("expected an API error, got {result:?}");
    };
    assert_eq!(error.status, 401);
    assert_eq!(error.operation, "universal_auth.login");
    assert!(error.body.is_some());
    let shown = format!("{error} {result:?}");
    assert!(shown.contains("401"), "{shown}");
    assert!(!shown.contains("wrong"), "{shown}");
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_names_the_path_and_redacts() {
    let harness = Harness::start().await;
    let client = client(&harness, RetryPolicy::none());
    harness.script(Scripted::json(
        200,
        r#"{"secrets":[{"id":7,"secretValue":"hunter2"}]}"#,
    ));
    let Err(Error::Decode(error)) = list(&client).await else {
        panic!("expected a decode error");
    };
    assert_eq!(error.operation, "secrets.list_raw_v3");
    assert_eq!(error.status, 200);
    assert_eq!(error.path, "secrets[0].id");
    let shown = error.to_string();
    assert!(shown.contains("invalid type"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[tokio::test]
async fn answers_that_break_the_document_still_give_the_status_and_raw_body() {
    let harness = Harness::start().await;
    let client = client(&harness, RetryPolicy::none());
    for (status, body) in [
        (502, "<html>bad gateway</html>"),
        (404, ""),
        (418, r#"{"unexpected":"shape"}"#),
    ] {
        harness.script(Scripted::json(status, body));
        let Err(Error::Api(error)) = list(&client).await else {
            panic!("expected an API error for {status}");
        };
        assert_eq!(error.status, status);
        assert!(error.body.is_none());
        assert_eq!(&error.raw[..], body.as_bytes());
    }
}

#[tokio::test]
async fn new_fields_and_enum_values_from_a_newer_server_decode() {
    let harness = Harness::start().await;
    let client = client(&harness, RetryPolicy::none());
    let secret = r#"{"id":"i","_id":"i","workspace":"w","environment":"dev","version":1,"type":"brand-new-type","secretKey":"K","secretValue":"V","secretComment":"","createdAt":"2024-01-02T03:04:05Z","updatedAt":"2024-01-02T03:04:05Z","secretValueHidden":false,"fieldFromTheFuture":{"x":1}}"#;
    harness.script(Scripted::json(
        200,
        &format!(r#"{{"secrets":[{secret}],"alsoNew":true}}"#),
    ));
    let listed = list(&client).await.unwrap();
    assert_eq!(listed.secrets[0].secret_key, "K");
}

#[tokio::test]
async fn tokens_and_secrets_stay_out_of_debug() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(&harness.base_url)
        .token("t0ken-value")
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("t0ken-value"));
    let builder = Client::builder().universal_auth("id-1", "s3cr3t");
    assert!(!format!("{builder:?}").contains("s3cr3t"));
    harness.script(Scripted::json(
        200,
        r#"{"secrets":[{"id":"i","_id":"i","workspace":"w","environment":"dev","version":1,"type":"shared","secretKey":"K","secretValue":"hunter2","secretComment":"","createdAt":"2024-01-02T03:04:05Z","updatedAt":"2024-01-02T03:04:05Z","secretValueHidden":false}]}"#,
    ));
    let client = self::client(&harness, RetryPolicy::none());
    let listed = list(&client).await.unwrap();
    assert_eq!(listed.secrets[0].secret_value, "hunter2");
    let shown = format!("{listed:?}");
    assert!(
        !shown.contains("hunter2") && shown.contains("[redacted]"),
        "{shown}"
    );
}

#[tokio::test]
async fn client_settings_reach_the_wire() {
    let harness = Harness::start().await;
    let client = Client::builder()
        .base_url(format!("{}/", harness.base_url))
        .token("t0ken-value")
        .user_agent("my-app/1.0")
        .header("x-extra", "yes")
        .build()
        .unwrap();
    harness.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    let recorded = harness.take_recorded();
    let header = |name: &str| recorded[0].headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("user-agent"), Some("my-app/1.0"));
    assert_eq!(header("x-extra"), Some("yes"));
    assert_eq!(recorded[0].path, "/api/v3/secrets/raw");
    assert!(Client::builder().base_url("not a url").build().is_err());
    assert!(Client::builder().header("bad header", "x").build().is_err());
}

#[tokio::test]
async fn header_parameters_reach_the_wire() {
    let harness = Harness::start().await;
    let client = client(&harness, RetryPolicy::none());
    harness.script(Scripted::json(200, "{}"));
    let request = oas_runtime::client::Request::new(
        oas_runtime::client::Method::GET,
        "test.header",
        "/anything".to_owned(),
        false,
    )
    .header("x-request-id", 42);
    let response = client.http().send(request).await.unwrap();
    assert_eq!(response.status, 200);
    let recorded = harness.take_recorded();
    let value = recorded[0]
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok());
    assert_eq!(value, Some("42"));
}
