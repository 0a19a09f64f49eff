//! `xlsform/<form>.xlsx`: an XLSForm for ODK and KoboToolbox in every configured language.
//!
//! What pyxform and ODK Validate expect, and we follow: lower-case sheet names; once one
//! translatable column carries a language, every translatable column carries every
//! language (`label::Français (fr)`); `default_language` repeats that full name; a form
//! `version` that only grows; no KoboToolbox-specific `__version__`.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{Output, OutputKind, RenderError, Renderer};
use crate::config::{Language, Text};
use crate::forms::case_list::{self, Role};
use crate::forms::expr::{self, Expr};
use crate::forms::model::{Field, FieldType, FormDefinition, Length};
use crate::forms::resolve::{FormScope, all_fields};
use crate::pack::Pack;

pub struct XlsForms;

impl Renderer for XlsForms {
    fn name(&self) -> &'static str {
        "xlsforms"
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Xlsform
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        pack.forms
            .forms
            .iter()
            .map(|form| {
                let bytes = xlsform(form, pack).map_err(|e| RenderError {
                    renderer: self.name(),
                    message: format!("{}: {e}", form.id),
                })?;
                Ok(Output {
                    path: format!("xlsform/{}.xlsx", form.id),
                    kind: OutputKind::XlsForm,
                    form: Some(form.id.to_string()),
                    languages: pack.languages().iter().map(|l| l.tag.to_string()).collect(),
                    bytes,
                })
            })
            .collect()
    }
}

/// `Français (fr)`: the language as XLSForm columns name it.
pub fn column_language(language: &Language) -> String {
    format!("{} ({})", language.name, language.tag)
}

/// Reads one optional column of a survey row.
type Cell = fn(&Row) -> &String;

/// One row of the survey sheet.
#[derive(Default)]
struct Row {
    kind: String,
    name: String,
    label: Option<Text>,
    hint: Option<Text>,
    guidance: Option<Text>,
    required: bool,
    relevant: String,
    constraint: String,
    constraint_message: Option<Text>,
    appearance: String,
    parameters: String,
    /// The case list's property the answer is saved to (`[forms.odk] entities`).
    save_to: String,
    calculation: String,
    /// A question filled from `calculation` when this one changes (e.g. the case picked).
    trigger: String,
}

struct Sheet<'a> {
    pack: &'a Pack,
    form: &'a FormDefinition,
    scope: FormScope<'a>,
    /// What the form does with the case list; `Role::None` when the list is off.
    case_list: Role<'a>,
    rows: Vec<Row>,
}

