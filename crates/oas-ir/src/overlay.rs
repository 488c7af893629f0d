//! OpenAPI Overlay 1.0: reviewable corrections applied to the document before lowering.
//!
//! Where the server disagrees with its document (an authenticated operation without `security`, a
//! wrong type), the correction lives in an overlay file next to the pin rather than in code. An
//! overlay is an ordered list of actions; each selects nodes of the document with an RFC 9535
//! JSONPath `target` and either merges an `update` into them or removes them.
//!
//! [`parse`] checks the overlay and reports every problem with a JSON pointer into the overlay and
//! its line; [`Overlay::apply`] changes a `serde_json::Value` document in place and returns a
//! [`Report`] of what each action changed, where. An action whose target matches nothing is a
//! warning: a correction that no longer applies must be seen, not silently skipped.
//!
//! Merge rules (Overlay 1.0 says "recursively merged"; these are the rules version 1.1 spells out):
//! - `update` on an object: each property of the update is inserted when absent; when present, an
//!   object is merged recursively, an array is concatenated, a primitive replaces a primitive, and
//!   `null` leaves an existing object or array alone; any other pairing is an error.
//! - `update` on an array: an array update is concatenated, any other value is appended.
//! - `remove: true` deletes each selected node from its parent; `update` is then ignored.
//! - A target must select objects or arrays (1.0); a primitive is changed through its parent.
//!
//! Pure: the caller reads the files and decides what to print.

use std::fmt;

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::Format;
use crate::pointer::JsonPointer;

/// A parsed, checked overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// `info.title`: what the overlay is for.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `extends`: the document the overlay was written for, when it says.
    pub extends: Option<String>,
    /// `x-document-sha256`: the sha256 (hex) of the exact documents the overlay corrects (one
    /// string, or a list for renderings of one document), when it says; a caller applies the
    /// overlay to those documents only.
    pub document_sha256: Vec<String>,
    /// The actions, in the order they apply.
    pub actions: Vec<Action>,
    /// The overlay's text and syntax, to give diagnostics a line.
    text: String,
    format: Format,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// Where the action is in the overlay (`#/actions/3`).
    pub pointer: JsonPointer,
    /// The JSONPath expression, as written.
    pub target: String,
    /// The action's description, if any.
    pub description: Option<String>,
    /// What the action does to each selected node.
    pub change: Change,
    path: JsonPath,
}

/// What an action does to the nodes its target selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Merge into objects, append to arrays.
    Update(Value),
    /// Delete from the parent.
    Remove,
}

/// What applying an overlay did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The overlay's `info.title`.
    pub title: String,
    /// The overlay's `info.version`.
    pub version: String,
    /// One entry per action, in overlay order.
    pub actions: Vec<ActionReport>,
    /// Warnings, with pointers into the overlay: targets that matched nothing, ignored updates.
    pub warnings: Vec<Diagnostic>,
}

/// What one action changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionReport {
    /// Where the action is in the overlay.
    pub pointer: JsonPointer,
    /// The action's description, if any.
    pub description: Option<String>,
    /// The JSONPath target, as written.
    pub target: String,
    /// True for `remove: true`.
    pub removed: bool,
    /// The document nodes updated or removed, in document order.
    pub changed: Vec<JsonPointer>,
}

impl Report {
    /// How many document nodes all actions changed together.
    pub fn changed_count(&self) -> usize {
        self.actions.iter().map(|a| a.changed.len()).sum()
    }
}

impl fmt::Display for Report {
    /// One line for the overlay, then one line per changed node, then the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "overlay \"{}\" (version {}): {} actions changed {} nodes",
            self.title,
            self.version,
            self.actions.len(),
            self.changed_count()
        )?;
        for action in &self.actions {
            let verb = if action.removed { "removed" } else { "updated" };
            let what = action.description.as_deref().unwrap_or(&action.target);
            for node in &action.changed {
                write!(f, "\n  {} {verb} {node}: {what}", action.pointer)?;
            }
        }
        for warning in &self.warnings {
            write!(f, "\n{warning}")?;
        }
        Ok(())
    }
}

