//! `POST /api/v2/folders` and `GET /api/v2/folders`: the folder routes of later Infisical versions,
//! which the Python SDK (`infisicalsdk` 1.0) calls. The pinned document has only the v1 routes,
//! so the generated router does not serve these; they are hand-written here and answer like the
//! v1 routes ([`folders`](crate::folders)), with the v2 spelling: `projectId` in place of
//! `workspaceId`, and the created folder's `path`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use infisical_server::types::{CreateFolderV1Body, ListFoldersV1Query};
use infisical_server::{ApiError, BearerToken, Context, Folders, Reply};
use serde_json::Value;

use crate::MiniInfisical;

/// The v2 folder routes, to merge into the application's router.
pub(crate) fn router(server: Arc<MiniInfisical>) -> axum::Router {
    axum::Router::new()
        .route("/api/v2/folders", post(create).get(list))
        .with_state(server)
}

fn bearer(headers: &HeaderMap) -> Result<BearerToken, ApiError> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
        .map(BearerToken::new)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Missing authorization header: expected `Authorization: Bearer <token>`",
            )
        })
}

/// The request as the v1 methods see it (these routes are not the generated router's).
fn context(headers: &HeaderMap) -> Context {
    let mut request = axum::http::Request::new(());
    *request.headers_mut() = headers.clone();
    Context::new(request.into_parts().0)
}

/// The body of a v1 answer, re-encoded as JSON.
fn body_of<T: serde::Serialize>(reply: Reply<T>, what: &str) -> Result<Value, ApiError> {
    let body = reply
        .into_body()
        .ok_or_else(|| ApiError::internal(format!("{what}: no body")))?;
    serde_json::to_value(body).map_err(|e| ApiError::internal(format!("encoding {what}: {e}")))
}

fn text(body: &Value, name: &str) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::validation(
            &format!("body.{name}"),
            "Expected string",
        )),
    }
}

fn required(value: Option<String>, at: &str) -> Result<String, ApiError> {
    value.ok_or_else(|| ApiError::validation(at, "Required"))
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn create(
    State(server): State<Arc<MiniInfisical>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    answer(
        async {
            let token = bearer(&headers)?;
            let body: Value = serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("Body is not JSON: {e}")))?;
            if !body.is_object() {
                return Err(ApiError::validation("body", "Expected object"));
            }
            let project_id = required(text(&body, "projectId")?, "body.projectId")?;
            let environment = required(text(&body, "environment")?, "body.environment")?;
            let name = required(text(&body, "name")?, "body.name")?;
            let path = text(&body, "path")?.unwrap_or_else(|| "/".to_owned());
            let mut v1 = serde_json::json!({
                "workspaceId": project_id,
                "environment": environment,
                "name": name,
                "path": path,
            });
            if let Some(description) = text(&body, "description")? {
                v1["description"] = Value::String(description);
            }
            let v1: CreateFolderV1Body = serde_json::from_value(v1)
                .map_err(|e| ApiError::bad_request(format!("Invalid body: {e}")))?;
            let created = server.create_v1(&context(&headers), token, v1).await?;
            let mut out = body_of(created, "the folder")?;
            let parent = crate::store::canonical_path(&path, "body.path")?;
            let full =
                crate::store::canonical_path(&format!("{parent}/{}", name.trim()), "body.name")?;
            out["folder"]["path"] = Value::String(full);
            Ok(out)
        }
        .await,
    )
}

async fn list(
    State(server): State<Arc<MiniInfisical>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    answer(
        async {
            let token = bearer(&headers)?;
            let get = |name: &str| {
                query
                    .get(name)
                    .cloned()
                    .ok_or_else(|| ApiError::validation(&format!("query.{name}"), "Required"))
            };
            // Python writes its booleans `True` / `False`.
            let recursive = match query.get("recursive").map(|v| v.to_ascii_lowercase()) {
                None => None,
                Some(v) if v == "true" => Some(true),
                Some(v) if v == "false" => Some(false),
                Some(v) => {
                    return Err(ApiError::validation(
                        "query.recursive",
                        &format!("Expected boolean, received {v:?}"),
                    ));
                }
            };
            let mut v1 = serde_json::json!({
                "workspaceId": get("projectId")?,
                "environment": get("environment")?,
                "path": query.get("path").cloned().unwrap_or_else(|| "/".to_owned()),
            });
            if let Some(recursive) = recursive {
                v1["recursive"] = Value::Bool(recursive);
            }
            let v1: ListFoldersV1Query = serde_json::from_value(v1)
                .map_err(|e| ApiError::bad_request(format!("Invalid query: {e}")))?;
            let listed = server.list_v1(&context(&headers), token, v1).await?;
            body_of(listed, "the folders")
        }
        .await,
    )
}
