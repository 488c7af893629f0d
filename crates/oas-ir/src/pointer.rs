//! JSON pointers (RFC 6901) that say where in the OpenAPI document an IR node came from.

use std::fmt;

/// A JSON pointer into the source document, such as `#/paths/~1api~1v1~1roles/post`.
///
/// Every IR node carries one so that every diagnostic and every generated item can name its origin.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Appends one reference token, escaping `~` and `/` as RFC 6901 requires.
    #[must_use]
    pub fn push(&self, token: &str) -> Self {
        let mut out = String::with_capacity(self.0.len() + token.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        for ch in token.chars() {
            match ch {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                _ => out.push(ch),
            }
        }
        Self(out)
    }

    /// Appends an array index.
    #[must_use]
    pub fn index(&self, idx: usize) -> Self {
        self.push(&idx.to_string())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/Foo`).
    pub fn from_ref(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        Some(Self(rest.to_owned()))
    }

    /// The unescaped reference tokens, outermost first.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
    }

    /// The pointer without its leading `#`, as RFC 6901 writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::JsonPointer;

    #[test]
    fn escapes_and_round_trips_tokens() {
        let ptr = JsonPointer::root()
            .push("paths")
            .push("/api/v1/{id}")
            .push("a~b")
            .index(3);
        assert_eq!(ptr.to_string(), "#/paths/~1api~1v1~1{id}/a~0b/3");
        let tokens: Vec<String> = ptr.tokens().collect();
        assert_eq!(tokens, ["paths", "/api/v1/{id}", "a~b", "3"]);
        assert_eq!(
            JsonPointer::from_ref("#/paths/~1api~1v1~1{id}/a~0b/3"),
            Some(ptr)
        );
        assert_eq!(JsonPointer::from_ref("other.yaml#/x"), None);
    }
}
