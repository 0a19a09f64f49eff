//! `schemas/<form>.schema.json`: JSON Schema 2020-12 of one filled record of a form.
//!
//! Groups are flattened (field ids are unique in a form); repeats are arrays of objects.
//! Yes/no answers are `"yes"` / `"no"` and choices are option ids, as in XLSForm, so a
//! record exported from ODK or KoboToolbox has the same shape. A required field that
//! depends on a condition is required through `if`/`then` when the condition can be said
//! in JSON Schema; otherwise the condition is kept in `x-required-when` for the consumer.
//!
//! Names are for code generators: every `title` is a stable ASCII name made from ids
//! (`BiaShortRecord`, `RiskLevels`, `FollowUpReviewFollowUpsRow`), never from a label, so
//! relabelling a field or an option changes no generated type. Each choice list is one
//! `$defs` entry that its questions `$ref`. The words people read are in `description`
//! (the label in the default language) and `x-labels` (every language).

use serde_json::{Map, Value, json};

use super::{Output, OutputKind, RenderError, Renderer, to_json_bytes};
use crate::config::Text;
use crate::forms::expr::{self, BinaryOp, Expr, ExprKind, Function};
use crate::forms::model::{ChoiceIndex, Field, FieldType, FormDefinition};
use crate::pack::Pack;

pub struct RecordSchemas;

/// Base of the `$id` of record schemas.
pub const RECORD_SCHEMA_BASE: &str = "https://bipgen.org/schemas/records";

impl Renderer for RecordSchemas {
    fn name(&self) -> &'static str {
        "record schemas"
    }

    fn part(&self) -> crate::pack::Part {
        crate::pack::Part::Schemas
    }

    fn render(&self, pack: &Pack) -> Result<Vec<Output>, RenderError> {
        pack.forms
            .forms
            .iter()
            .map(|form| {
                let schema = record_schema(form, pack);
                Ok(Output {
                    path: format!("schemas/{}.schema.json", form.id),
                    kind: OutputKind::RecordSchema,
                    form: Some(form.id.to_string()),
                    languages: pack.languages().iter().map(|l| l.tag.to_string()).collect(),
                    bytes: to_json_bytes(&schema, self.name())?,
                })
            })
            .collect()
    }
}

struct Context<'a> {
    pack: &'a Pack,
    form: &'a FormDefinition,
    default_language: &'a str,
    /// The `$defs` the record's questions refer to, filled as they are met.
    defs: std::cell::RefCell<std::collections::BTreeMap<String, Value>>,
}

