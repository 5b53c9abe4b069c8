//! AWS's TestState API: one state run once, on a given input, context object and variables,
//! its result (or error) optionally mocked. It reports the state's output and where the
//! execution would go next, or the error and whether a Retry or a Catch would take it.

use std::sync::Arc;

use serde_json::{Map, Value};

mod inspection;
pub mod request;

use super::{context_object, At, Engine, Event, Failure, Handler, RunOptions};
use crate::mocks::Outcome;
use crate::model::{MapState, StateKind, StateMachine};
use crate::syntax::Tree;

/// What to test, beyond the run's options (input, start time, seed, mock file).
#[derive(Clone, Debug, Default)]
pub struct StateTest {
    /// The state, anywhere in the machine (inside branches and processors too).
    pub state_name: String,
    /// The result of a Task's call, or of a Map's or Parallel's children, instead of running
    /// them; or their error (`Outcome::Throw`).
    pub mock: Option<Outcome>,
    /// The whole context object (`$$`), `Execution.Input` included; by default an execution's
    /// whose input is the state's.
    pub context: Option<Value>,
    /// The variables in scope when the state starts.
    pub variables: Map<String, Value>,
    /// `stateConfiguration.retrierRetryCount`: the retries already made, for Retry's decision
    /// and backoff.
    pub retrier_retry_count: u64,
    /// `stateConfiguration.mapIterationFailureCount`: how many of a mocked Map's iterations
    /// failed, against its ToleratedFailureCount / ToleratedFailurePercentage.
    pub map_iteration_failure_count: Option<u64>,
    /// `stateConfiguration.mapItemReaderData`: the items a Map's ItemReader reads.
    pub map_item_reader_data: Option<Value>,
    /// `roleArn`: the role the state runs as (`$$.Execution.RoleArn`).
    pub role_arn: Option<String>,
    /// Record what each step of the state's data flow produced (`inspectionData`).
    pub inspect: bool,
}

/// What each step of the tested state's data flow produced: TestState's `inspectionData`
/// beyond the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inspection {
    pub after_input_path: Option<Value>,
    pub after_parameters: Option<Value>,
    pub after_arguments: Option<Value>,
    pub after_items_path: Option<Value>,
    pub after_item_selector: Option<Value>,
    pub after_item_batcher: Option<Value>,
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    pub variables: Option<Value>,
    pub max_concurrency: Option<u64>,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
    /// The Retrier that takes the error (or matched it with no attempt left).
    pub retry_index: Option<usize>,
    /// The wait before the retry, in whole seconds, as the API gives it.
    pub retry_backoff_seconds: Option<i64>,
    /// The Catcher that took the error.
    pub catch_index: Option<usize>,
}

/// How the tested state ended, in TestState's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    /// A Catcher took the error: the output is the Catcher's, the next state its Next.
    CaughtError,
    /// A Retrier would run the state again.
    Retriable,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::CaughtError => "CAUGHT_ERROR",
            TestStatus::Retriable => "RETRIABLE",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TestedState {
    pub status: TestStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Where the execution goes next (`None` at its end, or on an uncaught error).
    pub next_state: Option<String>,
    /// The state's events, as an execution would record them.
    pub events: Vec<Event>,
    pub warnings: Vec<String>,
    /// With [`StateTest::inspect`]: what each step of the data flow produced.
    pub inspection: Option<Inspection>,
}

/// `asl-sim run --state NAME --format json`: `{"status", "output", "error", "cause",
/// "nextState"}`, each but the status only when there is one (TestState's response).
impl serde::Serialize for TestedState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("status", self.status.as_str())?;
        if let Some(output) = &self.output {
            map.serialize_entry("output", output)?;
        }
        if let Some(error) = &self.error {
            map.serialize_entry("error", error)?;
        }
        if let Some(cause) = &self.cause {
            map.serialize_entry("cause", cause)?;
        }
        if let Some(next) = &self.next_state {
            map.serialize_entry("nextState", next)?;
        }
        map.end()
    }
}

/// The engine's part: which state is tested and its mock, not yet taken.
pub(super) struct Tested {
    state: crate::syntax::Text,
    mock: Option<Outcome>,
    context_given: bool,
    retry_count: u64,
    map_failures: Option<u64>,
    reader_items: Option<Value>,
    /// The mocked result was taken and then failed the state (too many failed iterations).
    result_rejected: bool,
}

