//! The on-disk cache of laid-out documents: a build that reuses it writes exactly what a
//! cold build writes, across edits to labels, templates, translations and logos; a
//! damaged entry is made again; two builds can share the folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bipgen::typeset::cache::{DEFAULT_LIMIT, OutputCache};

const AM_PO: &str = r#"msgid ""
msgstr ""
"Language: am\n"
"Content-Type: text/plain; charset=UTF-8\n"

msgctxt "form.bia_short.title"
msgid "Best interests assessment (BIA), short"
msgstr "TITLE"
"#;

fn png(colour: u8) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(4, 2, image::Rgb([colour, 40, 90]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    found
}

/// How many flowcharts the SOPs in `output` draw: each has its own cache entry for the
/// DOCX's PNG, made whenever a DOCX is made and reused while the chart is unchanged.
fn charts(output: &BTreeMap<PathBuf, Vec<u8>>) -> usize {
    output
        .keys()
        .filter(|p| p.starts_with("sop") && p.extension().is_some_and(|x| x == "svg"))
        .count()
}

fn build(
    config: &Path,
    out: &Path,
    cache: Option<&Arc<OutputCache>>,
) -> BTreeMap<PathBuf, Vec<u8>> {
    build_selected(config, out, cache, bipgen::pack::Selection::default())
}

fn build_selected(
    config: &Path,
    out: &Path,
    cache: Option<&Arc<OutputCache>>,
    selection: bipgen::pack::Selection,
) -> BTreeMap<PathBuf, Vec<u8>> {
    let options = bipgen::BuildOptions {
        write: bipgen::output::WriteOptions {
            force: true,
            fail_after: None,
        },
        selection,
        cache: cache.cloned(),
        ..Default::default()
    };
    let (checked, result) = bipgen::build(config, out, options, &|_| {});
    assert!(result.is_ok(), "{result:?} {:#?}", checked.diagnostics);
    files(out)
}

fn assert_same(cold: &BTreeMap<PathBuf, Vec<u8>>, warm: &BTreeMap<PathBuf, Vec<u8>>, step: &str) {
    assert_eq!(
        cold.keys().collect::<Vec<_>>(),
        warm.keys().collect::<Vec<_>>(),
        "{step}: the files differ"
    );
    for (path, bytes) in cold {
        assert!(
            &warm[path] == bytes,
            "{step}: {} differs from a cold build",
            path.display()
        );
    }
}

#[test]
fn a_cached_build_is_byte_identical_to_a_cold_one_across_edits() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("country");
    std::fs::create_dir_all(folder.join("templates/sop")).unwrap();
    std::fs::create_dir_all(folder.join("translations")).unwrap();
    let config = folder.join("country.toml");
    let minimal = std::fs::read_to_string("examples/minimal/country.toml").unwrap();
    let base = format!(
        "{minimal}\n[[languages]]\ntag = \"am\"\nscript = \"Ethi\"\ndirection = \"ltr\"\nname = \"አማርኛ\"\nfallback = \"en\"\n\n[forms.header]\nlogos = [\"logo.png\"]\n"
    );
    let relabel =
        "\n[forms.tailoring.bia_short]\nrelabel = { agency = \"Agency of the caseworker\" }\n";
    let glossary = |text: &str| format!("## Glossary\n\n{text}\n");
    std::fs::write(&config, &base).unwrap();
    std::fs::write(folder.join("logo.png"), png(10)).unwrap();
    std::fs::write(folder.join("templates/sop/glossary.md"), glossary("Terms.")).unwrap();
    std::fs::write(
        folder.join("translations/am.po"),
        AM_PO.replace("TITLE", "የልጁ ምርጥ ጥቅም አጭር ግምገማ"),
    )
    .unwrap();

    let cache = Arc::new(OutputCache::open(&dir.path().join("cache"), DEFAULT_LIMIT).unwrap());
    let (cold_out, warm_out) = (dir.path().join("cold"), dir.path().join("warm"));
    type Edit<'a> = Box<dyn Fn() + 'a>;
    let steps: Vec<(&str, Edit)> = vec![
        ("the first build", Box::new(|| {})),
        ("nothing changed", Box::new(|| {})),
        (
            "a label",
            Box::new(|| std::fs::write(&config, format!("{base}{relabel}")).unwrap()),
        ),
        (
            "an SOP template",
            Box::new(|| {
                std::fs::write(
                    folder.join("templates/sop/glossary.md"),
                    glossary("Terms used here."),
                )
                .unwrap()
            }),
        ),
        (
            "a translation",
            Box::new(|| {
                std::fs::write(
                    folder.join("translations/am.po"),
                    AM_PO.replace("TITLE", "አጭር የልጁ ምርጥ ጥቅም ግምገማ"),
                )
                .unwrap()
            }),
        ),
        (
            "a logo",
            Box::new(|| std::fs::write(folder.join("logo.png"), png(200)).unwrap()),
        ),
        (
            "a form template",
            Box::new(|| {
                let template = std::fs::read_to_string("forms/print/form.typ").unwrap();
                std::fs::write(
                    folder.join("templates/form.typ"),
                    format!("{template}\n// The country's copy.\n"),
                )
                .unwrap()
            }),
        ),
    ];
    let mut previous: Option<BTreeMap<PathBuf, Vec<u8>>> = None;
    for (step, edit) in &steps {
        edit();
        let cold = build(&config, &cold_out, None);
        let hits = cache.hits.load(Ordering::Relaxed);
        let warm = build(&config, &warm_out, Some(&cache));
        assert_same(&cold, &warm, step);
        let reused = cache.hits.load(Ordering::Relaxed) - hits;
        match *step {
            "the first build" => assert_eq!(reused, 0),
            // Unchanged: every laid-out document comes from the cache (2 languages:
            // the form packs, the SOP PDFs and DOCX files).
            "nothing changed" => assert_eq!(reused, 6, "{step}"),
            // An SOP edit leaves the printed forms alone, and the reverse. The SOP's
            // text changed, not its charts: their PNGs are reused.
            "an SOP template" => assert_eq!(
                reused,
                2 + charts(&cold),
                "{step}: the form packs and the charts"
            ),
            "a logo" => assert_eq!(reused, 4, "{step}: the SOPs"),
            _ => {}
        }
        // Each edit changes what a build writes (the cache never hides one).
        if let Some(previous) = &previous
            && *step != "nothing changed"
            && *step != "a form template"
        {
            assert_ne!(previous, &cold, "{step} changed nothing");
        }
        previous = Some(cold);
    }

    // Damaged entries are detected, dropped and made again.
    let entries: Vec<PathBuf> = std::fs::read_dir(cache.dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(entries.len() >= 6);
    for entry in &entries {
        let mut bytes = std::fs::read(entry).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(entry, bytes).unwrap();
    }
    let cold = build(&config, &cold_out, None);
    let misses = cache.misses.load(Ordering::Relaxed);
    let warm = build(&config, &warm_out, Some(&cache));
    assert_same(&cold, &warm, "damaged entries");
    assert!(charts(&cold) > 0);
    assert_eq!(
        cache.misses.load(Ordering::Relaxed) - misses,
        6 + charts(&cold)
    );

    // Two builds at once share the folder.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let fresh = Arc::new(OutputCache::open(&dir.path().join("shared"), DEFAULT_LIMIT).unwrap());
    let (first, second) = std::thread::scope(|scope| {
        let one = scope.spawn(|| build(&config, &a, Some(&fresh)));
        let two = scope.spawn(|| build(&config, &b, Some(&fresh)));
        (one.join().unwrap(), two.join().unwrap())
    });
    assert_same(&cold, &first, "the first of two at once");
    assert_same(&cold, &second, "the second of two at once");
    assert_same(
        &cold,
        &build(&config, &a, Some(&fresh)),
        "after two at once",
    );
}

#[test]
fn the_command_line_keeps_its_cache_in_the_users_cache_folder_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let entries = |folder: &Path| -> usize {
        std::fs::read_dir(folder).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "entry"))
            })
            .count()
        })
    };
    let run = |xdg: &str, extra: &[&str]| {
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("bipgen"))
            .args([
                "build",
                "examples/minimal/country.toml",
                "--force",
                "--quiet",
                "--out",
            ])
            .arg(dir.path().join("out"))
            .args(extra)
            .env("XDG_CACHE_HOME", dir.path().join(xdg))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run("xdg", &[]);
    // One language: the form pack, the SOP's PDF and its DOCX, and each chart's PNG.
    let charts = charts(&files(&dir.path().join("out")));
    assert!(charts > 0);
    assert_eq!(entries(&dir.path().join("xdg/bipgen")), 3 + charts);
    run("none", &["--no-cache"]);
    assert!(!dir.path().join("none").exists());
    let mine = dir.path().join("mine");
    run("unused", &["--cache-dir", mine.to_str().unwrap()]);
    assert_eq!(entries(&mine), 3 + charts);
    assert!(!dir.path().join("unused").exists());
}

