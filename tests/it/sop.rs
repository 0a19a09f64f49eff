//! The SOP document as its readers get it, for the Chad example (French, Arabic, English)
//! and the minimal one: Markdown matches the approved text (golden files), HTML is
//! self-contained and well formed with the right direction, the PDF embeds its fonts and
//! has an outline and the version on every page, the DOCX has real headings and tables
//! for pandoc and opens in LibreOffice, and configuration strings stay literal in all
//! four formats.
//!
//! pandoc, LibreOffice, poppler-utils and html5lib are installed by `.ci/run`; in CI a
//! missing tool fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use bipgen::render::Renderer;

/// The SOP files of a configuration, by path, rendered once per test binary.
fn sop_of(config: &Path) -> BTreeMap<String, Vec<u8>> {
    let checked = bipgen::check(config);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let pack = checked.resolve("country.toml").unwrap().unwrap();
    bipgen::render::sop::Sop
        .render(&pack)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|o| (o.path, o.bytes))
        .collect()
}

struct Written {
    _dir: tempfile::TempDir,
    root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

fn write(files: BTreeMap<String, Vec<u8>>) -> Written {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    for (path, bytes) in &files {
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    Written {
        _dir: dir,
        root,
        files,
    }
}

fn chad() -> &'static Written {
    static CHAD: OnceLock<Written> = OnceLock::new();
    CHAD.get_or_init(|| write(sop_of(Path::new("examples/chad/country.toml"))))
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8")
}

/// Markdown as a reader sees it: without the invisible Unicode isolates around each
/// configuration value.
fn readable(markdown: &str) -> String {
    markdown.replace(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'], "")
}

fn run(command: &mut Command) -> String {
    let out = command.output().expect("start the tool");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_language_gets_four_formats_and_its_flowcharts() {
    let files = &chad().files;
    for lang in ["fr", "ar", "en"] {
        for name in ["sop.md", "sop.html", "sop.pdf", "sop.docx"] {
            let path = format!("sop/{lang}/{name}");
            assert!(files.get(&path).is_some_and(|b| b.len() > 1000), "{path}");
        }
        let md = text(&files[&format!("sop/{lang}/sop.md")]);
        for chart in ["case-management", "bid"] {
            let url = format!("flowcharts/{chart}.svg");
            assert!(md.contains(&format!("]({url})")), "{lang}: {chart}");
            assert!(
                files.contains_key(&format!("sop/{lang}/{url}")),
                "{lang}: {chart}"
            );
        }
    }
}

#[test]
fn markdown_matches_the_golden_files() {
    let minimal = sop_of(Path::new("examples/minimal/country.toml"));
    let cases = [
        (
            "chad-en.md",
            text(&chad().files["sop/en/sop.md"]).to_owned(),
        ),
        ("minimal-en.md", text(&minimal["sop/en/sop.md"]).to_owned()),
    ];
    for (name, actual) in cases {
        let golden = Path::new("tests/golden/sop").join(name);
        if let Err(why) =
            crate::support::golden(&golden, actual.as_bytes(), crate::support::identical)
        {
            panic!("{why}");
        }
    }
}

#[test]
fn chapters_without_data_are_left_out_and_numbering_closes_up() {
    let minimal = sop_of(Path::new("examples/minimal/country.toml"));
    let md = text(&minimal["sop/en/sop.md"]);
    // No cross-border section, services or case conference in the minimal example.
    assert!(!md.contains(". Cross-border case management\n"));
    assert!(!md.contains(" Service directory\n"));
    assert!(!md.contains("## Case conferences") && !md.contains(". Case conferences"));
    let numbers: Vec<u32> = md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|l| l.split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect();
    assert!(numbers.len() >= 8, "{numbers:?}");
    assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
    assert!(!md.contains("TBD") && !md.contains("[time.") && !md.contains("{"));
}

#[test]
fn staffing_numbers_in_the_text_are_the_computed_ones() {
    let checked = bipgen::check(Path::new("examples/chad/country.toml"));
    let pack = checked.resolve("country.toml").unwrap().unwrap();
    let md = text(&chad().files["sop/en/sop.md"]);
    let total = &pack.staffing;
    assert!(total.caseworkers_needed > 0);
    let row = md
        .lines()
        .find(|l| l.starts_with("| **Total**"))
        .expect("staffing total row");
    assert!(
        row.contains(&format!("**{}**", total.caseworkers_needed)),
        "{row}"
    );
    assert!(row.contains(&format!(
        "{} to {}",
        total.case_managers_min, total.case_managers_max
    )));
    for area in &total.areas {
        let needs = format!(
            "| {} | {} | {} |",
            area.caseload, area.caseworkers_needed, area.caseworkers_in_post
        );
        assert!(md.contains(&needs), "area {}: {needs}", area.area);
    }
}

#[test]
fn html_is_self_contained_well_formed_and_directed() {
    for lang in ["fr", "ar", "en"] {
        let html = text(&chad().files[&format!("sop/{lang}/sop.html")]);
        let dir = if lang == "ar" { "rtl" } else { "ltr" };
        assert!(
            html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
            "{lang}"
        );
        for external in [
            "<script",
            "<link",
            "@import",
            "src=\"http",
            "href=\"http",
            "url(",
        ] {
            assert!(!html.contains(external), "{lang}: {external}");
        }
        assert!(
            html.contains("<nav class=\"toc\""),
            "{lang}: table of contents"
        );
        assert!(html.contains("<th scope=\"col\">"), "{lang}: header cells");
        assert!(html.contains("<svg"), "{lang}: inline flowcharts");
        assert!(html.contains("@page"), "{lang}: print CSS");
    }
    // html5lib is installed in `.ci/venv` by `.ci/run`.
    let Some(python) = crate::support::python_with(&["html5lib"]) else {
        return;
    };
    let check = "import sys, html5lib\n\
        p = html5lib.HTMLParser(strict=True)\n\
        p.parse(open(sys.argv[1], 'rb').read())\n";
    for lang in ["fr", "ar", "en"] {
        let path = chad().root.join(format!("sop/{lang}/sop.html"));
        let out = Command::new(&python)
            .args(["-c", check])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{lang}: html5lib: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn pdf_embeds_fonts_has_an_outline_and_the_version_on_every_page() {
    let (Some(pdffonts), Some(pdftotext), Some(pdfinfo), Some(pdftohtml)) = (
        crate::support::tool("pdffonts"),
        crate::support::tool("pdftotext"),
        crate::support::tool("pdfinfo"),
        crate::support::tool("pdftohtml"),
    ) else {
        return;
    };
    for lang in ["fr", "ar", "en"] {
        let pdf = chad().root.join(format!("sop/{lang}/sop.pdf"));
        let fonts = run(Command::new(&pdffonts).arg(&pdf));
        for line in fonts.lines().skip(2) {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let emb = columns[columns.len() - 5];
            assert_eq!(emb, "yes", "{lang}: font not embedded: {line}");
        }
        let info = run(Command::new(&pdfinfo).arg(&pdf));
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        assert!(pages >= 12, "{lang}: {pages} pages");
        assert!(info.contains("Tagged:          yes"), "{lang}");
        let xml = run(Command::new(&pdftohtml)
            .args(["-xml", "-i", "-stdout", "-q"])
            .arg(&pdf));
        assert!(xml.contains("<outline>"), "{lang}: no outline");
        if lang == "ar" {
            continue; // pdftotext reorders Arabic; the glyph checks cover it.
        }
        for page in 1..=pages {
            let n = page.to_string();
            let text = run(Command::new(&pdftotext)
                .args(["-f", &n, "-l", &n])
                .arg(&pdf)
                .arg("-"));
            assert!(
                text.contains("1.0.0"),
                "{lang}: page {page} lacks the version"
            );
        }
    }
}

#[test]
fn docx_has_real_headings_and_tables_and_opens_in_libreoffice() {
    let (Some(pandoc), Some(soffice)) = (
        crate::support::tool("pandoc"),
        crate::support::tool("soffice"),
    ) else {
        return;
    };
    for lang in ["fr", "ar", "en"] {
        let docx = chad().root.join(format!("sop/{lang}/sop.docx"));
        let json = run(Command::new(&pandoc)
            .args(["-f", "docx", "-t", "json"])
            .arg(&docx));
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let blocks = doc["blocks"].as_array().unwrap();
        let headers: Vec<u64> = blocks
            .iter()
            .filter(|b| b["t"] == "Header")
            .map(|b| b["c"][0].as_u64().unwrap())
            .collect();
        assert!(
            headers.iter().filter(|l| **l == 1).count() >= 10,
            "{lang}: {headers:?}"
        );
        assert!(headers.contains(&2), "{lang}");
        assert!(
            blocks.iter().filter(|b| b["t"] == "Table").count() >= 10,
            "{lang}"
        );
        let profile = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        run(Command::new(&soffice)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.path().display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(out.path())
            .arg(&docx));
        let pdf = out.path().join("sop.pdf");
        assert!(
            std::fs::metadata(&pdf)
                .map(|m| m.len() > 10_000)
                .unwrap_or(false),
            "{lang}"
        );
    }
}

/// Configuration strings made of Markdown, HTML, Tera and Typst syntax.
const HOSTILE: &[&str] = &[
    "*bold* _it_ [link](http://example.org) `code`",
    "<script>alert(1)</script> <b>&amp;</b>",
    "{{ 7*7 }} {% if true %}x{% endif %} {# c #}",
    "#set page(width: 1pt) $x^2$ <label> @ref",
    "| a | b | \\ back\\slash",
    "1. not a list",
];

#[test]
fn configuration_strings_stay_literal_in_every_format() {
    let base = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let mut config = base.replace(
        "operation = \"Refugee response\"",
        &format!("operation = '''{}'''", HOSTILE[0]),
    );
    for (i, hostile) in HOSTILE.iter().enumerate() {
        config.push_str(&format!(
            "\n[[glossary]]\nterm = '''Term {i} {hostile}'''\ndefinition = '''Meaning {i} {hostile}'''\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("country.toml");
    std::fs::write(&path, config).unwrap();
    let written = write(sop_of(&path));
    let md = text(&written.files["sop/en/sop.md"]);
    let mut md_text = String::new();
    for event in bipgen::render::sop::markdown::parse(md) {
        match event {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => md_text.push_str(&t),
            pulldown_cmark::Event::SoftBreak => md_text.push(' '),
            _ => {}
        }
    }
    let html = text(&written.files["sop/en/sop.html"]);
    for hostile in HOSTILE {
        assert!(md_text.contains(hostile), "Markdown: {hostile}");
        let escaped = hostile
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(html.contains(&escaped), "HTML: {hostile}");
    }
    assert!(!html.contains("<script"), "HTML runs no script");
    assert!(!html.contains("<b>"), "HTML takes no markup from values");
    let tokens = [
        "{{ 7*7 }}",
        "#set page(width: 1pt)",
        "<script>alert(1)</script>",
        "$x^2$",
        "1. not a list",
    ];
    if let Some(pdftotext) = crate::support::tool("pdftotext") {
        let pdf = run(Command::new(&pdftotext)
            .arg(written.root.join("sop/en/sop.pdf"))
            .arg("-"));
        for token in tokens {
            assert!(pdf.contains(token), "PDF: {token}");
        }
    }
    if let Some(pandoc) = crate::support::tool("pandoc") {
        let plain = run(Command::new(&pandoc)
            .args(["-f", "docx", "-t", "plain", "--wrap=none"])
            .arg(written.root.join("sop/en/sop.docx")));
        for token in tokens {
            assert!(plain.contains(token), "DOCX: {token}");
        }
    }
}

#[test]
fn a_country_overrides_a_chapter_and_template_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "examples/minimal/country.toml",
        dir.path().join("country.toml"),
    )
    .unwrap();
    let templates = dir.path().join("templates/sop");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("bid.md"),
        "## Our own BID chapter\n\nDecisions in {{ sop.operation }} follow the national law.\n",
    )
    .unwrap();
    // An empty override drops the chapter.
    std::fs::write(templates.join("glossary.md"), "").unwrap();
    let files = sop_of(&dir.path().join("country.toml"));
    let md = readable(text(&files["sop/en/sop.md"]));
    assert!(md.contains("Decisions in Refugee response follow the national law."));
    assert!(md.contains(". Our own BID chapter\n"));
    assert!(!md.contains(". Glossary\n"));

    std::fs::write(
        templates.join("bid.md"),
        "## Broken\n\n{% if true %}\nno end\n",
    )
    .unwrap();
    let checked = bipgen::check(&dir.path().join("country.toml"));
    let pack = checked.resolve("country.toml").unwrap().unwrap();
    let error = bipgen::render::sop::Sop
        .render(&pack)
        .unwrap_err()
        .to_string();
    assert!(error.contains("templates/sop/bid.md"), "{error}");
    assert!(error.contains("5:1"), "{error}");
}

#[test]
fn a_language_without_sop_prose_is_reported_unless_it_has_a_fallback() {
    let german = "\n[[languages]]\ntag = \"de\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Deutsch\"\n";
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pack_of = |extra: &str| {
        let path = dir.path().join("country.toml");
        std::fs::write(&path, format!("{minimal}{german}{extra}")).unwrap();
        let checked = bipgen::check(&path);
        (
            checked.has_errors(),
            checked.resolve("country.toml").unwrap().unwrap(),
        )
    };
    let (errors, pack) = pack_of("fallback = \"en\"\n");
    assert!(!errors);
    let german = pack
        .languages()
        .iter()
        .find(|l| l.tag.as_str() == "de")
        .unwrap();
    // With English as fallback every sentence is found (and the SOP renders).
    assert!(bipgen::render::sop::missing_sentences(&pack, german).is_empty());
    let files = bipgen::render::sop::Sop.render(&pack).unwrap();
    assert!(files.iter().any(|f| f.path == "sop/de/sop.pdf"));
    // Without it, every sentence is reported missing, by key (and `check` has errors).
    let (errors, pack) = pack_of("");
    assert!(errors);
    let alone = pack
        .languages()
        .iter()
        .find(|l| l.tag.as_str() == "de")
        .unwrap();
    let missing = bipgen::render::sop::missing_sentences(&pack, alone);
    assert!(missing.len() > 400, "{}", missing.len());
    assert!(missing.iter().any(|k| k == "bid.title"));
}

/// The lines of one `### ` section of a Markdown SOP, found by its title's words.
fn section<'a>(markdown: &'a str, title: &str) -> &'a str {
    let start = markdown
        .lines()
        .position(|l| l.starts_with("### ") && l.contains(title))
        .unwrap_or_else(|| panic!("no section `{title}`"));
    let offset: usize = markdown.lines().take(start).map(|l| l.len() + 1).sum();
    let rest = &markdown[offset..];
    let end = rest[4..]
        .find("\n## ")
        .into_iter()
        .chain(rest[4..].find("\n### "))
        .min()
        .map_or(rest.len(), |e| e + 4);
    &rest[..end]
}

/// The English labels of the answer fields of some sections of a built-in form.
fn library_labels(form: &str, sections: &[&str]) -> Vec<String> {
    fn walk(fields: &[bipgen::forms::model::Field], out: &mut Vec<String>) {
        for field in fields {
            if field.kind.holds_answer() {
                out.push(field.label.get("en", "en").unwrap_or_default().to_owned());
            }
            walk(&field.fields, out);
        }
    }
    let form = bipgen::forms::library::LIBRARY
        .forms
        .iter()
        .find(|f| f.form.id.as_str() == form)
        .expect("built-in form");
    let mut out = Vec::new();
    for section in form
        .form
        .sections
        .iter()
        .filter(|s| sections.contains(&s.id.as_str()))
    {
        walk(&section.fields, &mut out);
    }
    out
}

#[test]
fn the_minimum_dataset_is_the_transfer_forms_shared_section() {
    let markdown = text(&chad().files["sop/en/sop.md"]);
    let chapter = section(markdown, "Minimum dataset");
    let (shared, additional) = chapter
        .split_once("Further information is added only")
        .expect("the additional data follow the dataset");
    let listed: Vec<&str> = shared
        .lines()
        .filter(|l| l.starts_with("| C."))
        .flat_map(|l| {
            l.split(" | ")
                .nth(1)
                .unwrap_or_default()
                .trim_end_matches(" |")
                .split("; ")
        })
        .collect();
    let expected = library_labels(
        "cross_border_transfer",
        &["dataset_identity", "dataset_situation", "dataset_consent"],
    );
    assert_eq!(
        listed, expected,
        "the dataset lists exactly section C of the transfer form"
    );
    // Nothing from other forms, and the additional data stay apart.
    for other in ["Registration", "BIA", "Consent and assent"] {
        assert!(
            !shared.contains(&format!("| {other}")),
            "{other} in the dataset"
        );
    }
    assert!(additional.contains("Mother's full name"));
    assert!(!shared.contains("Mother's full name"));
    assert!(chapter.contains("defined role"), "need-to-know: {chapter}");
}

#[test]
fn the_bid_panel_reads_the_bid_report_in_every_example() {
    for example in ["chad", "minimal", "ethiopia"] {
        let files = sop_of(Path::new(&format!("examples/{example}/country.toml")));
        let markdown = text(&files["sop/en/sop.md"]);
        let access = section(markdown, "Who sees what");
        let row = access
            .lines()
            .find(|l| l.starts_with("| Best interests determination (BID) report"))
            .unwrap_or_else(|| panic!("{example}: no BID report row in {access}"));
        let read_by = row.split(" | ").nth(2).unwrap_or_default();
        assert!(read_by.contains("BID panel"), "{example}: {row}");
        assert!(
            row.contains("only the cases before them"),
            "{example}: {row}"
        );
    }
}

#[test]
fn each_referral_chart_draws_its_own_pathway() {
    let chad = chad();
    // The words of a chart, its lines joined: labels wrap over several <text> lines.
    let svg = |name: &str| {
        let svg = text(&chad.files[&format!("sop/en/flowcharts/{name}.svg")]);
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
            .filter_map(|t| t.split_once("</text>").map(|(words, _)| words))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Adré: 3 hours, the interim care centre second; the camps: 1 day.
    let adre = svg("referral-unaccompanied-2");
    assert!(adre.contains("within 3 hours"), "Adré's own timeframe");
    assert!(!adre.contains("within 1 day"));
    let first = adre
        .find("1. Child protection case management")
        .expect("first service");
    let second = adre
        .find("2. Adré interim care centre")
        .expect("the centre comes second");
    assert!(first < second);
    let camps = svg("referral-unaccompanied-1");
    assert!(camps.contains("within 1 day"));
    assert!(
        !camps.contains("Adré interim care centre"),
        "no merging across areas"
    );
    // The chapter shows each pathway's own chart beside its text.
    let markdown = text(&chad.files["sop/en/sop.md"]);
    assert!(markdown.contains("(flowcharts/referral-unaccompanied-1.svg)"));
    assert!(markdown.contains("(flowcharts/referral-unaccompanied-2.svg)"));
}

#[test]
fn every_cited_source_is_in_the_annex_and_the_annex_only_lists_cited_ones() {
    for files in [
        &chad().files,
        &sop_of(Path::new("examples/minimal/country.toml")),
    ] {
        let markdown = text(&files["sop/en/sop.md"]);
        let (body, annex) = markdown
            .split_once("Sources and standards")
            .expect("an annex of sources");
        let shorts = [
            "UNHCR Emergency Handbook",
            "UNHCR BIP course",
            "RCM Operational Guide",
            "IOM–UNICEF BIP tools",
            "CBCM guidance",
        ];
        for short in shorts {
            let cited =
                body.contains(&format!("\\[{short},")) || body.contains(&format!("; {short},"));
            let listed = annex.contains(&format!("| **{short}**"));
            assert_eq!(cited, listed, "{short}: cited {cited}, listed {listed}");
        }
        assert!(body.contains("(set by this operation; national law prevails)"));
        assert!(annex.contains("Rules set by this operation"));
    }
}

#[test]
fn a_country_citation_replaces_the_mark_of_its_choice() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let config = dir.path().join("country.toml");
    std::fs::write(
        &config,
        format!("{base}\n[sources]\nconsent_ages = \"Child Protection Code (2019), art. 12\"\n"),
    )
    .unwrap();
    let files = sop_of(&config);
    let markdown = text(&files["sop/en/sop.md"]);
    let consent = section(markdown, "Consent and assent by age");
    assert!(
        consent.contains("Source: \\[Child Protection Code (2019), art. 12\\]"),
        "{consent}"
    );
    let annex = section(markdown, "Rules set by this operation");
    assert!(
        annex.contains("Child Protection Code (2019), art. 12"),
        "{annex}"
    );
}

#[test]
fn the_sop_states_the_sources_norms_in_their_own_terms() {
    let minimal = sop_of(Path::new("examples/minimal/country.toml"));
    let chad = &chad().files;
    for (name, files) in [("minimal", &minimal), ("chad", chad)] {
        let markdown = text(&files["sop/en/sop.md"]);
        // Weight of best interests: a primary consideration, never "the determining one".
        assert!(markdown.contains("a primary consideration"), "{name}");
        assert!(!markdown.contains("determining one"), "{name}");
        // BID situations are cited and not a closed list.
        let when = section(markdown, "When a BID is required");
        assert!(!when.contains("and only in them"), "{name}: {when}");
        assert!(when.contains("The list is not closed"), "{name}");
        // The panel norms of the Emergency Handbook, with their citation, even without a panel.
        let panel = section(markdown, "The BID panel");
        assert!(
            panel.contains("at least three and no more than five separate agencies"),
            "{name}"
        );
        assert!(panel.contains("no more than six to eight cases"), "{name}");
        assert!(
            panel.contains("\\[UNHCR Emergency Handbook, key step 5\\]"),
            "{name}: {panel}"
        );
        // Reviews are the panel's; interim decision makers are designated by a role.
        let review = section(markdown, "Review and re-opening");
        assert!(review.contains("The panel decides every review"), "{name}");
        let interim = section(markdown, "Urgent cases");
        assert!(
            interim.contains("designates the decision makers"),
            "{name}: {interim}"
        );
        assert!(!interim.contains("the BID supervisor and a second trained colleague decide"));
        // Missing content now present; no form that does not exist.
        assert!(
            markdown.contains("### 9.6 Mandatory reporting")
                || markdown.contains("Mandatory reporting"),
            "{name}"
        );
        assert!(
            markdown.contains("Sexual exploitation and abuse by staff"),
            "{name}"
        );
        assert!(
            markdown
                .contains("before family tracing starts or the child is placed in temporary care"),
            "{name}"
        );
        assert!(
            markdown.contains("**Child-centred.**")
                && markdown.contains("**Empowering children and families.**"),
            "{name}"
        );
        assert!(!markdown.contains("quality checklist"), "{name}");
    }
    // Nothing is printed as binding unless the configuration says so.
    let minimal_md = text(&minimal["sop/en/sop.md"]);
    let law = section(minimal_md, "Legal and policy framework");
    assert!(
        !law.contains("Convention relating to the Status of Refugees"),
        "{law}"
    );
    assert!(law.contains("not yet listed"), "{law}");
    let chad_law = section(text(&chad["sop/en/sop.md"]), "Legal and policy framework");
    for instrument in [
        "OAU Convention Governing the Specific Aspects of Refugee Problems in Africa (1969) | Party",
        "African Charter on the Rights and Welfare of the Child (1990) | Party",
    ] {
        assert!(chad_law.contains(instrument), "{instrument}: {chad_law}");
    }
    assert!(
        !chad_law.contains("Hague"),
        "Chad does not list the Hague conventions"
    );
}

#[test]
fn choices_of_the_operation_are_marked_and_sourced_defaults_cited() {
    let markdown = text(&chad().files["sop/en/sop.md"]);
    // Consent ages are the operation's choice; the BID situations cite their source.
    let consent = section(markdown, "Consent and assent by age");
    assert!(
        consent.contains("Source: (set by this operation; national law prevails)"),
        "{consent}"
    );
    let when = section(markdown, "When a BID is required");
    assert!(
        when.contains("Source: \\[UNHCR Emergency Handbook, overview\\]"),
        "{when}"
    );
    // Closure's three months and the interim procedure read as the operation's.
    let closure = section(markdown, "Reasons and rules for closing a case");
    assert!(
        closure.contains("(set by this operation; national law prevails)"),
        "{closure}"
    );
}

#[test]
fn section_and_page_numbers_take_the_languages_digits() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let config = dir.path().join("country.toml");
    std::fs::write(
        &config,
        format!("{minimal}\n[[languages]]\ntag = \"ar\"\nscript = \"Arab\"\ndirection = \"rtl\"\nname = \"العربية\"\ndigits = \"arab\"\nfallback = \"en\"\n"),
    )
    .unwrap();
    let files = sop_of(&config);
    let md = text(&files["sop/ar/sop.md"]);
    assert!(
        md.contains("\n## ١. "),
        "chapter numbers in Arabic-Indic digits"
    );
    assert!(
        md.contains("\n### ١.١ "),
        "section numbers in Arabic-Indic digits"
    );
    let html = text(&files["sop/ar/sop.html"]);
    assert!(html.contains("counter(page, arabic-indic)"));
    let english = text(&files["sop/en/sop.md"]);
    assert!(english.contains("\n## 1. "), "English keeps its digits");
    if crate::support::tool("pdftotext").is_some() {
        let written = write(files);
        let footer = run(Command::new("pdftotext")
            .args(["-f", "2", "-l", "2"])
            .arg(written.root.join("sop/ar/sop.pdf"))
            .arg("-"));
        assert!(footer.contains('٢'), "page 2 is numbered ٢: {footer}");
    }
}

/// Every configuration text is isolated where it is set in a sentence, a table or a
/// heading, so its direction cannot reorder the text around it: `<bdi>` in HTML, Unicode
/// isolates (FSI … PDI) in the Markdown and the DOCX (and in the PDF's layout).
#[test]
fn every_configuration_text_is_isolated_in_every_format() {
    let chad = chad();
    for (lang, name) in [
        ("en", "Ministry of Women and Early Childhood Protection"),
        ("ar", "وزارة المرأة وحماية الطفولة المبكرة"),
    ] {
        let md = text(&chad.files[&format!("sop/{lang}/sop.md")]);
        let html = text(&chad.files[&format!("sop/{lang}/sop.html")]);
        let document = crate::support::zip_part(
            &chad.root.join(format!("sop/{lang}/sop.docx")),
            "word/document.xml",
        );
        let body = &html[html.find("<main>").unwrap()..];
        for (format, text, before, after) in [
            ("Markdown", md, "\u{2068}", "\u{2069}"),
            ("HTML", body, "<bdi>", "</bdi>"),
            ("DOCX", document.as_str(), "\u{2068}", "\u{2069}"),
        ] {
            // Where the name is a whole text (not the end of a longer one).
            let found = text
                .match_indices(name)
                .filter(|(at, _)| {
                    !text[..*at]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphabetic)
                })
                .count();
            assert!(found >= 2, "{lang} {format}: {name:?} {found} times");
            let isolated = text.matches(&format!("{before}{name}{after}")).count();
            assert_eq!(
                isolated, found,
                "{lang} {format}: {name:?} set without isolation"
            );
        }
    }
}
