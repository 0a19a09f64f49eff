//! XLSForm versions across a sequence of configurations: every form whose content changes
//! gets a new version, higher in the documented order (SOP version by semantic-version
//! precedence, then the revision), and an unchanged form keeps its version.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

use bipgen::render::form_versions::{self, Record};

const MINIMAL: &str = "examples/minimal/country.toml";

/// The XLSForm versions of `text` given the record of the builds before it, with the
/// record after it and each form's content fingerprint.
fn versions(
    dir: &Path,
    text: &str,
    record: &Record,
) -> Result<(BTreeMap<String, String>, Record), String> {
    let path = dir.join("country.toml");
    std::fs::write(&path, text).unwrap();
    let checked = bipgen::check(&path);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let pack = checked.resolve("country.toml").unwrap().unwrap();
    form_versions::assign_all(&pack, record)
}

#[test]
fn changed_forms_get_strictly_higher_versions_along_a_sequence_of_configurations() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(MINIMAL).unwrap();
    let relabel =
        "\n[forms.tailoring.bia_short]\nrelabel = { agency = \"Agency of the caseworker\" }\n";
    let steps: Vec<(&str, String)> = vec![
        ("first build", base.clone()),
        ("a relabel, same SOP version", format!("{base}{relabel}")),
        ("the relabel undone, same SOP version", base.clone()),
        (
            "a release candidate",
            base.replace(
                "version = \"1.0.0\"\neffective",
                "version = \"1.1.0-rc.1\"\neffective",
            ),
        ),
        (
            "the release, with an earlier effective date",
            base.replace(
                "version = \"1.0.0\"\neffective",
                "version = \"1.1.0\"\neffective",
            )
            .replace("effective_date = 2026-01-15", "effective_date = 2025-06-01"),
        ),
        (
            "1.99.99",
            base.replace(
                "version = \"1.0.0\"\neffective",
                "version = \"1.99.99\"\neffective",
            ),
        ),
        (
            "1.100.0",
            base.replace(
                "version = \"1.0.0\"\neffective",
                "version = \"1.100.0\"\neffective",
            ),
        ),
        (
            "1.100.0 with the relabel",
            base.replace(
                "version = \"1.0.0\"\neffective",
                "version = \"1.100.0\"\neffective",
            ) + relabel,
        ),
        (
            "metadata switched on, same SOP version",
            base.replace(
                "version = \"1.0.0\"\neffective",
                "version = \"1.100.0\"\neffective",
            ) + relabel
                + "\n[forms.odk]\nmetadata = [\"start\", \"end\", \"deviceid\", \"audit\"]\n",
        ),
    ];
    let mut record = Record::default();
    let mut previous: Option<(BTreeMap<String, String>, Record)> = None;
    let mut changed_bia_short = 0;
    for (step, text) in &steps {
        let (versions, next) =
            versions(dir.path(), text, &record).unwrap_or_else(|e| panic!("{step}: {e}"));
        if let Some((before, before_record)) = &previous {
            for (form, version) in &versions {
                let old = &before[form];
                let changed = before_record.forms[form].content != next.forms[form].content;
                let order = form_versions::compare(old, version);
                if changed {
                    if form == "bia_short" {
                        changed_bia_short += 1;
                    }
                    assert_eq!(
                        order,
                        Some(Ordering::Less),
                        "{step}: `{form}` changed, so {version} must be higher than {old}"
                    );
                } else {
                    // A new SOP version may raise an unchanged form; nothing lowers it.
                    assert!(
                        matches!(order, Some(Ordering::Less | Ordering::Equal)),
                        "{step}: `{form}` {old} → {version}"
                    );
                }
            }
        }
        record = next.clone();
        previous = Some((versions, next));
    }
    assert!(changed_bia_short >= 4, "the relabels reached bia_short");
    let last = &previous.unwrap().0;
    assert_eq!(last["bia_short"], "1.100.0_r2");
    assert_eq!(last["consent_assent"], "1.100.0_r1", "metadata changed it");
}

