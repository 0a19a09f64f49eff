//! Translations from the country's PO files laid over the texts they translate: the
//! configuration's, the forms', the lists', the printed words and the SOP's prose.

use std::collections::BTreeMap;

use serde_json::Value;

use super::keys::{config_key, form_texts_keyed_mut, source_of, texts_of};
use crate::config::Text;
use crate::config::texts::for_each_text;
use crate::library::prose::{Catalogue, PLURAL_VARIANTS};
use crate::model::form::{ChoiceIndex, FormDefinition};

/// Translations read from the country's PO files, by language and key, each with the
/// source text it was made from.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    pub languages: BTreeMap<String, BTreeMap<String, Translated>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub source: String,
    pub text: String,
}

impl Overlay {
    pub fn is_empty(&self) -> bool {
        self.languages.values().all(BTreeMap::is_empty)
    }

    /// The translation of `key` into each language, used only while its source is still
    /// the current one (a changed source makes it fuzzy until a translator confirms it).
    fn current<'a>(
        &'a self,
        key: &'a str,
        source: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.languages.iter().filter_map(move |(lang, entries)| {
            entries
                .get(key)
                .filter(|t| t.source == source)
                .map(|t| (lang.as_str(), t.text.as_str()))
        })
    }

    fn apply(&self, key: &str, text: &mut Text, default_language: &str) {
        let Some(source) = source_of(text, default_language) else {
            return;
        };
        let found: Vec<(String, String)> = self
            .current(key, &source)
            .map(|(l, t)| (l.to_owned(), t.to_owned()))
            .collect();
        if found.is_empty() {
            return;
        }
        let mut map = texts_of(text, default_language);
        map.extend(found);
        *text = Text::Localised(map);
    }

    /// Adds the translations of configuration texts to the document.
    pub fn apply_to_document(&self, document: &mut Value, default_language: &str) {
        if self.is_empty() {
            return;
        }
        let mut pointers = Vec::new();
        for_each_text(document, |pointer, _| pointers.push(pointer.to_owned()));
        for pointer in pointers {
            let key = config_key(document, &pointer);
            let Some(value) = document.pointer_mut(&pointer) else {
                continue;
            };
            let Ok(mut text) = serde_json::from_value::<Text>(value.clone()) else {
                continue;
            };
            let before = text.clone();
            self.apply(&key, &mut text, default_language);
            if text != before {
                *value = serde_json::to_value(&text).unwrap_or(Value::Null);
            }
        }
    }

    pub fn apply_to_form(&self, form: &mut FormDefinition, default_language: &str) {
        if self.is_empty() {
            return;
        }
        for (key, text) in form_texts_keyed_mut(form) {
            self.apply(&key, text, default_language);
        }
    }

    pub fn apply_to_lists(&self, choices: &mut ChoiceIndex, default_language: &str) {
        if self.is_empty() {
            return;
        }
        for (id, list) in choices.iter_mut() {
            for option in &mut list.options {
                let key = format!("list.{id}.{}", option.id);
                self.apply(&key, &mut option.label, default_language);
            }
        }
    }

    /// The fixed words of printed forms with their translations added.
    pub fn print_strings(&self) -> BTreeMap<String, Text> {
        let mut strings = crate::library::print::PRINT_STRINGS.clone();
        if !self.is_empty() {
            for (key, text) in strings.iter_mut() {
                self.apply(&format!("print.{key}"), text, "en");
            }
        }
        strings
    }

    /// Adds translated SOP sentences to the catalogues of their languages.
    pub fn apply_to_sop(&self, catalogues: &mut BTreeMap<String, Catalogue>, english: &Catalogue) {
        for (key, source) in &english.entries {
            // A plural form English lacks (`time.day.few`) is translated from `.other`.
            let variants = key
                .strip_suffix(".other")
                .filter(|_| key.starts_with("time."))
                .into_iter()
                .flat_map(|base| PLURAL_VARIANTS.map(|v| format!("{base}.{v}")));
            for key in std::iter::once(key.clone()).chain(variants) {
                let full = format!("sop.{key}");
                for (lang, text) in self.current(&full, source) {
                    catalogues
                        .entry(lang.to_owned())
                        .or_default()
                        .entries
                        .insert(key.clone(), text.to_owned());
                }
            }
        }
    }
}
