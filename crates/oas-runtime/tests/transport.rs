//! The server transport ([`oas_runtime::server::serve`]) on a real 127.0.0.1 listener, driven by
//! raw TCP clients that write requests byte by byte as a slow or broken client would: timeouts
//! close connections, and every rejection, hyper's own included, is in Infisical's error shape.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use oas_runtime::server::schema::{Format, Schema, Schemas, StringSchema};
use oas_runtime::server::{
    ApiError, Declared, Handler, Input, Limits, Operation, QueryParam, Reply, operation, router,
    serve, serve_with_shutdown,
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

static TABLE: [Schema; 2] = [
    Schema::String(StringSchema {
        format: Format::Plain,
        min_length: None,
        max_length: None,
    }),
    Schema::Any,
];
const SCHEMAS: Schemas = Schemas(&TABLE);

#[derive(serde::Deserialize)]
struct EchoQuery {
    note: Option<String>,
}

type EchoArgs = (String, EchoQuery, Option<Value>);

fn decode_echo(input: &Input) -> Result<EchoArgs, ApiError> {
    static PARAMS: [QueryParam; 1] = [QueryParam::new("note", 0, false, None)];
    Ok((
        input.path(SCHEMAS, 0, "name", 0)?,
        input.query(SCHEMAS, &PARAMS)?,
        input.optional_body(SCHEMAS, 1)?,
    ))
}

/// `POST /echo/{name}?note=` answers what it was sent; `GET /stall` never answers.
fn app() -> axum::Router {
    let operations = [
        Operation {
            method: http::Method::POST,
            path: "/echo/{name}",
            route: "/echo/{name}",
            name: "test.echo",
            bearer: false,
        },
        Operation {
            method: http::Method::GET,
            path: "/stall",
            route: "/stall",
            name: "test.stall",
            bearer: false,
        },
    ];
    let echo = operation(
        Arc::new(()),
        decode_echo,
        Declared::new(200, true),
        |_: Arc<()>, _cx, (name, query, body): EchoArgs| async move {
            Ok::<_, ApiError>(Reply::new(
                serde_json::json!({"name": name, "note": query.note, "body": body}),
            ))
        },
    );
    let stall: Handler = Arc::new(|_input| {
        Box::pin(async {
            std::future::pending::<()>().await;
            unreachable!("the request timeout drops this future")
        })
    });
    router(&operations, vec![echo, stall], 1024)
}

/// Short limits, so that timeouts expire while a test waits for them.
fn short() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

async fn start(limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, app(), limits));
    address
}

async fn connect(address: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream
}

/// A guard against a server that never answers or never closes: without it such a defect would
/// hang the test instead of failing it. Not a timing assertion: the timeouts under test are far
/// shorter.
const GUARD: Duration = Duration::from_secs(20);

#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Value,
}

/// Reads one answer (head and `content-length` body).
async fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let read = async {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut response = httparse::Response::new(&mut headers);
            if let Ok(httparse::Status::Complete(head_len)) = response.parse(&buf) {
                let length: usize = response
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .map(|h| std::str::from_utf8(h.value).unwrap().parse().unwrap())
                    .expect("every answer declares its length");
                if buf.len() >= head_len + length {
                    let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
                    let body = serde_json::from_slice(&buf[head_len..head_len + length])
                        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {head}"));
                    return Answer {
                        status: response.code.unwrap(),
                        head,
                        body,
                    };
                }
            }
            let mut chunk = [0; 4096];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before a whole answer: {buf:?}");
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(GUARD, read).await.expect("no answer")
}

/// The server closes the connection: reading gives end of file (or a reset) and no more bytes.
async fn assert_closed(stream: &mut TcpStream) {
    let mut rest = Vec::new();
    let read = tokio::time::timeout(GUARD, stream.read_to_end(&mut rest))
        .await
        .expect("the server kept the connection open");
    if read.is_ok() {
        assert!(
            rest.is_empty(),
            "unexpected bytes: {:?}",
            String::from_utf8_lossy(&rest)
        );
    }
}

