//! A recording HTTP server on 127.0.0.1 for the client tests: it answers each request with the
//! next scripted response and keeps what it received (method, raw path and query, headers, body).

#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use infisical_client::{
    BoxError, BoxFuture, Client, Error, HttpClient, RetryPolicy, Secret, TokenProvider,
};
use serde_json::Value;

/// What the server received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Scripted {
    pub fn json(status: u16, body: &str) -> Self {
        Self::typed(status, "application/json", body.as_bytes())
    }

    /// An answer of any media type.
    pub fn typed(status: u16, content_type: &str, body: &[u8]) -> Self {
        Self {
            status,
            headers: vec![("content-type", content_type.to_owned())],
            body: body.to_vec(),
        }
    }
}

#[derive(Default)]
struct State {
    script: VecDeque<Scripted>,
    recorded: Vec<Recorded>,
}

/// The server and the failures collected so far.
pub struct Harness {
    state: Arc<Mutex<State>>,
    pub base_url: String,
    failures: Mutex<Vec<String>>,
    checked: Mutex<usize>,
    authenticated: Mutex<usize>,
    logins: Arc<AtomicUsize>,
}

/// A token provider that counts how often it is asked for a token (each time is a login or a
/// cached token; the harness only cares who asks).
struct CountingProvider {
    asked: Arc<AtomicUsize>,
}

impl TokenProvider for CountingProvider {
    fn token<'a>(&'a self, _: &'a HttpClient) -> BoxFuture<'a, Result<Secret, BoxError>> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(Secret::new(TOKEN)) })
    }

    fn invalidate(&self) {}
}

