//! The permission lists the decoding bench reads, and two hand-written untagged enums of the same
//! shape as the generated `infisical_types::ProjectPermission` (internally tagged on `subject`).
//!
//! - [`UntaggedPermission`] is what an untagged union of 25 of the document's alternatives looks like
//!   when it decodes correctly: each alternative carries its `subject` as a one-value enum beside the
//!   same field types as the generated variant's payload, and serde tries the alternatives in order.
//! - [`PayloadOnlyPermission`] holds the generated payload types themselves, untagged. It is fast but
//!   wrong: the payloads do not carry `subject`, so every element decodes as the first alternative
//!   that accepts its fields. It is measured only to show what a correct untagged enum costs beyond it.

use infisical_types::{
    PermissionAction, ProjectPermissionCmek, ProjectPermissionCmekAction, ProjectPermissionKms,
    ProjectPermissionKmsAction, ProjectPermissionRule, ProjectPermissionSecretFolders,
    ProjectPermissionSecretRollback, ProjectPermissionSecretRollbackAction,
    ProjectPermissionSecrets, ProjectPermissionSecretsAction, ProjectPermissionSecretsConditions,
    ProjectPermissionWorkspace, ProjectPermissionWorkspaceAction,
};
use oas_runtime::OneOrMany;
use serde::Deserialize;
use serde_json::{Value, json};

/// How many permissions a list holds.
pub const LIST_LEN: usize = 64;

/// One untagged alternative: the subject, checked, and an action list of the variant's action type.
#[derive(Debug, Deserialize)]
pub struct Alternative<S, A> {
    pub subject: S,
    pub action: OneOrMany<A>,
}

/// The `secrets` alternative, which also has conditions.
#[derive(Debug, Deserialize)]
pub struct SecretsAlternative<S> {
    pub subject: S,
    pub action: OneOrMany<ProjectPermissionSecretsAction>,
    #[serde(default)]
    pub conditions: Option<ProjectPermissionSecretsConditions>,
}

macro_rules! permission_enums {
    ($( $variant:ident = $subject:literal: $marker:ident, $alternative:ty, $payload:ty; )*) => {
        $(
            /// The one value of `subject` this alternative accepts.
            #[derive(Debug, Deserialize)]
            pub enum $marker {
                #[serde(rename = $subject)]
                Subject,
            }
        )*

        /// A correct untagged union of the 25 permission alternatives, in the document's order.
        // Boxing the large secrets variant would add an allocation the generated enum does not
        // make, and skew the comparison; the generated enum allows the same lint.
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum UntaggedPermission {
            $( $variant($alternative), )*
        }

        impl UntaggedPermission {
            /// The subject this element decoded as.
            pub fn subject(&self) -> &'static str {
                match self {
                    $( Self::$variant(_) => $subject, )*
                }
            }
        }

        /// The generated payload types, untagged: decodes, but not into the right variant.
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum PayloadOnlyPermission {
            $( $variant($payload), )*
        }

        /// Every subject, in the document's order.
        pub const SUBJECTS: &[&str] = &[$( $subject ),*];
    };
}

