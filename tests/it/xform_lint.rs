//! A structural lint of ODK XForms (pyxform's output) for what ODK Collect refuses to show,
//! which neither pyxform nor ODK Validate checks.
//!
//! Rules, each with where it comes from:
//!
//! - `repeat-in-field-list`: no repeat anywhere inside a group or repeat with the
//!   `field-list` appearance. ODK's documentation: "you can't have a repeat inside of another
//!   group with the field-list appearance" (form-logic, *Repeating questions*) and
//!   "Displaying repeats on the same screen (inside a field-list group) is not supported"
//!   (form-question-types, *Grouping multiple widgets on the same screen*). In Collect's
//!   source, `FormController.getQuestionPrompts` gathers every index of a field-list,
//!   descending into plain groups, and throws `FormDesignException` ("Repeats in
//!   'field-list' groups are not supported") for any index that is not a question: a
//!   repeat directly inside, or inside a plain group inside, fails the same way. A
//!   repeat may itself carry `field-list` (the docs allow it), which makes its own
//!   content one screen, so a repeat inside that repeat is refused too.
//! - `field-list-in-field-list`: no `field-list` group or repeat inside another one.
//!   Collect before v1.13 crashed with "Only questions are allowed in 'field-list'" on
//!   any group inside a field-list (getodk/getodk#878, getodk/build#29); Collect v1.13
//!   (getodk/collect#1821) shows plain groups inside a field-list on the same screen and
//!   tolerates nested field-lists, but KoboToolbox's form builder refuses field-list on a
//!   group holding groups (kobotoolbox/kpi#616). One screen per field-list, never nested,
//!   is what every Collect version shows as intended.
//!
//! Plain groups (no appearance) inside a field-list are allowed: Collect shows their
//! questions on the field-list's screen, and their relevance applies to those questions.

use roxmltree::{Document, Node};

const XFORMS: &str = "http://www.w3.org/2002/xforms";
const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// One structure ODK Collect refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    /// The `ref` or `nodeset` of the offending element.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}: {}", self.rule, self.at, self.message)
    }
}

fn is_container(node: &Node) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(XFORMS)
        && matches!(node.tag_name().name(), "group" | "repeat")
}

fn is_field_list(node: &Node) -> bool {
    is_container(node)
        && node
            .attribute("appearance")
            .is_some_and(|a| a.to_ascii_lowercase().contains("field-list"))
}

fn reference(node: &Node) -> String {
    node.attribute("ref")
        .or_else(|| node.attribute("nodeset"))
        .unwrap_or("(no ref)")
        .to_owned()
}