/// Parses and checks an overlay. On failure, returns every located error found.
pub fn parse(text: &str, format: Format) -> Result<Overlay, Vec<Diagnostic>> {
    let root: Value = match format {
        Format::Json => serde_json::from_str(text)
            .map_err(|e| vec![syntax_error(e.to_string(), Some((e.line(), e.column())))])?,
        Format::Yaml => serde_yaml::from_str(text).map_err(|e| {
            let location = e.location().map(|l| (l.line(), l.column()));
            vec![syntax_error(e.to_string(), location)]
        })?,
    };
    let mut diags = Diagnostics::default();
    let overlay = check_overlay(&root, &mut diags);
    let mut errors = diags.into_sorted();
    if errors.is_empty()
        && let Some((title, version, extends, actions)) = overlay
    {
        let document_sha256 = match root.get("x-document-sha256") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        return Ok(Overlay {
            title,
            version,
            extends,
            document_sha256,
            actions,
            text: text.to_owned(),
            format,
        });
    }
    crate::load::attach_locations(text, format, &mut errors);
    Err(errors)
}

fn syntax_error(message: String, location: Option<(usize, usize)>) -> Diagnostic {
    Diagnostic {
        pointer: JsonPointer::root(),
        severity: Severity::Error,
        message: format!("the overlay is not valid syntax: {message}"),
        note: None,
        location,
    }
}

type Checked = (String, String, Option<String>, Vec<Action>);

fn check_overlay(root: &Value, diags: &mut Diagnostics) -> Option<Checked> {
    let here = JsonPointer::root();
    let Some(object) = root.as_object() else {
        diags.error(&here, "an overlay must be an object");
        return None;
    };
    unknown_fields(
        object,
        &["overlay", "info", "extends", "actions"],
        &here,
        diags,
    );
    let version = required_string(object, "overlay", &here, diags);
    if let Some(version) = &version
        && !is_overlay_1_0(version)
    {
        diags.error_with_note(
            &here.push("overlay"),
            format!("unsupported overlay version `{version}`"),
            "this tool applies Overlay 1.0 documents (`overlay: 1.0.0`)",
        );
    }
    let info = match object.get("info") {
        Some(Value::Object(info)) => {
            let at = here.push("info");
            unknown_fields(info, &["title", "version"], &at, diags);
            let title = required_string(info, "title", &at, diags);
            let version = required_string(info, "version", &at, diags);
            title.zip(version)
        }
        Some(_) => {
            diags.error(&here.push("info"), "`info` must be an object");
            None
        }
        None => {
            diags.error(&here, "missing required field `info`");
            None
        }
    };
    let extends = optional_string(object, "extends", &here, diags);
    let actions = match object.get("actions") {
        Some(Value::Array(items)) if items.is_empty() => {
            diags.error(
                &here.push("actions"),
                "`actions` must list at least one action",
            );
            None
        }
        Some(Value::Array(items)) => {
            let at = here.push("actions");
            let actions: Vec<Option<Action>> = items
                .iter()
                .enumerate()
                .map(|(idx, item)| check_action(item, &at.index(idx), diags))
                .collect();
            actions.into_iter().collect::<Option<Vec<_>>>()
        }
        Some(_) => {
            diags.error(&here.push("actions"), "`actions` must be an array");
            None
        }
        None => {
            diags.error(&here, "missing required field `actions`");
            None
        }
    };
    let (title, info_version) = info?;
    Some((title, info_version, extends.flatten(), actions?))
}

