//! `diff` reports every change, by construction: every leaf of the resolved Chad and
//! minimal configurations is mutated in turn (a value changed, an optional value
//! dropped, a list item added), and the diff must report it under a named section, at a
//! path that leads to it. The mutations come from the configuration's own JSON, so a new
//! field is covered the day it is added.

use std::collections::{BTreeMap, BTreeSet};

use bipgen::config::Config;
use bipgen::diff::{self, values};
use bipgen::pack::Pack;
use serde_json::Value;

fn pack(example: &str) -> Pack {
    let path = std::path::PathBuf::from(format!("examples/{example}/country.toml"));
    let checked = bipgen::check(&path);
    assert!(
        !checked.has_errors(),
        "{example}: {:#?}",
        checked.diagnostics
    );
    checked.resolve("country.toml").unwrap().unwrap()
}

/// Every leaf and container of `value`, by JSON pointer, with its shape (indices as `*`).
fn nodes(value: &Value, pointer: String, shape: String, out: &mut Vec<(String, String, Value)>) {
    out.push((pointer.clone(), shape.clone(), value.clone()));
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let key_escaped = key.replace('~', "~0").replace('/', "~1");
                nodes(
                    child,
                    format!("{pointer}/{key_escaped}"),
                    format!("{shape}/{key_escaped}"),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                nodes(child, format!("{pointer}/{i}"), format!("{shape}/*"), out);
            }
        }
        _ => {}
    }
}

/// The mutations of one node, most telling first: each is tried until one makes a
/// configuration bipgen can read.
fn candidates(node: &Value, peers: &BTreeSet<String>) -> Vec<(&'static str, Option<Value>)> {
    let mut out: Vec<(&'static str, Option<Value>)> = Vec::new();
    match node {
        Value::String(s) => {
            out.push(("change", Some(Value::String(format!("{s}x")))));
            for peer in peers.iter().filter(|p| *p != s) {
                out.push(("change", Some(Value::String(peer.clone()))));
            }
            if let Some(stripped) = s.strip_suffix(|c: char| c.is_ascii_digit()) {
                out.push(("change", Some(Value::String(format!("{stripped}7")))));
            }
        }
        Value::Number(n) => {
            if let Some(i) = n.as_u64() {
                out.push(("change", Some(Value::from(i + 1))));
                if i > 0 {
                    out.push(("change", Some(Value::from(i - 1))));
                }
            } else if let Some(f) = n.as_f64() {
                out.push(("change", Some(Value::from(f + 0.5))));
            }
        }
        Value::Bool(b) => out.push(("change", Some(Value::Bool(!b)))),
        Value::Array(items) => {
            if let Some(last) = items.last() {
                let mut added = last.clone();
                match &mut added {
                    Value::Object(map) => {
                        for key in ["id", "tag", "version", "concern"] {
                            if let Some(Value::String(s)) = map.get_mut(key) {
                                s.push('x');
                                break;
                            }
                        }
                    }
                    Value::String(s) => s.push('x'),
                    _ => {}
                }
                let mut longer = items.clone();
                longer.push(added);
                out.push(("add", Some(Value::Array(longer))));
            }
        }
        _ => {}
    }
    if !node.is_null() {
        out.push(("drop", None));
    }
    out
}

fn set(doc: &mut Value, pointer: &str, value: Option<Value>) -> bool {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    match (doc.pointer_mut(parent), value) {
        (Some(Value::Object(map)), Some(v)) => map.insert(key, v).is_some(),
        (Some(Value::Object(map)), None) => map.remove(&key).is_some(),
        (Some(Value::Array(items)), Some(v)) => {
            let i: usize = key.parse().unwrap();
            items[i] = v;
            true
        }
        // Dropping a list item: the list's own "add" and its items' changes cover it.
        _ => false,
    }
}

/// A configuration with another of the variants serde's `error` lists in place of the
/// string `node` at `pointer`.
fn other_variant(error: &str, node: &Value, mutated: &Value, pointer: &str) -> Option<Config> {
    let Value::String(current) = node else {
        return None;
    };
    let (_, expected) = error.split_once("expected ")?;
    let variants: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|v| v != current)
        .collect();
    variants.into_iter().find_map(|variant| {
        let mut doc = mutated.clone();
        *doc.pointer_mut(pointer)? = Value::String(variant.to_owned());
        serde_json::from_value::<Config>(doc).ok()
    })
}

