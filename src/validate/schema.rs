//! Validation layer (a): the document against the configuration's JSON Schema, with each
//! error turned into a diagnostic that points at the offending key or value.

use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::config::schema::config_schema;
use crate::config::source::{SourceMap, escape};
use crate::diagnostic::{Diagnostic, did_you_mean};

struct CompiledSchema {
    schema: Value,
    validator: Validator,
}

static SCHEMA: LazyLock<CompiledSchema> = LazyLock::new(|| {
    let schema = config_schema();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        // The schema is generated from our own types; a test proves it compiles.
        .expect("the generated configuration schema compiles");
    CompiledSchema { schema, validator }
});

/// Checks `document` against the configuration schema.
pub fn check_schema(document: &Value, map: &SourceMap) -> Vec<Diagnostic> {
    let compiled = &*SCHEMA;
    let mut diagnostics = Vec::new();
    for error in compiled.validator.iter_errors(document) {
        explain(&error, &compiled.schema, map, &mut diagnostics);
    }
    diagnostics.sort_by_key(|d| d.location.as_ref().map(|l| (l.file, l.span.start)));
    diagnostics.dedup_by(|a, b| a.message == b.message && a.location == b.location);
    diagnostics
}

/// How the schema's errors can be set aside so the semantic rules run on the rest.
enum Repair {
    /// A key the schema does not know: removing it cannot change what any other value
    /// means.
    Remove(String),
    /// A value outside its list: the nearest allowed value (or the first) stands in, so
    /// the value's siblings (a service's provider beside its misspelt type) are checked.
    Replace(String, Value),
}

