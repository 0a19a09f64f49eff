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
