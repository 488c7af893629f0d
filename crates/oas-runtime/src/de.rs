//! Support for the `Deserialize` impls the generator writes for structs.
//!
//! A derived `Deserialize` also reads a struct from a sequence and reads field names as indexes
//! and bytes: code JSON and query strings never need, which made up most of the types crate's
//! compile time. The generated impls read a map only, with these helpers, and otherwise behave as
//! the derive does: unknown properties are skipped, a repeated property is an error, a missing
//! `Option` is `None` and any other missing required property is an error that names it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A property name, borrowed from the input when it can be.
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }

    // Names that are not text match no property, so they are skipped like unknown ones.
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(String::from_utf8_lossy(v).into_owned())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_string())))
    }
}

/// Reads the value of the property `name` into `slot`; a second occurrence is an error.
pub fn field<'de, T, A>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a property the struct does not have.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// The value of a required property the input left out: `None` when its type is an `Option` (a
/// nullable property may be left out, as with the derive), otherwise a `missing field` error.
pub fn missing<'de, T, E>(name: &'static str) -> Result<T, E>
where
    T: Deserialize<'de>,
    E: de::Error,
{
    T::deserialize(Missing {
        name,
        error: PhantomData,
    })
}

struct Missing<E> {
    name: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for `{ "a": string (required), "b": number? , "c": string|null (required) }`.
    #[derive(Debug, PartialEq)]
    struct Example {
        a: String,
        b: Option<f64>,
        c: Option<String>,
    }

    impl<'de> Deserialize<'de> for Example {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Example;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Example")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Example, A::Error> {
                    let (mut a, mut b, mut c) = (None, None, None);
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "a" => field(&mut a, &mut map, "a")?,
                            "b" => field(&mut b, &mut map, "b")?,
                            "c" => field(&mut c, &mut map, "c")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Example {
                        a: match a {
                            Some(v) => v,
                            None => missing::<_, A::Error>("a")?,
                        },
                        b: b.unwrap_or_default(),
                        c: match c {
                            Some(v) => v,
                            None => missing::<_, A::Error>("c")?,
                        },
                    })
                }
            }
            deserializer.deserialize_struct("Example", &["a", "b", "c"], V)
        }
    }

    #[test]
    fn reads_like_the_derive() {
        let e: Example = serde_json::from_str(r#"{"x":[1,{"y":2}],"a":"A","b":null}"#).unwrap();
        assert_eq!(
            e,
            Example {
                a: "A".into(),
                b: None,
                c: None
            }
        );
        let e: Example = serde_json::from_str(r#"{"a":"\u0041","c":"C","b":1.5}"#).unwrap();
        assert_eq!(
            (e.a.as_str(), e.b, e.c.as_deref()),
            ("A", Some(1.5), Some("C"))
        );
        // Through a buffered value, as tagged unions and `from_value` read it.
        let v = serde_json::json!({"a": "A", "c": null});
        assert_eq!(serde_json::from_value::<Example>(v).unwrap().a, "A");
    }

    #[test]
    fn refuses_what_the_derive_refuses() {
        let err = serde_json::from_str::<Example>(r#"{"b":1}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `a`"), "{err}");
        let err = serde_json::from_str::<Example>(r#"{"a":"x","a":"y"}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `a`"), "{err}");
        let err = serde_json::from_str::<Example>(r#"{"a":1}"#).unwrap_err();
        assert!(
            err.to_string().contains("invalid type: integer `1`"),
            "{err}"
        );
        // An array is not an object (the derive would read it positionally).
        let err = serde_json::from_str::<Example>(r#"["A", 1, "C"]"#).unwrap_err();
        assert!(err.to_string().contains("expected struct Example"), "{err}");
    }

    #[test]
    fn errors_keep_their_path() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Example,
        }
        let mut de = serde_json::Deserializer::from_str(r#"{"inner":{"a":"A","b":"1"}}"#);
        let err = serde_path_to_error::deserialize::<_, Outer>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "inner.b");
    }
}
