//! Checks of a (tailored) form: unique ids, choice lists, groups, conditions that parse
//! and type-check, no circular conditions, known steps. Every finding is located where
//! the offending item was written: the built-in form file, or the configuration for
//! fields and sections a country added.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use super::{FormScope, field_type};
use crate::config::Id;
use crate::diagnostic::did_you_mean;
use crate::forms::expr;
use crate::forms::model::{ChoiceIndex, Field, FormDefinition};

/// Where an item of a form was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The built-in form's own file.
    Library,
    /// The country configuration (tailoring).
    Config,
}

/// Where each section and field (by id) was written, as a place and a JSON pointer.
pub type Origins = HashMap<String, (Place, String)>;

/// A problem found in a form, before it is located.
#[derive(Debug)]
pub struct Finding {
    pub code: &'static str,
    pub place: Place,
    pub pointer: String,
    pub message: String,
    /// Span inside the string value at `pointer` (conditions).
    pub offset: Option<Range<usize>>,
    pub help: String,
}

/// Origins of a built-in form's own sections and fields.
pub fn library_origins(form: &FormDefinition) -> Origins {
    let mut origins = Origins::new();
    for (s, section) in form.sections.iter().enumerate() {
        let base = format!("/sections/{s}");
        origins
            .entry(section.id.to_string())
            .or_insert((Place::Library, base.clone()));
        record_fields(&section.fields, &base, Place::Library, &mut origins);
    }
    origins
}

/// Records the origin of `fields` (and their children) under `base`.
pub fn record_fields(fields: &[Field], base: &str, place: Place, origins: &mut Origins) {
    for (i, field) in fields.iter().enumerate() {
        let pointer = format!("{base}/fields/{i}");
        origins
            .entry(field.id.to_string())
            .or_insert((place, pointer.clone()));
        record_fields(&field.fields, &pointer, place, origins);
    }
}