struct Tally {
    reported: usize,
    unreadable: BTreeMap<String, usize>,
    missed: Vec<String>,
}

fn mutate_every_leaf(example: &str) -> Tally {
    let pack = pack(example);
    let doc = serde_json::to_value(&pack.config).unwrap();
    let mut all = Vec::new();
    nodes(&doc, String::new(), String::new(), &mut all);
    let mut peers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, shape, value) in &all {
        if let Value::String(s) = value {
            peers.entry(shape.clone()).or_default().insert(s.clone());
        }
    }
    let old_view = values::view(&pack);
    // The view of a pack whose configuration alone changed: the configuration's part
    // made again, the rest (forms, prose, templates, logos) kept.
    let view_of = |config: &Config| {
        let mut view = serde_json::to_value(config).unwrap();
        let map = view.as_object_mut().unwrap();
        for (key, part) in old_view.as_object().unwrap() {
            if doc.get(key).is_none() {
                map.insert(key.clone(), part.clone());
            }
        }
        view
    };
    let mut checked_views = 0;
    let mut tally = Tally {
        reported: 0,
        unreadable: BTreeMap::new(),
        missed: Vec::new(),
    };
    for (pointer, shape, node) in all.iter().filter(|(p, _, _)| !p.is_empty()) {
        let empty = BTreeSet::new();
        let mut kinds_done: BTreeSet<&str> = BTreeSet::new();
        for (kind, value) in candidates(node, peers.get(shape).unwrap_or(&empty)) {
            // One mutation of each kind per node.
            if kinds_done.contains(kind) {
                continue;
            }
            let mut mutated = doc.clone();
            if !set(&mut mutated, pointer, value) {
                continue;
            }
            let config = match serde_json::from_value::<Config>(mutated.clone()) {
                Ok(config) => config,
                Err(e) => {
                    // An enum: serde names the variants it expects; try another one.
                    let Some(config) = other_variant(&e.to_string(), node, &mutated, pointer)
                    else {
                        continue;
                    };
                    config
                }
            };
            // A value that reads back the same (e.g. a dropped default) changes nothing.
            if serde_json::to_value(&config).unwrap() == doc {
                continue;
            }
            kinds_done.insert(kind);
            let new_view = view_of(&config);
            let mut new = pack.clone();
            new.config = config;
            if checked_views < 20 && !pointer.contains("logos") {
                assert_eq!(
                    new_view,
                    values::view(&new),
                    "the shortcut view is the view"
                );
                checked_views += 1;
            }
            let changes = diff::compare(&pack, &new, &old_view, &new_view);
            let at = values::path_of(&doc, pointer);
            let named = changes
                .iter()
                .any(|c| c.section != "other" && values::covers(&c.path, &at));
            if named {
                tally.reported += 1;
            } else {
                tally.missed.push(format!(
                    "{kind} {at} ({pointer}): {:?}",
                    changes
                        .iter()
                        .map(|c| format!("{} {}", c.section, c.path))
                        .collect::<Vec<_>>()
                ));
            }
        }
        if kinds_done.is_empty() && !matches!(node, Value::Object(_) | Value::Null) {
            *tally.unreadable.entry(shape.clone()).or_default() += 1;
        }
    }
    tally
}

#[test]
fn every_leaf_mutation_of_the_examples_is_reported() {
    for (example, at_least) in [("minimal", 150), ("chad", 2_000)] {
        let tally = mutate_every_leaf(example);
        assert!(
            tally.missed.is_empty(),
            "{example}: {} of {} mutations not reported:\n{}",
            tally.missed.len(),
            tally.missed.len() + tally.reported,
            tally.missed.join("\n")
        );
        assert!(
            tally.reported >= at_least,
            "{example}: only {} mutations were made",
            tally.reported
        );
        eprintln!(
            "{example}: {} mutations reported; leaves no mutation could be read back: {:?}",
            tally.reported, tally.unreadable
        );
    }
}
