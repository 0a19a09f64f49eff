//! Stage 1, load: the configuration's types and the reading of its files.

pub mod defaults;
pub mod model;
pub mod primitives;
pub mod schema;
pub mod source;

pub use model::*;
pub use primitives::{
    CountryCode, Date, Duration, DurationUnit, Id, LanguageTag, ProgresCode, ScriptCode, Text,
    Version,
};
pub use source::{LoadFailure, LoadedSource, SourceMap, load_source};
