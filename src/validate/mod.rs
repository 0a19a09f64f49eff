//! Stage 2, validate: (a) the document against the JSON Schema, (b) semantic rules.

pub mod printing;
pub mod rules;
pub mod schema;
