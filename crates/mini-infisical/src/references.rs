//! Secret references, expanded as Infisical expands them when a read asks for
//! `expandSecretReferences=true`:
//!
//! - `${KEY}` is the secret `KEY` in the same environment and folder as the secret that holds the
//!   reference; `${env.KEY}` is `KEY` at the root of environment `env`; `${env.a.b.KEY}` is `KEY`
//!   in folder `/a/b` of `env`. A reference is `${`, then one or more of `A-Z a-z 0-9 - _ .`,
//!   then `}`; anything else is left as written.
//! - A referenced value is expanded in its turn (in its own environment and folder), ten levels
//!   deep at most, so a cycle ends rather than loops.
//! - A reference to a secret that does not exist (or is empty) stays as written.
//! - Every referenced secret must be readable by the caller: the expansion fails with
//!   [`Denied`] otherwise. A single read (`GET /api/v3/secrets/raw/{name}`) answers that with
//!   403; a listing keeps the value as stored, unexpanded, and goes on.
//! - When the secret has `skipMultilineEncoding` set, an expanded value with line breaks is
//!   quoted and its line breaks escaped (`"a\nb"`), as in a `.env` file.

use crate::store::{Project, normalize_path};

/// How deep references are followed.
const MAX_DEPTH: usize = 10;

/// A reference to a secret the caller may not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Denied {
    pub(crate) environment: String,
    pub(crate) path: String,
    pub(crate) key: String,
}

impl Denied {
    /// The message Infisical writes for it.
    pub(crate) fn message(&self) -> String {
        format!(
            "You are attempting to reference secret named {} from environment {} in path {} \
             which you do not have access to read value on.",
            self.key, self.environment, self.path
        )
    }
}

/// The references in `value`, in order, without `${` and `}`.
fn references(value: &str) -> Vec<&str> {
    let bytes = value.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' && bytes[i + 1] == b'{' {
            let start = i + 2;
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'-' | b'_' | b'.'))
            {
                end += 1;
            }
            if end > start && end < bytes.len() && bytes[end] == b'}' {
                found.push(&value[start..end]);
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// True when `value` holds at least one reference.
pub(crate) fn has_references(value: &str) -> bool {
    !references(value).is_empty()
}

/// Where a reference points, seen from a secret in `environment`:`path`.
fn target(reference: &str, environment: &str, path: &str) -> (String, String, String) {
    let parts: Vec<&str> = reference.split('.').collect();
    match parts.as_slice() {
        [key] => (environment.to_owned(), path.to_owned(), (*key).to_owned()),
        [env, folders @ .., key] => {
            // Segments come from splitting on `.`, so none is `..`: the path cannot climb.
            let folder = normalize_path(&folders.join("/")).unwrap_or_else(|_| "/".to_owned());
            ((*env).to_owned(), folder, (*key).to_owned())
        }
        [] => (environment.to_owned(), path.to_owned(), String::new()),
    }
}

/// `value` (held by a secret in `environment`:`path`) with its references expanded; `may_read`
/// tells whether the caller may read a secret's value (environment, folder, key).
pub(crate) fn expand(
    project: &Project,
    environment: &str,
    path: &str,
    value: &str,
    skip_multiline_encoding: bool,
    may_read: &dyn Fn(&str, &str, &str) -> bool,
) -> Result<String, Denied> {
    if !has_references(value) {
        return Ok(value.to_owned());
    }
    let mut expanded = value.to_owned();
    let mut stack = vec![(
        value.to_owned(),
        environment.to_owned(),
        path.to_owned(),
        0_usize,
    )];
    while let Some((value, environment, path, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        for reference in references(&value) {
            let (env, folder, key) = target(reference, &environment, &path);
            let referenced = project
                .secrets
                .get(&(env.clone(), folder.clone(), key.clone()))
                .map(|s| s.value.clone())
                .unwrap_or_default();
            if !may_read(&env, &folder, &key) {
                return Err(Denied {
                    environment: env,
                    path: folder,
                    key,
                });
            }
            if has_references(&referenced) {
                stack.push((referenced.clone(), env, folder, depth + 1));
            }
            if !referenced.is_empty() {
                expanded = expanded.replace(&format!("${{{reference}}}"), &referenced);
            }
        }
    }
    if skip_multiline_encoding && expanded.contains('\n') {
        expanded = format!("\"{}\"", expanded.replace('\n', "\\n"));
    }
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::{references, target};

    #[test]
    fn reference_syntax() {
        assert_eq!(references("${A}-${b.c.D_1}"), ["A", "b.c.D_1"]);
        assert_eq!(references("$A ${} ${a b} ${x"), Vec::<&str>::new());
        assert_eq!(references("$${A}}"), ["A"]);
        assert_eq!(references("${a ${B}"), ["B"]);
    }

    #[test]
    fn reference_targets() {
        let t = |r| target(r, "dev", "/app");
        assert_eq!(t("KEY"), ("dev".into(), "/app".into(), "KEY".into()));
        assert_eq!(t("prod.KEY"), ("prod".into(), "/".into(), "KEY".into()));
        assert_eq!(
            t("prod.a.b.KEY"),
            ("prod".into(), "/a/b".into(), "KEY".into())
        );
        assert_eq!(t("prod..KEY"), ("prod".into(), "/".into(), "KEY".into()));
    }
}
