//! The `secrets` group: create, read, list, update and delete on the v3 raw routes, each checked
//! against the caller's project role for the secret's environment and path. A secret lives in a
//! folder ([`folders`](crate::folders)): writing one where no folder is answers 404.

use infisical_server::types::{
    CreateSecretsRawV3Body, CreateSecretsRawV3Response, CreateSecretsRawV3ResponseSecret,
    DeleteSecretsRawV3Body, DeleteSecretsRawV3Response, DeleteSecretsRawV3ResponseSecret,
    DeleteSecretsSecret, GetSecretsRawV3ParamsType, GetSecretsRawV3Query, GetSecretsRawV3Response,
    GetSecretsRawV3ResponseSecret, ListSecretsRawV3Query, ListSecretsRawV3Response,
    ListSecretsRawV3ResponseImport, ListSecretsRawV3ResponseImportSecret, RawSecret,
    Secret as WireSecret, UpdateSecretsRawV3Body,
};
use infisical_server::{ApiError, BearerToken, Context, Reply, Secrets};

use crate::folders::folder;
use crate::permissions::{Scope, Subject};
use crate::store::{self, Project, Secret, Store, canonical_path, is_within};
use crate::{
    MiniInfisical, authenticate, authorize, imports, project, project_by_slug, references,
};

impl Secrets for MiniInfisical {
    async fn create_raw_v3(
        &self,
        _cx: &Context,
        token: BearerToken,
        secret_name: String,
        body: CreateSecretsRawV3Body,
    ) -> Result<Reply<CreateSecretsRawV3Response>, ApiError> {
        shared_only(&body.type_)?;
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let path = canonical_path(&body.secret_path, "body.secretPath")?;
        let target =
            Target::new(&store, &body.workspace_id, &body.environment, &path)?.named(&secret_name);
        target.authorize(&store, caller, "create")?;
        target.folder()?;
        let id = store.new_id();
        let now = store::now();
        let key = (body.environment.clone(), path.clone(), secret_name.clone());
        let project = project_mut(&mut store, &body.workspace_id)?;
        if project.secrets.contains_key(&key) {
            return Err(ApiError::bad_request(format!(
                "Secret with name '{secret_name}' already exists"
            )));
        }
        let secret = Secret {
            id,
            key: secret_name,
            value: body.secret_value,
            comment: body.secret_comment,
            version: 1,
            skip_multiline_encoding: body.skip_multiline_encoding,
            reminder_note: body.secret_reminder_note.as_value().cloned(),
            reminder_repeat_days: body.secret_reminder_repeat_days.as_value().copied(),
            created: now,
            updated: now,
        };
        let answer = raw_secret(project, &body.environment, &path, &secret, true);
        project.secrets.insert(key, secret);
        Ok(
            CreateSecretsRawV3Response::Secret(CreateSecretsRawV3ResponseSecret {
                secret: created(answer),
            })
            .into(),
        )
    }

    async fn get_raw_v3(
        &self,
        _cx: &Context,
        token: BearerToken,
        secret_name: String,
        query: GetSecretsRawV3Query,
    ) -> Result<Reply<GetSecretsRawV3Response>, ApiError> {
        shared_only(&query.type_)?;
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = find_project(
            &store,
            query.workspace_id.as_deref(),
            query.workspace_slug.as_deref(),
        )?;
        let environment = required(query.environment.as_deref(), "environment")?;
        let path = canonical_path(&query.secret_path, "query.secretPath")?;
        let target = Target::new(&store, &project.id, environment, &path)?.named(&secret_name);
        target.authorize(&store, caller, "read")?;
        let view = query.view_secret_value;
        let expand = query.expand_secret_references && view;
        let local =
            project
                .secrets
                .get(&(environment.to_owned(), path.clone(), secret_name.clone()));
        let s = match local {
            Some(secret) => {
                let mut s = raw_secret(project, environment, &path, secret, view);
                if expand {
                    s.secret_value = expanded(&store, project, caller, environment, &path, secret)
                        .map_err(|denied| ApiError::forbidden(denied.message()))?;
                }
                s
            }
            None if query.include_imports => from_imports(
                &store,
                project,
                caller,
                environment,
                &path,
                &secret_name,
                view,
                expand,
            )?,
            None => return Err(not_found(&secret_name)),
        };
        Ok(GetSecretsRawV3Response {
            secret: GetSecretsRawV3ResponseSecret {
                id: s.id,
                underscore_id: s.underscore_id,
                workspace: s.workspace,
                environment: s.environment,
                version: s.version,
                type_: s.type_,
                secret_key: s.secret_key,
                secret_value: s.secret_value,
                secret_comment: s.secret_comment,
                secret_reminder_note: s.secret_reminder_note,
                secret_reminder_repeat_days: s.secret_reminder_repeat_days,
                skip_multiline_encoding: s.skip_multiline_encoding,
                created_at: s.created_at,
                updated_at: s.updated_at,
                actor: None,
                is_rotated_secret: Some(false),
                rotation_id: None,
                secret_value_hidden: s.secret_value_hidden,
                tags: s.tags,
                secret_metadata: s.secret_metadata,
            },
        }
        .into())
    }

