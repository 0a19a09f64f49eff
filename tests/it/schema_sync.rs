//! The committed configuration schema is what the code generates, and it is a valid
//! JSON Schema 2020-12 document.

#[test]
fn committed_schema_matches_the_code() {
    let committed =
        std::fs::read_to_string("schemas/country-config.schema.json").expect("committed schema");
    let generated = bipgen::config::schema::config_schema_text();
    assert!(
        committed == generated,
        "schemas/country-config.schema.json is out of date: run `cargo run -- schema > schemas/country-config.schema.json`"
    );
}

#[test]
fn schema_is_valid_against_the_2020_12_meta_schema() {
    let schema = bipgen::config::schema::config_schema();
    assert!(jsonschema::meta::is_valid(&schema));
}

#[test]
fn committed_form_schema_matches_the_code() {
    let committed =
        std::fs::read_to_string("schemas/form-definition.schema.json").expect("committed schema");
    assert!(
        committed == bipgen::forms::form_definition_schema_text(),
        "schemas/form-definition.schema.json is out of date: run `cargo run -- schema --form > schemas/form-definition.schema.json`"
    );
    assert!(jsonschema::meta::is_valid(
        &bipgen::forms::form_definition_schema()
    ));
}

#[test]
fn committed_manifest_schema_matches_the_code_and_every_manifest_validates() {
    let committed =
        std::fs::read_to_string("schemas/manifest.schema.json").expect("committed schema");
    assert!(
        committed == bipgen::manifest::schema_text(),
        "schemas/manifest.schema.json is out of date: run `cargo run -- schema --manifest > schemas/manifest.schema.json`"
    );
    let schema = bipgen::manifest::schema();
    assert!(jsonschema::meta::is_valid(&schema));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");

    // A whole build of Chad (three languages, warnings none) and a partial one.
    let whole = crate::form_pdfs::chad().join("manifest.json");
    let dir = tempfile::tempdir().unwrap();
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Config].into(),
            languages: ["en".to_owned()].into(),
        },
        ..bipgen::BuildOptions::default()
    };
    let out = dir.path().join("partial");
    let (_, result) = bipgen::build(
        std::path::Path::new("examples/minimal/country.toml"),
        &out,
        options,
        &|_| {},
    );
    result.expect("the partial build succeeds");
    for path in [whole, out.join("manifest.json")] {
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&manifest)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }

    // The schema is strict enough to catch a drift in the manifest's shape.
    let mut drifted: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    drifted["inputs"][0]["kind"] = "stylesheet".into();
    drifted["files"][0]["extra"] = true.into();
    assert_eq!(validator.iter_errors(&drifted).count(), 2);
}

#[test]
fn committed_resolved_schema_matches_the_code_and_every_resolved_configuration_validates() {
    let committed =
        std::fs::read_to_string("schemas/resolved-config.schema.json").expect("committed schema");
    assert!(
        committed == bipgen::render::resolved::schema_text(),
        "schemas/resolved-config.schema.json is out of date: run `cargo run -- schema --resolved > schemas/resolved-config.schema.json`"
    );
    let schema = bipgen::render::resolved::schema();
    assert!(jsonschema::meta::is_valid(&schema));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let check = |path: &std::path::Path| {
        let resolved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&resolved)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        resolved
    };
    let chad = check(&crate::form_pdfs::chad().join("config/resolved.json"));
    assert_eq!(chad["format_version"], 1);
    // Only the forms built are named.
    assert_eq!(
        chad["config"]["forms"]["selected"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    for config in [
        "examples/minimal/country.toml",
        "examples/ethiopia/country.toml",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let options = bipgen::BuildOptions {
            selection: bipgen::pack::Selection {
                parts: [bipgen::pack::Part::Config].into(),
                ..Default::default()
            },
            ..bipgen::BuildOptions::default()
        };
        let out = dir.path().join("out");
        let (checked, result) = bipgen::build(std::path::Path::new(config), &out, options, &|_| {});
        assert!(result.is_ok(), "{result:?} {:#?}", checked.diagnostics);
        check(&out.join("config/resolved.json"));
    }
    // A member the view does not have, or a null, is refused.
    let mut broken = chad.clone();
    broken["surprise"] = serde_json::json!(1);
    assert!(!validator.is_valid(&broken));
    let mut broken = chad.clone();
    broken["staffing"]["caseload"] = serde_json::Value::Null;
    assert!(!validator.is_valid(&broken));
}