#[test]
fn a_lower_sop_version_than_recorded_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(MINIMAL).unwrap();
    let (_, record) = versions(
        dir.path(),
        &base.replace(
            "version = \"1.0.0\"\neffective",
            "version = \"1.1.0\"\neffective",
        ),
        &Record::default(),
    )
    .unwrap();
    let error = versions(
        dir.path(),
        &base.replace(
            "version = \"1.0.0\"\neffective",
            "version = \"1.1.0-rc.1\"\neffective",
        ),
        &record,
    )
    .unwrap_err();
    assert!(error.contains("lower than 1.1.0"), "{error}");
}

#[test]
fn the_build_records_versions_beside_the_configuration_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    std::fs::copy(MINIMAL, &config).unwrap();
    let build = |out: &str| {
        let (checked, result) = bipgen::build(
            &config,
            &dir.path().join(out),
            bipgen::BuildOptions::default(),
            &|_| {},
        );
        assert!(result.is_ok(), "{:#?} {result:?}", checked.diagnostics);
        std::fs::read_to_string(dir.path().join(form_versions::FILE)).unwrap()
    };
    let first = build("a");
    let record: Record = serde_json::from_str(&first).unwrap();
    assert_eq!(record.forms["bia_short"].version, "1.0.0");
    assert_eq!(
        build("b"),
        first,
        "an unchanged configuration keeps the record"
    );
    // The first build found no record and the second read it: both manifests list the
    // record the build left, so the same inputs give the same manifest.
    let manifest = |out: &str| std::fs::read(dir.path().join(out).join("manifest.json")).unwrap();
    assert_eq!(
        manifest("a"),
        manifest("b"),
        "the manifest changed between builds"
    );
    let listed: serde_json::Value = serde_json::from_slice(&manifest("b")).unwrap();
    let entry = listed["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "form-versions")
        .expect("the record is among the inputs");
    assert_eq!(entry["path"], form_versions::FILE);
    assert_eq!(
        entry["sha256"],
        bipgen::output::sha256_hex(first.as_bytes())
    );
    // The version is in the XLSForm's settings sheet.
    let xlsx = std::fs::File::open(dir.path().join("b/xlsform/bia_short.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(xlsx).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    assert!(
        strings.contains(">1.0.0<"),
        "the settings carry version 1.0.0"
    );
}

#[test]
fn check_says_what_build_would_refuse_about_versions() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    let base = std::fs::read_to_string(MINIMAL).unwrap();
    let at = |version: &str| {
        base.replace(
            "version = \"1.0.0\"\neffective",
            &format!("version = \"{version}\"\neffective"),
        )
    };
    std::fs::write(&config, at("1.1.0")).unwrap();
    let (checked, result) = bipgen::build(
        &config,
        &dir.path().join("out"),
        bipgen::BuildOptions::default(),
        &|_| {},
    );
    assert!(result.is_ok(), "{:#?}", checked.diagnostics);

    // Back to a lower version: check finds it, at `sop.version`, naming the forms.
    let lower = at("1.0.9");
    std::fs::write(&config, &lower).unwrap();
    let checked = bipgen::check(&config);
    let error = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "form-version-lower")
        .unwrap_or_else(|| panic!("{:#?}", checked.diagnostics));
    assert!(
        error.message.contains("1.1.0") && error.message.contains("`bia_short`"),
        "{}",
        error.message
    );
    let json = error.to_json(&checked.sources);
    let line = lower
        .lines()
        .position(|l| l.starts_with("version = \"1.0.9\""))
        .unwrap()
        + 1;
    assert_eq!(json.line, Some(line));
    let (_, result) = bipgen::build(
        &config,
        &dir.path().join("again"),
        bipgen::BuildOptions::default(),
        &|_| {},
    );
    assert!(result.is_err());
    assert!(!dir.path().join("again").exists(), "nothing written");

    // A record that is not JSON is an error too, not a silent restart of the versions.
    std::fs::write(&config, at("1.2.0")).unwrap();
    std::fs::write(dir.path().join(form_versions::FILE), "{ not json").unwrap();
    let checked = bipgen::check(&config);
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code == "form-versions"),
        "{:#?}",
        checked.diagnostics
    );
}
