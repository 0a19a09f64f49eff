//! The SOP's flowcharts, built from the configuration: the case management flow with
//! the timeframes of each risk level, the BID flow, and one referral pathway per
//! concern. The drawing itself (layout, SVG, PNG, Typst) is `flowchart`'s job.

use crate::config::{Direction, Language, RiskTimeframe};
use crate::pack::Pack;
use crate::typeset::cache::{OutputCache, cached};

use super::flowchart::{self, Edge, EdgeStyle, Graph, Node, Scene, Shape, Typeface};
use super::text::Prose;

/// One flowchart of one language, laid out.
pub struct Chart {
    /// Where the Markdown points: `flowcharts/<id>.svg`.
    pub url: String,
    pub title: String,
    /// A short text alternative: what the chart is, and that its steps follow in words.
    pub alt: String,
    /// The chart in words, one numbered step per node: its text, its time allowed and
    /// where each branch leads. Plain text (not yet escaped for Markdown).
    pub in_words: Vec<String>,
    pub scene: Scene,
    pub svg: String,
}

/// Pixels per point of a chart in the DOCX: twice the point size, for print.
const DOCX_SCALE: f32 = 2.0;

impl Chart {
    /// The chart as a PNG for DOCX. Rasterising is the DOCX's main cost in a large
    /// operation, and an edit leaves most charts as they were, so each chart's PNG is
    /// kept in `cache` by its SVG: a chart drawn before is not drawn again.
    pub fn png(&self, cache: Option<&OutputCache>) -> Result<super::docx::Png, String> {
        let fingerprint = format!("{DOCX_SCALE}\n{}", self.svg);
        let files = cached(cache, "chart-png", &fingerprint, || {
            Ok(vec![(
                "chart.png".to_owned(),
                flowchart::to_png(&self.svg, DOCX_SCALE)?,
            )])
        })?;
        let bytes = files
            .into_iter()
            .next()
            .map(|(_, bytes)| bytes)
            .ok_or_else(|| format!("{}: the cache entry holds no PNG", self.url))?;
        let (width_px, height_px) = flowchart::png_size(&bytes)?;
        Ok(super::docx::Png {
            bytes,
            width_px,
            height_px,
            description: Some(self.alt.clone()),
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
    // One chart per pathway as configured (a concern in its areas), each with its own
    // services in order, time allowed and emergency route: nothing is merged, so a chart
    // stays as small as its pathway however many areas and concerns the country has.
    for concern in pack.config.concerns.iter() {
        let label = text(pack, &concern.label, tag);
        let own = pack
            .config
            .pathways
            .iter()
            .filter(|p| p.concern == concern.id);
        for (index, pathway) in own.enumerate() {
            let areas = pathway_areas(pack, pathway, tag, prose);
            graphs.push((
                pathway_chart_id(concern.id.as_str(), index),
                prose
                    .get("flow.pathway_title")
                    .replace("{concern}", &label)
                    .replace("{areas}", &areas),
                referral_flow(pack, language, prose, pathway, &label),
            ));
        }
    }
    graphs
        .into_iter()
        .map(|(id, title, graph)| {
            let scene =
                flowchart::layout(&graph, &face).map_err(|e| format!("flowchart `{id}`: {e}"))?;
            let alt = prose.get("flow.alt").replace("{title}", &title);
            let svg = flowchart::to_svg(&scene, &alt, &face);
            Ok(Chart {
                url: format!("flowcharts/{id}.svg"),
                in_words: in_words(&graph, prose, language.digits),
                title,
                alt,
                scene,
                svg,
            })
        })
        .collect()
}

/// The Markdown with each chart's steps in words after its image: an emphasised line
/// that introduces them, then a numbered list. Every format renders them from there
/// (the HTML folds them into a `<details>` the figure points to).
pub fn with_steps_in_words(markdown: &str, charts: &[Chart], prose: &Prose) -> String {
    let mut out = String::with_capacity(markdown.len() + charts.len() * 512);
    for line in markdown.split_inclusive('\n') {
        out.push_str(line);
        // The image's address as written: templates escape the ids in it for Markdown.
        let image = line.trim_end();
        let address = image
            .strip_prefix("![")
            .and_then(|rest| rest.rsplit_once("]("))
            .and_then(|(_, address)| address.strip_suffix(')'))
            .map(|address| address.replace('\\', ""));
        let Some(chart) = charts
            .iter()
            .find(|chart| address.as_deref() == Some(chart.url.as_str()))
        else {
            continue;
        };
        if chart.in_words.is_empty() {
            continue;
        }
        if !line.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!(
            "\n*{}*\n\n",
            super::markdown::escape(&prose.get("flow.in_words"))
        ));
        // "1)" rather than "1.": a list with another delimiter is another list, so a
        // numbered list the chapter puts after the chart stays its own.
        for (i, step) in chart.in_words.iter().enumerate() {
            out.push_str(&format!("{}) {}\n", i + 1, super::markdown::escape(step)));
        }
    }
    out
}

/// The chart as an ordered list, for readers who cannot see it: one item per node in
/// reading order, with its detail, and where it leads unless that is simply the next
/// item.
fn in_words(graph: &Graph, prose: &Prose, digits: crate::config::Digits) -> Vec<String> {
    let number = |id: &str| {
        graph
            .nodes
            .iter()
            .position(|n| n.id == id)
            .map(|i| digits.localise(&(i + 1).to_string()))
            .unwrap_or_default()
    };
    graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            // A node's own rank ("2. Health centre") gives way to the list's numbering.
            let mut item = without_rank(&node.label).to_owned();
            if let Some(detail) = &node.detail {
                item = format!("{item} ({detail})");
            }
            let next = graph.nodes.get(i + 1).map(|n| n.id.as_str());
            let out: Vec<&Edge> = graph.edges.iter().filter(|e| e.from == node.id).collect();
            let only_onward = matches!(out.as_slice(), [e]
                if e.label.is_none() && e.style == EdgeStyle::Normal && Some(e.to.as_str()) == next);
            if !out.is_empty() && !only_onward {
                let ways: Vec<String> = out
                    .iter()
                    .map(|e| {
                        let step = number(&e.to);
                        match (&e.label, e.style) {
                            (Some(answer), _) => prose
                                .get("flow.branch")
                                .replace("{answer}", answer)
                                .replace("{step}", &step),
                            (None, EdgeStyle::Back) => prose.get("flow.back").replace("{step}", &step),
                            (None, EdgeStyle::Emergency) => {
                                prose.get("flow.urgent").replace("{step}", &step)
                            }
                            (None, _) => prose.get("flow.goto").replace("{step}", &step),
                        }
                    })
                    .collect();
                item = format!("{item} — {}", ways.join(&prose.get("list.semicolon")));
            }
            item
        })
        .collect()
}

