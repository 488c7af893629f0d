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
    /// The folder path, already normalized ([`crate::store::normalize_path`]).
    pub(crate) secret_path: &'a str,
    /// The secret's key, when the request is about one secret (`None` for a listing and for
    /// folders).
    pub(crate) secret_name: Option<&'a str>,
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

/// Whether a rule's conditions hold for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    /// The conditions ask about something the request does not carry (a secret name, when
    /// listing): the rule neither grants nor forbids here, and listings check each secret.
    NotApplicable,
    /// The conditions hold something this server cannot evaluate (an empty operator object, a
    /// path above the root, an empty `conditions`): it fails closed, so a granting rule grants
    /// nothing and a forbidding rule forbids everything it names.
    NotUnderstood,
}

impl Match {
    fn from_bool(b: bool) -> Self {
        if b { Self::Yes } else { Self::No }
    }

    /// Both must hold: the least favourable answer wins (not understood, then no, then not
    /// applicable).
    fn and(self, other: Self) -> Self {
        use Match::{No, NotApplicable, NotUnderstood, Yes};
        match (self, other) {
            (NotUnderstood, _) | (_, NotUnderstood) => NotUnderstood,
            (No, _) | (_, No) => No,
            (NotApplicable, _) | (_, NotApplicable) => NotApplicable,
            (Yes, Yes) => Yes,
        }
    }
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
        (None, _) => Match::Yes,
        (Some(conditions), Some(scope)) => conditions.matches(scope),
        // A conditional rule neither grants nor forbids an unscoped request.
        (Some(_), None) => Match::NotApplicable,
    };
    match (applies, inverted) {
        (Match::Yes, false) => Verdict::Grants,
        (Match::Yes | Match::NotUnderstood, true) => Verdict::Forbids,
        (Match::No | Match::NotApplicable, _) | (Match::NotUnderstood, false) => Verdict::Silent,
    }
}

/// The conditions of a secrets rule or of a folders rule.
enum Conditions<'a> {
    Secrets(&'a ProjectPermissionSecretsConditions),
    Folders(&'a PermissionConditions),
}

impl Conditions<'_> {
    fn matches(&self, scope: Scope<'_>) -> Match {
        match self {
            Self::Secrets(c) => {
                if c.environment.is_none()
                    && c.secret_path.is_none()
                    && c.secret_name.is_none()
                    && c.secret_tags.is_none()
                {
                    return Match::NotUnderstood;
                }
                let environment = c
                    .environment
                    .as_ref()
                    .map_or(Match::Yes, |c| condition(c, scope.environment, Value::Text));
                let path = c
                    .secret_path
                    .as_ref()
                    .map_or(Match::Yes, |c| condition(c, scope.secret_path, Value::Path));
                let name = match (&c.secret_name, scope.secret_name) {
                    (None, _) => Match::Yes,
                    (Some(c), Some(name)) => condition(c, name, Value::Text),
                    (Some(c), None) => {
                        // Still fail closed on a condition that could never be understood.
                        if condition(c, "", Value::Text) == Match::NotUnderstood {
                            Match::NotUnderstood
                        } else {
                            Match::NotApplicable
                        }
                    }
                };
                // Secrets here carry no tags: `$in` asks for one of them, which none has.
                let tags = c.secret_tags.as_ref().map_or(Match::Yes, |t| match &t.in_ {
                    Some(_) => Match::No,
                    None => Match::NotUnderstood,
                });
                environment.and(path).and(name).and(tags)
            }
            Self::Folders(c) => {
                if c.environment.is_none() && c.secret_path.is_none() {
                    return Match::NotUnderstood;
                }
                let environment = c
                    .environment
                    .as_ref()
                    .map_or(Match::Yes, |c| equality(c, scope.environment));
                let path = c
                    .secret_path
                    .as_ref()
                    .map_or(Match::Yes, |c| condition(c, scope.secret_path, Value::Path));
                environment.and(path)
            }
        }
    }
}

/// What a condition compares: plain text, or a folder path (normalized before comparing).
#[derive(Clone, Copy)]
enum Value {
    Text,
    Path,
}

impl Value {
    /// The operand as it is compared; `None` when a path climbs above the root.
    fn operand(self, text: &str) -> Option<String> {
        match self {
            Self::Text => Some(text.to_owned()),
            Self::Path => crate::store::normalize_path(text).ok(),
        }
    }

    fn pattern(self, pattern: &str) -> Option<String> {
        match self {
            Self::Text => Some(pattern.to_owned()),
            Self::Path => normalize_glob(pattern),
        }
    }
}

fn condition(condition: &PermissionCondition, value: &str, kind: Value) -> Match {
    match condition {
        PermissionCondition::String(expected) => match kind.operand(expected) {
            Some(expected) => Match::from_bool(expected == value),
            None => Match::NotUnderstood,
        },
        PermissionCondition::Object(ops) => {
            let glob_match = match ops.glob.as_deref().map(|g| kind.pattern(g)) {
                None => Match::Yes,
                Some(None) => return Match::NotUnderstood,
                Some(Some(pattern)) => Match::from_bool(glob(&pattern, value)),
            };
            operators(
                value,
                kind,
                ops.eq.as_deref(),
                ops.ne.as_deref(),
                ops.in_.as_deref(),
                ops.glob.is_some(),
            )
            .and(glob_match)
        }
    }
}

