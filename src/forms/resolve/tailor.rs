//! Tailoring by a country: hide and relabel fields, add fields and sections, extend or
//! replace choice lists. Each change is checked where it is written.

use std::collections::{BTreeMap, BTreeSet};

use super::all_fields;
use super::lint::{Origins, Place, record_fields};
use crate::config::{Config, FormTailoring, Id, SourceMap};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::forms::expr;
use crate::forms::model::{ChoiceIndex, ChoiceList, Field, FieldType, FormDefinition};

/// Applies one form's tailoring: hidden fields, new labels, added fields and sections.
/// Records where added items were written, and ids that clash with existing ones.
pub fn apply_tailoring(
    form: &mut FormDefinition,
    tailoring: &FormTailoring,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    origins: &mut Origins,
    duplicates: &mut Vec<(Place, String, String)>,
) {
    let base = format!("/forms/tailoring/{}", form.id);
    let ids: Vec<String> = all_fields(form).iter().map(|f| f.id.to_string()).collect();
    let form_id = form.id.clone();
    let unknown = |field: &Id, pointer: String| {
        let help = match did_you_mean(field.as_str(), ids.iter().map(String::as_str)) {
            Some(s) => {
                format!("did you mean `{s}`? (`bipgen forms show {form_id}` lists the fields)")
            }
            None => format!("`bipgen forms show {form_id}` lists the fields"),
        };
        Diagnostic::error(
            "unknown-reference",
            format!("form `{form_id}` has no field `{field}`"),
        )
        .with_help(help)
        .at(map.value(&pointer))
    };
    let mut hidden = BTreeSet::new();
    for (i, field_id) in tailoring.hide.iter().enumerate() {
        let pointer = format!("{base}/hide/{i}");
        match all_fields(form).into_iter().find(|f| &f.id == field_id) {
            None => diagnostics.push(unknown(field_id, pointer)),
            Some(field) if field.core => diagnostics.push(
                Diagnostic::error("core-field-hidden", format!("`{field_id}` is a core field of `{}` and cannot be hidden", form.id))
                    .with_help("core fields carry the quality elements of the BIP (identity, consent, risk, the four factor groups, decisions, signatures); relabel it instead")
                    .at(map.value(&pointer)),
            ),
            Some(_) => {
                hidden.insert(field_id.to_string());
            }
        }
    }
    // A hidden field may not be needed by a condition that stays.
    for field in all_fields(form) {
        if hidden.contains(field.id.as_str()) {
            continue;
        }
        for source in [&field.relevant, &field.constraint].into_iter().flatten() {
            let Ok(parsed) = expr::parse(source) else {
                continue;
            };
            let mut refs = Vec::new();
            expr::references(&parsed, &mut refs);
            if let Some(needed) = refs.iter().find(|r| hidden.contains(r.as_str())) {
                let index = tailoring
                    .hide
                    .iter()
                    .position(|h| h.as_str() == needed)
                    .unwrap_or(0);
                diagnostics.push(
                    Diagnostic::error(
                        "hidden-field-needed",
                        format!(
                            "`{needed}` cannot be hidden: the condition of `{}` uses it",
                            field.id
                        ),
                    )
                    .with_help(format!("hide `{}` as well, or keep `{needed}`", field.id))
                    .at(map.value(&format!("{base}/hide/{index}"))),
                );
            }
        }
    }
    for section in &mut form.sections {
        remove_hidden(&mut section.fields, &hidden);
    }
    add_fields(
        form,
        tailoring,
        &base,
        map,
        diagnostics,
        origins,
        duplicates,
    );
    add_sections(
        form,
        tailoring,
        &base,
        map,
        diagnostics,
        origins,
        duplicates,
    );
    for (field_id, label) in &tailoring.relabel {
        let pointer = format!("{base}/relabel/{field_id}");
        match find_field_mut(form, field_id) {
            Some(field) => field.label = label.clone(),
            None => diagnostics.push(unknown(field_id, pointer)),
        }
    }
    for field_id in tailoring.print_as.keys() {
        let pointer = format!("{base}/print_as/{field_id}");
        match find_field_mut(form, field_id) {
            Some(field) if field.kind.has_choices() => {}
            Some(_) => diagnostics.push(
                Diagnostic::error(
                    "print-as-not-choice",
                    format!("`{field_id}` is not a choice question; only those print as tick boxes or a write-in"),
                )
                .at(map.key(&pointer)),
            ),
            None => diagnostics.push(unknown(field_id, pointer)),
        }
    }
}

fn remove_hidden(fields: &mut Vec<Field>, hidden: &BTreeSet<String>) {
    fields.retain(|f| !hidden.contains(f.id.as_str()));
    for field in fields {
        remove_hidden(&mut field.fields, hidden);
    }
}

