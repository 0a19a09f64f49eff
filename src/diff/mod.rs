//! What changed between two versions of a configuration. Both versions are resolved
//! first, so built-in defaults count as written and translations as applied.
//!
//! Changes are told in the SOP's own terms where bipgen has them ([`terms`]: roles,
//! responsibilities, timeframes, pathways…), and every other value that differs, from the
//! TOML to the translations, templates and logos, by its path ([`values`]). Nothing that
//! differs goes unreported.

mod terms;
pub mod values;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::pack::Pack;
use values::{Leaf, covers, is_nothing, leaves_at, section_of, show, view};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference, under the SOP section it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub section: &'static str,
    pub kind: ChangeKind,
    pub subject: String,
    /// For a change: what it was and what it is now.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// The path of the values the change is about, e.g. `roles[caseworker].label`.
    pub path: String,
}

/// SOP sections in the document's order; changes are listed in it.
const SECTIONS: &[&str] = &[
    "document",
    "purpose and scope",
    "coordination",
    "roles",
    "steps",
    "case conferences",
    "prioritisation",
    "referrals",
    "bid",
    "data protection",
    "safeguarding",
    "cross-border",
    "human resources",
    "monitoring",
    "forms",
    "glossary",
    "sources",
    "SOP text",
    "other",
];

fn rank(section: &str) -> usize {
    SECTIONS
        .iter()
        .position(|s| *s == section)
        .unwrap_or(SECTIONS.len())
}

/// Every difference between `old` and `new`, in SOP order.
pub fn diff(old: &Pack, new: &Pack) -> Vec<Change> {
    compare(old, new, &view(old), &view(new))
}

/// [`diff`] with the packs' views ([`values::view`]) already made.
pub fn compare(old: &Pack, new: &Pack, old_view: &Value, new_view: &Value) -> Vec<Change> {
    let (mut changes, claims) = terms::diff(old, new);
    let empty = Map::new();
    let (a, b) = (
        old_view.as_object().unwrap_or(&empty),
        new_view.as_object().unwrap_or(&empty),
    );
    let mut parts: Vec<&String> = a.keys().chain(b.keys()).collect();
    parts.sort();
    parts.dedup();
    let mut leaf_level = Vec::new();
    for part in parts {
        let (x, y) = (a.get(part), b.get(part));
        // Most parts are equal: only those that differ are walked leaf by leaf.
        if x == y {
            continue;
        }
        let before = x.map(|v| leaves_at(v, part)).unwrap_or_default();
        let after = y.map(|v| leaves_at(v, part)).unwrap_or_default();
        leaf_level.extend(leaf_changes(&before, &after, &claims));
    }
    changes.extend(by_language(old, new, leaf_level));
    changes.sort_by_key(|c| rank(c.section));
    changes
}

/// A language added or dropped adds or drops a text everywhere: those are told once per
/// language, with their count, not one by one.
fn by_language(old: &Pack, new: &Pack, changes: Vec<Change>) -> Vec<Change> {
    let tags = |p: &Pack| -> Vec<String> {
        p.config
            .languages
            .iter()
            .map(|l| l.tag.to_string())
            .collect()
    };
    let (before, after) = (tags(old), tags(new));
    let moved: Vec<(String, ChangeKind)> = before
        .iter()
        .filter(|t| !after.contains(t))
        .map(|t| (t.clone(), ChangeKind::Removed))
        .chain(
            after
                .iter()
                .filter(|t| !before.contains(t))
                .map(|t| (t.clone(), ChangeKind::Added)),
        )
        .collect();
    if moved.is_empty() {
        return changes;
    }
    let of_language = |change: &Change| {
        moved.iter().find(|(tag, kind)| {
            change.kind == *kind
                && (change.path.ends_with(&format!(".{tag}"))
                    || change.path.starts_with(&format!("sop_prose.{tag}.")))
        })
    };
    let mut counts: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for change in changes {
        match of_language(&change) {
            Some((tag, _)) => *counts.entry((tag.clone(), change.section)).or_default() += 1,
            None => kept.push(change),
        }
    }
    for ((tag, section), count) in counts {
        let kind = moved
            .iter()
            .find(|(t, _)| *t == tag)
            .map_or(ChangeKind::Changed, |(_, k)| *k);
        let verb = if kind == ChangeKind::Added {
            "added"
        } else {
            "dropped"
        };
        kept.push(Change {
            section,
            kind,
            subject: format!("texts in {tag}"),
            detail: format!("{count} {verb} with the language"),
            path: format!("languages[{tag}]"),
        });
    }
    kept
}

