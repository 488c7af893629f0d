//! Project permissions, enforced: a role is a list of [`ProjectPermission`] rules (the tagged union
//! of the API, `subject` / `action` / `conditions`), and a request is allowed when one rule grants
//! its subject and action and, for secrets, its conditions match the environment and secret path.

use infisical_types::{
    Conditions, ConditionsEnvironment, ConditionsSecretPath, OneOrMany, PermissionAction,
    ProjectPermission, ProjectPermissionRule, ProjectPermissionSecrets, ProjectPermissionWorkspace,
    ProjectPermissionWorkspaceAction,
};

/// What a request wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// Secrets, scoped by environment and secret path.
    Secrets,
    /// The project's environments.
    Environments,
    /// The project's roles.
    Role,
    /// The project itself (`edit`, `delete`).
    Workspace,
}

impl Subject {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Secrets => "secrets",
            Self::Environments => "environments",
            Self::Role => "role",
            Self::Workspace => "workspace",
        }
    }
}

/// Where a secrets request applies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    pub(crate) environment: &'a str,
    pub(crate) secret_path: &'a str,
}

/// True when one of `rules` grants `action` on `subject` (in `scope`, for secrets).
pub(crate) fn allows(
    rules: &[ProjectPermission],
    subject: Subject,
    action: &str,
    scope: Option<Scope<'_>>,
) -> bool {
    rules.iter().any(|rule| {
        let (granted, conditions) = match (subject, rule) {
            (Subject::Secrets, ProjectPermission::Secrets(r)) => (
                r.action.iter().any(|a| a.as_str() == action),
                r.conditions.as_ref(),
            ),
            (Subject::Environments, ProjectPermission::Environments(r))
            | (Subject::Role, ProjectPermission::Role(r)) => {
                (r.action.iter().any(|a| a.as_str() == action), None)
            }
            (Subject::Workspace, ProjectPermission::Workspace(r)) => {
                (r.action.iter().any(|a| a.as_str() == action), None)
            }
            _ => (false, None),
        };
        granted
            && match (conditions, scope) {
                (None, _) => true,
                (Some(conditions), Some(scope)) => matches(conditions, scope),
                // A conditional rule never grants an unscoped request.
                (Some(_), None) => false,
            }
    })
}

fn matches(conditions: &Conditions, scope: Scope<'_>) -> bool {
    let environment = match &conditions.environment {
        None => true,
        Some(ConditionsEnvironment::String(env)) => env == scope.environment,
        Some(ConditionsEnvironment::Object(ops)) => operators(
            scope.environment,
            ops.eq.as_deref(),
            ops.ne.as_deref(),
            ops.in_.as_deref(),
        ),
    };
    let path = match &conditions.secret_path {
        None => true,
        Some(ConditionsSecretPath::String(path)) => path == scope.secret_path,
        Some(ConditionsSecretPath::Object(ops)) => {
            operators(
                scope.secret_path,
                ops.eq.as_deref(),
                ops.ne.as_deref(),
                ops.in_.as_deref(),
            ) && ops
                .glob
                .as_deref()
                .is_none_or(|g| glob(g, scope.secret_path))
        }
    };
    environment && path
}

fn operators(value: &str, eq: Option<&str>, ne: Option<&str>, one_of: Option<&[String]>) -> bool {
    eq.is_none_or(|eq| eq == value)
        && ne.is_none_or(|ne| ne != value)
        && one_of.is_none_or(|set| set.iter().any(|v| v == value))
}

/// Glob matching as Infisical's path conditions use it: `*` and `?` stay within a path segment,
/// `**` crosses segments, and a trailing `/**` also matches the folder itself.
pub(crate) fn glob(pattern: &str, path: &str) -> bool {
    if let Some(folder) = pattern.strip_suffix("/**")
        && glob_exact(if folder.is_empty() { "/" } else { folder }, path)
    {
        return true;
    }
    glob_exact(pattern, path)
}

