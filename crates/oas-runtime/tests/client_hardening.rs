//! The client runtime against servers on 127.0.0.1 that misbehave: bodies that echo credentials
//! (JSON, truncated JSON, text), redirects to another origin, bodies over the size limit, and
//! `Retry-After` values out of range. Each test is named after the defect it guards against.

#![cfg(feature = "client")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use oas_runtime::client::{
    Error, HttpClient, MAX_SERVER_DURATION, Method, Never, Request, RetryPolicy, reqwest,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "tok-Zq8rT1wX";
const CLIENT_SECRET: &str = "cs-Abc123Secret";
const SECRET_VALUE: &str = "sv-Def456Value";
const SERVER_TOKEN: &str = "at-FromServer99";

/// Serves `router` on a free port of 127.0.0.1; returns its base URL.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// A router that answers every request with `status`, `headers` and `body`.
fn answering(status: u16, headers: &[(&'static str, &str)], body: &str) -> Router {
    let status = StatusCode::from_u16(status).unwrap();
    let headers: Vec<(&'static str, String)> =
        headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
    let body = body.to_owned();
    Router::new().fallback(move || {
        let (headers, body) = (headers.clone(), body.clone());
        async move {
            let mut response = (status, body).into_response();
            for (name, value) in headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            response
        }
    })
}

/// A router that counts requests and keeps their bodies.
fn recording(hits: Arc<AtomicUsize>, bodies: Arc<Mutex<Vec<Bytes>>>) -> Router {
    Router::new().fallback(move |body: Bytes| {
        hits.fetch_add(1, Ordering::SeqCst);
        bodies.lock().unwrap().push(body);
        async { "{}" }
    })
}

fn client(base: &str) -> HttpClient {
    HttpClient::builder(base)
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap()
}

/// A login-like request: a bearer token and a body with credentials.
fn login_request() -> Request {
    Request::new(Method::POST, "auth.login", "/api/v1/login".to_owned(), true)
        .json(&serde_json::json!({
            "clientId": "id-1",
            "clientSecret": CLIENT_SECRET,
            "secretValue": SECRET_VALUE,
        }))
        .unwrap()
}

fn assert_hidden(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "`{secret}` shows in: {shown}");
    }
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Listed {
    secrets: Vec<serde_json::Value>,
}

#[tokio::test]
async fn a_decode_error_on_invalid_json_does_not_print_the_token_or_secrets() {
    // Truncated JSON that echoes the request's credentials and carries its own.
    let body = format!(
        r#"{{"accessToken":"{SERVER_TOKEN}","secrets":[{{"secretValue":"{SECRET_VALUE}"}}],"seen":"Bearer {TOKEN}","note":"token {TOKEN} and {CLIENT_SECRET}"#
    );
    let base = serve(answering(
        200,
        &[("content-type", "application/json")],
        &body,
    ))
    .await;
    let error = client(&base)
        .call::<Listed, Never>(Ok(login_request()))
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error: {error}");
    };
    assert_eq!(decode.status, 200);
    for shown in [error.to_string(), format!("{error:?}")] {
        assert_hidden(&shown, &[TOKEN, SERVER_TOKEN, SECRET_VALUE, CLIENT_SECRET]);
        assert!(shown.contains("auth.login"), "{shown}");
    }
}

#[tokio::test]
async fn an_api_error_with_a_non_json_body_does_not_print_the_token_or_secrets() {
    let body = format!(
        "<html><body>bad request: Authorization: Bearer {TOKEN}\n\
         form client_secret={CLIENT_SECRET}&clientId=id-1\n\
         you sent {SECRET_VALUE}; password: hunter2-pw</body></html>"
    );
    let base = serve(answering(500, &[("content-type", "text/html")], &body)).await;
    let error = client(&base)
        .call::<Listed, serde_json::Value>(Ok(login_request()))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error: {error}");
    };
    assert_eq!(api.status, 500);
    assert_eq!(
        &api.raw[..],
        body.as_bytes(),
        "the raw body stays available"
    );
    for shown in [error.to_string(), format!("{error:?}"), api.raw_text()] {
        assert_hidden(&shown, &[TOKEN, CLIENT_SECRET, SECRET_VALUE, "hunter2-pw"]);
        assert!(shown.contains("bad request"), "{shown}");
        assert!(shown.contains("clientId=id-1"), "{shown}");
    }
}

