//! Succeed states: the input through InputPath and OutputPath (JSONata: Output); the machine,
//! branch or iteration ends there.

use std::borrow::Cow;

use serde_json::Value;

use super::{At, Engine, Failure, QueryLanguage, State};

impl<'t> Engine<'t> {
    /// A Succeed state's output.
    pub(super) fn succeed<'v>(
        &mut self,
        state: &'t State,
        input: &'v Value,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, None, None);
            let output = self.jsonata_finish(None, state.io.output, &states, input.clone(), at)?;
            return Ok(Cow::Owned(output));
        }
        let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
        self.output_path(state.io.output_path.as_ref(), effective, at)
    }
}
