//! The command line end to end, as a user runs it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn bipgen() -> Command {
    Command::cargo_bin("bipgen").expect("the bipgen binary is built")
}

fn examples() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir("examples")
        .expect("examples folder")
        .map(|e| e.expect("entry").path().join("country.toml"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found
}

/// Every file under `dir`, relative path to bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).expect("read output folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).expect("inside").to_path_buf(),
                    fs::read(&path).expect("read"),
                );
            }
        }
    }
    files
}

const MINIMAL: &str = "examples/minimal/country.toml";

#[test]
fn every_example_passes_check() {
    let examples = examples();
    assert!(
        examples.len() >= 2,
        "expected the shipped examples, found {examples:?}"
    );
    for example in examples {
        bipgen()
            .arg("check")
            .arg(&example)
            .assert()
            .success()
            .stderr(predicate::str::contains("is valid (0 errors"));
    }
    // The showcase is clean even with warnings denied.
    bipgen()
        .args(["check", "--deny-warnings", "examples/chad/country.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("is valid (0 errors, 0 warnings)"));
}

#[test]
fn invalid_configurations_exit_1_with_located_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("country.toml");
    let text = fs::read_to_string(MINIMAL)
        .unwrap()
        .replace("status = \"draft\"", "status = \"drafted\"");
    fs::write(&path, text).unwrap();
    let output = bipgen()
        .arg("check")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diagnostics: serde_json::Value = serde_json::from_slice(&output).expect("JSON diagnostics");
    // The other rules still run past a value outside its list, so warnings may come too.
    let first = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(first["code"], "invalid-value");
    assert_eq!(first["severity"], "error");
    assert!(first["file"].as_str().unwrap().ends_with("country.toml"));
    let line = fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("status"))
        .unwrap()
        + 1;
    assert_eq!(first["line"], line);
    assert_eq!(first["column"], 10);
    assert!(
        first["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `draft`")
    );

    bipgen()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error[invalid-value]"))
        .stderr(predicate::str::contains(format!("country.toml:{line}:10")));
}

#[test]
fn io_and_usage_problems_exit_2() {
    bipgen()
        .args(["check", "no/such/country.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file-not-found"));
    bipgen()
        .args(["check", "examples"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    bipgen().arg("check").assert().code(2);
    bipgen().args(["frobnicate"]).assert().code(2);
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("country.toml");
    let text = fs::read_to_string(MINIMAL)
        .unwrap()
        .replace("direction = \"ltr\"", "direction = \"rtl\"");
    fs::write(&path, text).unwrap();
    bipgen()
        .arg("check")
        .arg(&path)
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[script-direction]"));
    bipgen()
        .arg("check")
        .arg(&path)
        .arg("--deny-warnings")
        .assert()
        .code(1);
}

#[test]
fn builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    for example in examples() {
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        bipgen()
            .arg("build")
            .arg(&example)
            .arg("--out")
            .arg(&a)
            .assert()
            .success();
        bipgen()
            .arg("build")
            .arg(&example)
            .arg("--out")
            .arg(&b)
            .arg("--quiet")
            .assert()
            .success()
            .stderr("");
        let (first, second) = (snapshot(&a), snapshot(&b));
        assert!(first.contains_key(Path::new("manifest.json")));
        assert_eq!(first, second, "{} builds differ", example.display());
        let manifest = String::from_utf8(first[Path::new("manifest.json")].clone()).unwrap();
        assert!(
            !manifest.contains(dir.path().to_str().unwrap()),
            "manifest holds a local path"
        );
        fs::remove_dir_all(&a).unwrap();
        fs::remove_dir_all(&b).unwrap();
    }
}

#[test]
fn the_manifest_lists_every_file_with_its_digest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bipgen()
        .args(["build", MINIMAL, "--out"])
        .arg(&out)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["generator"]["name"], "bipgen");
    assert_eq!(manifest["config"]["country"], "TD");
    let files = manifest["files"].as_array().unwrap();
    assert!(!files.is_empty());
    let on_disk = snapshot(&out);
    assert_eq!(
        files.len() + 1,
        on_disk.len(),
        "every file but the manifest is listed"
    );
    for file in files {
        let bytes = &on_disk[Path::new(file["path"].as_str().unwrap())];
        assert_eq!(file["bytes"], bytes.len());
        assert_eq!(file["sha256"], bipgen::output::sha256_hex(bytes));
    }
    assert_eq!(manifest["translations"]["en"]["config"]["missing"], 0);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bipgen()
        .args(["build", MINIMAL, "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = snapshot(&out);

    // A configuration error stops the build before anything is written.
    let broken = dir.path().join("broken.toml");
    fs::write(
        &broken,
        fs::read_to_string(MINIMAL)
            .unwrap()
            .replace("country = \"TD\"", "country = \"XX\""),
    )
    .unwrap();
    bipgen()
        .arg("build")
        .arg(&broken)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("left unchanged"));
    assert_eq!(snapshot(&out), before);

    // A failure half-way through writing leaves it as it was too.
    let checked = bipgen::check(Path::new(MINIMAL));
    let pack = checked
        .resolve("country.toml")
        .expect("valid")
        .expect("resolves");
    let outputs: Vec<_> = bipgen::render::renderers()
        .iter()
        .flat_map(|r| r.render(&pack).unwrap())
        .collect();
    let options = bipgen::output::WriteOptions {
        fail_after: Some(outputs.len() - 1),
        ..Default::default()
    };
    assert!(bipgen::output::write_atomically(&out, &outputs, b"{}", options).is_err());
    assert_eq!(snapshot(&out), before);
    let siblings: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        siblings.len(),
        2,
        "no staging folder is left behind: {siblings:?}"
    );
}

