//! The built-in catalogues (`translations/<lang>.po`) as a reviewer and gettext read them:
//! each translates every string of the library from the English it was made for, keeps
//! every placeholder and bold marker, uses its glossary's terms for the core vocabulary
//! (TRANSLATING.md), declares its review state, and passes msgfmt and pofilter.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use bipgen::i18n::po::{self, PoFile};
use bipgen::i18n::workflow::{placeholders, placeholders_match};
use bipgen::library::translations;

/// Every string of the library a catalogue translates, by key, with its English source:
/// what `i18n export` gives for the minimal example, which leaves every section the
/// built-in defaults can fill to them. Its other `config.*` strings are its own.
fn library_strings() -> BTreeMap<String, String> {
    let checked = bipgen::check(Path::new("examples/minimal/country.toml"));
    let pack = checked
        .resolve("country.toml")
        .expect("minimal resolves")
        .expect("minimal resolves");
    let defaulted: Vec<String> = checked
        .source
        .as_ref()
        .unwrap()
        .defaulted
        .iter()
        .map(|pointer| format!("config{}.", pointer.replace('/', ".")))
        .collect();
    assert!(defaulted.len() >= 7, "{defaulted:?}");
    let workspace = bipgen::i18n::workflow::Workspace::new(&checked, &pack, &[]).unwrap();
    workspace
        .messages
        .iter()
        .filter(|m| !m.key.starts_with("config.") || defaulted.iter().any(|d| m.key.starts_with(d)))
        .map(|m| (m.key.clone(), m.source.clone()))
        .collect()
}

/// A plural form only some languages have (`sop.time.day.few`): its English is `.other`'s.
fn plural_variant_source<'a>(key: &str, strings: &'a BTreeMap<String, String>) -> Option<&'a str> {
    let base = key.strip_prefix("sop.time.")?;
    let (unit, category) = base.rsplit_once('.')?;
    ["zero", "two", "few", "many"]
        .contains(&category)
        .then(|| strings.get(&format!("sop.time.{unit}.other")))?
        .map(String::as_str)
}

fn translated(file: &PoFile) -> impl Iterator<Item = (&str, &str, &str)> {
    file.entries.iter().filter_map(|e| {
        let key = e.context.as_deref()?;
        let usable = !e.obsolete && !e.fuzzy && !e.translation.is_empty();
        usable.then_some((key, e.id.as_str(), e.translation.as_str()))
    })
}

