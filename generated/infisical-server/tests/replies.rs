//! Trait methods answer as Infisical does and see the request: any status (201, 204, 302), response
//! headers, text and binary bodies; request headers, extensions and the peer address. The router
//! merges and nests into an application router that has its own fallback. Everything over HTTP on
//! 127.0.0.1. Written by hand.

#![cfg(all(
    feature = "secrets",
    feature = "universal-auth",
    feature = "ssh-certificate-authorities",
    feature = "pki-certificate-authorities",
    feature = "pki-certificates"
))]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use infisical_server::types::{
    DeleteSecretsRawV3Body, DeleteSecretsRawV3Response, GetPkiCertificatesCertificateV1Response,
    GetSecretsRawV3Query, GetSecretsRawV3Response, MessageResponse, RenewAuthTokenV1Body,
};
use infisical_server::{
    ApiError, BearerToken, Context, Limits, PkiCertificateAuthorities, PkiCertificates, Reply,
    Secrets, Server, SshCertificateAuthorities, UniversalAuth,
};

/// Counts the calls that reached an implementation.
#[derive(Default)]
struct App {
    calls: AtomicUsize,
}

/// What a middleware of the application puts in the request extensions.
#[derive(Clone)]
struct Tenant(&'static str);

impl UniversalAuth for App {
    async fn revoke_auth_token_v1(
        &self,
        _cx: &Context,
        _token: Option<BearerToken>,
        body: RenewAuthTokenV1Body,
    ) -> Result<Reply<MessageResponse>, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Reply::new(MessageResponse {
            message: format!("revoked {}", body.access_token),
        })
        .with_status(StatusCode::CREATED)
        .header("location", "/api/v1/auth/token/revoked")
        .header("x-ratelimit-remaining", "41"))
    }
}

impl Secrets for App {
    async fn delete_raw_v3(
        &self,
        _cx: &Context,
        _token: BearerToken,
        _secret_name: String,
        _body: DeleteSecretsRawV3Body,
    ) -> Result<Reply<DeleteSecretsRawV3Response>, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    }

    /// Echoes what it sees of the request, as text.
    async fn get_raw_v3(
        &self,
        cx: &Context,
        token: BearerToken,
        secret_name: String,
        _query: GetSecretsRawV3Query,
    ) -> Result<Reply<GetSecretsRawV3Response>, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let peer = cx
            .peer_addr()
            .map_or("none".to_owned(), |a| a.ip().to_string());
        let tenant = cx.extension::<Tenant>().map_or("none", |t| t.0);
        let trace = cx.header("x-trace-id").unwrap_or("none");
        Ok(Reply::text(format!(
            "{}|{secret_name}|{trace}|{tenant}|{peer}|{}",
            token.as_str(),
            cx.method()
        )))
    }
}

impl SshCertificateAuthorities for App {
    async fn get_ssh_ca_public_key_v1(
        &self,
        _cx: &Context,
        _token: Option<BearerToken>,
        ssh_ca_id: String,
    ) -> Result<Reply<()>, ApiError> {
        Ok(Reply::text(format!("ssh-ed25519 AAAAC3Nza {ssh_ca_id}\n")))
    }
}

impl PkiCertificateAuthorities for App {
    async fn get_pki_ca_certificates_der_v1(
        &self,
        _cx: &Context,
        _token: Option<BearerToken>,
        _ca_id: String,
        _ca_cert_id: String,
    ) -> Result<Reply<()>, ApiError> {
        Ok(Reply::bytes(
            "application/pkix-cert",
            vec![0x30, 0x82, 0x01, 0x0a, 0xff, 0x00],
        ))
    }
}

impl PkiCertificates for App {
    async fn get_pki_certificates_certificate_v1(
        &self,
        _cx: &Context,
        _token: BearerToken,
        serial_number: String,
    ) -> Result<Reply<GetPkiCertificatesCertificateV1Response>, ApiError> {
        Ok(Reply::redirect(
            StatusCode::FOUND,
            format!("https://certs.example/{serial_number}.pem"),
        ))
    }
}

fn server(app: &Arc<App>) -> Server {
    Server::new()
        .universal_auth(Arc::clone(app))
        .secrets(Arc::clone(app))
        .ssh_certificate_authorities(Arc::clone(app))
        .pki_certificate_authorities(Arc::clone(app))
        .pki_certificates(Arc::clone(app))
}

/// Serves `router` with the crate's transport (which gives methods the peer address).
async fn start(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(infisical_server::serve(listener, router, Limits::default()));
    base
}

/// Serves `router` with `axum::serve`, giving it the peer address as axum does.
async fn start_axum(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    base
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

const DELETE_BODY: &str =
    r#"{"workspaceId":"p","environment":"dev","secretPath":"/","type":"shared"}"#;

async fn json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("(absent)")
}

