//! The machine-readable forms of the shipped examples, checked by independent tools:
//! pyxform with ODK Validate for every XLSForm, check-jsonschema and Ajv for every record
//! schema, and the example records (valid, and mutated so they must fail).
//!
//! `.ci/run` installs the tools. In CI (`CI` set) a missing tool fails the test; on a
//! developer machine the tools are also found in `.ci/venv` and `.ci/node`.

use crate::support::tool;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

/// Forms in the built-in library: every example builds them all.
const FORMS: usize = bipgen::library::forms::BUILTIN_FORMS.len();

/// A built example, kept for the whole test binary.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

/// Every example of `examples/`, by folder name.
fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("examples")
        .expect("examples/")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().join("country.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub(crate) fn build(example: &str) -> &'static Path {
    static BUILT: Mutex<BTreeMap<String, &'static OnceLock<Built>>> = Mutex::new(BTreeMap::new());
    let cell: &'static OnceLock<Built> = BUILT
        .lock()
        .expect("lock")
        .entry(example.to_owned())
        .or_insert_with(|| Box::leak(Box::new(OnceLock::new())));
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

/// Converts every XLSForm of an example with pyxform (which runs ODK Validate), in two
/// threads; returns each form's path with its report and XForm (`None` when pyxform wrote
/// none).
fn convert(xls2xform: &Path, example: &str) -> Vec<(PathBuf, String, Option<String>)> {
    let built = build(example);
    let forms = files(&built.join("xlsform"), ".xlsx");
    let definitions = files(&built.join("definitions"), ".json");
    assert_eq!(
        forms.len(),
        definitions.len(),
        "{example}: one XLSForm per form"
    );
    assert!(!forms.is_empty(), "{example}: no XLSForm");
    let scratch = tempfile::tempdir().unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = forms
            .chunks(forms.len().div_ceil(2))
            .map(|chunk| {
                let scratch = scratch.path();
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|form| {
                            let xml = scratch
                                .join(form.file_name().unwrap())
                                .with_extension("xml");
                            let (_, text) =
                                run(Command::new(xls2xform).arg("--json").arg(form).arg(&xml));
                            (form.clone(), text, std::fs::read_to_string(&xml).ok())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    })
}

#[test]
fn every_xlsform_passes_pyxform_odk_validate_and_the_collect_lint() {
    let Some(xls2xform) = tool("xls2xform") else {
        return;
    };
    let mut failures = Vec::new();
    let mut linted = 0;
    for example in examples() {
        for (form, text, xml) in convert(&xls2xform, &example) {
            // pyxform's exit code is not reliable: read its JSON report.
            let report: Value = text
                .lines()
                .rev()
                .find_map(|l| serde_json::from_str(l).ok())
                .unwrap_or_default();
            let clean =
                report["code"] == 100 && report["warnings"].as_array().is_some_and(Vec::is_empty);
            if !clean {
                failures.push(format!("{}: {text}", form.display()));
            }
            let Some(xml) = xml else {
                failures.push(format!("{}: pyxform wrote no XForm", form.display()));
                continue;
            };
            // What ODK Collect refuses, which pyxform and ODK Validate let through.
            for violation in crate::xform_lint::lint(&xml) {
                failures.push(format!("{}: {violation}", form.display()));
            }
            linted += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(linted >= FORMS * 2, "only {linted} XForms were linted");
}

#[test]
fn record_schemas_are_valid_for_check_jsonschema_and_ajv() {
    let check = tool("check-jsonschema");
    let ajv = tool("ajv");
    for example in ["chad", "minimal"] {
        let schemas = files(&build(example).join("schemas"), ".schema.json");
        assert_eq!(schemas.len(), FORMS);
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

#[test]
fn the_published_schemas_compile_strictly_and_every_manifest_resolved_configuration_and_primero_export_passes_ajv()
 {
    let Some(ajv) = tool("ajv") else {
        return;
    };
    for schema in [
        "schemas/manifest.schema.json",
        "schemas/form-definition.schema.json",
        "schemas/country-config.schema.json",
        "schemas/resolved-config.schema.json",
        "schemas/primero-configuration.schema.json",
    ] {
        let (ok, text) = run(ajv_command(&ajv, "compile").args(["-s", schema]));
        assert!(ok, "ajv {schema}: {text}");
    }
    for example in ["chad", "minimal"] {
        let manifest = build(example).join("manifest.json");
        let (ok, text) = run(ajv_command(&ajv, "validate")
            .args(["-s", "schemas/manifest.schema.json", "-d"])
            .arg(&manifest));
        assert!(ok, "ajv {example}: {text}");
        for (schema, file) in [
            (
                "schemas/resolved-config.schema.json",
                "config/resolved.json",
            ),
            (
                "schemas/primero-configuration.schema.json",
                "primero/configuration.json",
            ),
        ] {
            let (ok, text) = run(ajv_command(&ajv, "validate")
                .args(["-s", schema, "-d"])
                .arg(build(example).join(file)));
            assert!(ok, "ajv {example} {file}: {text}");
        }
    }
}

fn ajv_command(ajv: &Path, verb: &str) -> Command {
    let mut command = Command::new(ajv);
    command
        .arg(verb)
        // Strict, as developers compile them: every keyword known, every required
        // property declared, every keyword with its type.
        .args([
            "--spec=draft2020",
            "--strict=true",
            "--strict-required=true",
            "--strict-types=true",
            "-c",
            "ajv-formats",
            "-c",
        ])
        .arg(
            Path::new("tests/it/ajv-annotations.js")
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
        assert_eq!(definitions.len(), FORMS);
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
pub(crate) fn verdicts(schema: &Path, record: &Path) -> Vec<(&'static str, bool, String)> {
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
        FORMS,
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
    assert!(tried >= FORMS * 3, "only {tried} mutations could be made");
}

/// A 2048-bit RSA public key made for the tests (its private key was not kept).
const PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7Zm7t6QheR8XAPtiLNJg1qwpEJxEN3FQP0kc9PQRZ6XinHKSuL8YU/7H/hv/UrwirgFzlEGAjvaQ+NcvWiRS5/PIP8ixo3kLdZ8Kl8hwrKr+FcUWJVzuma7IISuDzxXPVbpC/sOC326kcuxqMx29Fofikva1EB7Oloqu4Lxb5lVqI1kNypxdd+ZIQ1j5NGdBD5JtZEYwYHyym+PBW/pT/Blj8oKt+t/O5fVcurToI0BxAXdq+dxgMZOBikrT+3WP+EXIO1rxCt3/3eUSjhwzNoDbNtaieXaRx2u1Sf3lf5s2YGV3bg/kE461Jkfup/hQX06vgltpRTlkXydiZWIe9wIDAQAB";

/// The minimal example with `extra` appended, in a folder of its own.
fn minimal_with(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    let text = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    std::fs::write(&config, format!("{text}\n{extra}\n")).unwrap();
    (dir, config)
}

#[test]
fn the_public_key_and_metadata_reach_the_xform() {
    let (dir, config) = minimal_with(&format!(
        "[forms.odk]\nmetadata = [\"start\", \"end\", \"deviceid\", \"username\", \"audit\"]\npublic_key = \"{PUBLIC_KEY}\"\nsubmission_url = \"https://central.example.org/submission\""
    ));
    let out = dir.path().join("out");
    let (checked, result) = bipgen::build(&config, &out, bipgen::BuildOptions::default(), &|_| {});
    assert!(result.is_ok(), "{:#?}", checked.diagnostics);
    assert!(
        checked.warnings().all(|d| d.code != "unencrypted-form"),
        "a key is set"
    );
    let Some(xls2xform) = tool("xls2xform") else {
        return;
    };
    let form = out.join("xlsform/bia_short.xlsx");
    let xml = dir.path().join("bia_short.xml");
    let (_, text) = run(Command::new(&xls2xform).arg("--json").arg(&form).arg(&xml));
    assert!(text.contains("\"code\": 100"), "{text}");
    let xml = std::fs::read_to_string(&xml).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let submission = document
        .descendants()
        .find(|n| n.has_tag_name("submission"))
        .expect("a submission element");
    assert_eq!(submission.attribute("base64RsaPublicKey"), Some(PUBLIC_KEY));
    assert_eq!(
        submission.attribute("action"),
        Some("https://central.example.org/submission")
    );
    // Each metadata field is in the instance, filled by the phone.
    let preloads: Vec<(&str, &str)> = document
        .descendants()
        .filter(|n| n.has_tag_name("bind"))
        .filter_map(|n| {
            Some((
                n.attribute("nodeset")?,
                n.attribute(("http://openrosa.org/javarosa", "preloadParams"))
                    .or_else(|| n.attribute("type"))?,
            ))
        })
        .collect();
    for (nodeset, what) in [
        ("/data/start", "start"),
        ("/data/end", "end"),
        ("/data/deviceid", "deviceid"),
        ("/data/username", "username"),
        ("/data/meta/audit", "binary"),
    ] {
        assert!(
            preloads.contains(&(nodeset, what)),
            "{nodeset} ({what}) in {preloads:?}"
        );
    }
    assert_eq!(crate::xform_lint::lint(&xml), []);
}

#[test]
fn a_key_that_is_not_base64_is_a_located_error_and_no_key_warns() {
    let (_dir, config) = minimal_with("[forms.odk]\npublic_key = \"MIIB not base64!\"");
    let checked = bipgen::check(&config);
    let error = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-public-key")
        .expect("an invalid-public-key error");
    let json = error.to_json(&checked.sources);
    assert!(json.file.is_some_and(|f| f.ends_with("country.toml")));
    let lines = std::fs::read_to_string(&config).unwrap();
    let line = lines
        .lines()
        .position(|l| l.starts_with("public_key"))
        .unwrap()
        + 1;
    assert_eq!((json.line, json.column), (Some(line), Some(14)));

    let (_dir, config) = minimal_with("[forms.odk]\nmetadata = [\"start\", \"gps\"]");
    let checked = bipgen::check(&config);
    let error = checked
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    let json = error.to_json(&checked.sources);
    assert!(json.message.contains("gps"), "{}", json.message);
    assert!(json.line.is_some(), "located");

    // Without a key, one warning names every form with highly confidential fields.
    let (_dir, config) = minimal_with("");
    let checked = bipgen::check(&config);
    let unencrypted: Vec<_> = checked
        .warnings()
        .filter(|d| d.code == "unencrypted-form")
        .collect();
    assert_eq!(unencrypted.len(), 1, "{unencrypted:#?}");
    assert!(
        unencrypted[0].message.contains("`bia_short`")
            && unencrypted[0].message.contains("`registration_intake`"),
        "{unencrypted:#?}"
    );
}

/// `config/resolved.json` holds a configuration in its own right: no `null`, no
/// `include`, the forms built as `forms.selected`, and valid against the published
/// configuration schema.
#[test]
fn the_resolved_configuration_validates_against_the_configuration_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/country-config.schema.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    for example in examples() {
        let built = build(&example);
        let resolved: Value = serde_json::from_str(
            &std::fs::read_to_string(built.join("config/resolved.json")).unwrap(),
        )
        .unwrap();
        let config = &resolved["config"];
        let errors: Vec<String> = validator
            .iter_errors(config)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(10)
            .collect();
        assert!(errors.is_empty(), "{example}: {errors:#?}");
        assert!(config.get("include").is_none(), "{example}");
        let text = serde_json::to_string(config).unwrap();
        assert!(
            !text.contains(":null"),
            "{example}: a null in the resolved configuration"
        );
        let definitions = files(&built.join("definitions"), ".json").len();
        assert_eq!(
            config["forms"]["selected"].as_array().map(Vec::len),
            Some(definitions),
            "{example}: the forms built"
        );
    }
}
