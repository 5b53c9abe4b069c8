//! TestState's `inspectionData`: the tested state's data flow, step by step, computed again
//! with the engine's own steps once the state has run (the run itself records nothing: it is
//! the same code as an execution's). A step that fails ends the record there, as AWS's does.

use serde_json::Value;

use super::super::{At, Engine, Handler};
use super::Inspection;
use crate::mocks::Outcome;
use crate::model::{QueryLanguage, State, StateKind};

impl<'t> Engine<'t> {
    pub(super) fn inspection(
        &mut self,
        state: &'t State,
        input: &Value,
        mock: Option<&Outcome>,
    ) -> Inspection {
        let events = self.events.len();
        let at = At {
            state: state.name.value.clone(),
            entered_event: 2,
        };
        let mut inspection = Inspection::default();
        let result = match mock {
            Some(Outcome::Return(value)) => Some(value.clone()),
            _ => None,
        };
        if state.query_language == QueryLanguage::Jsonata {
            self.inspect_jsonata(state, input, result, &at, &mut inspection);
        } else {
            self.inspect_jsonpath(state, input, result, &at, &mut inspection);
        }
        self.inspect_map(state, input, &mut inspection);
        if let Some(handling) = self
            .handlings
            .iter()
            .rev()
            .find(|h| h.state == state.name.value)
        {
            match handling.by {
                Handler::Retry { index, delay_ms } => {
                    inspection.retry = Some((index, delay_ms as f64 / 1000.0));
                }
                Handler::Catch { index } => inspection.catch_index = Some(index),
                Handler::Uncaught => {}
            }
        }
        self.events.truncate(events);
        inspection
    }

    fn inspect_jsonpath(
        &mut self,
        state: &'t State,
        input: &Value,
        mocked: Option<Value>,
        at: &At,
        inspection: &mut Inspection,
    ) {
        let Ok(effective) = self.effective(state.io.input_path.as_ref(), input, at) else {
            return;
        };
        let effective = effective.into_owned();
        inspection.after_input_path = Some(effective.clone());
        if matches!(
            state.kind,
            StateKind::Choice(_)
                | StateKind::Wait(_)
                | StateKind::Succeed
                | StateKind::Fail(_)
                | StateKind::Map(_)
                | StateKind::Parallel(_)
        ) {
            return;
        }
        let parameters = match state.io.parameters.and_then(|p| self.node(p)) {
            Some(template) => match self.template(template, &effective, &self.context, at) {
                Ok(value) => value,
                Err(_) => return,
            },
            None => effective,
        };
        inspection.after_parameters = Some(parameters.clone());
        let result = match (&state.kind, mocked) {
            (
                StateKind::Pass {
                    result: Some(fixed),
                },
                _,
            ) => match self.node(*fixed) {
                Some(node) => node.to_json(),
                None => return,
            },
            (StateKind::Pass { .. }, _) => parameters,
            (_, Some(result)) => {
                inspection.result = Some(result.clone());
                result
            }
            (_, None) => return,
        };
        let selected = match state.io.result_selector.and_then(|p| self.node(p)) {
            Some(selector) => match self.template(selector, &result, &self.context, at) {
                Ok(value) => value,
                Err(_) => return,
            },
            None => result,
        };
        inspection.after_result_selector = Some(selected.clone());
        if let Ok(combined) = self.result_path(state.io.result_path.as_ref(), input, selected, at) {
            inspection.after_result_path = Some(combined);
        }
    }

    fn inspect_jsonata(
        &mut self,
        state: &'t State,
        input: &Value,
        mocked: Option<Value>,
        at: &At,
        inspection: &mut Inspection,
    ) {
        if let Some(arguments) = state.io.arguments.and_then(|p| self.node(p)) {
            let states = self.states_value(input, None, None);
            match self.jsonata_template(arguments, &states, "Arguments", at) {
                Ok(value) => inspection.after_arguments = Some(value),
                Err(_) => return,
            }
        }
        if matches!(state.kind, StateKind::Task(_)) {
            inspection.result = mocked;
        }
    }

    /// A Map's own fields: the items, and the limits it runs them under.
    fn inspect_map(&mut self, state: &'t State, input: &Value, inspection: &mut Inspection) {
        let StateKind::Map(map) = &state.kind else {
            return;
        };
        let number = |engine: &Self, node: Option<crate::syntax::NodePtr>| {
            node.and_then(|p| engine.node(p))
                .and_then(crate::syntax::Node::as_number)
                .and_then(serde_json::Number::as_f64)
        };
        inspection.max_concurrency =
            Some(number(self, map.max_concurrency).map_or(0, |n| n as u64));
        inspection.tolerated_failure_count =
            number(self, map.tolerated_failure_count).map(|n| n as u64);
        inspection.tolerated_failure_percentage = number(self, map.tolerated_failure_percentage);
        if state.query_language == QueryLanguage::Jsonata {
            return;
        }
        if let Some(items_path) = &map.items_path {
            let effective = inspection
                .after_input_path
                .clone()
                .unwrap_or_else(|| input.clone());
            if let Ok(Some(items)) = self.select(items_path, &effective, &self.context) {
                inspection.after_items_path = Some(items);
            }
        }
    }
}
