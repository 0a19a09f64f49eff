//! Typed scalar values of the configuration: ids, durations, dates, versions, codes and
//! localisable text. Each type parses itself on deserialisation and describes itself to
//! the JSON Schema, so an editor and the validator agree on what is accepted.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string newtype that validates on parse, (de)serialises as a string and
/// carries its own JSON Schema (pattern and description).
macro_rules! string_type {
    ($(#[$meta:meta])* $name:ident, $schema_name:literal, $pattern:expr, $description:literal, $check:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let check: fn(&str) -> Result<(), String> = $check;
                check(s)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": $description,
                })
            }
        }
    };
}

pub const ID_PATTERN: &str = "^[a-z][a-z0-9]*(_[a-z0-9]+)*$";

string_type!(
    /// A stable identifier: lowercase snake_case, never translated.
    Id,
    "Id",
    ID_PATTERN,
    "A stable identifier in lowercase snake_case (letters, digits, single underscores), e.g. `case_manager`. Ids are never translated.",
    |s| {
        let ok = s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('_')
            && !s.contains("__")
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok { Ok(()) } else { Err(format!("`{s}` is not a snake_case id")) }
    }
);

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Id {
    /// Builds an id from a literal known to be valid (built-in defaults).
    pub fn from_static(s: &'static str) -> Self {
        debug_assert!(s.parse::<Id>().is_ok(), "invalid built-in id {s}");
        Id(s.to_owned())
    }
}

string_type!(
    /// A BCP 47 language tag as written in the configuration (`fr`, `ar-TD`, `fa-AF`).
    /// Syntax is checked here; the registry check (ISO 639) is a validation rule.
    LanguageTag,
    "LanguageTag",
    "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$",
    "A BCP 47 language tag, e.g. `fr`, `ar`, `ar-TD`, `fa-AF`, `ti`. Use the narrowest tag your translators write for.",
    |s| {
        let ok = !s.is_empty()
            && s.split('-').all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
            && s.split('-').next().is_some_and(|p| p.len() >= 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
        if ok { Ok(()) } else { Err(format!("`{s}` is not a BCP 47 language tag")) }
    }
);

string_type!(
    /// An ISO 3166-1 alpha-2 country code (`TD`, `SD`).
    CountryCode,
    "CountryCode",
    "^[A-Z]{2}$",
    "An ISO 3166-1 alpha-2 country code in capitals, e.g. `TD` for Chad, `SD` for Sudan.",
    |s| {
        if s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()) { Ok(()) } else { Err(format!("`{s}` is not a two-letter country code")) }
    }
);

string_type!(
    /// An ISO 15924 script code (`Latn`, `Arab`, `Ethi`).
    ScriptCode,
    "ScriptCode",
    "^[A-Z][a-z]{3}$",
    "An ISO 15924 script code, e.g. `Latn`, `Arab`, `Ethi`, `Mymr`, `Cyrl`.",
    |s| {
        let mut chars = s.chars();
        let ok = s.len() == 4
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_lowercase());
        if ok { Ok(()) } else { Err(format!("`{s}` is not a four-letter script code")) }
    }
);

string_type!(
    /// A proGres specific-needs code (`SC-UC`, `SV-VA`, `CR-LW`).
    ProgresCode,
    "ProgresCode",
    "^[A-Z]{2}(-[A-Z]{2})?$",
    "A UNHCR proGres specific-needs code, e.g. `SC-UC` (unaccompanied child), `SV-VA`, `CR-LW`. Confirm against your operation's proGres v4 list.",
    |s| {
        let ok = match s.split_once('-') {
            Some((a, b)) => a.len() == 2 && b.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase() || c == '-'),
            None => s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()),
        };
        if ok { Ok(()) } else { Err(format!("`{s}` is not a proGres code such as `SC-UC`")) }
    }
);

/// A calendar date (always Gregorian), written `YYYY-MM-DD` or as a TOML date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("`{s}` is not a date written YYYY-MM-DD");
        let bytes = s.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(err());
        }
        let year: u16 = s[0..4].parse().map_err(|_| err())?;
        let month: u8 = s[5..7].parse().map_err(|_| err())?;
        let day: u8 = s[8..10].parse().map_err(|_| err())?;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(format!("`{s}` has no month {month}")),
        };
        if day == 0 || day > days_in_month {
            return Err(format!("`{s}` has no day {day} in month {month}"));
        }
        Ok(Date { year, month, day })
    }
}

