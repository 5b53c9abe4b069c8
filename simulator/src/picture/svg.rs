//! The graph as SVG, laid out here: each state machine, branch and processor in layers from
//! its StartAt (breadth first, so loops go back up), Parallel and Map states as boxes holding
//! their branches side by side, back edges and loops routed along the right side. Linear in the
//! number of states and transitions.

use std::fmt::Write as _;

use super::{Cluster, EdgeKind, GraphNode};

const GAP_X: f64 = 28.0;
const GAP_Y: f64 = 44.0;
const MARGIN: f64 = 16.0;
const HEADER: f64 = 30.0;
const LINE: f64 = 14.0;

/// Where a cluster's nodes go, relative to its top-left corner.
struct Layout {
    width: f64,
    height: f64,
    /// Per node: x, y, width, height.
    boxes: Vec<(f64, f64, f64, f64)>,
    /// Per node, its children's layouts and their offsets inside the node.
    children: Vec<Placed>,
    /// Per node, its layer.
    ranks: Vec<usize>,
    /// Per layer: the top and bottom of its band (the gaps between bands hold no box).
    bands: Vec<(f64, f64)>,
    /// Per layer, its rightmost node: the one whose right side is free for a back edge.
    rightmost: Vec<usize>,
    /// The x of the lane back edges run in.
    lane: f64,
}

/// A node's children: each one's offset inside the node and its layout.
type Placed = Vec<(f64, f64, Layout)>;

/// A box on the picture: x, y (top), width, height.
type Rect = (f64, f64, f64, f64);

/// Edge labels: 9.5 px text, measured generously so that the estimate covers the real glyphs.
const LABEL_CHAR: f64 = 5.6;
const LABEL_HEIGHT: f64 = 12.0;

/// The lines under a state's type: what the simulation says first, then each broken
/// transition.
fn notes_lines(node: &GraphNode) -> Vec<String> {
    let mut lines = node
        .notes
        .first()
        .map(|n| wrap(n, 38, 2))
        .unwrap_or_default();
    lines.extend(node.broken.iter().cloned());
    lines
}

fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
            lines.push(std::mem::take(&mut line));
            if lines.len() == max_lines {
                if let Some(last) = lines.last_mut() {
                    last.push('…');
                }
                return lines;
            }
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn text_width(s: &str, per_char: f64) -> f64 {
    s.chars().count() as f64 * per_char
}

#[allow(clippy::many_single_char_names)] // x, y, w, h, n: geometry reads best short
fn layout(cluster: &Cluster) -> Layout {
    let n = cluster.nodes.len();
    let (ranks, order, layers) = layers(cluster);
    let (sizes, children) = sizes(cluster);
    let mut layer_nodes: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for &i in &order {
        layer_nodes[ranks[i]].push(i);
    }
    let layer_widths: Vec<f64> = layer_nodes
        .iter()
        .map(|l| {
            l.iter().map(|&i| sizes[i].0).sum::<f64>() + GAP_X * l.len().saturating_sub(1) as f64
        })
        .collect();
    // Wide enough for any edge label beside its edge.
    let widest_label = cluster
        .edges
        .iter()
        .map(|e| text_width(&e.label, LABEL_CHAR) + 16.0)
        .fold(120.0, f64::max);
    let content = layer_widths.iter().copied().fold(widest_label, f64::max);
    let width = content + 2.0 * MARGIN + lane_room(cluster, &ranks);
    let mut boxes = vec![(0.0, 0.0, 0.0, 0.0); n];
    let mut bands = Vec::with_capacity(layers);
    let mut rightmost = Vec::with_capacity(layers);
    let mut y = MARGIN + if cluster.start.is_some() { 22.0 } else { 0.0 };
    for (layer, members) in layer_nodes.iter().enumerate() {
        let height = members.iter().map(|&i| sizes[i].1).fold(0.0, f64::max);
        let mut x = MARGIN + (content - layer_widths[layer]) / 2.0;
        for &i in members {
            let (w, h) = sizes[i];
            boxes[i] = (x, y + (height - h) / 2.0, w, h);
            x += w + GAP_X;
        }
        bands.push((y, y + height));
        rightmost.push(members.last().copied().unwrap_or(0));
        y += height + GAP_Y;
    }
    Layout {
        width,
        height: y - GAP_Y + MARGIN,
        boxes,
        children,
        ranks,
        bands,
        rightmost,
        lane: MARGIN + content + 16.0,
    }
}

