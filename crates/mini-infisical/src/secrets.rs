//! The `secrets` group: create, read, list, update and delete on the v3 raw routes, each checked
//! against the caller's project role for the secret's environment and path.

use infisical_server::types::{
    CreateSecretsRawV3Body, CreateSecretsRawV3Response, CreateSecretsRawV3ResponseSecret,
    DeleteSecretsRawV3Body, GetSecretV3ParamsType, GetSecretsRawV3Query, GetSecretsRawV3Response,
    GetSecretsRawV3ResponseSecret, ListSecretsRawV3Query, ListSecretsRawV3Response, RawSecret,
    Secret as WireSecret, UpdateSecretsRawV3Body,
};
use infisical_server::{ApiError, BearerToken, Secrets};

use crate::permissions::{Scope, Subject};
use crate::store::{self, Project, Secret, Store, canonical_path, is_within};
use crate::{MiniInfisical, authenticate, authorize, project, project_by_slug};

impl Secrets for MiniInfisical {
    async fn create_raw_v3(
        &self,
        token: BearerToken,
        secret_name: String,
        body: CreateSecretsRawV3Body,
    ) -> Result<CreateSecretsRawV3Response, ApiError> {
        shared_only(&body.type_)?;
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let path = canonical_path(&body.secret_path);
        let target = Target::new(&store, &body.workspace_id, &body.environment, &path)?;
        target.authorize(&store, caller, "create")?;
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
        let answer = wire_secret(project, &body.environment, &secret);
        project.secrets.insert(key, secret);
        Ok(wrap(answer))
    }

    async fn get_raw_v3(
        &self,
        token: BearerToken,
        secret_name: String,
        query: GetSecretsRawV3Query,
    ) -> Result<GetSecretsRawV3Response, ApiError> {
        if let Some(kind) = &query.type_ {
            shared_only(kind)?;
        }
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = find_project(
            &store,
            query.workspace_id.as_deref(),
            query.workspace_slug.as_deref(),
        )?;
        let environment = required(query.environment.as_deref(), "environment")?;
        let path = canonical_path(query.secret_path.as_deref().unwrap_or("/"));
        let target = Target::new(&store, &project.id, environment, &path)?;
        target.authorize(&store, caller, "read")?;
        let secret = project
            .secrets
            .get(&(environment.to_owned(), path, secret_name.clone()))
            .ok_or_else(|| not_found(&secret_name))?;
        let s = wire_secret(project, environment, secret);
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
                metadata: None,
                created_at: s.created_at,
                updated_at: s.updated_at,
                tags: Some(Vec::new()),
            },
        })
    }

    async fn list_raw_v3(
        &self,
        token: BearerToken,
        query: ListSecretsRawV3Query,
    ) -> Result<ListSecretsRawV3Response, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = find_project(
            &store,
            query.workspace_id.as_deref(),
            query.workspace_slug.as_deref(),
        )?;
        let environment = required(query.environment.as_deref(), "environment")?;
        let folder = canonical_path(query.secret_path.as_deref().unwrap_or("/"));
        let target = Target::new(&store, &project.id, environment, &folder)?;
        target.authorize(&store, caller, "read")?;
        let recursive = query.recursive.unwrap_or(false);
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
            // Below the requested folder, a role may be narrower: show only what it may read.
            .filter(|((_, path, _), _)| {
                *path == folder
                    || authorize(
                        &store,
                        project,
                        caller,
                        Subject::Secrets,
                        "read",
                        Some(Scope {
                            environment,
                            secret_path: path,
                        }),
                    )
                    .is_ok()
            })
            .map(|((_, path, _), secret)| {
                let s = wire_secret(project, environment, secret);
                RawSecret {
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
                    metadata: None,
                    created_at: s.created_at,
                    updated_at: s.updated_at,
                    secret_path: Some(path.clone()),
                    tags: Some(Vec::new()),
                }
            })
            .collect();
        Ok(ListSecretsRawV3Response {
            secrets,
            imports: Some(Vec::new()),
        })
    }

    async fn update_raw_v3(
        &self,
        token: BearerToken,
        secret_name: String,
        body: UpdateSecretsRawV3Body,
    ) -> Result<CreateSecretsRawV3Response, ApiError> {
        shared_only(&body.type_)?;
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let path = canonical_path(&body.secret_path);
        let target = Target::new(&store, &body.workspace_id, &body.environment, &path)?;
        target.authorize(&store, caller, "edit")?;
        let now = store::now();
        let project = project_mut(&mut store, &body.workspace_id)?;
        let key = (body.environment.clone(), path.clone(), secret_name.clone());
        let mut secret = project
            .secrets
            .remove(&key)
            .ok_or_else(|| not_found(&secret_name))?;
        if let Some(new_name) = body.new_secret_name.filter(|n| *n != secret_name) {
            let new_key = (body.environment.clone(), path, new_name.clone());
            if project.secrets.contains_key(&new_key) {
                project.secrets.insert(key, secret);
                return Err(ApiError::bad_request(format!(
                    "Secret with name '{new_name}' already exists"
                )));
            }
            secret.key = new_name;
        }
        secret.value = body.secret_value;
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
        let answer = wire_secret(project, &body.environment, &secret);
        let key = (
            body.environment,
            canonical_path(&body.secret_path),
            secret.key.clone(),
        );
        project.secrets.insert(key, secret);
        Ok(wrap(answer))
    }

    async fn delete_raw_v3(
        &self,
        token: BearerToken,
        secret_name: String,
        body: DeleteSecretsRawV3Body,
    ) -> Result<CreateSecretsRawV3Response, ApiError> {
        shared_only(&body.type_)?;
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let path = canonical_path(&body.secret_path);
        let target = Target::new(&store, &body.workspace_id, &body.environment, &path)?;
        target.authorize(&store, caller, "delete")?;
        let project = project_mut(&mut store, &body.workspace_id)?;
        let secret = project
            .secrets
            .remove(&(body.environment.clone(), path, secret_name.clone()))
            .ok_or_else(|| not_found(&secret_name))?;
        Ok(wrap(wire_secret(project, &body.environment, &secret)))
    }
}

