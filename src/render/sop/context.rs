//! What the chapter templates see for one language: the configuration with every text
//! in that language, lookups by id, and the figures the resolve stage computed. Values
//! stay data here; the template engine escapes them when it writes Markdown.

use std::collections::BTreeMap;

use super::text::Prose;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::config::texts::for_each_text_mut;
use crate::config::{Direction, Sensitivity};
use crate::forms::resolve::all_fields;
use crate::pack::Pack;

/// Top-level configuration sections the templates read under their own names.
const SECTIONS: &[&str] = &[
    "sop",
    "scope",
    "organisations",
    "areas",
    "entry_points",
    "roles",
    "steps",
    "risk_levels",
    "emergency",
    "case_conference",
    "reopening",
    "concerns",
    "services",
    "pathways",
    "bid",
    "data_protection",
    "cross_border",
    "safeguarding",
    "kpis",
    "glossary",
];

/// Sections whose entries the templates look up by id (`role[id]`, `service[id]`).
const LOOKUPS: &[(&str, &str)] = &[
    ("organisations", "org"),
    ("areas", "area"),
    ("entry_points", "entry_point"),
    ("roles", "role"),
    ("steps", "step"),
    ("risk_levels", "risk"),
    ("concerns", "concern"),
    ("services", "service"),
    ("kpis", "kpi"),
];

/// The configuration as JSON with every text replaced by its string in `language`
/// (or its configured fallback, marked as a passage in that language).
pub fn localised_config(pack: &Pack, language: &str) -> Value {
    let mut document = serde_json::to_value(&pack.config).unwrap_or(Value::Null);
    for_each_text_mut(&mut document, |value| {
        let Ok(text) = crate::config::Text::deserialize(&*value) else {
            return;
        };
        *value = pack.text(&text, language).map_or(Value::Null, |shown| {
            Value::String(match shown.fallback_from {
                Some(from) => {
                    let rtl = pack.config.languages.iter().any(|l| {
                        l.tag.as_str() == from && l.direction == crate::config::Direction::Rtl
                    });
                    super::passages::mark(shown.text, from, rtl)
                }
                None => super::passages::isolate(shown.text),
            })
        });
    });
    document
}

/// Organisations' short names in `language`.
fn localise_acronyms(pack: &Pack, language: &str, config: &mut Value) {
    let default = pack.config.default_language.as_str();
    let organisations = config
        .get_mut("organisations")
        .and_then(Value::as_array_mut);
    for (entry, org) in organisations
        .into_iter()
        .flatten()
        .zip(&pack.config.organisations)
    {
        if let Some(acronym) = &org.acronym {
            entry["acronym"] = json!(acronym.get(language, default));
        }
    }
}

/// The procedure's own acronyms, by the key of their prose (`acronyms.bia.short`).
const PROCEDURE_ACRONYMS: [&str; 6] = ["bia", "bid", "bip", "gbv", "sop", "uasc"];

