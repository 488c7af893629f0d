//! Naming: fixes every Rust identifier of the API (operations, types, fields, variants).
//!
//! Emitters never invent names; they read what this pass wrote. Names are a deterministic function of
//! the document and the [`NamePins`], and each name depends only on the type's own context, so adding
//! an operation elsewhere does not rename what did not change.
//!
//! # Operations
//! A document's `operationId` is used as is (snake_cased); a pin in the names file wins over both.
//! Otherwise the name comes from the method and the path, SDK style: verb, the static path words,
//! the version. `GET` on a collection (a plural word, or a path with a `/{id}` child) is `list`, `GET`
//! otherwise `get`, `POST` `create`, `PATCH` `update`, `PUT` `set`, `DELETE` `delete`; a final
//! segment that starts with an action verb (`login`, `renew`, `issue-certificate`) is the verb
//! instead. The group is the first tag, else the first path word after the version, and the method
//! inside the group drops that word:
//!
//! | operation | group | method | global name |
//! |---|---|---|---|
//! | `GET /api/v3/secrets/raw` | `secrets` | `list_raw_v3` | `list_secrets_raw_v3` |
//! | `POST /api/v1/workspace/{projectSlug}/roles` | `workspace` | `create_role_v1` | `create_workspace_role_v1` |
//! | `GET .../roles/slug/{slug}` | `workspace` | `get_role_by_slug_v1` | `get_workspace_role_by_slug_v1` |
//! | `POST /api/v1/auth/universal-auth/login` | `auth` | `login_universal_auth_v1` | `login_auth_universal_auth_v1` |
//!
//! Clashes get the distinguishing path parameters (`_by_env_id`), then a number with a warning.
//!
//! # The lock
//! The surface locked by the previous generation ([`crate::surface`]) comes right after the names
//! file: an operation keeps its locked name while its method and path shape (parameter names
//! blanked) stay; a path parameter keeps its name at its position; a type keeps its name when its
//! shape hash is unchanged (and, failing that, when the place the locked type first occurred now
//! holds it); a union variant keeps its name by tag or payload. New items get derived names that
//! avoid every locked one.
//!
//! # Types
//! For every struct, enum and union, by priority:
//! 1. a pin from the names file (keyed by any JSON pointer where the shape occurs), then the lock;
//! 2. the name the document gives it (component name, `title`);
//! 3. for structs and unions, the plain name of the property holding it (`secrets[]` gives `Secret`,
//!    `permissions[]` gives `Permission`) when this shape is the most used one claiming that name;
//! 4. the name of its context: parent name plus property (`CreateRoleV1BodyPermissions`), operation
//!    name plus role for bodies and responses (`CreateRoleV1Body`); a shape used in several contexts
//!    takes the words its context names share (`PermissionSecretsAction`, `PermissionMemberAction`
//!    give `PermissionAction`); a body or response whose operations share only the role is named
//!    by its one to three fields and the role (`{message}` gives `MessageResponse`) when no other
//!    shape claims that name; else the shortest.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::diagnostics::Diagnostics;
use crate::model::{Api, Operation, Status, TypeId, TypeKind, UnionRepr};
use crate::pointer::JsonPointer;
use crate::surface::{self, Surface};

