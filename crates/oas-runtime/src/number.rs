//! Numbers as JavaScript writes them: a `number` that holds a whole value goes on the wire as a
//! JSON integer (`7200`, not `7200.0`).
//!
//! serde writes every `f64` with a fraction part (`7200.0`), which a strict reader expecting an
//! integer (Rust's `u64`, for one) refuses, and which differs from what a JavaScript server sends
//! for the same value. Generated fields and variants that hold `f64` (also inside `Option`, `Vec`,
//! maps, [`Patch`] and [`OneOrMany`]) are marked `#[serde(serialize_with =
//! "oas_runtime::number::serialize")]`: a finite whole value within the range of `i64` is written
//! as an integer, anything else (a fraction, an exponent beyond `i64`, NaN) as serde writes it.
//! The same marking applies to query strings (`?limit=10`, not `?limit=10.0`). Reading is
//! unchanged: an `f64` field takes `1`, `1.5` and `1e3` alike; an integer field (`i64`) refuses a
//! fraction rather than truncating it.

use std::collections::BTreeMap;

use serde::ser::{Serialize, Serializer};

use crate::{OneOrMany, Patch};

/// The integer `value` is when written as JavaScript would: finite, whole and within `i64`
/// (exactly representable there: every whole `f64` below 2^63 in magnitude is).
pub fn as_whole(value: f64) -> Option<i64> {
    // 2^63: the first magnitude `i64` cannot hold. `-2^63` itself fits, but is left to `f64`.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    #[allow(clippy::cast_possible_truncation)]
    (value.is_finite() && value.fract() == 0.0 && value.abs() < LIMIT).then_some(value as i64)
}

/// A value whose numbers are written as JavaScript writes them. Implemented for `f64` and the
/// containers generated types put it in.
pub trait WireNumbers {
    /// Writes `self`, whole numbers as integers.
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// Borrows a value so that it serializes through [`WireNumbers`].
pub struct Wire<'a, T: ?Sized>(pub &'a T);

impl<T: WireNumbers + ?Sized> Serialize for Wire<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_wire(serializer)
    }
}

/// For `#[serde(serialize_with = "...")]` on a field or variant that holds `f64`.
///
/// # Errors
/// What the serializer returns.
pub fn serialize<T: WireNumbers + ?Sized, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize_wire(serializer)
}

impl WireNumbers for f64 {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match as_whole(*self) {
            Some(whole) => serializer.serialize_i64(whole),
            None => serializer.serialize_f64(*self),
        }
    }
}

impl<T: WireNumbers> WireNumbers for Option<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Wire(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: WireNumbers> WireNumbers for Vec<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Wire))
    }
}

impl<K: Serialize, T: WireNumbers> WireNumbers for BTreeMap<K, T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Wire(v))))
    }
}

impl<T: WireNumbers> WireNumbers for Patch<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Skipped by `skip_serializing_if`; alone, it is `null` like `Patch` itself writes it.
            Patch::Absent | Patch::Null => serializer.serialize_none(),
            Patch::Value(value) => serializer.serialize_some(&Wire(value)),
        }
    }
}

impl<T: WireNumbers> WireNumbers for OneOrMany<T> {
    fn serialize_wire<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(value) => value.serialize_wire(serializer),
            OneOrMany::Many(values) => values.serialize_wire(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: WireNumbers>(value: &T) -> String {
        serde_json::to_string(&Wire(value)).unwrap()
    }

    #[test]
    fn whole_values_are_integers_and_fractions_stay() {
        assert_eq!(json(&7200.0), "7200");
        assert_eq!(json(&-3.0), "-3");
        assert_eq!(json(&-0.0), "0");
        assert_eq!(json(&1.5), "1.5");
        assert_eq!(json(&0.1), "0.1");
        // Beyond i64: written as serde writes an f64, not wrapped or saturated.
        assert_eq!(json(&1e19), "1e+19");
        assert_eq!(json(&9_007_199_254_740_992.0), "9007199254740992");
        assert_eq!(json(&f64::NAN), "null");
    }

    #[test]
    fn containers_carry_the_rule() {
        assert_eq!(json(&Some(10.0)), "10");
        assert_eq!(json(&None::<f64>), "null");
        assert_eq!(json(&vec![1.0, 2.5]), "[1,2.5]");
        let map: BTreeMap<String, f64> = [("a".to_owned(), 2.0)].into();
        assert_eq!(json(&map), r#"{"a":2}"#);
        assert_eq!(json(&Patch::Value(4.0)), "4");
        assert_eq!(json(&OneOrMany::Many(vec![4.0])), "[4]");
        assert_eq!(json(&OneOrMany::One(4.25)), "4.25");
    }

    #[test]
    fn query_strings_get_integers_too() {
        #[derive(serde::Serialize)]
        struct Query {
            #[serde(serialize_with = "serialize")]
            limit: f64,
            #[serde(serialize_with = "serialize", skip_serializing_if = "Option::is_none")]
            ratio: Option<f64>,
        }
        let query = Query {
            limit: 10.0,
            ratio: Some(0.5),
        };
        assert_eq!(
            serde_urlencoded::to_string(&query).unwrap(),
            "limit=10&ratio=0.5"
        );
    }
}
