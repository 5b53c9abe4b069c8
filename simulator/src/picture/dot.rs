//! The graph as Graphviz DOT and as a Mermaid flowchart: text for other tools (Graphviz,
//! GitHub's Markdown), states nested in clusters as the machine nests them.

use std::fmt::Write as _;

use super::{Cluster, EdgeKind, GraphNode};

/// DOT: shapes by state type, Parallel and Map as clusters, the path taken in bold blue.
pub fn to_dot(root: &Cluster) -> String {
    let mut out = String::from(
        "digraph StateMachine {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    if let Some(start) = root.start {
        let _ = writeln!(
            out,
            "  start [shape=point, width=0.15];\n  start -> {};",
            root.nodes[start].id
        );
    }
    dot_cluster(&mut out, root, 1);
    out.push_str("}\n");
    out
}

fn dot_cluster(out: &mut String, cluster: &Cluster, depth: usize) {
    let pad = "  ".repeat(depth);
    for node in &cluster.nodes {
        if node.children.is_empty() {
            let _ = writeln!(out, "{pad}{} [{}];", node.id, dot_attributes(node));
        } else {
            // A compound state: its name as the cluster's label, an anchor node for its edges.
            let _ = writeln!(out, "{pad}subgraph cluster_{} {{", node.id);
            let _ = writeln!(
                out,
                "{pad}  label={}; style=dashed;",
                quote(&node_label(node))
            );
            let _ = writeln!(out, "{pad}  {} [{}];", node.id, dot_attributes(node));
            for (i, child) in node.children.iter().enumerate() {
                let _ = writeln!(out, "{pad}  subgraph cluster_{}_{i} {{", node.id);
                let _ = writeln!(out, "{pad}    label={}; style=dotted;", quote(&child.label));
                dot_cluster(out, child, depth + 2);
                if let Some(start) = child.start {
                    let _ = writeln!(
                        out,
                        "{pad}    {} -> {} [style=dotted];",
                        node.id, child.nodes[start].id
                    );
                }
                let _ = writeln!(out, "{pad}  }}");
            }
            let _ = writeln!(out, "{pad}}}");
        }
    }
    for edge in &cluster.edges {
        let mut attributes = Vec::new();
        if !edge.label.is_empty() {
            attributes.push(format!("label={}", quote(&edge.label)));
        }
        if edge.kind == EdgeKind::Catch {
            attributes.push("style=dashed".into());
        }
        if edge.taken {
            attributes.push("penwidth=2.5, color=\"#1f6feb\"".into());
        } else if edge.kind == EdgeKind::Catch {
            attributes.push("color=\"#c0392b\"".into());
        }
        let _ = writeln!(
            out,
            "{pad}{} -> {}{};",
            cluster.nodes[edge.from].id,
            cluster.nodes[edge.to].id,
            if attributes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attributes.join(", "))
            }
        );
    }
}

fn dot_attributes(node: &GraphNode) -> String {
    let shape = match node.kind {
        "Choice" => "diamond",
        "Succeed" | "Fail" => "doubleoctagon",
        "Wait" => "octagon",
        "Pass" => "box, style=\"rounded,dashed\"",
        "Parallel" | "Map" => "box3d",
        _ => "box, style=rounded",
    };
    let mut attributes = format!("label={}, shape={shape}", quote(&node_label(node)));
    if node.failed || !node.broken.is_empty() {
        attributes.push_str(", color=\"#c0392b\", penwidth=2");
    } else if node.visits.is_some_and(|v| v > 0) {
        attributes.push_str(", color=\"#1f6feb\", penwidth=2");
    }
    attributes
}

/// The name, the type, and when simulated the visits and the first thing it says.
fn node_label(node: &GraphNode) -> String {
    let mut label = format!("{}\n{}", node.name, node.kind);
    if let Some(visits) = node.visits {
        let _ = write!(label, " · {visits}×");
    }
    if let Some(note) = node.notes.first() {
        let _ = write!(label, "\n{}", super::shorten(note));
    }
    for broken in &node.broken {
        let _ = write!(label, "\n{broken}");
    }
    label
}

fn quote(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

/// Mermaid flowchart: the same graph, for Markdown that renders Mermaid.
pub fn to_mermaid(root: &Cluster) -> String {
    let mut out = String::from("flowchart TD\n");
    if let Some(start) = root.start {
        let _ = writeln!(out, "  start((\" \")) --> {}", root.nodes[start].id);
    }
    let mut taken = Vec::new();
    let mut count = usize::from(root.start.is_some());
    mermaid_cluster(&mut out, root, 1, &mut count, &mut taken);
    for node in all_nodes(root) {
        if node.failed {
            let _ = writeln!(out, "  style {} stroke:#c0392b,stroke-width:2px", node.id);
        } else if node.visits.is_some_and(|v| v > 0) {
            let _ = writeln!(out, "  style {} stroke:#1f6feb,stroke-width:2px", node.id);
        }
    }
    for index in taken {
        let _ = writeln!(out, "  linkStyle {index} stroke:#1f6feb,stroke-width:3px");
    }
    out
}

fn mermaid_cluster(
    out: &mut String,
    cluster: &Cluster,
    depth: usize,
    count: &mut usize,
    taken: &mut Vec<usize>,
) {
    let pad = "  ".repeat(depth);
    for node in &cluster.nodes {
        let label = mermaid_text(&node_label(node));
        let shape = match node.kind {
            "Choice" => format!("{{\"{label}\"}}"),
            "Succeed" | "Fail" => format!("([\"{label}\"])"),
            _ => format!("[\"{label}\"]"),
        };
        let _ = writeln!(out, "{pad}{}{shape}", node.id);
        for (i, child) in node.children.iter().enumerate() {
            let _ = writeln!(
                out,
                "{pad}subgraph {}_{i}[\"{} · {}\"]",
                node.id,
                mermaid_text(&node.name),
                mermaid_text(&child.label)
            );
            mermaid_cluster(out, child, depth + 1, count, taken);
            let _ = writeln!(out, "{pad}end");
            if let Some(start) = child.start {
                let _ = writeln!(out, "{pad}{} -.-> {}", node.id, child.nodes[start].id);
                *count += 1;
            }
        }
    }
    for edge in &cluster.edges {
        let arrow = if edge.kind == EdgeKind::Catch {
            "-.->"
        } else {
            "-->"
        };
        let label = if edge.label.is_empty() {
            String::new()
        } else {
            format!("|\"{}\"|", mermaid_text(&edge.label))
        };
        let _ = writeln!(
            out,
            "{pad}{} {arrow}{label} {}",
            cluster.nodes[edge.from].id, cluster.nodes[edge.to].id
        );
        if edge.taken {
            taken.push(*count);
        }
        *count += 1;
    }
}

/// Mermaid labels in quotes: quotes become `#quot;`, line breaks `<br>`.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br>")
}

/// Every node, nested ones included, in document order.
pub fn all_nodes(root: &Cluster) -> Vec<&GraphNode> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(cluster) = stack.pop() {
        for node in &cluster.nodes {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
    }
    out
}
