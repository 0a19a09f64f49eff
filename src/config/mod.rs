//! Stage 1, load: the configuration's types and the reading of its files.

pub mod assets;
pub mod defaults;
pub mod form_versions;
pub mod model;
pub mod schema;
pub mod source;
mod source_map;
pub mod texts;

pub use crate::model::primitives;
pub use model::*;
pub use primitives::{
    CountryCode, Date, Duration, DurationUnit, Id, LanguageTag, ProgresCode, ScriptCode,
    Sensitivity, Text, Version,
};
pub use source::{LoadFailure, LoadedSource, SourceMap, load_source};
