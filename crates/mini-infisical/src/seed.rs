//! What the server starts with: identities (universal auth), projects and their environments, and
//! project roles. Read from a JSON file (`--config`) or built from flags.

use infisical_types::ProjectPermission;
use serde::Deserialize;

/// The initial state of the server.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    /// Machine identities that can log in with universal auth.
    #[serde(default)]
    pub identities: Vec<SeedIdentity>,
    /// Projects, each with its environments.
    #[serde(default)]
    pub projects: Vec<SeedProject>,
    /// Custom roles, created in every seeded project (besides the built-in `admin`, `member`,
    /// `viewer` and `no-access`).
    #[serde(default)]
    pub roles: Vec<SeedRole>,
    /// Access token lifetime in seconds (7200 unless set).
    #[serde(default = "default_ttl")]
    pub access_token_ttl: u64,
    /// How long a token can be renewed for, in seconds from login (30 days unless set).
    #[serde(default = "default_max_ttl")]
    pub access_token_max_ttl: u64,
}

/// A machine identity with universal-auth credentials.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedIdentity {
    /// A display name.
    pub name: String,
    /// The universal-auth client id.
    pub client_id: String,
    /// The universal-auth client secret.
    pub client_secret: String,
    /// The slug of its role in every seeded project.
    #[serde(default = "default_role")]
    pub role: String,
}

/// A project.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedProject {
    /// Its name.
    pub name: String,
    /// Its slug (the name in kebab case unless set).
    #[serde(default)]
    pub slug: Option<String>,
    /// Fixes the project id (a fresh one unless set), so tests and scripts can name it.
    #[serde(default)]
    pub id: Option<String>,
    /// Environment slugs (`dev`, `staging`, `prod` unless set).
    #[serde(default = "default_environments")]
    pub environments: Vec<String>,
    /// Secrets to start with; their folders are made as needed.
    #[serde(default)]
    pub secrets: Vec<SeedSecret>,
    /// Secret imports to start with, in order; their folders are made as needed.
    #[serde(default)]
    pub imports: Vec<SeedImport>,
}

/// A shared secret.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedSecret {
    /// The environment slug.
    pub environment: String,
    /// The folder (`/` unless set).
    #[serde(default = "root")]
    pub path: String,
    /// The key.
    pub key: String,
    /// The value; it may hold references (`${KEY}`, `${env.folder.KEY}`).
    pub value: String,
}

/// A secret import: the folder `environment`:`path` sees the secrets of
/// `fromEnvironment`:`fromPath`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedImport {
    /// The environment of the importing folder.
    pub environment: String,
    /// The importing folder (`/` unless set).
    #[serde(default = "root")]
    pub path: String,
    /// The environment imported from.
    pub from_environment: String,
    /// The folder imported (`/` unless set).
    #[serde(default = "root")]
    pub from_path: String,
}

fn root() -> String {
    "/".to_owned()
}

/// A custom project role.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedRole {
    /// Its slug, which identities refer to.
    pub slug: String,
    /// Its name (the slug unless set).
    #[serde(default)]
    pub name: Option<String>,
    /// Its permissions, as the API writes them:
    /// `{"subject": "secrets", "action": ["read"], "conditions": {"environment": "dev"}}`.
    pub permissions: Vec<ProjectPermission>,
}

fn default_ttl() -> u64 {
    7200
}

fn default_max_ttl() -> u64 {
    30 * 24 * 3600
}

fn default_role() -> String {
    "admin".to_owned()
}

fn default_environments() -> Vec<String> {
    ["dev", "staging", "prod"].map(str::to_owned).to_vec()
}

impl Default for Seed {
    /// One admin identity (`mini-client-id` / `mini-client-secret`) and one project (`demo`).
    fn default() -> Self {
        Self {
            identities: vec![SeedIdentity {
                name: "mini".to_owned(),
                client_id: "mini-client-id".to_owned(),
                client_secret: "mini-client-secret".to_owned(),
                role: default_role(),
            }],
            projects: vec![SeedProject {
                name: "Demo".to_owned(),
                slug: Some("demo".to_owned()),
                id: None,
                environments: default_environments(),
                secrets: Vec::new(),
                imports: Vec::new(),
            }],
            roles: Vec::new(),
            access_token_ttl: default_ttl(),
            access_token_max_ttl: default_max_ttl(),
        }
    }
}

impl Seed {
    /// Parses a seed from JSON; errors name the offending field.
    ///
    /// Role permissions are checked as strictly as the API checks them: a key the document does
    /// not name, an empty condition or a path above the root is an error rather than dropped.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let seed: Self = serde_json::from_str(text)?;
        let raw: serde_json::Value = serde_json::from_str(text)?;
        let roles = raw.get("roles").and_then(serde_json::Value::as_array);
        for (index, role) in roles.into_iter().flatten().enumerate() {
            if let Some(permissions) = role.get("permissions") {
                crate::strict::check_permissions(
                    permissions,
                    &format!("roles[{index}].permissions"),
                )
                .map_err(|e| {
                    <serde_json::Error as serde::de::Error>::custom(format!(
                        "{}: {}",
                        e.at, e.problem
                    ))
                })?;
            }
        }
        Ok(seed)
    }
}
