//! The interpreter: runs a checked state machine on a virtual clock and records AWS-shaped
//! execution history. This module holds the execution loop (a machine's states one after
//! another, entered and exited, the clock and the limits); each state type has its own module
//! (`pass`, `succeed`, `fail`, `choice`, `wait`, `task`, `parallel`, `map`), the data-flow
//! pipeline of a state's fields is `dataflow` (JSONPath processing with `jsonpath` and the
//! intrinsic functions, JSONata with `jsonata`), errors with Retry and Catch are `errors`.
//! Parallel branches and Map iterations run side by side on the virtual clock (`concurrent`);
//! an execution that waits pauses where it stands and is resumed there (`resume`: frames left on
//! the way out, walked back into), driven from outside by `driver`; AWS's TestState runs one
//! state (`test_state`).

mod choice;
mod concurrent;
mod context;
mod dataflow;
mod distributed;
mod driver;
mod errors;
mod execution;
mod fail;
mod history;
mod intrinsics;
mod jsonata;
mod jsonpath;
mod map;
mod parallel;
mod pass;
mod resume;
mod rng;
mod succeed;
mod task;
mod test_state;
mod time;
mod wait;

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::fxhash::FxHashMap;
use crate::model::intrinsic as intrinsic_syntax;
use crate::model::path;
use crate::model::{
    MapState, Parallel, QueryLanguage, State, StateKind, StateMachine, Transition, Wait,
};
use crate::syntax::{Node, NodePtr, Text, Tree};

use context::{context_object, StateNow};
use dataflow::{
    jayway_path, missing_path, payload_size, value_type, whole_number, Assigned, MAX_PAYLOAD_BYTES,
};
use errors::{At, Failure, PAUSED, TIMED_OUT};

pub use distributed::{ChildExecution, MapRun, ResultFile, S3Object, S3Source};
pub use driver::{
    Callback, CallbackKind, Callbacks, Driver, TaskToken, TokenError, TokenState, Unmocked,
    WorkerTask,
};
pub use execution::{Execution, Handler, Handling, RunOptions, Status};
pub use history::{Details, Event, Expired};
pub use resume::{MockedRun, Resumable};
pub(crate) use rng::hex;
pub use rng::Rng;
pub(crate) use test_state::request::{invalid_definition, pointer_to};
pub use test_state::request::{
    response as test_state_response, single_state_machine, test_state_request, ApiError,
    FieldValidationMode, InspectionLevel, MockValidator,
};
pub use test_state::{test_state, Inspection, StateTest, TestStatus, TestedState};
pub use time::{format_timestamp, parse_timestamp};

/// History has at most this many events; an execution that would go further fails.
pub const MAX_EVENTS: usize = 25_000;
/// A Standard execution runs at most one year.
const MAX_DURATION_MS: i64 = 365 * 24 * 3600 * 1000;
/// An Express execution, five minutes.
const MAX_EXPRESS_DURATION_MS: i64 = 5 * 60 * 1000;

/// How long an execution of this type may run; a single Wait may last as long, no longer.
fn max_duration_ms(workflow_type: crate::analysis::WorkflowType) -> i64 {
    match workflow_type {
        crate::analysis::WorkflowType::Standard => MAX_DURATION_MS,
        crate::analysis::WorkflowType::Express => MAX_EXPRESS_DURATION_MS,
    }
}

/// Run `machine` (read from `tree`) to its end.
pub fn run(tree: &Tree, machine: &StateMachine, options: &RunOptions) -> Execution {
    run_to_pause(tree, machine, options, false).0
}

/// Run `machine` until it ends or pauses at `options.pause_at_ms`; paused, and if `keep`, what
/// it needs to resume.
fn run_to_pause(
    tree: &Tree,
    machine: &StateMachine,
    options: &RunOptions,
    keep: bool,
) -> (Execution, Option<(resume::Core, Vec<resume::Frame>)>) {
    // One value, shared by the history, `$$.Execution.Input` and the first state.
    let input = Arc::clone(&options.input);
    let mut engine = Engine::new(
        tree,
        machine,
        options,
        context_object(options),
        Arc::clone(&input),
    );
    engine.event(
        "ExecutionStarted",
        Details::ExecutionStarted {
            input: Arc::clone(&input),
            role_arn: "arn:aws:iam::111111111111:role/asl-sim".into(),
        },
    );
    let result = engine.machine(machine, Some(input));
    let (execution, paused) = engine.ended(result, options);
    (execution, paused.filter(|_| keep))
}