#[test]
fn a_folder_not_made_by_bipgen_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("thesis.docx"), "years of work").unwrap();
    bipgen()
        .args(["build", MINIMAL, "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        fs::read_to_string(dir.path().join("thesis.docx")).unwrap(),
        "years of work"
    );
}

#[test]
fn an_output_folder_holding_the_configuration_or_the_current_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    fs::copy(MINIMAL, &config).unwrap();
    // Even with --force: replacing the folder would delete the configuration.
    for out in [".", "../"] {
        let cwd = if out == "." {
            dir.path().to_path_buf()
        } else {
            let sub = dir.path().join("sub");
            fs::create_dir_all(&sub).unwrap();
            sub
        };
        bipgen()
            .current_dir(&cwd)
            .arg("build")
            .arg(&config)
            .args(["--out", out, "--force"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("holds the input"));
    }
    // The folder one works in is not replaced either.
    let elsewhere = tempfile::tempdir().unwrap();
    bipgen()
        .current_dir(elsewhere.path())
        .arg("build")
        .arg(&config)
        .args(["--out", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("current folder"));
    assert!(config.is_file());
    let names = |p: &Path| fs::read_dir(p).unwrap().count();
    assert_eq!(names(dir.path()), 2, "nothing staged is left behind");
    assert_eq!(names(elsewhere.path()), 0, "nothing staged is left behind");
}

#[test]
fn init_writes_a_configuration_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("chad");
    bipgen()
        .arg("init")
        .arg(&target)
        .args(["--country", "td", "--languages", "fr,ar,en"])
        .assert()
        .success();
    let config = target.join("country.toml");
    // It passes; the only warnings ask for the lists a country adds (areas, services…)
    // and for an encryption key for the forms with highly confidential fields.
    let output = bipgen()
        .arg("check")
        .arg(&config)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let diagnostics: serde_json::Value = serde_json::from_slice(&output).unwrap();
    for d in diagnostics.as_array().unwrap() {
        assert!(
            d["code"] == "empty-choice-list" || d["code"] == "unencrypted-form",
            "{d}"
        );
    }
    assert!(target.join("country-config.schema.json").exists());
    bipgen()
        .arg("init")
        .arg(&target)
        .args(["--country", "TD"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    bipgen()
        .arg("init")
        .arg(dir.path().join("x"))
        .args(["--country", "TD", "--languages", "qq"])
        .assert()
        .code(2);
}

#[test]
fn schema_and_completions_print() {
    let output = bipgen()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    for shell in ["bash", "zsh", "fish"] {
        bipgen()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("bipgen"));
    }
    bipgen()
        .args(["build", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
}

#[test]
fn diff_summarises_changes_in_sop_terms() {
    let dir = tempfile::tempdir().unwrap();
    let chad = Path::new("examples/chad");
    let new = dir.path().join("new");
    fs::create_dir(&new).unwrap();
    let country = fs::read_to_string(chad.join("country.toml")).unwrap();
    let services = fs::read_to_string(chad.join("services.toml")).unwrap();
    // A tighter first response for high risk, and a service dropped from a pathway.
    let high = country.find("id = \"high\"").expect("high risk level");
    let (head, tail) = country.split_at(high);
    let tail = tail.replacen("first_response = \"24h\"", "first_response = \"12h\"", 1);
    fs::write(new.join("country.toml"), format!("{head}{tail}")).unwrap();
    fs::write(
        new.join("services.toml"),
        services.replacen(
            "services = [\"cp_case_management\", \"alternative_care\", \"ftr_red_cross\", \"documentation\"]",
            "services = [\"cp_case_management\", \"alternative_care\", \"ftr_red_cross\"]",
            1,
        ),
    )
    .unwrap();
    bipgen()
        .args(["diff", "examples/chad/country.toml"])
        .arg(new.join("country.toml"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("high: first response: 24h → 12h"))
        .stdout(predicate::str::contains(
            "pathway unaccompanied (farchana, gaga, goz_beida_djabal, iriba_touloum, ourang): services",
        ))
        .stdout(predicate::str::contains("2 change(s)"));
    bipgen()
        .args([
            "diff",
            "examples/chad/country.toml",
            "examples/chad/country.toml",
        ])
        .assert()
        .success()
        .stdout("No differences.\n");
    let json = bipgen()
        .args(["diff", "examples/chad/country.toml", "--format", "json"])
        .arg(new.join("country.toml"))
        .output()
        .unwrap();
    let changes: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(changes.as_array().unwrap().len(), 2);
    assert_eq!(changes[0]["section"], "prioritisation");
    assert_eq!(changes[0]["kind"], "changed");
}

#[test]
fn diff_reports_the_document_title_country_and_areas() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = fs::read_to_string(MINIMAL).unwrap();
    let old = dir.path().join("old.toml");
    let new = dir.path().join("new.toml");
    fs::write(&old, &minimal).unwrap();
    let changed = minimal
        .replacen(
            "title = \"Child protection SOP\"",
            "title = \"Child protection SOP, eastern camps\"",
            1,
        )
        .replacen("country = \"TD\"", "country = \"CM\"", 1);
    fs::write(
        &new,
        format!("{changed}\n[[areas]]\nid = \"north\"\nname = \"North camps\"\n"),
    )
    .unwrap();
    bipgen()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "title: Child protection SOP → Child protection SOP, eastern camps",
        ))
        .stdout(predicate::str::contains("country: TD → CM"))
        .stdout(predicate::str::contains("area north (North camps)"));
}

#[test]
#[cfg(unix)]
fn a_reader_that_stops_early_ends_bipgen_quietly() {
    use std::os::unix::process::ExitStatusExt;
    // The reading end is closed before bipgen starts, as with `| head -0`, so its very
    // first write meets a closed pipe whatever the timing.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("bipgen"))
        .arg("schema")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "bipgen said: {stderr}");
    // Ended by SIGPIPE, like other command-line tools, not by a panic (status 101).
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{:?}",
        output.status
    );
}

