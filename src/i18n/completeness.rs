//! What the forms lack in each configured language, counted over the one inventory of
//! translatable strings (`catalog::messages`) that `i18n status` and the manifest count,
//! so the three agree. The SOP's sentences and the configuration's texts are counted
//! where they are checked (`validate::prose`, `validate::rules::texts`) with the same
//! rule: a text is there when the language, or the language it serves, has it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::catalog::{Domain, messages};
use crate::config::{Config, SourceMap, Text};
use crate::diagnostic::Diagnostic;
use crate::forms::resolve::FormSet;
use crate::library::prose::Catalogue;

/// One `fallback-translation` warning per language with a fallback whose forms (their
/// texts, the built-in choice lists and the printed forms' fixed words) lack strings.
/// A language without a fallback gets errors per form instead (`forms::resolve`).
pub fn form_fallbacks(
    config: &Config,
    document: &Value,
    forms: &FormSet,
    print: &BTreeMap<String, Text>,
    sop: &BTreeMap<String, Catalogue>,
    map: &SourceMap,
) -> Vec<Diagnostic> {
    let with_fallback: Vec<(usize, &str, &str)> = config
        .languages
        .iter()
        .enumerate()
        .filter(|(_, l)| crate::library::codes::is_valid_language_tag(l.tag.as_str()))
        .filter_map(|(i, l)| Some((i, l.tag.as_str(), l.fallback.as_ref()?.as_str())))
        .collect();
    if with_fallback.is_empty() {
        return Vec::new();
    }
    let default = config.default_language.as_str();
    let form_messages: Vec<_> = messages(document, default, forms, print, sop)
        .into_iter()
        .filter(|m| m.domain() == Domain::Forms)
        .collect();
    with_fallback
        .into_iter()
        .filter_map(|(index, tag, fallback)| {
            let lacking = form_messages
                .iter()
                .filter(|m| !m.is_translated(tag))
                .count();
            (lacking > 0).then(|| {
                Diagnostic::warning(
                    "fallback-translation",
                    format!(
                        "{lacking} form strings have no `{tag}` text; `{fallback}` text stands in for them"
                    ),
                )
                .with_help(format!(
                    "translate them (`bipgen i18n export --lang {tag}`); until then printed forms mark each stand-in with †"
                ))
                .at(map.value(&format!("/languages/{index}/fallback")))
            })
        })
        .collect()
}
