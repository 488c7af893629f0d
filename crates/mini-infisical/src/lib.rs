//! A small in-memory Infisical-compatible server, built on the generated traits of
//! `infisical-server`. It is both a reference for implementing those traits and a server to run
//! tests against:
//!
//! ```sh
//! cargo run -p mini-infisical -- --listen 127.0.0.1:8080
//! ```
//!
//! What it serves, in memory:
//! - universal-auth login, token renewal and revocation ([`auth`](crate::auth));
//! - projects, their environments and roles ([`workspace`](crate::workspace));
//! - folders, create and list ([`folders`](crate::folders)): secrets live under a folder path;
//! - the v2 folder routes of later Infisical versions, which the Python SDK calls
//!   ([`folders_v2`](crate::folders_v2));
//! - secrets CRUD on the v3 raw routes ([`secrets`](crate::secrets)), with secret references
//!   expanded on request ([`references`](crate::references)) and secret imports (seeded) read
//!   through ([`imports`](crate::imports));
//! - project roles whose permission rules are enforced ([`permissions`](crate::permissions)): a
//!   role that may only read secrets gets 403 on a write. Rules are checked strictly when a role
//!   is written ([`strict`](crate::strict)), and matching fails closed on anything it cannot
//!   evaluate.
//!
//! Every other operation answers 501 after its request has been validated.

mod auth;
mod folders;
mod folders_v2;
mod imports;
mod permissions;
mod references;
mod secrets;
mod seed;
mod store;
mod strict;
mod workspace;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use infisical_server::{ApiError, BearerToken, Server};
use uuid::Uuid;

pub use seed::{Seed, SeedIdentity, SeedImport, SeedProject, SeedRole, SeedSecret};

use crate::permissions::{Scope, Subject};
use crate::store::{Environment, Identity, Project, Role, Store};

/// The server state; share it in an [`Arc`] and hand it to [`MiniInfisical::router`].
#[derive(Debug)]
pub struct MiniInfisical {
    store: Mutex<Store>,
    ttl: Duration,
    max_ttl: Duration,
    org_id: Uuid,
}

/// A seed that cannot be loaded: an unknown role, a duplicate slug, a permission this version does
/// not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedError(String);

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid seed: {}", self.0)
    }
}

impl std::error::Error for SeedError {}

impl MiniInfisical {
    /// A server holding what `seed` describes.
    pub fn new(seed: &Seed) -> Result<Arc<Self>, SeedError> {
        let mut store = Store::default();
        let now = store::now();
        for identity in &seed.identities {
            if store
                .identities
                .iter()
                .any(|i| i.client_id == identity.client_id)
            {
                return Err(SeedError(format!(
                    "client id `{}` is used twice",
                    identity.client_id
                )));
            }
            let id = store.new_id();
            store.identities.push(Identity {
                id,
                name: identity.name.clone(),
                client_id: identity.client_id.clone(),
                client_secret: identity.client_secret.clone(),
            });
        }
        for role in &seed.roles {
            if let Some(unknown) = role
                .permissions
                .iter()
                .find(|p| matches!(p, infisical_types::ProjectPermission::Unknown(_)))
            {
                return Err(SeedError(format!(
                    "role `{}` has a permission with an unknown subject: {}",
                    role.slug,
                    serde_json::to_string(unknown).unwrap_or_default()
                )));
            }
        }
        for project in &seed.projects {
            let slug = project
                .slug
                .clone()
                .unwrap_or_else(|| store::slugify(&project.name));
            if store.project_by_slug(&slug).is_some() {
                return Err(SeedError(format!("project slug `{slug}` is used twice")));
            }
            let id = match &project.id {
                Some(id) => id.clone(),
                None => store.new_id().to_string(),
            };
            let mut p = new_project(&mut store, id.clone(), project.name.clone(), slug);
            for (position, env) in project.environments.iter().enumerate() {
                let position = i64::try_from(position + 1).unwrap_or(i64::MAX);
                let environment = Environment::new(&mut store, env.clone(), env.clone(), position);
                p.environments.push(environment);
            }
            seed_contents(&mut store, &mut p, project)?;
            for role in &seed.roles {
                if p.roles.contains_key(&role.slug) {
                    return Err(SeedError(format!("role `{}` is defined twice", role.slug)));
                }
                let role_id = store.new_id();
                p.roles.insert(
                    role.slug.clone(),
                    Role {
                        id: role_id,
                        name: role.name.clone().unwrap_or_else(|| role.slug.clone()),
                        slug: role.slug.clone(),
                        description: None,
                        permissions: role.permissions.clone(),
                        created: now,
                        updated: now,
                    },
                );
            }
            for (identity, seeded) in store.identities.iter().zip(&seed.identities) {
                if !p.roles.contains_key(&seeded.role) {
                    return Err(SeedError(format!(
                        "identity `{}` has role `{}`, which is neither built in ({}) nor in `roles`",
                        seeded.name,
                        seeded.role,
                        permissions::BUILT_IN.join(", ")
                    )));
                }
                p.members.insert(identity.id, seeded.role.clone());
            }
            store.projects.insert(id, p);
        }
        let org_id = store.new_id();
        Ok(Arc::new(Self {
            store: Mutex::new(store),
            ttl: Duration::from_secs(seed.access_token_ttl),
            max_ttl: Duration::from_secs(seed.access_token_max_ttl),
            org_id,
        }))
    }

