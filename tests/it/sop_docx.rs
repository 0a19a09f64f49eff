//! The SOP's DOCX writer, read back by independent tools: pandoc must find the headings
//! (as headings, at the right levels), the table, the lists, the link and the image;
//! LibreOffice must convert the file to PDF. In CI (`CI` set) a missing tool fails the
//! test; elsewhere the test says it is skipping.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::tool;
use bipgen::render::sop::docx::{DocxDocument, Png, write_docx};
use pulldown_cmark::{Options, Parser};
use serde_json::Value;

const FRENCH: &str = "\
# Procédures opérationnelles standard

Version 1.2.0, en vigueur le 1er mars 2026.

## 1. Introduction

Ce document décrit la **procédure de l'intérêt supérieur** de l'*enfant*, voir \
[le HCR](https://www.unhcr.org/fr/).

### 1.1 Objet

- Identifier les enfants à risque
  - enfants non accompagnés
  - enfants séparés
- Évaluer leur situation

3. Identification
4. Évaluation
   1. Premier entretien
   2. Visite à domicile

#### 1.1.1 Contacts

| Service | Organisation | Téléphone |
|:--------|:------------:|----------:|
| Santé | **MSF** | 123 |
| Protection | UNHCR | 456 |

![Flux de la gestion de cas](flowcharts/case-management.svg)

## 2. Rôles

Du texte.
";

const ARABIC: &str = "\
# إجراءات التشغيل الموحدة

الإصدار 1.2.0.

## 1. مقدمة

تصف هذه الوثيقة **إجراء المصالح الفضلى** *للطفل*، انظر [المفوضية](https://www.unhcr.org/ar/).

### 1.1 الغرض

- تحديد الأطفال المعرضين للخطر
  - الأطفال غير المصحوبين
- تقييم وضعهم

1. التحديد
2. التقييم
   1. المقابلة الأولى

#### 1.1.1 جهات الاتصال

| الخدمة | المنظمة | الهاتف |
|---|---|---|
| الصحة | **أطباء بلا حدود** | 123 |

![مسار إدارة الحالات](flowcharts/case-management.svg)

## 2. الأدوار

نص.
";

/// Headings the samples have, as (pandoc level, text): H2 is Word's heading 1.
const FRENCH_HEADINGS: [(u64, &str); 4] = [
    (1, "1. Introduction"),
    (2, "1.1 Objet"),
    (3, "1.1.1 Contacts"),
    (1, "2. Rôles"),
];
const ARABIC_HEADINGS: [(u64, &str); 4] = [
    (1, "1. مقدمة"),
    (2, "1.1 الغرض"),
    (3, "1.1.1 جهات الاتصال"),
    (1, "2. الأدوار"),
];

/// A small striped PNG, made here so the test needs no file.
fn png() -> Png {
    let image = image::RgbImage::from_fn(120, 60, |x, _| {
        if x % 20 < 10 {
            image::Rgb([31, 56, 100])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("encode PNG");
    Png {
        bytes,
        width_px: 120,
        height_px: 60,
        description: None,
    }
}

/// Writes the French (left to right) or Arabic (right to left) sample into `dir`.
fn write_sample(dir: &Path, arabic: bool) -> PathBuf {
    let images = BTreeMap::from([("flowcharts/case-management.svg".to_owned(), png())]);
    let markdown = if arabic { ARABIC } else { FRENCH };
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<_> = Parser::new_ext(markdown, options).collect();
    let doc = DocxDocument {
        title: if arabic {
            "إجراءات التشغيل الموحدة"
        } else {
            "Procédures"
        },
        language: if arabic { "ar" } else { "fr" },
        rtl: arabic,
        font: if arabic {
            "Noto Naskh Arabic"
        } else {
            "Noto Sans"
        },
        header_text: "Tchad BIP SOP · version 1.2.0",
        page_label: if arabic {
            "صفحة {number} من {total}"
        } else {
            "Page {number} sur {total}"
        },
        toc_title: if arabic {
            "المحتويات"
        } else {
            "Table des matières"
        },
        toc_hint: "Mettez à jour ce champ (F9) pour afficher la table des matières.",
        created: "2026-03-01",
        images: &images,
    };
    let bytes = write_docx(&events, &doc).expect("a DOCX");
    let path = dir.join(if arabic { "sop-ar.docx" } else { "sop-fr.docx" });
    std::fs::write(&path, bytes).expect("write the DOCX");
    path
}

/// Every JSON object anywhere in `value` whose `t` is `kind`.
fn find<'v>(value: &'v Value, kind: &str, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            if map.get("t").and_then(Value::as_str) == Some(kind) {
                out.push(value);
            }
            map.values().for_each(|v| find(v, kind, out));
        }
        Value::Array(items) => items.iter().for_each(|v| find(v, kind, out)),
        _ => {}
    }
}

fn all<'v>(value: &'v Value, kind: &str) -> Vec<&'v Value> {
    let mut out = Vec::new();
    find(value, kind, &mut out);
    out
}

