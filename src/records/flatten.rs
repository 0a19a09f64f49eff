//! One submission, as ODK Central exports it (groups nested, repeats as arrays,
//! multiple choices as space-separated ids, signatures as groups of four answers), made
//! into a flat bipgen record.

use serde_json::{Map, Number, Value};

use super::Problem;
use crate::forms::model::{Field, FieldType, FormDefinition};
use crate::forms::resolve::all_fields;

/// Keys ODK adds to every submission or group, and the case list's questions
/// (`[forms.odk] entities`): not answers.
fn is_system(key: &str) -> bool {
    key.starts_with("__")
        || key.contains('@')
        || key == "meta"
        || crate::forms::case_list::RESERVED.contains(&key)
}

/// ODK's metadata questions (`[forms.odk] metadata`): recorded by the phone, not part of
/// a bipgen record.
const METADATA: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "phonenumber",
    "username",
    "email",
    "audit",
    "simserial",
    "subscriberid",
];

pub fn record(submission: &Value, form: &FormDefinition) -> Result<Value, Vec<Problem>> {
    let fields = all_fields(form);
    let mut out = Map::new();
    let mut problems = Vec::new();
    let Some(object) = submission.as_object() else {
        return Err(vec![Problem {
            field: String::new(),
            message: "a submission must be a JSON object".into(),
        }]);
    };
    collect(object, &fields, "", &mut out, &mut problems);
    if problems.is_empty() {
        Ok(Value::Object(out))
    } else {
        Err(problems)
    }
}

/// Walks one level of the submission: answers go into `out`; objects that are not
/// answers are groups, walked in turn.
fn collect(
    object: &Map<String, Value>,
    fields: &[&Field],
    at: &str,
    out: &mut Map<String, Value>,
    problems: &mut Vec<Problem>,
) {
    for (key, value) in object {
        if is_system(key) {
            continue;
        }
        let field = fields.iter().find(|f| f.id.as_str() == key);
        match (field, value) {
            (Some(field), _) if field.kind.holds_answer() => {
                let pointer = format!("{at}/{key}");
                match answer(field, value, &pointer, problems) {
                    Some(answer) => {
                        out.insert(key.clone(), answer);
                    }
                    None => continue,
                }
            }
            // A section, a screen (`<section>-<n>`) or a group field.
            (_, Value::Object(group)) => collect(group, fields, at, out, problems),
            (None, _) if METADATA.contains(&key.as_str()) => {}
            (None, _) => problems.push(Problem {
                field: format!("{at}/{key}"),
                message: format!("`{key}` is not a question of this form"),
            }),
            (Some(_), _) => {}
        }
    }
}

/// One answer in the record's shape; `None` for an empty answer.
fn answer(
    field: &Field,
    value: &Value,
    pointer: &str,
    problems: &mut Vec<Problem>,
) -> Option<Value> {
    if value.is_null() || value.as_str() == Some("") {
        return None;
    }
    let mut wrong = |expected: &str| {
        problems.push(Problem {
            field: pointer.to_owned(),
            message: format!("expected {expected}, found {value}"),
        });
        None
    };
    match field.kind {
        FieldType::MultipleChoice => match value {
            Value::String(ids) => Some(Value::Array(
                ids.split_whitespace()
                    .map(|id| Value::String(id.into()))
                    .collect(),
            )),
            Value::Array(_) => Some(value.clone()),
            _ => wrong("option ids separated by spaces"),
        },
        FieldType::Integer | FieldType::Decimal => match value {
            Value::Number(_) => Some(value.clone()),
            Value::String(text) => {
                let parsed = if field.kind == FieldType::Integer {
                    text.trim().parse::<i64>().ok().map(Number::from)
                } else {
                    text.trim().parse::<f64>().ok().and_then(Number::from_f64)
                };
                match parsed {
                    Some(n) => Some(Value::Number(n)),
                    None => wrong("a number"),
                }
            }
            _ => wrong("a number"),
        },
        FieldType::Signature => match value {
            Value::Object(parts) => signature(field, parts),
            _ => wrong("the signature's group (name, date, method, image)"),
        },
        FieldType::Repeat => match value {
            Value::Array(rows) => {
                let children: Vec<&Field> = all_children(field);
                let rows = rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| {
                        let mut out = Map::new();
                        match row.as_object() {
                            Some(row) => collect(
                                row,
                                &children,
                                &format!("{pointer}/{i}"),
                                &mut out,
                                problems,
                            ),
                            None => problems.push(Problem {
                                field: format!("{pointer}/{i}"),
                                message: "a repeat row must be an object".into(),
                            }),
                        }
                        Value::Object(out)
                    })
                    .collect();
                Some(Value::Array(rows))
            }
            _ => wrong("the repeat's rows"),
        },
        FieldType::Date => match value.as_str() {
            Some(text) if text.parse::<crate::config::Date>().is_ok() => Some(value.clone()),
            _ => wrong("a date written YYYY-MM-DD"),
        },
        _ => match value {
            Value::String(_) => Some(value.clone()),
            // Central types dates and text as strings; anything else is kept as text.
            Value::Number(n) => Some(Value::String(n.to_string())),
            Value::Bool(b) => Some(Value::String(if *b { "yes" } else { "no" }.into())),
            _ => wrong("text"),
        },
    }
}

