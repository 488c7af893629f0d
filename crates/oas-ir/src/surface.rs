//! The API surface: every operation, parameter, type, field, enum value and union variant the
//! generated crates expose, with its Rust name.
//!
//! Written after each generation as a lock (one line per operation and per type, so a change shows
//! as a small diff), the surface does two jobs:
//!
//! - **name stability**: the naming pass ([`crate::names`]) reuses the locked name of every item
//!   whose identity still matches, like `Cargo.lock` keeps versions (see [`Surface`] for the keys);
//! - **change report**: [`diff`] compares the locked surface with the new one and classifies each
//!   change for a client user and for a server implementer, so the old document is never needed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::model::{Api, ParamLocation, Presence, Status, TypeId, TypeKind, UnionRepr};

/// The format version of the lock file.
pub const LOCK_VERSION: u32 = 1;

/// The surface of an API.
///
/// Identities: an operation is keyed by its method and its path with the parameter names blanked
/// (`GET /api/v1/workspace/{}/environments/{}`), so renaming a path parameter keeps the operation;
/// a type by its Rust name, with its shape hash and the first place it occurs in the document
/// (the naming pass matches a new type to a locked one by shape, then by place).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// Operations by `METHOD /path/{}` key.
    pub operations: BTreeMap<String, OpSurface>,
    /// Named types (structs, enums, unions) by Rust name.
    pub types: BTreeMap<String, TypeSurface>,
}

/// One operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpSurface {
    /// The path template as the document writes it.
    pub path: String,
    /// The global snake_case name.
    pub name: String,
    /// The group (client accessor, server trait).
    pub group: String,
    /// The method name inside the group.
    pub method: String,
    /// Parameters: `[in, wire, rust name, type, required]`, in order.
    pub params: Vec<ParamSurface>,
    /// The request body type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Response types by status (`()` when a response has no body).
    pub responses: BTreeMap<String, String>,
}

/// One parameter: location, wire name, Rust name, type, required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamSurface(pub String, pub String, pub String, pub String, pub bool);

/// One named type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeSurface {
    /// `struct`, `enum` or `union`.
    pub kind: String,
    /// The shape hash (structure only: wire names, presence, child shapes; no names, no docs).
    pub shape: String,
    /// The first place the shape occurs in the document (a JSON pointer).
    pub origin: String,
    /// `request`, `response` or `both`: who builds values of it (the client for requests, the
    /// server for responses) and who reads them.
    pub uses: String,
    /// Struct fields: `[wire, rust name, type, presence]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSurface>,
    /// The type of the properties a struct allows beyond its fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<String>,
    /// Enum values: `[wire, rust name]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<(String, String)>,
    /// Union variants: `[rust name, tag, payload type]` (the tag is empty for untagged unions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<(String, String, String)>,
}

/// One struct field: wire name, Rust name, type, presence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldSurface(pub String, pub String, pub String, pub String);

