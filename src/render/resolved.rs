//! `config/resolved.json`: the configuration with every default applied and the computed
//! figures (staffing needs, translation completeness), for developers and reviewers who
//! want to see exactly what the documents are generated from.
//!
//! Its `config` is a configuration in its own right: absent values are left out (never
//! `null`), `include` is gone (the included files are merged in), and `forms.selected`
//! names the forms actually built. It validates against
//! `schemas/country-config.schema.json`, and the whole file against
//! `schemas/resolved-config.schema.json` (`bipgen schema --resolved`), the schema of
//! [`ResolvedView`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{Output, OutputKind, RenderError, Renderer, to_json_bytes};
use crate::config::Config;
use crate::pack::{Completeness, Pack, StaffingNeeds};

/// Where the published schema lives, as its `$id`.
pub const SCHEMA_ID: &str = "https://bipgen.org/schemas/resolved-config.schema.json";

/// Raised when the shape of `config/resolved.json` changes.
pub const FORMAT_VERSION: u32 = 1;

/// What `config/resolved.json` holds.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolvedView<'a> {
    /// Version of this file's format (1).
    pub format_version: u32,
    /// The configuration with every default applied and the included files merged in:
    /// absent values left out, no `include`, `forms.selected` naming the forms built.
    #[schemars(with = "Config")]
    pub config: Value,
    /// Caseworkers and case managers needed per area and in all, and each BID panel's
    /// monthly load, computed from the staffing section.
    pub staffing: &'a StaffingNeeds,
    /// Per language tag: how many texts are written, stand in from a fallback, or are
    /// missing.
    pub translations: &'a BTreeMap<String, Completeness>,
}

/// The JSON Schema (2020-12) of `config/resolved.json`.
pub fn schema() -> Value {
    crate::config::schema::schema_for::<ResolvedView<'static>>(
        SCHEMA_ID,
        "bipgen resolved configuration",
    )
}

/// The schema as committed text (`schemas/resolved-config.schema.json`).
pub fn schema_text() -> String {
    crate::config::schema::schema_text(&schema())
}

pub struct ResolvedConfig;

impl Renderer for ResolvedConfig {
    fn name(&self) -> &'static str {
        "resolved-config"
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Config
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let mut config = serde_json::to_value(&pack.config).map_err(|e| RenderError {
            renderer: self.name(),
            message: e.to_string(),
        })?;
        without_nulls(&mut config);
        if let Some(map) = config.as_object_mut() {
            map.remove("include");
        }
        let built: Vec<&str> = pack.forms.forms.iter().map(|f| f.id.as_str()).collect();
        if let Some(forms) = config.get_mut("forms").and_then(Value::as_object_mut) {
            forms.insert("selected".into(), serde_json::json!(built));
        }
        let view = ResolvedView {
            format_version: FORMAT_VERSION,
            config,
            staffing: &pack.staffing,
            translations: &pack.translations,
        };
        let bytes = to_json_bytes(&view, self.name())?;
        Ok(vec![Output {
            path: "config/resolved.json".into(),
            kind: OutputKind::ResolvedConfig,
            form: None,
            languages: pack.languages().iter().map(|l| l.tag.to_string()).collect(),
            bytes,
        }])
    }
}

/// Drops every `null` member: an absent value is left out, as the configuration writes it.
fn without_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(without_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(without_nulls),
        _ => {}
    }
}
