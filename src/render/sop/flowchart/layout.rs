//! The layered layout: cycles broken by depth-first search, ranks by longest path, long
//! edges split by dummy items, orders by barycenter sweeps, positions by weighted
//! isotonic regression (edges as straight as the gaps between nodes allow), edges routed
//! orthogonally through tracks between the ranks, loops back along the right side, labels
//! where they collide with nothing. Then shifted to the margin, rounded, and mirrored for
//! right-to-left languages.

use std::collections::HashMap;

use super::measure::Measure;
use super::{EdgeStyle, Graph, PlacedEdge, PlacedLabel, PlacedNode, Scene, Shape, Typeface};

/// Font sizes (pt) of node labels, node details and edge labels.
pub const FONT: f64 = 9.0;
pub const DETAIL: f64 = 7.5;
pub const LABEL: f64 = 7.5;
/// Around the whole chart.
const MARGIN: f64 = 6.0;
/// Between neighbours in a rank: two nodes, a node and an edge passing by, two edges.
const NODE_GAP: f64 = 24.0;
const DUMMY_GAP: f64 = 12.0;
const DUMMY_W: f64 = 4.0;
/// Between horizontal tracks of edges in the gap between two ranks.
const TRACK: f64 = 8.0;
/// Gap below a rank before the first track, and after the last track.
const GAP_TOP: f64 = 12.0;
const GAP_BOTTOM: f64 = 14.0;
/// Between a back edge's lane and what it passes, and between lanes.
const LANE_GAP: f64 = 14.0;
const LANE_STEP: f64 = 10.0;
/// Widest edge label text (pt).
const LABEL_MAX: f64 = 80.0;
/// Room for shaping to come out a little wider than the sum of advances.
const SLACK: f64 = 1.04;

#[derive(Clone, Copy, PartialEq)]
enum Port {
    /// On the bottom border at this x.
    Bottom(f64),
    /// A diamond's left or right corner.
    Left,
    Right,
}

struct Item {
    /// The node, or `None` for a point a long edge passes through.
    node: Option<usize>,
    shape: Option<Shape>,
    rank: usize,
    w: f64,
    h: f64,
    /// Centre x, top y.
    x: f64,
    y: f64,
}

/// How a back edge runs: on which side (1 right, −1 left), in which lane (x), and, for
/// an end whose side is blocked, the gap and back track it uses instead.
struct BackRoute {
    side: f64,
    lane: f64,
    source_gap: Option<(usize, usize)>,
    target_gap: Option<(usize, usize)>,
}

struct Box_ {
    shape: Shape,
    lines: Vec<String>,
    detail_lines: Vec<String>,
    w: f64,
    h: f64,
}