/// What the front matter's acronym table explains: the procedure's acronyms as this
/// language writes them (EIS, DIS in French; none in Arabic, which writes the names out)
/// and the organisations' (`config` is the configuration in this language).
fn acronyms(config: &Value, prose: &Prose) -> Vec<Value> {
    let procedure = PROCEDURE_ACRONYMS.iter().filter_map(|id| {
        // A language that writes these names out in full leaves the acronym empty.
        let short = prose.lookup(&format!("acronyms.{id}.short"))?.text;
        let long = prose.lookup(&format!("acronyms.{id}.long"))?.text;
        (!short.trim().is_empty()).then(|| json!({ "acronym": short, "name": long }))
    });
    let organisations = config
        .get("organisations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|org| org.get("acronym").is_some_and(|a| !a.is_null()))
        .map(|org| json!({ "acronym": org["acronym"], "name": org["name"] }));
    procedure.chain(organisations).collect()
}

/// One printed form as the SOP lists it.
#[derive(Debug, Serialize)]
struct FormSummary {
    id: String,
    title: String,
    purpose: String,
    filled_by: String,
    version: String,
    steps: Vec<String>,
    questions: usize,
    /// The highest sensitivity of its fields, for the access table.
    highest_sensitivity: Sensitivity,
}

/// Fields of one sensitivity level, grouped by form, for the data protection chapter.
#[derive(Debug, Serialize)]
struct AccessLevel {
    level: Sensitivity,
    roles: Vec<String>,
    forms: Vec<FieldGroup>,
    fields: usize,
}

#[derive(Debug, Serialize)]
struct FieldGroup {
    form: String,
    fields: Vec<String>,
}

/// Steps name only the forms this SOP prints: a country that selects a few forms does
/// not want the others listed as if it used them.
fn keep_selected_step_forms(pack: &Pack, config: &mut Value) {
    let printed: Vec<&str> = pack.forms.forms.iter().map(|f| f.id.as_str()).collect();
    let steps = config.get_mut("steps").and_then(Value::as_array_mut);
    for step in steps.into_iter().flatten() {
        if let Some(forms) = step.get_mut("forms").and_then(Value::as_array_mut) {
            forms.retain(|f| f.as_str().is_some_and(|id| printed.contains(&id)));
        }
    }
}

/// The template context for `language`. `fallback_used`: some text of this language
/// comes from its fallback, which the SOP then says.
pub fn build(
    pack: &Pack,
    language: &crate::config::Language,
    prose: &Prose,
    fallback_used: bool,
) -> Value {
    let tag = language.tag.as_str();
    let mut config = localised_config(pack, tag);
    localise_acronyms(pack, tag, &mut config);
    let acronyms = acronyms(&config, prose);
    keep_selected_step_forms(pack, &mut config);
    let mut context = Map::new();
    for section in SECTIONS {
        context.insert(
            (*section).to_owned(),
            config.get(*section).cloned().unwrap_or(Value::Null),
        );
    }
    for (section, name) in LOOKUPS {
        let by_id: Map<String, Value> = config
            .get(*section)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let id = entry.get("id")?.as_str()?;
                Some((id.to_owned(), entry.clone()))
            })
            .collect();
        context.insert((*name).to_owned(), Value::Object(by_id));
    }
    // Panels by id, for `names(of="panel")` and their schedules.
    let panels: Map<String, Value> = config["bid"]["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|panel| Some((panel.get("id")?.as_str()?.to_owned(), panel.clone())))
        .collect();
    context.insert("panel".into(), Value::Object(panels));
    context.insert(
        "lang".into(),
        json!({
            "tag": tag,
            "name": language.name,
            "dir": if language.direction == Direction::Rtl { "rtl" } else { "ltr" },
        }),
    );
    let mut org_roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for role in pack.config.roles.iter() {
        for org in &role.organisations {
            org_roles
                .entry(org.to_string())
                .or_default()
                .push(role.id.to_string());
        }
    }
    context.insert("org_roles".into(), json!(org_roles));
    let fallback = pack
        .fallback_of(language)
        .filter(|_| fallback_used)
        .map(|l| l.name.clone());
    context.insert("fallback".into(), json!(fallback));
    context.insert("acronyms".into(), json!(acronyms));
    // A draft translation says so in the front matter, with its reviewer's state.
    let draft = pack
        .review
        .get(language.tag.as_str())
        .is_some_and(|review| review.is_draft());
    context.insert("draft_translation".into(), json!(draft));
    context.insert("staffing_norms".into(), config["staffing"].clone());
    context.insert(
        "staffing".into(),
        serde_json::to_value(&pack.staffing).unwrap_or(Value::Null),
    );
    let forms = form_summaries(pack, tag);
    context.insert(
        "form".into(),
        Value::Object(
            forms
                .iter()
                .map(|f| (f.id.clone(), serde_json::to_value(f).unwrap_or_default()))
                .collect(),
        ),
    );
    context.insert(
        "forms".into(),
        serde_json::to_value(&forms).unwrap_or_default(),
    );
    context.insert(
        "access".into(),
        serde_json::to_value(access_levels(pack, tag)).unwrap_or_default(),
    );
    context.insert("form_access".into(), form_access(pack, tag));
    // The directory's own documents, when it goes out by area: what the SOP lists of them.
    let volumes: Vec<Value> = pack
        .directory
        .iter()
        .map(|v| json!({ "area": v.area, "file": v.file, "count": v.count }))
        .collect();
    context.insert("directory_volumes".into(), Value::Array(volumes));
    // The case list on phones (`[forms.odk] entities`) is personal data on every device.
    context.insert("case_list".into(), json!(pack.config.forms.odk.entities));
    context.insert(
        "minimum_dataset".into(),
        serde_json::to_value(minimum_dataset(pack, tag)).unwrap_or_default(),
    );
    context.insert("pathways_by_concern".into(), pathways_by_concern(&config));
    Value::Object(context)
}

fn shown(pack: &Pack, text: &crate::config::Text, language: &str) -> String {
    pack.text(text, language)
        .map(|s| s.text.to_owned())
        .unwrap_or_default()
}

fn form_summaries(pack: &Pack, language: &str) -> Vec<FormSummary> {
    pack.forms
        .forms
        .iter()
        .map(|form| {
            let fields = all_fields(form);
            FormSummary {
                id: form.id.to_string(),
                title: shown(pack, &form.title, language),
                purpose: shown(pack, &form.purpose, language),
                filled_by: shown(pack, &form.filled_by, language),
                version: form.version.to_string(),
                steps: form.steps.iter().map(ToString::to_string).collect(),
                questions: fields.len(),
                highest_sensitivity: fields
                    .iter()
                    .map(|f| f.sensitivity)
                    .max()
                    .unwrap_or(Sensitivity::Public),
            }
        })
        .collect()
}

/// Who fills in and who reads each printed form, from the library's access table, with
/// the need-to-know limit on readers.
fn form_access(pack: &Pack, language: &str) -> Value {
    let access = &crate::library::access::FORM_ACCESS;
    Value::Array(
        pack.forms
            .forms
            .iter()
            .filter_map(|form| {
                let parties = access.get(form.id.as_str())?;
                Some(json!({
                    "form": shown(pack, &form.title, language),
                    "fill": parties.fill,
                    "read": parties.read,
                    "limit": parties.limit,
                }))
            })
            .collect(),
    )
}

