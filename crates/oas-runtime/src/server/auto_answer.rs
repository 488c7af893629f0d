//! [`JsonAutoAnswers`]: gives hyper's own answers to unparseable requests (400, 414, 431) a JSON
//! body in Infisical's error shape on their way to the socket.
//!
//! When hyper cannot parse a request head (garbage request line, a malformed header, a head
//! larger than its buffer, more headers than it allows) it writes a bodiless answer itself and
//! closes the connection; no service ever sees the request, and hyper has no hook to change that
//! answer. This wrapper sits between hyper and the socket and replaces exactly that answer.
//!
//! How it recognises it: hyper writes it as a whole response head with status 400, 414 or 431,
//! `content-length: 0`, no `content-type`, at the start of a write (nothing of an earlier answer
//! is still buffered: hyper only writes it when no answer is in progress, and it is the last thing
//! written on the connection). Answers produced by the service never look like that, because
//! [`serve`](super::serve) gives every empty-bodied error answer a JSON body before hyper sees it.
//! If an earlier pipelined answer was still unflushed in the same write, the head is not at the
//! start and goes out unchanged: the right status with an empty body, never a corrupted stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::error::ApiError;

/// A connection whose writes are checked for hyper's automatic answers (see the module docs).
#[derive(Debug)]
pub(crate) struct JsonAutoAnswers<S> {
    inner: S,
    /// A replacement being written, and how many bytes of the original it stands for.
    pending: Option<Replacement>,
}

#[derive(Debug)]
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    stands_for: usize,
}

impl<S> JsonAutoAnswers<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

impl<S: AsyncWrite + Unpin> JsonAutoAnswers<S> {
    /// Writes the rest of the replacement; ready with the length of the original it replaced.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<usize>>> {
        let Some(pending) = &mut self.pending else {
            return Poll::Ready(Ok(None));
        };
        while pending.written < pending.bytes.len() {
            let n = ready!(
                Pin::new(&mut self.inner).poll_write(cx, &pending.bytes[pending.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            pending.written += n;
        }
        let stands_for = pending.stands_for;
        self.pending = None;
        Poll::Ready(Ok(Some(stands_for)))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonAutoAnswers<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonAutoAnswers<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match replacement(buf) {
                Some(bytes) => {
                    self.pending = Some(Replacement {
                        bytes,
                        written: 0,
                        stands_for: buf.len(),
                    });
                }
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        // The caller retries with the same bytes until told they are written; report the
        // original's length once the whole replacement is out.
        match ready!(self.poll_pending(cx))? {
            Some(stands_for) => Poll::Ready(Ok(stands_for.min(buf.len()))),
            None => Pin::new(&mut self.inner).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper writes its automatic answer as one slice; anything else is not it.
        let mut non_empty = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (non_empty.next(), non_empty.next()) {
            return self.poll_write(cx, only);
        }
        if self.pending.is_some() {
            ready!(self.poll_pending(cx))?;
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The JSON answer that replaces `written`, if it is one of hyper's automatic answers.
fn replacement(written: &[u8]) -> Option<Vec<u8>> {
    // Cheap test first: this runs on every write.
    if !written.starts_with(b"HTTP/1.") || !written.ends_with(b"\r\n\r\n") {
        return None;
    }
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut head = httparse::Response::new(&mut headers);
    match head.parse(written) {
        Ok(httparse::Status::Complete(len)) if len == written.len() => {}
        _ => return None,
    }
    let message = match head.code? {
        400 => "Malformed HTTP request: the request line or a header could not be parsed",
        414 => "The request URI is longer than this server accepts",
        431 => {
            "The request head is larger than this server accepts, or has more headers than it \
             accepts"
        }
        _ => return None,
    };
    let empty = head
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-length") && h.value.trim_ascii() == b"0");
    let typed = head
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-type"));
    if !empty || typed {
        return None;
    }
    let status = StatusCode::from_u16(head.code?).ok()?;
    let body = ApiError::for_status(status, message).to_json();
    let mut answer = Vec::with_capacity(256 + body.len());
    answer.extend_from_slice(
        format!(
            "HTTP/1.{} {} {}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n",
            head.version?,
            status.as_u16(),
            status.canonical_reason().unwrap_or_default(),
            body.len()
        )
        .as_bytes(),
    );
    let mut closes = false;
    for h in head.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        closes |= h.name.eq_ignore_ascii_case("connection");
        answer.extend_from_slice(h.name.as_bytes());
        answer.extend_from_slice(b": ");
        answer.extend_from_slice(h.value);
        answer.extend_from_slice(b"\r\n");
    }
    // hyper closes the connection after this answer; say so.
    if !closes {
        answer.extend_from_slice(b"connection: close\r\n");
    }
    answer.extend_from_slice(b"\r\n");
    answer.extend_from_slice(&body);
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(answer: &[u8]) -> serde_json::Value {
        let text = std::str::from_utf8(answer).unwrap();
        let (_, body) = text.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn hypers_bodiless_400_gets_the_error_shape() {
        let answer = replacement(
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\n",
        )
        .unwrap();
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
        assert!(text.contains("\r\ndate: Thu, 01 Jan 2026"), "{text}");
        assert!(text.contains("\r\nconnection: close\r\n"), "{text}");
        let body = body_of(&answer);
        assert_eq!(body["statusCode"], 400);
        assert_eq!(body["error"], "BadRequest");
        let declared = format!(
            "content-length: {}\r\n",
            serde_json::to_vec(&body).unwrap().len()
        );
        assert!(text.contains(&declared), "{text}");
    }

    #[test]
    fn hypers_bodiless_414_and_431_get_the_error_shape() {
        let uri = replacement(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").unwrap();
        assert_eq!(body_of(&uri)["error"], "UriTooLong");
        let head = replacement(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(body_of(&head)["error"], "RequestHeaderFieldsTooLarge");
    }

    #[test]
    fn answers_with_a_body_or_another_status_pass_unchanged() {
        for written in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad",
            b"{\"secretValue\":\"HTTP/1.1 400 \\r\\n\\r\\n\"}",
        ] {
            assert_eq!(
                replacement(written),
                None,
                "{}",
                String::from_utf8_lossy(written)
            );
        }
    }
}
