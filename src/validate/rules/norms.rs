//! Norms the sources state. Where a country sets a value outside one, `check` warns and
//! names the norm and where it comes from. One table holds every numeric norm, so a new
//! norm is one entry; the SOP states the same norms with the same citations.

use super::Context;
use crate::config::{Config, Duration, DurationUnit, PopulationGroup};

/// One numeric norm and the values of a configuration it bounds.
struct Norm {
    code: &'static str,
    /// The norm in words, e.g. "3 to 5 member agencies".
    rule: &'static str,
    /// Where it is stated: source and place.
    source: &'static str,
    min: Option<u64>,
    max: Option<u64>,
    /// `(pointer, value, what the value is)` for each value the norm bounds.
    values: fn(&Config) -> Vec<(String, u64, String)>,
    help: &'static str,
}

const EMERGENCY_HANDBOOK_STEP_5: &str =
    "UNHCR Emergency Handbook, Best Interests Procedure, key step 5 (src:000)";
const EMERGENCY_HANDBOOK_STAFFING: &str =
    "UNHCR Emergency Handbook, Best Interests Procedure, human resources (src:000)";

const NORMS: &[Norm] = &[
    Norm {
        code: "bid-panel-size",
        rule: "at least three and no more than five separate agencies, one representative each",
        source: EMERGENCY_HANDBOOK_STEP_5,
        min: Some(3),
        max: Some(5),
        values: |c| {
            c.bid
                .panels
                .iter()
                .enumerate()
                .map(|(i, panel)| {
                    (
                        format!("/bid/panels/{i}/members"),
                        panel.members.len() as u64,
                        format!(
                            "panel `{}` has {} member agencies",
                            panel.id,
                            panel.members.len()
                        ),
                    )
                })
                .collect()
        },
        help: "invite further agencies with child protection expertise, or merge panels; caseworkers and experts present cases without being members",
    },
    Norm {
        code: "bid-cases-per-sitting",
        rule: "no more than 6 to 8 cases a sitting",
        source: EMERGENCY_HANDBOOK_STEP_5,
        min: None,
        max: Some(8),
        values: |c| {
            c.bid
                .panels
                .iter()
                .enumerate()
                .map(|(i, panel)| {
                    (
                        format!("/bid/panels/{i}/max_cases_per_sitting"),
                        u64::from(panel.max_cases_per_sitting),
                        format!(
                            "panel `{}` takes {} cases a sitting",
                            panel.id, panel.max_cases_per_sitting
                        ),
                    )
                })
                .collect()
        },
        help: "each case needs a thorough analysis and the members' full attention; plan for 6 and sit more often",
    },
    Norm {
        code: "bid-panel-setup",
        rule: "a BID panel within 3 to 4 months",
        source: EMERGENCY_HANDBOOK_STEP_5,
        min: None,
        max: Some(4 * 31),
        values: |c| {
            c.bid
                .target_setup
                .map(|d| {
                    (
                        "/bid/target_setup".to_owned(),
                        days(d),
                        format!("`bid.target_setup` is {d}"),
                    )
                })
                .into_iter()
                .collect()
        },
        help: "set `target_setup` to at most 4 months (\"4mo\"); until then the interim procedure decides urgent cases",
    },
    Norm {
        code: "staffing-caseload",
        rule: "1 caseworker for every 25 children in case management",
        source: EMERGENCY_HANDBOOK_STAFFING,
        min: None,
        max: Some(25),
        values: |c| {
            vec![(
                "/staffing/children_per_caseworker".to_owned(),
                u64::from(c.staffing.children_per_caseworker),
                format!(
                    "a caseworker holds {} children",
                    c.staffing.children_per_caseworker
                ),
            )]
        },
        help: "plan for 25 children a caseworker, and tighten prioritisation and closure criteria rather than let caseloads rise",
    },
    Norm {
        code: "staffing-supervision",
        rule: "1 case manager for every 5 to 6 caseworkers",
        source: EMERGENCY_HANDBOOK_STAFFING,
        min: None,
        max: Some(6),
        values: |c| {
            let ratio = c.staffing.caseworkers_per_case_manager;
            vec![(
                "/staffing/caseworkers_per_case_manager/max".to_owned(),
                u64::from(ratio.max),
                format!("a case manager supervises up to {} caseworkers", ratio.max),
            )]
        },
        help: "set `caseworkers_per_case_manager = { min = 5, max = 6 }`",
    },
];

/// Whole days in a duration, months counted as 31 days so that "4mo" is within 4 months.
fn days(d: Duration) -> u64 {
    let amount = u64::from(d.amount);
    match d.unit {
        DurationUnit::Hours => amount.div_ceil(24),
        DurationUnit::Days => amount,
        DurationUnit::Weeks => amount * 7,
        DurationUnit::Months => amount * 31,
        DurationUnit::Years => amount * 366,
    }
}

pub fn check(cx: &mut Context<'_>) {
    for norm in NORMS {
        for (pointer, value, what) in (norm.values)(cx.config) {
            let below = norm.min.is_some_and(|min| value < min);
            let above = norm.max.is_some_and(|max| value > max);
            if below || above {
                cx.warning(
                    norm.code,
                    &pointer,
                    format!("{what}, outside the norm of {}: {}", norm.rule, norm.source),
                    norm.help,
                );
            }
        }
    }
    country_of_origin(cx);
    country_sources(cx);
}

