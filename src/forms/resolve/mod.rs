//! Checks the form library against a configuration and resolves the forms it selects:
//! choice lists from the library and the configuration, tailoring (hidden fields, new
//! labels), and texts normalised to the configured languages.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

mod lint;
mod tailor;
mod translations;

use super::expr::{Scope, Type};
use super::library::{LIBRARY, LibraryFile};
use super::model::{ChoiceIndex, ChoiceList, ChoiceOption, Field, FieldType, FormDefinition};
use crate::config::{Config, Id, SourceMap, Text};
use crate::diagnostic::{Diagnostic, FileId, Location, Sources};

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
    "spoken_languages",
    "case_agencies",
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
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect(),
        ),
        list(
            "risk_levels",
            config
                .risk_levels
                .iter()
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
    // Without a list of its own, an operation's forms offer the SOP's languages.
    let spoken = if config.spoken_languages.is_empty() {
        index["languages"].options.clone()
    } else {
        config
            .spoken_languages
            .iter()
            .map(|l| ChoiceOption {
                id: l.id.clone(),
                label: l.name.clone(),
            })
            .collect()
    };
    let agencies: Vec<ChoiceOption> = case_agencies(config)
        .into_iter()
        .map(|o| ChoiceOption {
            id: o.id.clone(),
            label: o.name.clone(),
        })
        .collect();
    index.insert(
        Id::from_static("case_agencies"),
        ChoiceList {
            id: Id::from_static("case_agencies"),
            options: agencies,
        },
    );
    index.insert(
        Id::from_static("spoken_languages"),
        ChoiceList {
            id: Id::from_static("spoken_languages"),
            options: spoken,
        },
    );
    index
}

/// The organisations a caseworker names as "the agency" on a form: those the
/// configuration lists, else those holding a case management role, else every
/// organisation that is not only a partner across the border.
pub fn case_agencies(config: &Config) -> Vec<&crate::config::Organisation> {
    let named: BTreeSet<&str> = match &config.forms.agencies {
        Some(ids) => ids.iter().map(Id::as_str).collect(),
        None => config
            .roles
            .iter()
            .flat_map(|r| r.organisations.iter().map(Id::as_str))
            .collect(),
    };
    if !named.is_empty() {
        return config
            .organisations
            .iter()
            .filter(|o| named.contains(o.id.as_str()))
            .collect();
    }
    let across: BTreeSet<&str> = config
        .cross_border
        .iter()
        .flat_map(|c| c.partners.iter())
        .flat_map(|p| p.agencies.iter().map(Id::as_str))
        .collect();
    config
        .organisations
        .iter()
        .filter(|o| !across.contains(o.id.as_str()))
        .collect()
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
    translations: &crate::i18n::overlay::Overlay,
) -> (Vec<Diagnostic>, FormSet) {
    let default_language = config.default_language.as_str();
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
    let mut choices = choice_index(config);
    translations.apply_to_lists(&mut choices, default_language);
    tailor::tailor_lists(&mut choices, config, map, &mut reporter.diagnostics);
    let steps: BTreeSet<&str> = config.steps.iter().map(|s| s.id.as_str()).collect();
    let selected = selected_forms(config);

    let mut forms = Vec::new();
    for id in &selected {
        let Some(builtin) = LIBRARY.form(id) else {
            continue;
        };
        let mut form = builtin.form.clone();
        let mut origins = lint::library_origins(&form);
        let mut duplicates = Vec::new();
        if let Some(tailoring) = config.forms.tailoring.get(&builtin.form.id) {
            tailor::apply_tailoring(
                &mut form,
                tailoring,
                map,
                &mut reporter.diagnostics,
                &mut origins,
                &mut duplicates,
            );
        }
        translations.apply_to_form(&mut form, default_language);
        for finding in lint::lint_form(&form, &origins, &choices, &steps, &duplicates) {
            let location = match finding.place {
                lint::Place::Library => {
                    reporter.at(&builtin.file, &finding.pointer, finding.offset.clone())
                }
                lint::Place::Config => map.value(&finding.pointer).map(|mut l| {
                    if let Some(range) = &finding.offset {
                        let start = l.span.start + 1 + range.start;
                        l.span = start..start + range.len().max(1);
                    }
                    l
                }),
            };
            let mut diagnostic = Diagnostic::error(finding.code, finding.message).at(location);
            if !finding.help.is_empty() {
                diagnostic = diagnostic.with_help(finding.help);
            }
            reporter.diagnostics.push(diagnostic);
        }
        translations::check_translations(&form, config, map, &mut reporter.diagnostics);
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
    tailor::write_in_empty_lists(&mut forms, &choices, map, &mut reporter.diagnostics);
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
    translations::check_list_translations(&choices, config, map, &mut reporter.diagnostics);
    (reporter.diagnostics, FormSet { forms, choices })
}

/// Every field of a form, depth first (groups and repeats included).
pub fn all_fields(form: &FormDefinition) -> Vec<&Field> {
    form.sections
        .iter()
        .flat_map(|section| all_fields_of(&section.fields))
        .collect()
}

/// `fields` and every field inside them, depth first.
pub fn all_fields_of(fields: &[Field]) -> Vec<&Field> {
    fn walk<'a>(fields: &'a [Field], out: &mut Vec<&'a Field>) {
        for field in fields {
            out.push(field);
            walk(&field.fields, out);
        }
    }
    let mut out = Vec::new();
    walk(fields, &mut out);
    out
}

pub(crate) fn field_type(field: &Field) -> Option<Type> {
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

/// Every text of a form, for checks that read them.
pub fn form_texts(form: &FormDefinition) -> Vec<&Text> {
    fn field_texts<'a>(fields: &'a [Field], out: &mut Vec<&'a Text>) {
        for field in fields {
            out.push(&field.label);
            out.extend(field.hint.as_ref());
            out.extend(field.guidance.as_ref());
            out.extend(field.constraint_message.as_ref());
            field_texts(&field.fields, out);
        }
    }
    let mut out = vec![&form.title, &form.purpose, &form.filled_by];
    for section in &form.sections {
        out.push(&section.title);
        out.extend(section.hint.as_ref());
        field_texts(&section.fields, &mut out);
    }
    out
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
