//! The form library: canonical form definitions, their expression language, the built-in
//! forms and the tailoring a configuration applies.

pub mod case_list;
pub mod expr;
pub mod library;
pub use crate::model::form as model;
pub mod outline;
pub mod resolve;
pub mod shared;

use serde_json::Value;

pub use model::*;

pub const FORM_SCHEMA_ID: &str = "https://bipgen.org/schemas/form-definition.schema.json";

/// The JSON Schema of a form definition (JSON Schema 2020-12), as committed in
/// `schemas/form-definition.schema.json`.
pub fn form_definition_schema() -> Value {
    crate::config::schema::schema_for::<FormDefinition>(FORM_SCHEMA_ID, "bipgen form definition")
}

pub fn form_definition_schema_text() -> String {
    crate::config::schema::schema_text(&form_definition_schema())
}
