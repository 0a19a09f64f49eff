use std::path::PathBuf;

use super::layout::{overlaps, round1};
use super::*;

fn node(id: &str, label: &str, detail: Option<&str>, shape: Shape) -> Node {
    Node {
        id: id.to_owned(),
        label: label.to_owned(),
        detail: detail.map(str::to_owned),
        shape,
    }
}

fn edge(from: &str, to: &str, label: Option<&str>, style: EdgeStyle) -> Edge {
    Edge {
        from: from.to_owned(),
        to: to.to_owned(),
        label: label.map(str::to_owned),
        style,
    }
}

/// The texts of the case management sample: labels of nodes in order, then edge labels.
struct CaseTexts {
    nodes: [(&'static str, Option<&'static str>); 11],
    yes: &'static str,
    no: &'static str,
    adjust: &'static str,
    if_needed: &'static str,
}

const CASE_EN: CaseTexts = CaseTexts {
    nodes: [
        ("Child at risk identified", None),
        ("Registration and screening", Some("same day")),
        ("Emergency?", None),
        (
            "Immediate action: safety, medical care, interim care",
            Some("within 24 hours"),
        ),
        (
            "Best interests assessment (BIA)",
            Some("High: 3 days · Medium: 1 week · Low: 2 weeks"),
        ),
        ("Case plan agreed with the child and the family", None),
        ("Implementation and referrals to services", None),
        ("Follow-up and monitoring", Some("every 2 weeks")),
        ("Goals met?", None),
        ("Case closure", None),
        ("Consider a best interests determination (BID)", None),
    ],
    yes: "yes",
    no: "no",
    adjust: "adjust the plan",
    if_needed: "if needed",
};

const CASE_AR: CaseTexts = CaseTexts {
    nodes: [
        ("تم التعرف على طفل معرض للخطر", None),
        ("التسجيل والفحص الأولي", Some("في نفس اليوم")),
        ("حالة طارئة؟", None),
        (
            "إجراء فوري: السلامة والرعاية الطبية والرعاية المؤقتة",
            Some("خلال 24 ساعة"),
        ),
        (
            "تقييم المصالح الفضلى",
            Some("عالية: 3 أيام · متوسطة: أسبوع · منخفضة: أسبوعان"),
        ),
        ("خطة الحالة بالاتفاق مع الطفل والأسرة", None),
        ("التنفيذ والإحالة إلى الخدمات", None),
        ("المتابعة والرصد", Some("كل أسبوعين")),
        ("هل تحققت الأهداف؟", None),
        ("إغلاق الحالة", None),
        ("النظر في تحديد المصالح الفضلى عند الحاجة", None),
    ],
    yes: "نعم",
    no: "لا",
    adjust: "تعديل الخطة",
    if_needed: "عند الحاجة",
};

fn case_graph(t: &CaseTexts) -> Graph {
    use EdgeStyle::*;
    use Shape::*;
    let ids = [
        ("identified", Terminal),
        ("screening", Process),
        ("emergency", Decision),
        ("emergency_action", Shape::Emergency),
        ("bia", Process),
        ("plan", Process),
        ("implementation", Process),
        ("follow_up", Process),
        ("goals", Decision),
        ("closure", Terminal),
        ("bid", Note),
    ];
    let nodes = ids
        .iter()
        .zip(&t.nodes)
        .map(|((id, shape), (label, detail))| node(id, label, *detail, *shape))
        .collect();
    let edges = vec![
        edge("identified", "screening", None, Normal),
        edge("screening", "emergency", None, Normal),
        edge(
            "emergency",
            "emergency_action",
            Some(t.yes),
            EdgeStyle::Emergency,
        ),
        edge("emergency", "bia", Some(t.no), Normal),
        edge("emergency_action", "bia", None, Normal),
        edge("bia", "plan", None, Normal),
        edge("bia", "bid", Some(t.if_needed), Normal),
        edge("plan", "implementation", None, Normal),
        edge("implementation", "follow_up", None, Normal),
        edge("follow_up", "goals", None, Normal),
        edge("goals", "closure", Some(t.yes), Normal),
        edge("follow_up", "implementation", Some(t.adjust), Back),
        edge("goals", "plan", Some(t.no), Back),
    ];
    Graph { nodes, edges }
}