async fn answer(
    axum::extract::State(state): axum::extract::State<Arc<Mutex<State>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state.lock().unwrap();
    state.recorded.push(Recorded {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    });
    let Some(scripted) = state.script.pop_front() else {
        return (StatusCode::IM_A_TEAPOT, "nothing scripted").into_response();
    };
    let mut response = (
        StatusCode::from_u16(scripted.status).unwrap(),
        scripted.body,
    )
        .into_response();
    for (name, value) in scripted.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// The expectations of one operation (the generated test fills these in from the document).
pub struct Expected {
    pub operation: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub body: Option<&'static str>,
    /// The media type of `body` (`application/json`, `application/pkcs10`).
    pub body_type: &'static str,
    pub auth: bool,
    /// The success answer's body (JSON, text or bytes) and its media type.
    pub response: Option<&'static [u8]>,
    pub response_type: &'static str,
    pub errors: &'static [u16],
}

/// A call: `Some(bytes)` is what a text or binary operation returned (to compare with what was
/// answered), `None` for a JSON or empty one.
pub type Call<'a> = Pin<Box<dyn Future<Output = Result<Option<Vec<u8>>, Error>> + 'a>>;

pub const TOKEN: &str = "test-token";

impl Harness {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            state,
            base_url: format!("http://{address}"),
            failures: Mutex::new(Vec::new()),
            checked: Mutex::new(0),
            authenticated: Mutex::new(0),
            logins: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A client whose token provider counts its calls, and no retries.
    pub fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .token_provider(CountingProvider {
                asked: self.logins.clone(),
            })
            .retry(RetryPolicy::none())
            .timeout(Some(Duration::from_secs(10)))
            .build()
            .unwrap()
    }

    pub fn script(&self, scripted: Scripted) {
        self.state.lock().unwrap().script.push_back(scripted);
    }

    pub fn take_recorded(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.state.lock().unwrap().recorded)
    }

    fn fail(&self, message: String) {
        self.failures.lock().unwrap().push(message);
    }

    /// Calls the operation once per scripted answer (its success body, then each declared error
    /// status) and checks the requests it sent, who was asked for a token and what the call
    /// returned.
    pub async fn check<'c>(&self, expected: &Expected, call: &mut dyn FnMut() -> Call<'c>) {
        *self.checked.lock().unwrap() += 1;
        if expected.auth {
            *self.authenticated.lock().unwrap() += 1;
        }
        let op = expected.operation;
        let answered = expected.response.unwrap_or(b"");
        self.script(Scripted::typed(200, expected.response_type, answered));
        let asked = self.logins.load(Ordering::SeqCst);
        match call().await {
            Err(error) => self.fail(format!("{op}: the success answer gave an error: {error}")),
            Ok(Some(returned)) if returned != answered => self.fail(format!(
                "{op}: returned {:?}, the server answered {:?}",
                String::from_utf8_lossy(&returned),
                String::from_utf8_lossy(answered)
            )),
            Ok(_) => {}
        }
        self.check_logins(op, asked, usize::from(expected.auth));
        let recorded = self.take_recorded();
        match recorded.as_slice() {
            [request] => self.check_request(expected, request),
            other => self.fail(format!("{op}: expected one request, got {}", other.len())),
        }
        for &status in expected.errors {
            let body = format!(
                r#"{{"reqId":"req-1","statusCode":{status},"message":"no","error":"Nope"}}"#
            );
            // A 401 on an authenticated operation makes the client ask for a new token and try
            // once more; on a public one (a login) it must not.
            let retried = status == 401 && expected.auth;
            for _ in 0..=usize::from(retried) {
                self.script(Scripted::json(status, &body));
            }
            let asked = self.logins.load(Ordering::SeqCst);
            match call().await {
                Err(Error::Api(error)) => {
                    if error.status != status {
                        self.fail(format!("{op}: {status} came back as {}", error.status));
                    }
                    match &error.body {
                        Some(body) if body.status_code == i64::from(status) => {}
                        other => self.fail(format!(
                            "{op}: the {status} error body did not decode: {other:?}"
                        )),
                    }
                }
                Ok(_) => self.fail(format!("{op}: {status} was not an error")),
                Err(other) => self.fail(format!("{op}: {status} gave {other}")),
            }
            let requests = 1 + usize::from(retried);
            self.check_logins(op, asked, usize::from(expected.auth) * requests);
            let recorded = self.take_recorded();
            if recorded.len() != requests {
                self.fail(format!(
                    "{op}: {status} took {} requests, expected {requests}",
                    recorded.len()
                ));
            }
            for request in &recorded {
                self.check_authorization(expected, request);
            }
            self.state.lock().unwrap().script.clear();
        }
    }

    /// The token provider was asked `wanted` times since it had been asked `before` times.
    fn check_logins(&self, op: &str, before: usize, wanted: usize) {
        let asked = self.logins.load(Ordering::SeqCst) - before;
        if asked != wanted {
            self.fail(format!(
                "{op}: the token provider was asked {asked} times, expected {wanted}"
            ));
        }
    }

    fn check_request(&self, expected: &Expected, request: &Recorded) {
        let op = expected.operation;
        if request.method != expected.method {
            self.fail(format!(
                "{op}: method {} != {}",
                request.method, expected.method
            ));
        }
        if request.path != expected.path {
            self.fail(format!("{op}: path {} != {}", request.path, expected.path));
        }
        let mut sent = query_pairs(request.query.as_deref().unwrap_or(""));
        sent.sort();
        let mut wanted: Vec<(String, String)> = expected
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        wanted.sort();
        if sent != wanted {
            self.fail(format!("{op}: query {sent:?} != {wanted:?}"));
        }
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok());
        match expected.body {
            Some(body) if expected.body_type == "application/json" => {
                let wanted: Value = serde_json::from_str(body).unwrap();
                match serde_json::from_slice::<Value>(&request.body) {
                    Ok(sent) if same_json(&sent, &wanted) => {}
                    Ok(sent) => self.fail(format!("{op}: body {sent} != {wanted}")),
                    Err(e) => self.fail(format!("{op}: body is not JSON: {e}")),
                }
                if content_type != Some("application/json") {
                    self.fail(format!("{op}: content-type {content_type:?}"));
                }
            }
            Some(body) => {
                if request.body != body.as_bytes() {
                    self.fail(format!("{op}: body {:?} != {body:?}", request.body));
                }
                if content_type != Some(expected.body_type) {
                    self.fail(format!(
                        "{op}: content-type {content_type:?} != {:?}",
                        expected.body_type
                    ));
                }
            }
            None if !request.body.is_empty() => {
                self.fail(format!("{op}: sent a body but declares none"));
            }
            None => {}
        }
        self.check_authorization(expected, request);
    }

    /// The bearer token is there on an authenticated operation and absent on a public one.
    fn check_authorization(&self, expected: &Expected, request: &Recorded) {
        let op = expected.operation;
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let wanted = expected.auth.then(|| format!("Bearer {TOKEN}"));
        if authorization != wanted.as_deref() {
            self.fail(format!(
                "{op}: authorization {authorization:?} != {wanted:?}"
            ));
        }
    }

    /// Fails with every collected failure; `count` is how many operations the document has,
    /// `authenticated` how many of them need a token.
    pub fn finish(&self, count: usize, authenticated: usize) {
        let failures = self.failures.lock().unwrap();
        let checked = *self.checked.lock().unwrap();
        assert_eq!(checked, count, "every operation is checked");
        assert_eq!(
            *self.authenticated.lock().unwrap(),
            authenticated,
            "every authenticated operation is checked as one"
        );
        assert!(
            failures.is_empty(),
            "{} problems:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap_or_default()
}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// A value decoded from a sample JSON text.
pub fn parse<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("sample {json} does not decode: {e}"))
}

/// A query struct decoded from sample pairs.
pub fn query<T: serde::de::DeserializeOwned>(pairs: &[(&str, &str)]) -> T {
    let text = serde_urlencoded::to_string(pairs).unwrap();
    serde_urlencoded::from_str(&text)
        .unwrap_or_else(|e| panic!("sample query {text} does not decode: {e}"))
}
