//! The form library: canonical form definitions, their expression language, the built-in
//! forms and the tailoring a configuration applies.

pub mod expr;
pub mod library;
pub mod model;
pub mod outline;
pub mod resolve;

use schemars::generate::SchemaSettings;
use serde_json::Value;

pub use model::*;

pub const FORM_SCHEMA_ID: &str = "https://bipgen.org/schemas/form-definition.schema.json";

/// The JSON Schema of a form definition (JSON Schema 2020-12), as committed in
/// `schemas/form-definition.schema.json`.
pub fn form_definition_schema() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<FormDefinition>();
    let mut value = schema.to_value();
    crate::config::schema::strip_null(&mut value);
    if let Value::Object(map) = &mut value {
        map.insert("$id".into(), FORM_SCHEMA_ID.into());
        map.insert("title".into(), "bipgen form definition".into());
    }
    value
}

pub fn form_definition_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&form_definition_schema()).unwrap_or_default();
    text.push('\n');
    text
}
