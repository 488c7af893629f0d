//! Project permissions, enforced: a role is a list of [`ProjectPermission`] rules (the tagged union
//! of the API, `subject` / `action` / `inverted` / `conditions`), and a request is allowed when one
//! rule grants its subject and action and, for secrets and folders, its conditions match the
//! environment and secret path, and no inverted (forbidding) rule that matches takes it back.

use infisical_types::{
    OneOrMany, PermissionAction, PermissionCondition, PermissionConditions,
    PermissionEqualityCondition, ProjectPermission, ProjectPermissionRule,
    ProjectPermissionSecretFolders, ProjectPermissionSecrets, ProjectPermissionSecretsAction,
    ProjectPermissionSecretsConditions, ProjectPermissionWorkspace,
    ProjectPermissionWorkspaceAction,
};

/// What a request wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// Secrets, scoped by environment and secret path.
    Secrets,
    /// Folders, scoped by environment and the path of their parent.
    SecretFolders,
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
            Self::SecretFolders => "secret-folders",
            Self::Environments => "environments",
            Self::Role => "role",
            Self::Workspace => "workspace",
        }
    }
}

/// Where a secrets or folders request applies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    pub(crate) environment: &'a str,
    pub(crate) secret_path: &'a str,
}

/// How one rule bears on a request.
enum Verdict {
    /// The rule is about something else.
    Silent,
    /// The rule grants the request.
    Grants,
    /// The rule (inverted) forbids the request.
    Forbids,
}

/// True when one of `rules` grants `action` on `subject` (in `scope`, for secrets and folders) and
/// no inverted rule forbids it.
pub(crate) fn allows(
    rules: &[ProjectPermission],
    subject: Subject,
    action: &str,
    scope: Option<Scope<'_>>,
) -> bool {
    let mut granted = false;
    for rule in rules {
        match verdict(rule, subject, action, scope) {
            Verdict::Silent => {}
            Verdict::Grants => granted = true,
            Verdict::Forbids => return false,
        }
    }
    granted
}

fn verdict(
    rule: &ProjectPermission,
    subject: Subject,
    action: &str,
    scope: Option<Scope<'_>>,
) -> Verdict {
    let (names, inverted, conditions) = match (subject, rule) {
        (Subject::Secrets, ProjectPermission::Secrets(r)) => (
            r.action.iter().any(|a| a.as_str() == action),
            r.inverted.unwrap_or(false),
            r.conditions.as_ref().map(Conditions::Secrets),
        ),
        (Subject::SecretFolders, ProjectPermission::SecretFolders(r)) => (
            r.action.iter().any(|a| a.as_str() == action),
            r.inverted.unwrap_or(false),
            r.conditions.as_ref().map(Conditions::Folders),
        ),
        (Subject::Environments, ProjectPermission::Environments(r))
        | (Subject::Role, ProjectPermission::Role(r)) => {
            (r.action.iter().any(|a| a.as_str() == action), false, None)
        }
        (Subject::Workspace, ProjectPermission::Workspace(r)) => {
            (r.action.iter().any(|a| a.as_str() == action), false, None)
        }
        _ => return Verdict::Silent,
    };
    if !names {
        return Verdict::Silent;
    }
    let applies = match (conditions, scope) {
        (None, _) => true,
        (Some(conditions), Some(scope)) => conditions.matches(scope),
        // A conditional rule neither grants nor forbids an unscoped request.
        (Some(_), None) => false,
    };
    match (applies, inverted) {
        (false, _) => Verdict::Silent,
        (true, false) => Verdict::Grants,
        (true, true) => Verdict::Forbids,
    }
}

/// The conditions of a secrets rule or of a folders rule.
enum Conditions<'a> {
    Secrets(&'a ProjectPermissionSecretsConditions),
    Folders(&'a PermissionConditions),
}

impl Conditions<'_> {
    fn matches(&self, scope: Scope<'_>) -> bool {
        let (environment, path) = match self {
            Self::Secrets(c) => (
                c.environment
                    .as_ref()
                    .is_none_or(|c| condition(c, scope.environment)),
                c.secret_path
                    .as_ref()
                    .is_none_or(|c| condition(c, scope.secret_path)),
            ),
            Self::Folders(c) => (
                c.environment
                    .as_ref()
                    .is_none_or(|c| equality(c, scope.environment)),
                c.secret_path
                    .as_ref()
                    .is_none_or(|c| condition(c, scope.secret_path)),
            ),
        };
        environment && path
    }
}

fn condition(condition: &PermissionCondition, value: &str) -> bool {
    match condition {
        PermissionCondition::String(expected) => expected == value,
        PermissionCondition::Object(ops) => {
            operators(
                value,
                ops.eq.as_deref(),
                ops.ne.as_deref(),
                ops.in_.as_deref(),
            ) && ops.glob.as_deref().is_none_or(|g| glob(g, value))
        }
    }
}

fn equality(condition: &PermissionEqualityCondition, value: &str) -> bool {
    match condition {
        PermissionEqualityCondition::String(expected) => expected == value,
        PermissionEqualityCondition::Object(ops) => operators(
            value,
            ops.eq.as_deref(),
            ops.ne.as_deref(),
            ops.in_.as_deref(),
        ),
    }
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
    let secrets = |actions: &[ProjectPermissionSecretsAction]| {
        ProjectPermission::Secrets(ProjectPermissionSecrets {
            inverted: None,
            action: OneOrMany::Many(actions.to_vec()),
            conditions: None,
        })
    };
    let folders = |actions: &[PermissionAction]| {
        ProjectPermission::SecretFolders(ProjectPermissionSecretFolders {
            inverted: None,
            action: OneOrMany::Many(actions.to_vec()),
            conditions: None,
        })
    };
    let all_secrets = {
        use ProjectPermissionSecretsAction as S;
        [S::Read, S::Create, S::Edit, S::Delete]
    };
    let read_secrets = [ProjectPermissionSecretsAction::Read];
    let all = [Read, Create, Edit, Delete];
    Some(match slug {
        "admin" => vec![
            secrets(&all_secrets),
            folders(&all),
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
            secrets(&all_secrets),
            folders(&all),
            ProjectPermission::Environments(rule(&[Read])),
            ProjectPermission::Role(rule(&[Read])),
        ],
        "viewer" => vec![
            secrets(&read_secrets),
            folders(&[Read]),
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
    fn inverted_rules_forbid() {
        let r = rules(serde_json::json!([
            {"subject": "secrets", "action": ["read", "edit"]},
            {"subject": "secrets", "action": "edit", "inverted": true,
             "conditions": {"environment": {"$in": ["prod"]}}},
            {"subject": "secret-folders", "action": "create",
             "conditions": {"secretPath": {"$glob": "/app/**"}}}
        ]));
        let dev = Scope {
            environment: "dev",
            secret_path: "/",
        };
        let prod = Scope {
            environment: "prod",
            secret_path: "/",
        };
        assert!(allows(&r, Subject::Secrets, "edit", Some(dev)));
        assert!(!allows(&r, Subject::Secrets, "edit", Some(prod)));
        assert!(allows(&r, Subject::Secrets, "read", Some(prod)));
        let app = Scope {
            environment: "dev",
            secret_path: "/app",
        };
        assert!(allows(&r, Subject::SecretFolders, "create", Some(app)));
        assert!(!allows(&r, Subject::SecretFolders, "create", Some(dev)));
        assert!(!allows(&r, Subject::SecretFolders, "read", Some(app)));
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
