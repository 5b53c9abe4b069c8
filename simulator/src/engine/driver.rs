//! Driving an execution from outside, as a worker and a clock would: list the tasks waiting for
//! their tokens, send success, failure or a heartbeat by token, move the clock on.
//!
//! A `Driver` holds a [`Resumable`]: the execution paused where it waits, as data (see
//! `engine::resume`). A callback resumes the task its token belongs to, and only what that
//! unblocks runs (the rest of its Map iteration or branch, and the states after its Map or
//! Parallel once the last child ends); moving the clock resumes, instant by instant, each wait,
//! timeout, heartbeat expiry or retry backoff that falls due, and costs nothing short of the
//! next one. Nothing is run again: the history is written once, in the order things happen
//! (a callback sent at an instant comes after what the execution had already done then).

use serde_json::Value;

use std::sync::Arc;

use super::{Details, Event, Execution, Resumable, RunOptions, Status};
use crate::analysis::Checked;
use crate::fxhash::FxHashMap;
use crate::mocks::Outcome;
use crate::model::StateMachine;
use crate::syntax::Tree;

/// What a worker sends with a task token.
#[derive(Clone, Debug, PartialEq)]
pub enum CallbackKind {
    Success(Value),
    Failure { error: String, cause: String },
    Heartbeat,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Callback {
    /// Virtual time it was sent, milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub kind: CallbackKind,
}

/// Everything sent so far, by token; and what a task that no mock answers does.
#[derive(Clone, Debug, Default)]
pub struct Callbacks {
    by_token: FxHashMap<String, Vec<Callback>>,
    pub unmocked: Unmocked,
}

/// What a Task that no mock answers does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unmocked {
    /// A call answers at once with its API's minimal valid result; a callback never comes
    /// unless the driver sends it.
    #[default]
    MinimalResult,
    /// Real workers answer, as in front of AWS (`asl-sim serve`): a `.waitForTaskToken` task
    /// waits for its callback, an activity for a worker ([`WorkerTask::Activity`]), a Lambda
    /// call (when `lambda`) for whoever calls the function ([`WorkerTask::Lambda`]); any other
    /// task fails, naming the state. A mocked state still takes its mock, callbacks included.
    Workers { lambda: bool },
}

/// Work a task leaves to a worker outside the engine; the driver answers its token.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerTask {
    /// GetActivityTask hands `input` out with the token.
    Activity { arn: String, input: Value },
    /// Invoke `function` with `payload`: its answer is the task's result, unless `callback`
    /// (`lambda:invoke.waitForTaskToken`), when the token's own callback is.
    Lambda {
        function: String,
        payload: Value,
        callback: bool,
    },
}

impl Callbacks {
    /// None sent yet; unmocked tasks do as `unmocked` says.
    pub fn new(unmocked: Unmocked) -> Self {
        Callbacks {
            by_token: FxHashMap::default(),
            unmocked,
        }
    }

    pub fn send(&mut self, token: &str, callback: Callback) {
        self.by_token
            .entry(token.to_string())
            .or_default()
            .push(callback);
    }

    /// What the task that got `token` at `started_ms` sees: its answer (if one was sent), how
    /// long after the start it came, and the heartbeats before it, in milliseconds.
    pub(super) fn answer(&self, token: &str, started_ms: i64) -> (Outcome, i64, Vec<i64>) {
        let sent = self.by_token.get(token).map_or(&[][..], Vec::as_slice);
        let beats = sent
            .iter()
            .filter(|c| c.kind == CallbackKind::Heartbeat)
            .map(|c| c.at_ms - started_ms)
            .collect();
        let answer = sent.iter().find_map(|c| match &c.kind {
            CallbackKind::Success(output) => Some((Outcome::Return(output.clone()), c.at_ms)),
            CallbackKind::Failure { error, cause } => Some((
                Outcome::Throw {
                    error: error.clone(),
                    cause: Some(cause.clone()),
                },
                c.at_ms,
            )),
            CallbackKind::Heartbeat => None,
        });
        match answer {
            Some((outcome, at_ms)) => (outcome, at_ms - started_ms, beats),
            None => (Outcome::NoResponse, 0, beats),
        }
    }
}

/// Where a token's task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Waiting,
    Answered,
    TimedOut,
}

/// A task token the execution issued.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskToken {
    pub token: String,
    /// The Task state that waits for it.
    pub state: String,
    pub issued_ms: i64,
    pub state_now: TokenState,
    /// When the worker sent a heartbeat (SendTaskHeartbeat) while the task waited, virtual ms.
    pub heartbeats_ms: Vec<i64>,
    /// Under [`Unmocked::Workers`], the work an outside worker must do for the token.
    pub worker: Option<Box<WorkerTask>>,
}

