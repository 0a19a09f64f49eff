//! Types generated from the record schemas keep their names when labels change: the
//! names come from ids, never from the labels people read. Checked with the generators
//! developers use, json-schema-to-typescript and datamodel-code-generator, for a French-
//! and an Arabic-default configuration, before and after a field and an option are
//! relabelled.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::support::tool;

fn build(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("country.toml"), text).unwrap();
    std::fs::copy(
        "examples/chad/services.toml",
        dir.path().join("services.toml"),
    )
    .unwrap();
    // The record schemas are all the generators read.
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Schemas].into(),
            languages: Default::default(),
        },
        ..bipgen::BuildOptions::default()
    };
    let (checked, result) = bipgen::build(
        &dir.path().join("country.toml"),
        &dir.path().join("out"),
        options,
        &|_| {},
    );
    assert!(result.is_ok(), "{:#?}", checked.diagnostics);
    dir
}

/// Every name a line of generated code declares with `keyword` (`export type`, `class`…).
fn declared(folder: &Path, keywords: &[&str]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for line in text.lines() {
            for keyword in keywords {
                if let Some(rest) = line.strip_prefix(keyword) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.insert(format!("{file}: {name}"));
                }
            }
        }
    }
    names
}

fn generated_names(json2ts: &Path, codegen: &Path, built: &Path) -> BTreeSet<String> {
    let schemas = built.join("out/schemas");
    let ts = built.join("ts");
    let py = built.join("py");
    let run = |command: &mut Command| {
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(Command::new(json2ts)
        .arg("-i")
        .arg(&schemas)
        .arg("-o")
        .arg(&ts));
    run(Command::new(codegen)
        .args(["--input-file-type", "jsonschema", "--input"])
        .arg(&schemas)
        .arg("--output")
        .arg(&py));
    let mut names = declared(&ts, &["export type ", "export interface "]);
    names.extend(declared(&py, &["class "]));
    names
}

#[test]
fn relabelling_changes_no_generated_type_name() {
    let (Some(json2ts), Some(codegen)) = (tool("json2ts"), tool("datamodel-codegen")) else {
        return;
    };
    let chad = std::fs::read_to_string("examples/chad/country.toml").unwrap();
    let arabic = chad.replacen("default_language = \"fr\"", "default_language = \"ar\"", 1);
    for (name, base) in [("French default", &chad), ("Arabic default", &arabic)] {
        let relabelled = base.replacen(
            "label = { fr = \"Élevé\", ar = \"مرتفع\", en = \"High\" }",
            "label = { fr = \"Haut\", ar = \"عالٍ\", en = \"Serious\" }",
            1,
        ) + "\n[forms.tailoring.bia_short]\nrelabel = { agency = { fr = \"Organisme\", ar = \"الهيئة\", en = \"Organisation\" } }\n";
        assert_ne!(&relabelled, base);
        let before = build(base);
        let after = build(&relabelled);
        let old = generated_names(&json2ts, &codegen, before.path());
        let new = generated_names(&json2ts, &codegen, after.path());
        assert!(old.len() > 100, "{name}: only {} names", old.len());
        assert_eq!(old, new, "{name}: a relabel changed generated names");
        for declared in &old {
            let type_name = declared.rsplit(": ").next().unwrap();
            assert!(
                type_name.is_ascii(),
                "{name}: {declared} is not an ASCII name"
            );
        }
        assert!(
            old.iter().any(|n| n.ends_with(": BiaShortRecord")),
            "{name}"
        );
        assert!(old.iter().any(|n| n.ends_with(": RiskLevels")), "{name}");
    }
}
