//! Stage 3, resolve: the checked configuration, defaults applied, turned into the `Pack`
//! every renderer reads. Decisions (staffing numbers, translation completeness) are made
//! here once, so renderers never disagree.

mod staffing;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use staffing::{AreaNeeds, StaffingNeeds, compute_staffing};

use crate::config::{Config, Language};
use crate::validate::rules::for_each_text;

/// The fully resolved model of one country's BIP pack.
#[derive(Debug, Clone, Serialize)]
pub struct Pack {
    pub config: Config,
    pub staffing: StaffingNeeds,
    /// Per language: how many texts are written, stand in from a fallback, or are missing.
    pub translations: BTreeMap<String, Completeness>,
    /// Name of the main configuration file (no directories: outputs carry no local paths).
    #[serde(skip)]
    pub config_file: String,
    /// sha256 of the configuration files read.
    #[serde(skip)]
    pub config_sha256: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub total: usize,
    pub translated: usize,
    pub fallback: usize,
    pub missing: usize,
}

impl Pack {
    pub fn languages(&self) -> &[Language] {
        &self.config.languages
    }
}

/// Builds the pack from a checked configuration and its JSON document.
pub fn resolve(
    config: Config,
    document: &Value,
    config_file: String,
    config_sha256: String,
) -> Pack {
    let staffing = compute_staffing(&config);
    let translations = completeness(&config, document);
    Pack {
        config,
        staffing,
        translations,
        config_file,
        config_sha256,
    }
}

fn completeness(config: &Config, document: &Value) -> BTreeMap<String, Completeness> {
    let default_language = config.default_language.as_str();
    let mut out: BTreeMap<String, Completeness> = config
        .languages
        .iter()
        .map(|l| (l.tag.to_string(), Completeness::default()))
        .collect();
    for_each_text(document, |_, value| {
        for language in &config.languages {
            let tag = language.tag.as_str();
            let written = match value {
                Value::String(s) => tag == default_language && !s.trim().is_empty(),
                Value::Object(m) => m
                    .get(tag)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty()),
                _ => false,
            };
            let entry = out.entry(tag.to_owned()).or_default();
            entry.total += 1;
            if written {
                entry.translated += 1;
            } else if language.fallback.is_some() {
                entry.fallback += 1;
            } else {
                entry.missing += 1;
            }
        }
    });
    out
}
