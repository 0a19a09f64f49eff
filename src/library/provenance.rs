//! Where each norm of the SOP comes from. Every sentence of the SOP's prose that states a
//! norm is either cited (a source and a place in it) or marked as the operation's choice,
//! under a norm id that a country can cite its own rule for (`[sources]` in the
//! configuration). The same holds for the built-in defaults a country leaves in place.
//!
//! The map lives in `sop-templates/provenance.toml` (sentences) and the `[provenance]`
//! table of `defaults/defaults.toml` (defaulted sections); source titles and place names
//! are prose, translated with the rest of the SOP (`cite.*`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

const SENTENCES_TOML: &str = include_str!("../../sop-templates/provenance.toml");

/// The sources the SOP may cite: the tags of `shared/sources`.
pub const SOURCES: &[&str] = &["src:000", "src:001", "src:002", "src:003", "src:004"];

/// A source and a place in it, as written in the data: `src:000 step_5`, `src:004 §6.4`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Citation {
    pub source: String,
    /// A place key (`step_5`, translated as `cite.place.step_5`) or a section number
    /// printed as written (`§6.4`).
    pub place: String,
}

impl Citation {
    fn parse(text: &str) -> Result<Citation, String> {
        let (source, place) = text.split_once(' ').unwrap_or((text, ""));
        if !SOURCES.contains(&source) {
            return Err(format!(
                "`{text}` cites `{source}`, which is not one of {SOURCES:?}"
            ));
        }
        Ok(Citation {
            source: source.to_owned(),
            place: place.trim().to_owned(),
        })
    }

    /// The catalogue key of the source's names: `cite.source.src000`.
    pub fn source_key(&self) -> String {
        source_key(&self.source)
    }
}

/// The catalogue key of a source's names, from its tag: `src:000` → `cite.source.src000`.
pub fn source_key(tag: &str) -> String {
    format!("cite.source.{}", tag.replace(':', ""))
}

/// Where a norm comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Stated by the sources.
    Cited(Vec<Citation>),
    /// Not in the sources: the operation's choice, under this norm id.
    Choice(String),
    /// States no norm: describes, explains or introduces.
    Plain,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    cite: Vec<String>,
    #[serde(default)]
    choice: Option<String>,
    #[serde(default)]
    plain: bool,
}

impl Entry {
    fn origin(self, name: &str) -> Result<Origin, String> {
        match (self.cite.is_empty(), self.choice, self.plain) {
            (false, None, false) => Ok(Origin::Cited(
                self.cite
                    .iter()
                    .map(|c| Citation::parse(c))
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("{name}: {e}"))?,
            )),
            (true, Some(id), false) => Ok(Origin::Choice(id)),
            (true, None, true) => Ok(Origin::Plain),
            _ => Err(format!(
                "{name}: give exactly one of `cite`, `choice` or `plain = true`"
            )),
        }
    }
}

/// A defaulted section and where its built-in content comes from.
#[derive(Debug, Clone)]
pub struct DefaultOrigin {
    /// The configuration section the default fills, as a JSON pointer (`/risk_levels`).
    pub section: String,
    /// Empty: the built-in content is an example the operation adopts as its own choice.
    pub cite: Vec<Citation>,
}

#[derive(Debug, Default)]
pub struct Provenance {
    /// Prose sentences by catalogue key.
    pub sentences: BTreeMap<String, Origin>,
    /// Defaulted sections by norm id.
    pub defaults: BTreeMap<String, DefaultOrigin>,
}

impl Provenance {
    /// The built-in map. Both files ship with the binary and a test proves they parse,
    /// so a failure here is a bug; it leaves the map empty rather than crash.
    pub fn built_in() -> &'static Provenance {
        static PARSED: LazyLock<Provenance> = LazyLock::new(|| parse().unwrap_or_default());
        &PARSED
    }

    pub fn sentence(&self, key: &str) -> Option<&Origin> {
        self.sentences.get(key)
    }

    /// Every norm id a country may cite its own rule for in `[sources]`.
    pub fn norm_ids(&self) -> BTreeSet<&str> {
        self.sentences
            .values()
            .filter_map(|o| match o {
                Origin::Choice(id) => Some(id.as_str()),
                _ => None,
            })
            .chain(self.defaults.keys().map(String::as_str))
            .collect()
    }
}

