//! Built-in translation catalogues (`translations/<lang>.po`): drafts for languages the
//! forms and the SOP are printed in beyond the four written into the library itself. They
//! lie under a country's own translations, which win key by key, and each carries its
//! review state in its header, so a draft is marked as one wherever it prints.

use std::sync::{LazyLock, OnceLock};

use crate::i18n::po::{self, PoFile, Review};

/// The catalogue files, by language tag, as the repository holds them.
const FILES: &[(&str, &str)] = &[
    ("am", include_str!("../../translations/am.po")),
    ("bn", include_str!("../../translations/bn.po")),
    ("my", include_str!("../../translations/my.po")),
    ("prs", include_str!("../../translations/prs.po")),
    ("ps", include_str!("../../translations/ps.po")),
    ("pt", include_str!("../../translations/pt.po")),
    ("so", include_str!("../../translations/so.po")),
    ("sw", include_str!("../../translations/sw.po")),
    ("ti", include_str!("../../translations/ti.po")),
    ("uk", include_str!("../../translations/uk.po")),
];

/// One built-in catalogue.
#[derive(Debug)]
pub struct BuiltIn {
    pub language: &'static str,
    pub file: PoFile,
    /// Every built-in catalogue declares its state; a file without one counts as a draft.
    pub review: Review,
}

impl BuiltIn {
    /// Translated entries in use (not fuzzy, not obsolete, not empty): key, source, text.
    pub fn translations(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.file.entries.iter().filter_map(|entry| {
            let key = entry.context.as_deref()?;
            let usable = !entry.obsolete && !entry.fuzzy && !entry.translation.trim().is_empty();
            usable.then_some((key, entry.id.as_str(), entry.translation.as_str()))
        })
    }
}

/// The catalogue at `index` of [`FILES`], parsed the first time it is asked for: a build
/// reads only the catalogues of its own languages.
fn parsed(index: usize) -> &'static BuiltIn {
    static PARSED: [OnceLock<BuiltIn>; FILES.len()] = [const { OnceLock::new() }; FILES.len()];
    PARSED[index].get_or_init(|| {
        let (language, text) = FILES[index];
        // The files are checked by the tests below and in tests/it/translations.rs; one
        // that does not parse is a bug, and contributes nothing.
        let file = po::parse(text).unwrap_or_default();
        let review = file.header.review().unwrap_or(Review {
            status: "draft",
            reviewer: None,
            date: None,
        });
        BuiltIn {
            language,
            file,
            review,
        }
    })
}

/// Every built-in catalogue.
pub fn all() -> Vec<&'static BuiltIn> {
    (0..FILES.len()).map(parsed).collect()
}

/// The catalogue that serves `tag`: BCP 47 lookup (`pt-MZ` is served by `pt`) on tags in
/// their canonical form, so that CLDR's aliases meet (`prs` is `fa-AF`, which `fa-AF` and
/// `prs-AF` are too, while plain `fa` is not Dari).
pub fn for_tag(tag: &str) -> Option<&'static BuiltIn> {
    static CANONICAL: LazyLock<Vec<String>> = LazyLock::new(|| {
        FILES
            .iter()
            .map(|(language, _)| canonical(language))
            .collect()
    });
    let wanted = canonical(tag);
    let mut range = wanted.as_str();
    loop {
        if let Some(index) = CANONICAL.iter().position(|t| t.eq_ignore_ascii_case(range)) {
            return Some(parsed(index));
        }
        range = range.rsplit_once('-')?.0;
    }
}

/// `tag` with CLDR's aliases applied (`prs` → `fa-AF`); unchanged when it is no tag.
fn canonical(tag: &str) -> String {
    super::cldr::canonical(tag).map_or_else(|| tag.to_owned(), |locale| locale.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_parses_names_its_language_and_declares_its_state() {
        for (language, text) in FILES {
            let file = po::parse(text).unwrap_or_else(|e| panic!("translations/{language}.po:{e}"));
            assert_eq!(file.header.language, *language);
            let review = file.header.review();
            assert!(review.is_some(), "{language}: no X-Review-Status");
        }
    }

    #[test]
    fn regional_tags_and_aliases_find_their_catalogue() {
        let found = |tag| for_tag(tag).map(|c| c.language);
        assert_eq!(found("pt-MZ"), Some("pt"));
        assert_eq!(found("pt-BR"), Some("pt"));
        assert_eq!(found("PT"), Some("pt"));
        assert_eq!(found("prs"), Some("prs"));
        assert_eq!(found("fa-AF"), Some("prs"));
        assert_eq!(found("prs-AF"), Some("prs"));
        assert_eq!(found("fa"), None, "Iranian Persian is not Dari");
        assert_eq!(found("ps-PK"), Some("ps"));
        assert_eq!(found("fr"), None);
    }
}
