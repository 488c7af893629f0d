//! The client against answers shaped like the real server's, where they differ from the document
//! (the corrections of `spec/overlays/*.wire.overlay.yaml`): permission rules read back, text and
//! DER bodies, validation and token errors, empty answers. Each answer comes from a recording
//! server on 127.0.0.1.

#![cfg(feature = "full")]

mod support;

use infisical_client::types::{
    ErrorMessage, IssuePathSegment, OneOrMany, PermissionCondition, ProjectPermission,
    ProjectPermissionSecretsAction,
};
use infisical_client::{Client, Error, RetryPolicy};
use support::{Harness, Scripted};

fn client(harness: &Harness) -> Client {
    Client::builder()
        .base_url(&harness.base_url)
        .token("machine-identity-token")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A role as a June 2025 backend answers `GET /api/v2/workspace/{projectId}/roles/slug/{slug}`
/// after it was created with `action: "read"` strings and conditions in another key order: every
/// `action` is a list, `conditions` keys come back reordered, `description` is null.
const ROLE_READ_BACK: &str = r#"{"role":{
  "id":"0f9a3c52-7d1e-4b8a-9c55-3f3c1c7d2a10","name":"Reader","description":null,"slug":"reader",
  "permissions":[
    {"subject":"secrets","action":["read","readValue"],
     "conditions":{"secretPath":{"$glob":"/app/**"},"environment":"dev"}},
    {"subject":"member","action":["read"]},
    {"subject":"secret-folders","action":["read"],"inverted":true,
     "conditions":{"environment":{"$in":["dev","staging"]}}}
  ],
  "createdAt":"2025-06-10T12:00:00.000Z","updatedAt":"2025-06-10T12:00:00.000Z",
  "projectId":"6f2d8e4a-1b3c-4d5e-8f90-a1b2c3d4e5f6","version":1}}"#;

#[tokio::test]
async fn a_role_read_back_decodes_into_the_permission_union_it_was_created_with() {
    let harness = Harness::start().await;
    harness.script(Scripted::json(200, ROLE_READ_BACK));
    let role = client(&harness)
        .project_roles()
        .get_workspace_role_by_slug_v2("6f2d8e4a-1b3c-4d5e-8f90-a1b2c3d4e5f6", "reader")
        .await
        .unwrap()
        .role;
    assert_eq!(role.permissions.len(), 3);
    let ProjectPermission::Secrets(secrets) = &role.permissions[0] else {
        panic!(
            "the first rule is not a secrets rule: {:?}",
            role.permissions[0]
        );
    };
    assert_eq!(
        secrets.action,
        OneOrMany::Many(vec![
            ProjectPermissionSecretsAction::Read,
            ProjectPermissionSecretsAction::ReadValue
        ])
    );
    let conditions = secrets.conditions.as_ref().expect("conditions");
    assert_eq!(
        conditions.environment,
        Some(PermissionCondition::String("dev".to_owned()))
    );
    match &conditions.secret_path {
        Some(PermissionCondition::Object(operators)) => {
            assert_eq!(operators.glob.as_deref(), Some("/app/**"));
        }
        other => panic!("secretPath: {other:?}"),
    }
    assert!(matches!(role.permissions[1], ProjectPermission::Member(_)));
    let ProjectPermission::SecretFolders(folders) = &role.permissions[2] else {
        panic!(
            "the third rule is not a folders rule: {:?}",
            role.permissions[2]
        );
    };
    assert_eq!(folders.inverted, Some(true));

    // The rule a user created with a single action is the same rule read back as a list.
    let created: ProjectPermission = serde_json::from_str(
        r#"{"subject":"secrets","action":"read","conditions":{"environment":"dev"}}"#,
    )
    .unwrap();
    let ProjectPermission::Secrets(created) = created else {
        panic!("not a secrets rule");
    };
    assert!(
        created
            .action
            .contains(&ProjectPermissionSecretsAction::Read)
    );
    assert!(
        secrets
            .action
            .contains(&ProjectPermissionSecretsAction::Read)
    );
}