    async fn list_raw_v3(
        &self,
        _cx: &Context,
        token: BearerToken,
        query: ListSecretsRawV3Query,
    ) -> Result<Reply<ListSecretsRawV3Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = find_project(
            &store,
            query.workspace_id.as_deref(),
            query.workspace_slug.as_deref(),
        )?;
        let environment = required(query.environment.as_deref(), "environment")?;
        let folder = canonical_path(&query.secret_path, "query.secretPath")?;
        let target = Target::new(&store, &project.id, environment, &folder)?;
        target.authorize(&store, caller, "read")?;
        target.folder()?;
        let view = query.view_secret_value;
        let expand = query.expand_secret_references;
        let recursive = query.recursive;
        let secrets = project
            .secrets
            .iter()
            .filter(|((env, path, _), _)| {
                env == environment
                    && if recursive {
                        is_within(path, &folder)
                    } else {
                        *path == folder
                    }
            })
            // A role may be narrower than the folder (below it, or by secret name): show only
            // the secrets it may read, each checked on its own.
            .filter(|((_, path, name), _)| {
                authorize(
                    &store,
                    project,
                    caller,
                    Subject::Secrets,
                    "read",
                    Some(Scope {
                        environment,
                        secret_path: path,
                        secret_name: Some(name),
                    }),
                )
                .is_ok()
            })
            .map(|((_, path, _), secret)| {
                let mut s = raw_secret(project, environment, path, secret, view);
                // A reference the caller may not read leaves the value as stored.
                if expand
                    && view
                    && let Ok(value) = expanded(&store, project, caller, environment, path, secret)
                {
                    s.secret_value = value;
                }
                s
            })
            .collect();
        let imports = if query.include_imports {
            // The folders listed that make imports (the one asked for, and those below it when
            // recursive).
            let mut folders: Vec<&str> = project
                .imports
                .iter()
                .filter(|i| i.environment == environment)
                .map(|i| i.path.as_str())
                .filter(|path| {
                    if recursive {
                        is_within(path, &folder)
                    } else {
                        *path == folder
                    }
                })
                .collect();
            folders.sort_unstable();
            folders.dedup();
            let folders: Vec<(&str, &str)> = folders
                .into_iter()
                .map(|path| (environment, path))
                .collect();
            import_entries(&store, project, caller, &folders, view, expand)
        } else {
            Vec::new()
        };
        Ok(ListSecretsRawV3Response {
            secrets,
            imports: Some(imports),
        }
        .into())
    }

    async fn update_raw_v3(
        &self,
        _cx: &Context,
        token: BearerToken,
        secret_name: String,
        body: UpdateSecretsRawV3Body,
    ) -> Result<Reply<DeleteSecretsRawV3Response>, ApiError> {
        shared_only(&body.type_)?;
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let path = canonical_path(&body.secret_path, "body.secretPath")?;
        let target =
            Target::new(&store, &body.workspace_id, &body.environment, &path)?.named(&secret_name);
        target.authorize(&store, caller, "edit")?;
        // A rename must be allowed under the new name too: a role scoped by secret name may not
        // move a secret out of its reach or into a name it may not touch.
        if let Some(new_name) = body.new_secret_name.as_deref() {
            Target {
                name: Some(new_name),
                ..target
            }
            .authorize(&store, caller, "edit")?;
        }
        target.folder()?;
        let now = store::now();
        let project = project_mut(&mut store, &body.workspace_id)?;
        let key = (body.environment.clone(), path.clone(), secret_name.clone());
        let mut secret = project
            .secrets
            .remove(&key)
            .ok_or_else(|| not_found(&secret_name))?;
        if let Some(new_name) = body.new_secret_name.filter(|n| *n != secret_name) {
            let new_key = (body.environment.clone(), path.clone(), new_name.clone());
            if project.secrets.contains_key(&new_key) {
                project.secrets.insert(key, secret);
                return Err(ApiError::bad_request(format!(
                    "Secret with name '{new_name}' already exists"
                )));
            }
            secret.key = new_name;
        }
        if let Some(value) = body.secret_value {
            secret.value = value;
        }
        if let Some(comment) = body.secret_comment {
            secret.comment = comment;
        }
        if body.skip_multiline_encoding.is_some() {
            secret.skip_multiline_encoding = body.skip_multiline_encoding;
        }
        match body.secret_reminder_note {
            oas_runtime::Patch::Absent => {}
            note => secret.reminder_note = note.as_value().cloned(),
        }
        match body.secret_reminder_repeat_days {
            oas_runtime::Patch::Absent => {}
            days => secret.reminder_repeat_days = days.as_value().copied(),
        }
        secret.version += 1;
        secret.updated = now;
        let answer = raw_secret(project, &body.environment, &path, &secret, true);
        let key = (body.environment, path, secret.key.clone());
        project.secrets.insert(key, secret);
        Ok(changed(answer).into())
    }

    async fn delete_raw_v3(
        &self,
        _cx: &Context,
        token: BearerToken,
        secret_name: String,
        body: DeleteSecretsRawV3Body,
    ) -> Result<Reply<DeleteSecretsRawV3Response>, ApiError> {
        shared_only(&body.type_)?;
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let path = canonical_path(&body.secret_path, "body.secretPath")?;
        let target =
            Target::new(&store, &body.workspace_id, &body.environment, &path)?.named(&secret_name);
        target.authorize(&store, caller, "delete")?;
        target.folder()?;
        let project = project_mut(&mut store, &body.workspace_id)?;
        let secret = project
            .secrets
            .remove(&(body.environment.clone(), path.clone(), secret_name.clone()))
            .ok_or_else(|| not_found(&secret_name))?;
        Ok(changed(raw_secret(project, &body.environment, &path, &secret, true)).into())
    }
}

