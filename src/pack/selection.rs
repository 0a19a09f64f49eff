//! What a build is asked to produce: every output in every language, or the parts and
//! languages `--only` and `--lang` name. A partial build says so in its manifest.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::Serialize;

/// One kind of output a build can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// `config/resolved.json`.
    Config,
    /// `definitions/`: the canonical form definitions.
    Definitions,
    /// `schemas/`: the record JSON Schemas.
    Schemas,
    /// `xlsform/`.
    Xlsform,
    /// `codebook/`: the data dictionary (CSV per form, one workbook).
    Codebook,
    /// `primero/`: the forms, lists, organisations and roles as a Primero configuration.
    Primero,
    /// `forms/`: the printed forms and packs (PDF).
    Forms,
    /// `sop/`: the SOP in every format, with its flowcharts.
    Sop,
}

impl Part {
    pub const ALL: [Part; 8] = [
        Part::Config,
        Part::Definitions,
        Part::Schemas,
        Part::Xlsform,
        Part::Codebook,
        Part::Primero,
        Part::Forms,
        Part::Sop,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Part::Config => "config",
            Part::Definitions => "definitions",
            Part::Schemas => "schemas",
            Part::Xlsform => "xlsform",
            Part::Codebook => "codebook",
            Part::Primero => "primero",
            Part::Forms => "forms",
            Part::Sop => "sop",
        }
    }

    /// The printed documents, which Typst lays out; the other parts are data files.
    pub fn is_laid_out(self) -> bool {
        matches!(self, Part::Forms | Part::Sop)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Part {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Part::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Part::ALL.iter().map(|p| p.name()).collect();
                format!("`{s}` is not an output; choose from {}", names.join(", "))
            })
    }
}

/// The parts and languages a build produces; empty sets mean all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Only these outputs (`--only`); empty: all.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub parts: BTreeSet<Part>,
    /// Documents in these languages only (`--lang`); empty: all. Files that hold every
    /// language at once (XLSForms, definitions, schemas, the resolved configuration) are
    /// still written whole.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub languages: BTreeSet<String>,
}

impl Selection {
    /// Whether this build writes everything.
    pub fn is_whole(&self) -> bool {
        self.parts.is_empty() && self.languages.is_empty()
    }

    pub fn includes(&self, part: Part) -> bool {
        self.parts.is_empty() || self.parts.contains(&part)
    }

    /// Whether documents in the language `tag` are written.
    pub fn prints_in(&self, tag: &str) -> bool {
        self.languages.is_empty() || self.languages.contains(tag)
    }

    /// The first language asked for that the configuration does not have, if any.
    pub fn unknown_language<'a>(&'a self, configured: &[&str]) -> Option<&'a str> {
        self.languages
            .iter()
            .map(String::as_str)
            .find(|tag| !configured.contains(tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_parse_by_name_and_name_the_choices_when_wrong() {
        assert_eq!("sop".parse::<Part>(), Ok(Part::Sop));
        assert_eq!("xlsform".parse::<Part>(), Ok(Part::Xlsform));
        let wrong = "pdf".parse::<Part>().unwrap_err();
        assert!(
            wrong.contains("`pdf`") && wrong.contains("forms, sop"),
            "{wrong}"
        );
    }

    #[test]
    fn an_empty_selection_is_everything() {
        let all = Selection::default();
        assert!(all.is_whole() && all.includes(Part::Forms) && all.prints_in("ar"));
        let some = Selection {
            parts: [Part::Sop].into(),
            languages: ["fr".to_owned()].into(),
        };
        assert!(!some.is_whole());
        assert!(some.includes(Part::Sop) && !some.includes(Part::Forms));
        assert!(some.prints_in("fr") && !some.prints_in("ar"));
        assert_eq!(some.unknown_language(&["fr", "ar"]), None);
        assert_eq!(some.unknown_language(&["en"]), Some("fr"));
    }
}
