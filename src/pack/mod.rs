//! Stage 3, resolve: the checked configuration, defaults applied, turned into the `Pack`
//! every renderer reads. Decisions (staffing numbers, translation completeness) are made
//! here once, so renderers never disagree.

mod directory;
mod selection;
mod staffing;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use directory::{DirectoryVolume, ServiceGroup, first_volume};
pub use selection::{Part, Selection};
pub use staffing::{AreaNeeds, StaffingNeeds, compute_staffing};

use crate::config::assets::Assets;
use crate::config::texts::for_each_text_mut;
use crate::config::{Config, Language, Text};
use crate::forms::resolve::{FormSet, form_texts_mut};

/// The fully resolved model of one country's BIP pack.
#[derive(Debug, Clone, Serialize)]
pub struct Pack {
    pub config: Config,
    /// The forms produced, tailored, texts in the configured languages only (written
    /// out by their own renderers, not in the resolved configuration).
    #[serde(skip)]
    pub forms: FormSet,
    /// Logos printed in form headers, read from the configuration's folder.
    #[serde(skip)]
    pub logos: Vec<LogoFile>,
    /// Templates the country folder overrides (`templates/form.typ`), by file name.
    #[serde(skip)]
    pub templates: BTreeMap<String, String>,
    /// The country's own SOP sentences by language (`templates/sop/text/<lang>.toml`),
    /// laid over the built-in ones.
    #[serde(skip)]
    pub sop_texts: BTreeMap<String, crate::library::prose::Catalogue>,
    /// The fixed words of printed forms, with the country's translations.
    #[serde(skip)]
    pub print_strings: BTreeMap<String, Text>,
    pub staffing: StaffingNeeds,
    /// Per language: how many texts are written, stand in from a fallback, or are missing.
    pub translations: BTreeMap<String, Completeness>,
    /// Per language whose translations carry a review state (built-in catalogues, or a
    /// country's PO file that declares one): draft or reviewed. A draft is marked as such on
    /// printed forms and in the SOP.
    #[serde(skip)]
    pub review: BTreeMap<String, crate::i18n::po::Review>,
    /// Name of the main configuration file (no directories: outputs carry no local paths).
    #[serde(skip)]
    pub config_file: String,
    /// sha256 of the configuration files read.
    #[serde(skip)]
    pub config_sha256: String,
    /// Sections the built-in defaults filled (JSON pointers): the SOP cites the defaults'
    /// own sources for them, and marks the country's own as its choice.
    #[serde(skip)]
    pub defaulted: Vec<&'static str>,
    /// The XLSForm `version` of each form, by form id, from `form-versions.json`
    /// (`render::form_versions`); a form missing here gets its first version.
    #[serde(skip)]
    pub form_versions: BTreeMap<String, String>,
    /// The outputs and languages this build writes (`--only`, `--lang`).
    #[serde(skip)]
    pub selection: Selection,
    /// Where laid-out outputs are kept between builds (`--no-cache`: none).
    #[serde(skip)]
    pub cache: Option<std::sync::Arc<crate::typeset::cache::OutputCache>>,
    /// The service directory's own documents, one per area; none when the SOP prints it.
    #[serde(skip)]
    pub directory: Vec<DirectoryVolume>,
    /// See [`Pack::fallback_chain`].
    #[serde(skip)]
    pub fallback_chains: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

    /// The languages whose documents this build writes, with their places in
    /// [`Pack::languages`].
    pub fn printed_languages(&self) -> impl Iterator<Item = (usize, &Language)> {
        self.languages()
            .iter()
            .enumerate()
            .filter(|(_, l)| self.selection.prints_in(l.tag.as_str()))
    }
}

/// A logo file for printed headers.
#[derive(Debug, Clone)]
pub struct LogoFile {
    /// `png`, `jpg` or `svg`.
    pub extension: String,
    pub bytes: Vec<u8>,
    /// Alternative text for tagged PDFs: the file's name without extension.
    pub alt: String,
}

/// Where the configuration came from: its file name, the sha256 of the files read, and
/// the sections the built-in defaults filled.
#[derive(Debug, Clone)]
pub struct ConfigOrigin {
    pub file: String,
    pub sha256: String,
    pub defaulted: Vec<&'static str>,
}

/// The logos the configuration names, as load read them.
pub fn logos(config: &Config, assets: &Assets) -> Result<Vec<LogoFile>, String> {
    config
        .forms
        .header
        .logos
        .iter()
        .map(|logo| {
            let file = match assets.logos.get(logo) {
                Some(Ok(file)) => file,
                Some(Err(why)) => return Err(format!("cannot read `{logo}`: {why}")),
                None => return Err(format!("`{logo}` was not read")),
            };
            let name = std::path::Path::new(logo);
            let extension = name
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let extension = if extension == "jpeg" {
                "jpg".to_owned()
            } else {
                extension
            };
            let alt = name
                .file_stem()
                .map(|s| s.to_string_lossy().replace(['_', '-'], " "))
                .unwrap_or_default();
            Ok(LogoFile {
                extension,
                bytes: file.bytes.clone(),
                alt,
            })
        })
        .collect()
}

