//! The intermediate representation: a de-duplicated arena of types and the list of operations.
//!
//! Types are plain data and structural: two schemas with the same shape become one [`TypeId`].
//! Named kinds ([`TypeKind::Struct`], [`TypeKind::Enum`], [`TypeKind::Union`]) become Rust items;
//! the other kinds are spelled inline (`Vec<T>`, `Option<T>`, `String`, ...).
//! Names (`name` fields) are empty until the naming pass fills them in.

use std::hash::{Hash, Hasher};

use crate::pointer::JsonPointer;

/// Index of a type in [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

impl TypeId {
    /// The index into the arena.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The whole API after all passes.
#[derive(Clone, Debug)]
pub struct Api {
    /// `info.title` of the document.
    pub title: String,
    /// `info.version` of the document.
    pub version: String,
    /// `info.description` of the document.
    pub description: Option<String>,
    /// The servers the document lists, in order.
    pub servers: Vec<Server>,
    /// Every type, indexed by [`TypeId`], in the order of first use by the operations.
    pub types: Vec<Type>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &Type {
        &self.types[id.index()]
    }
}

/// A server URL from the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// The URL as written.
    pub url: String,
    /// What the document says about it.
    pub description: Option<String>,
}

/// One type of the arena.
#[derive(Clone, Debug)]
pub struct Type {
    /// The shape.
    pub kind: TypeKind,
    /// The Rust name (PascalCase) for named kinds, set by the naming pass.
    pub name: String,
    /// The description of the first occurrence that has one.
    pub docs: Option<String>,
    /// Every place in the document where this shape occurs, in document order.
    pub origins: Vec<JsonPointer>,
    /// Names the document suggests: a component name or a `title`, in document order.
    pub hints: Vec<String>,
}

impl Type {
    /// True for kinds that become a Rust item of their own.
    pub fn is_named(&self) -> bool {
        self.kind.is_named()
    }
}

/// The shape of a type. Equality and hashing are structural and ignore documentation and names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// Any JSON value (`{}` in the document).
    Any,
    /// `boolean`.
    Bool,
    /// `integer`, as `i64`.
    Integer(NumberRange),
    /// `number`, as `f64`.
    Number(NumberRange),
    /// `string`, with its format and constraints.
    String(StringType),
    /// A value that may be `null`.
    Option(TypeId),
    /// `array`.
    Array(ArrayType),
    /// An object with no fixed properties: a map from string keys to values.
    Map(TypeId),
    /// An object with properties.
    Struct(Struct),
    /// A string enumeration.
    Enum(Enum),
    /// A normalized union.
    Union(Union),
    /// `anyOf[T, array of T]`: one value or several.
    OneOrMany(ArrayType),
    /// A schema that no value matches (`not: {}`); only meaningful inside a union.
    Never,
    /// An `anyOf`/`oneOf` as written, before the union normalization replaces it.
    AnyOf(Vec<TypeId>),
}

impl TypeKind {
    /// True for kinds that become a Rust item of their own.
    pub fn is_named(&self) -> bool {
        matches!(self, Self::Struct(_) | Self::Enum(_) | Self::Union(_))
    }

    /// The ids this kind refers to, in order.
    pub fn children(&self) -> Vec<TypeId> {
        match self {
            Self::Any
            | Self::Never
            | Self::Bool
            | Self::Integer(_)
            | Self::Number(_)
            | Self::String(_)
            | Self::Enum(_) => Vec::new(),
            Self::Option(inner) | Self::Map(inner) => vec![*inner],
            Self::Array(array) | Self::OneOrMany(array) => vec![array.items],
            Self::Struct(strukt) => {
                let mut out: Vec<TypeId> = strukt.fields.iter().map(|f| f.ty).collect();
                out.extend(strukt.additional);
                out
            }
            Self::Union(union) => union.variants.iter().map(|v| v.ty).collect(),
            Self::AnyOf(alternatives) => alternatives.clone(),
        }
    }

    /// Rewrites every referenced id through `map`.
    pub fn remap(&mut self, map: &mut impl FnMut(TypeId) -> TypeId) {
        match self {
            Self::Any
            | Self::Never
            | Self::Bool
            | Self::Integer(_)
            | Self::Number(_)
            | Self::String(_)
            | Self::Enum(_) => {}
            Self::Option(inner) | Self::Map(inner) => *inner = map(*inner),
            Self::Array(array) | Self::OneOrMany(array) => array.items = map(array.items),
            Self::Struct(strukt) => {
                for field in &mut strukt.fields {
                    field.ty = map(field.ty);
                }
                if let Some(additional) = &mut strukt.additional {
                    *additional = map(*additional);
                }
            }
            Self::Union(union) => {
                for variant in &mut union.variants {
                    variant.ty = map(variant.ty);
                }
            }
            Self::AnyOf(alternatives) => {
                for alternative in alternatives {
                    *alternative = map(*alternative);
                }
            }
        }
    }
}

