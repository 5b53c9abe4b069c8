//! Pictures of a state machine as plain data: the graph of its states (nested for Parallel
//! branches and Map processors), with, when it was simulated, the path taken, each state's
//! visit count and what the simulation says about it. `dot` and `svg` draw it.

pub mod dot;
pub mod svg;
pub mod timeline;

use crate::diagnostic::Diagnostic;
use crate::engine::{Details, Execution};
use crate::model::{State, StateKind, StateMachine, Transition};
use crate::syntax::{Node, Tree};

/// One state machine, branch or processor: its states and the transitions among them.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub label: String,
    pub start: Option<usize>,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    /// Unique in the whole graph (`n0`, `n1`, ...), for the writers.
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    /// Ends its cluster (`End`, Succeed, Fail).
    pub terminal: bool,
    /// Parallel branches or a Map's processor.
    pub children: Vec<Cluster>,
    /// Times the simulation entered it (`None`: not simulated).
    pub visits: Option<usize>,
    /// What the simulation says about it, first thing first.
    pub notes: Vec<String>,
    /// The execution failed or timed out here.
    pub failed: bool,
    /// Transitions to states that do not exist (`Next → "Shipp"`), drawn in red: a definition
    /// with errors is drawn as far as it goes.
    pub broken: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Next,
    Choice,
    Default,
    Catch,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub label: String,
    /// The simulation went this way.
    pub taken: bool,
}

/// The graph of `machine`; with a simulated `execution` and its report (`facts`, from
/// `simulation::explain`), the path taken and what happened on each state.
pub fn graph(
    tree: &Tree,
    machine: &StateMachine,
    simulated: Option<(&Execution, &[Diagnostic])>,
) -> Cluster {
    let mut next_id = 0;
    let mut root = cluster(tree, machine, "State machine".into(), &mut next_id);
    if let Some((execution, facts)) = simulated {
        overlay(&mut root, machine, execution, facts);
    }
    root
}

fn cluster(tree: &Tree, machine: &StateMachine, label: String, next_id: &mut usize) -> Cluster {
    let index_of = |name: &str| machine.states.iter().position(|s| &*s.name.value == name);
    let mut nodes = Vec::with_capacity(machine.states.len());
    let mut edges = Vec::new();
    for (i, state) in machine.states.iter().enumerate() {
        let id = format!("n{next_id}");
        *next_id += 1;
        let children = match &state.kind {
            StateKind::Parallel(p) => p
                .branches
                .iter()
                .enumerate()
                .map(|(b, branch)| cluster(tree, branch, format!("Branch {}", b + 1), next_id))
                .collect(),
            StateKind::Map(m) => m
                .processor
                .iter()
                .map(|p| cluster(tree, p, "Each item".into(), next_id))
                .collect(),
            _ => Vec::new(),
        };
        let mut broken = Vec::new();
        let mut edge = |to: &str, kind: EdgeKind, label: String| match index_of(to) {
            Some(to) => edges.push(Edge {
                from: i,
                to,
                kind,
                label,
                taken: false,
            }),
            None => {
                let how = match kind {
                    EdgeKind::Next => "Next",
                    EdgeKind::Choice => "Choice rule",
                    EdgeKind::Default => "Default",
                    EdgeKind::Catch => "Catch",
                };
                broken.push(shorten(&format!("{how} → \"{to}\": no such state")));
            }
        };
        if let Transition::Next(next) = &state.transition {
            edge(&next.value, EdgeKind::Next, String::new());
        }
        if let StateKind::Choice(choice) = &state.kind {
            for rule in &choice.rules {
                if let Some(next) = &rule.next {
                    let label = rule
                        .condition
                        .resolve(tree)
                        .map(rule_label)
                        .unwrap_or_default();
                    edge(&next.value, EdgeKind::Choice, label);
                }
            }
            if let Some(default) = &choice.default {
                edge(&default.value, EdgeKind::Default, "Default".into());
            }
        }
        for catcher in state.handlers().map_or(&[][..], |h| h.catch.as_slice()) {
            if let Some(next) = &catcher.next {
                let errors: Vec<&str> = catcher.error_equals.iter().map(|e| &*e.value).collect();
                edge(
                    &next.value,
                    EdgeKind::Catch,
                    format!("catch {}", errors.join(", ")),
                );
            }
        }
        nodes.push(GraphNode {
            id,
            name: state.name.value.to_string(),
            kind: state.kind.type_name(),
            terminal: matches!(state.transition, Transition::End)
                || matches!(state.kind, StateKind::Succeed | StateKind::Fail(_)),
            children,
            visits: None,
            notes: Vec::new(),
            failed: false,
            broken,
        });
    }
    Cluster {
        label,
        start: machine.start_at.as_ref().and_then(|s| index_of(&s.value)),
        nodes,
        edges,
    }
}

