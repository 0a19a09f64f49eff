//! Code lists: language tags (BCP 47 with ISO 639 languages), scripts (ISO 15924) and
//! countries (ISO 3166-1), from Debian's iso-codes package (see `src/codes/README.md`).

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::diagnostic::did_you_mean;

pub static LANGUAGES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../codes/iso639.txt").lines().collect());
pub static SCRIPTS: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| table(include_str!("../codes/iso15924.txt")));
pub static COUNTRIES: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| table(include_str!("../codes/iso3166.txt")));

/// Whether `code` is an ISO 3166-1 alpha-2 country code.
pub fn is_country(code: &str) -> bool {
    COUNTRIES.iter().any(|(c, _)| *c == code)
}

/// The country code nearest to `code`, for a "did you mean".
pub fn nearest_country(code: &str) -> Option<&'static str> {
    did_you_mean(code, COUNTRIES.iter().map(|(c, _)| *c))
}

fn table(text: &'static str) -> Vec<(&'static str, &'static str)> {
    text.lines().filter_map(|l| l.split_once('\t')).collect()
}

/// Scripts written right to left.
pub const RTL_SCRIPTS: &[&str] = &[
    "Adlm", "Arab", "Aran", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi",
];

/// Usual script of common languages, to catch a tag and script that disagree.
pub const USUAL_SCRIPT: &[(&str, &str)] = &[
    ("ar", "Arab"),
    ("fa", "Arab"),
    ("prs", "Arab"),
    ("ps", "Arab"),
    ("ur", "Arab"),
    ("ckb", "Arab"),
    ("am", "Ethi"),
    ("ti", "Ethi"),
    ("tig", "Ethi"),
    ("my", "Mymr"),
    ("bn", "Beng"),
    ("ne", "Deva"),
    ("hi", "Deva"),
    ("uk", "Cyrl"),
    ("ru", "Cyrl"),
    ("en", "Latn"),
    ("fr", "Latn"),
    ("es", "Latn"),
    ("pt", "Latn"),
    ("sw", "Latn"),
    ("so", "Latn"),
    ("he", "Hebr"),
    ("zgh", "Tfng"),
];

/// Whether `tag` is a language tag bipgen accepts (the other checks leave alone the
/// texts of a language whose tag is wrong: one error, not one per text).
pub fn is_valid_language_tag(tag: &str) -> bool {
    language_tag_problem(tag).is_none()
}

/// What is wrong with a language tag: code, message, help.
pub fn language_tag_problem(tag: &str) -> Option<(&'static str, String, String)> {
    let parsed = match language_tags::LanguageTag::parse(tag) {
        Ok(t) => t,
        Err(e) => {
            return Some((
                "invalid-language-tag",
                format!("`{tag}` is not a well-formed BCP 47 language tag: {e}"),
                "write a tag such as `fr`, `ar`, `ar-TD`, `fa-AF`, `ti`".into(),
            ));
        }
    };
    let primary = parsed.primary_language().to_ascii_lowercase();
    if primary == "ku" {
        return Some((
            "ambiguous-language-tag",
            "`ku` is ambiguous: software reads it as Kurmanji in Latin script, others as Sorani in Arabic script".into(),
            "write `ckb` for Sorani (Arabic script, rtl) or `kmr` for Kurmanji (Latin script, ltr)".into(),
        ));
    }
    // BCP 47 writes a language with its shortest code, and not with a deprecated one:
    // `ara` is `ar`, `iw` is `he` (CLDR's aliases).
    if let Some(canonical) = canonical_language(&primary)
        && canonical != primary
    {
        return Some((
            "invalid-language-tag",
            format!("`{primary}` in `{tag}` is not how BCP 47 writes this language"),
            format!("did you mean `{canonical}`? Tags use the shortest ISO 639 code"),
        ));
    }
    if !LANGUAGES.contains(primary.as_str()) {
        let help = match did_you_mean(
            &primary,
            LANGUAGES
                .iter()
                .copied()
                .filter(|c| c.len() == primary.len()),
        ) {
            Some(s) => format!("did you mean `{s}`? The language subtag must be an ISO 639 code"),
            None => {
                "the language subtag must be an ISO 639 code, e.g. `fr`, `ar`, `am`, `prs`".into()
            }
        };
        return Some((
            "invalid-language-tag",
            format!("`{primary}` in `{tag}` is not an ISO 639 language code"),
            help,
        ));
    }
    if let Some(region) = parsed.region()
        && region.len() == 2
        && !COUNTRIES
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(region))
    {
        return Some((
            "invalid-language-tag",
            format!("`{region}` in `{tag}` is not an ISO 3166 region"),
            "use a two-letter country code, e.g. `ar-TD`, `fa-AF`".into(),
        ));
    }
    None
}

/// The canonical language subtag of `language` (CLDR alias data).
fn canonical_language(language: &str) -> Option<String> {
    static CANONICALIZER: LazyLock<icu_locale::LocaleCanonicalizer> =
        LazyLock::new(icu_locale::LocaleCanonicalizer::new_extended);
    let mut locale: icu_locale_core::Locale = language.parse().ok()?;
    CANONICALIZER.canonicalize(&mut locale);
    // Only a plain rename (`ara` → `ar`); an alias to a regional variant (`prs` → `fa-AF`)
    // names a language of its own that operations tag by its code.
    if locale.id.region.is_some() || locale.id.script.is_some() {
        return None;
    }
    Some(locale.id.language.as_str().to_owned())
}

/// The English name of a country code, for documents.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}
