//! Where each kind of OpenAPI object sits in a document, for the passes that work on the JSON value
//! before it is typed: the 3.1/3.2 rewrite ([`crate::downgrade`]) and the located shape errors
//! ([`crate::shape`]). A walk starts at [`Kind::Root`] and asks each node which kind a child is.

use crate::pointer::JsonPointer;

/// The kind of a node, as far as the value passes care; `None` from [`Kind::child`] means "not
/// walked" (scalars, examples' values, extensions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Components,
    Paths,
    PathItem,
    /// `additionalOperations` (3.2): method name to operation.
    OperationMap,
    Operation,
    /// The `parameters` array of a path item or operation.
    ParameterList,
    ParameterMap,
    Parameter,
    RequestBodyMap,
    RequestBody,
    Responses,
    ResponseMap,
    Response,
    HeaderMap,
    Header,
    /// A `content` map: media type to media type object.
    Content,
    MediaType,
    EncodingMap,
    Encoding,
    ExampleMap,
    Example,
    LinkMap,
    Link,
    CallbackMap,
    Callback,
    SecuritySchemeMap,
    SecurityScheme,
    /// `properties`, `components/schemas`, `$defs`, ...: name to schema.
    SchemaMap,
    /// `allOf`, `anyOf`, `oneOf`, `prefixItems`.
    SchemaList,
    Schema,
}

impl Kind {
    /// The kind of the member `key` of an object of this kind.
    pub(crate) fn child(self, key: &str) -> Option<Self> {
        use Kind::*;
        let not_extension = !key.starts_with("x-");
        match self {
            Root => match key {
                "paths" | "webhooks" => Some(Paths),
                "components" => Some(Components),
                "$defs" => Some(SchemaMap),
                _ => None,
            },
            Components => match key {
                "schemas" => Some(SchemaMap),
                "responses" => Some(ResponseMap),
                "parameters" => Some(ParameterMap),
                "examples" => Some(ExampleMap),
                "requestBodies" => Some(RequestBodyMap),
                "headers" => Some(HeaderMap),
                "securitySchemes" => Some(SecuritySchemeMap),
                "links" => Some(LinkMap),
                "callbacks" => Some(CallbackMap),
                _ => None,
            },
            Paths | Callback => not_extension.then_some(PathItem),
            PathItem => match key {
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                | "query" => Some(Operation),
                "parameters" => Some(ParameterList),
                "additionalOperations" => Some(OperationMap),
                _ => None,
            },
            OperationMap => Some(Operation),
            Operation => match key {
                "parameters" => Some(ParameterList),
                "requestBody" => Some(RequestBody),
                "responses" => Some(Responses),
                "callbacks" => Some(CallbackMap),
                _ => None,
            },
            ParameterMap => Some(Parameter),
            Parameter | Header => match key {
                "schema" => Some(Schema),
                "content" => Some(Content),
                "examples" => Some(ExampleMap),
                _ => None,
            },
            RequestBodyMap => Some(RequestBody),
            RequestBody => (key == "content").then_some(Content),
            Responses => not_extension.then_some(Response),
            ResponseMap => Some(Response),
            Response => match key {
                "headers" => Some(HeaderMap),
                "content" => Some(Content),
                "links" => Some(LinkMap),
                _ => None,
            },
            HeaderMap => Some(Header),
            Content => Some(MediaType),
            MediaType => match key {
                "schema" | "itemSchema" => Some(Schema),
                "examples" => Some(ExampleMap),
                "encoding" => Some(EncodingMap),
                _ => None,
            },
            EncodingMap => Some(Encoding),
            Encoding => (key == "headers").then_some(HeaderMap),
            ExampleMap => Some(Example),
            LinkMap => Some(Link),
            CallbackMap => Some(Callback),
            SecuritySchemeMap => Some(SecurityScheme),
            SchemaMap => Some(Schema),
            Schema => match key {
                "properties" | "$defs" | "patternProperties" | "dependentSchemas" => {
                    Some(SchemaMap)
                }
                "items"
                | "not"
                | "additionalProperties"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems" => Some(Schema),
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => Some(SchemaList),
                _ => None,
            },
            ParameterList | SchemaList | Example | Link | SecurityScheme => None,
        }
    }

    /// The kind of the elements of an array of this kind.
    pub(crate) fn element(self) -> Option<Self> {
        match self {
            Kind::ParameterList => Some(Kind::Parameter),
            Kind::SchemaList => Some(Kind::Schema),
            _ => None,
        }
    }
}

/// Where a walk is, as a chain of borrowed steps on the stack: no allocation until a pointer is
/// needed (for a diagnostic), which keeps the walks over large documents cheap.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Path<'a> {
    step: Step<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Base(&'a JsonPointer),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// A walk that starts at `base` (the root: [`JsonPointer::root`]).
    pub(crate) fn at(base: &'a JsonPointer) -> Self {
        Self {
            step: Step::Base(base),
        }
    }

    /// The member `key` of this node.
    pub(crate) fn key(&'a self, key: &'a str) -> Self {
        Self {
            step: Step::Key(self, key),
        }
    }

    /// The element `index` of this node.
    pub(crate) fn index(&'a self, index: usize) -> Self {
        Self {
            step: Step::Index(self, index),
        }
    }

    /// The last member name, when this node is an object member.
    pub(crate) fn last_key(&self) -> Option<&'a str> {
        match self.step {
            Step::Key(_, key) => Some(key),
            _ => None,
        }
    }

    /// The member name of the parent node, when the parent is an object member.
    pub(crate) fn parent_key(&self) -> Option<&'a str> {
        match self.step {
            Step::Key(parent, _) | Step::Index(parent, _) => parent.last_key(),
            Step::Base(_) => None,
        }
    }

    /// The JSON pointer of this node.
    pub(crate) fn pointer(&self) -> JsonPointer {
        match self.step {
            Step::Base(base) => base.clone(),
            Step::Key(parent, key) => parent.pointer().push(key),
            Step::Index(parent, index) => parent.pointer().index(index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, Path};
    use crate::pointer::JsonPointer;

    #[test]
    fn kinds_follow_the_document_structure() {
        let walk = |tokens: &[&str]| {
            tokens
                .iter()
                .try_fold(Kind::Root, |kind, token| match token.parse::<usize>() {
                    Ok(_) => kind.element(),
                    Err(_) => kind.child(token),
                })
        };
        assert_eq!(
            walk(&[
                "paths",
                "/a",
                "post",
                "requestBody",
                "content",
                "application/json",
                "schema"
            ]),
            Some(Kind::Schema)
        );
        // A property called `schema` or `x-y` is a schema, not a media type's member or an extension.
        assert_eq!(
            walk(&[
                "components",
                "schemas",
                "A",
                "properties",
                "schema",
                "properties",
                "x-y"
            ]),
            Some(Kind::Schema)
        );
        assert_eq!(
            walk(&["paths", "/a", "get", "parameters", "0"]),
            Some(Kind::Parameter)
        );
        assert_eq!(walk(&["paths", "x-note"]), None);
        assert_eq!(walk(&["paths", "/a", "get", "responses", "x-note"]), None);
    }

    #[test]
    fn paths_build_escaped_pointers() {
        let base = JsonPointer::root().push("paths");
        let root = Path::at(&base);
        let item = root.key("/a/{id}");
        let list = item.key("parameters");
        let param = list.index(2);
        assert_eq!(
            param.pointer().to_string(),
            "#/paths/~1a~1{id}/parameters/2"
        );
        assert_eq!(param.parent_key(), Some("parameters"));
        assert_eq!(item.last_key(), Some("/a/{id}"));
    }
}
