//! [`Input`]: one request, split into what the generated decoders read (token, path and query
//! parameters, body), each checked against the schema table before it is decoded.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::request::Parts;
use http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;
use super::schema::{Literal, Schemas};

/// The bearer token of a request (`Authorization: Bearer <token>`). Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    /// A token from its text.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken([redacted])")
    }
}

/// One query parameter an operation declares.
#[derive(Clone, Copy, Debug)]
pub struct QueryParam {
    /// The name on the wire.
    pub name: &'static str,
    /// Its schema.
    pub schema: u32,
    /// Must be given.
    pub required: bool,
    /// What the server uses when it is not given.
    pub default: Option<Literal>,
}

impl QueryParam {
    /// A parameter: its name, schema, whether it must be given, and its default.
    pub const fn new(
        name: &'static str,
        schema: u32,
        required: bool,
        default: Option<Literal>,
    ) -> Self {
        Self {
            name,
            schema,
            required,
            default,
        }
    }
}

/// A request as the generated decoders see it.
#[derive(Debug)]
pub struct Input {
    pub(crate) parts: Parts,
    /// Path parameter values in the order of the route's template, or the name of the first one
    /// that is not valid UTF-8 once decoded.
    pub(crate) params: Result<Vec<String>, String>,
    /// The body, or why it could not be read.
    pub(crate) body: Result<Bytes, ApiError>,
}

impl Input {
    /// The request's bearer token, or 401.
    pub fn bearer(&self) -> Result<BearerToken, ApiError> {
        let Some(value) = self.parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "Missing authorization header: expected `Authorization: Bearer <token>`",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty());
        match token {
            Some(token) => Ok(BearerToken(token.to_owned())),
            None => Err(ApiError::unauthorized(
                "Malformed authorization header: expected `Authorization: Bearer <token>`",
            )),
        }
    }

    /// The request's bearer token if it has a well-formed one, for operations that do not require
    /// it (an implementation may still want to know who calls).
    pub fn optional_bearer(&self) -> Option<BearerToken> {
        self.bearer().ok()
    }

    /// The path parameter at `position` in the route's template, checked and decoded.
    pub fn path<T: DeserializeOwned>(
        &self,
        schemas: Schemas,
        position: usize,
        name: &str,
        schema: u32,
    ) -> Result<T, ApiError> {
        // Error paths are built only on failure: this runs on every request.
        let reject = |problem: &str| ApiError::validation(&format!("path.{name}"), problem);
        let text = match &self.params {
            Ok(values) => values.get(position),
            Err(bad) if bad == name => return Err(reject("is not valid UTF-8 once decoded")),
            Err(_) => None,
        };
        let Some(text) = text else {
            return Err(reject("is missing"));
        };
        let value = schemas.coerce(schema, text).map_err(|p| reject(&p))?;
        if let Err(invalid) = schemas.validate(schema, &value) {
            return Err(ApiError::validation(
                &format!("path.{name}{}", invalid.path),
                &invalid.problem,
            ));
        }
        decode(value, "path")
    }

    /// The query parameters of an operation, checked and decoded into its query struct.
    ///
    /// A parameter that is not given takes its default; a repeated one is an array, or a
    /// rejection if its schema takes one value. Parameters the operation does not declare are
    /// ignored.
    pub fn query<T: DeserializeOwned>(
        &self,
        schemas: Schemas,
        params: &[QueryParam],
    ) -> Result<T, ApiError> {
        let pairs = query_pairs(self.parts.uri.query().unwrap_or_default())?;
        let mut object: Vec<(&str, Value)> = Vec::with_capacity(params.len());
        for param in params {
            // Built only on failure: this runs for every parameter of every request.
            let at = || format!("query.{}", param.name);
            let values: Vec<&str> = pairs
                .iter()
                .filter(|(k, _)| k == param.name)
                .map(|(_, v)| v.as_ref())
                .collect();
            let value = if values.is_empty() {
                match (param.default, param.required) {
                    (Some(default), _) => default.to_json(),
                    (None, true) => return Err(ApiError::validation(&at(), "is required")),
                    (None, false) => continue,
                }
            } else if schemas.is_array(param.schema) {
                let items = schemas.items(param.schema);
                let coerced: Result<Vec<Value>, String> =
                    values.iter().map(|v| schemas.coerce(items, v)).collect();
                Value::Array(coerced.map_err(|problem| ApiError::validation(&at(), &problem))?)
            } else if let [one] = values.as_slice() {
                schemas
                    .coerce(param.schema, one)
                    .map_err(|problem| ApiError::validation(&at(), &problem))?
            } else {
                return Err(ApiError::validation(
                    &at(),
                    &format!("expected one value, found {}", values.len()),
                ));
            };
            schemas.validate(param.schema, &value).map_err(|invalid| {
                ApiError::validation(&format!("{}{}", at(), invalid.path), &invalid.problem)
            })?;
            object.push((param.name, value));
        }
        // Straight from the pairs into the struct: no intermediate JSON object.
        let fields =
            serde::de::value::MapDeserializer::<_, serde_json::Error>::new(object.into_iter());
        T::deserialize(fields).map_err(|e| ApiError::validation("query", &e.to_string()))
    }

    /// The JSON body of an operation that requires one, checked against `schema` and decoded.
    pub fn body<T: DeserializeOwned>(&self, schemas: Schemas, schema: u32) -> Result<T, ApiError> {
        self.maybe_body(schemas, schema, true)?
            .ok_or_else(|| ApiError::validation("body", "a JSON body is required"))
    }

    /// The JSON body of an operation whose body is optional: `None` when the request has none.
    pub fn optional_body<T: DeserializeOwned>(
        &self,
        schemas: Schemas,
        schema: u32,
    ) -> Result<Option<T>, ApiError> {
        self.maybe_body(schemas, schema, false)
    }

    fn maybe_body<T: DeserializeOwned>(
        &self,
        schemas: Schemas,
        schema: u32,
        required: bool,
    ) -> Result<Option<T>, ApiError> {
        let bytes = self.body.as_ref().map_err(Clone::clone)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return if required {
                Err(ApiError::validation("body", "a JSON body is required"))
            } else {
                Ok(None)
            };
        }
        if let Some(content_type) = self.parts.headers.get(header::CONTENT_TYPE) {
            let json = content_type.to_str().is_ok_and(|ct| {
                let essence = ct.split(';').next().unwrap_or_default().trim();
                essence.eq_ignore_ascii_case("application/json")
                    || essence.to_ascii_lowercase().ends_with("+json")
            });
            if !json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "UnsupportedMediaType",
                    "body: expected `Content-Type: application/json`",
                ));
            }
        }
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| ApiError::validation("body", &format!("malformed JSON: {e}")))?;
        checked(schemas, schema, value, "body").map(Some)
    }
}

