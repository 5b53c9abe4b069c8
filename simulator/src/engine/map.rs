//! Map states, inline and Distributed: the items (ItemsPath / Items), each through ItemSelector,
//! ItemBatcher's batches, MaxConcurrency, the tolerated failures of a Map Run, and the
//! iterations run side by side on the virtual clock.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{json, Value};

use super::concurrent::{Family, Siblings, Start};
use super::resume::Frame;
use super::{
    concurrent, jsonpath, missing_path, value_type, whole_number, At, Details, Engine, Failure,
    MapState, QueryLanguage, State,
};
use crate::syntax::NodePtr;

impl<'t> Engine<'t> {
    pub(super) fn map(
        &mut self,
        state: &'t State,
        map: &'t MapState,
        input: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let (siblings, resumed) = match self.resuming(|f| matches!(f, Frame::Siblings(_))) {
            Some(Frame::Siblings(siblings)) => (siblings, true),
            _ => match self.iterations(state, map, input, at)? {
                Start::Children(siblings) => (siblings, false),
                Start::Mocked(result) => return result,
            },
        };
        let Some(processor) = &map.processor else {
            return Err(at.runtime("The Map state has no ItemProcessor."));
        };
        let distributed = matches!(siblings.family, Family::Iterations { distributed: true });
        // Each child of a Map Run is an execution with its own history; one resumed (driven,
        // see `resume`) keeps the history it had up to its pause, and its record is brought up
        // to date.
        let map_run = match (distributed, resumed) {
            (true, false) => Some(self.distributed.runs.len() - 1),
            (true, true) => self.open_map_run(&at.state),
            (false, _) => None,
        };
        if distributed && resumed {
            self.quiet += 1;
        }
        let context = self.context.clone();
        let state_now = self.state_now.clone();
        let iteration = |index: usize| Details::MapIteration {
            index,
            name: at.state.clone(),
        };
        let mut run = |engine: &mut Self, index: usize, fresh: Option<Value>| {
            let result = match (map_run, fresh) {
                (Some(map_run), Some(item_input)) => {
                    return engine.child_execution(processor, map_run, index, item_input)
                }
                (_, Some(item_input)) => {
                    engine.event("MapIterationStarted", iteration(index));
                    engine.machine(processor, Some(Arc::new(item_input)))
                }
                (Some(map_run), None) => return engine.resumed_child(processor, map_run, index),
                (_, None) => engine.machine(processor, None),
            };
            match &result {
                Ok(_) => engine.event("MapIterationSucceeded", iteration(index)),
                Err(f) if f.halts() => 0,
                Err(_) => engine.event("MapIterationFailed", iteration(index)),
            };
            result
        };
        let mut result = self.side_by_side(
            siblings,
            resumed,
            &mut run,
            &mut |engine, index| match map_run {
                Some(map_run) => engine.child_aborted(map_run, index),
                None => {
                    engine.event("MapIterationAborted", iteration(index));
                }
            },
            &|_| processor,
        );
        self.context = context;
        self.state_now = state_now;
        if distributed && resumed {
            self.quiet -= 1;
        }
        let mut written = None;
        if let Some(map_run) = map_run.filter(|_| !matches!(&result, Err(f) if f.halts())) {
            let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
            match self.write_results(state, map, map_run, &effective, at) {
                Ok(output) => written = output,
                Err(f) => result = result.and(Err(f)),
            }
        }
        if distributed {
            self.end_map_run(map_run, &result);
        }
        let outputs = result?;
        self.event("MapStateSucceeded", Details::None);
        Ok(written.unwrap_or(Value::Array(outputs)))
    }