/// `1.0.0`, `1.0.1`: the patch number does not change the feature set.
fn is_overlay_1_0(version: &str) -> bool {
    version
        .strip_prefix("1.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

fn check_action(item: &Value, at: &JsonPointer, diags: &mut Diagnostics) -> Option<Action> {
    let Some(object) = item.as_object() else {
        diags.error(at, "an action must be an object");
        return None;
    };
    unknown_fields(
        object,
        &["target", "description", "update", "remove"],
        at,
        diags,
    );
    let target = required_string(object, "target", at, diags);
    let description = optional_string(object, "description", at, diags);
    let remove = match object.get("remove") {
        None => Some(false),
        Some(Value::Bool(remove)) => Some(*remove),
        Some(_) => {
            diags.error(&at.push("remove"), "`remove` must be true or false");
            None
        }
    };
    let path = target
        .as_ref()
        .and_then(|target| match JsonPath::parse(target) {
            Ok(path) => Some(path),
            Err(e) => {
                diags.error_with_note(
                    &at.push("target"),
                    format!(
                        "`{target}` is not an RFC 9535 JSONPath query: at character {}, {}",
                        e.position(),
                        e.message()
                    ),
                    "targets look like `$.paths['/api/v1/x'].get`",
                );
                None
            }
        });
    let change = match (remove?, object.get("update")) {
        (true, _) => Change::Remove,
        (false, Some(update)) => Change::Update(update.clone()),
        (false, None) => {
            diags.error_with_note(
                at,
                "the action neither updates nor removes",
                "give it an `update` value or `remove: true`",
            );
            return None;
        }
    };
    Some(Action {
        pointer: at.clone(),
        target: target?,
        description: description?,
        change,
        path: path?,
    })
}

/// Overlay objects may be extended with `x-` fields; anything else is most likely a typo
/// (`udpate`), which would otherwise silently do nothing.
fn unknown_fields(
    object: &Map<String, Value>,
    known: &[&str],
    at: &JsonPointer,
    diags: &mut Diagnostics,
) {
    for key in object.keys() {
        if !known.contains(&key.as_str()) && !key.starts_with("x-") {
            diags.error_with_note(
                &at.push(key),
                format!("unknown field `{key}`"),
                format!(
                    "known fields here: {}; extensions start with `x-`",
                    known.join(", ")
                ),
            );
        }
    }
}

fn required_string(
    object: &Map<String, Value>,
    key: &str,
    at: &JsonPointer,
    diags: &mut Diagnostics,
) -> Option<String> {
    match object.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            diags.error_with_note(
                &at.push(key),
                format!("`{key}` must be a string"),
                "quote it in YAML: `1.0` is a number, `\"1.0\"` a string",
            );
            None
        }
        None => {
            diags.error(at, format!("missing required field `{key}`"));
            None
        }
    }
}

/// `Some(None)` when absent, `None` when present but not a string (an error is recorded).
fn optional_string(
    object: &Map<String, Value>,
    key: &str,
    at: &JsonPointer,
    diags: &mut Diagnostics,
) -> Option<Option<String>> {
    match object.get(key) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => {
            diags.error(&at.push(key), format!("`{key}` must be a string"));
            None
        }
    }
}

/// One step of a location in the document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

impl Overlay {
    /// Applies every action, in order, to `document`. Returns what changed, or every error found
    /// (a target selecting a primitive, an update that does not fit the node); after an error the
    /// document is partly changed and must be discarded.
    pub fn apply(&self, document: &mut Value) -> Result<Report, Vec<Diagnostic>> {
        let mut diags = Diagnostics::default();
        let mut reports = Vec::with_capacity(self.actions.len());
        for action in &self.actions {
            reports.push(self.apply_action(action, document, &mut diags));
        }
        let mut all = diags.into_sorted();
        crate::load::attach_locations(&self.text, self.format, &mut all);
        if all.iter().any(|d| d.severity == Severity::Error) {
            return Err(all);
        }
        Ok(Report {
            title: self.title.clone(),
            version: self.version.clone(),
            actions: reports,
            warnings: all,
        })
    }

