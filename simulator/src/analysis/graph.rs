//! Whole-machine checks on the model: duplicate state names, StartAt and transition targets,
//! transitions across branch / processor boundaries, unreachable states, and a way to end.
//!
//! One table maps every state name of the document to where it is defined (which machine, which
//! state); every name a transition uses is looked up in it once.

use super::fields::edit_distance;
use crate::diagnostic::Diagnostic;
use crate::fxhash::{FxBuildHasher, FxHashMap};
use crate::model::{Spanned, StateKind, StateMachine, Transition};
use crate::syntax::{Text, TextRange};

/// Where a state is defined: its machine (0 is the top level), its index there, its name.
#[derive(Clone, Copy)]
struct Definition {
    machine: usize,
    index: usize,
    range: TextRange,
}

pub fn check(machine: &StateMachine, diagnostics: &mut Vec<Diagnostic>) {
    // Every machine (the top one, branches, processors), numbered depth-first.
    let mut machines: Vec<&StateMachine> = vec![machine];
    let mut i = 0;
    while i < machines.len() {
        for state in &machines[i].states {
            match &state.kind {
                StateKind::Parallel(p) => machines.extend(p.branches.iter()),
                StateKind::Map(m) => machines.extend(m.processor.as_ref()),
                _ => {}
            }
        }
        i += 1;
    }
    let count = machines.iter().map(|m| m.states.len()).sum();
    let mut names: FxHashMap<&str, Definition> =
        FxHashMap::with_capacity_and_hasher(count, FxBuildHasher::default());
    for (machine_id, m) in machines.iter().enumerate() {
        for (index, state) in m.states.iter().enumerate() {
            let here = Definition {
                machine: machine_id,
                index,
                range: state.name.range,
            };
            // State names are unique across the whole machine, branches and processors included.
            if let Some(first) = names.get(state.name.value.as_ref()) {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-state-name",
                        state.name.range,
                        format!(
                            "State `{}` is defined twice: names must be unique across the whole state machine, branches and Map processors included.",
                            state.name.value
                        ),
                    )
                    .with_related(first.range, "first defined here"),
                );
            } else {
                names.insert(&state.name.value, here);
            }
        }
    }
    for (machine_id, m) in machines.iter().enumerate() {
        check_machine(m, machine_id, &names, diagnostics);
    }
}

fn check_machine(
    machine: &StateMachine,
    id: usize,
    names: &FxHashMap<&str, Definition>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let boundary = if id == 0 { "state machine" } else { "branch" };
    // A name resolves here when its (first) definition is in this machine.
    let resolve = |name: &Spanned<Text>| {
        names
            .get(name.value.as_ref())
            .filter(|d| d.machine == id)
            .map(|d| d.index)
    };

    // With no states at all, that is the one error worth reporting.
    let start = machine
        .start_at
        .as_ref()
        .filter(|_| !machine.states.is_empty())
        .and_then(|s| {
            let found = resolve(s);
            if found.is_none() {
                missing_target(s, machine, names, "StartAt", boundary, diagnostics);
            }
            found
        });

    // Each state's targets, resolved once for both the target check and reachability: those
    // of state `i` are `targets[ends[i - 1]..ends[i]]` (one list for all, not one per state).
    let mut targets: Vec<usize> = Vec::with_capacity(machine.states.len() * 2);
    let mut ends: Vec<usize> = Vec::with_capacity(machine.states.len());
    for state in &machine.states {
        for target in state.targets() {
            match resolve(target) {
                Some(index) => targets.push(index),
                None => missing_target(
                    target,
                    machine,
                    names,
                    "This transition",
                    boundary,
                    diagnostics,
                ),
            }
        }
        ends.push(targets.len());
    }
    let edges = |i: usize| &targets[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];

    // Reachability from StartAt (only when StartAt resolves: else every state would be flagged).
    if let Some(start) = start {
        let mut seen = vec![false; machine.states.len()];
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            for &j in edges(i) {
                if !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        for (state, reached) in machine.states.iter().zip(&seen) {
            if !reached {
                diagnostics.push(Diagnostic::error(
                    "unreachable-state",
                    state.name.range,
                    format!(
                        "State `{}` can never run: no transition leads to it from StartAt. Point a `Next` at it or remove it.",
                        state.name.value
                    ),
                ));
            }
        }
    }

    let terminal = machine.states.iter().any(|s| {
        matches!(s.transition, Transition::End)
            || matches!(s.kind, StateKind::Succeed | StateKind::Fail(_))
    });
    if !terminal && !machine.states.is_empty() {
        let range = machine
            .start_at
            .as_ref()
            .map_or(TextRange::empty(machine.range.start as usize), |s| s.range);
        diagnostics.push(Diagnostic::error(
            "no-terminal-state",
            range,
            format!(
                "This {boundary} can never end: no state has `\"End\": true` and there is no Succeed or Fail state."
            ),
        ));
    }
}

fn missing_target(
    target: &Spanned<Text>,
    machine: &StateMachine,
    names: &FxHashMap<&str, Definition>,
    what: &str,
    boundary: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let name = &target.value;
    if let Some(elsewhere) = names.get(name.as_ref()) {
        diagnostics.push(
            Diagnostic::error(
                "transition-out-of-scope",
                target.range,
                format!(
                    "{what} goes to `{name}`, which is in another {}: a transition can only name a state of its own {boundary}.",
                    if boundary == "branch" { "scope" } else { "branch or Map processor" }
                ),
            )
            .with_related(elsewhere.range, "defined here"),
        );
        return;
    }
    let closest = machine
        .states
        .iter()
        .map(|s| s.name.value.as_ref())
        .map(|c: &str| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c);
    let suggestion = closest
        .map(|c| format!(" Did you mean `{c}`?"))
        .unwrap_or_default();
    diagnostics.push(
        Diagnostic::error(
            "unknown-state",
            target.range,
            format!(
                "{what} goes to `{name}`, but there is no state of that name in this {boundary}.{suggestion}"
            ),
        )
        .with_suggested_string(closest),
    );
}
