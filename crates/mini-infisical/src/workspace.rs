//! The `workspace` group: projects, their environments and their roles.

use infisical_server::types::{
    CreateWorkspaceEnvironmentV1Body, CreateWorkspaceEnvironmentV1Response,
    CreateWorkspaceEnvironmentV1ResponseEnvironment, CreateWorkspaceRoleV1Body,
    CreateWorkspaceRoleV1Response, CreateWorkspaceRoleV1ResponseRole,
    CreateWorkspaceRoleV1ResponseRolePermission, CreateWorkspaceV2Body, CreateWorkspaceV2Response,
    DeleteWorkspaceV1Response, GetWorkspaceEnvironmentByEnvIdV1Response, GetWorkspaceV1Response,
    GetWorkspaceV2Response, ImportEnv, ListWorkspaceRolesV1Response,
    ListWorkspaceRolesV1ResponseRole, ListWorkspaceV1Query, ListWorkspaceV1Response,
    ListWorkspaceV1ResponseWorkspace, UpdateWorkspaceEnvironmentV1Body, UpdateWorkspaceRoleV1Body,
    Workspace as WireWorkspace,
};
use infisical_server::{ApiError, BearerToken, Workspace};

use crate::permissions::{self, Subject};
use crate::store::{self, Environment, Project, Role, slugify};
use crate::{MiniInfisical, authenticate, authorize, new_project, project, project_by_slug};

