//! `bipgen records from-odk`: ODK Central's exports of five forms (tests/records/odk,
//! OData JSON and CSV with repeat files, written by `make_fixtures.py` from the example
//! records) come back as the very records they were made from, valid in every validator;
//! a broken submission is named with its field, and nothing is written.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::Value;

use crate::forms_external::{build, verdicts};

const FORMS: [&str; 5] = [
    "registration_intake",
    "child_assent",
    "referral",
    "case_conference",
    "bia_short",
];

fn from_odk(form: &str, input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("bipgen")
        .unwrap()
        .args([
            "records",
            "from-odk",
            "examples/chad/country.toml",
            "--form",
            form,
        ])
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn written(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn central_exports_come_back_as_the_records_they_were_made_from() {
    let schemas = build("chad").join("schemas");
    for form in FORMS {
        let original = json(Path::new(&format!("tests/records/chad/{form}.json")));
        for export in ["json", "csv"] {
            let dir = tempfile::tempdir().unwrap();
            let input = PathBuf::from(format!("tests/records/odk/{form}.{export}"));
            let output = from_odk(form, &input, dir.path(), &[]);
            assert!(
                output.status.success(),
                "{form}.{export}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let files = written(dir.path());
            assert_eq!(files.len(), 1, "{form}.{export}: one record per submission");
            assert_eq!(json(&files[0]), original, "{form}.{export}");
            for (validator, ok, text) in
                verdicts(&schemas.join(format!("{form}.schema.json")), &files[0])
            {
                assert!(ok, "{validator} rejects the {form}.{export} record: {text}");
            }
        }
    }
}

/// The child_assent export with one submission broken in `how`, and a good one.
fn broken(dir: &Path, how: &dyn Fn(&mut Value)) -> PathBuf {
    let mut export = json(Path::new("tests/records/odk/child_assent.json"));
    let good = export["value"][0].clone();
    let mut bad = good.clone();
    bad["__id"] = "uuid:broken".into();
    how(&mut bad);
    export["value"] = Value::Array(vec![good, bad]);
    let path = dir.join("submissions.json");
    std::fs::write(&path, serde_json::to_vec(&export).unwrap()).unwrap();
    path
}

#[test]
fn each_broken_submission_is_named_with_its_field_and_nothing_is_written() {
    type Break = fn(&mut Value);
    let cases: [(&str, Break, &str); 3] = [
        (
            "a wrong option",
            |s| s["child_page"]["assent_talk"] = "peut-être".into(),
            "/assent_talk",
        ),
        (
            "a missing required answer",
            |s| {
                s["header"].as_object_mut().unwrap().remove("case_id");
            },
            "case_id",
        ),
        (
            "a wrong type",
            |s| s["header"]["form_date"] = 20260115.into(),
            "/form_date",
        ),
    ];
    for (what, how, field) in cases {
        let dir = tempfile::tempdir().unwrap();
        let input = broken(dir.path(), &how);
        let out = dir.path().join("records");
        let output = from_odk("child_assent", &input, &out, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{what}: {stderr}");
        assert!(
            stderr.contains("submission uuid:broken"),
            "{what}: {stderr}"
        );
        assert!(stderr.contains(field), "{what} names {field}: {stderr}");
        assert!(!out.exists(), "{what}: nothing is written");
        // --keep-going writes the good record and a report of the broken one.
        let output = from_odk("child_assent", &input, &out, &["--keep-going"]);
        assert_eq!(output.status.code(), Some(1));
        let files = written(&out);
        assert_eq!(files.len(), 2, "{what}: {files:?}");
        let report = json(&out.join("report.json"));
        assert_eq!(report["rejected"][0]["submission"], "uuid:broken");
    }
}
