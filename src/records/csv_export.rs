//! ODK Central's CSV export: one file of submissions (`<form>.csv`) and one file per
//! repeat (`<form>-<repeat>.csv`), rows joined by `KEY` and `PARENT_KEY`. Column names are
//! group paths joined by `-`; the last part is the question's name. Each submission is
//! read into the same shape as the OData export, so one conversion serves both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::forms::model::{Field, FieldType, FormDefinition};
use crate::forms::resolve::all_fields;

/// Columns Central adds that are not answers.
const SYSTEM: &[&str] = &[
    "SubmissionDate",
    "KEY",
    "PARENT_KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
];

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read(path: &Path) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("{}: row {}: {e}", path.display(), i + 2))?;
        rows.push(row.iter().map(str::to_owned).collect());
    }
    Ok(Table { header, rows })
}

pub fn read_csv_export(path: &Path, form: &FormDefinition) -> Result<Vec<Value>, String> {
    let fields = all_fields(form);
    let main = read(path)?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    let folder = path.parent().unwrap_or(Path::new("."));
    // Repeat rows by their parent's KEY, for every repeat whose file is there.
    let mut repeats: BTreeMap<String, Table> = BTreeMap::new();
    for field in fields.iter().filter(|f| f.kind == FieldType::Repeat) {
        let file: PathBuf = folder.join(format!("{stem}-{}.csv", field.id));
        if file.is_file() {
            repeats.insert(field.id.to_string(), read(&file)?);
        }
    }
    let key_column = main.header.iter().position(|h| h == "KEY");
    Ok(main
        .rows
        .iter()
        .map(|row| {
            let key = key_column.map(|k| row[k].clone());
            submission(&main.header, row, &fields, key.as_deref(), &repeats)
        })
        .collect())
}

/// One row, with its repeats, as an OData-shaped submission.
fn submission(
    header: &[String],
    row: &[String],
    fields: &[&Field],
    key: Option<&str>,
    repeats: &BTreeMap<String, Table>,
) -> Value {
    let mut out = Map::new();
    for (column, value) in header.iter().zip(row) {
        if column == "meta-instanceID" || column == "instanceID" {
            out.insert("__id".into(), Value::String(value.clone()));
            continue;
        }
        let name = column.rsplit('-').next().unwrap_or(column);
        // Split select-multiple columns (`concerns/neglect`) repeat the main column.
        if SYSTEM.contains(&column.as_str()) || name.contains('/') {
            continue;
        }
        let value = Value::String(value.clone());
        match signature_of(name, fields) {
            Some(signature) => {
                let group = out
                    .entry(signature.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(group) = group {
                    group.insert(name.to_owned(), value);
                }
            }
            None => {
                out.insert(name.to_owned(), value);
            }
        }
    }
    if let Some(key) = key {
        for field in fields.iter().filter(|f| f.kind == FieldType::Repeat) {
            let Some(table) = repeats.get(field.id.as_str()) else {
                continue;
            };
            let parent = table.header.iter().position(|h| h == "PARENT_KEY");
            let own = table.header.iter().position(|h| h == "KEY");
            let rows: Vec<Value> = table
                .rows
                .iter()
                .filter(|r| parent.is_some_and(|p| r[p] == key))
                .map(|r| {
                    let own_key = own.map(|k| r[k].clone());
                    submission(&table.header, r, fields, own_key.as_deref(), repeats)
                })
                .collect();
            if !rows.is_empty() {
                out.insert(field.id.to_string(), Value::Array(rows));
            }
        }
    }
    Value::Object(out)
}

/// The signature a column belongs to: `child_mark_name` → `child_mark`.
fn signature_of<'a>(name: &str, fields: &[&'a Field]) -> Option<&'a str> {
    fields
        .iter()
        .filter(|f| f.kind == FieldType::Signature)
        .map(|f| f.id.as_str())
        .find(|id| {
            name.strip_prefix(id)
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|part| ["name", "date", "method", "image"].contains(&part))
        })
}
