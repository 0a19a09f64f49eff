//! Checks the form library against a configuration and resolves the forms it selects:
//! choice lists from the library and the configuration, tailoring (hidden fields, new
//! labels), and texts normalised to the configured languages.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::expr::{self, Scope, Type};
use super::library::{LIBRARY, LibraryFile};
use super::model::{ChoiceIndex, ChoiceList, ChoiceOption, Field, FieldType, FormDefinition};
use crate::config::{Config, Id, SourceMap, Text};
use crate::diagnostic::{Diagnostic, FileId, Location, Sources, did_you_mean};

/// The forms of one configuration, ready for the renderers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormSet {
    pub forms: Vec<FormDefinition>,
    /// Every choice list the forms use, by id.
    pub choices: ChoiceIndex,
}

impl FormSet {
    pub fn form(&self, id: &str) -> Option<&FormDefinition> {
        self.forms.iter().find(|f| f.id.as_str() == id)
    }
}

/// Lists a configuration provides, with where their ids come from.
pub const CONFIG_LISTS: &[&str] = &[
    "concerns",
    "risk_levels",
    "services",
    "organisations",
    "areas",
    "languages",
    "entry_points",
    "bid_situations",
];

/// Reports into built-in files, adding each to the sources the first time.
struct Reporter<'a> {
    sources: &'a mut Sources,
    files: HashMap<&'static str, FileId>,
    diagnostics: Vec<Diagnostic>,
}

impl Reporter<'_> {
    fn at(
        &mut self,
        file: &LibraryFile,
        pointer: &str,
        offset: Option<std::ops::Range<usize>>,
    ) -> Option<Location> {
        let id = *self.files.entry(file.name).or_insert_with(|| {
            self.sources
                .add(format!("<built-in>/{}", file.name), file.text)
        });
        let mut location = file.map.value(pointer)?;
        location.file = id;
        if let Some(range) = offset {
            // Inside a quoted string: skip the opening quote.
            let start = location.span.start + 1 + range.start;
            location.span = start..start + range.len().max(1);
        }
        Some(location)
    }
}

/// Every choice list: the library's and the configuration's.
pub fn choice_index(config: &Config) -> ChoiceIndex {
    let mut index: ChoiceIndex = LIBRARY
        .lists
        .iter()
        .map(|l| (l.list.id.clone(), l.list.clone()))
        .collect();
    let list = |id: &'static str, options: Vec<(Id, Text)>| {
        (
            Id::from_static(id),
            ChoiceList {
                id: Id::from_static(id),
                options: options
                    .into_iter()
                    .map(|(id, label)| ChoiceOption { id, label })
                    .collect(),
            },
        )
    };
    let languages_text = |name: &str| {
        Text::Localised(
            config
                .languages
                .iter()
                .map(|l| (l.tag.to_string(), name.to_owned()))
                .collect(),
        )
    };
    let from_config = [
        list(
            "concerns",
            config
                .concerns
                .iter()
                .flatten()
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect(),
        ),
        list(
            "risk_levels",
            config
                .risk_levels
                .iter()
                .flatten()
                .map(|r| (r.id.clone(), r.label.clone()))
                .collect(),
        ),
        list(
            "services",
            config
                .services
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
        ),
        list(
            "organisations",
            config
                .organisations
                .iter()
                .map(|o| (o.id.clone(), o.name.clone()))
                .collect(),
        ),
        list(
            "areas",
            config
                .areas
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect(),
        ),
        list(
            "entry_points",
            config
                .entry_points
                .iter()
                .map(|e| (e.id.clone(), e.label.clone()))
                .collect(),
        ),
        list(
            "bid_situations",
            config
                .bid
                .situations
                .iter()
                .flatten()
                .map(|s| (s.id.clone(), s.label.clone()))
                .collect(),
        ),
        list(
            "languages",
            config
                .languages
                .iter()
                .filter_map(|l| {
                    Some((
                        l.tag
                            .as_str()
                            .to_ascii_lowercase()
                            .replace('-', "_")
                            .parse()
                            .ok()?,
                        languages_text(&l.name),
                    ))
                })
                .collect(),
        ),
    ];
    index.extend(from_config);
    index
}

/// The ids of the forms a configuration produces.
pub fn selected_forms(config: &Config) -> Vec<String> {
    match &config.forms.selected {
        Some(selected) => selected.iter().map(ToString::to_string).collect(),
        None => LIBRARY.form_ids().map(str::to_owned).collect(),
    }
}