#[test]
fn init_refuses_an_unknown_country_and_trims_language_lists() {
    let dir = tempfile::tempdir().unwrap();
    bipgen()
        .arg("init")
        .arg(dir.path().join("xx"))
        .args(["--country", "XX", "--languages", "fr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ISO 3166-1"));
    assert!(!dir.path().join("xx/country.toml").exists());
    let target = dir.path().join("td");
    bipgen()
        .arg("init")
        .arg(&target)
        .args(["--country", "td", "--languages", "fr, ar"])
        .assert()
        .success();
    bipgen()
        .arg("check")
        .arg(target.join("country.toml"))
        .assert()
        .success();
}

#[test]
fn the_manifest_does_not_depend_on_the_folder_bipgen_runs_in() {
    let dir = tempfile::tempdir().unwrap();
    let config = fs::canonicalize(MINIMAL).unwrap();
    let example = config.parent().unwrap().to_path_buf();
    // Once by absolute path from elsewhere, once by bare name from the example's folder.
    bipgen()
        .current_dir(dir.path())
        .arg("build")
        .arg(&config)
        .args(["--out", "a", "-q"])
        .assert()
        .success();
    bipgen()
        .current_dir(&example)
        .args(["build", "country.toml", "--out"])
        .arg(dir.path().join("b"))
        .arg("-q")
        .assert()
        .success();
    let read =
        |name: &str| fs::read_to_string(dir.path().join(name).join("manifest.json")).unwrap();
    let a = read("a");
    assert!(a.contains("\"file\": \"country.toml\""), "{a}");
    assert_eq!(a, read("b"));
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = fs::read_to_string(MINIMAL).unwrap();
    let body: String = minimal
        .lines()
        .filter(|l| !l.starts_with("default_language") && !l.starts_with("#:schema"))
        .map(|l| format!("{l}\n"))
        .collect();
    let config = dir.path().join("country.toml");
    fs::write(
        &config,
        format!("\u{feff}default_language = \"xx\"\n{body}"),
    )
    .unwrap();
    let output = bipgen()
        .arg("check")
        .arg(&config)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let diagnostics: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .expect("the unknown language is reported");
    // `"xx"` starts at column 20 of line 1, as an editor counts it.
    assert_eq!(
        (&first["line"], &first["column"]),
        (&1.into(), &20.into()),
        "{first}"
    );
}

