//! The SDK scenario for Infisical's Rust crate (`infisical` 0.0.4), run by `cargo xtask sdks`,
//! which builds it in a scratch project under `target/` with the crate from crates.io.
//!
//! Environment: INFISICAL_URL (a mini-infisical started with SDK_SEED), SDK_SEED (the seed file).
//! Prints one `RESULT {json}` line per step and exits 1 when a step fails.

use std::future::Future;

use infisical::secrets::{
    CreateSecretRequest, DeleteSecretRequest, GetSecretRequest, ListSecretsRequest, Secret,
    UpdateSecretRequest,
};
use infisical::{AuthMethod, Client, InfisicalError};
use serde_json::{json, Value};

type Outcome = Result<String, String>;

struct Run {
    failed: usize,
}

impl Run {
    async fn step(&mut self, name: &str, how: &str, body: impl Future<Output = Outcome>) {
        let (ok, detail) = match body.await {
            Ok(detail) => (true, detail),
            Err(detail) => {
                self.failed += 1;
                (false, detail)
            }
        };
        println!(
            "RESULT {}",
            json!({"step": name, "ok": ok, "how": how, "detail": detail})
        );
    }
}

fn eq<T: PartialEq + std::fmt::Debug>(actual: T, expected: T, what: &str) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected:?}, got {actual:?}"))
    }
}

fn sdk<T>(result: Result<T, InfisicalError>) -> Result<T, String> {
    result.map_err(|e| match e {
        InfisicalError::HttpError { status, message } => format!("HTTP {status}: {message}"),
        other => other.to_string(),
    })
}

/// The HTTP status of the error a call answers (an error when it succeeds).
fn status<T>(result: Result<T, InfisicalError>) -> Result<(u16, String), String> {
    match result {
        Err(InfisicalError::HttpError { status, message }) => Ok((status.as_u16(), message)),
        Err(other) => Err(format!("expected an HTTP error, got {other}")),
        Ok(_) => Err("the call succeeded".to_owned()),
    }
}

struct Ctx {
    url: String,
    project: String,
    admin: Client,
    reader: Client,
}

impl Ctx {
    async fn get(&self, who: &Client, key: &str, path: &str) -> Result<Secret, InfisicalError> {
        let request = GetSecretRequest::builder(key, &self.project, "dev")
            .path(path)
            .build();
        who.secrets().get(request).await
    }

    /// A call the crate has no method for, made with its own HTTP client (which carries the
    /// token it logged in with).
    async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.url);
        let http = &self.admin.http_client;
        let request = match (method, body) {
            ("POST", Some(body)) => http.post(url).json(&body),
            ("GET", _) => http.get(url),
            _ => return Err(format!("unsupported call {method} {path}")),
        };
        let response = request.send().await.map_err(|e| e.to_string())?;
        let code = response.status();
        let value: Value = response.json().await.map_err(|e| e.to_string())?;
        if !code.is_success() {
            return Err(format!("HTTP {code}: {value}"));
        }
        Ok(value)
    }
}

async fn client(url: &str, identity: &Value) -> Result<Client, InfisicalError> {
    let mut client = Client::builder().base_url(url).build().await?;
    client
        .login(AuthMethod::new_universal_auth(
            identity["clientId"].as_str().unwrap_or_default(),
            identity["clientSecret"].as_str().unwrap_or_default(),
        ))
        .await?;
    Ok(client)
}