/// The violations of one XForm; an XForm that does not parse, or has no body, is one
/// violation too.
pub fn lint(xml: &str) -> Vec<Violation> {
    let document = match Document::parse(xml) {
        Ok(document) => document,
        Err(e) => {
            return vec![Violation {
                rule: "not-xml",
                at: String::new(),
                message: e.to_string(),
            }];
        }
    };
    let Some(body) = document.descendants().find(|n| {
        n.is_element() && n.tag_name().namespace() == Some(XHTML) && n.tag_name().name() == "body"
    }) else {
        return vec![Violation {
            rule: "no-body",
            at: String::new(),
            message: "the XForm has no h:body".into(),
        }];
    };
    let mut violations = Vec::new();
    for node in body.descendants().filter(is_container) {
        // The nearest field-list strictly above this element.
        let Some(screen) = node.ancestors().skip(1).find(is_field_list) else {
            continue;
        };
        if node.tag_name().name() == "repeat" {
            violations.push(Violation {
                rule: "repeat-in-field-list",
                at: reference(&node),
                message: format!(
                    "a repeat inside the field-list {}: ODK Collect refuses to show it",
                    reference(&screen)
                ),
            });
        } else if is_field_list(&node) {
            violations.push(Violation {
                rule: "field-list-in-field-list",
                at: reference(&node),
                message: format!("a field-list inside the field-list {}", reference(&screen)),
            });
        }
    }
    violations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> String {
        format!(
            r#"<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml">
<h:head><h:title>t</h:title><model><instance><data id="t"/></instance></model></h:head>
<h:body>{body}</h:body></h:html>"#
        )
    }

    fn rules(body: &str) -> Vec<(&'static str, String)> {
        lint(&form(body))
            .into_iter()
            .map(|v| (v.rule, v.at))
            .collect()
    }

    #[test]
    fn a_repeat_inside_a_field_list_group_is_refused() {
        // What bipgen once generated for bia_short: the section was a field-list holding
        // the repeat urgent_actions.
        let bad = r#"<group ref="/data/risk_and_action" appearance="field-list"><label>Risk</label>
            <input ref="/data/risk_and_action/risk_level"><label>Risk level</label></input>
            <group ref="/data/risk_and_action/urgent_actions"><label>Urgent actions</label>
              <repeat nodeset="/data/risk_and_action/urgent_actions">
                <input ref="/data/risk_and_action/urgent_actions/action"><label>Action</label></input>
              </repeat></group></group>"#;
        assert_eq!(
            rules(bad),
            [(
                "repeat-in-field-list",
                "/data/risk_and_action/urgent_actions".to_owned()
            )]
        );
    }

    #[test]
    fn a_repeat_inside_a_plain_group_inside_a_field_list_is_refused() {
        let bad = r#"<group ref="/data/s" appearance="field-list">
            <group ref="/data/s/g"><repeat nodeset="/data/s/g/r">
              <input ref="/data/s/g/r/q"/></repeat></group></group>"#;
        assert_eq!(
            rules(bad),
            [("repeat-in-field-list", "/data/s/g/r".to_owned())]
        );
    }

    #[test]
    fn a_repeat_inside_a_field_list_repeat_is_refused() {
        let bad = r#"<group ref="/data/r"><repeat nodeset="/data/r" appearance="field-list">
            <input ref="/data/r/q"/>
            <group ref="/data/r/inner"><repeat nodeset="/data/r/inner"><input ref="/data/r/inner/q"/></repeat></group>
            </repeat></group>"#;
        assert_eq!(
            rules(bad),
            [("repeat-in-field-list", "/data/r/inner".to_owned())]
        );
    }

    #[test]
    fn a_field_list_inside_a_field_list_is_refused() {
        let bad = r#"<group ref="/data/s" appearance="field-list">
            <group ref="/data/s/inner" appearance="minimal field-list"><input ref="/data/s/inner/q"/></group>
            </group>"#;
        assert_eq!(
            rules(bad),
            [("field-list-in-field-list", "/data/s/inner".to_owned())]
        );
    }

    #[test]
    fn collect_s_allowed_structures_pass() {
        // A section with screens before and after a field-list repeat, and a plain group
        // with relevance inside a screen.
        let good = r#"<group ref="/data/s"><label>S</label>
            <group ref="/data/s/s-1" appearance="field-list">
              <input ref="/data/s/s-1/a"/>
              <group ref="/data/s/s-1/mother"><input ref="/data/s/s-1/mother/name"/></group>
            </group>
            <group ref="/data/s/r"><label>R</label>
              <repeat nodeset="/data/s/r" appearance="field-list"><input ref="/data/s/r/b"/>
                <group ref="/data/s/r/g"><input ref="/data/s/r/g/c"/></group></repeat></group>
            <group ref="/data/s/s-2" appearance="field-list"><input ref="/data/s/s-2/d"/></group>
            </group>
            <group ref="/data/outer"><group ref="/data/outer/r2"><repeat nodeset="/data/outer/r2">
              <group ref="/data/outer/r2/r3"><repeat nodeset="/data/outer/r2/r3" appearance="field-list"><input ref="/data/outer/r2/r3/q"/></repeat></group>
            </repeat></group></group>"#;
        assert_eq!(rules(good), []);
    }

    #[test]
    fn what_is_not_an_xform_is_reported() {
        assert_eq!(lint("<h:html")[0].rule, "not-xml");
        assert_eq!(lint("<html/>")[0].rule, "no-body");
    }
}
