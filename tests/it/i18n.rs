//! The translator's round trip as translators and coordinators live it: exported PO files
//! pass gettext's and translate-toolkit's checks, translations survive export → edit →
//! import → export, a changed English source turns its translation fuzzy, broken
//! translations are refused with the PO file and line, and the Ethiopia example prints
//! Amharic with an embedded Ethiopic font and reports exactly what is left to translate.
//!
//! gettext and translate-toolkit are installed by `.ci/run`; in CI a missing tool fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Bin;

fn bipgen() -> Bin {
    Bin::cargo_bin("bipgen").expect("the bipgen binary is built")
}

/// A copy of an example folder to change freely.
fn copy_example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("examples").join(name);
    copy_dir(&from, dir.path());
    let config = dir.path().join("country.toml");
    (dir, config)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn export(config: &Path, language: &str, out: &Path) -> bipgen::i18n::po::PoFile {
    bipgen()
        .args(["i18n", "export"])
        .arg(config)
        .args(["--lang", language, "--out"])
        .arg(out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join(format!("{language}.po"))).unwrap();
    bipgen::i18n::po::parse(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn entry<'a>(file: &'a bipgen::i18n::po::PoFile, key: &str) -> &'a bipgen::i18n::po::Entry {
    file.entries
        .iter()
        .find(|e| !e.obsolete && e.context.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no entry {key}"))
}

fn set(file: &mut bipgen::i18n::po::PoFile, key: &str, translation: &str) {
    let e = file
        .entries
        .iter_mut()
        .find(|e| e.context.as_deref() == Some(key))
        .unwrap();
    e.translation = translation.to_owned();
    e.fuzzy = false;
}

#[test]
fn exported_files_pass_msgfmt_and_pofilter() {
    let out = tempfile::tempdir().unwrap();
    for (example, language) in [
        ("ethiopia", "am"),
        ("ethiopia", "so"),
        ("chad", "ar"),
        ("chad", "es"),
    ] {
        let dir = out.path().join(example);
        let file = export(
            &Path::new("examples").join(example).join("country.toml"),
            language,
            &dir,
        );
        assert!(file.entries.len() > 3000, "{example} {language}");
        // Stable, unique keys.
        let keys: BTreeSet<_> = file
            .entries
            .iter()
            .filter_map(|e| e.context.clone())
            .collect();
        assert_eq!(keys.len(), file.entries.len());
        let path = dir.join(format!("{language}.po"));
        crate::translations::gettext_accepts(&path, &["printf", "variables"], &dir);
    }
}

#[test]
fn export_edit_import_export_loses_nothing_and_marks_changed_sources_fuzzy() {
    let (_dir, config) = copy_example("minimal");
    let out = tempfile::tempdir().unwrap();
    let mut file = export(&config, "fr", out.path());
    let keys = [
        ("config.sop.operation", "Réponse aux réfugiés"),
        ("form.bia_short.title", "EIS abrégée (version du pays)"),
        (
            "sop.referral.who_refers",
            "Réfère : {roles}. Délai : {within}. Services :",
        ),
    ];
    for (key, text) in keys {
        set(&mut file, key, text);
    }
    let edited = out.path().join("fr-edited.po");
    std::fs::write(&edited, bipgen::i18n::po::write(&file)).unwrap();
    bipgen()
        .args(["i18n", "import", "--config"])
        .arg(&config)
        .arg(&edited)
        .assert()
        .success();
    let stored = config.parent().unwrap().join("translations/fr.po");
    assert!(stored.is_file());

    // A fresh export carries the imported translations.
    let again = tempfile::tempdir().unwrap();
    let file = export(&config, "fr", again.path());
    for (key, text) in keys {
        let e = entry(&file, key);
        assert_eq!(e.translation, text, "{key}");
        assert!(!e.fuzzy, "{key}");
    }

    // The English source changes: re-exporting over the earlier file keeps the
    // translation, marks it fuzzy and shows the old source; it is no longer used.
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "operation = \"Refugee response\"",
            "operation = \"Refugee and returnee response\"",
        ),
    )
    .unwrap();
    let file = export(&config, "fr", again.path());
    let e = entry(&file, "config.sop.operation");
    assert_eq!(e.id, "Refugee and returnee response");
    assert_eq!(e.translation, "Réponse aux réfugiés");
    assert!(e.fuzzy);
    assert_eq!(e.previous_id.as_deref(), Some("Refugee response"));
    let status = bipgen()
        .args(["i18n", "status"])
        .arg(&config)
        .args(["--lang", "fr", "--missing", "--format", "json"])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        status[0]["fuzzy"],
        serde_json::json!(["config.sop.operation"])
    );

    // An entry whose key disappeared is kept as obsolete, translation included.
    let path = again.path().join("fr.po");
    let mut file = bipgen::i18n::po::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    file.entries.push(bipgen::i18n::po::Entry {
        context: Some("form.bia_short.field.retired_question.label".into()),
        id: "A question the form no longer has".into(),
        translation: "Une question disparue".into(),
        ..Default::default()
    });
    std::fs::write(&path, bipgen::i18n::po::write(&file)).unwrap();
    let file = export(&config, "fr", again.path());
    let kept = file
        .entries
        .iter()
        .find(|e| e.context.as_deref() == Some("form.bia_short.field.retired_question.label"))
        .expect("kept");
    assert!(kept.obsolete);
    assert_eq!(kept.translation, "Une question disparue");
}

