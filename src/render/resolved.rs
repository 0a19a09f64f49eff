//! `config/resolved.json`: the configuration with every default applied and the computed
//! figures (staffing needs, translation completeness), for developers and reviewers who
//! want to see exactly what the documents are generated from.

use super::{Output, OutputKind, RenderError, Renderer, to_json_bytes};
use crate::pack::Pack;

pub struct ResolvedConfig;

impl Renderer for ResolvedConfig {
    fn name(&self) -> &'static str {
        "resolved-config"
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let bytes = to_json_bytes(pack, self.name())?;
        Ok(vec![Output {
            path: "config/resolved.json".into(),
            kind: OutputKind::ResolvedConfig,
            form: None,
            languages: pack.languages().iter().map(|l| l.tag.to_string()).collect(),
            bytes,
        }])
    }
}