/// Bounds of a number. Stored as text so that the kind stays hashable and exact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NumberRange {
    /// `minimum`.
    pub minimum: Option<String>,
    /// `maximum`.
    pub maximum: Option<String>,
    /// Values the document allows (`enum`), if it restricts them.
    pub allowed: Vec<String>,
}

/// How a string is interpreted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StringFormat {
    /// No format, or one the generator keeps as text.
    Plain,
    /// `uuid`: a `::uuid::Uuid`.
    Uuid,
    /// `date-time`: a `::chrono::DateTime<Utc>`.
    DateTime,
    /// `date`: a `::chrono::NaiveDate`.
    Date,
    /// `email`: text, validated by the server.
    Email,
    /// `uri`: text, kept as written so that it round-trips byte for byte.
    Uri,
}

/// The largest `minLength` or `minItems` the generated tests' samples meet; lowering warns about
/// a larger one (such a bound says "no value is valid" in practice, and a sample meeting
/// `minItems: 4294967295` would need hundreds of gigabytes).
pub const LARGEST_SAMPLED_MINIMUM: u64 = 1024;

/// `string` with format and constraints.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StringType {
    /// The format.
    pub format: StringFormat,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
}

/// `array` with its element type and bounds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArrayType {
    /// The element type.
    pub items: TypeId,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
}

/// An object with named properties.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Struct {
    /// The properties, in document order.
    pub fields: Vec<Field>,
    /// The value type of properties the document does not name, when it allows them.
    /// Unknown properties are otherwise ignored when decoding.
    pub additional: Option<TypeId>,
}

/// One property of an object.
#[derive(Clone, Debug)]
pub struct Field {
    /// The property name on the wire.
    pub wire: String,
    /// The Rust field name (snake_case), set by the naming pass.
    pub name: String,
    /// The value type. For [`Presence::Required`] it may be an [`TypeKind::Option`] (required and
    /// nullable); for the other presences it is the non-null type.
    pub ty: TypeId,
    /// Whether the property must be present, and what happens when it is not.
    pub presence: Presence,
    /// The property's description.
    pub docs: Option<String>,
    /// The property is marked `deprecated`.
    pub deprecated: bool,
}

impl PartialEq for Field {
    fn eq(&self, other: &Self) -> bool {
        self.wire == other.wire && self.ty == other.ty && self.presence == other.presence
    }
}

impl Eq for Field {}

impl Hash for Field {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.wire.hash(state);
        self.ty.hash(state);
        self.presence.hash(state);
    }
}

/// Whether a property must be present, and what its absence means.
///
/// | document                         | `Presence`    | Rust field                          |
/// |----------------------------------|---------------|-------------------------------------|
/// | required                         | `Required`    | `T` (`Option<T>` if nullable)       |
/// | optional, with a usable default  | `Defaulted`   | `T`, absent decodes as the default  |
/// | optional                         | `Optional`    | `Option<T>`, absent is `None`       |
/// | optional and nullable, in a request | `Tristate` | absent, `null` and a value all differ |
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Must be present.
    Required,
    /// May be absent; absence and `null` both mean "no value".
    Optional,
    /// May be absent, in which case the default applies.
    Defaulted(Literal),
    /// May be absent or `null`, and the two mean different things (a request that clears a value
    /// versus one that leaves it alone).
    Tristate,
}

/// A default value, checked against its type when lowering.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    /// `true` or `false`.
    Bool(bool),
    /// An integer for an `integer` field.
    Integer(i64),
    /// A number for a `number` field, as written (an integer literal is allowed).
    Number(String),
    /// A string for a string field.
    String(String),
    /// The index of a value of an [`Enum`].
    EnumValue(usize),
    /// `[]`.
    EmptyArray,
    /// `{}` for a map or any value.
    EmptyObject,
    /// Any other JSON value that conforms to the field's type, as compact JSON text.
    Json(String),
}

/// A string enumeration. Values the document does not list decode into a catch-all variant.
#[derive(Clone, Debug)]
pub struct Enum {
    /// The values, in document order.
    pub values: Vec<EnumValue>,
}

impl PartialEq for Enum {
    fn eq(&self, other: &Self) -> bool {
        self.values.len() == other.values.len()
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|(a, b)| a.wire == b.wire)
    }
}

impl Eq for Enum {}

impl Hash for Enum {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for value in &self.values {
            value.wire.hash(state);
        }
    }
}

/// One value of an [`Enum`].
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// The Rust variant name (PascalCase), set by the naming pass.
    pub name: String,
}

