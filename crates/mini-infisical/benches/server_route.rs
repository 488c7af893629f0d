//! Requests per second of a generated route against the same handler written by hand in axum.
//!
//! ```sh
//! cargo bench -p mini-infisical --bench server_route -- [--seconds 2] [--concurrency 32] [--rounds 6]
//! ```
//!
//! Both servers answer `GET /api/v3/secrets/raw/{secretName}?workspaceId=..&environment=..` with
//! the same business logic ([`answer`]). The generated route checks the token, path and query
//! against the document's schema table before calling it; the hand-written one reads the same
//! inputs with axum's extractors and no validation beyond serde. Short rounds alternate between
//! the two, on keep-alive connections from the same process, so that whatever else the machine
//! does weighs on both alike; the ratio is of the totals.

#![allow(clippy::print_stdout)] // A benchmark prints its numbers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use infisical_server::types::{
    GetSecretsRawV3Query, GetSecretsRawV3Response, GetSecretsRawV3ResponseSecret,
};
use infisical_server::{ApiError, BearerToken, Context, Reply, Secrets, Server};

/// The business logic both servers share.
fn answer(
    token: &str,
    name: String,
    query: &GetSecretsRawV3Query,
) -> Result<GetSecretsRawV3Response, ApiError> {
    if token != "bench-token" {
        return Err(ApiError::unauthorized("Invalid token"));
    }
    let Some(environment) = query.environment.clone() else {
        return Err(ApiError::bad_request("environment is required"));
    };
    let created = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    Ok(GetSecretsRawV3Response {
        secret: GetSecretsRawV3ResponseSecret {
            id: "6d696e69-0000-4000-8000-000000000001".to_owned(),
            underscore_id: "6d696e69-0000-4000-8000-000000000001".to_owned(),
            workspace: query.workspace_id.clone().unwrap_or_default(),
            environment,
            version: 1,
            type_: "shared".to_owned(),
            secret_key: name,
            secret_value: "s3cret".to_owned(),
            secret_comment: String::new(),
            secret_reminder_note: None,
            secret_reminder_repeat_days: None,
            skip_multiline_encoding: Some(false),
            created_at: created,
            updated_at: created,
            actor: None,
            is_rotated_secret: Some(false),
            rotation_id: None,
            secret_value_hidden: false,
            tags: Some(Vec::new()),
            secret_metadata: None,
        },
    })
}

/// The generated side: implement the trait method.
struct Generated;

impl Secrets for Generated {
    async fn get_raw_v3(
        &self,
        _cx: &Context,
        token: BearerToken,
        secret_name: String,
        query: GetSecretsRawV3Query,
    ) -> Result<Reply<GetSecretsRawV3Response>, ApiError> {
        answer(token.as_str(), secret_name, &query).map(Reply::new)
    }
}

/// The hand-written side: the same handler with axum's extractors.
async fn by_hand(
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(query): Query<GetSecretsRawV3Query>,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(token) = token else {
        return (StatusCode::UNAUTHORIZED, "missing token").into_response();
    };
    match answer(token, name, &query) {
        Ok(value) => Json(value).into_response(),
        Err(error) => error.into_response(),
    }
}

struct Options {
    seconds: u64,
    concurrency: usize,
    rounds: usize,
}

fn options() -> Options {
    // `cargo xtask bench --quick` sets BENCH_QUICK: one short round, to prove the bench runs.
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let mut options = Options {
        seconds: if quick { 1 } else { 2 },
        concurrency: 32,
        rounds: if quick { 1 } else { 6 },
    };
    // `cargo bench` passes `--bench`; only flag/value pairs are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse::<u64>().ok());
        match (pair[0].as_str(), value) {
            ("--seconds", Some(v)) => options.seconds = v.max(1),
            ("--concurrency", Some(v)) => {
                options.concurrency = usize::try_from(v.max(1)).unwrap_or(1)
            }
            ("--rounds", Some(v)) => options.rounds = usize::try_from(v.max(1)).unwrap_or(1),
            (other, _) => println!("ignoring argument `{other}`"),
        }
    }
    options
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// Requests per second for `seconds`, with `concurrency` clients in a loop.
async fn load(url: &str, options: &Options) -> f64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.concurrency)
        .build()
        .expect("client");
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let tasks: Vec<_> = (0..options.concurrency)
        .map(|_| {
            let (client, done, url) = (client.clone(), Arc::clone(&done), url.to_owned());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let response = client.get(&url).bearer_auth("bench-token").send().await;
                    match response {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(r) => panic!("unexpected status {}", r.status()),
                        Err(e) => panic!("request failed: {e}"),
                    }
                }
            })
        })
        .collect();
    let start = Instant::now();
    for task in tasks {
        let _ = task.await;
    }
    #[allow(clippy::cast_precision_loss)]
    let count = done.load(Ordering::Relaxed) as f64;
    count / start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let options = options();
    let path = "/api/v3/secrets/raw/DB_PASSWORD?workspaceId=6d696e69-0000-4000-8000-000000000002&environment=dev&secretPath=%2Fapp&expandSecretReferences=true";
    let generated = serve(Server::new().secrets(Arc::new(Generated)).into_router()).await;
    let hand = serve(axum::Router::new().route(
        "/api/v3/secrets/raw/{secretName}",
        axum::routing::get(by_hand),
    ))
    .await;
    let (generated, hand) = (format!("{generated}{path}"), format!("{hand}{path}"));
    // Both answer the same thing.
    let client = reqwest::Client::new();
    for url in [&generated, &hand] {
        let response = client
            .get(url)
            .bearer_auth("bench-token")
            .send()
            .await
            .expect("answer");
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
    }
    println!(
        "GET /api/v3/secrets/raw/{{secretName}}: {} round(s) of {} s, {} concurrent keep-alive clients",
        options.rounds, options.seconds, options.concurrency
    );
    let (mut total_generated, mut total_hand) = (0.0_f64, 0.0_f64);
    for round in 1..=options.rounds {
        // Alternate which goes first, so neither always runs on a warmer machine.
        let (g, h) = if round % 2 == 1 {
            let g = load(&generated, &options).await;
            (g, load(&hand, &options).await)
        } else {
            let h = load(&hand, &options).await;
            (load(&generated, &options).await, h)
        };
        println!(
            "  round {round}: generated {g:>9.0} req/s   hand-written {h:>9.0} req/s   ratio {:.3}",
            g / h
        );
        total_generated += g;
        total_hand += h;
    }
    #[allow(clippy::cast_precision_loss)]
    let rounds = options.rounds as f64;
    println!(
        "mean: generated {:.0} req/s, hand-written {:.0} req/s, ratio {:.3}",
        total_generated / rounds,
        total_hand / rounds,
        total_generated / total_hand
    );
    // For `cargo xtask bench`: time per request (the inverse of the mean throughput).
    for (name, rps) in [
        ("server/generated", total_generated / rounds),
        ("server/hand-written", total_hand / rounds),
    ] {
        let ns = 1e9 / rps;
        println!(
            r#"bench-result {{"name":"{name}","samples":{},"min_ns":{ns},"median_ns":{ns},"max_ns":{ns}}}"#,
            options.rounds
        );
    }
}