fn bid_graph(arabic: bool) -> Graph {
    use EdgeStyle::*;
    use Shape::*;
    let t = |en: &'static str, ar: &'static str| if arabic { ar } else { en };
    Graph {
        nodes: vec![
            node(
                "trigger",
                t("BID needed", "الحاجة إلى تحديد المصالح الفضلى"),
                None,
                Terminal,
            ),
            node(
                "gather",
                t(
                    "Gather information and the child's views",
                    "جمع المعلومات وآراء الطفل",
                ),
                None,
                Process,
            ),
            node(
                "report",
                t("BID report", "تقرير تحديد المصالح الفضلى"),
                None,
                Process,
            ),
            node(
                "question",
                t("Panel available?", "هل اللجنة متاحة؟"),
                None,
                Decision,
            ),
            node(
                "panel",
                t("BID panel decides", "تقرر اللجنة"),
                Some(t("within 2 weeks", "خلال أسبوعين")),
                Process,
            ),
            node(
                "interim",
                t("Interim decision by the supervisor", "قرار مؤقت من المشرف"),
                None,
                Process,
            ),
            node(
                "explain",
                t("Decision explained to the child", "شرح القرار للطفل"),
                None,
                Process,
            ),
            node("review", t("Review", "المراجعة"), None, Note),
        ],
        edges: vec![
            edge("trigger", "gather", None, Normal),
            edge("gather", "report", None, Normal),
            edge("report", "question", None, Normal),
            edge("question", "panel", Some(t("yes", "نعم")), Normal),
            edge("question", "interim", Some(t("no", "لا")), Normal),
            edge("panel", "explain", None, Normal),
            edge("interim", "explain", None, Normal),
            edge("explain", "review", None, Normal),
            edge(
                "review",
                "gather",
                Some(t("new facts", "وقائع جديدة")),
                Back,
            ),
        ],
    }
}

fn face(script: &str, rtl: bool, lang: &str) -> Typeface {
    Typeface {
        families: crate::typeset::fonts_for_script(script)
            .unwrap()
            .iter()
            .map(|f| (*f).to_owned())
            .collect(),
        rtl,
        lang: lang.to_owned(),
    }
}

fn english() -> Typeface {
    face("Latn", false, "en")
}

fn arabic() -> Typeface {
    face("Arab", true, "ar")
}

fn samples() -> Vec<(&'static str, Graph, Typeface)> {
    vec![
        ("case-en", case_graph(&CASE_EN), english()),
        ("case-ar", case_graph(&CASE_AR), arabic()),
        ("bid-en", bid_graph(false), english()),
        ("bid-ar", bid_graph(true), arabic()),
        (
            "case-en-rtl",
            case_graph(&CASE_EN),
            face("Latn", true, "en"),
        ),
    ]
}

fn rect(n: &PlacedNode) -> [f64; 4] {
    [n.x, n.y, n.w, n.h]
}

/// Whether `p` lies on the outline of node `n` (within rounding).
fn on_border(n: &PlacedNode, p: [f64; 2]) -> bool {
    let tol = 0.25;
    let (x, y) = (p[0], p[1]);
    let (l, t, r, b) = (n.x, n.y, n.x + n.w, n.y + n.h);
    let (cx, cy) = (n.x + n.w / 2.0, n.y + n.h / 2.0);
    match n.shape {
        Shape::Decision => {
            let v = (x - cx).abs() / (n.w / 2.0) + (y - cy).abs() / (n.h / 2.0);
            (v - 1.0).abs() * n.h.min(n.w) / 2.0 < tol
        }
        Shape::Terminal => {
            let radius = n.h / 2.0;
            let straight = (x >= l + radius - tol && x <= r - radius + tol)
                && ((y - t).abs() < tol || (y - b).abs() < tol);
            let arc = |ax: f64| ((x - ax).powi(2) + (y - cy).powi(2)).sqrt() - radius;
            straight
                || (x <= l + radius && arc(l + radius).abs() < tol)
                || (x >= r - radius && arc(r - radius).abs() < tol)
        }
        _ => {
            let inside_x = x >= l - tol && x <= r + tol;
            let inside_y = y >= t - tol && y <= b + tol;
            (inside_y && ((x - l).abs() < tol || (x - r).abs() < tol))
                || (inside_x && ((y - t).abs() < tol || (y - b).abs() < tol))
        }
    }
}