/// A decoded query parameter: name and value.
type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The `name=value` pairs of a query string, `+` as a space and percent-decoded, or 400 naming
/// the first name or value that is not valid UTF-8 once decoded. (`form_urlencoded` would replace
/// such bytes with U+FFFD, silently turning `%FF` into another value.)
fn query_pairs(raw: &str) -> Result<Vec<Pair<'_>>, ApiError> {
    let mut pairs = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let invalid = |at: &str| ApiError::validation(at, "is not valid UTF-8 once decoded");
        let name = form_decode(name).ok_or_else(|| invalid(&format!("query.{name}")))?;
        let value = form_decode(value).ok_or_else(|| invalid(&format!("query.{name}")))?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// One form-encoded component: `+` is a space, then percent-decoding; `None` if the result is
/// not UTF-8.
fn form_decode(text: &str) -> Option<Cow<'_, str>> {
    if text.contains('+') {
        let spaced = text.replace('+', " ");
        let decoded = percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .ok()?
            .into_owned();
        return Some(Cow::Owned(decoded));
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
}

/// Validates, then decodes.
fn checked<T: DeserializeOwned>(
    schemas: Schemas,
    schema: u32,
    value: Value,
    at: &str,
) -> Result<T, ApiError> {
    schemas.validate(schema, &value).map_err(|invalid| {
        ApiError::validation(&format!("{at}{}", invalid.path), &invalid.problem)
    })?;
    decode(value, at)
}

/// Decoding a validated value fails only where the types are narrower than the schema (an
/// integer beyond `i64`, say); that is still the client's mistake, so it is a 400.
fn decode<T: DeserializeOwned>(value: Value, at: &str) -> Result<T, ApiError> {
    T::deserialize(value).map_err(|e| ApiError::validation(at, &e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(raw: &str) -> Vec<(String, String)> {
        query_pairs(raw)
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn query_pairs_decode_plus_and_percent() {
        assert_eq!(
            decoded("a=1&b=x+y%2By&&c&d=%C3%A9"),
            [("a", "1"), ("b", "x y+y"), ("c", ""), ("d", "é")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn invalid_utf8_in_a_query_value_is_a_400_naming_the_parameter() {
        let error = query_pairs("environment=dev&secretPath=%FF").unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.message(),
            "query.secretPath: is not valid UTF-8 once decoded"
        );
    }

    #[test]
    fn invalid_utf8_in_a_query_name_is_a_400() {
        let error = query_pairs("%FFx=1").unwrap_err();
        assert_eq!(
            error.message(),
            "query.%FFx: is not valid UTF-8 once decoded"
        );
    }
}
