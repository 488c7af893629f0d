//! [`serve`]: runs a router on a TCP listener with the timeouts and size limits a service exposed
//! to untrusted clients needs, every rejection in Infisical's error shape.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::HttpBody as _;
use axum::extract::ConnectInfo;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Request, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use super::auto_answer::JsonAutoAnswers;
use super::error::ApiError;

/// The transport limits [`serve`] applies. [`Limits::default`] is what a public deployment
/// should start from; every field can be changed.
///
/// The request body size limit is not here: the router applies it while reading the body
/// (`Server::body_limit` in the generated crate, 1 MiB by default), answering 413.
///
/// ```
/// use std::time::Duration;
///
/// use oas_runtime::server::Limits;
///
/// let limits = Limits {
///     header_read_timeout: Duration::from_secs(10),
///     ..Limits::default()
/// };
/// assert_eq!(limits.max_uri_bytes, 8 * 1024);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How long a connection may take to send a request head (request line and headers),
    /// counted from when the server starts waiting for it: when the connection is accepted, and
    /// again after each answer. It is therefore also the keep-alive idle timeout. When it
    /// expires the connection is closed without an answer (hyper's header-read timer).
    /// Default 30 s.
    pub header_read_timeout: Duration,
    /// The longest pause allowed while a request body is being read (tower-http's request body
    /// timeout, restarted by every piece of the body that arrives). Reading fails with 408
    /// `RequestTimeout` and the connection is closed. Default 30 s.
    pub body_read_timeout: Duration,
    /// The longest a request may take from its complete head to its answer, body reading
    /// included: the bound on a client that trickles its body just fast enough to beat
    /// `body_read_timeout`. 408 `RequestTimeout` when exceeded. Default 60 s.
    pub request_timeout: Duration,
    /// The longest request target (path and query) accepted: longer ones get 414 `UriTooLong`.
    /// Default 8 KiB.
    pub max_uri_bytes: usize,
    /// The most bytes of header lines accepted (each counted as `name: value` and its line end):
    /// more gets 431 `RequestHeaderFieldsTooLarge`. Default 16 KiB, Node's limit for a request
    /// head, so what Infisical accepts is accepted here.
    pub max_header_bytes: usize,
    /// The most header lines accepted: more gets 431. Default 100 (hyper's default).
    pub max_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_uri_bytes: 8 * 1024,
            max_header_bytes: 16 * 1024,
            max_headers: 100,
        }
    }
}

impl Limits {
    /// hyper's read buffer: a request head that does not fit is answered 431 by hyper itself
    /// (given a JSON body on its way out). Twice the head [`serve`] accepts, so that heads
    /// somewhat over the limits reach the precise 414 and 431 answers, while a connection's
    /// buffer stays bounded. hyper refuses buffers under 8 KiB.
    fn hyper_buffer(&self) -> usize {
        self.max_uri_bytes
            .saturating_add(self.max_header_bytes)
            .saturating_mul(2)
            .max(8 * 1024)
    }
}

/// Serves `router` on `listener` over HTTP/1.1 with `limits` until the process ends.
///
/// See [`serve_with_shutdown`].
pub async fn serve(listener: TcpListener, router: axum::Router, limits: Limits) {
    serve_with_shutdown(listener, router, limits, std::future::pending()).await;
}

/// Serves `router` on `listener` over HTTP/1.1 with `limits` until `shutdown` completes, then
/// stops accepting, lets requests in progress finish (idle connections are closed at once), and
/// returns when every connection is closed. The timeouts bound how long that takes.
///
/// Each request carries the peer's address as the `axum::extract::ConnectInfo<SocketAddr>`
/// extension (what `Context::peer_addr` reads).
///
/// Every answer the transport gives on its own is in Infisical's error shape with a JSON body:
/// 414 and 431 for a request target or headers over the limits, 408 for a body or request
/// timeout, 400 for a request hyper cannot parse, and any other bodiless error answer a layer
/// produces. A header-read timeout closes the connection without an answer.
///
/// Errors accepting a connection (too many open files, a connection reset before it was
/// accepted) do not stop the server: it waits briefly and accepts again.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_headers(limits.max_headers)
        .max_buf_size(limits.hyper_buffer());
    let inner = ServiceBuilder::new()
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(RequestBodyTimeoutLayer::new(limits.body_read_timeout))
        .service(router);
    let limits = Arc::new(limits);
    // One service per connection, so each request carries the peer's address.
    let service = move |peer: SocketAddr| {
        let inner = inner.clone();
        let limits = Arc::clone(&limits);
        hyper::service::service_fn(move |mut request: Request<Incoming>| {
            let inner = inner.clone();
            let limits = Arc::clone(&limits);
            async move {
                if let Some(rejection) = check_head(&request, &limits) {
                    return Ok::<_, Infallible>(rejection.into_response());
                }
                request.extensions_mut().insert(ConnectInfo(peer));
                let response = match inner.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                Ok(with_json_body(response, &limits))
            }
        })
    };

    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Usually out of file descriptors: give connections time to close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small JSON answers should not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(JsonAutoAnswers::new(stream));
        let connection = connections.watch(http.serve_connection(io, service(peer)));
        tokio::spawn(async move {
            // A connection's error (a timeout, a client gone, a malformed request hyper has
            // already answered) concerns that connection only.
            let _ = connection.await;
        });
    }
    drop(listener);
    connections.shutdown().await;
}

