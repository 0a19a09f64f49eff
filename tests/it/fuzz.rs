//! Random TOML and random mutations of the shipped examples: `check` must answer with
//! diagnostics, never panic.

use std::path::Path;

use proptest::prelude::*;

fn check_text(text: &[u8]) -> bipgen::Checked {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("country.toml");
    std::fs::write(&path, text).expect("write");
    bipgen::check(&path)
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(Path::new("examples").join(name).join("country.toml")).expect("example")
}

/// One edit of a document: delete, insert or replace a span, or duplicate a line.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Replace { at: usize, text: String },
    DuplicateLine { line: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragment = prop_oneof![
        "[ -~]{0,12}",
        Just("[[".to_owned()),
        Just("\"".to_owned()),
        Just(" = ".to_owned()),
        Just("\n[sop]\n".to_owned()),
        Just("{ en = \"x\" }".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("-1".to_owned()),
        Just("نص عربي".to_owned()),
        Just("\u{0}".to_owned()),
    ];
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), fragment.clone()).prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), fragment).prop_map(|(at, text)| Mutation::Replace { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
    ]
}

fn apply(mut doc: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = doc.len().max(1);
        match m {
            Mutation::Delete { at, len: n } => {
                let start = at % len;
                let end = (start + n).min(doc.len());
                doc.drain(start.min(doc.len())..end);
            }
            Mutation::Insert { at, text } => {
                let at = (at % len).min(doc.len());
                doc.splice(at..at, text.bytes());
            }
            Mutation::Replace { at, text } => {
                let start = (at % len).min(doc.len());
                let end = (start + text.len()).min(doc.len());
                doc.splice(start..end, text.bytes());
            }
            Mutation::DuplicateLine { line } => {
                let text = String::from_utf8_lossy(&doc).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let i = line % lines.len();
                    lines.insert(i, lines[i]);
                }
                doc = lines.join("\n").into_bytes();
            }
        }
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        let checked = check_text(text.as_bytes());
        prop_assert!(checked.has_errors() || checked.config.is_some());
    }

    #[test]
    fn mutated_minimal_example_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let checked = check_text(&apply(example("minimal"), &mutations));
        prop_assert!(checked.has_errors() || checked.config.is_some());
    }

    #[test]
    fn mutated_chad_example_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let checked = check_text(&apply(example("chad"), &mutations));
        prop_assert!(checked.has_errors() || checked.config.is_some());
        // Every error carries a location inside a known file.
        for d in &checked.diagnostics {
            if let Some(loc) = &d.location {
                prop_assert!(loc.span.start <= checked.sources.text(loc.file).len());
            }
        }
    }
}
