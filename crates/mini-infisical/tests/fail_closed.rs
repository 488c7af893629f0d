//! Regression tests for issue 13 item 3, "fail closed everywhere", over HTTP on 127.0.0.1: one test
//! per measured defect (roles whose unknown condition parts were dropped and then matched
//! everything, `..` in secret paths, token revocation answering 501).

mod common;

use common::{PROJECT, Running};
use mini_infisical::{Seed, SeedRole};
use serde_json::{Value, json};

/// An admin and `restricted`, whose role `scoped` may read secrets in `dev` under `/app` only.
fn seed_json() -> Value {
    json!({
        "identities": [
            {"name": "admin", "clientId": "admin-id", "clientSecret": "admin-secret", "role": "admin"},
            {"name": "restricted", "clientId": "r-id", "clientSecret": "r-secret", "role": "scoped"}
        ],
        "projects": [{"name": "Demo", "slug": "demo", "id": PROJECT}],
        "roles": [{"slug": "scoped", "permissions": [
            {"subject": "secrets", "action": "read",
             "conditions": {"environment": "dev", "secretPath": {"$glob": "/app/**"}}}
        ]}]
    })
}

struct World {
    server: Running,
    admin: String,
    restricted: String,
}

/// The server, with folders `/app` in dev and prod and the secret `S` in `dev:/`, `dev:/app`,
/// `prod:/` and `prod:/app`.
async fn world(seed: &Seed) -> World {
    let server = common::start(seed).await;
    let admin = server.login("admin-id", "admin-secret").await;
    let restricted = server.login("r-id", "r-secret").await;
    for env in ["dev", "prod"] {
        server.folder(&admin, env, "/", "app").await;
        for path in ["/", "/app"] {
            let body = json!({"workspaceId": PROJECT, "environment": env, "secretPath": path,
                              "secretValue": format!("{env}{path}")});
            let (status, answer) = server
                .call(
                    "POST",
                    "/api/v3/secrets/raw/S",
                    Some(&admin),
                    Some(&body.to_string()),
                )
                .await;
            assert_eq!(status, 200, "{answer}");
        }
    }
    World {
        server,
        admin,
        restricted,
    }
}

impl World {
    /// The status of reading `S` in `env` at `path` as the restricted identity.
    async fn read(&self, env: &str, path: &str) -> (u16, Value) {
        self.server
            .call(
                "GET",
                &format!(
                    "/api/v3/secrets/raw/S?workspaceId={PROJECT}&environment={env}&secretPath={path}"
                ),
                Some(&self.restricted),
                None,
            )
            .await
    }