pub fn layout(graph: &Graph, face: &Typeface) -> Result<Scene, String> {
    let measure = Measure::new(&face.families);
    let n = graph.nodes.len();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if index.insert(node.id.as_str(), i).is_some() {
            return Err(format!("duplicate node id `{}`", node.id));
        }
    }
    let mut ends = Vec::with_capacity(graph.edges.len());
    for edge in &graph.edges {
        let find = |id: &str| {
            index.get(id).copied().ok_or_else(|| {
                format!(
                    "edge `{}` → `{}` names an unknown node `{id}`",
                    edge.from, edge.to
                )
            })
        };
        ends.push((find(&edge.from)?, find(&edge.to)?));
    }
    let boxes: Vec<Box_> = graph
        .nodes
        .iter()
        .map(|node| size_node(node, &measure))
        .collect();

    // Cycles: an edge to a node on the depth-first stack goes back; so does every Back edge.
    let back = back_edges(graph, &ends, n);
    let forward: Vec<usize> = (0..ends.len()).filter(|&e| !back[e]).collect();
    let rank = ranks(&ends, &forward, n);

    // Items: the nodes, then a dummy per rank an edge crosses.
    let mut items: Vec<Item> = (0..n)
        .map(|i| Item {
            node: Some(i),
            shape: Some(boxes[i].shape),
            rank: rank[i],
            w: boxes[i].w,
            h: boxes[i].h,
            x: 0.0,
            y: 0.0,
        })
        .collect();
    // chain[e]: the items forward edge e passes through, source to target.
    let mut chains: HashMap<usize, Vec<usize>> = HashMap::new();
    for &e in &forward {
        let (u, v) = ends[e];
        let mut chain = vec![u];
        for r in rank[u] + 1..rank[v] {
            items.push(Item {
                node: None,
                shape: None,
                rank: r,
                w: DUMMY_W,
                h: 0.0,
                x: 0.0,
                y: 0.0,
            });
            chain.push(items.len() - 1);
        }
        chain.push(v);
        chains.insert(e, chain);
    }
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    for &e in &forward {
        for pair in chains[&e].windows(2) {
            succ[pair[0]].push(pair[1]);
            pred[pair[1]].push(pair[0]);
        }
    }
    let rank_count = rank.iter().copied().max().map_or(0, |r| r + 1);
    let mut order = initial_order(&items, &succ, n, rank_count);
    sweep_orders(&mut order, &items, &succ, &pred);
    place_horizontally(&mut items, &order, &succ, &pred);

    // Ports of forward edges at their sources.
    let mut ports: HashMap<usize, Port> = HashMap::new();
    for u in 0..n {
        let mut outs: Vec<usize> = forward
            .iter()
            .copied()
            .filter(|&e| ends[e].0 == u)
            .collect();
        outs.sort_by(|&a, &b| {
            let xa = items[chains[&a][1]].x;
            let xb = items[chains[&b][1]].x;
            xa.total_cmp(&xb).then(a.cmp(&b))
        });
        assign_ports(u, &outs, &chains, &items, &order, &mut ports);
    }

    // Tracks in each gap, then the vertical positions of the ranks.
    let entry_x = |item: usize| items[item].x;
    let exit_x = |e: usize, k: usize, chain: &[usize]| -> Option<f64> {
        if k == 0 {
            match ports[&e] {
                Port::Bottom(x) => Some(x),
                _ => None,
            }
        } else {
            Some(items[chain[k]].x)
        }
    };
    struct Span {
        lo: f64,
        hi: f64,
        source: usize,
        exit: f64,
        target: usize,
        entry: f64,
    }
    let mut spans: Vec<Vec<(usize, usize, Span)>> = (0..rank_count).map(|_| Vec::new()).collect();
    for &e in &forward {
        let chain = &chains[&e];
        for k in 0..chain.len() - 1 {
            let Some(exit) = exit_x(e, k, chain) else {
                continue;
            };
            let entry = entry_x(chain[k + 1]);
            if (exit - entry).abs() > 0.5 {
                spans[items[chain[k]].rank].push((
                    e,
                    k,
                    Span {
                        lo: exit.min(entry),
                        hi: exit.max(entry),
                        source: chain[k],
                        exit,
                        target: chain[k + 1],
                        entry,
                    },
                ));
            }
        }
    }
    // track[(edge, link)] = track number in its gap.
    let mut track: HashMap<(usize, usize), usize> = HashMap::new();
    let mut track_count = vec![0usize; rank_count];
    for (r, gap) in spans.iter_mut().enumerate() {
        gap.sort_by(|a, b| {
            a.2.lo
                .total_cmp(&b.2.lo)
                .then(a.2.hi.total_cmp(&b.2.hi))
                .then(a.0.cmp(&b.0))
        });
        let mut tracks: Vec<Vec<usize>> = Vec::new();
        for i in 0..gap.len() {
            let s = &gap[i].2;
            let fits = |t: &Vec<usize>| {
                t.iter().all(|&j| {
                    let o = &gap[j].2;
                    (o.source == s.source && (o.exit - s.exit).abs() < 0.5)
                        || (o.target == s.target && (o.entry - s.entry).abs() < 0.5)
                        || o.hi + 6.0 < s.lo
                        || s.hi + 6.0 < o.lo
                })
            };
            let t = match tracks.iter().position(fits) {
                Some(t) => t,
                None => {
                    tracks.push(Vec::new());
                    tracks.len() - 1
                }
            };
            tracks[t].push(i);
            track.insert((gap[i].0, gap[i].1), t);
        }
        track_count[r] = tracks.len();
    }

    // Back edges: along the right side (left when something is in the way there at both
    // ends), nested, shorter loops inside. An end whose side is blocked by a neighbour in
    // its rank leaves from the bottom or enters from the top instead, through a track of
    // its own in the gap.
    let mut backs: Vec<usize> = (0..ends.len()).filter(|&e| back[e]).collect();
    backs.sort_by_key(|&e| (rank[ends[e].0].abs_diff(rank[ends[e].1]), e));
    let blocked = |node: usize, side: f64| {
        order[items[node].rank].iter().any(|&o| {
            o != node && items[o].node.is_some() && (items[o].x - items[node].x) * side > 0.0
        })
    };
    let mut routes: HashMap<usize, BackRoute> = HashMap::new();
    // Back tracks per gap (gap g lies below rank g; one more gap above rank 0 at the end).
    let mut back_tracks = vec![0usize; rank_count + 1];
    let above_first = rank_count;
    let mut lanes: Vec<(f64, usize, usize, f64)> = Vec::new();
    for &e in &backs {
        let (u, v) = ends[e];
        let side = if !blocked(u, 1.0) && !blocked(v, 1.0) {
            1.0
        } else if !blocked(u, -1.0) && !blocked(v, -1.0) {
            -1.0
        } else {
            1.0
        };
        let source_gap = blocked(u, side).then(|| {
            let g = rank[u];
            back_tracks[g] += 1;
            (g, back_tracks[g] - 1)
        });
        let target_gap = blocked(v, side).then(|| {
            let g = if rank[v] == 0 {
                above_first
            } else {
                rank[v] - 1
            };
            back_tracks[g] += 1;
            (g, back_tracks[g] - 1)
        });
        let (lo, hi) = (rank[u].min(rank[v]), rank[u].max(rank[v]));
        let mut x = items
            .iter()
            .filter(|it| (lo..=hi).contains(&it.rank))
            .map(|it| (it.x + side * it.w / 2.0) * side)
            .fold(f64::MIN, f64::max)
            + LANE_GAP;
        // Forward edges leaving a diamond's corner on this side in these ranks.
        for &f in &forward {
            let out = if side > 0.0 { Port::Right } else { Port::Left };
            if ports[&f] == out && (lo..=hi).contains(&rank[ends[f].0]) {
                x = x.max(items[chains[&f][1]].x * side + LANE_GAP);
            }
        }
        for &(s, l, h, lx) in &lanes {
            if s == side && l <= hi && lo <= h {
                x = x.max(lx * side + LANE_STEP);
            }
        }
        lanes.push((side, lo, hi, x * side));
        routes.insert(
            e,
            BackRoute {
                side,
                lane: x * side,
                source_gap,
                target_gap,
            },
        );
    }

    // Vertical positions: each rank's band as high as its highest node, gaps as deep as
    // their labels and tracks need.
    let label_lines: Vec<Option<(Vec<String>, f64, f64)>> = graph
        .edges
        .iter()
        .map(|edge| {
            let text = edge.label.as_deref()?.trim();
            if text.is_empty() {
                return None;
            }
            let lines = measure.wrap_balanced(text, LABEL, LABEL_MAX);
            let w = (measure.widest(&lines, LABEL) * SLACK + 4.0).ceil();
            let h = (lines.len() as f64 * LABEL * measure.line_height + 2.0).ceil();
            Some((lines, w, h))
        })
        .collect();
    let mut band_top = vec![0.0; rank_count];
    let mut band_h = vec![0.0f64; rank_count];
    for item in &items {
        band_h[item.rank] = band_h[item.rank].max(item.h);
    }
    let tops: Vec<f64> = items
        .iter()
        .map(|it| (band_h[it.rank] - it.h) / 2.0)
        .collect();
    let mut gap_top = vec![GAP_TOP; rank_count];
    for &e in &forward {
        if let (Some((_, _, h)), Port::Bottom(_)) = (&label_lines[e], ports[&e]) {
            let r = rank[ends[e].0];
            gap_top[r] = gap_top[r].max(h + 8.0);
        }
    }
    let rows = |g: usize| (track_count[g] + back_tracks[g]).max(1) - 1;
    for r in 1..rank_count {
        band_top[r] = band_top[r - 1]
            + band_h[r - 1]
            + gap_top[r - 1]
            + rows(r - 1) as f64 * TRACK
            + GAP_BOTTOM;
    }
    for (item, top) in items.iter_mut().zip(tops) {
        item.y = band_top[item.rank] + top;
    }
    let entry_x = |item: usize| items[item].x;
    let track_y = |e: usize, k: usize, r: usize| {
        band_top[r] + band_h[r] + gap_top[r] + track[&(e, k)] as f64 * TRACK
    };
    let back_track_y = |(g, k): (usize, usize)| {
        if g == above_first {
            band_top[0] - GAP_BOTTOM - k as f64 * TRACK
        } else {
            band_top[g] + band_h[g] + gap_top[g] + (track_count[g] + k) as f64 * TRACK
        }
    };

    // Forward edges.
    let mut paths: Vec<Vec<[f64; 2]>> = vec![Vec::new(); ends.len()];
    for &e in &forward {
        let chain = &chains[&e];
        let u = &items[chain[0]];
        let cy = u.y + u.h / 2.0;
        let mut points = Vec::new();
        let mut x = match ports[&e] {
            Port::Bottom(px) => {
                points.push([px, bottom_at(u, px)]);
                px
            }
            side => {
                let vx = if side == Port::Left {
                    u.x - u.w / 2.0
                } else {
                    u.x + u.w / 2.0
                };
                let tx = entry_x(chain[1]);
                points.push([vx, cy]);
                points.push([tx, cy]);
                tx
            }
        };
        for k in 0..chain.len() - 1 {
            let next = chain[k + 1];
            if track.contains_key(&(e, k)) {
                let entry = entry_x(next);
                let y = track_y(e, k, items[chain[k]].rank);
                points.push([x, y]);
                points.push([entry, y]);
                x = entry;
            }
            // Without a track the edge goes on straight down (within half a point of the
            // next item's centre).
            if items[next].node.is_some() {
                points.push([x, top_at(&items[next], x)]);
            }
        }
        paths[e] = simplify(points);
    }

    // Where back edges meet the sides of their nodes: going up from a node above going
    // down; outer lanes going up higher and outer lanes going down lower, so that lanes
    // never cross one another.
    let mut attach: HashMap<(usize, i8), Vec<(usize, bool)>> = HashMap::new();
    for &e in &backs {
        let route = &routes[&e];
        let key = |node| (node, if route.side > 0.0 { 1i8 } else { -1 });
        if route.source_gap.is_none() {
            attach.entry(key(ends[e].0)).or_default().push((e, true));
        }
        if route.target_gap.is_none() {
            attach.entry(key(ends[e].1)).or_default().push((e, false));
        }
    }
    let mut attach_y: HashMap<(usize, bool), f64> = HashMap::new();
    let mut keys: Vec<(usize, i8)> = attach.keys().copied().collect();
    keys.sort();
    for key in keys {
        let (node, side) = key;
        let list = attach.get_mut(&key).expect("listed key");
        let item = &items[node];
        let going_up = |&(e, is_source): &(usize, bool)| {
            let (u, v) = ends[e];
            let other = if is_source { v } else { u };
            rank[other] < rank[node] || (other == node && is_source)
        };
        let outer = |e: usize| (routes[&e].lane - item.x).abs();
        list.sort_by(|a, b| {
            let (ua, ub) = (going_up(a), going_up(b));
            let (la, lb) = (outer(a.0), outer(b.0));
            ub.cmp(&ua)
                .then(if ua {
                    lb.total_cmp(&la)
                } else {
                    la.total_cmp(&lb)
                })
                .then(a.0.cmp(&b.0))
        });
        let corner = if side > 0 { Port::Right } else { Port::Left };
        let reserved = forward
            .iter()
            .any(|&f| ends[f].0 == node && ports[&f] == corner);
        let slots = list.len() + usize::from(reserved);
        let mut ys: Vec<f64> = (0..slots)
            .map(|i| item.y + item.h * (i + 1) as f64 / (slots + 1) as f64)
            .collect();
        if reserved {
            let cy = item.y + item.h / 2.0;
            let nearest = (0..ys.len())
                .min_by(|&a, &b| (ys[a] - cy).abs().total_cmp(&(ys[b] - cy).abs()))
                .unwrap_or(0);
            ys.remove(nearest);
        }
        for (slot, &(e, is_source)) in list.iter().enumerate() {
            attach_y.insert((e, is_source), round1(ys[slot]));
        }
    }
    for &e in &backs {
        let (u, v) = ends[e];
        let route = &routes[&e];
        let (side, lane) = (route.side, route.lane);
        let mut points = Vec::new();
        match route.source_gap {
            None => {
                let y = attach_y[&(e, true)];
                points.push([side_at(&items[u], side, y), y]);
                points.push([lane, y]);
            }
            Some(gap) => {
                let it = &items[u];
                let x = it.x + side * quarter(it);
                let y = back_track_y(gap);
                points.push([x, bottom_at(it, x)]);
                points.push([x, y]);
                points.push([lane, y]);
            }
        }
        match route.target_gap {
            None => {
                let y = attach_y[&(e, false)];
                points.push([lane, y]);
                points.push([side_at(&items[v], side, y), y]);
            }
            Some(gap) => {
                let it = &items[v];
                let x = it.x + side * quarter(it);
                let y = back_track_y(gap);
                points.push([lane, y]);
                points.push([x, y]);
                points.push([x, top_at(it, x)]);
            }
        }
        paths[e] = simplify(points);
    }

    // Labels, each where it collides with no node, edge or earlier label.
    let node_rects: Vec<[f64; 4]> = (0..n)
        .map(|i| {
            let it = &items[i];
            [it.x - it.w / 2.0, it.y, it.w, it.h]
        })
        .collect();
    let mut placed: Vec<Option<[f64; 4]>> = vec![None; ends.len()];
    for e in 0..ends.len() {
        let Some((_, w, h)) = &label_lines[e] else {
            continue;
        };
        // Edges leaving from one point share their first segment: label them further on.
        let shared = paths
            .iter()
            .enumerate()
            .any(|(f, p)| f != e && !p.is_empty() && p.first() == paths[e].first());
        let candidates = label_candidates(&paths[e], *w, *h, back[e], shared);
        let collisions = |r: &[f64; 4]| {
            let mut count = 0;
            for nr in &node_rects {
                if overlaps(r, &inflate(nr, 2.5)) {
                    count += 10;
                }
            }
            for (f, path) in paths.iter().enumerate() {
                for seg in path.windows(2) {
                    let pad = if f == e { 1.0 } else { 2.0 };
                    if overlaps(r, &segment_rect(seg[0], seg[1], pad)) {
                        count += 3;
                    }
                }
            }
            for other in placed.iter().flatten() {
                if overlaps(r, &inflate(other, 2.0)) {
                    count += 5;
                }
            }
            count
        };
        let mut best: Option<([f64; 4], usize)> = None;
        for c in candidates {
            let k = collisions(&c);
            if best.is_none_or(|(_, b)| k < b) {
                best = Some((c, k));
            }
            if k == 0 {
                break;
            }
        }
        placed[e] = best.map(|(r, _)| r);
    }

    // Bounds, margin, rounding, mirroring.
    let mut min = [f64::MAX, f64::MAX];
    let mut max = [f64::MIN, f64::MIN];
    let mut grow = |x: f64, y: f64| {
        min = [min[0].min(x), min[1].min(y)];
        max = [max[0].max(x), max[1].max(y)];
    };
    for r in node_rects.iter().chain(placed.iter().flatten()) {
        grow(r[0], r[1]);
        grow(r[0] + r[2], r[1] + r[3]);
    }
    for p in paths.iter().flatten() {
        grow(p[0], p[1]);
    }
    if n == 0 {
        min = [0.0, 0.0];
        max = [0.0, 0.0];
    }
    let dx = round1(MARGIN - min[0]);
    let dy = round1(MARGIN - min[1]);
    let width = round1(max[0] - min[0] + 2.0 * MARGIN);
    let height = round1(max[1] - min[1] + 2.0 * MARGIN);
    let mirror = |x: f64, w: f64| {
        if face.rtl { round1(width - x - w) } else { x }
    };
    let nodes = (0..n)
        .map(|i| {
            let r = node_rects[i];
            let b = &boxes[i];
            let x = round1(r[0] + dx);
            PlacedNode {
                id: graph.nodes[i].id.clone(),
                shape: b.shape,
                x: mirror(x, b.w),
                y: round1(r[1] + dy),
                w: b.w,
                h: b.h,
                lines: b.lines.clone(),
                detail_lines: b.detail_lines.clone(),
            }
        })
        .collect();
    let edges = (0..ends.len())
        .map(|e| PlacedEdge {
            points: paths[e]
                .iter()
                .map(|p| [mirror(round1(p[0] + dx), 0.0), round1(p[1] + dy)])
                .collect(),
            style: graph.edges[e].style,
            label: placed[e].map(|r| {
                let x = round1(r[0] + dx);
                PlacedLabel {
                    x: mirror(x, r[2]),
                    y: round1(r[1] + dy),
                    w: r[2],
                    h: r[3],
                    lines: label_lines[e]
                        .as_ref()
                        .map(|l| l.0.clone())
                        .unwrap_or_default(),
                }
            }),
        })
        .collect();
    Ok(Scene {
        width,
        height,
        nodes,
        edges,
        rtl: face.rtl,
        font_size: FONT,
        detail_size: DETAIL,
        label_size: LABEL,
        line_height: measure.line_height,
        ascent: measure.ascent,
    })
}

