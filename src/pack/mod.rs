//! Stage 3, resolve: the checked configuration, defaults applied, turned into the `Pack`
//! every renderer reads. Decisions (staffing numbers, translation completeness) are made
//! here once, so renderers never disagree.

mod directory;
mod selection;
mod staffing;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use directory::{DirectoryVolume, ServiceGroup, first_volume};
pub use selection::{Part, Selection};
pub use staffing::{AreaNeeds, StaffingNeeds, compute_staffing};

use crate::config::assets::Assets;
use crate::config::texts::for_each_text;
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
        let mut current = self
            .config
            .languages
            .iter()
            .find(|l| l.tag.as_str() == language)?;
        for _ in 0..=self.config.languages.len() {
            if let Some(found) = text.get(current.tag.as_str(), default) {
                let fallback_from =
                    (current.tag.as_str() != language).then_some(current.tag.as_str());
                return Some(Shown {
                    text: found,
                    fallback_from,
                });
            }
            let next = current.fallback.as_ref()?;
            current = self.config.languages.iter().find(|l| &l.tag == next)?;
        }
        None
    }
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
    let raw: Config = serde_json::from_value(document.clone()).map_err(|e| e.to_string())?;
    let default_language = raw.default_language.to_string();
    let configured: Vec<String> = raw.languages.iter().map(|l| l.tag.to_string()).collect();
    let mut pointers = Vec::new();
    for_each_text(&document, |pointer, _| pointers.push(pointer.to_owned()));
    for pointer in pointers {
        let Some(value) = document.pointer_mut(&pointer) else {
            continue;
        };
        let normalised: serde_json::Map<String, Value> = match value {
            Value::String(s) => [(default_language.clone(), Value::String(s.clone()))]
                .into_iter()
                .collect(),
            Value::Object(map) => map
                .iter()
                .filter(|(k, _)| configured.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            _ => continue,
        };
        *value = Value::Object(normalised);
    }
    let translations = completeness(&raw, &document);
    let mut config: Config = serde_json::from_value(document).map_err(|e| e.to_string())?;
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
    })
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
        let label = &pack.config.risk_levels.as_ref().unwrap()[0].label;
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
}
