//! `xlsform/<form>.xlsx`: an XLSForm for ODK and KoboToolbox in every configured language.
//!
//! What pyxform and ODK Validate expect, and we follow: lower-case sheet names; once one
//! translatable column carries a language, every translatable column carries every
//! language (`label::Français (fr)`); `default_language` repeats that full name; a form
//! `version` that only grows; no KoboToolbox-specific `__version__`.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};

use super::{Output, OutputKind, RenderError, Renderer};
use crate::config::{Language, Text};
use crate::forms::expr::{self, Expr};
use crate::forms::model::{Field, FieldType, FormDefinition, Length};
use crate::forms::resolve::{FormScope, all_fields};
use crate::pack::Pack;

pub struct XlsForms;

impl Renderer for XlsForms {
    fn name(&self) -> &'static str {
        "xlsforms"
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
}

struct Sheet<'a> {
    pack: &'a Pack,
    form: &'a FormDefinition,
    scope: FormScope<'a>,
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
        let word = |key: &str| crate::render::form_pdf::PRINT_STRINGS.get(key).cloned();
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
            parameters: String::new(),
        });
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
        let _ = self.pack;
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
        ] {
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
    if let Some(key) = &odk.public_key {
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
    }
}

fn xlsform(form: &FormDefinition, pack: &Pack) -> Result<Vec<u8>, XlsxError> {
    let mut content = content(form, pack);
    let version = match pack.form_versions.get(form.id.as_str()) {
        Some(version) => version.clone(),
        None => super::form_versions::first_version(&pack.config.sop.version),
    };
    content.settings[1][VERSION_COLUMN] = version;

    let mut workbook = Workbook::new();
    let date = pack.config.sop.effective_date;
    let created = ExcelDateTime::from_ymd(date.year, date.month, date.day)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title(form.id.to_string()),
    );
    for (name, rows) in [
        ("survey", &content.survey),
        ("choices", &content.choices),
        ("settings", &content.settings),
    ] {
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
