//! The machine-readable forms of the shipped examples, checked by independent tools:
//! pyxform with ODK Validate for every XLSForm, check-jsonschema and Ajv for every record
//! schema, and the example records (valid, and mutated so they must fail).
//!
//! `.ci/run` installs the tools. In CI (`CI` set) a missing tool fails the test; on a
//! developer machine the tools are also found in `.ci/venv` and `.ci/node`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::tool;

use serde_json::Value;

/// A built example, kept for the whole test binary.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

fn build(example: &str) -> &'static Path {
    static CHAD: OnceLock<Built> = OnceLock::new();
    static MINIMAL: OnceLock<Built> = OnceLock::new();
    let cell = if example == "chad" { &CHAD } else { &MINIMAL };
    let built = cell.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let out = dir.path().join("out");
        let config = Path::new("examples").join(example).join("country.toml");
        let (checked, result) =
            bipgen::build(&config, &out, bipgen::BuildOptions::default(), &|_| {});
        assert!(
            result.is_ok(),
            "{example} builds: {:#?}",
            checked.diagnostics
        );
        Built { _dir: dir, out }
    });
    &built.out
}

fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(extension))
        .collect();
    found.sort();
    found
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("run the tool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn every_xlsform_passes_pyxform_and_odk_validate_without_warnings() {
    let Some(xls2xform) = tool("xls2xform") else {
        return;
    };
    for example in ["chad", "minimal"] {
        let forms = files(&build(example).join("xlsform"), ".xlsx");
        assert_eq!(forms.len(), 19, "{example}: one XLSForm per form");
        let scratch = tempfile::tempdir().unwrap();
        let failures: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = forms
                .chunks(forms.len().div_ceil(2))
                .map(|chunk| {
                    let (xls2xform, scratch) = (&xls2xform, scratch.path());
                    scope.spawn(move || {
                        chunk
                            .iter()
                            .filter_map(|form| {
                                let xml = scratch
                                    .join(form.file_name().unwrap())
                                    .with_extension("xml");
                                // pyxform's exit code is not reliable: read its JSON report.
                                let (_, text) =
                                    run(Command::new(xls2xform).arg("--json").arg(form).arg(&xml));
                                let report: Value = text
                                    .lines()
                                    .rev()
                                    .find_map(|l| serde_json::from_str(l).ok())
                                    .unwrap_or_default();
                                let clean = report["code"] == 100
                                    && report["warnings"].as_array().is_some_and(Vec::is_empty);
                                (!clean).then(|| format!("{}: {text}", form.display()))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("thread"))
                .collect()
        });
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn record_schemas_are_valid_for_check_jsonschema_and_ajv() {
    let check = tool("check-jsonschema");
    let ajv = tool("ajv");
    for example in ["chad", "minimal"] {
        let schemas = files(&build(example).join("schemas"), ".schema.json");
        assert_eq!(schemas.len(), 19);
        if let Some(check) = &check {
            let (ok, text) = run(Command::new(check).arg("--check-metaschema").args(&schemas));
            assert!(ok, "check-jsonschema: {text}");
        }
        if let Some(ajv) = &ajv {
            for schema in &schemas {
                let (ok, text) = run(ajv_command(ajv, "compile").arg("-s").arg(schema));
                assert!(ok, "ajv {}: {text}", schema.display());
            }
        }
    }
}

fn ajv_command(ajv: &Path, verb: &str) -> Command {
    let mut command = Command::new(ajv);
    command
        .arg(verb)
        .args(["--spec=draft2020", "-c", "ajv-formats", "-c"])
        .arg(
            Path::new("tests/support/ajv-annotations.js")
                .canonicalize()
                .expect("annotations module"),
        );
    command
}

#[test]
fn definitions_validate_against_the_form_definition_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/form-definition.schema.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    for example in ["chad", "minimal"] {
        let definitions = files(&build(example).join("definitions"), ".json");
        assert_eq!(definitions.len(), 19);
        for path in &definitions {
            let definition: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&definition)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
        if let Some(check) = tool("check-jsonschema") {
            let (ok, text) = run(Command::new(check)
                .args(["--schemafile", "schemas/form-definition.schema.json"])
                .args(&definitions));
            assert!(ok, "check-jsonschema: {text}");
        }
    }
}

/// The example records of `tests/records/chad/`, with their schema.
fn records() -> Vec<(PathBuf, PathBuf)> {
    let schemas = build("chad").join("schemas");
    files(Path::new("tests/records/chad"), ".json")
        .into_iter()
        .map(|record| {
            let form = record.file_stem().unwrap().to_string_lossy().into_owned();
            (record, schemas.join(format!("{form}.schema.json")))
        })
        .collect()
}

/// Whether `record` validates against `schema`, per validator that is installed.
fn verdicts(schema: &Path, record: &Path) -> Vec<(&'static str, bool, String)> {
    let mut out = Vec::new();
    let schema_value: Value =
        serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let record_value: Value =
        serde_json::from_str(&std::fs::read_to_string(record).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema_value)
        .expect("compiles");
    let errors: Vec<String> = validator
        .iter_errors(&record_value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    out.push(("jsonschema", errors.is_empty(), errors.join("; ")));
    if let Some(check) = tool("check-jsonschema") {
        let (ok, text) = run(Command::new(check)
            .arg("--schemafile")
            .arg(schema)
            .arg(record));
        out.push(("check-jsonschema", ok, text));
    }
    if let Some(ajv) = tool("ajv") {
        let (ok, text) = run(ajv_command(&ajv, "validate")
            .arg("-s")
            .arg(schema)
            .arg("-d")
            .arg(record));
        out.push(("ajv", ok, text));
    }
    out
}

#[test]
fn example_records_validate_in_every_validator() {
    let records = records();
    assert_eq!(
        records.len(),
        19,
        "one example record per form in tests/records/chad"
    );
    for (record, schema) in records {
        for (validator, ok, text) in verdicts(&schema, &record) {
            assert!(ok, "{validator} rejects {}: {text}", record.display());
        }
    }
}

/// Breaks a valid record in one way; `None` when the record offers no place for it.
fn mutate(record: &Value, schema: &Value, how: &str) -> Option<Value> {
    let mut broken = record.clone();
    let object = broken.as_object_mut()?;
    let properties = schema["properties"].as_object()?;
    match how {
        "wrong type" => {
            let (key, _) = object
                .iter()
                .find(|(k, v)| v.is_string() && properties[k.as_str()]["type"] == "string")?;
            let key = key.clone();
            object.insert(key, Value::from(42));
        }
        "missing required" => {
            let required = schema["required"].as_array()?.first()?.as_str()?.to_owned();
            object.remove(&required)?;
        }
        "unknown option" => {
            let (key, _) = object
                .iter()
                .find(|(k, v)| v.is_string() && properties[k.as_str()]["oneOf"].is_array())?;
            let key = key.clone();
            object.insert(key, Value::from("no_such_option"));
        }
        "unknown field" => {
            object.insert("no_such_field".into(), Value::from("x"));
        }
        _ => unreachable!("known mutations only"),
    }
    Some(broken)
}

#[test]
fn mutated_records_are_rejected_by_every_validator() {
    let scratch = tempfile::tempdir().unwrap();
    let mut tried = 0;
    for (record, schema) in records() {
        let record_value: Value =
            serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
        let schema_value: Value =
            serde_json::from_str(&std::fs::read_to_string(&schema).unwrap()).unwrap();
        for how in [
            "wrong type",
            "missing required",
            "unknown option",
            "unknown field",
        ] {
            let Some(broken) = mutate(&record_value, &schema_value, how) else {
                continue;
            };
            let path = scratch.path().join(format!(
                "{}-{}.json",
                record.file_stem().unwrap().to_string_lossy(),
                how.replace(' ', "-")
            ));
            std::fs::write(&path, serde_json::to_vec(&broken).unwrap()).unwrap();
            for (validator, ok, _) in verdicts(&schema, &path) {
                assert!(!ok, "{validator} accepts {} with a {how}", record.display());
            }
            tried += 1;
        }
    }
    assert!(tried >= 19 * 3, "only {tried} mutations could be made");
}
