//! Finding the configuration's texts: the document is walked alongside the configuration
//! schema, and every value whose schema is `Text` is a localisable text. Validation,
//! translation and resolve all find texts this one way.

use std::sync::LazyLock;

use serde_json::Value;

use super::schema::config_schema;
use super::source::escape;

static SCHEMA: LazyLock<Value> = LazyLock::new(config_schema);

/// Calls `visit(text, pointer)` for every string in `document`, localisable or not: names,
/// acronyms, contacts and codes are printed too. `pointer()` makes the string's JSON
/// pointer, which only a string with a problem needs: a directory of 20,000 services holds
/// hundreds of thousands of strings.
pub fn for_each_string(document: &Value, mut visit: impl FnMut(&str, &dyn Fn() -> String)) {
    enum Step<'a> {
        Key(&'a str),
        Index(usize),
    }
    fn pointer(path: &[Step<'_>]) -> String {
        let mut out = String::new();
        for step in path {
            out.push('/');
            match step {
                Step::Key(key) => out.push_str(&escape(key)),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
    fn walk<'a>(
        value: &'a Value,
        path: &mut Vec<Step<'a>>,
        visit: &mut dyn FnMut(&str, &dyn Fn() -> String),
    ) {
        match value {
            Value::String(text) => visit(text, &|| pointer(path)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(item, path, visit);
                    path.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    path.push(Step::Key(key));
                    walk(item, path, visit);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(document, &mut Vec::new(), &mut visit);
}

/// Calls `visit(pointer, value)` for every localisable text in `document`.
pub fn for_each_text(document: &Value, mut visit: impl FnMut(&str, &Value)) {
    let root = &*SCHEMA;
    walk(document, root, root, &mut String::new(), &mut visit);
}

/// Calls `visit(value)` for every localisable text in `document`, in place: for the
/// passes that rewrite every text (tag case, regional tags, normalising) and need no
/// pointer, which would cost a string and a second walk per text.
pub fn for_each_text_mut(document: &mut Value, mut visit: impl FnMut(&mut Value)) {
    let root = &*SCHEMA;
    walk_mut(document, root, root, &mut visit);
}

fn walk_mut(value: &mut Value, schema: &Value, root: &Value, visit: &mut dyn FnMut(&mut Value)) {
    let Some(schema) = resolved(schema, root) else {
        visit(value);
        return;
    };
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if let Some(sub) = property(schema, key) {
                    walk_mut(child, sub, root, visit);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                if let Some(sub) = item(schema, i) {
                    walk_mut(child, sub, root, visit);
                }
            }
        }
        _ => {}
    }
}

/// The schema `schema` refers to, followed through `$ref`s; `None` when it is `Text`.
/// A reference that leads nowhere gives an empty schema, under which nothing is a text.
fn resolved<'a>(schema: &'a Value, root: &'a Value) -> Option<&'a Value> {
    static NOTHING: Value = Value::Null;
    let mut schema = schema;
    while let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if target == "#/$defs/Text" {
            return None;
        }
        // Every reference the generated schema makes is to a definition: one lookup, not
        // a pointer parsed per value visited.
        let definition = target
            .strip_prefix("#/$defs/")
            .and_then(|name| root.get("$defs")?.get(name));
        schema = match definition.or_else(|| target.strip_prefix('#').and_then(|t| root.pointer(t)))
        {
            Some(s) => s,
            None => return Some(&NOTHING),
        };
    }
    Some(schema)
}

/// The schema of an object's property `key`.
fn property<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|s| s.is_object()))
}

/// The schema of an array's item `i`.
fn item(schema: &Value, i: usize) -> Option<&Value> {
    schema
        .get("items")
        .or_else(|| schema.get("prefixItems").and_then(|p| p.get(i)))
}

fn walk(
    value: &Value,
    schema: &Value,
    root: &Value,
    pointer: &mut String,
    visit: &mut dyn FnMut(&str, &Value),
) {
    let Some(schema) = resolved(schema, root) else {
        visit(pointer, value);
        return;
    };
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if let Some(sub) = property(schema, key) {
                    pointer.push('/');
                    pointer.push_str(&escape(key));
                    walk(child, sub, root, pointer, visit);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if let Some(sub) = item(schema, i) {
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    walk(child, sub, root, pointer, visit);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::rules::test_support::{MINIMAL, checked};

    #[test]
    fn both_walks_visit_the_same_texts_in_the_same_order() {
        let checked = checked(MINIMAL);
        let mut document = checked.source.expect("read").document;
        let mut by_reference = Vec::new();
        for_each_text(&document, |_, value| by_reference.push(value.clone()));
        let mut in_place = Vec::new();
        for_each_text_mut(&mut document, |value| in_place.push(value.clone()));
        // The defaults' roles, steps, risk levels and concerns hold dozens of texts.
        assert!(by_reference.len() > 50, "{}", by_reference.len());
        assert_eq!(by_reference, in_place);
    }
}
