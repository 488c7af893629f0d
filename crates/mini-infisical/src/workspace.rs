//! Projects (the `projects` group, and listing through `organizations`), their environments (the
//! `environments` group) and their roles (the `project_roles` group).

use infisical_server::types::{
    CreateWorkspaceEnvironmentV1Body, CreateWorkspaceEnvironmentV1Response,
    CreateWorkspaceEnvironmentV1ResponseEnvironment, CreateWorkspaceRoleV2Body,
    CreateWorkspaceRoleV2Response, CreateWorkspaceRoleV2ResponseRole, CreateWorkspaceV2Body,
    CreateWorkspaceV2BodyType, CreateWorkspaceV2Response, DeleteWorkspaceV1Response,
    GetWorkspaceEnvironmentByEnvIdV1Response, GetWorkspaceRoleBySlugV2Response,
    GetWorkspaceRoleBySlugV2ResponseRole, GetWorkspaceV1Response, GetWorkspaceV1ResponseWorkspace,
    ImportEnv, ListOrganizationsWorkspacesV2Query, ListOrganizationsWorkspacesV2Response,
    ListOrganizationsWorkspacesV2ResponseWorkspace,
    ListOrganizationsWorkspacesV2ResponseWorkspaceEnvironment, ListWorkspaceRolesV2Response,
    ListWorkspaceRolesV2ResponseRole, Project as WireProject, UpdateWorkspaceEnvironmentV1Body,
    UpdateWorkspaceRoleV2Body, Workspace as WireWorkspace,
};
use infisical_server::{
    ApiError, BearerToken, Context, Environments, Organizations, ProjectRoles, Projects, Reply,
};

use crate::permissions::{self, Subject};
use crate::store::{self, Environment, Project, Role, slugify};
use crate::{MiniInfisical, authenticate, authorize, new_project, project};

/// The only project type mini-infisical keeps.
const SECRET_MANAGER: &str = "secret-manager";

impl Projects for MiniInfisical {
    async fn create_workspace_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        body: CreateWorkspaceV2Body,
    ) -> Result<Reply<CreateWorkspaceV2Response>, ApiError> {
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
        if body.type_ != CreateWorkspaceV2BodyType::SecretManager {
            return Err(ApiError::bad_request(format!(
                "mini-infisical keeps only {SECRET_MANAGER} projects, not {}",
                body.type_.as_str()
            )));
        }
        let id = store.new_id().to_string();
        let mut project = new_project(&mut store, id.clone(), body.project_name, slug);
        project.description = body.project_description;
        if body.should_create_default_envs {
            let defaults = [
                ("Development", "dev"),
                ("Staging", "staging"),
                ("Production", "prod"),
            ];
            for (position, (name, slug)) in (1_u8..).zip(defaults) {
                let environment = Environment::new(
                    &mut store,
                    name.to_owned(),
                    slug.to_owned(),
                    i64::from(position),
                );
                project.environments.push(environment);
            }
        }
        // The creator administers what it created.
        project.members.insert(caller, "admin".to_owned());
        let answer = self.wire_project(&project);
        store.projects.insert(id, project);
        Ok(CreateWorkspaceV2Response { project: answer }.into())
    }

    async fn get_workspace_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        workspace_id: String,
    ) -> Result<Reply<GetWorkspaceV1Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = member_of(&store, &workspace_id, caller)?;
        let w = self.wire_project(project);
        Ok(GetWorkspaceV1Response {
            workspace: Some(GetWorkspaceV1ResponseWorkspace {
                id: w.id,
                name: w.name,
                description: w.description,
                type_: w.type_,
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
                has_delete_protection: w.has_delete_protection,
                secret_sharing: w.secret_sharing,
                show_snapshots_legacy: w.show_snapshots_legacy,
                underscore_id: w.underscore_id,
                environments: w.environments,
            }),
        }
        .into())
    }

    async fn delete_workspace_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        workspace_id: String,
    ) -> Result<Reply<DeleteWorkspaceV1Response>, ApiError> {
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
                description: w.description,
                type_: w.type_,
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
                has_delete_protection: w.has_delete_protection,
                secret_sharing: w.secret_sharing,
                show_snapshots_legacy: w.show_snapshots_legacy,
            }),
        }
        .into())
    }
}