/// Dynamic programming over (pattern position, path position): linear in each, whatever the
/// pattern, so a hostile pattern cannot make it slow.
fn glob_exact(pattern: &str, path: &str) -> bool {
    #[derive(Clone, Copy)]
    enum Token {
        Char(char),
        One,
        Segment,
        Any,
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '*' if chars.peek() == Some(&'*') => {
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                Token::Any
            }
            '*' => Token::Segment,
            '?' => Token::One,
            c => Token::Char(c),
        });
    }
    let text: Vec<char> = path.chars().collect();
    // reach[j]: the first i tokens can match the first j characters.
    let mut reach = vec![false; text.len() + 1];
    reach[0] = true;
    for token in tokens {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match token {
                Token::Char(c) => j > 0 && reach[j - 1] && text[j - 1] == c,
                Token::One => j > 0 && reach[j - 1] && text[j - 1] != '/',
                Token::Segment => reach[j] || (j > 0 && next[j - 1] && text[j - 1] != '/'),
                Token::Any => reach[j] || (j > 0 && next[j - 1]),
            };
        }
        reach = next;
    }
    reach[text.len()]
}

/// The permissions of the built-in roles, by slug.
pub(crate) fn built_in(slug: &str) -> Option<Vec<ProjectPermission>> {
    use PermissionAction::{Create, Delete, Edit, Read};
    let rule = |actions: &[PermissionAction]| ProjectPermissionRule {
        action: OneOrMany::Many(actions.to_vec()),
    };
    let secrets = |actions: &[PermissionAction]| {
        ProjectPermission::Secrets(ProjectPermissionSecrets {
            action: OneOrMany::Many(actions.to_vec()),
            conditions: None,
        })
    };
    let all = [Read, Create, Edit, Delete];
    Some(match slug {
        "admin" => vec![
            secrets(&all),
            ProjectPermission::Environments(rule(&all)),
            ProjectPermission::Role(rule(&all)),
            ProjectPermission::Workspace(ProjectPermissionWorkspace {
                action: OneOrMany::Many(vec![
                    ProjectPermissionWorkspaceAction::Edit,
                    ProjectPermissionWorkspaceAction::Delete,
                ]),
            }),
        ],
        "member" => vec![
            secrets(&all),
            ProjectPermission::Environments(rule(&[Read])),
            ProjectPermission::Role(rule(&[Read])),
        ],
        "viewer" => vec![
            secrets(&[Read]),
            ProjectPermission::Environments(rule(&[Read])),
            ProjectPermission::Role(rule(&[Read])),
        ],
        "no-access" => Vec::new(),
        _ => return None,
    })
}

/// The slugs of the built-in roles.
pub(crate) const BUILT_IN: [&str; 4] = ["admin", "member", "viewer", "no-access"];

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(json: serde_json::Value) -> Vec<ProjectPermission> {
        serde_json::from_value(json).expect("valid permissions")
    }

    #[test]
    fn globs() {
        assert!(glob("/app/**", "/app"));
        assert!(glob("/app/**", "/app/a/b"));
        assert!(!glob("/app/**", "/application"));
        assert!(glob("/app/*", "/app/a"));
        assert!(!glob("/app/*", "/app/a/b"));
        assert!(glob("/**", "/"));
        assert!(glob("/a?c", "/abc"));
        assert!(!glob("/a*b*c*d*e*f*g*h*i*j", "/abcdefghi"));
    }

    #[test]
    fn conditions_scope_secret_rules() {
        let r = rules(serde_json::json!([
            {"subject": "secrets", "action": "read",
             "conditions": {"environment": "dev", "secretPath": {"$glob": "/app/**"}}}
        ]));
        let dev_app = Scope {
            environment: "dev",
            secret_path: "/app/x",
        };
        let prod_app = Scope {
            environment: "prod",
            secret_path: "/app/x",
        };
        assert!(allows(&r, Subject::Secrets, "read", Some(dev_app)));
        assert!(!allows(&r, Subject::Secrets, "edit", Some(dev_app)));
        assert!(!allows(&r, Subject::Secrets, "read", Some(prod_app)));
        assert!(!allows(&r, Subject::Environments, "read", None));
    }

    #[test]
    fn built_in_roles() {
        let viewer = built_in("viewer").unwrap_or_default();
        let scope = Some(Scope {
            environment: "dev",
            secret_path: "/",
        });
        assert!(allows(&viewer, Subject::Secrets, "read", scope));
        assert!(!allows(&viewer, Subject::Secrets, "create", scope));
        assert!(BUILT_IN.iter().all(|slug| built_in(slug).is_some()));
    }
}
