//! Error names in Retry / Catch that nothing in the machine can raise. A `States.` name that is
//! not predefined is legal (a Fail state may throw `States.Custom` and a Catch may catch it), so
//! it is a warning, and only when no Fail state of the machine raises it (a Fail state whose
//! error is computed may raise any name). Other names come from services and workers: any Task
//! may raise them.

use super::fields::closest;
use crate::diagnostic::Diagnostic;
use crate::model::{schema, StateKind, StateMachine};

pub fn check(machine: &StateMachine, diagnostics: &mut Vec<Diagnostic>) {
    let states = machine.all_states();
    let mut raised: Vec<&str> = Vec::new();
    for state in &states {
        if let StateKind::Fail(fail) = &state.kind {
            match fail.error.as_deref() {
                // A computed error name: any name may come of it.
                _ if fail.error_path.is_some() => return,
                Some(e) if e.starts_with("{%") => return,
                Some(e) => raised.push(e),
                None => {}
            }
        }
    }
    let predefined = |name: &str| schema::ERROR_NAMES.iter().any(|(n, _)| *n == name);
    for state in &states {
        let Some(handlers) = state.handlers() else {
            continue;
        };
        let names = handlers
            .retry
            .iter()
            .flat_map(|r| &r.error_equals)
            .chain(handlers.catch.iter().flat_map(|c| &c.error_equals));
        for name in names {
            let value: &str = &name.value;
            if !value.starts_with("States.") || predefined(value) || raised.contains(&value) {
                continue;
            }
            let best = closest(value, schema::ERROR_NAMES.iter().map(|(n, _)| *n));
            let hint = best
                .map(|c| format!(" Did you mean `{c}`?"))
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::warning(
                    "unknown-error-name",
                    name.range,
                    format!("`{value}` is not a predefined Step Functions error and no Fail state raises it.{hint}"),
                )
                .with_suggested_string(best),
            );
        }
    }
}
