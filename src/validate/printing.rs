//! What printing needs of a configuration. Every character must have a glyph in the fonts
//! bipgen ships (Typst would otherwise draw an empty box without a word), checked before
//! anything is rendered; and the fixed words of printed forms must exist in each language.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::config::texts::for_each_text;
use crate::config::{Config, SourceMap, Text};
use crate::diagnostic::Diagnostic;
use crate::forms::resolve::{FormSet, form_texts};
use crate::typeset::{covers_any, fonts_for_script};

const SUPPORTED: &str = "Latn, Cyrl, Grek, Arab, Ethi, Mymr, Beng";

/// The first character of `text` no shipped font can draw. Texts repeat few distinct
/// characters, so answers are remembered per check.
fn uncovered(text: &str, known: &mut HashMap<char, bool>) -> Option<char> {
    text.chars()
        .find(|c| !*known.entry(*c).or_insert_with(|| covers_any(*c)))
}

fn excerpt(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        format!("{short}…")
    } else {
        short
    }
}

pub fn check_glyphs(
    config: &Config,
    document: &Value,
    forms: &FormSet,
    map: &SourceMap,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut known = HashMap::new();
    for (i, language) in config.languages.iter().enumerate() {
        if fonts_for_script(language.script.as_str()).is_none() {
            out.push(
                Diagnostic::error(
                    "no-font-for-script",
                    format!(
                        "bipgen ships no font for the {} script of `{}`",
                        language.script, language.tag
                    ),
                )
                .with_help(format!(
                    "printed documents would show empty boxes; scripts with fonts: {SUPPORTED}"
                ))
                .at(map.value(&format!("/languages/{i}/script"))),
            );
        }
    }
    for_each_text(document, |pointer, value| {
        let strings: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Object(m) => m.values().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for text in strings {
            if let Some(c) = uncovered(text, &mut known) {
                out.push(
                    Diagnostic::error("missing-glyph", format!("no shipped font can print `{c}` (U+{:04X}) in “{}”", c as u32, excerpt(text)))
                        .with_help(format!("check the character (a stray symbol or emoji?) or the script; bipgen prints {SUPPORTED}"))
                        .at(map.value(pointer)),
                );
            }
        }
    });
    let mut seen = BTreeSet::new();
    for form in &forms.forms {
        for text in form_texts(form).into_iter().flat_map(Text::values) {
            if let Some(c) = uncovered(text, &mut known)
                && seen.insert((form.id.to_string(), c))
            {
                out.push(
                    Diagnostic::error("missing-glyph", format!("form `{}`: no shipped font can print `{c}` (U+{:04X}) in “{}”", form.id, c as u32, excerpt(text)))
                        .with_help(format!("correct the text in the form's tailoring or translation; bipgen prints {SUPPORTED}"))
                        .at(map.value("/forms")),
                );
            }
        }
    }
    out
}

/// The fixed words of printed forms (page numbers, yes/no, markings…) in every language.
pub fn check_print_strings(
    config: &Config,
    map: &SourceMap,
    strings: &std::collections::BTreeMap<String, crate::config::Text>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, language) in config.languages.iter().enumerate() {
        if !crate::library::codes::is_valid_language_tag(language.tag.as_str()) {
            continue; // reported once, as a bad tag
        }
        let missing = crate::library::print::print_strings_missing(strings, language.tag.as_str());
        if missing > 0 && language.fallback.is_none() {
            out.push(
                Diagnostic::error(
                    "missing-translation",
                    format!(
                        "the fixed words of printed forms have no `{}` text ({missing} strings)",
                        language.tag
                    ),
                )
                .with_help(format!(
                    "translate them, or give `{}` a `fallback`",
                    language.tag
                ))
                .at(map.value(&format!("/languages/{i}/tag"))),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, diagnostics_for};

    #[test]
    fn characters_without_a_glyph_are_errors() {
        let found = diagnostics_for(&MINIMAL.replace(
            "title = \"Child protection SOP\"",
            "title = \"Child protection SOP 🧒\"",
        ));
        let d = found
            .iter()
            .find(|d| d.code == "missing-glyph")
            .expect("reported");
        assert!(d.message.contains("U+1F9D2"), "{}", d.message);
        assert!(
            !diagnostics_for(MINIMAL)
                .iter()
                .any(|d| d.code == "missing-glyph")
        );
    }

    #[test]
    fn scripts_without_a_font_are_errors() {
        let hebrew = format!(
            "{MINIMAL}\n[[languages]]\ntag = \"he\"\nscript = \"Hebr\"\ndirection = \"rtl\"\nname = \"עברית\"\nfallback = \"en\"\n"
        );
        assert!(
            diagnostics_for(&hebrew)
                .iter()
                .any(|d| d.code == "no-font-for-script")
        );
    }
}