#[test]
fn broken_translations_are_refused_with_file_and_line() {
    let (_dir, config) = copy_example("minimal");
    let out = tempfile::tempdir().unwrap();
    let mut file = export(&config, "fr", out.path());
    set(
        &mut file,
        "sop.referral.who_refers",
        "Réfère : {roles}. Services :",
    );
    set(
        &mut file,
        "sop.bid.title",
        "Détermination de l'intérêt supérieur",
    );
    let path = out.path().join("fr.po");
    std::fs::write(&path, bipgen::i18n::po::write(&file)).unwrap();
    let line = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l == "msgctxt \"sop.referral.who_refers\"")
        .unwrap()
        + 2; // the msgid line
    let result = bipgen()
        .args(["i18n", "import", "--config"])
        .arg(&config)
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .code(1);
    let diagnostics: serde_json::Value =
        serde_json::from_slice(&result.get_output().stdout).unwrap();
    let placeholder = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "translation-placeholders")
        .expect("placeholder error");
    assert_eq!(placeholder["line"], line);
    assert!(placeholder["file"].as_str().unwrap().ends_with("fr.po"));
    assert!(
        placeholder["message"]
            .as_str()
            .unwrap()
            .contains("{within}")
    );
    assert!(
        !config.parent().unwrap().join("translations").exists(),
        "nothing written"
    );

    // A syntax error names its line too.
    std::fs::write(&path, "msgid \"a\"\nmsgstr \"unterminated\n").unwrap();
    bipgen()
        .args(["i18n", "import", "--config"])
        .arg(&config)
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("fr.po:2:"));
}

#[test]
fn fuzzy_and_empty_translations_are_not_used() {
    let (_dir, config) = copy_example("minimal");
    let out = tempfile::tempdir().unwrap();
    let mut file = export(&config, "am", out.path());
    set(&mut file, "sop.bid.title", "የልጁ ምርጥ ጥቅም ውሳኔ");
    file.entries
        .iter_mut()
        .find(|e| e.context.as_deref() == Some("sop.bid.title"))
        .unwrap()
        .fuzzy = true;
    set(&mut file, "sop.bid.intro", "   ");
    set(&mut file, "sop.bid.when_title", "የልጁ ምርጥ ጥቅም ውሳኔ መቼ ያስፈልጋል");
    let path = out.path().join("am.po");
    std::fs::write(&path, bipgen::i18n::po::write(&file)).unwrap();
    bipgen()
        .args(["i18n", "import", "--config"])
        .arg(&config)
        .arg(&path)
        .assert()
        .success()
        .stderr(predicates::str::contains("fuzzy"))
        .stdout(predicates::str::contains(
            "am: imported 1 translated, 1 fuzzy (kept, not used)",
        ));
    let again = tempfile::tempdir().unwrap();
    let file = export(&config, "am", again.path());
    let fuzzy = entry(&file, "sop.bid.title");
    assert!(fuzzy.fuzzy, "kept for the translator, still fuzzy");
    assert_eq!(fuzzy.translation, "የልጁ ምርጥ ጥቅም ውሳኔ");
    assert!(entry(&file, "sop.bid.intro").translation.is_empty());
    let used = entry(&file, "sop.bid.when_title");
    assert!(!used.fuzzy);
    assert_eq!(used.translation, "የልጁ ምርጥ ጥቅም ውሳኔ መቼ ያስፈልጋል");
}

