//! Every translatable string of a country's pack under a stable key: the configuration's
//! own texts (`config.roles.caseworker.label`), the forms (`form.bia_short.field.child_name.label`),
//! the shared choice lists (`list.yes_no.yes`) and the SOP's prose (`sop.bid.title`).
//! Keys name things by id, never by position where an id exists, so they survive
//! reordering and stay the same from one version to the next.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::config::Text;
use crate::forms::model::{ChoiceIndex, Field, FormDefinition};
use crate::forms::resolve::{CONFIG_LISTS, FormSet};
use crate::render::sop::text::Catalogue;
use crate::validate::rules::for_each_text;

/// Which part of the pack a string belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Domain {
    Forms,
    Sop,
    Config,
}

impl Domain {
    pub const ALL: [Domain; 3] = [Domain::Forms, Domain::Sop, Domain::Config];

    pub fn of_key(key: &str) -> Domain {
        if key.starts_with("sop.") {
            Domain::Sop
        } else if key.starts_with("config.") {
            Domain::Config
        } else {
            Domain::Forms
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Domain::Forms => "forms",
            Domain::Sop => "sop",
            Domain::Config => "config",
        }
    }
}

/// One translatable string.
#[derive(Debug, Clone)]
pub struct Message {
    pub key: String,
    /// The text translators translate from: English where written, else the default
    /// language.
    pub source: String,
    /// Context for translators: where the string appears, its type, its hint.
    pub context: Vec<String>,
    /// The text in each language it is written in (library, configuration or an
    /// imported translation).
    pub texts: BTreeMap<String, String>,
}

impl Message {
    pub fn domain(&self) -> Domain {
        Domain::of_key(&self.key)
    }
}

/// The text translators work from.
pub fn source_of(text: &Text, default_language: &str) -> Option<String> {
    text.get("en", default_language)
        .or_else(|| text.get(default_language, default_language))
        .map(str::to_owned)
}

fn texts_of(text: &Text, default_language: &str) -> BTreeMap<String, String> {
    match text {
        Text::Plain(s) => [(default_language.to_owned(), s.clone())].into(),
        Text::Localised(map) => map
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// The stable key of the text at `pointer` in the configuration document: array
/// elements are named by their `id` when they have one.
pub fn config_key(document: &Value, pointer: &str) -> String {
    let mut key = String::from("config");
    let mut current = document;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let next = match current {
            Value::Array(items) => {
                let index: usize = segment.parse().unwrap_or(usize::MAX);
                let item = items.get(index);
                let name = item
                    .and_then(|i| i.get("id"))
                    .and_then(Value::as_str)
                    .map_or_else(|| segment.clone(), str::to_owned);
                key.push('.');
                key.push_str(&name);
                item
            }
            Value::Object(map) => {
                key.push('.');
                key.push_str(&segment);
                map.get(&segment)
            }
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => break,
        }
    }
    key
}

/// The pointer of a configuration key in `document`, if it still names a text.
pub fn config_pointer(document: &Value, key: &str) -> Option<String> {
    let path = key.strip_prefix("config.")?;
    let mut pointer = String::new();
    let mut current = document;
    for segment in path.split('.') {
        match current {
            Value::Array(items) => {
                let index = items
                    .iter()
                    .position(|i| i.get("id").and_then(Value::as_str) == Some(segment))
                    .or_else(|| segment.parse().ok().filter(|i: &usize| *i < items.len()))?;
                pointer.push_str(&format!("/{index}"));
                current = &items[index];
            }
            Value::Object(map) => {
                current = map.get(segment)?;
                pointer.push('/');
                pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
            }
            _ => return None,
        }
    }
    Some(pointer)
}

fn config_messages(document: &Value, default_language: &str, out: &mut Vec<Message>) {
    for_each_text(document, |pointer, value| {
        let Ok(text) = serde_json::from_value::<Text>(value.clone()) else {
            return;
        };
        let Some(source) = source_of(&text, default_language) else {
            return;
        };
        let where_ = pointer.split('/').skip(1).collect::<Vec<_>>().join(" › ");
        out.push(Message {
            key: config_key(document, pointer),
            source,
            context: vec![format!("Configuration: {where_}")],
            texts: texts_of(&text, default_language),
        });
    });
}

/// A form's texts with their keys and context, in document order.
pub fn form_entries<'a>(
    form: &'a FormDefinition,
    default_language: &str,
) -> Vec<(String, &'a Text, Vec<String>)> {
    let english = |t: &Text| source_of(t, default_language).unwrap_or_default();
    let form_title = english(&form.title);
    let base = format!("form.{}", form.id);
    let mut out = vec![
        (
            format!("{base}.title"),
            &form.title,
            vec![format!("Form title ({})", form.id)],
        ),
        (
            format!("{base}.purpose"),
            &form.purpose,
            vec![format!(
                "Purpose of the form “{form_title}”, shown in the SOP's annex"
            )],
        ),
        (
            format!("{base}.filled_by"),
            &form.filled_by,
            vec![format!("Who completes the form “{form_title}”")],
        ),
    ];
    fn fields<'a>(
        list: &'a [Field],
        base: &str,
        where_: &str,
        english: &dyn Fn(&Text) -> String,
        out: &mut Vec<(String, &'a Text, Vec<String>)>,
    ) {
        for field in list {
            let key = format!("{base}.field.{}", field.id);
            let mut context = vec![
                where_.to_owned(),
                format!(
                    "Question `{}`, type {}",
                    field.id,
                    format!("{:?}", field.kind).to_lowercase()
                ),
            ];
            if let Some(hint) = &field.hint {
                context.push(format!("Hint: {}", english(hint)));
            }
            out.push((format!("{key}.label"), &field.label, context.clone()));
            if let Some(hint) = &field.hint {
                out.push((format!("{key}.hint"), hint, context.clone()));
            }
            if let Some(guidance) = &field.guidance {
                out.push((format!("{key}.guidance"), guidance, context.clone()));
            }
            if let Some(message) = &field.constraint_message {
                out.push((
                    format!("{key}.constraint_message"),
                    message,
                    context.clone(),
                ));
            }
            fields(&field.fields, base, where_, english, out);
        }
    }
    for section in &form.sections {
        let where_ = format!("Form “{form_title}”, section “{}”", english(&section.title));
        let key = format!("{base}.section.{}", section.id);
        out.push((
            format!("{key}.title"),
            &section.title,
            vec![format!("Section title in the form “{form_title}”")],
        ));
        if let Some(hint) = &section.hint {
            out.push((format!("{key}.hint"), hint, vec![where_.clone()]));
        }
        fields(&section.fields, &base, &where_, &english, &mut out);
    }
    out
}

