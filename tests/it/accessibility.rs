//! Accessibility of the PDFs as a screen reader meets them: through the structure
//! tree, not the page. `tests/support/pdf_tags.py` (pdfminer.six, installed by
//! `.ci/run`) reads each element's marked content in tree order, with /ActualText
//! replacing glyphs, as assistive technology does; pdftotext would re-sort by position
//! and hide a text layer written backwards.
//!
//! The checks are the Matterhorn Protocol's that apply to bipgen's documents (listed
//! in the README): PDF/UA identification, document title shown, headings, reading
//! order, Unicode mapping, languages of parts, figures with alternatives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::form_pdfs::chad;

/// The documents read: every SOP, every form in French, Arabic and French with
/// Arabic, and the Arabic pack. English prints like French.
fn documents() -> Vec<PathBuf> {
    let out = chad();
    let mut found: Vec<PathBuf> = ["en", "fr", "ar"]
        .iter()
        .map(|lang| out.join("sop").join(lang).join("sop.pdf"))
        .collect();
    found.push(out.join("forms/all-ar.pdf"));
    for form in &bipgen::forms::library::LIBRARY.forms {
        for name in ["fr.pdf", "ar.pdf", "fr+ar.pdf"] {
            found.push(out.join("forms").join(form.form.id.as_str()).join(name));
        }
    }
    found
}

/// The structure trees of [`documents`], read by two processes in parallel.
fn trees() -> Option<&'static BTreeMap<PathBuf, Value>> {
    static TREES: OnceLock<Option<BTreeMap<PathBuf, Value>>> = OnceLock::new();
    TREES
        .get_or_init(|| {
            let python = crate::support::python_with(&["pdfminer"])?;
            let script = Path::new("tests/support/pdf_tags.py");
            let documents = documents();
            let (first, second) = documents.split_at(documents.len() / 2);
            let children: Vec<_> = [first, second]
                .iter()
                .map(|part| {
                    Command::new(&python)
                        .arg(script)
                        .args(*part)
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .expect("start pdf_tags.py")
                })
                .collect();
            let mut trees = BTreeMap::new();
            for child in children {
                let out = child.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "pdf_tags.py: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let read: BTreeMap<PathBuf, Value> = serde_json::from_slice(&out.stdout).unwrap();
                trees.extend(read);
            }
            Some(trees)
        })
        .as_ref()
}

fn tree(path: &Path) -> &'static Value {
    &trees().unwrap()[path]
}

fn text(element: &Value) -> &str {
    element["text"].as_str().unwrap_or("")
}

/// Every element of a tree, depth first, in reading order.
fn elements(root: &Value) -> Vec<&Value> {
    let mut found = vec![root];
    let mut index = 0;
    while index < found.len() {
        let kids: Vec<&Value> = found[index]["kids"]
            .as_array()
            .map(|kids| kids.iter().collect())
            .unwrap_or_default();
        found.splice(index + 1..index + 1, kids);
        index += 1;
    }
    found
}

fn definition(form: &str) -> Value {
    let path = chad().join("definitions").join(format!("{form}.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_arabic_sop_title_reads_in_logical_order() {
    if trees().is_none() {
        return;
    }
    let markdown = std::fs::read_to_string(chad().join("sop/ar/sop.md")).unwrap();
    let title = markdown.lines().next().unwrap().trim_start_matches("# ");
    let pdf = tree(&chad().join("sop/ar/sop.pdf"));
    let first = elements(&pdf["tree"])
        .into_iter()
        .find(|element| !text(element).trim().is_empty() && element["kids"] == Value::Array(vec![]))
        .expect("a first text element");
    assert_eq!(
        text(first).trim(),
        title,
        "the title, read through the tag tree"
    );
}

#[test]
fn arabic_form_sentences_read_in_logical_order() {
    if trees().is_none() {
        return;
    }
    let form = definition("bia_short");
    let field = &form["sections"][0]["fields"][0];
    let sentences = [
        form["purpose"]["ar"].as_str().unwrap(),
        field["label"]["ar"].as_str().unwrap(),
        field["hint"]["ar"].as_str().unwrap(),
    ];
    for name in ["ar.pdf", "fr+ar.pdf"] {
        let pdf = tree(&chad().join("forms/bia_short").join(name));
        let texts: Vec<&str> = elements(&pdf["tree"]).into_iter().map(text).collect();
        for sentence in sentences {
            assert!(
                texts.iter().any(|t| t.contains(sentence)),
                "bia_short/{name}: no element reads {sentence:?}"
            );
        }
    }
}

#[test]
fn glyphs_map_to_their_own_characters() {
    let Some(trees) = trees() else { return };
    for (path, pdf) in trees {
        let problems = pdf["to_unicode"].as_array().unwrap();
        assert!(
            problems.is_empty(),
            "{}: {} glyph mappings repeat a letter or hold a bidi control, e.g. {}",
            path.display(),
            problems.len(),
            problems[0]
        );
    }
}

#[test]
fn every_document_claims_pdf_ua_and_shows_its_title() {
    let Some(trees) = trees() else { return };
    for (path, pdf) in trees {
        let info = &pdf["info"];
        let xmp = info["xmp"].as_str().unwrap();
        assert!(
            xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{}: no PDF/UA-1 identification in the XMP metadata",
            path.display()
        );
        assert!(
            xmp.contains("pdfaid:part"),
            "{}: no PDF/A identification",
            path.display()
        );
        assert_eq!(
            info["display_doc_title"],
            true,
            "{}: /DisplayDocTitle",
            path.display()
        );
        assert_eq!(
            info["marked"],
            true,
            "{}: /MarkInfo /Marked",
            path.display()
        );
        assert!(
            info["lang"].as_str().is_some_and(|l| !l.is_empty()),
            "{}: /Lang",
            path.display()
        );
    }
}
