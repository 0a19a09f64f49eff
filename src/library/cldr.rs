//! What CLDR (the Unicode Common Locale Data Repository) says about a language, so that no
//! language's grammar is written by hand here: plural categories through ICU4X's rules,
//! and the Gregorian month names, long date pattern and default digits as data generated
//! from CLDR (`translations/cldr/languages.toml`, by `tools/cldr_languages.py`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use icu_plurals::{PluralCategory, PluralRules};

/// `tag` with CLDR's aliases applied (`prs` → `fa-AF`, `ara` → `ar`), as ICU4X's data is
/// keyed.
pub fn canonical(tag: &str) -> Option<icu_locale_core::Locale> {
    static CANONICALIZER: LazyLock<icu_locale::LocaleCanonicalizer> =
        LazyLock::new(icu_locale::LocaleCanonicalizer::new_extended);
    let mut locale: icu_locale_core::Locale = tag.parse().ok()?;
    CANONICALIZER.canonicalize(&mut locale);
    Some(locale)
}

/// The CLDR cardinal plural category of `n` in the language of `tag`: `one` for "1 day",
/// `few` for Ukrainian "2 дні", `other` wherever the language does not tell numbers apart.
pub fn plural_category(tag: &str, n: u64) -> &'static str {
    let rules = canonical(tag)
        .and_then(|locale| PluralRules::try_new((&locale).into(), Default::default()).ok());
    let Some(rules) = rules else {
        return if n == 1 { "one" } else { "other" };
    };
    name(rules.category_for(n))
}

/// The plural categories whole numbers up to 1,000 take in the language of `tag`, in
/// CLDR's order: `one`, `few`, `many` for Ukrainian; `one`, `other` for Portuguese, whose
/// `many` is for millions, which no duration reaches.
pub fn plural_categories(tag: &str) -> Vec<&'static str> {
    let rules = canonical(tag)
        .and_then(|locale| PluralRules::try_new((&locale).into(), Default::default()).ok());
    let Some(rules) = rules else {
        return vec!["one", "other"];
    };
    let used: std::collections::BTreeSet<PluralCategory> =
        (0..=1000u32).map(|n| rules.category_for(n)).collect();
    rules
        .categories()
        .filter(|category| used.contains(category))
        .map(name)
        .collect()
}

fn name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// How a language writes dates and numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conventions {
    /// CLDR's long date pattern, with `{day}`, `{month}` and `{year}`.
    pub pattern: String,
    /// January to December, in the form used inside a date.
    pub months: [String; 12],
    /// The digits the language uses unless told otherwise: CLDR's numbering system
    /// (`latn`, `arab`, `arabext`, `beng`, `mymr`, …).
    pub digits: String,
}

/// The conventions of `tag`: its own table, else its language's (BCP 47 lookup, so `ar-LB`
/// has the Levantine months and `ar-TD` Arabic-Indic digits).
pub fn conventions(tag: &str) -> Option<&'static Conventions> {
    static TABLES: LazyLock<BTreeMap<String, Conventions>> = LazyLock::new(|| {
        // Checked by the tests below; a table that does not parse is a bug.
        parse_tables(include_str!("../../translations/cldr/languages.toml")).unwrap_or_default()
    });
    crate::config::primitives::lookup(&TABLES, tag).map(|(_, words)| words)
}

fn parse_tables(text: &str) -> Result<BTreeMap<String, Conventions>, String> {
    let document: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    document
        .iter()
        .map(|(tag, item)| {
            let pattern = item["date"].as_str().ok_or(format!("{tag}: no date"))?;
            let months: Vec<String> = item["months"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(str::to_owned))
                .collect();
            let months = months
                .try_into()
                .map_err(|_| format!("{tag}: twelve months"))?;
            let digits = item["digits"].as_str().ok_or(format!("{tag}: no digits"))?;
            Ok((
                tag.to_owned(),
                Conventions {
                    pattern: pattern.to_owned(),
                    months,
                    digits: digits.to_owned(),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_table_parses_and_covers_every_built_in_language() {
        let tables = parse_tables(include_str!("../../translations/cldr/languages.toml")).unwrap();
        for tag in [
            "en", "fr", "es", "ar", "am", "bn", "my", "prs", "ps", "pt", "so", "sw", "ti", "uk",
        ] {
            let words = tables.get(tag).unwrap_or_else(|| panic!("{tag}"));
            for field in ["{day}", "{month}", "{year}"] {
                assert!(words.pattern.contains(field), "{tag}: {}", words.pattern);
            }
        }
    }

    #[test]
    fn regional_variants_have_their_own_months_and_digits() {
        let of = |tag| conventions(tag).unwrap();
        assert_eq!(of("ar-LB").months[11], "كانون الأول");
        assert_eq!(of("ar-TD").months[11], "ديسمبر");
        assert_eq!(of("pt-MZ").months[2], "março");
        assert!(conventions("fa-AF").is_none(), "Dari is `prs`");
        assert_eq!(of("prs").months[0], "جنوری");
        let digits =
            ["ar", "ar-TD", "prs", "ps", "my", "bn", "am", "uk"].map(|t| of(t).digits.as_str());
        assert_eq!(
            digits,
            [
                "latn", "arab", "arabext", "arabext", "mymr", "beng", "latn", "latn"
            ]
        );
    }

    /// The categories of 1, 2, 5, 11 and 100, as CLDR's rules give them.
    #[test]
    fn plural_categories_follow_cldr() {
        let of = |tag| [1, 2, 5, 11, 100].map(|n| plural_category(tag, n));
        assert_eq!(of("ar"), ["one", "two", "few", "many", "other"]);
        assert_eq!(of("uk"), ["one", "few", "many", "many", "many"]);
        assert_eq!(of("pt"), ["one", "other", "other", "other", "other"]);
        assert_eq!(of("my"), ["other"; 5]);
        assert_eq!(of("bn"), ["one", "other", "other", "other", "other"]);
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("pt", 0), "one");
        assert_eq!(plural_category("en", 0), "other");
        assert_eq!(plural_category("prs", 1), "one");
        assert_eq!(plural_category("ar", 0), "zero");
        assert_eq!(plural_categories("uk"), ["one", "few", "many"]);
        assert_eq!(plural_categories("pt"), ["one", "other"]);
        assert_eq!(
            plural_categories("ar"),
            ["zero", "one", "two", "few", "many", "other"]
        );
    }
}
