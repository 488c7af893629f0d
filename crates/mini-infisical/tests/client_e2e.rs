//! End to end: the generated client (`infisical-client`) against the reference server on
//! 127.0.0.1: login, the full secret lifecycle, permission denial, requests the server rejects,
//! and the server answering afterwards.

mod common;

use infisical_client::types::{
    CreateFolderV1Body, CreateSecretsRawV3Body, CreateSecretsRawV3Response,
    CreateWorkspaceRoleV2Body, DeleteSecretsRawV3Body, DeleteSecretsRawV3Response,
    GetSecretsRawV3ParamsType, GetSecretsRawV3Query, ListFoldersV1Query, ListSecretsRawV3Query,
    ProjectPermission, UpdateSecretsRawV3Body,
};
use infisical_client::{Client, Error};

async fn client(server: &common::Running, id: &str, secret: &str) -> Client {
    Client::builder()
        .base_url(server.base.clone())
        .universal_auth(id, secret)
        .build()
        .expect("client")
}

fn api_error(result: Result<impl std::fmt::Debug, Error>) -> (u16, String, String) {
    match result {
        Err(Error::Api(e)) => {
            let body = e.body.as_ref().expect("Infisical's error body");
            assert_eq!(i64::from(e.status), body.status_code);
            let message = body
                .message
                .as_ref()
                .and_then(|m| match m {
                    infisical_client::types::ErrorMessage::String(text) => Some(text.as_str()),
                    _ => None,
                })
                .unwrap_or_default();
            (e.status, body.error.clone(), message.to_owned())
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn list_query(environment: &str) -> ListSecretsRawV3Query {
    ListSecretsRawV3Query {
        workspace_id: Some(common::PROJECT.to_owned()),
        environment: Some(environment.to_owned()),
        ..Default::default()
    }
}

#[tokio::test]
async fn secret_lifecycle_through_the_client() {
    let server = common::start(&common::seed()).await;
    let admin = client(&server, "admin-id", "admin-secret").await;
    let secrets = admin.secrets();

    let mut body = CreateSecretsRawV3Body::new(
        common::PROJECT.to_owned(),
        "dev".to_owned(),
        "s3cret".to_owned(),
    );
    body.secret_comment = "the database".to_owned();
    let created = secrets
        .create_raw_v3("DB_PASSWORD", &body)
        .await
        .expect("create");
    let CreateSecretsRawV3Response::Secret(created) = created else {
        panic!("expected the created secret, got {created:?}");
    };
    assert_eq!(created.secret.secret_key, "DB_PASSWORD");
    assert_eq!(created.secret.secret_comment, "the database");

    let got = secrets
        .get_raw_v3(
            "DB_PASSWORD",
            &GetSecretsRawV3Query {
                workspace_id: Some(common::PROJECT.to_owned()),
                environment: Some("dev".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("get");
    assert_eq!(got.secret.secret_value, "s3cret");

    let mut update = UpdateSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned());
    update.secret_value = Some("n3w".to_owned());
    update.new_secret_name = Some("DB_PASS".to_owned());
    let updated = secrets
        .update_raw_v3("DB_PASSWORD", &update)
        .await
        .expect("update");
    let DeleteSecretsRawV3Response::Secret(updated) = updated else {
        panic!("expected the updated secret, got {updated:?}");
    };
    assert_eq!(updated.secret.version, 2);
    assert!(!updated.secret.secret_value_hidden);

    let listed = secrets.list_raw_v3(&list_query("dev")).await.expect("list");
    let pairs: Vec<(&str, &str)> = listed
        .secrets
        .iter()
        .map(|s| (s.secret_key.as_str(), s.secret_value.as_str()))
        .collect();
    assert_eq!(pairs, [("DB_PASS", "n3w")]);

    let delete = DeleteSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned());
    secrets
        .delete_raw_v3("DB_PASS", &delete)
        .await
        .expect("delete");
    let listed = secrets.list_raw_v3(&list_query("dev")).await.expect("list");
    assert!(listed.secrets.is_empty());

    let gone = secrets.delete_raw_v3("DB_PASS", &delete).await;
    let (status, error, _) = api_error(gone);
    assert_eq!((status, error.as_str()), (404, "NotFound"));
}

#[tokio::test]
async fn permissions_are_denied_through_the_client() {
    let server = common::start(&common::seed()).await;
    let admin = client(&server, "admin-id", "admin-secret").await;
    let reader = client(&server, "reader-id", "reader-secret").await;
    let body =
        CreateSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned(), "v".to_owned());
    admin
        .secrets()
        .create_raw_v3("SHARED", &body)
        .await
        .expect("the admin writes");

    // The reader may read...
    let listed = reader
        .secrets()
        .list_raw_v3(&list_query("dev"))
        .await
        .expect("the reader reads");
    assert_eq!(listed.secrets.len(), 1);
    // ...but not write.
    let denied = reader.secrets().create_raw_v3("MINE", &body).await;
    let (status, error, message) = api_error(denied);
    assert_eq!((status, error.as_str()), (403, "PermissionDenied"));
    assert!(message.contains("may not create secrets"), "{message}");
    let mut update = UpdateSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned());
    update.secret_value = Some("x".to_owned());
    let (status, _, _) = api_error(reader.secrets().update_raw_v3("SHARED", &update).await);
    assert_eq!(status, 403);
    let delete = DeleteSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned());
    let (status, _, _) = api_error(reader.secrets().delete_raw_v3("SHARED", &delete).await);
    assert_eq!(status, 403);
}

#[tokio::test]
async fn bad_credentials_and_rejected_requests_through_the_client() {
    let server = common::start(&common::seed()).await;
    // Wrong credentials: the login is refused, and the call is that refusal (`Error::Api`).
    let stranger = client(&server, "admin-id", "wrong").await;
    let failed = stranger.secrets().list_raw_v3(&list_query("dev")).await;
    let err = failed.expect_err("no token for a stranger");
    assert!(
        matches!(&err, Error::Api(e) if e.operation == "universal_auth.login" && (400..500).contains(&e.status)),
        "{err:?}"
    );

    let admin = client(&server, "admin-id", "admin-secret").await;
    // An enum value the document does not list: the client's types accept it (forward
    // compatibility), the server's validation does not.
    let mut body =
        CreateSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned(), "v".to_owned());
    body.type_ = GetSecretsRawV3ParamsType::Unknown("secret-ish".to_owned());
    let (status, error, message) = api_error(admin.secrets().create_raw_v3("X", &body).await);
    assert_eq!((status, error.as_str()), (400, "ValidationFailure"));
    assert!(message.starts_with("body.type: unknown value"), "{message}");

    // A permission subject the document does not list.
    let unknown: ProjectPermission =
        serde_json::from_str(r#"{"subject":"cats","action":["read"]}"#)
            .expect("decodes as Unknown");
    let role = CreateWorkspaceRoleV2Body::new(
        "cat-reader".to_owned(),
        "Cat reader".to_owned(),
        vec![unknown],
    );
    let (status, _, message) = api_error(
        admin
            .project_roles()
            .create_workspace_role_v2(common::PROJECT, &role)
            .await,
    );
    assert_eq!(status, 400);
    assert!(
        message.starts_with("body.permissions[0].subject: unknown value \"cats\""),
        "{message}"
    );

    // An empty environment slug where the document asks for at least one character.
    let mut body =
        CreateSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned(), "v".to_owned());
    body.environment = String::new();
    let result = admin.secrets().create_raw_v3("Y", &body).await;
    let (status, _, _) = api_error(result);
    assert!(status == 400 || status == 404, "{status}");

    // The server still answers.
    let listed = admin
        .secrets()
        .list_raw_v3(&list_query("dev"))
        .await
        .expect("still answering");
    assert!(listed.secrets.is_empty());
}