fn find_field_mut<'a>(form: &'a mut FormDefinition, id: &Id) -> Option<&'a mut Field> {
    fn walk<'a>(fields: &'a mut [Field], id: &Id) -> Option<&'a mut Field> {
        for field in fields {
            if &field.id == id {
                return Some(field);
            }
            if let Some(found) = walk(&mut field.fields, id) {
                return Some(found);
            }
        }
        None
    }
    form.sections
        .iter_mut()
        .find_map(|s| walk(&mut s.fields, id))
}

/// Every id in use in the form: sections and fields.
fn ids_in_use(form: &FormDefinition) -> BTreeSet<String> {
    form.sections
        .iter()
        .map(|s| s.id.to_string())
        .chain(all_fields(form).iter().map(|f| f.id.to_string()))
        // The XLSForms' case-list questions take these names.
        .chain(crate::forms::case_list::RESERVED.map(String::from))
        .collect()
}

/// Records added fields' origins and the ids that clash with ones already in the form.
fn register(
    fields: &[Field],
    base: &str,
    in_use: &mut BTreeSet<String>,
    origins: &mut Origins,
    duplicates: &mut Vec<(Place, String, String)>,
) {
    for (i, field) in fields.iter().enumerate() {
        let pointer = format!("{base}/fields/{i}");
        if !in_use.insert(field.id.to_string()) {
            duplicates.push((Place::Config, pointer.clone(), field.id.to_string()));
        }
        register(&field.fields, &pointer, in_use, origins, duplicates);
    }
    record_fields(fields, base, Place::Config, origins);
}

/// A tailoring names a section the form does not have.
fn no_section(
    form: &FormDefinition,
    wanted: &Id,
    at: Option<crate::diagnostic::Location>,
) -> Diagnostic {
    let ids: Vec<&str> = form.sections.iter().map(|s| s.id.as_str()).collect();
    let help = match did_you_mean(wanted.as_str(), ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? The sections are: {}", ids.join(", ")),
        None => format!("the sections are: {}", ids.join(", ")),
    };
    Diagnostic::error(
        "unknown-reference",
        format!("form `{}` has no section `{wanted}`", form.id),
    )
    .with_help(help)
    .at(at)
}

fn add_fields(
    form: &mut FormDefinition,
    tailoring: &FormTailoring,
    base: &str,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    origins: &mut Origins,
    duplicates: &mut Vec<(Place, String, String)>,
) {
    let mut in_use = ids_in_use(form);
    for (i, added) in tailoring.add.iter().enumerate() {
        let pointer = format!("{base}/add/{i}");
        let Some(index) = form.sections.iter().position(|s| s.id == added.section) else {
            diagnostics.push(no_section(
                form,
                &added.section,
                map.value(&format!("{pointer}/section")),
            ));
            continue;
        };
        let section = &mut form.sections[index];
        let position = match &added.after {
            None => section.fields.len(),
            Some(after) => match section.fields.iter().position(|f| &f.id == after) {
                Some(p) => p + 1,
                None => {
                    let names: Vec<&str> = section.fields.iter().map(|f| f.id.as_str()).collect();
                    diagnostics.push(
                        Diagnostic::error(
                            "unknown-reference",
                            format!(
                                "section `{}` has no field `{after}` to add after",
                                section.id
                            ),
                        )
                        .with_help(format!("name one of its fields: {}", names.join(", ")))
                        .at(map.value(&format!("{pointer}/after"))),
                    );
                    continue;
                }
            },
        };
        register(&added.fields, &pointer, &mut in_use, origins, duplicates);
        section
            .fields
            .splice(position..position, added.fields.iter().cloned());
    }
}

fn add_sections(
    form: &mut FormDefinition,
    tailoring: &FormTailoring,
    base: &str,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    origins: &mut Origins,
    duplicates: &mut Vec<(Place, String, String)>,
) {
    let mut in_use = ids_in_use(form);
    for (i, added) in tailoring.add_sections.iter().enumerate() {
        let pointer = format!("{base}/add_sections/{i}");
        let position = match &added.after {
            // Before the last section, which holds the signatures in every built-in form.
            None => form.sections.len().saturating_sub(1),
            Some(after) => match form.sections.iter().position(|s| &s.id == after) {
                Some(p) => p + 1,
                None => {
                    diagnostics.push(no_section(
                        form,
                        after,
                        map.value(&format!("{pointer}/after")),
                    ));
                    continue;
                }
            },
        };
        for (j, section) in added.sections.iter().enumerate() {
            let section_pointer = format!("{pointer}/sections/{j}");
            if !in_use.insert(section.id.to_string()) {
                duplicates.push((
                    Place::Config,
                    section_pointer.clone(),
                    section.id.to_string(),
                ));
            }
            origins
                .entry(section.id.to_string())
                .or_insert((Place::Config, section_pointer.clone()));
            register(
                &section.fields,
                &section_pointer,
                &mut in_use,
                origins,
                duplicates,
            );
        }
        form.sections
            .splice(position..position, added.sections.iter().cloned());
    }
}

