//! Code lists in the configuration: language tags, scripts and countries are real codes,
//! and a script's direction matches the one configured.

use super::Context;
use crate::config::Direction;
use crate::diagnostic::did_you_mean;
use crate::library::codes::{
    RTL_SCRIPTS, SCRIPTS, USUAL_SCRIPT, is_country, language_tag_problem, nearest_country,
};

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

#[cfg(test)]
mod tests {
    use crate::library::codes::{is_valid_language_tag, language_tag_problem};
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
