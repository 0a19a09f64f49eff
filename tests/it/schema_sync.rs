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