/// Why a token was refused, as AWS's SendTask* APIs say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// No task was ever given this token.
    InvalidToken,
    /// The execution ended (stopped, failed) while the task still waited.
    TaskDoesNotExist,
    /// The task is closed: its heartbeat or timeout expired, or it was answered already (AWS's
    /// API reference: "the task associated with the token has already been closed").
    TaskTimedOut,
}

impl TokenError {
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenError::InvalidToken => "InvalidToken",
            TokenError::TaskDoesNotExist => "TaskDoesNotExist",
            TokenError::TaskTimedOut => "TaskTimedOut",
        }
    }
}

/// An execution paused at a virtual "now", moved on by the caller.
pub struct Driver<'a> {
    execution: Resumable,
    definition: std::marker::PhantomData<&'a StateMachine>,
}

impl<'a> Driver<'a> {
    /// Start an execution and run it until it waits for a token or ends.
    pub fn start(tree: &'a Tree, machine: &'a StateMachine, options: RunOptions) -> Self {
        let definition = Arc::new(Checked {
            tree: tree.clone(),
            machine: machine.clone(),
            diagnostics: Vec::new(),
        });
        Driver::resuming(Resumable::start(definition, options))
    }

    /// Drive an execution already started (or forked from another).
    pub fn resuming(execution: Resumable) -> Self {
        Driver {
            execution,
            definition: std::marker::PhantomData,
        }
    }

    /// The execution as far as "now": `Status::Running` while it has not ended.
    pub fn execution(&self) -> &Execution {
        self.execution.execution()
    }

    /// The paused execution itself: clone it to fork ("what if...").
    pub fn resumable(&self) -> &Resumable {
        &self.execution
    }

    pub fn now_ms(&self) -> i64 {
        self.execution.now_ms()
    }

    /// The tasks waiting for their tokens now.
    pub fn waiting(&self) -> Vec<&TaskToken> {
        self.execution.waiting().collect()
    }

    /// SendTaskSuccess: the task's result is `output`.
    pub fn send_success(&mut self, token: &str, output: Value) -> Result<(), TokenError> {
        self.execution.send(token, CallbackKind::Success(output))
    }

    /// SendTaskFailure: the task fails with `error` and `cause`.
    pub fn send_failure(
        &mut self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<(), TokenError> {
        self.execution.send(
            token,
            CallbackKind::Failure {
                error: error.to_string(),
                cause: cause.to_string(),
            },
        )
    }

    /// SendTaskHeartbeat: the HeartbeatSeconds clock starts again (TimeoutSeconds does not).
    pub fn send_heartbeat(&mut self, token: &str) -> Result<(), TokenError> {
        self.execution.send(token, CallbackKind::Heartbeat)
    }

    /// StopExecution: the execution ends ABORTED now; the states in progress record their
    /// abort (best effort: AWS cancels running `.sync` jobs and pending callbacks).
    pub fn stop(&mut self, error: &str, cause: &str) {
        self.execution.stop(error, cause);
    }

    /// Move the clock on: waits end, timeouts and heartbeat expiries fire.
    pub fn advance(&mut self, seconds: f64) {
        let now_ms = self.execution.now_ms() + (seconds * 1000.0).round() as i64;
        self.execution.advance_to(now_ms);
    }

    /// Let the execution run to its end with nobody sending anything more.
    pub fn finish(&mut self) -> &Execution {
        self.execution.advance_to(i64::MAX);
        self.execution.execution()
    }
}

/// End a paused execution ABORTED at `now_ms`: each state still in progress, innermost first,
/// then `ExecutionAborted`.
pub(super) fn abort(execution: &mut Execution, now_ms: i64, error: &str, cause: &str) {
    let in_progress = super::concurrent::in_progress(execution.events.iter());
    let mut push = |kind: &'static str, details: Details, lane: u32| {
        let id = execution.events.len() + 1;
        execution.events.push(Event {
            id,
            previous_event_id: id - 1,
            lane,
            timestamp_ms: now_ms,
            kind,
            details,
        });
    };
    for (kind, name, lane) in in_progress.into_iter().rev() {
        push(kind, Details::StateAborted { name }, lane);
    }
    push(
        "ExecutionAborted",
        Details::Error {
            error: error.to_string(),
            cause: cause.to_string(),
        },
        0,
    );
    execution.status = Status::Aborted;
    execution.error = (!error.is_empty()).then(|| error.to_string());
    execution.cause = (!cause.is_empty()).then(|| cause.to_string());
}