fn check_scene(name: &str, graph: &Graph, scene: &Scene) {
    assert_eq!(scene.nodes.len(), graph.nodes.len());
    assert_eq!(scene.edges.len(), graph.edges.len());
    let by_id = |id: &str| scene.nodes.iter().find(|n| n.id == id).unwrap();
    for (i, a) in scene.nodes.iter().enumerate() {
        assert!(a.x >= 0.0 && a.y >= 0.0, "{name}: {} outside", a.id);
        assert!(a.x + a.w <= scene.width + 0.05 && a.y + a.h <= scene.height + 0.05);
        assert!(!a.lines.is_empty(), "{name}: {} has no text", a.id);
        for b in &scene.nodes[i + 1..] {
            assert!(
                !overlaps(&rect(a), &rect(b)),
                "{name}: {} overlaps {}",
                a.id,
                b.id
            );
        }
    }
    for (e, placed) in graph.edges.iter().zip(&scene.edges) {
        let what = format!("{name}: edge {} → {}", e.from, e.to);
        let (source, target) = (by_id(&e.from), by_id(&e.to));
        let first = placed.points[0];
        let last = *placed.points.last().unwrap();
        assert!(placed.points.len() >= 2, "{what}");
        assert!(
            on_border(source, first),
            "{what} starts at {first:?}: {source:?}\n{:?}",
            placed.points
        );
        assert!(
            on_border(target, last),
            "{what} ends at {last:?}: {target:?}\n{:?}",
            placed.points
        );
        for pair in placed.points.windows(2) {
            let horizontal = (pair[0][1] - pair[1][1]).abs() < 0.05;
            let vertical = (pair[0][0] - pair[1][0]).abs() < 0.05;
            assert!(horizontal || vertical, "{what}: slanted segment {pair:?}");
            // No segment passes through a node other than its own ends.
            let seg = [
                pair[0][0].min(pair[1][0]),
                pair[0][1].min(pair[1][1]),
                (pair[0][0] - pair[1][0]).abs(),
                (pair[0][1] - pair[1][1]).abs(),
            ];
            for n in &scene.nodes {
                if n.id == e.from || n.id == e.to {
                    continue;
                }
                let inner = [n.x + 0.5, n.y + 0.5, n.w - 1.0, n.h - 1.0];
                let seg = [seg[0] - 0.01, seg[1] - 0.01, seg[2] + 0.02, seg[3] + 0.02];
                assert!(!overlaps(&seg, &inner), "{what} crosses {}", n.id);
            }
        }
        assert_eq!(placed.label.is_some(), e.label.is_some(), "{what}");
        if let Some(label) = &placed.label {
            for n in &scene.nodes {
                assert!(
                    !overlaps(&[label.x, label.y, label.w, label.h], &rect(n)),
                    "{what}: label over {}",
                    n.id
                );
            }
            assert!(label.x >= 0.0 && label.x + label.w <= scene.width + 0.05);
        }
    }
    let labels: Vec<[f64; 4]> = scene
        .edges
        .iter()
        .filter_map(|e| e.label.as_ref())
        .map(|l| [l.x, l.y, l.w, l.h])
        .collect();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!overlaps(a, b), "{name}: labels {a:?} and {b:?} overlap");
        }
    }
}

#[test]
fn samples_lay_out_without_overlaps_and_edges_meet_borders() {
    for (name, graph, face) in samples() {
        let scene = layout(&graph, &face).unwrap();
        check_scene(name, &graph, &scene);
        // Readable on A4 (text width about 453 pt) without scaling.
        assert!(scene.width <= 453.0, "{name}: {} pt wide", scene.width);
    }
}

#[test]
fn text_fits_its_node() {
    let face = english();
    let measure = measure::Measure::new(&face.families);
    for (name, graph, face) in samples() {
        let m = measure::Measure::new(&face.families);
        let scene = layout(&graph, &face).unwrap();
        for n in &scene.nodes {
            let text = m
                .widest(&n.lines, scene.font_size)
                .max(m.widest(&n.detail_lines, scene.detail_size));
            let room = if n.shape == Shape::Decision {
                n.w * 0.6
            } else {
                n.w - 8.0
            };
            assert!(text <= room, "{name}: {} text {text} in {room}", n.id);
            let lines = scene.text_lines(n);
            let bottom = lines
                .last()
                .map(|(top, size)| top + size * scene.line_height);
            assert!(lines[0].0 >= n.y && bottom.unwrap() <= n.y + n.h + 0.01);
        }
    }
    // Words are never split unless a single one is too wide.
    let lines = measure.wrap("Registration and screening of the child", 9.0, 60.0);
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
    );
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
    assert_eq!(
        words,
        ["Registration", "and", "screening", "of", "the", "child"]
    );
    let long = measure.wrap("Supercalifragilisticexpialidocious", 9.0, 40.0);
    assert!(long.len() > 1);
    assert_eq!(long.concat(), "Supercalifragilisticexpialidocious");
    assert!(long.iter().all(|l| measure.width(l, 9.0) <= 40.0));
}