#[test]
fn ethiopia_prints_amharic_and_reports_exactly_what_is_missing() {
    let config = Path::new("examples/ethiopia/country.toml");
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("out");
    let (checked, result) =
        bipgen::build(config, &target, bipgen::BuildOptions::default(), &|_| {});
    assert!(result.is_ok(), "{result:?} {:#?}", checked.diagnostics);

    // The forms partners print first are complete in Amharic and print in an Ethiopic font.
    let export_dir = out.path().join("po");
    let file = export(config, "am", &export_dir);
    for form in ["registration_intake", "consent_assent", "bia_short"] {
        let untranslated: Vec<_> = file
            .entries
            .iter()
            .filter(|e| !e.obsolete && e.translation.is_empty())
            .filter_map(|e| e.context.as_deref())
            .filter(|k| k.starts_with(&format!("form.{form}.")))
            .collect();
        assert!(untranslated.is_empty(), "{form}: {untranslated:?}");
        if let Some(pdffonts) = crate::support::tool("pdffonts") {
            let pdf = target.join(format!("forms/{form}/am.pdf"));
            let fonts = Command::new(&pdffonts).arg(&pdf).output().unwrap();
            let fonts = String::from_utf8_lossy(&fonts.stdout);
            let ethiopic = fonts
                .lines()
                .find(|l| l.contains("NotoSansEthiopic"))
                .unwrap_or_else(|| panic!("{form}: no Ethiopic font in\n{fonts}"));
            assert!(
                ethiopic.split_whitespace().rev().nth(4) == Some("yes"),
                "embedded: {ethiopic}"
            );
        }
    }
    // The SOP's prose comes from the built-in Amharic catalogue, which says it is a draft;
    // where the configuration's own English stands in, the SOP says so, and check reports it.
    let sop_am = std::fs::read_to_string(target.join("sop/am/sop.md")).unwrap();
    let built_in = bipgen::library::translations::for_tag("am").unwrap();
    let sentence = |key: &str| {
        built_in
            .translations()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, text)| text.replace("{language}", "አማርኛ"))
            .unwrap()
    };
    assert!(sop_am.contains(&sentence("sop.front.draft_translation")));
    assert!(sop_am.contains(&sentence("sop.front.fallback_note").replace("{fallback}", "English")));
    let sop_en = std::fs::read_to_string(target.join("sop/en/sop.md")).unwrap();
    assert!(!sop_en.contains("not yet translated"));
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code == "fallback-translation"
                && d.message.contains("configuration texts have no `am` text"))
    );
    // The SOP chapters on the steps and on referral are translated too.
    for key in [
        "sop.procedure.title",
        "sop.referral.title",
        "sop.flow.case_title",
        "config.steps.identification.label",
    ] {
        assert!(!entry(&file, key).translation.is_empty(), "{key}");
    }

    // The status lists exactly the keys the export leaves untranslated.
    let status = bipgen()
        .args(["i18n", "status"])
        .arg(config)
        .args(["--lang", "am", "--missing", "--format", "json"])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let reported: BTreeSet<String> = status[0]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let untranslated: BTreeSet<String> = file
        .entries
        .iter()
        .filter(|e| !e.obsolete && e.translation.is_empty())
        .filter_map(|e| e.context.clone())
        .collect();
    assert!(!reported.is_empty());
    assert_eq!(reported, untranslated);
    // The manifest carries the same counts.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("manifest.json")).unwrap()).unwrap();
    let missing: u64 = ["forms", "sop", "config"]
        .iter()
        .map(|d| {
            manifest["translations"]["am"][d]["missing"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(missing as usize, reported.len());

    // Without a fallback, the build fails and says what is missing.
    let (_dir, copy) = copy_example("ethiopia");
    let text = std::fs::read_to_string(&copy).unwrap();
    let am = text.find("tag = \"am\"").unwrap();
    let (head, tail) = text.split_at(am);
    std::fs::write(
        &copy,
        format!("{head}{}", tail.replacen("fallback = \"en\"\n", "", 1)),
    )
    .unwrap();
    let checked = bipgen::check(&copy);
    assert!(checked.has_errors());
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code == "missing-translation" && d.message.contains("`am`"))
    );
}

