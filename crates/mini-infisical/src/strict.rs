//! Strict checking of permission rules, as the document writes them: every object of a rule is
//! `additionalProperties: false`, so a key the document does not name is an error, not something
//! to drop.
//!
//! Why this works on the raw JSON: the generated types decode with serde, which ignores unknown
//! keys, and the runtime's request validator lets them through too (the generator does not carry
//! `additionalProperties: false` into its schema table). A condition `{"$regex": "..."}` thus
//! reaches the server as an operator object with no operator, which used to match everything.
//! The role routes' bodies are kept as they arrived ([`capture_role_bodies`]) and each rule is
//! compared with what its typed form writes back: a key the types dropped is one the document
//! does not allow.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use infisical_server::ApiError;
use infisical_types::ProjectPermission;
use serde_json::{Map, Value};

use crate::permissions::normalize_glob;
use crate::store::normalize_path;

/// The largest role body kept; the runtime's own default request body limit, 1 MiB.
const BODY_LIMIT: usize = 1 << 20;

tokio::task_local! {
    /// The body of the role request being handled, as it arrived.
    static ROLE_BODY: Bytes;
}

/// Middleware: keeps the body of role creations and updates where the handler can read it
/// ([`check_role_permissions`]). Handlers run inside the future this awaits, so the task-local is
/// theirs for the request's lifetime.
pub(crate) async fn capture_role_bodies(request: Request, next: Next) -> Response {
    if !is_role_write(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error) => return body_error(&error).into_response(),
    };
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    ROLE_BODY.scope(bytes, next.run(request)).await
}

/// `POST /api/v2/workspace/{projectId}/roles` and `PATCH /api/v2/workspace/{projectId}/roles/{roleId}`.
fn is_role_write(method: &Method, path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    matches!(
        (method, segments.as_slice()),
        (&Method::POST, ["", "api", "v2", "workspace", _, "roles"])
            | (
                &Method::PATCH,
                ["", "api", "v2", "workspace", _, "roles", _]
            )
    )
}

fn body_error(error: &axum::Error) -> ApiError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PayloadTooLarge",
                format!("body: the request body is larger than {BODY_LIMIT} bytes"),
            );
        }
        cause = e.source();
    }
    ApiError::bad_request(format!("body: the request body could not be read: {error}"))
}

/// Checks the permissions of the role request being handled (`typed`, as decoded) against the
/// body as it arrived. Without a kept body (the handler was called other than through
/// [`MiniInfisical::router`](crate::MiniInfisical::router)) the typed rules are checked as they
/// write back, which still catches empty conditions and paths above the root.
pub(crate) fn check_role_permissions(typed: &[ProjectPermission]) -> Result<(), ApiError> {
    let raw = ROLE_BODY
        .try_with(|bytes| serde_json::from_slice::<Value>(bytes))
        .ok()
        .and_then(Result::ok)
        .and_then(|mut body| body.get_mut("permissions").map(Value::take));
    let raw = match raw {
        Some(raw) => raw,
        None => serde_json::to_value(typed)
            .map_err(|e| ApiError::internal(format!("permissions: {e}")))?,
    };
    check_permissions(&raw, "body.permissions").map_err(|e| ApiError::validation(&e.at, &e.problem))
}

/// A rule that breaks the document: where (`body.permissions[0].conditions.secretPath`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RuleError {
    pub(crate) at: String,
    pub(crate) problem: String,
}

/// Checks a JSON array of permission rules; `at` names the array in errors.
pub(crate) fn check_permissions(raw: &Value, at: &str) -> Result<(), RuleError> {
    let Value::Array(rules) = raw else {
        return Err(RuleError {
            at: at.to_owned(),
            problem: "expected an array of permission rules".to_owned(),
        });
    };
    for (index, rule) in rules.iter().enumerate() {
        check_rule(rule, &format!("{at}[{index}]"))?;
    }
    Ok(())
}

fn check_rule(rule: &Value, at: &str) -> Result<(), RuleError> {
    let fail = |at: &str, problem: String| {
        Err(RuleError {
            at: at.to_owned(),
            problem,
        })
    };
    let typed: ProjectPermission = match serde_json::from_value(rule.clone()) {
        Ok(typed) => typed,
        Err(e) => return fail(at, e.to_string()),
    };
    if let ProjectPermission::Unknown(_) = typed {
        let subject = rule.get("subject").map_or(Value::Null, Value::clone);
        return fail(at, format!("unknown subject {subject}"));
    }
    let written = serde_json::to_value(&typed).unwrap_or(Value::Null);
    if let (Value::Object(rule), Value::Object(written)) = (rule, &written) {
        dropped_keys(rule, written, at, Level::Rule)?;
        if let Some(conditions) = rule.get("conditions") {
            check_conditions(conditions, &format!("{at}.conditions"))?;
        }
    }
    Ok(())
}

/// Where an object sits in a rule, for naming what is wrong with its keys.
#[derive(Clone, Copy)]
enum Level {
    Rule,
    Conditions,
    Operators,
}

/// Fails on the first key of `raw` that the typed form did not write back.
fn dropped_keys(
    raw: &Map<String, Value>,
    written: &Map<String, Value>,
    at: &str,
    level: Level,
) -> Result<(), RuleError> {
    for (key, value) in raw {
        let Some(back) = written.get(key) else {
            let what = match level {
                Level::Rule => "property",
                Level::Conditions => "condition",
                Level::Operators if key.starts_with('$') => "operator",
                Level::Operators => "key",
            };
            return Err(RuleError {
                at: at.to_owned(),
                problem: format!("unknown {what} {key:?}"),
            });
        };
        let inner = match (level, key.as_str()) {
            (Level::Rule, "conditions") => Level::Conditions,
            (Level::Rule, _) => continue,
            (Level::Conditions | Level::Operators, _) => Level::Operators,
        };
        if let (Value::Object(raw), Value::Object(back)) = (value, back) {
            dropped_keys(raw, back, &format!("{at}.{key}"), inner)?;
        }
    }
    Ok(())
}

