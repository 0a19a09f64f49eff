//! The codebook (data dictionary): one row per field of each form, in the definitions'
//! order, with its rules in words in every language; the workbook opens in LibreOffice
//! and each of its sheets holds what the form's CSV holds.

use std::path::Path;
use std::process::Command;

use crate::support::tool;

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let bytes = std::fs::read(path).unwrap();
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a byte order mark");
    csv::Reader::from_reader(text)
        .records()
        .map(Result::unwrap)
        .collect()
}

/// Every field id of a form definition, depth first, as the form lists them.
fn field_ids(definition: &serde_json::Value) -> Vec<String> {
    fn walk(fields: &serde_json::Value, out: &mut Vec<String>) {
        for field in fields.as_array().into_iter().flatten() {
            out.push(field["id"].as_str().unwrap().to_owned());
            walk(&field["fields"], out);
        }
    }
    let mut out = Vec::new();
    for section in definition["sections"].as_array().unwrap() {
        walk(&section["fields"], &mut out);
    }
    out
}

#[test]
fn the_codebook_has_one_row_per_field_of_each_form() {
    let built = crate::form_pdfs::chad();
    let mut forms = 0;
    for entry in std::fs::read_dir(built.join("definitions")).unwrap() {
        let path = entry.unwrap().path();
        let definition: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let id = definition["id"].as_str().unwrap();
        let rows = read_csv(&built.join(format!("codebook/{id}.csv")));
        let in_codebook: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
        assert_eq!(in_codebook, field_ids(&definition), "{id}");
        assert!(rows.iter().all(|r| &r[0] == id));
        forms += 1;
    }
    assert_eq!(forms, 20);

    // Rules in words in every language, beside the expression.
    let bytes = std::fs::read(built.join("codebook/bia_short.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row = |field: &str| rows.iter().find(|r| &r[3] == field).unwrap();
    let interpreter = row("interpreter_name");
    assert_eq!(&interpreter[column("relevant")], "interpreter_used = 'yes'");
    assert_eq!(
        &interpreter[column("relevant::fr")],
        "la réponse à la question 1.7 est «\u{a0}Oui\u{a0}»"
    );
    assert!(interpreter[column("relevant::ar")].contains("نعم"));
    let age = row("age_years");
    assert_eq!(
        &age[column("constraint::en")],
        "the answer is between 0 and 17"
    );
    let used = row("interpreter_used");
    assert_eq!(&used[column("type")], "yes_no");
    assert_eq!(&used[column("options::en")], "yes = Yes; no = No");
    let case_id = row("case_id");
    assert_eq!(&case_id[column("required")], "yes");
    assert_eq!(&case_id[column("concept")], "case_id");
    assert_eq!(&case_id[column("sensitivity")], "confidential");
    assert!(row("agency")[column("options::fr")].contains("unhcr = "));

    // Every option of every list the forms use, once, in choices.csv.
    let choices = read_csv(&built.join("codebook/choices.csv"));
    assert!(
        choices
            .iter()
            .any(|r| &r[0] == "case_agencies" && &r[1] == "unhcr")
    );
    let mut pairs: Vec<(&str, &str)> = choices.iter().map(|r| (&r[0], &r[1])).collect();
    let all = pairs.len();
    pairs.dedup();
    assert_eq!(pairs.len(), all, "an option is listed twice");
}

#[test]
fn libreoffice_reads_each_sheet_of_the_workbook_as_the_forms_csv() {
    let Some(soffice) = tool("soffice") else {
        return;
    };
    let built = crate::form_pdfs::chad();
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        ))
        .args([
            "--headless",
            "--convert-to",
            // UTF-8, comma, double quote, every sheet to a file of its own.
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(built.join("codebook/all.xlsx"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut sheets = 0;
    for entry in std::fs::read_dir(built.join("codebook")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let form = path.file_stem().unwrap().to_string_lossy();
        // The form sheets, and the choices sheet.
        let converted = dir.path().join(format!("all-{form}.csv"));
        let text = std::fs::read(&converted)
            .unwrap_or_else(|_| panic!("LibreOffice wrote no sheet for {form}: {output:?}"));
        let from_workbook: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_slice())
            .records()
            .map(Result::unwrap)
            .collect();
        assert_eq!(from_workbook, read_csv(&path), "{form}");
        sheets += 1;
    }
    // The twenty forms and the choices.
    assert_eq!(sheets, 21);
}
