//! The in-memory state: identities, access tokens, projects with their environments, folders,
//! roles and secrets. Plain data behind one mutex; handlers never hold the lock across an `.await`.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use infisical_server::ApiError;
use infisical_types::ProjectPermission;
use uuid::Uuid;

/// A machine identity.
#[derive(Clone, Debug)]
pub(crate) struct Identity {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
}

/// An issued access token.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) identity: Uuid,
    pub(crate) issued: SystemTime,
    pub(crate) expires: SystemTime,
}

/// A project with everything in it.
#[derive(Clone, Debug)]
pub(crate) struct Project {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) slug: String,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
    pub(crate) environments: Vec<Environment>,
    /// Roles by slug, built-in ones included.
    pub(crate) roles: BTreeMap<String, Role>,
    /// Each member identity's role slug.
    pub(crate) members: BTreeMap<Uuid, String>,
    /// Secrets by environment slug, folder path and key.
    pub(crate) secrets: BTreeMap<(String, String, String), Secret>,
    /// Secret imports, in the order they were made (their position).
    pub(crate) imports: Vec<SecretImport>,
}

/// A secret import: the folder `environment`:`path` sees the secrets of
/// `from_environment`:`from_path` (and, through it, what that folder imports).
#[derive(Clone, Debug)]
pub(crate) struct SecretImport {
    pub(crate) environment: String,
    pub(crate) path: String,
    pub(crate) from_environment: String,
    pub(crate) from_path: String,
}

/// An environment of a project.
#[derive(Clone, Debug)]
pub(crate) struct Environment {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) position: i64,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
    /// Folders by canonical path; the root `/` is always there.
    pub(crate) folders: BTreeMap<String, Folder>,
}

impl Environment {
    /// An environment holding only its root folder.
    pub(crate) fn new(store: &mut Store, name: String, slug: String, position: i64) -> Self {
        let now = now();
        let id = store.new_id();
        let root = Folder {
            id: store.new_id(),
            name: "root".to_owned(),
            parent: None,
            description: None,
            created: now,
            updated: now,
        };
        Self {
            id,
            name,
            slug,
            position,
            created: now,
            updated: now,
            folders: BTreeMap::from([("/".to_owned(), root)]),
        }
    }
}

/// A folder of an environment; secrets live under a folder path.
#[derive(Clone, Debug)]
pub(crate) struct Folder {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    /// The id of the folder it is in (`None` for the root).
    pub(crate) parent: Option<Uuid>,
    pub(crate) description: Option<String>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
}

/// A project role.
#[derive(Clone, Debug)]
pub(crate) struct Role {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) description: Option<String>,
    pub(crate) permissions: Vec<ProjectPermission>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
}

/// A secret (shared; personal overrides are not modelled).
#[derive(Clone, Debug)]
pub(crate) struct Secret {
    pub(crate) id: Uuid,
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) comment: String,
    pub(crate) version: u32,
    pub(crate) skip_multiline_encoding: Option<bool>,
    pub(crate) reminder_note: Option<String>,
    pub(crate) reminder_repeat_days: Option<i64>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) updated: DateTime<Utc>,
}

/// Everything the server knows.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) identities: Vec<Identity>,
    pub(crate) tokens: BTreeMap<String, Token>,
    /// Projects by id.
    pub(crate) projects: BTreeMap<String, Project>,
    next_id: u128,
}

impl Store {
    /// A fresh, unique id. Sequential ids keep the state easy to read in tests and logs.
    pub(crate) fn new_id(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(0x6d69_6e69_0000_4000_8000_0000_0000_0000 | self.next_id)
    }

    pub(crate) fn project_by_slug(&self, slug: &str) -> Option<&Project> {
        self.projects.values().find(|p| p.slug == slug)
    }
}

/// An unguessable token: 256 bits from the standard library's randomly keyed hasher.
pub(crate) fn new_token() -> String {
    let mut out = String::from("mini.");
    for i in 0..4_u64 {
        let bits = RandomState::new().hash_one((i, SystemTime::now()));
        out.push_str(&format!("{bits:016x}"));
    }
    out
}

/// The current time, as the API writes it.
pub(crate) fn now() -> DateTime<Utc> {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    let secs = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, since.subsec_nanos()).unwrap_or_default()
}

/// A slug from a name: lower case, runs of other characters become one `-`.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// A path that climbs above the root with `..`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EscapesRoot;

/// A folder path in canonical form: leading `/`, no trailing `/`, no empty or `.` segments, and
/// every `..` resolved against the segment before it. A `..` at the root has nothing to climb to:
/// rather than silently staying at `/` (which would let `/../prod` mean `/prod`), it is an error.
pub(crate) fn normalize_path(path: &str) -> Result<String, EscapesRoot> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop().ok_or(EscapesRoot)?;
            }
            s => segments.push(s),
        }
    }
    Ok(format!("/{}", segments.join("/")))
}

/// [`normalize_path`] for a request: a path escaping the root is a 400 naming the input.
pub(crate) fn canonical_path(path: &str, input: &str) -> Result<String, ApiError> {
    normalize_path(path).map_err(|EscapesRoot| {
        ApiError::validation(
            input,
            &format!("path {path:?} climbs above the root folder"),
        )
    })
}

/// True when `path` is `folder` or below it.
pub(crate) fn is_within(path: &str, folder: &str) -> bool {
    folder == "/"
        || path == folder
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::{EscapesRoot, normalize_path};

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize_path("/"), Ok("/".to_owned()));
        assert_eq!(normalize_path(""), Ok("/".to_owned()));
        assert_eq!(normalize_path("//app///api/"), Ok("/app/api".to_owned()));
        assert_eq!(normalize_path("/app/./api/.."), Ok("/app".to_owned()));
        assert_eq!(normalize_path("/app/../prod"), Ok("/prod".to_owned()));
        assert_eq!(normalize_path("/.."), Err(EscapesRoot));
        assert_eq!(normalize_path("/app/../../prod"), Err(EscapesRoot));
        assert_eq!(normalize_path("/app/...").as_deref(), Ok("/app/..."));
    }
}