impl Organizations for MiniInfisical {
    async fn list_workspaces_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        organization_id: String,
        query: ListOrganizationsWorkspacesV2Query,
    ) -> Result<Reply<ListOrganizationsWorkspacesV2Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        if organization_id != self.org_id.to_string() {
            return Err(ApiError::forbidden(format!(
                "Identity is not a member of organization '{organization_id}'"
            )));
        }
        let wanted = query
            .type_
            .is_none_or(|t| t == CreateWorkspaceV2BodyType::SecretManager);
        let workspaces = store
            .projects
            .values()
            .filter(|p| wanted && p.members.contains_key(&caller))
            .map(|p| ListOrganizationsWorkspacesV2ResponseWorkspace {
                id: p.id.clone(),
                name: p.name.clone(),
                slug: p.slug.clone(),
                organization: self.org_id.to_string(),
                environments: p
                    .environments
                    .iter()
                    .map(
                        |e| ListOrganizationsWorkspacesV2ResponseWorkspaceEnvironment {
                            name: e.name.clone(),
                            slug: e.slug.clone(),
                        },
                    )
                    .collect(),
            })
            .collect();
        Ok(ListOrganizationsWorkspacesV2Response { workspaces }.into())
    }
}

impl Environments for MiniInfisical {
    async fn create_workspace_environment_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        workspace_id: String,
        body: CreateWorkspaceEnvironmentV1Body,
    ) -> Result<Reply<CreateWorkspaceEnvironmentV1Response>, ApiError> {
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
                .fold(0, i64::max)
                + 1
        });
        let environment = Environment::new(&mut store, body.name, body.slug, position);
        let answer = wire_environment(&workspace_id, &environment);
        if let Some(project) = store.projects.get_mut(&workspace_id) {
            project.environments.push(environment);
        }
        Ok(CreateWorkspaceEnvironmentV1Response {
            message: "Successfully created new environment".to_owned(),
            workspace: workspace_id,
            environment: answer,
        }
        .into())
    }

    async fn get_workspace_environment_by_workspace_id_env_id_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        workspace_id: String,
        env_id: String,
    ) -> Result<Reply<GetWorkspaceEnvironmentByEnvIdV1Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &workspace_id)?;
        authorize(&store, project, caller, Subject::Environments, "read", None)?;
        let environment = environment(project, &env_id)?;
        Ok(GetWorkspaceEnvironmentByEnvIdV1Response {
            environment: wire_environment(&workspace_id, environment),
        }
        .into())
    }

    async fn update_workspace_environment_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        workspace_id: String,
        id: String,
        body: Option<UpdateWorkspaceEnvironmentV1Body>,
    ) -> Result<Reply<CreateWorkspaceEnvironmentV1Response>, ApiError> {
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
        }
        .into())
    }

    async fn delete_workspace_environment_v1(
        &self,
        _cx: &Context,
        token: BearerToken,
        workspace_id: String,
        id: String,
    ) -> Result<Reply<CreateWorkspaceEnvironmentV1Response>, ApiError> {
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
        }
        .into())
    }
}

