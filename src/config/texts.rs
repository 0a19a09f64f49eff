//! Finding the configuration's texts: the document is walked alongside the configuration
//! schema, and every value whose schema is `Text` is a localisable text. Validation,
//! translation and resolve all find texts this one way.

use std::sync::LazyLock;

use serde_json::Value;

use super::schema::config_schema;
use super::source::escape;

static SCHEMA: LazyLock<Value> = LazyLock::new(config_schema);

/// Calls `visit(pointer, text)` for every string in `document`, localisable or not: names,
/// acronyms, contacts and codes are printed too.
pub fn for_each_string(document: &Value, mut visit: impl FnMut(&str, &str)) {
    fn walk(value: &Value, pointer: &mut String, visit: &mut dyn FnMut(&str, &str)) {
        let len = pointer.len();
        match value {
            Value::String(text) => visit(pointer, text),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    pointer.push_str(&format!("/{i}"));
                    walk(item, pointer, visit);
                    pointer.truncate(len);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    pointer.push('/');
                    pointer.push_str(&escape(key));
                    walk(item, pointer, visit);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    walk(document, &mut String::new(), &mut visit);
}

/// Calls `visit(pointer, value)` for every localisable text in `document`.
pub fn for_each_text(document: &Value, mut visit: impl FnMut(&str, &Value)) {
    let root = &*SCHEMA;
    walk(document, root, root, &mut String::new(), &mut visit);
}

fn walk(
    value: &Value,
    schema: &Value,
    root: &Value,
    pointer: &mut String,
    visit: &mut dyn FnMut(&str, &Value),
) {
    let mut schema = schema;
    while let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if target == "#/$defs/Text" {
            visit(pointer, value);
            return;
        }
        match target.strip_prefix('#').and_then(|t| root.pointer(t)) {
            Some(s) => schema = s,
            None => return,
        }
    }
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let sub = schema
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| schema.get("additionalProperties").filter(|s| s.is_object()));
                if let Some(sub) = sub {
                    pointer.push('/');
                    pointer.push_str(&escape(key));
                    walk(child, sub, root, pointer, visit);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let sub = schema
                    .get("items")
                    .or_else(|| schema.get("prefixItems").and_then(|p| p.get(i)));
                if let Some(sub) = sub {
                    pointer.push_str(&format!("/{i}"));
                    walk(child, sub, root, pointer, visit);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}