/// The plain text of pandoc inlines.
fn text(inlines: &Value) -> String {
    let mut out = String::new();
    for inline in inlines.as_array().into_iter().flatten() {
        let content = &inline["c"];
        match inline["t"].as_str() {
            Some("Str") => out.push_str(content.as_str().unwrap_or("")),
            Some("Space" | "SoftBreak" | "LineBreak") => out.push(' '),
            Some("Link" | "Span" | "Image") => out.push_str(&text(&content[1])),
            Some("Code") => out.push_str(content[1].as_str().unwrap_or("")),
            _ => out.push_str(&text(content)),
        }
    }
    out
}

fn pandoc_json(pandoc: &Path, docx: &Path) -> Value {
    let output = Command::new(pandoc)
        .args(["-f", "docx", "-t", "json"])
        .arg(docx)
        .output()
        .expect("run pandoc");
    assert!(
        output.status.success(),
        "pandoc failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("pandoc JSON")
}

#[test]
fn pandoc_reads_headings_table_lists_link_and_image() {
    let Some(pandoc) = tool("pandoc") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (arabic, expected) in [(false, FRENCH_HEADINGS), (true, ARABIC_HEADINGS)] {
        let json = pandoc_json(&pandoc, &write_sample(dir.path(), arabic));
        let headings: Vec<(u64, String)> = all(&json["blocks"], "Header")
            .into_iter()
            .map(|h| (h["c"][0].as_u64().unwrap_or(0), text(&h["c"][2])))
            .collect();
        let expected: Vec<(u64, String)> = expected
            .iter()
            .map(|(l, t)| (*l, (*t).to_owned()))
            .collect();
        assert_eq!(headings, expected, "arabic: {arabic}");

        let tables = all(&json["blocks"], "Table");
        assert_eq!(tables.len(), 1, "one table");
        let table = serde_json::to_string(tables[0]).unwrap_or_default();
        for cell in if arabic {
            ["الخدمة", "الهاتف", "123"]
        } else {
            ["Service", "Téléphone", "456"]
        } {
            assert!(table.contains(cell), "{cell} in the table");
        }

        let bullets = all(&json["blocks"], "BulletList");
        assert_eq!(bullets.len(), 2, "a bullet list with a nested one");
        let ordered = all(&json["blocks"], "OrderedList");
        assert_eq!(ordered.len(), 2, "an ordered list with a nested one");
        if !arabic {
            assert_eq!(ordered[0]["c"][0][0], 3, "the ordered list starts at 3");
        }

        let links = all(&json["blocks"], "Link");
        assert!(
            links.iter().any(|l| l["c"][2][0]
                .as_str()
                .is_some_and(|url| url.starts_with("https://www.unhcr.org/"))),
            "the external link survives"
        );
        assert!(
            links.iter().all(|l| !text(&l["c"][1]).is_empty()),
            "links have their text"
        );
        let prose = serde_json::to_string(&json["blocks"]).unwrap_or_default();
        let (bold, italic) = if arabic {
            ("المصالح", "للطفل")
        } else {
            ("l'intérêt", "enfant")
        };
        assert!(
            all(&json["blocks"], "Strong")
                .iter()
                .any(|s| text(&s["c"]).contains(bold))
        );
        assert!(
            all(&json["blocks"], "Emph")
                .iter()
                .any(|s| text(&s["c"]).contains(italic))
        );
        assert!(prose.contains("\"Image\""), "the image is there");
    }
}

/// Runs `command`, killing it when it takes longer than `limit`.
fn run_with_limit(command: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the process");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{command:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn libreoffice_converts_both_languages_to_pdf() {
    let Some(soffice) = tool("soffice") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let files = [
        write_sample(dir.path(), false),
        write_sample(dir.path(), true),
    ];
    // A profile of its own, so parallel runs (and a LibreOffice already open) don't clash.
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let output = run_with_limit(
        Command::new(soffice)
            .arg(profile)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .args(&files),
        Duration::from_secs(300),
    );
    assert!(
        output.status.success(),
        "soffice failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for (file, heading) in files.iter().zip(["Introduction", "مقدمة"]) {
        let pdf = file.with_extension("pdf");
        let bytes = std::fs::read(&pdf).unwrap_or_default();
        assert!(bytes.starts_with(b"%PDF"), "{} is a PDF", pdf.display());
        // The text made it onto the pages (pdftotext comes with the PDF checks' poppler).
        let Some(pdftotext) = tool("pdftotext") else {
            continue;
        };
        let text = Command::new(pdftotext)
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("run pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains(heading),
            "{heading} in {}:\n{text}",
            pdf.display()
        );
    }
}

/// Every XML part parses with Python's XML parser (an independent check of escaping);
/// skipped without Python.
#[test]
fn python_parses_every_part() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let script = "import sys, zipfile, xml.etree.ElementTree as E\n\
                  for path in sys.argv[1:]:\n\
                  \x20   z = zipfile.ZipFile(path)\n\
                  \x20   assert z.testzip() is None\n\
                  \x20   for n in z.namelist():\n\
                  \x20       if n.endswith(('.xml', '.rels')): E.fromstring(z.read(n))\n";
    let files = [
        write_sample(dir.path(), false),
        write_sample(dir.path(), true),
    ];
    let Some(python) = crate::support::python_with(&["zipfile", "xml.etree.ElementTree"]) else {
        return;
    };
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(&files)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