#[tokio::test]
async fn a_privilege_read_back_decodes_into_the_permission_union() {
    let harness = Harness::start().await;
    harness.script(Scripted::json(
        200,
        r#"{"privilege":{
          "id":"5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d","slug":"extra","projectMembershipId":"5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4e",
          "isTemporary":false,"temporaryMode":null,"temporaryRange":null,"temporaryAccessStartTime":null,
          "temporaryAccessEndTime":null,"createdAt":"2025-06-10T12:00:00.000Z","updatedAt":"2025-06-10T12:00:00.000Z",
          "permissions":[{"subject":"secrets","action":["edit"],"conditions":{"environment":{"$eq":"prod"}}}]}}"#,
    ));
    let privilege = client(&harness)
        .identity_specific_privileges_v2()
        .get_identity_project_additional_privilege_v2("5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        .await
        .unwrap()
        .privilege;
    match privilege.permissions.as_slice() {
        [ProjectPermission::Secrets(rule)] => {
            assert!(rule.action.contains(&ProjectPermissionSecretsAction::Edit));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn keys_come_back_as_text_and_certificates_as_bytes() {
    let harness = Harness::start().await;
    let client = client(&harness);
    let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAbc\n-----END PRIVATE KEY-----";
    harness.script(Scripted::typed(
        200,
        "text/plain; charset=utf-8",
        pem.as_bytes(),
    ));
    let key = client
        .pki_certificates()
        .get_pki_certificates_private_key_v1("0a1b2c")
        .await
        .unwrap();
    assert_eq!(key, pem);

    harness.script(Scripted::typed(
        200,
        "text/plain; charset=utf-8",
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIabc user-ca\n",
    ));
    let public_key = client
        .ssh_hosts()
        .get_ssh_hosts_user_ca_public_key_v1("host-1")
        .await
        .unwrap();
    assert!(public_key.starts_with("ssh-ed25519 "), "{public_key}");

    let der: &[u8] = b"\x30\x82\x01\x0a\x02\x82\x01\x01\x00\xff";
    harness.script(Scripted::typed(200, "application/pkix-cert", der));
    let certificate = client
        .pki_certificate_authorities()
        .get_pki_ca_certificates_der_v1("ca-1", "cert-1")
        .await
        .unwrap();
    assert_eq!(&certificate[..], der);

    // A text answer that is not UTF-8 is a decode error, not a panic.
    harness.script(Scripted::typed(200, "text/plain", b"\xff\xfe"));
    let result = client
        .pki_certificates()
        .get_pki_certificates_private_key_v1("0a1b2c")
        .await;
    assert!(matches!(result, Err(Error::Decode(_))), "{result:?}");
}

#[tokio::test]
async fn a_validation_failure_gives_the_issues_and_a_bad_token_a_token_error() {
    let harness = Harness::start().await;
    let client = client(&harness);
    harness.script(Scripted::json(
        422,
        r#"{"reqId":"req-9","statusCode":422,"error":"ValidationFailure","message":[
          {"code":"invalid_type","expected":"string","received":"number","path":["permissions",0,"subject"],"message":"Expected string, received number"}]}"#,
    ));
    let Err(Error::Api(error)) = client
        .project_roles()
        .get_workspace_role_by_slug_v2("p", "r")
        .await
    else {
        panic!("expected an API error");
    };
    assert_eq!(error.status, 422);
    let body = error.body.as_ref().expect("the 422 body decodes");
    assert_eq!(body.error, "ValidationFailure");
    let Some(ErrorMessage::List(issues)) = &body.message else {
        panic!("message: {:?}", body.message);
    };
    assert_eq!(issues[0].code, "invalid_type");
    assert_eq!(
        issues[0].path,
        vec![
            IssuePathSegment::String("permissions".to_owned()),
            IssuePathSegment::Integer(0),
            IssuePathSegment::String("subject".to_owned()),
        ]
    );

    harness.script(Scripted::json(
        403,
        r#"{"reqId":"req-10","statusCode":403,"error":"TokenError","message":"The provided access token is malformed. Please use a valid token or generate a new one and try again."}"#,
    ));
    let Err(Error::Api(error)) = client
        .project_roles()
        .get_workspace_role_by_slug_v2("p", "r")
        .await
    else {
        panic!("expected an API error");
    };
    let body = error.body.as_ref().expect("the 403 body decodes");
    assert_eq!((error.status, body.error.as_str()), (403, "TokenError"));
    assert!(matches!(&body.message, Some(ErrorMessage::String(m)) if m.contains("malformed")));
}

#[tokio::test]
async fn an_empty_membership_answer_is_none() {
    let harness = Harness::start().await;
    harness.script(Scripted::typed(200, "application/json", b""));
    let memberships = client(&harness)
        .organizations()
        .list_memberships_v2("org-1")
        .await
        .unwrap();
    assert!(memberships.is_none());
}