impl Date {
    /// The date `days` days after 1970-01-01 (proleptic Gregorian; Howard Hinnant's
    /// civil-from-days algorithm).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A Gregorian calendar date, YYYY-MM-DD (a TOML date such as 2026-03-01 works too).",
        })
    }
}

/// A semantic version of the SOP (`1.2.0`, `2.0.0-draft.1`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub semver::Version);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        semver::Version::parse(&s)
            .map(Version)
            .map_err(|e| serde::de::Error::custom(format!("`{s}` is not a semantic version: {e}")))
    }
}

impl JsonSchema for Version {
    fn schema_name() -> Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$",
            "description": "A semantic version MAJOR.MINOR.PATCH, e.g. `1.0.0` or `2.1.0-draft.2`. Raise MAJOR when roles or procedures change, MINOR for additions, PATCH for corrections.",
        })
    }
}

/// A unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationUnit {
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

/// A typed span of time: `immediate`, `4h`, `24h`, `3d`, `2w`, `3mo`, `5y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
}

impl Duration {
    pub const IMMEDIATE: Duration = Duration {
        amount: 0,
        unit: DurationUnit::Hours,
    };

    /// Length in hours, with a month counted as 30 days and a year as 365: used only to
    /// order durations, never to compute calendar dates.
    pub fn approx_hours(self) -> u64 {
        let per_unit: u64 = match self.unit {
            DurationUnit::Hours => 1,
            DurationUnit::Days => 24,
            DurationUnit::Weeks => 24 * 7,
            DurationUnit::Months => 24 * 30,
            DurationUnit::Years => 24 * 365,
        };
        u64::from(self.amount) * per_unit
    }

    pub fn is_immediate(self) -> bool {
        self.amount == 0
    }
}

impl FromStr for Duration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "immediate" {
            return Ok(Duration::IMMEDIATE);
        }
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let unit = match unit {
            "h" => DurationUnit::Hours,
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            "mo" => DurationUnit::Months,
            "y" => DurationUnit::Years,
            _ => {
                return Err(format!(
                    "`{s}` is not a duration: write a number and a unit (h, d, w, mo, y), e.g. `24h`, `3d`, `2w`, `3mo`, or `immediate`"
                ));
            }
        };
        let amount = digits
            .parse()
            .map_err(|_| format!("`{s}` is not a duration: the number is missing or too large"))?;
        Ok(Duration { amount, unit })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_immediate() {
            return f.write_str("immediate");
        }
        let unit = match self.unit {
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
            DurationUnit::Months => "mo",
            DurationUnit::Years => "y",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(immediate|[0-9]{1,6}(h|d|w|mo|y))$",
            "description": "A span of time: a whole number and a unit, `h` hours, `d` days, `w` weeks, `mo` months, `y` years (e.g. `24h`, `3d`, `2w`, `3mo`), or `immediate`.",
        })
    }
}

/// A user-facing string in one or more languages.
///
/// Written either as a plain string (taken to be in the default language) or as a table
/// of language tag to text: `label = { en = "Caseworker", fr = "Travailleur social" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Plain(String),
    Localised(BTreeMap<String, String>),
}

impl Text {
    /// Built-in text from `(language, text)` pairs.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Text::Localised(
            pairs
                .iter()
                .map(|(l, t)| ((*l).to_owned(), (*t).to_owned()))
                .collect(),
        )
    }

    /// The text in `lang`, if written for it or for a language it narrows (`ar` serves
    /// `ar-LB`: BCP 47 lookup). A plain string belongs to `default_lang`.
    pub fn get(&self, lang: &str, default_lang: &str) -> Option<&str> {
        match self {
            Text::Plain(s) => lang
                .eq_ignore_ascii_case(default_lang)
                .then_some(s.as_str()),
            Text::Localised(map) => lookup(map, lang).map(|(_, text)| text.as_str()),
        }
    }

    /// The languages this text is written in.
    pub fn languages<'a>(&'a self, default_lang: &'a str) -> Vec<&'a str> {
        match self {
            Text::Plain(_) => vec![default_lang],
            Text::Localised(map) => map.keys().map(String::as_str).collect(),
        }
    }

    /// Every string of this text, for checks that look at content (fonts, length).
    pub fn values(&self) -> Vec<&str> {
        match self {
            Text::Plain(s) => vec![s.as_str()],
            Text::Localised(map) => map.values().map(String::as_str).collect(),
        }
    }
}

