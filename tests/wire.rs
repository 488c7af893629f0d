//! Wire-format tests: real Infisical payloads decode into the generated types and encode back
//! unchanged.

use infisical_types::{
    CreateSecretsRawV3Body, ErrorBody, ListSecretsRawV3Response, OneOrMany, Patch,
    PermissionAction, PermissionCondition, ProjectPermission, ProjectPermissionCmekAction,
    ProjectPermissionSecretsAction, ProjectPermissionSecretsConditions, Tree,
};
use serde_json::{Value, json};

/// Decodes `json` as `T`, encodes it back and checks the result is the same JSON value.
#[track_caller]
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &Value) -> T {
    let decoded: T =
        serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("decoding {json}: {e}"));
    let encoded = serde_json::to_value(&decoded).expect("encoding");
    assert_eq!(&encoded, json, "re-encoding changed the value");
    decoded
}

#[test]
fn permission_with_conditions_decodes_into_the_tagged_variant() {
    let json = json!({"action": "read", "subject": "secrets", "conditions": {"environment": "dev", "secretPath": {"$glob": "/"}}});
    let permission: ProjectPermission = serde_json::from_value(json.clone()).unwrap();
    let ProjectPermission::Secrets(secrets) = &permission else {
        panic!("expected Secrets, got {permission:?}")
    };
    assert_eq!(
        secrets.action,
        OneOrMany::One(ProjectPermissionSecretsAction::Read)
    );
    assert_eq!(secrets.inverted, None);
    let Some(ProjectPermissionSecretsConditions {
        environment,
        secret_path,
        ..
    }) = &secrets.conditions
    else {
        panic!("conditions missing")
    };
    assert_eq!(
        environment,
        &Some(PermissionCondition::String("dev".to_owned()))
    );
    let Some(PermissionCondition::Object(path)) = secret_path else {
        panic!("expected operators, got {secret_path:?}")
    };
    assert_eq!(path.glob.as_deref(), Some("/"));
    assert_eq!(path.eq, None);
    // The tag is written back first; the value is otherwise the same.
    assert_eq!(serde_json::to_value(&permission).unwrap(), json);
}

#[test]
fn action_is_one_or_many() {
    let one: ProjectPermission = round_trip(&json!({"subject": "secrets", "action": "edit"}));
    let many: ProjectPermission =
        round_trip(&json!({"subject": "secrets", "action": ["read", "delete"]}));
    let (ProjectPermission::Secrets(one), ProjectPermission::Secrets(many)) = (one, many) else {
        panic!("not secrets")
    };
    assert_eq!(
        one.action.as_slice(),
        [ProjectPermissionSecretsAction::Edit]
    );
    assert_eq!(
        many.action.as_slice(),
        [
            ProjectPermissionSecretsAction::Read,
            ProjectPermissionSecretsAction::Delete
        ]
    );
}

#[test]
fn each_subject_has_its_own_action_set() {
    let cmek: ProjectPermission = round_trip(&json!({"subject": "cmek", "action": "encrypt"}));
    let ProjectPermission::Cmek(cmek) = cmek else {
        panic!("expected Cmek")
    };
    assert_eq!(
        cmek.action,
        OneOrMany::One(ProjectPermissionCmekAction::Encrypt)
    );
    // `encrypt` is not a secrets action: it stays a value the secrets action set does not know.
    let secrets: ProjectPermission =
        round_trip(&json!({"subject": "secrets", "action": "encrypt"}));
    let ProjectPermission::Secrets(secrets) = secrets else {
        panic!("expected Secrets")
    };
    assert_eq!(
        secrets.action,
        OneOrMany::One(ProjectPermissionSecretsAction::Unknown(
            "encrypt".to_owned()
        ))
    );
    // The finer secrets actions of 2025 are known.
    let finer: ProjectPermission = round_trip(
        &json!({"subject": "secrets", "action": ["describeSecret", "readValue"], "inverted": true}),
    );
    let ProjectPermission::Secrets(finer) = finer else {
        panic!("expected Secrets")
    };
    assert_eq!(
        finer.action.as_slice(),
        [
            ProjectPermissionSecretsAction::DescribeSecret,
            ProjectPermissionSecretsAction::ReadValue
        ]
    );
    assert_eq!(finer.inverted, Some(true));
}

#[test]
fn unknown_subject_and_action_values_are_kept() {
    let json = json!({"subject": "secret-sharing", "action": ["sync"], "conditions": {"x": 1}});
    let permission: ProjectPermission = round_trip(&json);
    assert_eq!(permission, ProjectPermission::Unknown(json));
    let action: PermissionAction = round_trip(&json!("read-value"));
    assert_eq!(action.as_str(), "read-value");
    assert_eq!(action, PermissionAction::Unknown("read-value".to_owned()));
}

#[test]
fn a_known_subject_with_a_broken_payload_is_an_error_not_unknown() {
    let err =
        serde_json::from_value::<ProjectPermission>(json!({"subject": "secrets"})).unwrap_err();
    assert!(err.to_string().contains("missing field `action`"), "{err}");
}