#[tokio::main]
async fn main() {
    let url = std::env::var("INFISICAL_URL").expect("INFISICAL_URL is set");
    let seed_path = std::env::var("SDK_SEED").expect("SDK_SEED is set");
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(&seed_path).expect("the seed file is readable"),
    )
    .expect("the seed is JSON");
    let project = seed["projects"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut run = Run { failed: 0 };

    let mut clients = None;
    run.step("login", "sdk", async {
        let admin = sdk(client(&url, &seed["identities"][0]).await)?;
        let reader = sdk(client(&url, &seed["identities"][1]).await)?;
        eq(admin.logged_in, true, "logged in")?;
        clients = Some((admin, reader));
        Ok(String::new())
    })
    .await;
    let Some((admin, reader)) = clients else {
        println!("the remaining steps need a login");
        std::process::exit(1);
    };
    let ctx = Ctx {
        url: url.clone(),
        project: project.clone(),
        admin,
        reader,
    };
    let c = &ctx;

    run.step(
        "token renewal",
        "SDK transport (the crate has no renew call)",
        async {
            // The crate does not expose its token: log in again by hand to learn one, renew it.
            let login = c
                .raw(
                    "POST",
                    "/api/v1/auth/universal-auth/login",
                    Some(json!({
                        "clientId": seed["identities"][0]["clientId"],
                        "clientSecret": seed["identities"][0]["clientSecret"],
                    })),
                )
                .await?;
            let renewed = c
                .raw(
                    "POST",
                    "/api/v1/auth/token/renew",
                    Some(json!({"accessToken": login["accessToken"]})),
                )
                .await?;
            eq(
                &renewed["accessToken"],
                &login["accessToken"],
                "renewed token",
            )?;
            eq(&renewed["expiresIn"], &json!(7200), "expiresIn")?;
            Ok(String::new())
        },
    )
    .await;

    run.step("list (recursive, with imports)", "sdk", async {
        let request = ListSecretsRequest::builder(&c.project, "dev")
            .path("/")
            .recursive(true)
            .build();
        let secrets = sdk(c.admin.secrets().list(request).await)?;
        let value = |key: &str| {
            secrets
                .iter()
                .find(|s| s.secret_key == key)
                .map(|s| s.secret_value.clone())
        };
        eq(
            value("DB_HOST").as_deref(),
            Some("db.internal"),
            "DB_HOST (the local one wins)",
        )?;
        eq(
            value("DB_URL").as_deref(),
            Some("postgres://db.internal:5432/app"),
            "DB_URL",
        )?;
        eq(value("APP_NAME").as_deref(), Some("mini"), "APP_NAME")?;
        eq(value("GREETING").as_deref(), Some("hello mini"), "GREETING")?;
        eq(
            value("SHARED_TOKEN").as_deref(),
            Some("tok-123"),
            "SHARED_TOKEN (imported)",
        )?;
        Ok(format!("{} secrets", secrets.len()))
    })
    .await;

    run.step("get", "sdk", async {
        let secret = sdk(c.get(&c.admin, "DB_HOST", "/").await)?;
        eq(
            (secret.secret_value.as_str(), secret.version),
            ("db.internal", 1),
            "DB_HOST",
        )?;
        Ok(String::new())
    })
    .await;

    run.step("create", "sdk", async {
        let request = CreateSecretRequest::builder("RUST_KEY", "v1", &c.project, "dev")
            .path("/")
            .secret_comment("made by rust")
            .build();
        let secret = sdk(c.admin.secrets().create(request).await)?;
        eq(
            (
                secret.secret_key.as_str(),
                secret.secret_value.as_str(),
                secret.version,
            ),
            ("RUST_KEY", "v1", 1),
            "created",
        )?;
        let got = sdk(c.get(&c.admin, "RUST_KEY", "/").await)?;
        eq(
            (got.secret_value.as_str(), got.secret_comment.as_str()),
            ("v1", "made by rust"),
            "read back",
        )?;
        Ok(String::new())
    })
    .await;

    run.step("update value", "sdk", async {
        let request = UpdateSecretRequest::builder("RUST_KEY", &c.project, "dev")
            .path("/")
            .secret_value("v2")
            .build();
        let secret = sdk(c.admin.secrets().update(request).await)?;
        eq(
            (secret.secret_value.as_str(), secret.version),
            ("v2", 2),
            "updated",
        )?;
        let got = sdk(c.get(&c.admin, "RUST_KEY", "/").await)?;
        eq(got.secret_value.as_str(), "v2", "read back")?;
        Ok(String::new())
    })
    .await;

    run.step("rename without a value", "sdk", async {
        let request = UpdateSecretRequest::builder("RUST_KEY", &c.project, "dev")
            .new_secret_name("RUST_KEY_RENAMED")
            .build();
        let secret = sdk(c.admin.secrets().update(request).await)?;
        eq(
            (secret.secret_key.as_str(), secret.secret_value.as_str()),
            ("RUST_KEY_RENAMED", "v2"),
            "renamed",
        )?;
        let got = sdk(c.get(&c.admin, "RUST_KEY_RENAMED", "/").await)?;
        eq(got.secret_value.as_str(), "v2", "value kept")?;
        eq(
            status(c.get(&c.admin, "RUST_KEY", "/").await)?.0,
            404,
            "old name",
        )?;
        Ok(String::new())
    })
    .await;

    run.step("delete", "sdk", async {
        let request = DeleteSecretRequest::builder("RUST_KEY_RENAMED", &c.project, "dev")
            .path("/")
            .build();
        let secret = sdk(c.admin.secrets().delete(request).await)?;
        eq(secret.secret_key.as_str(), "RUST_KEY_RENAMED", "deleted")?;
        eq(
            status(c.get(&c.admin, "RUST_KEY_RENAMED", "/").await)?.0,
            404,
            "after delete",
        )?;
        Ok(String::new())
    })
    .await;

    run.step("missing secret (404)", "sdk", async {
        let (code, message) = status(c.get(&c.admin, "NO_SUCH_SECRET", "/").await)?;
        eq(code, 404, "status")?;
        if !message.contains("NO_SUCH_SECRET") {
            return Err(format!("message does not name the secret: {message}"));
        }
        Ok(message)
    })
    .await;

    run.step("forbidden write (403)", "sdk", async {
        let request = CreateSecretRequest::builder("READER_KEY", "x", &c.project, "dev").build();
        let (code, message) = status(c.reader.secrets().create(request).await)?;
        eq(code, 403, "status")?;
        Ok(message)
    })
    .await;

    run.step(
        "folders create and list",
        "SDK transport (the crate has no folder calls)",
        async {
            let created = c
                .raw(
                    "POST",
                    "/api/v1/folders",
                    Some(json!({"workspaceId": c.project, "environment": "dev",
                                "path": "/app", "name": "rust"})),
                )
                .await?;
            eq(&created["folder"]["name"], &json!("rust"), "created")?;
            let listed = c
                .raw(
                    "GET",
                    &format!(
                        "/api/v1/folders?workspaceId={}&environment=dev&path=/&recursive=true",
                        c.project
                    ),
                    None,
                )
                .await?;
            let mut paths: Vec<&str> = listed["folders"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|f| f["relativePath"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            paths.sort_unstable();
            eq(paths, vec!["/app", "/app/rust"], "folders below /")?;
            let request = CreateSecretRequest::builder("IN_FOLDER", "yes", &c.project, "dev")
                .path("/app/rust")
                .build();
            sdk(c.admin.secrets().create(request).await)?;
            let got = sdk(c.get(&c.admin, "IN_FOLDER", "/app/rust").await)?;
            eq(got.secret_value.as_str(), "yes", "secret in the new folder")?;
            Ok(String::new())
        },
    )
    .await;

    run.step("imports", "sdk", async {
        let request = ListSecretsRequest::builder(&c.project, "dev")
            .path("/")
            .build();
        let secrets = sdk(c.admin.secrets().list(request).await)?;
        let value = |key: &str| {
            secrets
                .iter()
                .find(|s| s.secret_key == key)
                .map(|s| (s.secret_value.clone(), s.environment.clone()))
        };
        eq(
            value("SHARED_TOKEN"),
            Some(("tok-123".into(), "staging".into())),
            "SHARED_TOKEN",
        )?;
        eq(
            value("SHARED_URL"),
            Some(("https://shared.internal".into(), "staging".into())),
            "SHARED_URL (expanded in its folder)",
        )?;
        eq(
            value("DB_HOST"),
            Some(("db.internal".into(), "dev".into())),
            "DB_HOST (the local one wins)",
        )?;
        let got = sdk(c.get(&c.admin, "SHARED_TOKEN", "/").await)?;
        eq(
            (got.secret_value.as_str(), got.environment.as_str()),
            ("tok-123", "staging"),
            "read through the import",
        )?;
        Ok(String::new())
    })
    .await;

    run.step("secret references", "sdk", async {
        let value = |s: Secret| s.secret_value;
        eq(
            value(sdk(c.get(&c.admin, "DB_URL", "/").await)?),
            "postgres://db.internal:5432/app".into(),
            "${KEY}",
        )?;
        eq(
            value(sdk(c.get(&c.admin, "API_URL", "/").await)?),
            "https://api.staging.internal/v1".into(),
            "${env.path.KEY}",
        )?;
        eq(
            value(sdk(c.get(&c.admin, "GREETING", "/app").await)?),
            "hello mini".into(),
            "${KEY} in a folder",
        )?;
        eq(
            value(sdk(c.get(&c.admin, "PROD_PASSWORD_REF", "/").await)?),
            "hunter2".into(),
            "${prod.KEY} for the admin",
        )?;
        let raw = GetSecretRequest::builder("DB_URL", &c.project, "dev")
            .expand_secret_references(false)
            .build();
        eq(
            value(sdk(c.admin.secrets().get(raw).await)?),
            "postgres://${DB_HOST}:${DB_PORT}/app".into(),
            "unexpanded when not asked",
        )?;
        eq(
            value(sdk(c.get(&c.reader, "DB_URL", "/").await)?),
            "postgres://db.internal:5432/app".into(),
            "reader ${KEY}",
        )?;
        let request = ListSecretsRequest::builder(&c.project, "dev")
            .path("/")
            .build();
        let listed = sdk(c.reader.secrets().list(request).await)?;
        let listed_value = |key: &str| {
            listed
                .iter()
                .find(|s| s.secret_key == key)
                .map(|s| s.secret_value.clone())
        };
        eq(
            listed_value("API_URL").as_deref(),
            Some("https://api.staging.internal/v1"),
            "reader ${staging.backend.KEY} in a list",
        )?;
        eq(
            listed_value("PROD_PASSWORD_REF").as_deref(),
            Some("${prod.PASSWORD}"),
            "reader ${prod.KEY} in a list (not expanded)",
        )?;
        eq(
            status(c.get(&c.reader, "PROD_PASSWORD_REF", "/").await)?.0,
            403,
            "reader ${prod.KEY} read alone",
        )?;
        Ok(String::new())
    })
    .await;

    std::process::exit(i32::from(run.failed > 0));
}