impl ProjectRoles for MiniInfisical {
    async fn create_workspace_role_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        project_id: String,
        body: CreateWorkspaceRoleV2Body,
    ) -> Result<Reply<CreateWorkspaceRoleV2Response>, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &project_id)?;
        authorize(&store, project, caller, Subject::Role, "create", None)?;
        if project.roles.contains_key(&body.slug) {
            return Err(ApiError::bad_request(format!(
                "A role with slug '{}' already exists",
                body.slug
            )));
        }
        crate::strict::check_role_permissions(&body.permissions)?;
        let id = store.new_id();
        let now = store::now();
        let role = Role {
            id,
            name: body.name,
            slug: body.slug,
            description: body.description.as_value().cloned(),
            permissions: body.permissions,
            created: now,
            updated: now,
        };
        let answer = wire_role(&project_id, &role);
        if let Some(project) = store.projects.get_mut(&project_id) {
            project.roles.insert(role.slug.clone(), role);
        }
        Ok(CreateWorkspaceRoleV2Response { role: answer }.into())
    }

    async fn list_workspace_roles_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        project_id: String,
    ) -> Result<Reply<ListWorkspaceRolesV2Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &project_id)?;
        authorize(&store, project, caller, Subject::Role, "read", None)?;
        let roles = project
            .roles
            .values()
            .map(|r| ListWorkspaceRolesV2ResponseRole {
                id: r.id,
                name: r.name.clone(),
                description: r.description.clone(),
                slug: r.slug.clone(),
                created_at: r.created,
                updated_at: r.updated,
                project_id: project.id.clone(),
            })
            .collect();
        Ok(ListWorkspaceRolesV2Response { roles }.into())
    }

    async fn get_workspace_role_by_slug_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        project_id: String,
        slug: String,
    ) -> Result<Reply<GetWorkspaceRoleBySlugV2Response>, ApiError> {
        let store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &project_id)?;
        authorize(&store, project, caller, Subject::Role, "read", None)?;
        let role = project
            .roles
            .get(&slug)
            .ok_or_else(|| ApiError::not_found(format!("Role with slug '{slug}' not found")))?;
        let r = wire_role(&project.id, role);
        Ok(GetWorkspaceRoleBySlugV2Response {
            role: GetWorkspaceRoleBySlugV2ResponseRole {
                id: r.id,
                name: r.name,
                description: r.description,
                slug: r.slug,
                permissions: r.permissions,
                created_at: r.created_at,
                updated_at: r.updated_at,
                project_id: r.project_id,
            },
        }
        .into())
    }

    async fn update_workspace_role_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        project_id: String,
        role_id: String,
        body: Option<UpdateWorkspaceRoleV2Body>,
    ) -> Result<Reply<CreateWorkspaceRoleV2Response>, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &project_id)?;
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
        if let Some(permissions) = &body.permissions {
            crate::strict::check_role_permissions(permissions)?;
        }
        let Some(project) = store.projects.get_mut(&project_id) else {
            return Err(ApiError::not_found(format!(
                "Project with ID '{project_id}' not found"
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
        match body.description {
            oas_runtime::Patch::Absent => {}
            description => role.description = description.as_value().cloned(),
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
        Ok(CreateWorkspaceRoleV2Response { role: answer }.into())
    }

    async fn delete_workspace_role_v2(
        &self,
        _cx: &Context,
        token: BearerToken,
        project_id: String,
        role_id: String,
    ) -> Result<Reply<CreateWorkspaceRoleV2Response>, ApiError> {
        let mut store = self.store();
        let caller = authenticate(&store, Some(&token))?;
        let project = project(&store, &project_id)?;
        authorize(&store, project, caller, Subject::Role, "delete", None)?;
        let slug = custom_role(project, &role_id)?.slug.clone();
        if project.members.values().any(|r| *r == slug) {
            return Err(ApiError::bad_request(format!(
                "Role '{slug}' is assigned to members; reassign them first"
            )));
        }
        let removed = store
            .projects
            .get_mut(&project_id)
            .and_then(|p| p.roles.remove(&slug))
            .ok_or_else(|| ApiError::not_found(format!("Role with ID '{role_id}' not found")))?;
        Ok(CreateWorkspaceRoleV2Response {
            role: wire_role(&project_id, &removed),
        }
        .into())
    }
}

impl MiniInfisical {
    fn wire_project(&self, project: &Project) -> WireProject {
        WireProject {
            id: project.id.clone(),
            name: project.name.clone(),
            description: project.description.clone(),
            type_: SECRET_MANAGER.to_owned(),
            slug: project.slug.clone(),
            auto_capitalization: Some(false),
            org_id: self.org_id,
            created_at: project.created,
            updated_at: project.updated,
            version: 3,
            upgrade_status: None,
            pit_version_limit: 10,
            kms_certificate_key_id: None,
            audit_logs_retention_days: None,
            has_delete_protection: Some(false),
            secret_sharing: true,
            show_snapshots_legacy: false,
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
            kms_secret_manager_key_id: None,
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

fn wire_role(project_id: &str, role: &Role) -> CreateWorkspaceRoleV2ResponseRole {
    CreateWorkspaceRoleV2ResponseRole {
        id: role.id,
        name: role.name.clone(),
        description: role.description.clone(),
        slug: role.slug.clone(),
        // The wire overlay types the read-back rules as the union the role was created with.
        permissions: role.permissions.clone(),
        created_at: role.created,
        updated_at: role.updated,
        project_id: project_id.to_owned(),
        version: 1,
    }
}
