//! Stage 2, validate: (a) the document against the JSON Schema, (b) semantic rules.

pub mod form_versions;
pub mod overrides;
pub mod printing;
pub mod prose;
pub mod review;
pub mod rules;
pub mod schema;