/// True when the caller may read the secret `key` in `environment`:`path`.
fn may_read(
    store: &Store,
    project: &Project,
    caller: uuid::Uuid,
) -> impl Fn(&str, &str, &str) -> bool {
    move |environment, secret_path, key| {
        authorize(
            store,
            project,
            caller,
            Subject::Secrets,
            "read",
            Some(Scope {
                environment,
                secret_path,
                secret_name: Some(key),
            }),
        )
        .is_ok()
    }
}

/// The value of `secret` (in `environment`:`path`) with its references expanded.
fn expanded(
    store: &Store,
    project: &Project,
    caller: uuid::Uuid,
    environment: &str,
    path: &str,
    secret: &Secret,
) -> Result<String, references::Denied> {
    references::expand(
        project,
        environment,
        path,
        &secret.value,
        secret.skip_multiline_encoding.unwrap_or(false),
        &may_read(store, project, caller),
    )
}

/// The `imports` of a listing of `folders`: what each of their imports brings that the caller may
/// read, values expanded where the caller may read what they reference.
fn import_entries(
    store: &Store,
    project: &Project,
    caller: uuid::Uuid,
    folders: &[(&str, &str)],
    view: bool,
    expand: bool,
) -> Vec<ListSecretsRawV3ResponseImport> {
    let readable = may_read(store, project, caller);
    imports::imported(project, folders, &readable)
        .into_iter()
        .map(|import| ListSecretsRawV3ResponseImport {
            secret_path: import.path.to_owned(),
            environment: import.environment.to_owned(),
            folder_id: import.folder_id.map(|id| id.to_string()),
            secrets: import
                .secrets
                .into_iter()
                .map(|(env, path, secret)| {
                    let mut s = raw_secret(project, env, path, secret, view);
                    if expand
                        && view
                        && let Ok(value) = expanded(store, project, caller, env, path, secret)
                    {
                        s.secret_value = value;
                    }
                    imported_secret(s)
                })
                .collect(),
        })
        .collect()
}

