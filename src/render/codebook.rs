//! `codebook/<form>.csv` and `codebook/all.xlsx` (a sheet per form): the data dictionary
//! analysts read beside the records. One row per field, groups and repeats included, with
//! its texts and options in every language, and its rules in words as paper prints them
//! and as the expression the XLSForm and the record schema check. `codebook/choices.csv`
//! (and the workbook's `choices` sheet) holds every option of every list the forms use;
//! a long list (a service directory) is named there, not repeated in every row.

use std::collections::HashMap;

use rust_xlsxwriter::Format;

use super::rule_words::RuleWords;
use super::{Output, OutputKind, RenderError, Renderer};
use crate::config::{Language, Text};
use crate::forms::model::{Field, FieldType, FormDefinition};
use crate::forms::resolve::all_fields;
use crate::pack::{Pack, Part};

const RENDERER: &str = "codebook";

/// An Excel sheet name holds at most 31 characters.
const SHEET_NAME: usize = 31;

pub struct Codebook;

impl Renderer for Codebook {
    fn name(&self) -> &'static str {
        RENDERER
    }

    fn part(&self) -> Part {
        Part::Codebook
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        let header = header(pack.languages());
        let tables: Vec<(&FormDefinition, Vec<Vec<String>>)> = pack
            .forms
            .forms
            .iter()
            .map(|form| (form, rows(form, pack)))
            .collect();
        let languages: Vec<String> = pack.languages().iter().map(|l| l.tag.to_string()).collect();
        let mut outputs = Vec::new();
        for (form, rows) in &tables {
            outputs.push(Output {
                path: format!("codebook/{}.csv", form.id),
                kind: OutputKind::Codebook,
                form: Some(form.id.to_string()),
                languages: languages.clone(),
                bytes: csv_bytes(&header, rows).map_err(error)?,
            });
        }
        let (choices_header, choices) = choice_rows(pack);
        outputs.push(Output {
            path: "codebook/choices.csv".into(),
            kind: OutputKind::Codebook,
            form: None,
            languages: languages.clone(),
            bytes: csv_bytes(&choices_header, &choices).map_err(error)?,
        });
        let sheets = (
            header.as_slice(),
            choices_header.as_slice(),
            choices.as_slice(),
        );
        outputs.push(Output {
            path: "codebook/all.xlsx".into(),
            kind: OutputKind::Codebook,
            form: None,
            languages,
            bytes: workbook(pack, &tables, sheets).map_err(|e| error(e.to_string()))?,
        });
        Ok(outputs)
    }
}

fn error(message: String) -> RenderError {
    RenderError {
        renderer: RENDERER,
        message,
    }
}

/// The columns: the field, then its texts per language, then its rules and markings.
fn header(languages: &[Language]) -> Vec<String> {
    let mut columns: Vec<String> = ["form", "section", "number", "field", "type", "list"]
        .map(String::from)
        .to_vec();
    for what in ["label", "hint", "options"] {
        columns.extend(languages.iter().map(|l| format!("{what}::{}", l.tag)));
    }
    columns.push("required".into());
    columns.push("relevant".into());
    columns.extend(languages.iter().map(|l| format!("relevant::{}", l.tag)));
    columns.push("constraint".into());
    columns.extend(languages.iter().map(|l| format!("constraint::{}", l.tag)));
    columns.extend(["sensitivity", "cross_border", "core", "concept"].map(String::from));
    columns
}

/// A field with the conditions it is asked under (its section's and its groups').
struct Placed<'a> {
    section: &'a str,
    field: &'a Field,
    /// Every condition that must hold for the question to be asked, outermost first.
    relevant: Vec<&'a str>,
}

fn placed(form: &FormDefinition) -> Vec<Placed<'_>> {
    fn walk<'a>(
        fields: &'a [Field],
        section: &'a str,
        outer: &[&'a str],
        out: &mut Vec<Placed<'a>>,
    ) {
        for field in fields {
            let mut relevant = outer.to_vec();
            relevant.extend(field.relevant.as_deref());
            out.push(Placed {
                section,
                field,
                relevant: relevant.clone(),
            });
            walk(&field.fields, section, &relevant, out);
        }
    }
    let mut out = Vec::new();
    for section in &form.sections {
        let outer: Vec<&str> = section.relevant.as_deref().into_iter().collect();
        walk(&section.fields, section.id.as_str(), &outer, &mut out);
    }
    out
}