impl Sheet<'_> {
    fn xpath(&self, source: &Option<String>) -> String {
        let Some(source) = source else {
            return String::new();
        };
        // Conditions were checked when the configuration was; an unparsable one cannot
        // reach here, and an empty cell is the safe fallback.
        expr::parse(source)
            .map(|e: Expr| expr::to_xpath(&e, &self.scope))
            .unwrap_or_default()
    }

    /// A signature is collected as the record holds it: a group of the signer's name,
    /// the date, how it was given and the image (`<id>_name`, `<id>_date`,
    /// `<id>_method`, `<id>_image`).
    fn signature(&mut self, field: &Field) {
        let id = field.id.as_str();
        let word = |key: &str| self.pack.print_strings.get(key).cloned();
        self.rows.push(Row {
            kind: "begin_group".into(),
            name: id.to_owned(),
            label: Some(field.label.clone()),
            hint: field.hint.clone(),
            guidance: field.guidance.clone(),
            relevant: self.xpath(&field.relevant),
            ..Row::default()
        });
        for (part, kind, label, appearance) in [
            ("name", "text", "name", ""),
            ("date", "date", "date", ""),
            (
                "method",
                "select_one signature_method",
                "signature_method",
                "",
            ),
            ("image", "image", "signature", "signature"),
        ] {
            self.rows.push(Row {
                kind: kind.into(),
                name: format!("{id}_{part}"),
                label: word(label),
                required: field.required && matches!(part, "name" | "date"),
                appearance: appearance.into(),
                parameters: if part == "image" {
                    // Signatures are small pictures: keep submissions light.
                    "max-pixels=1024".into()
                } else {
                    String::new()
                },
                ..Row::default()
            });
        }
        self.rows.push(Row {
            kind: "end_group".into(),
            name: id.to_owned(),
            ..Row::default()
        });
    }

    /// One question or note (never a group or repeat: see [`Sheet::children`]).
    fn question(&mut self, field: &Field) {
        if field.kind == FieldType::Signature {
            self.signature(field);
            return;
        }
        let concept = field.concept.as_ref().map_or("", |c| c.as_str());
        if concept == "case_id" && matches!(self.case_list, Role::Follows { .. }) {
            self.pick_case(field);
            return;
        }
        let (kind, appearance) = match field.kind {
            FieldType::Text => ("text".to_owned(), ""),
            FieldType::LongText => ("text".to_owned(), "multiline"),
            FieldType::Integer => ("integer".to_owned(), ""),
            FieldType::Decimal => ("decimal".to_owned(), ""),
            FieldType::Date => ("date".to_owned(), ""),
            FieldType::YesNo => ("select_one yes_no".to_owned(), ""),
            FieldType::SingleChoice => (
                format!(
                    "select_one {}",
                    field.choices.as_ref().map_or("", |c| c.as_str())
                ),
                "",
            ),
            FieldType::MultipleChoice => (
                format!(
                    "select_multiple {}",
                    field.choices.as_ref().map_or("", |c| c.as_str())
                ),
                "",
            ),
            // Collected as a group: see [`Sheet::signature`].
            FieldType::Signature => ("image".to_owned(), "signature"),
            FieldType::Note | FieldType::Group | FieldType::Repeat => ("note".to_owned(), ""),
        };
        let appearance = match (field.kind, field.length) {
            (FieldType::Text, Some(Length::Long)) => "multiline",
            _ => appearance,
        };
        self.rows.push(Row {
            kind,
            name: field.id.to_string(),
            label: Some(field.label.clone()),
            hint: field.hint.clone(),
            guidance: field.guidance.clone(),
            required: field.required,
            relevant: self.xpath(&field.relevant),
            constraint: self.xpath(&field.constraint),
            constraint_message: field
                .constraint
                .as_ref()
                .and(field.constraint_message.clone()),
            appearance: appearance.to_owned(),
            ..Row::default()
        });
        self.link_to_case(concept);
    }

    /// A form that follows the case: the caseworker picks the case from the list (shown
    /// by its label, the case id and the child's name), and the case id is read from it.
    fn pick_case(&mut self, field: &Field) {
        let word = |key: &str| self.pack.print_strings.get(key).cloned();
        self.rows.push(Row {
            kind: format!("select_one_from_file {}.csv", case_list::LIST),
            name: case_list::ENTITY_FIELD.into(),
            label: Some(field.label.clone()),
            hint: word("case_list_pick"),
            required: field.required,
            relevant: self.xpath(&field.relevant),
            // Typing part of the id or name narrows a long list.
            appearance: "autocomplete".into(),
            ..Row::default()
        });
        self.rows.push(Row {
            kind: "calculate".into(),
            name: field.id.to_string(),
            calculation: case_list::lookup("case_id"),
            ..Row::default()
        });
    }

    /// The case list's side of the question just added: registration saves it to the
    /// case; a form that follows the case starts it from the case's value.
    fn link_to_case(&mut self, concept: &str) {
        let Some(row) = self.rows.last_mut() else {
            return;
        };
        match self.case_list {
            Role::Opens => {
                if let Some(property) = case_list::property(concept) {
                    row.save_to = property.into();
                }
            }
            Role::Follows { .. } => {
                if let Some(property) = case_list::prefilled(concept) {
                    row.trigger = format!("${{{}}}", case_list::ENTITY_FIELD);
                    row.calculation = case_list::lookup(property);
                }
            }
            Role::None => {}
        }
    }

    /// The values the form saves to the case that no question holds: the status, and in
    /// forms that follow the case, the risk level the form set last (else the case's).
    fn case_values(&mut self) {
        let status = |value: &str| Row {
            kind: "calculate".into(),
            name: case_list::STATUS_FIELD.into(),
            calculation: format!("'{value}'"),
            save_to: case_list::STATUS.into(),
            ..Row::default()
        };
        match &self.case_list {
            Role::Opens => self.rows.push(status(case_list::OPEN)),
            Role::Follows { risk, closes } => {
                if !risk.is_empty() {
                    let current = case_list::lookup("risk_level");
                    let calculation = risk.iter().fold(current, |rest, field| {
                        let answer = case_list::last_answer(self.form, field);
                        format!("coalesce({answer}, {rest})")
                    });
                    self.rows.push(Row {
                        kind: "calculate".into(),
                        name: case_list::RISK_FIELD.into(),
                        calculation,
                        save_to: "risk_level".into(),
                        ..Row::default()
                    });
                }
                if *closes {
                    self.rows.push(status(case_list::CLOSED));
                }
            }
            Role::None => {}
        }
    }

    /// A group or repeat of the definition, or a section (`kind` = group).
    /// `screen`: the container shows as one screen (`field-list`). ODK Collect cannot
    /// show a repeat inside a field-list, so a container holding a repeat anywhere below
    /// it is never one screen: see [`Sheet::children`].
    fn container(&mut self, kind: FieldType, header: Row, fields: &[Field], in_screen: bool) {
        let repeat = kind == FieldType::Repeat;
        let screen = !in_screen && !fields.iter().any(holds_repeat);
        let (begin, end) = if repeat {
            ("begin_repeat", "end_repeat")
        } else {
            ("begin_group", "end_group")
        };
        let name = header.name.clone();
        self.rows.push(Row {
            kind: begin.into(),
            appearance: if screen {
                "field-list".into()
            } else {
                String::new()
            },
            ..header
        });
        if screen || in_screen {
            for field in fields {
                self.field(field, true);
            }
        } else {
            self.children(&name, fields);
        }
        self.rows.push(Row {
            kind: end.into(),
            name,
            ..Row::default()
        });
    }

    /// The children of a container that holds a repeat: each run of consecutive fields
    /// without a repeat becomes one screen, an unlabelled field-list group named
    /// `<container>-<n>` (a `-` no field id has, so the name is unique in the form); a
    /// repeat, or a group holding one, stands between the screens.
    fn children(&mut self, container: &str, fields: &[Field]) {
        let mut screens = 0;
        let mut run: Vec<&Field> = Vec::new();
        let flush = |sheet: &mut Self, run: &mut Vec<&Field>, screens: &mut usize| {
            if run.is_empty() {
                return;
            }
            *screens += 1;
            let name = format!("{container}-{screens}");
            sheet.rows.push(Row {
                kind: "begin_group".into(),
                name: name.clone(),
                appearance: "field-list".into(),
                ..Row::default()
            });
            for field in run.drain(..) {
                sheet.field(field, true);
            }
            sheet.rows.push(Row {
                kind: "end_group".into(),
                name,
                ..Row::default()
            });
        };
        for field in fields {
            if holds_repeat(field) {
                flush(self, &mut run, &mut screens);
                self.field(field, false);
            } else {
                run.push(field);
            }
        }
        flush(self, &mut run, &mut screens);
    }

    /// A field; `in_screen` when it sits inside a field-list already.
    fn field(&mut self, field: &Field, in_screen: bool) {
        if !field.kind.has_children() {
            self.question(field);
            return;
        }
        let header = Row {
            name: field.id.to_string(),
            label: Some(field.label.clone()),
            hint: field.hint.clone(),
            relevant: self.xpath(&field.relevant),
            ..Row::default()
        };
        self.container(field.kind, header, &field.fields, in_screen);
    }

    fn build(mut self) -> Vec<Row> {
        let form = self.form;
        for section in &form.sections {
            let header = Row {
                name: section.id.to_string(),
                label: Some(section.title.clone()),
                hint: section.hint.clone(),
                relevant: self.xpath(&section.relevant),
                ..Row::default()
            };
            self.container(FieldType::Group, header, &section.fields, false);
        }
        self.case_values();
        self.rows
    }
}

