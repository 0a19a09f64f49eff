//! One form as Primero `FormSection`s: the case form, with a separator for each section
//! and group, and a nested subform for each repeat.
//!
//! Types map as Primero stores answers: text and long text to `text_field` and
//! `textarea`, numbers to `numeric_field`, dates to `date_field`, yes/no and short
//! single choices to `radio_button`, longer and multiple choices to `select_box`, a
//! signature to `signature` with the signer's name, the date and how it was given beside
//! it, notes and headings to `separator`, repeats to `subform`. Conditions Primero can
//! evaluate become display conditions; the others, and every constraint but "not in the
//! future", are written for the caseworker in the field's guiding questions.

use serde_json::{Map, Value, json};

use super::conditions::{self, Operand, Place};
use super::names::{Named, Names};
use super::{Export, MODULE, YES_NO_LOOKUP, form_unique_id, lookup_id};
use crate::config::Text;
use crate::forms::expr;
use crate::forms::model::{Field, FieldType, FormDefinition};
use crate::render::rule_words::RuleWords;

/// Single-choice lists up to this long show as radio buttons, longer ones as a list.
const RADIO_OPTIONS: usize = 5;

/// The constraint Primero enforces itself on a date (`date_validation`).
const NOT_IN_FUTURE: &str = ". <= today()";

/// The case form of `form` and the subforms of its repeats, subforms first, as Primero
/// creates a subform before the form that names it.
pub(super) fn form_sections(
    export: &Export,
    names: &Names,
    form: &FormDefinition,
    order: usize,
) -> Vec<Value> {
    let mut builder = Builder {
        export,
        names,
        form,
        words: RuleWords::new(export.pack, form),
        subforms: Vec::new(),
    };
    let mut fields = Vec::new();
    for section in &form.sections {
        if let Some(named) = names.section(form.id.as_str(), section.id.as_str()) {
            let conditions: Vec<&str> = section.relevant.as_deref().into_iter().collect();
            let mut separator = builder.base(&named.name, "separator", &section.title);
            builder.describe(&mut separator, section.hint.as_ref(), None, None);
            builder.conditions(&mut separator, &conditions, None);
            fields.push(Value::Object(separator));
        }
        let outer: Vec<&str> = section.relevant.as_deref().into_iter().collect();
        builder.fields(&section.fields, &outer, None, &mut fields);
    }
    let mut sections = std::mem::take(&mut builder.subforms);
    sections.push(json!({
        "unique_id": form_unique_id(form.id.as_str()),
        "parent_form": "case",
        "name_i18n": export.display_name(&form.title),
        "description_i18n": export.i18n(&form.purpose),
        "visible": true,
        "is_nested": false,
        "editable": true,
        "order": order,
        "order_form_group": export.form_group_order(form),
        "order_subform": 0,
        "form_group_id": export.form_group(form),
        "module_ids": [MODULE],
        "fields_attributes": fields,
    }));
    sections
}

struct Builder<'a> {
    export: &'a Export<'a>,
    names: &'a Names,
    form: &'a FormDefinition,
    words: RuleWords<'a>,
    subforms: Vec<Value>,
}