#[tokio::test]
async fn methods_answer_any_status_headers_and_non_json_bodies() {
    let app = Arc::new(App::default());
    let base = start(server(&app).into_router()).await;
    let client = client();

    // 201 with the typed body and two headers.
    let response = client
        .post(format!("{base}/api/v1/auth/token/revoke"))
        .header("content-type", "application/json")
        .body(r#"{"accessToken":"t1"}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 201);
    assert_eq!(header(&response, "location"), "/api/v1/auth/token/revoked");
    assert_eq!(header(&response, "x-ratelimit-remaining"), "41");
    assert!(header(&response, "content-type").starts_with("application/json"));
    let body = json(response).await;
    assert_eq!(body, serde_json::json!({"message": "revoked t1"}));

    // 204 without a body.
    let response = client
        .delete(format!("{base}/api/v3/secrets/raw/DB_URL"))
        .bearer_auth("t1")
        .header("content-type", "application/json")
        .body(DELETE_BODY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "content-type"), "(absent)");
    assert!(response.bytes().await.expect("body").is_empty());

    // 302 with a location and no body.
    let response = client
        .get(format!("{base}/api/v1/pki/certificates/0a1b/certificate"))
        .bearer_auth("t1")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 302);
    assert_eq!(
        header(&response, "location"),
        "https://certs.example/0a1b.pem"
    );
    assert!(response.bytes().await.expect("body").is_empty());

    // Text.
    let response = client
        .get(format!("{base}/api/v1/ssh/ca/ca-1/public-key"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type"),
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        response.text().await.expect("text"),
        "ssh-ed25519 AAAAC3Nza ca-1\n"
    );

    // Bytes that are not UTF-8.
    let response = client
        .get(format!("{base}/api/v1/pki/ca/ca-1/certificates/c-1/der"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/pkix-cert");
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        [0x30, 0x82, 0x01, 0x0a, 0xff, 0x00]
    );
}

#[tokio::test]
async fn methods_read_headers_extensions_and_the_peer_address() {
    let app = Arc::new(App::default());
    let router = server(&app)
        .into_router()
        .layer(axum::Extension(Tenant("acme")));
    let client = client();
    let url = "/api/v3/secrets/raw/DB_URL?workspaceId=p&environment=dev";
    for base in [start(router.clone()).await, start_axum(router).await] {
        let response = client
            .get(format!("{base}{url}"))
            .bearer_auth("tok-1")
            .header("x-trace-id", "trace-9")
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.text().await.expect("text"),
            "tok-1|DB_URL|trace-9|acme|127.0.0.1|GET"
        );
    }
}

#[tokio::test]
async fn an_authenticated_method_never_runs_without_a_token() {
    let app = Arc::new(App::default());
    let base = start(server(&app).into_router()).await;
    let client = client();
    let response = client
        .delete(format!("{base}/api/v3/secrets/raw/DB_URL"))
        .header("content-type", "application/json")
        .body(DELETE_BODY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
    let body = json(response).await;
    assert_eq!(body["statusCode"], 401);
    assert_eq!(body["error"], "UnauthorizedError");
    let response = client
        .get(format!(
            "{base}/api/v3/secrets/raw/X?workspaceId=p&environment=dev"
        ))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
    assert_eq!(app.calls.load(Ordering::SeqCst), 0, "no method ran");
}

/// An application router with its own routes and fallback.
fn application() -> axum::Router {
    axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .fallback(|| async { (StatusCode::IM_A_TEAPOT, "application fallback") })
}

#[tokio::test]
async fn routes_merge_into_an_application_router_with_a_fallback() {
    let app = Arc::new(App::default());
    let merged = application().merge(server(&app).routes());
    let base = start_axum(merged).await;
    let client = client();

    let response = client
        .get(format!("{base}/health"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.text().await.expect("text"), "ok");

    let response = client
        .get(format!(
            "{base}/api/v3/secrets/raw/K?workspaceId=p&environment=dev"
        ))
        .bearer_auth("tok")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .expect("text")
            .starts_with("tok|K|none|none|127.0.0.1|GET")
    );

    // Unknown paths reach the application's fallback; a known path with another method is the
    // generated 405.
    let response = client
        .get(format!("{base}/nowhere"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 418);
    assert_eq!(response.text().await.expect("text"), "application fallback");
    let response = client
        .put(format!("{base}/api/v3/secrets/raw/K"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 405);
    let body = json(response).await;
    assert_eq!(body["error"], "MethodNotAllowed");

    // The complete router merges into one without a fallback.
    let plain = axum::Router::new()
        .route("/health", axum::routing::get(|| async { "ok" }))
        .merge(server(&app).into_router());
    let base = start(plain).await;
    let response = client
        .get(format!("{base}/nowhere"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 404);
    let body = json(response).await;
    assert_eq!(body["error"], "NotFound");
}

#[tokio::test]
async fn the_router_nests_under_a_prefix_of_an_application_with_a_fallback() {
    let app = Arc::new(App::default());
    let nested = application()
        .nest("/infisical", server(&app).into_router())
        .nest("/bare", server(&app).routes());
    let base = start(nested).await;
    let client = client();

    for prefix in ["/infisical", "/bare"] {
        let response = client
            .get(format!(
                "{base}{prefix}/api/v3/secrets/raw/K?workspaceId=p&environment=dev"
            ))
            .bearer_auth("tok")
            .header("x-trace-id", "t")
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 200, "{prefix}");
        assert_eq!(
            response.text().await.expect("text"),
            "tok|K|t|none|127.0.0.1|GET"
        );
        let response = client
            .delete(format!("{base}{prefix}/api/v3/secrets/raw/K"))
            .header("content-type", "application/json")
            .body(DELETE_BODY)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 401, "{prefix}");
    }

    // Under the complete router's prefix, unknown paths get its 404 naming the full path; under
    // the bare routes' prefix and elsewhere, the application's fallback.
    let response = client
        .get(format!("{base}/infisical/nowhere"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 404);
    let body = json(response).await;
    assert_eq!(body["message"], "Route GET:/infisical/nowhere not found");
    for path in ["/bare/nowhere", "/nowhere"] {
        let response = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 418, "{path}");
    }
    let response = client
        .get(format!("{base}/health"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.text().await.expect("text"), "ok");
}