/// Layers: breadth first from StartAt, then from each state not reached, in document order.
/// Each node's layer, the nodes in the order they were reached, and the number of layers.
fn layers(cluster: &Cluster) -> (Vec<usize>, Vec<usize>, usize) {
    let n = cluster.nodes.len();
    let mut ranks = vec![usize::MAX; n];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &cluster.edges {
        out_edges[e.from].push(e.to);
    }
    let mut order = Vec::with_capacity(n);
    let mut next_rank = 0;
    let roots = cluster.start.into_iter().chain(0..n);
    for root in roots {
        if ranks[root] != usize::MAX {
            continue;
        }
        ranks[root] = next_rank;
        let mut queue = std::collections::VecDeque::from([root]);
        while let Some(i) = queue.pop_front() {
            order.push(i);
            next_rank = next_rank.max(ranks[i] + 1);
            for &j in &out_edges[i] {
                if ranks[j] == usize::MAX {
                    ranks[j] = ranks[i] + 1;
                    queue.push_back(j);
                }
            }
        }
    }
    (ranks, order, next_rank)
}

/// Each node's width and height, and its children's layouts placed inside it: a state's
/// text, or its branches side by side under a header.
fn sizes(cluster: &Cluster) -> (Vec<(f64, f64)>, Vec<Placed>) {
    let n = cluster.nodes.len();
    let mut children = Vec::with_capacity(n);
    let mut sizes = Vec::with_capacity(n);
    for node in &cluster.nodes {
        if node.children.is_empty() {
            let lines = notes_lines(node);
            let text = text_width(&node.name, 7.2)
                .max(text_width(&kind_line(node), 6.0))
                .max(lines.iter().map(|l| text_width(l, 5.6)).fold(0.0, f64::max));
            sizes.push(((text + 24.0).max(120.0), 40.0 + lines.len() as f64 * LINE));
            children.push(Vec::new());
        } else {
            let inner: Vec<Layout> = node.children.iter().map(layout).collect();
            let mut x = GAP_X / 2.0;
            let mut placed = Vec::new();
            let mut height: f64 = 0.0;
            for child in inner {
                height = height.max(child.height);
                let width = child.width;
                placed.push((x, HEADER + 18.0, child));
                x += width + GAP_X / 2.0;
            }
            let title = text_width(&node.name, 7.2) + text_width(&kind_line(node), 6.0) + 40.0;
            sizes.push((x.max(title), HEADER + 18.0 + height + 10.0));
            children.push(placed);
        }
    }
    (sizes, children)
}

/// The width the back edges' lanes take right of the layers, with room for their labels.
fn lane_room(cluster: &Cluster, ranks: &[usize]) -> f64 {
    let back: Vec<&super::Edge> = cluster
        .edges
        .iter()
        .filter(|e| ranks[e.to] < ranks[e.from])
        .collect();
    let label_room = back
        .iter()
        .map(|e| text_width(&e.label, LABEL_CHAR))
        .fold(0.0, f64::max);
    if back.is_empty() {
        0.0
    } else {
        24.0 + 8.0 * back.len().min(6) as f64 + label_room
    }
}

fn kind_line(node: &GraphNode) -> String {
    match node.visits {
        Some(v) => format!("{} · {v}×", node.kind),
        None => node.kind.to_string(),
    }
}

fn fill(kind: &str) -> &'static str {
    match kind {
        "Task" => "#e8f0fe",
        "Choice" => "#fff4e5",
        "Wait" => "#f3e8fd",
        "Succeed" => "#e6f4ea",
        "Fail" => "#fce8e6",
        "Parallel" | "Map" => "#ffffff",
        _ => "#f1f3f4",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Edge labels, drawn after everything else so that no box covers one, and how far right they
/// reach (the picture widens for a label that fits nowhere inside it).
struct Labels {
    svg: String,
    right: f64,
}

/// The SVG document of the graph.
pub fn to_svg(root: &Cluster) -> String {
    let layout = layout(root);
    let mut body = String::new();
    let mut labels = Labels {
        svg: String::new(),
        right: 0.0,
    };
    draw(&mut body, &mut labels, root, &layout, (0.0, 0.0));
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="Helvetica, Arial, sans-serif">"#,
        w = layout.width.max(labels.right + MARGIN).ceil(),
        h = layout.height
    );
    out.push_str(concat!(
        r##"<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#5f6368"/></marker>"##,
        r##"<marker id="t" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#1f6feb"/></marker>"##,
        r##"<marker id="c" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#c0392b"/></marker></defs>"##,
        "\n",
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
        "\n"
    ));
    out.push_str(&body);
    out.push_str(&labels.svg);
    out.push_str("</svg>\n");
    out
}