/// Checks the forms a configuration uses and resolves them.
pub fn check_forms(
    config: &Config,
    map: &SourceMap,
    sources: &mut Sources,
) -> (Vec<Diagnostic>, FormSet) {
    let mut reporter = Reporter {
        sources,
        files: HashMap::new(),
        diagnostics: Vec::new(),
    };
    for (name, problem) in &LIBRARY.broken {
        reporter.diagnostics.push(
            Diagnostic::error(
                "broken-builtin",
                format!("the built-in file `{name}` is broken: {problem}"),
            )
            .with_help("this is a defect of bipgen; please report it"),
        );
    }
    let choices = choice_index(config);
    let steps: BTreeSet<&str> = config
        .steps
        .iter()
        .flatten()
        .map(|s| s.id.as_str())
        .collect();
    let selected = selected_forms(config);

    let mut forms = Vec::new();
    for id in &selected {
        let Some(builtin) = LIBRARY.form(id) else {
            continue;
        };
        check_form(
            &builtin.form,
            &builtin.file,
            &choices,
            &steps,
            &mut reporter,
        );
        let tailoring = config.forms.tailoring.get(&builtin.form.id);
        let mut form = builtin.form.clone();
        if let Some(tailoring) = tailoring {
            apply_tailoring(&mut form, tailoring, map, &mut reporter.diagnostics);
        }
        check_translations(&form, config, map, &mut reporter.diagnostics);
        forms.push(form);
    }
    // Tailoring of a form the configuration does not produce is most likely a mistake.
    for form in config.forms.tailoring.keys() {
        if LIBRARY.form(form.as_str()).is_some() && !selected.iter().any(|s| s == form.as_str()) {
            reporter.diagnostics.push(
                Diagnostic::warning(
                    "unused-tailoring",
                    format!("form `{form}` is tailored but not selected"),
                )
                .with_help("add it to `forms.selected`, or remove its tailoring")
                .at(map.key(&format!("/forms/tailoring/{form}"))),
            );
        }
    }
    // A choice from a list the configuration leaves empty becomes a write-in answer.
    let empty: BTreeSet<Id> = choices
        .iter()
        .filter(|(_, l)| l.options.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    let mut emptied: BTreeMap<Id, Vec<String>> = BTreeMap::new();
    for form in &mut forms {
        for section in &mut form.sections {
            write_in_empty_choices(&mut section.fields, &empty, &form.id, &mut emptied);
        }
    }
    for (list, uses) in emptied {
        reporter.diagnostics.push(
            Diagnostic::warning("empty-choice-list", format!("the configuration defines no `{list}`; these questions are asked as write-ins instead: {}", uses.join(", ")))
                .with_help(format!("define [[{list}]] in the configuration to offer them as choices"))
                .at(map.key(&format!("/{list}")).filter(|l| l.span != (0..0)).or_else(|| map.value(""))),
        );
    }
    let mut used: BTreeSet<Id> = forms
        .iter()
        .flat_map(|f| all_fields(f).into_iter().filter_map(|x| x.choices.clone()))
        .collect();
    if forms
        .iter()
        .any(|f| all_fields(f).iter().any(|x| x.kind == FieldType::YesNo))
    {
        used.insert(Id::from_static("yes_no"));
    }
    let choices: ChoiceIndex = choices
        .into_iter()
        .filter(|(id, _)| used.contains(id))
        .collect();
    check_list_translations(&choices, config, map, &mut reporter.diagnostics);
    (reporter.diagnostics, FormSet { forms, choices })
}

/// Every field of a form, depth first (groups and repeats included).
pub fn all_fields(form: &FormDefinition) -> Vec<&Field> {
    fn walk<'a>(fields: &'a [Field], out: &mut Vec<&'a Field>) {
        for field in fields {
            out.push(field);
            walk(&field.fields, out);
        }
    }
    let mut out = Vec::new();
    for section in &form.sections {
        walk(&section.fields, &mut out);
    }
    out
}

/// Pointers of every field in a form's source, with the field.
fn fields_with_pointers(form: &FormDefinition) -> Vec<(String, &Field)> {
    fn walk<'a>(fields: &'a [Field], base: &str, out: &mut Vec<(String, &'a Field)>) {
        for (i, field) in fields.iter().enumerate() {
            let pointer = format!("{base}/fields/{i}");
            out.push((pointer.clone(), field));
            walk(&field.fields, &pointer, out);
        }
    }
    let mut out = Vec::new();
    for (s, section) in form.sections.iter().enumerate() {
        walk(&section.fields, &format!("/sections/{s}"), &mut out);
    }
    out
}