#[test]
fn every_catalogue_translates_every_library_string_from_its_current_english() {
    let strings = library_strings();
    assert!(strings.len() > 3000, "{}", strings.len());
    let mut report = Vec::new();
    for catalogue in translations::all() {
        let language = catalogue.language;
        let mut done = BTreeSet::new();
        for (key, source, _) in translated(&catalogue.file) {
            let english = strings
                .get(key)
                .map(String::as_str)
                .or_else(|| plural_variant_source(key, &strings));
            match english {
                None => report.push(format!("{language}: `{key}` is not a library string")),
                Some(english) if english != source => report.push(format!(
                    "{language}: `{key}` was translated from an older English text"
                )),
                Some(_) => {
                    done.insert(key);
                }
            }
        }
        let missing: Vec<&str> = strings
            .keys()
            .map(String::as_str)
            .filter(|k| !done.contains(k))
            .collect();
        if !missing.is_empty() {
            report.push(format!(
                "{language}: {} of {} strings untranslated, e.g. {:?}",
                missing.len(),
                strings.len(),
                &missing[..missing.len().min(5)]
            ));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn translations_keep_placeholders_and_markup() {
    let mut report = Vec::new();
    for catalogue in translations::all() {
        for (key, source, text) in translated(&catalogue.file) {
            if !placeholders_match(key, source, text) {
                report.push(format!(
                    "{}: `{key}` has {:?}, the English {:?}",
                    catalogue.language,
                    placeholders(text),
                    placeholders(source)
                ));
            }
            if source.matches("**").count() != text.matches("**").count() {
                report.push(format!(
                    "{}: `{key}` does not keep the English text's bold markers",
                    catalogue.language
                ));
            }
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn every_catalogue_declares_its_review_state() {
    for catalogue in translations::all() {
        let review = catalogue
            .file
            .header
            .review()
            .unwrap_or_else(|| panic!("{}: no X-Review-Status", catalogue.language));
        if !review.is_draft() {
            assert!(
                review.reviewer.is_some() && review.date.is_some(),
                "{}: a reviewed catalogue names its reviewer and date",
                catalogue.language
            );
        }
    }
}

/// The core terms of TRANSLATING.md: the English phrases to look for, by term id.
fn core_terms() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string("translations/glossary/core.toml").unwrap();
    let document: toml_edit::DocumentMut = text.parse().unwrap();
    document
        .iter()
        .map(|(id, item)| {
            let phrases = item["en"]
                .as_array()
                .unwrap_or_else(|| panic!("core term `{id}` lists its English phrases"))
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            (id.to_owned(), phrases)
        })
        .collect()
}

/// One language's glossary: accepted renderings by term id, and the (key, term) pairs a
/// translator excepted, each with its reason.
struct Glossary {
    terms: BTreeMap<String, Vec<String>>,
    exceptions: BTreeSet<(String, String)>,
}

fn glossary(language: &str) -> Glossary {
    let path = format!("translations/glossary/{language}.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let document: toml_edit::DocumentMut = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(document["language"].as_str(), Some(language), "{path}");
    let strings = |item: &toml_edit::Item| -> Vec<String> {
        item.as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let terms = document["terms"]
        .as_table()
        .unwrap_or_else(|| panic!("{path}: no [terms]"))
        .iter()
        .map(|(id, term)| {
            let main = term["term"].as_str().unwrap_or_default().to_owned();
            assert!(!main.trim().is_empty(), "{path}: `{id}` has no term");
            let mut forms = vec![main];
            forms.extend(strings(&term["accept"]));
            (id.to_owned(), forms)
        })
        .collect();
    let exceptions = document
        .get("exception")
        .and_then(toml_edit::Item::as_array_of_tables)
        .into_iter()
        .flatten()
        .map(|e| {
            let reason = e.get("reason").and_then(|r| r.as_str()).unwrap_or_default();
            assert!(
                !reason.trim().is_empty(),
                "{path}: an exception gives its reason"
            );
            let field = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            (field("key").to_owned(), field("term").to_owned())
        })
        .collect();
    Glossary { terms, exceptions }
}

/// Whether `phrase` occurs in `text` as whole words: any case, except that an acronym
/// (`BID`) matches only in capitals, so that "bid" as a word is not the acronym.
fn mentions(text: &str, phrase: &str) -> bool {
    let acronym = phrase.chars().all(|c| !c.is_lowercase());
    let (text, phrase) = if acronym {
        (text.to_owned(), phrase.to_owned())
    } else {
        (text.to_lowercase(), phrase.to_lowercase())
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    text.match_indices(&phrase).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + phrase.len()..].chars().next())
    })
}

#[test]
fn translations_use_their_glossary_for_the_core_terms() {
    let core = core_terms();
    assert!(core.len() >= 50, "{}", core.len());
    let mut report = Vec::new();
    for catalogue in translations::all() {
        let language = catalogue.language;
        let glossary = glossary(language);
        for id in core.keys() {
            if !glossary.terms.contains_key(id) {
                report.push(format!("{language}: the glossary has no `{id}`"));
            }
        }
        for (key, source, text) in translated(&catalogue.file) {
            let lower = text.to_lowercase();
            for (id, phrases) in &core {
                let Some(forms) = glossary.terms.get(id) else {
                    continue;
                };
                if glossary.exceptions.contains(&(key.to_owned(), id.clone()))
                    || !phrases.iter().any(|p| mentions(source, p))
                {
                    continue;
                }
                if !forms.iter().any(|f| lower.contains(&f.to_lowercase())) {
                    report.push(format!(
                        "{language}: `{key}` translates `{id}` without its glossary term ({})",
                        forms.join(" / ")
                    ));
                }
            }
        }
    }
    assert!(
        report.is_empty(),
        "{} problems:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn the_glossary_lint_finds_a_term_used_outside_the_glossary() {
    assert!(mentions(
        "Start the best interests assessment.",
        "best interests"
    ));
    assert!(mentions("BID panel", "BID"));
    assert!(!mentions("the highest bid wins", "BID"));
    assert!(!mentions("consented", "consent"));
    assert!(!mentions("non-refoulement", "refoulement"));
}

/// Fails with gettext's or translate-toolkit's findings when `msgfmt --check` or
/// `pofilter` with `checks` finds a problem in the PO file at `path` (a skip outside CI
/// when a tool is missing). The report goes into `scratch`.
pub(crate) fn gettext_accepts(path: &Path, checks: &[&str], scratch: &Path) {
    if let Some(msgfmt) = crate::support::tool("msgfmt") {
        let run = Command::new(msgfmt)
            .args(["--check-format", "--check-header", "-o", "/dev/null"])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            run.status.success() && run.stderr.is_empty(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&run.stderr)
        );
    }
    if let Some(pofilter) = crate::support::tool("pofilter") {
        let report = scratch.join(format!(
            "{}-problems.po",
            path.file_stem().unwrap().to_string_lossy()
        ));
        let mut command = Command::new(pofilter);
        command.arg("--progress=none");
        for check in checks {
            command.args(["-t", check]);
        }
        let run = command.arg(path).arg(&report).output().unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let problems = std::fs::read_to_string(&report).unwrap_or_default();
        let found = po::parse(&problems).unwrap_or_default();
        // The SOP's counted words may add or drop `{n}` ([`placeholders_match`]), which
        // pofilter's placeholder checks cannot know.
        let counted_n = |entry: &po::Entry| {
            entry
                .context
                .as_deref()
                .is_some_and(|k| k.starts_with("sop.time."))
                && entry.translator_comments.iter().all(|c| {
                    c.starts_with("(pofilter) pythonbraceformat")
                        || c.starts_with("(pofilter) variables")
                })
                && placeholders_match(
                    entry.context.as_deref().unwrap_or_default(),
                    &entry.id,
                    &entry.translation,
                )
        };
        let real: Vec<&str> = found
            .entries
            .iter()
            .filter(|e| !counted_n(e))
            .filter_map(|e| e.context.as_deref())
            .collect();
        assert!(
            real.is_empty(),
            "{}: pofilter found problems in {real:?}:\n{problems}",
            path.display()
        );
    }
}

#[test]
fn gettext_and_translate_toolkit_accept_every_catalogue() {
    let out = tempfile::tempdir().unwrap();
    for catalogue in translations::all() {
        // The checks that hold for any language: placeholders, escapes, line breaks,
        // whitespace at either end, tags, links. Punctuation and brackets differ
        // rightly between languages and are left to the reviewer.
        let path = format!("translations/{}.po", catalogue.language);
        gettext_accepts(
            Path::new(&path),
            &[
                "pythonbraceformat",
                "variables",
                "escapes",
                "newlines",
                "tabs",
                "startwhitespace",
                "endwhitespace",
                "doublespacing",
                "xmltags",
                "urls",
                "emails",
            ],
            out.path(),
        );
    }
    // The parser bipgen uses reads them as gettext does.
    for catalogue in translations::all() {
        let path = format!("translations/{}.po", catalogue.language);
        po::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    }
}

/// A language a test prints in: tag, script, name in itself, direction.
type Printed<'a> = (&'a str, &'a str, &'a str, &'a str);

/// A copy of the minimal example that prints in `languages` (each falling back on English)
/// with its SOP marked final; `forms` limits the forms it prints.
fn minimal_in(
    languages: &[Printed<'_>],
    forms: Option<&str>,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    let mut text = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    assert!(text.contains("status = \"draft\""));
    text = text.replacen("status = \"draft\"", "status = \"final\"", 1);
    for (tag, script, name, direction) in languages {
        text.push_str(&format!(
            "\n[[languages]]\ntag = \"{tag}\"\nscript = \"{script}\"\ndirection = \"{direction}\"\nname = \"{name}\"\nfallback = \"en\"\n"
        ));
    }
    if let Some(forms) = forms {
        text.push_str(&format!("\n[forms]\nselected = [\"{forms}\"]\n"));
    }
    std::fs::write(&config, text).unwrap();
    std::fs::copy(
        "examples/minimal/form-versions.json",
        dir.path().join("form-versions.json"),
    )
    .unwrap();
    (dir, config)
}

/// The languages of the shared build, one per script the catalogues bring and both
/// regional tags (`pt-MZ` finds `pt`, `fa-AF` finds `prs`), with the catalogue each reads.
const PRINTED: [(Printed<'static>, &str); 7] = [
    (("am", "Ethi", "አማርኛ", "ltr"), "am"),
    (("my", "Mymr", "မြန်မာ", "ltr"), "my"),
    (("bn", "Beng", "বাংলা", "ltr"), "bn"),
    (("ps", "Arab", "پښتو", "rtl"), "ps"),
    (("uk", "Cyrl", "Українська", "ltr"), "uk"),
    (("pt-MZ", "Latn", "Português", "ltr"), "pt"),
    (("fa-AF", "Arab", "دری", "rtl"), "prs"),
];

/// The short BIA of the minimal example in every language of [`PRINTED`], built once for
/// the tests below, with its `check`.
fn printed() -> &'static (tempfile::TempDir, std::path::PathBuf, bipgen::Checked) {
    static BUILT: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf, bipgen::Checked)> =
        std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let languages: Vec<Printed<'_>> = PRINTED.iter().map(|(l, _)| *l).collect();
        let (dir, config) = minimal_in(&languages, Some("bia_short"));
        let out = dir.path().join("out");
        let options = bipgen::BuildOptions {
            selection: bipgen::pack::Selection {
                parts: [bipgen::pack::Part::Forms].into(),
                languages: BTreeSet::new(),
            },
            ..bipgen::BuildOptions::default()
        };
        let (checked, result) = bipgen::build(&config, &out, options, &|_| {});
        result.unwrap_or_else(|e| panic!("{e:?} {:#?}", checked.diagnostics));
        (dir, out, checked)
    })
}

/// Every text of a tagged PDF's structure tree, in reading order.
fn tree_text(element: &serde_json::Value, out: &mut String) {
    if let Some(text) = element["text"].as_str() {
        out.push_str(text);
        out.push('\n');
    }
    for kid in element["kids"].as_array().into_iter().flatten() {
        tree_text(kid, out);
    }
}

fn catalogue(language: &str) -> &'static PoFile {
    &translations::all()
        .iter()
        .find(|c| c.language == language)
        .unwrap()
        .file
}

fn translation<'a>(file: &'a PoFile, key: &str) -> &'a str {
    file.entries
        .iter()
        .find(|e| e.context.as_deref() == Some(key))
        .map(|e| e.translation.as_str())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| panic!("no translation of {key}"))
}

