//! Readable outlines of forms for the terminal (`bipgen forms list`, `bipgen forms show`).

use std::fmt::Write;

use super::model::{ChoiceIndex, Field, FieldType, FormDefinition};
use super::resolve::all_fields;
use crate::config::Text;

/// Picks a text in `language`, else in English, else any: an outline is for reading,
/// and says when it shows another language.
fn pick<'a>(text: &'a Text, language: &str) -> (&'a str, bool) {
    match text {
        Text::Plain(s) => (s, false),
        Text::Localised(map) => match map.get(language) {
            Some(s) => (s, false),
            None => (
                map.get("en")
                    .or_else(|| map.values().next())
                    .map_or("", String::as_str),
                true,
            ),
        },
    }
}

fn shown(text: &Text, language: &str) -> String {
    match pick(text, language) {
        (s, false) => s.to_owned(),
        (s, true) => format!("{s} [not translated]"),
    }
}

/// One line per form: id, title, steps, number of questions.
pub fn list(forms: &[&FormDefinition], language: &str) -> String {
    let width = forms.iter().map(|f| f.id.as_str().len()).max().unwrap_or(0);
    let mut out = String::new();
    for form in forms {
        let questions = all_fields(form)
            .iter()
            .filter(|f| f.kind.holds_answer())
            .count();
        let steps: Vec<&str> = form.steps.iter().map(|s| s.as_str()).collect();
        let _ = writeln!(
            out,
            "{:width$}  {}  ({} questions; {})",
            form.id.as_str(),
            shown(&form.title, language),
            questions,
            steps.join(", ")
        );
    }
    out
}

/// The whole form: numbered sections and questions, types, flags, conditions, options.
pub fn show(form: &FormDefinition, choices: &ChoiceIndex, language: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (version {})",
        form.id,
        shown(&form.title, language),
        form.version
    );
    let _ = writeln!(out, "{}", shown(&form.purpose, language));
    let _ = writeln!(out, "Filled by: {}", shown(&form.filled_by, language));
    for (s, section) in form.sections.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{}. {}  [{}]",
            s + 1,
            shown(&section.title, language),
            section.id
        );
        if let Some(relevant) = &section.relevant {
            let _ = writeln!(out, "   only if: {relevant}");
        }
        for (f, field) in section.fields.iter().enumerate() {
            field_lines(
                &mut out,
                field,
                &format!("{}.{}", s + 1, f + 1),
                1,
                choices,
                language,
            );
        }
    }
    out
}

fn field_lines(
    out: &mut String,
    field: &Field,
    number: &str,
    depth: usize,
    choices: &ChoiceIndex,
    language: &str,
) {
    let indent = "   ".repeat(depth);
    let kind = serde_json::to_value(field.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut flags = vec![kind];
    if let Some(list) = &field.choices {
        flags[0] = format!("{} of {list}", flags[0]);
    }
    if field.required {
        flags.push("required".into());
    }
    if field.core {
        flags.push("core".into());
    }
    flags.push(
        serde_json::to_value(field.sensitivity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
    );
    if field.cross_border {
        flags.push("cross-border".into());
    }
    let _ = writeln!(
        out,
        "{indent}{number} {}  [{}: {}]",
        shown(&field.label, language),
        field.id,
        flags.join(", ")
    );
    if let Some(relevant) = &field.relevant {
        let _ = writeln!(out, "{indent}   only if: {relevant}");
    }
    if let Some(constraint) = &field.constraint {
        let _ = writeln!(out, "{indent}   must hold: {constraint}");
    }
    if field.kind.has_choices()
        && let Some(list) = field.choices.as_ref().and_then(|id| choices.get(id))
    {
        let options: Vec<String> = list
            .options
            .iter()
            .map(|o| format!("{} ({})", pick(&o.label, language).0, o.id))
            .collect();
        let _ = writeln!(out, "{indent}   options: {}", options.join("; "));
    }
    if field.kind == FieldType::Repeat || field.kind == FieldType::Group {
        for (i, child) in field.fields.iter().enumerate() {
            field_lines(
                out,
                child,
                &format!("{number}.{}", i + 1),
                depth + 1,
                choices,
                language,
            );
        }
    }
}
