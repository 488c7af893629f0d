//! The client's transport settings against real servers on 127.0.0.1: a TLS server whose
//! certificate a private CA (made here with rcgen) signed, trusted only through the builder's extra
//! roots; retries of repeatable requests on connection errors; and the `tracing` output of a call,
//! captured and searched for every field and for the absence of any credential.

#![cfg(feature = "client")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oas_runtime::client::{Error, HttpClient, Method, Request, RetryPolicy, reqwest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A private CA and a certificate it signed for `localhost` and `127.0.0.1`.
struct Pki {
    ca_pem: String,
    server_chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    server_key: rustls::pki_types::PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "oas-runtime test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server_chain: vec![server_cert.der().clone()],
        server_key: rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
    }
}

/// Serves HTTPS on 127.0.0.1 with `pki`'s certificate; every request gets `200 {"ok":true}`.
/// Returns the base URL (`https://localhost:<port>`) and the count of completed handshakes.
async fn tls_server(pki: &Pki) -> (String, Arc<AtomicUsize>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to serve.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"ok":true}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}"), handshakes)
}

fn get() -> Request {
    Request::new(Method::GET, "health.get", "/health".to_owned(), false).path_template("/health")
}

fn quick(builder: oas_runtime::client::ClientBuilder) -> HttpClient {
    builder
        .retry(RetryPolicy::none())
        .timeout(Some(Duration::from_secs(10)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_through_the_extra_roots() {
    let pki = pki();
    let (base, handshakes) = tls_server(&pki).await;

    // Without the CA: the handshake fails and the error says why.
    let plain = quick(HttpClient::builder(&base));
    let Err(Error::Transport(error)) = plain.send(get()).await else {
        panic!("a certificate from an unknown CA was accepted");
    };
    let shown = error.to_string();
    assert!(shown.contains("certificate"), "{shown}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 0);

    // With the CA as an extra root: the call goes through.
    let trusting = quick(HttpClient::builder(&base).add_root_certificates_pem(pki.ca_pem.clone()));
    let answer = trusting.send(get()).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(&answer.body[..], br#"{"ok":true}"#);

    // Only the CA (no built-in roots) is enough too.
    let only_ca = quick(
        HttpClient::builder(&base)
            .built_in_roots(false)
            .add_root_certificates_pem(pki.ca_pem.clone()),
    );
    assert_eq!(only_ca.send(get()).await.unwrap().status, 200);

    // The explicit insecure mode accepts it without the CA.
    let insecure = quick(HttpClient::builder(&base).danger_accept_invalid_certs(true));
    assert_eq!(insecure.send(get()).await.unwrap().status, 200);
    assert_eq!(handshakes.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn unusable_tls_settings_are_build_errors_that_say_which() {
    let not_pem = HttpClient::builder("https://localhost")
        .add_root_certificates_pem("not a certificate")
        .build()
        .unwrap_err();
    assert!(
        not_pem.to_string().contains("root certificates #1"),
        "{not_pem}"
    );

    let key_material =
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n";
    let identity = HttpClient::builder("https://localhost")
        .identity_pem(key_material)
        .build()
        .unwrap_err();
    let shown = identity.to_string();
    assert!(shown.contains("client certificate"), "{shown}");
    assert!(!shown.contains("c2VjcmV0LWtleS1ieXRlcw"), "{shown}");

    // Settings that a supplied reqwest client would silently ignore are refused.
    let ignored = HttpClient::builder("https://localhost")
        .reqwest_client(reqwest::Client::new())
        .add_root_certificates_pem(pki().ca_pem)
        .build()
        .unwrap_err();
    assert!(
        ignored.to_string().contains("reqwest client of your own"),
        "{ignored}"
    );
}

/// A port that refuses connections: bound, then closed.
async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

fn retrying(base: &str) -> HttpClient {
    HttpClient::builder(base)
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn repeatable_posts_are_retried_on_connection_errors_and_others_are_not() {
    let base = closed_port().await;
    let client = retrying(&base);
    let login = Request::new(Method::POST, "auth.login", "/login".to_owned(), false)
        .repeatable()
        .json(&serde_json::json!({"clientSecret": "cs-1"}))
        .unwrap();
    let Err(Error::Transport(error)) = client.send(login).await else {
        panic!("expected a transport error");
    };
    assert!(error.is_connect(), "{error}");
    assert_eq!(error.attempts, 3);

    let create = Request::new(Method::POST, "things.create", "/things".to_owned(), false);
    let Err(Error::Transport(error)) = client.send(create).await else {
        panic!("expected a transport error");
    };
    assert_eq!(error.attempts, 1);
}

/// A `tracing` writer that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn each_call_is_traced_with_its_fields_and_without_credentials() {
    const TOKEN: &str = "tok-Trace7Xy";
    const SECRET_VALUE: &str = "sv-NeverLogged42";
    const PATH_VALUE: &str = "DB_PASSWORD_NAME";
    // A server that echoes the secret value back, with a 503 first (one retry).
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    let router = axum::Router::new().fallback(move || {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "busy".to_owned(),
                )
            } else {
                (
                    axum::http::StatusCode::OK,
                    format!(r#"{{"secretValue":"{SECRET_VALUE}"}}"#),
                )
            }
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = HttpClient::builder(format!("http://{address}"))
        .token(TOKEN)
        .retry(RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap();

    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let request = Request::new(
        Method::PUT,
        "secrets.update",
        format!("/api/v3/secrets/raw/{PATH_VALUE}"),
        true,
    )
    .path_template("/api/v3/secrets/raw/{secretName}")
    .query(&[("secretValue", SECRET_VALUE)])
    .unwrap()
    .json(&serde_json::json!({"secretValue": SECRET_VALUE}))
    .unwrap();
    let answer = {
        let _guard = tracing::subscriber::set_default(subscriber);
        client.send(request).await.unwrap()
    };
    assert_eq!(answer.status, 200);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "http.request",
        "operation=\"secrets.update\"",
        "method=\"PUT\"",
        "path=\"/api/v3/secrets/raw/{secretName}\"",
        "attempt=1 status=503",
        "attempt=2 status=200",
        "retrying",
        "attempts=2",
        "status=200",
        "latency_ms=",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
    for leaked in [TOKEN, SECRET_VALUE, PATH_VALUE, "Bearer"] {
        assert!(!text.contains(leaked), "`{leaked}` leaked into:\n{text}");
    }
}
