//! Whole-machine checks on the model: duplicate state names, StartAt and transition targets,
//! transitions across branch / processor boundaries, unreachable states, and a way to end.

use crate::fxhash::FxHashMap as HashMap;

use super::fields::edit_distance;
use crate::diagnostic::Diagnostic;
use crate::model::{Spanned, StateKind, StateMachine, Transition};
use crate::syntax::{Text, TextRange};

pub fn check(machine: &StateMachine, diagnostics: &mut Vec<Diagnostic>) {
    // State names are unique across the whole machine, branches and processors included.
    let all = machine.all_states();
    let mut first_seen: HashMap<&str, TextRange> =
        HashMap::with_capacity_and_hasher(all.len(), crate::fxhash::FxBuildHasher::default());
    for state in all {
        match first_seen.get(state.name.value.as_ref()) {
            Some(&first) => diagnostics.push(
                Diagnostic::error(
                    "duplicate-state-name",
                    state.name.range,
                    format!(
                        "State `{}` is defined twice: names must be unique across the whole state machine, branches and Map processors included.",
                        state.name.value
                    ),
                )
                .with_related(first, "first defined here"),
            ),
            None => {
                first_seen.insert(&state.name.value, state.name.range);
            }
        }
    }
    let mut scope = Scope {
        everywhere: &first_seen,
        diagnostics,
    };
    scope.machine(machine, true);
}

struct Scope<'a, 'd> {
    everywhere: &'a HashMap<&'a str, TextRange>,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Scope<'_, '_> {
    fn machine(&mut self, machine: &StateMachine, top: bool) {
        let local: HashMap<&str, usize> = machine
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.value.as_ref(), i))
            .collect();
        let boundary = if top { "state machine" } else { "branch" };

        // With no states at all, that is the one error worth reporting.
        let start = machine
            .start_at
            .as_ref()
            .filter(|_| !machine.states.is_empty())
            .and_then(|s| {
                let found = local.get(s.value.as_ref()).copied();
                if found.is_none() {
                    self.missing_target(s, &local, "StartAt", boundary);
                }
                found
            });

        for state in &machine.states {
            for target in state.targets() {
                if !local.contains_key(target.value.as_ref()) {
                    self.missing_target(target, &local, "This transition", boundary);
                }
            }
            match &state.kind {
                StateKind::Parallel(p) => {
                    for branch in &p.branches {
                        self.machine(branch, false);
                    }
                }
                StateKind::Map(m) => {
                    if let Some(processor) = &m.processor {
                        self.machine(processor, false);
                    }
                }
                _ => {}
            }
        }

        // Reachability from StartAt (only when StartAt resolves: else every state would be flagged).
        if let Some(start) = start {
            let mut seen = vec![false; machine.states.len()];
            let mut stack = vec![start];
            seen[start] = true;
            while let Some(i) = stack.pop() {
                for target in machine.states[i].targets() {
                    if let Some(&j) = local.get(target.value.as_ref()) {
                        if !seen[j] {
                            seen[j] = true;
                            stack.push(j);
                        }
                    }
                }
            }
            for (state, reached) in machine.states.iter().zip(&seen) {
                if !reached {
                    self.diagnostics.push(Diagnostic::error(
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
            self.diagnostics.push(Diagnostic::error(
                "no-terminal-state",
                range,
                format!(
                    "This {boundary} can never end: no state has `\"End\": true` and there is no Succeed or Fail state."
                ),
            ));
        }
    }

    fn missing_target(
        &mut self,
        target: &Spanned<Text>,
        local: &HashMap<&str, usize>,
        what: &str,
        boundary: &str,
    ) {
        let name = &target.value;
        if let Some(&elsewhere) = self.everywhere.get(name.as_ref()) {
            self.diagnostics.push(
                Diagnostic::error(
                    "transition-out-of-scope",
                    target.range,
                    format!(
                        "{what} goes to `{name}`, which is in another {}: a transition can only name a state of its own {boundary}.",
                        if boundary == "branch" { "scope" } else { "branch or Map processor" }
                    ),
                )
                .with_related(elsewhere, "defined here"),
            );
            return;
        }
        let suggestion = local
            .keys()
            .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), *c))
            .filter(|(d, c)| *d <= 2.max(c.len() / 3))
            .min()
            .map(|(_, c)| format!(" Did you mean `{c}`?"))
            .unwrap_or_default();
        self.diagnostics.push(Diagnostic::error(
            "unknown-state",
            target.range,
            format!("{what} goes to `{name}`, but there is no state of that name in this {boundary}.{suggestion}"),
        ));
    }
}
