//! Pass states: the input through InputPath, Parameters (or a fixed Result), Assign, ResultPath
//! and OutputPath; in JSONata, Assign and Output.

use std::borrow::Cow;

use serde_json::Value;

use super::{next_of, At, Engine, Failure, QueryLanguage, State, Text};
use crate::syntax::NodePtr;

impl<'t> Engine<'t> {
    /// A Pass state's output and next state.
    pub(super) fn pass<'v>(
        &mut self,
        state: &'t State,
        result: Option<NodePtr>,
        input: &'v Value,
        at: &At,
    ) -> Result<(Cow<'v, Value>, Option<Text>), Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, None, None);
            let output =
                self.jsonata_finish(state.io.assign, state.io.output, &states, input.clone(), at)?;
            return Ok((Cow::Owned(output), next_of(state)));
        }
        let parameters = state.io.parameters.and_then(|p| self.node(p));
        let fixed = result.and_then(|p| self.node(p));
        let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
        let result: Cow<'_, Value> = match (fixed, parameters) {
            (Some(fixed), parameters) => {
                if let Some(template) = parameters {
                    self.template(template, &effective, &self.context, at)?;
                }
                Cow::Owned(fixed.to_json())
            }
            (None, Some(template)) => {
                Cow::Owned(self.template(template, &effective, &self.context, at)?)
            }
            (None, None) => effective,
        };
        let assigned = self.assigned(state.io.assign, &result, at)?;
        let combined = match state.io.result_path {
            None => result,
            Some(_) => Cow::Owned(self.result_path(
                state.io.result_path.as_ref(),
                input,
                result.into_owned(),
                at,
            )?),
        };
        let output = self.output_path(state.io.output_path.as_ref(), combined, at)?;
        self.commit(assigned);
        Ok((output, next_of(state)))
    }
}
