//! `Patch<T>`: an optional, nullable request property where absent and `null` mean different things.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// A request property that may be left out, set to `null`, or set to a value. For an update
/// request these mean "leave it", "clear it" and "set it". Generated structs mark such fields
/// `#[serde(default, skip_serializing_if = "Patch::is_absent")]`, so `Absent` is never sent.
///
/// ```
/// use oas_runtime::Patch;
///
/// let set: Patch<String> = "new note".into(); // a value: `&str` works for `Patch<String>`
/// let keep: Patch<String> = None::<String>.into(); // `None` leaves the field out
/// let clear: Patch<String> = Patch::clear(); // sends `null`
/// assert_eq!(set, Patch::set("new note".to_owned()));
/// assert_eq!(keep, Patch::keep());
/// assert!(keep.is_absent() && clear.is_null());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps what it has.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as a value.
    Value(T),
}

impl<T> Patch<T> {
    /// Sets the value ([`Patch::Value`]).
    pub fn set(value: impl Into<T>) -> Self {
        Self::Value(value.into())
    }

    /// Clears the value: sends `null` ([`Patch::Null`]).
    pub fn clear() -> Self {
        Self::Null
    }

    /// Leaves the value as it is: the field is not sent ([`Patch::Absent`], the default).
    pub fn keep() -> Self {
        Self::Absent
    }

    /// True for [`Patch::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// True for [`Patch::Absent`]; used by `skip_serializing_if`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The value, if one was given.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(v)` sets the value and `None` leaves the field out (use [`Patch::clear`] to send
    /// `null`): an `Option` says whether there is something to send.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Absent, Self::Value)
    }
}

impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

impl From<Option<&str>> for Patch<String> {
    /// `Some(v)` sets the value and `None` leaves the field out.
    fn from(value: Option<&str>) -> Self {
        value.map_or(Self::Absent, |v| Self::Value(v.to_owned()))
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// Called only when the property is present: `null` is [`Patch::Null`]; absence is the default.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Self::Null, Self::Value))
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        note: Patch<String>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        for (json, patch) in [
            ("{}", Patch::Absent),
            (r#"{"note":null}"#, Patch::Null),
            (r#"{"note":"x"}"#, Patch::Value("x".to_owned())),
        ] {
            let body: Body = serde_json::from_str(json).unwrap();
            assert_eq!(body.note, patch);
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
        }
    }

    #[test]
    fn conversions_read_naturally() {
        let body = Body { note: "x".into() };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"note":"x"}"#);
        let body = Body {
            note: None::<&str>.into(),
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), "{}");
        let body = Body {
            note: Patch::clear(),
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"note":null}"#);
        let body = Body {
            note: Some("y".to_owned()).into(),
        };
        assert_eq!(body.note.as_value().map(String::as_str), Some("y"));
    }
}
