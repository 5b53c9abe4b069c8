//! What a run is given ([`RunOptions`]) and what it gives back ([`Execution`]): its status,
//! output, history, the tokens it issued and the errors its handlers took.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{Callbacks, Details, Event, TaskToken, MAX_EVENTS};

/// How an execution ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    /// Paused by a [`Driver`]: tasks wait for their tokens, or the clock has not got that far.
    Running,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
            Status::Running => "RUNNING",
        }
    }
}

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Shared: the same input is run again and again (a re-simulation per edit, replays).
    pub input: Arc<Value>,
    /// When the execution starts, in milliseconds since the Unix epoch (virtual clock).
    pub start_time_ms: i64,
    /// Seeds every random choice (jitter, `States.MathRandom`, `States.UUID`).
    pub seed: u64,
    pub execution_name: String,
    pub state_machine_name: String,
    /// Express executions run at most five minutes and cannot be redriven.
    pub workflow_type: crate::analysis::WorkflowType,
    /// AWS fails an execution whose history passes 25,000 events; benchmarks that compare
    /// with simulators without the limit lift it.
    pub max_history_events: usize,
    /// What the Task states' services answer (one test case of a mock file). Without mocks a
    /// call answers `{}` at once and a callback never comes.
    pub mocks: Option<crate::mocks::TestCase>,
    /// Set by a [`Driver`]: token waits are answered by these callbacks, not by the mocks.
    pub callbacks: Option<Callbacks>,
    /// Set by a [`Driver`]: the virtual "now"; the run pauses rather than pass it.
    pub pause_at_ms: Option<i64>,
    /// Set from another thread to stop the run early (an editor's newer text supersedes it):
    /// it ends as if paused, with status RUNNING.
    pub cancelled: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// What stands for S3 for Distributed Maps' readers and writers (none: they are mocked).
    pub s3: super::S3Source,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            input: Arc::new(json!({})),
            start_time_ms: 1_767_225_600_000, // 2026-01-01T00:00:00Z
            seed: 0,
            execution_name: "asl-sim".into(),
            state_machine_name: "StateMachine".into(),
            workflow_type: crate::analysis::WorkflowType::Standard,
            max_history_events: MAX_EVENTS,
            mocks: None,
            callbacks: None,
            pause_at_ms: None,
            cancelled: None,
            s3: super::S3Source::default(),
        }
    }
}

/// `asl-sim run --format json`: `{"status", "output", "error", "cause", "elapsedSeconds",
/// "events"}`, the events streamed as they are serialised.
impl serde::Serialize for Execution {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("status", self.status.as_str())?;
        map.serialize_entry("output", &self.output)?;
        map.serialize_entry("error", &self.error)?;
        map.serialize_entry("cause", &self.cause)?;
        map.serialize_entry("elapsedSeconds", &self.elapsed_seconds)?;
        map.serialize_entry("events", &self.events)?;
        if !self.map_runs.is_empty() {
            let runs: Vec<Value> = self.map_runs.iter().map(super::MapRun::to_json).collect();
            map.serialize_entry("mapRuns", &runs)?;
        }
        map.end()
    }
}

/// The outcome of a run.
#[derive(Clone, Debug)]
pub struct Execution {
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Virtual seconds from start to end.
    pub elapsed_seconds: f64,
    /// The history; `Event::to_json` gives AWS's GetExecutionHistory shape.
    pub events: Vec<Event>,
    /// What the run had to assume, e.g. a task the mocks do not cover. Once each.
    pub warnings: Vec<String>,
    /// Every task token issued, and what became of it.
    pub tokens: Vec<TaskToken>,
    /// Every error a state with Retry or Catch met, and what took it.
    pub handlings: Vec<Handling>,
    /// Paused (RUNNING): the earliest virtual time, in ms, at which a wait, a timeout or a
    /// heartbeat expiry ends; nothing happens before it unless a callback is sent.
    pub wakes_at_ms: Option<i64>,
    /// The Map Runs of Distributed Maps, each with its child executions and their histories.
    pub map_runs: Vec<super::MapRun>,
}

/// An error in a state, and which of its handlers took it.
#[derive(Clone, Debug, PartialEq)]
pub struct Handling {
    pub state: crate::syntax::Text,
    pub at_ms: i64,
    pub error: String,
    pub cause: String,
    /// A States.Timeout from a missed heartbeat.
    pub heartbeat: bool,
    pub by: Handler,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Handler {
    /// Retry number `index` of the state, after `delay_ms`.
    Retry { index: usize, delay_ms: i64 },
    /// Catch number `index` of the state.
    Catch { index: usize },
    /// Neither: the error leaves the state.
    Uncaught,
}

impl Execution {
    /// The outcome and the whole history, as `asl-sim run --format json` prints it and the
    /// language server's `asl.simulate` returns it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The names of the states entered, in order.
    pub fn states_entered(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.events.iter().filter_map(|e| match &e.details {
            Details::StateEntered { name, .. } => Some(&**name),
            _ => None,
        })
    }
}