/// `bia_short` → `BiaShort`: a type name from an id.
pub fn pascal(id: &str) -> String {
    id.split(['_', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl Context<'_> {
    fn title(&self, text: &Text) -> String {
        self.pack
            .text(text, self.default_language)
            .map(|s| s.text.to_owned())
            .unwrap_or_default()
    }

    /// `{ "en": "…", "fr": "…" }` in the configured languages.
    fn labels(&self, text: &Text) -> Value {
        let map: Map<String, Value> = self
            .pack
            .languages()
            .iter()
            .filter_map(|l| {
                Some((
                    l.tag.to_string(),
                    Value::String(self.pack.text(text, l.tag.as_str())?.text.to_owned()),
                ))
            })
            .collect();
        Value::Object(map)
    }

    fn choices(&self) -> &ChoiceIndex {
        &self.pack.forms.choices
    }

    /// `{ "$ref": "#/$defs/<list>" }`, adding the list's definition once: its options as
    /// `const`s with their labels.
    fn list_ref(&self, list: &str) -> Value {
        let mut defs = self.defs.borrow_mut();
        if !defs.contains_key(list) {
            let one_of: Vec<Value> = self
                .choices()
                .get(list)
                .map(|l| {
                    l.options
                        .iter()
                        .map(|o| {
                            json!({
                                "type": "string",
                                "const": o.id.as_str(),
                                "description": self.title(&o.label),
                                "x-labels": self.labels(&o.label),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            defs.insert(
                list.to_owned(),
                // The type is on each option, not beside `oneOf`: code generators read
                // a union of literals, not a string intersected with one.
                json!({ "title": pascal(list), "oneOf": one_of }),
            );
        }
        json!({ "$ref": format!("#/$defs/{list}") })
    }

    /// `{ "$ref": "#/$defs/signature" }`, adding the signature's definition once.
    fn signature_ref(&self) -> Value {
        if self.defs.borrow().contains_key("signature") {
            return json!({ "$ref": "#/$defs/signature" });
        }
        let mut signature = json!({
                "title": "Signature",
                "type": "object",
                "properties": {
                    "name": { "type": "string", "description": "Name of the person signing" },
                    "date": { "type": "string", "format": "date", "description": "Date of signing" },
                    "method": {
                        "type": "string",
                        "description": "How the signature was given",
                        // The XLSForm offers the same list (`signature_method`).
                        "enum": (self.pack.forms.choices.get("signature_method")
                            .map(|l| l.options.iter().map(|o| o.id.to_string()).collect::<Vec<_>>())
                            .unwrap_or_default())
                    },
                    "image": { "type": "string", "minLength": 1, "description": "File name of the signature or thumbprint image, as the submission's attachment" }
                },
                "required": ["name", "date"],
                "additionalProperties": false
        });
        // The parts as the printed form and the XLSForm name them, in every language.
        for (part, key) in [
            ("name", "name"),
            ("date", "date"),
            ("method", "signature_method"),
            ("image", "signature"),
        ] {
            if let Some(text) = self.pack.print_strings.get(key)
                && let Some(Value::Object(property)) =
                    signature.pointer_mut(&format!("/properties/{part}"))
            {
                property.insert("x-labels".into(), self.labels(text));
            }
        }
        self.defs.borrow_mut().insert("signature".into(), signature);
        json!({ "$ref": "#/$defs/signature" })
    }
}

pub fn record_schema(form: &FormDefinition, pack: &Pack) -> Value {
    let cx = Context {
        pack,
        form,
        default_language: pack.config.default_language.as_str(),
        defs: Default::default(),
    };
    let sop = &pack.config.sop;
    let mut object = ObjectSchema::default();
    for section in &form.sections {
        let condition = section.relevant.as_deref();
        for field in &section.fields {
            object.add(&cx, field, condition);
        }
    }
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{RECORD_SCHEMA_BASE}/{}/{}.schema.json", sop.country.as_str().to_ascii_lowercase(), form.id),
        "title": format!("{}Record", pascal(form.id.as_str())),
        "description": format!("{}: {}", cx.title(&form.title), cx.title(&form.purpose)),
        "x-form": form.id.as_str(),
        "x-form-version": form.version.to_string(),
        "x-sop-version": sop.version.to_string(),
        "x-labels": cx.labels(&form.title),
    });
    object.finish(&mut schema);
    let defs = cx.defs.into_inner();
    if !defs.is_empty() {
        schema["$defs"] = Value::Object(defs.into_iter().collect());
    }
    schema
}

/// The properties of one record object (the form, or a repeat's row).
#[derive(Default)]
struct ObjectSchema {
    properties: Map<String, Value>,
    required: Vec<String>,
    conditional: Vec<Value>,
}

impl ObjectSchema {
    fn add(&mut self, cx: &Context<'_>, field: &Field, inherited: Option<&str>) {
        let condition = match (inherited, field.relevant.as_deref()) {
            (Some(a), Some(b)) => Some(format!("({a}) and ({b})")),
            (Some(a), None) => Some(a.to_owned()),
            (None, Some(b)) => Some(b.to_owned()),
            (None, None) => None,
        };
        match field.kind {
            FieldType::Note => return,
            FieldType::Group => {
                for child in &field.fields {
                    self.add(cx, child, condition.as_deref());
                }
                return;
            }
            _ => {}
        }
        let id = field.id.to_string();
        let mut property = value_schema(cx, field);
        // A `$ref` beside the property's own words is wrapped, so that code generators
        // keep one type per shared list (json-schema-to-typescript makes `YesNo1`,
        // `YesNo2`… of a `$ref` with siblings) and put the words on the property.
        if let Some(object) = property.as_object_mut()
            && let Some(reference) = object.remove("$ref")
        {
            let mut wrapped = serde_json::Map::new();
            wrapped.insert("allOf".into(), json!([{ "$ref": reference }]));
            wrapped.extend(std::mem::take(object));
            property = Value::Object(wrapped);
        }
        let annotations = property.as_object_mut().expect("value schemas are objects");
        annotations.insert("description".into(), cx.title(&field.label).into());
        if let Some(hint) = &field.hint {
            annotations.insert("x-hint".into(), cx.title(hint).into());
        }
        annotations.insert("x-labels".into(), cx.labels(&field.label));
        annotations.insert(
            "x-sensitivity".into(),
            serde_json::to_value(field.sensitivity).unwrap_or_default(),
        );
        annotations.insert("x-cross-border".into(), field.cross_border.into());
        if field.core {
            annotations.insert("x-core".into(), true.into());
        }
        if let Some(relevant) = &condition {
            annotations.insert("x-relevant".into(), relevant.clone().into());
        }
        if let Some(constraint) = &field.constraint {
            annotations.insert("x-constraint".into(), constraint.clone().into());
            // What JSON Schema can say of it becomes keywords; the rest stays in words.
            if let Ok(parsed) = expr::parse(constraint) {
                for (keyword, value) in constraint_keywords(&parsed) {
                    annotations.entry(keyword).or_insert(value);
                }
            }
        }
        if field.required {
            match &condition {
                None => self.required.push(id.clone()),
                Some(source) => {
                    let expressed = expr::parse(source)
                        .ok()
                        .and_then(|e| condition_schema(&e, cx));
                    match expressed {
                        Some(when) => self
                            .conditional
                            .push(json!({ "if": when, "then": present(&id) })),
                        None => {
                            annotations.insert("x-required-when".into(), source.clone().into());
                        }
                    }
                }
            }
        }
        self.properties.insert(id, property);
    }

    fn finish(self, schema: &mut Value) {
        let object = schema.as_object_mut().expect("an object schema");
        object.insert("type".into(), "object".into());
        object.insert("properties".into(), Value::Object(self.properties));
        if !self.required.is_empty() {
            object.insert("required".into(), self.required.into());
        }
        object.insert("additionalProperties".into(), false.into());
        if !self.conditional.is_empty() {
            object.insert("allOf".into(), self.conditional.into());
        }
    }
}

fn value_schema(cx: &Context<'_>, field: &Field) -> Value {
    let options = |field: &Field| -> Value {
        match field.choices.as_ref() {
            Some(list) => cx.list_ref(list.as_str()),
            None => json!({ "type": "string" }),
        }
    };
    match field.kind {
        FieldType::Text | FieldType::LongText => json!({ "type": "string" }),
        FieldType::Integer => json!({ "type": "integer" }),
        FieldType::Decimal => json!({ "type": "number" }),
        FieldType::Date => json!({ "type": "string", "format": "date" }),
        FieldType::YesNo => cx.list_ref("yes_no"),
        FieldType::SingleChoice => options(field),
        FieldType::MultipleChoice => {
            json!({ "type": "array", "items": options(field), "uniqueItems": true })
        }
        FieldType::Signature => {
            let mut schema = cx.signature_ref();
            schema["x-collected-as"] = json!(
                ["_name", "_date", "_method", "_image"].map(|part| format!("{}{part}", field.id))
            );
            schema
        }
        FieldType::Repeat => {
            let mut row = ObjectSchema::default();
            for child in &field.fields {
                row.add(cx, child, None);
            }
            let mut items = json!({
                "title": format!("{}{}Row", pascal(cx.form.id.as_str()), pascal(field.id.as_str())),
            });
            row.finish(&mut items);
            let mut schema = json!({ "type": "array", "items": items });
            if let Some(rows) = field.rows {
                schema["x-printed-rows"] = rows.into();
            }
            schema
        }
        FieldType::Note | FieldType::Group => json!({}),
    }
}

/// "`id` is answered", naming the property beside `required` as Ajv's strict mode
/// (`strictRequired`) wants.
fn present(id: &str) -> Value {
    json!({ "required": [id], "properties": { id: true } })
}

/// A JSON Schema that holds exactly when the condition holds, for the conditions that
/// JSON Schema can state (equality with options, `selected`, `filled`, comparisons with
/// numbers, and `and` / `or` / `not` of those). `None` otherwise.
fn condition_schema(e: &Expr, cx: &Context<'_>) -> Option<Value> {
    let multiple = |id: &str| {
        crate::forms::resolve::all_fields(cx.form)
            .into_iter()
            .any(|f| f.id.as_str() == id && f.kind == FieldType::MultipleChoice)
    };
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, l, r) => {
            Some(json!({ "allOf": [condition_schema(l, cx)?, condition_schema(r, cx)?] }))
        }
        ExprKind::Binary(BinaryOp::Or, l, r) => {
            Some(json!({ "anyOf": [condition_schema(l, cx)?, condition_schema(r, cx)?] }))
        }
        ExprKind::Not(inner) => Some(json!({ "not": condition_schema(inner, cx)? })),
        ExprKind::Call(Function::Filled, args) => match &args[0].kind {
            ExprKind::Field(id) => Some(present(id)),
            _ => None,
        },
        ExprKind::Call(Function::Selected, args) => match (&args[0].kind, &args[1].kind) {
            (ExprKind::Field(id), ExprKind::Str(option)) if multiple(id) => Some(
                json!({ "required": [id], "properties": { id.clone(): { "type": "array", "contains": { "const": option } } } }),
            ),
            (ExprKind::Field(id), ExprKind::Str(option)) => {
                Some(json!({ "required": [id], "properties": { id.clone(): { "const": option } } }))
            }
            _ => None,
        },
        ExprKind::Binary(op, l, r) => {
            let (id, literal, flipped) = match (&l.kind, &r.kind) {
                (ExprKind::Field(id), lit @ (ExprKind::Str(_) | ExprKind::Number(_))) => {
                    (id, lit, false)
                }
                (lit @ (ExprKind::Str(_) | ExprKind::Number(_)), ExprKind::Field(id)) => {
                    (id, lit, true)
                }
                _ => return None,
            };
            let value = match literal {
                ExprKind::Str(s) => Value::String(s.clone()),
                ExprKind::Number(n) => json!(n),
                _ => return None,
            };
            let op = if flipped { flip(*op) } else { *op };
            let keyword = match (op, literal) {
                (BinaryOp::Eq, _) => json!({ "const": value }),
                (BinaryOp::Ne, _) => json!({ "not": { "const": value } }),
                (BinaryOp::Lt, ExprKind::Number(_)) => json!({ "exclusiveMaximum": value }),
                (BinaryOp::Le, ExprKind::Number(_)) => json!({ "maximum": value }),
                (BinaryOp::Gt, ExprKind::Number(_)) => json!({ "exclusiveMinimum": value }),
                (BinaryOp::Ge, ExprKind::Number(_)) => json!({ "minimum": value }),
                _ => return None,
            };
            Some(json!({ "required": [id], "properties": { id.clone(): keyword } }))
        }
        _ => None,
    }
}

/// The keywords a constraint implies: each part of an `and` that compares the answer
/// (`.`) with a number (`minimum`, `exclusiveMaximum`…) or equals a text (`const`).
/// Other parts (dates against today or another field) stay in `x-constraint` only.
fn constraint_keywords(e: &Expr) -> Vec<(String, Value)> {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, l, r) => {
            let mut keywords = constraint_keywords(l);
            keywords.extend(constraint_keywords(r));
            keywords
        }
        ExprKind::Binary(op, l, r) => {
            let (op, literal) = match (&l.kind, &r.kind) {
                (ExprKind::Current, literal) => (*op, literal),
                (literal, ExprKind::Current) => (flip(*op), literal),
                _ => return Vec::new(),
            };
            let keyword = match (op, literal) {
                (BinaryOp::Ge, ExprKind::Number(_)) => "minimum",
                (BinaryOp::Gt, ExprKind::Number(_)) => "exclusiveMinimum",
                (BinaryOp::Le, ExprKind::Number(_)) => "maximum",
                (BinaryOp::Lt, ExprKind::Number(_)) => "exclusiveMaximum",
                (BinaryOp::Eq, ExprKind::Number(_) | ExprKind::Str(_)) => "const",
                _ => return Vec::new(),
            };
            let value = match literal {
                ExprKind::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => json!(*n as i64),
                ExprKind::Number(n) => json!(n),
                ExprKind::Str(s) => json!(s),
                _ => return Vec::new(),
            };
            vec![(keyword.to_owned(), value)]
        }
        _ => Vec::new(),
    }
}

fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::validate::rules::test_support::{MINIMAL, checked};

    fn schema_with(fields: &str) -> serde_json::Value {
        let text = format!(
            "{MINIMAL}\n[forms]\nselected = [\"bia_short\"]\n[[forms.tailoring.bia_short.add_sections]]\n[[forms.tailoring.bia_short.add_sections.sections]]\nid = \"extra\"\ntitle = \"Extra\"\n{fields}"
        );
        let checked = checked(&text);
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        let pack = checked.resolve("country.toml").unwrap().unwrap();
        super::record_schema(pack.forms.form("bia_short").unwrap(), &pack)
    }

    const FIELD: &str = "[[forms.tailoring.bia_short.add_sections.sections.fields]]\n";

    #[test]
    fn conditional_requirements_become_if_then() {
        let fields = format!(
            "{FIELD}id = \"seen_alone\"\ntype = \"yes_no\"\nlabel = \"Seen alone?\"\nsensitivity = \"internal\"\n\
             {FIELD}id = \"why_not_alone\"\ntype = \"text\"\nlabel = \"Why not?\"\nsensitivity = \"internal\"\nrequired = true\nrelevant = \"seen_alone = 'no'\"\n"
        );
        let schema = schema_with(&fields);
        let rule = json!({ "if": { "required": ["seen_alone"], "properties": { "seen_alone": { "const": "no" } } }, "then": { "required": ["why_not_alone"], "properties": { "why_not_alone": true } } });
        assert!(
            schema["allOf"].as_array().unwrap().contains(&rule),
            "{}",
            schema["allOf"]
        );
        assert!(
            !schema["required"]
                .as_array()
                .unwrap()
                .contains(&json!("why_not_alone"))
        );
        assert_eq!(
            schema["properties"]["seen_alone"]["allOf"][0]["$ref"],
            "#/$defs/yes_no"
        );
        let answers: Vec<&serde_json::Value> = schema["$defs"]["yes_no"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| &o["const"])
            .collect();
        assert_eq!(answers, [&json!("yes"), &json!("no")]);
        assert_eq!(schema["$defs"]["yes_no"]["oneOf"][0]["description"], "Yes");
        assert_eq!(
            schema["properties"]["why_not_alone"]["x-relevant"],
            "seen_alone = 'no'"
        );
    }

    #[test]
    fn simple_constraints_become_keywords_and_keep_their_expression() {
        let fields = format!(
            "{FIELD}id = \"siblings\"\ntype = \"integer\"\nlabel = \"Siblings\"\nsensitivity = \"internal\"\nconstraint = \". >= 0 and . < 18\"\n\
             {FIELD}id = \"seen_on\"\ntype = \"date\"\nlabel = \"Seen on\"\nsensitivity = \"internal\"\nconstraint = \". <= today()\"\n"
        );
        let schema = schema_with(&fields);
        let siblings = &schema["properties"]["siblings"];
        assert_eq!(siblings["minimum"], 0);
        assert_eq!(siblings["exclusiveMaximum"], 18);
        assert_eq!(siblings["x-constraint"], ". >= 0 and . < 18");
        let seen = &schema["properties"]["seen_on"];
        assert_eq!(seen["x-constraint"], ". <= today()");
        assert!(seen.get("maximum").is_none(), "today moves: no fixed bound");
    }

    #[test]
    fn conditions_json_schema_cannot_state_are_kept_as_annotations() {
        let fields = format!(
            "{FIELD}id = \"teen_view\"\ntype = \"long_text\"\nlabel = \"Views\"\nsensitivity = \"confidential\"\nrequired = true\nrelevant = \"age(date_of_birth) >= 12\"\n"
        );
        let schema = schema_with(&fields);
        assert_eq!(
            schema["properties"]["teen_view"]["x-required-when"],
            "age(date_of_birth) >= 12"
        );
        let rules = schema["allOf"].as_array().cloned().unwrap_or_default();
        assert!(
            !rules
                .iter()
                .any(|r| r["then"]["required"] == json!(["teen_view"]))
        );
    }

    #[test]
    fn records_are_closed_objects_with_metadata() {
        let schema = schema_with(&format!(
            "{FIELD}id = \"note_x\"\ntype = \"note\"\nlabel = \"Read this\"\nsensitivity = \"public\"\n"
        ));
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["additionalProperties"], false);
        assert!(
            schema["$id"]
                .as_str()
                .unwrap()
                .ends_with("/td/bia_short.schema.json")
        );
        assert!(
            schema["properties"].get("note_x").is_none(),
            "notes hold no answer"
        );
        assert_eq!(schema["properties"]["case_id"]["x-cross-border"], true);
    }
}
