//! TestState's `inspectionData`: the tested state's data flow, step by step, computed again
//! with the engine's own steps once the state has run (the run itself records nothing: it is
//! the same code as an execution's). A step that fails ends the record there, as AWS's does.
//!
//! Which steps AWS reports depends on the state's type, as the recorded calls show: a Pass
//! state with a Result reports that Result and what follows it, not its input's steps; a
//! Parallel state only what follows its branches' result; a Map its items and its limits, and
//! never the result itself; a JSONata state only its Task's Arguments and result.

use serde_json::Value;

use super::super::{errors, At, Engine, Failure, Handler};
use super::Inspection;
use crate::model::{MapState, QueryLanguage, State, StateKind};

/// What the inspection starts from: the state's input and, when the state's work succeeded,
/// its result (a mocked one, or a Pass state's own).
pub(super) struct Ran<'a> {
    pub input: &'a Value,
    /// The mocked result, if the mock was a result the state took.
    pub result: Option<&'a Value>,
}

impl<'t> Engine<'t> {
    pub(super) fn inspection(&mut self, state: &'t State, ran: &Ran<'_>) -> Inspection {
        let events = self.events.len();
        let at = At {
            state: state.name.value.clone(),
            entered_event: 2,
        };
        let mut inspection = Inspection::default();
        if state.query_language == QueryLanguage::Jsonata {
            self.inspect_jsonata(state, ran, &at, &mut inspection);
        } else {
            self.inspect_jsonpath(state, ran, &at, &mut inspection);
        }
        let variables = self.scopes.last().filter(|v| !v.is_empty());
        inspection.variables = variables.map(|v| Value::Object(v.clone()));
        self.inspect_handling(state, &mut inspection);
        self.events.truncate(events);
        inspection
    }

    /// `errorDetails`: the Retrier that takes the error (and its backoff) or that matched it
    /// with no attempt left, and the Catcher that took it.
    fn inspect_handling(&self, state: &State, inspection: &mut Inspection) {
        let Some(handling) = self
            .handlings
            .iter()
            .rev()
            .find(|h| h.state == state.name.value)
        else {
            return;
        };
        match handling.by {
            Handler::Retry { index, delay_ms } => {
                inspection.retry_index = Some(index);
                inspection.retry_backoff_seconds = Some((delay_ms + 500) / 1000);
            }
            Handler::Catch { .. } | Handler::Uncaught => {
                let failure = Failure {
                    heartbeat: handling.heartbeat,
                    ..Failure::new(&handling.error, handling.cause.clone())
                };
                let retriers = state.handlers().map_or(&[][..], |h| h.retry.as_slice());
                inspection.retry_index = retriers
                    .iter()
                    .position(|r| errors::matches(&r.error_equals, &failure));
                if let Handler::Catch { index } = handling.by {
                    inspection.catch_index = Some(index);
                }
            }
        }
    }

    fn inspect_jsonpath(
        &mut self,
        state: &'t State,
        ran: &Ran<'_>,
        at: &At,
        inspection: &mut Inspection,
    ) {
        let result = match &state.kind {
            // A Pass state's Result stands for its work: its input's steps are not reported.
            StateKind::Pass {
                result: Some(fixed),
            } => {
                let Some(fixed) = self.node(*fixed).map(crate::syntax::Node::to_json) else {
                    return;
                };
                inspection.result = Some(fixed.clone());
                Some(fixed)
            }
            // A Parallel state reports only what follows its branches.
            StateKind::Parallel(_) => ran.result.cloned(),
            _ => match self.inspect_request(state, ran, at, inspection) {
                Some(result) => result,
                None => return,
            },
        };
        let Some(result) = result else {
            return;
        };
        let selected = match state.io.result_selector.and_then(|p| self.node(p)) {
            Some(selector) => match self.template(selector, &result, &self.context, at) {
                Ok(value) => value,
                Err(_) => return,
            },
            None => result,
        };
        inspection.after_result_selector = Some(selected.clone());
        if let Ok(combined) =
            self.result_path(state.io.result_path.as_ref(), ran.input, selected, at)
        {
            inspection.after_result_path = Some(combined);
        }
    }

