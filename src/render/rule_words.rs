//! A form's rules in words, as paper prints them, for outputs that are not paper: the
//! codebook's relevance and constraint columns, and the Primero export's guidance where
//! Primero cannot hold a condition. One place builds the vocabulary from the pack.

use std::collections::HashMap;

use super::form_pdf::words::{Vocabulary, question_numbers};
use crate::config::{Language, Text};
use crate::forms::expr;
use crate::forms::model::{Field, FieldType, FormDefinition};
use crate::forms::resolve::all_fields;
use crate::pack::Pack;

pub(crate) struct RuleWords<'a> {
    pack: &'a Pack,
    fields: Vec<&'a Field>,
    numbers: HashMap<String, String>,
}

impl<'a> RuleWords<'a> {
    pub fn new(pack: &'a Pack, form: &'a FormDefinition) -> Self {
        RuleWords {
            pack,
            fields: all_fields(form),
            numbers: question_numbers(form),
        }
    }

    /// Question numbers by field id ("1.7").
    pub fn numbers(&self) -> &HashMap<String, String> {
        &self.numbers
    }

    /// `text` in `language`, or its fallback; empty only for a text validation rejects.
    pub fn text(&self, text: &Text, language: &Language) -> String {
        self.pack
            .text(text, language.tag.as_str())
            .map(|s| s.text.to_owned())
            .unwrap_or_default()
    }

    /// A fixed phrase of the printed forms (`answer_only_if`, `yes`…) in `language`.
    pub fn phrase(&self, key: &str, language: &Language) -> String {
        self.pack
            .print_strings
            .get(key)
            .map_or_else(|| key.to_owned(), |t| self.text(t, language))
    }

    fn kind(&self, id: &str) -> Option<FieldType> {
        self.fields
            .iter()
            .find(|f| f.id.as_str() == id)
            .map(|f| f.kind)
    }

    fn option_label(&self, field: &str, option: &str, language: &Language) -> Option<String> {
        let list = self
            .fields
            .iter()
            .find(|f| f.id.as_str() == field)?
            .choices
            .as_ref()?;
        let options = &self.pack.forms.choices.get(list)?.options;
        let label = &options.iter().find(|o| o.id.as_str() == option)?.label;
        Some(self.text(label, language))
    }

    /// The rule `source` in words in `language`; `current` is the field `.` stands for.
    /// Empty for a rule that does not parse (validation has reported it).
    pub fn describe(&self, source: &str, current: Option<&str>, language: &Language) -> String {
        let Ok(parsed) = expr::parse(source) else {
            return String::new();
        };
        let phrase = |key: &str| self.phrase(key, language);
        let option = |field: &str, option: &str| self.option_label(field, option, language);
        let kind = |id: &str| self.kind(id);
        let digits = |text: &str| language.digits.localise(text);
        Vocabulary {
            phrase: &phrase,
            numbers: &self.numbers,
            option: &option,
            kind: &kind,
            current,
            digits: &digits,
        }
        .describe(&parsed)
    }
}
