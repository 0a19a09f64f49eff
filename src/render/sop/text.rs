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
        self.counted("time", d)
    }

    /// How often, in words: "every day", "every 2 weeks", « toutes les 2 semaines ».
    pub fn frequency(&self, d: Duration) -> String {
        if d.is_immediate() {
            return self.get("time.immediate");
        }
        self.counted("time.every", d)
    }

    /// `{prefix}.{unit}.{category}` with its number: the plural form CLDR gives the
    /// amount in this language, else the `other` form.
    fn counted(&self, prefix: &str, d: Duration) -> String {
        let unit = match d.unit {
            DurationUnit::Hours => "hour",
            DurationUnit::Days => "day",
            DurationUnit::Weeks => "week",
            DurationUnit::Months => "month",
            DurationUnit::Years => "year",
        };
        let category = plural_category(self.tag(), u64::from(d.amount));
        let key = format!("{prefix}.{unit}.{category}");
        let template = self
            .lookup(&key)
            .or_else(|| self.lookup(&format!("{prefix}.{unit}.other")))
            .map_or_else(|| format!("[{key}]"), |f| f.text.to_owned());
        template.replace("{n}", &self.number(u64::from(d.amount)))
    }

    /// A date in words, as CLDR writes it in this language ("1 March 2026", "1 de março
    /// de 2026"); a language CLDR does not know writes it as its fallback does. The
    /// catalogue says how the first day of a month is written (French "1er").
    pub fn date(&self, date: crate::config::Date) -> String {
        let words = std::iter::once(self.tag())
            .chain(self.chain.iter().map(|(tag, _)| tag.as_str()))
            .chain(["en"])
            .find_map(crate::library::cldr::conventions);
        let Some(words) = words else {
            return date.to_string();
        };
        let day = match self.lookup("time.first_day") {
            Some(first) if date.day == 1 => first.text.replace("{n}", &self.number(1)),
            _ => self.number(u64::from(date.day)),
        };
        let month = words.months[usize::from(date.month).saturating_sub(1) % 12].clone();
        words
            .pattern
            .replace("{day}", &day)
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

pub use crate::library::cldr::plural_category;

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

    fn prose_in(tag: &str, digits: &str, entries: &[(&str, &str)]) -> Prose {
        let language: Language = serde_json::from_value(serde_json::json!({
            "tag": tag, "script": "Latn", "direction": "ltr", "name": tag, "digits": digits,
        }))
        .unwrap();
        let catalogue = Catalogue {
            entries: entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        Prose::new(language, vec![(tag.to_owned(), catalogue)])
    }

    /// Dates in words as CLDR writes them in each language, in the language's digits.
    #[test]
    fn dates_follow_cldr_in_each_language() {
        let date: crate::config::Date = "2026-03-01".parse().unwrap();
        let first = [("time.first_day", "{n}")];
        let cases = [
            ("en", "latn", "1 March 2026"),
            ("pt-MZ", "latn", "1 de março de 2026"),
            ("uk", "latn", "1 березня 2026\u{202f}р."),
            ("bn", "beng", "১ মার্চ, ২০২৬"),
            ("my", "mymr", "၂၀၂၆ မတ် ၁"),
            ("prs", "arabext", "۱ مارچ ۲۰۲۶"),
            ("ar-LB", "arab", "١ آذار ٢٠٢٦"),
            ("am", "latn", "1 ማርች 2026"),
        ];
        for (tag, digits, expected) in cases {
            assert_eq!(prose_in(tag, digits, &first).date(date), expected, "{tag}");
        }
        let french = prose_in("fr", "latn", &[("time.first_day", "{n}er")]);
        assert_eq!(french.date(date), "1er mars 2026");
    }

    /// Durations and frequencies take the plural form CLDR gives the number.
    #[test]
    fn counted_words_take_the_languages_plural_form() {
        let ukrainian = prose_in(
            "uk",
            "latn",
            &[
                ("time.day.one", "{n} день"),
                ("time.day.few", "{n} дні"),
                ("time.day.many", "{n} днів"),
                ("time.day.other", "{n} дня"),
                ("time.every.week.few", "раз на {n} тижні"),
                ("time.every.week.other", "раз на {n} тижня"),
            ],
        );
        let days = |n: &str| ukrainian.duration(n.parse().unwrap());
        assert_eq!(days("1d"), "1 день");
        assert_eq!(days("3d"), "3 дні");
        assert_eq!(days("5d"), "5 днів");
        assert_eq!(days("21d"), "21 день");
        assert_eq!(ukrainian.frequency("2w".parse().unwrap()), "раз на 2 тижні");
        // A form the catalogue lacks falls back on `other`.
        assert_eq!(ukrainian.frequency("5w".parse().unwrap()), "раз на 5 тижня");
    }

    #[test]
    fn digits_follow_the_language() {
        assert_eq!(Digits::Arab.localise("24 h"), "٢٤ h");
        assert_eq!(Digits::Latn.localise("24"), "24");
    }
}