struct Engine<'t> {
    tree: &'t Tree,
    clock_ms: i64,
    events: Vec<Event>,
    /// Shared with JSONata's `$random` and `$uuid`.
    rng: Rc<RefCell<Rng>>,
    jsonata: jsonata::Jsonata,

    /// The context object (`$$`), updated as states are entered; without `Execution.Input`,
    /// which is in `execution_input` (see `jsonpath::Roots`).
    context: Value,
    execution_input: Arc<Value>,
    /// Variables, innermost scope last.
    scopes: Vec<Map<String, Value>>,
    deadline_ms: i64,
    /// A Wait may last this long (AWS: one year, five minutes for Express), no longer.
    longest_wait_ms: i64,
    /// Above zero while running child executions of a Distributed Map, whose events are in
    /// their own histories, not this one.
    quiet: u32,
    /// The lane of the events written now ([`Event::lane`]), and the last lane handed out.
    lane: u32,
    lanes: u32,
    max_events: usize,
    cancelled: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    mocks: Option<crate::mocks::TestCase>,
    /// How many times each Task state has been attempted (its mock's invocation number).
    invocations: crate::fxhash::FxHashMap<String, u64>,
    warnings: Vec<String>,
    tokens: Vec<TaskToken>,
    handlings: Vec<Handling>,
    callbacks: Option<Callbacks>,
    pause_at_ms: Option<i64>,
    /// Paused: the earliest virtual time at which something waiting would happen.
    wakes_at_ms: Option<i64>,
    /// Set by [`test_state`]: the one state tested, run once, its result possibly mocked.
    tested: Option<test_state::Tested>,
    /// `$$.State`: written at every state, read rarely, so kept out of `context` until read.
    state_now: Option<StateNow>,
    /// Paths and intrinsic calls parsed once per run, by their text in the definition.
    paths: RefCell<FxHashMap<&'t str, Rc<path::Path<'t>>>>,
    calls: RefCell<FxHashMap<&'t str, Rc<intrinsic_syntax::Call<'t>>>>,
    /// Pausing: the frames left on the way out, innermost first.
    unwound: Vec<resume::Frame>,
    /// Resuming: the frames to walk back into (the next one last).
    resume: Vec<resume::Frame>,
    /// Resuming for a token: the child index to take at each Parallel / Map (the next last).
    target: Vec<u32>,
    /// The child index at each Parallel / Map around the events written now.
    fiber: Vec<u32>,
    /// Driven: each token's place in `tokens` and the path to its task (see `resume::Core`).
    token_fibers: FxHashMap<String, (usize, Vec<u32>)>,
    /// Distributed Maps: where S3 is, and the Map Runs so far.
    distributed: distributed::Distributed,
}

impl<'t> Engine<'t> {
    /// An engine to start a run: what it owns from `options` (see [`resume::Core::new`]), and
    /// the rest as a resumed engine has it.
    fn new(
        tree: &'t Tree,
        machine: &StateMachine,
        options: &RunOptions,
        context: Value,
        execution_input: Arc<Value>,
    ) -> Self {
        let core = resume::Core::new(machine, options, context, execution_input);
        // A history stops at 25,000 events: room for them up front, so it never moves as it
        // grows (pages not written are never touched).
        let mut written = Execution::written(options.max_history_events.min(MAX_EVENTS));
        let mut engine = Engine::from_core(tree, core, &mut written);
        engine.pause_at_ms = options.pause_at_ms;
        engine
    }
}