    /// A Map about to run its iterations: the items, each child's input, the concurrency and
    /// the tolerance (or, tested, its mocked result).
    fn iterations(
        &mut self,
        state: &'t State,
        map: &'t MapState,
        input: &Value,
        at: &At,
    ) -> Result<Start, Failure> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = if jsonata {
            Cow::Borrowed(input)
        } else {
            self.effective(state.io.input_path.as_ref(), input, at)?
        };
        let jsonata_items = match map.items.and_then(|p| self.node(p)) {
            Some(items) if jsonata => {
                let states = self.states_value(input, None, None);
                Some(self.jsonata_template(items, &states, "Items", at)?)
            }
            _ => None,
        };
        // TestState reads an ItemReader's items from its state configuration.
        let reader_items = match self.tested_reader_items(map, at) {
            None if map.item_reader.is_some() && map.is_distributed() => {
                Some(Value::Array(self.read_items(state, map, &effective, at)?))
            }
            tested => tested,
        };
        let items = match &map.items_path {
            _ if reader_items.is_some() => reader_items.unwrap_or_default(),
            _ if jsonata_items.is_some() => jsonata_items.unwrap_or_default(),
            Some(p) => self
                .select(p, &effective, &self.context)
                .map_err(|e| at.runtime(e))?
                .ok_or_else(|| at.runtime(missing_path(p, &effective)))?,
            None => effective.as_ref().clone(),
        };
        if let (true, Some(node)) = (jsonata, map.items.and_then(|p| self.node(p))) {
            if let (Some(expr), false) = (
                node.as_str().and_then(crate::model::jsonata_expression),
                items.is_array(),
            ) {
                return Err(self.unexpected_type(expr, "Items", "array", &items, at));
            }
        }
        let Value::Array(items) = items else {
            return Err(self.not_an_array(map, jsonata, &items, at));
        };
        // AWS reads MaxConcurrency before the Map starts and the tolerated failures after.
        let max_concurrency = self.map_setting(
            "MaxConcurrency",
            map.max_concurrency,
            &effective,
            "MaxConcurrency cannot be negative.",
            at,
        )?;
        if let Some(result) = self.mocked_result(at) {
            return Ok(Start::Mocked(self.mocked_map_result(
                map,
                result,
                items.len(),
                &effective,
                at,
            )));
        }
        if map.processor.is_none() {
            return Err(at.runtime("The Map state has no ItemProcessor."));
        }
        self.event(
            "MapStateStarted",
            Details::MapStarted {
                length: items.len(),
            },
        );
        let tolerated_count = self.map_setting(
            "ToleratedFailureCount",
            map.tolerated_failure_count,
            &effective,
            "ToleratedFailureCount cannot be negative.",
            at,
        )?;
        let tolerated_percentage = self.tolerated_percentage(map, &effective, at)?;
        let distributed = map.is_distributed();
        // Only a Distributed Map Run tolerates failed children; an inline Map fails with the first.
        let tolerated = (distributed
            && (tolerated_count.is_some() || tolerated_percentage.is_some()))
        .then(|| concurrent::Tolerated {
            count: tolerated_count.and_then(|c| u64::try_from(c).ok()),
            percentage: tolerated_percentage,
        });
        let map_run = distributed.then(|| self.start_map_run(map, at, items.len()));
        // Each child's input: its item through ItemSelector; with an ItemBatcher, a batch.
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            inputs.push(self.item_input(map, jsonata, index, item, &effective, at)?);
        }
        if let Some(batcher) = map.item_batcher.and_then(|p| self.node(p)) {
            inputs = self.batches(batcher, inputs, &effective, jsonata, at)?;
        }
        if let Some(record) = map_run.and_then(|r| self.distributed.runs.get_mut(r)) {
            record.total = inputs.len();
            // A ResultWriter lists the children that never started in its PENDING file.
            if map.result_writer.is_some() {
                record.inputs.clone_from(&inputs);
            }
        }
        let limit = usize::try_from(max_concurrency.unwrap_or(0)).unwrap_or(0);
        let family = Family::Iterations { distributed };
        Ok(Start::Children(Siblings::new(
            family, inputs, limit, false, tolerated,
        )))
    }

    /// A Map's items that are not an array, in AWS's words for where they came from.
    fn not_an_array(&mut self, map: &MapState, jsonata: bool, items: &Value, at: &At) -> Failure {
        if jsonata {
            return self.query_failure(format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). Map state input must be an array but was: {items}",
                at.state, at.entered_event
            ));
        }
        // AWS names a context path without its first `$`.
        if let Some(context_path) = map
            .items_path
            .as_deref()
            .and_then(|p| p.strip_prefix('$'))
            .filter(|p| p.starts_with('$'))
        {
            return Failure::new(
                "States.Runtime",
                format!("Reference path \"{context_path}\" must point to array."),
            );
        }
        at.runtime(format!(
            "Map state input must be an array, but was: {}",
            value_type(items)
        ))
    }

    /// One Map item through ItemSelector, which sees the Map state's context with the item.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn item_input(
        &mut self,
        map: &'t MapState,
        jsonata: bool,
        index: usize,
        item: Value,
        effective: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let Some(selector) = map.item_selector.and_then(|p| self.node(p)) else {
            return Ok(item);
        };
        self.context["Map"] = json!({"Item": {"Index": index, "Value": item}});
        let selected = if jsonata {
            let full = jsonpath::full_context(
                &self.context,
                &self.execution_input,
                self.state_now.as_ref(),
            );
            let states = json!({"input": effective, "context": full});
            self.jsonata_template(selector, &states, "ItemSelector", at)
        } else {
            self.template(selector, effective, &self.context, at)
        };
        if let Some(object) = self.context.as_object_mut() {
            object.shift_remove("Map");
        }
        selected
    }

    /// A Map's `MaxConcurrency(Path)` / `ToleratedFailureCount(Path)`: a non-negative integer.
    /// ToleratedFailurePercentage (0 to 100, decimals allowed), literal or from a path.
    pub(super) fn tolerated_percentage(
        &mut self,
        map: &'t crate::model::MapState,
        input: &Value,
        at: &At,
    ) -> Result<Option<f64>, Failure> {
        let Some(node) = map.tolerated_failure_percentage.and_then(|p| self.node(p)) else {
            return Ok(None);
        };
        let value = match node.as_str() {
            Some(s) if crate::model::jsonata_expression(s).is_some() => {
                let field = "ToleratedFailurePercentage";
                let states = self.states_value(input, None, None);
                let value = self.jsonata_template(node, &states, field, at)?;
                if !value.is_number() {
                    let expr = crate::model::jsonata_expression(s).unwrap_or(s);
                    return Err(self.unexpected_type(expr, field, "number", &value, at));
                }
                value.as_f64()
            }
            Some(path) => {
                let found = self
                    .select(path, input, &self.context)
                    .map_err(|e| at.runtime(e))?
                    .ok_or_else(|| at.runtime(missing_path(path, input)))?;
                let found = Some(found);
                match &found {
                    Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
                    other => other.as_ref().and_then(Value::as_f64),
                }
            }
            None => node.as_number().and_then(serde_json::Number::as_f64),
        };
        match value {
            Some(p) if (0.0..=100.0).contains(&p) => Ok(Some(p)),
            _ => Err(at
                .runtime("ToleratedFailurePercentage must be a number from 0 to 100.".to_string())),
        }
    }

    pub(super) fn map_setting(
        &mut self,
        field: &str,
        setting: Option<NodePtr>,
        input: &Value,
        negative: &str,
        at: &At,
    ) -> Result<Option<i64>, Failure> {
        let Some(node) = setting.and_then(|p| self.node(p)) else {
            return Ok(None);
        };
        let value = match node.as_str() {
            Some(s) if crate::model::jsonata_expression(s).is_some() => {
                let states = self.states_value(input, None, None);
                let value = self.jsonata_template(node, &states, field, at)?;
                match whole_number(&value) {
                    Some(n) => n,
                    None => {
                        let expr = crate::model::jsonata_expression(s).unwrap_or(s);
                        return Err(self.unexpected_type(expr, field, "integer", &value, at));
                    }
                }
            }
            Some(p) => {
                let found = self
                    .select(p, input, &self.context)
                    .map_err(|e| at.runtime(e))?
                    .ok_or_else(|| at.runtime(missing_path(p, input)))?;
                let found = Some(found);
                // A number, or a string that holds one ("1"), as AWS accepts.
                let number = match &found {
                    Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
                    other => other.as_ref().and_then(Value::as_i64),
                };
                match number {
                    Some(n) => n,
                    None => {
                        let shown = match &found {
                            Some(Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => "null".into(),
                        };
                        return Err(at.runtime(format!(
                            "The {field}Path field refers to value \"{shown}\" which is not a valid integer: {p}"
                        )));
                    }
                }
            }
            None => node
                .as_number()
                .and_then(serde_json::Number::as_i64)
                .unwrap_or(0),
        };
        if value < 0 {
            return Err(at.runtime(negative));
        }
        Ok(Some(value))
    }
}