#[tokio::test]
async fn an_api_error_whose_typed_body_echoes_the_token_does_not_print_it() {
    let body = format!(r#"{{"statusCode":401,"message":"token {TOKEN} is revoked"}}"#);
    let base = serve(answering(
        401,
        &[("content-type", "application/json")],
        &body,
    ))
    .await;
    let error = client(&base)
        .call::<Listed, serde_json::Value>(Ok(login_request()))
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Api(api) if api.body.is_some()));
    for shown in [error.to_string(), format!("{error:?}")] {
        assert_hidden(&shown, &[TOKEN]);
        assert!(shown.contains("is revoked"), "{shown}");
    }
}

#[tokio::test]
async fn request_and_response_debug_do_not_print_raw_bodies() {
    let request = login_request();
    let shown = format!("{request:?}");
    assert_hidden(&shown, &[CLIENT_SECRET, SECRET_VALUE]);
    assert!(shown.contains("bytes"), "{shown}");

    let body = format!("ok; issued token={SERVER_TOKEN} for Bearer {TOKEN} / {CLIENT_SECRET}");
    let base = serve(answering(
        200,
        &[
            ("content-type", "text/plain"),
            ("set-cookie", "session=abc-cookie-value"),
        ],
        &body,
    ))
    .await;
    let response = client(&base).send(login_request()).await.unwrap();
    assert_eq!(&response.body[..], body.as_bytes());
    let shown = format!("{response:?}");
    assert_hidden(
        &shown,
        &[TOKEN, SERVER_TOKEN, CLIENT_SECRET, "abc-cookie-value"],
    );
    assert!(shown.contains(&format!("{} bytes", body.len())), "{shown}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_send_the_credentials_there() {
    let hits = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let elsewhere = serve(recording(hits.clone(), bodies.clone())).await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{elsewhere}/api/v1/login");
        let base = serve(answering(status, &[("location", &location)], "")).await;
        let error = client(&base).send(login_request()).await.unwrap_err();
        let Error::Redirect(redirect) = &error else {
            panic!("expected a redirect error for {status}: {error}");
        };
        assert_eq!(redirect.status, status);
        assert_eq!(redirect.from, base);
        assert_eq!(redirect.to, location);
        let shown = error.to_string();
        assert!(shown.contains("another origin"), "{shown}");
        assert!(shown.contains(&elsewhere), "{shown}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "nothing reached the other origin"
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed() {
    let router = Router::new()
        .route(
            "/old",
            axum::routing::get(|| async {
                (StatusCode::TEMPORARY_REDIRECT, [("location", "/new")], "")
            }),
        )
        .route(
            "/new",
            axum::routing::get(|headers: HeaderMap| async move {
                // reqwest keeps `Authorization` within the origin.
                let auth = headers.get("authorization").cloned();
                format!("{:?}", auth.map(|v| v.to_str().unwrap().to_owned()))
            }),
        );
    let base = serve(router).await;
    let request = Request::new(Method::GET, "x.get", "/old".to_owned(), true);
    let response = client(&base).send(request).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        std::str::from_utf8(&response.body).unwrap(),
        format!("Some(\"Bearer {TOKEN}\")")
    );
}

#[tokio::test]
async fn an_answer_from_another_origin_through_a_supplied_reqwest_client_is_refused() {
    let hits = Arc::new(AtomicUsize::new(0));
    let elsewhere = serve(recording(hits.clone(), Arc::default())).await;
    let location = format!("{elsewhere}/x");
    let base = serve(answering(302, &[("location", &location)], "")).await;
    // A client with reqwest's default policy follows the redirect; its answer is not used.
    let client = HttpClient::builder(&base)
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .reqwest_client(reqwest::Client::new())
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "x.get", "/x".to_owned(), true);
    let error = client.send(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::Redirect(r) if r.to == location),
        "{error}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// A server that answers one request with a chunked body of 16 KiB chunks of `x`: `chunks` of
/// them, or endlessly (until the client goes away, or 1 GiB) when `None`. Its task returns how
/// many body bytes it wrote.
async fn chunked_server(chunks: Option<usize>) -> (String, tokio::task::JoinHandle<u64>) {
    const CHUNK: usize = 16 * 1024;
    const CAP: u64 = 1 << 30;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buffer = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the client closed before sending its request");
            head.extend_from_slice(&buffer[..n]);
        }
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        let chunk = format!("{CHUNK:x}\r\n{}\r\n", "x".repeat(CHUNK));
        let mut written = 0u64;
        let mut sent = 0;
        while written < CAP && chunks.is_none_or(|n| sent < n) {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return written;
            }
            written += CHUNK as u64;
            sent += 1;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        written
    });
    (format!("http://{address}"), task)
}

