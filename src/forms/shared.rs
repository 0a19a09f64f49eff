//! Shared fields: one definition of a concept (sex, nationality, legal status…) that every
//! form reuses. A form's source names it with `use = "<id>"` and may set only what depends
//! on the form (whether it is required, when it is asked, a form-specific hint); the
//! question, its type and its list stay the same everywhere.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Keys a form may set on a shared field it uses.
pub const CONTEXT_KEYS: &[&str] = &[
    "required",
    "core",
    "cross_border",
    "relevant",
    "hint",
    "guidance",
];

/// Shared field definitions by id, as JSON objects ready to merge.
#[derive(Debug, Default)]
pub struct SharedFields(BTreeMap<String, Map<String, Value>>);

impl SharedFields {
    /// Reads the `fields` array of a parsed `forms/fields/*.toml` file.
    pub fn add_file(&mut self, document: &Value) -> Result<(), String> {
        let fields = document
            .get("fields")
            .and_then(Value::as_array)
            .ok_or("expected a `fields` array")?;
        for field in fields {
            let object = field.as_object().ok_or("a shared field is not a table")?;
            let id = object
                .get("id")
                .and_then(Value::as_str)
                .ok_or("a shared field has no `id`")?;
            if self.0.insert(id.to_owned(), object.clone()).is_some() {
                return Err(format!("the shared field `{id}` is defined twice"));
            }
        }
        Ok(())
    }

    /// Expands shared fields in the fields a configuration adds to built-in forms
    /// (`forms.tailoring.<form>.add[].fields`, `….add_sections[].sections[].fields`).
    /// Returns the pointer of each entry that cannot be expanded, with the reason.
    pub fn expand_tailoring(&self, document: &mut Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let Some(tailoring) = document
            .pointer_mut("/forms/tailoring")
            .and_then(Value::as_object_mut)
        else {
            return problems;
        };
        for (form, changes) in tailoring.iter_mut() {
            let base = format!("/forms/tailoring/{form}");
            let mut lists: Vec<(String, &mut Vec<Value>)> = Vec::new();
            if let Some(changes) = changes.as_object_mut() {
                for (key, value) in changes.iter_mut() {
                    let Some(items) = value.as_array_mut() else {
                        continue;
                    };
                    for (i, item) in items.iter_mut().enumerate() {
                        match key.as_str() {
                            "add" => {
                                if let Some(fields) =
                                    item.get_mut("fields").and_then(Value::as_array_mut)
                                {
                                    lists.push((format!("{base}/add/{i}/fields"), fields));
                                }
                            }
                            "add_sections" => {
                                let sections =
                                    item.get_mut("sections").and_then(Value::as_array_mut);
                                for (j, section) in sections.into_iter().flatten().enumerate() {
                                    if let Some(fields) =
                                        section.get_mut("fields").and_then(Value::as_array_mut)
                                    {
                                        lists.push((
                                            format!("{base}/add_sections/{i}/sections/{j}/fields"),
                                            fields,
                                        ));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            for (pointer, fields) in lists {
                for (k, field) in fields.iter_mut().enumerate() {
                    if let Err(problem) = self.expand_fields(std::slice::from_mut(field)) {
                        problems.push((format!("{pointer}/{k}"), problem));
                    }
                }
            }
        }
        problems
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Replaces every `{ use = "<id>", … }` entry of a form's sections (groups and repeats
    /// included) by the shared definition, with the form's context keys on top.
    pub fn expand_form(&self, form: &mut Value) -> Result<(), String> {
        let Some(sections) = form.get_mut("sections").and_then(Value::as_array_mut) else {
            return Ok(());
        };
        for section in sections {
            if let Some(fields) = section.get_mut("fields").and_then(Value::as_array_mut) {
                self.expand_fields(fields)?;
            }
        }
        Ok(())
    }

    fn expand_fields(&self, fields: &mut [Value]) -> Result<(), String> {
        for field in fields {
            let Some(object) = field.as_object_mut() else {
                continue;
            };
            if let Some(used) = object.remove("use") {
                *object = self.expand_one(used, object)?;
            }
            if let Some(children) = object.get_mut("fields").and_then(Value::as_array_mut) {
                self.expand_fields(children)?;
            }
        }
        Ok(())
    }

    fn expand_one(
        &self,
        used: Value,
        context: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let id = used
            .as_str()
            .ok_or("`use` takes the id of a shared field")?;
        let mut merged = self
            .0
            .get(id)
            .cloned()
            .ok_or_else(|| format!("`use = \"{id}\"` names no shared field in forms/fields"))?;
        for (key, value) in context {
            if !CONTEXT_KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "the form sets `{key}` on the shared field `{id}`; a form may set only {}",
                    CONTEXT_KEYS.join(", ")
                ));
            }
            merged.insert(key.clone(), value.clone());
        }
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shared() -> SharedFields {
        let mut shared = SharedFields::default();
        shared
            .add_file(&json!({ "fields": [
                { "id": "sex", "type": "single_choice", "label": "Sex", "choices": "sex",
                  "sensitivity": "confidential", "concept": "child_sex" }
            ]}))
            .unwrap();
        shared
    }

    #[test]
    fn a_used_field_takes_the_shared_definition_and_the_forms_context() {
        let mut form = json!({ "sections": [{ "fields": [
            { "use": "sex", "required": true },
            { "id": "group", "type": "group", "fields": [{ "use": "sex" }] }
        ]}]});
        shared().expand_form(&mut form).unwrap();
        let first = &form["sections"][0]["fields"][0];
        assert_eq!(first["choices"], "sex");
        assert_eq!(first["required"], true);
        assert_eq!(first["concept"], "child_sex");
        assert_eq!(form["sections"][0]["fields"][1]["fields"][0]["id"], "sex");
    }

    #[test]
    fn a_form_cannot_redefine_a_shared_question() {
        let mut form = json!({ "sections": [{ "fields": [
            { "use": "sex", "label": "Gender" }
        ]}]});
        let error = shared().expand_form(&mut form).unwrap_err();
        assert!(error.contains("`label`"), "{error}");
        let mut form = json!({ "sections": [{ "fields": [{ "use": "gender" }]}]});
        assert!(shared().expand_form(&mut form).is_err());
    }

    #[test]
    fn the_form_schema_allows_exactly_the_context_keys() {
        let schema = crate::forms::form_definition_schema();
        let properties = schema["$defs"]["SharedFieldUse"]["properties"]
            .as_object()
            .expect("the schema describes shared field uses");
        let mut keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected: Vec<&str> = CONTEXT_KEYS.iter().copied().chain(["use"]).collect();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }
}