fn draw(out: &mut String, labels: &mut Labels, cluster: &Cluster, layout: &Layout, at: (f64, f64)) {
    draw_edges(out, labels, cluster, layout, at);
    let (dx, dy) = at;
    if let Some(start) = cluster.start {
        let (x, y, w, _) = layout.boxes[start];
        let (cx, cy) = (dx + x + w / 2.0, dy + y - 18.0);
        let _ = writeln!(
            out,
            r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="#202124"/><path d="M{cx:.1},{:.1}L{cx:.1},{:.1}" stroke="#202124" stroke-width="1.2" marker-end="url(#a)"/>"##,
            cy + 5.0,
            dy + y
        );
    }
    let simulated = cluster.nodes.iter().any(|n| n.visits.is_some());
    for (i, node) in cluster.nodes.iter().enumerate() {
        let (x, y, w, h) = layout.boxes[i];
        let (x, y) = (dx + x, dy + y);
        draw_node(out, node, (x, y, w, h), simulated);
        for (child, (cx, cy, child_layout)) in node.children.iter().zip(&layout.children[i]) {
            let (cx, cy) = (x + cx, y + cy);
            let _ = writeln!(
                out,
                r##"<rect x="{cx:.1}" y="{cy:.1}" width="{:.1}" height="{:.1}" rx="6" fill="#fafafa" stroke="#dadce0"/><text x="{:.1}" y="{:.1}" font-size="9.5" fill="#5f6368">{}</text>"##,
                child_layout.width,
                child_layout.height,
                cx + 6.0,
                cy - 4.0,
                escape(&child.label)
            );
            draw(out, labels, child, child_layout, (cx, cy));
        }
    }
}

/// One state's box and its lines of text.
fn draw_node(out: &mut String, node: &GraphNode, (x, y, w, h): Rect, simulated: bool) {
    let (stroke, stroke_width) = if node.failed || !node.broken.is_empty() {
        ("#c0392b", 3.0)
    } else if node.visits.is_some_and(|v| v > 0) {
        ("#1f6feb", 2.0)
    } else {
        ("#9aa0a6", 1.0)
    };
    let opacity = if simulated && node.visits == Some(0) {
        0.55
    } else {
        1.0
    };
    let dash = if node.children.is_empty() {
        ""
    } else {
        r#" stroke-dasharray="6,4""#
    };
    let radius = match node.kind {
        "Succeed" | "Fail" => h / 2.0,
        "Choice" => 2.0,
        _ => 8.0,
    };
    let _ = writeln!(
        out,
        r#"<g opacity="{opacity}"><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{radius:.1}" fill="{}" stroke="{stroke}" stroke-width="{stroke_width}"{dash}/>"#,
        fill(node.kind)
    );
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="#202124" text-anchor="middle">{}</text>"##,
        x + w / 2.0,
        y + 17.0,
        escape(&node.name)
    );
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#5f6368" text-anchor="middle">{}</text>"##,
        x + w / 2.0,
        y + 31.0,
        escape(&kind_line(node))
    );
    if node.children.is_empty() {
        let notes = node.notes.first().map_or(0, |n| wrap(n, 38, 2).len());
        for (k, line) in notes_lines(node).iter().enumerate() {
            let red = node.failed || k >= notes;
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" font-size="9.5" fill="{}" text-anchor="middle">{}</text>"#,
                x + w / 2.0,
                y + 45.0 + k as f64 * LINE,
                if red { "#c0392b" } else { "#3c4043" },
                escape(line)
            );
        }
    }
    out.push_str("</g>\n");
}

/// Where a cluster's edge labels may go: inside its bounds, clear of its boxes and of the
/// labels already placed.
struct LabelSpace {
    bounds: Rect,
    boxes: Vec<Rect>,
    placed: Vec<Rect>,
}

impl LabelSpace {
    fn free(&self, r: Rect) -> bool {
        let (bx, by, bw, bh) = self.bounds;
        let inside = r.0 >= bx && r.1 >= by && r.0 + r.2 <= bx + bw && r.1 + r.3 <= by + bh;
        let apart =
            |o: &Rect| r.0 + r.2 <= o.0 || o.0 + o.2 <= r.0 || r.1 + r.3 <= o.1 || o.1 + o.3 <= r.1;
        inside && self.boxes.iter().all(apart) && self.placed.iter().all(apart)
    }

