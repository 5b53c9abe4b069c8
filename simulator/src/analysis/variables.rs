//! `$variables` read but never assigned in scope. A scope is the state machine, a Parallel branch
//! or an inline Map processor, which also see their parents' variables; a Distributed Map's child
//! executions start with none.

use crate::fxhash::FxHashSet as HashSet;

use super::jsonata::free_variables;
use super::text::inner_range;
use crate::diagnostic::Diagnostic;
use crate::model::path::{self, PathRoot};
use crate::model::{intrinsic, jsonata_expression};
use crate::syntax::{Node, NodeKind};

pub fn check(text: &str, root: &Node, diagnostics: &mut Vec<Diagnostic>) {
    scope(text, root, &HashSet::default(), diagnostics);
}

/// Fields that open a scope of their own.
fn nested_scopes(state: &Node) -> Vec<(&Node, bool)> {
    let mut out = Vec::new();
    if let Some(branches) = state.get("Branches") {
        out.extend(branches.elements().iter().map(|b| (b, true)));
    }
    for field in ["ItemProcessor", "Iterator"] {
        if let Some(processor) = state.get(field) {
            let distributed = processor
                .get("ProcessorConfig")
                .and_then(|c| c.get("Mode"))
                .and_then(Node::as_str)
                == Some("DISTRIBUTED");
            out.push((processor, !distributed));
        }
    }
    out
}

fn scope(text: &str, machine: &Node, outer: &HashSet<String>, diagnostics: &mut Vec<Diagnostic>) {
    let states = machine.get("States").map(Node::members).unwrap_or_default();
    let mut visible = outer.clone();
    for state in states {
        collect_assigned(&state.value, &mut visible, 0);
    }
    for state in states {
        let mut uses = Vec::new();
        collect_uses(&state.value, false, &mut uses, 0);
        for (name, node, start) in uses {
            if !visible.contains(&name) {
                let range = inner_range(text, node, start, start + 1 + name.len());
                // AWS accepts such a definition and fails at run time, hence a warning.
                diagnostics.push(Diagnostic::warning(
                    "undefined-variable",
                    range,
                    format!("`${name}` is never assigned in this scope, so reading it fails at run time: set it with `Assign` in a state that runs before (a branch or inline Map also sees its parent's variables)."),
                ));
            }
        }
        for (nested, inherits) in nested_scopes(&state.value) {
            let empty = HashSet::default();
            scope(
                text,
                nested,
                if inherits { &visible } else { &empty },
                diagnostics,
            );
        }
    }
}

/// Names set by `Assign` anywhere in a state (its own, its catchers', its choice rules'),
/// not descending into nested scopes.
fn collect_assigned(node: &Node, out: &mut HashSet<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match &node.kind {
        NodeKind::Object(members) => {
            for m in members {
                match m.key.name.as_str() {
                    "Assign" => {
                        for var in m.value.members() {
                            out.insert(var.key.name.trim_end_matches(".$").to_string());
                        }
                    }
                    "Branches" | "ItemProcessor" | "Iterator" => {}
                    _ => collect_assigned(&m.value, out, depth + 1),
                }
            }
        }
        NodeKind::Array(items) => items
            .iter()
            .for_each(|i| collect_assigned(i, out, depth + 1)),
        _ => {}
    }
}

type Use<'a> = (String, &'a Node, usize);

fn collect_uses<'a>(node: &'a Node, is_path: bool, out: &mut Vec<Use<'a>>, depth: usize) {
    if depth > 256 {
        return;
    }
    match &node.kind {
        NodeKind::Object(members) => {
            for m in members {
                let key = m.key.name.as_str();
                if matches!(key, "Branches" | "ItemProcessor" | "Iterator" | "Comment") {
                    continue;
                }
                let path_valued = key.ends_with(".$") || key.ends_with("Path") || key == "Variable";
                collect_uses(&m.value, path_valued, out, depth + 1);
            }
        }
        NodeKind::Array(items) => {
            for item in items {
                collect_uses(item, false, out, depth + 1);
            }
        }
        NodeKind::String(s) => {
            if let Some(expr) = jsonata_expression(s) {
                for (name, at) in free_variables(expr) {
                    out.push((name, node, 2 + at));
                }
            } else if is_path {
                if intrinsic::looks_like_call(s) {
                    if let Ok(call) = intrinsic::parse(s) {
                        call_uses(&call, node, out);
                    }
                } else if let Ok(p) = path::parse(s) {
                    if let PathRoot::Variable(name) = p.root {
                        out.push((name, node, 0));
                    }
                }
            }
        }
        _ => {}
    }
}

fn call_uses<'a>(call: &intrinsic::Call, node: &'a Node, out: &mut Vec<Use<'a>>) {
    for (arg, (start, _)) in &call.args {
        match arg {
            intrinsic::Arg::Path(p) => {
                if let PathRoot::Variable(name) = &p.root {
                    out.push((name.clone(), node, *start));
                }
            }
            intrinsic::Arg::Call(inner) => call_uses(inner, node, out),
            _ => {}
        }
    }
}
