//! The SOP's flowcharts, built from the configuration: the case management flow with
//! the timeframes of each risk level, the BID flow, and one referral pathway per
//! concern. The drawing itself (layout, SVG, PNG, Typst) is `flowchart`'s job.

use crate::config::{Direction, Language, RiskTimeframe};
use crate::pack::Pack;

use super::flowchart::{self, Edge, EdgeStyle, Graph, Node, Scene, Shape, Typeface};
use super::text::Prose;

/// One flowchart of one language, laid out.
pub struct Chart {
    /// Where the Markdown points: `flowcharts/<id>.svg`.
    pub url: String,
    pub title: String,
    pub scene: Scene,
    pub svg: String,
}

impl Chart {
    /// The chart as a PNG for DOCX (twice the point size, for print).
    pub fn png(&self) -> Result<super::docx::Png, String> {
        let png = flowchart::to_png(&self.svg, 2.0)?;
        Ok(super::docx::Png {
            bytes: png.bytes,
            width_px: png.width_px,
            height_px: png.height_px,
        })
    }
}

/// The typeface charts of `language` are drawn in.
pub fn typeface(language: &Language) -> Typeface {
    let families = crate::typeset::fonts_for_script(language.script.as_str())
        .unwrap_or(&["Noto Sans"])
        .iter()
        .map(|f| (*f).to_owned())
        .collect();
    Typeface {
        families,
        rtl: language.direction == Direction::Rtl,
        lang: language.tag.to_string(),
    }
}

pub fn build(pack: &Pack, language: &Language, prose: &Prose) -> Result<Vec<Chart>, String> {
    let face = typeface(language);
    let mut graphs = vec![
        (
            "case-management".to_owned(),
            prose.get("flow.case_title"),
            case_flow(pack, language, prose),
        ),
        (
            "bid".to_owned(),
            prose.get("flow.bid_title"),
            bid_flow(pack, prose),
        ),
    ];
    let tag = language.tag.as_str();
    for concern in pack.config.concerns.iter().flatten() {
        if !pack.config.pathways.iter().any(|p| p.concern == concern.id) {
            continue;
        }
        let label = text(pack, &concern.label, tag);
        graphs.push((
            format!("referral-{}", concern.id),
            prose
                .get("flow.referral_title")
                .replace("{concern}", &label),
            referral_flow(pack, language, prose, concern.id.as_str(), &label),
        ));
    }
    graphs
        .into_iter()
        .map(|(id, title, graph)| {
            let scene =
                flowchart::layout(&graph, &face).map_err(|e| format!("flowchart `{id}`: {e}"))?;
            let svg = flowchart::to_svg(&scene, &title, &face);
            Ok(Chart {
                url: format!("flowcharts/{id}.svg"),
                title,
                scene,
                svg,
            })
        })
        .collect()
}

fn text(pack: &Pack, t: &crate::config::Text, language: &str) -> String {
    pack.text(t, language)
        .map(|s| s.text.to_owned())
        .unwrap_or_default()
}

fn node(id: &str, label: String, detail: Option<String>, shape: Shape) -> Node {
    Node {
        id: id.to_owned(),
        label,
        detail,
        shape,
    }
}

fn edge(from: &str, to: &str, label: Option<String>, style: EdgeStyle) -> Edge {
    Edge {
        from: from.to_owned(),
        to: to.to_owned(),
        label,
        style,
    }
}

