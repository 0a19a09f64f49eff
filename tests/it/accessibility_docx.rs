//! The DOCX SOP for screen-reader users, read with python-docx (installed in `.ci/venv`
//! by `.ci/run`): the contents show the headings before any field update, every table
//! has a title, and each flowchart's description points to its steps in words, which
//! follow it as a list.

use std::process::Command;

use serde_json::Value;

use crate::form_pdfs::chad;

const READ: &str = r#"
import json, sys, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
body = d.element.body
out = {"contents": [], "headings": [], "tables": [], "images": [], "after_images": []}
paragraphs = list(d.paragraphs)
for i, p in enumerate(paragraphs):
    style = p.style.name
    if style.lower() in ("toc 1", "toc 2", "toc 3"):
        out["contents"].append(p.text)
    elif style.startswith("Heading ") and style[8:] in ("1", "2", "3"):
        out["headings"].append(p.text)
    for pr in p._p.iter(qn("wp:docPr")):
        out["images"].append(pr.get("descr"))
        following = [q for q in paragraphs[i + 1:i + 4]]
        out["after_images"].append([q.style.name for q in following])
for tbl in body.iter(qn("w:tbl")):
    caption = tbl.find(qn("w:tblPr") + "/" + qn("w:tblCaption"))
    out["tables"].append(None if caption is None else caption.get(qn("w:val")))
json.dump(out, sys.stdout, ensure_ascii=False)
"#;

#[test]
fn the_docx_reads_well_with_a_screen_reader() {
    let Some(python) = crate::support::python_with(&["docx"]) else {
        return;
    };
    for lang in ["fr", "ar"] {
        let path = chad().join("sop").join(lang).join("sop.docx");
        let out = Command::new(&python)
            .args(["-c", READ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read: Value = serde_json::from_slice(&out.stdout).unwrap();
        let strings = |key: &str| -> Vec<String> {
            read[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let headings = strings("headings");
        assert!(headings.len() > 20, "{lang}: {} headings", headings.len());
        assert_eq!(
            strings("contents"),
            headings,
            "{lang}: the contents, before any update"
        );
        let tables = read["tables"].as_array().unwrap();
        assert!(!tables.is_empty());
        assert!(
            tables
                .iter()
                .all(|t| t.as_str().is_some_and(|t| !t.is_empty())),
            "{lang}: a table without a title: {tables:?}"
        );
        let images = strings("images");
        assert!(images.len() >= 3, "{lang}: {} images", images.len());
        for (image, after) in images.iter().zip(read["after_images"].as_array().unwrap()) {
            let listed = after
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == "List Paragraph");
            assert!(
                listed,
                "{lang}: the image {image:?} is not followed by its steps: {after}"
            );
        }
    }
}
