//! The reference server's behaviour over HTTP: login and renewal, projects and environments,
//! folders, the secret lifecycle, and roles whose permissions are enforced.

mod common;

use serde_json::json;

#[tokio::test]
async fn login_and_renew() {
    let server = common::start(&common::seed()).await;
    let body = json!({"clientId": "admin-id", "clientSecret": "admin-secret"}).to_string();
    let (status, answer) = server
        .call(
            "POST",
            "/api/v1/auth/universal-auth/login",
            None,
            Some(&body),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["tokenType"], "Bearer");
    assert_eq!(answer["expiresIn"], 7200.0);
    assert_eq!(answer["accessTokenMaxTTL"], 2_592_000.0);
    let token = answer["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let renew = json!({"accessToken": token}).to_string();
    let (status, renewed) = server
        .call("POST", "/api/v1/auth/token/renew", None, Some(&renew))
        .await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(renewed["accessToken"], token.as_str());
    let wrong = json!({"clientId": "admin-id", "clientSecret": "nope"}).to_string();
    let (status, answer) = server
        .call(
            "POST",
            "/api/v1/auth/universal-auth/login",
            None,
            Some(&wrong),
        )
        .await;
    assert_eq!(status, 401, "{answer}");
    let (status, _) = server
        .call(
            "POST",
            "/api/v1/auth/token/renew",
            None,
            Some(r#"{"accessToken":"forged"}"#),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn secret_lifecycle() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    let p = common::PROJECT;
    let create = json!({"workspaceId": p, "environment": "dev", "secretValue": "s3cret", "secretComment": "db"});
    let (status, created) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/DB_PASSWORD",
            Some(&token),
            Some(&create.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["secret"]["secretKey"], "DB_PASSWORD");
    assert_eq!(created["secret"]["version"], 1.0);
    let (status, again) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/DB_PASSWORD",
            Some(&token),
            Some(&create.to_string()),
        )
        .await;
    assert_eq!(status, 400, "{again}");

    let (status, got) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw/DB_PASSWORD?workspaceId={p}&environment=dev"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["secret"]["secretValue"], "s3cret");

    let update = json!({"workspaceId": p, "environment": "dev", "secretValue": "n3w", "newSecretName": "DB_PASS"});
    let (status, updated) = server
        .call(
            "PATCH",
            "/api/v3/secrets/raw/DB_PASSWORD",
            Some(&token),
            Some(&update.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["secret"]["version"], 2.0);
    assert_eq!(updated["secret"]["secretKey"], "DB_PASS");

    let (status, list) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw?workspaceId={p}&environment=dev"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let keys: Vec<&str> = list["secrets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["secretKey"].as_str())
        .collect();
    assert_eq!(keys, ["DB_PASS"]);

    let delete = json!({"workspaceId": p, "environment": "dev"}).to_string();
    let (status, deleted) = server
        .call(
            "DELETE",
            "/api/v3/secrets/raw/DB_PASS",
            Some(&token),
            Some(&delete),
        )
        .await;
    assert_eq!(status, 200, "{deleted}");
    let (status, missing) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw/DB_PASS?workspaceId={p}&environment=dev"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["error"], "NotFound");
    // An environment that does not exist.
    let (status, _) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw?workspaceId={p}&environment=nope"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn roles_are_enforced() {
    let server = common::start(&common::seed()).await;
    let admin = server.login("admin-id", "admin-secret").await;
    let reader = server.login("reader-id", "reader-secret").await;
    let dev = server.login("dev-id", "dev-secret").await;
    let p = common::PROJECT;
    let body = |env: &str, path: &str| {
        json!({"workspaceId": p, "environment": env, "secretPath": path, "secretValue": "v"})
            .to_string()
    };
    let (status, _) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/A",
            Some(&admin),
            Some(&body("dev", "/")),
        )
        .await;
    assert_eq!(status, 200);
    // The reader reads, but may not write.
    let (status, _) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw/A?workspaceId={p}&environment=dev"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, denied) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/B",
            Some(&reader),
            Some(&body("dev", "/")),
        )
        .await;
    assert_eq!(status, 403, "{denied}");
    assert_eq!(denied["error"], "PermissionDenied");
    assert_eq!(denied["statusCode"], 403);
    let (status, _) = server
        .call(
            "PATCH",
            "/api/v3/secrets/raw/A",
            Some(&reader),
            Some(&body("dev", "/")),
        )
        .await;
    assert_eq!(status, 403);
    // The dev writer writes under /app in dev only (once the admin made the folders).
    server.folder(&admin, "dev", "/", "app").await;
    server.folder(&admin, "dev", "/app", "api").await;
    server.folder(&admin, "prod", "/", "app").await;
    server.folder(&admin, "prod", "/app", "api").await;
    let (status, answer) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/C",
            Some(&dev),
            Some(&body("dev", "/app/api")),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/C",
            Some(&dev),
            Some(&body("prod", "/app/api")),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/C",
            Some(&dev),
            Some(&body("dev", "/other")),
        )
        .await;
    assert_eq!(status, 403);
    // A role created through the API, then tightened: the admin gives it to nobody, but the
    // reader's role can be edited so that it loses read access.
    let (status, roles) = server
        .call(
            "GET",
            &format!("/api/v2/workspace/{p}/roles"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{roles}");
    let reader_role = roles["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["slug"] == "secrets-reader")
        .and_then(|r| r["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let tighten = json!({"permissions": [{"subject": "secrets", "action": "read", "conditions": {"environment": "prod"}}]});
    let (status, updated) = server
        .call(
            "PATCH",
            &format!("/api/v2/workspace/{p}/roles/{reader_role}"),
            Some(&admin),
            Some(&tighten.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let (status, _) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw/A?workspaceId={p}&environment=dev"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(status, 403);
    // Non-admins may not manage roles.
    let (status, _) = server
        .call(
            "POST",
            &format!("/api/v2/workspace/{p}/roles"),
            Some(&reader),
            Some(r#"{"slug":"x","name":"x","permissions":[]}"#),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn projects_and_environments() {
    let server = common::start(&common::seed()).await;
    let token = server.login("admin-id", "admin-secret").await;
    let (status, created) = server
        .call(
            "POST",
            "/api/v2/workspace",
            Some(&token),
            Some(r#"{"projectName":"Second Project"}"#),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["project"]["slug"], "second-project");
    let id = created["project"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(created["project"]["type"], "secret-manager");
    let environments: Vec<&str> = created["project"]["environments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["slug"].as_str())
        .collect();
    assert_eq!(environments, ["dev", "staging", "prod"]);
    let org = created["project"]["orgId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let projects = format!("/api/v2/organizations/{org}/workspaces");
    let (status, list) = server.call("GET", &projects, Some(&token), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["workspaces"].as_array().map(Vec::len), Some(2));
    assert_eq!(list["workspaces"][0]["organization"], org.as_str());
    let (status, _) = server.call("GET", &projects, None, None).await;
    assert_eq!(status, 401);
    let (status, _) = server
        .call(
            "GET",
            "/api/v2/organizations/another-org/workspaces",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 403);
    // Without the default environments.
    let (status, bare) = server
        .call(
            "POST",
            "/api/v2/workspace",
            Some(&token),
            Some(r#"{"projectName":"Bare","shouldCreateDefaultEnvs":false}"#),
        )
        .await;
    assert_eq!(status, 200, "{bare}");
    assert_eq!(bare["project"]["environments"], serde_json::json!([]));

    let (status, env) = server
        .call(
            "POST",
            &format!("/api/v1/workspace/{id}/environments"),
            Some(&token),
            Some(r#"{"name":"QA","slug":"qa"}"#),
        )
        .await;
    assert_eq!(status, 200, "{env}");
    let env_id = env["environment"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, got) = server
        .call(
            "GET",
            &format!("/api/v1/workspace/{id}/environments/{env_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["environment"]["slug"], "qa");
    let (status, renamed) = server
        .call(
            "PATCH",
            &format!("/api/v1/workspace/{id}/environments/{env_id}"),
            Some(&token),
            Some(r#"{"slug":"test"}"#),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["environment"]["slug"], "test");
    let (status, _) = server
        .call(
            "DELETE",
            &format!("/api/v1/workspace/{id}/environments/{env_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .call(
            "DELETE",
            &format!("/api/v1/workspace/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .call(
            "GET",
            &format!("/api/v1/workspace/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 404);
    // The reader is a member of the seeded project, but may not delete it.
    let reader = server.login("reader-id", "reader-secret").await;
    let (status, _) = server
        .call(
            "DELETE",
            &format!("/api/v1/workspace/{}", common::PROJECT),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn folders_hold_secrets() {
    let server = common::start(&common::seed()).await;
    let admin = server.login("admin-id", "admin-secret").await;
    let dev = server.login("dev-id", "dev-secret").await;
    let p = common::PROJECT;
    let created = server.folder(&admin, "dev", "/", "app").await;
    assert_eq!(created["folder"]["name"], "app");
    let app_id = created["folder"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let api = server.folder(&admin, "dev", "/app", "api").await;
    assert_eq!(api["folder"]["parentId"], app_id.as_str());
    // The same name twice, a name with a slash, a parent that does not exist, an unknown
    // environment.
    let create = |env: &str, path: &str, name: &str| {
        json!({"workspaceId": p, "environment": env, "path": path, "name": name}).to_string()
    };
    for (body, expected) in [
        (create("dev", "/", "app"), 400),
        (create("dev", "/", "a/b"), 400),
        (create("dev", "/missing", "x"), 404),
        (create("nope", "/", "x"), 404),
    ] {
        let (status, answer) = server
            .call("POST", "/api/v1/folders", Some(&admin), Some(&body))
            .await;
        assert_eq!(status, expected, "{body}: {answer}");
    }
    // The deprecated `directory` still names the parent.
    let (status, answer) = server
        .call(
            "POST",
            "/api/v1/folders",
            Some(&admin),
            Some(&json!({"workspaceId": p, "environment": "dev", "directory": "/app", "name": "web"}).to_string()),
        )
        .await;
    assert_eq!(status, 200, "{answer}");

    let names = |answer: &serde_json::Value| -> Vec<String> {
        answer["folders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect()
    };
    let (status, top) = server
        .call(
            "GET",
            &format!("/api/v1/folders?workspaceId={p}&environment=dev"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{top}");
    assert_eq!(names(&top), ["app"]);
    let (status, below) = server
        .call(
            "GET",
            &format!("/api/v1/folders?workspaceId={p}&environment=dev&path=/app"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{below}");
    assert_eq!(names(&below), ["api", "web"]);
    let (status, all) = server
        .call(
            "GET",
            &format!("/api/v1/folders?workspaceId={p}&environment=dev&recursive=true"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(names(&all), ["app", "api", "web"]);
    // Other environments have their own folders.
    let (status, prod) = server
        .call(
            "GET",
            &format!("/api/v1/folders?workspaceId={p}&environment=prod"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{prod}");
    assert!(names(&prod).is_empty());

    // Secrets live in folders: none where no folder is.
    let secret = |path: &str| {
        json!({"workspaceId": p, "environment": "dev", "secretPath": path, "secretValue": "v"})
            .to_string()
    };
    let (status, missing) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/K",
            Some(&admin),
            Some(&secret("/nowhere")),
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    let (status, answer) = server
        .call(
            "POST",
            "/api/v3/secrets/raw/K",
            Some(&admin),
            Some(&secret("/app/api/")),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, list) = server
        .call(
            "GET",
            &format!(
                "/api/v3/secrets/raw?workspaceId={p}&environment=dev&secretPath=/app&recursive=true"
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["secrets"][0]["secretKey"], "K");
    assert_eq!(list["secrets"][0]["secretPath"], "/app/api");
    let (status, _) = server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw?workspaceId={p}&environment=dev&secretPath=/nowhere"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 404);

    // Folder rules are enforced with their own conditions: the dev writer may not create folders
    // until its role says so, and then only under /app.
    let (status, denied) = server
        .call(
            "POST",
            "/api/v1/folders",
            Some(&dev),
            Some(&create("dev", "/app", "mine")),
        )
        .await;
    assert_eq!(status, 403, "{denied}");
    let (status, roles) = server
        .call(
            "GET",
            &format!("/api/v2/workspace/{p}/roles"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{roles}");
    let role = roles["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["slug"] == "dev-writer")
        .and_then(|r| r["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let widen = json!({"permissions": [
        {"subject": "secret-folders", "action": ["create", "read"],
         "conditions": {"environment": {"$eq": "dev"}, "secretPath": {"$glob": "/app/**"}}}
    ]});
    let (status, updated) = server
        .call(
            "PATCH",
            &format!("/api/v2/workspace/{p}/roles/{role}"),
            Some(&admin),
            Some(&widen.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated["role"]["permissions"][0]["subject"],
        "secret-folders"
    );
    let (status, answer) = server
        .call(
            "POST",
            "/api/v1/folders",
            Some(&dev),
            Some(&create("dev", "/app", "mine")),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = server
        .call(
            "POST",
            "/api/v1/folders",
            Some(&dev),
            Some(&create("dev", "/", "top")),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .call(
            "GET",
            &format!("/api/v1/folders?workspaceId={p}&environment=dev"),
            Some(&dev),
            None,
        )
        .await;
    assert_eq!(status, 403);
}
