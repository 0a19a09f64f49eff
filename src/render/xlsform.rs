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

/// The form version ODK Central sees: it must grow with every new SOP version or date.
/// `YYYYMMDD` of the effective date, then MAJOR, MINOR and PATCH on two digits each.
pub fn form_version(pack: &Pack) -> String {
    let sop = &pack.config.sop;
    let date = sop.effective_date;
    let v = &sop.version.0;
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        date.year,
        date.month,
        date.day,
        v.major.min(99),
        v.minor.min(99),
        v.patch.min(99)
    )
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

    fn field(&mut self, field: &Field) {
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
            FieldType::Signature => ("image".to_owned(), "signature"),
            FieldType::Note => ("note".to_owned(), ""),
            FieldType::Group => ("begin_group".to_owned(), ""),
            FieldType::Repeat => ("begin_repeat".to_owned(), ""),
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
            // Signatures are small pictures: keep submissions light.
            parameters: if field.kind == FieldType::Signature {
                "max-pixels=1024".into()
            } else {
                String::new()
            },
        });
        if field.kind.has_children() {
            for child in &field.fields {
                self.field(child);
            }
            let end = if field.kind == FieldType::Group {
                "end_group"
            } else {
                "end_repeat"
            };
            self.rows.push(Row {
                kind: end.into(),
                name: field.id.to_string(),
                ..Row::default()
            });
        }
    }

    fn build(mut self) -> Vec<Row> {
        let form = self.form;
        for section in &form.sections {
            self.rows.push(Row {
                kind: "begin_group".into(),
                name: section.id.to_string(),
                label: Some(section.title.clone()),
                hint: section.hint.clone(),
                relevant: self.xpath(&section.relevant),
                appearance: "field-list".into(),
                ..Row::default()
            });
            for field in &section.fields {
                self.field(field);
            }
            self.rows.push(Row {
                kind: "end_group".into(),
                name: section.id.to_string(),
                ..Row::default()
            });
        }
        let _ = self.pack;
        self.rows
    }
}

fn xlsform(form: &FormDefinition, pack: &Pack) -> Result<Vec<u8>, XlsxError> {
    let languages = pack.languages();
    let scope = FormScope::new(form, &pack.forms.choices);
    let rows = Sheet {
        pack,
        form,
        scope,
        rows: Vec::new(),
    }
    .build();
    let text = |t: &Option<Text>, language: &Language| -> String {
        t.as_ref()
            .and_then(|t| pack.text(t, language.tag.as_str()))
            .map(|s| s.text.to_owned())
            .unwrap_or_default()
    };

    let mut workbook = Workbook::new();
    let date = pack.config.sop.effective_date;
    let created = ExcelDateTime::from_ymd(date.year, date.month, date.day)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title(form.id.to_string()),
    );

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
    let survey = workbook.add_worksheet();
    survey.set_name("survey")?;
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
    write_row(survey, 0, &header)?;
    for (i, row) in rows.iter().enumerate() {
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
        write_row(survey, i as u32 + 1, &cells)?;
    }

    // choices: yes/no first, then every list the form uses, in id order
    let choices = workbook.add_worksheet();
    choices.set_name("choices")?;
    let mut header: Vec<String> = vec!["list_name".into(), "name".into()];
    header.extend(
        languages
            .iter()
            .map(|l| format!("label::{}", column_language(l))),
    );
    write_row(choices, 0, &header)?;
    let mut row = 1;
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
            write_row(choices, row, &cells)?;
            row += 1;
        }
    }

    // settings
    let settings = workbook.add_worksheet();
    settings.set_name("settings")?;
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
    write_row(
        settings,
        0,
        &[
            "form_title",
            "form_id",
            "version",
            "default_language",
            "instance_name",
        ]
        .map(String::from),
    )?;
    let title = text(&Some(form.title.clone()), default);
    write_row(
        settings,
        1,
        &[
            title,
            form.id.to_string(),
            form_version(pack),
            column_language(default),
            instance_name,
        ],
    )?;

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