/// Where a secrets request applies, once the project and environment are known to exist.
struct Target<'a> {
    project: &'a Project,
    environment: &'a str,
    path: &'a str,
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
        })
    }

    fn authorize(&self, store: &Store, caller: uuid::Uuid, action: &str) -> Result<(), ApiError> {
        let scope = Scope {
            environment: self.environment,
            secret_path: self.path,
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

fn shared_only(kind: &GetSecretV3ParamsType) -> Result<(), ApiError> {
    match kind {
        GetSecretV3ParamsType::Shared => Ok(()),
        _ => Err(ApiError::bad_request(
            "mini-infisical supports only shared secrets",
        )),
    }
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Secret with name '{name}' not found"))
}

fn wrap(secret: WireSecret) -> CreateSecretsRawV3Response {
    CreateSecretsRawV3Response::Secret(CreateSecretsRawV3ResponseSecret { secret })
}

fn wire_secret(project: &Project, environment: &str, secret: &Secret) -> WireSecret {
    WireSecret {
        id: secret.id.to_string(),
        underscore_id: secret.id.to_string(),
        workspace: project.id.clone(),
        environment: environment.to_owned(),
        version: f64::from(secret.version),
        type_: "shared".to_owned(),
        secret_key: secret.key.clone(),
        secret_value: secret.value.clone(),
        secret_comment: secret.comment.clone(),
        secret_reminder_note: secret.reminder_note.clone(),
        secret_reminder_repeat_days: secret.reminder_repeat_days,
        skip_multiline_encoding: secret.skip_multiline_encoding,
        metadata: None,
        created_at: secret.created,
        updated_at: secret.updated,
    }
}
