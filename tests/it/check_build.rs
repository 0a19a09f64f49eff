//! What `check` accepts, `build` builds: the Chad example with some of its printed texts
//! (French or Arabic, names, acronyms, contacts) replaced by random Unicode (the markup of
//! every output format, other scripts, bidi controls, emoji, line breaks, long words) is
//! either refused by `check` or built whole, in that language.

use std::ops::Range;
use std::path::Path;

use proptest::prelude::*;

use crate::operation::copy_chad;

/// Where the strings printed in `language` are: the byte range of each string value whose
/// key is the language (`title.fr = "…"` or `{ fr = "…", ar = "…" }`), or a name, acronym,
/// phone or address printed as written in every language. Found from the parsed document,
/// so every text the configuration gains is covered without listing it here.
fn printed_texts(text: &str, language: &str) -> Vec<Range<usize>> {
    type Printed<'a> = &'a dyn Fn(&str) -> bool;
    fn walk(
        item: &toml_edit::Item,
        key: Option<&str>,
        printed: Printed<'_>,
        out: &mut Vec<Range<usize>>,
    ) {
        match item {
            toml_edit::Item::Table(table) => {
                for (k, v) in table.iter() {
                    walk(v, Some(k), printed, out);
                }
            }
            toml_edit::Item::ArrayOfTables(tables) => {
                for table in tables.iter() {
                    for (k, v) in table.iter() {
                        walk(v, Some(k), printed, out);
                    }
                }
            }
            toml_edit::Item::Value(value) => walk_value(value, key, printed, out),
            toml_edit::Item::None => {}
        }
    }
    fn walk_value(
        value: &toml_edit::Value,
        key: Option<&str>,
        printed: Printed<'_>,
        out: &mut Vec<Range<usize>>,
    ) {
        match value {
            toml_edit::Value::String(s) if key.is_some_and(printed) => out.extend(s.span()),
            toml_edit::Value::InlineTable(table) => {
                for (k, v) in table.iter() {
                    walk_value(v, Some(k), printed, out);
                }
            }
            toml_edit::Value::Array(array) => {
                for v in array.iter() {
                    walk_value(v, key, printed, out);
                }
            }
            _ => {}
        }
    }
    let document = toml_edit::Document::parse(text.to_owned()).expect("the example parses");
    let mut out = Vec::new();
    let printed = |key: &str| key == language || AS_WRITTEN.contains(&key);
    walk(document.as_item(), None, &printed, &mut out);
    out.sort_by_key(|r| r.start);
    out
}

/// Keys whose strings are printed as written in every language.
const AS_WRITTEN: &[&str] = &["name", "acronym", "phone", "address"];

/// A TOML basic string holding `text` exactly.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text that a country team might type, and text meant to break an output: the markup of
/// Typst, Markdown, HTML, Tera and TOML, other scripts, marks, joiners, bidi controls
/// (balanced and not), characters no shipped font draws, line breaks and long words.
fn hostile_text() -> impl Strategy<Value = String> {
    let markup = prop_oneof![
        Just("#set page(width: 1pt)"),
        Just("#{panic()}"),
        Just("$x^2$"),
        Just("@ref <label>"),
        Just("*bold* _em_ `code`"),
        Just("[link](javascript:alert(1))"),
        Just("<script>alert(1)</script>"),
        Just("&amp; &lt;"),
        Just("{{ sop.title }}"),
        Just("{% raw %}"),
        Just("| a | b |"),
        Just("\n# Heading\n"),
        Just("\n- item\n"),
        Just("1. "),
        Just("\r\n"),
        Just("\t"),
        Just("// not a comment /* */"),
        Just("\\"),
        Just("\""),
        Just("]]>"),
    ];
    let scripts = prop_oneof![
        Just("حماية الطفل"),
        Just("የልጆች ጥበቃ"),
        Just("Защита детей"),
        Just("Προστασία"),
        Just("ကလေးသူငယ်"),
        Just("শিশু সুরক্ষা"),
        Just("e\u{301}\u{303}"),
        Just("\u{200d}\u{200c}"),
        Just("\u{a0}\u{2060}"),
        Just("\u{2067}مرحبا\u{2069}"),
        Just("\u{85}\u{2028}"),
    ];
    // What check must refuse: no glyph, a control, an unbalanced or overriding bidi control.
    let refused = prop_oneof![
        Just("🧒"),
        Just("\u{e000}"),
        Just("\u{0}"),
        Just("\u{1b}"),
        Just("\u{feff}"),
        Just("\u{202e}exe.gnicart"),
        Just("\u{2066}"),
    ];
    let fragment = prop_oneof![
        4 => "[ -~]{0,10}",
        3 => markup.prop_map(str::to_owned),
        3 => scripts.prop_map(str::to_owned),
        1 => "\\PC{0,4}",
        1 => refused.prop_map(str::to_owned),
        1 => (1usize..400).prop_map(|n| "ب".repeat(n)),
        1 => (1usize..400).prop_map(|n| "W".repeat(n)),
    ];
    // A word at the end keeps the text from being empty, which is a missing translation.
    prop::collection::vec(fragment, 0..5).prop_map(|parts| parts.concat() + " fin")
}