/// Which roles see each sensitivity level and which fields carry it. Levels with no
/// field in the selected forms are left out.
fn access_levels(pack: &Pack, language: &str) -> Vec<AccessLevel> {
    let mut levels: BTreeMap<Sensitivity, Vec<FieldGroup>> = BTreeMap::new();
    for form in &pack.forms.forms {
        let mut by_level: BTreeMap<Sensitivity, Vec<String>> = BTreeMap::new();
        for field in all_fields(form) {
            if !field.kind.holds_answer() {
                continue;
            }
            by_level.entry(field.sensitivity).or_default().push(shown(
                pack,
                &field.label,
                language,
            ));
        }
        for (level, fields) in by_level {
            levels.entry(level).or_default().push(FieldGroup {
                form: shown(pack, &form.title, language),
                fields,
            });
        }
    }
    levels
        .into_iter()
        .rev()
        .map(|(level, forms)| {
            let roles = pack
                .config
                .data_protection
                .access
                .iter()
                .filter(|rule| rule.sensitivity == level)
                .flat_map(|rule| rule.roles.iter().map(ToString::to_string))
                .collect();
            AccessLevel {
                level,
                roles,
                fields: forms.iter().map(|g| g.fields.len()).sum(),
                forms,
            }
        })
        .collect()
}

/// Sections of the cross-border transfer form that travel to the receiving side: its
/// section C, which the form itself calls the minimum dataset.
const MINIMUM_DATASET_SECTIONS: &[&str] =
    &["dataset_identity", "dataset_situation", "dataset_consent"];

/// Sections of the transfer form added only when a requested action needs them.
const ADDITIONAL_DATA_SECTIONS: &[&str] = &["dataset_extra"];

/// The one minimum dataset shared across borders: the country's own list when it sets
/// `cross_border.minimum_dataset`, or else the transfer form's shared section (section
/// C). The transfer form is read from the library when the country does not print it.
fn minimum_dataset(pack: &Pack, language: &str) -> Value {
    let configured = pack
        .config
        .cross_border
        .as_ref()
        .and_then(|c| c.minimum_dataset.as_ref());
    if let Some(list) = configured {
        let mut groups = Vec::new();
        for form in &pack.forms.forms {
            let fields: Vec<String> = all_fields(form)
                .into_iter()
                .filter(|field| {
                    list.iter()
                        .any(|r| r.form == form.id && r.field == field.id)
                })
                .map(|field| shown(pack, &field.label, language))
                .collect();
            if !fields.is_empty() {
                groups.push(FieldGroup {
                    form: shown(pack, &form.title, language),
                    fields,
                });
            }
        }
        return json!({ "configured": true, "groups": groups, "additional": [] });
    }
    let library = &crate::forms::library::LIBRARY;
    let Some(transfer) = pack.forms.form(TRANSFER_FORM).or_else(|| {
        library
            .forms
            .iter()
            .map(|f| &f.form)
            .find(|f| f.id.as_str() == TRANSFER_FORM)
    }) else {
        return Value::Null;
    };
    let sections = |ids: &[&str]| -> Vec<FieldGroup> {
        transfer
            .sections
            .iter()
            .filter(|section| ids.contains(&section.id.as_str()))
            .map(|section| {
                let mut fields = Vec::new();
                collect_answers(&section.fields, pack, language, &mut fields);
                FieldGroup {
                    form: shown(pack, &section.title, language),
                    fields,
                }
            })
            .filter(|group| !group.fields.is_empty())
            .collect()
    };
    json!({
        "configured": false,
        "form": shown(pack, &transfer.title, language),
        "groups": sections(MINIMUM_DATASET_SECTIONS),
        "additional": sections(ADDITIONAL_DATA_SECTIONS),
    })
}

const TRANSFER_FORM: &str = "cross_border_transfer";

/// Labels of the fields that hold an answer, depth first.
fn collect_answers(
    fields: &[crate::forms::model::Field],
    pack: &Pack,
    language: &str,
    out: &mut Vec<String>,
) {
    for field in fields {
        if field.kind.holds_answer() {
            out.push(shown(pack, &field.label, language));
        }
        collect_answers(&field.fields, pack, language, out);
    }
}

/// Pathways grouped under their concern, in the order concerns are configured; concerns
/// without a pathway are left out.
fn pathways_by_concern(config: &Value) -> Value {
    let pathways = config["pathways"].as_array().cloned().unwrap_or_default();
    let concerns = config["concerns"].as_array().cloned().unwrap_or_default();
    Value::Array(
        concerns
            .into_iter()
            .filter_map(|concern| {
                let id = concern.get("id")?.as_str()?.to_owned();
                let own: Vec<Value> = pathways
                    .iter()
                    .filter(|p| p["concern"].as_str() == Some(&id))
                    .cloned()
                    .collect();
                (!own.is_empty()).then(|| json!({ "concern": concern, "pathways": own }))
            })
            .collect(),
    )
}