/// A union after normalization.
#[derive(Clone, Debug)]
pub struct Union {
    /// How the alternatives are told apart on the wire.
    pub repr: UnionRepr,
    /// The alternatives, in the order serde tries them for untagged unions.
    pub variants: Vec<Variant>,
}

impl PartialEq for Union {
    fn eq(&self, other: &Self) -> bool {
        self.repr == other.repr
            && self.variants.len() == other.variants.len()
            && self
                .variants
                .iter()
                .zip(&other.variants)
                .all(|(a, b)| a.ty == b.ty && a.tag == b.tag)
    }
}

impl Eq for Union {}

impl Hash for Union {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.repr.hash(state);
        for variant in &self.variants {
            variant.ty.hash(state);
            variant.tag.hash(state);
        }
    }
}

/// How a union's alternatives are told apart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnionRepr {
    /// Every alternative is an object with the property `tag` set to a value of its own:
    /// `{"subject": "secrets", ...}`. Payloads are the objects without that property.
    /// An unknown tag decodes into a catch-all that keeps the whole value.
    Tagged {
        /// The discriminating property.
        tag: String,
    },
    /// The alternatives are tried in order; the first that decodes wins.
    Untagged,
}

/// One alternative of a [`Union`].
#[derive(Clone, Debug)]
pub struct Variant {
    /// The payload type.
    pub ty: TypeId,
    /// The tag value, for [`UnionRepr::Tagged`].
    pub tag: Option<String>,
    /// The Rust variant name (PascalCase), set by the naming pass.
    pub name: String,
}

/// HTTP methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// True for methods that HTTP defines as idempotent, which may be retried safely.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }
}

/// One operation of the API.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Where it is in the document (`#/paths/~1api~1v1~1roles/post`).
    pub origin: JsonPointer,
    /// The method.
    pub method: Method,
    /// The path template as written (`/api/v1/roles/{roleId}`).
    pub path: String,
    /// The document's `operationId`, if any.
    pub operation_id: Option<String>,
    /// The document's tags.
    pub tags: Vec<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Path, query and header parameters, in document order (path-item parameters first).
    pub params: Vec<Param>,
    /// The JSON request body.
    pub body: Option<Body>,
    /// The responses, in status order.
    pub responses: Vec<Response>,
    /// Whether the operation needs a bearer token.
    pub auth: Auth,
    /// Names, set by the naming pass.
    pub name: OperationName,
}

/// One piece of a path template: `/api/v1/roles/{roleId}` is `Literal("/api/v1/roles/")`,
/// `Param("roleId")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPiece<'a> {
    /// Text sent as is.
    Literal(&'a str),
    /// A `{name}` placeholder.
    Param(&'a str),
}

/// Splits a path template into literal text and `{name}` placeholders; `None` when a `{` is never
/// closed (lowering reports that, so a built [`Api`] never has such a path).
pub fn path_pieces(path: &str) -> Option<Vec<PathPiece<'_>>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        if open > 0 {
            pieces.push(PathPiece::Literal(&rest[..open]));
        }
        pieces.push(PathPiece::Param(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest));
    }
    Some(pieces)
}

/// The path with every placeholder replaced by `fill(name)`.
pub fn fill_path(path: &str, mut fill: impl FnMut(&str) -> String) -> String {
    path_pieces(path)
        .unwrap_or_else(|| vec![PathPiece::Literal(path)])
        .into_iter()
        .map(|piece| match piece {
            PathPiece::Literal(text) => text.to_owned(),
            PathPiece::Param(name) => fill(name),
        })
        .collect()
}

/// The names of an operation, set by the naming pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperationName {
    /// Unique snake_case name (`create_project_role_v1`), also the server trait method name.
    pub snake: String,
    /// The same in PascalCase, the prefix of the operation's types (`CreateProjectRoleV1`).
    pub pascal: String,
    /// The resource group (snake_case): the first tag, else derived from the path.
    pub group: String,
    /// The API version from the path (`v1`), if any.
    pub version: Option<String>,
    /// The method name inside the group (`create`, `list`, `encrypt`, ...), unique in the group.
    pub method: String,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// True when a value of type `ty` can travel as a parameter at `location`: path parameters and
/// headers must be single values; queries also allow lists of them.
pub fn can_travel(types: &[Type], ty: TypeId, location: ParamLocation) -> bool {
    match &types[ty.index()].kind {
        TypeKind::Bool
        | TypeKind::Integer(_)
        | TypeKind::Number(_)
        | TypeKind::String(_)
        | TypeKind::Enum(_) => true,
        TypeKind::Union(u) => u
            .variants
            .iter()
            .all(|v| can_travel(types, v.ty, ParamLocation::Path)),
        TypeKind::Array(a) | TypeKind::OneOrMany(a) => {
            location == ParamLocation::Query && can_travel(types, a.items, ParamLocation::Path)
        }
        TypeKind::Option(inner) => can_travel(types, *inner, location),
        _ => false,
    }
}

