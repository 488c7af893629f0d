//! Secret references, imports and the v2 folder routes over HTTP, on the seed the SDK scenarios
//! use (`sdk-scenarios/seed.json`): an admin, and a reader that may read `dev` and `staging` only.

mod common;

use mini_infisical::Seed;
use serde_json::{Value, json};

const PROJECT: &str = "5d2f7c1e-0b4a-4c8e-9f3d-5dc0ffee0001";

fn seed() -> Seed {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sdk-scenarios/seed.json"
    ))
    .expect("the scenario seed is readable");
    Seed::from_json(&text).expect("the scenario seed is valid")
}

async fn get(server: &common::Running, token: &str, key: &str, query: &str) -> (u16, Value) {
    server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw/{key}?workspaceId={PROJECT}&environment=dev&{query}"),
            Some(token),
            None,
        )
        .await
}

fn values(list: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["secretKey"].as_str().unwrap_or_default().to_owned(),
                        s["secretValue"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn references_expand_only_when_asked_and_readable() {
    let server = common::start(&seed()).await;
    let admin = server.login("sdk-admin-id", "sdk-admin-secret").await;
    let reader = server.login("sdk-reader-id", "sdk-reader-secret").await;
    let expand = "secretPath=/&expandSecretReferences=true";

    let (status, answer) = get(&server, &admin, "DB_URL", expand).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["secret"]["secretValue"],
        "postgres://db.internal:5432/app"
    );
    // Without the flag (it defaults to false), the value is as stored.
    let (_, answer) = get(&server, &admin, "DB_URL", "secretPath=/").await;
    assert_eq!(
        answer["secret"]["secretValue"],
        "postgres://${DB_HOST}:${DB_PORT}/app"
    );
    let (_, answer) = get(&server, &admin, "API_URL", expand).await;
    assert_eq!(
        answer["secret"]["secretValue"],
        "https://api.staging.internal/v1"
    );
    let (_, answer) = get(
        &server,
        &admin,
        "GREETING",
        "secretPath=/app&expandSecretReferences=true",
    )
    .await;
    assert_eq!(answer["secret"]["secretValue"], "hello mini");
    let (_, answer) = get(&server, &admin, "PROD_PASSWORD_REF", expand).await;
    assert_eq!(answer["secret"]["secretValue"], "hunter2");

    // The reader may read dev and staging, not prod: a single read of a value that references
    // prod is refused, naming the reference; a listing keeps the value as written.
    let (status, answer) = get(&server, &reader, "API_URL", expand).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["secret"]["secretValue"],
        "https://api.staging.internal/v1"
    );
    let (status, answer) = get(&server, &reader, "PROD_PASSWORD_REF", expand).await;
    assert_eq!(status, 403, "{answer}");
    let message = answer["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("PASSWORD") && message.contains("prod"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    let (status, answer) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw?workspaceId={PROJECT}&environment=dev&{expand}"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        values(&answer["secrets"]),
        pairs(&[
            ("API_URL", "https://api.staging.internal/v1"),
            ("DB_HOST", "db.internal"),
            ("DB_PORT", "5432"),
            ("DB_URL", "postgres://db.internal:5432/app"),
            ("PROD_PASSWORD_REF", "${prod.PASSWORD}"),
        ])
    );
}

#[tokio::test]
async fn missing_and_cyclic_references() {
    let mut seed = seed();
    let project = &mut seed.projects[0];
    for (key, value) in [
        ("GHOST", "x${NOPE}y${prod.none.NOPE}"),
        ("PING", "ping ${PONG}"),
        ("PONG", "pong ${PING}"),
        ("NOT_A_REF", "${a b} ${} $NOPE"),
    ] {
        project.secrets.push(mini_infisical::SeedSecret {
            environment: "dev".to_owned(),
            path: "/".to_owned(),
            key: key.to_owned(),
            value: value.to_owned(),
        });
    }
    let server = common::start(&seed).await;
    let admin = server.login("sdk-admin-id", "sdk-admin-secret").await;
    let expand = "secretPath=/&expandSecretReferences=true";
    let (_, answer) = get(&server, &admin, "GHOST", expand).await;
    assert_eq!(
        answer["secret"]["secretValue"],
        "x${NOPE}y${prod.none.NOPE}"
    );
    let (status, answer) = get(&server, &admin, "PING", expand).await;
    assert_eq!(status, 200, "{answer}");
    let value = answer["secret"]["secretValue"].as_str().unwrap_or_default();
    assert!(value.starts_with("ping pong "), "{value}");
    let (_, answer) = get(&server, &admin, "NOT_A_REF", expand).await;
    assert_eq!(answer["secret"]["secretValue"], "${a b} ${} $NOPE");
}