#[test]
fn one_relabelled_form_lays_out_its_language_book_and_its_pair_pdf_only() {
    // Chad prints French and Arabic side by side: a pair's forms are laid out one by one,
    // so a new French label lays out the French book and that form's pair PDF, nothing
    // else (the Arabic and English labels given are the ones the form already has). The
    // printed forms in French and Arabic are enough to show it.
    let selection = || bipgen::pack::Selection {
        parts: [bipgen::pack::Part::Forms].into(),
        languages: ["fr".to_owned(), "ar".to_owned()].into(),
    };
    let build = |config: &Path, out: &Path, cache: Option<&Arc<OutputCache>>| {
        build_selected(config, out, cache, selection())
    };
    let dir = tempfile::tempdir().unwrap();
    let config = crate::operation::copy_chad(&dir.path().join("chad")).unwrap();
    let cache = Arc::new(OutputCache::open(&dir.path().join("cache"), DEFAULT_LIMIT).unwrap());
    let warm_out = dir.path().join("warm");
    let before = build(&config, &warm_out, Some(&cache));
    // One entry per language's form book and per form of the pair.
    let pair_pdfs = before
        .keys()
        .filter(|p| p.to_string_lossy().ends_with("/fr+ar.pdf"))
        .count();
    assert!(
        pair_pdfs > 10,
        "{pair_pdfs} forms printed in French and Arabic"
    );
    let entries = 2 + pair_pdfs;
    assert_eq!(cache.misses.load(Ordering::Relaxed), entries);

    let text = std::fs::read_to_string(&config).unwrap();
    let relabel = "\n[forms.tailoring.bia_short]\nrelabel = { agency = { fr = \"Organisme\", ar = \"الجهة\", en = \"Agency\" } }\n";
    std::fs::write(&config, format!("{text}{relabel}")).unwrap();
    let (hits, misses) = (
        cache.hits.load(Ordering::Relaxed),
        cache.misses.load(Ordering::Relaxed),
    );
    let warm = build(&config, &warm_out, Some(&cache));
    let made = cache.misses.load(Ordering::Relaxed) - misses;
    let reused = cache.hits.load(Ordering::Relaxed) - hits;
    assert_eq!(made, 2, "the French book and forms/bia_short/fr+ar.pdf");
    assert_eq!(reused, entries - 2, "every other document is reused");
    let cold = build(&config, &dir.path().join("cold"), None);
    assert_same(&cold, &warm, "one French label");
    let pdf = |files: &BTreeMap<PathBuf, Vec<u8>>, path: &str| files[Path::new(path)].clone();
    for changed in [
        "forms/bia_short/fr+ar.pdf",
        "forms/bia_short/fr.pdf",
        "forms/all-fr.pdf",
    ] {
        assert_ne!(pdf(&before, changed), pdf(&warm, changed), "{changed}");
    }
    for same in [
        "forms/bia_short/ar.pdf",
        "forms/bid_report/fr+ar.pdf",
        "forms/all-ar.pdf",
    ] {
        assert_eq!(pdf(&before, same), pdf(&warm, same), "{same}");
    }
}
