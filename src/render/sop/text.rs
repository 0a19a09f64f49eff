//! The SOP's own prose: one catalogue of sentences per language (`sop-templates/text/`),
//! looked up by key from the chapter templates. Placeholders (`{operation}`) are filled
//! with configuration values, escaped for Markdown, so a value is never read as markup.

use crate::config::{Duration, DurationUnit, Language};

use super::markdown::escape;

pub use crate::library::prose::{BUILT_IN, Catalogue, built_in_languages, is_plural_variant};

/// The prose of one language as the templates see it, with the fallback languages that
/// stand in for missing sentences (only those the configuration names).
#[derive(Debug, Clone)]
pub struct Prose {
    pub language: Language,
    /// The language's own catalogue first, then its fallbacks in order.
    chain: Vec<(String, Catalogue)>,
}

/// A sentence looked up: where it came from, when not from the language asked.
pub struct Found<'a> {
    pub text: &'a str,
    pub fallback_from: Option<&'a str>,
}

impl Prose {
    pub fn new(language: Language, chain: Vec<(String, Catalogue)>) -> Prose {
        Prose { language, chain }
    }

    pub fn tag(&self) -> &str {
        self.language.tag.as_str()
    }

    pub fn lookup(&self, key: &str) -> Option<Found<'_>> {
        self.chain.iter().enumerate().find_map(|(i, (tag, c))| {
            c.entries.get(key).map(|text| Found {
                text,
                fallback_from: (i > 0).then_some(tag.as_str()),
            })
        })
    }

    /// The sentence, or its key in brackets when missing (the renderer refuses to
    /// finish with missing sentences, so this only shows while collecting them).
    pub fn get(&self, key: &str) -> String {
        self.lookup(key)
            .map_or_else(|| format!("[{key}]"), |f| f.text.to_owned())
    }

    /// Fills `{name}` placeholders; values are escaped for Markdown.
    pub fn fill(&self, key: &str, args: &[(&str, String)]) -> String {
        fill_escaped(&self.get(key), args)
    }

    /// Digits of this language for a number written in Latin digits.
    pub fn digits(&self, text: &str) -> String {
        self.language.digits.localise(text)
    }

    pub fn number(&self, n: u64) -> String {
        self.digits(&n.to_string())
    }

    /// A duration in words: "24 hours", "3 jours", "immediately".
    pub fn duration(&self, d: Duration) -> String {
        if d.is_immediate() {
            return self.get("time.immediate");
        }
        let unit = match d.unit {
            DurationUnit::Hours => "hour",
            DurationUnit::Days => "day",
            DurationUnit::Weeks => "week",
            DurationUnit::Months => "month",
            DurationUnit::Years => "year",
        };
        let category = plural_category(self.tag(), u64::from(d.amount));
        let key = format!("time.{unit}.{category}");
        let template = self
            .lookup(&key)
            .or_else(|| self.lookup(&format!("time.{unit}.other")))
            .map_or_else(|| format!("[{key}]"), |f| f.text.to_owned());
        template.replace("{n}", &self.number(u64::from(d.amount)))
    }

    /// A date in words: "1 March 2026".
    pub fn date(&self, date: crate::config::Date) -> String {
        let month = self.get(&format!("time.months.m{}", date.month));
        self.get("time.date")
            .replace("{day}", &self.number(u64::from(date.day)))
            .replace("{month}", &month)
            .replace("{year}", &self.number(u64::from(date.year)))
    }

    /// Keys of `reference` (the English catalogue) this language has no sentence for,
    /// fallbacks included.
    pub fn missing<'a>(&self, reference: &'a Catalogue) -> Vec<&'a str> {
        reference
            .entries
            .keys()
            .filter(|k| !is_plural_variant(k) && self.lookup(k).is_none())
            .map(String::as_str)
            .collect()
    }

    /// Keys answered by a fallback language rather than this one.
    pub fn from_fallback<'a>(&self, reference: &'a Catalogue) -> Vec<&'a str> {
        reference
            .entries
            .keys()
            .filter(|k| {
                self.lookup(k)
                    .is_some_and(|found| found.fallback_from.is_some())
            })
            .map(String::as_str)
            .collect()
    }
}

/// Fills `{name}` placeholders with values escaped for Markdown.
pub fn fill_escaped(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if is_placeholder(&after[..end]) => {
                let name = &after[..end];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(&escape(value)),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_placeholder(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// CLDR plural category of `n` for the languages whose rules differ from one/other.
pub fn plural_category(language: &str, n: u64) -> &'static str {
    let primary = language.split('-').next().unwrap_or(language);
    match primary {
        "ar" => match n {
            0 => "zero",
            1 => "one",
            2 => "two",
            _ if (3..=10).contains(&(n % 100)) => "few",
            _ if (11..=99).contains(&(n % 100)) => "many",
            _ => "other",
        },
        "fr" | "am" | "ti" | "fa" | "prs" | "hi" | "bn" => {
            if n <= 1 {
                "one"
            } else {
                "other"
            }
        }
        "my" | "zh" | "ja" | "id" => "other",
        "uk" | "ru" => match (n % 10, n % 100) {
            (1, h) if h != 11 => "one",
            (2..=4, h) if !(12..=14).contains(&h) => "few",
            _ => "many",
        },
        _ => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Digits;

    #[test]
    fn built_in_catalogues_parse_and_cover_english() {
        let english = Catalogue::built_in("en").unwrap();
        assert!(english.entries.len() > 100);
        for (tag, text) in BUILT_IN {
            let catalogue = Catalogue::parse(text, tag).expect("parses");
            let missing: Vec<_> = english
                .entries
                .keys()
                .filter(|k| !is_plural_variant(k) && !catalogue.entries.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{tag} lacks {missing:?}");
            let extra: Vec<_> = catalogue
                .entries
                .keys()
                .filter(|k| !is_plural_variant(k) && !english.entries.contains_key(*k))
                .collect();
            assert!(extra.is_empty(), "{tag} has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn placeholders_are_the_same_in_every_language() {
        let english = Catalogue::built_in("en").unwrap();
        let names = |s: &str| {
            let mut found: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                .filter(|n| is_placeholder(n))
                .collect();
            found.sort();
            found.dedup();
            found
        };
        for (tag, _) in BUILT_IN {
            let catalogue = Catalogue::built_in(tag).unwrap();
            for (key, text) in &catalogue.entries {
                // "one" and "two" may be written out in words ("ساعتان"): `{n}` optional.
                let spelled_out =
                    key.starts_with("time.") && (key.ends_with(".one") || key.ends_with(".two"));
                if let Some(source) = english.entries.get(key)
                    && !(spelled_out && names(text).is_empty())
                {
                    assert_eq!(names(text), names(source), "{tag}: {key}");
                }
            }
        }
    }

    #[test]
    fn values_are_escaped_but_prose_is_not() {
        let filled = fill_escaped(
            "**Lead**: {name} {missing}",
            &[("name", "*Ministry* <b>".to_owned())],
        );
        assert_eq!(filled, "**Lead**: \\*Ministry\\* \\<b\\> {missing}");
    }

    #[test]
    fn plural_categories() {
        assert_eq!(plural_category("ar", 2), "two");
        assert_eq!(plural_category("ar", 5), "few");
        assert_eq!(plural_category("ar", 24), "many");
        assert_eq!(plural_category("fr", 1), "one");
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("en", 0), "other");
    }

    #[test]
    fn digits_follow_the_language() {
        assert_eq!(Digits::Arab.localise("24 h"), "٢٤ h");
        assert_eq!(Digits::Latn.localise("24"), "24");
    }
}