/// Whether the field is a repeat or holds one.
fn holds_repeat(field: &Field) -> bool {
    field.kind == FieldType::Repeat || field.fields.iter().any(holds_repeat)
}

/// The cells of an XLSForm's three sheets, first row the header. The settings row leaves
/// `version` empty: it is derived from the rest (see [`super::form_versions`]).
pub(crate) struct Content {
    survey: Vec<Vec<String>>,
    choices: Vec<Vec<String>>,
    settings: Vec<Vec<String>>,
    /// Empty when the form does not change the case list.
    entities: Vec<Vec<String>>,
}

/// Column of `version` in the settings sheet.
const VERSION_COLUMN: usize = 2;

impl Content {
    /// sha256 of every cell, in order, sheet by sheet: equal exactly when the forms are.
    pub(crate) fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (name, sheet) in [
            ("survey", &self.survey),
            ("choices", &self.choices),
            ("settings", &self.settings),
            ("entities", &self.entities),
        ] {
            // A form without a case list hashes as it did before the sheet existed, so
            // turning nothing on changes no version.
            if sheet.is_empty() {
                continue;
            }
            hash.update(format!("{name}\u{1e}").as_bytes());
            for row in sheet {
                for cell in row {
                    hash.update(cell.as_bytes());
                    hash.update(b"\x1f");
                }
                hash.update(b"\x1e");
            }
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

pub(crate) fn content(form: &FormDefinition, pack: &Pack) -> Content {
    let languages = pack.languages();
    let odk = &pack.config.forms.odk;
    let scope = FormScope::new(form, &pack.forms.choices);
    let case_list = if odk.entities {
        case_list::role(form)
    } else {
        Role::None
    };
    let mut rows: Vec<Row> = odk
        .metadata
        .iter()
        .map(|m| Row {
            kind: m.as_str().into(),
            name: m.as_str().into(),
            ..Row::default()
        })
        .collect();
    rows.extend(
        Sheet {
            pack,
            form,
            scope,
            case_list: case_list.clone(),
            rows: Vec::new(),
        }
        .build(),
    );
    let text = |t: &Option<Text>, language: &Language| -> String {
        t.as_ref()
            .and_then(|t| pack.text(t, language.tag.as_str()))
            .map(|s| s.text.to_owned())
            .unwrap_or_default()
    };

    // survey
    let translated_columns = [
        ("label", true),
        ("hint", rows.iter().any(|r| r.hint.is_some())),
        ("guidance_hint", rows.iter().any(|r| r.guidance.is_some())),
        (
            "constraint_message",
            rows.iter().any(|r| r.constraint_message.is_some()),
        ),
    ];
    let mut header: Vec<String> = vec!["type".into(), "name".into()];
    for (column, used) in translated_columns {
        if used {
            header.extend(
                languages
                    .iter()
                    .map(|l| format!("{column}::{}", column_language(l))),
            );
        }
    }
    header.extend(
        [
            "required",
            "relevant",
            "constraint",
            "appearance",
            "parameters",
        ]
        .map(String::from),
    );
    // The case list's columns, only in forms that use it.
    let case_columns: Vec<(&str, Cell)> = [
        ("calculation", (|r: &Row| &r.calculation) as Cell),
        ("trigger", |r: &Row| &r.trigger),
        ("save_to", |r: &Row| &r.save_to),
    ]
    .into_iter()
    .filter(|(_, cell)| rows.iter().any(|r| !cell(r).is_empty()))
    .collect();
    header.extend(case_columns.iter().map(|(name, _)| name.to_string()));
    let mut survey = vec![header];
    for row in &rows {
        let mut cells = vec![row.kind.clone(), row.name.clone()];
        for (column, used) in translated_columns {
            if !used {
                continue;
            }
            let value = match column {
                "label" => &row.label,
                "hint" => &row.hint,
                "guidance_hint" => &row.guidance,
                _ => &row.constraint_message,
            };
            cells.extend(languages.iter().map(|l| text(value, l)));
        }
        cells.push(if row.required {
            "yes".into()
        } else {
            String::new()
        });
        cells.extend([
            row.relevant.clone(),
            row.constraint.clone(),
            row.appearance.clone(),
            row.parameters.clone(),
        ]);
        cells.extend(case_columns.iter().map(|(_, cell)| cell(row).clone()));
        survey.push(cells);
    }

    // choices: yes/no first, then every list the form uses, in id order
    let mut header: Vec<String> = vec!["list_name".into(), "name".into()];
    header.extend(
        languages
            .iter()
            .map(|l| format!("label::{}", column_language(l))),
    );
    let mut choices = vec![header];
    let yes_no = pack.forms.choices.get("yes_no");
    let uses_yes_no = all_fields(form).iter().any(|f| f.kind == FieldType::YesNo);
    let mut lists: Vec<_> = all_fields(form)
        .into_iter()
        .filter_map(|f| f.choices.as_ref())
        .filter_map(|id| pack.forms.choices.get(id))
        .collect();
    if uses_yes_no && let Some(yes_no) = yes_no {
        lists.push(yes_no);
    }
    let signed = all_fields(form)
        .iter()
        .any(|f| f.kind == FieldType::Signature);
    if signed && let Some(methods) = pack.forms.choices.get("signature_method") {
        lists.push(methods);
    }
    lists.sort_by(|a, b| a.id.cmp(&b.id));
    lists.dedup_by(|a, b| a.id == b.id);
    for list in lists {
        for option in &list.options {
            let mut cells = vec![list.id.to_string(), option.id.to_string()];
            cells.extend(
                languages
                    .iter()
                    .map(|l| text(&Some(option.label.clone()), l)),
            );
            choices.push(cells);
        }
    }

    // settings
    let default = languages
        .iter()
        .find(|l| l.tag == pack.config.default_language)
        .unwrap_or(&languages[0]);
    let has_case_id = all_fields(form).iter().any(|f| f.id.as_str() == "case_id");
    let instance_name = if has_case_id {
        format!("concat('{}', ' ', ${{case_id}})", form.id)
    } else {
        String::new()
    };
    let mut header: Vec<String> = [
        "form_title",
        "form_id",
        "version",
        "default_language",
        "instance_name",
    ]
    .map(String::from)
    .to_vec();
    let mut row = vec![
        text(&Some(form.title.clone()), default),
        form.id.to_string(),
        String::new(),
        column_language(default),
        instance_name,
    ];
    // Encryption: Collect encrypts each submission with the key before it leaves the phone.
    if let Some(key) = &odk.public_key
        && case_list::encrypted(odk, form)
    {
        header.push("public_key".into());
        row.push(key.trim().to_owned());
        if let Some(url) = &odk.submission_url {
            header.push("submission_url".into());
            row.push(url.trim().to_owned());
        }
    }
    Content {
        survey,
        choices,
        settings: vec![header, row],
        entities: entities_sheet(form, &case_list),
    }
}

/// The `entities` sheet: registration creates the case, labelled with its id and the
/// child's name; a form that changes the case updates the one picked.
fn entities_sheet(form: &FormDefinition, role: &Role) -> Vec<Vec<String>> {
    let header = |columns: &[&str]| columns.iter().map(|c| c.to_string()).collect();
    match role {
        Role::Opens => {
            let by_concept = |concept: &str| {
                all_fields(form)
                    .into_iter()
                    .find(|f| f.concept.as_ref().is_some_and(|c| c.as_str() == concept))
                    .map(|f| format!("${{{}}}", f.id))
            };
            let name: Vec<String> = ["child_given_name", "child_family_name"]
                .into_iter()
                .filter_map(by_concept)
                .collect();
            let mut parts: Vec<String> = by_concept("case_id").into_iter().collect();
            if !name.is_empty() {
                parts.push("' – '".into());
                parts.push(name.join(", ' ', "));
            }
            let label = match parts.len() {
                1 => parts.remove(0),
                _ => format!("concat({})", parts.join(", ")),
            };
            vec![
                header(&["list_name", "label"]),
                vec![case_list::LIST.into(), label],
            ]
        }
        Role::Follows { risk, closes } if role.updates() => {
            let entity = format!("${{{}}}", case_list::ENTITY_FIELD);
            // A form that only may set the risk level updates the case when it does.
            let update_if = if *closes || risk.is_empty() {
                String::new()
            } else {
                format!(
                    "${{{}}} != {}",
                    case_list::RISK_FIELD,
                    case_list::lookup("risk_level")
                )
            };
            vec![
                header(&["list_name", "entity_id", "update_if"]),
                vec![case_list::LIST.into(), entity, update_if],
            ]
        }
        _ => Vec::new(),
    }
}

fn xlsform(form: &FormDefinition, pack: &Pack) -> Result<Vec<u8>, XlsxError> {
    let mut content = content(form, pack);
    let version = match pack.form_versions.get(form.id.as_str()) {
        Some(version) => version.clone(),
        None => super::form_versions::first_version(&pack.config.sop.version),
    };
    content.settings[1][VERSION_COLUMN] = version;

    let mut workbook = super::dated_workbook(pack, form.id.as_str())?;
    for (name, rows) in [
        ("survey", &content.survey),
        ("choices", &content.choices),
        ("settings", &content.settings),
        ("entities", &content.entities),
    ] {
        if rows.is_empty() {
            continue;
        }
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        for (i, cells) in rows.iter().enumerate() {
            write_row(sheet, i as u32, cells)?;
        }
    }
    workbook.save_to_buffer()
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[String]) -> Result<(), XlsxError> {
    for (column, value) in cells.iter().enumerate() {
        if !value.is_empty() {
            sheet.write_string(row, column as u16, value)?;
        }
    }
    Ok(())
}
