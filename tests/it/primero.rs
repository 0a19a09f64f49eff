//! The Primero export as Primero would read it: `primero/configuration.json` validates
//! against the schema of the subset bipgen writes (`schemas/primero-configuration.schema.json`,
//! written from Primero's models), holds what Primero checks beyond a schema (unique
//! names, subforms and lookups that exist), and gives back every field, label, option
//! and condition of the forms when it is read again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

const REFUSED: [char; 7] = ['*', '!', '@', '#', '%', '$', '^'];

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn schema() -> jsonschema::Validator {
    let schema = read_json(Path::new("schemas/primero-configuration.schema.json"));
    jsonschema::draft202012::new(&schema).expect("the Primero schema compiles")
}

/// The configuration built from `config` with the Primero export only.
fn primero_only(config: &Path) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Primero].into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let (checked, result) = bipgen::build(config, &out, options, &|_| {});
    assert!(result.is_ok(), "{result:?} {:#?}", checked.diagnostics);
    let value = read_json(&out.join("primero/configuration.json"));
    (dir, value)
}

fn assert_valid(configuration: &Value, what: &str) {
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(configuration)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// What Primero checks when it saves the records, beyond their shapes.
fn assert_consistent(configuration: &Value) {
    let data = &configuration["data"];
    let sections = data["FormSection"].as_array().unwrap();
    let lookups: BTreeSet<&str> = data["Lookup"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["unique_id"].as_str().unwrap())
        .collect();
    let nested: BTreeMap<&str, &Value> = sections
        .iter()
        .filter(|s| s["is_nested"] == true)
        .map(|s| (s["unique_id"].as_str().unwrap(), s))
        .collect();
    let ids: BTreeSet<&str> = sections
        .iter()
        .map(|s| s["unique_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), sections.len(), "form unique ids repeat");
    // A record-level name means one thing in every form that has it.
    let mut meaning: BTreeMap<&str, (String, String)> = BTreeMap::new();
    for section in sections {
        let fields = section["fields_attributes"].as_array().unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(
            unique.len(),
            names.len(),
            "{}: field names repeat",
            section["unique_id"]
        );
        for field in fields {
            if let Some(source) = field["option_strings_source"].as_str() {
                let lookup = source.strip_prefix("lookup ").unwrap();
                assert!(lookups.contains(lookup), "{source} is not exported");
            }
            if let Some(subform) = field["subform_unique_id"].as_str() {
                assert!(nested.contains_key(subform), "subform {subform} is missing");
            }
            if section["is_nested"] == false && field["type"] != "separator" {
                let this = (
                    field["type"].to_string(),
                    field["option_strings_source"].to_string(),
                );
                let name = field["name"].as_str().unwrap();
                if let Some(before) = meaning.insert(name, this.clone()) {
                    assert_eq!(before, this, "{name} has two meanings");
                }
            }
        }
        if let Some(collapsed) = section["collapsed_field_names"].as_array() {
            for name in collapsed {
                assert!(names.contains(&name.as_str().unwrap()), "{name} collapsed");
            }
        }
    }
    let roles = data["Role"].as_array().unwrap();
    for role in roles {
        for form in role["form_section_read_write"].as_object().unwrap().keys() {
            assert!(
                ids.contains(form.as_str()),
                "role names unknown form {form}"
            );
        }
    }
    let agencies: BTreeSet<&str> = data["Agency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unique_id"].as_str().unwrap())
        .collect();
    for group in data["UserGroup"].as_array().unwrap() {
        for agency in group["agency_unique_ids"].as_array().unwrap() {
            assert!(agencies.contains(agency.as_str().unwrap()));
        }
    }
    let codes: BTreeSet<&str> = data["Agency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), agencies.len(), "agency codes repeat");
}

/// Option ids with their labels per language.
type Options = Vec<(String, BTreeMap<String, String>)>;

/// A field as read back from Primero: its label per language, its type, its options.
#[derive(Debug, PartialEq)]
struct ReadBack {
    labels: BTreeMap<String, String>,
    kind: String,
    options: Options,
    /// A condition as a display condition, or in words.
    conditioned: bool,
}

fn texts(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// The answers of one Primero form, subforms' rows in place, signatures' companions
/// (name, date, method) left out.
fn read_back(configuration: &Value, form: &str) -> Vec<ReadBack> {
    let data = &configuration["data"];
    let section = |id: &str| {
        data["FormSection"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unique_id"] == id)
            .unwrap_or_else(|| panic!("no form {id}"))
            .clone()
    };
    let options = |source: &Value| -> Options {
        let Some(lookup) = source.as_str().and_then(|s| s.strip_prefix("lookup ")) else {
            return Vec::new();
        };
        let lookup = data["Lookup"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["unique_id"] == lookup)
            .unwrap();
        lookup["lookup_values_i18n"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["id"].as_str().unwrap().to_owned(),
                    texts(&v["display_text"]),
                )
            })
            .collect()
    };
    fn walk(
        fields: &[Value],
        out: &mut Vec<ReadBack>,
        section: &dyn Fn(&str) -> Value,
        options: &dyn Fn(&Value) -> Options,
    ) {
        // A signature is followed by who signed, when and how.
        let mut companions = 0;
        for field in fields {
            if companions > 0 {
                companions -= 1;
                continue;
            }
            let kind = field["type"].as_str().unwrap();
            if kind == "signature" {
                companions = 3;
            }
            if kind == "separator" {
                continue;
            }
            let conditioned = field.get("display_conditions_record").is_some()
                || field.get("display_conditions_subform").is_some()
                || field["guiding_questions_i18n"]["en"]
                    .as_str()
                    .is_some_and(|g| g.contains("Answer only if"));
            out.push(ReadBack {
                labels: texts(&field["display_name_i18n"]),
                kind: kind.to_owned(),
                options: options(&field["option_strings_source"]),
                conditioned,
            });
            if kind == "subform" {
                let rows = section(field["subform_unique_id"].as_str().unwrap());
                walk(
                    rows["fields_attributes"].as_array().unwrap(),
                    out,
                    section,
                    options,
                );
            }
        }
    }
    let mut out = Vec::new();
    let form = section(&format!("bip_{form}"));
    walk(
        form["fields_attributes"].as_array().unwrap(),
        &mut out,
        &section,
        &options,
    );
    out
}

/// The answers of a form definition as Primero should hold them.
fn expected(definition: &Value, languages: &[String]) -> Vec<ReadBack> {
    let lists = definition["lists"].as_array().unwrap();
    let labels = |text: &Value| -> BTreeMap<String, String> {
        let mut found = texts(text);
        found.retain(|k, _| languages.contains(k));
        if let Some(en) = found.get_mut("en") {
            *en = en.replace(REFUSED, "").trim().to_owned();
        }
        found
    };
    fn walk(
        fields: &Value,
        outer: bool,
        lists: &[Value],
        labels: &dyn Fn(&Value) -> BTreeMap<String, String>,
        out: &mut Vec<ReadBack>,
    ) {
        for field in fields.as_array().into_iter().flatten() {
            let kind = field["type"].as_str().unwrap();
            let conditioned = outer || field.get("relevant").is_some();
            if kind == "group" || kind == "note" {
                walk(&field["fields"], conditioned, lists, labels, out);
                continue;
            }
            let options = match kind {
                "yes_no" => vec!["yes".to_owned(), "no".to_owned()],
                _ => field["choices"]
                    .as_str()
                    .map(|list| {
                        lists.iter().find(|l| l["id"] == list).unwrap()["options"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|o| o["id"].as_str().unwrap().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            let primero = match kind {
                "text" => "text_field",
                "long_text" => "textarea",
                "integer" | "decimal" => "numeric_field",
                "date" => "date_field",
                "yes_no" => "radio_button",
                "single_choice" if options.len() <= 5 => "radio_button",
                "single_choice" | "multiple_choice" => "select_box",
                "signature" => "signature",
                "repeat" => "subform",
                other => panic!("unexpected type {other}"),
            };
            let option_labels = match kind {
                "yes_no" => None,
                _ => field["choices"].as_str().map(|list| {
                    lists.iter().find(|l| l["id"] == list).unwrap()["options"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|o| (o["id"].as_str().unwrap().to_owned(), labels(&o["label"])))
                        .collect::<Vec<_>>()
                }),
            };
            out.push(ReadBack {
                labels: labels(&field["label"]),
                kind: primero.to_owned(),
                options: option_labels
                    .unwrap_or_else(|| options.into_iter().map(|o| (o, BTreeMap::new())).collect()),
                conditioned,
            });
            if kind == "repeat" {
                // A repeat's own condition is its subform field's; rows start afresh.
                walk(&field["fields"], false, lists, labels, out);
            }
        }
    }
    let mut out = Vec::new();
    for section in definition["sections"].as_array().unwrap() {
        walk(
            &section["fields"],
            section.get("relevant").is_some(),
            lists,
            &labels,
            &mut out,
        );
    }
    out
}

#[test]
fn the_chad_export_is_a_primero_configuration_that_loses_no_field_label_or_option() {
    let built = crate::form_pdfs::chad();
    let configuration = read_json(&built.join("primero/configuration.json"));
    assert_valid(&configuration, "chad");
    assert_consistent(&configuration);

    let mut forms = 0;
    for entry in std::fs::read_dir(built.join("definitions")).unwrap() {
        let definition = read_json(&entry.unwrap().path());
        let id = definition["id"].as_str().unwrap();
        let languages: Vec<String> = definition["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect();
        let mut back = read_back(&configuration, id);
        // Yes/no options come from one lookup: compare their ids.
        for field in &mut back {
            if field.kind == "radio_button"
                && field.options.iter().map(|o| &o.0).eq(["yes", "no"].iter())
            {
                for option in &mut field.options {
                    option.1.clear();
                }
            }
        }
        let expected = expected(&definition, &languages);
        assert_eq!(back.len(), expected.len(), "{id}: number of answers");
        for (got, want) in back.iter().zip(&expected) {
            assert_eq!(got, want, "{id}");
        }
        forms += 1;
    }
    assert_eq!(forms, 20);

    // Shared concepts are one field in every form that asks them.
    let data = &configuration["data"];
    let holding = |name: &str| {
        data["FormSection"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| {
                s["fields_attributes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["name"] == name)
            })
            .count()
    };
    assert!(holding("child_family_name") > 3);
    // `case_id` is Primero's own: the operation's case number takes another name.
    assert_eq!(holding("case_id"), 0);
    assert!(holding("bip_case_id") > 3);

    // A condition Primero can evaluate is a display condition in its format.
    let bia = data["FormSection"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unique_id"] == "bip_bia_short")
        .unwrap();
    let field = |name: &str| {
        bia["fields_attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(
        field("bia_short_interpreter_name")["display_conditions_record"],
        serde_json::json!({ "eq": { "bia_short_interpreter_used": "yes" } })
    );
    assert_eq!(
        field("bia_short_form_date")["date_validation"],
        "not_future_date"
    );
    // A constraint Primero cannot check is left to the caseworker, in words.
    assert_eq!(
        field("bia_short_age_years")["guiding_questions_i18n"]["en"],
        "Check: the answer is between 0 and 17."
    );
    assert_eq!(
        field("bia_short_interpreter_used")["option_strings_source"],
        "lookup lookup-bip-yes-no"
    );
}

#[test]
fn roles_reach_the_forms_of_their_steps() {
    let built = crate::form_pdfs::chad();
    let configuration = read_json(&built.join("primero/configuration.json"));
    let roles = configuration["data"]["Role"].as_array().unwrap();
    let role = |id: &str| {
        roles
            .iter()
            .find(|r| r["unique_id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let caseworker = role("role-bip-caseworker");
    assert_eq!(caseworker["form_section_read_write"]["bip_bia_short"], "rw");
    let actions = caseworker["permissions"]["case"].as_array().unwrap();
    assert!(actions.contains(&"write".into()), "{actions:?}");
    assert_eq!(caseworker["group_permission"], "self");
    assert_eq!(
        caseworker["module_unique_ids"],
        serde_json::json!(["primeromodule-cp"])
    );
}

#[test]
fn exports_of_other_operations_and_languages_are_valid_too() {
    for config in [
        "examples/ethiopia/country.toml",
        "examples/minimal/country.toml",
    ] {
        let (_dir, configuration) = primero_only(Path::new(config));
        assert_valid(&configuration, config);
        assert_consistent(&configuration);
        // Primero requires English: every form and field name has it.
        for section in configuration["data"]["FormSection"].as_array().unwrap() {
            assert!(section["name_i18n"]["en"].is_string(), "{config}");
        }
    }
}

#[test]
fn the_schema_refuses_what_primero_refuses() {
    let built = crate::form_pdfs::chad();
    let good = read_json(&built.join("primero/configuration.json"));
    let validator = schema();
    let valid_after = |edit: &dyn Fn(&mut Value)| {
        let mut bad = good.clone();
        edit(&mut bad);
        validator.is_valid(&bad)
    };
    let first_field = "/data/FormSection/0/fields_attributes/0";
    let set = |pointer: String, value: Value| {
        move |v: &mut Value| *v.pointer_mut(&pointer).expect("the pointer exists") = value.clone()
    };
    // A field name Primero's format refuses.
    assert!(!valid_after(&set(
        format!("{first_field}/name"),
        "Bad Name".into()
    )));
    // A character Primero refuses in an English name.
    assert!(!valid_after(&set(
        format!("{first_field}/display_name_i18n/en"),
        "50% done".into()
    )));
    // No English name.
    assert!(!valid_after(&|v| {
        let names = v.pointer_mut(&format!("{first_field}/display_name_i18n"));
        names.and_then(Value::as_object_mut).unwrap().remove("en");
    }));
    // A configuration without roles is refused as a whole.
    assert!(!valid_after(&set(
        "/data/Role".into(),
        serde_json::json!([])
    )));
    // An ordering comparison of a list throws in Primero.
    assert!(!valid_after(&|v| {
        let field = v.pointer_mut(first_field).expect("a first field");
        field["display_conditions_record"] = serde_json::json!({ "gt": { "x": [1] } });
    }));
    // A condition in Primero's format is accepted there.
    assert!(valid_after(&|v| {
        let field = v.pointer_mut(first_field).expect("a first field");
        field["display_conditions_record"] = serde_json::json!({ "gt": { "x": 1 } });
    }));
    assert!(validator.is_valid(&good));
}