/// `METHOD /path` with the parameter names blanked: the identity of an operation.
pub fn operation_key(method: &str, path: &str) -> String {
    let mut out = format!("{method} ");
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str("{}");
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The shape hash of every type, by index: a digest of the structure (kinds, wire names, presence,
/// constraints, children's hashes), stable across runs and platforms.
pub(crate) fn shape_hashes(api: &Api) -> Vec<u64> {
    let n = api.types.len();
    let mut hashes: Vec<Option<u64>> = vec![None; n];
    let order = crate::names::parents_first(api);
    for &idx in order.iter().rev() {
        let child = |id: TypeId, hashes: &[Option<u64>]| hashes[id.index()].unwrap_or(0);
        let mut text = String::new();
        match &api.types[idx].kind {
            TypeKind::Struct(s) => {
                text.push('S');
                for field in &s.fields {
                    let _ = write!(
                        text,
                        "|{}:{:?}:{:x}",
                        field.wire,
                        field.presence,
                        child(field.ty, &hashes)
                    );
                }
                if let Some(extra) = s.additional {
                    let _ = write!(text, "|+{:x}", child(extra, &hashes));
                }
            }
            TypeKind::Enum(e) => {
                text.push('E');
                for value in &e.values {
                    let _ = write!(text, "|{}", value.wire);
                }
            }
            TypeKind::Union(u) => {
                let _ = write!(text, "U{:?}", u.repr);
                for variant in &u.variants {
                    let _ = write!(text, "|{:?}:{:x}", variant.tag, child(variant.ty, &hashes));
                }
            }
            TypeKind::Option(inner) => {
                let _ = write!(text, "O{:x}", child(*inner, &hashes));
            }
            TypeKind::Map(inner) => {
                let _ = write!(text, "M{:x}", child(*inner, &hashes));
            }
            TypeKind::Array(a) => {
                let _ = write!(
                    text,
                    "A{:x}:{:?}:{:?}",
                    child(a.items, &hashes),
                    a.min_items,
                    a.max_items
                );
            }
            TypeKind::OneOrMany(a) => {
                let _ = write!(text, "N{:x}", child(a.items, &hashes));
            }
            TypeKind::AnyOf(alternatives) => {
                text.push('Y');
                for alt in alternatives {
                    let _ = write!(text, "|{:x}", child(*alt, &hashes));
                }
            }
            leaf => {
                let _ = write!(text, "{leaf:?}");
            }
        }
        hashes[idx] = Some(fnv1a(text.as_bytes()));
    }
    hashes.into_iter().map(|h| h.unwrap_or(0)).collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// How a type is spelled in the surface: a named type by its name, containers around it
/// (`Vec<Secret>`, `Option<String>`, `Map<Any>`).
pub fn type_ref(api: &Api, id: TypeId) -> String {
    let ty = api.ty(id);
    match &ty.kind {
        TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_) => ty.name.clone(),
        TypeKind::Any | TypeKind::AnyOf(_) => "Any".to_owned(),
        TypeKind::Never => "Never".to_owned(),
        TypeKind::Bool => "bool".to_owned(),
        TypeKind::Integer(_) => "integer".to_owned(),
        TypeKind::Number(_) => "number".to_owned(),
        TypeKind::String(_) => "String".to_owned(),
        TypeKind::Option(inner) => format!("Option<{}>", type_ref(api, *inner)),
        TypeKind::Array(a) => format!("Vec<{}>", type_ref(api, a.items)),
        TypeKind::OneOrMany(a) => format!("OneOrMany<{}>", type_ref(api, a.items)),
        TypeKind::Map(inner) => format!("Map<{}>", type_ref(api, *inner)),
    }
}

fn status_key(status: Status) -> String {
    match status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => format!("{class}XX"),
        Status::Default => "default".to_owned(),
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn presence_name(presence: &Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::Optional => "optional",
        Presence::Defaulted(_) => "defaulted",
        Presence::Tristate => "tristate",
    }
}

/// The surface of a named API.
pub fn surface(api: &Api) -> Surface {
    let hashes = shape_hashes(api);
    // Who builds and who reads each type: request types flow from the client, response types
    // from the server.
    let n = api.types.len();
    let mut request = vec![false; n];
    let mut response = vec![false; n];
    let mark = |root: TypeId, seen: &mut Vec<bool>| {
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.index()], true) {
                continue;
            }
            stack.extend(api.ty(id).kind.children());
        }
    };
    let mut operations = BTreeMap::new();
    for op in &api.operations {
        for param in &op.params {
            mark(param.ty, &mut request);
        }
        if let Some(body) = &op.body {
            mark(body.ty, &mut request);
        }
        for r in &op.responses {
            if let Some(ty) = r.ty {
                mark(ty, &mut response);
            }
        }
        operations.insert(
            operation_key(op.method.as_str(), &op.path),
            OpSurface {
                path: op.path.clone(),
                name: op.name.snake.clone(),
                group: op.name.group.clone(),
                method: op.name.method.clone(),
                params: op
                    .params
                    .iter()
                    .map(|p| {
                        ParamSurface(
                            location_name(p.location).to_owned(),
                            p.wire.clone(),
                            p.name.clone(),
                            type_ref(api, p.ty),
                            p.required,
                        )
                    })
                    .collect(),
                body: op.body.as_ref().map(|b| type_ref(api, b.ty)),
                responses: op
                    .responses
                    .iter()
                    .map(|r| {
                        (
                            status_key(r.status),
                            r.ty.map_or_else(|| "()".to_owned(), |ty| type_ref(api, ty)),
                        )
                    })
                    .collect(),
            },
        );
    }
    let mut types = BTreeMap::new();
    for (idx, ty) in api.types.iter().enumerate() {
        let kind = match &ty.kind {
            TypeKind::Struct(_) => "struct",
            TypeKind::Enum(_) => "enum",
            TypeKind::Union(_) => "union",
            _ => continue,
        };
        let mut surface = TypeSurface {
            kind: kind.to_owned(),
            shape: format!("{:016x}", hashes[idx]),
            origin: ty
                .origins
                .first()
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            uses: match (request[idx], response[idx]) {
                (true, true) => "both",
                (true, false) => "request",
                _ => "response",
            }
            .to_owned(),
            fields: Vec::new(),
            extra: None,
            values: Vec::new(),
            variants: Vec::new(),
        };
        match &ty.kind {
            TypeKind::Struct(s) => {
                surface.fields = s
                    .fields
                    .iter()
                    .map(|f| {
                        FieldSurface(
                            f.wire.clone(),
                            f.name.clone(),
                            type_ref(api, f.ty),
                            presence_name(&f.presence).to_owned(),
                        )
                    })
                    .collect();
                surface.extra = s.additional.map(|a| type_ref(api, a));
            }
            TypeKind::Enum(e) => {
                surface.values = e
                    .values
                    .iter()
                    .map(|v| (v.wire.clone(), v.name.clone()))
                    .collect();
            }
            TypeKind::Union(u) => {
                surface.variants = u
                    .variants
                    .iter()
                    .map(|v| {
                        let tag = match (&u.repr, &v.tag) {
                            (UnionRepr::Tagged { .. }, Some(tag)) => tag.clone(),
                            _ => String::new(),
                        };
                        (v.name.clone(), tag, type_ref(api, v.ty))
                    })
                    .collect();
            }
            _ => {}
        }
        types.insert(ty.name.clone(), surface);
    }
    Surface { operations, types }
}

