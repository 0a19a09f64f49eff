//! Independent tools agree with us about the configuration schema. In CI (`CI` set) a
//! missing tool fails the test; on a developer machine the tool is also looked for where
//! `.ci/run` installs it, and the test says when it is absent.

use crate::support::tool;
use std::path::Path;
use std::process::Command;

#[test]
fn check_jsonschema_accepts_the_configuration_schema() {
    let Some(check) = tool("check-jsonschema") else {
        return;
    };
    let output = Command::new(check)
        .args(["--check-metaschema", "schemas/country-config.schema.json"])
        .output()
        .expect("run check-jsonschema");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn check_jsonschema_validates_resolved_examples_against_the_schema() {
    let Some(check) = tool("check-jsonschema") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for example in ["minimal", "chad"] {
        let path = Path::new("examples").join(example).join("country.toml");
        let checked = bipgen::check(&path);
        assert!(!checked.has_errors(), "{example} is valid");
        // The document with defaults applied is a complete configuration in JSON.
        let json = dir.path().join(format!("{example}.json"));
        std::fs::write(
            &json,
            serde_json::to_vec(&checked.source.unwrap().document).unwrap(),
        )
        .unwrap();
        let output = Command::new(&check)
            .args(["--schemafile", "schemas/country-config.schema.json"])
            .arg(&json)
            .output()
            .expect("run check-jsonschema");
        assert!(
            output.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}
