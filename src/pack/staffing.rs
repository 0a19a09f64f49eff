//! Staffing needs from the configured caseload and ratios. Caseworkers are bound to an
//! area, so needs are computed per area and summed (not computed from the total).

use serde::Serialize;

use crate::config::{Config, Id};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// BID panel sittings a month needed for the expected BID cases.
    pub bid_sittings_per_month: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
    pub bid_sittings_per_month: u64,
}

pub fn compute_staffing(config: &Config) -> StaffingNeeds {
    let staffing = &config.staffing;
    let per_caseworker = u64::from(staffing.children_per_caseworker.max(1));
    let ratio = staffing.caseworkers_per_case_manager;
    let (wide, narrow) = (u64::from(ratio.max.max(1)), u64::from(ratio.min.max(1)));
    let mut total = StaffingNeeds::default();
    for area in &staffing.areas {
        let cases_per_sitting = config
            .bid
            .panels
            .iter()
            .find(|p| p.areas.is_empty() || p.areas.contains(&area.area))
            .map_or(8, |p| u64::from(p.max_cases_per_sitting.max(1)));
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
            bid_sittings_per_month: u64::from(area.bid_cases_per_month).div_ceil(cases_per_sitting),
        };
        total.caseload += needs.caseload;
        total.caseworkers_needed += needs.caseworkers_needed;
        total.case_managers_min += needs.case_managers_min;
        total.case_managers_max += needs.case_managers_max;
        total.caseworkers_in_post += needs.caseworkers_in_post;
        total.case_managers_in_post += needs.case_managers_in_post;
        total.caseworker_shortfall += needs.caseworker_shortfall;
        total.case_manager_shortfall += needs.case_manager_shortfall;
        total.bid_sittings_per_month += needs.bid_sittings_per_month;
        total.areas.push(needs);
    }
    total
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
        // No panel configured: plan on 8 cases a sitting → 2 sittings for 10 cases.
        assert_eq!(a.bid_sittings_per_month, 2);
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
}