    /// A JSONPath state's steps up to its work: InputPath, then Parameters or a Map's items
    /// and limits. `None` when a step failed; else the result the later steps start from.
    fn inspect_request(
        &mut self,
        state: &'t State,
        ran: &Ran<'_>,
        at: &At,
        inspection: &mut Inspection,
    ) -> Option<Option<Value>> {
        let effective = self
            .effective(state.io.input_path.as_ref(), ran.input, at)
            .ok()?
            .into_owned();
        inspection.after_input_path = Some(effective.clone());
        match &state.kind {
            StateKind::Map(_) => {
                self.inspect_map(state, &effective, at, inspection)?;
                // A Map's result is not reported, only what follows it.
                Some(ran.result.cloned())
            }
            StateKind::Task(_) | StateKind::Pass { .. } => {
                let parameters = match state.io.parameters.and_then(|p| self.node(p)) {
                    Some(template) => self
                        .template(template, &effective, &self.context, at)
                        .ok()?,
                    None => effective,
                };
                inspection.after_parameters = Some(parameters.clone());
                if matches!(state.kind, StateKind::Pass { .. }) {
                    return Some(Some(parameters));
                }
                inspection.result = ran.result.cloned();
                Some(ran.result.cloned())
            }
            _ => None,
        }
    }

    fn inspect_jsonata(
        &mut self,
        state: &'t State,
        ran: &Ran<'_>,
        at: &At,
        inspection: &mut Inspection,
    ) {
        match &state.kind {
            StateKind::Task(_) => {
                if let Some(arguments) = state.io.arguments.and_then(|p| self.node(p)) {
                    let states = self.states_value(ran.input, None, None);
                    match self.jsonata_template(arguments, &states, "Arguments", at) {
                        Ok(value) => inspection.after_arguments = Some(value),
                        Err(_) => return,
                    }
                }
                inspection.result = ran.result.cloned();
            }
            StateKind::Map(_) => {
                let _ = self.inspect_map(state, ran.input, at, inspection);
            }
            _ => {}
        }
    }

    /// A Map's own steps: its items (ItemsPath, for JSONPath), each item's input after
    /// ItemSelector and ItemBatcher, then the limits it runs them under, each as evaluated.
    /// `None` when a step failed.
    fn inspect_map(
        &mut self,
        state: &'t State,
        input: &Value,
        at: &At,
        inspection: &mut Inspection,
    ) -> Option<()> {
        let StateKind::Map(map) = &state.kind else {
            return None;
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let items = match (self.tested_reader_items(map, at), &map.items_path) {
            (Some(read), _) => read,
            (None, Some(items_path)) if !jsonata => {
                let items = self.select(items_path, input, &self.context).ok()??;
                if !items.is_array() {
                    return None;
                }
                inspection.after_items_path = Some(items.clone());
                items
            }
            _ => match map.items.and_then(|p| self.node(p)).filter(|_| jsonata) {
                Some(items) => {
                    let states = self.states_value(input, None, None);
                    self.jsonata_template(items, &states, "Items", at).ok()?
                }
                None => input.clone(),
            },
        };
        let Value::Array(items) = items else {
            return None;
        };
        self.inspect_item_inputs(map, jsonata, items, input, at, inspection)?;
        self.inspect_map_limits(map, input, at, inspection)
    }

    /// `afterItemSelector` and `afterItemBatcher`: every child's input, when the Map has them.
    fn inspect_item_inputs(
        &mut self,
        map: &'t MapState,
        jsonata: bool,
        items: Vec<Value>,
        input: &Value,
        at: &At,
        inspection: &mut Inspection,
    ) -> Option<()> {
        let item_batcher = map.item_batcher.and_then(|p| self.node(p));
        if map.item_selector.is_none() && item_batcher.is_none() {
            return Some(());
        }
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            inputs.push(self.item_input(map, jsonata, index, item, input, at).ok()?);
        }
        if map.item_selector.is_some() {
            inspection.after_item_selector = Some(Value::Array(inputs.clone()));
        }
        if let Some(item_batcher) = item_batcher {
            let batches = self
                .batches(item_batcher, inputs, input, jsonata, at)
                .ok()?;
            inspection.after_item_batcher = Some(Value::Array(batches));
        }
        Some(())
    }

    /// MaxConcurrency (0 when unset), ToleratedFailureCount and ToleratedFailurePercentage.
    fn inspect_map_limits(
        &mut self,
        map: &'t MapState,
        input: &Value,
        at: &At,
        inspection: &mut Inspection,
    ) -> Option<()> {
        let max_concurrency = self
            .map_setting(
                "MaxConcurrency",
                map.max_concurrency,
                input,
                "MaxConcurrency cannot be negative.",
                at,
            )
            .ok()?;
        inspection.max_concurrency = Some(max_concurrency.map_or(0, i64::unsigned_abs));
        let count = self
            .map_setting(
                "ToleratedFailureCount",
                map.tolerated_failure_count,
                input,
                "ToleratedFailureCount cannot be negative.",
                at,
            )
            .ok()?;
        inspection.tolerated_failure_count = count.map(i64::unsigned_abs);
        inspection.tolerated_failure_percentage = self.tolerated_percentage(map, input, at).ok()?;
        Some(())
    }
}