/// A text as a renderer shows it in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown<'a> {
    pub text: &'a str,
    /// The language the text is really in, when a fallback stands in for the one asked.
    pub fallback_from: Option<&'a str>,
}

impl Pack {
    /// `text` in `language`, or in its configured fallback (marked as such). `None` only
    /// for a text validation would have rejected.
    pub fn text<'a>(&'a self, text: &'a Text, language: &str) -> Option<Shown<'a>> {
        let default = self.config.default_language.as_str();
        self.fallback_chain(language).find_map(|current| {
            let found = text.get(current.tag.as_str(), default)?;
            let fallback_from = (current.tag.as_str() != language).then_some(current.tag.as_str());
            Some(Shown {
                text: found,
                fallback_from,
            })
        })
    }

    /// The languages a text of `language` is looked for in, in order: the language itself,
    /// its fallback, the fallback's own, each once. Empty for a language not configured.
    pub fn fallback_chain(&self, language: &str) -> impl Iterator<Item = &Language> {
        let languages = self.languages();
        languages
            .iter()
            .position(|l| l.tag.as_str() == language)
            .map(|i| self.fallback_chains[i].as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&i| &languages[i])
    }

    /// The configured language that stands in for `language`'s missing texts.
    pub fn fallback_of(&self, language: &Language) -> Option<&Language> {
        self.fallback_chain(language.tag.as_str()).nth(1)
    }
}

/// Per configured language, by place, the places of the languages its texts are looked
/// for in: walked once here, so that no renderer follows `fallback` itself.
fn fallback_chains(languages: &[Language]) -> Vec<Vec<usize>> {
    (0..languages.len())
        .map(|start| {
            let mut chain = vec![start];
            while let Some(next) = languages[*chain.last().unwrap_or(&start)]
                .fallback
                .as_ref()
                .and_then(|f| languages.iter().position(|l| &l.tag == f))
                .filter(|i| !chain.contains(i))
            {
                chain.push(next);
            }
            chain
        })
        .collect()
}