/// A partner in Kabul, Kharkiv, Kakuma, Cox's Bazar or Maputo prints the short BIA in
/// their language from the built-in catalogues: the text a screen reader, search or copy
/// gets from the PDF's structure tree is the catalogue's, in reading order (Bengali and
/// Myanmar draw some vowels before their consonant, Pashto and Dari right to left), the
/// regional tags find their catalogues, and the form and `check` say the translation is a
/// draft until it is reviewed.
#[test]
fn each_language_prints_the_catalogue_marked_as_a_draft() {
    let (_, out, checked) = printed();
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    assert!(
        !checked
            .diagnostics
            .iter()
            .any(|d| d.code == "missing-glyph"),
        "{:#?}",
        checked.diagnostics
    );
    let drafts: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == "draft-translation")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(drafts.len(), PRINTED.len(), "{drafts:?}");
    for ((tag, ..), _) in PRINTED {
        assert!(
            drafts.iter().any(|d| d.contains(&format!("`{tag}`"))),
            "{tag}: {drafts:?}"
        );
    }

    let pdfs: Vec<_> = PRINTED
        .iter()
        .map(|((tag, ..), _)| out.join("forms/bia_short").join(format!("{tag}.pdf")))
        .collect();
    let Some(trees) = crate::accessibility::read_trees(&pdfs) else {
        return;
    };
    for (pdf, (_, language)) in pdfs.iter().zip(PRINTED) {
        let mut text = String::new();
        tree_text(&trees[pdf]["tree"], &mut text);
        let file = catalogue(language);
        for key in [
            "form.bia_short.title",
            "form.bia_short.section.header.title",
            "form.bia_short.field.form_date.label",
            "print.required_note",
            "print.draft_translation",
        ] {
            let expected = translation(file, key);
            assert!(
                text.contains(expected),
                "{}: `{key}` should read {expected:?}; the PDF reads:\n{text}",
                pdf.display()
            );
        }
    }
}