/// Applies `[forms.choices]`: extends or replaces library lists, or adds new ones. Lists
/// that come from the configuration itself (concerns, services…) are edited there.
pub fn tailor_lists(
    choices: &mut ChoiceIndex,
    config: &Config,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (id, tailoring) in &config.forms.choices {
        let pointer = format!("/forms/choices/{id}");
        if super::CONFIG_LISTS.contains(&id.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    "invalid-value",
                    format!("`{id}` comes from the configuration's own [[{id}]]"),
                )
                .with_help(format!("add or change entries in [[{id}]] instead"))
                .at(map.key(&pointer)),
            );
            continue;
        }
        let list = choices.entry(id.clone()).or_insert_with(|| ChoiceList {
            id: id.clone(),
            options: Vec::new(),
        });
        if tailoring.replace {
            list.options.clear();
        }
        for (i, option) in tailoring.options.iter().enumerate() {
            if list.options.iter().any(|o| o.id == option.id) {
                diagnostics.push(
                    Diagnostic::error("duplicate-id", format!("list `{id}` already has the option `{}`", option.id))
                        .with_help("give the new option another id, or set `replace = true` to start the list afresh")
                        .at(map.value(&format!("{pointer}/options/{i}/id"))),
                );
                continue;
            }
            list.options.push(option.clone());
        }
    }
}

