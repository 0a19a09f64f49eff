//! Flowcharts: a graph of steps and decisions, laid out once ([`layout`]: a layered,
//! top-to-bottom layout with text wrapped and measured in bipgen's own fonts) and drawn
//! three ways from the same [`Scene`]: standalone SVG ([`to_svg`], for HTML), PNG
//! ([`to_png`], for DOCX) and Typst (`sop-templates/flowchart.typ`, for the PDF, which
//! reads the scene as JSON). Everything is in points and rounded to 0.1 pt, so the same
//! graph always gives the same bytes.

mod layout;
mod measure;
mod png;
mod svg;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use png::{png_size, to_png};
pub use svg::to_svg;

/// What to draw: nodes and the edges between them, in reading order.
#[derive(Debug, Clone)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Unique within the graph; edges name nodes by it.
    pub id: String,
    /// The main text (wrapped to the node's width).
    pub label: String,
    /// A smaller second text under the label (e.g. "within 24 hours").
    pub detail: Option<String>,
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Shape {
    /// Rounded pill: start and end.
    Terminal,
    /// Rectangle: a step.
    Process,
    /// Diamond: a question.
    Decision,
    /// Rectangle with a heavy red border.
    Emergency,
    /// Dashed rectangle: side information.
    Note,
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub style: EdgeStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EdgeStyle {
    Normal,
    /// A loop back (dashed, routed along the side).
    Back,
    /// Red.
    Emergency,
}

/// The fonts and direction of a chart's language.
#[derive(Debug, Clone)]
pub struct Typeface {
    /// Font families, most specific first (from `crate::typeset::fonts_for_script`).
    pub families: Vec<String>,
    /// Right-to-left: the layout is mirrored.
    pub rtl: bool,
    /// BCP 47 tag, for `xml:lang`.
    pub lang: String,
}

/// A laid-out chart, in points (1/72 in) from the top left corner, rounded to 0.1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
    /// The scene is already mirrored; renderers only set the text direction.
    pub rtl: bool,
    /// Font size of node labels, node details and edge labels (pt).
    pub font_size: f64,
    pub detail_size: f64,
    pub label_size: f64,
    /// Height of one line of text, as a multiple of its font size; the text of a node
    /// (label lines, then [`DETAIL_GAP`] pt, then detail lines) is centred vertically in
    /// the node, each line centred horizontally.
    pub line_height: f64,
    /// Baseline of a line below the line's top, as a multiple of the font size.
    pub ascent: f64,
}

/// The space between a node's label and its detail (pt).
pub const DETAIL_GAP: f64 = 2.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedNode {
    pub id: String,
    pub shape: Shape,
    /// Top left corner and size of the node's box (a diamond touches its box's sides).
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub lines: Vec<String>,
    pub detail_lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedEdge {
    /// From a point on the source's border to a point on the target's border, where the
    /// arrowhead goes; segments are horizontal or vertical.
    pub points: Vec<[f64; 2]>,
    pub style: EdgeStyle,
    pub label: Option<PlacedLabel>,
}

/// An edge label: its box (top left corner and size), lines centred in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedLabel {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub lines: Vec<String>,
}

impl Scene {
    /// The top of each line of a node's text, label lines then detail lines.
    pub fn text_lines(&self, node: &PlacedNode) -> Vec<(f64, f64)> {
        let label = self.font_size * self.line_height;
        let detail = self.detail_size * self.line_height;
        let mut height = node.lines.len() as f64 * label;
        if !node.detail_lines.is_empty() {
            height += DETAIL_GAP + node.detail_lines.len() as f64 * detail;
        }
        let mut top = node.y + (node.h - height) / 2.0;
        let mut out = Vec::new();
        for _ in &node.lines {
            out.push((top, self.font_size));
            top += label;
        }
        top += DETAIL_GAP;
        for _ in &node.detail_lines {
            out.push((top, self.detail_size));
            top += detail;
        }
        out
    }
}

/// Lays `graph` out top to bottom in the fonts of `face`, mirrored when right-to-left.
/// Errors: duplicate node ids, an edge naming an unknown node.
pub fn layout(graph: &Graph, face: &Typeface) -> Result<Scene, String> {
    layout::layout(graph, face)
}
