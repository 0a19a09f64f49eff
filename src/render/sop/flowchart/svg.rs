//! A scene as a standalone SVG: no scripts, no styles, no references outside itself;
//! every text escaped. One user unit is one point.

use std::fmt::Write;

use super::{EdgeStyle, PlacedNode, Scene, Shape, Typeface};

pub(super) const INK: &str = "#4a4a4a";
pub(super) const TEXT: &str = "#1a1a1a";
pub(super) const DETAIL_TEXT: &str = "#555555";
pub(super) const RED: &str = "#c0392b";
/// Arrowhead length and half width (pt).
pub(super) const ARROW: (f64, f64) = (6.0, 3.0);

/// Fill and stroke of a node: (fill, stroke, stroke width, dashed).
pub(super) fn node_paint(shape: Shape) -> (&'static str, &'static str, f64, bool) {
    match shape {
        Shape::Terminal => ("#e3edf6", INK, 1.0, false),
        Shape::Process => ("#f3f4f6", INK, 1.0, false),
        Shape::Decision => ("#fdf0d2", INK, 1.0, false),
        Shape::Emergency => ("#fdecea", RED, 2.2, false),
        Shape::Note => ("#ffffff", "#7a7a7a", 0.8, true),
    }
}

pub fn to_svg(scene: &Scene, title: &str, face: &Typeface) -> String {
    let mut out = String::new();
    // Each line isolated right-to-left: `direction` sets it for browsers, the isolate for
    // renderers that ignore it (resvg lays every text out left-to-right).
    let line = |text: &str| {
        if scene.rtl {
            format!("\u{2067}{}\u{2069}", escape(text))
        } else {
            escape(text)
        }
    };
    let families: Vec<String> = face
        .families
        .iter()
        .map(|f| format!("'{}'", escape(&f.replace(['\'', '"', ','], ""))))
        .chain(std::iter::once("sans-serif".to_owned()))
        .collect();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}pt\" height=\"{h}pt\" viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{families}\"",
        w = num(scene.width),
        h = num(scene.height),
        families = families.join(", "),
    );
    if !face.lang.is_empty() {
        let _ = write!(out, " xml:lang=\"{}\"", escape(&face.lang));
    }
    if scene.rtl {
        out.push_str(" direction=\"rtl\"");
    }
    out.push_str(">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        num(scene.width),
        num(scene.height)
    );
    for edge in &scene.edges {
        let (colour, width, dash) = match edge.style {
            EdgeStyle::Normal => (INK, 1.0, false),
            EdgeStyle::Back => (INK, 1.0, true),
            EdgeStyle::Emergency => (RED, 1.4, false),
        };
        let Some((line, head)) = arrow(&edge.points) else {
            continue;
        };
        let points: Vec<String> = line
            .iter()
            .map(|p| format!("{},{}", num(p[0]), num(p[1])))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linejoin=\"round\"",
            points.join(" "),
            num(width)
        );
        if dash {
            out.push_str(" stroke-dasharray=\"4 3\"");
        }
        out.push_str("/>\n");
        let head: Vec<String> = head
            .iter()
            .map(|p| format!("{},{}", num(p[0]), num(p[1])))
            .collect();
        let _ = writeln!(
            out,
            "<polygon points=\"{}\" fill=\"{colour}\"/>",
            head.join(" ")
        );
    }
    for node in &scene.nodes {
        node_shape(&mut out, node);
        let cx = num(node.x + node.w / 2.0);
        let lines = node.lines.iter().chain(&node.detail_lines);
        for ((top, size), text) in scene.text_lines(node).into_iter().zip(lines) {
            let fill = if size == scene.font_size {
                TEXT
            } else {
                DETAIL_TEXT
            };
            let _ = writeln!(
                out,
                "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{fill}\">{}</text>",
                num(top + size * scene.ascent),
                num(size),
                line(text)
            );
        }
    }
    for label in scene.edges.iter().filter_map(|e| e.label.as_ref()) {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
            num(label.x),
            num(label.y),
            num(label.w),
            num(label.h)
        );
        let cx = num(label.x + label.w / 2.0);
        let lh = scene.label_size * scene.line_height;
        for (i, text) in label.lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{TEXT}\">{}</text>",
                num(label.y + 1.0 + i as f64 * lh + scene.label_size * scene.ascent),
                num(scene.label_size),
                line(text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

fn node_shape(out: &mut String, node: &PlacedNode) {
    let (fill, stroke, width, dashed) = node_paint(node.shape);
    let paint = format!(
        "fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"{}",
        num(width),
        if dashed {
            " stroke-dasharray=\"3 2\""
        } else {
            ""
        }
    );
    let (x, y, w, h) = (node.x, node.y, node.w, node.h);
    match node.shape {
        Shape::Decision => {
            let _ = writeln!(
                out,
                "<polygon points=\"{},{} {},{} {},{} {},{}\" {paint}/>",
                num(x + w / 2.0),
                num(y),
                num(x + w),
                num(y + h / 2.0),
                num(x + w / 2.0),
                num(y + h),
                num(x),
                num(y + h / 2.0)
            );
        }
        shape => {
            let radius = match shape {
                Shape::Terminal => h / 2.0,
                _ => 2.0,
            };
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h),
                num(radius)
            );
        }
    }
}

/// The line to draw (ending where the arrowhead starts) and the arrowhead's triangle.
type Arrow = (Vec<[f64; 2]>, [[f64; 2]; 3]);

fn arrow(points: &[[f64; 2]]) -> Option<Arrow> {
    let (tip, before) = match points {
        [.., a, b] => (*b, *a),
        _ => return None,
    };
    let (dx, dy) = (tip[0] - before[0], tip[1] - before[1]);
    let length = (dx * dx + dy * dy).sqrt();
    if length == 0.0 {
        return None;
    }
    let (ux, uy) = (dx / length, dy / length);
    let (l, hw) = ARROW;
    let back = [tip[0] - ux * l, tip[1] - uy * l];
    let head = [
        tip,
        [back[0] - uy * hw, back[1] + ux * hw],
        [back[0] + uy * hw, back[1] - ux * hw],
    ];
    let mut line = points.to_vec();
    let cut = (l - 1.0).min(length);
    if let Some(last) = line.last_mut() {
        *last = [tip[0] - ux * cut, tip[1] - uy * cut];
    }
    Some((line, head))
}

/// A number as SVG writes it: at most one decimal, no trailing `.0`.
pub(super) fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// Text for XML content and attributes; characters XML cannot hold are dropped.
pub(super) fn escape(text: &str) -> String {
    crate::render::sop::escape::xml(text)
}
