//! Every value of a resolved configuration, as a flat map from a readable path to the
//! value, so that two versions can be compared leaf by leaf and nothing is left out.
//!
//! The view covers all that shapes the outputs: the configuration with its defaults
//! filled in and its translations applied, the resolved form definitions and choice
//! lists, the printed forms' words, the SOP prose (built in or the country's), the
//! country's templates and its logos (by sha256).
//!
//! Paths read like the configuration: `data_protection.retention_after_closure`,
//! `roles[caseworker].label.fr`. Elements of a list are named by their id (or language
//! tag, version, or a pathway's concern and areas) so that inserting one does not shift
//! the others; lists of plain values are one leaf.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::pack::Pack;

/// Whether a value says nothing: absent, null or an empty list are the same to a reader.
pub fn is_nothing(value: &Value) -> bool {
    value.is_null() || value.as_array().is_some_and(Vec::is_empty)
}

/// What stands at a path: a value, or an element of a keyed list (its leaves follow).
#[derive(Debug, Clone, PartialEq)]
pub enum Leaf {
    Value(Value),
    Element,
    /// The order of a keyed list's elements, by key.
    Order(Vec<String>),
}

/// The view of `pack` that is compared.
pub fn view(pack: &Pack) -> Value {
    let mut root = match serde_json::to_value(&pack.config) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let definitions: Vec<Value> = pack
        .forms
        .forms
        .iter()
        .filter_map(|f| serde_json::to_value(f).ok())
        .collect();
    root.insert("form_definitions".into(), Value::Array(definitions));
    root.insert(
        "choice_lists".into(),
        serde_json::to_value(&pack.forms.choices).unwrap_or(Value::Null),
    );
    root.insert(
        "print_strings".into(),
        serde_json::to_value(&pack.print_strings).unwrap_or(Value::Null),
    );
    let prose: Map<String, Value> = pack
        .sop_texts
        .iter()
        .map(|(language, catalogue)| (language.clone(), json!(catalogue.entries)))
        .collect();
    root.insert("sop_prose".into(), Value::Object(prose));
    root.insert("templates".into(), json!(pack.templates));
    let logos: Map<String, Value> = pack
        .config
        .forms
        .header
        .logos
        .iter()
        .zip(&pack.logos)
        .map(|(path, logo)| {
            (
                path.clone(),
                Value::String(crate::model::sha256_hex(&logo.bytes)),
            )
        })
        .collect();
    root.insert("logos".into(), Value::Object(logos));
    Value::Object(root)
}

/// The key of a pathway, which has no id: its concern and its areas, sorted.
pub fn pathway_key(concern: &str, areas: &[String]) -> String {
    let mut areas = areas.to_vec();
    areas.sort();
    if areas.is_empty() {
        concern.to_owned()
    } else {
        format!("{concern}@{}", areas.join("+"))
    }
}

/// How an element of a list is named in paths, if it can be.
fn element_key(element: &Value) -> Option<String> {
    let object = element.as_object()?;
    for key in ["id", "tag", "version", "sensitivity"] {
        if let Some(Value::String(s)) = object.get(key) {
            return Some(s.clone());
        }
    }
    let concern = object.get("concern")?.as_str()?;
    let areas: Vec<String> = object
        .get("areas")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Some(pathway_key(concern, &areas))
}

/// The keys of a list's elements, when every element has one and no two share it.
fn keys_of(items: &[Value]) -> Option<Vec<String>> {
    if !items.iter().any(Value::is_object) {
        return None;
    }
    let keys: Vec<String> = items.iter().map(element_key).collect::<Option<_>>()?;
    let unique: std::collections::BTreeSet<&String> = keys.iter().collect();
    (unique.len() == keys.len()).then_some(keys)
}

/// Every leaf of `value`, by path.
pub fn leaves(value: &Value) -> BTreeMap<String, Leaf> {
    leaves_at(value, "")
}

