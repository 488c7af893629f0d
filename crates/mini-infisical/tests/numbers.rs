//! Numbers on the wire, as the real server writes them: whole values are JSON integers
//! (`"expiresIn":7200`, `"version":1`), and a fraction where the backend holds an integer is
//! refused as a located validation failure, never truncated.

mod common;

use serde_json::{Value, json};

/// Sends a request and returns the status and the body exactly as it came over the wire.
async fn raw(
    server: &common::Running,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<String>,
) -> (u16, String) {
    let mut request = server
        .http
        .request(method, format!("{}{path}", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a text body"))
}

#[tokio::test]
async fn login_answers_integers_like_the_real_server() {
    let server = common::start(&common::seed()).await;
    let body = json!({"clientId": "admin-id", "clientSecret": "admin-secret"}).to_string();
    let (status, text) = raw(
        &server,
        reqwest::Method::POST,
        "/api/v1/auth/universal-auth/login",
        None,
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(r#""expiresIn":7200"#), "{text}");
    assert!(text.contains(r#""accessTokenMaxTTL":2592000"#), "{text}");
    assert!(
        !text.contains(".0"),
        "a whole number written as a float: {text}"
    );
    // What Infisical's own SDKs do: read the lifetime as an unsigned integer.
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(answer["expiresIn"].as_u64(), Some(7200));
}

#[tokio::test]
async fn secret_versions_are_integers_and_fractions_are_refused() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    let create = json!({
        "workspaceId": common::PROJECT,
        "environment": "dev",
        "secretValue": "v1",
    });
    let (status, text) = raw(
        &server,
        reqwest::Method::POST,
        "/api/v3/secrets/raw/NUMBERS_KEY",
        Some(&token),
        Some(create.to_string()),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(r#""version":1"#), "{text}");
    assert!(!text.contains(r#""version":1.0"#), "{text}");

    // An integer in the query string decodes into the integer parameter.
    let path = format!(
        "/api/v3/secrets/raw/NUMBERS_KEY?workspaceId={}&environment=dev&version=1",
        common::PROJECT
    );
    let (status, text) = raw(&server, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(r#""version":1"#), "{text}");

    // A fraction where the backend holds an integer: a validation failure (the runtime's
    // validation status), located, not truncated to 1.
    let fractional = path.replace("version=1", "version=1.5");
    let (status, text) = raw(
        &server,
        reqwest::Method::GET,
        &fractional,
        Some(&token),
        None,
    )
    .await;
    assert!(matches!(status, 400 | 422), "{status} {text}");
    assert!(text.contains("ValidationFailure"), "{text}");
    assert!(text.contains("query.version"), "{text}");
    assert!(text.contains("expected an integer"), "{text}");

    let body = json!({
        "workspaceId": common::PROJECT,
        "environment": "dev",
        "secretValue": "v2",
        "secretReminderRepeatDays": 1.5,
    });
    let (status, text) = raw(
        &server,
        reqwest::Method::POST,
        "/api/v3/secrets/raw/OTHER_KEY",
        Some(&token),
        Some(body.to_string()),
    )
    .await;
    assert!(matches!(status, 400 | 422), "{status} {text}");
    assert!(text.contains("ValidationFailure"), "{text}");
    assert!(text.contains("secretReminderRepeatDays"), "{text}");
    assert!(text.contains("expected an integer, found 1.5"), "{text}");
}

/// What a plain HTTP server on 127.0.0.1 received: the request target and the body.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// A server that records every request and answers `answer` (JSON) to each.
async fn recording(answer: &'static str) -> (String, Seen) {
    let seen: Seen = Seen::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: String| {
        let record = record.clone();
        async move {
            record.lock().expect("lock").push((uri.to_string(), body));
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                answer,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

fn client(base: &str) -> infisical_client::Client {
    infisical_client::Client::new(base, "a-token").expect("client")
}

#[tokio::test]
async fn the_client_sends_integers_in_query_strings_and_bodies() {
    let (base, seen) = recording("{}").await;
    let client = client(&base);
    let query = infisical_types::GetSecretsRawV3Query {
        workspace_id: Some(common::PROJECT.to_owned()),
        version: Some(2),
        ..Default::default()
    };
    // The answer `{}` is not a secret; what matters here is what went out.
    let _ = client.secrets().get_raw_v3("KEY", &query).await;
    let mut body = infisical_types::CreateSecretsRawV3Body::new(
        common::PROJECT.to_owned(),
        "dev".to_owned(),
        "v".to_owned(),
    );
    body.secret_reminder_repeat_days = infisical_types::Patch::Value(30);
    let _ = client.secrets().create_raw_v3("KEY", &body).await;
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let (target, _) = &seen[0];
    assert_eq!(
        target,
        &format!(
            "/api/v3/secrets/raw/KEY?workspaceId={}&version=2",
            common::PROJECT
        ),
        "defaults are left out, the version is an integer"
    );
    let (_, sent) = &seen[1];
    assert!(sent.contains(r#""secretReminderRepeatDays":30"#), "{sent}");
    assert!(!sent.contains("30.0"), "{sent}");
}

#[tokio::test]
async fn the_client_decodes_integers_and_refuses_a_fraction_in_an_integer_field() {
    let (base, _) = recording(
        r#"{"accessToken":"t","expiresIn":7200,"accessTokenMaxTTL":2592000,"tokenType":"Bearer"}"#,
    )
    .await;
    let body = infisical_types::LoginAuthUniversalAuthV1Body {
        client_id: "id".to_owned(),
        client_secret: "s".to_owned(),
    };
    let answer = client(&base)
        .universal_auth()
        .login_auth_universal_auth_v1(&body)
        .await
        .expect("an integer decodes into the integer field");
    assert_eq!(answer.expires_in, 7200_i64);
    assert_eq!(answer.access_token_max_ttl, 2_592_000_i64);

    let (base, _) = recording(
        r#"{"accessToken":"t","expiresIn":1.5,"accessTokenMaxTTL":2592000,"tokenType":"Bearer"}"#,
    )
    .await;
    let error = client(&base)
        .universal_auth()
        .login_auth_universal_auth_v1(&body)
        .await
        .expect_err("1.5 is not an integer");
    let infisical_client::Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error}")
    };
    assert_eq!(decode.path, "expiresIn", "{error}");
    assert!(decode.message.contains("1.5"), "{error}");
}

#[test]
fn a_fractional_number_stays_fractional_and_a_whole_one_is_an_integer() {
    let finding = |entropy: &str| {
        format!(
            r#"{{"description":"d","startLine":3,"endLine":3,"startColumn":1,"endColumn":9,"file":"f","link":"l","symlinkFile":"","commit":"c","entropy":{entropy},"author":"a","email":"e","date":"d","message":"m","tags":[],"ruleID":"r","fingerprint":"x"}}"#
        )
    };
    for (sent, written) in [("3.72", "3.72"), ("4", "4"), ("4.0", "4")] {
        let decoded: infisical_types::FindingDetails =
            serde_json::from_str(&finding(sent)).expect("decodes");
        let text = serde_json::to_string(&decoded).expect("encodes");
        assert!(text.contains(&format!(r#""entropy":{written},"#)), "{text}");
        assert!(text.contains(r#""startLine":3,"#), "{text}");
    }
    let error = serde_json::from_str::<infisical_types::FindingDetails>(
        &finding("1").replace(r#""startLine":3"#, r#""startLine":1.5"#),
    )
    .expect_err("a fraction in an integer field");
    assert!(error.to_string().contains("1.5"), "{error}");
}

/// The generated server's decoder, seen from a service: what a `list_raw_v3` receives.
#[derive(Default)]
struct Recorder {
    queries: std::sync::Mutex<Vec<infisical_types::ListSecretsRawV3Query>>,
}

impl infisical_server::Secrets for Recorder {
    async fn list_raw_v3(
        &self,
        _cx: &infisical_server::Context,
        _token: infisical_server::BearerToken,
        query: infisical_types::ListSecretsRawV3Query,
    ) -> Result<
        infisical_server::Reply<infisical_types::ListSecretsRawV3Response>,
        infisical_server::ApiError,
    > {
        self.queries.lock().expect("lock").push(query);
        Ok(infisical_types::ListSecretsRawV3Response::new(Vec::new()).into())
    }
}

#[tokio::test]
async fn defaults_reach_the_server_when_the_client_leaves_them_out() {
    let recorder = std::sync::Arc::new(Recorder::default());
    let router = infisical_server::Server::new()
        .secrets(recorder.clone())
        .into_router();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(infisical_server::serve(
        listener,
        router,
        infisical_server::Limits::default(),
    ));
    let client = client(&base);

    // The type shows the document's defaults; the client sends none of them.
    let query = infisical_types::ListSecretsRawV3Query {
        workspace_id: Some(common::PROJECT.to_owned()),
        ..Default::default()
    };
    assert!(query.view_secret_value, "viewSecretValue defaults to true");
    assert_eq!(query.secret_path, "/");
    client.secrets().list_raw_v3(&query).await.expect("list");

    // A value other than the default is sent, and arrives.
    let mut hidden = query.clone();
    hidden.view_secret_value = false;
    hidden.recursive = true;
    client.secrets().list_raw_v3(&hidden).await.expect("list");

    let queries = recorder.queries.lock().expect("lock").clone();
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0], query, "the server applied every default");
    assert!(queries[0].view_secret_value);
    assert_eq!(queries[0].secret_path, "/");
    assert!(!queries[0].recursive && !queries[0].expand_secret_references);
    assert_eq!(queries[1], hidden);

    // And on the wire: a request that names no flag gets the defaults too.
    let (status, text) = raw(
        &common::Running {
            base: base.clone(),
            http: reqwest::Client::new(),
        },
        reqwest::Method::GET,
        &format!("/api/v3/secrets/raw?workspaceId={}", common::PROJECT),
        Some("a-token"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let third = recorder.queries.lock().expect("lock")[2].clone();
    assert_eq!(third, query);
}

#[tokio::test]
async fn the_client_leaves_defaults_out_of_the_query_string() {
    let (base, seen) = recording(r#"{"secrets":[]}"#).await;
    let client = client(&base);
    let mut query = infisical_types::ListSecretsRawV3Query {
        workspace_id: Some(common::PROJECT.to_owned()),
        ..Default::default()
    };
    client.secrets().list_raw_v3(&query).await.expect("list");
    query.view_secret_value = false;
    query.secret_path = "/app".to_owned();
    client.secrets().list_raw_v3(&query).await.expect("list");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen[0].0,
        format!("/api/v3/secrets/raw?workspaceId={}", common::PROJECT)
    );
    assert_eq!(
        seen[1].0,
        format!(
            "/api/v3/secrets/raw?workspaceId={}&secretPath=%2Fapp&viewSecretValue=false",
            common::PROJECT
        )
    );
}