#[tokio::test]
async fn imports_listed_and_read_through() {
    let server = common::start(&seed()).await;
    let admin = server.login("sdk-admin-id", "sdk-admin-secret").await;
    let list = |query: &'static str| {
        let server = &server;
        let admin = &admin;
        async move {
            server
                .call(
                    "GET",
                    &format!("/api/v3/secrets/raw?workspaceId={PROJECT}&environment=dev&{query}"),
                    Some(admin),
                    None,
                )
                .await
        }
    };
    let (status, answer) =
        list("secretPath=/&include_imports=true&expandSecretReferences=true").await;
    assert_eq!(status, 200, "{answer}");
    let imports = answer["imports"].as_array().cloned().unwrap_or_default();
    assert_eq!(imports.len(), 1, "{answer}");
    assert_eq!(imports[0]["environment"], "staging");
    assert_eq!(imports[0]["secretPath"], "/shared");
    assert!(imports[0]["folderId"].is_string(), "{answer}");
    assert_eq!(
        values(&imports[0]["secrets"]),
        pairs(&[
            ("DB_HOST", "shadowed-by-dev"),
            ("SHARED_HOST", "shared.internal"),
            ("SHARED_TOKEN", "tok-123"),
            ("SHARED_URL", "https://shared.internal"),
        ])
    );
    // Not asked for: none.
    let (_, answer) = list("secretPath=/").await;
    assert_eq!(answer["imports"], json!([]));
    // A recursive listing sees the imports of the folders below too (here only the root's).
    let (_, answer) = list("secretPath=/&recursive=true&include_imports=true").await;
    assert_eq!(answer["imports"].as_array().map(Vec::len), Some(1));
    // A single read finds an imported secret when asked to, else 404.
    let (status, answer) = get(
        &server,
        &admin,
        "SHARED_TOKEN",
        "secretPath=/&include_imports=true",
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["secret"]["secretValue"], "tok-123");
    assert_eq!(answer["secret"]["environment"], "staging");
    let (status, _) = get(&server, &admin, "SHARED_TOKEN", "secretPath=/").await;
    assert_eq!(status, 404);
    // The local secret is the one a single read answers.
    let (_, answer) = get(
        &server,
        &admin,
        "DB_HOST",
        "secretPath=/&include_imports=true",
    )
    .await;
    assert_eq!(answer["secret"]["secretValue"], "db.internal");
}

#[tokio::test]
async fn folders_v2_routes() {
    let server = common::start(&seed()).await;
    let admin = server.login("sdk-admin-id", "sdk-admin-secret").await;
    let reader = server.login("sdk-reader-id", "sdk-reader-secret").await;
    let body = json!({"projectId": PROJECT, "environment": "dev", "name": "v2", "path": "/app"});
    let (status, answer) = server
        .call(
            "POST",
            "/api/v2/folders",
            Some(&admin),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["folder"]["name"], "v2");
    assert_eq!(answer["folder"]["path"], "/app/v2");
    let (status, answer) = server
        .call(
            "POST",
            "/api/v2/folders",
            Some(&reader),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 403, "{answer}");
    let (status, answer) = server
        .call("POST", "/api/v2/folders", None, Some(&body.to_string()))
        .await;
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = server
        .call(
            "POST",
            "/api/v2/folders",
            Some(&admin),
            Some(r#"{"environment": "dev", "name": "x"}"#),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    let path = format!("/api/v2/folders?projectId={PROJECT}&environment=dev&path=/&recursive=True");
    let (status, answer) = server.call("GET", &path, Some(&admin), None).await;
    assert_eq!(status, 200, "{answer}");
    let mut paths: Vec<&str> = answer["folders"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|f| f["relativePath"].as_str())
                .collect()
        })
        .unwrap_or_default();
    paths.sort_unstable();
    assert_eq!(paths, ["/app", "/app/v2"]);
    let path = format!("/api/v2/folders?projectId={PROJECT}&environment=dev&recursive=maybe");
    let (status, answer) = server.call("GET", &path, Some(&admin), None).await;
    assert_eq!(status, 400, "{answer}");
}

#[tokio::test]
async fn rename_without_a_value_keeps_it() {
    let server = common::start(&seed()).await;
    let admin = server.login("sdk-admin-id", "sdk-admin-secret").await;
    let body =
        json!({"workspaceId": PROJECT, "environment": "dev", "newSecretName": "DB_HOSTNAME"});
    let (status, answer) = server
        .call(
            "PATCH",
            "/api/v3/secrets/raw/DB_HOST",
            Some(&admin),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["secret"]["secretKey"], "DB_HOSTNAME");
    assert_eq!(answer["secret"]["secretValue"], "db.internal");
    let (status, _) = get(&server, &admin, "DB_HOST", "secretPath=/").await;
    assert_eq!(status, 404);
}