/// What the tested state's `$$.State` is.
pub(super) enum ContextState {
    /// The caller's context object, untouched.
    AsGiven,
    /// Entered now, under the name "StateName".
    Unnamed,
}

impl<'t> Engine<'t> {
    pub(super) fn tested_context_state(&self, at: &At) -> Option<ContextState> {
        let tested = self.tested.as_ref().filter(|t| t.state == at.state)?;
        Some(if tested.context_given {
            ContextState::AsGiven
        } else {
            ContextState::Unnamed
        })
    }

    pub(super) fn is_tested(&self, at: &At) -> bool {
        self.tested.as_ref().is_some_and(|t| t.state == at.state)
    }

    /// The retries the tested state has already made (`stateConfiguration.retrierRetryCount`).
    pub(super) fn tested_retry_count(&self, at: &At) -> u64 {
        self.tested
            .as_ref()
            .filter(|t| t.state == at.state)
            .map_or(0, |t| t.retry_count)
    }

    /// The tested state's mocked result (or error), once: its children never run.
    pub(super) fn mocked_result(&mut self, at: &At) -> Option<Result<Value, Failure>> {
        if !self.is_tested(at) {
            return None;
        }
        match self.tested.as_mut()?.mock.take()? {
            Outcome::Return(value) => Some(Ok(value)),
            Outcome::Throw { error, cause } => Some(Err(Failure::from_service(
                &error,
                cause.unwrap_or_default(),
            ))),
            Outcome::NoResponse => None,
        }
    }

    /// The items a tested Map's ItemReader reads (`stateConfiguration.mapItemReaderData`).
    pub(super) fn tested_reader_items(&self, map: &MapState, at: &At) -> Option<Value> {
        map.item_reader?;
        let tested = self.tested.as_ref().filter(|t| t.state == at.state)?;
        tested.reader_items.clone()
    }

    /// A tested Map's mocked result, failed when `stateConfiguration.mapIterationFailureCount`
    /// is more than the Map tolerates (of its `items` items).
    pub(super) fn mocked_map_result(
        &mut self,
        map: &'t MapState,
        result: Result<Value, Failure>,
        items: usize,
        input: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let value = result?;
        let Some(failed) = self.tested.as_ref().and_then(|t| t.map_failures) else {
            return Ok(value);
        };
        let count = self.map_setting(
            "ToleratedFailureCount",
            map.tolerated_failure_count,
            input,
            "ToleratedFailureCount cannot be negative.",
            at,
        )?;
        let tolerated = super::concurrent::Tolerated {
            count: count.and_then(|c| u64::try_from(c).ok()),
            percentage: self.tolerated_percentage(map, input, at)?,
        };
        if tolerated.exceeded(usize::try_from(failed).unwrap_or(usize::MAX), items) {
            if let Some(tested) = self.tested.as_mut() {
                tested.result_rejected = true;
            }
            return Err(Failure::new(
                "States.ExceedToleratedFailureThreshold",
                "The specified tolerated failure threshold was exceeded",
            ));
        }
        Ok(value)
    }

    /// A Task's mocked response, if it is the tested state.
    pub(super) fn mocked_response(&mut self, at: &At) -> Option<crate::mocks::Response> {
        if !self.is_tested(at) {
            return None;
        }
        let outcome = self.tested.as_mut()?.mock.take()?;
        Some(crate::mocks::Response {
            outcome,
            delay_seconds: 0,
            heartbeats: Vec::new(),
        })
    }
}