impl<'t> Engine<'t> {
    /// The execution as the top machine's `result` leaves it: ended, or paused with its frames.
    fn ended(
        mut self,
        result: Result<Value, Failure>,
        options: &RunOptions,
    ) -> (Execution, Option<(resume::Core, Vec<resume::Frame>)>) {
        let (status, output, error, cause) = match result {
            Err(failure) if failure.error == PAUSED => (Status::Running, None, None, None),
            Ok(output) => {
                self.event(
                    "ExecutionSucceeded",
                    Details::Output(Box::new(output.clone())),
                );
                (Status::Succeeded, Some(output), None, None)
            }
            Err(failure) if failure.error == TIMED_OUT => {
                self.event(
                    "ExecutionTimedOut",
                    Details::Error {
                        error: "States.Timeout".into(),
                        cause: failure.cause.clone(),
                    },
                );
                (
                    Status::TimedOut,
                    None,
                    Some("States.Timeout".to_string()),
                    Some(failure.cause),
                )
            }
            Err(failure) => {
                self.event(
                    "ExecutionFailed",
                    Details::Error {
                        error: failure.error.clone(),
                        cause: failure.cause.clone(),
                    },
                );
                // A Fail state without Error or Cause leaves them null.
                let error = (!failure.error.is_empty()).then_some(failure.error);
                let cause = (!failure.cause.is_empty()).then_some(failure.cause);
                (Status::Failed, None, error, cause)
            }
        };
        let elapsed_seconds = (self.clock_ms - options.start_time_ms) as f64 / 1000.0;
        let frames = std::mem::take(&mut self.unwound);
        let (core, mut execution) = self.into_core();
        execution.status = status;
        execution.output = output;
        execution.error = error;
        execution.cause = cause;
        execution.elapsed_seconds = elapsed_seconds;
        if status != Status::Running {
            execution.wakes_at_ms = None;
        }
        let paused = (status == Status::Running).then_some((core, frames));
        (execution, paused)
    }

    fn event(&mut self, kind: &'static str, details: Details) -> usize {
        let id = self.events.len() + 1;
        if self.quiet > 0 {
            return id;
        }
        self.events.push(Event {
            id,
            previous_event_id: id - 1,
            lane: self.lane,
            timestamp_ms: self.clock_ms,
            kind,
            details,
        });
        id
    }

