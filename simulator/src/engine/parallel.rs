//! Parallel states: the input through InputPath / Parameters (or Arguments), every branch run
//! side by side on the virtual clock from one shared input, their outputs as an array.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{At, Details, Engine, Failure, Parallel, QueryLanguage, State, StateMachine};

impl<'t> Engine<'t> {
    pub(super) fn parallel(
        &mut self,
        state: &'t State,
        parallel: &'t Parallel,
        input: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let context = self.context.clone();
        let state_now = self.state_now.clone();
        let branch_input = if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, None, None);
            match state.io.arguments.and_then(|p| self.node(p)) {
                Some(arguments) => self.jsonata_template(arguments, &states, "Arguments", at)?,
                None => input.clone(),
            }
        } else {
            let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
            match state.io.parameters.and_then(|p| self.node(p)) {
                Some(template) => self.template(template, &effective, &context, at)?,
                None => effective.into_owned(),
            }
        };
        if let Some(result) = self.mocked_result(at) {
            return result;
        }
        // One value, shared by every branch.
        let branch_input = Arc::new(branch_input);
        self.event("ParallelStateStarted", Details::None);
        let branches: Vec<&StateMachine> = parallel.branches.iter().collect();
        let result = self.side_by_side(
            branches,
            0,
            true,
            None,
            |engine, _, branch| {
                engine.scopes.push(Map::new());
                let result = engine.machine(branch, Arc::clone(&branch_input));
                engine.scopes.pop();
                result
            },
            |_, _| {},
        );
        self.context = context;
        self.state_now = state_now;
        let outputs = result?;
        // The recorded histories leave this event out, but their ids keep its place.
        self.event("ParallelStateSucceeded", Details::None);
        Ok(Value::Array(outputs))
    }
}
