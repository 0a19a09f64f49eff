//! `config/resolved.json`: the configuration with every default applied and the computed
//! figures (staffing needs, translation completeness), for developers and reviewers who
//! want to see exactly what the documents are generated from.
//!
//! Its `config` is a configuration in its own right: absent values are left out (never
//! `null`), `include` is gone (the included files are merged in), and `forms.selected`
//! names the forms actually built. It validates against
//! `schemas/country-config.schema.json`.

use serde_json::Value;

use super::{Output, OutputKind, RenderError, Renderer, to_json_bytes};
use crate::pack::Pack;

pub struct ResolvedConfig;

impl Renderer for ResolvedConfig {
    fn name(&self) -> &'static str {
        "resolved-config"
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Config
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let mut view = serde_json::to_value(pack).map_err(|e| RenderError {
            renderer: self.name(),
            message: e.to_string(),
        })?;
        if let Some(config) = view.get_mut("config") {
            without_nulls(config);
            if let Some(map) = config.as_object_mut() {
                map.remove("include");
            }
            let built: Vec<&str> = pack.forms.forms.iter().map(|f| f.id.as_str()).collect();
            if let Some(forms) = config.get_mut("forms").and_then(Value::as_object_mut) {
                forms.insert("selected".into(), serde_json::json!(built));
            }
        }
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