fn field_type(field: &Field) -> Option<Type> {
    Some(match field.kind {
        FieldType::Text | FieldType::LongText => Type::Text,
        FieldType::Integer | FieldType::Decimal => Type::Number,
        FieldType::Date => Type::Date,
        FieldType::YesNo => Type::YesNo,
        FieldType::SingleChoice => Type::Choice(field.choices.as_ref()?.to_string()),
        FieldType::MultipleChoice => Type::Choices(field.choices.as_ref()?.to_string()),
        FieldType::Signature => Type::Signature,
        FieldType::Repeat => Type::Rows,
        FieldType::Note | FieldType::Group => return None,
    })
}

/// The fields of one form, as the expression checker sees them.
pub struct FormScope<'a> {
    types: BTreeMap<String, Type>,
    choices: &'a ChoiceIndex,
}

impl<'a> FormScope<'a> {
    pub fn new(form: &FormDefinition, choices: &'a ChoiceIndex) -> Self {
        let types = all_fields(form)
            .into_iter()
            .filter_map(|f| Some((f.id.to_string(), field_type(f)?)))
            .collect();
        FormScope { types, choices }
    }
}

impl Scope for FormScope<'_> {
    fn field_type(&self, id: &str) -> Option<Type> {
        self.types.get(id).cloned()
    }
    fn options(&self, list: &str) -> Option<Vec<String>> {
        let list = self.choices.get(list)?;
        Some(list.options.iter().map(|o| o.id.to_string()).collect())
    }
    fn field_ids(&self) -> Vec<String> {
        self.types.keys().cloned().collect()
    }
}

fn check_form(
    form: &FormDefinition,
    file: &LibraryFile,
    choices: &ChoiceIndex,
    steps: &BTreeSet<&str>,
    reporter: &mut Reporter<'_>,
) {
    let mut errors: Vec<Finding> = Vec::new();
    let mut push = |code, pointer: String, message: String, help: &str, offset| {
        errors.push(Finding {
            code,
            pointer,
            message,
            offset,
            help: help.to_owned(),
        })
    };

    let mut seen: HashMap<&str, String> = HashMap::new();
    for (s, section) in form.sections.iter().enumerate() {
        if seen
            .insert(section.id.as_str(), format!("/sections/{s}"))
            .is_some()
        {
            push(
                "duplicate-id",
                format!("/sections/{s}/id"),
                format!("`{}` is used twice in form `{}`", section.id, form.id),
                "section and field ids are unique in a form",
                None,
            );
        }
    }
    let scope = FormScope::new(form, choices);
    let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (pointer, field) in fields_with_pointers(form) {
        if seen.insert(field.id.as_str(), pointer.clone()).is_some() {
            push(
                "duplicate-id",
                format!("{pointer}/id"),
                format!("`{}` is used twice in form `{}`", field.id, form.id),
                "section and field ids are unique in a form (XLSForm needs this)",
                None,
            );
        }
        match (&field.choices, field.kind.has_choices()) {
            (None, true) => push(
                "missing-key",
                pointer.clone(),
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
                    format!("{pointer}/choices"),
                    format!("unknown choice list `{list}`"),
                    &suggestion,
                    None,
                );
            }
            (Some(_), false) => push(
                "invalid-value",
                format!("{pointer}/choices"),
                format!("`{}` is not a choice field but names `choices`", field.id),
                "remove `choices`, or make the field single_choice or multiple_choice",
                None,
            ),
            _ => {}
        }
        if field.kind.has_children() == field.fields.is_empty() {
            let message = if field.kind.has_children() {
                format!("{:?} `{}` has no fields", field.kind, field.id)
            } else {
                format!("`{}` is not a group or repeat but has `fields`", field.id)
            };
            push(
                "invalid-value",
                pointer.clone(),
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
            let at = format!("{pointer}/{key}");
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
                    at,
                    format!("in the `{key}` of `{}`: {}", field.id, e.message),
                    "see forms/README.md for the condition language",
                    Some(e.span),
                ),
            }
        }
    }
    for (s, section) in form.sections.iter().enumerate() {
        if let Some(source) = &section.relevant
            && let Err(e) = expr::parse(source).and_then(|x| expr::check(&x, &scope, None))
        {
            push(
                "invalid-expression",
                format!("/sections/{s}/relevant"),
                format!(
                    "in the `relevant` of section `{}`: {}",
                    section.id, e.message
                ),
                "see forms/README.md",
                Some(e.span),
            );
        }
    }
    if let Some(cycle) = find_cycle(&depends) {
        let pointer = seen.get(cycle[0].as_str()).cloned().unwrap_or_default();
        push(
            "expression-cycle",
            format!("{pointer}/relevant"),
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
                format!("/steps/{i}"),
                format!(
                    "form `{}` names the step `{step}`, which the configuration does not define",
                    form.id
                ),
                "define the step in [[steps]] or drop the form from `forms.selected`",
                None,
            );
        }
    }
    for Finding {
        code,
        pointer,
        message,
        offset,
        help,
    } in errors
    {
        let location = reporter.at(file, &pointer, offset);
        let mut diagnostic = Diagnostic::error(code, message).at(location);
        if !help.is_empty() {
            diagnostic = diagnostic.with_help(help);
        }
        reporter.diagnostics.push(diagnostic);
    }
}