    fn node(&self, ptr: NodePtr) -> Option<Node<'t>> {
        ptr.resolve(self.tree)
    }

    fn variable(&self, name: &str) -> Option<Value> {
        self.scopes.iter().rev().find_map(|s| s.get(name).cloned())
    }

    fn tick(&mut self) -> Result<(), Failure> {
        if self
            .cancelled
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
        {
            return Err(Failure::new(PAUSED, "The run was cancelled."));
        }
        if self.events.len() >= self.max_events {
            return Err(Failure::new(
                "States.Runtime",
                format!(
                    "The execution reached the limit of {} history events.",
                    self.max_events
                ),
            ));
        }
        if self.clock_ms > self.deadline_ms {
            return Err(Failure::new(
                TIMED_OUT,
                "The execution ran past its time limit.",
            ));
        }
        Ok(())
    }

    /// Advance the virtual clock, stopping at the execution's deadline, or pausing at a
    /// driver's "now".
    fn sleep(&mut self, ms: i64) -> Result<(), Failure> {
        let until = self.clock_ms + ms;
        if let Some(pause) = self
            .pause_at_ms
            .filter(|p| until > *p && *p < self.deadline_ms)
        {
            self.clock_ms = pause.max(self.clock_ms);
            // Until then nothing happens: a driver moving its clock short of it need not run
            // the execution again.
            let wake = until.min(self.deadline_ms);
            self.wakes_at_ms = Some(self.wakes_at_ms.map_or(wake, |w| w.min(wake)));
            return Err(Failure::new(PAUSED, ""));
        }
        if until > self.deadline_ms {
            self.clock_ms = self.deadline_ms;
            return Err(Failure::new(
                TIMED_OUT,
                "The execution ran past its time limit.",
            ));
        }
        self.clock_ms += ms.max(0);
        Ok(())
    }

    /// Run a state machine (the top one, a branch, or a Map iteration) from its StartAt with
    /// `input`, or (`None`) resume it from its frame.
    fn machine(
        &mut self,
        machine: &'t StateMachine,
        input: Option<Arc<Value>>,
    ) -> Result<Value, Failure> {
        let (mut current, mut data, mut resumed) = match input {
            Some(input) => (start_at(machine)?, input, false),
            None => match self.resuming(|f| matches!(f, resume::Frame::Machine { .. })) {
                Some(resume::Frame::Machine { index, input }) => {
                    (&machine.states[index], input, true)
                }
                _ => return Err(Failure::new("States.Runtime", "Nothing to resume.")),
            },
        };
        loop {
            let step = if resumed {
                resumed = false;
                self.state(current, &data)
            } else {
                self.tick().and_then(|()| self.state(current, &data))
            };
            let (output, next) = match step {
                Ok(step) => step,
                Err(failure) => {
                    if failure.error == PAUSED {
                        let index = machine
                            .states
                            .iter()
                            .position(|s| std::ptr::eq(s, current))
                            .unwrap_or(0);
                        self.unwind(resume::Frame::Machine { index, input: data });
                    }
                    return Err(failure);
                }
            };
            data = output;
            match next {
                Some(name) => {
                    current = machine.state(&name).ok_or_else(|| {
                        Failure::new(
                            "States.Runtime",
                            format!("There is no state named '{name}'."),
                        )
                    })?;
                }
                None => return Ok(Arc::try_unwrap(data).unwrap_or_else(|shared| (*shared).clone())),
            }
        }
    }

    /// Run one state: its output and the name of the next state (`None` at the end). The
    /// input and output are shared with the history events; a state that passes its input on
    /// hands on the same value. Resuming, it goes back into the state where it paused.
    fn state(
        &mut self,
        state: &'t State,
        shared: &Arc<Value>,
    ) -> Result<(Arc<Value>, Option<Text>), Failure> {
        let type_name = state.kind.type_name();
        let at = match self.resuming(|f| matches!(f, resume::Frame::State { .. })) {
            Some(resume::Frame::State {
                entered_event,
                state_now,
            }) => {
                self.state_now = state_now;
                At {
                    state: state.name.value.clone(),
                    entered_event,
                }
            }
            _ => {
                let entered = self.event(
                    history::state_event(type_name, false),
                    Details::StateEntered {
                        name: state.name.value.clone(),
                        input: Arc::clone(shared),
                    },
                );
                let at = At {
                    state: state.name.value.clone(),
                    entered_event: entered,
                };
                self.state_now = self.entered_state(state, type_name, &at);
                at
            }
        };
        match self.state_body(state, shared, &at) {
            Ok((output, next)) => {
                let output = self.exited(state, shared, output)?;
                Ok((output, next))
            }
            Err(failure) => {
                if failure.error == PAUSED {
                    self.unwind(resume::Frame::State {
                        entered_event: at.entered_event,
                        state_now: self.state_now.clone(),
                    });
                }
                Err(failure)
            }
        }
    }

    /// What a state of each type does with its input: its output and next state.
    fn state_body<'v>(
        &mut self,
        state: &'t State,
        shared: &'v Arc<Value>,
        at: &At,
    ) -> Result<(Cow<'v, Value>, Option<Text>), Failure> {
        let input: &Value = shared;
        Ok(match &state.kind {
            StateKind::Pass { result } => self.pass(state, *result, input, at)?,
            StateKind::Succeed => (self.succeed(state, input, at)?, None),
            StateKind::Fail(fail) => return Err(self.fail(state, fail, input, at)),
            StateKind::Choice(choice) => self.choice(state, choice, input, at)?,
            StateKind::Wait(wait) => self.wait(state, wait, input, at)?,
            StateKind::Parallel(parallel) => {
                let body = |engine: &mut Self| engine.parallel(state, parallel, input, at);
                let (output, next) = self.handled(
                    state,
                    &parallel.handlers,
                    Some("ParallelStateFailed"),
                    input,
                    at,
                    body,
                )?;
                (Cow::Owned(output), next)
            }
            StateKind::Map(map) => {
                let body = |engine: &mut Self| engine.map(state, map, input, at);
                let (output, next) = self.handled(
                    state,
                    &map.handlers,
                    Some("MapStateFailed"),
                    input,
                    at,
                    body,
                )?;
                (Cow::Owned(output), next)
            }
            StateKind::Task(task) => {
                let body = |engine: &mut Self| engine.task(state, task, input, at);
                let (output, next) = self.handled(state, &task.handlers, None, input, at, body)?;
                (Cow::Owned(output), next)
            }
            StateKind::Unknown => {
                return Err(Failure::new(
                    "States.Runtime",
                    format!("State '{}' has no valid Type.", state.name.value),
                ))
            }
        })
    }

    /// `$$.State` for a state just entered.
    fn entered_state(&self, state: &State, type_name: &str, at: &At) -> Option<StateNow> {
        match self.tested_context_state(at) {
            // TestState with the caller's context object: its `State` as given.
            Some(test_state::ContextState::AsGiven) => None,
            tested => Some(StateNow {
                // TestState without a context object names no state (AWS records "StateName").
                name: match tested {
                    Some(test_state::ContextState::Unnamed) => "StateName".into(),
                    _ => state.name.value.clone(),
                },
                entered_ms: self.clock_ms,
                // A Task's first attempt sees RetryCount 0 (AWS's recorded Pass states have none);
                // TestState gives every state that can retry the attempt it is configured at.
                retry_count: match tested {
                    Some(_) if matches!(type_name, "Task" | "Map" | "Parallel") => {
                        Some(self.tested_retry_count(at))
                    }
                    _ => (type_name == "Task").then_some(0),
                },
            }),
        }
    }

    /// A state's output checked against the payload limit and recorded in its exit event.
    fn exited(
        &mut self,
        state: &'t State,
        shared: &Arc<Value>,
        output: Cow<'_, Value>,
    ) -> Result<Arc<Value>, Failure> {
        // Passed on unchanged: the same value, whose size an earlier state checked (unless it
        // is the execution's input).
        let (output, unchecked) = match output {
            Cow::Borrowed(_) => (
                Arc::clone(shared),
                Arc::ptr_eq(shared, &self.execution_input),
            ),
            Cow::Owned(value) => (Arc::new(value), true),
        };
        if unchecked && payload_size(&output) > MAX_PAYLOAD_BYTES {
            return Err(Failure::new(
                "States.DataLimitExceeded",
                format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", state.name.value),
            ));
        }
        self.event(
            history::state_event(state.kind.type_name(), true),
            Details::StateExited {
                name: state.name.value.clone(),
                output: Arc::clone(&output),
            },
        );
        Ok(output)
    }
}

/// A machine's first state.
fn start_at(machine: &StateMachine) -> Result<&State, Failure> {
    machine
        .start_at
        .as_ref()
        .and_then(|s| machine.state(&s.value))
        .ok_or_else(|| Failure::new("States.Runtime", "The state machine has no valid StartAt."))
}

/// A state's Next (`None` when it ends the machine).
fn next_of(state: &State) -> Option<Text> {
    match &state.transition {
        Transition::Next(n) => Some(n.value.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_run_stops_at_its_next_state() {
        let text = r#"{"StartAt": "Loop", "States": {"Loop": {"Type": "Pass", "Next": "Loop"}}}"#;
        let checked = crate::check(
            text,
            crate::syntax::Format::Json,
            crate::CheckOptions::default(),
        );
        let cancelled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let options = RunOptions {
            cancelled: Some(cancelled),
            ..RunOptions::default()
        };
        let execution = run(&checked.tree, &checked.machine, &options);
        assert_eq!(execution.status, Status::Running);
        assert_eq!(execution.states_entered().count(), 0);
        // Not cancelled: the loop runs to the history limit.
        let execution = run(&checked.tree, &checked.machine, &RunOptions::default());
        assert_eq!(execution.error.as_deref(), Some("States.Runtime"));
    }
}