/// A choice from a list the configuration leaves empty becomes a write-in answer.
pub fn write_in_empty_lists(
    forms: &mut [FormDefinition],
    choices: &ChoiceIndex,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let empty: BTreeSet<Id> = choices
        .iter()
        .filter(|(_, l)| l.options.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    let mut emptied: BTreeMap<Id, Vec<String>> = BTreeMap::new();
    for form in forms {
        for section in &mut form.sections {
            write_in_empty_choices(&mut section.fields, &empty, &form.id, &mut emptied);
        }
    }
    for (list, uses) in emptied {
        diagnostics.push(
            Diagnostic::warning("empty-choice-list", format!("the configuration defines no `{list}`; these questions are asked as write-ins instead: {}", uses.join(", ")))
                .with_help(format!("define [[{list}]] in the configuration to offer them as choices"))
                .at(map.key(&format!("/{list}")).filter(|l| l.span != (0..0)).or_else(|| map.value(""))),
        );
    }
}

fn write_in_empty_choices(
    fields: &mut [Field],
    empty: &BTreeSet<Id>,
    form: &Id,
    emptied: &mut BTreeMap<Id, Vec<String>>,
) {
    for field in fields {
        if field.kind.has_choices()
            && let Some(list) = field.choices.clone().filter(|l| empty.contains(l))
        {
            field.kind = FieldType::Text;
            field.choices = None;
            emptied
                .entry(list)
                .or_default()
                .push(format!("`{form}.{}`", field.id));
        }
        write_in_empty_choices(&mut field.fields, empty, form, emptied);
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, checked, diagnostics_for};

    fn tailored(tailoring: &str) -> String {
        format!("{MINIMAL}\n{tailoring}")
    }

    fn codes(text: &str) -> Vec<&'static str> {
        diagnostics_for(text).iter().map(|d| d.code).collect()
    }

    #[test]
    fn hiding_follows_the_rules() {
        let ok = checked(&tailored(
            "[forms.tailoring.registration_intake]\nhide = [\"ethnicity\"]\n",
        ));
        assert!(!ok.has_errors(), "{:#?}", ok.diagnostics);
        let form = ok
            .forms
            .as_ref()
            .unwrap()
            .form("registration_intake")
            .unwrap()
            .clone();
        assert!(
            !super::all_fields(&form)
                .iter()
                .any(|f| f.id.as_str() == "ethnicity")
        );

        assert!(
            codes(&tailored(
                "[forms.tailoring.registration_intake]\nhide = [\"name_first\"]\n"
            ))
            .contains(&"core-field-hidden")
        );
        let found = diagnostics_for(&tailored(
            "[forms.tailoring.registration_intake]\nhide = [\"ethnicty\"]\n",
        ));
        let d = found
            .iter()
            .find(|d| d.code == "unknown-reference")
            .expect("reported");
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("did you mean `ethnicity`")
        );
        assert!(
            codes(&tailored(
                "[forms.tailoring.registration_intake]\nhide = [\"interpreter_used\"]\n"
            ))
            .contains(&"hidden-field-needed")
        );
    }

    #[test]
    fn added_fields_are_checked_where_they_are_written() {
        let add = "[[forms.tailoring.registration_intake.add]]\nsection = \"child\"\nafter = \"sex\"\n\
                   [[forms.tailoring.registration_intake.add.fields]]\nid = \"camp_block\"\ntype = \"text\"\nlabel = \"Block\"\nsensitivity = \"confidential\"\n";
        let ok = checked(&tailored(add));
        assert!(!ok.has_errors(), "{:#?}", ok.diagnostics);
        let form = ok
            .forms
            .as_ref()
            .unwrap()
            .form("registration_intake")
            .unwrap()
            .clone();
        let child = form
            .sections
            .iter()
            .find(|s| s.id.as_str() == "child")
            .unwrap();
        let position = child
            .fields
            .iter()
            .position(|f| f.id.as_str() == "camp_block")
            .unwrap();
        assert_eq!(child.fields[position - 1].id.as_str(), "sex");

        let bad = format!("{add}relevant = \"sex = 'femal'\"\n");
        let found = diagnostics_for(&tailored(&bad));
        let d = found
            .iter()
            .find(|d| d.code == "invalid-expression")
            .expect("reported");
        let location = d.location.as_ref().unwrap();
        assert_eq!(location.file, 0, "points into the configuration");
        assert!(d.message.contains("did you mean 'female'"), "{}", d.message);

        let twice = add.replace("camp_block", "ethnicity");
        let found = diagnostics_for(&tailored(&twice));
        assert!(
            found
                .iter()
                .any(|d| d.code == "duplicate-id"
                    && d.location.as_ref().is_some_and(|l| l.file == 0)),
            "{found:#?}"
        );
        assert!(
            codes(&tailored(
                &add.replace("section = \"child\"", "section = \"chlid\"")
            ))
            .contains(&"unknown-reference")
        );
    }

    #[test]
    fn sections_can_be_added() {
        let add = "[[forms.tailoring.bia_short.add_sections]]\n[[forms.tailoring.bia_short.add_sections.sections]]\nid = \"local_follow_up\"\ntitle = \"Local follow-up\"\n\
                   [[forms.tailoring.bia_short.add_sections.sections.fields]]\nid = \"local_officer\"\ntype = \"text\"\nlabel = \"Officer\"\nsensitivity = \"internal\"\n";
        let ok = checked(&tailored(add));
        assert!(!ok.has_errors(), "{:#?}", ok.diagnostics);
        let form = ok
            .forms
            .as_ref()
            .unwrap()
            .form("bia_short")
            .unwrap()
            .clone();
        let ids: Vec<&str> = form.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids[ids.len() - 2],
            "local_follow_up",
            "added before the last section: {ids:?}"
        );
    }

    #[test]
    fn lists_can_be_extended_or_replaced() {
        let extend =
            "[forms.choices.sex]\noptions = [{ id = \"intersex\", label = \"Intersex\" }]\n";
        let ok = checked(&tailored(extend));
        assert!(!ok.has_errors(), "{:#?}", ok.diagnostics);
        let sex = &ok.forms.as_ref().unwrap().choices["sex"];
        assert_eq!(sex.options.last().unwrap().id.as_str(), "intersex");
        assert!(sex.options.len() > 1);

        let replace = "[forms.choices.sex]\nreplace = true\noptions = [{ id = \"girl\", label = \"Girl\" }, { id = \"boy\", label = \"Boy\" }]\n";
        let replaced = checked(&tailored(replace));
        // Built-in conditions that compare with the replaced options are now errors.
        if replaced.has_errors() {
            for d in replaced.diagnostics.iter().filter(|d| d.is_error()) {
                assert!(
                    d.code == "invalid-expression" && d.message.contains("sex"),
                    "{d:#?}"
                );
            }
        } else {
            assert_eq!(
                replaced.forms.as_ref().unwrap().choices["sex"]
                    .options
                    .len(),
                2
            );
        }

        assert!(
            codes(&tailored(
                "[forms.choices.concerns]\noptions = [{ id = \"x\", label = \"X\" }]\n"
            ))
            .contains(&"invalid-value")
        );
        assert!(
            codes(&tailored(
                "[forms.choices.sex]\noptions = [{ id = \"male\", label = \"Male\" }]\n"
            ))
            .contains(&"duplicate-id")
        );
    }
}