/// `label` without a leading rank such as "2. ".
fn without_rank(label: &str) -> &str {
    let digits = label.len() - label.trim_start_matches(|c: char| c.is_numeric()).len();
    match label[digits..].strip_prefix(". ") {
        Some(rest) if digits > 0 => rest,
        _ => label,
    }
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
    let steps = pack.config.steps.as_slice();
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

/// The chart file of the `index`-th pathway (from 0) of a concern, as the chapter
/// template names it: `referral-<concern>-<n>`, n from 1.
pub fn pathway_chart_id(concern: &str, index: usize) -> String {
    format!("referral-{concern}-{}", index + 1)
}

/// The areas a pathway covers, in words.
fn pathway_areas(
    pack: &Pack,
    pathway: &crate::config::model::Pathway,
    language: &str,
    prose: &Prose,
) -> String {
    if pathway.areas.is_empty() {
        return prose.get("referral.all_areas");
    }
    let names: Vec<String> = pathway
        .areas
        .iter()
        .map(|id| {
            pack.config
                .areas
                .iter()
                .find(|a| &a.id == id)
                .map_or_else(|| id.to_string(), |a| text(pack, &a.name, language))
        })
        .collect();
    super::engine::join_list(prose, &names)
}

/// One pathway: identification, the caseworker, the consent check, its services in its
/// own order with its own time allowed, feedback; its emergency route beside it.
fn referral_flow(
    pack: &Pack,
    language: &Language,
    prose: &Prose,
    pathway: &crate::config::model::Pathway,
    label: &str,
) -> Graph {
    let tag = language.tag.as_str();
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
            Some(
                prose
                    .get("flow.within")
                    .replace("{time}", &prose.duration(pathway.timeframe)),
            ),
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
    let mut previous = "consent".to_owned();
    let mut label_next = Some(prose.get("flow.yes"));
    for (i, id) in pathway.services.iter().enumerate() {
        let node_id = format!("service_{i}");
        nodes.push(node(
            &node_id,
            format!("{}. {}", prose.number(i as u64 + 1), service_name(id)),
            None,
            Shape::Process,
        ));
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
    if let Some(emergency) = &pathway.emergency {
        let services: Vec<String> = emergency.services.iter().map(&service_name).collect();
        nodes.push(node(
            "emergency",
            prose
                .get("flow.referral_emergency")
                .replace("{services}", &super::engine::join_list(prose, &services)),
            None,
            Shape::Emergency,
        ));
        edges.push(edge("identified", "emergency", None, EdgeStyle::Emergency));
    }
    Graph { nodes, edges }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;
    use crate::validate::rules::test_support::{MINIMAL, checked};

    /// A4 text width and the page height left for a chart and its caption, in points
    /// (sop.typ: 2 cm side margins, 2.5 cm top, 2.2 cm bottom, about 30 pt of caption).
    const A4_TEXT_WIDTH: f64 = 595.3 - 2.0 * 56.7;
    const A4_CHART_HEIGHT: f64 = 841.9 - 70.9 - 62.4 - 30.0;

    /// An operation of 12 areas and 30 concerns, each concern with its own pathway in
    /// every area, each pathway six services long.
    fn large_operation() -> String {
        let mut text = MINIMAL.to_owned();
        for a in 0..12 {
            let _ = write!(
                text,
                "\n[[areas]]\nid = \"settlement_{a}\"\nname = \"Settlement number {a} (north-eastern province)\"\n"
            );
        }
        for s in 0..30 {
            let _ = write!(
                text,
                "\n[[services]]\nid = \"service_{s}\"\nname = \"Specialised service number {s} for children and families\"\ntype = \"child_protection\"\nprovider = \"unhcr\"\n"
            );
        }
        for c in 0..30 {
            let _ = write!(
                text,
                "\n[[concerns]]\nid = \"concern_{c}\"\nlabel = \"Protection concern number {c}\"\ndefault_risk = \"high\"\n"
            );
            for a in 0..12 {
                let services: Vec<String> = (0..6)
                    .map(|i| format!("\"service_{}\"", (c + a + i) % 30))
                    .collect();
                let _ = write!(
                    text,
                    "\n[[pathways]]\nconcern = \"concern_{c}\"\nareas = [\"settlement_{a}\"]\nreferred_by = [\"caseworker\"]\nservices = [{}]\ntimeframe = \"{}h\"\nemergency = {{ services = [\"service_{}\"] }}\n",
                    services.join(", "),
                    1 + a,
                    c % 30
                );
            }
        }
        text
    }

    #[test]
    fn every_pathway_of_a_large_operation_gets_its_own_chart_at_full_size_on_a4() {
        let loaded = checked(&large_operation());
        assert!(
            !loaded.has_errors(),
            "{:#?}",
            loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .collect::<Vec<_>>()
        );
        let pack = loaded
            .resolve("country.toml")
            .expect("read")
            .expect("resolved");
        let language = pack.languages()[0].clone();
        let prose = crate::render::sop::prose_for(&pack, &language);
        let charts = build(&pack, &language, &prose).expect("charts");
        let referral: Vec<&Chart> = charts
            .iter()
            .filter(|c| c.url.contains("referral-"))
            .collect();
        assert_eq!(referral.len(), 12 * 30, "one chart per pathway");
        for chart in referral {
            assert!(
                chart.scene.width <= A4_TEXT_WIDTH && chart.scene.height <= A4_CHART_HEIGHT,
                "{}: {} × {} pt does not print at 100 % on A4",
                chart.url,
                chart.scene.width,
                chart.scene.height
            );
            // Its own pathway only: six services, the feedback, the emergency route.
            assert_eq!(chart.scene.nodes.len(), 4 + 6 + 1 + 1, "{}", chart.url);
        }
    }
}
