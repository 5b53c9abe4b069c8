//! Errors on their way through a state: `Failure` (an error and its cause), where it arose
//! (`At`), and a state's Retry and Catch, which retry it after a backoff on the virtual clock,
//! catch it into a Catcher's output, or let it leave the state.

use serde_json::{json, Value};

use super::resume::Frame;
use super::{Details, Engine, Handler, Handling, QueryLanguage, Rng, State, Transition};
use crate::model::{Catcher, Handlers, Retrier};
use crate::syntax::Text;

/// An error on its way to a Retry, a Catch, or the end of the execution.
#[derive(Clone, Debug)]
pub(super) struct Failure {
    pub(super) error: String,
    pub(super) cause: String,
    /// A States.Timeout from a missed heartbeat (matched by States.HeartbeatTimeout too).
    pub(super) heartbeat: bool,
    /// Raised by the service a task called: States.ALL catches even its
    /// States.DataLimitExceeded, as AWS's recorded executions show.
    pub(super) from_service: bool,
}

impl Failure {
    /// The execution's end or pause, which no Retry or Catch may take.
    pub(super) fn halts(&self) -> bool {
        self.error == TIMED_OUT || self.error == PAUSED
    }

    pub(super) fn new(error: &str, cause: impl Into<String>) -> Self {
        Failure {
            error: error.to_string(),
            cause: cause.into(),
            heartbeat: false,
            from_service: false,
        }
    }

    /// An error the called service returned.
    pub(super) fn from_service(error: &str, cause: impl Into<String>) -> Self {
        Failure {
            from_service: true,
            ..Failure::new(error, cause)
        }
    }
}

/// The internal error name of an execution that ran out of time.
pub(super) const TIMED_OUT: &str = "asl-sim.ExecutionTimedOut";
/// The internal error name of a run that reached a driver's "now" or was cancelled.
pub(super) const PAUSED: &str = "asl-sim.Paused";

/// Where a state's processing is, for error messages: the state and its entered event.
pub(super) struct At {
    /// The state's name, shared with the events that carry it.
    pub(super) state: crate::syntax::Text,
    pub(super) entered_event: usize,
}

impl At {
    pub(super) fn runtime(&self, message: impl std::fmt::Display) -> Failure {
        Failure::new(
            "States.Runtime",
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {message}",
                self.state, self.entered_event
            ),
        )
    }
}

pub(super) enum Handled {
    Done(Value),
    Caught(Value, Text),
    Failed(Failure),
}

/// Whether an error name is matched by a Retrier's or Catcher's `ErrorEquals`.
pub(super) fn matches(
    names: &[crate::model::Spanned<crate::syntax::Text>],
    failure: &Failure,
) -> bool {
    let error = failure.error.as_str();
    names.iter().any(|n| match n.value.as_ref() {
        "States.HeartbeatTimeout" => failure.heartbeat,
        // States.ALL matches all but States.Runtime (never retried or caught) and
        // States.DataLimitExceeded.
        "States.ALL" => {
            error != "States.Runtime"
                && (error != "States.DataLimitExceeded" || failure.from_service)
        }
        // States.TaskFailed matches every task error but a timeout.
        "States.TaskFailed" => !matches!(
            error,
            "States.Timeout" | "States.Runtime" | "States.DataLimitExceeded"
        ),
        name => name == error,
    })
}

/// The wait before retry number `attempt` (0-based), in milliseconds.
pub(super) fn retry_delay(retrier: &Retrier, attempt: u64, rng: &mut Rng) -> i64 {
    let mut seconds = retrier.interval_seconds as f64 * retrier.backoff_rate.powi(attempt as i32);
    if let Some(max) = retrier.max_delay_seconds {
        seconds = seconds.min(max as f64);
    }
    if retrier.jitter_full {
        seconds *= rng.fraction();
    }
    (seconds * 1000.0).round() as i64
}