/// Names the user pins, read from the committed names file.
#[derive(Clone, Debug, Default)]
pub struct NamePins {
    /// JSON pointer (any occurrence of the shape) to type name.
    pub types: BTreeMap<String, String>,
    /// `METHOD /path` to operation snake_case name.
    pub operations: BTreeMap<String, String>,
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Plain names that say too little to stand alone, or that shadow prelude and std names.
const VAGUE_NAMES: &[&str] = &[
    "Data", "Item", "Items", "Value", "Values", "Result", "Results", "Response", "Body", "Payload",
    "Input", "Inputs", "Output", "Metadata", "Option", "Options", "Error", "Type", "Self",
    "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Config", "Details", "Info", "Entry",
    "Entries", "Object", "Map", "List", "Unknown",
];

/// Runs the naming pass over operations and types.
pub(crate) fn assign_names(api: &mut Api, config: &crate::Config, diags: &mut Diagnostics) {
    let pins = &config.names;
    let lock = config.lock.as_ref();
    name_operations(api, pins, lock, diags);
    name_types(
        api,
        pins,
        lock,
        config.conventions.error_body.as_deref(),
        diags,
    );
    name_members(api, lock);
}

/// A snake_case identifier for a wire name, escaped where Rust would not accept it.
///
/// With [`pascal_ident`], the one way document text becomes an identifier: the result is always
/// an ASCII Rust identifier that is no keyword (strict, reserved, or one a raw identifier cannot
/// spell: `self`, `super`, `crate`), so no emitter can be handed a name that does not parse.
pub fn snake_ident(wire: &str) -> String {
    let leading = wire.len() - wire.trim_start_matches('_').len();
    // Dropping non-ASCII letters can leave a leading `_` (`é_x`); only the wire's own leading
    // underscores are spelled out, so a name never starts with `_` (a group's Cargo feature,
    // `-x`, could not).
    let mut out = ascii_ident_chars(&wire.to_snake_case())
        .trim_start_matches('_')
        .to_owned();
    if leading > 0 && !out.is_empty() {
        out = format!("{}{out}", "underscore_".repeat(leading));
    }
    if out.is_empty() {
        out = "field".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("n{out}");
    }
    if RUST_KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// A PascalCase identifier for a wire name, escaped where Rust would not accept it: an ASCII
/// identifier that is not `Self` (the one keyword spelled in PascalCase), or empty when the text
/// has no ASCII letter or digit (the caller picks a fallback: a number, a context name).
pub fn pascal_ident(wire: &str) -> String {
    let mut out = ascii_ident_chars(&wire.to_upper_camel_case());
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("V{out}");
    }
    if out == "Self" {
        out = "SelfValue".to_owned();
    }
    out
}

/// Keeps what an ASCII identifier may hold (letters, digits, `_`): heck keeps non-ASCII letters,
/// which Rust accepts but lints (`non_ascii_idents`, confusables) and which cannot be typed
/// everywhere.
fn ascii_ident_chars(converted: &str) -> String {
    converted
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Whether `name` is an identifier the emitters can spell as is: ASCII, not empty, not starting
/// with a digit, no keyword. What [`snake_ident`] and [`pascal_ident`] give always is (but for an
/// empty PascalCase name); [`crate::check`] holds every name of the API to it.
pub fn is_plain_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && name != "Self"
        && !RUST_KEYWORDS.contains(&name)
}

// ---------------------------------------------------------------------------------------------
// Operations.

struct PathShape {
    version: Option<String>,
    /// Static segments after the version, snake_cased.
    words: Vec<String>,
    /// The path ends in a parameter.
    ends_in_param: bool,
    /// `.../slug/{slug}`: the last static segment only says which key the final parameter is.
    by_key: Option<String>,
    /// The path parameters, in order.
    params: Vec<String>,
    /// The segment before the last one is a parameter (`.../requests/{id}/review`).
    path_has_param_before_last: bool,
}

fn path_shape(path: &str) -> PathShape {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut rest: &[&str] = &segments;
    if rest.first() == Some(&"api") {
        rest = &rest[1..];
    }
    let mut version = None;
    if let Some(first) = rest.first()
        && first.len() > 1
        && first.starts_with('v')
        && first[1..].chars().all(|c| c.is_ascii_digit())
    {
        version = Some((*first).to_owned());
        rest = &rest[1..];
    }
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let params: Vec<String> = rest
        .iter()
        .filter(|s| is_param(s))
        .map(|s| s[1..s.len() - 1].to_owned())
        .collect();
    let ends_in_param = rest.last().is_some_and(|s| is_param(s));
    let mut words: Vec<String> = rest
        .iter()
        .filter(|s| !is_param(s))
        .map(|s| s.to_snake_case())
        .filter(|s| !s.is_empty())
        .collect();
    let mut by_key = None;
    if ends_in_param && rest.len() >= 2 && !is_param(rest[rest.len() - 2]) {
        let key = rest[rest.len() - 2].to_snake_case();
        let param = rest[rest.len() - 1]
            .trim_matches(|c| c == '{' || c == '}')
            .to_snake_case();
        if matches!(key.as_str(), "slug" | "id" | "name" | "key")
            || param.ends_with(&key) && words.len() > 1
        {
            by_key = Some(key);
            words.pop();
        }
    }
    let path_has_param_before_last = rest.len() >= 2 && is_param(rest[rest.len() - 2]);
    PathShape {
        path_has_param_before_last,
        version,
        words,
        ends_in_param,
        by_key,
        params,
    }
}

/// A crude English singular, enough for REST collection names.
fn singular(word: &str) -> String {
    if matches!(word, "kms" | "aws" | "status" | "alias" | "access") {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "shes", "ches", "xes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && word.len() > 2
    {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

fn is_plural(word: &str) -> bool {
    singular(word) != word
}

/// How much of the path parameters a derived name spells out, to tell clashing names apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByParams {
    None,
    Last,
    All,
}

/// First words of a final path segment that make it an action (`.../token/renew`,
/// `.../ca/{caId}/issue-certificate`), which then leads the operation name.
const ACTION_VERBS: &[&str] = &[
    "accept",
    "approve",
    "backfill",
    "backup",
    "change",
    "check",
    "decrypt",
    "deny",
    "duplicate",
    "enroll",
    "encrypt",
    "exchange",
    "export",
    "generate",
    "grant",
    "import",
    "invite",
    "issue",
    "leave",
    "link",
    "login",
    "logout",
    "merge",
    "migrate",
    "move",
    "reject",
    "renew",
    "replicate",
    "resend",
    "reset",
    "restart",
    "review",
    "revoke",
    "rollback",
    "rotate",
    "search",
    "select",
    "send",
    "sign",
    "signup",
    "simpleenroll",
    "simplereenroll",
    "sync",
    "test",
    "trigger",
    "unlink",
    "upgrade",
    "upload",
    "validate",
    "verify",
];

/// The verb and object words of a derived operation name, before the version.
struct DerivedName {
    /// `list`, `create`, `login`, `issue_certificate`, ...
    verb: String,
    /// Static path words after the version, the group's word first (`secrets`, `raw`).
    object: Vec<String>,
    /// `by_slug`, `by_project_id`: what tells this operation from a sibling.
    by: Option<String>,
    version: Option<String>,
}

impl DerivedName {
    fn join(&self, skip_group: bool) -> String {
        let mut parts = vec![self.verb.clone()];
        parts.extend(self.object.iter().skip(usize::from(skip_group)).cloned());
        parts.extend(self.by.clone());
        parts.extend(self.version.clone());
        snake_ident(&parts.join("_"))
    }
}

fn action_verb(segment_words: &str) -> Option<&'static str> {
    let first = segment_words.split('_').next()?;
    let first = first.trim_end_matches(|c: char| c.is_ascii_digit());
    ACTION_VERBS.iter().copied().find(|verb| *verb == first)
}

/// `collections` holds every path that has a `/{param}` child: `GET` on it lists, `POST` creates.
fn derive_operation_name(
    op: &Operation,
    by: ByParams,
    collections: &BTreeSet<String>,
) -> DerivedName {
    let shape = path_shape(&op.path);
    let mut words = shape.words.clone();
    let last = words.last().cloned().unwrap_or_default();
    let is_collection =
        !shape.ends_in_param && (is_plural(&last) || collections.contains(&op.path));
    let singular_last = |words: &mut Vec<String>| {
        if let Some(last) = words.last_mut() {
            *last = singular(last);
        }
    };
    let verb = match (op.method.as_str(), shape.ends_in_param) {
        ("GET", false) if is_collection => "list".to_owned(),
        ("GET", _) => {
            singular_last(&mut words);
            "get".to_owned()
        }
        ("DELETE", _) => {
            singular_last(&mut words);
            "delete".to_owned()
        }
        // `POST .../requests/{id}/review`, `POST .../universal-auth/login`: the action leads.
        (_, false) if action_verb(&last).is_some() => {
            words.pop();
            let action = last;
            if let Some(before) = words.last_mut()
                && shape.path_has_param_before_last
            {
                *before = singular(before);
            }
            action
        }
        ("PATCH", _) => {
            singular_last(&mut words);
            "update".to_owned()
        }
        ("PUT", _) => {
            singular_last(&mut words);
            "set".to_owned()
        }
        _ => {
            singular_last(&mut words);
            "create".to_owned()
        }
    };
    let mut by_words: Vec<String> = Vec::new();
    if let Some(key) = &shape.by_key {
        by_words.push(key.clone());
    }
    let params: Vec<String> = match by {
        ByParams::None => Vec::new(),
        ByParams::Last => shape
            .params
            .last()
            .map(|p| p.to_snake_case())
            .into_iter()
            .collect(),
        ByParams::All => shape.params.iter().map(|p| p.to_snake_case()).collect(),
    };
    if !params.is_empty() && shape.by_key.is_none() {
        by_words.extend(params);
    }
    if words.is_empty() && verb == op.method.as_str().to_ascii_lowercase() {
        words.push("root".to_owned());
    }
    DerivedName {
        verb,
        object: words,
        by: (!by_words.is_empty()).then(|| format!("by_{}", by_words.join("_"))),
        version: shape.version,
    }
}

fn name_operations(
    api: &mut Api,
    pins: &NamePins,
    lock: Option<&Surface>,
    diags: &mut Diagnostics,
) {
    let collections: BTreeSet<String> = api
        .operations
        .iter()
        .filter_map(|op| {
            let (parent, last) = op.path.rsplit_once('/')?;
            (last.starts_with('{') && last.ends_with('}')).then(|| parent.to_owned())
        })
        .collect();
    // A pin is `method` (the group stays derived) or `group.method`.
    let pinned: Vec<Option<(Option<String>, String)>> = api
        .operations
        .iter()
        .map(|op| {
            let key = format!("{} {}", op.method.as_str(), op.path);
            if let Some(pin) = pins.operations.get(&key) {
                return Some(match pin.split_once('.') {
                    Some((group, method)) => (Some(snake_ident(group)), snake_ident(method)),
                    None => (None, snake_ident(pin)),
                });
            }
            op.operation_id.as_ref().map(|id| (None, snake_ident(id)))
        })
        .collect();
    // The lock keeps the name of an operation whose method and path shape did not change (a
    // renamed path parameter keeps it too); a pin in the names file wins over the lock, the lock
    // over the document's operationId.
    let mut locked: Vec<Option<(String, String, String)>> = api
        .operations
        .iter()
        .map(|op| {
            let key = format!("{} {}", op.method.as_str(), op.path);
            if pins.operations.contains_key(&key) {
                return None;
            }
            let entry = lock?
                .operations
                .get(&surface::operation_key(op.method.as_str(), &op.path))?;
            Some((
                entry.group.clone(),
                entry.name.clone(),
                entry.method.clone(),
            ))
        })
        .collect();
    // Two operations cannot keep one name (a document that adds a route equal but for a
    // parameter name): the first keeps it.
    {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for entry in locked.iter_mut() {
            if let Some((_, snake, _)) = entry
                && !seen.insert(snake.clone())
            {
                *entry = None;
            }
        }
    }
    let derive_all = |by: ByParams| -> Vec<DerivedName> {
        api.operations
            .iter()
            .map(|op| derive_operation_name(op, by, &collections))
            .collect()
    };
    let mut derived = derive_all(ByParams::None);
    // Clashing derived names spell out the last path parameter, then all of them; a number is
    // the last resort.
    for by in [ByParams::Last, ByParams::All] {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for name in &derived {
            *counts.entry(name.join(false)).or_default() += 1;
        }
        let finer = derive_all(by);
        for (idx, name) in finer.into_iter().enumerate() {
            if counts[&derived[idx].join(false)] > 1
                && pinned[idx].is_none()
                && locked[idx].is_none()
            {
                derived[idx] = name;
            }
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut methods_taken: BTreeSet<(String, String)> = BTreeSet::new();
    for (group, snake, method) in locked.iter().flatten() {
        taken.insert(snake.clone());
        methods_taken.insert((group.clone(), method.clone()));
    }
    for (idx, op) in api.operations.iter_mut().enumerate() {
        let shape = path_shape(&op.path);
        if let Some((group, snake, method)) = locked[idx].take() {
            op.name.pascal = pascal_ident(&snake);
            op.name.snake = snake;
            op.name.group = group;
            op.name.version = shape.version;
            op.name.method = method;
            continue;
        }
        let derived = &derived[idx];
        let path_group = shape.words.first().cloned();
        let group = match (&pinned[idx], op.tags.first()) {
            (Some((Some(group), _)), _) => group.clone(),
            (_, Some(tag)) => snake_ident(tag),
            _ => path_group
                .as_deref()
                .map_or_else(|| "root".to_owned(), snake_ident),
        };
        let (base_snake, base_method) = match &pinned[idx] {
            Some((_, method)) => (method.clone(), method.clone()),
            None => {
                let skip = path_group.as_deref().map(snake_ident).as_deref()
                    == Some(group.as_str())
                    && !derived.object.is_empty();
                (derived.join(false), derived.join(skip))
            }
        };
        let mut snake = base_snake.clone();
        let mut method = base_method.clone();
        let mut n = 2;
        while taken.contains(&snake) || methods_taken.contains(&(group.clone(), method.clone())) {
            snake = format!("{base_snake}_{n}");
            method = format!("{base_method}_{n}");
            n += 1;
        }
        if snake != base_snake {
            diags.warning(
                &op.origin,
                format!(
                    "operation name `{base_snake}` is taken; this operation is named `{snake}`"
                ),
                "pin a name for it in the names file",
            );
        }
        taken.insert(snake.clone());
        methods_taken.insert((group.clone(), method.clone()));
        op.name.pascal = pascal_ident(&snake);
        op.name.snake = snake;
        op.name.group = group;
        op.name.version = shape.version;
        op.name.method = method;
    }
}

// ---------------------------------------------------------------------------------------------
// Types.

/// How a named type is reached from its context.
#[derive(Clone, Debug)]
struct Claim {
    /// Words of the context name, to which `suffix` is appended (a parent type or an operation).
    parent: Parent,
    /// What to append: `Body`, a property name, a variant name.
    suffix: String,
    /// The plain name this context suggests (`Secret` for `secrets[]`), if any.
    plain: Option<String>,
}

#[derive(Clone, Debug)]
enum Parent {
    Operation(String),
    Type(TypeId),
}

fn name_types(
    api: &mut Api,
    pins: &NamePins,
    lock: Option<&Surface>,
    error_body: Option<&str>,
    diags: &mut Diagnostics,
) {
    let n = api.types.len();
    let mut claims: Vec<Vec<Claim>> = vec![Vec::new(); n];
    // Roots: operation bodies and responses.
    for op in &api.operations {
        let pascal = &op.name.pascal;
        if let Some(body) = &op.body {
            claim_through(
                api,
                body.ty,
                Parent::Operation(pascal.clone()),
                "Body",
                None,
                &mut claims,
            );
        }
        let successes = op
            .responses
            .iter()
            .filter(|r| r.status.is_success() && r.ty.is_some())
            .count();
        for response in &op.responses {
            let Some(ty) = response.ty else { continue };
            let suffix = match (response.status, response.status.is_success()) {
                (_, true) if successes == 1 => "Response".to_owned(),
                (Status::Code(code), true) => format!("Response{code}"),
                (_, false) => "ErrorBody".to_owned(),
                (_, true) => "Response".to_owned(),
            };
            claim_through(
                api,
                ty,
                Parent::Operation(pascal.clone()),
                &suffix,
                None,
                &mut claims,
            );
        }
        for param in &op.params {
            let suffix = format!("Params{}", pascal_ident(&param.wire));
            claim_through(
                api,
                param.ty,
                Parent::Operation(pascal.clone()),
                &suffix,
                None,
                &mut claims,
            );
        }
    }
    // Nested: every named type claims its children.
    for id in 0..n {
        let parent = TypeId(id as u32);
        match &api.types[id].kind {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    let suffix = pascal_ident(&field.wire);
                    let plain = Some(pascal_ident(&field.wire));
                    claim_through(
                        api,
                        field.ty,
                        Parent::Type(parent),
                        &suffix,
                        plain,
                        &mut claims,
                    );
                }
                if let Some(additional) = s.additional {
                    claim_through(
                        api,
                        additional,
                        Parent::Type(parent),
                        "Extra",
                        None,
                        &mut claims,
                    );
                }
            }
            TypeKind::Union(u) => {
                let names = variant_names(&api.types, u);
                for (variant, suffix) in u.variants.iter().zip(names) {
                    claim_through(
                        api,
                        variant.ty,
                        Parent::Type(parent),
                        &suffix,
                        None,
                        &mut claims,
                    );
                }
            }
            _ => {}
        }
    }

    // Pins by pointer.
    let mut pinned: Vec<Option<String>> = vec![None; n];
    let by_origin: HashMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .flat_map(|(idx, ty)| ty.origins.iter().map(move |o| (o.as_str(), idx)))
        .collect();
    for (pointer, name) in &pins.types {
        let key = pointer.strip_prefix('#').unwrap_or(pointer);
        match by_origin.get(key) {
            Some(&idx) if api.types[idx].is_named() => {
                pinned[idx] = Some(name.clone());
            }
            _ => diags.warning(
                &JsonPointer::from_ref(&format!("#{key}")).unwrap_or_default(),
                format!(
                    "names file pins `{name}` to a pointer where no struct, enum or union occurs"
                ),
                "remove or update the pin",
            ),
        }
    }

    // The lock: a type keeps its locked name when its shape is unchanged (wherever it occurs
    // now), else when it still occurs where the locked type first occurred. Shape and place
    // first, then shape alone, then place alone; a names-file pin wins over the lock.
    if let Some(lock) = lock {
        let hashes = surface::shape_hashes(api);
        let pinned_names: BTreeSet<String> = pinned.iter().flatten().cloned().collect();
        let by_hash: HashMap<String, usize> = (0..n)
            .filter(|&i| api.types[i].is_named())
            .map(|i| (format!("{:016x}", hashes[i]), i))
            .collect();
        let kind_word = |i: usize| match api.types[i].kind {
            TypeKind::Struct(_) => "struct",
            TypeKind::Enum(_) => "enum",
            TypeKind::Union(_) => "union",
            _ => "",
        };
        let entries: Vec<(&String, &surface::TypeSurface)> = lock
            .types
            .iter()
            .filter(|(name, _)| !pinned_names.contains(*name))
            .collect();
        // A place names a type only when one named type first occurs there (a nested union
        // shares its first place with the union around it).
        let mut first_place: HashMap<&str, Option<usize>> = HashMap::new();
        for i in (0..n).filter(|&i| api.types[i].is_named()) {
            if let Some(origin) = api.types[i].origins.first() {
                first_place
                    .entry(origin.as_str())
                    .and_modify(|slot| *slot = None)
                    .or_insert(Some(i));
            }
        }
        let mut used = vec![false; entries.len()];
        for pass in 0..3 {
            for (e, (name, entry)) in entries.iter().enumerate() {
                if used[e] {
                    continue;
                }
                let by_shape = by_hash.get(&entry.shape).copied();
                let by_place = first_place.get(entry.origin.as_str()).copied().flatten();
                let idx = match pass {
                    0 => by_shape.filter(|i| Some(*i) == by_place),
                    1 => by_shape,
                    _ => by_place,
                };
                if let Some(idx) = idx
                    && pinned[idx].is_none()
                    && kind_word(idx) == entry.kind
                {
                    pinned[idx] = Some((*name).clone());
                    used[e] = true;
                }
            }
        }
    }

    // The error body most operations share gets the convention's name (unless a pin names it).
    if let Some(name) = error_body
        && !pinned.iter().flatten().any(|p| p == name)
    {
        let mut uses = vec![0usize; n];
        for op in &api.operations {
            let mut seen: Vec<TypeId> = Vec::new();
            for response in op.responses.iter().filter(|r| !r.status.is_success()) {
                if let Some(ty) = response.ty
                    && api.types[ty.index()].is_named()
                    && !seen.contains(&ty)
                {
                    seen.push(ty);
                    uses[ty.index()] += 1;
                }
            }
        }
        let most = (0..n)
            .filter(|&idx| uses[idx] > 0 && pinned[idx].is_none())
            .max_by_key(|&idx| (uses[idx], std::cmp::Reverse(idx)));
        if let Some(idx) = most {
            pinned[idx] = Some(name.to_owned());
        }
    }

    // Plain names: the most used claimant of each plain name gets it.
    let mut plain_claimants: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (idx, ty) in api.types.iter().enumerate() {
        // A name the document gives (component, `title`) beats a plain property name.
        if !matches!(ty.kind, TypeKind::Struct(_) | TypeKind::Union(_)) || !ty.hints.is_empty() {
            continue;
        }
        let mut plains: BTreeMap<String, usize> = BTreeMap::new();
        for claim in &claims[idx] {
            if let Some(plain) = &claim.plain {
                *plains.entry(plain.clone()).or_default() += 1;
            }
        }
        for (plain, uses) in plains {
            if !VAGUE_NAMES.contains(&plain.as_str()) && plain.len() > 2 {
                plain_claimants.entry(plain).or_default().push((uses, idx));
            }
        }
    }
    let mut plain_winner: Vec<Option<String>> = vec![None; n];
    let mut plain_taken: BTreeSet<String> = pinned.iter().flatten().cloned().collect();
    // Most used first, so a type claiming two plain names takes the one it is best known by.
    let mut ranked: Vec<(usize, String, usize)> = plain_claimants
        .iter()
        .flat_map(|(plain, claimants)| {
            let best = claimants.iter().map(|(uses, _)| *uses).max().unwrap_or(0);
            claimants
                .iter()
                .filter(move |(uses, _)| *uses == best)
                .map(move |(uses, idx)| (*uses, plain.clone(), *idx))
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    for (_, plain, idx) in ranked {
        if plain_taken.contains(&plain) || plain_winner[idx].is_some() || pinned[idx].is_some() {
            continue;
        }
        plain_taken.insert(plain.clone());
        plain_winner[idx] = Some(plain);
    }

    // Final names, parents before children (a child's context name uses its parent's name).
    let mut final_names: Vec<Option<String>> = vec![None; n];
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for op in &api.operations {
        taken.insert(format!("{}Params", op.name.pascal));
    }
    for name in pinned.iter().flatten().chain(plain_winner.iter().flatten()) {
        taken.insert(name.clone());
    }
    // A body or response that several operations share is named by its shape and role, not after
    // one of them, when that name is free and no other shared shape would take it too.
    let mut shape_names: Vec<Option<String>> = vec![None; n];
    let mut shape_counts: BTreeMap<String, usize> = BTreeMap::new();
    for idx in 0..n {
        let roots_only = !claims[idx].is_empty()
            && claims[idx]
                .iter()
                .all(|claim| matches!(claim.parent, Parent::Operation(_)));
        if !roots_only
            || pinned[idx].is_some()
            || plain_winner[idx].is_some()
            || !api.types[idx].hints.is_empty()
        {
            continue;
        }
        let Some(shape) = shape_words(&api.types[idx].kind) else {
            continue;
        };
        let mut candidates: Vec<String> = claims[idx]
            .iter()
            .filter_map(|claim| match &claim.parent {
                Parent::Operation(name) => Some(format!("{name}{}", claim.suffix)),
                Parent::Type(_) => None,
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        let named = shared_name(&candidates, Some(&shape));
        if named != shared_name(&candidates, None) {
            *shape_counts.entry(named.clone()).or_default() += 1;
            shape_names[idx] = Some(named);
        }
    }
    for name in shape_names.iter_mut() {
        if name
            .as_ref()
            .is_some_and(|n| shape_counts[n] > 1 || taken.contains(n))
        {
            *name = None;
        }
    }
    let order = parents_first(api);
    for idx in order {
        if !api.types[idx].is_named() {
            continue;
        }
        let chosen = if let Some(pin) = &pinned[idx] {
            pin.clone()
        } else if let Some(plain) = &plain_winner[idx] {
            plain.clone()
        } else {
            let hint = api.types[idx]
                .hints
                .first()
                .filter(|h| !taken.contains(*h))
                .cloned();
            let mut candidates: Vec<String> = claims[idx]
                .iter()
                .map(|claim| {
                    let parent = match &claim.parent {
                        Parent::Operation(name) => name.clone(),
                        Parent::Type(parent) => {
                            final_names[parent.index()].clone().unwrap_or_default()
                        }
                    };
                    format!("{parent}{}", claim.suffix)
                })
                .collect();
            candidates.sort();
            candidates.dedup();
            let base = hint
                .or_else(|| shape_names[idx].clone())
                .unwrap_or_else(|| shared_name(&candidates, None));
            let base = if base.is_empty() {
                format!("Type{idx}")
            } else {
                base
            };
            unique(&base, &taken)
        };
        taken.insert(chosen.clone());
        final_names[idx] = Some(chosen);
    }
    for (ty, name) in api.types.iter_mut().zip(final_names) {
        if let Some(name) = name {
            ty.name = name;
        }
    }
}

fn unique(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|name| !taken.contains(name))
        .expect("some number is free")
}

/// Records that `ty` is reached from `parent` under `suffix`, looking through containers
/// (`Option`, `Vec`, maps, one-or-many), which add `Item`/`Value` to the suffix.
fn claim_through(
    api: &Api,
    ty: TypeId,
    parent: Parent,
    suffix: &str,
    plain: Option<String>,
    claims: &mut [Vec<Claim>],
) {
    let mut ty = ty;
    let mut suffix = suffix.to_owned();
    let mut plain = plain;
    loop {
        match &api.ty(ty).kind {
            TypeKind::Option(inner) => ty = *inner,
            TypeKind::OneOrMany(array) => ty = array.items,
            TypeKind::Array(array) => {
                let words = split_words(&suffix);
                let singular_last = words.last().map(|w| singular(&w.to_ascii_lowercase()));
                match singular_last {
                    Some(s)
                        if s != words
                            .last()
                            .map(|w| w.to_ascii_lowercase())
                            .unwrap_or_default() =>
                    {
                        let keep = &suffix[..suffix.len() - words.last().map_or(0, String::len)];
                        suffix = format!("{keep}{}", pascal_ident(&s));
                    }
                    _ => suffix.push_str("Item"),
                }
                plain = plain.map(|p| pascal_ident(&singular(&p.to_snake_case())));
                ty = array.items;
            }
            TypeKind::Map(values) => {
                suffix.push_str("Value");
                plain = None;
                ty = *values;
            }
            kind if kind.is_named() => {
                claims[ty.index()].push(Claim {
                    parent,
                    suffix,
                    plain,
                });
                return;
            }
            _ => return,
        }
    }
}

/// Splits a PascalCase name into its words (`CreateRoleV1Body` gives `Create`, `Role`, `V1`, `Body`).
fn split_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for ch in name.chars() {
        let start_new = ch.is_ascii_uppercase()
            || (ch.is_ascii_digit()
                && words
                    .last()
                    .is_some_and(|w| !w.ends_with(|c: char| c.is_ascii_digit()) && w != "V"));
        match words.last_mut() {
            Some(word) if !start_new => word.push(ch),
            _ => words.push(ch.to_string()),
        }
    }
    words
}

/// The name for a shape used in several contexts: the words the context names share at the start
/// and the end, when they say enough; else, for a body or response several operations share, its
/// shape's own words (a struct's few fields) followed by the role the contexts share (`{message}`
/// returned by many operations is `MessageResponse`); else the shortest context name.
fn shared_name(candidates: &[String], shape: Option<&str>) -> String {
    match candidates {
        [] => String::new(),
        [only] => only.clone(),
        _ => {
            let split: Vec<Vec<String>> = candidates.iter().map(|c| split_words(c)).collect();
            let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
            let prefix = (0..shortest)
                .take_while(|&i| split.iter().all(|w| w[i] == split[0][i]))
                .count();
            let suffix = (0..shortest - prefix)
                .take_while(|&i| {
                    split
                        .iter()
                        .all(|w| w[w.len() - 1 - i] == split[0][split[0].len() - 1 - i])
                })
                .count();
            let first = &split[0];
            let shared_end: String = first[first.len() - suffix..].concat();
            let joined: String = first[..prefix].concat() + &shared_end;
            // Shared words at both ends keep the context; one end alone is too often a bare role
            // (`...V1Body`) or an operation verb.
            let says_enough = prefix > 0 && suffix > 0;
            if says_enough && !VAGUE_NAMES.contains(&joined.as_str()) {
                return joined;
            }
            // Contexts that share only their role (`...Response`, a version, a status) say
            // nothing of the shape: it names itself.
            let only_role = first[first.len() - suffix..].iter().all(|w| {
                matches!(w.as_str(), "Response" | "Body" | "Error")
                    || w.chars().all(|c| c.is_ascii_digit())
                    || (w.len() > 1
                        && w.starts_with('V')
                        && w[1..].chars().all(|c| c.is_ascii_digit()))
            });
            if let Some(shape) = shape
                && only_role
            {
                let role: String = first[first.len() - suffix..]
                    .iter()
                    .filter(|w| !w.starts_with('V'))
                    .map(String::as_str)
                    .collect();
                let named = format!("{shape}{role}");
                if !VAGUE_NAMES.contains(&named.as_str()) {
                    return named;
                }
            }
            candidates
                .iter()
                .min_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)))
                .cloned()
                .unwrap_or_default()
        }
    }
}

/// The words a small struct names itself by: its fields, when there are one to three of them.
fn shape_words(kind: &TypeKind) -> Option<String> {
    let wires: Vec<&str> = match kind {
        TypeKind::Struct(s) if s.additional.is_none() => {
            s.fields.iter().map(|f| f.wire.as_str()).collect()
        }
        _ => return None,
    };
    if wires.is_empty() || wires.len() > 3 {
        return None;
    }
    let words: String = wires.iter().map(|w| pascal_ident(w)).collect();
    let words = pascal_ident(&words);
    (!words.is_empty()).then_some(words)
}

/// Type indices with every parent before its children (the arena is numbered depth first from the
/// operations, so a parent already comes first on its first path; this makes it hold for all paths).
pub(crate) fn parents_first(api: &Api) -> Vec<usize> {
    let n = api.types.len();
    let mut indegree = vec![0usize; n];
    for ty in &api.types {
        for child in ty.kind.children() {
            indegree[child.index()] += 1;
        }
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|i| indegree[*i] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(idx)) = ready.pop() {
        order.push(idx);
        for child in api.types[idx].kind.children() {
            indegree[child.index()] -= 1;
            if indegree[child.index()] == 0 {
                ready.push(std::cmp::Reverse(child.index()));
            }
        }
    }
    // Cycles cannot come out of lowering, but keep every type named if one ever does.
    for idx in 0..n {
        if !order.contains(&idx) {
            order.push(idx);
        }
    }
    order
}

// ---------------------------------------------------------------------------------------------
// Fields, enum values, variants, parameters.

fn name_members(api: &mut Api, lock: Option<&Surface>) {
    let kinds: Vec<crate::model::Type> = api.types.clone();
    // Locked variant names of each union, by tag (tagged) or by payload type.
    let locked_variants = |name: &str| -> Option<HashMap<(String, String), String>> {
        let entry = lock?.types.get(name)?;
        Some(
            entry
                .variants
                .iter()
                .map(|(rust, tag, payload)| {
                    let key = if tag.is_empty() {
                        (String::new(), payload.clone())
                    } else {
                        (tag.clone(), String::new())
                    };
                    (key, rust.clone())
                })
                .collect(),
        )
    };
    let variant_refs: Vec<Vec<String>> = api
        .types
        .iter()
        .map(|ty| match &ty.kind {
            TypeKind::Union(u) => u
                .variants
                .iter()
                .map(|v| surface::type_ref(api, v.ty))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (idx, ty) in api.types.iter_mut().enumerate() {
        match &mut ty.kind {
            TypeKind::Struct(s) => {
                let names = unique_snake(s.fields.iter().map(|f| f.wire.as_str()));
                for (field, name) in s.fields.iter_mut().zip(names) {
                    field.name = name;
                }
            }
            TypeKind::Enum(e) => {
                let names =
                    unique_pascal(e.values.iter().map(|v| pascal_ident(&v.wire)), &["Unknown"]);
                for (value, name) in e.values.iter_mut().zip(names) {
                    value.name = name;
                }
            }
            TypeKind::Union(u) => {
                let mut names = variant_names(&kinds, u);
                // A variant whose tag (or, untagged, whose payload) is locked keeps its name
                // when the union's locked names stay distinct.
                if let Some(locked) = locked_variants(&ty.name) {
                    let tagged = matches!(u.repr, UnionRepr::Tagged { .. });
                    let kept: Vec<String> = u
                        .variants
                        .iter()
                        .zip(&names)
                        .enumerate()
                        .map(|(i, (v, derived))| {
                            let key = match (&v.tag, tagged) {
                                (Some(tag), true) => (tag.clone(), String::new()),
                                _ => (String::new(), variant_refs[idx][i].clone()),
                            };
                            locked.get(&key).cloned().unwrap_or_else(|| derived.clone())
                        })
                        .collect();
                    let distinct: BTreeSet<&String> = kept.iter().collect();
                    if distinct.len() == kept.len() {
                        names = kept;
                    }
                }
                for (variant, name) in u.variants.iter_mut().zip(names) {
                    variant.name = name;
                }
            }
            _ => {}
        }
    }
    for op in &mut api.operations {
        let mut names = unique_snake(op.params.iter().map(|p| p.wire.as_str()));
        // A path parameter keeps its locked name at its position (a parameter the document
        // renames travels the same way), when the names stay distinct.
        if let Some(entry) = lock.and_then(|lock| {
            lock.operations
                .get(&surface::operation_key(op.method.as_str(), &op.path))
        }) {
            let locked: Vec<&String> = entry
                .params
                .iter()
                .filter(|p| p.0 == "path")
                .map(|p| &p.2)
                .collect();
            let mut kept = names.clone();
            let mut position = 0;
            for (param, name) in op.params.iter().zip(kept.iter_mut()) {
                if param.location == crate::model::ParamLocation::Path {
                    if let Some(old) = locked.get(position) {
                        name.clone_from(old);
                    }
                    position += 1;
                }
            }
            let distinct: BTreeSet<&String> = kept.iter().collect();
            if distinct.len() == kept.len() {
                names = kept;
            }
        }
        for (param, name) in op.params.iter_mut().zip(names) {
            param.name = name;
        }
    }
}

/// Variant names of a union: the tag value for tagged unions; for an untagged union, an object
/// alternative is named after the first required property no other alternative requires
/// (`{secret}` or `{approval}` give `Secret` and `Approval`), anything else after its kind.
fn variant_names(types: &[crate::model::Type], union: &crate::model::Union) -> Vec<String> {
    let tagged = matches!(union.repr, UnionRepr::Tagged { .. });
    let required = |ty: TypeId| -> Vec<&str> {
        match &types[ty.index()].kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter(|f| matches!(f.presence, crate::model::Presence::Required))
                .map(|f| f.wire.as_str())
                .collect(),
            _ => Vec::new(),
        }
    };
    let raw: Vec<String> = union
        .variants
        .iter()
        .enumerate()
        .map(|(idx, v)| match &v.tag {
            Some(tag) if tagged => pascal_ident(tag),
            _ => {
                let own = required(v.ty);
                let distinct = own.iter().find(|wire| {
                    union
                        .variants
                        .iter()
                        .enumerate()
                        .all(|(other, w)| other == idx || !required(w.ty).contains(wire))
                });
                match distinct {
                    Some(wire) => pascal_ident(wire),
                    None => kind_name(&types[v.ty.index()].kind, types),
                }
            }
        })
        .collect();
    unique_pascal(raw.into_iter(), &["Unknown"])
}

fn kind_name(kind: &TypeKind, types: &[crate::model::Type]) -> String {
    match kind {
        TypeKind::Any | TypeKind::AnyOf(_) | TypeKind::Never => "Any",
        TypeKind::Bool => "Bool",
        TypeKind::Integer(_) => "Integer",
        TypeKind::Number(_) => "Number",
        TypeKind::String(_) => "String",
        TypeKind::Enum(_) => "Known",
        TypeKind::Option(inner) => return kind_name(&types[inner.index()].kind, types),
        TypeKind::Array(_) => "List",
        TypeKind::OneOrMany(_) => "OneOrMany",
        TypeKind::Map(_) => "Map",
        TypeKind::Struct(_) => "Object",
        TypeKind::Union(_) => "Union",
    }
    .to_owned()
}

fn unique_snake<'a>(wires: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for wire in wires {
        let base = snake_ident(wire);
        let mut name = base.clone();
        let mut n = 2;
        while out.contains(&name) {
            // `type_` (a keyword escaped) numbers as `type_2`, not `type__2`.
            name = format!("{}_{n}", base.trim_end_matches('_'));
            n += 1;
        }
        out.push(name);
    }
    out
}