impl Surface {
    /// The lock file text: one line per operation and per type, keys sorted.
    pub fn to_lock(&self) -> String {
        let mut out = format!("{{\n\"version\": {LOCK_VERSION},\n\"operations\": {{\n");
        let line = |key: &str, value: String| format!("{}: {value}", json_string(key));
        let ops: Vec<String> = self
            .operations
            .iter()
            .map(|(k, v)| line(k, serde_json::to_string(v).expect("serializable")))
            .collect();
        out.push_str(&ops.join(",\n"));
        out.push_str("\n},\n\"types\": {\n");
        let types: Vec<String> = self
            .types
            .iter()
            .map(|(k, v)| line(k, serde_json::to_string(v).expect("serializable")))
            .collect();
        out.push_str(&types.join(",\n"));
        out.push_str("\n}\n}\n");
        out
    }

    /// Reads a lock file written by [`Surface::to_lock`].
    pub fn from_lock(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Lock {
            version: u32,
            operations: BTreeMap<String, OpSurface>,
            types: BTreeMap<String, TypeSurface>,
        }
        let lock: Lock = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if lock.version != LOCK_VERSION {
            return Err(format!(
                "lock format version {} (this generator reads version {LOCK_VERSION})",
                lock.version
            ));
        }
        Ok(Self {
            operations: lock.operations,
            types: lock.types,
        })
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

// ---------------------------------------------------------------------------------------------
// The change report.

/// What a change means for one audience.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing the user's code can notice at compile time.
    None,
    /// New API, existing code still compiles (a minor version).
    Additive,
    /// Existing code may stop compiling or behave differently (a major version).
    Breaking,
}

impl Impact {
    /// The semantic version bump this impact calls for.
    pub fn bump(self) -> &'static str {
        match self {
            Self::None => "patch",
            Self::Additive => "minor",
            Self::Breaking => "major",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Additive => "additive",
            Self::Breaking => "breaking",
        }
    }
}

/// Whether an item appeared, went or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// New.
    Added,
    /// Gone.
    Removed,
    /// Still there, different.
    Changed,
    /// The same item under a new Rust name.
    Renamed,
}