/// Run the state named in `test` once. `Err` when there is no such state or the mock does not
/// apply to it.
pub fn test_state(
    tree: &Tree,
    machine: &StateMachine,
    options: &RunOptions,
    test: &StateTest,
) -> Result<TestedState, String> {
    let state = machine
        .all_states()
        .into_iter()
        .find(|s| *s.name.value == *test.state_name)
        .ok_or_else(|| format!("There is no state named '{}'.", test.state_name))?;
    if test.mock.is_some()
        && !matches!(
            state.kind,
            StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel(_)
        )
    {
        return Err(format!(
            "A mock applies to a Task, Map or Parallel state; '{}' is a {} state.",
            test.state_name,
            state.kind.type_name()
        ));
    }
    let input = Arc::clone(&options.input);
    let (context, execution_input) = starting_context(options, test)?;
    let mut engine = Engine::new(tree, machine, options, context, execution_input);
    engine.scopes = vec![test.variables.clone()];
    engine.tested = Some(Tested {
        state: state.name.value.clone(),
        mock: test.mock.clone(),
        context_given: test.context.is_some(),
        retry_count: test.retrier_retry_count,
        map_failures: test.map_iteration_failure_count,
        reader_items: test.map_item_reader_data.clone(),
        result_rejected: false,
    });
    // The inspection reads the context the state started with (a callback Task's token).
    let entry_context = engine.context.clone();
    // Numbered as in an execution that starts with this state.
    engine.event(
        "ExecutionStarted",
        super::Details::ExecutionStarted {
            input: Arc::clone(&input),
            role_arn: "arn:aws:iam::111111111111:role/asl-sim".into(),
        },
    );
    let result = engine.state(state, &input);
    let tested = outcome(&engine, state, result);
    let inspection = test.inspect.then(|| {
        engine.context = entry_context;
        let rejected = engine.tested.as_ref().is_some_and(|t| t.result_rejected);
        let result = match &test.mock {
            Some(Outcome::Return(value)) if !rejected => Some(value),
            _ => None,
        };
        let ran = inspection::Ran {
            input: &input,
            result,
        };
        engine.inspection(state, &ran)
    });
    Ok(TestedState {
        events: engine.events,
        warnings: engine.warnings,
        inspection,
        ..tested
    })
}

/// The context object the tested state starts with (`Execution.Input` apart, see `Engine`):
/// the caller's, or AWS's recorded TestState context (an Express execution's).
fn starting_context(options: &RunOptions, test: &StateTest) -> Result<(Value, Arc<Value>), String> {
    match &test.context {
        Some(Value::Object(given)) => {
            let mut context = given.clone();
            let execution_input = context
                .get_mut("Execution")
                .and_then(Value::as_object_mut)
                .and_then(|execution| execution.shift_remove("Input"))
                .unwrap_or(Value::Null);
            Ok((Value::Object(context), Arc::new(execution_input)))
        }
        Some(_) => Err("The context object must be a JSON object.".into()),
        None => {
            let express = RunOptions {
                workflow_type: crate::analysis::WorkflowType::Express,
                ..options.clone()
            };
            let mut context = context_object(&express);
            // The request's role, or none.
            context["Execution"]["RoleArn"] =
                test.role_arn.as_deref().map_or(Value::Null, Value::from);
            Ok((context, Arc::clone(&options.input)))
        }
    }
}

/// How the tested state ended, from its result and the handler that took its error.
fn outcome(
    engine: &Engine<'_>,
    state: &crate::model::State,
    result: Result<(Arc<Value>, Option<crate::syntax::Text>), Failure>,
) -> TestedState {
    let handled = engine
        .handlings
        .iter()
        .rev()
        .find(|h| h.state == state.name.value);
    match result {
        Ok((output, next_state)) => {
            let caught = handled.filter(|h| matches!(h.by, Handler::Catch { .. }));
            TestedState {
                status: if caught.is_some() {
                    TestStatus::CaughtError
                } else {
                    TestStatus::Succeeded
                },
                output: Some(Arc::try_unwrap(output).unwrap_or_else(|shared| (*shared).clone())),
                error: caught.map(|h| h.error.clone()),
                cause: caught.map(|h| h.cause.clone()),
                next_state: next_state.map(|n| n.to_string()),
                events: Vec::new(),
                warnings: Vec::new(),
                inspection: None,
            }
        }
        Err(failure) => {
            let retried = handled.is_some_and(|h| matches!(h.by, Handler::Retry { .. }));
            TestedState {
                status: if retried {
                    TestStatus::Retriable
                } else {
                    TestStatus::Failed
                },
                output: None,
                error: (!failure.error.is_empty()).then_some(failure.error),
                cause: (!failure.cause.is_empty()).then_some(failure.cause),
                next_state: None,
                events: Vec::new(),
                warnings: Vec::new(),
                inspection: None,
            }
        }
    }
}