    /// The first free of `candidates` (top-left corners) for a label `width` wide, or the
    /// first when none is.
    fn place(&mut self, candidates: &[(f64, f64)], width: f64) -> (f64, f64) {
        let chosen = candidates
            .iter()
            .copied()
            .find(|&(x, y)| self.free((x, y, width, LABEL_HEIGHT)))
            .unwrap_or(candidates[0]);
        self.placed.push((chosen.0, chosen.1, width, LABEL_HEIGHT));
        chosen
    }
}

/// Spots near `(x, y)` stepping by a label's height in `direction`, `count` of them.
fn stack(x: f64, y: f64, direction: f64, count: usize) -> impl Iterator<Item = (f64, f64)> {
    (0..count).map(move |k| (x, y + direction * LABEL_HEIGHT * k as f64))
}

/// An edge laid out: the corners of its path and the spots for its label, best first.
struct Route {
    points: Vec<(f64, f64)>,
    spots: Vec<(f64, f64)>,
}

impl Route {
    fn path(&self) -> String {
        let mut path = String::new();
        for (k, (x, y)) in self.points.iter().enumerate() {
            let _ = write!(path, "{}{x:.1},{y:.1}", if k == 0 { 'M' } else { 'L' });
        }
        path
    }

    /// Each straight piece as a thin box, which labels keep clear of.
    fn segments(&self) -> impl Iterator<Item = Rect> + '_ {
        self.points.windows(2).map(|w| {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            (
                x1.min(x2) - 1.0,
                y1.min(y2) - 1.0,
                (x2 - x1).abs() + 2.0,
                (y2 - y1).abs() + 2.0,
            )
        })
    }
}

/// Where `edge` runs, by where its target's layer is (`lane_slot` counts the back edges).
#[allow(clippy::many_single_char_names)] // x, y, w, h: geometry reads best short
#[allow(clippy::comparison_chain)] // three layouts, by where the target's layer is
fn route(
    edge: &super::Edge,
    layout: &Layout,
    (dx, dy): (f64, f64),
    lane_slot: &mut u32,
    label_width: f64,
) -> Route {
    let (fx, fy, fw, fh) = layout.boxes[edge.from];
    let (tx, ty, tw, th) = layout.boxes[edge.to];
    let (fx, fy, tx, ty) = (dx + fx, dy + fy, dx + tx, dy + ty);
    let (from_rank, to_rank) = (layout.ranks[edge.from], layout.ranks[edge.to]);
    if from_rank == to_rank {
        // Side by side: straight across, between the facing sides; the label above or
        // below the line, else in the gaps above and below the layer.
        let y = fy.max(ty) + fh.min(th) / 2.0;
        let (x1, x2) = if tx > fx {
            (fx + fw, tx)
        } else {
            (fx, tx + tw)
        };
        let mid = f64::midpoint(x1, x2) - label_width / 2.0;
        let (top, bottom) = layout.bands[from_rank];
        let mut spots = vec![(mid, y - LABEL_HEIGHT - 2.0), (mid, y + 2.0)];
        spots.extend(stack(mid, dy + top - LABEL_HEIGHT - 3.0, -1.0, 3));
        spots.extend(stack(mid, dy + bottom + 3.0, 1.0, 3));
        Route {
            points: vec![(x1, y), (x2, y)],
            spots,
        }
    } else if to_rank > from_rank {
        // Down: out of the source's bottom, across in the gap below its layer, into the
        // target's top; the label beside the segment into the target, else beside the one
        // out of the source, else beside the target.
        let (x1, y1) = (fx + fw / 2.0, fy + fh);
        let (x2, y2) = (tx + tw / 2.0, ty);
        let mid = dy + layout.bands[from_rank].1 + GAP_Y / 2.0;
        let mut spots: Vec<(f64, f64)> = Vec::new();
        for x in [x2 + 4.0, x2 - 4.0 - label_width] {
            spots.extend(stack(x, y2 - LABEL_HEIGHT - 3.0, -1.0, 3));
        }
        for x in [x1 + 4.0, x1 - 4.0 - label_width] {
            spots.extend(stack(x, y1 + 3.0, 1.0, 3));
        }
        spots.extend(stack(tx + tw + 4.0, ty, 1.0, 3));
        spots.extend(stack(tx - 4.0 - label_width, ty, 1.0, 3));
        Route {
            points: vec![(x1, y1), (x1, mid), (x2, mid), (x2, y2)],
            spots,
        }
    } else {
        back_route(edge, layout, (dx, dy), lane_slot)
    }
}

