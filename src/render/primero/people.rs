//! The organisations and roles as Primero `Agency`, `UserGroup` and `Role` records, and
//! the operation's contact as `ContactInformation`.
//!
//! A role's access follows the steps it has a part in: the forms of the steps it is
//! responsible or accountable for are read-write, those of the steps it is consulted on
//! or informed of are read-only. A role responsible for a step whose form opens a case
//! may create cases; a role accountable for a step manages its group's cases. Primero
//! has far more permissions than this; an implementer reviews each role before use.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Export, MODULE, form_unique_id};
use crate::config::Organisation;
use crate::forms::model::CaseAction;

fn agency_id(organisation: &str) -> String {
    format!("agency-bip-{}", organisation.replace('_', "-"))
}

pub(super) fn agencies(export: &Export) -> Vec<Value> {
    let config = &export.pack.config;
    let default = config.default_language.as_str();
    config
        .organisations
        .iter()
        .enumerate()
        .map(|(order, organisation)| {
            let code = organisation
                .acronym
                .as_ref()
                .and_then(|a| a.get(default, default))
                .map_or_else(|| organisation.id.as_str().to_uppercase(), str::to_owned);
            let mut agency = json!({
                "unique_id": agency_id(organisation.id.as_str()),
                "agency_code": code,
                "name_i18n": export.i18n(&organisation.name),
                "order": order,
                "disabled": false,
            });
            add_contact(&mut agency, organisation);
            agency
        })
        .collect()
}

fn add_contact(agency: &mut Value, organisation: &Organisation) {
    let Some(contact) = &organisation.contact else {
        return;
    };
    for (key, value) in [
        ("contact_name", &contact.name),
        ("contact_email", &contact.email),
        ("contact_phone", &contact.phone),
        ("telephone", &contact.phone),
    ] {
        if let Some(value) = value {
            agency[key] = json!(value);
        }
    }
}

/// One user group per organisation, so that a group's supervisor sees its own staff's
/// cases.
pub(super) fn user_groups(export: &Export) -> Vec<Value> {
    let config = &export.pack.config;
    config
        .organisations
        .iter()
        .map(|organisation| {
            let name = export.english(&organisation.name);
            json!({
                "unique_id": format!("usergroup-bip-{}", organisation.id.as_str().replace('_', "-")),
                "name": name,
                "description": format!("Staff of {name}"),
                "disabled": false,
                "agency_unique_ids": [agency_id(organisation.id.as_str())],
            })
        })
        .collect()
}

/// How a role takes part in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Reads,
    Writes,
}

pub(super) fn roles(export: &Export) -> Vec<Value> {
    let config = &export.pack.config;
    let steps = config.steps.as_slice();
    let forms = &export.pack.forms.forms;
    let built = |id: &str| forms.iter().find(|f| f.id.as_str() == id);
    config
        .roles
        .as_slice()
        .iter()
        .map(|role| {
            let mut access: BTreeMap<String, Part> = BTreeMap::new();
            let mut creates = false;
            let mut manages = false;
            for step in steps {
                let has = |ids: &[crate::config::Id]| ids.contains(&role.id);
                let part = if has(&step.responsible) || has(&step.accountable) {
                    Part::Writes
                } else if has(&step.consulted) || has(&step.informed) {
                    Part::Reads
                } else {
                    continue;
                };
                manages |= has(&step.accountable);
                for form in step.forms.iter().filter_map(|f| built(f.as_str())) {
                    let entry = access.entry(form_unique_id(form.id.as_str())).or_insert(part);
                    *entry = (*entry).max(part);
                    creates |= has(&step.responsible) && form.case_action == Some(CaseAction::Opens);
                }
            }
            let mut actions = vec!["read"];
            if access.values().any(|p| *p == Part::Writes) {
                actions.push("write");
            }
            if creates {
                actions.push("create");
            }
            let read_write: serde_json::Map<String, Value> = access
                .into_iter()
                .map(|(form, part)| {
                    let mode = if part == Part::Writes { "rw" } else { "r" };
                    (form, json!(mode))
                })
                .collect();
            json!({
                "unique_id": format!("role-bip-{}", role.id.as_str().replace('_', "-")),
                "name": export.english(&role.label),
                "description": role.description.as_ref().map(|d| export.english(d)).unwrap_or_default(),
                "group_permission": if manages { "group" } else { "self" },
                "is_manager": manages,
                "referral": false,
                "transfer": false,
                "disabled": false,
                "permissions": { "case": actions, "objects": {} },
                "form_section_read_write": read_write,
                "module_unique_ids": [MODULE],
            })
        })
        .collect()
}

/// The operation's contact: the first lead agency's desk, or the operation itself.
pub(super) fn contact_information(export: &Export) -> Vec<Value> {
    let config = &export.pack.config;
    let operation = export.english(&config.sop.operation);
    let lead = config
        .sop
        .lead_agencies
        .first()
        .and_then(|id| config.organisations.iter().find(|o| &o.id == id));
    let details = lead.and_then(|l| l.contact.as_ref());
    let name = details
        .and_then(|d| d.name.clone())
        .unwrap_or_else(|| operation.clone());
    let mut contact = json!({ "name": name, "location": operation });
    if let Some(lead) = lead {
        contact["organization"] = json!(export.english(&lead.name));
    }
    if let Some(details) = details {
        for (key, value) in [("phone", &details.phone), ("email", &details.email)] {
            if let Some(value) = value {
                contact[key] = json!(value);
            }
        }
    }
    vec![contact]
}