#[test]
fn layout_is_deterministic() {
    for (name, graph, face) in samples() {
        let a = layout(&graph, &face).unwrap();
        let b = layout(&graph.clone(), &face).unwrap();
        assert_eq!(a, b, "{name}");
        assert_eq!(to_svg(&a, name, &face), to_svg(&b, name, &face));
    }
}

#[test]
fn right_to_left_mirrors_left_to_right() {
    let graph = case_graph(&CASE_EN);
    let ltr = layout(&graph, &english()).unwrap();
    let rtl = layout(&graph, &face("Latn", true, "en")).unwrap();
    assert!(rtl.rtl && !ltr.rtl);
    assert_eq!((ltr.width, ltr.height), (rtl.width, rtl.height));
    let w = ltr.width;
    for (a, b) in ltr.nodes.iter().zip(&rtl.nodes) {
        assert_eq!(b.x, round1(w - a.x - a.w), "{}", a.id);
        assert_eq!((a.y, a.w, a.h, &a.lines), (b.y, b.w, b.h, &b.lines));
    }
    for (a, b) in ltr.edges.iter().zip(&rtl.edges) {
        let mirrored: Vec<[f64; 2]> = a.points.iter().map(|p| [round1(w - p[0]), p[1]]).collect();
        assert_eq!(mirrored, b.points);
        if let (Some(la), Some(lb)) = (&a.label, &b.label) {
            assert_eq!(lb.x, round1(w - la.x - la.w));
            assert_eq!(la.y, lb.y);
        }
    }
    // Back edges run on the right in LTR, on the left in RTL.
    let back = graph
        .edges
        .iter()
        .position(|e| e.style == EdgeStyle::Back)
        .unwrap();
    let lane = |s: &Scene| s.edges[back].points[1][0];
    assert!(lane(&ltr) > w / 2.0 && lane(&rtl) < w / 2.0);
}

#[test]
fn the_main_flow_runs_straight_down() {
    let scene = layout(&case_graph(&CASE_EN), &english()).unwrap();
    let centre = |id: &str| {
        let n = scene.nodes.iter().find(|n| n.id == id).unwrap();
        (n.x + n.w / 2.0, n.y)
    };
    let main = [
        "identified",
        "screening",
        "emergency",
        "bia",
        "plan",
        "implementation",
    ];
    for pair in main.windows(2) {
        let (a, b) = (centre(pair[0]), centre(pair[1]));
        assert!(a.1 < b.1, "{} above {}", pair[0], pair[1]);
    }
    let x = centre("screening").0;
    for id in ["emergency", "bia", "plan"] {
        assert!(
            (centre(id).0 - x).abs() < 0.05,
            "{id} under screening: {} {x}",
            centre(id).0
        );
    }
}

#[test]
fn hostile_text_stays_literal() {
    let hostile = "<script>alert(1)</script> & \"x\" 'y' \u{0}";
    let graph = Graph {
        nodes: vec![
            node("a", hostile, Some(hostile), Shape::Process),
            node("b", "]]> <!-- -->", None, Shape::Terminal),
        ],
        edges: vec![edge("a", "b", Some(hostile), EdgeStyle::Normal)],
    };
    let mut face = english();
    face.families.push("Evil' \"Font".to_owned());
    face.lang = "en\"><script>".to_owned();
    let scene = layout(&graph, &face).unwrap();
    let svg = to_svg(&scene, hostile, &face);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<!--"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(svg.contains("&amp; &quot;x&quot; 'y'"));
    assert!(!svg.contains('\u{0}'));
    // Well-formed: resvg reads it back.
    to_png(&svg, 1.0).unwrap();
}

