//! Every translatable string of a country's pack under a stable key: the configuration's
//! own texts (`config.roles.caseworker.label`), the forms (`form.bia_short.field.child_name.label`),
//! the shared choice lists (`list.yes_no.yes`) and the SOP's prose (`sop.bid.title`).
//! Keys name things by id, never by position where an id exists, so they survive
//! reordering and stay the same from one version to the next.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::keys::texts_of;
pub use super::keys::{config_key, config_pointer, form_entries, source_of};
pub use super::overlay::{Overlay, Translated};
use crate::config::Text;
use crate::config::texts::for_each_text;
use crate::forms::resolve::{CONFIG_LISTS, FormSet};
use crate::library::prose::Catalogue;

/// Which part of the pack a string belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
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

    /// Whether the message has a text in `language`, found as the build finds texts:
    /// `ar-TD` is served by the `ar` text (BCP 47 lookup). `check`, `i18n status` and the
    /// manifest all count with this.
    pub fn is_translated(&self, language: &str) -> bool {
        crate::model::primitives::lookup(&self.texts, language).is_some()
    }
}

/// The configuration's own translatable texts: the part of the inventory that
/// `config/resolved.json` and the manifest's `config` block count.
pub fn config_messages(document: &Value, default_language: &str, out: &mut Vec<Message>) {
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
