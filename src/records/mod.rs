//! Records that come back from phones: ODK Central's submission exports (OData JSON, or
//! CSV with its repeat files) turned into bipgen records, each checked against the form's
//! record schema (`schemas/<form>.schema.json`).
//!
//! A record is flat: groups (sections, screens, group fields) disappear, repeats are
//! arrays of rows, a multiple choice is an array of option ids, a signature is
//! `{ name, date, method, image }`. See `render::record_schema`.

mod csv_export;
mod flatten;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::forms::model::FormDefinition;

pub use csv_export::read_csv_export;

/// One submission, converted, or what is wrong with it.
#[derive(Debug)]
pub struct Converted {
    /// The submission's instance id (`uuid:…`), or its position when it has none.
    pub id: String,
    pub result: Result<Value, Vec<Problem>>,
}

/// Something wrong with one answer of one submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// JSON pointer of the answer in the record (`/sex`, `/siblings/0/age`), or in the
    /// submission when it has no place in the record.
    pub field: String,
    pub message: String,
}

/// Reads an export: `.json` (OData, `{ "value": [ … ] }` or a single submission) or
/// `.csv` (Central's CSV export, with `<name>-<repeat>.csv` beside it).
pub fn read_submissions(path: &Path, form: &FormDefinition) -> Result<Vec<Value>, String> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        return read_csv_export(path, form);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let document: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    Ok(match document {
        Value::Object(mut map) => match map.remove("value") {
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(format!(
                    "{}: `value` must be the array of submissions, not {other}",
                    path.display()
                ));
            }
            None => vec![Value::Object(map)],
        },
        Value::Array(items) => items,
        _ => {
            return Err(format!(
                "{}: expected ODK Central's OData export (an object with `value`)",
                path.display()
            ));
        }
    })
}

/// Converts each submission and checks it against the record schema.
pub fn convert(
    submissions: &[Value],
    form: &FormDefinition,
    schema: &Value,
) -> Result<Vec<Converted>, String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("the record schema of `{}` does not compile: {e}", form.id))?;
    Ok(submissions
        .iter()
        .enumerate()
        .map(|(i, submission)| {
            let id = instance_id(submission).unwrap_or_else(|| format!("#{}", i + 1));
            let result = flatten::record(submission, form).and_then(|record| {
                let problems: Vec<Problem> = validator
                    .iter_errors(&record)
                    .map(|e| Problem {
                        field: e.instance_path().to_string(),
                        message: e.to_string(),
                    })
                    .collect();
                if problems.is_empty() {
                    Ok(record)
                } else {
                    Err(problems)
                }
            });
            Converted { id, result }
        })
        .collect())
}

/// `__id` in OData, `meta/instanceID` in either shape.
fn instance_id(submission: &Value) -> Option<String> {
    submission
        .get("__id")
        .or_else(|| submission.pointer("/meta/instanceID"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A file name for a record: the instance id without what file systems refuse.
pub fn file_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}.json", safe.trim_matches('-'))
}

/// What `records from-odk` did.
#[derive(Debug, Default)]
pub struct Report {
    pub written: Vec<PathBuf>,
    /// Submissions that did not convert: id and problems.
    pub rejected: Vec<(String, Vec<Problem>)>,
}

/// Converts an export for one form of a resolved pack and writes one record per
/// submission into `out`. Nothing is written when a submission is invalid, unless
/// `keep_going`: then the valid records are written with `report.json` listing the rest.
pub fn from_odk(
    pack: &crate::pack::Pack,
    form_id: &str,
    input: &Path,
    out: &Path,
    keep_going: bool,
) -> Result<Report, String> {
    let form = pack
        .forms
        .form(form_id)
        .ok_or_else(|| format!("this configuration has no form `{form_id}`"))?;
    let schema = crate::render::record_schema::record_schema(form, pack);
    let submissions = read_submissions(input, form)?;
    let converted = convert(&submissions, form, &schema)?;
    let mut report = Report::default();
    let mut valid = Vec::new();
    for item in converted {
        match item.result {
            Ok(record) => valid.push((item.id, record)),
            Err(problems) => report.rejected.push((item.id, problems)),
        }
    }
    if !report.rejected.is_empty() && !keep_going {
        return Ok(report);
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for (id, record) in valid {
        let path = out.join(file_name(&id));
        let mut bytes = serde_json::to_vec_pretty(&record).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.written.push(path);
    }
    if !report.rejected.is_empty() {
        let rejected: Vec<Value> = report
            .rejected
            .iter()
            .map(|(id, problems)| {
                serde_json::json!({
                    "submission": id,
                    "problems": problems.iter().map(|p| serde_json::json!({ "field": p.field, "message": p.message })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let path = out.join("report.json");
        let mut bytes = serde_json::to_vec_pretty(&serde_json::json!({ "rejected": rejected }))
            .map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(report)
}