/// The repairs that make `document` well formed, or `None` when an error is of another
/// kind (a wrong type, a missing key…), whose stand-in would invent problems.
fn repairs(document: &Value) -> Option<Vec<Repair>> {
    let mut out = Vec::new();
    for error in SCHEMA.validator.iter_errors(document) {
        let pointer = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => out.extend(
                unexpected
                    .iter()
                    .map(|key| Repair::Remove(format!("{pointer}/{}", escape(key)))),
            ),
            ValidationErrorKind::Enum { options } => {
                let options: Vec<&str> = options
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                let wrong = error.instance().as_str().unwrap_or_default();
                let stand_in =
                    did_you_mean(wrong, options.iter().copied()).or(options.first().copied())?;
                out.push(Repair::Replace(pointer, Value::String(stand_in.to_owned())));
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Sets the schema's errors aside where that invents nothing: unknown keys are removed,
/// and a value outside its list gives way to the nearest allowed one. Whether the
/// document is then well formed, so that the semantic rules can run on it; the
/// diagnostics already made still report every error.
pub fn repair(document: &mut Value) -> bool {
    let Some(repairs) = repairs(document) else {
        return false;
    };
    for repair in repairs {
        match repair {
            Repair::Remove(pointer) => {
                let Some((parent, key)) = pointer.rsplit_once('/') else {
                    continue;
                };
                let key = key.replace("~1", "/").replace("~0", "~");
                if let Some(Value::Object(map)) = document.pointer_mut(parent) {
                    map.remove(&key);
                }
            }
            Repair::Replace(pointer, value) => {
                if let Some(slot) = document.pointer_mut(&pointer) {
                    *slot = value;
                }
            }
        }
    }
    SCHEMA.validator.is_valid(document)
}

fn explain(error: &ValidationError<'_>, root: &Value, map: &SourceMap, out: &mut Vec<Diagnostic>) {
    let pointer = error.instance_path().as_str().to_owned();
    // The schema holding the failed keyword: its description says what is expected.
    let node = schema_node(root, parent_keyword(error.evaluation_path().as_str()));
    let help_text = node
        .and_then(|n| n.get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let what = describe(&pointer);
    let instance = error.instance();

    let diagnostic = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = schema_node(root, parent_keyword(error.evaluation_path().as_str()))
                .and_then(|n| n.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect::<Vec<_>>())
                .unwrap_or_default();
            for key in unexpected {
                let key_pointer = format!("{pointer}/{}", escape(key));
                let help = match did_you_mean(key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if allowed.is_empty() => "remove it".to_owned(),
                    None => format!("the keys allowed here are: {}", allowed.join(", ")),
                };
                out.push(
                    Diagnostic::error("unknown-key", format!("unknown key `{key}` in {what}"))
                        .with_help(help)
                        .at(map.key(&key_pointer)),
                );
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let description = schema_node(root, parent_keyword(error.evaluation_path().as_str()))
                .and_then(|n| n.pointer(&format!("/properties/{}", escape(name))))
                .and_then(|p| property_description(root, p));
            let help = match description {
                Some(d) => format!("add `{name}`: {d}"),
                None => format!("add `{name}`"),
            };
            Diagnostic::error(
                "missing-key",
                format!("{what} is missing the required key `{name}`"),
            )
            .with_help(help)
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(&t.to_string()),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| article(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            Diagnostic::error(
                "wrong-type",
                format!("{what} must be {expected}, not {}", kind_of(instance)),
            )
            .with_help(help_text.unwrap_or_else(|| format!("write {expected}")))
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let wrong = instance.as_str().unwrap_or_default();
            let help = match did_you_mean(wrong, options.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (allowed: {})", options.join(", ")),
                None => format!("allowed values: {}", options.join(", ")),
            };
            Diagnostic::error(
                "invalid-value",
                format!("{} is not an allowed value for {what}", short(instance)),
            )
            .with_help(help)
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
            let kind_name = node_title(root, error.evaluation_path().as_str()).unwrap_or("value");
            Diagnostic::error(
                "invalid-value",
                format!("{} is not a valid {kind_name} for {what}", short(instance)),
            )
            .with_help(help_text.unwrap_or_else(|| "check the format".into()))
        }
        ValidationErrorKind::MinProperties { .. }
        | ValidationErrorKind::MinItems { .. }
        | ValidationErrorKind::MinLength { .. } => {
            Diagnostic::error("empty-value", format!("{what} is empty"))
                .with_help(help_text.unwrap_or_else(|| "give it a value".into()))
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Report the branch that matches the value's type (e.g. the table form of a
            // localised text), so the user sees the real problem rather than "no match".
            let matching: Vec<_> = context
                .iter()
                .filter(|branch| {
                    !branch.iter().any(|e| {
                        e.instance_path() == error.instance_path()
                            && matches!(e.kind(), ValidationErrorKind::Type { .. })
                    })
                })
                .collect();
            if let [branch] = matching.as_slice() {
                for inner in branch.iter() {
                    explain(inner, root, map, out);
                }
                return;
            }
            let parent = schema_node(
                root,
                error
                    .evaluation_path()
                    .as_str()
                    .rsplit_once('/')
                    .map_or("", |p| p.0),
            );
            let help = parent
                .and_then(|n| n.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("check the value");
            Diagnostic::error(
                "wrong-type",
                format!("{what} has the wrong form ({})", kind_of(instance)),
            )
            .with_help(help)
        }
        _ => Diagnostic::error("invalid-value", format!("{what}: {error}"))
            .with_help(help_text.unwrap_or_else(|| "check the value".into())),
    };
    out.push(diagnostic.at(map.value(&pointer)));
}

/// Finds the schema node an evaluation path leads to, following `$ref`s.
fn schema_node<'a>(root: &'a Value, evaluation_path: &str) -> Option<&'a Value> {
    let mut node = root;
    for segment in evaluation_path.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            root.pointer(target)?
        } else {
            match node {
                Value::Object(m) => m.get(&segment)?,
                Value::Array(a) => a.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(node)
}

/// The description of a property schema, looking through a `$ref` if it has none itself.
fn property_description<'a>(root: &'a Value, property: &'a Value) -> Option<&'a str> {
    if let Some(d) = property.get("description").and_then(Value::as_str) {
        return Some(first_sentence(d));
    }
    let target = property.get("$ref")?.as_str()?.strip_prefix('#')?;
    root.pointer(target)?
        .get("description")
        .and_then(Value::as_str)
        .map(first_sentence)
}

/// The first sentence of a description ("e.g. " does not end one).
fn first_sentence(text: &str) -> &str {
    let mut from = 0;
    while let Some(i) = text[from..].find(". ") {
        let end = from + i;
        if !text[..end].ends_with("e.g") && !text[..end].ends_with("i.e") {
            return &text[..end];
        }
        from = end + 2;
    }
    text.trim_end_matches('.')
}

/// The name of the type whose keyword failed, e.g. `Duration`, from the last `$ref`.
fn node_title<'a>(root: &'a Value, evaluation_path: &str) -> Option<&'a str> {
    let up_to_ref = &evaluation_path[..evaluation_path.rfind("/$ref")?];
    let reference = schema_node(root, up_to_ref)?.get("$ref")?.as_str()?;
    let name = reference.rsplit('/').next()?;
    Some(match name {
        "Id" => "id (lowercase snake_case)",
        "Duration" => "duration",
        "Date" => "date (YYYY-MM-DD)",
        "Version" => "version (MAJOR.MINOR.PATCH)",
        "CountryCode" => "country code",
        "ScriptCode" => "script code",
        "LanguageTag" => "language tag",
        "ProgresCode" => "proGres code",
        "FieldRef" => "field reference",
        other => other,
    })
}

/// The evaluation path of the schema that holds the failed keyword.
fn parent_keyword(evaluation_path: &str) -> &str {
    evaluation_path
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent)
}

/// Names a JSON pointer the way the TOML reads: `[sop]`, `organisations[2].name`.
pub fn describe(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the configuration".into();
    }
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!(" #{}", segment.parse::<usize>().unwrap_or(0) + 1));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    format!("`{out}`")
}

fn article(kind: &str) -> String {
    match kind {
        "object" => "a table".into(),
        "array" => "a list".into(),
        "integer" => "a whole number".into(),
        "number" => "a number".into(),
        "boolean" => "true or false".into(),
        "string" => "a string".into(),
        other => other.into(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(n) if n.is_i64() || n.is_u64() => "a whole number",
        Value::Number(_) => "a decimal number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("`{}…`", text.chars().take(60).collect::<String>())
    } else {
        format!("`{text}`")
    }
}
