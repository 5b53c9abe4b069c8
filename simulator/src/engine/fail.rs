//! Fail states: the error and cause, fixed, from ErrorPath / CausePath (paths or intrinsic
//! functions) or from JSONata. AWS records no exit event: the execution fails right away.

use serde_json::Value;

use super::{At, Engine, Failure, QueryLanguage, State};
use crate::model::intrinsic as intrinsic_syntax;

impl<'t> Engine<'t> {
    /// The failure a Fail state raises (or the error met while working it out).
    pub(super) fn fail(
        &mut self,
        state: &'t State,
        fail: &'t crate::model::Fail,
        input: &Value,
        at: &At,
    ) -> Failure {
        let texts = if state.query_language == QueryLanguage::Jsonata {
            self.fail_jsonata(fail, input, at)
        } else {
            self.fail_jsonpath(fail, input, at)
        };
        match texts {
            Ok((error, cause)) => Failure {
                error: error.unwrap_or_default(),
                cause: cause.unwrap_or_default(),
                heartbeat: false,
                from_service: false,
            },
            Err(failure) => failure,
        }
    }

    #[allow(clippy::type_complexity)] // (Error, Cause), each absent or text
    fn fail_jsonata(
        &mut self,
        fail: &'t crate::model::Fail,
        input: &Value,
        at: &At,
    ) -> Result<(Option<String>, Option<String>), Failure> {
        let states = self.states_value(input, None, None);
        let mut text = |value: &Option<String>, field: &str| -> Result<Option<String>, Failure> {
            let Some(value) = value else { return Ok(None) };
            let Some(expr) = crate::model::jsonata_expression(value) else {
                return Ok(Some(value.clone()));
            };
            Ok(Some(match self.jsonata_expr(expr, &states, field, at)? {
                Value::String(s) => s,
                other => other.to_string(),
            }))
        };
        let error = text(&fail.error, "Error")?;
        let cause = text(&fail.cause, "Cause")?;
        Ok((error, cause))
    }

    #[allow(clippy::type_complexity)] // (Error, Cause), each absent or text
    fn fail_jsonpath(
        &mut self,
        fail: &'t crate::model::Fail,
        input: &Value,
        at: &At,
    ) -> Result<(Option<String>, Option<String>), Failure> {
        let context = self.context.clone();
        let text = |fixed: &Option<String>,
                    path: &'t Option<String>,
                    field: &str|
         -> Result<Option<String>, Failure> {
            if let Some(p) = path {
                let value = if intrinsic_syntax::looks_like_call(p) {
                    self.intrinsic(p, input, &context, at)?
                } else {
                    self.select(p, input, &context).map_err(|e| at.runtime(e))?.ok_or_else(|| {
                        at.runtime(format!(
                            "The JSONPath '{p}' specified for the field '{field}' could not be found in the input '{input}'"
                        ))
                    })?
                };
                return Ok(Some(match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                }));
            }
            Ok(fixed.clone())
        };
        let error = text(&fail.error, &fail.error_path, "ErrorPath")?;
        let cause = text(&fail.cause, &fail.cause_path, "CausePath")?;
        Ok((error, cause))
    }
}