impl Builder<'_> {
    /// `fields` as Primero fields into `out`; `outer` are the conditions of the
    /// sections and groups around them, `repeat` the repeat they are rows of.
    fn fields(
        &mut self,
        fields: &[Field],
        outer: &[&str],
        repeat: Option<&str>,
        out: &mut Vec<Value>,
    ) {
        for field in fields {
            let Some(named) = self.names.field(self.form.id.as_str(), field.id.as_str()) else {
                continue;
            };
            let mut conditions = outer.to_vec();
            conditions.extend(field.relevant.as_deref());
            match field.kind {
                // A group is a heading; its condition holds for each of its fields.
                FieldType::Group => {
                    out.push(self.separator(field, named, &conditions, repeat));
                    self.fields(&field.fields, &conditions, repeat, out);
                }
                FieldType::Repeat if repeat.is_none() => {
                    out.push(self.subform(field, named, &conditions));
                }
                // Primero has no subform in a subform: its columns join the row.
                FieldType::Repeat => {
                    out.push(self.separator(field, named, &conditions, repeat));
                    self.fields(&field.fields, &conditions, repeat, out);
                }
                FieldType::Note => out.push(self.separator(field, named, &conditions, repeat)),
                FieldType::Signature => {
                    out.extend(self.signature(field, named, &conditions, repeat))
                }
                _ => out.push(Value::Object(self.answer(
                    field,
                    named,
                    &conditions,
                    repeat,
                ))),
            }
        }
    }

    /// A field with its name, type and label.
    fn base(&self, name: &str, kind: &str, label: &Text) -> Map<String, Value> {
        let mut field = Map::new();
        field.insert("name".into(), json!(name));
        field.insert("type".into(), json!(kind));
        field.insert(
            "display_name_i18n".into(),
            Value::Object(self.export.display_name(label)),
        );
        field.insert("visible".into(), json!(true));
        field
    }

    fn separator(
        &self,
        field: &Field,
        named: &Named,
        conditions: &[&str],
        repeat: Option<&str>,
    ) -> Value {
        let mut separator = self.base(&named.name, "separator", &field.label);
        self.describe(
            &mut separator,
            field.hint.as_ref(),
            field.guidance.as_ref(),
            None,
        );
        self.conditions(&mut separator, conditions, repeat);
        Value::Object(separator)
    }

    /// A question that holds an answer.
    fn answer(
        &self,
        field: &Field,
        named: &Named,
        conditions: &[&str],
        repeat: Option<&str>,
    ) -> Map<String, Value> {
        let list = field
            .choices
            .as_ref()
            .and_then(|c| self.export.pack.forms.choices.get(c));
        let kind = match field.kind {
            FieldType::Text => "text_field",
            FieldType::LongText => "textarea",
            FieldType::Integer | FieldType::Decimal => "numeric_field",
            FieldType::Date => "date_field",
            FieldType::YesNo => "radio_button",
            FieldType::SingleChoice if list.is_some_and(|l| l.options.len() <= RADIO_OPTIONS) => {
                "radio_button"
            }
            _ => "select_box",
        };
        let mut out = self.base(&named.name, kind, &field.label);
        if field.required {
            out.insert("required".into(), json!(true));
        }
        match field.kind {
            FieldType::YesNo => {
                out.insert(
                    "option_strings_source".into(),
                    json!(format!("lookup {YES_NO_LOOKUP}")),
                );
            }
            FieldType::SingleChoice | FieldType::MultipleChoice => {
                if let Some(list) = &field.choices {
                    out.insert(
                        "option_strings_source".into(),
                        json!(format!("lookup {}", lookup_id(list.as_str()))),
                    );
                }
                if kind == "select_box" {
                    out.insert(
                        "multi_select".into(),
                        json!(field.kind == FieldType::MultipleChoice),
                    );
                }
            }
            _ => {}
        }
        let mut unenforced = field.constraint.as_deref();
        if field.kind == FieldType::Date {
            let not_future = unenforced.is_some_and(|c| same_rule(c, NOT_IN_FUTURE));
            let validation = if not_future {
                unenforced = None;
                "not_future_date"
            } else {
                "default_date_validation"
            };
            out.insert("date_validation".into(), json!(validation));
        }
        self.describe(
            &mut out,
            field.hint.as_ref(),
            field.guidance.as_ref(),
            unenforced.map(|c| (c, field.id.as_str())),
        );
        self.conditions(&mut out, conditions, repeat);
        out
    }

    /// The signature, then who signed, when and how: Primero's signature holds the
    /// image only.
    fn signature(
        &self,
        field: &Field,
        named: &Named,
        conditions: &[&str],
        repeat: Option<&str>,
    ) -> Vec<Value> {
        let mut signature = self.answer(field, named, conditions, repeat);
        signature.insert("type".into(), json!("signature"));
        let label = |part: &str| {
            self.export.per_language(|language| {
                format!(
                    "{} ({})",
                    self.words.text(&field.label, language),
                    self.words.phrase(part, language)
                )
            })
        };
        let mut parts = vec![Value::Object(signature)];
        let has_method = self
            .export
            .pack
            .forms
            .choices
            .contains_key("signature_method");
        for (suffix, kind, phrase) in [
            ("name", "text_field", "name"),
            ("date", "date_field", "date"),
            ("method", "radio_button", "signature_method"),
        ] {
            let Some(companion) =
                self.names
                    .companion(self.form.id.as_str(), field.id.as_str(), suffix)
            else {
                continue;
            };
            if suffix == "method" && !has_method {
                continue;
            }
            let mut part = Map::new();
            part.insert("name".into(), json!(companion.name));
            part.insert("type".into(), json!(kind));
            part.insert(
                "display_name_i18n".into(),
                Value::Object(clean(label(phrase))),
            );
            part.insert("visible".into(), json!(true));
            match suffix {
                "name" | "date" if field.required => {
                    part.insert("required".into(), json!(true));
                }
                _ => {}
            }
            if suffix == "date" {
                part.insert("date_validation".into(), json!("not_future_date"));
            }
            if suffix == "method" {
                part.insert(
                    "option_strings_source".into(),
                    json!(format!("lookup {}", lookup_id("signature_method"))),
                );
            }
            self.conditions(&mut part, conditions, repeat);
            parts.push(Value::Object(part));
        }
        parts
    }

    /// A repeat: its subform (kept for the form's list) and the field that holds it.
    fn subform(&mut self, field: &Field, named: &Named, conditions: &[&str]) -> Value {
        let unique_id = format!("{}_{}", form_unique_id(self.form.id.as_str()), field.id);
        let mut rows = Vec::new();
        self.fields(&field.fields, &[], Some(field.id.as_str()), &mut rows);
        // The first answers identify a row in the collapsed list.
        let collapsed: Vec<Value> = rows
            .iter()
            .filter(|f| f["type"] != "separator")
            .take(2)
            .map(|f| f["name"].clone())
            .collect();
        self.subforms.push(json!({
            "unique_id": unique_id,
            "parent_form": "case",
            "name_i18n": self.export.display_name(&field.label),
            "visible": false,
            "is_nested": true,
            "editable": true,
            "order": 0,
            "order_form_group": 0,
            "order_subform": 0,
            "initial_subforms": 0,
            "collapsed_field_names": collapsed,
            "form_group_id": self.export.form_group(self.form),
            "module_ids": [MODULE],
            "fields_attributes": rows,
        }));
        let mut holder = self.base(&named.name, "subform", &field.label);
        holder.insert("subform_unique_id".into(), json!(unique_id));
        self.describe(
            &mut holder,
            field.hint.as_ref(),
            field.guidance.as_ref(),
            None,
        );
        self.conditions(&mut holder, conditions, None);
        Value::Object(holder)
    }

    /// The hint as help text; the guidance and the rules Primero cannot check as
    /// guiding questions.
    fn describe(
        &self,
        out: &mut Map<String, Value>,
        hint: Option<&Text>,
        guidance: Option<&Text>,
        constraint: Option<(&str, &str)>,
    ) {
        if let Some(hint) = hint {
            out.insert(
                "help_text_i18n".into(),
                Value::Object(self.export.i18n(hint)),
            );
        }
        let guiding = self.export.per_language(|language| {
            let mut lines = Vec::new();
            if let Some(guidance) = guidance {
                lines.push(self.words.text(guidance, language));
            }
            if let Some((rule, current)) = constraint {
                let words = self.words.describe(rule, Some(current), language);
                if !words.is_empty() {
                    lines.push(
                        self.words
                            .phrase("must_hold", language)
                            .replace("{condition}", &words),
                    );
                }
            }
            lines.retain(|l| !l.is_empty());
            lines.join("\n")
        });
        if !guiding.is_empty() {
            out.insert("guiding_questions_i18n".into(), Value::Object(guiding));
        }
    }

    /// The conditions a field is asked under: those Primero can evaluate as display
    /// conditions (on the record, or on the subform row), the others added to its
    /// guiding questions in words.
    fn conditions(&self, out: &mut Map<String, Value>, conditions: &[&str], repeat: Option<&str>) {
        let mut record = Vec::new();
        let mut row = Vec::new();
        let mut in_words = Vec::new();
        for source in conditions {
            let translated = expr::parse(source)
                .ok()
                .and_then(|parsed| conditions::translate(&parsed, &|id| self.operand(id, repeat)));
            match translated {
                Some((condition, Place::Record)) => record.push(condition),
                Some((condition, Place::Subform)) => row.push(condition),
                None => in_words.push(*source),
            }
        }
        for (key, mut parts) in [
            ("display_conditions_record", record),
            ("display_conditions_subform", row),
        ] {
            let condition = match parts.len() {
                0 => continue,
                1 => parts.remove(0),
                _ => json!({ "and": parts }),
            };
            out.insert(key.into(), condition);
        }
        if in_words.is_empty() {
            return;
        }
        let said = self.export.per_language(|language| {
            in_words
                .iter()
                .map(|source| {
                    self.words
                        .phrase("answer_only_if", language)
                        .replace("{condition}", &self.words.describe(source, None, language))
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        let guiding = out
            .entry("guiding_questions_i18n")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(guiding) = guiding {
            for (language, words) in said {
                let joined = match guiding.get(&language).and_then(Value::as_str) {
                    Some(before) => format!("{before}\n{}", words.as_str().unwrap_or_default()),
                    None => words.as_str().unwrap_or_default().to_owned(),
                };
                guiding.insert(language, json!(joined));
            }
        }
    }

    /// A field a condition names, as seen from a field in `repeat` (or on the record).
    fn operand(&self, id: &str, repeat: Option<&str>) -> Option<Operand> {
        let named = self.names.field(self.form.id.as_str(), id)?;
        let place = match (named.repeat.as_deref(), repeat) {
            (None, _) => Place::Record,
            (Some(theirs), Some(ours)) if theirs == ours => Place::Subform,
            // A row of another repeat, or rows seen from the record: no single value.
            _ => return None,
        };
        Some(Operand {
            name: named.name.clone(),
            kind: named.kind,
            place,
        })
    }
}

/// Whether two rules are the same expression, whatever their spacing.
fn same_rule(a: &str, b: &str) -> bool {
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    bare(a) == bare(b)
}

/// A display name's English without the characters Primero refuses.
fn clean(mut hash: Map<String, Value>) -> Map<String, Value> {
    if let Some(Value::String(en)) = hash.get_mut("en") {
        *en = en.replace(super::REFUSED_IN_NAMES, "");
    }
    hash
}
