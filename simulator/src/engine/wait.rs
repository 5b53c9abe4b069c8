//! Wait states: Seconds, Timestamp, SecondsPath, TimestampPath or their JSONata forms; the
//! virtual clock moves to the end of the wait (or pauses there for a driver).

use std::borrow::Cow;

use serde_json::Value;

use super::resume::Frame;
use super::{
    next_of, parse_timestamp, whole_number, At, Engine, Failure, QueryLanguage, State, Text, Wait,
    PAUSED,
};

impl<'t> Engine<'t> {
    /// A Wait state: the clock moves to its end; its output and next state.
    pub(super) fn wait<'v>(
        &mut self,
        state: &'t State,
        wait: &'t Wait,
        input: &'v Value,
        at: &At,
    ) -> Result<(Cow<'v, Value>, Option<Text>), Failure> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        // Resuming: the wait's end and what the rest of the state reads, as they were.
        let (until, carried) = match self.resuming(|f| matches!(f, Frame::Wait { .. })) {
            Some(Frame::Wait { until_ms, carried }) => (until_ms, Cow::Owned(carried)),
            _ if jsonata => {
                let states = self.states_value(input, None, None);
                let until = self.wait_until_jsonata(wait, &states, input, at)?;
                self.within_limit(until, at)?;
                (until, Cow::Owned(states))
            }
            _ => {
                let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
                let until = self.wait_until(wait, &effective, at)?;
                self.within_limit(until, at)?;
                (until, effective)
            }
        };
        if until > self.clock_ms {
            if let Err(f) = self.sleep(until - self.clock_ms) {
                if f.error == PAUSED {
                    self.unwind(Frame::Wait {
                        until_ms: until,
                        carried: carried.into_owned(),
                    });
                }
                return Err(f);
            }
        }
        if jsonata {
            let states = carried;
            let output =
                self.jsonata_finish(state.io.assign, state.io.output, &states, input.clone(), at)?;
            return Ok((Cow::Owned(output), next_of(state)));
        }
        let effective = carried;
        let assigned = self.assigned(state.io.assign, &effective, at)?;
        let output = self.output_path(state.io.output_path.as_ref(), effective, at)?;
        self.commit(assigned);
        Ok((output, next_of(state)))
    }

    /// AWS refuses, at run time, a wait longer than an execution may last, however the end was
    /// given (Seconds, Timestamp, their paths or JSONata forms).
    fn within_limit(&self, until: i64, at: &At) -> Result<(), Failure> {
        if until - self.clock_ms > self.longest_wait_ms {
            return Err(at.runtime("Wait state delay is too long"));
        }
        Ok(())
    }

    /// When a JSONata state's wait ends (virtual ms).
    fn wait_until_jsonata(
        &mut self,
        wait: &'t Wait,
        states: &Value,
        input: &Value,
        at: &At,
    ) -> Result<i64, Failure> {
        let (name, entered) = (&at.state, at.entered_event);
        Ok(match wait {
            Wait::SecondsJsonata(expr) => {
                let value = self.jsonata_expr(expr, states, "Seconds", at)?;
                match whole_number(&value).filter(|s| *s >= 0) {
                    Some(seconds) => self.clock_ms + seconds * 1000,
                    None => {
                        return Err(self.unexpected_type(expr, "Seconds", "integer", &value, at))
                    }
                }
            }
            Wait::TimestampJsonata(expr) => {
                let value = self.jsonata_expr(expr, states, "Timestamp", at)?;
                let Some(text) = value.as_str() else {
                    return Err(self.unexpected_type(expr, "Timestamp", "string", &value, at));
                };
                parse_timestamp(text).ok_or_else(|| {
                    self.query_failure(format!(
                        "An error occurred while executing the state '{name}' (entered at the event id #{entered}). The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}"
                    ))
                })?
            }
            other => self.wait_until(other, input, at)?,
        })
    }

    fn wait_until(&self, wait: &'t Wait, input: &Value, at: &At) -> Result<i64, Failure> {
        let seconds = |s: u64| self.clock_ms + s as i64 * 1000;
        match wait {
            Wait::Seconds(s) => Ok(seconds(*s)),
            Wait::Timestamp(t) => {
                parse_timestamp(t).ok_or_else(|| at.runtime(format!("Invalid timestamp '{t}'")))
            }
            Wait::SecondsPath(p) => {
                let value = self
                    .select(p, input, &self.context)
                    .map_err(|e| at.runtime(e))?;
                match &value {
                    Some(Value::Number(n)) if n.as_u64().is_some() => {
                        Ok(seconds(n.as_u64().unwrap_or(0)))
                    }
                    Some(Value::Number(n)) if n.as_i64().is_some() => Err(at.runtime(format!(
                        "The SecondsPath parameter references a negative value: {p} == {n}"
                    ))),
                    Some(Value::Number(n)) => Err(at.runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {p} == {n}"
                    ))),
                    None => Err(at.runtime(format!(
                        "The SecondsPath parameter does not reference an input value: {p}"
                    ))),
                    Some(Value::String(s)) => Err(at.runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {p} == {s}"
                    ))),
                    Some(other) => Err(at.runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {p} == {other}"
                    ))),
                }
            }
            Wait::TimestampPath(p) => {
                let value = self
                    .select(p, input, &self.context)
                    .map_err(|e| at.runtime(e))?;
                value.as_ref().and_then(Value::as_str).and_then(parse_timestamp).ok_or_else(|| {
                    let shown = match &value {
                        Some(Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                        None => "null".to_string(),
                    };
                    at.runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {shown}"
                    ))
                })
            }
            Wait::SecondsJsonata(_) | Wait::TimestampJsonata(_) | Wait::Missing => {
                Err(at.runtime("This Wait state has no usable duration."))
            }
        }
    }
}