    fn apply_action(
        &self,
        action: &Action,
        document: &mut Value,
        diags: &mut Diagnostics,
    ) -> ActionReport {
        let mut locations: Vec<Vec<Step>> = action
            .path
            .query_located(document)
            .dedup()
            .locations()
            .map(|path| {
                path.iter()
                    .map(|element| match element.as_index() {
                        Some(idx) => Step::Index(idx),
                        None => Step::Key(element.as_name().unwrap_or_default().to_owned()),
                    })
                    .collect()
            })
            .collect();
        // Document order; removals go backwards so that array indices still hold and a node's
        // descendants go before the node.
        locations.sort();
        let mut report = ActionReport {
            pointer: action.pointer.clone(),
            description: action.description.clone(),
            target: action.target.clone(),
            removed: action.change == Change::Remove,
            changed: Vec::new(),
        };
        if locations.is_empty() {
            diags.warning(
                &action.pointer.push("target"),
                format!("overlay target `{}` matches nothing", action.target),
                "the correction no longer applies to this document: update the action or delete it",
            );
            return report;
        }
        match &action.change {
            Change::Remove => {
                for steps in locations.iter().rev() {
                    if let Err(message) = remove_at(document, steps) {
                        diags.error(&action.pointer.push("target"), message);
                    } else {
                        report.changed.push(to_pointer(steps));
                    }
                }
                report.changed.reverse();
            }
            Change::Update(update) => {
                for steps in &locations {
                    let Some(node) = node_mut(document, steps) else {
                        continue;
                    };
                    let at = to_pointer(steps);
                    match update_node(node, update) {
                        Ok(()) => report.changed.push(at),
                        Err(message) => diags.error_with_note(
                            &action.pointer.push("update"),
                            format!("cannot update {at}: {message}"),
                            "an update merges an object into an object or appends to an array",
                        ),
                    }
                }
            }
        }
        report
    }
}

fn to_pointer(steps: &[Step]) -> JsonPointer {
    steps
        .iter()
        .fold(JsonPointer::root(), |pointer, step| match step {
            Step::Key(key) => pointer.push(key),
            Step::Index(idx) => pointer.index(*idx),
        })
}

fn node_mut<'a>(document: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    steps.iter().try_fold(document, |node, step| match step {
        Step::Key(key) => node.as_object_mut()?.get_mut(key),
        Step::Index(idx) => node.as_array_mut()?.get_mut(*idx),
    })
}

fn remove_at(document: &mut Value, steps: &[Step]) -> Result<(), String> {
    let Some((last, parent)) = steps.split_last() else {
        return Err("cannot remove the whole document".to_owned());
    };
    let at = to_pointer(steps);
    let parent = node_mut(document, parent).ok_or_else(|| format!("{at} is gone"))?;
    let removed = match (last, parent) {
        // `shift_remove` keeps the order of the remaining keys (the output must not depend on it).
        (Step::Key(key), Value::Object(map)) => map.shift_remove(key),
        (Step::Index(idx), Value::Array(items)) if *idx < items.len() => Some(items.remove(*idx)),
        _ => None,
    };
    match removed {
        Some(Value::Object(_) | Value::Array(_)) => Ok(()),
        Some(other) => Err(format!(
            "{at} is {}, and Overlay 1.0 removes only objects and arrays",
            kind(&other)
        )),
        None => Err(format!("{at} is gone")),
    }
}

fn update_node(node: &mut Value, update: &Value) -> Result<(), String> {
    match (node, update) {
        (Value::Object(target), Value::Object(props)) => merge_object(target, props),
        (Value::Object(_), other) => Err(format!(
            "the node is an object and the update is {}",
            kind(other)
        )),
        (Value::Array(items), Value::Array(more)) => {
            items.extend(more.iter().cloned());
            Ok(())
        }
        (Value::Array(items), other) => {
            items.push(other.clone());
            Ok(())
        }
        (primitive, _) => Err(format!(
            "the target selects {}; select the object that holds it",
            kind(primitive)
        )),
    }
}