impl<'t> Engine<'t> {
    /// A state that produces a result under Retry and Catch (Map, Parallel): the output after
    /// the result (or the Catcher's), and the next state; `failed_event` is recorded when the
    /// error leaves the state (AWS records none for States.Runtime).
    pub(super) fn handled(
        &mut self,
        state: &'t State,
        handlers: &'t Handlers,
        failed_event: Option<&'static str>,
        input: &Value,
        at: &At,
        body: impl FnMut(&mut Self) -> Result<Value, Failure>,
    ) -> Result<(Value, Option<Text>), Failure> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        match self.with_handlers(handlers, input, jsonata, at, body) {
            Handled::Done(result) => {
                let output = self.after_result(state, input, result, at)?;
                let next = match &state.transition {
                    Transition::Next(n) => Some(n.value.clone()),
                    _ => None,
                };
                Ok((output, next))
            }
            Handled::Caught(output, next) => {
                if let Some(kind) = failed_event {
                    self.event(kind, Details::None);
                }
                Ok((output, Some(next)))
            }
            Handled::Failed(f) => {
                // A pause is no failure: the state goes on when the execution resumes.
                if let (Some(kind), false, false) =
                    (failed_event, f.error == "States.Runtime", f.error == PAUSED)
                {
                    self.event(kind, Details::None);
                }
                Err(f)
            }
        }
    }

    /// Run `attempt` under a state's Retry and Catch.
    pub(super) fn with_handlers(
        &mut self,
        handlers: &'t Handlers,
        input: &Value,
        jsonata: bool,
        at: &At,
        mut attempt: impl FnMut(&mut Self) -> Result<Value, Failure>,
    ) -> Handled {
        let (mut retries, mut backoff_until) =
            match self.resuming(|f| matches!(f, Frame::Retry { .. })) {
                Some(Frame::Retry {
                    retries,
                    backoff_until,
                }) => (retries, backoff_until),
                _ => (
                    vec![self.tested_retry_count(at); handlers.retry.len()],
                    None,
                ),
            };
        loop {
            if let Some(until) = backoff_until.take() {
                if let Err(f) = self.sleep(until - self.clock_ms) {
                    if f.error == PAUSED {
                        self.unwind(Frame::Retry {
                            retries,
                            backoff_until: Some(until),
                        });
                    }
                    return Handled::Failed(f);
                }
            }
            let failure = match attempt(self) {
                Ok(result) => return Handled::Done(result),
                Err(f) => f,
            };
            if failure.error == PAUSED {
                self.unwind(Frame::Retry {
                    retries,
                    backoff_until: None,
                });
                return Handled::Failed(failure);
            }
            if failure.halts() {
                return Handled::Failed(failure);
            }
            if let Some((i, retrier)) = handlers
                .retry
                .iter()
                .enumerate()
                .find(|(_, r)| matches(&r.error_equals, &failure))
            {
                if retries[i] < retrier.max_attempts {
                    let delay = retry_delay(retrier, retries[i], &mut self.rng.borrow_mut());
                    self.record_handling(
                        at,
                        &failure,
                        Handler::Retry {
                            index: i,
                            delay_ms: delay,
                        },
                    );
                    if self.is_tested(at) {
                        // TestState runs one attempt: the retry is only reported.
                        return Handled::Failed(failure);
                    }
                    retries[i] += 1;
                    if let Some(state) = self.state_now.as_mut() {
                        state.retry_count = Some(retries[i]);
                    }
                    backoff_until = Some(self.clock_ms + delay);
                    continue;
                }
            }
            let caught = handlers
                .catch
                .iter()
                .position(|c| matches(&c.error_equals, &failure));
            self.record_handling(
                at,
                &failure,
                caught.map_or(Handler::Uncaught, |index| Handler::Catch { index }),
            );
            return match caught.map(|i| &handlers.catch[i]) {
                Some(catcher) => match self.catch(catcher, &failure, input, jsonata, at) {
                    Ok(output) => Handled::Caught(
                        output,
                        catcher
                            .next
                            .as_ref()
                            .map_or_else(|| Text::from(""), |n| n.value.clone()),
                    ),
                    Err(f) => Handled::Failed(f),
                },
                None => Handled::Failed(failure),
            };
        }
    }

    /// Remember which handler took an error, for the simulation's report on the state.
    pub(super) fn record_handling(&mut self, at: &At, failure: &Failure, by: Handler) {
        if self.quiet > 0 {
            return;
        }
        self.handlings.push(Handling {
            state: at.state.clone(),
            at_ms: self.clock_ms,
            error: failure.error.clone(),
            cause: failure.cause.clone(),
            heartbeat: failure.heartbeat,
            by,
        });
    }

    /// A Catcher's output: the error output at its ResultPath in the raw state input.
    pub(super) fn catch(
        &mut self,
        catcher: &'t Catcher,
        failure: &Failure,
        input: &Value,
        jsonata: bool,
        at: &At,
    ) -> Result<Value, Failure> {
        let error_output = json!({"Error": failure.error, "Cause": failure.cause});
        if jsonata {
            let states = self.states_value(input, None, Some(&error_output));
            return self.jsonata_finish(catcher.assign, catcher.output, &states, error_output, at);
        }
        let assigned = self.assigned(catcher.assign, &error_output, at)?;
        let output = self.result_path(catcher.result_path.as_ref(), input, error_output, at)?;
        self.commit(assigned);
        Ok(output)
    }
}
