//! Code lists: language tags (BCP 47 with ISO 639 languages), scripts (ISO 15924),
//! countries (ISO 3166-1), and whether a script's direction matches the one configured.
//! The lists come from Debian's iso-codes package (see `src/codes/README.md`).

use std::collections::HashSet;
use std::sync::LazyLock;

use super::Context;
use crate::config::Direction;
use crate::diagnostic::did_you_mean;

static LANGUAGES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../codes/iso639.txt").lines().collect());
static SCRIPTS: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| table(include_str!("../../codes/iso15924.txt")));
static COUNTRIES: LazyLock<Vec<(&'static str, &'static str)>> =
    LazyLock::new(|| table(include_str!("../../codes/iso3166.txt")));

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
const RTL_SCRIPTS: &[&str] = &[
    "Adlm", "Arab", "Aran", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi",
];

/// Usual script of common languages, to catch a tag and script that disagree.
const USUAL_SCRIPT: &[(&str, &str)] = &[
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

pub fn check(cx: &mut Context<'_>) {
    let c = cx.config;
    for (i, language) in c.languages.iter().enumerate() {
        let p = format!("/languages/{i}");
        language_tag(cx, language.tag.as_str(), &format!("{p}/tag"));
        let script = language.script.as_str();
        if !SCRIPTS.iter().any(|(code, _)| *code == script) {
            let help = match did_you_mean(script, SCRIPTS.iter().map(|(c, _)| *c)) {
                Some(s) => format!(
                    "did you mean `{s}`? Script codes are ISO 15924, e.g. Latn, Arab, Ethi, Cyrl, Mymr"
                ),
                None => "use an ISO 15924 code, e.g. Latn, Arab, Ethi, Cyrl, Mymr".into(),
            };
            cx.error(
                "unknown-script",
                &format!("{p}/script"),
                format!("`{script}` is not an ISO 15924 script code"),
                help,
            );
            continue;
        }
        let rtl = RTL_SCRIPTS.contains(&script);
        if rtl != (language.direction == Direction::Rtl) {
            let (expected, found) = if rtl { ("rtl", "ltr") } else { ("ltr", "rtl") };
            cx.warning(
                "script-direction",
                &format!("{p}/direction"),
                format!("`{}` is written in {script}, which runs {expected}, but its direction is `{found}`", language.tag),
                format!("set `direction = \"{expected}\"` unless this language really is written {found}"),
            );
        }
        let tag = language.tag.as_str().to_ascii_lowercase();
        let mut subtags = tag.split('-');
        let primary = subtags.next().unwrap_or_default();
        let explicit_script = language
            .tag
            .as_str()
            .split('-')
            .find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic()));
        let usual = USUAL_SCRIPT
            .iter()
            .find(|(l, _)| *l == primary)
            .map(|(_, s)| *s);
        let mismatch = match explicit_script {
            Some(s) => !s.eq_ignore_ascii_case(script),
            None => usual.is_some_and(|u| u != script),
        };
        if mismatch {
            let expected = explicit_script
                .map(str::to_owned)
                .or(usual.map(str::to_owned))
                .unwrap_or_default();
            cx.warning(
                "script-mismatch",
                &format!("{p}/script"),
                format!("`{}` is usually written in {expected}, but its script is `{script}`", language.tag),
                format!("check `script`; if the language really is written in {script} here, add it to the tag, e.g. `{primary}-{script}`"),
            );
        }
    }
    country(cx, c.sop.country.as_str(), "/sop/country");
    if let Some(cross_border) = &c.cross_border {
        for (i, partner) in cross_border.partners.iter().enumerate() {
            let p = format!("/cross_border/partners/{i}/country");
            country(cx, partner.country.as_str(), &p);
            if partner.country == c.sop.country {
                cx.warning(
                    "partner-is-own-country",
                    &p,
                    format!(
                        "the cross-border partner country `{}` is this SOP's own country",
                        partner.country
                    ),
                    "name the neighbouring or destination country",
                );
            }
        }
    }
    for (i, service) in c.services.iter().enumerate() {
        for (j, tag) in service.languages.iter().enumerate() {
            language_tag(cx, tag.as_str(), &format!("/services/{i}/languages/{j}"));
        }
    }
}