/// Builds the pack from a checked configuration's JSON document (defaults applied).
/// Every text is normalised to a table holding exactly the configured languages it is
/// written in, so renderers never meet a stray language or a bare string.
pub fn resolve(
    document: &Value,
    mut forms: FormSet,
    logos: Vec<LogoFile>,
    templates: BTreeMap<String, String>,
    overlay: &crate::i18n::overlay::Overlay,
    origin: ConfigOrigin,
) -> Result<Pack, String> {
    let ConfigOrigin {
        file: config_file,
        sha256: config_sha256,
        defaulted,
    } = origin;
    let mut document = document.clone();
    // A checked document has both; read here before the typed configuration exists.
    let default_language = document["default_language"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let configured: Vec<String> = document["languages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["tag"].as_str().map(str::to_owned))
        .collect();
    for_each_text_mut(&mut document, |value| {
        let normalised: serde_json::Map<String, Value> = match value {
            Value::String(s) => [(default_language.clone(), Value::String(std::mem::take(s)))]
                .into_iter()
                .collect(),
            Value::Object(map) => std::mem::take(map)
                .into_iter()
                .filter(|(k, _)| configured.contains(k))
                .collect(),
            _ => return,
        };
        *value = Value::Object(normalised);
    });
    let mut config = Config::deserialize(&document).map_err(|e| e.to_string())?;
    let translations = completeness(&config, &document);
    // The typed configuration holds it all now; a large directory need not be held twice.
    drop(document);
    // `auto` is decided here, so that the resolved configuration says where the directory went.
    config.sop.service_directory = if config.sop.service_directory.by_area(config.services.len()) {
        crate::config::DirectoryPlacement::ByArea
    } else {
        crate::config::DirectoryPlacement::InSop
    };
    let staffing = compute_staffing(&config);
    for form in &mut forms.forms {
        for text in form_texts_mut(form) {
            normalise_text(text, &default_language, &configured);
        }
    }
    for list in forms.choices.values_mut() {
        for option in &mut list.options {
            normalise_text(&mut option.label, &default_language, &configured);
        }
    }
    let mut sop_texts = crate::library::prose::Catalogue::from_templates(&templates)?;
    let english = crate::library::prose::Catalogue::built_in("en").unwrap_or_default();
    overlay.apply_to_sop(&mut sop_texts, &english);
    let directory = directory::volumes(&config);
    let fallback_chains = fallback_chains(&config.languages);
    Ok(Pack {
        config,
        forms,
        logos,
        templates,
        sop_texts,
        print_strings: overlay.print_strings(),
        staffing,
        translations,
        review: BTreeMap::new(),
        config_file,
        config_sha256,
        defaulted,
        form_versions: BTreeMap::new(),
        selection: Selection::default(),
        cache: None,
        directory,
        fallback_chains,
    })
}

/// Per language, how the configuration's texts stand, counted over the inventory's
/// configuration messages with its one rule for "translated" (`Message::is_translated`):
/// a text not there stands in from the fallback when the language has one, or is missing.
fn completeness(config: &Config, document: &Value) -> BTreeMap<String, Completeness> {
    let mut messages = Vec::new();
    crate::i18n::catalog::config_messages(
        document,
        config.default_language.as_str(),
        &mut messages,
    );
    config
        .languages
        .iter()
        .map(|language| {
            let tag = language.tag.as_str();
            let translated = messages.iter().filter(|m| m.is_translated(tag)).count();
            let lacking = messages.len() - translated;
            let (fallback, missing) = if language.fallback.is_some() {
                (lacking, 0)
            } else {
                (0, lacking)
            };
            let counts = Completeness {
                total: messages.len(),
                translated,
                fallback,
                missing,
            };
            (tag.to_owned(), counts)
        })
        .collect()
}

/// Keeps only the configured languages of a text; a plain string becomes the default
/// language's entry.
fn normalise_text(text: &mut Text, default_language: &str, configured: &[String]) {
    let map = match text {
        Text::Plain(s) => [(default_language.to_owned(), s.clone())]
            .into_iter()
            .collect(),
        // Each configured language takes its text, or its language's (`ar` for `ar-LB`).
        Text::Localised(map) => configured
            .iter()
            .filter_map(|c| {
                crate::config::primitives::lookup(map, c).map(|(_, v)| (c.clone(), v.clone()))
            })
            .collect(),
    };
    *text = Text::Localised(map);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::test_support::{MINIMAL, checked};

    fn pack_of(text: &str) -> Pack {
        let checked = checked(text);
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        checked
            .resolve("country.toml")
            .expect("valid")
            .expect("resolves")
    }

    #[test]
    fn texts_hold_exactly_the_configured_languages() {
        let pack = pack_of(MINIMAL);
        let json = serde_json::to_value(&pack.config).unwrap();
        // Built-in risk levels carry en, fr, es and ar; only en is configured.
        assert_eq!(
            json["risk_levels"][0]["label"].as_object().unwrap().len(),
            1
        );
        assert!(json["sop"]["title"].is_object());
    }

    #[test]
    fn fallback_text_is_marked() {
        let french = "[[languages]]\ntag = \"fr\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Français\"\nfallback = \"en\"\n";
        let pack = pack_of(&format!("{MINIMAL}\n{french}"));
        let shown = pack.text(&pack.config.sop.title, "fr").unwrap();
        assert_eq!(shown.text, "Child protection SOP");
        assert_eq!(shown.fallback_from, Some("en"));
        let label = &pack.config.risk_levels[0].label;
        assert_eq!(pack.text(label, "fr").unwrap().fallback_from, None);
        assert_eq!(
            pack.text(&pack.config.sop.title, "en")
                .unwrap()
                .fallback_from,
            None
        );
    }

    #[test]
    fn translation_completeness_counts_fallbacks() {
        let french = "[[languages]]\ntag = \"fr\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Français\"\nfallback = \"en\"\n";
        let pack = pack_of(&format!("{MINIMAL}\n{french}"));
        let fr = &pack.translations["fr"];
        assert_eq!(fr.fallback, 4);
        assert_eq!(fr.translated + fr.fallback + fr.missing, fr.total);
        assert_eq!(pack.translations["en"].missing, 0);
    }

    #[test]
    fn fallback_chains_are_walked_once_and_end_at_a_loop() {
        let language = |tag: &str, fallback: Option<&str>| -> Language {
            serde_json::from_value(serde_json::json!({
                "tag": tag, "script": "Latn", "direction": "ltr", "name": tag,
                "fallback": fallback,
            }))
            .unwrap()
        };
        let languages = [
            language("en", None),
            language("fr", Some("en")),
            language("wo", Some("fr")),
            language("ff", Some("ha")),
            language("ha", Some("ff")),
        ];
        assert_eq!(
            fallback_chains(&languages),
            vec![vec![0], vec![1, 0], vec![2, 1, 0], vec![3, 4], vec![4, 3]]
        );
    }
}