    async fn role_id(&self, slug: &str) -> String {
        let (status, answer) = self
            .server
            .call(
                "GET",
                &format!("/api/v2/workspace/{PROJECT}/roles/slug/{slug}"),
                Some(&self.admin),
                None,
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        answer["role"]["id"].as_str().expect("an id").to_owned()
    }

    /// Replaces the permissions of `scoped`.
    async fn set_rules(&self, rules: &Value) -> (u16, Value) {
        let id = self.role_id("scoped").await;
        self.server
            .call(
                "PATCH",
                &format!("/api/v2/workspace/{PROJECT}/roles/{id}"),
                Some(&self.admin),
                Some(&json!({"permissions": rules}).to_string()),
            )
            .await
    }

    /// Creates a role with `rules`.
    async fn create_role(&self, slug: &str, rules: &Value) -> (u16, Value) {
        self.server
            .call(
                "POST",
                &format!("/api/v2/workspace/{PROJECT}/roles"),
                Some(&self.admin),
                Some(&json!({"slug": slug, "name": slug, "permissions": rules}).to_string()),
            )
            .await
    }
}

fn seed() -> Seed {
    Seed::from_json(&seed_json().to_string()).expect("the test seed is valid")
}

/// The eight roles of the measurement (and a few more): each carries a condition part the document
/// does not allow. Each is a 400 naming the field, on create and on update, and the role stays as
/// it was, so the restricted identity still cannot read outside `dev:/app`.
#[tokio::test]
async fn role_conditions_with_unknown_keys_or_operators_are_rejected_not_dropped() {
    let w = world(&seed()).await;
    let secrets = |conditions: Value| json!([{"subject": "secrets", "action": "read", "conditions": conditions}]);
    let cases = [
        (
            json!([{"subject": "secret-folders", "action": "read", "conditions": {"environment": {"$glob": "dev"}}}]),
            "body.permissions[0].conditions.environment: unknown operator \"$glob\"",
        ),
        (
            secrets(json!({"environment": {"$EQ": "dev"}})),
            "body.permissions[0].conditions.environment: unknown operator \"$EQ\"",
        ),
        (
            secrets(json!({"environment": {}})),
            "body.permissions[0].conditions.environment: empty condition object",
        ),
        (
            secrets(json!({})),
            "body.permissions[0].conditions: empty conditions object",
        ),
        (
            secrets(json!({"secretPath": {"$regex": "^/app"}})),
            "body.permissions[0].conditions.secretPath: unknown operator \"$regex\"",
        ),
        (
            secrets(json!({"secretPath": {"$Glob": "/app/**"}})),
            "body.permissions[0].conditions.secretPath: unknown operator \"$Glob\"",
        ),
        (
            secrets(json!({"environment": {"$glob": "dev", "$nin": ["prod"]}})),
            "body.permissions[0].conditions.environment: unknown operator \"$nin\"",
        ),
        (
            secrets(json!({"envirnoment": "dev"})),
            "body.permissions[0].conditions: unknown condition \"envirnoment\"",
        ),
        (
            json!([{"subject": "secrets", "action": "read", "condtions": {"environment": "dev"}}]),
            "body.permissions[0]: unknown property \"condtions\"",
        ),
        (
            secrets(json!({"secretPath": {"$in": ["/app", "/../prod"]}})),
            "body.permissions[0].conditions.secretPath.$in[1]: path \"/../prod\" climbs above the root folder",
        ),
    ];
    for (index, (rules, expected)) in cases.iter().enumerate() {
        let (status, answer) = w.set_rules(rules).await;
        assert_eq!(status, 400, "{rules}: {answer}");
        assert_eq!(answer["error"], "ValidationFailure", "{answer}");
        assert_eq!(answer["statusCode"], 400, "{answer}");
        assert_eq!(answer["message"], *expected, "{rules}");
        let (status, answer) = w.create_role(&format!("bad-{index}"), rules).await;
        assert_eq!(status, 400, "{rules}: {answer}");
        assert_eq!(answer["message"], *expected, "{rules}");
        assert_eq!(w.read("prod", "/").await.0, 403, "{rules}");
        assert_eq!(w.read("dev", "/").await.0, 403, "{rules}");
        assert_eq!(w.read("dev", "/app").await.0, 200, "{rules}");
    }
    // What the document allows still works: secrets' environment does take `$glob`.
    let (status, answer) = w
        .set_rules(&secrets(
            json!({"environment": {"$glob": "d*"}, "secretPath": {"$eq": "/app"}}),
        ))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(w.read("dev", "/app").await.0, 200);
    assert_eq!(w.read("prod", "/app").await.0, 403);
    assert_eq!(w.read("dev", "/").await.0, 403);
}

/// A role stored without the strict check (built in code, bypassing `Seed::from_json`) keeps
/// what serde made of an unknown operator, an operator object with no operator: it grants
/// nothing, and an inverted rule like it forbids.
#[tokio::test]
async fn stored_roles_with_conditions_not_understood_deny() {
    let mut seed = seed();
    let decode = |rules: Value| serde_json::from_value(rules).expect("the types decode it");
    seed.roles = vec![SeedRole {
        slug: "scoped".to_owned(),
        name: None,
        permissions: decode(json!([
            {"subject": "secrets", "action": "read", "conditions": {"secretPath": {"$regex": "^/app"}}}
        ])),
    }];
    let w = world(&seed).await;
    for (env, path) in [
        ("dev", "/"),
        ("dev", "/app"),
        ("prod", "/"),
        ("prod", "/app"),
    ] {
        assert_eq!(w.read(env, path).await.0, 403, "{env}:{path}");
    }
    let mut seed = self::seed();
    seed.roles = vec![SeedRole {
        slug: "scoped".to_owned(),
        name: None,
        permissions: decode(json!([
            {"subject": "secrets", "action": "read"},
            {"subject": "secrets", "action": "read", "inverted": true,
             "conditions": {"environment": {"$nin": ["dev"]}}}
        ])),
    }];
    let w = world(&seed).await;
    assert_eq!(w.read("dev", "/").await.0, 403);
    assert_eq!(w.read("prod", "/").await.0, 403);
    // And the seed file path checks strictly, naming the field.
    let mut bad = seed_json();
    bad["roles"][0]["permissions"][0]["conditions"] = json!({"secretPath": {"$regex": "x"}});
    let error = Seed::from_json(&bad.to_string()).expect_err("an unknown operator");
    assert!(
        error
            .to_string()
            .contains("roles[0].permissions[0].conditions.secretPath: unknown operator \"$regex\""),
        "{error}"
    );
}

/// `..` in a secret path used to be kept as a segment: `/app/..` matched `/app/**`. Paths are
/// now normalized before matching, and one above the root is a 400.
#[tokio::test]
async fn dot_dot_in_secret_path_is_normalized_or_rejected() {
    let w = world(&seed()).await;
    // `/app/..` is `/`: outside the role's `/app/**`.
    let (status, answer) = w.read("dev", "/app/..").await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(w.read("dev", "/app/../app/./").await.0, 200);
    let (status, answer) = w.read("dev", "//app//").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["secret"]["secretValue"], "dev/app");
    let (status, answer) = w.read("dev", "/app/../../prod").await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"], "ValidationFailure");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("query.secretPath:")),
        "{answer}"
    );
    // Writes land at the normalized path, and a write above the root is refused.
    let body = |path: &str| {
        json!({"workspaceId": PROJECT, "environment": "dev", "secretPath": path, "secretValue": "v"})
            .to_string()
    };
    let (status, answer) = w
        .server
        .call(
            "POST",
            "/api/v3/secrets/raw/T",
            Some(&w.admin),
            Some(&body("/app/./x/..")),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = w.read("dev", "/app").await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = w
        .server
        .call(
            "POST",
            "/api/v3/secrets/raw/U",
            Some(&w.admin),
            Some(&body("/..")),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    // Folders too.
    let folder =
        json!({"workspaceId": PROJECT, "environment": "dev", "path": "/app/../..", "name": "x"});
    let (status, answer) = w
        .server
        .call(
            "POST",
            "/api/v1/folders",
            Some(&w.admin),
            Some(&folder.to_string()),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("body.path:")),
        "{answer}"
    );
    let (status, answer) = w
        .server
        .call(
            "GET",
            &format!("/api/v1/folders?workspaceId={PROJECT}&environment=dev&path=/app/.."),
            Some(&w.admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["folders"][0]["name"], "app", "{answer}");
}

/// Revocation answered 501, so a revoked token stayed valid; now it is a 401 from then on.
#[tokio::test]
async fn revoked_token_gets_401() {
    let w = world(&seed()).await;
    let token = w.server.login("r-id", "r-secret").await;
    let read = |token: &str| {
        let path =
            format!("/api/v3/secrets/raw/S?workspaceId={PROJECT}&environment=dev&secretPath=/app");
        let server = &w.server;
        let token = token.to_owned();
        async move { server.call("GET", &path, Some(&token), None).await.0 }
    };
    assert_eq!(read(&token).await, 200);
    let body = json!({"accessToken": token}).to_string();
    let (status, answer) = w
        .server
        .call("POST", "/api/v1/auth/token/revoke", None, Some(&body))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["message"], "Successfully revoked access token");
    assert_eq!(read(&token).await, 401);
    let (status, _) = w
        .server
        .call("POST", "/api/v1/auth/token/renew", None, Some(&body))
        .await;
    assert_eq!(status, 401);
    let (status, answer) = w
        .server
        .call("POST", "/api/v1/auth/token/revoke", None, Some(&body))
        .await;
    assert_eq!(status, 401, "{answer}");
    // Other tokens of the same identity are untouched.
    assert_eq!(read(&w.restricted).await, 200);
}

/// `secretName` conditions used to be ignored, granting every name.
#[tokio::test]
async fn secret_name_conditions_are_enforced() {
    let w = world(&seed()).await;
    let (status, answer) = w
        .set_rules(&json!([{"subject": "secrets", "action": "read",
                            "conditions": {"secretName": {"$eq": "OTHER"}}}]))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(w.read("dev", "/").await.0, 403);
    let (status, answer) = w
        .set_rules(&json!([
            {"subject": "secrets", "action": "read"},
            {"subject": "secrets", "action": "read", "inverted": true,
             "conditions": {"secretName": {"$in": ["S"]}}}
        ]))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(w.read("dev", "/").await.0, 403);
    // A listing shows only what the role may read, name by name.
    let (status, answer) = w
        .server
        .call(
            "GET",
            &format!("/api/v3/secrets/raw?workspaceId={PROJECT}&environment=dev&secretPath=/"),
            Some(&w.restricted),
            None,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["secrets"], json!([]), "{answer}");
}
