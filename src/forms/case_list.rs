//! The case list on phones (`[forms.odk] entities = true`): registration adds the child's
//! case to an ODK entity list, the other case forms pick the case from that list instead
//! of typing its id, and the forms that set the risk level, or close the case, update it.
//!
//! Only what a caseworker needs to find the right child travels to every phone: the case
//! id, the child's given and family names, the area, the risk level and whether the case
//! is open. ODK's rules are in its entities spec: an `entities` sheet, `save_to` on the
//! survey, and `select_one_from_file <list>.csv` in the forms that read the list.

use crate::config::OdkForms;

use super::model::{CaseAction, Field, FieldType, FormDefinition};
use super::resolve::all_fields;

/// The entity list's name on ODK Central, and the file the reading forms attach
/// (`cases.csv`).
pub const LIST: &str = "cases";

/// Questions bipgen adds to the XLSForms for the case list. They are not part of a
/// record, and no form may give a field one of these ids.
pub const ENTITY_FIELD: &str = "case_entity";
pub const STATUS_FIELD: &str = "case_status";
pub const RISK_FIELD: &str = "case_risk_level";
pub const RESERVED: [&str; 3] = [ENTITY_FIELD, STATUS_FIELD, RISK_FIELD];

/// The concept of the fields that set the case's current risk level.
pub const RISK_CONCEPT: &str = "case_risk_level";

/// The entity property a field of this concept is saved to, when registration asks it.
pub fn property(concept: &str) -> Option<&'static str> {
    Some(match concept {
        "case_id" => "case_id",
        "child_given_name" => "given_name",
        "child_family_name" => "family_name",
        "case_area" => "area",
        RISK_CONCEPT => "risk_level",
        _ => return None,
    })
}

/// Properties the forms that pick a case fill in for the caseworker, who may correct them.
pub fn prefilled(concept: &str) -> Option<&'static str> {
    match concept {
        "child_given_name" | "child_family_name" => property(concept),
        _ => None,
    }
}

/// The status property and its values.
pub const STATUS: &str = "status";
pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";

/// What a form does with the case list.
#[derive(Debug, Clone)]
pub enum Role<'a> {
    /// The form is not about one case (e.g. a confidentiality undertaking).
    None,
    /// Registration: creates the case.
    Opens,
    /// Picks the case from the list; updates its risk level from `risk` (in form order:
    /// the last one answered wins) and, when `closes`, marks it closed.
    Follows { risk: Vec<&'a Field>, closes: bool },
}

impl Role<'_> {
    /// Whether the form's submissions change the case.
    pub fn updates(&self) -> bool {
        matches!(self, Role::Follows { risk, closes } if !risk.is_empty() || *closes)
    }

    /// Whether the form's submissions add or change a case: ODK Central must read
    /// them, so the form cannot be encrypted.
    pub fn changes_list(&self) -> bool {
        matches!(self, Role::Opens) || self.updates()
    }
}

/// The role of `form`: registration opens; every other form with the case id follows.
pub fn role(form: &FormDefinition) -> Role<'_> {
    let fields = all_fields(form);
    if form.case_action == Some(CaseAction::Opens) {
        return Role::Opens;
    }
    let has_case_id = fields
        .iter()
        .any(|f| f.concept.as_ref().is_some_and(|c| c.as_str() == "case_id"));
    if !has_case_id {
        return Role::None;
    }
    let risk: Vec<&Field> = fields
        .into_iter()
        .filter(|f| f.kind == FieldType::SingleChoice)
        .filter(|f| {
            f.concept
                .as_ref()
                .is_some_and(|c| c.as_str() == RISK_CONCEPT)
        })
        .collect();
    Role::Follows {
        risk,
        closes: form.case_action == Some(CaseAction::Closes),
    }
}

/// The repeats `id` sits in, outermost first; `None` when the form has no such field.
fn repeats_around<'a>(form: &'a FormDefinition, id: &str) -> Option<Vec<&'a Field>> {
    fn walk<'a>(fields: &'a [Field], id: &str, path: &mut Vec<&'a Field>) -> bool {
        for field in fields {
            if field.id.as_str() == id {
                return true;
            }
            let repeat = field.kind == FieldType::Repeat;
            if repeat {
                path.push(field);
            }
            if walk(&field.fields, id, path) {
                return true;
            }
            if repeat {
                path.pop();
            }
        }
        false
    }
    let mut path = Vec::new();
    form.sections
        .iter()
        .any(|s| walk(&s.fields, id, &mut path))
        .then_some(path)
}

/// An XPath for the answer of `field` as the form last gave it: the field itself, or,
/// inside repeats, its answer in the last entry (`indexed-repeat`).
pub fn last_answer(form: &FormDefinition, field: &Field) -> String {
    let repeats = repeats_around(form, field.id.as_str()).unwrap_or_default();
    if repeats.is_empty() {
        return format!("${{{}}}", field.id);
    }
    let pairs: Vec<String> = repeats
        .iter()
        .map(|r| format!("${{{0}}}, count(${{{0}}})", r.id))
        .collect();
    format!("indexed-repeat(${{{}}}, {})", field.id, pairs.join(", "))
}

/// Whether the XLSForm of `form` is encrypted: a key is set, and ODK Central need not
/// read the form's submissions to keep the case list.
pub fn encrypted(odk: &OdkForms, form: &FormDefinition) -> bool {
    odk.public_key.is_some() && !(odk.entities && role(form).changes_list())
}

/// `instance('cases')/root/item[name=${case_entity}]/<property>`: a property of the
/// case picked in this form.
pub fn lookup(property: &str) -> String {
    format!("instance('{LIST}')/root/item[name=${{{ENTITY_FIELD}}}]/{property}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::library::LIBRARY;

    fn form(id: &str) -> &'static FormDefinition {
        LIBRARY
            .forms
            .iter()
            .map(|b| &b.form)
            .find(|f| f.id.as_str() == id)
            .unwrap_or_else(|| panic!("no form {id}"))
    }

    #[test]
    fn registration_opens_closure_closes_and_the_case_forms_follow() {
        let opening: Vec<_> = LIBRARY
            .forms
            .iter()
            .map(|b| &b.form)
            .filter(|f| matches!(role(f), Role::Opens))
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(opening, ["registration_intake"]);
        assert!(matches!(
            role(form("case_closure")),
            Role::Follows { closes: true, .. }
        ));
        assert!(matches!(
            role(form("confidentiality_undertaking")),
            Role::None
        ));
        // The forms that set the case's risk level update it.
        for id in [
            "bia_short",
            "bia_comprehensive",
            "case_plan",
            "case_conference",
            "follow_up_review",
            "case_closure",
        ] {
            assert!(role(form(id)).updates(), "{id} updates the case");
        }
        assert!(!role(form("referral")).updates());
    }

    #[test]
    fn registration_saves_every_property_and_nothing_else() {
        let saved: Vec<_> = all_fields(form("registration_intake"))
            .into_iter()
            .filter_map(|f| property(f.concept.as_ref()?.as_str()))
            .collect();
        assert_eq!(
            saved,
            ["case_id", "given_name", "family_name", "area", "risk_level"]
        );
    }

    #[test]
    fn no_library_field_takes_a_reserved_id() {
        for form in LIBRARY.forms.iter().map(|b| &b.form) {
            for field in all_fields(form) {
                assert!(
                    !RESERVED.contains(&field.id.as_str()),
                    "{}: {}",
                    form.id,
                    field.id
                );
            }
        }
    }
}