fn limited_client(base: &str, limit: usize) -> HttpClient {
    HttpClient::builder(base)
        .retry(RetryPolicy::none())
        .timeout(Some(Duration::from_secs(30)))
        .max_response_body(limit)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_refused_without_reading_it_whole() {
    let (base, server) = chunked_server(None).await;
    let limit = 64 * 1024;
    let request = Request::new(Method::GET, "x.get", "/big".to_owned(), false);
    let error = limited_client(&base, limit)
        .send(request)
        .await
        .unwrap_err();
    let Error::TooLarge(too_large) = &error else {
        panic!("expected a too-large error: {error}");
    };
    assert_eq!(
        (too_large.limit, too_large.status, too_large.content_length),
        (limit, 200, None)
    );
    let shown = error.to_string();
    assert!(
        shown.contains("limit of 65536 bytes") && shown.contains("x.get"),
        "{shown}"
    );
    // The endless body stopped when the client dropped the connection, long before 1 GiB.
    let written = server.await.unwrap();
    assert!(written < 1 << 30, "the server wrote {written} bytes");
}

#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_before_reading() {
    let base = serve(answering(200, &[], &"x".repeat(100_000))).await;
    let request = Request::new(Method::GET, "x.get", "/big".to_owned(), false);
    let error = limited_client(&base, 64 * 1024)
        .call::<serde_json::Value, Never>(Ok(request))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::TooLarge(e) if e.content_length == Some(100_000)),
        "{error}"
    );
    assert_eq!(error.status(), Some(200));
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_in_many_chunks_is_read_whole() {
    let (base, server) = chunked_server(Some(4)).await;
    let request = Request::new(Method::GET, "x.get", "/four".to_owned(), false);
    let response = limited_client(&base, 64 * 1024)
        .send(request)
        .await
        .unwrap();
    assert_eq!(response.body.len(), 64 * 1024);
    assert!(response.body.iter().all(|&b| b == b'x'));
    assert_eq!(server.await.unwrap(), 64 * 1024);
}

/// A server answering 429 with `Retry-After: value`, counting requests.
async fn rate_limited(value: &'static str) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let router = Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", value)],
                "{}",
            )
        }
    });
    (serve(router).await, hits)
}

fn one_fast_retry(base: &str) -> HttpClient {
    HttpClient::builder(base)
        .retry(RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(5),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_retry_after_too_large_for_u64_is_returned_not_a_panic_or_a_retry() {
    let (base, hits) = rate_limited("99999999999999999999999").await;
    let request = Request::new(Method::GET, "x.get", "/x".to_owned(), false);
    let error = one_fast_retry(&base)
        .call::<serde_json::Value, serde_json::Value>(Ok(request))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error: {error}");
    };
    assert_eq!(api.retry_after, Some(MAX_SERVER_DURATION.as_secs()));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_negative_or_non_numeric_retry_after_is_ignored_not_a_panic() {
    for value in ["-1", "1e300", "1e19", "NaN", "-9999999999999999999999"] {
        let (base, hits) = rate_limited(value).await;
        let request = Request::new(Method::GET, "x.get", "/x".to_owned(), false);
        let error = one_fast_retry(&base)
            .call::<serde_json::Value, serde_json::Value>(Ok(request))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Api(api) if api.status == 429 && api.retry_after.is_none()),
            "{value}: {error}"
        );
        // Without a usable Retry-After the policy's own backoff applies: one retry.
        assert_eq!(hits.load(Ordering::SeqCst), 2, "{value}");
    }
}