impl Workspace for MiniInfisical {
    async fn create_v2(
        &self,
        token: BearerToken,
        body: CreateWorkspaceV2Body,
    ) -> Result<CreateWorkspaceV2Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let slug = body.slug.unwrap_or_else(|| slugify(&body.project_name));
        if slug.is_empty() {
            return Err(ApiError::bad_request("The project needs a slug"));
        }
        if store.project_by_slug(&slug).is_some() {
            return Err(ApiError::bad_request(format!(
                "A project with slug '{slug}' already exists"
            )));
        }
        let id = store.new_id().to_string();
        let mut project = new_project(&mut store, id.clone(), body.project_name, slug);
        let now = store::now();
        for (position, env) in ["dev", "staging", "prod"].into_iter().enumerate() {
            let env_id = store.new_id();
            project.environments.push(Environment {
                id: env_id,
                name: env.to_owned(),
                slug: env.to_owned(),
                position: f64::from(u8::try_from(position + 1).unwrap_or(u8::MAX)),
                created: now,
                updated: now,
            });
        }
        // The creator administers what it created.
        project.members.insert(caller, "admin".to_owned());
        let answer = self.wire_project(&project);
        store.projects.insert(id, project);
        Ok(CreateWorkspaceV2Response { project: answer })
    }

    async fn get_v1(
        &self,
        token: BearerToken,
        workspace_id: String,
    ) -> Result<GetWorkspaceV1Response, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = member_of(&store, &workspace_id, caller)?;
        Ok(GetWorkspaceV1Response {
            workspace: Some(self.wire_project(project)),
        })
    }

    async fn list_v1(
        &self,
        token: Option<BearerToken>,
        _query: ListWorkspaceV1Query,
    ) -> Result<ListWorkspaceV1Response, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, token.as_ref())?;
        let workspaces = store
            .projects
            .values()
            .filter(|p| p.members.contains_key(&caller))
            .map(|p| {
                let w = self.wire_project(p);
                ListWorkspaceV1ResponseWorkspace {
                    id: w.id,
                    name: w.name,
                    slug: w.slug,
                    auto_capitalization: w.auto_capitalization,
                    org_id: w.org_id,
                    created_at: w.created_at,
                    updated_at: w.updated_at,
                    version: w.version,
                    upgrade_status: None,
                    pit_version_limit: w.pit_version_limit,
                    kms_certificate_key_id: None,
                    audit_logs_retention_days: None,
                    underscore_id: w.underscore_id,
                    environments: w.environments,
                    roles: None,
                }
            })
            .collect();
        Ok(ListWorkspaceV1Response { workspaces })
    }

    async fn delete_v1(
        &self,
        token: BearerToken,
        workspace_id: String,
    ) -> Result<DeleteWorkspaceV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &workspace_id)?;
        authorize(&store, project, caller, Subject::Workspace, "delete", None)?;
        let w = self.wire_project(project);
        store.projects.remove(&workspace_id);
        Ok(DeleteWorkspaceV1Response {
            workspace: Some(WireWorkspace {
                id: w.id,
                name: w.name,
                slug: w.slug,
                auto_capitalization: w.auto_capitalization,
                org_id: w.org_id,
                created_at: w.created_at,
                updated_at: w.updated_at,
                version: w.version,
                upgrade_status: None,
                pit_version_limit: w.pit_version_limit,
                kms_certificate_key_id: None,
                audit_logs_retention_days: None,
            }),
        })
    }

    async fn create_environment_v1(
        &self,
        token: BearerToken,
        workspace_id: String,
        body: CreateWorkspaceEnvironmentV1Body,
    ) -> Result<CreateWorkspaceEnvironmentV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &workspace_id)?;
        authorize(
            &store,
            project,
            caller,
            Subject::Environments,
            "create",
            None,
        )?;
        if project.environments.iter().any(|e| e.slug == body.slug) {
            return Err(ApiError::bad_request(format!(
                "An environment with slug '{}' already exists",
                body.slug
            )));
        }
        let position = body.position.unwrap_or_else(|| {
            project
                .environments
                .iter()
                .map(|e| e.position)
                .fold(0.0, f64::max)
                + 1.0
        });
        let id = store.new_id();
        let now = store::now();
        let environment = Environment {
            id,
            name: body.name,
            slug: body.slug,
            position,
            created: now,
            updated: now,
        };
        let answer = wire_environment(&workspace_id, &environment);
        if let Some(project) = store.projects.get_mut(&workspace_id) {
            project.environments.push(environment);
        }
        Ok(CreateWorkspaceEnvironmentV1Response {
            message: "Successfully created new environment".to_owned(),
            workspace: workspace_id,
            environment: answer,
        })
    }

    async fn get_environment_by_workspace_id_env_id_v1(
        &self,
        token: BearerToken,
        workspace_id: String,
        env_id: String,
    ) -> Result<GetWorkspaceEnvironmentByEnvIdV1Response, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &workspace_id)?;
        authorize(&store, project, caller, Subject::Environments, "read", None)?;
        let environment = environment(project, &env_id)?;
        Ok(GetWorkspaceEnvironmentByEnvIdV1Response {
            environment: wire_environment(&workspace_id, environment),
        })
    }

    async fn update_environment_v1(
        &self,
        token: BearerToken,
        workspace_id: String,
        id: String,
        body: Option<UpdateWorkspaceEnvironmentV1Body>,
    ) -> Result<CreateWorkspaceEnvironmentV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &workspace_id)?;
        authorize(&store, project, caller, Subject::Environments, "edit", None)?;
        let old_slug = environment(project, &id)?.slug.clone();
        let body = body.unwrap_or_default();
        if let Some(slug) = &body.slug
            && *slug != old_slug
            && project.environments.iter().any(|e| e.slug == *slug)
        {
            return Err(ApiError::bad_request(format!(
                "An environment with slug '{slug}' already exists"
            )));
        }
        let Some(project) = store.projects.get_mut(&workspace_id) else {
            return Err(ApiError::not_found(format!(
                "Project with ID '{workspace_id}' not found"
            )));
        };
        let Some(environment) = project
            .environments
            .iter_mut()
            .find(|e| e.id.to_string() == id)
        else {
            return Err(ApiError::not_found(format!(
                "Environment with ID '{id}' not found"
            )));
        };
        if let Some(name) = body.name {
            environment.name = name;
        }
        if let Some(position) = body.position {
            environment.position = position;
        }
        if let Some(slug) = body.slug {
            environment.slug = slug;
        }
        environment.updated = store::now();
        let answer = wire_environment(&workspace_id, environment);
        let new_slug = environment.slug.clone();
        // Secrets follow their environment's slug.
        if new_slug != old_slug {
            let moved: Vec<_> = project
                .secrets
                .keys()
                .filter(|(env, _, _)| *env == old_slug)
                .cloned()
                .collect();
            for key in moved {
                if let Some(secret) = project.secrets.remove(&key) {
                    project
                        .secrets
                        .insert((new_slug.clone(), key.1, key.2), secret);
                }
            }
        }
        Ok(CreateWorkspaceEnvironmentV1Response {
            message: "Successfully updated environment".to_owned(),
            workspace: workspace_id,
            environment: answer,
        })
    }

    async fn delete_environment_v1(
        &self,
        token: BearerToken,
        workspace_id: String,
        id: String,
    ) -> Result<CreateWorkspaceEnvironmentV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &workspace_id)?;
        authorize(
            &store,
            project,
            caller,
            Subject::Environments,
            "delete",
            None,
        )?;
        let slug = environment(project, &id)?.slug.clone();
        let Some(project) = store.projects.get_mut(&workspace_id) else {
            return Err(ApiError::not_found(format!(
                "Project with ID '{workspace_id}' not found"
            )));
        };
        let Some(index) = project
            .environments
            .iter()
            .position(|e| e.id.to_string() == id)
        else {
            return Err(ApiError::not_found(format!(
                "Environment with ID '{id}' not found"
            )));
        };
        let removed = project.environments.remove(index);
        project.secrets.retain(|(env, _, _), _| *env != slug);
        Ok(CreateWorkspaceEnvironmentV1Response {
            message: "Successfully deleted environment".to_owned(),
            workspace: workspace_id.clone(),
            environment: wire_environment(&workspace_id, &removed),
        })
    }

    async fn create_role_v1(
        &self,
        token: BearerToken,
        project_slug: String,
        body: CreateWorkspaceRoleV1Body,
    ) -> Result<CreateWorkspaceRoleV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project_by_slug(&store, &project_slug)?;
        authorize(&store, project, caller, Subject::Role, "create", None)?;
        if project.roles.contains_key(&body.slug) {
            return Err(ApiError::bad_request(format!(
                "A role with slug '{}' already exists",
                body.slug
            )));
        }
        let project_id = project.id.clone();
        let id = store.new_id();
        let now = store::now();
        let role = Role {
            id,
            name: body.name,
            slug: body.slug,
            description: body.description,
            permissions: body.permissions,
            created: now,
            updated: now,
        };
        let answer = wire_role(&project_id, &role);
        if let Some(project) = store.project_by_slug_mut(&project_slug) {
            project.roles.insert(role.slug.clone(), role);
        }
        Ok(CreateWorkspaceRoleV1Response { role: answer })
    }

    async fn list_roles_v1(
        &self,
        token: BearerToken,
        project_slug: String,
    ) -> Result<ListWorkspaceRolesV1Response, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project_by_slug(&store, &project_slug)?;
        authorize(&store, project, caller, Subject::Role, "read", None)?;
        let roles = project
            .roles
            .values()
            .map(|r| ListWorkspaceRolesV1ResponseRole {
                id: r.id,
                name: r.name.clone(),
                description: r.description.clone(),
                slug: r.slug.clone(),
                created_at: r.created,
                updated_at: r.updated,
                project_id: project.id.clone(),
            })
            .collect();
        Ok(ListWorkspaceRolesV1Response { roles })
    }

    async fn get_role_by_slug_v1(
        &self,
        token: Option<BearerToken>,
        project_slug: String,
        slug: String,
    ) -> Result<CreateWorkspaceRoleV1Response, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, token.as_ref())?;
        let project = project_by_slug(&store, &project_slug)?;
        authorize(&store, project, caller, Subject::Role, "read", None)?;
        let role = project
            .roles
            .get(&slug)
            .ok_or_else(|| ApiError::not_found(format!("Role with slug '{slug}' not found")))?;
        Ok(CreateWorkspaceRoleV1Response {
            role: wire_role(&project.id, role),
        })
    }

    async fn update_role_v1(
        &self,
        token: BearerToken,
        project_slug: String,
        role_id: String,
        body: Option<UpdateWorkspaceRoleV1Body>,
    ) -> Result<CreateWorkspaceRoleV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project_by_slug(&store, &project_slug)?;
        authorize(&store, project, caller, Subject::Role, "edit", None)?;
        let old_slug = custom_role(project, &role_id)?.slug.clone();
        let body = body.unwrap_or_default();
        if let Some(slug) = &body.slug
            && *slug != old_slug
            && project.roles.contains_key(slug)
        {
            return Err(ApiError::bad_request(format!(
                "A role with slug '{slug}' already exists"
            )));
        }
        let project_id = project.id.clone();
        let Some(project) = store.project_by_slug_mut(&project_slug) else {
            return Err(ApiError::not_found(format!(
                "Project with slug '{project_slug}' not found"
            )));
        };
        let Some(mut role) = project.roles.remove(&old_slug) else {
            return Err(ApiError::not_found(format!(
                "Role with ID '{role_id}' not found"
            )));
        };
        if let Some(name) = body.name {
            role.name = name;
        }
        if body.description.is_some() {
            role.description = body.description;
        }
        if let Some(permissions) = body.permissions {
            role.permissions = permissions;
        }
        if let Some(slug) = body.slug {
            for member_role in project.members.values_mut() {
                if *member_role == old_slug {
                    member_role.clone_from(&slug);
                }
            }
            role.slug = slug;
        }
        role.updated = store::now();
        let answer = wire_role(&project_id, &role);
        project.roles.insert(role.slug.clone(), role);
        Ok(CreateWorkspaceRoleV1Response { role: answer })
    }

    async fn delete_role_v1(
        &self,
        token: BearerToken,
        project_slug: String,
        role_id: String,
    ) -> Result<CreateWorkspaceRoleV1Response, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project_by_slug(&store, &project_slug)?;
        authorize(&store, project, caller, Subject::Role, "delete", None)?;
        let slug = custom_role(project, &role_id)?.slug.clone();
        if project.members.values().any(|r| *r == slug) {
            return Err(ApiError::bad_request(format!(
                "Role '{slug}' is assigned to members; reassign them first"
            )));
        }
        let project_id = project.id.clone();
        let removed = store
            .project_by_slug_mut(&project_slug)
            .and_then(|p| p.roles.remove(&slug))
            .ok_or_else(|| ApiError::not_found(format!("Role with ID '{role_id}' not found")))?;
        Ok(CreateWorkspaceRoleV1Response {
            role: wire_role(&project_id, &removed),
        })
    }
}