/// A secret that is not in the folder read, found through its imports (the last import first),
/// as a single read answers it; 404 when no import has it.
#[allow(clippy::too_many_arguments)]
fn from_imports(
    store: &Store,
    project: &Project,
    caller: uuid::Uuid,
    environment: &str,
    path: &str,
    name: &str,
    view: bool,
    expand: bool,
) -> Result<RawSecret, ApiError> {
    // Permissions here have one action for describing and reading a value (`read`): an
    // imported secret the caller may not read is not seen at all.
    let readable = may_read(store, project, caller);
    let imported = imports::imported(project, &[(environment, path)], &readable);
    for import in imported.iter().rev() {
        for (env, folder, secret) in &import.secrets {
            if secret.key != name {
                continue;
            }
            let mut s = raw_secret(project, import.environment, import.path, secret, view);
            if expand && let Ok(value) = expanded(store, project, caller, env, folder, secret) {
                s.secret_value = value;
            }
            return Ok(s);
        }
    }
    Err(not_found(name))
}

/// A secret as an import entry lists it.
fn imported_secret(s: RawSecret) -> ListSecretsRawV3ResponseImportSecret {
    ListSecretsRawV3ResponseImportSecret {
        id: s.id,
        underscore_id: s.underscore_id,
        workspace: s.workspace,
        environment: s.environment,
        version: s.version,
        type_: s.type_,
        secret_key: s.secret_key,
        secret_value: s.secret_value,
        secret_comment: s.secret_comment,
        secret_reminder_note: s.secret_reminder_note,
        secret_reminder_repeat_days: s.secret_reminder_repeat_days,
        skip_multiline_encoding: s.skip_multiline_encoding,
        actor: s.actor,
        is_rotated_secret: s.is_rotated_secret,
        rotation_id: s.rotation_id,
        secret_value_hidden: s.secret_value_hidden,
        secret_metadata: s.secret_metadata,
    }
}

/// Where a secrets request applies, once the project and environment are known to exist.
#[derive(Clone, Copy)]
struct Target<'a> {
    project: &'a Project,
    environment: &'a str,
    path: &'a str,
    /// The secret's key; `None` for a listing.
    name: Option<&'a str>,
}

impl Target<'_> {
    /// 404 unless the folder of the request exists.
    fn folder(&self) -> Result<(), ApiError> {
        let environment = crate::folders::environment(self.project, self.environment)?;
        folder(environment, self.path).map(|_| ())
    }
}

impl<'a> Target<'a> {
    fn new(
        store: &'a Store,
        project_id: &str,
        environment: &'a str,
        path: &'a str,
    ) -> Result<Self, ApiError> {
        let project = project(store, project_id)?;
        if !project.environments.iter().any(|e| e.slug == environment) {
            return Err(ApiError::not_found(format!(
                "Environment with slug '{environment}' in project '{}' not found",
                project.slug
            )));
        }
        Ok(Self {
            project,
            environment,
            path,
            name: None,
        })
    }

    /// The same target, about the secret `name`.
    fn named(self, name: &'a str) -> Self {
        Self {
            name: Some(name),
            ..self
        }
    }

    fn authorize(&self, store: &Store, caller: uuid::Uuid, action: &str) -> Result<(), ApiError> {
        let scope = Scope {
            environment: self.environment,
            secret_path: self.path,
            secret_name: self.name,
        };
        authorize(
            store,
            self.project,
            caller,
            Subject::Secrets,
            action,
            Some(scope),
        )
    }
}