/// The same texts, mutable, in the same order as [`form_entries`].
fn form_texts_keyed_mut(form: &mut FormDefinition) -> Vec<(String, &mut Text)> {
    let base = format!("form.{}", form.id);
    let mut out = vec![
        (format!("{base}.title"), &mut form.title),
        (format!("{base}.purpose"), &mut form.purpose),
        (format!("{base}.filled_by"), &mut form.filled_by),
    ];
    fn fields<'a>(list: &'a mut [Field], base: &str, out: &mut Vec<(String, &'a mut Text)>) {
        for field in list {
            let key = format!("{base}.field.{}", field.id);
            out.push((format!("{key}.label"), &mut field.label));
            if let Some(hint) = field.hint.as_mut() {
                out.push((format!("{key}.hint"), hint));
            }
            if let Some(guidance) = field.guidance.as_mut() {
                out.push((format!("{key}.guidance"), guidance));
            }
            if let Some(message) = field.constraint_message.as_mut() {
                out.push((format!("{key}.constraint_message"), message));
            }
            fields(&mut field.fields, base, out);
        }
    }
    for section in &mut form.sections {
        let key = format!("{base}.section.{}", section.id);
        out.push((format!("{key}.title"), &mut section.title));
        if let Some(hint) = section.hint.as_mut() {
            out.push((format!("{key}.hint"), hint));
        }
        fields(&mut section.fields, &base, &mut out);
    }
    out
}

/// Every translatable string of a checked configuration, its forms and lists, and the
/// SOP's prose (catalogues by language, English first among them).
pub fn messages(
    document: &Value,
    default_language: &str,
    forms: &FormSet,
    print: &BTreeMap<String, Text>,
    sop: &BTreeMap<String, Catalogue>,
) -> Vec<Message> {
    let mut out = Vec::new();
    for form in &forms.forms {
        for (key, text, context) in form_entries(form, default_language) {
            if let Some(source) = source_of(text, default_language) {
                out.push(Message {
                    key,
                    source,
                    context,
                    texts: texts_of(text, default_language),
                });
            }
        }
    }
    for (id, list) in &forms.choices {
        // Lists made from the configuration are translated where they are configured.
        if CONFIG_LISTS.contains(&id.as_str()) {
            continue;
        }
        for option in &list.options {
            if let Some(source) = source_of(&option.label, default_language) {
                out.push(Message {
                    key: format!("list.{id}.{}", option.id),
                    source,
                    context: vec![format!("Option `{}` of the choice list `{id}`", option.id)],
                    texts: texts_of(&option.label, default_language),
                });
            }
        }
    }
    for (key, text) in print {
        if let Some(source) = source_of(text, "en") {
            out.push(Message {
                key: format!("print.{key}"),
                source,
                context: vec![
                    "Printed on every form (headers, footers, instructions); keep {placeholders}"
                        .to_owned(),
                ],
                texts: texts_of(text, "en"),
            });
        }
    }
    if let Some(english) = sop.get("en") {
        for (key, source) in &english.entries {
            let texts = sop
                .iter()
                .filter_map(|(lang, c)| c.entries.get(key).map(|t| (lang.clone(), t.clone())))
                .collect();
            out.push(Message {
                key: format!("sop.{key}"),
                source: source.clone(),
                context: vec![format!(
                    "SOP sentence `{key}`; keep {{placeholders}} and **bold** markers as they are"
                )],
                texts,
            });
        }
    }
    config_messages(document, default_language, &mut out);
    out
}

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
        let mut strings = crate::render::form_pdf::PRINT_STRINGS.clone();
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