fn all_children(field: &Field) -> Vec<&Field> {
    let mut out = Vec::new();
    let mut stack: Vec<&Field> = field.fields.iter().collect();
    while let Some(child) = stack.pop() {
        out.push(child);
        stack.extend(child.fields.iter());
    }
    out
}

/// `{ <id>_name, <id>_date, <id>_method, <id>_image }` → `{ name, date, method, image }`.
fn signature(field: &Field, parts: &Map<String, Value>) -> Option<Value> {
    let mut out = Map::new();
    for part in ["name", "date", "method", "image"] {
        let key = format!("{}_{part}", field.id);
        if let Some(value) = parts
            .get(&key)
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
        {
            out.insert(part.to_owned(), value.clone());
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::library::LIBRARY;
    use serde_json::json;

    #[test]
    fn groups_disappear_choices_split_and_signatures_gather() {
        let form = &LIBRARY.form("child_assent").unwrap().form;
        let submission = json!({
            "__id": "uuid:1",
            "meta": { "instanceID": "uuid:1" },
            "header": { "case_id": "TD-1", "form_date": "2026-01-15", "interview_language": "fr" },
            "child_page": {
                "assent_talk": "yes",
                "child_own_words": "",
                "child_mark": { "child_mark_name": "N. H. A.", "child_mark_date": "2026-01-15",
                                "child_mark_method": "thumbprint", "child_mark_image": "1736.png" },
                "caseworker_sig": { "caseworker_sig_name": "M. S. O.", "caseworker_sig_date": "2026-01-15",
                                    "caseworker_sig_method": null, "caseworker_sig_image": null }
            }
        });
        let record = record(&submission, form).unwrap();
        assert_eq!(record["case_id"], "TD-1");
        assert_eq!(record["assent_talk"], "yes");
        assert!(
            record.get("child_own_words").is_none(),
            "empty answers are left out"
        );
        assert_eq!(
            record["child_mark"],
            json!({ "name": "N. H. A.", "date": "2026-01-15", "method": "thumbprint", "image": "1736.png" })
        );
        assert_eq!(
            record["caseworker_sig"],
            json!({ "name": "M. S. O.", "date": "2026-01-15" })
        );
    }

    #[test]
    fn the_case_lists_questions_are_not_answers() {
        let form = &LIBRARY.form("case_closure").unwrap().form;
        let submission = json!({
            "header": { "case_entity": "4d6a1fe1-6dff-4f72-b122-1413fe9b2dd0", "case_id": "TD-1" },
            "case_risk_level": "low",
            "case_status": "closed",
            "meta": { "instanceID": "uuid:2", "entity": { "id": "4d6a1fe1" } }
        });
        let record = record(&submission, form).unwrap();
        assert_eq!(record, json!({ "case_id": "TD-1" }));
    }

    #[test]
    fn an_unknown_question_is_named() {
        let form = &LIBRARY.form("child_assent").unwrap().form;
        let problems = record(&json!({ "header": { "case_number": "x" } }), form).unwrap_err();
        assert_eq!(problems[0].field, "/case_number");
    }
}