/// Back up (a loop): along the right-hand lane, leaving and entering by the right side where it
/// is free, else by the gap below the source's layer and the one above the target's.
fn back_route(
    edge: &super::Edge,
    layout: &Layout,
    (dx, dy): (f64, f64),
    lane_slot: &mut u32,
) -> Route {
    let (fx, fy, fw, fh) = layout.boxes[edge.from];
    let (tx, ty, tw, th) = layout.boxes[edge.to];
    let (fx, fy, tx, ty) = (dx + fx, dy + fy, dx + tx, dy + ty);
    let (from_rank, to_rank) = (layout.ranks[edge.from], layout.ranks[edge.to]);
    let lane = dx + layout.lane + 8.0 * f64::from(*lane_slot % 6);
    *lane_slot += 1;
    let mut points = Vec::with_capacity(6);
    if layout.rightmost[from_rank] == edge.from {
        let y1 = fy + fh / 2.0;
        points.extend([(fx + fw, y1), (lane, y1)]);
    } else {
        let (x1, y1) = (fx + fw * 0.75, fy + fh);
        let below = dy + layout.bands[from_rank].1 + 10.0;
        points.extend([(x1, y1), (x1, below), (lane, below)]);
    }
    let y_end = if layout.rightmost[to_rank] == edge.to {
        let y2 = ty + th / 2.0;
        points.extend([(lane, y2), (tx + tw, y2)]);
        y2
    } else {
        let (x2, y2) = (tx + tw * 0.75, ty);
        let above = dy + layout.bands[to_rank].0 - 10.0;
        points.extend([(lane, above), (x2, above), (x2, y2)]);
        y2
    };
    let middle = f64::midpoint(fy + fh / 2.0, y_end) - LABEL_HEIGHT / 2.0;
    let mut spots: Vec<(f64, f64)> = stack(lane + 3.0, middle, -1.0, 6).collect();
    spots.extend(stack(lane + 3.0, middle, 1.0, 6));
    Route { points, spots }
}

/// A cluster's edges, and their labels (into `labels`, drawn last) where they hide nothing:
/// clear of the boxes, of every edge's path and of each other.
fn draw_edges(
    out: &mut String,
    labels: &mut Labels,
    cluster: &Cluster,
    layout: &Layout,
    (dx, dy): (f64, f64),
) {
    let mut lane_slot = 0;
    let routes: Vec<Route> = cluster
        .edges
        .iter()
        .map(|edge| {
            let width = text_width(&edge.label, LABEL_CHAR);
            route(edge, layout, (dx, dy), &mut lane_slot, width)
        })
        .collect();
    // The whole picture's labels may reach past its right side (it widens); a branch's stay
    // inside their box.
    let open_right = (dx, dy) == (0.0, 0.0);
    let mut space = LabelSpace {
        bounds: (
            dx,
            dy,
            if open_right {
                f64::INFINITY
            } else {
                layout.width
            },
            layout.height,
        ),
        boxes: layout
            .boxes
            .iter()
            .map(|&(x, y, w, h)| (dx + x - 2.0, dy + y - 2.0, w + 4.0, h + 4.0))
            .chain(routes.iter().flat_map(Route::segments))
            .collect(),
        placed: Vec::new(),
    };
    for (edge, route) in cluster.edges.iter().zip(&routes) {
        let (color, marker, width) = if edge.taken {
            ("#1f6feb", "t", 2.4)
        } else if edge.kind == EdgeKind::Catch {
            ("#c0392b", "c", 1.2)
        } else {
            ("#5f6368", "a", 1.2)
        };
        let dash = if edge.kind == EdgeKind::Catch {
            r#" stroke-dasharray="5,3""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r#"<path d="{}" fill="none" stroke="{color}" stroke-width="{width}"{dash} marker-end="url(#{marker})"/>"#,
            route.path()
        );
        if !edge.label.is_empty() {
            let label_width = text_width(&edge.label, LABEL_CHAR);
            let (x, top) = space.place(&route.spots, label_width);
            labels.right = labels.right.max(x + label_width);
            let _ = writeln!(
                labels.svg,
                r#"<text x="{x:.1}" y="{:.1}" font-size="9.5" fill="{color}">{}</text>"#,
                top + 9.0,
                escape(&edge.label)
            );
        }
    }
}