#[test]
fn a_broken_stored_translation_file_is_reported_at_its_line() {
    let (dir, config) = copy_example("minimal");
    let store = dir.path().join("translations");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(
        store.join("fr.po"),
        "msgid \"\"\nmsgstr \"Language: fr\\n\"\n\nmsgctxt \"sop.bid.title\"\nmsgid \"Best interests determination\"\nmsgstr \"oops\n",
    )
    .unwrap();
    let checked = bipgen::check(&config);
    let problem = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "invalid-translation-file")
        .expect("reported");
    assert!(problem.is_error());
    let location = problem.location.as_ref().expect("located");
    assert_eq!(checked.sources.name(location.file), "translations/fr.po");
    let text = checked.sources.text(location.file);
    let line = text[..location.span.start].matches('\n').count() + 1;
    assert_eq!(line, 6);
}

#[test]
fn empty_files_are_refused_and_unlisted_languages_are_stored_with_a_warning() {
    let (dir, config) = copy_example("ethiopia");
    let empty = dir.path().join("empty.po");
    std::fs::write(&empty, "").unwrap();
    bipgen()
        .args(["i18n", "import", "--config"])
        .arg(&config)
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("holds no translation"));
    let stored = |name: &str| dir.path().join("translations").join(name);
    assert!(!stored("empty.po").exists(), "nothing written");
    // French is not configured yet: its translations wait in the store, with a warning.
    let amharic = std::fs::read_to_string(stored("am.po")).unwrap();
    let french = dir.path().join("fr.po");
    std::fs::write(&french, amharic.replace("Language: am", "Language: fr")).unwrap();
    bipgen()
        .args(["i18n", "import", "--config"])
        .arg(&config)
        .arg(&french)
        .assert()
        .success()
        .stderr(predicates::str::contains("does not list yet"));
    assert!(stored("fr.po").is_file());
}