/// What a reviewer found `diff` silent on: a shorter retention, wider access to highly
/// confidential data, a translation, a template and a logo. Each is reported, the JSON
/// lists it by path, and the status says the versions differ.
#[test]
fn diff_reports_every_input_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = fs::read_to_string(MINIMAL).unwrap();
    let old_dir = dir.path().join("old");
    let new_dir = dir.path().join("new");
    for folder in [&old_dir, &new_dir] {
        fs::create_dir_all(folder.join("templates/sop")).unwrap();
    }
    let png = |colour: u8| {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(1, 1, image::Luma([colour]))
            .write_to(&mut bytes, image::ImageFormat::Png)
            .unwrap();
        bytes.into_inner()
    };
    let old_text = format!(
        "{minimal}\n[data_protection]\nretention_after_closure = \"7y\"\n\n[forms.header]\nlogos = [\"logo.png\"]\n"
    );
    let new_text = old_text.replace("\"7y\"", "\"2y\"");
    fs::write(old_dir.join("country.toml"), &old_text).unwrap();
    fs::write(new_dir.join("country.toml"), &new_text).unwrap();
    fs::write(old_dir.join("logo.png"), png(0)).unwrap();
    fs::write(new_dir.join("logo.png"), png(255)).unwrap();
    fs::write(
        old_dir.join("templates/sop/glossary.md"),
        "## Glossary\n\nTerms.\n",
    )
    .unwrap();
    fs::write(
        new_dir.join("templates/sop/glossary.md"),
        "## Glossary\n\nTerms used here.\n",
    )
    .unwrap();
    let output = bipgen()
        .args(["diff", "--format", "json"])
        .arg(old_dir.join("country.toml"))
        .arg(new_dir.join("country.toml"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let changes: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    for expected in [
        "data_protection.retention_after_closure",
        "logos.logo.png",
        "templates.",
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(expected)),
            "{expected} in {paths:?}"
        );
    }
    let human = bipgen()
        .arg("diff")
        .arg(old_dir.join("country.toml"))
        .arg(new_dir.join("country.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("DATA PROTECTION") && text.contains("retention_after_closure: 7y → 2y"),
        "{text}"
    );
    // A version with errors cannot be compared: 2, never "the same" or "different".
    fs::write(new_dir.join("country.toml"), "not = [toml").unwrap();
    bipgen()
        .arg("diff")
        .arg(old_dir.join("country.toml"))
        .arg(new_dir.join("country.toml"))
        .assert()
        .code(2);
}