fn merge_object(target: &mut Map<String, Value>, props: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in props {
        let Some(existing) = target.get_mut(key) else {
            target.insert(key.clone(), value.clone());
            continue;
        };
        match (existing, value) {
            (Value::Object(inner), Value::Object(more)) => {
                merge_object(inner, more).map_err(|message| format!("in `{key}`: {message}"))?
            }
            (Value::Array(items), Value::Array(more)) => items.extend(more.iter().cloned()),
            (Value::Object(_) | Value::Array(_), Value::Null) => {}
            (
                existing @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)),
                new,
            ) if !new.is_object() && !new.is_array() => {
                *existing = new.clone();
            }
            (existing, new) => {
                return Err(format!(
                    "`{key}` is {} and the update gives {}",
                    kind(existing),
                    kind(new)
                ));
            }
        }
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(yaml: &str) -> Overlay {
        parse(yaml, Format::Yaml).unwrap_or_else(|errors| panic!("{errors:#?}"))
    }

    fn errors(text: &str, format: Format) -> Vec<String> {
        let errors = parse(text, format).expect_err("the overlay is invalid");
        errors.iter().map(ToString::to_string).collect()
    }

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/api/v1/a": {
                    "get": {"summary": "a", "tags": ["one"], "responses": {}},
                    "post": {"summary": "a", "security": [], "responses": {}}
                },
                "/api/v1/b/{id}": {
                    "delete": {
                        "parameters": [
                            {"name": "id", "in": "path"},
                            {"name": "dummy", "in": "query"}
                        ]
                    }
                }
            }
        })
    }

    #[test]
    fn update_merges_objects_recursively_and_reports_pointers() {
        let overlay = overlay(
            r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: $.paths['/api/v1/a'].get
    description: the server wants a token
    update:
      security: [{bearerAuth: []}]
      summary: replaced
      tags: [two]
      responses: {"401": {description: no token}}
"#,
        );
        let mut document = doc();
        let report = overlay.apply(&mut document).expect("applies");
        let get = &document["paths"]["/api/v1/a"]["get"];
        assert_eq!(get["security"], json!([{"bearerAuth": []}]));
        assert_eq!(get["summary"], "replaced");
        // Arrays inside an update are concatenated, objects merged.
        assert_eq!(get["tags"], json!(["one", "two"]));
        assert_eq!(
            get["responses"],
            json!({"401": {"description": "no token"}})
        );
        assert_eq!(report.actions.len(), 1);
        assert_eq!(
            report.actions[0].description.as_deref(),
            Some("the server wants a token")
        );
        assert_eq!(
            report.actions[0].changed,
            [JsonPointer::from_ref("#/paths/~1api~1v1~1a/get").unwrap()]
        );
        assert!(report.warnings.is_empty());
        assert_eq!(
            report.to_string(),
            "overlay \"t\" (version 1): 1 actions changed 1 nodes\n  \
             #/actions/0 updated #/paths/~1api~1v1~1a/get: the server wants a token"
        );
    }

    #[test]
    fn update_on_an_array_appends_and_wildcards_reach_every_match() {
        let overlay = overlay(
            r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: $.paths.*.*.parameters
    update: {name: extra, in: header}
  - target: $.paths['/api/v1/a'].*
    update: {x-checked: true}
"#,
        );
        let mut document = doc();
        let report = overlay.apply(&mut document).expect("applies");
        let params = &document["paths"]["/api/v1/b/{id}"]["delete"]["parameters"];
        assert_eq!(params.as_array().map(Vec::len), Some(3));
        assert_eq!(params[2], json!({"name": "extra", "in": "header"}));
        assert_eq!(report.actions[1].changed.len(), 2);
        assert_eq!(document["paths"]["/api/v1/a"]["post"]["x-checked"], true);
        // An empty `security` (explicitly public) merged with a requirement gains it.
        let more = overlay_text_apply(
            "$.paths['/api/v1/a'].post",
            "{security: [{bearerAuth: []}]}",
            &mut document,
        );
        assert!(more.warnings.is_empty());
        assert_eq!(
            document["paths"]["/api/v1/a"]["post"]["security"],
            json!([{"bearerAuth": []}])
        );
    }

    fn overlay_text_apply(target: &str, update: &str, document: &mut Value) -> Report {
        let text = format!(
            "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: \"{target}\"\n    update: {update}\n"
        );
        overlay(&text).apply(document).expect("applies")
    }

    #[test]
    fn remove_deletes_every_selected_node_back_to_front() {
        let overlay = overlay(
            r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: $.paths.*.*.parameters[?@.in == 'query' || @.in == 'path']
    remove: true
  - target: $.paths['/api/v1/a'].post
    remove: true
"#,
        );
        let mut document = doc();
        let report = overlay.apply(&mut document).expect("applies");
        assert_eq!(
            document["paths"]["/api/v1/b/{id}"]["delete"]["parameters"],
            json!([])
        );
        let removed: Vec<String> = report.actions[0]
            .changed
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            removed,
            [
                "#/paths/~1api~1v1~1b~1{id}/delete/parameters/0",
                "#/paths/~1api~1v1~1b~1{id}/delete/parameters/1"
            ]
        );
        assert!(report.actions[1].removed);
        let a = document["paths"]["/api/v1/a"].as_object().expect("object");
        assert_eq!(a.keys().collect::<Vec<_>>(), ["get"]);
    }

    #[test]
    fn a_target_that_matches_nothing_is_a_located_warning() {
        let text = "overlay: 1.0.0\ninfo:\n  title: t\n  version: '1'\nactions:\n  - target: $.paths['/api/v1/a'].get\n    update: {x-a: 1}\n  - target: $.paths['/gone'].get\n    description: stale\n    update: {x-b: 1}\n";
        let overlay = parse(text, Format::Yaml).expect("valid");
        let mut document = doc();
        let report = overlay
            .apply(&mut document)
            .expect("a warning is not an error");
        assert_eq!(report.actions[1].changed, []);
        assert_eq!(report.warnings.len(), 1);
        let warning = &report.warnings[0];
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(warning.pointer.to_string(), "#/actions/1/target");
        assert_eq!(warning.location, Some((8, 13)));
        assert!(warning.message.contains("matches nothing"), "{warning}");
        assert_eq!(document["paths"]["/api/v1/a"]["get"]["x-a"], 1);
    }

    #[test]
    fn invalid_overlays_are_located_errors() {
        let errors = errors(
            "overlay: 1.0.0\ninfo: {title: t}\nactions:\n  - target: $.paths[\n    update: {}\n  - target: $.x\n    udpate: {}\n  - target: $.y\n    remove: 'yes'\n",
            Format::Yaml,
        );
        let text = errors.join("\n");
        assert!(
            text.contains("missing required field `version`\n  --> #/info (line 2"),
            "{text}"
        );
        assert!(text.contains("is not an RFC 9535 JSONPath query"), "{text}");
        assert!(text.contains("--> #/actions/0/target (line 4"), "{text}");
        assert!(
            text.contains("unknown field `udpate`\n  --> #/actions/1/udpate (line 7"),
            "{text}"
        );
        assert!(
            text.contains("the action neither updates nor removes\n  --> #/actions/1"),
            "{text}"
        );
        assert!(
            text.contains("`remove` must be true or false\n  --> #/actions/2/remove"),
            "{text}"
        );
        assert_eq!(errors.len(), 5, "{text}");

        let version = errors_of(
            r#"{"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "remove": true}]}"#,
        );
        assert!(
            version.contains("unsupported overlay version `1.1.0`"),
            "{version}"
        );
        let empty = errors_of(
            r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": []}"#,
        );
        assert!(empty.contains("at least one action"), "{empty}");
        let syntax = errors_of("{\"overlay\": ");
        assert!(syntax.contains("not valid syntax"), "{syntax}");
        let not_object = errors_of("[1]");
        assert!(
            not_object.contains("an overlay must be an object"),
            "{not_object}"
        );
    }

    fn errors_of(json: &str) -> String {
        errors(json, Format::Json).join("\n")
    }

    #[test]
    fn updates_that_do_not_fit_the_node_are_errors() {
        let overlay = overlay(
            r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: $.paths['/api/v1/a'].get.summary
    update: {x: 1}
  - target: $.paths['/api/v1/a'].get
    update: just a string
  - target: $.paths['/api/v1/a'].get
    update: {responses: not an object}
  - target: $
    remove: true
"#,
        );
        let mut document = doc();
        let errors = overlay.apply(&mut document).expect_err("does not fit");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let text = text.join("\n");
        assert!(
            text.contains("the target selects a string; select the object that holds it"),
            "{text}"
        );
        assert!(
            text.contains("the node is an object and the update is a string"),
            "{text}"
        );
        assert!(
            text.contains("`responses` is an object and the update gives a string"),
            "{text}"
        );
        assert!(text.contains("cannot remove the whole document"), "{text}");
        assert_eq!(errors.len(), 4, "{text}");
    }
}