/// The changes between two sets of leaves that no claim speaks for.
fn leaf_changes(
    before: &BTreeMap<String, Leaf>,
    after: &BTreeMap<String, Leaf>,
    claims: &[String],
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    // Elements added or removed whole: reported once, their leaves not again.
    let mut whole: Vec<String> = Vec::new();
    for path in paths {
        if whole.iter().any(|w| covers(w, path)) {
            continue;
        }
        let (kind, detail) = match (before.get(path), after.get(path)) {
            (Some(Leaf::Element), None) => {
                whole.push(path.clone());
                (ChangeKind::Removed, summary(before, path))
            }
            (None, Some(Leaf::Element)) => {
                whole.push(path.clone());
                (ChangeKind::Added, summary(after, path))
            }
            (Some(Leaf::Order(a)), Some(Leaf::Order(b))) => {
                let (mut x, mut y) = (a.clone(), b.clone());
                x.sort();
                y.sort();
                // A new or dropped element is reported as such; only a new order is news.
                if a == b || x != y {
                    continue;
                }
                (
                    ChangeKind::Changed,
                    format!("order {} → {}", a.join(", "), b.join(", ")),
                )
            }
            (Some(Leaf::Value(a)), Some(Leaf::Value(b))) if a != b => {
                (ChangeKind::Changed, format!("{} → {}", show(a), show(b)))
            }
            (Some(Leaf::Value(a)), None) if !is_nothing(a) => (ChangeKind::Removed, show(a)),
            (None, Some(Leaf::Value(b))) if !is_nothing(b) => (ChangeKind::Added, show(b)),
            _ => continue,
        };
        if claims.iter().any(|c| covers(c, path)) {
            continue;
        }
        changes.push(Change {
            section: section_of(path),
            kind,
            subject: path.trim_end_matches("[]").to_owned(),
            detail,
            path: path.clone(),
        });
    }
    changes
}

/// An element in one line: its own values (`roles: caseworker; sensitivity: …`).
fn summary(leaves: &BTreeMap<String, Leaf>, element: &str) -> String {
    let prefix = format!("{element}.");
    let parts: Vec<String> = leaves
        .range(prefix.clone()..)
        .take_while(|(path, _)| path.starts_with(&prefix))
        .filter_map(|(path, leaf)| {
            let key = &path[prefix.len()..];
            match leaf {
                Leaf::Value(value) if !is_nothing(value) && !key.contains(['.', '[']) => {
                    Some(format!("{key}: {}", show(value)))
                }
                _ => None,
            }
        })
        .collect();
    let text = parts.join("; ");
    match text.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The changes as text for people, grouped by SOP section.
pub fn render_text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "No differences.\n".to_owned();
    }
    let mut out = String::new();
    let mut section = "";
    for change in changes {
        if change.section != section {
            section = change.section;
            out.push_str(&format!("\n{}\n", section.to_uppercase()));
        }
        let mark = match change.kind {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        };
        if change.detail.is_empty() {
            out.push_str(&format!("  {mark} {}\n", change.subject));
        } else {
            out.push_str(&format!("  {mark} {}: {}\n", change.subject, change.detail));
        }
    }
    out.push_str(&format!("\n{} change(s)\n", changes.len()));
    out.trim_start().to_owned()
}