impl MiniInfisical {
    fn wire_project(&self, project: &Project) -> GetWorkspaceV2Response {
        GetWorkspaceV2Response {
            id: project.id.clone(),
            name: project.name.clone(),
            slug: project.slug.clone(),
            auto_capitalization: Some(false),
            org_id: self.org_id,
            created_at: project.created,
            updated_at: project.updated,
            version: 3.0,
            upgrade_status: None,
            pit_version_limit: 10.0,
            kms_certificate_key_id: None,
            audit_logs_retention_days: None,
            underscore_id: project.id.clone(),
            environments: project
                .environments
                .iter()
                .map(|e| ImportEnv {
                    name: e.name.clone(),
                    slug: e.slug.clone(),
                    id: e.id.to_string(),
                })
                .collect(),
        }
    }
}

/// A project the caller is a member of; 404 otherwise (a non-member does not learn it exists).
fn member_of<'a>(
    store: &'a store::Store,
    id: &str,
    caller: uuid::Uuid,
) -> Result<&'a Project, ApiError> {
    project(store, id)
        .ok()
        .filter(|p| p.members.contains_key(&caller))
        .ok_or_else(|| ApiError::not_found(format!("Project with ID '{id}' not found")))
}

fn environment<'a>(project: &'a Project, id: &str) -> Result<&'a Environment, ApiError> {
    project
        .environments
        .iter()
        .find(|e| e.id.to_string() == id)
        .ok_or_else(|| ApiError::not_found(format!("Environment with ID '{id}' not found")))
}

