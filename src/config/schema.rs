//! The JSON Schema of the configuration, generated from the Rust types. The committed
//! `schemas/country-config.schema.json` is this output; a test keeps the two in sync.

use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::model::Config;

/// Where the published schema lives, as its `$id`.
pub const SCHEMA_ID: &str = "https://bipgen.org/schemas/country-config.schema.json";

/// The JSON Schema (2020-12) of `T`, with its `$id` and title, `null` alternatives removed.
pub fn schema_for<T: schemars::JsonSchema>(id: &str, title: &str) -> Value {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    strip_null(&mut value);
    strip_rust_formats(&mut value);
    if let Value::Object(map) = &mut value {
        map.insert("$id".into(), id.into());
        map.insert("title".into(), title.into());
    }
    value
}

/// Removes the `format`s schemars gives Rust's number types (`uint8`, `uint32`, `double`):
/// no JSON Schema vocabulary defines them, so strict validators (Ajv) refuse them, and the
/// bounds they stand for are already stated with `minimum` and `maximum`.
fn strip_rust_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let rust = map.get("format").and_then(Value::as_str).is_some_and(|f| {
                f.starts_with("uint") || f.starts_with("int") || f == "double" || f == "float"
            });
            if rust {
                map.shift_remove("format");
            }
            map.values_mut().for_each(strip_rust_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_rust_formats),
        _ => {}
    }
}

/// A schema as the pretty-printed text that is committed and printed by `bipgen schema`.
pub fn schema_text(schema: &Value) -> String {
    // A `Value` always serialises.
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The configuration schema as a JSON value (JSON Schema 2020-12).
pub fn config_schema() -> Value {
    schema_for::<Config>(SCHEMA_ID, "bipgen country configuration")
}

/// The configuration schema as committed text.
pub fn config_schema_text() -> String {
    schema_text(&config_schema())
}

/// TOML has no null: optional keys are simply left out. Removing the `null` alternatives
/// schemars adds for `Option` keeps editor hints and validation messages to the point.
pub(crate) fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(any_of)) = map.get("anyOf") {
                let kept: Vec<Value> = any_of
                    .iter()
                    .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
                    .cloned()
                    .collect();
                if kept.len() == 1 && kept.len() < any_of.len() {
                    map.remove("anyOf");
                    if let Value::Object(inner) = &kept[0] {
                        for (k, v) in inner {
                            map.entry(k.clone()).or_insert_with(|| v.clone());
                        }
                    }
                }
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_2020_12_and_has_no_null() {
        let schema = config_schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let text = config_schema_text();
        assert!(!text.contains("\"null\""), "null survived in the schema");
        assert_eq!(schema["additionalProperties"], false);
    }
}
