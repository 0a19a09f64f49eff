//! What printing needs of a configuration. Every character of everything printed (the
//! configuration's strings, the forms' texts, the SOP's sentences, the fixed words and a
//! country's chapters) must have a glyph in the fonts bipgen ships, and be a character
//! every output format can hold, checked before anything is rendered; and the fixed
//! words of printed forms must exist in each language.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::config::assets::{Assets, TEMPLATES};
use crate::config::texts::for_each_string;
use crate::config::{Config, SourceMap, Text};
use crate::diagnostic::{Diagnostic, Location, Sources};
use crate::forms::resolve::{FormSet, form_texts};
use crate::library::prose::Catalogue;
use crate::typeset::{covers_any, fonts_for_script};

const SUPPORTED: &str = "Latn, Cyrl, Grek, Arab, Ethi, Mymr, Beng";

/// Why a character cannot be printed: no shipped font draws it, or no output format can
/// hold it at all.
#[derive(Clone, Copy)]
enum Unprintable {
    NoGlyph,
    /// NUL, U+FEFF and the C0 controls other than tab and line breaks: PDF/A refuses the
    /// first two, and XML (DOCX, XLSForm, HTML) refuses the controls.
    Forbidden,
}

/// A character no output can hold: NUL and the C0 controls other than tab and line
/// breaks (XML refuses them), and U+FEFF (PDF/A refuses it).
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{feff}')
}

fn classify(c: char) -> Option<Unprintable> {
    if is_forbidden(c) {
        Some(Unprintable::Forbidden)
    } else if !covers_any(c) {
        Some(Unprintable::NoGlyph)
    } else {
        None
    }
}

/// The first character of `text` that cannot be printed. Texts repeat few distinct
/// characters, so answers are remembered per check.
fn unprintable(
    text: &str,
    known: &mut HashMap<char, Option<Unprintable>>,
) -> Option<(char, Unprintable)> {
    // Printable ASCII, tab and line breaks need no lookup: most text is mostly these.
    let plain = |c: &char| matches!(c, ' '..='~' | '\t' | '\n' | '\r');
    if text.bytes().all(|b| plain(&char::from(b))) {
        return None;
    }
    text.chars().filter(|c| !plain(c)).find_map(|c| {
        known
            .entry(c)
            .or_insert_with(|| classify(c))
            .map(|u| (c, u))
    })
}

/// The diagnostic for `c` in `text`; `whose` names the form for a form's own text.
fn unprintable_diagnostic(
    c: char,
    why: Unprintable,
    text: &str,
    whose: &str,
    fix: &str,
) -> Diagnostic {
    match why {
        Unprintable::NoGlyph => Diagnostic::error(
            "missing-glyph",
            format!(
                "{whose}no shipped font can print `{c}` (U+{:04X}) in “{}”",
                c as u32,
                excerpt(text)
            ),
        )
        .with_help(format!("{fix}; bipgen prints {SUPPORTED}")),
        Unprintable::Forbidden => {
            // The text is shown with the character made visible.
            let shown = excerpt(&text.replace(is_forbidden, "\u{fffd}"));
            let join = if c == '\u{feff}' {
                "; for a no-break join use U+2060 WORD JOINER"
            } else {
                ""
            };
            Diagnostic::error(
                "invalid-character",
                format!(
                    "{whose}the invisible character U+{:04X} in “{shown}” cannot be written to PDF, Word or XML files",
                    c as u32
                ),
            )
            .with_help(format!(
                "delete the character (it often comes with text pasted from another program){join}"
            ))
        }
    }
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
    // Every string, not only the localised texts: acronyms, contact names and phone
    // numbers are printed too.
    for_each_string(document, |text, pointer| {
        if let Some((c, why)) = unprintable(text, &mut known) {
            out.push(
                unprintable_diagnostic(
                    c,
                    why,
                    text,
                    "",
                    "check the character (a stray symbol or emoji?) or the script",
                )
                .at(map.value(&pointer())),
            );
        }
    });
    let mut seen = BTreeSet::new();
    for form in &forms.forms {
        for text in form_texts(form).into_iter().flat_map(Text::values) {
            if let Some((c, why)) = unprintable(text, &mut known)
                && seen.insert((form.id.to_string(), c))
            {
                let whose = format!("form `{}`: ", form.id);
                out.push(
                    unprintable_diagnostic(
                        c,
                        why,
                        text,
                        &whose,
                        "correct the text in the form's tailoring or translation",
                    )
                    .at(map.value("/forms")),
                );
            }
        }
    }
    out
}