pub fn lint_form(
    form: &FormDefinition,
    origins: &Origins,
    choices: &ChoiceIndex,
    steps: &BTreeSet<&str>,
    duplicates: &[(Place, String, String)],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let locate = |id: &str| {
        origins
            .get(id)
            .cloned()
            .unwrap_or((Place::Library, String::new()))
    };
    let mut push =
        |code, (place, pointer): (Place, String), message: String, help: &str, offset| {
            findings.push(Finding {
                code,
                place,
                pointer,
                message,
                offset,
                help: help.to_owned(),
            })
        };

    for (place, pointer, id) in duplicates {
        let reserved = crate::forms::case_list::RESERVED.contains(&id.as_str());
        push(
            "duplicate-id",
            (*place, format!("{pointer}/id")),
            if reserved {
                format!("`{id}` is reserved: the XLSForms' case list uses it")
            } else {
                format!("`{id}` is used twice in form `{}`", form.id)
            },
            if reserved {
                "give the field another id"
            } else {
                "section and field ids are unique in a form (XLSForm needs this)"
            },
            None,
        );
    }
    let scope = FormScope::new(form, choices);
    let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for field in super::all_fields(form) {
        let (place, pointer) = locate(field.id.as_str());
        match (&field.choices, field.kind.has_choices()) {
            (None, true) => push(
                "missing-key",
                (place, pointer.clone()),
                format!("choice field `{}` names no `choices` list", field.id),
                "add `choices = \"<list id>\"`",
                None,
            ),
            (Some(list), true) if !choices.contains_key(list) => {
                let suggestion = did_you_mean(list.as_str(), choices.keys().map(Id::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_default();
                push(
                    "unknown-reference",
                    (place, format!("{pointer}/choices")),
                    format!("unknown choice list `{list}`"),
                    &suggestion,
                    None,
                );
            }
            (Some(_), false) => push(
                "invalid-value",
                (place, format!("{pointer}/choices")),
                format!("`{}` is not a choice field but names `choices`", field.id),
                "remove `choices`, or make the field single_choice or multiple_choice",
                None,
            ),
            _ => {}
        }
        if field.kind.has_children() == field.fields.is_empty() {
            let message = if field.kind.has_children() {
                format!("`{}` is a group or repeat without fields", field.id)
            } else {
                format!("`{}` is not a group or repeat but has `fields`", field.id)
            };
            push(
                "invalid-value",
                (place, pointer.clone()),
                message,
                "only `group` and `repeat` hold fields, and they need at least one",
                None,
            );
        }
        for (key, source, is_constraint) in [
            ("relevant", &field.relevant, false),
            ("constraint", &field.constraint, true),
        ] {
            let Some(source) = source else { continue };
            let current = if is_constraint {
                field_type(field)
            } else {
                None
            };
            match expr::parse(source)
                .and_then(|e| expr::check(&e, &scope, current.as_ref()).map(|()| e))
            {
                Ok(parsed) if !is_constraint => {
                    let mut refs = Vec::new();
                    expr::references(&parsed, &mut refs);
                    depends.insert(field.id.to_string(), refs);
                }
                Ok(_) => {}
                Err(e) => push(
                    "invalid-expression",
                    (place, format!("{pointer}/{key}")),
                    format!("in the `{key}` of `{}`: {}", field.id, e.message),
                    "see forms/README.md for the condition language",
                    Some(e.span),
                ),
            }
        }
    }
    for section in &form.sections {
        let (place, pointer) = locate(section.id.as_str());
        if let Some(source) = &section.relevant
            && let Err(e) = expr::parse(source).and_then(|x| expr::check(&x, &scope, None))
        {
            push(
                "invalid-expression",
                (place, format!("{pointer}/relevant")),
                format!(
                    "in the `relevant` of section `{}`: {}",
                    section.id, e.message
                ),
                "see forms/README.md",
                Some(e.span),
            );
        }
        if section.fields.is_empty() {
            push(
                "invalid-value",
                (place, pointer),
                format!("section `{}` has no fields", section.id),
                "add fields, or leave the section out",
                None,
            );
        }
    }
    if let Some(cycle) = find_cycle(&depends) {
        let (place, pointer) = locate(&cycle[0]);
        push(
            "expression-cycle",
            (place, format!("{pointer}/relevant")),
            format!(
                "these conditions depend on each other in a circle: {}",
                cycle.join(" → ")
            ),
            "a field's `relevant` cannot depend, directly or not, on the field itself",
            None,
        );
    }
    for (i, step) in form.steps.iter().enumerate() {
        if !steps.contains(step.as_str()) {
            push(
                "unknown-reference",
                (Place::Library, format!("/steps/{i}")),
                format!(
                    "form `{}` names the step `{step}`, which the configuration does not define",
                    form.id
                ),
                "define the step in [[steps]] or drop the form from `forms.selected`",
                None,
            );
        }
    }
    findings
}

/// A circle in the `relevant` dependencies, as a path of field ids ending where it began.
pub fn find_cycle(depends: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        depends: &'a BTreeMap<String, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == node) {
            let mut cycle: Vec<String> = path[i..].iter().map(|s| (*s).to_owned()).collect();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in depends.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, depends, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    depends
        .keys()
        .find_map(|start| visit(start, depends, &mut Vec::new(), &mut done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found() {
        let depends: BTreeMap<String, Vec<String>> = [
            ("a".to_owned(), vec!["b".to_owned()]),
            ("b".to_owned(), vec!["c".to_owned()]),
            ("c".to_owned(), vec!["a".to_owned()]),
            ("d".to_owned(), vec!["a".to_owned()]),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            find_cycle(&depends),
            Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
        );
        let acyclic: BTreeMap<String, Vec<String>> = [("a".to_owned(), vec!["b".to_owned()])]
            .into_iter()
            .collect();
        assert_eq!(find_cycle(&acyclic), None);
    }
}