fn find_project<'a>(
    store: &'a Store,
    id: Option<&str>,
    slug: Option<&str>,
) -> Result<&'a Project, ApiError> {
    match (id, slug) {
        (Some(id), _) => project(store, id),
        (None, Some(slug)) => project_by_slug(store, slug),
        (None, None) => Err(ApiError::bad_request(
            "Either workspaceId or workspaceSlug is required",
        )),
    }
}

fn project_mut<'a>(store: &'a mut Store, id: &str) -> Result<&'a mut Project, ApiError> {
    store
        .projects
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("Project with ID '{id}' not found")))
}

fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, ApiError> {
    value.ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
}

fn shared_only(kind: &GetSecretsRawV3ParamsType) -> Result<(), ApiError> {
    match kind {
        GetSecretsRawV3ParamsType::Shared => Ok(()),
        _ => Err(ApiError::bad_request(
            "mini-infisical supports only shared secrets",
        )),
    }
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Secret with name '{name}' not found"))
}

/// What Infisical answers in place of a value the caller asked not to see.
const HIDDEN: &str = "<hidden-by-infisical>";

/// A secret as the raw routes spell it; with `view` false, its value is hidden.
fn raw_secret(
    project: &Project,
    environment: &str,
    path: &str,
    secret: &Secret,
    view: bool,
) -> RawSecret {
    RawSecret {
        id: secret.id.to_string(),
        underscore_id: secret.id.to_string(),
        workspace: project.id.clone(),
        environment: environment.to_owned(),
        version: i64::from(secret.version),
        type_: "shared".to_owned(),
        secret_key: secret.key.clone(),
        secret_value: if view {
            secret.value.clone()
        } else {
            HIDDEN.to_owned()
        },
        secret_comment: secret.comment.clone(),
        secret_reminder_note: secret.reminder_note.clone(),
        secret_reminder_repeat_days: secret.reminder_repeat_days,
        skip_multiline_encoding: secret.skip_multiline_encoding,
        created_at: secret.created,
        updated_at: secret.updated,
        actor: None,
        is_rotated_secret: Some(false),
        rotation_id: None,
        secret_path: Some(path.to_owned()),
        secret_value_hidden: !view,
        secret_metadata: Some(Vec::new()),
        tags: Some(Vec::new()),
    }
}

/// The answer of a create.
fn created(s: RawSecret) -> WireSecret {
    WireSecret {
        id: s.id,
        underscore_id: s.underscore_id,
        workspace: s.workspace,
        environment: s.environment,
        version: s.version,
        type_: s.type_,
        secret_key: s.secret_key,
        secret_value: s.secret_value,
        secret_comment: s.secret_comment,
        secret_reminder_note: s.secret_reminder_note,
        secret_reminder_repeat_days: s.secret_reminder_repeat_days,
        skip_multiline_encoding: s.skip_multiline_encoding,
        created_at: s.created_at,
        updated_at: s.updated_at,
        actor: s.actor,
        is_rotated_secret: s.is_rotated_secret,
        rotation_id: s.rotation_id,
    }
}

/// The answer of an update or a delete.
fn changed(s: RawSecret) -> DeleteSecretsRawV3Response {
    DeleteSecretsRawV3Response::Secret(DeleteSecretsRawV3ResponseSecret {
        secret: DeleteSecretsSecret {
            id: s.id,
            underscore_id: s.underscore_id,
            workspace: s.workspace,
            environment: s.environment,
            version: s.version,
            type_: s.type_,
            secret_key: s.secret_key,
            secret_value: s.secret_value,
            secret_comment: s.secret_comment,
            secret_reminder_note: s.secret_reminder_note,
            secret_reminder_repeat_days: s.secret_reminder_repeat_days,
            skip_multiline_encoding: s.skip_multiline_encoding,
            created_at: s.created_at,
            updated_at: s.updated_at,
            actor: s.actor,
            is_rotated_secret: s.is_rotated_secret,
            rotation_id: s.rotation_id,
            secret_value_hidden: s.secret_value_hidden,
        },
    })
}