/// The request target and header limits, checked before the router sees the request.
fn check_head<B>(request: &Request<B>, limits: &Limits) -> Option<ApiError> {
    let uri = request.uri();
    let uri_bytes = uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len());
    if uri_bytes > limits.max_uri_bytes {
        return Some(ApiError::for_status(
            StatusCode::URI_TOO_LONG,
            format!(
                "The request URI is {uri_bytes} bytes long; this server accepts at most {}",
                limits.max_uri_bytes
            ),
        ));
    }
    let header_bytes = header_bytes(request.headers());
    if header_bytes > limits.max_header_bytes {
        return Some(ApiError::for_status(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "The request headers are {header_bytes} bytes long; this server accepts at most {}",
                limits.max_header_bytes
            ),
        ));
    }
    None
}

/// The size of the header lines as sent: `name: value\r\n` each.
fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// An error answer without a body (tower-http's 408, a layer's own rejection) gets the error
/// shape; everything else passes unchanged.
fn with_json_body(response: Response, limits: &Limits) -> Response {
    let status = response.status();
    let bodiless = response.body().size_hint().exact() == Some(0);
    if !(status.is_client_error() || status.is_server_error()) || !bodiless {
        return response;
    }
    let message = if status == StatusCode::REQUEST_TIMEOUT {
        format!(
            "The request was not received and answered within {} s",
            limits.request_timeout.as_secs_f64()
        )
    } else {
        status.canonical_reason().unwrap_or("Error").to_owned()
    };
    let (mut parts, _) = response.into_parts();
    let mut answer = ApiError::for_status(status, message).into_response();
    // Keep what the original said besides its (empty) body: `allow`, `retry-after`, ...
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    for (name, value) in &parts.headers {
        answer.headers_mut().append(name, value.clone());
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_count_each_line_as_sent() {
        let mut headers = HeaderMap::new();
        headers.insert("x-a", "bc".parse().unwrap());
        headers.append("x-a", "d".parse().unwrap());
        // "x-a: bc\r\n" and "x-a: d\r\n".
        assert_eq!(header_bytes(&headers), 9 + 8);
    }

    #[test]
    fn hypers_buffer_exceeds_the_head_limits_and_hypers_minimum() {
        let limits = Limits::default();
        assert!(limits.hyper_buffer() > limits.max_uri_bytes + limits.max_header_bytes);
        let tiny = Limits {
            max_uri_bytes: 10,
            max_header_bytes: 10,
            ..Limits::default()
        };
        assert_eq!(tiny.hyper_buffer(), 8 * 1024);
    }

    #[test]
    fn bodiless_error_answers_get_the_error_shape() {
        let mut empty = Response::new(axum::body::Body::empty());
        *empty.status_mut() = StatusCode::REQUEST_TIMEOUT;
        empty
            .headers_mut()
            .insert(header::RETRY_AFTER, "1".parse().unwrap());
        let answer = with_json_body(empty, &Limits::default());
        assert_eq!(answer.status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(answer.headers()[header::RETRY_AFTER], "1");
        assert!(
            answer.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        assert!(answer.body().size_hint().exact().is_some_and(|n| n > 0));

        let ok = Response::new(axum::body::Body::empty());
        assert!(
            with_json_body(ok, &Limits::default())
                .body()
                .size_hint()
                .exact()
                == Some(0)
        );
    }
}
