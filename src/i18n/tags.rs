//! Regional language tags (`ar-LB`, `fr-CA`, `pt-MZ`) served by texts written for their
//! language (`ar`, `fr`, `pt`), as BCP 47 lookup means: before anything reads the
//! configuration, each text gets an entry under every configured tag it can serve, so the
//! checks, the pack and the renderers meet exact tags only.

use serde_json::{Map, Value};

use crate::config::primitives::lookup;

/// Gives every text of `document` an entry for each configured tag that has none but is
/// served by a broader tag's text, and drops the broader entry when that tag is not
/// itself configured.
pub fn serve_regional_tags(document: &mut Value, configured: &[String]) {
    let mut pointers = Vec::new();
    crate::validate::rules::for_each_text(document, |pointer, value| {
        if value.is_object() {
            pointers.push(pointer.to_owned());
        }
    });
    for pointer in pointers {
        if let Some(Value::Object(map)) = document.pointer_mut(&pointer) {
            serve(map, configured);
        }
    }
}

/// The same for one text table.
pub fn serve(map: &mut Map<String, Value>, configured: &[String]) {
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