/// Templates and translations obey the rule includes do: a symbolic link that leads out
/// of the configuration's folder is refused, at check, by name.
#[test]
#[cfg(unix)]
fn a_link_out_of_the_folder_is_refused_for_templates_and_translations() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("glossary.md"), "## Secret\n").unwrap();
    fs::write(outside.path().join("fr.po"), "msgid \"\"\nmsgstr \"\"\n").unwrap();
    for (link, target) in [
        ("templates/sop/glossary.md", "glossary.md"),
        ("translations/fr.po", "fr.po"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        fs::copy(MINIMAL, dir.path().join("country.toml")).unwrap();
        let at = dir.path().join(link);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(outside.path().join(target), &at).unwrap();
        let checked = bipgen::check(&dir.path().join("country.toml"));
        let error = checked
            .diagnostics
            .iter()
            .find(|d| d.code == "input-outside-folder")
            .unwrap_or_else(|| panic!("{link}: {:#?}", checked.diagnostics));
        assert!(error.message.contains(link), "{}", error.message);
        let (_, result) = bipgen::build(
            &dir.path().join("country.toml"),
            &dir.path().join("out"),
            bipgen::BuildOptions::default(),
            &|_| {},
        );
        assert!(result.is_err(), "{link}");
        assert!(!dir.path().join("out").exists(), "{link}: nothing written");
    }
}

#[test]
fn only_and_lang_write_the_parts_asked_for_and_the_manifest_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let chad = "examples/chad/country.toml";
    let sop = dir.path().join("sop");
    bipgen()
        .args(["build", chad, "--only", "sop", "--lang", "fr", "--out"])
        .arg(&sop)
        .assert()
        .success();
    let files = snapshot(&sop);
    let names: Vec<String> = files.keys().map(|p| p.display().to_string()).collect();
    assert!(names.contains(&"sop/fr/sop.pdf".to_owned()), "{names:?}");
    for name in &names {
        assert!(
            name == "manifest.json" || name.starts_with("sop/fr/"),
            "`--only sop --lang fr` wrote {name}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&files[Path::new("manifest.json")]).unwrap();
    assert_eq!(
        manifest["partial"],
        serde_json::json!({ "parts": ["sop"], "languages": ["fr"] })
    );

    // Printed forms in French only: no Arabic or bilingual book.
    let forms = dir.path().join("forms");
    bipgen()
        .args(["build", chad, "--only", "forms", "--lang", "fr", "--out"])
        .arg(&forms)
        .assert()
        .success();
    let names: Vec<String> = snapshot(&forms)
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert!(names.contains(&"forms/all-fr.pdf".to_owned()), "{names:?}");
    assert!(
        names.contains(&"forms/bia_short/fr.pdf".to_owned()),
        "{names:?}"
    );
    assert!(
        names.iter().all(|n| n == "manifest.json"
            || (n.starts_with("forms/") && n.ends_with("fr.pdf") && !n.contains('+'))),
        "{names:?}"
    );

    // A whole build's manifest has no `partial`.
    let out = dir.path().join("whole");
    bipgen()
        .args(["build", "examples/minimal/country.toml", "--out"])
        .arg(&out)
        .assert()
        .success();
    let whole: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert!(whole.get("partial").is_none(), "{whole}");
}

#[test]
fn a_language_the_configuration_lacks_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bipgen()
        .args([
            "build",
            "examples/chad/country.toml",
            "--lang",
            "fr,pt",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("`--lang pt`").and(predicate::str::contains("fr, ar, en")),
        );
    assert!(!out.exists(), "a refused build wrote its folder");
    bipgen()
        .args([
            "build",
            "examples/chad/country.toml",
            "--only",
            "pdf",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("choose from config, definitions"));
}

/// `check` renders the templates a country overrides, as `build` will: what only rendering
/// finds (an unknown variable, function or data field) is an error at its line, and
/// copies of the built-in templates pass and build.
#[test]
fn check_tries_the_country_templates_as_build_will() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    fs::copy("examples/minimal/country.toml", &config).unwrap();
    let templates = dir.path().join("templates");
    fs::create_dir_all(templates.join("sop")).unwrap();
    let chapter = fs::read_to_string("sop-templates/chapters/annexes.md").unwrap();
    let sop = fs::read_to_string("sop-templates/sop.typ").unwrap();
    let form = fs::read_to_string("forms/print/form.typ").unwrap();
    let broken = |text: &str, line: &str| format!("{}\n{line}\n", text.trim_end());
    let write = |name: &str, text: &str| fs::write(templates.join(name), text).unwrap();
    write("sop/annexes.md", &broken(&chapter, "{{ no_such_thing }}"));
    write("sop/sop.typ", &broken(&sop, "#no_such_function()"));
    write("form.typ", &broken(&form, "#let x = data.no_such_field"));
    let last_line = |text: &str| text.trim_end().lines().count() + 1;

    let assert = bipgen().arg("check").arg(&config).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("annexes.md:{}:4", last_line(&chapter))),
        "{stderr}"
    );
    assert!(stderr.contains("`no_such_thing` not found"), "{stderr}");
    assert!(
        stderr.contains(&format!("form.typ:{}:1", last_line(&form))),
        "{stderr}"
    );
    assert!(stderr.contains("no_such_field"), "{stderr}");

    // With the chapter mended, the SOP's own template is laid out and its error shows.
    write("sop/annexes.md", &chapter);
    let assert = bipgen().arg("check").arg(&config).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("sop.typ:{}:1", last_line(&sop))),
        "{stderr}"
    );
    assert!(stderr.contains("no_such_function"), "{stderr}");
    assert_eq!(
        stderr.matches("error[template-error]").count(),
        2,
        "{stderr}"
    );

    // Copies of the built-in templates pass, and build.
    write("sop/sop.typ", &sop);
    write("form.typ", &form);
    bipgen()
        .arg("check")
        .arg(&config)
        .assert()
        .success()
        .stderr(predicate::str::contains("template-error").not());
    bipgen()
        .args(["build", "--no-cache", "--out"])
        .arg(dir.path().join("out"))
        .arg(&config)
        .assert()
        .success();
}

