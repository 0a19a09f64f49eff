//! Golden files: the canonical form definitions of the minimal example. A change to a form
//! or to the definition format shows up here as a reviewable diff.
//! Refresh after an intended change with `BIPGEN_BLESS=1 cargo test --test it golden`.

use std::path::Path;

use crate::support;

#[test]
fn minimal_definitions_match_the_golden_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (checked, result) = bipgen::build(
        Path::new("examples/minimal/country.toml"),
        &out,
        bipgen::BuildOptions::default(),
        &|_| {},
    );
    assert!(result.is_ok(), "{:#?}", checked.diagnostics);
    let golden = Path::new("tests/golden/minimal/definitions");
    let mut built: Vec<_> = std::fs::read_dir(out.join("definitions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    built.sort();
    let expected = std::fs::read_dir(golden).map_or(0, |d| d.count());
    let differences: Vec<String> = built
        .iter()
        .filter_map(|path| {
            let actual = std::fs::read(path).unwrap();
            support::golden(
                &golden.join(path.file_name().unwrap()),
                &actual,
                support::identical,
            )
            .err()
        })
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    if !support::blessing() {
        assert_eq!(
            expected,
            built.len(),
            "golden files without a built definition"
        );
    }
}