/// A role that may be changed: found by id, and not built in.
fn custom_role<'a>(project: &'a Project, id: &str) -> Result<&'a Role, ApiError> {
    let role = project
        .roles
        .values()
        .find(|r| r.id.to_string() == id)
        .ok_or_else(|| ApiError::not_found(format!("Role with ID '{id}' not found")))?;
    if permissions::BUILT_IN.contains(&role.slug.as_str()) {
        return Err(ApiError::bad_request(format!(
            "The built-in role '{}' cannot be changed",
            role.slug
        )));
    }
    Ok(role)
}

fn wire_environment(
    project_id: &str,
    e: &Environment,
) -> CreateWorkspaceEnvironmentV1ResponseEnvironment {
    CreateWorkspaceEnvironmentV1ResponseEnvironment {
        id: e.id,
        name: e.name.clone(),
        slug: e.slug.clone(),
        position: e.position,
        project_id: project_id.to_owned(),
        created_at: e.created,
        updated_at: e.updated,
    }
}

fn wire_role(project_id: &str, role: &Role) -> CreateWorkspaceRoleV1ResponseRole {
    CreateWorkspaceRoleV1ResponseRole {
        id: role.id,
        name: role.name.clone(),
        description: role.description.clone(),
        slug: role.slug.clone(),
        // The response spells permissions loosely (any subject, actions as text): re-read the
        // typed rules through JSON.
        permissions: role
            .permissions
            .iter()
            .filter_map(|p| serde_json::to_value(p).ok())
            .filter_map(|v| {
                serde_json::from_value::<CreateWorkspaceRoleV1ResponseRolePermission>(v).ok()
            })
            .collect(),
        created_at: role.created,
        updated_at: role.updated,
        project_id: project_id.to_owned(),
    }
}