/// `ar-TD` and `en-GB` speak the built-in Arabic and English, and the configuration's
/// `ar` and `en` texts: BCP 47 lookup, with nothing missing and nothing standing in.
#[test]
fn regional_tags_use_their_languages_texts() {
    let (dir, config) = copy_example("chad");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("tag = \"ar\"", "tag = \"ar-TD\"")
        .replace("tag = \"en\"", "tag = \"en-GB\"")
        .replace("[\"fr\", \"ar\"]", "[\"fr\", \"ar-TD\"]");
    std::fs::write(&config, text).unwrap();
    let checked = bipgen::check(&config);
    assert!(
        checked.diagnostics.is_empty(),
        "{:#?}",
        checked
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let out = dir.path().join("out");
    let (_, result) = bipgen::build(&config, &out, bipgen::BuildOptions::default(), &|_| {});
    assert!(result.is_ok(), "{result:?}");
    let sop = std::fs::read_to_string(out.join("sop/ar-TD/sop.md")).unwrap();
    assert!(
        // The title is a configuration text, isolated (FSI … PDI).
        sop.starts_with("# \u{2068}إجراءات التشغيل الموحّدة"),
        "the Arabic SOP"
    );
    let english = std::fs::read_to_string(out.join("sop/en-GB/sop.md")).unwrap();
    assert!(english.contains("## 1. "), "the English SOP");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    for tag in ["ar-TD", "en-GB", "fr"] {
        for domain in ["forms", "sop", "config"] {
            let status = &manifest["translations"][tag][domain];
            assert_eq!(status["missing"], 0, "{tag} {domain}: {status}");
            assert_eq!(
                status["translated"], status["total"],
                "{tag} {domain}: {status}"
            );
        }
    }
}

/// Tags compare without regard to case: `AR` and `EN` are `ar` and `en`, in the
/// configuration's texts and the built-in ones alike.
#[test]
fn tags_in_another_case_are_the_same_language() {
    let (_dir, config) = copy_example("chad");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("tag = \"ar\"", "tag = \"AR\"")
        .replace("tag = \"en\"", "tag = \"EN\"")
        .replace("[\"fr\", \"ar\"]", "[\"fr\", \"Ar\"]");
    std::fs::write(&config, text).unwrap();
    let checked = bipgen::check(&config);
    assert!(
        checked.diagnostics.is_empty(),
        "{:#?}",
        checked
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let tags: Vec<String> = checked
        .config
        .unwrap()
        .languages
        .iter()
        .map(|l| l.tag.to_string())
        .collect();
    assert!(
        tags.contains(&"ar".to_owned()) && tags.contains(&"en".to_owned()),
        "{tags:?}"
    );
}

/// `i18n status` and `i18n export` are how a team finds and fills what is missing, so a
/// language that has no texts yet does not stop them, though it stops `build`.
#[test]
fn status_and_export_work_while_translations_are_missing() {
    let (dir, config) = copy_example("chad");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[[languages]]\ntag = \"de\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Deutsch\"\n");
    std::fs::write(&config, text).unwrap();
    assert!(bipgen::check(&config).has_errors(), "de has no texts yet");
    let output = bipgen()
        .args(["i18n", "status", "--format", "json"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let de = status
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["language"] == "de")
        .expect("de in the status");
    assert!(
        de["domains"]["forms"]["missing"].as_u64().unwrap() > 1000,
        "{de}"
    );
    let out = dir.path().join("po");
    bipgen()
        .args(["i18n", "export", "--lang", "de", "--out"])
        .arg(&out)
        .arg(&config)
        .assert()
        .success();
    assert!(out.join("de.po").is_file());
    // Another kind of error still stops them.
    let broken = std::fs::read_to_string(&config).unwrap().replacen(
        "lead_agencies = [\"",
        "lead_agencies = [\"nobody\", \"",
        1,
    );
    std::fs::write(&config, broken).unwrap();
    bipgen()
        .args(["i18n", "status"])
        .arg(&config)
        .assert()
        .failure();
}

/// A wrong tag is one error, with a suggestion, not hundreds of missing translations.
#[test]
fn a_wrong_language_tag_is_reported_once() {
    for (tag, help) in [("arabic", None), ("ara", Some("did you mean `ar`?"))] {
        let (_dir, config) = copy_example("chad");
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace("tag = \"ar\"", &format!("tag = \"{tag}\""));
        std::fs::write(&config, text).unwrap();
        let checked = bipgen::check(&config);
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
        let bad: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == "invalid-language-tag")
            .collect();
        assert_eq!(bad.len(), 1, "{tag}: {codes:?}");
        assert!(bad[0].location.is_some(), "{tag}: located");
        if let Some(help) = help {
            assert!(
                bad[0].help.as_deref().unwrap_or("").contains(help),
                "{tag}: {:?}",
                bad[0].help
            );
        }
        // Only the bilingual pair that still names `ar` is reported besides.
        assert!(codes.len() <= 2, "{tag}: {codes:?}");
        assert!(!codes.contains(&"missing-translation"), "{tag}: {codes:?}");
        assert!(
            !codes.contains(&"unconfigured-language"),
            "{tag}: {codes:?}"
        );
    }
}

/// The manifest names every input with its sha256 and hashes them all: editing one
/// translation changes that hash and only the outputs in that language; building again
/// changes nothing.
#[test]
fn the_manifest_hashes_every_input_and_a_translation_edit_changes_only_its_language() {
    let (dir, config) = copy_example("chad");
    let store = dir.path().join("translations");
    let mut file = export(&config, "ar", &store);
    // Laid-out documents are kept between the three builds (a cached build is the cold
    // one, byte for byte: `cache.rs`), so only what the edit touches is laid out again.
    let cache = std::sync::Arc::new(
        bipgen::typeset::cache::OutputCache::open(
            &dir.path().join("cache"),
            bipgen::typeset::cache::DEFAULT_LIMIT,
        )
        .unwrap(),
    );
    let build = |out: &str| -> serde_json::Value {
        let out = dir.path().join(out);
        let options = bipgen::BuildOptions {
            cache: Some(cache.clone()),
            ..bipgen::BuildOptions::default()
        };
        let (checked, result) = bipgen::build(&config, &out, options, &|_| {});
        assert!(result.is_ok(), "{:#?}", checked.diagnostics);
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
    };
    let first = build("a");
    assert_eq!(first["format_version"], 5);
    let inputs: Vec<(String, String)> = first["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("configuration", "country.toml"),
        ("configuration", "services.toml"),
        ("translation", "translations/ar.po"),
    ] {
        assert!(
            inputs.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {inputs:?}"
        );
    }
    let again = build("b");
    assert_eq!(
        first["inputs_sha256"], again["inputs_sha256"],
        "nothing touched"
    );
    assert_eq!(first["files"], again["files"]);

    let key = file
        .entries
        .iter()
        .find(|e| {
            !e.obsolete
                && e.context
                    .as_deref()
                    .is_some_and(|c| c.starts_with("form.bia_short."))
        })
        .and_then(|e| e.context.clone())
        .expect("a bia_short string");
    set(&mut file, &key, "نص معدّل للاختبار");
    std::fs::write(store.join("ar.po"), bipgen::i18n::po::write(&file)).unwrap();
    let edited = build("c");
    assert_ne!(first["inputs_sha256"], edited["inputs_sha256"]);
    let sha = |m: &serde_json::Value| -> std::collections::BTreeMap<String, (String, Vec<String>)> {
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let languages = f["languages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_str().unwrap().to_owned())
                    .collect();
                (
                    f["path"].as_str().unwrap().to_owned(),
                    (f["sha256"].as_str().unwrap().to_owned(), languages),
                )
            })
            .collect()
    };
    let (before, after) = (sha(&first), sha(&edited));
    let changed: Vec<&String> = before
        .keys()
        .filter(|path| before[*path].0 != after[*path].0)
        .collect();
    assert!(!changed.is_empty(), "the edit reached the outputs");
    for path in &changed {
        assert!(
            before[*path].1.iter().any(|l| l == "ar"),
            "{path} changed but holds no Arabic"
        );
    }
    assert!(
        changed.iter().any(|p| p.contains("bia_short")),
        "{changed:?}"
    );
}