/// One parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// Where it is in the document.
    pub origin: JsonPointer,
    /// The name on the wire.
    pub wire: String,
    /// The Rust field name (snake_case), set by the naming pass.
    pub name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeId,
    /// Must be given (always true for path parameters).
    pub required: bool,
    /// A default the server applies when the parameter is absent.
    pub default: Option<Literal>,
    /// `description`.
    pub docs: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
}

/// The request body.
#[derive(Clone, Debug)]
pub struct Body {
    /// The body type.
    pub ty: TypeId,
    /// Whether the body must be sent.
    pub required: bool,
    /// The media type (`application/json`).
    pub content_type: String,
    /// What the media type holds: JSON of `ty`, or text or bytes (`ty` then only documents it).
    pub kind: MediaKind,
    /// `description`.
    pub docs: Option<String>,
}

/// What a body of some media type holds, as far as generated code is concerned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// JSON (`application/json`, `*+json`), typed by its schema.
    #[default]
    Json,
    /// Text (`text/*`, `application/xml`, `*+xml`): a string.
    Text,
    /// Any other single-part media type (`application/octet-stream`, `application/pkix-cert`):
    /// bytes.
    Binary,
}

impl MediaKind {
    /// The kind of a media type (parameters like `; charset=utf-8` are ignored); `None` for the
    /// ones that need an encoding of their own (`application/x-www-form-urlencoded`,
    /// `multipart/*`) and for ranges like `*/*`.
    pub fn of(media: &str) -> Option<Self> {
        let essence = media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let (kind, sub) = essence.split_once('/')?;
        if kind.is_empty() || sub.is_empty() || kind == "*" || sub == "*" {
            return None;
        }
        if essence == "application/json" || sub.ends_with("+json") {
            Some(Self::Json)
        } else if kind == "multipart" || essence == "application/x-www-form-urlencoded" {
            None
        } else if kind == "text" || essence == "application/xml" || sub.ends_with("+xml") {
            Some(Self::Text)
        } else {
            Some(Self::Binary)
        }
    }
}

/// A response status key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// An exact code, `200`.
    Code(u16),
    /// A class, `4XX` (holds 4).
    Range(u16),
    /// `default`.
    Default,
}

impl Status {
    /// True for 1xx to 3xx codes and classes.
    pub fn is_success(self) -> bool {
        match self {
            Self::Code(code) => code < 400,
            Self::Range(class) => class < 4,
            Self::Default => false,
        }
    }
}

/// One declared response.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status key.
    pub status: Status,
    /// The JSON body type, if the response has a JSON body.
    pub ty: Option<TypeId>,
    /// The media type of the body (`application/json`, `text/plain`), if it has one.
    pub content_type: Option<String>,
    /// What the body holds; for [`MediaKind::Text`] and [`MediaKind::Binary`], `ty` is `None`.
    pub kind: MediaKind,
    /// `description`.
    pub description: String,
}

/// The authentication an operation declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Auth {
    /// No security requirement.
    None,
    /// An HTTP bearer token (`bearerAuth`).
    Bearer,
}

#[cfg(test)]
mod tests {
    use super::{MediaKind, PathPiece, fill_path, path_pieces};

    #[test]
    fn media_types_are_json_text_binary_or_unsupported() {
        for (media, kind) in [
            ("application/json", Some(MediaKind::Json)),
            (
                "application/problem+json; charset=utf-8",
                Some(MediaKind::Json),
            ),
            ("Text/Plain; charset=utf-8", Some(MediaKind::Text)),
            ("application/xml", Some(MediaKind::Text)),
            ("application/atom+xml", Some(MediaKind::Text)),
            ("application/pkix-cert", Some(MediaKind::Binary)),
            ("application/octet-stream", Some(MediaKind::Binary)),
            ("multipart/form-data", None),
            ("application/x-www-form-urlencoded", None),
            ("*/*", None),
            ("text/*", None),
            ("nonsense", None),
        ] {
            assert_eq!(MediaKind::of(media), kind, "{media}");
        }
    }

    #[test]
    fn path_templates_split_and_fill() {
        assert_eq!(
            path_pieces("/api/v1/{a}/x/{b}"),
            Some(vec![
                PathPiece::Literal("/api/v1/"),
                PathPiece::Param("a"),
                PathPiece::Literal("/x/"),
                PathPiece::Param("b"),
            ])
        );
        assert_eq!(path_pieces("/open/{a"), None);
        assert_eq!(
            fill_path("/r/{id}/s", |name| name.to_uppercase()),
            "/r/ID/s"
        );
    }
}