#[test]
fn svg_is_standalone_and_accessible() {
    let scene = layout(&case_graph(&CASE_AR), &arabic()).unwrap();
    let svg = to_svg(&scene, "مسار إدارة الحالة", &arabic());
    let root = svg.lines().next().unwrap();
    for needed in [
        "xmlns=\"http://www.w3.org/2000/svg\"",
        "viewBox=\"0 0 ",
        "role=\"img\"",
        "direction=\"rtl\"",
        "xml:lang=\"ar\"",
        "font-family=\"'Noto Naskh Arabic', 'Noto Sans', ",
        "width=\"",
        "height=\"",
    ] {
        assert!(root.contains(needed), "{needed} in {root}");
    }
    assert!(svg.contains("<title>مسار إدارة الحالة</title>"));
    for banned in [
        "<script",
        "<style",
        "href",
        "url(",
        "@import",
        "<image",
        "<foreignObject",
    ] {
        assert!(!svg.contains(banned), "{banned}");
    }
    let texts = svg.matches("<text ").count();
    assert_eq!(texts, svg.matches("text-anchor=\"middle\"").count());
    let english = to_svg(
        &layout(&case_graph(&CASE_EN), &english()).unwrap(),
        "t",
        &english(),
    );
    assert!(!english.contains("direction="));
}

#[test]
fn invalid_graphs_are_refused() {
    let mut graph = bid_graph(false);
    graph
        .edges
        .push(edge("report", "nowhere", None, EdgeStyle::Normal));
    let error = layout(&graph, &english()).unwrap_err();
    assert!(error.contains("nowhere"), "{error}");
    let mut graph = bid_graph(false);
    graph
        .edges
        .push(edge("ghost", "report", None, EdgeStyle::Normal));
    assert!(layout(&graph, &english()).unwrap_err().contains("ghost"));
    let mut graph = bid_graph(false);
    graph
        .nodes
        .push(node("report", "again", None, Shape::Process));
    assert!(
        layout(&graph, &english())
            .unwrap_err()
            .contains("duplicate")
    );
}

