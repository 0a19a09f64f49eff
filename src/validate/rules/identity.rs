//! Identity rules: unique ids in every collection, SOP dates and versions, staffing ratios.

use std::collections::HashMap;

use super::Context;
use crate::config::{Config, Id};

pub fn check(cx: &mut Context<'_>) {
    duplicate_ids(cx);
    sop_dates(cx);
    staffing(cx);
}

/// Every collection whose entries carry an id, with its JSON pointer.
fn collections(c: &Config) -> Vec<(&'static str, Vec<&Id>)> {
    vec![
        (
            "/organisations",
            c.organisations.iter().map(|o| &o.id).collect(),
        ),
        ("/areas", c.areas.iter().map(|a| &a.id).collect()),
        (
            "/entry_points",
            c.entry_points.iter().map(|e| &e.id).collect(),
        ),
        ("/services", c.services.iter().map(|s| &s.id).collect()),
        ("/bid/panels", c.bid.panels.iter().map(|p| &p.id).collect()),
        ("/roles", c.roles.iter().map(|r| &r.id).collect()),
        ("/steps", c.steps.iter().map(|s| &s.id).collect()),
        (
            "/risk_levels",
            c.risk_levels.iter().map(|r| &r.id).collect(),
        ),
        ("/concerns", c.concerns.iter().map(|r| &r.id).collect()),
        ("/kpis", c.kpis.iter().map(|r| &r.id).collect()),
        (
            "/bid/situations",
            c.bid.situations.iter().map(|r| &r.id).collect(),
        ),
    ]
}

fn duplicate_ids(cx: &mut Context<'_>) {
    for (pointer, ids) in collections(cx.config) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (index, id) in ids.iter().enumerate() {
            if let Some(&earlier) = first.get(id.as_str()) {
                cx.error(
                    "duplicate-id",
                    &format!("{pointer}/{index}/id"),
                    format!(
                        "the id `{id}` is used twice in `{}` (entries #{} and #{})",
                        &pointer[1..],
                        earlier + 1,
                        index + 1
                    ),
                    "ids must be unique within a list; rename one of them",
                );
            } else {
                first.insert(id.as_str(), index);
            }
        }
    }
    let mut tags: HashMap<&str, usize> = HashMap::new();
    for (index, language) in cx.config.languages.iter().enumerate() {
        if tags.insert(language.tag.as_str(), index).is_some() {
            cx.error(
                "duplicate-id",
                &format!("/languages/{index}/tag"),
                format!("the language `{}` is configured twice", language.tag),
                "remove one of the two [[languages]] entries",
            );
        }
    }
}

fn sop_dates(cx: &mut Context<'_>) {
    let sop = &cx.config.sop;
    if sop.review_date <= sop.effective_date {
        let message = format!(
            "the review date {} is not after the effective date {}",
            sop.review_date, sop.effective_date
        );
        cx.error(
            "review-before-effective",
            "/sop/review_date",
            message,
            "set `review_date` later than `effective_date` (commonly one to two years later)",
        );
    }
    if let Some(latest) = sop.changelog.iter().map(|e| &e.version).max()
        && *latest != sop.version
    {
        let message = format!(
            "the changelog's latest version is {latest}, but the SOP is version {}",
            sop.version
        );
        cx.warning(
            "changelog-version",
            "/sop/version",
            message,
            "add a [[sop.changelog]] entry for this version, or correct `sop.version`",
        );
    }
}

fn staffing(cx: &mut Context<'_>) {
    let staffing = &cx.config.staffing;
    if staffing.children_per_caseworker == 0 {
        cx.error(
            "staffing-ratio",
            "/staffing/children_per_caseworker",
            "`children_per_caseworker` cannot be 0",
            "the norm is 25 children per caseworker",
        );
    }
    let ratio = staffing.caseworkers_per_case_manager;
    if ratio.min == 0 || ratio.min > ratio.max {
        let message = format!(
            "caseworkers per case manager must be a range with 1 ≤ min ≤ max, not {}–{}",
            ratio.min, ratio.max
        );
        cx.error(
            "staffing-ratio",
            "/staffing/caseworkers_per_case_manager",
            message,
            "the norm is `{ min = 5, max = 6 }`",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    #[test]
    fn duplicate_ids_are_errors() {
        assert!(!codes_for(MINIMAL).contains(&"duplicate-id"));
        let twice = format!(
            "{MINIMAL}\n[[areas]]\nid = \"camp\"\nname = \"A\"\n[[areas]]\nid = \"camp\"\nname = \"B\"\n"
        );
        assert!(codes_for(&twice).contains(&"duplicate-id"));
    }

    #[test]
    fn review_must_follow_effective_date() {
        let swapped = MINIMAL.replace("review_date = 2027-01-15", "review_date = 2025-01-15");
        assert!(codes_for(&swapped).contains(&"review-before-effective"));
    }

    #[test]
    fn staffing_ratio_range_is_checked() {
        let bad = format!(
            "{MINIMAL}\n[staffing]\ncaseworkers_per_case_manager = {{ min = 7, max = 5 }}\n"
        );
        assert!(codes_for(&bad).contains(&"staffing-ratio"));
    }

    #[test]
    fn changelog_should_name_the_current_version() {
        let old = MINIMAL.replace("version = \"1.0.0\"\ndate", "version = \"0.9.0\"\ndate");
        assert!(codes_for(&old).contains(&"changelog-version"));
        assert!(!codes_for(MINIMAL).contains(&"changelog-version"));
    }
}