/// A Choice rule in a few words: `$.status == "OK"`, `{% $x > 1 %}`, `And(…)`.
fn rule_label(rule: Node<'_>) -> String {
    const OPERATORS: &[(&str, &str)] = &[
        ("Equals", "=="),
        ("LessThanEquals", "<="),
        ("GreaterThanEquals", ">="),
        ("LessThan", "<"),
        ("GreaterThan", ">"),
        ("Matches", "matches"),
    ];
    if let Some(condition) = rule.get("Condition").and_then(Node::as_str) {
        return shorten(condition);
    }
    for combinator in ["And", "Or", "Not"] {
        if rule.get(combinator).is_some() {
            return format!("{combinator}(…)");
        }
    }
    let variable = rule.get("Variable").and_then(Node::as_str).unwrap_or("?");
    for member in rule.members() {
        let key = member.key.name;
        if matches!(key, "Variable" | "Next" | "Comment" | "Assign" | "Output") {
            continue;
        }
        let base = key.trim_end_matches("Path");
        let symbol = OPERATORS
            .iter()
            .find(|(suffix, _)| base.ends_with(suffix))
            .map_or(base, |(_, s)| *s);
        let value = member.value.to_json().to_string();
        return shorten(&format!("{variable} {symbol} {value}"));
    }
    shorten(variable)
}

fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// Visits, taken edges, notes and the failing state, from the execution and its report.
fn overlay(
    root: &mut Cluster,
    machine: &StateMachine,
    execution: &Execution,
    facts: &[Diagnostic],
) {
    let mut visits: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut steps: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    let mut last: Option<&str> = None;
    // A step is a state entered right after another was entered or left (a Parallel or Map
    // is left after its branches, so the step out of it follows its exit).
    for event in &execution.events {
        match &event.details {
            Details::StateEntered { name, .. } => {
                *visits.entry(name).or_default() += 1;
                if let Some(from) = last {
                    steps.insert((from, name));
                }
                last = Some(name);
            }
            Details::StateExited { name, .. } => last = Some(name),
            _ => {}
        }
    }
    let states = machine.all_states();
    let notes_of = |state: &State| -> Vec<String> {
        facts
            .iter()
            // A visit count of 0 says "never reached" already.
            .filter(|d| d.range == state.name.range && d.code != "simulation-not-reached")
            .map(|d| d.message.clone())
            .collect()
    };
    let failed_at = facts
        .iter()
        .find(|d| d.code == "simulation-end" && d.severity == crate::Severity::Warning)
        .map(|d| d.range);
    let mut stack = vec![root];
    while let Some(cluster) = stack.pop() {
        let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
        for edge in &mut cluster.edges {
            edge.taken = steps.contains(&(names[edge.from].as_str(), names[edge.to].as_str()));
        }
        for node in &mut cluster.nodes {
            node.visits = Some(visits.get(node.name.as_str()).copied().unwrap_or(0));
            if let Some(state) = states.iter().find(|s| *s.name.value == *node.name) {
                node.notes = notes_of(state);
                node.failed = failed_at == Some(state.name.range);
            }
        }
        for node in &mut cluster.nodes {
            stack.extend(node.children.iter_mut());
        }
    }
}

#[cfg(test)]
mod tests;