/// What the types cannot say: no empty condition objects (they used to mean "anything"), and
/// paths that stay within the root once `.`, `..` and duplicate slashes are resolved.
fn check_conditions(conditions: &Value, at: &str) -> Result<(), RuleError> {
    let fail = |at: String, problem: String| Err(RuleError { at, problem });
    let Value::Object(conditions) = conditions else {
        return Ok(());
    };
    if conditions.is_empty() {
        return fail(at.to_owned(), "empty conditions object".to_owned());
    }
    for (key, condition) in conditions {
        let here = format!("{at}.{key}");
        if let Value::Object(ops) = condition
            && ops.is_empty()
        {
            return fail(here, "empty condition object".to_owned());
        }
        if key != "secretPath" {
            continue;
        }
        let mut paths: Vec<(String, &str)> = Vec::new();
        let mut globs: Vec<(String, &str)> = Vec::new();
        match condition {
            Value::String(path) => paths.push((here.clone(), path)),
            Value::Object(ops) => {
                for (op, value) in ops {
                    let at = format!("{here}.{op}");
                    match (op.as_str(), value) {
                        ("$glob", Value::String(g)) => globs.push((at, g)),
                        (_, Value::String(p)) => paths.push((at, p)),
                        (_, Value::Array(items)) => {
                            for (i, item) in items.iter().enumerate() {
                                if let Value::String(p) = item {
                                    paths.push((format!("{at}[{i}]"), p));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        for (at, path) in paths {
            if normalize_path(path).is_err() {
                return fail(at, format!("path {path:?} climbs above the root folder"));
            }
        }
        for (at, glob) in globs {
            if normalize_glob(glob).is_none() {
                return fail(
                    at,
                    format!(
                        "pattern {glob:?} climbs above the root folder or out of a wildcard segment"
                    ),
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(rules: Value) -> Option<String> {
        check_permissions(&rules, "permissions")
            .err()
            .map(|e| format!("{}: {}", e.at, e.problem))
    }

    #[test]
    fn documented_rules_pass() {
        let rules = json!([
            {"subject": "secrets", "action": ["read", "edit"], "inverted": false,
             "conditions": {"environment": {"$glob": "dev*"}, "secretPath": {"$glob": "/app/**"},
                            "secretName": {"$in": ["A", "B"]}, "secretTags": {"$in": ["t"]}}},
            {"subject": "secret-folders", "action": "read",
             "conditions": {"environment": {"$in": ["dev"]}, "secretPath": "/app/./x/.."}},
            {"subject": "environments", "action": ["read"]},
            {"subject": "role", "action": "read"},
            {"subject": "workspace", "action": ["edit", "delete"]}
        ]);
        assert_eq!(problem(rules), None);
    }

    #[test]
    fn unknown_keys_are_named() {
        let cases = [
            (
                json!({"subject": "secrets", "action": "read", "conditions": {"secretPath": {"$regex": ".*"}}}),
                r#"permissions[0].conditions.secretPath: unknown operator "$regex""#,
            ),
            (
                json!({"subject": "secret-folders", "action": "read", "conditions": {"environment": {"$glob": "dev"}}}),
                r#"permissions[0].conditions.environment: unknown operator "$glob""#,
            ),
            (
                json!({"subject": "secrets", "action": "read", "conditions": {"envirnoment": "dev"}}),
                r#"permissions[0].conditions: unknown condition "envirnoment""#,
            ),
            (
                json!({"subject": "secrets", "action": "read", "condtions": {"environment": "dev"}}),
                r#"permissions[0]: unknown property "condtions""#,
            ),
            (
                json!({"subject": "secrets", "action": "read", "conditions": {"environment": {"$glob": "d*", "$nin": ["prod"]}}}),
                r#"permissions[0].conditions.environment: unknown operator "$nin""#,
            ),
        ];
        for (rule, expected) in cases {
            assert_eq!(problem(json!([rule])).as_deref(), Some(expected));
        }
    }

    #[test]
    fn empty_objects_and_escaping_paths_fail() {
        let empty =
            json!([{"subject": "secrets", "action": "read", "conditions": {"environment": {}}}]);
        assert_eq!(
            problem(empty).as_deref(),
            Some("permissions[0].conditions.environment: empty condition object")
        );
        let none = json!([{"subject": "secrets", "action": "read", "conditions": {}}]);
        assert_eq!(
            problem(none).as_deref(),
            Some("permissions[0].conditions: empty conditions object")
        );
        let up = json!([{"subject": "secrets", "action": "read", "conditions": {"secretPath": {"$in": ["/a", "/../b"]}}}]);
        assert_eq!(
            problem(up).as_deref(),
            Some(
                r#"permissions[0].conditions.secretPath.$in[1]: path "/../b" climbs above the root folder"#
            )
        );
        let glob = json!([{"subject": "secrets", "action": "read", "conditions": {"secretPath": {"$glob": "/*/../prod"}}}]);
        assert!(
            problem(glob)
                .is_some_and(|p| p.starts_with("permissions[0].conditions.secretPath.$glob:"))
        );
    }

    #[test]
    fn role_routes() {
        assert!(is_role_write(&Method::POST, "/api/v2/workspace/p/roles"));
        assert!(is_role_write(&Method::PATCH, "/api/v2/workspace/p/roles/r"));
        assert!(!is_role_write(&Method::GET, "/api/v2/workspace/p/roles"));
        assert!(!is_role_write(&Method::PATCH, "/api/v2/workspace/p/roles"));
    }
}