permission_enums! {
    Secrets = "secrets": SecretsSubject, SecretsAlternative<SecretsSubject>, ProjectPermissionSecrets;
    SecretApproval = "secret-approval": SecretApprovalSubject, Alternative<SecretApprovalSubject, PermissionAction>, ProjectPermissionRule;
    SecretRotation = "secret-rotation": SecretRotationSubject, Alternative<SecretRotationSubject, PermissionAction>, ProjectPermissionRule;
    SecretRollback = "secret-rollback": SecretRollbackSubject, Alternative<SecretRollbackSubject, ProjectPermissionSecretRollbackAction>, ProjectPermissionSecretRollback;
    Member = "member": MemberSubject, Alternative<MemberSubject, PermissionAction>, ProjectPermissionRule;
    Groups = "groups": GroupsSubject, Alternative<GroupsSubject, PermissionAction>, ProjectPermissionRule;
    Role = "role": RoleSubject, Alternative<RoleSubject, PermissionAction>, ProjectPermissionRule;
    Integrations = "integrations": IntegrationsSubject, Alternative<IntegrationsSubject, PermissionAction>, ProjectPermissionRule;
    Webhooks = "webhooks": WebhooksSubject, Alternative<WebhooksSubject, PermissionAction>, ProjectPermissionRule;
    Identity = "identity": IdentitySubject, Alternative<IdentitySubject, PermissionAction>, ProjectPermissionRule;
    ServiceTokens = "service-tokens": ServiceTokensSubject, Alternative<ServiceTokensSubject, PermissionAction>, ProjectPermissionRule;
    Settings = "settings": SettingsSubject, Alternative<SettingsSubject, PermissionAction>, ProjectPermissionRule;
    Environments = "environments": EnvironmentsSubject, Alternative<EnvironmentsSubject, PermissionAction>, ProjectPermissionRule;
    Tags = "tags": TagsSubject, Alternative<TagsSubject, PermissionAction>, ProjectPermissionRule;
    AuditLogs = "audit-logs": AuditLogsSubject, Alternative<AuditLogsSubject, PermissionAction>, ProjectPermissionRule;
    IpAllowlist = "ip-allowlist": IpAllowlistSubject, Alternative<IpAllowlistSubject, PermissionAction>, ProjectPermissionRule;
    CertificateAuthorities = "certificate-authorities": CertificateAuthoritiesSubject, Alternative<CertificateAuthoritiesSubject, PermissionAction>, ProjectPermissionRule;
    Certificates = "certificates": CertificatesSubject, Alternative<CertificatesSubject, PermissionAction>, ProjectPermissionRule;
    CertificateTemplates = "certificate-templates": CertificateTemplatesSubject, Alternative<CertificateTemplatesSubject, PermissionAction>, ProjectPermissionRule;
    PkiAlerts = "pki-alerts": PkiAlertsSubject, Alternative<PkiAlertsSubject, PermissionAction>, ProjectPermissionRule;
    PkiCollections = "pki-collections": PkiCollectionsSubject, Alternative<PkiCollectionsSubject, PermissionAction>, ProjectPermissionRule;
    Workspace = "workspace": WorkspaceSubject, Alternative<WorkspaceSubject, ProjectPermissionWorkspaceAction>, ProjectPermissionWorkspace;
    Kms = "kms": KmsSubject, Alternative<KmsSubject, ProjectPermissionKmsAction>, ProjectPermissionKms;
    SecretFolders = "secret-folders": SecretFoldersSubject, Alternative<SecretFoldersSubject, PermissionAction>, ProjectPermissionSecretFolders;
    Cmek = "cmek": CmekSubject, Alternative<CmekSubject, ProjectPermissionCmekAction>, ProjectPermissionCmek;
}

/// A list of [`LIST_LEN`] permissions that visits every subject in turn, as a role with many rules
/// would: actions as lists and as single strings, conditions on the secrets rules.
pub fn sample_list() -> Value {
    let items = (0..LIST_LEN)
        .map(|i| {
            let subject = SUBJECTS[i % SUBJECTS.len()];
            let mut item = match subject {
                "secrets" => json!({
                    "action": ["read", "edit"],
                    "conditions": {"environment": "dev", "secretPath": {"$glob": "/app/**"}},
                }),
                "secret-rollback" => json!({"action": ["read", "create"]}),
                "workspace" => json!({"action": ["edit", "delete"]}),
                "kms" => json!({"action": "edit"}),
                "secret-folders" => json!({"action": ["read"]}),
                "cmek" => json!({"action": ["encrypt", "decrypt"]}),
                _ if i % 2 == 0 => json!({"action": ["read", "create", "edit"]}),
                _ => json!({"action": "read"}),
            };
            // `subject` first, as Infisical writes it.
            let mut ordered = serde_json::Map::new();
            ordered.insert("subject".to_owned(), Value::from(subject));
            ordered.append(item.as_object_mut().expect("an object"));
            Value::Object(ordered)
        })
        .collect();
    Value::Array(items)
}

#[cfg(test)]
mod tests {
    use infisical_types::ProjectPermission;

    use super::{LIST_LEN, PayloadOnlyPermission, UntaggedPermission, sample_list};

    /// The subject a generated permission was decoded as, read back from its encoding.
    fn tagged_subject(permission: &ProjectPermission) -> String {
        serde_json::to_value(permission).unwrap()["subject"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn tagged_and_untagged_agree_on_every_subject() {
        let text = sample_list().to_string();
        let tagged: Vec<ProjectPermission> = serde_json::from_str(&text).unwrap();
        let untagged: Vec<UntaggedPermission> = serde_json::from_str(&text).unwrap();
        assert_eq!(tagged.len(), LIST_LEN);
        assert!(
            !tagged
                .iter()
                .any(|p| matches!(p, ProjectPermission::Unknown(_)))
        );
        let tagged: Vec<String> = tagged.iter().map(tagged_subject).collect();
        let untagged: Vec<&str> = untagged.iter().map(UntaggedPermission::subject).collect();
        assert_eq!(tagged, untagged);
    }

    /// Why the payload-only enum is not a fair rival: it loses the subject.
    #[test]
    fn payload_only_untagged_decodes_everything_as_the_first_alternative() {
        let text = sample_list().to_string();
        let naive: Vec<PayloadOnlyPermission> = serde_json::from_str(&text).unwrap();
        assert!(
            naive
                .iter()
                .all(|p| matches!(p, PayloadOnlyPermission::Secrets(_)))
        );
    }
}