fn rows(form: &FormDefinition, pack: &Pack) -> Vec<Vec<String>> {
    let words = RuleWords::new(pack, form);
    let numbers = words.numbers();
    let languages = pack.languages();
    let text = |text: &Text, language: &Language| words.text(text, language);
    let phrase = |key: &str, language: &Language| words.phrase(key, language);
    let in_words = |source: &str, current: Option<&str>, language: &Language| {
        words.describe(source, current, language)
    };
    let yes_no = |field: &Field| field.kind == FieldType::YesNo;
    // Lists longer than paper prints as options are not repeated in every row.
    let inline_options = usize::from(
        pack.config
            .forms
            .write_in_above
            .unwrap_or(crate::config::WRITE_IN_ABOVE),
    );

    placed(form)
        .iter()
        .map(|placed| {
            let field = placed.field;
            let id = field.id.as_str();
            let mut row = vec![
                form.id.to_string(),
                placed.section.to_owned(),
                numbers.get(id).cloned().unwrap_or_default(),
                id.to_owned(),
                snake(&field.kind),
                field
                    .choices
                    .as_ref()
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            ];
            row.extend(languages.iter().map(|l| text(&field.label, l)));
            row.extend(
                languages
                    .iter()
                    .map(|l| field.hint.as_ref().map(|h| text(h, l)).unwrap_or_default()),
            );
            row.extend(languages.iter().map(|l| {
                let list = field
                    .choices
                    .as_ref()
                    .and_then(|c| pack.forms.choices.get(c));
                let options: Vec<String> = match list {
                    // A long list (a service directory) is in the choices table once.
                    Some(list) if list.options.len() > inline_options => {
                        vec![format!(
                            "{} options: list `{}` in codebook/choices.csv",
                            list.options.len(),
                            list.id
                        )]
                    }
                    Some(list) => list
                        .options
                        .iter()
                        .map(|o| format!("{} = {}", o.id, text(&o.label, l)))
                        .collect(),
                    None if yes_no(field) => ["yes", "no"]
                        .iter()
                        .map(|o| format!("{o} = {}", phrase(o, l)))
                        .collect(),
                    None => Vec::new(),
                };
                options.join("; ")
            }));
            row.push(if field.required { "yes" } else { "no" }.into());
            let relevant = match placed.relevant.as_slice() {
                [] => String::new(),
                [one] => (*one).to_owned(),
                many => many
                    .iter()
                    .map(|c| format!("({c})"))
                    .collect::<Vec<_>>()
                    .join(" and "),
            };
            row.push(relevant.clone());
            row.extend(languages.iter().map(|l| {
                if relevant.is_empty() {
                    String::new()
                } else {
                    in_words(&relevant, None, l)
                }
            }));
            let constraint = field.constraint.clone().unwrap_or_default();
            row.push(constraint.clone());
            row.extend(languages.iter().map(|l| {
                if constraint.is_empty() {
                    String::new()
                } else {
                    in_words(&constraint, Some(id), l)
                }
            }));
            row.push(snake(&field.sensitivity));
            row.push(if field.cross_border { "yes" } else { "no" }.into());
            row.push(if field.core { "yes" } else { "no" }.into());
            row.push(
                field
                    .concept
                    .as_ref()
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
            );
            row
        })
        .collect()
}

/// Every option of every choice list the forms use: list, option id, label per language.
fn choice_rows(pack: &Pack) -> (Vec<String>, Vec<Vec<String>>) {
    let languages = pack.languages();
    let mut header = vec!["list".to_owned(), "option".to_owned()];
    header.extend(languages.iter().map(|l| format!("label::{}", l.tag)));
    let mut used: Vec<&str> = pack
        .forms
        .forms
        .iter()
        .flat_map(all_fields)
        .filter_map(|f| f.choices.as_ref().map(|c| c.as_str()))
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut rows = Vec::new();
    for id in used {
        let Some(list) = pack.forms.choices.get(id) else {
            continue;
        };
        for option in &list.options {
            let mut row = vec![id.to_owned(), option.id.to_string()];
            row.extend(languages.iter().map(|l| {
                pack.text(&option.label, l.tag.as_str())
                    .map(|s| s.text.to_owned())
                    .unwrap_or_default()
            }));
            rows.push(row);
        }
    }
    (header, rows)
}

/// A value's name as the definitions and schemas spell it (`single_choice`).
fn snake(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// UTF-8 with a byte order mark, so that spreadsheet programs read the scripts right.
fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
}

/// The forms' sheets with `header`, then the choices sheet.
type Sheets<'a> = (&'a [String], &'a [String], &'a [Vec<String>]);

fn workbook(
    pack: &Pack,
    tables: &[(&FormDefinition, Vec<Vec<String>>)],
    (header, choices_header, choices): Sheets<'_>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = super::dated_workbook(pack, "codebook")?;
    let bold = Format::new().set_bold();
    let mut names: HashMap<String, usize> = HashMap::new();
    let sheets = tables
        .iter()
        .map(|(form, rows)| (form.id.as_str(), header, rows.as_slice()))
        .chain([("choices", choices_header, choices)]);
    for (name, header, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(name, &mut names))?;
        for (column, name) in header.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16, name, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (column, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    sheet.write_string(r as u32 + 1, column as u16, cell(value))?;
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}

/// A text as a cell holds it: Excel keeps at most 32,767 characters in one cell, so a
/// longer text (the CSV keeps it whole) is cut with a mark.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    const LIMIT: usize = 32_767;
    if value.chars().count() <= LIMIT {
        return value.into();
    }
    let kept: String = value.chars().take(LIMIT - 1).collect();
    format!("{kept}…").into()
}

/// The form id, cut to Excel's length and made unique.
fn sheet_name(id: &str, taken: &mut HashMap<String, usize>) -> String {
    let base: String = id.chars().take(SHEET_NAME).collect();
    let count = taken.entry(base.clone()).or_default();
    *count += 1;
    if *count == 1 {
        base
    } else {
        let suffix = format!("~{count}");
        let kept: String = base.chars().take(SHEET_NAME - suffix.len()).collect();
        format!("{kept}{suffix}")
    }
}
