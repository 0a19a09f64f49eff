//! Regional language tags (`ar-LB`, `fr-CA`, `pt-MZ`) served by texts written for their
//! language (`ar`, `fr`, `pt`), as BCP 47 lookup means: before anything reads the
//! configuration, each text gets an entry under every configured tag it can serve, so the
//! checks, the pack and the renderers meet exact tags only.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::config::primitives::lookup;

/// `tag` as BCP 47 writes it (`EN` → `en`, `zh-hant-tw` → `zh-Hant-TW`); unchanged when
/// it is no tag at all, for the checks to report.
fn canonical(tag: &str) -> Option<String> {
    let parsed: icu_locale_core::LanguageIdentifier = tag.parse().ok()?;
    let canonical = parsed.to_string();
    (canonical != tag).then_some(canonical)
}

/// Tags compare without regard to case (BCP 47): every language tag of `document`, and
/// every text table's keys, are written in the canonical case before anything reads them,
/// so `AR` is `ar` everywhere, built-in texts included.
pub fn canonical_case(document: &mut Value) {
    let fix = |value: Option<&mut Value>| {
        if let Some(Value::String(tag)) = value
            && let Some(canonical) = canonical(tag)
        {
            *tag = canonical;
        }
    };
    fix(document.get_mut("default_language"));
    if let Some(Value::Array(languages)) = document.get_mut("languages") {
        for language in languages {
            fix(language.get_mut("tag"));
            fix(language.get_mut("fallback"));
        }
    }
    if let Some(Value::Array(pairs)) = document.pointer_mut("/forms/bilingual") {
        for pair in pairs.iter_mut().filter_map(Value::as_array_mut) {
            for tag in pair {
                fix(Some(tag));
            }
        }
    }
    if let Some(Value::Array(services)) = document.get_mut("services") {
        for service in services {
            if let Some(Value::Array(tags)) = service.get_mut("languages") {
                for tag in tags {
                    fix(Some(tag));
                }
            }
        }
    }
    // A configuration has a handful of distinct tags and a text table for each of its
    // thousands of texts: each tag is parsed once.
    let mut known: HashMap<String, Option<String>> = HashMap::new();
    crate::config::texts::for_each_text_mut(document, |value| {
        let Value::Object(map) = value else { return };
        let renames: Vec<(String, String)> = map
            .keys()
            .filter_map(|k| {
                let canonical = known.entry(k.clone()).or_insert_with(|| canonical(k));
                Some((k.clone(), canonical.clone()?))
            })
            .collect();
        for (key, canonical) in renames {
            if !map.contains_key(&canonical)
                && let Some(value) = map.remove(&key)
            {
                map.insert(canonical, value);
            }
        }
    });
}

/// Gives each language that does not choose its `digits` the ones CLDR says it uses
/// (Bengali digits for `bn`, Persian for `prs`, Arabic-Indic for `ar-TD`), where bipgen can
/// print them; Latin otherwise.
pub fn default_digits(document: &mut Value) {
    const PRINTABLE: [&str; 6] = ["latn", "arab", "arabext", "mymr", "beng", "ethi"];
    let Some(Value::Array(languages)) = document.get_mut("languages") else {
        return;
    };
    for language in languages.iter_mut().filter_map(Value::as_object_mut) {
        if language.contains_key("digits") {
            continue;
        }
        let digits = language
            .get("tag")
            .and_then(Value::as_str)
            .and_then(crate::library::cldr::conventions)
            .map(|c| c.digits.as_str())
            .filter(|d| PRINTABLE.contains(d));
        if let Some(digits) = digits {
            language.insert("digits".into(), Value::String(digits.to_owned()));
        }
    }
}

/// Gives every text of `document` an entry for each configured tag that has none but is
/// served by a broader tag's text, and drops the broader entry when that tag is not
/// itself configured.
pub fn serve_regional_tags(document: &mut Value, configured: &[String]) {
    crate::config::texts::for_each_text_mut(document, |value| {
        if let Value::Object(map) = value {
            serve(map, configured);
        }
    });
}

/// The same for one text table.
pub fn serve(map: &mut Map<String, Value>, configured: &[String]) {
    // Most tables already hold every configured tag: nothing to serve, nothing to copy.
    if configured.iter().all(|tag| map.contains_key(tag)) {
        return;
    }
    let entries: std::collections::BTreeMap<String, Value> =
        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut used = Vec::new();
    for tag in configured {
        if entries.keys().any(|k| k.eq_ignore_ascii_case(tag)) {
            continue;
        }
        if let Some((key, value)) = lookup(&entries, tag) {
            map.insert(tag.clone(), value.clone());
            used.push(key.to_owned());
        }
    }
    for key in used {
        if !configured.iter().any(|c| c.eq_ignore_ascii_case(&key)) {
            map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_are_written_in_their_canonical_case() {
        let mut document = json!({
            "default_language": "EN",
            "languages": [{ "tag": "EN" }, { "tag": "ar-lb", "fallback": "AR" }],
            "sop": { "title": { "EN": "Title", "ar-lb": "عنوان" } },
        });
        canonical_case(&mut document);
        assert_eq!(document["default_language"], "en");
        assert_eq!(document["languages"][1]["tag"], "ar-LB");
        assert_eq!(document["languages"][1]["fallback"], "ar");
        assert_eq!(
            document["sop"]["title"],
            json!({ "en": "Title", "ar-LB": "عنوان" })
        );
        // What is no tag is left for the checks to report.
        let mut document = json!({ "default_language": "not a tag" });
        canonical_case(&mut document);
        assert_eq!(document["default_language"], "not a tag");
    }

    #[test]
    fn a_regional_tag_takes_its_languages_text_and_keeps_its_own() {
        let configured = ["ar-LB".to_owned(), "en-GB".to_owned(), "fr".to_owned()];
        let Value::Object(mut map) =
            json!({ "ar": "نص", "en": "Colour", "en-GB": "Colour (GB)", "fr": "Texte" })
        else {
            unreachable!()
        };
        serve(&mut map, &configured);
        assert_eq!(map["ar-LB"], "نص");
        assert_eq!(map["en-GB"], "Colour (GB)", "the regional text wins");
        assert!(
            !map.contains_key("ar"),
            "the source is not a configured language"
        );
        assert_eq!(map["fr"], "Texte");
    }

    #[test]
    fn lookup_narrows_subtag_by_subtag() {
        let map: std::collections::BTreeMap<String, u8> =
            [("zh".to_owned(), 1), ("pt".to_owned(), 2)].into();
        assert_eq!(lookup(&map, "zh-Hant-TW").map(|(k, _)| k), Some("zh"));
        assert_eq!(lookup(&map, "PT-mz").map(|(k, _)| k), Some("pt"));
        assert_eq!(lookup(&map, "ar-LB"), None);
        assert_eq!(lookup(&map, "x-private"), None);
    }
}
