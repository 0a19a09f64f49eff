//! A final SOP in a language whose translation is still a draft: the SOP would be endorsed
//! in words no translator of the language has checked.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::source::SourceMap;
use crate::diagnostic::Diagnostic;
use crate::i18n::po::Review;

/// One warning per configured language in draft, at its tag, when `[sop] status` is final.
pub fn draft_in_final(
    document: &Value,
    review: &BTreeMap<String, Review>,
    map: &SourceMap,
) -> Vec<Diagnostic> {
    if document.pointer("/sop/status").and_then(Value::as_str) != Some("final") {
        return Vec::new();
    }
    let languages = document["languages"].as_array().into_iter().flatten();
    languages
        .enumerate()
        .filter_map(|(index, language)| {
            let tag = language["tag"].as_str()?;
            review.get(tag).filter(|r| r.is_draft())?;
            Some(
                Diagnostic::warning(
                    "draft-translation",
                    format!(
                        "the SOP is final, but its `{tag}` translation is a draft that no \
                         translator of the language has reviewed"
                    ),
                )
                .with_help(format!(
                    "have it reviewed: `bipgen i18n export --lang {tag}`, then import the \
                     reviewed file with `X-Review-Status: reviewed`, `X-Reviewed-By` and \
                     `X-Review-Date` in its header; until then the SOP and forms say it is a draft"
                ))
                .at(map.value(&format!("/languages/{index}/tag"))),
            )
        })
        .collect()
}
