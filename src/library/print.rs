//! The fixed words printed on every form (`forms/strings/print.toml`): headings, the
//! confidentiality notice, tick-box words, in every built-in language.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::config::Text;

/// The words printed on every form (`forms/strings/print.toml`, `[key] lang = "text"`).
pub static PRINT_STRINGS: LazyLock<BTreeMap<String, Text>> = LazyLock::new(|| {
    // Shipped with the binary; a test proves it parses and is complete.
    let Ok(document) = ::toml_edit::Document::parse(include_str!("../../forms/strings/print.toml"))
    else {
        return BTreeMap::new();
    };
    document
        .as_table()
        .iter()
        .filter_map(|(key, item)| {
            let table = item.as_table()?;
            let map = table
                .iter()
                .filter_map(|(l, v)| Some((l.to_owned(), v.as_str()?.to_owned())))
                .collect();
            Some((key.to_owned(), Text::Localised(map)))
        })
        .collect()
});

/// How many print strings have no text in `language` (for the translation check).
pub fn print_strings_missing(strings: &BTreeMap<String, Text>, language: &str) -> usize {
    strings
        .values()
        .filter(|t| t.get(language, "").is_none())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_strings_have_the_four_base_languages() {
        assert!(PRINT_STRINGS.len() >= 40);
        for language in ["en", "fr", "es", "ar"] {
            assert_eq!(
                print_strings_missing(&PRINT_STRINGS, language),
                0,
                "{language}"
            );
        }
        assert!(print_strings_missing(&PRINT_STRINGS, "am") > 0);
    }
}
