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

/// The structure trees of `pdfs`, by path, read by two processes in parallel; `None`
/// (a skip, or a failure in CI) when pdfminer is missing.
pub(crate) fn read_trees(pdfs: &[PathBuf]) -> Option<BTreeMap<PathBuf, Value>> {
    let python = crate::support::python_with(&["pdfminer"])?;
    let (first, second) = pdfs.split_at(pdfs.len() / 2);
    let children: Vec<_> = [first, second]
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| {
            Command::new(&python)
                .arg("tests/support/pdf_tags.py")
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
}

/// The structure trees of [`documents`].
fn trees() -> Option<&'static BTreeMap<PathBuf, Value>> {
    static TREES: OnceLock<Option<BTreeMap<PathBuf, Value>>> = OnceLock::new();
    TREES.get_or_init(|| read_trees(&documents())).as_ref()
}

/// Every element of a PDF's tree with the language it is read in: its own `/Lang`, or
/// the nearest ancestor's, or the document's.
pub(crate) fn with_languages(pdf: &Value) -> Vec<(&Value, &str)> {
    let mut found = Vec::new();
    let mut stack = vec![(&pdf["tree"], pdf["info"]["lang"].as_str().unwrap_or(""))];
    while let Some((element, inherited)) = stack.pop() {
        let lang = element["lang"].as_str().unwrap_or(inherited);
        found.push((element, lang));
        for kid in element["kids"].as_array().into_iter().flatten() {
            stack.push((kid, lang));
        }
    }
    found
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
    // The title as read: the Markdown isolates it, invisibly.
    let title = markdown
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("# ")
        .replace(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'], "");
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
    assert_eq!(first["type"], "H1", "the title is a heading");
}

#[test]
fn every_flowchart_has_a_text_alternative_and_its_steps_as_a_list() {
    if trees().is_none() {
        return;
    }
    for lang in ["en", "fr", "ar"] {
        let path = chad().join("sop").join(lang).join("sop.pdf");
        let root = &tree(&path)["tree"];
        let mut figures = 0;
        for parent in elements(root) {
            let kids = parent["kids"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            for (i, kid) in kids.iter().enumerate() {
                let in_wrapper = kids.iter().any(|k| k["type"] == "Caption");
                if kid["type"] != "Div" && (kid["type"] != "Figure" || in_wrapper) {
                    continue;
                }
                // A figure, or the Div that holds a figure and its caption.
                let direct =
                    std::iter::once(kid).chain(kid["kids"].as_array().into_iter().flatten());
                let Some(figure) = direct.into_iter().find(|e| e["type"] == "Figure") else {
                    continue;
                };
                figures += 1;
                let alt = figure["alt"].as_str().unwrap_or_default();
                let caption = of_type(kid, "Caption")
                    .first()
                    .map(|c| visible(text(c)))
                    .unwrap_or_default();
                assert!(
                    !alt.is_empty() && !caption.contains(alt),
                    "{lang}: figure {caption:?}: its /Alt {alt:?} only repeats the caption"
                );
                let list = kids[i + 1..]
                    .iter()
                    .take(2)
                    .find(|next| next["type"] == "L");
                let items = list.map_or(0, |l| of_type(l, "LI").len());
                assert!(
                    items >= 3,
                    "{lang}: figure {caption:?} is not followed by its steps as a list"
                );
            }
        }
        assert!(figures >= 3, "{lang}: only {figures} figures found");
    }
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

fn of_type<'a>(root: &'a Value, kind: &str) -> Vec<&'a Value> {
    elements(root)
        .into_iter()
        .filter(|element| element["type"] == kind)
        .collect()
}

/// Text as read, without the invisible bidi isolates that keep numbers left to right.
fn visible(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}'))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The forms' PDFs with the language each is printed in first.
fn form_pdfs() -> Vec<(String, &'static str, PathBuf)> {
    let mut found = Vec::new();
    for form in &bipgen::forms::library::LIBRARY.forms {
        let id = form.form.id.as_str().to_owned();
        for (name, lang) in [("fr.pdf", "fr"), ("ar.pdf", "ar"), ("fr+ar.pdf", "fr")] {
            found.push((id.clone(), lang, chad().join("forms").join(&id).join(name)));
        }
    }
    found
}

#[test]
fn every_form_has_its_title_as_h1_and_its_sections_as_h2() {
    if trees().is_none() {
        return;
    }
    for (form, lang, path) in form_pdfs() {
        let definition = definition(&form);
        let root = &tree(&path)["tree"];
        let h1: Vec<String> = of_type(root, "H1")
            .into_iter()
            .map(|h| visible(text(h)))
            .collect();
        let title = definition["title"][lang].as_str().unwrap();
        assert_eq!(
            h1,
            [title],
            "{}: the form title as its one H1",
            path.display()
        );
        let h2: Vec<String> = of_type(root, "H2")
            .into_iter()
            .map(|h| visible(text(h)))
            .collect();
        let sections: Vec<String> = definition["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|section| section["title"][lang].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            h2.len(),
            sections.len(),
            "{}: one H2 per section: {h2:?}",
            path.display()
        );
        for (heading, section) in h2.iter().zip(&sections) {
            assert!(
                heading.ends_with(&format!(". {section}")),
                "{}: H2 {heading:?} is not the numbered section {section:?}",
                path.display()
            );
        }
    }
}

#[test]
fn questions_are_units_and_options_are_lists() {
    if trees().is_none() {
        return;
    }
    let definition = definition("bia_short");
    let lists: BTreeMap<&str, &Value> = definition["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|list| (list["id"].as_str().unwrap(), &list["options"]))
        .collect();
    for (name, lang) in [("fr.pdf", "fr"), ("ar.pdf", "ar")] {
        let root = &tree(&chad().join("forms/bia_short").join(name))["tree"];
        let items: Vec<String> = of_type(root, "LBody")
            .into_iter()
            .map(|b| visible(text(b)))
            .collect();
        let fields = definition["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|section| section["fields"].as_array().unwrap());
        let mut checked = 0;
        for field in fields {
            let Some(list) = field["choices"].as_str().and_then(|id| lists.get(id)) else {
                continue;
            };
            for option in list.as_array().unwrap() {
                let label = option["label"][lang].as_str().unwrap();
                assert!(
                    items.iter().any(|item| item == label),
                    "bia_short/{name}: option {label:?} of {} is not a list item",
                    field["id"]
                );
                checked += 1;
            }
            // The question's label is a paragraph of its own, in a unit that starts
            // with the question's number.
            let label = field["label"][lang].as_str().unwrap();
            let unit = of_type(root, "Div")
                .into_iter()
                .find(|div| {
                    div["kids"].as_array().is_some_and(|kids| {
                        kids.len() == 2
                            && elements(&kids[1]).iter().any(|e| {
                                e["type"] == "P" && visible(text(e)).trim_end_matches(" *") == label
                            })
                    })
                })
                .unwrap_or_else(|| panic!("bia_short/{name}: no question unit for {label:?}"));
            let number = visible(text(&unit["kids"][0]));
            assert!(
                number.chars().all(|c| c.is_ascii_digit() || c == '.') && !number.is_empty(),
                "bia_short/{name}: {label:?} is numbered {number:?}"
            );
        }
        assert!(
            checked > 10,
            "bia_short/{name}: only {checked} options checked"
        );
    }
}

#[test]
fn the_marking_and_case_id_are_read_once_in_the_content() {
    if trees().is_none() {
        return;
    }
    for (form, _, path) in form_pdfs() {
        let root = &tree(&path)["tree"];
        let paragraphs: Vec<String> = of_type(root, "P")
            .into_iter()
            .map(|p| visible(text(p)))
            .collect();
        let marking = paragraphs
            .iter()
            .filter(|p| p.contains("CONFIDENTI") || p.contains("سري"))
            .count();
        assert!(
            marking >= 1,
            "{form}: {}: no marking in the tagged content",
            path.display()
        );
        let case_id = ["Numéro de dossier", "رقم الحالة"];
        assert!(
            paragraphs
                .iter()
                .any(|p| case_id.iter().any(|label| p.contains(label))),
            "{form}: {}: no case ID label in the tagged content",
            path.display()
        );
    }
}

#[test]
fn passages_in_the_second_language_carry_its_lang() {
    if trees().is_none() {
        return;
    }
    for (_, _, path) in form_pdfs()
        .into_iter()
        .filter(|(_, _, p)| p.ends_with("fr+ar.pdf"))
    {
        let mut checked = 0;
        for (element, lang) in with_languages(tree(&path)) {
            let own = text(element);
            let arabic = own.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
            let latin = own.chars().any(|c| c.is_ascii_alphabetic());
            let leaf = element["kids"]
                .as_array()
                .is_none_or(|kids| kids.is_empty());
            if leaf && arabic && !latin {
                assert_eq!(
                    lang,
                    "ar",
                    "{}: Arabic {own:?} is not marked as Arabic",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 0, "{}: no Arabic passage found", path.display());
    }
}