/// The answer is Infisical's error shape with this status and error name.
fn assert_error(answer: &Answer, status: u16, error: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert!(
        answer
            .head
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{answer:?}"
    );
    assert_eq!(answer.body["statusCode"], status, "{answer:?}");
    assert_eq!(answer.body["error"], error, "{answer:?}");
    assert!(
        answer.body["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{answer:?}"
    );
    assert!(
        answer.body["reqId"]
            .as_str()
            .is_some_and(|r| r.starts_with("req-")),
        "{answer:?}"
    );
}

#[tokio::test]
async fn slow_header_connection_is_closed_after_the_header_read_timeout() {
    let address = start(short()).await;
    // The head never ends: no blank line.
    let mut stream = connect(address, b"POST /echo/x HTTP/1.1\r\nhost: a\r\n").await;
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn slow_body_is_answered_408_and_the_connection_closed() {
    let address = start(short()).await;
    // Ten of the hundred bytes announced, then nothing.
    let mut stream = connect(
        address,
        b"POST /echo/x HTTP/1.1\r\nhost: a\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"a\": \"123",
    )
    .await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 408, "RequestTimeout");
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn stalled_request_is_answered_408_by_the_request_timeout() {
    let address = start(short()).await;
    let mut stream = connect(address, b"GET /stall HTTP/1.1\r\nhost: a\r\n\r\n").await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 408, "RequestTimeout");
}

#[tokio::test]
async fn idle_keep_alive_connection_is_closed() {
    let address = start(short()).await;
    let mut stream = connect(address, b"POST /echo/x HTTP/1.1\r\nhost: a\r\n\r\n").await;
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    // Kept alive after the answer, then closed once idle for the header-read timeout.
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn keep_alive_serves_several_requests_and_validation_answers_pass_unchanged() {
    let address = start(Limits::default()).await;
    let mut stream = connect(
        address,
        b"POST /echo/a?note=hi+there HTTP/1.1\r\nhost: a\r\ncontent-length: 7\r\n\r\n[1,2,3]",
    )
    .await;
    let first = read_answer(&mut stream).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(
        first.body,
        serde_json::json!({"name": "a", "note": "hi there", "body": [1, 2, 3]})
    );
    stream
        .write_all(b"POST /echo/b HTTP/1.1\r\nhost: a\r\ncontent-length: 1\r\n\r\n{")
        .await
        .unwrap();
    let second = read_answer(&mut stream).await;
    assert_error(&second, 400, "ValidationFailure");
    stream
        .write_all(b"GET /nowhere HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    assert_error(&read_answer(&mut stream).await, 404, "NotFound");
}

#[tokio::test]
async fn oversized_uri_is_answered_414_json() {
    let address = start(Limits::default()).await;
    let request = format!(
        "POST /echo/{} HTTP/1.1\r\nhost: a\r\n\r\n",
        "x".repeat(9000)
    );
    let mut stream = connect(address, request.as_bytes()).await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 414, "UriTooLong");
    assert!(
        answer.body["message"].as_str().unwrap().contains("8192"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn oversized_headers_are_answered_431_json() {
    let address = start(Limits::default()).await;
    let request = format!(
        "POST /echo/x HTTP/1.1\r\nhost: a\r\nx-big: {}\r\n\r\n",
        "y".repeat(20_000)
    );
    let mut stream = connect(address, request.as_bytes()).await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 431, "RequestHeaderFieldsTooLarge");
    assert!(
        answer.body["message"].as_str().unwrap().contains("16384"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn head_larger_than_hypers_buffer_is_answered_431_json() {
    // Far over every limit: hyper itself refuses it before any service runs.
    let address = start(Limits::default()).await;
    let request = format!(
        "GET /echo/{} HTTP/1.1\r\nhost: a\r\n\r\n",
        "x".repeat(200_000)
    );
    let mut stream = connect(address, request.as_bytes()).await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 431, "RequestHeaderFieldsTooLarge");
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn too_many_headers_are_answered_431_json() {
    let address = start(Limits::default()).await;
    let headers: String = (0..150).map(|i| format!("x-h{i}: v\r\n")).collect();
    let request = format!("GET /echo/x HTTP/1.1\r\nhost: a\r\n{headers}\r\n");
    let mut stream = connect(address, request.as_bytes()).await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 431, "RequestHeaderFieldsTooLarge");
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn garbage_request_line_is_answered_400_json() {
    let address = start(Limits::default()).await;
    let mut stream = connect(address, b"\x01\x02 garbage \xff\r\n\r\n").await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 400, "BadRequest");
    assert!(
        answer
            .head
            .to_ascii_lowercase()
            .contains("connection: close"),
        "{answer:?}"
    );
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn malformed_header_is_answered_400_json() {
    let address = start(Limits::default()).await;
    let mut stream = connect(address, b"GET /echo/x HTTP/1.1\r\nhost a\r\n\r\n").await;
    assert_error(&read_answer(&mut stream).await, 400, "BadRequest");
}

#[tokio::test]
async fn garbage_after_a_kept_alive_request_is_answered_400_json() {
    let address = start(Limits::default()).await;
    let mut stream = connect(address, b"POST /echo/x HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(read_answer(&mut stream).await.status, 200);
    stream.write_all(b"NOT HTTP AT ALL\r\n\r\n").await.unwrap();
    assert_error(&read_answer(&mut stream).await, 400, "BadRequest");
    assert_closed(&mut stream).await;
}

#[tokio::test]
async fn invalid_utf8_percent_encoding_in_query_is_400_naming_the_parameter() {
    let address = start(Limits::default()).await;
    let mut stream = connect(
        address,
        b"POST /echo/x?note=%FF HTTP/1.1\r\nhost: a\r\n\r\n",
    )
    .await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 400, "ValidationFailure");
    assert_eq!(
        answer.body["message"],
        "query.note: is not valid UTF-8 once decoded"
    );
}

#[tokio::test]
async fn invalid_utf8_percent_encoding_in_path_is_400_naming_the_parameter() {
    let address = start(Limits::default()).await;
    let mut stream = connect(address, b"POST /echo/%FF HTTP/1.1\r\nhost: a\r\n\r\n").await;
    let answer = read_answer(&mut stream).await;
    assert_error(&answer, 400, "ValidationFailure");
    assert_eq!(
        answer.body["message"],
        "path.name: is not valid UTF-8 once decoded"
    );
}

#[tokio::test]
async fn body_over_the_router_limit_is_answered_413_json() {
    let address = start(Limits::default()).await;
    let body = format!("\"{}\"", "z".repeat(2000));
    let request = format!(
        "POST /echo/x HTTP/1.1\r\nhost: a\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = connect(address, request.as_bytes()).await;
    assert_error(&read_answer(&mut stream).await, 413, "PayloadTooLarge");
}

#[tokio::test]
async fn graceful_shutdown_closes_idle_connections_and_returns() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with_shutdown(
        listener,
        app(),
        Limits::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let mut stream = connect(address, b"POST /echo/x HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(read_answer(&mut stream).await.status, 200);
    stop.send(()).unwrap();
    // The kept-alive connection is idle: it is closed, and the server returns although the
    // header-read timeout (30 s by default) has not expired.
    assert_closed(&mut stream).await;
    tokio::time::timeout(GUARD, server)
        .await
        .expect("the server did not return")
        .unwrap();
    assert!(
        TcpStream::connect(address).await.is_err(),
        "still accepting"
    );
}