fn parse() -> Result<Provenance, String> {
    let (sentences, _) = crate::config::source::parse_builtin(SENTENCES_TOML)?;
    let sentences = sentences
        .get("sentences")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let sentences: BTreeMap<String, Entry> =
        serde_json::from_value(sentences).map_err(|e| format!("provenance.toml: {e}"))?;
    let sentences = sentences
        .into_iter()
        .map(|(key, entry)| {
            let origin = entry.origin(&key)?;
            Ok((key, origin))
        })
        .collect::<Result<_, String>>()?;
    let (defaults, _) =
        crate::config::source::parse_builtin(crate::config::defaults::DEFAULTS_TOML)?;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct DefaultEntry {
        section: String,
        #[serde(default)]
        cite: Vec<String>,
    }
    let table: BTreeMap<String, DefaultEntry> = serde_json::from_value(
        defaults
            .get("provenance")
            .cloned()
            .unwrap_or(Value::Object(Default::default())),
    )
    .map_err(|e| format!("defaults.toml [provenance]: {e}"))?;
    let defaults = table
        .into_iter()
        .map(|(id, entry)| {
            let cite = entry
                .cite
                .iter()
                .map(|c| Citation::parse(c))
                .collect::<Result<_, _>>()
                .map_err(|e| format!("defaults.toml [provenance] {id}: {e}"))?;
            Ok((
                id,
                DefaultOrigin {
                    section: entry.section,
                    cite,
                },
            ))
        })
        .collect::<Result<_, String>>()?;
    Ok(Provenance {
        sentences,
        defaults,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_map_parses() {
        let provenance = parse().expect("provenance parses");
        assert!(!provenance.sentences.is_empty());
        assert!(!provenance.defaults.is_empty());
    }

    /// A catalogue entry that reads as a statement: a sentence or a clause of a list.
    fn states_something(key: &str, text: &str) -> bool {
        let labels = [
            "country.",
            "time.",
            "cite.",
            "status.",
            "document.",
            "list.",
        ];
        !labels.iter().any(|prefix| key.starts_with(prefix))
            && text.trim_end().ends_with(['.', ':'])
            && text.split_whitespace().count() >= 4
    }

    #[test]
    fn every_sentence_of_the_sop_has_its_provenance() {
        let provenance = parse().expect("provenance parses");
        let english = crate::library::prose::Catalogue::built_in("en").expect("English prose");
        let unmapped: Vec<&str> = english
            .entries
            .iter()
            .filter(|(key, text)| states_something(key, text))
            .map(|(key, _)| key.as_str())
            .filter(|key| !provenance.sentences.contains_key(*key))
            .collect();
        assert!(
            unmapped.is_empty(),
            "sentences with no entry in sop-templates/provenance.toml (cite a source, or mark the operation's choice): {unmapped:?}"
        );
        let stale: Vec<&String> = provenance
            .sentences
            .keys()
            .filter(|key| !english.entries.contains_key(*key))
            .collect();
        assert!(
            stale.is_empty(),
            "provenance of sentences that no longer exist: {stale:?}"
        );
    }

    #[test]
    fn every_place_source_and_choice_has_its_words() {
        let provenance = parse().expect("provenance parses");
        let english = crate::library::prose::Catalogue::built_in("en").expect("English prose");
        let has = |key: String| english.entries.contains_key(&key);
        let cites = provenance
            .sentences
            .values()
            .filter_map(|o| match o {
                Origin::Cited(c) => Some(c),
                _ => None,
            })
            .flatten()
            .chain(provenance.defaults.values().flat_map(|d| &d.cite));
        for cite in cites {
            assert!(
                has(format!("{}.short", cite.source_key())),
                "{cite:?}: source name"
            );
            assert!(
                has(format!("{}.title", cite.source_key())),
                "{cite:?}: source title"
            );
            let written_as_is = cite.place.starts_with('§') || cite.place.starts_with("annex");
            assert!(
                written_as_is || has(format!("cite.place.{}", cite.place)),
                "{cite:?}: the place has no label in cite.place"
            );
        }
        for id in provenance.norm_ids() {
            assert!(
                has(format!("cite.norm.{id}")),
                "choice `{id}` has no label in cite.norm"
            );
        }
    }

    #[test]
    fn a_citation_names_a_known_source() {
        assert!(Citation::parse("src:000 step_5").is_ok());
        assert!(Citation::parse("src:009 §1").is_err());
    }
}
