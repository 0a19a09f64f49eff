//! Staffing needs from the configured caseload and ratios. Caseworkers are bound to an
//! area, so needs are computed per area and summed (not computed from the total).

use serde::Serialize;

use crate::config::{Config, Id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AreaNeeds {
    pub area: Id,
    pub caseload: u64,
    pub caseworkers_needed: u64,
    /// Case managers needed at the wider ratio (more caseworkers each) …
    pub case_managers_min: u64,
    /// … and at the narrower ratio; plan on this one.
    pub case_managers_max: u64,
    pub caseworkers_in_post: u64,
    pub case_managers_in_post: u64,
    /// Caseworkers missing (0 when enough are in post).
    pub caseworker_shortfall: u64,
    pub case_manager_shortfall: u64,
}

/// What one BID panel is asked to decide in a month, against how often it sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PanelLoad {
    pub panel: Id,
    /// Areas whose BID cases come to this panel (the first panel that covers an area).
    pub areas: Vec<Id>,
    pub bid_cases_per_month: u64,
    /// How often the panel sits, as configured.
    pub sits_every: crate::config::Duration,
    /// Sittings needed a month at the panel's own cases-per-sitting limit.
    pub sittings_needed: u64,
    /// Sittings a month that the panel's `sits_every` gives, rounded down (a panel that
    /// sits every two months gives 0 whole sittings a month).
    pub sittings_scheduled: u64,
    /// Cases the panel can decide a month at its schedule: sittings a year times cases
    /// per sitting, divided by twelve.
    pub cases_decided_per_month: u64,
    pub short: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StaffingNeeds {
    pub areas: Vec<AreaNeeds>,
    pub caseload: u64,
    pub caseworkers_needed: u64,
    pub case_managers_min: u64,
    pub case_managers_max: u64,
    pub caseworkers_in_post: u64,
    pub case_managers_in_post: u64,
    pub caseworker_shortfall: u64,
    pub case_manager_shortfall: u64,
    /// BID load per panel, in the order panels are configured.
    pub panels: Vec<PanelLoad>,
    /// Areas with expected BID cases that no panel covers.
    pub areas_without_panel: Vec<Id>,
}

pub fn compute_staffing(config: &Config) -> StaffingNeeds {
    let staffing = &config.staffing;
    let per_caseworker = u64::from(staffing.children_per_caseworker.max(1));
    let ratio = staffing.caseworkers_per_case_manager;
    let (wide, narrow) = (u64::from(ratio.max.max(1)), u64::from(ratio.min.max(1)));
    let mut total = StaffingNeeds::default();
    for area in &staffing.areas {
        // Sums are 64-bit: no realistic caseload reaches it, so totals never wrap.
        let caseworkers = u64::from(area.expected_caseload).div_ceil(per_caseworker);
        let (in_post, managers_in_post) = (
            u64::from(area.caseworkers_in_post),
            u64::from(area.case_managers_in_post),
        );
        let needs = AreaNeeds {
            area: area.area.clone(),
            caseload: u64::from(area.expected_caseload),
            caseworkers_needed: caseworkers,
            case_managers_min: caseworkers.div_ceil(wide),
            case_managers_max: caseworkers.div_ceil(narrow),
            caseworkers_in_post: in_post,
            case_managers_in_post: managers_in_post,
            caseworker_shortfall: caseworkers.saturating_sub(in_post),
            case_manager_shortfall: caseworkers
                .div_ceil(narrow)
                .saturating_sub(managers_in_post),
        };
        total.caseload += needs.caseload;
        total.caseworkers_needed += needs.caseworkers_needed;
        total.case_managers_min += needs.case_managers_min;
        total.case_managers_max += needs.case_managers_max;
        total.caseworkers_in_post += needs.caseworkers_in_post;
        total.case_managers_in_post += needs.case_managers_in_post;
        total.caseworker_shortfall += needs.caseworker_shortfall;
        total.case_manager_shortfall += needs.case_manager_shortfall;
        total.areas.push(needs);
    }
    let (panels, areas_without_panel) = panel_loads(config);
    total.panels = panels;
    total.areas_without_panel = areas_without_panel;
    total
}

/// Each panel's monthly BID load: an area's cases go to the first panel that covers it
/// (a panel with no areas covers all), and sittings are counted per panel from its own
/// cases-per-sitting limit and `sits_every`, never per area.
fn panel_loads(config: &Config) -> (Vec<PanelLoad>, Vec<Id>) {
    let panels = &config.bid.panels;
    let mut loads: Vec<PanelLoad> = panels
        .iter()
        .map(|panel| {
            let per_sitting = u64::from(panel.max_cases_per_sitting.max(1));
            let sittings_a_year = sittings_per_year(panel.sits_every);
            PanelLoad {
                panel: panel.id.clone(),
                areas: Vec::new(),
                bid_cases_per_month: 0,
                sits_every: panel.sits_every,
                sittings_needed: 0,
                sittings_scheduled: sittings_a_year / 12,
                cases_decided_per_month: sittings_a_year * per_sitting / 12,
                short: false,
            }
        })
        .collect();
    let mut uncovered = Vec::new();
    for area in &config.staffing.areas {
        let covering = panels
            .iter()
            .position(|p| p.areas.is_empty() || p.areas.contains(&area.area));
        match covering {
            Some(i) => {
                loads[i].areas.push(area.area.clone());
                loads[i].bid_cases_per_month += u64::from(area.bid_cases_per_month);
            }
            None if area.bid_cases_per_month > 0 => uncovered.push(area.area.clone()),
            None => {}
        }
    }
    for (load, panel) in loads.iter_mut().zip(panels) {
        load.sittings_needed = load
            .bid_cases_per_month
            .div_ceil(u64::from(panel.max_cases_per_sitting.max(1)));
        load.short = load.bid_cases_per_month > load.cases_decided_per_month;
    }
    (loads, uncovered)
}

/// Whole sittings a year for a panel that sits every `every`.
fn sittings_per_year(every: crate::config::Duration) -> u64 {
    use crate::config::DurationUnit;
    let amount = u64::from(every.amount);
    if amount == 0 {
        // "Immediately" is not a schedule; treat it as sitting whenever needed (daily).
        return 365;
    }
    let per_year = match every.unit {
        DurationUnit::Hours => 365 * 24,
        DurationUnit::Days => 365,
        DurationUnit::Weeks => 52,
        DurationUnit::Months => 12,
        DurationUnit::Years => 1,
    };
    per_year / amount
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::model::AreaStaffing;

    fn config_with(areas: Vec<AreaStaffing>) -> Config {
        let loaded = crate::validate::rules::test_support::checked(
            crate::validate::rules::test_support::MINIMAL,
        );
        let mut config = loaded.config.expect("minimal configuration is valid");
        config.staffing.areas = areas;
        config
    }

    fn area(id: &'static str, caseload: u32, caseworkers: u32, bid_cases: u32) -> AreaStaffing {
        AreaStaffing {
            area: Id::from_static(id),
            expected_caseload: caseload,
            caseworkers_in_post: caseworkers,
            case_managers_in_post: 1,
            bid_cases_per_month: bid_cases,
        }
    }

    #[test]
    fn the_handbook_example_430_children() {
        // 430 children → ceil(17.2) = 18 caseworkers → 3 to 4 case managers.
        let needs = compute_staffing(&config_with(vec![area("camp", 430, 12, 10)]));
        let a = &needs.areas[0];
        assert_eq!(a.caseworkers_needed, 18);
        assert_eq!((a.case_managers_min, a.case_managers_max), (3, 4));
        assert_eq!(a.caseworker_shortfall, 6);
        assert_eq!(a.case_manager_shortfall, 3);
        // No panel configured: the 10 BID cases are reported as uncovered.
        assert_eq!(needs.areas_without_panel, vec![Id::from_static("camp")]);
    }

    #[test]
    fn needs_are_summed_per_area_not_from_the_total() {
        // 26 + 26 children need 2 + 2 caseworkers, not ceil(52 / 25) = 3.
        let needs = compute_staffing(&config_with(vec![area("a", 26, 4, 0), area("b", 26, 0, 0)]));
        assert_eq!(needs.caseworkers_needed, 4);
        assert_eq!(needs.caseworker_shortfall, 2);
        assert_eq!(needs.caseload, 52);
        assert_eq!(needs.caseworkers_in_post, 4);
        assert_eq!(needs.case_managers_in_post, 2);
    }

    #[test]
    fn totals_of_huge_caseloads_do_not_wrap() {
        let max = u32::MAX;
        let needs = compute_staffing(&config_with(vec![
            area("a", max, max, max),
            area("b", max, max, max),
        ]));
        assert_eq!(needs.caseload, 2 * u64::from(max));
        assert_eq!(needs.caseworkers_in_post, 2 * u64::from(max));
    }

    fn panel(
        id: &'static str,
        areas: &[&'static str],
        every: &str,
        per_sitting: u8,
    ) -> crate::config::model::BidPanel {
        crate::config::model::BidPanel {
            id: Id::from_static(id),
            name: None,
            areas: areas.iter().map(|a| Id::from_static(a)).collect(),
            members: Vec::new(),
            chair: Id::from_static("unhcr"),
            alternates: Vec::new(),
            presenters: Vec::new(),
            quorum: 3,
            sits_every: every.parse().expect("a duration"),
            max_cases_per_sitting: per_sitting,
            decision_rule: Default::default(),
        }
    }

    #[test]
    fn sittings_are_counted_per_panel_from_its_own_schedule() {
        let mut config = config_with(vec![
            area("north", 100, 4, 5),
            area("south", 100, 4, 5),
            area("east", 100, 4, 20),
        ]);
        config.bid.panels = vec![
            panel("north_south", &["north", "south"], "2w", 6),
            panel("east", &["east"], "1mo", 8),
        ];
        let needs = compute_staffing(&config);
        let [ns, east] = &needs.panels[..] else {
            panic!("two panels: {:?}", needs.panels)
        };
        // 5 + 5 cases at 6 a sitting: 2 sittings, not 1 + 1 per area.
        assert_eq!(ns.bid_cases_per_month, 10);
        assert_eq!(ns.sittings_needed, 2);
        // Every two weeks: 26 sittings a year, 2 whole a month, 13 cases a month.
        assert_eq!((ns.sittings_scheduled, ns.cases_decided_per_month), (2, 13));
        assert!(!ns.short);
        // 20 cases at 8 a sitting need 3 sittings; a monthly panel decides 8.
        assert_eq!((east.sittings_needed, east.cases_decided_per_month), (3, 8));
        assert!(east.short);
        assert!(needs.areas_without_panel.is_empty());
    }
}