#[test]
fn full_secret_list_as_the_server_returns_it() {
    let json = json!({
        "secrets": [{
            "id": "1f4c4f6e-7c22-4c1c-9c49-5a4d1f6a9e11",
            "_id": "1f4c4f6e-7c22-4c1c-9c49-5a4d1f6a9e11",
            "workspace": "5a0b1f7c-2d5e-4b8a-9b1e-0c6d7e8f9a01",
            "environment": "dev",
            "version": 3,
            "type": "shared",
            "secretKey": "DATABASE_URL",
            "secretValue": "postgres://app:hunter2@db:5432/app",
            "secretComment": "",
            "secretReminderNote": null,
            "secretReminderRepeatDays": null,
            "skipMultilineEncoding": false,
            "createdAt": "2025-06-01T12:00:00.000Z",
            "updatedAt": "2025-06-02T08:30:15.123Z",
            "actor": {"actorId": "u-1", "actorType": "identity", "name": "ci", "membershipId": null},
            "isRotatedSecret": false,
            "rotationId": null,
            "secretPath": "/",
            "secretValueHidden": false,
            "secretMetadata": [{"key": "owner", "value": "platform"}],
            "tags": [{"id": "0b7d0f6c-1b2a-4c3d-8e9f-a0b1c2d3e4f5", "slug": "prod", "color": null, "name": "prod"}],
            "aNewFieldFromANewerServer": {"ignored": true}
        }],
        "imports": []
    });
    let decoded: ListSecretsRawV3Response = serde_json::from_value(json).unwrap();
    let secret = &decoded.secrets[0];
    // `_id` and `id` are two fields: neither is lost.
    assert_eq!(secret.id, "1f4c4f6e-7c22-4c1c-9c49-5a4d1f6a9e11");
    assert_eq!(secret.underscore_id, secret.id);
    assert_eq!(secret.secret_key, "DATABASE_URL");
    assert_eq!(secret.version, 3);
    assert_eq!(secret.created_at.to_rfc3339(), "2025-06-01T12:00:00+00:00");
    assert_eq!(secret.skip_multiline_encoding, Some(false));
    assert!(!secret.secret_value_hidden);
    let metadata = secret.secret_metadata.as_ref().expect("metadata");
    assert_eq!(
        (metadata[0].key.as_str(), metadata[0].value.as_str()),
        ("owner", "platform")
    );
    let actor = secret.actor.as_ref().expect("actor");
    assert_eq!(actor.actor_type.as_deref(), Some("identity"));
    let tags = secret.tags.as_ref().expect("tags");
    assert_eq!(tags[0].slug, "prod");
    assert_eq!(
        tags[0].id.to_string(),
        "0b7d0f6c-1b2a-4c3d-8e9f-a0b1c2d3e4f5"
    );
    assert_eq!(decoded.imports.as_deref().map(<[_]>::len), Some(0));
}

#[test]
fn error_bodies_of_every_status_share_one_type() {
    let bad_request: ErrorBody = round_trip(
        &json!({"reqId": "req-6xF2", "statusCode": 400, "message": "Invalid", "error": "BadRequest"}),
    );
    assert_eq!(bad_request.status_code, 400);
    assert_eq!(bad_request.req_id, "req-6xF2");
    // A 401 carries its `message` as text (a validation failure carries a list of issues).
    let unauthorized: ErrorBody = round_trip(
        &json!({"reqId": "req-6xF3", "statusCode": 401, "message": "Token expired", "error": "UnauthorizedError"}),
    );
    assert_eq!(
        unauthorized.message,
        Some(infisical_types::ErrorMessage::String(
            "Token expired".to_owned()
        ))
    );
    // 403 bodies may add `details` (the failed permission, as the server explains it).
    let forbidden: ErrorBody = round_trip(&json!({
        "reqId": "req-6xF4", "statusCode": 403, "message": "You are not allowed to read on secrets",
        "error": "PermissionDenied", "details": [{"action": "read", "subject": "secrets"}]
    }));
    assert_eq!(
        forbidden.details,
        Some(json!([{"action": "read", "subject": "secrets"}]))
    );
}

#[test]
fn array_without_items_accepts_any_elements() {
    // A secret reference tree's children are declared as an array of anything.
    let tree: Tree = round_trip(&json!({
        "key": "DB_URL",
        "environment": "dev",
        "secretPath": "/",
        "children": [{"key": "DB_HOST", "environment": "dev", "secretPath": "/", "children": []}, "anything", 3]
    }));
    assert_eq!(tree.children.len(), 3);
    assert_eq!(tree.children[2], json!(3));
}