/// One change of the surface.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// `operation`, `parameter`, `type`, `field`, `enum value` or `union variant`.
    pub item: &'static str,
    /// What changed.
    pub kind: ChangeKind,
    /// Where: `GET /api/v1/x/{id}`, `Secret.secretKey`, ...
    pub path: String,
    /// Before and after, in words.
    pub detail: String,
    /// For a user of the client crate.
    pub client: Impact,
    /// For an implementer of the server traits.
    pub server: Impact,
}

/// Every change from `old` to `new`, sorted.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Changes {
    /// The worst impact for the client user.
    pub fn client(&self) -> Impact {
        self.changes
            .iter()
            .map(|c| c.client)
            .max()
            .unwrap_or(Impact::None)
    }

    /// The worst impact for the server implementer.
    pub fn server(&self) -> Impact {
        self.changes
            .iter()
            .map(|c| c.server)
            .max()
            .unwrap_or(Impact::None)
    }

    /// True when some change breaks either audience.
    pub fn is_breaking(&self) -> bool {
        self.client() == Impact::Breaking || self.server() == Impact::Breaking
    }

    /// How many items kept their identity but changed Rust name.
    pub fn renames(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Renamed)
            .count()
    }

    /// Counts by item and kind, e.g. `operation added: 2`.
    pub fn counts(&self) -> BTreeMap<(&'static str, ChangeKind), usize> {
        let mut out = BTreeMap::new();
        for change in &self.changes {
            *out.entry((change.item, change.kind)).or_default() += 1;
        }
        out
    }

    /// One line: counts, impacts and the bump.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "API surface unchanged".to_owned();
        }
        let counts: Vec<String> = self
            .counts()
            .iter()
            .map(|((item, kind), n)| format!("{n} {item} {}", kind_word(*kind)))
            .collect();
        let bump = self.client().max(self.server()).bump();
        format!(
            "API changes: {}; client user: {}, server implementer: {}; semver bump: {bump}",
            counts.join(", "),
            self.client().word(),
            self.server().word(),
        )
    }

    /// The full report as Markdown.
    pub fn markdown(&self, from: &str, to: &str) -> String {
        let mut out = String::from("# API change report\n\n");
        let _ = writeln!(
            out,
            "Generated by `cargo xtask codegen`: the API surface of `{to}` compared with the surface locked \
             in `generated/surface.lock.json` before this regeneration ({from}). What each classification \
             means is in `docs/naming.md`.\n"
        );
        let _ = writeln!(out, "{}\n", self.summary());
        let bump = self.client().max(self.server());
        let _ = writeln!(
            out,
            "| audience | impact | semver bump |\n|---|---|---|\n| client user (`infisical-client`) | {} | {} |\n| server implementer (`infisical-server`) | {} | {} |\n| types (`infisical-types`) | {} | {} |\n",
            self.client().word(),
            self.client().bump(),
            self.server().word(),
            self.server().bump(),
            bump.word(),
            bump.bump(),
        );
        if self.changes.is_empty() {
            return out;
        }
        out.push_str(
            "| item | change | where | detail | client | server |\n|---|---|---|---|---|---|\n",
        );
        for c in &self.changes {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | {} | {} |",
                c.item,
                kind_word(c.kind),
                c.path.replace('|', "\\|"),
                c.detail.replace('|', "\\|"),
                c.client.word(),
                c.server.word()
            );
        }
        out
    }
}

fn kind_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
        ChangeKind::Renamed => "renamed",
    }
}

use Impact::{Additive, Breaking, None as NoImpact};

