//! Risk levels and step timeframes: a more urgent level never allows more time than a
//! less urgent one, and a step has one timeframe, not two.

use super::Context;
use crate::config::RiskTimeframe;

pub fn check(cx: &mut Context<'_>) {
    let c = cx.config;
    let levels = c.risk_levels.as_slice();
    if levels.len() < 2 {
        cx.error(
            "too-few-risk-levels",
            "/risk_levels",
            format!("{} risk level(s) configured; prioritisation needs at least two", levels.len()),
            "list the levels most urgent first, e.g. emergency, high, medium, low (or omit [[risk_levels]] to use those)",
        );
    }
    for which in RiskTimeframe::ALL {
        for (i, pair) in levels.windows(2).enumerate() {
            let (urgent, less) = (&pair[0], &pair[1]);
            let (a, b) = (urgent.timeframe(which), less.timeframe(which));
            if a.approx_hours() > b.approx_hours() {
                let key = which.key();
                cx.error(
                    "risk-timeframe-order",
                    &format!("/risk_levels/{}/{key}", i + 1),
                    format!("`{key}` of `{}` ({b}) is shorter than that of the more urgent `{}` ({a})", less.id, urgent.id),
                    "list risk levels most urgent first, and give a less urgent level at least as much time",
                );
            }
        }
    }
    for (i, step) in c.steps.iter().enumerate() {
        if step.timeframe.is_some() && step.timeframe_by_risk.is_some() {
            cx.error(
                "step-timeframe-conflict",
                &format!("/steps/{i}/timeframe"),
                format!("step `{}` sets both `timeframe` and `timeframe_by_risk`", step.id),
                "keep one: `timeframe_by_risk` when the risk level decides, `timeframe` when it is fixed",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    fn levels(high: &str, low: &str) -> String {
        format!(
            "{MINIMAL}\n[[risk_levels]]\nid = \"high\"\nlabel = \"High\"\nfirst_response = \"{high}\"\nassessment_due = \"3d\"\ncase_plan_due = \"3d\"\nfollow_up_every = \"1w\"\n\
             [[risk_levels]]\nid = \"low\"\nlabel = \"Low\"\nfirst_response = \"{low}\"\nassessment_due = \"2w\"\ncase_plan_due = \"2w\"\nfollow_up_every = \"1mo\"\n"
        )
    }

    #[test]
    fn timeframes_must_not_shrink_with_lower_risk() {
        assert!(!codes_for(&levels("24h", "1w")).contains(&"risk-timeframe-order"));
        assert!(codes_for(&levels("1w", "24h")).contains(&"risk-timeframe-order"));
    }

    #[test]
    fn a_single_risk_level_is_not_prioritisation() {
        let one = format!(
            "{MINIMAL}\n[[risk_levels]]\nid = \"high\"\nlabel = \"High\"\nfirst_response = \"24h\"\nassessment_due = \"3d\"\ncase_plan_due = \"3d\"\nfollow_up_every = \"1w\"\n"
        );
        assert!(codes_for(&one).contains(&"too-few-risk-levels"));
    }
}
