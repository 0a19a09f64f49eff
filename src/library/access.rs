//! Who fills in and who reads each built-in form (`forms/access/parties.toml`). The SOP's
//! access table comes from here, so it follows how the forms are used rather than a
//! country's list of sensitivity levels.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

const ACCESS_TOML: &str = include_str!("../../forms/access/parties.toml");

/// The parties of one form: default role ids, and the need-to-know limit on readers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormAccess {
    pub fill: Vec<String>,
    pub read: Vec<String>,
    pub limit: String,
}

/// Access by form id. The file ships with the binary and a test proves it parses and
/// covers every form, so a parse failure here is a bug; it leaves the table empty.
pub static FORM_ACCESS: LazyLock<BTreeMap<String, FormAccess>> =
    LazyLock::new(|| parse(ACCESS_TOML).unwrap_or_default());

fn parse(text: &str) -> Result<BTreeMap<String, FormAccess>, String> {
    let (document, _) = crate::config::source::parse_builtin(text)?;
    serde_json::from_value(document).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_has_its_parties_and_they_are_default_roles() {
        let parsed = parse(ACCESS_TOML).expect("forms/access/parties.toml parses");
        let (defaults, _) =
            crate::config::source::parse_builtin(crate::config::defaults::DEFAULTS_TOML)
                .expect("defaults parse");
        let roles: Vec<&str> = defaults["roles"]
            .as_array()
            .expect("default roles")
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        for form in &crate::forms::library::LIBRARY.forms {
            let id = form.form.id.as_str();
            let access = parsed
                .get(id)
                .unwrap_or_else(|| panic!("{id} has no access entry"));
            assert!(!access.fill.is_empty(), "{id}: nobody fills it in");
            for party in access.fill.iter().chain(&access.read) {
                assert!(
                    roles.contains(&party.as_str()),
                    "{id}: `{party}` is not a default role"
                );
            }
        }
        assert_eq!(parsed.len(), crate::forms::library::LIBRARY.forms.len());
        for form in ["bid_report", "bid_review"] {
            assert!(
                parsed[form].read.iter().any(|r| r == "bid_panel_member"),
                "the BID panel reads `{form}`"
            );
        }
    }
}
