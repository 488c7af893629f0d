//! Secret imports, read as Infisical reads them: a folder that imports `env`:`/path` sees the
//! secrets of that folder next to its own. A listing with `include_imports=true` answers them
//! apart, one entry per import of the listed folders (in the order the imports were made), each
//! with the secrets the caller may read there, plus the secrets of the imports that folder makes
//! in its turn (one level further, as the real server does; an import already seen is skipped, so
//! cycles end). Within an entry a key appears once: the first one wins. Which of the local and
//! imported secrets of the same key wins is the client's choice (the SDKs keep the local one); a
//! single read of a key that is not local looks through the imports from the last one to the
//! first.

use crate::store::{Project, Secret};

/// What one import brings.
pub(crate) struct Imported<'a> {
    pub(crate) environment: &'a str,
    pub(crate) path: &'a str,
    /// The id of the imported folder.
    pub(crate) folder_id: Option<uuid::Uuid>,
    /// Each secret with the environment and folder it lives in.
    pub(crate) secrets: Vec<(&'a str, &'a str, &'a Secret)>,
}

/// The shared secrets of `environment`:`path` that `may_see` lets through, oldest first.
fn folder_secrets<'a>(
    project: &'a Project,
    environment: &str,
    path: &str,
    may_see: &dyn Fn(&str, &str, &str) -> bool,
) -> Vec<(&'a str, &'a str, &'a Secret)> {
    let mut secrets: Vec<_> = project
        .secrets
        .iter()
        .filter(|((env, folder, key), _)| {
            env == environment && folder == path && may_see(env, folder, key)
        })
        .map(|((env, folder, _), s)| (env.as_str(), folder.as_str(), s))
        .collect();
    secrets.sort_by_key(|(_, _, s)| s.id);
    secrets
}

/// The imports made by the folders `folders` (environment, path) of `project`.
pub(crate) fn imported<'a>(
    project: &'a Project,
    folders: &[(&str, &str)],
    may_see: &dyn Fn(&str, &str, &str) -> bool,
) -> Vec<Imported<'a>> {
    let folder_id = |env: &str, path: &str| {
        project
            .environments
            .iter()
            .find(|e| e.slug == env)
            .and_then(|e| e.folders.get(path))
            .map(|f| f.id)
    };
    let made_by = |env: &str, path: &str| {
        project
            .imports
            .iter()
            .filter(move |i| i.environment == env && i.path == path)
            .collect::<Vec<_>>()
    };
    let roots: Vec<_> = folders
        .iter()
        .flat_map(|(env, path)| made_by(env, path))
        .collect();
    let mut seen: Vec<(&str, &str)> = roots
        .iter()
        .map(|i| (i.from_environment.as_str(), i.from_path.as_str()))
        .collect();
    let mut out = Vec::new();
    for import in roots {
        let (env, path) = (import.from_environment.as_str(), import.from_path.as_str());
        let Some(id) = folder_id(env, path) else {
            continue;
        };
        let mut secrets = folder_secrets(project, env, path, may_see);
        for deeper in made_by(env, path) {
            let key = (deeper.from_environment.as_str(), deeper.from_path.as_str());
            if seen.contains(&key) || folder_id(key.0, key.1).is_none() {
                continue;
            }
            seen.push(key);
            secrets.extend(folder_secrets(project, key.0, key.1, may_see));
        }
        let mut keys = std::collections::BTreeSet::new();
        secrets.retain(|(_, _, s)| keys.insert(s.key.clone()));
        out.push(Imported {
            environment: env,
            path,
            folder_id: Some(id),
            secrets,
        });
    }
    out
}