fn replace(text: &str, language: &str, targets: &[(usize, String)]) -> String {
    let spans = printed_texts(text, language);
    if spans.is_empty() {
        return text.to_owned();
    }
    let mut chosen: Vec<(Range<usize>, &str)> = targets
        .iter()
        .map(|(i, new)| (spans[i % spans.len()].clone(), new.as_str()))
        .collect();
    chosen.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    chosen.dedup_by_key(|(r, _)| r.start);
    let mut out = text.to_owned();
    for (range, new) in chosen {
        out.replace_range(range, &toml_string(new));
    }
    out
}

fn build_in(language: &str, config: &Path, out: &Path) -> Result<(), String> {
    let options = bipgen::BuildOptions {
        selection: bipgen::pack::Selection {
            languages: [language.to_owned()].into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let (_, result) = bipgen::build(config, out, options, &|_| {});
    result.map(|_| ()).map_err(|e| format!("{e}"))
}

#[test]
fn the_example_has_printed_texts_to_replace() {
    let text = std::fs::read_to_string("examples/chad/country.toml").unwrap();
    let spans = printed_texts(&text, "fr");
    assert!(spans.len() > 100, "{} French texts", spans.len());
    assert_eq!(
        printed_texts(&text, "ar").len(),
        spans.len(),
        "as many Arabic texts"
    );
    // Each span is a whole string literal, so replacing it keeps the document valid.
    for span in &spans {
        assert!(
            text[span.clone()].starts_with('"'),
            "{:?}",
            &text[span.clone()]
        );
    }
    let unchanged = replace(&text, "fr", &[(0, "Titre".to_owned())]);
    assert_ne!(unchanged, text);
    assert!(toml_edit::Document::parse(unchanged).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn what_check_accepts_build_builds(
        language in prop_oneof![Just("fr"), Just("ar")],
        in_country in prop::collection::vec((any::<usize>(), hostile_text()), 1..4),
        in_services in prop::collection::vec((any::<usize>(), hostile_text()), 0..3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let config = copy_chad(&dir.path().join("chad")).unwrap();
        for (file, targets) in [("country.toml", &in_country), ("services.toml", &in_services)] {
            let path = config.with_file_name(file);
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, replace(&text, language, targets)).unwrap();
        }
        let checked = bipgen::check(&config);
        if checked.has_errors() {
            // Refused with located diagnostics: build must refuse the same way.
            prop_assert!(checked.diagnostics.iter().all(|d| !d.code.is_empty()));
            return Ok(());
        }
        let out = dir.path().join("out");
        if let Err(e) = build_in(language, &config, &out) {
            prop_assert!(false, "check passed but the {language} build failed: {e}\nnew texts: {in_country:?} {in_services:?}");
        }
        prop_assert!(out.join("manifest.json").is_file());
    }
}
