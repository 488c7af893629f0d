//! Per-request overhead of a generated call against the same request written by hand with
//! reqwest, on loopback: `GET /api/v3/secrets/raw?workspaceId=..&environment=dev&recursive=true`
//! with a bearer token, answered with ten secrets, decoded into `ListSecretsRawV3Response`.
//!
//! Both clients use the same reqwest settings (rustls, 30 s timeout, 10 s connect timeout, one
//! pooled keep-alive connection). Samples alternate between the two so that drift in the
//! machine's speed hits both alike. Prints `bench-result` lines for `cargo xtask bench`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use infisical_client::Client;
use infisical_client::types::{ListSecretsRawV3Query, ListSecretsRawV3Response};
use oas_runtime::client::reqwest;

const TOKEN: &str = "bench-token";

fn answer() -> String {
    let secret = |i: usize| {
        format!(
            r#"{{"id":"id-{i}","_id":"id-{i}","workspace":"w","environment":"dev","version":3,"type":"shared","secretKey":"KEY_{i}","secretValue":"value-{i}","secretValueHidden":false,"secretComment":"","secretPath":"/","createdAt":"2024-01-02T03:04:05Z","updatedAt":"2024-01-02T03:04:05Z","tags":[]}}"#
        )
    };
    let secrets: Vec<String> = (0..10).map(secret).collect();
    format!(r#"{{"secrets":[{}],"imports":[]}}"#, secrets.join(","))
}

async fn hand_written(
    http: &reqwest::Client,
    base: &str,
) -> Result<ListSecretsRawV3Response, Box<dyn std::error::Error>> {
    let response = http
        .get(format!("{base}/api/v3/secrets/raw"))
        .query(&[
            ("workspaceId", "my-project"),
            ("environment", "dev"),
            ("recursive", "true"),
        ])
        .bearer_auth(TOKEN)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()).into());
    }
    let bytes = response.bytes().await?;
    Ok(serde_json::from_slice(&bytes)?)
}

fn summary(name: &str, mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        f64::midpoint(times[n / 2 - 1], times[n / 2])
    };
    eprintln!(
        "{name:<24} median {:>8.1} µs   min {:>8.1} µs   ({n} samples)",
        median / 1e3,
        times[0] / 1e3
    );
    format!(
        r#"bench-result {{"name":"{name}","samples":{n},"min_ns":{},"median_ns":{median},"max_ns":{}}}"#,
        times[0],
        times[n - 1]
    )
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (samples, batch) = if quick { (5, 20) } else { (60, 200) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let body = answer();
        let app = axum::Router::new().route(
            "/api/v3/secrets/raw",
            axum::routing::get(move || {
                let body = body.clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        // The server runs on its own thread so that it does not share the clients' executor.
        let server = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime")
                .block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(
                        listener.into_std().expect("a std listener"),
                    )
                    .expect("a listener");
                    axum::serve(listener, app).await.expect("the server runs");
                });
        });

        let generated = Client::builder()
            .base_url(&base)
            .token(TOKEN)
            .build()
            .expect("a client");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent("hand-written/1.0")
            .build()
            .expect("a reqwest client");
        let query = ListSecretsRawV3Query {
            workspace_id: Some("my-project".into()),
            environment: Some("dev".into()),
            recursive: true,
            ..Default::default()
        };

        // Warm up both (connections, allocator), and check both decode the same thing.
        for _ in 0..batch {
            let a = generated
                .secrets()
                .list_raw_v3(&query)
                .await
                .expect("generated call");
            let b = hand_written(&http, &base).await.expect("hand-written call");
            assert_eq!(a, b);
        }
        let mut generated_times = Vec::new();
        let mut hand_times = Vec::new();
        for _ in 0..samples {
            let start = Instant::now();
            for _ in 0..batch {
                let listed = generated.secrets().list_raw_v3(&query).await;
                std::hint::black_box(listed.expect("generated call"));
            }
            generated_times.push(start.elapsed().as_secs_f64() * 1e9 / f64::from(batch));
            let start = Instant::now();
            for _ in 0..batch {
                let listed = hand_written(&http, &base).await;
                std::hint::black_box(listed.expect("hand-written call"));
            }
            hand_times.push(start.elapsed().as_secs_f64() * 1e9 / f64::from(batch));
        }
        println!("{}", summary("client/generated", generated_times));
        println!("{}", summary("client/hand-written", hand_times));
        drop(server);
    });
}
