//! Universal auth and the client against a server on 127.0.0.1 that misbehaves: a login
//! redirected to another origin, lifetimes out of range, answers that echo the client secret,
//! bodies over the limit. Each test is named after the defect it guards against.

#![cfg(all(feature = "universal-auth", feature = "secrets"))]

mod support;

use infisical_client::types::{ListSecretsRawV3Query, ListSecretsRawV3Response};
use infisical_client::{Client, Error, RetryPolicy};
use support::{Harness, Scripted};

const CLIENT_SECRET: &str = "cs-Very5ecretValue";
const LOGIN: &str = "/api/v1/auth/universal-auth/login";
const LIST: &str = "/api/v3/secrets/raw";
const EMPTY_LIST: &str = r#"{"secrets":[]}"#;

fn universal_auth(harness: &Harness) -> Client {
    Client::builder()
        .base_url(&harness.base_url)
        .universal_auth("id-1", CLIENT_SECRET)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn list(client: &Client) -> infisical_client::Result<ListSecretsRawV3Response> {
    client
        .secrets()
        .list_raw_v3(&ListSecretsRawV3Query::default())
        .await
}

fn login_answer(expires_in: &str, max_ttl: &str) -> Scripted {
    Scripted::json(
        200,
        &format!(
            r#"{{"accessToken":"tok-1","expiresIn":{expires_in},"accessTokenMaxTTL":{max_ttl},"tokenType":"Bearer"}}"#
        ),
    )
}

fn paths(harness: &Harness) -> Vec<String> {
    harness
        .take_recorded()
        .into_iter()
        .map(|r| r.path)
        .collect()
}

/// The error of a call whose login failed: the login's own error, which names the login.
fn login_error(error: &Error) -> &Error {
    assert_eq!(error.operation(), "universal_auth.login", "{error}");
    error
}

#[tokio::test]
async fn a_login_redirected_to_another_origin_does_not_send_the_client_secret() {
    let server = Harness::start().await;
    let elsewhere = Harness::start().await;
    for status in [307, 308] {
        let mut redirect = Scripted::json(status, "");
        redirect
            .headers
            .push(("location", format!("{}{LOGIN}", elsewhere.base_url)));
        server.script(redirect);
        let error = list(&universal_auth(&server)).await.unwrap_err();
        let Error::Redirect(redirect) = login_error(&error) else {
            panic!("expected a redirect error: {error}");
        };
        assert_eq!(redirect.operation, "universal_auth.login");
        assert_eq!(redirect.status, status);
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("another origin"), "{shown}");
        assert!(!shown.contains(CLIENT_SECRET), "{shown}");
        assert_eq!(paths(&server), [LOGIN]);
        assert!(
            elsewhere.take_recorded().is_empty(),
            "the other origin received the login"
        );
    }
}

#[tokio::test]
async fn a_login_answer_with_expires_in_1e19_does_not_panic() {
    let server = Harness::start().await;
    let client = universal_auth(&server);
    server.script(login_answer("1e19", "0"));
    server.script(Scripted::json(200, EMPTY_LIST));
    server.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    // The lifetime is clamped (ten years), not zero: the token is reused.
    assert_eq!(paths(&server), [LOGIN, LIST, LIST]);
}

#[tokio::test]
async fn a_login_answer_with_access_token_max_ttl_1e300_does_not_panic() {
    let server = Harness::start().await;
    let client = universal_auth(&server);
    server.script(login_answer("3600", "1e300"));
    server.script(Scripted::json(200, EMPTY_LIST));
    server.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    assert_eq!(paths(&server), [LOGIN, LIST, LIST]);
}

#[tokio::test]
async fn a_login_answer_with_negative_lifetimes_does_not_panic() {
    let server = Harness::start().await;
    let client = universal_auth(&server);
    // A token that is already expired: each call logs in again, none panics.
    for _ in 0..2 {
        server.script(login_answer("-5", "-1e300"));
        server.script(Scripted::json(200, EMPTY_LIST));
    }
    list(&client).await.unwrap();
    list(&client).await.unwrap();
    assert_eq!(paths(&server), [LOGIN, LIST, LOGIN, LIST]);
}

#[tokio::test]
async fn a_login_answer_with_lifetimes_beyond_f64_is_an_error_not_a_panic() {
    let server = Harness::start().await;
    let client = universal_auth(&server);
    server.script(login_answer("1e400", "0"));
    let error = list(&client).await.unwrap_err();
    assert!(
        matches!(login_error(&error), Error::Decode(d) if d.path == "expiresIn"),
        "{error}"
    );
}

#[tokio::test]
async fn a_refused_login_with_a_non_json_body_does_not_print_the_client_secret() {
    let server = Harness::start().await;
    let client = universal_auth(&server);
    let mut refused = Scripted::json(
        400,
        &format!("bad credentials: clientSecret={CLIENT_SECRET} (raw: {CLIENT_SECRET})"),
    );
    refused.headers = vec![("content-type", "text/plain".to_owned())];
    server.script(refused);
    let error = list(&client).await.unwrap_err();
    assert!(
        matches!(login_error(&error), Error::Api(api) if api.status == 400),
        "{error}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(shown.contains("bad credentials"), "{shown}");
}

#[tokio::test]
async fn a_truncated_login_answer_does_not_print_the_token_or_client_secret() {
    let server = Harness::start().await;
    let client = universal_auth(&server);
    server.script(Scripted::json(
        200,
        &format!(r#"{{"accessToken":"at-Server1234","echo":"{CLIENT_SECRET}","expiresIn":"#),
    ));
    let error = list(&client).await.unwrap_err();
    assert!(matches!(login_error(&error), Error::Decode(_)), "{error}");
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(CLIENT_SECRET) && !shown.contains("at-Server1234"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_response_over_max_response_body_is_a_too_large_error() {
    let server = Harness::start().await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .token("t0ken-value")
        .retry(RetryPolicy::none())
        .max_response_body(1000)
        .build()
        .unwrap();
    let big = format!(r#"{{"secrets":[],"padding":"{}"}}"#, "x".repeat(2000));
    server.script(Scripted::json(200, &big));
    let error = list(&client).await.unwrap_err();
    let Error::TooLarge(too_large) = &error else {
        panic!("expected a too-large error: {error}");
    };
    assert_eq!((too_large.limit, too_large.status), (1000, 200));
    assert!(error.to_string().contains("limit of 1000 bytes"), "{error}");
    // A body within the limit still decodes.
    server.script(Scripted::json(200, EMPTY_LIST));
    list(&client).await.unwrap();
}
