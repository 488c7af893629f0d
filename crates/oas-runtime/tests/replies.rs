//! What an operation declares about its success answer decides the status and body of a plain
//! `Reply::new(body)`: 201, 204 without a body, 200 without content. Served with
//! [`oas_runtime::server::serve`] on 127.0.0.1, read by a raw TCP client.

use std::sync::Arc;

use http::Method;
use oas_runtime::server::{ApiError, Declared, Input, Operation, Reply, operation, routes, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn nothing(_: &Input) -> Result<(), ApiError> {
    Ok(())
}

fn op(method: Method, path: &'static str) -> Operation {
    Operation {
        method,
        path,
        route: path,
        name: "things.op",
        bearer: false,
    }
}

async fn start() -> std::net::SocketAddr {
    let operations = [
        op(Method::POST, "/things"),
        op(Method::DELETE, "/things/{id}"),
        op(Method::PUT, "/things/{id}"),
        op(Method::GET, "/peer"),
    ];
    let handlers = vec![
        operation(
            Arc::new(()),
            nothing,
            Declared::new(201, true),
            |_, _cx, ()| async { Ok::<_, ApiError>(Reply::new(serde_json::json!({"id": 7}))) },
        ),
        operation(
            Arc::new(()),
            nothing,
            Declared::new(204, false),
            |_, _cx, ()| async { Ok::<_, ApiError>(Reply::new(())) },
        ),
        operation(
            Arc::new(()),
            nothing,
            Declared::new(200, false),
            |_, _cx, ()| async { Ok::<_, ApiError>(().into()) },
        ),
        operation(
            Arc::new(()),
            nothing,
            Declared::new(200, true),
            |_, cx, ()| async move {
                let peer = cx.peer_addr().map(|a| a.ip().to_string());
                Ok::<_, ApiError>(Reply::new(peer))
            },
        ),
    ];
    let router = routes(&operations, handlers, 1024);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        router,
        oas_runtime::server::Limits::default(),
    ));
    address
}

/// Sends one request and reads until the server closes: status, head, body.
async fn call(address: std::net::SocketAddr, method: &str, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let status = head[9..12].parse().unwrap();
    (status, head.to_ascii_lowercase(), body.to_owned())
}

#[tokio::test]
async fn the_declared_status_and_content_shape_the_answer() {
    let address = start().await;

    let (status, head, body) = call(address, "POST", "/things").await;
    assert_eq!(status, 201, "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(body, r#"{"id":7}"#);

    let (status, head, body) = call(address, "DELETE", "/things/1").await;
    assert_eq!(status, 204, "{head}");
    assert!(!head.contains("content-type"), "{head}");
    assert_eq!(body, "");

    let (status, head, body) = call(address, "PUT", "/things/1").await;
    assert_eq!(status, 200, "{head}");
    assert!(!head.contains("content-type"), "{head}");
    assert!(head.contains("content-length: 0"), "{head}");
    assert_eq!(body, "");

    let (status, _, body) = call(address, "GET", "/peer").await;
    assert_eq!(status, 200);
    assert_eq!(body, r#""127.0.0.1""#);

    // Without a fallback, an unknown path is axum's empty 404, which `serve` gives the error shape.
    let (status, _, body) = call(address, "GET", "/nowhere").await;
    assert_eq!(status, 404);
    assert!(body.contains(r#""error":"NotFound""#), "{body}");
}