#[test]
fn odd_graphs_still_lay_out() {
    let empty = Graph {
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    let scene = layout(&empty, &english()).unwrap();
    assert!(scene.nodes.is_empty());
    to_png(&to_svg(&scene, "empty", &english()), 1.0).unwrap();
    // A cycle without Back styles, a self loop, parallel edges, an isolated node, a
    // long edge, an empty label, a word too long for any node.
    let graph = Graph {
        nodes: vec![
            node("a", "A", None, Shape::Terminal),
            node("b", "B", None, Shape::Decision),
            node("c", "C", None, Shape::Process),
            node(
                "d",
                "Pneumonoultramicroscopicsilicovolcanoconiosis",
                None,
                Shape::Process,
            ),
            node("e", "", None, Shape::Note),
        ],
        edges: vec![
            edge("a", "b", None, EdgeStyle::Normal),
            edge("b", "c", Some("x"), EdgeStyle::Normal),
            edge("c", "a", Some("again"), EdgeStyle::Normal),
            edge("c", "c", None, EdgeStyle::Normal),
            edge("b", "c", Some("y"), EdgeStyle::Emergency),
            edge("a", "c", None, EdgeStyle::Normal),
            edge("b", "d", Some(""), EdgeStyle::Normal),
        ],
    };
    let scene = layout(&graph, &english()).unwrap();
    for (e, placed) in graph.edges.iter().zip(&scene.edges) {
        let source = scene.nodes.iter().find(|n| n.id == e.from).unwrap();
        let target = scene.nodes.iter().find(|n| n.id == e.to).unwrap();
        assert!(on_border(source, placed.points[0]), "{} → {}", e.from, e.to);
        assert!(on_border(target, *placed.points.last().unwrap()));
    }
    assert!(scene.edges[6].label.is_none());
    let d = scene.nodes.iter().find(|n| n.id == "d").unwrap();
    assert!(d.lines.len() > 1 && d.w <= 170.0);
}

#[test]
fn png_has_the_size_of_the_scene_and_decodes() {
    let face = arabic();
    let scene = layout(&case_graph(&CASE_AR), &face).unwrap();
    let svg = to_svg(&scene, "chart", &face);
    let png = to_png(&svg, 2.0).unwrap();
    let (width_px, height_px) = png_size(&png).unwrap();
    assert_eq!(width_px, (scene.width * 2.0).ceil() as u32);
    assert_eq!(height_px, (scene.height * 2.0).ceil() as u32);
    let image = image::load_from_memory(&png).unwrap().to_rgba8();
    assert_eq!((image.width(), image.height()), (width_px, height_px));
    // White background, and ink: text and lines were drawn.
    assert_eq!(image.get_pixel(0, 0).0, [255, 255, 255, 255]);
    let dark = image.pixels().filter(|p| p.0[0] < 100).count();
    assert!(dark > 5000, "{dark} dark pixels");
    assert_eq!(to_png(&svg, 2.0).unwrap(), png, "deterministic");
    assert!(to_png("<svg", 1.0).is_err());
    assert!(to_png(&svg, 0.0).is_err());
    if let Some(dir) = std::env::var_os("BIPGEN_FLOWCHART_OUT") {
        for (name, graph, face) in samples() {
            let scene = layout(&graph, &face).unwrap();
            let png = to_png(&to_svg(&scene, name, &face), 2.0).unwrap();
            std::fs::write(PathBuf::from(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }
}

#[test]
fn typst_draws_the_scene() {
    const DRAWING: &str = include_str!("../../../../sop-templates/flowchart.typ");
    let hostile = "#panic(\"x\") *bold* $x$ <l> @r ] \\ // not a comment";
    let mut graphs = samples();
    graphs.push((
        "hostile",
        Graph {
            nodes: vec![
                node("a", hostile, Some(hostile), Shape::Decision),
                node("b", hostile, None, Shape::Note),
            ],
            edges: vec![edge("a", "b", Some(hostile), EdgeStyle::Back)],
        },
        english(),
    ));
    graphs.push((
        "empty",
        Graph {
            nodes: Vec::new(),
            edges: Vec::new(),
        },
        english(),
    ));
    for (name, graph, face) in graphs {
        let scene = layout(&graph, &face).unwrap();
        let fonts: Vec<String> = face.families.iter().map(|f| format!("\"{f}\"")).collect();
        let main = format!(
            "#import \"/flowchart.typ\": flowchart\n\
             #set document(title: \"{name}\")\n\
             #set page(width: auto, height: auto, margin: 10pt)\n\
             #set text(font: ({},), lang: \"{}\", dir: {})\n\
             #flowchart(json(\"/scene.json\"))\n",
            fonts.join(", "),
            &face.lang[..2],
            if face.rtl { "rtl" } else { "ltr" },
        );
        let pdf = crate::typeset::compile_pdf(&crate::typeset::Document {
            main,
            files: vec![
                ("/flowchart.typ".to_owned(), DRAWING.as_bytes().to_vec()),
                (
                    "/scene.json".to_owned(),
                    serde_json::to_vec(&scene).unwrap(),
                ),
            ],
            date: crate::config::Date {
                year: 2026,
                month: 3,
                day: 1,
            },
            ident: format!("bipgen/test/flowchart/{name}"),
            name: "main.typ".into(),
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(pdf.starts_with(b"%PDF"));
        if let Some(dir) = std::env::var_os("BIPGEN_FLOWCHART_OUT") {
            std::fs::write(PathBuf::from(&dir).join(format!("{name}.pdf")), pdf).unwrap();
        }
    }
}

/// Compares with (or, with `BIPGEN_BLESS=1`, rewrites) a golden file.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/flowcharts")
        .join(name);
    if std::env::var_os("BIPGEN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let wanted = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {}; run with BIPGEN_BLESS=1", path.display()));
    assert!(
        wanted == actual,
        "{} differs; run `BIPGEN_BLESS=1 cargo test --lib render::sop::flowchart` after an intended change",
        path.display()
    );
}

#[test]
fn golden_charts() {
    let en = english();
    let ar = arabic();
    let scene = layout(&case_graph(&CASE_EN), &en).unwrap();
    golden(
        "case-management.en.svg",
        &to_svg(&scene, "Case management", &en),
    );
    let scene = layout(&bid_graph(false), &en).unwrap();
    golden(
        "bid.en.svg",
        &to_svg(&scene, "Best interests determination", &en),
    );
    let scene = layout(&case_graph(&CASE_AR), &ar).unwrap();
    golden(
        "case-management.ar.json",
        &(serde_json::to_string_pretty(&scene).unwrap() + "\n"),
    );
    let scene = layout(&bid_graph(true), &ar).unwrap();
    golden(
        "bid.ar.json",
        &(serde_json::to_string_pretty(&scene).unwrap() + "\n"),
    );
}

#[test]
#[ignore = "timing, run by hand with --ignored --nocapture"]
fn timing() {
    let graph = case_graph(&CASE_EN);
    let face = english();
    // Fonts load once per process; time a warm run too.
    for run in ["cold", "warm"] {
        let start = std::time::Instant::now();
        let scene = layout(&graph, &face).unwrap();
        let t_layout = start.elapsed();
        let svg = to_svg(&scene, "t", &face);
        let t_svg = start.elapsed();
        let (width_px, height_px) = png_size(&to_png(&svg, 2.0).unwrap()).unwrap();
        let t_png = start.elapsed();
        println!(
            "{run}: layout {t_layout:?}, +svg {t_svg:?}, +png {t_png:?} ({width_px}×{height_px} px, {} pt wide)",
            scene.width
        );
    }
}

/// Graphs drawn from a fixed pseudo-random sequence: chains with branches, merges, loops
/// and notes of every shape, checked for the same properties as the samples.
#[test]
fn generated_graphs_keep_the_properties() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let shapes = [
        Shape::Terminal,
        Shape::Process,
        Shape::Decision,
        Shape::Emergency,
        Shape::Note,
    ];
    let words = [
        "Refer",
        "the child",
        "to",
        "services",
        "case",
        "plan",
        "review",
        "and",
    ];
    for round in 0..400 {
        let count = 2 + next(9) as usize;
        let nodes: Vec<Node> = (0..count)
            .map(|i| {
                let length = 1 + next(7) as usize;
                let label: Vec<&str> = (0..length).map(|_| words[next(8) as usize]).collect();
                let detail = (next(4) == 0).then_some("within 3 days");
                node(
                    &format!("n{i}"),
                    &label.join(" "),
                    detail,
                    shapes[next(5) as usize],
                )
            })
            .collect();
        let mut edges = Vec::new();
        for i in 1..count {
            let from = if next(3) == 0 {
                next(i as u64) as usize
            } else {
                i - 1
            };
            edges.push(edge(
                &format!("n{from}"),
                &format!("n{i}"),
                None,
                EdgeStyle::Normal,
            ));
        }
        for _ in 0..next(5) {
            let (a, b) = (next(count as u64), next(count as u64));
            let style =
                [EdgeStyle::Normal, EdgeStyle::Back, EdgeStyle::Emergency][next(3) as usize];
            let label = (next(2) == 0).then_some("yes");
            edges.push(edge(&format!("n{a}"), &format!("n{b}"), label, style));
        }
        let graph = Graph { nodes, edges };
        for face in [english(), arabic()] {
            let scene = layout(&graph, &face).unwrap();
            check_scene(&format!("round {round}"), &graph, &scene);
        }
    }
}

/// The measure is unshaped; shaped by resvg (rustybuzz, as Typst), every line still fits
/// the room its node leaves for text.
#[test]
fn shaped_text_fits_its_node() {
    use resvg::usvg;
    let options = usvg::Options {
        fontdb: png::FONT_DB.clone(),
        ..usvg::Options::default()
    };
    for (name, graph, face) in samples() {
        let scene = layout(&graph, &face).unwrap();
        let families = face
            .families
            .iter()
            .map(|f| format!("'{f}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut widest_ratio: f64 = 0.0;
        for n in &scene.nodes {
            let room = if n.shape == Shape::Decision {
                n.w * 0.6
            } else {
                n.w - 6.0
            };
            let lines = n
                .lines
                .iter()
                .map(|l| (l, scene.font_size))
                .chain(n.detail_lines.iter().map(|l| (l, scene.detail_size)));
            for (line, size) in lines {
                let svg = format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2000\" height=\"100\"><text x=\"10\" y=\"50\" font-family=\"{families}\" font-size=\"{size}\">\u{2067}{}\u{2069}</text></svg>",
                    svg::escape(line)
                );
                let tree = usvg::Tree::from_str(&svg, &options).unwrap();
                let shaped = f64::from(tree.root().abs_bounding_box().width());
                let measured = measure::Measure::new(&face.families).width(line, size);
                widest_ratio = widest_ratio.max(shaped / measured);
                assert!(
                    shaped <= room,
                    "{name}: {line:?} is {shaped} pt shaped, room {room}"
                );
            }
        }
        eprintln!("{name}: shaped/measured at most {widest_ratio:.3}");
    }
}
