//! Golden files: the canonical form definitions of the minimal example. A change to a form
//! or to the definition format shows up here as a reviewable diff.
//! Refresh after an intended change with `BIPGEN_BLESS=1 cargo test --test it golden`.

use std::path::Path;

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
    let bless = std::env::var_os("BIPGEN_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(golden).unwrap();
    }
    let mut built: Vec<_> = std::fs::read_dir(out.join("definitions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    built.sort();
    let mut expected: Vec<_> = std::fs::read_dir(golden)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    expected.sort();
    let mut differences = Vec::new();
    for path in &built {
        let name = path.file_name().unwrap();
        let actual = std::fs::read_to_string(path).unwrap();
        if bless {
            std::fs::write(golden.join(name), &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(golden.join(name)) {
            Ok(wanted) if wanted == actual => {}
            Ok(_) => differences.push(format!("{} differs", name.to_string_lossy())),
            Err(_) => differences.push(format!("{} has no golden file", name.to_string_lossy())),
        }
    }
    if !bless {
        assert_eq!(
            expected.len(),
            built.len(),
            "golden files without a built definition"
        );
    }
    assert!(
        differences.is_empty(),
        "{}\nrun `BIPGEN_BLESS=1 cargo test --test it golden` after an intended change",
        differences.join("\n")
    );
}