/// Every leaf of `value`, which stands at `path`.
pub fn leaves_at(value: &Value, path: &str) -> BTreeMap<String, Leaf> {
    let mut out = BTreeMap::new();
    walk(value, path, &mut out);
    out
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn walk(value: &Value, path: &str, out: &mut BTreeMap<String, Leaf>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                walk(value, &join(path, key), out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => match keys_of(items) {
            Some(keys) => {
                for (key, item) in keys.iter().zip(items) {
                    let at = format!("{path}[{key}]");
                    out.insert(at.clone(), Leaf::Element);
                    walk(item, &at, out);
                }
                out.insert(format!("{path}[]"), Leaf::Order(keys));
            }
            None => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), out);
                }
            }
        },
        _ => {
            out.insert(path.to_owned(), Leaf::Value(value.clone()));
        }
    }
}

/// The readable path of the value at the JSON `pointer` of `value` (as [`leaves`] names
/// it), e.g. `/roles/2/label` → `roles[caseworker].label`.
pub fn path_of(value: &Value, pointer: &str) -> String {
    let mut path = String::new();
    let mut at = value;
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        match at {
            Value::Array(items) => {
                let index: usize = part.parse().unwrap_or(usize::MAX);
                match keys_of(items).and_then(|keys| keys.get(index).cloned()) {
                    Some(key) => path.push_str(&format!("[{key}]")),
                    None => path.push_str(&format!("[{part}]")),
                }
                match items.get(index) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            Value::Object(map) => {
                path = join(&path, &part);
                match map.get(&part) {
                    Some(next) => at = next,
                    None => break,
                }
            }
            _ => break,
        }
    }
    path
}

/// Whether `claim` (a path an SOP-term change speaks for) covers the leaf at `path`:
/// one is the other, or holds it.
pub fn covers(claim: &str, path: &str) -> bool {
    let within = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    within(path, claim) || within(claim, path)
}

/// A value as one short line.
pub fn show(value: &Value) -> String {
    let text = match value {
        Value::Null => "none".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let text = text.replace('\n', " ");
    match text.char_indices().nth(100) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The SOP section a path belongs to, by its first part.
pub fn section_of(path: &str) -> &'static str {
    let first = path.split(['.', '[']).next().unwrap_or_default();
    match first {
        "sop" | "languages" | "spoken_languages" | "default_language" | "include" => "document",
        "scope" => "purpose and scope",
        "organisations" | "areas" | "entry_points" => "coordination",
        "roles" => "roles",
        "steps" | "emergency" | "reopening" => "steps",
        "case_conference" => "case conferences",
        "risk_levels" | "concerns" => "prioritisation",
        "services" | "pathways" => "referrals",
        "bid" => "bid",
        "staffing" => "human resources",
        "data_protection" => "data protection",
        "safeguarding" => "safeguarding",
        "cross_border" => "cross-border",
        "sources" => "sources",
        "kpis" => "monitoring",
        "glossary" => "glossary",
        "forms" | "form_definitions" | "choice_lists" | "print_strings" | "logos" => "forms",
        "sop_prose" | "templates" => "SOP text",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_lists_are_named_by_their_elements() {
        let value = json!({
            "roles": [{ "id": "cw", "label": { "en": "Caseworker" } }],
            "pathways": [{ "concern": "neglect", "areas": ["b", "a"], "services": ["s1", "s2"] }],
            "glossary": [{ "term": { "en": "BIA" } }],
        });
        let leaves = leaves(&value);
        assert_eq!(
            leaves["roles[cw].label.en"],
            Leaf::Value(json!("Caseworker"))
        );
        assert_eq!(leaves["roles[cw]"], Leaf::Element);
        assert_eq!(leaves["roles[]"], Leaf::Order(vec!["cw".into()]));
        assert_eq!(
            leaves["pathways[neglect@a+b].services"],
            Leaf::Value(json!(["s1", "s2"]))
        );
        assert!(leaves.contains_key("glossary[0].term.en"));
    }

    #[test]
    fn a_claim_covers_what_it_holds_and_nothing_beside_it() {
        assert!(covers("roles[cw].label", "roles[cw].label.fr"));
        assert!(covers("roles[cw].label.en", "roles[cw].label"));
        assert!(covers("roles[cw]", "roles[cw].organisations"));
        assert!(!covers("roles[cw]", "roles[cw2].label"));
        assert!(!covers("roles[cw].label", "roles[cw].label_short"));
    }
}