/// One inventory of translatable strings: for every language with a fallback, what
/// `check` says each domain lacks equals what `i18n status` counts as missing or fuzzy,
/// and what the manifest records.
#[test]
fn check_status_and_the_manifest_count_the_same_strings() {
    let config = Path::new("examples/ethiopia/country.toml");
    let run = |args: &[&str]| -> serde_json::Value {
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("bipgen"))
            .args(args)
            .arg(config)
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stderr))
        })
    };
    // From check: "617 SOP sentences have no `am` text; …"
    let mut said = std::collections::BTreeMap::new();
    for d in run(&["check", "--format", "json"]).as_array().unwrap() {
        if d["code"] != "fallback-translation" {
            continue;
        }
        let message = d["message"].as_str().unwrap();
        let (count, rest) = message.split_once(' ').unwrap();
        let domain = [
            ("SOP sentences", "sop"),
            ("form strings", "forms"),
            ("configuration texts", "config"),
        ]
        .iter()
        .find(|(words, _)| rest.starts_with(words))
        .unwrap_or_else(|| panic!("{message}"))
        .1;
        let language = rest.split('`').nth(1).unwrap().to_owned();
        said.insert((language, domain.to_owned()), count.parse::<u64>().unwrap());
    }
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    let build = std::process::Command::new(assert_cmd::cargo::cargo_bin("bipgen"))
        .args(["build", "--only", "schemas", "--out"])
        .arg(&out_dir)
        .arg(config)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    let statuses = run(&["i18n", "status", "--format", "json"]);
    let mut compared = 0;
    for status in statuses.as_array().unwrap() {
        let language = status["language"].as_str().unwrap();
        let recorded = &manifest["translations"][language];
        if recorded["fallback"].is_null() {
            continue; // a language without a fallback lacking strings is an error instead
        }
        for domain in ["forms", "sop", "config"] {
            let counts = &status["domains"][domain];
            let lacking = counts["missing"].as_u64().unwrap() + counts["fuzzy"].as_u64().unwrap();
            let in_manifest = recorded[domain]["missing"].as_u64().unwrap()
                + recorded[domain]["fuzzy"].as_u64().unwrap();
            assert_eq!(
                lacking, in_manifest,
                "{language} {domain}: status and manifest"
            );
            let in_check = said
                .get(&(language.to_owned(), domain.to_owned()))
                .copied()
                .unwrap_or(0);
            assert_eq!(lacking, in_check, "{language} {domain}: status and check");
            compared += 1;
        }
    }
    // am (partly translated), ti and so, each in three domains.
    assert_eq!(compared, 9);
    assert!(said.values().any(|&n| n > 0));
}