/// Compares two surfaces. Classification, for generated Rust where structs are built with struct
/// literals and enums and unions are `#[non_exhaustive]` with a catch-all:
///
/// - anything removed, renamed or retyped breaks both audiences;
/// - a new operation, type, enum value or union variant is additive (server trait methods have a
///   default body);
/// - a new field or query/header parameter breaks whoever builds the value (the client for
///   requests, the server for responses) and is additive for the reader;
/// - a new path parameter changes both signatures.
pub fn diff(old: &Surface, new: &Surface) -> Changes {
    let mut changes: Vec<Change> = Vec::new();
    let mut push = |item, kind, path: String, detail: String, client, server| {
        changes.push(Change {
            item,
            kind,
            path,
            detail,
            client,
            server,
        });
    };
    // Operations.
    for (key, op) in &new.operations {
        let label = format!("{} {}", key.split(' ').next().unwrap_or(""), op.path);
        let Some(before) = old.operations.get(key) else {
            push(
                "operation",
                ChangeKind::Added,
                label,
                format!("`{}.{}`", op.group, op.method),
                Additive,
                Additive,
            );
            continue;
        };
        if (&before.group, &before.method, &before.name) != (&op.group, &op.method, &op.name) {
            push(
                "operation",
                ChangeKind::Renamed,
                label.clone(),
                format!(
                    "`{}.{}` is now `{}.{}`",
                    before.group, before.method, op.group, op.method
                ),
                Breaking,
                Breaking,
            );
        }
        diff_params(&label, before, op, &mut push);
        if before.body != op.body {
            let (kind, detail) = match (&before.body, &op.body) {
                (None, Some(b)) => (ChangeKind::Added, format!("request body `{b}`")),
                (Some(b), None) => (ChangeKind::Removed, format!("request body `{b}`")),
                (Some(a), Some(b)) => (
                    ChangeKind::Changed,
                    format!("request body `{a}` is now `{b}`"),
                ),
                (None, None) => unreachable!("bodies differ"),
            };
            push("operation", kind, label.clone(), detail, Breaking, Breaking);
        }
        if before.responses != op.responses {
            let statuses: BTreeSet<&String> =
                before.responses.keys().chain(op.responses.keys()).collect();
            for status in statuses {
                let (a, b) = (before.responses.get(status), op.responses.get(status));
                if a == b {
                    continue;
                }
                let detail = format!(
                    "response {status}: `{}` is now `{}`",
                    a.map_or("none", String::as_str),
                    b.map_or("none", String::as_str)
                );
                // Only success bodies are what a method returns; error bodies arrive in the error.
                let success = status.starts_with(['1', '2', '3']);
                let impact = if success { Breaking } else { NoImpact };
                push(
                    "operation",
                    ChangeKind::Changed,
                    label.clone(),
                    detail,
                    impact,
                    impact,
                );
            }
        }
    }
    for (key, op) in &old.operations {
        if !new.operations.contains_key(key) {
            let label = format!("{} {}", key.split(' ').next().unwrap_or(""), op.path);
            push(
                "operation",
                ChangeKind::Removed,
                label,
                format!("`{}.{}`", op.group, op.method),
                Breaking,
                Breaking,
            );
        }
    }
    // Types: same name, else a type that went and one that came with the same shape (a rename).
    let mut renamed_from: BTreeMap<&str, &str> = BTreeMap::new();
    let gone: Vec<&String> = old
        .types
        .keys()
        .filter(|k| !new.types.contains_key(*k))
        .collect();
    let came: BTreeMap<&str, &str> = new
        .types
        .iter()
        .filter(|(k, _)| !old.types.contains_key(*k))
        .map(|(k, t)| (t.shape.as_str(), k.as_str()))
        .collect();
    for name in &gone {
        if let Some(to) = came.get(old.types[*name].shape.as_str()) {
            renamed_from.insert(to, name);
        }
    }
    for (name, ty) in &new.types {
        let Some(before) = old.types.get(name).or_else(|| {
            renamed_from
                .get(name.as_str())
                .map(|from| &old.types[*from])
        }) else {
            push(
                "type",
                ChangeKind::Added,
                name.clone(),
                format!("{} ({})", ty.kind, ty.uses),
                Additive,
                Additive,
            );
            continue;
        };
        if let Some(from) = renamed_from.get(name.as_str()) {
            push(
                "type",
                ChangeKind::Renamed,
                name.clone(),
                format!("was `{from}`"),
                Breaking,
                Breaking,
            );
        }
        diff_type(name, before, ty, &mut push);
    }
    let renamed: BTreeSet<&str> = renamed_from.values().copied().collect();
    for name in gone {
        if !renamed.contains(name.as_str()) {
            let ty = &old.types[name];
            push(
                "type",
                ChangeKind::Removed,
                name.clone(),
                format!("{} ({})", ty.kind, ty.uses),
                Breaking,
                Breaking,
            );
        }
    }
    changes.sort();
    Changes { changes }
}

