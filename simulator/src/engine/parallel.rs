//! Parallel states: the input through InputPath / Parameters (or Arguments), every branch run
//! side by side on the virtual clock from one shared input, their outputs as an array.

use std::sync::Arc;

use serde_json::Value;

use super::concurrent::{Family, Siblings, Start};
use super::resume::Frame;
use super::{At, Details, Engine, Failure, Parallel, QueryLanguage, State};

impl<'t> Engine<'t> {
    pub(super) fn parallel(
        &mut self,
        state: &'t State,
        parallel: &'t Parallel,
        input: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let (siblings, resumed) = match self.resuming(|f| matches!(f, Frame::Siblings(_))) {
            Some(Frame::Siblings(siblings)) => (siblings, true),
            _ => match self.branches(state, parallel, input, at)? {
                Start::Children(siblings) => (siblings, false),
                Start::Mocked(result) => return result,
            },
        };
        let Family::Branches {
            input: branch_input,
        } = &siblings.family
        else {
            return Err(at.runtime("A Parallel resumed as a Map."));
        };
        let branch_input = Arc::clone(branch_input);
        let context = self.context.clone();
        let state_now = self.state_now.clone();
        let mut run = |engine: &mut Self, index: usize, fresh: Option<Value>| {
            let input = fresh.map(|_| Arc::clone(&branch_input));
            engine.machine(&parallel.branches[index], input)
        };
        let result = self.side_by_side(siblings, resumed, &mut run, &mut |_, _| {}, &|index| {
            &parallel.branches[index]
        });
        self.context = context;
        self.state_now = state_now;
        let outputs = result?;
        // The recorded histories leave this event out, but their ids keep its place.
        self.event("ParallelStateSucceeded", Details::None);
        Ok(Value::Array(outputs))
    }

    /// The branches of a Parallel about to start, all from one input (or, tested, its mocked
    /// result).
    fn branches(
        &mut self,
        state: &'t State,
        parallel: &'t Parallel,
        input: &Value,
        at: &At,
    ) -> Result<Start, Failure> {
        let branch_input = if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, None, None);
            match state.io.arguments.and_then(|p| self.node(p)) {
                Some(arguments) => self.jsonata_template(arguments, &states, "Arguments", at)?,
                None => input.clone(),
            }
        } else {
            let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
            match state.io.parameters.and_then(|p| self.node(p)) {
                Some(template) => self.template(template, &effective, &self.context, at)?,
                None => effective.into_owned(),
            }
        };
        if let Some(result) = self.mocked_result(at) {
            return Ok(Start::Mocked(result));
        }
        self.event("ParallelStateStarted", Details::None);
        // One value, shared by every branch.
        let family = Family::Branches {
            input: Arc::new(branch_input),
        };
        let inputs = vec![Value::Null; parallel.branches.len()];
        Ok(Start::Children(Siblings::new(
            family, inputs, 0, true, None,
        )))
    }
}