fn language_tag(cx: &mut Context<'_>, tag: &str, pointer: &str) {
    if let Some((code, message, help)) = language_tag_problem(tag) {
        cx.error(code, pointer, message, help);
    }
}

/// Whether `tag` is a language tag bipgen accepts (the other checks leave alone the
/// texts of a language whose tag is wrong: one error, not one per text).
pub fn is_valid_language_tag(tag: &str) -> bool {
    language_tag_problem(tag).is_none()
}

/// What is wrong with a language tag: code, message, help.
fn language_tag_problem(tag: &str) -> Option<(&'static str, String, String)> {
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

fn country(cx: &mut Context<'_>, code: &str, pointer: &str) {
    if is_country(code) {
        return;
    }
    let help = match nearest_country(code) {
        Some(s) => {
            format!("did you mean `{s}`? Use ISO 3166-1 alpha-2, e.g. TD (Chad), SD (Sudan)")
        }
        None => "use an ISO 3166-1 alpha-2 code, e.g. TD (Chad), SD (Sudan), ET (Ethiopia)".into(),
    };
    cx.error(
        "unknown-country",
        pointer,
        format!("`{code}` is not an ISO 3166-1 country code"),
        help,
    );
}

/// The English name of a country code, for documents.
#[allow(dead_code)]
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::{is_valid_language_tag, language_tag_problem};
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    fn with_language(tag: &str, script: &str, direction: &str) -> String {
        format!(
            "{MINIMAL}\n[[languages]]\ntag = \"{tag}\"\nscript = \"{script}\"\ndirection = \"{direction}\"\nname = \"x\"\nfallback = \"en\"\n"
        )
    }

    #[test]
    fn language_tags_are_checked_against_iso_639() {
        assert!(!codes_for(&with_language("prs", "Arab", "rtl")).contains(&"invalid-language-tag"));
        assert!(codes_for(&with_language("xx", "Latn", "ltr")).contains(&"invalid-language-tag"));
        assert!(codes_for(&with_language("ku", "Arab", "rtl")).contains(&"ambiguous-language-tag"));
        assert!(
            codes_for(&with_language("ar-ZZ", "Arab", "rtl")).contains(&"invalid-language-tag")
        );
        for (tag, wanted) in [("ara", "`ar`"), ("iw", "`he`"), ("fre", "`fr`")] {
            let problem = language_tag_problem(tag).expect(tag);
            assert!(problem.2.contains(wanted), "{tag}: {problem:?}");
        }
        for good in [
            "ar",
            "ar-LB",
            "en-GB",
            "fr-CA",
            "pt-MZ",
            "prs",
            "fa-AF",
            "zh-Hant-TW",
            "AR",
        ] {
            assert!(is_valid_language_tag(good), "{good}");
        }
        for bad in ["arabic", "xx", "ara", "en-XX", "e", "ar-"] {
            assert!(!is_valid_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn scripts_and_directions_agree() {
        assert!(codes_for(&with_language("ar", "Abcd", "rtl")).contains(&"unknown-script"));
        assert!(codes_for(&with_language("ar", "Arab", "ltr")).contains(&"script-direction"));
        assert!(!codes_for(&with_language("ar", "Arab", "rtl")).contains(&"script-direction"));
        assert!(codes_for(&with_language("ar", "Latn", "ltr")).contains(&"script-mismatch"));
    }

    #[test]
    fn countries_are_checked_against_iso_3166() {
        assert!(
            codes_for(&MINIMAL.replace("country = \"TD\"", "country = \"XX\""))
                .contains(&"unknown-country")
        );
        assert!(!codes_for(MINIMAL).contains(&"unknown-country"));
    }
}
