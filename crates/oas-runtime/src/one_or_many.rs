//! `OneOrMany<T>`: one value or a list of values, as `anyOf[T, array of T]` allows.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// One value or several. Decodes both forms and encodes back the form it was given, so a value
/// round-trips unchanged. Infisical's permission `action` is one: `"read"` or `["read", "edit"]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OneOrMany<T> {
    /// A single value: `"read"`.
    One(T),
    /// A list: `["read", "edit"]`.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice, whichever form they came in.
    pub fn as_slice(&self) -> &[T] {
        match self {
            Self::One(one) => std::slice::from_ref(one),
            Self::Many(many) => many,
        }
    }

    /// The values as a list, whichever form they came in (the server normalizes to this).
    pub fn into_vec(self) -> Vec<T> {
        match self {
            Self::One(one) => vec![one],
            Self::Many(many) => many,
        }
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// True when the value holds `item`.
    pub fn contains(&self, item: &T) -> bool
    where
        T: PartialEq,
    {
        self.as_slice().contains(item)
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(one: T) -> Self {
        Self::One(one)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(many: Vec<T>) -> Self {
        Self::Many(many)
    }
}

impl<T, const N: usize> From<[T; N]> for OneOrMany<T> {
    /// A list, even of one element (`["read"]`).
    fn from(many: [T; N]) -> Self {
        Self::Many(many.into())
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    /// A list of the items (`Many`, even when there is one).
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Self::Many(items.into_iter().collect())
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::One(one) => one.serialize(serializer),
            Self::Many(many) => many.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Buffer once, then pick the form by the JSON type: a list is `Many`, anything else `One`,
        // so an element's own error is reported instead of "matched no variant".
        let value = serde_json::Value::deserialize(deserializer)?;
        let result = if value.is_array() {
            Vec::<T>::deserialize(value).map(Self::Many)
        } else {
            T::deserialize(value).map(Self::One)
        };
        result.map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::OneOrMany;

    #[test]
    fn both_forms_round_trip() {
        let one: OneOrMany<String> = serde_json::from_str(r#""read""#).unwrap();
        assert_eq!(one, OneOrMany::One("read".to_owned()));
        assert_eq!(serde_json::to_string(&one).unwrap(), r#""read""#);
        let many: OneOrMany<String> = serde_json::from_str(r#"["read","edit"]"#).unwrap();
        assert_eq!(many.as_slice(), ["read", "edit"]);
        assert_eq!(serde_json::to_string(&many).unwrap(), r#"["read","edit"]"#);
        assert!(serde_json::from_str::<OneOrMany<String>>("3").is_err());
    }

    #[test]
    fn arrays_and_iterators_make_lists() {
        let from_array: OneOrMany<&str> = ["read", "edit"].into();
        assert_eq!(from_array, OneOrMany::Many(vec!["read", "edit"]));
        let collected: OneOrMany<u8> = (1..=3).collect();
        assert_eq!(collected.as_slice(), [1, 2, 3]);
        assert_eq!(serde_json::to_string(&collected).unwrap(), "[1,2,3]");
        let owned: Vec<u8> = collected.into_iter().collect();
        assert_eq!(owned, [1, 2, 3]);
    }
}
