//! The stable key of every translatable text: configuration texts by their path, with
//! list items named by id (`config.roles.caseworker.label`), form texts by form, section
//! and field id (`form.bia_short.field.child_name.label`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::Text;
use crate::model::form::{Field, FormDefinition};

/// The text translators work from.
pub fn source_of(text: &Text, default_language: &str) -> Option<String> {
    text.get("en", default_language)
        .or_else(|| text.get(default_language, default_language))
        .map(str::to_owned)
}

pub fn texts_of(text: &Text, default_language: &str) -> BTreeMap<String, String> {
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
pub fn form_texts_keyed_mut(form: &mut FormDefinition) -> Vec<(String, &mut Text)> {
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