#[test]
fn optional_nullable_request_fields_keep_absent_and_null_apart() {
    let base = json!({"workspaceId": "w", "environment": "dev", "secretValue": "v"});
    let absent: CreateSecretsRawV3Body = serde_json::from_value(base.clone()).unwrap();
    assert_eq!(absent.secret_reminder_repeat_days, Patch::Absent);
    let mut with_null = base.clone();
    with_null["secretReminderRepeatDays"] = Value::Null;
    let cleared: CreateSecretsRawV3Body = serde_json::from_value(with_null.clone()).unwrap();
    assert_eq!(cleared.secret_reminder_repeat_days, Patch::Null);
    let encoded = serde_json::to_value(&cleared).unwrap();
    assert_eq!(encoded["secretReminderRepeatDays"], Value::Null);
    assert!(
        serde_json::to_value(&absent)
            .unwrap()
            .get("secretReminderRepeatDays")
            .is_none()
    );
    // Defaults the document declares apply when the field is absent.
    assert_eq!(absent.secret_comment, "");
}

/// `allOf[anyOf[method-tagged credentials], common fields]`: the tag, the variant's fields and the
/// common fields travel at one level, exactly as the server reads a connection create body.
#[test]
fn app_connection_create_body_has_tag_credentials_and_common_fields_at_one_level() {
    use infisical_types::CreateAppConnectionsAwsV1Body;
    let json = json!({
        "method": "access-key",
        "credentials": {"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "wJalrXUtnFEMI"},
        "name": "prod-aws",
        "description": null,
        "isPlatformManagedCredentials": false
    });
    let body: CreateAppConnectionsAwsV1Body = round_trip(&json);
    let CreateAppConnectionsAwsV1Body::AccessKey(access_key) = &body else {
        panic!("expected the access-key variant: {body:?}");
    };
    assert_eq!(access_key.name, "prod-aws");
    assert_eq!(access_key.credentials.access_key_id, "AKIAEXAMPLE");
    assert_eq!(access_key.description, Patch::Null);
    // A common field left out stays out; the other method decodes into its own variant.
    let assume = json!({
        "method": "assume-role",
        "credentials": {"roleArn": "arn:aws:iam::123456789012:role/infisical"},
        "name": "prod-aws-role"
    });
    let body: CreateAppConnectionsAwsV1Body = round_trip(&assume);
    assert!(
        matches!(body, CreateAppConnectionsAwsV1Body::AssumeRole(_)),
        "{body:?}"
    );
}

/// `GET /api/v1/app-connections` items are told apart by `app` and `method` together: a nested
/// tagged enum, each tag written once; an unknown method of a known app is kept whole.
#[test]
fn app_connections_are_tagged_by_app_then_method() {
    use infisical_types::{
        ListAppConnectionsV1ResponseAppConnection as Connection,
        ListAppConnectionsV1ResponseAppConnectionAws as AwsConnection,
    };
    let common = |app: &str, method: &str| {
        json!({
            "app": app,
            "method": method,
            "id": "8c0e4f0a-5f4b-4a39-9d5e-2f8b1c7a6e11",
            "name": "conn",
            "description": null,
            "version": 1,
            "orgId": "b1a2c3d4-0000-4000-8000-000000000001",
            "createdAt": "2025-06-01T10:00:00.000Z",
            "updatedAt": "2025-06-01T10:00:00.000Z",
            "isPlatformManagedCredentials": false,
            "credentialsHash": "3f7a"
        })
    };
    let mut access_key = common("aws", "access-key");
    access_key["credentials"] = json!({"accessKeyId": "AKIAEXAMPLE"});
    let decoded: Connection = serde_json::from_value(access_key.clone()).expect("decodes");
    let Connection::Aws(AwsConnection::AccessKey(aws)) = &decoded else {
        panic!("expected aws / access-key: {decoded:?}");
    };
    assert_eq!(aws.credentials.access_key_id, "AKIAEXAMPLE");
    let encoded = serde_json::to_string(&decoded).expect("encodes");
    assert_eq!(encoded.matches("\"app\"").count(), 1, "{encoded}");
    assert_eq!(encoded.matches("\"method\"").count(), 1, "{encoded}");
    let back: Value = serde_json::from_str(&encoded).expect("JSON");
    assert_eq!(back["app"], "aws");
    assert_eq!(back["method"], "access-key");
    assert_eq!(back["credentials"], json!({"accessKeyId": "AKIAEXAMPLE"}));

    let mut assume = common("aws", "assume-role");
    assume["credentials"] = json!({"roleArn": "arn:aws:iam::123456789012:role/x"});
    let decoded: Connection = serde_json::from_value(assume).expect("decodes");
    assert!(
        matches!(decoded, Connection::Aws(AwsConnection::AssumeRole(_))),
        "{decoded:?}"
    );

    let mut newer = common("aws", "web-identity");
    newer["credentials"] = json!({"token": "x"});
    let decoded: Connection = serde_json::from_value(newer).expect("decodes");
    let Connection::Aws(AwsConnection::Unknown(kept)) = &decoded else {
        panic!("expected aws / unknown method: {decoded:?}");
    };
    assert_eq!(kept["method"], "web-identity");
    let encoded = serde_json::to_string(&decoded).expect("encodes");
    assert_eq!(encoded.matches("\"app\"").count(), 1, "{encoded}");
}
