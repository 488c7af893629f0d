//! The ways of turning the document text into `openapiv3::OpenAPI` that the parse floor and the
//! YAML parser comparison measure.

use openapiv3::OpenAPI;
use serde_json::{Map, Number, Value};
use yaml_rust2::Yaml;

/// One way of parsing the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parser {
    /// `serde_json::from_str`: the JSON floor.
    SerdeJson,
    /// `serde_yaml::from_str` (deprecated upstream; what `oas-ir` uses today).
    SerdeYaml,
    /// `serde_yaml` into a `serde_json::Value`, then `openapiv3` from that value.
    SerdeYamlViaValue,
    /// `serde_yaml_ng::from_str` (a maintained fork of serde_yaml, same API).
    SerdeYamlNg,
    /// `serde_norway::from_str` (another maintained fork of serde_yaml, same API).
    SerdeNorway,
    /// `yaml_serde::from_str` (the fork of serde_yaml kept by the YAML organization, same API).
    YamlSerde,
    /// `serde_saphyr::from_str` (a serde deserializer on the pure-Rust saphyr parser).
    SerdeSaphyr,
    /// `yaml-rust2` into its own tree, converted to a `serde_json::Value`, then `openapiv3`.
    YamlRust2ViaValue,
}

impl Parser {
    /// Every parser, JSON first.
    pub const ALL: [Self; 8] = [
        Self::SerdeJson,
        Self::SerdeYaml,
        Self::SerdeYamlViaValue,
        Self::SerdeYamlNg,
        Self::SerdeNorway,
        Self::YamlSerde,
        Self::SerdeSaphyr,
        Self::YamlRust2ViaValue,
    ];

    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            Self::SerdeJson => "serde_json",
            Self::SerdeYaml => "serde_yaml",
            Self::SerdeYamlViaValue => "serde_yaml-via-value",
            Self::SerdeYamlNg => "serde_yaml_ng",
            Self::SerdeNorway => "serde_norway",
            Self::YamlSerde => "yaml_serde",
            Self::SerdeSaphyr => "serde-saphyr",
            Self::YamlRust2ViaValue => "yaml-rust2-via-value",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether this parser reads JSON (the others read YAML).
    pub fn reads_json(self) -> bool {
        self == Self::SerdeJson
    }

    /// Parses the document.
    pub fn parse(self, text: &str) -> Result<OpenAPI, String> {
        match self {
            Self::SerdeJson => serde_json::from_str(text).map_err(|e| e.to_string()),
            Self::SerdeYaml => serde_yaml::from_str(text).map_err(|e| e.to_string()),
            Self::SerdeYamlViaValue => {
                let value: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
                serde_json::from_value(value).map_err(|e| e.to_string())
            }
            Self::SerdeYamlNg => serde_yaml_ng::from_str(text).map_err(|e| e.to_string()),
            Self::SerdeNorway => serde_norway::from_str(text).map_err(|e| e.to_string()),
            Self::YamlSerde => yaml_serde::from_str(text).map_err(|e| e.to_string()),
            Self::SerdeSaphyr => {
                // Its default budget (250,000 nodes) refuses the 2025-06 document; this compares
                // parsing speed, so the budget is off.
                let mut options = serde_saphyr::Options::default();
                options.budget = None;
                serde_saphyr::from_str_with_options(text, options).map_err(|e| e.to_string())
            }
            Self::YamlRust2ViaValue => {
                let docs =
                    yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
                let doc = docs
                    .into_iter()
                    .next()
                    .ok_or("the text holds no document")?;
                serde_json::from_value(yaml_to_json(doc)?).map_err(|e| e.to_string())
            }
        }
    }
}

/// Converts a yaml-rust2 tree to JSON. Keys that are not strings are written as their text, as a
/// JSON document would have them.
fn yaml_to_json(yaml: Yaml) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::Real(text) => {
            let f: f64 = text
                .parse()
                .map_err(|_| format!("`{text}` is not a number"))?;
            Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Array(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Hash(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (key, value) in entries {
                let key = match key {
                    Yaml::String(s) | Yaml::Real(s) => s,
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                map.insert(key, yaml_to_json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Alias(_) | Yaml::BadValue => return Err("aliases are not supported".to_owned()),
    })
}
