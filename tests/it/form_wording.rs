//! Printed forms speak to a caseworker in words: no raw ids, rules as sentences with
//! option labels, long lists as write-ins that do not grow with the service directory.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::form_pdfs::{build_text, chad, page_texts, pdfs, poppler};

/// Ids that cannot be mistaken for words: snake_case with an underscore.
fn ids_of(definition: &Value) -> BTreeSet<String> {
    fn walk(fields: &Value, out: &mut BTreeSet<String>) {
        for field in fields.as_array().into_iter().flatten() {
            out.insert(field["id"].as_str().unwrap_or_default().to_owned());
            walk(&field["fields"], out);
        }
    }
    let mut ids = BTreeSet::new();
    ids.insert(definition["id"].as_str().unwrap().to_owned());
    for section in definition["sections"].as_array().unwrap() {
        ids.insert(section["id"].as_str().unwrap().to_owned());
        walk(&section["fields"], &mut ids);
    }
    for list in definition["lists"].as_array().into_iter().flatten() {
        for option in list["options"].as_array().unwrap() {
            ids.insert(option["id"].as_str().unwrap().to_owned());
        }
    }
    ids.retain(|id| id.contains('_'));
    ids
}

/// Whether `id` stands in `text` as a token of its own.
fn contains_token(text: &str, id: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(id).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[test]
fn no_printed_form_shows_a_field_or_option_id() {
    if !poppler("pdftotext") {
        return;
    }
    let mut checked = 0;
    let mut found = Vec::new();
    for pdf in pdfs() {
        let form = pdf.parent().unwrap().file_name().unwrap().to_str().unwrap();
        let definition = chad().join(format!("definitions/{form}.json"));
        if !definition.is_file() {
            continue; // the pack of every form
        }
        let definition: Value =
            serde_json::from_str(&std::fs::read_to_string(definition).unwrap()).unwrap();
        let text = page_texts(&pdf).join("\n");
        for id in ids_of(&definition) {
            if contains_token(&text, &id) {
                found.push(format!("{}: {id}", pdf.display()));
            }
        }
        checked += 1;
    }
    assert!(checked >= 20 * 3, "only {checked} PDFs checked");
    assert!(found.is_empty(), "ids printed:\n{}", found.join("\n"));
}

#[test]
fn printed_rules_use_words_not_comparison_signs() {
    if !poppler("pdftotext") {
        return;
    }
    for pdf in pdfs() {
        let text = page_texts(&pdf).join("\n");
        for sign in ['≤', '≥', '≠'] {
            assert!(!text.contains(sign), "{} prints `{sign}`", pdf.display());
        }
    }
}

fn pages(pdf: &Path) -> usize {
    page_texts(pdf).len()
}

/// The minimal example with `n` services in the directory, printing only the referral.
fn with_services(n: usize) -> String {
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let mut text = minimal.replace(
        "# No BID panel yet",
        "[forms]\nselected = [\"referral\"]\n\n# No BID panel yet",
    );
    let kinds = [
        "health",
        "mhpss",
        "education",
        "legal_aid",
        "shelter",
        "livelihoods",
    ];
    for i in 0..n {
        let kind = kinds[i % kinds.len()];
        text.push_str(&format!(
            "\n[[services]]\nid = \"service_{i}\"\nname = \"Settlement {} {kind} service point {i}\"\ntype = \"{kind}\"\nprovider = \"unhcr\"\ncontact = {{ phone = \"+235 66 {:02} {:02} {:02}\" }}\n",
            i % 12 + 1,
            i % 100,
            (i / 100) % 100,
            i % 97,
        ));
    }
    text
}

#[test]
fn the_referral_form_does_not_grow_with_the_service_directory() {
    if !poppler("pdftotext") {
        return;
    }
    let build = |n: usize| {
        let (checked, result, dir) = build_text(&with_services(n));
        assert!(
            result.is_ok(),
            "{n} services: {result:?} {:#?}",
            checked.diagnostics
        );
        let pdf = dir.path().join("out/forms/referral/en.pdf");
        let text = page_texts(&pdf).join("\n");
        (pages(&pdf), text, dir)
    };
    let (small, small_text, _a) = build(40);
    let (large, large_text, b) = build(2_000);
    assert_eq!(
        small, large,
        "2,000 services changed the referral's page count"
    );
    // Nor does the codebook: the directory is in its choices table once.
    let codebook = std::fs::read_to_string(b.path().join("out/codebook/referral.csv")).unwrap();
    assert!(
        codebook.contains("2000 options: list `services` in codebook/choices.csv"),
        "{codebook}"
    );
    let choices = std::fs::read_to_string(b.path().join("out/codebook/choices.csv")).unwrap();
    assert_eq!(
        choices
            .lines()
            .filter(|l| l.starts_with("services,"))
            .count(),
        2_000
    );
    for text in [&small_text, &large_text] {
        assert!(text.contains("service directory of the SOP"), "{text}");
        assert!(!text.contains("service point 39"), "a service is listed");
    }
}