fn equality(condition: &PermissionEqualityCondition, value: &str) -> Match {
    match condition {
        PermissionEqualityCondition::String(expected) => Match::from_bool(expected == value),
        PermissionEqualityCondition::Object(ops) => operators(
            value,
            Value::Text,
            ops.eq.as_deref(),
            ops.ne.as_deref(),
            ops.in_.as_deref(),
            false,
        ),
    }
}

/// `$eq`, `$ne` and `$in` together (all must hold). An object with no operator at all — what an
/// object of only unknown operators decodes to — is not understood.
fn operators(
    value: &str,
    kind: Value,
    eq: Option<&str>,
    ne: Option<&str>,
    one_of: Option<&[String]>,
    has_glob: bool,
) -> Match {
    if eq.is_none() && ne.is_none() && one_of.is_none() && !has_glob {
        return Match::NotUnderstood;
    }
    let mut operands = eq
        .into_iter()
        .chain(ne)
        .chain(one_of.into_iter().flatten().map(String::as_str));
    if operands.any(|o| kind.operand(o).is_none()) {
        return Match::NotUnderstood;
    }
    let same = |o: &str| kind.operand(o).is_some_and(|o| o == value);
    Match::from_bool(
        eq.is_none_or(same)
            && ne.is_none_or(|ne| !same(ne))
            && one_of.is_none_or(|set| set.iter().any(|v| same(v))),
    )
}

/// A path glob in canonical form, as [`crate::store::normalize_path`] does for paths: duplicate
/// slashes and `.` segments go, and `..` removes the segment before it when that segment is
/// plain text. `None` when that cannot be done faithfully: a `..` above the root or after a
/// wildcard segment (`/*/..` would mean "any one folder, then back up": not a pattern).
pub(crate) fn normalize_glob(pattern: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in pattern.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                let last = segments.pop()?;
                if last.contains(['*', '?']) {
                    return None;
                }
            }
            s => segments.push(s),
        }
    }
    Some(format!("/{}", segments.join("/")))
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
            secret_name: None,
        };
        let prod_app = Scope {
            environment: "prod",
            secret_path: "/app/x",
            secret_name: None,
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
            secret_name: None,
        };
        let prod = Scope {
            environment: "prod",
            secret_path: "/",
            secret_name: None,
        };
        assert!(allows(&r, Subject::Secrets, "edit", Some(dev)));
        assert!(!allows(&r, Subject::Secrets, "edit", Some(prod)));
        assert!(allows(&r, Subject::Secrets, "read", Some(prod)));
        let app = Scope {
            environment: "dev",
            secret_path: "/app",
            secret_name: None,
        };
        assert!(allows(&r, Subject::SecretFolders, "create", Some(app)));
        assert!(!allows(&r, Subject::SecretFolders, "create", Some(dev)));
        assert!(!allows(&r, Subject::SecretFolders, "read", Some(app)));
    }

    #[test]
    fn not_understood_conditions_fail_closed() {
        // What unknown operators decode to: operator objects with no operator, empty conditions.
        let scope = Some(Scope {
            environment: "prod",
            secret_path: "/",
            secret_name: Some("KEY"),
        });
        for conditions in [
            serde_json::json!({"environment": {"$EQ": "dev"}}),
            serde_json::json!({"secretPath": {}}),
            serde_json::json!({}),
            serde_json::json!({"secretPath": "/../x"}),
            serde_json::json!({"secretPath": {"$glob": "/*/../x"}}),
            serde_json::json!({"secretTags": {}}),
        ] {
            let grant = rules(serde_json::json!([
                {"subject": "secrets", "action": "read", "conditions": conditions}
            ]));
            assert!(
                !allows(&grant, Subject::Secrets, "read", scope),
                "{conditions}"
            );
            let forbid = rules(serde_json::json!([
                {"subject": "secrets", "action": "read"},
                {"subject": "secrets", "action": "read", "inverted": true, "conditions": conditions}
            ]));
            assert!(
                !allows(&forbid, Subject::Secrets, "read", scope),
                "{conditions}"
            );
        }
    }

    #[test]
    fn paths_in_conditions_are_normalized() {
        let r = rules(serde_json::json!([
            {"subject": "secrets", "action": "read",
             "conditions": {"secretPath": {"$in": ["//app/./api/"]}}},
            {"subject": "secrets", "action": "read",
             "conditions": {"secretPath": {"$glob": "/web/x/../**"}}}
        ]));
        let at = |secret_path| {
            Some(Scope {
                environment: "dev",
                secret_path,
                secret_name: None,
            })
        };
        assert!(allows(&r, Subject::Secrets, "read", at("/app/api")));
        assert!(allows(&r, Subject::Secrets, "read", at("/web/y")));
        assert!(!allows(&r, Subject::Secrets, "read", at("/app")));
    }

    #[test]
    fn built_in_roles() {
        let viewer = built_in("viewer").unwrap_or_default();
        let scope = Some(Scope {
            environment: "dev",
            secret_path: "/",
            secret_name: None,
        });
        assert!(allows(&viewer, Subject::Secrets, "read", scope));
        assert!(!allows(&viewer, Subject::Secrets, "create", scope));
        assert!(BUILT_IN.iter().all(|slug| built_in(slug).is_some()));
    }
}
