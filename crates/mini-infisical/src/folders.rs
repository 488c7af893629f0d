//! The `folders` group: create and list the folders of an environment. Every environment has a
//! root folder `/`; secrets live under a folder path, and writing a secret needs its folder.

use infisical_server::types::{
    CreateFolderV1Body, CreateFolderV1Response, CreateFolderV1ResponseFolder, ListFoldersV1Query,
    ListFoldersV1Response, ListFoldersV1ResponseFolder,
};
use infisical_server::{ApiError, BearerToken, Context, Folders, Reply};

use crate::permissions::{Scope, Subject};
use crate::store::{self, Environment, Folder, Project, canonical_path, is_within};
use crate::{MiniInfisical, authenticate, authorize, project};

impl Folders for MiniInfisical {
    async fn create_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        body: CreateFolderV1Body,
    ) -> Result<Reply<CreateFolderV1Response>, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        // `directory` is the older spelling of `path`; `path` wins when both are set.
        let (parent_path, input) = if body.path == "/" {
            (&body.directory, "body.directory")
        } else {
            (&body.path, "body.path")
        };
        let parent_path = canonical_path(parent_path, input)?;
        let name = body.name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ApiError::bad_request(format!(
                "Folder name '{}' may contain only letters, digits, '-' and '_'",
                body.name
            )));
        }
        let project = project(&store, &body.workspace_id)?;
        let environment = environment(project, &body.environment)?;
        authorize(
            &store,
            project,
            caller,
            Subject::SecretFolders,
            "create",
            Some(Scope {
                environment: &body.environment,
                secret_path: &parent_path,
                secret_name: None,
            }),
        )?;
        let parent = folder(environment, &parent_path)?.id;
        let path = canonical_path(&format!("{parent_path}/{name}"), "body.name")?;
        if environment.folders.contains_key(&path) {
            return Err(ApiError::bad_request(format!(
                "Folder with name '{name}' already exists in '{parent_path}'"
            )));
        }
        let now = store::now();
        let created = Folder {
            id: store.new_id(),
            name: name.to_owned(),
            parent: Some(parent),
            description: body.description.as_value().cloned(),
            created: now,
            updated: now,
        };
        let environment = store
            .projects
            .get_mut(&body.workspace_id)
            .and_then(|p| {
                p.environments
                    .iter_mut()
                    .find(|e| e.slug == body.environment)
            })
            .ok_or_else(|| missing_environment(&body.environment))?;
        let answer = CreateFolderV1ResponseFolder {
            id: created.id,
            name: created.name.clone(),
            version: Some(1),
            created_at: created.created,
            updated_at: created.updated,
            env_id: environment.id,
            parent_id: created.parent,
            is_reserved: Some(false),
            description: created.description.clone(),
            last_secret_modified: None,
        };
        environment.folders.insert(path, created);
        Ok(CreateFolderV1Response { folder: answer }.into())
    }

    async fn list_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        query: ListFoldersV1Query,
    ) -> Result<Reply<ListFoldersV1Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let (base, input) = match (&query.path, &query.directory) {
            (Some(path), _) => (path.as_str(), "query.path"),
            (None, Some(directory)) => (directory.as_str(), "query.directory"),
            (None, None) => ("/", "query.path"),
        };
        let base = canonical_path(base, input)?;
        let project = project(&store, &query.workspace_id)?;
        let environment = environment(project, &query.environment)?;
        let scope = |secret_path| Scope {
            environment: &query.environment,
            secret_path,
            secret_name: None,
        };
        authorize(
            &store,
            project,
            caller,
            Subject::SecretFolders,
            "read",
            Some(scope(&base)),
        )?;
        let base_id = folder(environment, &base)?.id;
        let recursive = query.recursive;
        let folders = environment
            .folders
            .iter()
            .filter(|(path, f)| {
                if recursive {
                    **path != base && is_within(path, &base)
                } else {
                    f.parent == Some(base_id)
                }
            })
            // Below the requested folder, a role may be narrower: show only what it may read.
            .filter(|(path, f)| {
                f.parent == Some(base_id)
                    || authorize(
                        &store,
                        project,
                        caller,
                        Subject::SecretFolders,
                        "read",
                        Some(scope(parent_of(path))),
                    )
                    .is_ok()
            })
            .map(|(path, f)| ListFoldersV1ResponseFolder {
                id: f.id,
                name: f.name.clone(),
                version: Some(1),
                created_at: f.created,
                updated_at: f.updated,
                env_id: environment.id,
                parent_id: f.parent,
                is_reserved: Some(false),
                description: f.description.clone(),
                last_secret_modified: None,
                relative_path: recursive.then(|| path.clone()),
            })
            .collect();
        Ok(ListFoldersV1Response { folders }.into())
    }
}

/// The path of the folder a (non-root) folder path is in.
fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// An environment of `project` by slug, or 404.
pub(crate) fn environment<'a>(
    project: &'a Project,
    slug: &str,
) -> Result<&'a Environment, ApiError> {
    project
        .environments
        .iter()
        .find(|e| e.slug == slug)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Environment with slug '{slug}' in project '{}' not found",
                project.slug
            ))
        })
}

/// A folder of `environment` by canonical path, or 404.
pub(crate) fn folder<'a>(environment: &'a Environment, path: &str) -> Result<&'a Folder, ApiError> {
    environment.folders.get(path).ok_or_else(|| {
        ApiError::not_found(format!(
            "Folder with path '{path}' in environment '{}' not found",
            environment.slug
        ))
    })
}

fn missing_environment(slug: &str) -> ApiError {
    ApiError::not_found(format!("Environment with slug '{slug}' not found"))
}

#[cfg(test)]
mod tests {
    use super::parent_of;

    #[test]
    fn parents() {
        assert_eq!(parent_of("/app"), "/");
        assert_eq!(parent_of("/app/api"), "/app");
        assert_eq!(parent_of("/"), "/");
    }
}
