//! The corpus of invalid configurations in `tests/invalid/`: each file names the
//! diagnostics it must produce and where (`# expect: code @ line:column` on its first
//! lines, one per diagnostic, or in a sidecar `<name>.expect` for files that cannot hold a
//! comment). A file with several expects checks that one run reports them all.

use std::fs;
use std::path::{Path, PathBuf};

struct Expectation {
    code: String,
    line: usize,
    column: usize,
}

fn parse_line(line: &str) -> Option<Expectation> {
    let rest = line.trim().strip_prefix("# expect:")?;
    let (code, position) = rest.split_once('@')?;
    let (line, column) = position.trim().split_once(':')?;
    Some(Expectation {
        code: code.trim().to_owned(),
        line: line.parse().ok()?,
        column: column.parse().ok()?,
    })
}

/// The `# expect:` lines at the top of `text`, in order.
fn parse_expectations(text: &str) -> Vec<Expectation> {
    text.lines().map_while(parse_line).collect()
}

fn expectations_for(path: &Path) -> Vec<Expectation> {
    let sidecar = path.with_extension("expect");
    let text = if sidecar.exists() {
        fs::read_to_string(&sidecar).expect("read sidecar")
    } else {
        String::from_utf8_lossy(&fs::read(path).expect("read case")).into_owned()
    };
    let expectations = parse_expectations(&text);
    assert!(
        !expectations.is_empty(),
        "{}: no `# expect: code @ line:column` line",
        path.display()
    );
    expectations
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir("tests/invalid")
        .expect("tests/invalid")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_invalid_configuration_reports_its_diagnostic_where_expected() {
    let cases = cases();
    assert!(
        cases.len() >= 40,
        "the corpus has {} cases; at least 40 are expected",
        cases.len()
    );
    let mut failures = Vec::new();
    for path in &cases {
        let checked = bipgen::check(path);
        let found: Vec<(String, usize, usize)> = checked
            .diagnostics
            .iter()
            .map(|d| {
                let json = d.to_json(&checked.sources);
                (
                    d.code.to_owned(),
                    json.line.unwrap_or(0),
                    json.column.unwrap_or(0),
                )
            })
            .collect();
        for expected in expectations_for(path) {
            let hit = found.iter().any(|(code, line, column)| {
                *code == expected.code && *line == expected.line && *column == expected.column
            });
            if !hit {
                failures.push(format!(
                    "{}: expected {} @ {}:{}, found {:?}",
                    path.display(),
                    expected.code,
                    expected.line,
                    expected.column,
                    found
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_covers_many_distinct_codes() {
    let codes: std::collections::BTreeSet<String> = cases()
        .iter()
        .flat_map(|p| expectations_for(p))
        .map(|e| e.code)
        .collect();
    assert!(
        codes.len() >= 30,
        "only {} distinct codes: {codes:?}",
        codes.len()
    );
}
