//! Shared by the integration tests: a seeded server on 127.0.0.1 and a small JSON HTTP helper.

#![allow(dead_code, unreachable_pub)] // Each test crate uses its own part of this module.

use std::net::SocketAddr;

use mini_infisical::{MiniInfisical, Seed};
use serde_json::{Value, json};

/// The project id every test seed fixes.
pub const PROJECT: &str = "11111111-1111-4111-8111-111111111111";

/// An admin, a reader whose role may only read secrets, and a `dev`-only writer.
pub fn seed() -> Seed {
    Seed::from_json(
        &json!({
            "identities": [
                {"name": "admin", "clientId": "admin-id", "clientSecret": "admin-secret", "role": "admin"},
                {"name": "reader", "clientId": "reader-id", "clientSecret": "reader-secret", "role": "secrets-reader"},
                {"name": "dev", "clientId": "dev-id", "clientSecret": "dev-secret", "role": "dev-writer"}
            ],
            "projects": [{"name": "Demo", "slug": "demo", "id": PROJECT}],
            "roles": [
                {"slug": "secrets-reader", "permissions": [{"subject": "secrets", "action": "read"}]},
                {"slug": "dev-writer", "permissions": [
                    {"subject": "secrets", "action": ["read", "create", "edit", "delete"],
                     "conditions": {"environment": "dev", "secretPath": {"$glob": "/app/**"}}}
                ]}
            ]
        })
        .to_string(),
    )
    .expect("the test seed is valid")
}

/// A running server.
pub struct Running {
    pub base: String,
    pub http: reqwest::Client,
}

/// Starts a server with `seed` on a free port.
pub async fn start(seed: &Seed) -> Running {
    let server = MiniInfisical::new(seed).expect("seed");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address: SocketAddr = listener.local_addr().expect("address");
    let router = server.router();
    // The runtime's transport, as `mini-infisical` itself serves: timeouts and limits included.
    tokio::spawn(infisical_server::serve(
        listener,
        router,
        infisical_server::Limits::default(),
    ));
    Running {
        base: format!("http://{address}"),
        http: reqwest::Client::new(),
    }
}

impl Running {
    /// Sends a request; returns the status and the JSON body (`Null` when it is not JSON).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Logs in with universal auth and returns the access token.
    pub async fn login(&self, client_id: &str, client_secret: &str) -> String {
        let body = json!({"clientId": client_id, "clientSecret": client_secret}).to_string();
        let (status, answer) = self
            .call(
                "POST",
                "/api/v1/auth/universal-auth/login",
                None,
                Some(&body),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        answer["accessToken"].as_str().expect("a token").to_owned()
    }

    /// Creates the folder `name` under `path` in `environment` of the seeded project, as `token`.
    pub async fn folder(&self, token: &str, environment: &str, path: &str, name: &str) -> Value {
        let body =
            json!({"workspaceId": PROJECT, "environment": environment, "path": path, "name": name});
        let (status, answer) = self
            .call(
                "POST",
                "/api/v1/folders",
                Some(token),
                Some(&body.to_string()),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    /// The server still answers a valid request.
    pub async fn assert_alive(&self) {
        let (status, _) = self
            .call(
                "POST",
                "/api/v1/auth/universal-auth/login",
                None,
                Some(r#"{"clientId":"admin-id","clientSecret":"admin-secret"}"#),
            )
            .await;
        assert_eq!(status, 200);
    }
}