/// "High: 24 hours · Medium: 1 week …" for a step timed by risk level.
fn timeframes(pack: &Pack, language: &str, prose: &Prose, which: RiskTimeframe) -> String {
    pack.config
        .risk_levels
        .iter()
        .flatten()
        .map(|level| {
            prose
                .get("flow.by_risk")
                .replace("{level}", &text(pack, &level.label, language))
                .replace("{time}", &prose.duration(level.timeframe(which)))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The configured steps in order, with the emergency branch after the first one and
/// loops back from review; each step shows its timeframes.
fn case_flow(pack: &Pack, language: &Language, prose: &Prose) -> Graph {
    let tag = language.tag.as_str();
    let steps = pack.config.steps.as_deref().unwrap_or_default();
    let mut nodes = vec![node(
        "start",
        prose.get("flow.start"),
        None,
        Shape::Terminal,
    )];
    let mut edges = Vec::new();
    let mut previous = "start".to_owned();
    for (i, step) in steps.iter().enumerate() {
        let detail = match (step.timeframe_by_risk, step.timeframe) {
            (Some(which), _) => Some(timeframes(pack, tag, prose, which)),
            (None, Some(d)) => Some(
                prose
                    .get("flow.within")
                    .replace("{time}", &prose.duration(d)),
            ),
            (None, None) => None,
        };
        let id = format!("step_{}", step.id);
        nodes.push(node(
            &id,
            text(pack, &step.label, tag),
            detail,
            Shape::Process,
        ));
        edges.push(edge(&previous, &id, None, EdgeStyle::Normal));
        if i == 0 {
            // After identification: is the child in danger now?
            nodes.push(node(
                "emergency",
                prose.get("flow.emergency_question"),
                None,
                Shape::Decision,
            ));
            nodes.push(node(
                "emergency_action",
                prose.get("flow.emergency_action"),
                None,
                Shape::Emergency,
            ));
            edges.push(edge(&id, "emergency", None, EdgeStyle::Normal));
            edges.push(edge(
                "emergency",
                "emergency_action",
                Some(prose.get("flow.yes")),
                EdgeStyle::Emergency,
            ));
            previous = "emergency".to_owned();
            continue;
        }
        previous = id;
    }
    // The review question closes the loop: not yet → back to planning.
    let review_target = steps
        .iter()
        .find(|s| s.id.as_str() == "case_planning")
        .or(steps.get(2))
        .map(|s| format!("step_{}", s.id));
    if steps.len() >= 3 {
        let last = format!("step_{}", steps[steps.len() - 1].id);
        let before_last = steps
            .len()
            .checked_sub(2)
            .map(|i| format!("step_{}", steps[i].id));
        // Insert the review decision before the last step (closure).
        if let Some(before_last) = before_last {
            edges.retain(|e| !(e.from == before_last && e.to == last));
            nodes.push(node(
                "review",
                prose.get("flow.review"),
                None,
                Shape::Decision,
            ));
            edges.push(edge(&before_last, "review", None, EdgeStyle::Normal));
            edges.push(edge(
                "review",
                &last,
                Some(prose.get("flow.yes")),
                EdgeStyle::Normal,
            ));
            if let Some(target) = review_target {
                edges.push(edge(
                    "review",
                    &target,
                    Some(prose.get("flow.no")),
                    EdgeStyle::Back,
                ));
            }
        }
    }
    if let Some(first_after) = steps.get(1) {
        edges.push(edge(
            "emergency_action",
            &format!("step_{}", first_after.id),
            None,
            EdgeStyle::Normal,
        ));
    }
    // The BID branch off assessment.
    if let Some(assessment) = steps.get(1) {
        nodes.push(node("bid", prose.get("flow.bid"), None, Shape::Note));
        edges.push(edge(
            &format!("step_{}", assessment.id),
            "bid",
            Some(prose.get("flow.bid_question")),
            EdgeStyle::Normal,
        ));
    }
    for e in edges.iter_mut() {
        if e.from == "emergency" && e.to != "emergency_action" {
            e.label = Some(prose.get("flow.no"));
        }
    }
    Graph { nodes, edges }
}

fn bid_flow(pack: &Pack, prose: &Prose) -> Graph {
    let mut nodes = vec![
        node(
            "trigger",
            prose.get("flow.bid_trigger"),
            None,
            Shape::Terminal,
        ),
        node("gather", prose.get("flow.bid_gather"), None, Shape::Process),
        node("report", prose.get("flow.bid_report"), None, Shape::Process),
        node("check", prose.get("flow.bid_check"), None, Shape::Process),
    ];
    let mut edges = vec![
        edge("trigger", "gather", None, EdgeStyle::Normal),
        edge("gather", "report", None, EdgeStyle::Normal),
        edge("report", "check", None, EdgeStyle::Normal),
    ];
    let interim = pack.config.bid.interim.is_some() || pack.config.bid.panels.is_empty();
    nodes.push(node(
        "panel",
        prose.get("flow.bid_panel"),
        None,
        Shape::Process,
    ));
    if interim {
        nodes.push(node(
            "question",
            prose.get("flow.bid_panel_question"),
            None,
            Shape::Decision,
        ));
        nodes.push(node(
            "interim",
            prose.get("flow.bid_interim"),
            None,
            Shape::Process,
        ));
        edges.push(edge("check", "question", None, EdgeStyle::Normal));
        edges.push(edge(
            "question",
            "panel",
            Some(prose.get("flow.yes")),
            EdgeStyle::Normal,
        ));
        edges.push(edge(
            "question",
            "interim",
            Some(prose.get("flow.no")),
            EdgeStyle::Normal,
        ));
        edges.push(edge("interim", "explain", None, EdgeStyle::Normal));
    } else {
        edges.push(edge("check", "panel", None, EdgeStyle::Normal));
    }
    nodes.extend([
        node(
            "explain",
            prose.get("flow.bid_explain"),
            None,
            Shape::Process,
        ),
        node(
            "implement",
            prose.get("flow.bid_implement"),
            None,
            Shape::Process,
        ),
        node("review", prose.get("flow.bid_review"), None, Shape::Note),
    ]);
    edges.extend([
        edge("panel", "explain", None, EdgeStyle::Normal),
        edge("explain", "implement", None, EdgeStyle::Normal),
        edge("implement", "review", None, EdgeStyle::Normal),
        edge("review", "gather", None, EdgeStyle::Back),
    ]);
    Graph { nodes, edges }
}

/// The pathway of one concern: identification, the caseworker, the consent check, the
/// services in order, feedback; the emergency route beside it.
fn referral_flow(
    pack: &Pack,
    language: &Language,
    prose: &Prose,
    concern: &str,
    label: &str,
) -> Graph {
    let tag = language.tag.as_str();
    let pathways: Vec<_> = pack
        .config
        .pathways
        .iter()
        .filter(|p| p.concern.as_str() == concern)
        .collect();
    let service_name = |id: &crate::config::Id| {
        pack.config
            .services
            .iter()
            .find(|s| &s.id == id)
            .map_or_else(|| id.to_string(), |s| text(pack, &s.name, tag))
    };
    let mut nodes = vec![
        node(
            "identified",
            prose.get("flow.referral_identified"),
            Some(label.to_owned()),
            Shape::Terminal,
        ),
        node(
            "case",
            prose.get("flow.referral_case"),
            None,
            Shape::Process,
        ),
        node(
            "consent",
            prose.get("flow.referral_consent"),
            None,
            Shape::Decision,
        ),
        node(
            "no_consent",
            prose.get("flow.referral_no_consent"),
            None,
            Shape::Note,
        ),
    ];
    let mut edges = vec![
        edge("identified", "case", None, EdgeStyle::Normal),
        edge("case", "consent", None, EdgeStyle::Normal),
        edge(
            "consent",
            "no_consent",
            Some(prose.get("flow.no")),
            EdgeStyle::Normal,
        ),
    ];
    // Services in the order of the first pathway (areas may differ; the chapter lists
    // each area's own order).
    let mut previous = "consent".to_owned();
    let mut label_next = Some(prose.get("flow.yes"));
    let mut seen = Vec::new();
    for pathway in &pathways {
        for id in &pathway.services {
            if seen.contains(id) {
                continue;
            }
            seen.push(id.clone());
        }
    }
    let timeframe = pathways.first().map(|p| p.timeframe);
    for (i, id) in seen.iter().enumerate() {
        let node_id = format!("service_{i}");
        let detail = (i == 0)
            .then(|| {
                timeframe.map(|d| {
                    prose
                        .get("flow.within")
                        .replace("{time}", &prose.duration(d))
                })
            })
            .flatten();
        nodes.push(node(&node_id, service_name(id), detail, Shape::Process));
        edges.push(edge(
            &previous,
            &node_id,
            label_next.take(),
            EdgeStyle::Normal,
        ));
        previous = node_id;
    }
    nodes.push(node(
        "feedback",
        prose.get("flow.referral_feedback"),
        None,
        Shape::Terminal,
    ));
    edges.push(edge(
        &previous,
        "feedback",
        label_next.take(),
        EdgeStyle::Normal,
    ));
    let emergency: Vec<String> = pathways
        .iter()
        .filter_map(|p| p.emergency.as_ref())
        .flat_map(|e| e.services.iter().map(&service_name))
        .fold(Vec::new(), |mut acc, name| {
            if !acc.contains(&name) {
                acc.push(name);
            }
            acc
        });
    if !emergency.is_empty() {
        nodes.push(node(
            "emergency",
            prose
                .get("flow.referral_emergency")
                .replace("{services}", &emergency.join(", ")),
            None,
            Shape::Emergency,
        ));
        edges.push(edge("identified", "emergency", None, EdgeStyle::Emergency));
    }
    Graph { nodes, edges }
}