    /// The router: the implemented groups on top of [`Server`], every other operation 501.
    pub fn router(self: &Arc<Self>) -> axum::Router {
        Server::new()
            .universal_auth(Arc::clone(self))
            .projects(Arc::clone(self))
            .organizations(Arc::clone(self))
            .environments(Arc::clone(self))
            .project_roles(Arc::clone(self))
            .folders(Arc::clone(self))
            .secrets(Arc::clone(self))
            .into_router()
            .merge(folders_v2::router(Arc::clone(self)))
            // Role bodies are checked as they arrived: the typed ones have lost unknown keys.
            .layer(axum::middleware::from_fn(strict::capture_role_bodies))
    }

    /// The ids of the projects, by slug (for tests and the start-up banner).
    pub fn project_ids(&self) -> Vec<(String, String)> {
        self.store()
            .projects
            .values()
            .map(|p| (p.slug.clone(), p.id.clone()))
            .collect()
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A handler that panicked cannot have left the plain data in a state worse than stale.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The secrets and imports of a seeded project, with the folders they need.
fn seed_contents(
    store: &mut Store,
    p: &mut Project,
    seeded: &SeedProject,
) -> Result<(), SeedError> {
    let now = store::now();
    let folder = |store: &mut Store, p: &mut Project, env: &str, path: &str| {
        let path = store::normalize_path(path)
            .map_err(|_| SeedError(format!("path `{path}` climbs above the root folder")))?;
        let Some(environment) = p.environments.iter_mut().find(|e| e.slug == env) else {
            return Err(SeedError(format!(
                "project `{}` has no environment `{env}`",
                p.slug
            )));
        };
        let mut parent_path = "/".to_owned();
        for name in path.split('/').filter(|n| !n.is_empty()) {
            let here = store::normalize_path(&format!("{parent_path}/{name}")).unwrap_or_default();
            if !environment.folders.contains_key(&here) {
                let parent = environment.folders.get(&parent_path).map(|f| f.id);
                let id = store.new_id();
                environment.folders.insert(
                    here.clone(),
                    store::Folder {
                        id,
                        name: name.to_owned(),
                        parent,
                        description: None,
                        created: now,
                        updated: now,
                    },
                );
            }
            parent_path = here;
        }
        Ok(path)
    };
    for secret in &seeded.secrets {
        let path = folder(store, p, &secret.environment, &secret.path)?;
        let key = (secret.environment.clone(), path, secret.key.clone());
        if p.secrets.contains_key(&key) {
            return Err(SeedError(format!(
                "secret `{}` in {}:{} is seeded twice",
                key.2, key.0, key.1
            )));
        }
        let id = store.new_id();
        p.secrets.insert(
            key,
            store::Secret {
                id,
                key: secret.key.clone(),
                value: secret.value.clone(),
                comment: String::new(),
                version: 1,
                skip_multiline_encoding: Some(false),
                reminder_note: None,
                reminder_repeat_days: None,
                created: now,
                updated: now,
            },
        );
    }
    for import in &seeded.imports {
        let path = folder(store, p, &import.environment, &import.path)?;
        let from_path = folder(store, p, &import.from_environment, &import.from_path)?;
        p.imports.push(store::SecretImport {
            environment: import.environment.clone(),
            path,
            from_environment: import.from_environment.clone(),
            from_path,
        });
    }
    Ok(())
}

/// A project with the built-in roles and no environments.
fn new_project(store: &mut Store, id: String, name: String, slug: String) -> Project {
    let now = store::now();
    let mut roles = std::collections::BTreeMap::new();
    for slug in permissions::BUILT_IN {
        let role_id = store.new_id();
        roles.insert(
            slug.to_owned(),
            Role {
                id: role_id,
                name: slug.to_owned(),
                slug: slug.to_owned(),
                description: Some("Built-in role".to_owned()),
                permissions: permissions::built_in(slug).unwrap_or_default(),
                created: now,
                updated: now,
            },
        );
    }
    Project {
        id,
        name,
        description: None,
        slug,
        created: now,
        updated: now,
        environments: Vec::new(),
        roles,
        members: std::collections::BTreeMap::new(),
        secrets: std::collections::BTreeMap::new(),
        imports: Vec::new(),
    }
}

/// The identity behind a token, or 401.
fn authenticate(store: &Store, token: Option<&BearerToken>) -> Result<Uuid, ApiError> {
    let Some(token) = token else {
        return Err(ApiError::unauthorized("Missing authorization header"));
    };
    match store.tokens.get(token.as_str()) {
        Some(t) if t.expires > SystemTime::now() => Ok(t.identity),
        Some(_) => Err(ApiError::unauthorized("Token has expired")),
        None => Err(ApiError::unauthorized("Invalid token")),
    }
}

/// Ok when `identity`'s role in `project` grants `action` on `subject` (in `scope`), else 403.
fn authorize(
    store: &Store,
    project: &Project,
    identity: Uuid,
    subject: Subject,
    action: &str,
    scope: Option<Scope<'_>>,
) -> Result<(), ApiError> {
    let name = store
        .identities
        .iter()
        .find(|i| i.id == identity)
        .map_or("unknown", |i| i.name.as_str());
    let Some(role) = project.members.get(&identity) else {
        return Err(ApiError::forbidden(format!(
            "Identity '{name}' is not a member of project '{}'",
            project.slug
        )));
    };
    let rules = project
        .roles
        .get(role)
        .map(|r| r.permissions.as_slice())
        .unwrap_or_default();
    if permissions::allows(rules, subject, action, scope) {
        return Ok(());
    }
    let place = scope.map_or_else(String::new, |s| {
        format!(" in {}:{}", s.environment, s.secret_path)
    });
    Err(ApiError::forbidden(format!(
        "Identity '{name}' with role '{role}' may not {action} {}{place}",
        subject.as_str()
    )))
}

/// A project by id, or 404.
fn project<'a>(store: &'a Store, id: &str) -> Result<&'a Project, ApiError> {
    store
        .projects
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("Project with ID '{id}' not found")))
}

/// A project by slug, or 404.
fn project_by_slug<'a>(store: &'a Store, slug: &str) -> Result<&'a Project, ApiError> {
    store
        .project_by_slug(slug)
        .ok_or_else(|| ApiError::not_found(format!("Project with slug '{slug}' not found")))
}