/// A bilingual pair's forms are laid out one by one in `build`, so `check` tries them one
/// by one too: a form template that works for a whole pack but not for a form alone is
/// refused by `check`, naming the pair's PDF.
#[test]
fn check_lays_out_a_pairs_forms_alone_as_build_does() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::operation::copy_chad(dir.path()).unwrap();
    let templates = dir.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    let form = fs::read_to_string("forms/print/form.typ").unwrap();
    // A pack has many forms; a pair's document has one.
    fs::write(
        templates.join("form.typ"),
        format!("{}\n#let second = data.forms.at(1)\n", form.trim_end()),
    )
    .unwrap();
    let assert = bipgen().arg("check").arg(&config).assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("error[template-error]"), "{stderr}");
    assert!(stderr.contains("/fr+ar.pdf"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "form.typ:{}:",
            form.trim_end().lines().count() + 1
        )),
        "{stderr}"
    );
}

/// The country's own SOP sentences are printed too: a character no font draws, or one no
/// document can hold, is found by `check` at its line in the sentence file, never by
/// the PDF export in `build`.
#[test]
fn check_finds_unprintable_characters_in_the_country_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("country.toml");
    fs::copy("examples/minimal/country.toml", &config).unwrap();
    let text = dir.path().join("templates/sop/text");
    fs::create_dir_all(&text).unwrap();
    for (sentence, code) in [
        ("at once 🧒", "missing-glyph"),
        ("at once\\uFEFFnow", "invalid-character"),
    ] {
        fs::write(
            text.join("en.toml"),
            format!("[time]\nimmediate = \"{sentence}\"\n"),
        )
        .unwrap();
        let checked = bipgen::check(&config);
        let found = checked
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code}: {:#?}", checked.diagnostics));
        assert!(
            found.message.contains("time.immediate"),
            "{}",
            found.message
        );
        let location = found.location.as_ref().expect("located");
        let name = checked.sources.name(location.file);
        if code == "missing-glyph" {
            assert!(name.ends_with("templates/sop/text/en.toml"), "{name}");
            let (line, _) = checked
                .sources
                .line_column(location.file, location.span.start);
            assert_eq!(line, 2);
        }
        bipgen()
            .args(["build", "--no-cache", "--out"])
            .arg(dir.path().join("out"))
            .arg(&config)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(code));
    }
}
