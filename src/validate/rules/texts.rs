//! Every user-facing text must exist in every configured language. A missing text is an
//! error, unless the language names an explicit fallback: then it is a warning and the
//! fallback text stands in (marked as such in printed forms).
//!
//! Texts are found generically: the document is walked alongside the configuration
//! schema, and every value whose schema is `Text` is checked.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Context;
use crate::config::source::escape;
use crate::config::texts::for_each_text;

/// The languages a text value is written in (non-empty strings only).
fn written_in<'a>(value: &'a Value, default_language: &'a str) -> BTreeSet<&'a str> {
    match value {
        Value::String(s) if !s.trim().is_empty() => BTreeSet::from([default_language]),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| v.as_str().is_some_and(|s| !s.trim().is_empty()))
            .map(|(k, _)| k.as_str())
            .collect(),
        _ => BTreeSet::new(),
    }
}

pub fn check(cx: &mut Context<'_>) {
    let c = cx.config;
    let default_language = c.default_language.as_str();
    let configured: Vec<&str> = c.languages.iter().map(|l| l.tag.as_str()).collect();
    // A wrong tag is reported once, by the code check; its texts are not reported again.
    let all_tags_valid = configured
        .iter()
        .all(|t| crate::library::codes::is_valid_language_tag(t));
    let configured: Vec<&str> = configured
        .into_iter()
        .filter(|t| crate::library::codes::is_valid_language_tag(t))
        .collect();
    let fallback_of: BTreeMap<&str, &str> = c
        .languages
        .iter()
        .filter_map(|l| l.fallback.as_ref().map(|f| (l.tag.as_str(), f.as_str())))
        .collect();

    // Per language: strings that fall back, and built-in sections lacking it.
    let mut fallbacks: BTreeMap<&str, usize> = BTreeMap::new();
    let mut missing_builtin: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut missing_user: Vec<(String, Vec<&str>)> = Vec::new();
    let mut stray: Vec<(String, String)> = Vec::new();
    let defaulted = cx.defaulted;

    for_each_text(cx.document, |pointer, value| {
        let present = written_in(value, default_language);
        let section = defaulted
            .iter()
            .copied()
            .find(|d| pointer.strip_prefix(d).is_some_and(|r| r.starts_with('/')));
        let mut missing = Vec::new();
        for &language in &configured {
            if present.contains(language) {
                continue;
            }
            if reaches(language, &present, &fallback_of) {
                *fallbacks.entry(language).or_default() += 1;
            } else if let Some(section) = section {
                *missing_builtin.entry((section, language)).or_default() += 1;
            } else {
                missing.push(language);
            }
        }
        if !missing.is_empty() {
            missing_user.push((pointer.to_owned(), missing));
        }
        if section.is_none()
            && let Value::Object(map) = value
        {
            for key in map.keys().filter(|k| !configured.contains(&k.as_str())) {
                stray.push((format!("{pointer}/{}", escape(key)), key.clone()));
            }
        }
    });

    for (pointer, missing) in missing_user {
        let empty = cx.document.pointer(&pointer).is_some_and(|v| match v {
            Value::String(s) => s.trim().is_empty(),
            Value::Object(m) => {
                m.is_empty()
                    || m.values()
                        .all(|t| t.as_str().is_some_and(|s| s.trim().is_empty()))
            }
            _ => false,
        });
        if empty {
            cx.error(
                "empty-text",
                &pointer,
                "this text is empty",
                "write the text, in every configured language",
            );
            continue;
        }
        let list = missing
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.error(
            "missing-translation",
            &pointer,
            format!("this text has no {list} version"),
            format!(
                "write it as a table with every configured language, e.g. `{{ {} }}`, or give the language a `fallback`",
                configured.iter().map(|l| format!("{l} = \"…\"")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    for ((section, language), count) in missing_builtin {
        let index = c
            .languages
            .iter()
            .position(|l| l.tag.as_str() == language)
            .unwrap_or(0);
        cx.error(
            "missing-translation",
            &format!("/languages/{index}/tag"),
            format!("the built-in `{}` have no `{language}` text ({count} strings)", &section[1..]),
            format!("define `{}` in the configuration with `{language}` text, or give `{language}` a `fallback`", &section[1..]),
        );
    }
    for (language, count) in fallbacks {
        let index = c
            .languages
            .iter()
            .position(|l| l.tag.as_str() == language)
            .unwrap_or(0);
        let fallback = fallback_of.get(language).copied().unwrap_or_default();
        cx.warning(
            "fallback-translation",
            &format!("/languages/{index}/fallback"),
            format!(
                "{count} configuration texts have no `{language}` text; `{fallback}` text stands in for them"
            ),
            "translate them; until then printed forms mark the stand-in text",
        );
    }
    // With a wrong tag, texts in the language it was meant to be are not strays.
    let stray = if all_tags_valid { stray } else { Vec::new() };
    for (pointer, key) in stray {
        cx.warning(
            "unconfigured-language",
            &pointer,
            format!("text in `{key}`, which is not a configured language"),
            "add the language to [[languages]], or remove this entry",
        );
    }
}

/// Whether `language` reaches a present language through its chain of fallbacks.
fn reaches(language: &str, present: &BTreeSet<&str>, fallback_of: &BTreeMap<&str, &str>) -> bool {
    let mut current = language;
    for _ in 0..fallback_of.len() {
        match fallback_of.get(current) {
            Some(&next) if present.contains(next) => return true,
            Some(&next) => current = next,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for, diagnostics_for};

    const FRENCH: &str = "[[languages]]\ntag = \"fr\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Français\"\n";

    #[test]
    fn a_second_language_needs_every_text() {
        let text = format!("{MINIMAL}\n{FRENCH}");
        let found = diagnostics_for(&text);
        let missing: Vec<_> = found
            .iter()
            .filter(|d| d.code == "missing-translation")
            .collect();
        // sop.title, sop.operation, the changelog summary and the organisation name.
        assert_eq!(missing.len(), 4, "{missing:#?}");
        assert!(missing.iter().all(|d| d.message.contains("`fr`")));
    }

    #[test]
    fn a_fallback_turns_errors_into_one_warning() {
        let text = format!("{MINIMAL}\n{FRENCH}fallback = \"en\"\n");
        let codes = codes_for(&text);
        assert!(!codes.contains(&"missing-translation"), "{codes:?}");
        assert_eq!(
            codes
                .iter()
                .filter(|c| **c == "fallback-translation")
                .count(),
            1
        );
    }

    #[test]
    fn built_in_sections_are_reported_once_per_language() {
        // A language bipgen has no built-in texts for (Amharic has a built-in catalogue).
        let german = "[[languages]]\ntag = \"de\"\nscript = \"Latn\"\ndirection = \"ltr\"\nname = \"Deutsch\"\n";
        let text = format!("{MINIMAL}\n{german}").replace(
            "\"First version.\"",
            "{ en = \"First version.\", de = \"Erste Fassung.\" }",
        );
        let found = diagnostics_for(&text);
        let builtin: Vec<_> = found
            .iter()
            .filter(|d| d.message.contains("built-in `risk_levels`"))
            .collect();
        assert_eq!(builtin.len(), 1, "{found:#?}");
    }

    #[test]
    fn text_in_an_unconfigured_language_is_flagged() {
        let text = MINIMAL.replace(
            "name = \"UNHCR\"",
            "name = { en = \"UNHCR\", de = \"UNHCR\" }",
        );
        assert!(codes_for(&text).contains(&"unconfigured-language"));
    }

    #[test]
    fn an_empty_text_is_called_empty() {
        let text = MINIMAL.replace("title = \"Child protection SOP\"", "title = \"  \"");
        let found = diagnostics_for(&text);
        assert!(found.iter().any(|d| d.code == "empty-text"), "{found:#?}");
        assert!(!found.iter().any(|d| d.code == "missing-translation"));
    }
}