fn unique_pascal(raw: impl Iterator<Item = String>, reserved: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (idx, base) in raw.enumerate() {
        let base = if base.is_empty() {
            format!("Value{idx}")
        } else {
            base
        };
        let base = if reserved.contains(&base.as_str()) {
            format!("{base}Value")
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{shared_name, singular, snake_ident, split_words};

    #[test]
    fn identifiers_are_escaped() {
        assert_eq!(snake_ident("_id"), "underscore_id");
        assert_eq!(snake_ident("id"), "id");
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("$in"), "in_");
        assert_eq!(snake_ident("$glob"), "glob");
        assert_eq!(snake_ident("2fa"), "n2fa");
        assert_eq!(snake_ident(""), "field");
        assert_eq!(snake_ident("é_x"), "x");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("0abc"), "n0abc");
        assert_eq!(super::pascal_ident("Self"), "SelfValue");
        assert_eq!(super::pascal_ident("🦀"), "");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("secrets"), "secret");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("access"), "access");
    }

    #[test]
    fn context_names_keep_shared_words() {
        assert_eq!(
            split_words("CreateRoleV1Body"),
            ["Create", "Role", "V1", "Body"]
        );
        let shared = [
            "PermissionMemberAction".to_owned(),
            "PermissionSecretsAction".to_owned(),
        ];
        assert_eq!(shared_name(&shared, None), "PermissionAction");
        let unrelated = ["GetAV1Response".to_owned(), "ListBV2Response".to_owned()];
        assert_eq!(shared_name(&unrelated, None), "GetAV1Response");
        // A shape shared by unrelated operations is named by its fields and shared role.
        assert_eq!(shared_name(&unrelated, Some("Message")), "MessageResponse");
    }
}
