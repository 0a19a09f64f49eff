//! Citations in the SOP. Each sentence that states a norm carries its source in brackets
//! ("[UNHCR Emergency Handbook, key step 5]") or the mark of the operation's choice, and
//! the annex "Sources and standards" lists each source with the sections that cite it,
//! and each rule the operation set itself. Where a mark lands is found after the chapter
//! is numbered: the mark carries an invisible token that the chapter's headings resolve.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::markdown::escape;
use super::text::Prose;
use crate::library::provenance::{Citation, Origin, Provenance};

/// Brackets a token index so that it survives Markdown rendering of one chapter and is
/// removed before the chapter is kept. Private-use characters: never in our prose.
const TOKEN_OPEN: char = '\u{E000}';
const TOKEN_CLOSE: char = '\u{E001}';

/// What one mark stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mark {
    Cited(Vec<Citation>),
    /// A norm id; `true` when the country cited its own rule for it.
    Choice(String, bool),
}

/// A mark placed in a chapter: what it stands for, its text, and whether it follows a
/// sentence (and may be left out when the sentence before said the same) or names the
/// source of a table (always printed).
#[derive(Debug, Clone)]
struct Placed {
    mark: Mark,
    text: String,
    after_sentence: bool,
}

#[derive(Debug, Default)]
struct Record {
    marks: Vec<Placed>,
    /// Sources by tag, with the sections citing them and the places cited there.
    cited: BTreeMap<String, BTreeMap<Section, BTreeSet<String>>>,
    /// Choices by norm id, with the sections stating them.
    choices: BTreeMap<String, (bool, BTreeSet<Section>)>,
}

/// A numbered heading ("9.4 The BID panel"), ordered by where it appears.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Section {
    order: usize,
    heading: String,
}

/// Marks sentences and defaulted sections with their provenance, for one language, and
/// remembers where each mark landed for the annex.
pub struct Citer {
    prose: Arc<Prose>,
    provenance: &'static Provenance,
    /// The country's own citations by norm id, in this language.
    country: BTreeMap<String, String>,
    /// Norm ids of the defaulted sections the configuration left to the defaults.
    defaulted: BTreeSet<String>,
    record: Mutex<Record>,
}

impl Citer {
    pub fn new(
        prose: Arc<Prose>,
        country: BTreeMap<String, String>,
        defaulted_sections: &[&str],
    ) -> Citer {
        let provenance = Provenance::built_in();
        let defaulted = provenance
            .defaults
            .iter()
            .filter(|(_, d)| defaulted_sections.contains(&d.section.as_str()))
            .map(|(id, _)| id.clone())
            .collect();
        Citer {
            prose,
            provenance,
            country,
            defaulted,
            record: Mutex::default(),
        }
    }

    /// The mark that follows the sentence `key`, with its leading space; empty for a
    /// sentence that states no norm.
    pub fn sentence_mark(&self, key: &str) -> String {
        match self.provenance.sentence(key) {
            Some(Origin::Cited(cites)) => self.mark(Mark::Cited(cites.clone()), true),
            Some(Origin::Choice(id)) => self.choice(id, true),
            Some(Origin::Plain) | None => String::new(),
        }
    }

    /// The mark of a section the defaults may fill (`origin(of="consent_ages")`): the
    /// built-in source when the default is in place and sourced, else the country's own
    /// citation, else the mark of the operation's choice.
    pub fn section_mark(&self, id: &str) -> String {
        let built_in = self.provenance.defaults.get(id);
        match built_in {
            Some(d) if self.defaulted.contains(id) && !d.cite.is_empty() => {
                self.mark(Mark::Cited(d.cite.clone()), false)
            }
            _ => self.choice(id, false),
        }
    }

    fn choice(&self, id: &str, after_sentence: bool) -> String {
        let own = self.country.contains_key(id);
        self.mark(Mark::Choice(id.to_owned(), own), after_sentence)
    }

    /// A token standing for the mark; `resolve` puts the mark's text in its place.
    fn mark(&self, mark: Mark, after_sentence: bool) -> String {
        let text = match &mark {
            Mark::Cited(cites) => {
                let list: Vec<String> = cites.iter().map(|c| self.citation(c)).collect();
                self.prose
                    .get("cite.cited")
                    .replace("{citations}", &list.join(&self.prose.get("cite.separator")))
            }
            Mark::Choice(id, true) => self.prose.get("cite.country").replace(
                "{citation}",
                self.country.get(id).map_or("", String::as_str),
            ),
            Mark::Choice(_, false) => self.prose.get("cite.choice"),
        };
        let Ok(mut record) = self.record.lock() else {
            return String::new();
        };
        record.marks.push(Placed {
            mark,
            text,
            after_sentence,
        });
        let index = record.marks.len() - 1;
        format!(" {TOKEN_OPEN}{index}{TOKEN_CLOSE}")
    }