/// BCP 47 lookup (RFC 4647 §3.4): the entry for `tag`, else for the tag with its last
/// subtags removed one by one (`zh-Hant-TW`, `zh-Hant`, `zh`), ignoring case. Returns the
/// key that matched with its value.
pub fn lookup<'a, V>(map: &'a BTreeMap<String, V>, tag: &str) -> Option<(&'a str, &'a V)> {
    let mut range = tag;
    loop {
        if let Some((key, value)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(range)) {
            return Some((key.as_str(), value));
        }
        let (rest, _) = range.rsplit_once('-')?;
        // A singleton (`x`, `u`) goes with the subtag after it.
        range = match rest.rsplit_once('-') {
            Some((before, last)) if last.len() == 1 => before,
            _ if rest.len() == 1 => return None,
            _ => rest,
        };
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Plain(text) => s.serialize_str(text),
            Text::Localised(map) => map.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, not an untagged enum: untagged buffers every value first, and a large
        // configuration holds hundreds of thousands of texts.
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text: a string, or a table of language tag to text")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text, E> {
                Ok(Text::Plain(s.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Text, E> {
                Ok(Text::Plain(s))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let mut texts = BTreeMap::new();
                while let Some((tag, text)) = map.next_entry::<String, String>()? {
                    texts.insert(tag, text);
                }
                Ok(Text::Localised(texts))
            }
        }
        d.deserialize_any(TextVisitor)
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Text shown to people. Either a plain string in the default language, or a table of language tag to text, e.g. `{ en = \"Caseworker\", fr = \"Travailleur social\", ar = \"أخصائي الحالة\" }`. Every configured language needs an entry.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": { "pattern": "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$" },
                    "additionalProperties": { "type": "string" }
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_snake_case() {
        assert!("case_manager".parse::<Id>().is_ok());
        assert!("bia2".parse::<Id>().is_ok());
        for bad in ["Case", "_a", "a__b", "a_", "2a", "a-b", ""] {
            assert!(bad.parse::<Id>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn durations_parse_and_order() {
        let d: Duration = "24h".parse().unwrap();
        let w: Duration = "1w".parse().unwrap();
        assert_eq!(d.approx_hours(), 24);
        assert!(w.approx_hours() > "3d".parse::<Duration>().unwrap().approx_hours());
        assert!("immediate".parse::<Duration>().unwrap().is_immediate());
        assert_eq!("3mo".parse::<Duration>().unwrap().to_string(), "3mo");
        for bad in ["3", "d", "3 days", "-1d", "3x", "99999999999d"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("2025-13-01".parse::<Date>().is_err());
        assert!("2025-1-01".parse::<Date>().is_err());
        assert!("2025-03-01".parse::<Date>().unwrap() < "2025-10-01".parse::<Date>().unwrap());
    }

    #[test]
    fn days_since_epoch_become_dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(20_513).to_string(),
            "2026-03-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn plain_text_belongs_to_the_default_language() {
        let t = Text::Plain("Hello".into());
        assert_eq!(t.get("en", "en"), Some("Hello"));
        assert_eq!(t.get("fr", "en"), None);
    }

    #[test]
    fn codes_check_their_shape() {
        assert!("SC-UC".parse::<ProgresCode>().is_ok());
        assert!("SV".parse::<ProgresCode>().is_ok());
        assert!("sc-uc".parse::<ProgresCode>().is_err());
        assert!("Arab".parse::<ScriptCode>().is_ok());
        assert!("ARAB".parse::<ScriptCode>().is_err());
        assert!("fa-AF".parse::<LanguageTag>().is_ok());
        assert!("f".parse::<LanguageTag>().is_err());
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Public,
    Internal,
    Confidential,
    HighlyConfidential,
}