/// `[sources]` names rules the SOP marks as the operation's choice; an unknown name would
/// silently cite nothing.
fn country_sources(cx: &mut Context<'_>) {
    let known = crate::library::provenance::Provenance::built_in().norm_ids();
    for id in cx.config.sources.keys() {
        if known.contains(id.as_str()) {
            continue;
        }
        let closest = known
            .iter()
            .map(|k| (strsim::jaro_winkler(k, id.as_str()), *k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k);
        let help = match closest {
            Some(k) => format!(
                "did you mean `{k}`? The rules a country can cite are: {}",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            ),
            None => format!(
                "the rules a country can cite are: {}",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        };
        cx.error(
            "unknown-norm",
            &format!("/sources/{id}"),
            format!("`{id}` is not a rule the SOP marks as the operation's choice"),
            help,
        );
    }
}

/// A refugee operation that routes personal data to a state authority across the border
/// must say how it keeps that data from a State where the child may face persecution
/// (CBCM guidance §4).
fn country_of_origin(cx: &mut Context<'_>) {
    let c = cx.config;
    let refugees = c.scope.as_ref().is_some_and(|s| {
        s.population_groups.iter().any(|g| {
            matches!(
                g,
                PopulationGroup::Refugee
                    | PopulationGroup::AsylumSeeker
                    | PopulationGroup::RefugeeLike
            )
        })
    });
    let Some(cross_border) = &c.cross_border else {
        return;
    };
    if !refugees {
        return;
    }
    for (i, partner) in cross_border.partners.iter().enumerate() {
        if partner.state_authority_safeguard.is_some() {
            continue;
        }
        let states: Vec<&str> = partner
            .agencies
            .iter()
            .filter(|id| {
                c.organisations.iter().any(|o| {
                    &o.id == *id && o.kind == crate::config::model::OrganisationType::Government
                })
            })
            .map(|id| id.as_str())
            .collect();
        if states.is_empty() {
            continue;
        }
        cx.warning(
            "state-data-safeguard",
            &format!("/cross_border/partners/{i}/agencies"),
            format!(
                "refugee cases may be transferred to {} of {}, a state authority, with no safeguard stated: no individual data is exchanged with a State where the child may face persecution, and engagement with a country of origin is decided case by case (UNICEF–UNHCR CBCM guidance §4, src:004)",
                states.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
                partner.country
            ),
            "add `state_authority_safeguard` to this partner: when personal data may reach these authorities, and who decides (e.g. \"only for family reunification that a BID has found in the child's interests, after UNHCR's case-by-case analysis\")",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    #[test]
    fn staffing_outside_the_handbook_norm_warns() {
        let codes = codes_for(&format!(
            "{MINIMAL}\n[staffing]\nchildren_per_caseworker = 40\ncaseworkers_per_case_manager = {{ min = 5, max = 9 }}\n"
        ));
        assert!(codes.contains(&"staffing-caseload"), "{codes:?}");
        assert!(codes.contains(&"staffing-supervision"), "{codes:?}");
    }

    #[test]
    fn staffing_within_the_norm_is_quiet() {
        let codes = codes_for(&format!(
            "{MINIMAL}\n[staffing]\nchildren_per_caseworker = 25\ncaseworkers_per_case_manager = {{ min = 5, max = 6 }}\n"
        ));
        assert!(
            !codes.iter().any(|c| c.starts_with("staffing-")),
            "{codes:?}"
        );
    }

    /// A refugee operation whose cross-border partner is a ministry of another State.
    fn with_state_partner(safeguard: &str) -> String {
        // `[bid]` closes MINIMAL; the partner ministry is added before it.
        let minimal = MINIMAL.replace(
            "[bid]",
            "[[organisations]]\nid = \"sd_ministry\"\nname = \"Ministry of Social Development\"\ntype = \"government\"\n\n[scope]\npopulation_groups = [\"refugee\"]\n\n[bid]",
        );
        format!(
            "{minimal}\n[cross_border]\n\n[[cross_border.partners]]\ncountry = \"SD\"\nagencies = [\"sd_ministry\"]\n{safeguard}"
        )
    }

    #[test]
    fn a_state_partner_of_a_refugee_operation_needs_a_stated_safeguard() {
        let codes = codes_for(&with_state_partner(""));
        assert!(codes.contains(&"state-data-safeguard"), "{codes:?}");
        let codes = codes_for(&with_state_partner(
            "state_authority_safeguard = \"Only for a reunification a BID has found in the child's interests.\"\n",
        ));
        assert!(!codes.contains(&"state-data-safeguard"), "{codes:?}");
    }

    #[test]
    fn a_country_citation_must_name_a_known_rule() {
        let codes = codes_for(&format!(
            "{MINIMAL}\n[sources]\nconsent_ages = \"Child Code (2019), art. 12\"\n"
        ));
        assert!(!codes.contains(&"unknown-norm"), "{codes:?}");
        let diagnostics = crate::validate::rules::test_support::diagnostics_for(&format!(
            "{MINIMAL}\n[sources]\nconsent_age = \"Child Code (2019), art. 12\"\n"
        ));
        let unknown = diagnostics
            .iter()
            .find(|d| d.code == "unknown-norm")
            .expect("an unknown norm is an error");
        assert!(unknown.is_error());
        assert!(
            unknown
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("consent_ages"),
            "{unknown:?}"
        );
        assert!(unknown.location.is_some(), "located at the key");
    }
}