/// Importing a reviewed PO file marks the language reviewed: `check` stops warning, the
/// status and the manifest say who reviewed it, and the forms lose the draft note.
#[test]
fn importing_a_reviewed_file_marks_the_language_reviewed() {
    let (dir, config) = minimal_in(&[("uk", "Cyrl", "Українська", "ltr")], Some("bia_short"));
    let po_dir = dir.path().join("po");
    let run = |args: &[&str]| {
        let bipgen = assert_cmd::Command::cargo_bin("bipgen")
            .unwrap()
            .args(args)
            .assert();
        String::from_utf8(bipgen.success().get_output().stdout.clone()).unwrap()
    };
    let config_arg = config.to_str().unwrap();
    run(&[
        "i18n",
        "export",
        config_arg,
        "--lang",
        "uk",
        "--out",
        po_dir.to_str().unwrap(),
    ]);
    let exported = po_dir.join("uk.po");
    let mut file = po::parse(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(file.header.review().unwrap().status, "draft");
    let status = run(&["i18n", "status", config_arg, "--lang", "uk"]);
    assert!(status.contains("uk         review   draft"), "{status}");

    for (key, value) in &mut file.header.extra {
        match key.as_str() {
            po::REVIEW_STATUS => *value = "reviewed".into(),
            po::REVIEWED_BY => *value = "O. Kovalenko, Kharkiv".into(),
            po::REVIEW_DATE => *value = "2027-01-15".into(),
            _ => {}
        }
    }
    std::fs::write(&exported, po::write(&file)).unwrap();
    run(&[
        "i18n",
        "import",
        "--config",
        config_arg,
        exported.to_str().unwrap(),
    ]);
    let status = run(&["i18n", "status", config_arg, "--lang", "uk"]);
    assert!(
        status.contains("uk         review   reviewed by O. Kovalenko, Kharkiv on 2027-01-15"),
        "{status}"
    );
    let checked = bipgen::check(&config);
    assert!(
        !checked
            .diagnostics
            .iter()
            .any(|d| d.code == "draft-translation"),
        "{:#?}",
        checked.diagnostics
    );
    let out = dir.path().join("out");
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            parts: [bipgen::pack::Part::Forms].into(),
            languages: ["uk".to_owned()].into(),
        },
        ..bipgen::BuildOptions::default()
    };
    let (_, result) = bipgen::build(&config, &out, options, &|_| {});
    result.unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["translations"]["uk"]["review"]["status"],
        "reviewed"
    );
    assert_eq!(
        manifest["translations"]["uk"]["review"]["reviewer"],
        "O. Kovalenko, Kharkiv"
    );
    let pdf = out.join("forms/bia_short/uk.pdf");
    let Some(trees) = crate::accessibility::read_trees(std::slice::from_ref(&pdf)) else {
        return;
    };
    let mut text = String::new();
    tree_text(&trees[&pdf]["tree"], &mut text);
    assert!(text.contains(translation(catalogue("uk"), "form.bia_short.title")));
    assert!(!text.contains(translation(catalogue("uk"), "print.draft_translation")));
}

/// The short BIA in one language of each script the new catalogues bring, page 1 as a
/// partner prints it: Ethiopic (Amharic), Myanmar, Bengali, Arabic-script Pashto (right to
/// left) and Cyrillic (Ukrainian). Each image was looked at before it was blessed.
#[test]
fn each_new_script_prints_as_its_golden_page() {
    if !crate::form_pdfs::poppler("pdftoppm") {
        return;
    }
    let (dir, out, _) = printed();
    let mut failures = Vec::new();
    for tag in ["am", "my", "bn", "ps", "uk"] {
        let pdf = out.join("forms/bia_short").join(format!("{tag}.pdf"));
        let golden = Path::new("tests/golden/pages").join(format!("bia_short-{tag}-1.png"));
        if let Err(why) = crate::form_pdfs::page_matches(&pdf, "1", &golden, dir.path()) {
            failures.push(why);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
