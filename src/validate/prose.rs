//! The SOP's prose in every configured language: the built-in sentences, the country's
//! own (`templates/sop/text/<lang>.toml`) and its PO translations, checked before a build.

use std::collections::BTreeMap;

use crate::config::assets::Assets;
use crate::config::{Config, SourceMap};
use crate::diagnostic::Diagnostic;
use crate::i18n::overlay::Overlay;
use crate::library::prose::Catalogue;

/// The SOP's sentences of every configured language as the build will print them: the
/// built-in catalogue, the country's own sentences over it, and its PO translations.
pub fn catalogues(
    config: &Config,
    overlay: &Overlay,
    assets: &Assets,
) -> (BTreeMap<String, Catalogue>, Vec<Diagnostic>) {
    let english = Catalogue::built_in("en").unwrap_or_default();
    let mut out = Vec::new();
    // The country's own sentences, read the way the resolve stage reads them.
    let own = Catalogue::from_templates(&crate::library::sop::overrides(assets)).unwrap_or_else(
        |message| {
            out.push(Diagnostic::error("invalid-sop-text", message).with_help(
                "each entry is `key = \"sentence\"` under tables named like the built-in catalogue",
            ));
            Default::default()
        },
    );
    let mut catalogues: BTreeMap<String, Catalogue> = config
        .languages
        .iter()
        .map(|language| {
            let tag = language.tag.to_string();
            let mut catalogue = Catalogue::built_in(&tag).unwrap_or_default();
            if let Some(own) = own.get(&tag) {
                catalogue.overlay(own.clone());
            }
            (tag, catalogue)
        })
        .collect();
    overlay.apply_to_sop(&mut catalogues, &english);
    (catalogues, out)
}

/// The SOP's prose in every configured language, reported at check time: sentences a
/// language lacks are an error, or a warning when a fallback language stands in.
pub fn check(
    config: &Config,
    catalogues: &BTreeMap<String, Catalogue>,
    map: &SourceMap,
) -> Vec<Diagnostic> {
    let english = Catalogue::built_in("en").unwrap_or_default();
    let mut out = Vec::new();
    for (index, language) in config.languages.iter().enumerate() {
        let tag = language.tag.as_str();
        if !crate::library::codes::is_valid_language_tag(tag) {
            continue; // reported once, as a bad tag
        }
        let own = catalogues.get(tag).cloned().unwrap_or_default();
        let missing = own.missing(&english);
        if missing.is_empty() {
            continue;
        }
        let count = missing.len();
        out.push(match &language.fallback {
            Some(fallback) => Diagnostic::warning(
                "fallback-translation",
                format!("{count} SOP sentences have no `{tag}` text; `{fallback}` text stands in for them"),
            )
            .with_help(format!("translate them (`bipgen i18n export --lang {tag}`); the SOP says which text stands in"))
            .at(map.value(&format!("/languages/{index}/fallback"))),
            None => Diagnostic::error(
                "missing-translation",
                format!("the SOP has {count} sentences with no `{tag}` text, e.g. `{}`", missing[0]),
            )
            .with_help(format!("translate them (`bipgen i18n export --lang {tag}`, then `bipgen i18n import`), or give `{tag}` a `fallback`"))
            .at(map.value(&format!("/languages/{index}/tag"))),
        });
    }
    out
}
