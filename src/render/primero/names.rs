//! Primero field names. A Primero case is one flat record, so a name must mean one thing
//! across every case form: a shared concept (`child_family_name`…) is one field, named by
//! its concept, in every form that asks it; any other field is `<form>_<field>`. A field
//! in a repeat lives in its subform's rows and keeps its own id there.

use std::collections::{BTreeSet, HashMap};

use crate::forms::model::{Field, FieldType, FormDefinition};

/// Names Primero's case record already uses for its own data (`app/models/child.rb`,
/// `app/models/concerns/record.rb`, and the columns every record has). A concept that
/// would take one of them is prefixed with `bip_` instead.
const PRIMERO_NAMES: &[&str] = &[
    "id",
    "case_id",
    "case_id_code",
    "case_id_display",
    "short_id",
    "unique_identifier",
    "record_state",
    "status",
    "marked_for_mobile",
    "owned_by",
    "owned_by_agency_id",
    "owned_by_groups",
    "assigned_user_names",
    "associated_user_names",
    "created_at",
    "created_by",
    "last_updated_at",
    "last_updated_by",
    "module_id",
    "workflow",
    "flagged",
    "name",
    "name_first",
    "name_middle",
    "name_last",
    "name_nickname",
    "name_other",
    "nickname",
    "hidden_name",
    "age",
    "estimated",
    "date_of_birth",
    "sex",
    "nationality",
    "language",
    "protection_concerns",
    "risk_level",
    "registration_date",
    "date_closure",
    "consent_for_tracing",
    "unhcr_individual_no",
    "unhcr_id_no",
    "case_type",
];

/// Where a field of a form sits, and its Primero name there.
#[derive(Debug, Clone)]
pub(super) struct Named {
    pub name: String,
    pub kind: FieldType,
    /// The repeat the field is in, if any.
    pub repeat: Option<String>,
}

/// Every form's fields, by form id and field id.
pub(super) struct Names {
    forms: HashMap<String, HashMap<String, Named>>,
}

impl Names {
    pub fn new(forms: &[FormDefinition]) -> Self {
        // Concepts first, so that no other field can take a concept's name.
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let concepts: BTreeSet<String> = forms
            .iter()
            .flat_map(crate::forms::resolve::all_fields)
            .filter_map(|f| f.concept.as_ref().map(|c| concept_name(c.as_str())))
            .collect();
        taken.extend(concepts.iter().cloned());
        let mut by_form = HashMap::new();
        for form in forms {
            let mut named = HashMap::new();
            for section in &form.sections {
                let name = unique(&format!("{}_{}", form.id, section.id), &mut taken);
                named.insert(
                    section_key(section.id.as_str()),
                    Named {
                        name,
                        kind: FieldType::Note,
                        repeat: None,
                    },
                );
                walk(form, &section.fields, None, &mut taken, &mut named);
            }
            for section in &form.sections {
                companions(&section.fields, None, &mut taken, &mut named);
            }
            by_form.insert(form.id.to_string(), named);
        }
        Names { forms: by_form }
    }

    pub fn field(&self, form: &str, id: &str) -> Option<&Named> {
        self.forms.get(form)?.get(id)
    }

    /// The name of a signature's companion (`name`, `date` or `method`).
    pub fn companion(&self, form: &str, signature: &str, suffix: &str) -> Option<&Named> {
        self.field(form, &companion_key(signature, suffix))
    }

    pub fn section(&self, form: &str, id: &str) -> Option<&Named> {
        self.field(form, &section_key(id))
    }
}

/// Sections and fields share one table; a section's key cannot be a field id.
fn section_key(id: &str) -> String {
    format!("section:{id}")
}

fn walk(
    form: &FormDefinition,
    fields: &[Field],
    repeat: Option<&str>,
    taken: &mut BTreeSet<String>,
    named: &mut HashMap<String, Named>,
) {
    for field in fields {
        let name = match (&field.concept, repeat) {
            (Some(concept), _) => concept_name(concept.as_str()),
            // In a subform row, ids are unique already: the form's ids are.
            (None, Some(_)) => field.id.to_string(),
            (None, None) => unique(&format!("{}_{}", form.id, field.id), taken),
        };
        named.insert(
            field.id.to_string(),
            Named {
                name,
                kind: field.kind,
                repeat: repeat.map(str::to_owned),
            },
        );
        // A repeat's fields are in its rows; a repeat in a repeat's rows is flattened
        // into them, as Primero has no subform in a subform.
        let inner = match (field.kind, repeat) {
            (FieldType::Repeat, None) => Some(field.id.as_str()),
            _ => repeat,
        };
        walk(form, &field.fields, inner, taken, named);
    }
}

/// A signature's companions (who signed, when, how), named once every question has its
/// name, so that none takes a question's: `<signature>_name`, `_date`, `_method`.
fn companions(
    fields: &[Field],
    repeat: Option<&Field>,
    taken: &mut BTreeSet<String>,
    named: &mut HashMap<String, Named>,
) {
    for field in fields {
        if field.kind == FieldType::Signature
            && let Some(signature) = named.get(field.id.as_str()).cloned()
        {
            for suffix in COMPANIONS {
                let wanted = format!("{}_{suffix}", signature.name);
                let name = match repeat {
                    // Row names are the rows' ids: keep clear of them.
                    Some(rows) => {
                        let mut in_rows: BTreeSet<String> =
                            crate::forms::resolve::all_fields_of(&rows.fields)
                                .iter()
                                .map(|f| f.id.to_string())
                                .collect();
                        in_rows.extend(
                            named
                                .iter()
                                .filter(|(k, _)| k.contains('#'))
                                .map(|(_, n)| n.name.clone()),
                        );
                        unique(&wanted, &mut in_rows)
                    }
                    None => unique(&wanted, taken),
                };
                named.insert(
                    companion_key(field.id.as_str(), suffix),
                    Named {
                        name,
                        kind: signature.kind,
                        repeat: signature.repeat.clone(),
                    },
                );
            }
        }
        let inner = match (field.kind, repeat) {
            (FieldType::Repeat, None) => Some(field),
            _ => repeat,
        };
        companions(&field.fields, inner, taken, named);
    }
}

/// What a signature's companions are called after: `name`, `date`, `method`.
pub(super) const COMPANIONS: [&str; 3] = ["name", "date", "method"];

fn companion_key(signature: &str, suffix: &str) -> String {
    format!("{signature}#{suffix}")
}

fn concept_name(concept: &str) -> String {
    if PRIMERO_NAMES.contains(&concept) {
        format!("bip_{concept}")
    } else {
        concept.to_owned()
    }
}

/// `wanted`, or `wanted_2`, `wanted_3`… if another field has it.
fn unique(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.to_owned();
    let mut n = 1;
    while PRIMERO_NAMES.contains(&name.as_str()) || taken.contains(&name) {
        n += 1;
        name = format!("{wanted}_{n}");
    }
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_a_number() {
        let mut taken = BTreeSet::from(["bia_short_x".to_owned()]);
        assert_eq!(unique("bia_short_x", &mut taken), "bia_short_x_2");
        assert_eq!(unique("bia_short_x", &mut taken), "bia_short_x_3");
        assert_eq!(unique("case_id", &mut taken), "case_id_2");
        assert_eq!(concept_name("case_id"), "bip_case_id");
        assert_eq!(concept_name("child_family_name"), "child_family_name");
    }
}