#[tokio::test]
async fn folders_through_the_client() {
    let server = common::start(&common::seed()).await;
    let admin = client(&server, "admin-id", "admin-secret").await;
    let folder = admin
        .folders()
        .create_v1(&CreateFolderV1Body::new(
            common::PROJECT.to_owned(),
            "dev".to_owned(),
            "app".to_owned(),
        ))
        .await
        .expect("create a folder");
    assert_eq!(folder.folder.name, "app");
    let mut body =
        CreateSecretsRawV3Body::new(common::PROJECT.to_owned(), "dev".to_owned(), "v".to_owned());
    body.secret_path = "/app".to_owned();
    admin
        .secrets()
        .create_raw_v3("IN_APP", &body)
        .await
        .expect("a secret in the folder");
    let listed = admin
        .folders()
        .list_v1(&ListFoldersV1Query::new(
            common::PROJECT.to_owned(),
            "dev".to_owned(),
        ))
        .await
        .expect("list folders");
    let names: Vec<&str> = listed.folders.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["app"]);
    assert_eq!(listed.folders[0].id, folder.folder.id);
    let mut query = list_query("dev");
    query.secret_path = "/app".to_owned();
    query.view_secret_value = false;
    let secrets = admin.secrets().list_raw_v3(&query).await.expect("list");
    assert_eq!(secrets.secrets.len(), 1);
    assert!(secrets.secrets[0].secret_value_hidden);
    assert_ne!(secrets.secrets[0].secret_value, "v");
}
