//! Missing translations of forms and built-in choice lists, one diagnostic per form (or
//! list group) and language rather than one per string.

use super::{CONFIG_LISTS, form_texts};
use crate::config::{Config, SourceMap};
use crate::diagnostic::Diagnostic;
use crate::forms::model::{ChoiceIndex, FormDefinition};

/// Missing translations of a form, one diagnostic per language.
pub fn check_translations(
    form: &FormDefinition,
    config: &Config,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let texts = form_texts(form);
    let default = config.default_language.as_str();
    for (index, language) in config.languages.iter().enumerate() {
        if !crate::library::codes::is_valid_language_tag(language.tag.as_str()) {
            continue; // reported once, as a bad tag
        }
        let missing = texts
            .iter()
            .filter(|t| {
                t.get(language.tag.as_str(), default)
                    .is_none_or(|s| s.trim().is_empty())
            })
            .count();
        if missing == 0 || language.fallback.is_some() {
            continue;
        }
        diagnostics.push(
            Diagnostic::error("missing-translation", format!("form `{}` has no `{}` text for {missing} strings", form.id, language.tag))
                .with_help(format!("translate the form (a translation file for `{}`), give `{}` a `fallback`, or leave the form out of `forms.selected`", language.tag, language.tag))
                .at(map.value(&format!("/languages/{index}/tag"))),
        );
    }
}

/// Missing translations of the built-in choice lists in use, one diagnostic per language.
pub fn check_list_translations(
    choices: &ChoiceIndex,
    config: &Config,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let default = config.default_language.as_str();
    for (index, language) in config.languages.iter().enumerate() {
        if language.fallback.is_some()
            || !crate::library::codes::is_valid_language_tag(language.tag.as_str())
        {
            continue;
        }
        let lacking: Vec<&str> = choices
            .values()
            .filter(|list| !CONFIG_LISTS.contains(&list.id.as_str()))
            .filter(|list| {
                list.options.iter().any(|o| {
                    o.label
                        .get(language.tag.as_str(), default)
                        .is_none_or(|s| s.trim().is_empty())
                })
            })
            .map(|list| list.id.as_str())
            .collect();
        if lacking.is_empty() {
            continue;
        }
        diagnostics.push(
            Diagnostic::error(
                "missing-translation",
                format!(
                    "the built-in choice lists {} have no `{}` labels",
                    lacking
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    language.tag
                ),
            )
            .with_help(format!(
                "translate them, or give `{}` a `fallback`",
                language.tag
            ))
            .at(map.value(&format!("/languages/{index}/tag"))),
        );
    }
}