/// A problem found in a built-in form, before it is located in its file.
struct Finding {
    code: &'static str,
    pointer: String,
    message: String,
    /// Span inside the string value at `pointer` (conditions).
    offset: Option<std::ops::Range<usize>>,
    help: String,
}

/// A circle in the `relevant` dependencies, as a path of field ids ending where it began.
fn find_cycle(depends: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
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

fn apply_tailoring(
    form: &mut FormDefinition,
    tailoring: &crate::config::FormTailoring,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
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
    for (field_id, label) in &tailoring.relabel {
        let pointer = format!("{base}/relabel/{field_id}");
        match find_field_mut(form, field_id) {
            Some(field) => field.label = label.clone(),
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

/// Every text of a form, mutable, for normalisation.
pub fn form_texts_mut(form: &mut FormDefinition) -> Vec<&mut Text> {
    fn field_texts<'a>(fields: &'a mut [Field], out: &mut Vec<&'a mut Text>) {
        for field in fields {
            out.push(&mut field.label);
            out.extend(field.hint.as_mut());
            out.extend(field.guidance.as_mut());
            out.extend(field.constraint_message.as_mut());
            field_texts(&mut field.fields, out);
        }
    }
    let mut out = vec![&mut form.title, &mut form.purpose, &mut form.filled_by];
    for section in &mut form.sections {
        out.push(&mut section.title);
        out.extend(section.hint.as_mut());
        field_texts(&mut section.fields, &mut out);
    }
    out
}

/// Missing translations of a form, one diagnostic per language.
fn check_translations(
    form: &FormDefinition,
    config: &Config,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut copy = form.clone();
    let texts = form_texts_mut(&mut copy);
    let default = config.default_language.as_str();
    for (index, language) in config.languages.iter().enumerate() {
        let missing = texts
            .iter()
            .filter(|t| {
                t.get(language.tag.as_str(), default)
                    .is_none_or(|s| s.trim().is_empty())
            })
            .count();
        if missing == 0 || language.fallback.is_some() {
            continue;
        }
        diagnostics.push(
            Diagnostic::error("missing-translation", format!("form `{}` has no `{}` text for {missing} strings", form.id, language.tag))
                .with_help(format!("translate the form (a translation file for `{}`), give `{}` a `fallback`, or leave the form out of `forms.selected`", language.tag, language.tag))
                .at(map.value(&format!("/languages/{index}/tag"))),
        );
    }
}

/// Missing translations of the built-in choice lists in use, one diagnostic per language.
fn check_list_translations(
    choices: &ChoiceIndex,
    config: &Config,
    map: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let default = config.default_language.as_str();
    for (index, language) in config.languages.iter().enumerate() {
        if language.fallback.is_some() {
            continue;
        }
        let lacking: Vec<&str> = choices
            .values()
            .filter(|list| !CONFIG_LISTS.contains(&list.id.as_str()))
            .filter(|list| {
                list.options.iter().any(|o| {
                    o.label
                        .get(language.tag.as_str(), default)
                        .is_none_or(|s| s.trim().is_empty())
                })
            })
            .map(|list| list.id.as_str())
            .collect();
        if lacking.is_empty() {
            continue;
        }
        diagnostics.push(
            Diagnostic::error(
                "missing-translation",
                format!(
                    "the built-in choice lists {} have no `{}` labels",
                    lacking
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    language.tag
                ),
            )
            .with_help(format!(
                "translate them, or give `{}` a `fallback`",
                language.tag
            ))
            .at(map.value(&format!("/languages/{index}/tag"))),
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
