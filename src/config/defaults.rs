//! Built-in defaults: the sections a country configuration may leave out (roles, steps,
//! risk levels, concerns, BID situations, consent bands, KPIs). They live in
//! `defaults/defaults.toml`, written in the configuration's own format, and are merged
//! into the document at the JSON level so diagnostics can point into them like any file.

use std::sync::LazyLock;

use serde_json::Value;

use super::source::{SourceMap, parse_builtin};
use crate::diagnostic::Sources;

pub const DEFAULTS_NAME: &str = "<built-in>/defaults.toml";
pub const DEFAULTS_TOML: &str = include_str!("../../defaults/defaults.toml");

/// Pointers of the sections that fall back on the defaults when absent.
pub const DEFAULTED_SECTIONS: &[&str] = &[
    "/roles",
    "/steps",
    "/risk_levels",
    "/concerns",
    "/kpis",
    "/bid/situations",
    "/data_protection/consent_bands",
];

struct ParsedDefaults {
    document: Value,
    map: SourceMap,
}

static DEFAULTS: LazyLock<ParsedDefaults> = LazyLock::new(|| {
    let (document, map) = parse_builtin(DEFAULTS_TOML)
        // The defaults ship with the binary; a test proves they parse and validate.
        .expect("built-in defaults parse");
    ParsedDefaults { document, map }
});

/// Fills the sections `document` leaves out from the built-in defaults, recording their
/// origin in `map` (the defaults file is added to `sources`). Returns the pointers filled.
pub fn apply_defaults(
    document: &mut Value,
    map: &mut SourceMap,
    sources: &mut Sources,
) -> Vec<&'static str> {
    let defaults = &*DEFAULTS;
    let mut filled = Vec::new();
    let mut file = None;
    for &pointer in DEFAULTED_SECTIONS {
        if document.pointer(pointer).is_some() {
            continue;
        }
        let Some(value) = defaults.document.pointer(pointer) else {
            continue;
        };
        let file = *file.get_or_insert_with(|| sources.add(DEFAULTS_NAME, DEFAULTS_TOML));
        insert_at(document, pointer, value.clone());
        map.adopt(&defaults.map, pointer, file);
        filled.push(pointer);
    }
    filled
}

/// Sets `value` at `pointer`, creating the tables on the way.
fn insert_at(document: &mut Value, pointer: &str, value: Value) {
    let mut node = document;
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        if !node.is_object() {
            *node = Value::Object(Default::default());
        }
        let Value::Object(map) = node else { return };
        if i + 1 == segments.len() {
            map.insert((*segment).to_owned(), value);
            return;
        }
        node = map
            .entry((*segment).to_owned())
            .or_insert_with(|| Value::Object(Default::default()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_only_what_is_missing() {
        let mut document = serde_json::json!({ "roles": [], "bid": { "panels": [] } });
        let mut map = SourceMap::default();
        let mut sources = Sources::default();
        sources.add("country.toml", "");
        let filled = apply_defaults(&mut document, &mut map, &mut sources);
        assert!(!filled.contains(&"/roles"));
        assert!(filled.contains(&"/bid/situations"));
        assert_eq!(document["roles"], serde_json::json!([]));
        assert!(
            document["bid"]["situations"]
                .as_array()
                .is_some_and(|s| s.len() == 3)
        );
        assert!(document["bid"]["panels"].is_array());
        let loc = map.value("/risk_levels/0/id").unwrap();
        assert_eq!(sources.name(loc.file), DEFAULTS_NAME);
    }

    /// A default concern leads to a BID situation only where a source supports it:
    /// separation from parents (placement in care, CBCM guidance §6.4) for violence and
    /// neglect, a durable solution for an unaccompanied child (src:000; §6.4).
    #[test]
    fn default_concerns_point_to_bid_situations_only_where_sourced() {
        let concerns = DEFAULTS.document["concerns"].as_array().expect("concerns");
        let linked: Vec<(&str, Vec<&str>)> = concerns
            .iter()
            .filter_map(|c| {
                let situations: Vec<&str> = c["bid_situations"]
                    .as_array()?
                    .iter()
                    .filter_map(|s| s.as_str())
                    .collect();
                Some((c["id"].as_str()?, situations))
            })
            .filter(|(_, s)| !s.is_empty())
            .collect();
        assert_eq!(
            linked,
            vec![
                ("physical_violence", vec!["separation_against_will"]),
                ("sexual_violence", vec!["separation_against_will"]),
                ("neglect", vec!["separation_against_will"]),
                ("unaccompanied", vec!["durable_solution_uac"]),
            ]
        );
    }
}