/// The SOP's sentences and the printed forms' fixed words, in every configured language:
/// the built-in ones are printable, so a problem comes from the country's own sentences
/// (`templates/sop/text/<lang>.toml`) or its PO translations, and is placed in the first
/// of those files that holds the character.
pub fn check_prose_glyphs(
    catalogues: &BTreeMap<String, Catalogue>,
    print_strings: &BTreeMap<String, Text>,
    assets: &Assets,
    root_dir: &std::path::Path,
    sources: &mut Sources,
) -> Vec<Diagnostic> {
    /// A text that cannot be printed, and what it is.
    struct Found<'a> {
        kind: &'static str,
        key: &'a str,
        tag: &'a str,
        c: char,
        why: Unprintable,
        text: &'a str,
    }
    // The SOP's sentences, then the fixed words, of every configured language.
    let sentences = catalogues.iter().flat_map(|(tag, catalogue)| {
        catalogue
            .entries
            .iter()
            .map(move |(key, text)| ("SOP sentence", key.as_str(), tag.as_str(), text.as_str()))
    });
    let words = print_strings.iter().flat_map(|(key, words)| {
        catalogues.keys().filter_map(move |tag| {
            let text = words.get(tag, "en")?;
            Some(("printed forms' word", key.as_str(), tag.as_str(), text))
        })
    });
    let mut known = HashMap::new();
    let mut seen = BTreeSet::new();
    let mut found: Vec<Found<'_>> = Vec::new();
    for (kind, key, tag, text) in sentences.chain(words) {
        if let Some((c, why)) = unprintable(text, &mut known)
            && seen.insert((tag, c))
        {
            found.push(Found {
                kind,
                key,
                tag,
                c,
                why,
                text,
            });
        }
    }
    let files: Vec<(String, &str)> = assets
        .templates
        .iter()
        .filter(|(name, _)| name.starts_with("sop/text/"))
        .map(|(name, read)| (format!("{TEMPLATES}/{name}"), read))
        .chain(
            assets
                .translations
                .iter()
                .map(|(path, read)| (path.clone(), read)),
        )
        .filter_map(|(name, read)| Some((name, read.as_ref().ok()?.text().ok()?)))
        .collect();
    let mut registered: HashMap<String, usize> = HashMap::new();
    found
        .into_iter()
        .map(
            |Found {
                 kind,
                 key,
                 tag,
                 c,
                 why,
                 text,
             }| {
                let whose = format!("{kind} `{key}` ({tag}): ");
                let diagnostic = unprintable_diagnostic(
                    c,
                    why,
                    text,
                    &whose,
                    &format!(
                        "correct it in {TEMPLATES}/sop/text/{tag}.toml or the `{tag}` PO file"
                    ),
                );
                // The character itself where a file holds it; else the entry, by its key, in
                // the language's own file (an escaped character, `\uFEFF`, is not found as is).
                let last = key.rsplit('.').next().unwrap_or(key);
                let own = |name: &str| {
                    name.ends_with(&format!("/{tag}.toml")) || name.ends_with(&format!("/{tag}.po"))
                };
                let place = files
                    .iter()
                    .find_map(|(name, t)| Some((name, *t, t.find(c)?)))
                    .or_else(|| {
                        files
                            .iter()
                            .filter(|(name, _)| own(name))
                            .find_map(|(name, t)| Some((name, *t, t.find(last)?)))
                    });
                let Some((name, file_text, start)) = place else {
                    return diagnostic;
                };
                let file = *registered.entry(name.clone()).or_insert_with(|| {
                    let path = root_dir.join(name).display().to_string();
                    sources.add(path, file_text.to_string())
                });
                let width = file_text[start..].chars().next().map_or(1, char::len_utf8);
                diagnostic.at(Some(Location {
                    file,
                    span: start..start + width,
                }))
            },
        )
        .collect()
}

/// The characters of a country's chapter template that cannot be printed, each once, with
/// its byte offset: the chapter's own words go into every SOP format as they are.
pub fn in_chapter(name: &str, text: &str) -> Vec<(usize, Diagnostic)> {
    let mut known = HashMap::new();
    let mut seen = BTreeSet::new();
    text.char_indices()
        .filter_map(|(at, c)| {
            let why = (*known.entry(c).or_insert_with(|| classify(c)))?;
            seen.insert(c).then(|| {
                let line = text[..at].rsplit('\n').next().unwrap_or_default();
                let around = &text[at - line.len()..];
                let around = around.split('\n').next().unwrap_or_default();
                let whose = format!("{TEMPLATES}/{name}: ");
                let fix = "correct the chapter's text";
                (at, unprintable_diagnostic(c, why, around, &whose, fix))
            })
        })
        .collect()
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
    fn characters_no_document_can_hold_are_errors() {
        for (escape, code) in [
            ("\\u0000", "U+0000"),
            ("\\uFEFF", "U+FEFF"),
            ("\\u001B", "U+001B"),
        ] {
            let found = diagnostics_for(&MINIMAL.replace(
                "title = \"Child protection SOP\"",
                &format!("title = \"Child protection{escape}SOP\""),
            ));
            let d = found
                .iter()
                .find(|d| d.code == "invalid-character")
                .unwrap_or_else(|| panic!("{escape} reported"));
            assert!(d.message.contains(code), "{}", d.message);
            assert!(
                d.message.contains("Child protection\u{fffd}SOP"),
                "{}",
                d.message
            );
        }
        // Tabs and line breaks are text, not stray controls.
        let tab = MINIMAL.replace(
            "title = \"Child protection SOP\"",
            "title = \"Child protection\\tSOP\"",
        );
        assert!(
            !diagnostics_for(&tab)
                .iter()
                .any(|d| d.code == "invalid-character")
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