pub fn round1(v: f64) -> f64 {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

/// The text of a node wrapped, and the node's size (whole points) around it. A diamond
/// takes the wrapping width (60 to 150 pt) that keeps it lowest for its width.
fn size_node(node: &super::Node, measure: &Measure) -> Box_ {
    match node.shape {
        Shape::Decision => (6..=15)
            .map(|tens| size_wrapped(node, measure, f64::from(tens) * 10.0))
            .min_by(|a, b| {
                let cost = |x: &Box_| x.h + 0.35 * x.w;
                cost(a).total_cmp(&cost(b))
            })
            .expect("widths to try"),
        Shape::Terminal => size_wrapped(node, measure, 130.0),
        _ => size_wrapped(node, measure, 140.0),
    }
}

fn size_wrapped(node: &super::Node, measure: &Measure, max_text: f64) -> Box_ {
    let lines = measure.wrap_balanced(&node.label, FONT, max_text);
    let detail_lines = node
        .detail
        .as_deref()
        .map(|d| measure.wrap_balanced(d, DETAIL, max_text))
        .unwrap_or_default();
    let text_w = measure
        .widest(&lines, FONT)
        .max(measure.widest(&detail_lines, DETAIL))
        * SLACK;
    let mut text_h = lines.len() as f64 * FONT * measure.line_height;
    if !detail_lines.is_empty() {
        text_h += super::DETAIL_GAP + detail_lines.len() as f64 * DETAIL * measure.line_height;
    }
    let (w, h) = match node.shape {
        Shape::Process | Shape::Note => ((text_w + 18.0).max(80.0), (text_h + 12.0).max(26.0)),
        Shape::Emergency => ((text_w + 22.0).max(80.0), (text_h + 14.0).max(28.0)),
        Shape::Terminal => {
            let h = (text_h + 10.0).max(24.0);
            ((text_w + 2.0 * (h * 0.3).max(10.0)).max(70.0), h)
        }
        Shape::Decision => {
            // The text's box touches the diamond where 0.6 of the half-width and 0.4 of
            // the half-height are used.
            let a = (text_w / 2.0 + 3.0) / 0.6;
            let b = (text_h / 2.0 + 2.0) / 0.4;
            ((2.0 * a).max(70.0), (2.0 * b).max(36.0))
        }
    };
    Box_ {
        shape: node.shape,
        lines,
        detail_lines,
        w: w.ceil(),
        h: h.ceil(),
    }
}

fn back_edges(graph: &Graph, ends: &[(usize, usize)], n: usize) -> Vec<bool> {
    let mut back: Vec<bool> = graph
        .edges
        .iter()
        .map(|e| e.style == EdgeStyle::Back)
        .collect();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, &(u, _)) in ends.iter().enumerate() {
        if !back[e] {
            out[u].push(e);
        }
    }
    // 0: not seen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        let mut stack = vec![(start, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if i < out[v].len() {
                top.1 += 1;
                let e = out[v][i];
                let w = ends[e].1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Longest path from the sources; a source then moves down to just above its first
/// successor.
fn ranks(ends: &[(usize, usize)], forward: &[usize], n: usize) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &e in forward {
        indegree[ends[e].1] += 1;
        out[ends[e].0].push(ends[e].1);
    }
    let sources: Vec<bool> = indegree.iter().map(|&d| d == 0).collect();
    let mut rank = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).rev().filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = ready.pop() {
        for &w in &out[v] {
            rank[w] = rank[w].max(rank[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    for v in 0..n {
        if sources[v]
            && let Some(lowest) = out[v].iter().map(|&w| rank[w]).min()
        {
            rank[v] = rank[v].max(lowest - 1);
        }
    }
    rank
}

/// Items of each rank in the order a depth-first walk from the nodes (in input order)
/// meets them.
fn initial_order(items: &[Item], succ: &[Vec<usize>], n: usize, ranks: usize) -> Vec<Vec<usize>> {
    let mut order = vec![Vec::new(); ranks];
    let mut seen = vec![false; items.len()];
    for start in 0..n {
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            order[items[v].rank].push(v);
            for &w in succ[v].iter().rev() {
                if !seen[w] {
                    stack.push(w);
                }
            }
        }
    }
    order
}

fn crossings(order: &[Vec<usize>], succ: &[Vec<usize>], items_len: usize) -> usize {
    let mut pos = vec![0usize; items_len];
    for rank in order {
        for (i, &v) in rank.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut total = 0;
    for rank in order {
        let links: Vec<(usize, usize)> = rank
            .iter()
            .flat_map(|&v| succ[v].iter().map(move |&w| (v, w)))
            .map(|(v, w)| (pos[v], pos[w]))
            .collect();
        for (i, a) in links.iter().enumerate() {
            for b in &links[i + 1..] {
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// A few barycenter sweeps down and up; the order with the fewest crossings wins (the
/// earliest among equals). Sorting is stable: ties keep the order they had.
fn sweep_orders(
    order: &mut Vec<Vec<usize>>,
    items: &[Item],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
) {
    let mut best = order.clone();
    let mut best_crossings = crossings(order, succ, items.len());
    let mut pos = vec![0.0f64; items.len()];
    let index = |order: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for rank in order {
            for (i, &v) in rank.iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    };
    for sweep in 0..8 {
        let down = sweep % 2 == 0;
        let ranks: Vec<usize> = if down {
            (1..order.len()).collect()
        } else {
            (0..order.len().saturating_sub(1)).rev().collect()
        };
        for r in ranks {
            index(order, &mut pos);
            let neighbours = if down { pred } else { succ };
            let keys: HashMap<usize, f64> = order[r]
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        pos[v]
                    } else {
                        ns.iter().map(|&w| pos[w]).sum::<f64>() / ns.len() as f64
                    };
                    (v, key)
                })
                .collect();
            order[r].sort_by(|a, b| keys[a].total_cmp(&keys[b]));
        }
        let c = crossings(order, succ, items.len());
        if c < best_crossings {
            best_crossings = c;
            best = order.clone();
        }
    }
    *order = best;
}

/// Weight of the link between two items: long edges pull hardest, so they stay
/// straight; notes, being aside, pull least.
fn link_weight(items: &[Item], a: usize, b: usize) -> f64 {
    let base = match (items[a].node.is_none(), items[b].node.is_none()) {
        (true, true) => 8.0,
        (false, false) => 1.0,
        _ => 2.0,
    };
    if items[a].shape == Some(Shape::Note) || items[b].shape == Some(Shape::Note) {
        base * 0.25
    } else {
        base
    }
}

/// How firmly an item holds its place against its neighbours in the rank, by orders of
/// magnitude: long edges stay straight, then steps line up, and notes give way.
fn stiffness(item: &Item) -> f64 {
    match item.shape {
        None => 1e6,
        Some(Shape::Note) => 1e-4,
        Some(_) => 1.0,
    }
}

/// The weighted median of positions (the mean of the two middle ones on a tie), so that
/// an item lines up under its strongest neighbour rather than between all of them.
fn weighted_median(values: &mut [(f64, f64)]) -> f64 {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = values.iter().map(|v| v.1).sum();
    let mut acc = 0.0;
    for (i, &(x, w)) in values.iter().enumerate() {
        acc += w;
        if (acc - total / 2.0).abs() < 1e-9 {
            return values.get(i + 1).map_or(x, |next| (x + next.0) / 2.0);
        }
        if acc > total / 2.0 {
            return x;
        }
    }
    values.last().map_or(0.0, |v| v.0)
}

fn separation(items: &[Item], a: usize, b: usize) -> f64 {
    let gap = if items[a].node.is_some() && items[b].node.is_some() {
        NODE_GAP
    } else {
        DUMMY_GAP
    };
    (items[a].w + items[b].w) / 2.0 + gap
}

/// Centres each rank, then moves items towards the weighted median of their neighbours
/// above, below, and both, keeping the order and the gaps of each rank.
fn place_horizontally(
    items: &mut [Item],
    order: &[Vec<usize>],
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
) {
    for rank in order {
        let mut x = 0.0;
        for (i, &v) in rank.iter().enumerate() {
            if i > 0 {
                x += separation(items, rank[i - 1], v);
            }
            items[v].x = x;
        }
        let shift = x / 2.0;
        for &v in rank {
            items[v].x -= shift;
        }
    }
    let passes = 12;
    for pass in 0..=passes {
        let (ranks, up, down): (Vec<usize>, bool, bool) = if pass == passes {
            ((0..order.len()).collect(), true, true)
        } else if pass % 2 == 0 {
            ((1..order.len()).collect(), true, false)
        } else {
            (
                (0..order.len().saturating_sub(1)).rev().collect(),
                false,
                true,
            )
        };
        for r in ranks {
            let rank = &order[r];
            let mut desired = Vec::with_capacity(rank.len());
            let mut weight = Vec::with_capacity(rank.len());
            for &v in rank {
                let mut neighbours: Vec<(f64, f64)> = Vec::new();
                if up {
                    neighbours.extend(
                        pred[v]
                            .iter()
                            .map(|&w| (items[w].x, link_weight(items, v, w))),
                    );
                }
                if down {
                    neighbours.extend(
                        succ[v]
                            .iter()
                            .map(|&w| (items[w].x, link_weight(items, v, w))),
                    );
                }
                let total: f64 = neighbours.iter().map(|n| n.1).sum();
                if total == 0.0 {
                    desired.push(items[v].x);
                    weight.push(0.05);
                } else {
                    desired.push(weighted_median(&mut neighbours));
                    weight.push(total * stiffness(&items[v]));
                }
            }
            let gaps: Vec<f64> = rank
                .windows(2)
                .map(|p| separation(items, p[0], p[1]))
                .collect();
            let xs = isotonic(&desired, &weight, &gaps);
            for (&v, x) in rank.iter().zip(xs) {
                items[v].x = x;
            }
        }
    }
}

/// Positions as close as possible (weighted least squares) to `desired`, in order, each at
/// least `gaps[i]` right of the one before: pool-adjacent-violators on the positions less
/// their cumulative gaps.
fn isotonic(desired: &[f64], weight: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offset = vec![0.0; desired.len()];
    for i in 1..desired.len() {
        offset[i] = offset[i - 1] + gaps[i - 1];
    }
    // Blocks: (total weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for i in 0..desired.len() {
        blocks.push((weight[i], weight[i] * (desired[i] - offset[i]), 1));
        while blocks.len() >= 2 {
            let last = blocks[blocks.len() - 1];
            let prev = blocks[blocks.len() - 2];
            if prev.1 / prev.0 > last.1 / last.0 {
                blocks.pop();
                let merged = blocks.last_mut().expect("two blocks");
                merged.0 += last.0;
                merged.1 += last.1;
                merged.2 += last.2;
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(desired.len());
    for (w, s, count) in blocks {
        for _ in 0..count {
            let i = out.len();
            out.push(s / w + offset[i]);
        }
    }
    out
}

/// Where the forward edges of node `u` leave it: spread along the bottom below their next
/// items; a diamond uses its bottom corner and, for edges heading well to one side, its
/// side corners when nothing in the rank is in the way.
fn assign_ports(
    u: usize,
    outs: &[usize],
    chains: &HashMap<usize, Vec<usize>>,
    items: &[Item],
    order: &[Vec<usize>],
    ports: &mut HashMap<usize, Port>,
) {
    if outs.is_empty() {
        return;
    }
    let it = &items[u];
    let (left, right) = (it.x - it.w / 2.0, it.x + it.w / 2.0);
    let next_x = |e: usize| items[chains[&e][1]].x;
    if it.shape == Some(Shape::Decision) {
        let free = |to: f64| {
            let (lo, hi) = (to.min(it.x), to.max(it.x));
            order[it.rank].iter().all(|&o| {
                if o == u {
                    return true;
                }
                let other = &items[o];
                let (ol, or) = (other.x - other.w / 2.0 - 6.0, other.x + other.w / 2.0 + 6.0);
                or < lo || ol > hi + 6.0
            })
        };
        let off_left = |e: usize| next_x(e) < left - 6.0 && free(next_x(e));
        let off_right = |e: usize| next_x(e) > right + 6.0 && free(next_x(e));
        let mut chosen: Vec<Port> = vec![Port::Bottom(it.x); outs.len()];
        match outs.len() {
            1 => {}
            2 => {
                let (a, b) = (outs[0], outs[1]);
                if off_left(a) && off_right(b) {
                    chosen = vec![Port::Left, Port::Right];
                } else if (next_x(a) - it.x).abs() <= (next_x(b) - it.x).abs() {
                    if off_right(b) {
                        chosen[1] = Port::Right;
                    } else if off_left(b) {
                        chosen[1] = Port::Left;
                    }
                } else if off_left(a) {
                    chosen[0] = Port::Left;
                } else if off_right(a) {
                    chosen[0] = Port::Right;
                }
            }
            k => {
                if off_left(outs[0]) {
                    chosen[0] = Port::Left;
                }
                if off_right(outs[k - 1]) {
                    chosen[k - 1] = Port::Right;
                }
            }
        }
        for (&e, p) in outs.iter().zip(chosen) {
            ports.insert(e, p);
        }
        return;
    }
    // Along the bottom, below the next item where possible, at least 8 pt apart.
    let margin = if it.shape == Some(Shape::Terminal) {
        it.h / 2.0
    } else {
        6.0
    };
    let (lo, hi) = (left + margin, right - margin);
    let k = outs.len();
    let xs: Vec<f64> = if hi - lo < 8.0 * (k as f64 - 1.0) || hi < lo {
        if k == 1 {
            vec![it.x]
        } else {
            let (lo, hi) = if hi < lo { (it.x, it.x) } else { (lo, hi) };
            (0..k)
                .map(|i| lo + (hi - lo) * i as f64 / (k - 1) as f64)
                .collect()
        }
    } else {
        let desired: Vec<f64> = outs.iter().map(|&e| next_x(e).clamp(lo, hi)).collect();
        let mut xs = isotonic(&desired, &vec![1.0; k], &vec![8.0; k - 1]);
        // Keep them on the border (there is room for all of them 8 pt apart).
        for i in (0..k).rev() {
            let mut limit = hi - 8.0 * (k - 1 - i) as f64;
            if i + 1 < k {
                limit = limit.min(xs[i + 1] - 8.0);
            }
            xs[i] = xs[i].min(limit);
        }
        for i in 0..k {
            let mut floor = lo + 8.0 * i as f64;
            if i > 0 {
                floor = floor.max(xs[i - 1] + 8.0);
            }
            xs[i] = xs[i].max(floor);
        }
        xs
    };
    for (&e, x) in outs.iter().zip(xs) {
        ports.insert(e, Port::Bottom(round1(x)));
    }
}

/// The bottom border of a node at `x`.
fn bottom_at(item: &Item, x: f64) -> f64 {
    item.y + item.h - inset(item, x)
}

/// The top border of a node at `x`.
fn top_at(item: &Item, x: f64) -> f64 {
    item.y + inset(item, x)
}

/// How far the top and bottom borders of a node are inside its box at `x`.
fn inset(item: &Item, x: f64) -> f64 {
    let dx = (x - item.x).abs();
    match item.shape {
        Some(Shape::Decision) => item.h * (dx / (item.w / 2.0)).min(1.0) / 2.0,
        Some(Shape::Terminal) => {
            let r = item.h / 2.0;
            let straight = item.w / 2.0 - r;
            if dx <= straight {
                0.0
            } else {
                let d = (dx - straight).min(r);
                r - (r * r - d * d).sqrt()
            }
        }
        _ => 0.0,
    }
}

/// The right (`side` 1) or left (`side` −1) border of a node at `y`.
fn side_at(item: &Item, side: f64, y: f64) -> f64 {
    let cy = item.y + item.h / 2.0;
    let dy = (y - cy).abs().min(item.h / 2.0);
    let reach = match item.shape {
        Some(Shape::Decision) => item.w / 2.0 * (1.0 - dy / (item.h / 2.0)),
        Some(Shape::Terminal) => {
            let r = item.h / 2.0;
            (item.w / 2.0 - r).max(0.0) + (r * r - dy * dy).max(0.0).sqrt()
        }
        _ => item.w / 2.0,
    };
    item.x + side * reach
}

/// Where a back edge leaves a node's bottom or enters its top: a quarter of the way in
/// from the side (on the straight part of a pill).
fn quarter(item: &Item) -> f64 {
    match item.shape {
        Some(Shape::Terminal) => (item.w / 4.0).min((item.w / 2.0 - item.h / 2.0).max(0.0)),
        _ => item.w / 4.0,
    }
}

/// Without repeated points and without points in the middle of a straight run.
fn simplify(points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(points.len());
    for p in points {
        let p = [round1(p[0]), round1(p[1])];
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let collinear = ((a[0] - b[0]).abs() < 0.05 && (b[0] - p[0]).abs() < 0.05)
                || ((a[1] - b[1]).abs() < 0.05 && (b[1] - p[1]).abs() < 0.05);
            if collinear {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Places for a label of `w`×`h` beside an edge, best first: beside the first segment
/// (near the source), beside the last one (near the target), then anywhere along it.
fn label_candidates(path: &[[f64; 2]], w: f64, h: f64, back: bool, shared: bool) -> Vec<[f64; 4]> {
    let segments: Vec<([f64; 2], [f64; 2])> = path.windows(2).map(|s| (s[0], s[1])).collect();
    let mut order: Vec<usize> = Vec::new();
    if !segments.is_empty() {
        if !shared {
            order.push(0);
        }
        if (back || shared) && segments.len() > 1 {
            order.push(1);
        }
        if segments.len() > 1 && !order.contains(&(segments.len() - 1)) {
            order.push(segments.len() - 1);
        }
        for i in 0..segments.len() {
            if !order.contains(&i) {
                order.push(i);
            }
        }
    }
    let mut out = Vec::new();
    // Along each segment: near its start, near its end, in the middle, then in steps.
    let along = |from: f64, to: f64, size: f64, reversed: bool| {
        let (first, last) = (from + 4.0, to - 4.0 - size);
        let mut at = if reversed {
            vec![last, first]
        } else {
            vec![first, last]
        };
        at.push((from + to - size) / 2.0);
        let step = size / 2.0 + 2.0;
        let mut p = first + step;
        while p < last {
            at.push(p);
            p += step;
        }
        at
    };
    for &i in &order {
        let (a, b) = segments[i];
        // Near the source on the first segment, near the target elsewhere: from the
        // segment's higher coordinates down when that end is the one wanted.
        let forwards = a[0] + a[1] < b[0] + b[1];
        let from_high = if i == 0 { !forwards } else { forwards };
        if (a[0] - b[0]).abs() < 0.05 {
            let x = a[0];
            for y in along(a[1].min(b[1]), a[1].max(b[1]), h, from_high) {
                out.push([x + 4.0, y, w, h]);
                out.push([x - 4.0 - w, y, w, h]);
            }
        } else {
            let y = a[1];
            for x in along(a[0].min(b[0]), a[0].max(b[0]), w, from_high) {
                out.push([x, y - 2.0 - h, w, h]);
                out.push([x, y + 2.0, w, h]);
            }
        }
    }
    // Last resort: further out beside the first and last segments.
    for &i in order.iter().take(2) {
        let (a, b) = segments[i];
        for k in 1..4 {
            let away = k as f64 * (w.max(h) + 6.0);
            if (a[0] - b[0]).abs() < 0.05 {
                let y = (a[1] + b[1] - h) / 2.0;
                out.push([a[0] + 4.0 + away, y, w, h]);
                out.push([a[0] - 4.0 - w - away, y, w, h]);
            } else {
                let x = (a[0] + b[0] - w) / 2.0;
                out.push([x, a[1] - 2.0 - h - away, w, h]);
                out.push([x, a[1] + 2.0 + away, w, h]);
            }
        }
    }
    out
}

fn inflate(r: &[f64; 4], by: f64) -> [f64; 4] {
    [r[0] - by, r[1] - by, r[2] + 2.0 * by, r[3] + 2.0 * by]
}

fn segment_rect(a: [f64; 2], b: [f64; 2], pad: f64) -> [f64; 4] {
    let (x0, x1) = (a[0].min(b[0]), a[0].max(b[0]));
    let (y0, y1) = (a[1].min(b[1]), a[1].max(b[1]));
    [x0 - pad, y0 - pad, x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad]
}

/// Whether two rectangles (x, y, w, h) share more than an edge.
pub fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}
