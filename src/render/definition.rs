//! `definitions/<form>.json`: the resolved canonical form definition in every configured
//! language, with the choice lists it uses, for systems that build their own forms. It
//! validates against `schemas/form-definition.schema.json`.

use super::{Output, OutputKind, RenderError, Renderer, to_json_bytes};
use crate::forms::FORM_SCHEMA_ID;
use crate::forms::resolve::all_fields;
use crate::pack::Pack;

pub struct Definitions;

impl Renderer for Definitions {
    fn name(&self) -> &'static str {
        "form definitions"
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Definitions
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let languages: Vec<String> = pack.languages().iter().map(|l| l.tag.to_string()).collect();
        pack.forms
            .forms
            .iter()
            .map(|form| {
                let mut resolved = form.clone();
                resolved.schema = Some(FORM_SCHEMA_ID.to_owned());
                let mut ids: Vec<_> = all_fields(form)
                    .into_iter()
                    .filter_map(|f| f.choices.clone())
                    .collect();
                ids.sort();
                ids.dedup();
                resolved.lists = ids
                    .iter()
                    .filter_map(|id| pack.forms.choices.get(id).cloned())
                    .collect();
                resolved.languages = languages.clone();
                Ok(Output {
                    path: format!("definitions/{}.json", form.id),
                    kind: OutputKind::FormDefinition,
                    form: Some(form.id.to_string()),
                    languages: languages.clone(),
                    bytes: to_json_bytes(&resolved, self.name())?,
                })
            })
            .collect()
    }
}
