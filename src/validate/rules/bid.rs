//! BID panels' structure (the Emergency Handbook's numeric norms are in `norms`) and the
//! route every concern that may need a BID must have.

use std::collections::HashMap;

use super::Context;
use crate::library::forms::BID_FORMS;

pub fn check(cx: &mut Context<'_>) {
    panels(cx);
    bid_route(cx);
}

fn panels(cx: &mut Context<'_>) {
    for (i, panel) in cx.config.bid.panels.iter().enumerate() {
        let p = format!("/bid/panels/{i}");
        let members = panel.members.len();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (j, member) in panel.members.iter().enumerate() {
            if seen.insert(member.as_str(), j).is_some() {
                cx.error(
                    "bid-duplicate-member",
                    &format!("{p}/members/{j}"),
                    format!(
                        "`{member}` is listed twice as a member of panel `{}`",
                        panel.id
                    ),
                    "each agency has one voting representative; list it once",
                );
            }
        }
        if !panel.members.contains(&panel.chair) {
            cx.error(
                "bid-chair-not-member",
                &format!("{p}/chair"),
                format!(
                    "the chair `{}` is not a member agency of panel `{}`",
                    panel.chair, panel.id
                ),
                "choose the chair among `members`, or add its agency to `members`",
            );
        }
        for (j, alternate) in panel.alternates.iter().enumerate() {
            if panel.members.contains(alternate) {
                cx.warning(
                    "bid-alternate-is-member",
                    &format!("{p}/alternates/{j}"),
                    format!("`{alternate}` is both a member and an alternate of panel `{}`", panel.id),
                    "alternates stand in for a member agency; list agencies that are not already voting",
                );
            }
        }
        if panel.quorum == 0 || usize::from(panel.quorum) > members {
            cx.error(
                "bid-quorum",
                &format!("{p}/quorum"),
                format!(
                    "a quorum of {} is impossible with {members} member agencies",
                    panel.quorum
                ),
                "set `quorum` between 1 and the number of members (commonly 3, the chair included)",
            );
        }
        if panel.max_cases_per_sitting == 0 {
            cx.error(
                "bid-cases-per-sitting",
                &format!("{p}/max_cases_per_sitting"),
                "a panel must be able to decide at least one case a sitting",
                "the norm is 6 to 8",
            );
        }
    }
}

/// A concern that may need a BID must reach one: some step uses the BID forms, and a
/// panel or an interim procedure exists to take the decision.
fn bid_route(cx: &mut Context<'_>) {
    let c = cx.config;
    let Some((index, concern)) = c
        .concerns
        .iter()
        .enumerate()
        .find(|(_, k)| !k.bid_situations.is_empty())
    else {
        return;
    };
    let step_uses_bid = c
        .steps
        .iter()
        .any(|s| s.forms.iter().any(|f| BID_FORMS.contains(&f.as_str())));
    if !step_uses_bid {
        // Point at the user's own text: their concern, or their steps if the concern is built in.
        let concern_pointer = format!("/concerns/{index}/bid_situations");
        let (pointer, whose) = match cx.builtin_section(&concern_pointer) {
            Some(_) => ("/steps".to_owned(), "built-in concern"),
            None => (concern_pointer, "concern"),
        };
        cx.error(
            "bid-unreachable",
            &pointer,
            format!("{whose} `{}` may need a BID, but no case management step uses the BID forms", concern.id),
            "add `bid_report` and `bid_panel_decision` to the `forms` of the step that launches BIDs (usually `implementation`)",
        );
    }
    if c.bid.panels.is_empty() && c.bid.interim.is_none() {
        cx.warning(
            "no-bid-route",
            "/bid",
            format!("concern `{}` may need a BID, but no BID panel or interim procedure is configured", concern.id),
            "add a [[bid.panels]] entry, or set `bid.interim` (`national_panel`, `emergency_focal_points` or `simplified`) for the time before a panel exists",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    fn panel(members: &str, chair: &str, quorum: u8, cases: u8) -> String {
        let orgs = "[[organisations]]\nid = \"a\"\nname = \"A\"\ntype = \"ngo\"\n[[organisations]]\nid = \"b\"\nname = \"B\"\ntype = \"ngo\"\n[[organisations]]\nid = \"c\"\nname = \"C\"\ntype = \"ngo\"\n";
        format!(
            "{MINIMAL}\n{orgs}[[bid.panels]]\nid = \"east\"\nmembers = {members}\nchair = \"{chair}\"\nquorum = {quorum}\nsits_every = \"1mo\"\nmax_cases_per_sitting = {cases}\n"
        )
    }

    #[test]
    fn a_sound_panel_raises_nothing() {
        let codes = codes_for(&panel("[\"unhcr\", \"a\", \"b\"]", "unhcr", 3, 6));
        assert!(!codes.iter().any(|c| c.starts_with("bid-")), "{codes:?}");
    }

    #[test]
    fn handbook_norms_are_warnings() {
        assert!(codes_for(&panel("[\"unhcr\", \"a\"]", "unhcr", 2, 6)).contains(&"bid-panel-size"));
        assert!(
            codes_for(&panel("[\"unhcr\", \"a\", \"b\"]", "unhcr", 3, 10))
                .contains(&"bid-cases-per-sitting")
        );
    }

    #[test]
    fn structural_problems_are_errors() {
        assert!(
            codes_for(&panel("[\"unhcr\", \"a\", \"a\"]", "unhcr", 3, 6))
                .contains(&"bid-duplicate-member")
        );
        assert!(
            codes_for(&panel("[\"unhcr\", \"a\", \"b\"]", "c", 3, 6))
                .contains(&"bid-chair-not-member")
        );
        assert!(
            codes_for(&panel("[\"unhcr\", \"a\", \"b\"]", "unhcr", 4, 6)).contains(&"bid-quorum")
        );
    }

    #[test]
    fn concerns_needing_a_bid_need_a_route() {
        assert!(!codes_for(MINIMAL).contains(&"no-bid-route"));
        assert!(
            codes_for(&MINIMAL.replace("[bid]\ninterim = \"simplified\"\n", ""))
                .contains(&"no-bid-route")
        );
        let roles = "[[roles]]\nid = \"caseworker\"\nlabel = \"Caseworker\"\n";
        let step = "[[steps]]\nid = \"identification\"\nlabel = \"Identification\"\nresponsible = [\"caseworker\"]\nforms = [\"registration_intake\"]\n";
        assert!(codes_for(&format!("{MINIMAL}\n{roles}{step}")).contains(&"bid-unreachable"));
    }
}