fn diff_params(
    label: &str,
    before: &OpSurface,
    op: &OpSurface,
    push: &mut impl FnMut(&'static str, ChangeKind, String, String, Impact, Impact),
) {
    // Path parameters by position (their wire names may change with the wire unchanged); the
    // others by location and wire name.
    let path = |o: &OpSurface| -> Vec<ParamSurface> {
        o.params.iter().filter(|p| p.0 == "path").cloned().collect()
    };
    let (a, b) = (path(before), path(op));
    for (i, (p, q)) in a.iter().zip(&b).enumerate() {
        let at = format!("{label} path parameter {}", i + 1);
        if p.2 != q.2 {
            push(
                "parameter",
                ChangeKind::Renamed,
                at.clone(),
                format!("`{}` is now `{}`", p.2, q.2),
                Breaking,
                Breaking,
            );
        }
        if p.1 != q.1 {
            push(
                "parameter",
                ChangeKind::Changed,
                at.clone(),
                format!(
                    "the document calls it `{}` instead of `{}` (same wire, Rust name `{}`)",
                    q.1, p.1, q.2
                ),
                NoImpact,
                NoImpact,
            );
        }
        if p.3 != q.3 {
            push(
                "parameter",
                ChangeKind::Changed,
                at,
                format!("type `{}` is now `{}`", p.3, q.3),
                Breaking,
                Breaking,
            );
        }
    }
    for p in a.iter().skip(b.len()) {
        push(
            "parameter",
            ChangeKind::Removed,
            format!("{label} `{}`", p.1),
            format!("path `{}`", p.2),
            Breaking,
            Breaking,
        );
    }
    for q in b.iter().skip(a.len()) {
        push(
            "parameter",
            ChangeKind::Added,
            format!("{label} `{}`", q.1),
            format!("path `{}`", q.2),
            Breaking,
            Breaking,
        );
    }
    let others = |o: &OpSurface| -> BTreeMap<(String, String), ParamSurface> {
        o.params
            .iter()
            .filter(|p| p.0 != "path")
            .map(|p| ((p.0.clone(), p.1.clone()), p.clone()))
            .collect()
    };
    let (a, b) = (others(before), others(op));
    for (key, q) in &b {
        let at = format!("{label} {} `{}`", key.0, key.1);
        match a.get(key) {
            None => push(
                "parameter",
                ChangeKind::Added,
                at,
                format!("`{}: {}`{}", q.2, q.3, if q.4 { ", required" } else { "" }),
                // The client builds the query struct; the server reads it.
                Breaking,
                Additive,
            ),
            Some(p) if p != q => push(
                "parameter",
                ChangeKind::Changed,
                at,
                format!(
                    "`{}: {}`{} is now `{}: {}`{}",
                    p.2,
                    p.3,
                    if p.4 { " (required)" } else { "" },
                    q.2,
                    q.3,
                    if q.4 { " (required)" } else { "" }
                ),
                Breaking,
                Breaking,
            ),
            Some(_) => {}
        }
    }
    for (key, p) in &a {
        if !b.contains_key(key) {
            push(
                "parameter",
                ChangeKind::Removed,
                format!("{label} {} `{}`", key.0, key.1),
                format!("`{}: {}`", p.2, p.3),
                Breaking,
                Breaking,
            );
        }
    }
}

fn diff_type(
    name: &str,
    before: &TypeSurface,
    ty: &TypeSurface,
    push: &mut impl FnMut(&'static str, ChangeKind, String, String, Impact, Impact),
) {
    if before.kind != ty.kind {
        push(
            "type",
            ChangeKind::Changed,
            name.to_owned(),
            format!("was {}, is now {}", before.kind, ty.kind),
            Breaking,
            Breaking,
        );
        return;
    }
    // Who builds values of the type: the client for requests, the server for responses.
    let builds = |uses: &str| -> (Impact, Impact) {
        match uses {
            "request" => (Breaking, Additive),
            "response" => (Additive, Breaking),
            _ => (Breaking, Breaking),
        }
    };
    let fields = |t: &TypeSurface| -> BTreeMap<String, FieldSurface> {
        t.fields.iter().map(|f| (f.0.clone(), f.clone())).collect()
    };
    let (a, b) = (fields(before), fields(ty));
    for (wire, f) in &b {
        let at = format!("{name}.{wire}");
        match a.get(wire) {
            None => {
                let (client, server) = builds(&ty.uses);
                push(
                    "field",
                    ChangeKind::Added,
                    at,
                    format!("`{}: {}` ({})", f.1, f.2, f.3),
                    client,
                    server,
                );
            }
            Some(e) if e.1 != f.1 => push(
                "field",
                ChangeKind::Renamed,
                at,
                format!("`{}` is now `{}`", e.1, f.1),
                Breaking,
                Breaking,
            ),
            Some(e) if e != f => push(
                "field",
                ChangeKind::Changed,
                at,
                format!("`{}` ({}) is now `{}` ({})", e.2, e.3, f.2, f.3),
                Breaking,
                Breaking,
            ),
            Some(_) => {}
        }
    }
    for (wire, e) in &a {
        if !b.contains_key(wire) {
            push(
                "field",
                ChangeKind::Removed,
                format!("{name}.{wire}"),
                format!("`{}: {}`", e.1, e.2),
                Breaking,
                Breaking,
            );
        }
    }
    if before.extra != ty.extra {
        push(
            "field",
            ChangeKind::Changed,
            format!("{name}.*"),
            format!(
                "other properties: `{}` is now `{}`",
                before.extra.as_deref().unwrap_or("none"),
                ty.extra.as_deref().unwrap_or("none")
            ),
            Breaking,
            Breaking,
        );
    }
    let values =
        |t: &TypeSurface| -> BTreeMap<String, String> { t.values.iter().cloned().collect() };
    let (a, b) = (values(before), values(ty));
    for (wire, rust) in &b {
        match a.get(wire) {
            None => push(
                "enum value",
                ChangeKind::Added,
                format!("{name}::{rust}"),
                format!("`{wire}`"),
                Additive,
                Additive,
            ),
            Some(old) if old != rust => push(
                "enum value",
                ChangeKind::Renamed,
                format!("{name}::{rust}"),
                format!("`{wire}` was `{old}`"),
                Breaking,
                Breaking,
            ),
            Some(_) => {}
        }
    }
    for (wire, rust) in &a {
        if !b.contains_key(wire) {
            push(
                "enum value",
                ChangeKind::Removed,
                format!("{name}::{rust}"),
                format!("`{wire}`"),
                Breaking,
                Breaking,
            );
        }
    }
    let variants = |t: &TypeSurface| -> BTreeMap<String, (String, String)> {
        t.variants
            .iter()
            .map(|(n, tag, ty)| (n.clone(), (tag.clone(), ty.clone())))
            .collect()
    };
    let (a, b) = (variants(before), variants(ty));
    for (variant, (tag, payload)) in &b {
        let at = format!("{name}::{variant}");
        match a.get(variant) {
            None => push(
                "union variant",
                ChangeKind::Added,
                at,
                if tag.is_empty() {
                    format!("`{payload}`")
                } else {
                    format!("tag `{tag}`, `{payload}`")
                },
                Additive,
                Additive,
            ),
            Some(old) if old != &(tag.clone(), payload.clone()) => push(
                "union variant",
                ChangeKind::Changed,
                at,
                format!("`{}` is now `{payload}`", old.1),
                Breaking,
                Breaking,
            ),
            Some(_) => {}
        }
    }
    for (variant, (_, payload)) in &a {
        if !b.contains_key(variant) {
            push(
                "union variant",
                ChangeKind::Removed,
                format!("{name}::{variant}"),
                format!("`{payload}`"),
                Breaking,
                Breaking,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::operation_key;

    #[test]
    fn operation_keys_blank_parameter_names() {
        assert_eq!(
            operation_key(
                "GET",
                "/api/v1/workspace/{workspaceId}/environments/{envId}"
            ),
            "GET /api/v1/workspace/{}/environments/{}"
        );
        assert_eq!(operation_key("POST", "/a/{b"), "POST /a/{b");
    }
}
