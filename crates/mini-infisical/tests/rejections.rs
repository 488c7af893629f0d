//! Every kind of bad request is rejected before a trait method runs, with the right status and
//! Infisical's error body naming the field, and the server keeps answering afterwards.

mod common;

use serde_json::Value;

fn assert_error(status: u16, body: &Value, expected_status: u16, error: &str, message_part: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["statusCode"], expected_status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(message_part),
        "`{message}` lacks `{message_part}`"
    );
    let req_id = body["reqId"].as_str().unwrap_or_default();
    assert!(req_id.starts_with("req-"), "{body}");
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_field() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    let create = "/api/v3/secrets/raw/NAME";
    let p = common::PROJECT;
    let cases: Vec<(String, &str)> = vec![
        // Malformed JSON.
        (r#"{"workspaceId": "#.to_owned(), "malformed JSON"),
        ("[1, 2".to_owned(), "malformed JSON"),
        // A required field is missing.
        (
            format!(r#"{{"workspaceId":"{p}","environment":"dev"}}"#),
            "body.secretValue: is required",
        ),
        // Wrong JSON types.
        (
            format!(r#"{{"workspaceId":"{p}","environment":"dev","secretValue":42}}"#),
            "body.secretValue: expected a string, found a number",
        ),
        (
            format!(
                r#"{{"workspaceId":"{p}","environment":"dev","secretValue":"v","skipMultilineEncoding":"yes"}}"#
            ),
            "body.skipMultilineEncoding: expected a boolean",
        ),
        (
            format!(
                r#"{{"workspaceId":"{p}","environment":"dev","secretValue":"v","tagIds":"t"}}"#
            ),
            "body.tagIds: expected an array",
        ),
        ("42".to_owned(), "body: expected an object"),
        // An enum value the document does not list (the types would accept it as `Unknown`).
        (
            format!(
                r#"{{"workspaceId":"{p}","environment":"dev","secretValue":"v","type":"secret-ish"}}"#
            ),
            "body.type: unknown value \"secret-ish\"",
        ),
        // null where the document does not allow it.
        (
            format!(
                r#"{{"workspaceId":"{p}","environment":"dev","secretValue":"v","secretComment":null}}"#
            ),
            "body.secretComment: must not be null",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = server.call("POST", create, Some(&token), Some(&body)).await;
        assert_error(status, &answer, 400, "ValidationFailure", message);
    }
    // An empty body where one is required.
    let (status, answer) = server.call("POST", create, Some(&token), None).await;
    assert_error(
        status,
        &answer,
        400,
        "ValidationFailure",
        "body: a JSON body is required",
    );
    server.assert_alive().await;
}

#[tokio::test]
async fn lengths_items_tags_and_formats_are_checked() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    let roles = &format!("/api/v2/workspace/{}/roles", common::PROJECT);
    let cases = [
        // minLength on the role slug.
        (
            r#"{"slug":"","name":"n","permissions":[]}"#,
            "body.slug: must not be empty",
        ),
        // An unknown union tag (the types keep it as `Unknown`, the server refuses it).
        (
            r#"{"slug":"r","name":"n","permissions":[{"subject":"cats","action":"read"}]}"#,
            "body.permissions[0].subject: unknown value \"cats\"",
        ),
        // An action that the subject's enum does not list.
        (
            r#"{"slug":"r","name":"n","permissions":[{"subject":"secrets","action":["read","fly"]}]}"#,
            "body.permissions[0].action[1]: unknown value \"fly\"",
        ),
        // The tag is missing.
        (
            r#"{"slug":"r","name":"n","permissions":[{"action":"read"}]}"#,
            "body.permissions[0].subject: is required",
        ),
        // A wrong type inside a tagged variant's conditions.
        (
            r#"{"slug":"r","name":"n","permissions":[{"subject":"secrets","action":"read","conditions":{"environment":7}}]}"#,
            "body.permissions[0].conditions.environment",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = server.call("POST", roles, Some(&token), Some(body)).await;
        assert_error(status, &answer, 400, "ValidationFailure", message);
    }
    // minLength on the login body.
    let (status, answer) = server
        .call(
            "POST",
            "/api/v1/auth/universal-auth/login",
            None,
            Some(r#"{"clientId":"","clientSecret":"x"}"#),
        )
        .await;
    assert!(status == 400 || status == 401, "{answer}");
    server.assert_alive().await;
}

#[tokio::test]
async fn query_and_path_parameters_are_checked() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    // A boolean query flag that is not a boolean.
    let (status, answer) = server
        .call(
            "GET",
            "/api/v3/secrets/raw?environment=dev&recursive=maybe",
            Some(&token),
            None,
        )
        .await;
    assert_error(
        status,
        &answer,
        400,
        "ValidationFailure",
        "query.recursive: expected `true` or `false`",
    );
    // A number that is not a number.
    let (status, answer) = server
        .call(
            "GET",
            "/api/v3/secrets/raw/X?environment=dev&version=two",
            Some(&token),
            None,
        )
        .await;
    assert_error(
        status,
        &answer,
        400,
        "ValidationFailure",
        "query.version: expected an integer",
    );
    // An enum query value that is not listed.
    let (status, answer) = server
        .call(
            "GET",
            "/api/v3/secrets/raw/X?environment=dev&type=other",
            Some(&token),
            None,
        )
        .await;
    assert_error(
        status,
        &answer,
        400,
        "ValidationFailure",
        "query.type: unknown value \"other\"",
    );
    // A repeated parameter that takes one value.
    let (status, answer) = server
        .call(
            "GET",
            "/api/v3/secrets/raw?environment=dev&environment=prod",
            Some(&token),
            None,
        )
        .await;
    assert_error(
        status,
        &answer,
        400,
        "ValidationFailure",
        "query.environment: expected one value, found 2",
    );
    // A path parameter with a `uuid` format.
    let (status, answer) = server
        .call("DELETE", "/api/v1/kms/keys/not-a-uuid", Some(&token), None)
        .await;
    assert_error(
        status,
        &answer,
        400,
        "ValidationFailure",
        "path.keyId: expected a UUID",
    );
    // Invalid UTF-8 once percent-decoded.
    let (status, answer) = server
        .call(
            "GET",
            "/api/v3/secrets/raw/%FF%FE?environment=dev",
            Some(&token),
            None,
        )
        .await;
    assert_error(status, &answer, 400, "ValidationFailure", "path.secretName");
    server.assert_alive().await;
}

#[tokio::test]
async fn tokens_sizes_media_types_routes_and_methods() {
    let server = common::start(&common::seed()).await;
    // No token where the document requires one: 401 before anything else is looked at.
    let (status, answer) = server
        .call("GET", "/api/v3/secrets/raw?recursive=maybe", None, None)
        .await;
    assert_error(
        status,
        &answer,
        401,
        "UnauthorizedError",
        "Missing authorization header",
    );
    // A malformed authorization header.
    let response = server
        .http
        .get(format!("{}/api/v3/secrets/raw", server.base))
        .header("authorization", "Basic abc")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 401);
    // A token the server never issued.
    let (status, answer) = server
        .call(
            "GET",
            "/api/v3/secrets/raw?environment=dev",
            Some("forged"),
            None,
        )
        .await;
    assert_error(status, &answer, 401, "UnauthorizedError", "Invalid token");
    let token = server.login("admin-id", "admin-secret").await;
    // A body over the limit (1 MiB).
    let huge = format!(
        r#"{{"workspaceId":"{}","environment":"dev","secretValue":"{}"}}"#,
        common::PROJECT,
        "x".repeat(2 << 20)
    );
    let (status, answer) = server
        .call("POST", "/api/v3/secrets/raw/BIG", Some(&token), Some(&huge))
        .await;
    assert_error(status, &answer, 413, "PayloadTooLarge", "larger than");
    // A body that is not JSON.
    let response = server
        .http
        .post(format!("{}/api/v3/secrets/raw/X", server.base))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("secretValue=1")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 415);
    // Deeply nested JSON is refused, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, answer) = server
        .call("POST", "/api/v3/secrets/raw/X", Some(&token), Some(&deep))
        .await;
    assert_error(status, &answer, 400, "ValidationFailure", "malformed JSON");
    // Unknown routes and methods keep Infisical's shape.
    let (status, answer) = server.call("GET", "/api/v9/nothing", None, None).await;
    assert_error(
        status,
        &answer,
        404,
        "NotFound",
        "Route GET:/api/v9/nothing not found",
    );
    let (status, answer) = server
        .call("PUT", "/api/v3/secrets/raw", Some(&token), None)
        .await;
    assert_error(
        status,
        &answer,
        405,
        "MethodNotAllowed",
        "does not accept this method",
    );
    // An operation mini-infisical does not implement.
    let (status, answer) = server
        .call("GET", "/api/v2/service-token", Some(&token), None)
        .await;
    assert_error(
        status,
        &answer,
        501,
        "NotImplemented",
        "GET /api/v2/service-token",
    );
    server.assert_alive().await;
}

#[tokio::test]
async fn garbage_never_panics_or_500s() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    let bodies = [
        "",
        "null",
        "true",
        "\"text\"",
        "{}",
        "[]",
        "{\"a\":",
        "\u{0}",
        "{\"workspaceId\":{}}",
        "{\"permissions\":[null]}",
        "{\"slug\":\"\\ud800\"}",
        "1e999999",
        "-0",
        "{\"x\":1,\"x\":2}",
    ];
    let routes = [
        ("POST", "/api/v3/secrets/raw/A"),
        ("PATCH", "/api/v3/secrets/raw/A"),
        ("DELETE", "/api/v3/secrets/raw/A"),
        ("POST", "/api/v2/workspace/demo/roles"),
        ("POST", "/api/v1/folders"),
        ("POST", "/api/v2/workspace"),
        ("POST", "/api/v1/auth/universal-auth/login"),
        ("POST", "/api/v1/auth/token/renew"),
        ("POST", "/api/v1/workspace/x/environments"),
    ];
    for (method, path) in routes {
        for body in bodies {
            let (status, answer) = server.call(method, path, Some(&token), Some(body)).await;
            assert!(
                (400..500).contains(&status),
                "{method} {path} {body:?}: {status} {answer}"
            );
            assert!(answer["message"].is_string(), "{answer}");
        }
    }
    server.assert_alive().await;
}