    /// "UNHCR Emergency Handbook, key step 5".
    fn citation(&self, cite: &Citation) -> String {
        let source = self.prose.get(&format!("{}.short", cite.source_key()));
        let place = self.place(&cite.place);
        if place.is_empty() {
            source
        } else {
            self.prose
                .get("cite.one")
                .replace("{source}", &source)
                .replace("{place}", &place)
        }
    }

    fn place(&self, place: &str) -> String {
        self.prose
            .lookup(&format!("cite.place.{place}"))
            .map_or_else(|| place.to_owned(), |found| found.text.to_owned())
    }

    /// Puts each mark's text in place of its token in a numbered chapter, and records,
    /// for each mark, the heading it falls under. A sentence's mark that repeats the mark
    /// just before it in the same section is left out, so a list whose items share a
    /// source carries it once. `order` keeps sections in document order across chapters.
    pub fn resolve(&self, chapter: &str, order: &mut usize) -> String {
        let Ok(mut record) = self.record.lock() else {
            return chapter.to_owned();
        };
        let mut out = String::with_capacity(chapter.len());
        let mut heading = self.prose.get("cite.front_matter");
        let mut previous: Option<Mark> = None;
        for line in chapter.split_inclusive('\n') {
            if let Some(title) = line
                .strip_prefix("### ")
                .or_else(|| line.strip_prefix("## "))
            {
                *order += 1;
                heading = strip_tokens(title).trim().to_owned();
                previous = None;
            }
            let mut rest = line;
            while let Some(start) = rest.find(TOKEN_OPEN) {
                let after = &rest[start + TOKEN_OPEN.len_utf8()..];
                let Some(end) = after.find(TOKEN_CLOSE) else {
                    out.push_str(&rest[..start]);
                    rest = after;
                    continue;
                };
                let placed = after[..end]
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| record.marks.get(i).cloned());
                let before = &rest[..start];
                rest = &after[end + TOKEN_CLOSE.len_utf8()..];
                let Some(placed) = placed else {
                    out.push_str(before);
                    continue;
                };
                if placed.after_sentence && previous.as_ref() == Some(&placed.mark) {
                    // The space that introduced the token goes with it.
                    out.push_str(before.strip_suffix(' ').unwrap_or(before));
                    continue;
                }
                out.push_str(before);
                out.push_str(&escape(&placed.text));
                previous = Some(placed.mark.clone());
                let section = Section {
                    order: *order,
                    heading: heading.clone(),
                };
                match placed.mark {
                    Mark::Cited(cites) => {
                        for cite in cites {
                            let place = self.place(&cite.place);
                            record
                                .cited
                                .entry(cite.source)
                                .or_default()
                                .entry(section.clone())
                                .or_default()
                                .insert(place);
                        }
                    }
                    Mark::Choice(id, own) => {
                        let entry = record.choices.entry(id).or_default();
                        entry.0 = own;
                        entry.1.insert(section);
                    }
                }
            }
            out.push_str(rest);
        }
        out
    }

    /// The annex's list of sources: each cited source with the sections that cite it.
    pub fn sources(&self) -> Value {
        let Ok(record) = self.record.lock() else {
            return Value::Null;
        };
        let separator = self.prose.get("list.separator");
        Value::Array(
            record
                .cited
                .iter()
                .map(|(tag, sections)| {
                    let key = crate::library::provenance::source_key(tag);
                    let cited_in: Vec<String> = sections
                        .iter()
                        .map(|(section, places)| {
                            let places: Vec<&str> = places
                                .iter()
                                .map(String::as_str)
                                .filter(|p| !p.is_empty())
                                .collect();
                            if places.is_empty() {
                                section.heading.clone()
                            } else {
                                format!("{} ({})", section.heading, places.join(&separator))
                            }
                        })
                        .collect();
                    json!({
                        "tag": tag,
                        "short": self.prose.get(&format!("{key}.short")),
                        "title": self.prose.get(&format!("{key}.title")),
                        "cited_in": cited_in,
                    })
                })
                .collect(),
        )
    }

    /// The annex's list of the rules this operation set itself, with where each is
    /// stated and the country's citation when it gave one.
    pub fn choices(&self) -> Value {
        let Ok(record) = self.record.lock() else {
            return Value::Null;
        };
        Value::Array(
            record
                .choices
                .iter()
                .map(|(id, (own, sections))| {
                    json!({
                        "id": id,
                        "rule": self.prose.get(&format!("cite.norm.{id}")),
                        "stated_in": sections.iter().map(|s| s.heading.clone()).collect::<Vec<_>>(),
                        "basis": match self.country.get(id) {
                            Some(citation) if *own => citation.clone(),
                            _ => self.prose.get("cite.choice_basis"),
                        },
                    })
                })
                .collect(),
        )
    }
}

fn strip_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            TOKEN_OPEN => inside = true,
            TOKEN_CLOSE => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}
