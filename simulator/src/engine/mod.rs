//! The interpreter: runs a checked state machine on a virtual clock and records AWS-shaped
//! execution history. Every state type, JSONPath and JSONata, the intrinsic functions,
//! variables, Retry / Catch, Parallel and Map side by side on the virtual clock
//! (`concurrent`), Tasks against mocks with the three integration patterns (`task`), an
//! execution driven from outside (`driver`) and AWS's TestState on one state (`test_state`).

mod concurrent;
mod driver;
mod history;
mod intrinsics;
mod jsonata;
mod jsonpath;
mod task;
mod test_state;
mod time;

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::fxhash::FxHashMap;
use crate::model::intrinsic::{self as intrinsic_syntax, Arg};
use crate::model::path::{self, PathRoot};
use crate::model::{
    Catcher, Handlers, MapState, Parallel, QueryLanguage, Retrier, State, StateKind, StateMachine,
    Transition, Wait,
};
use crate::syntax::{Node, NodeKind, NodePtr, Text, Tree};

pub use driver::{Callback, CallbackKind, Callbacks, Driver, TaskToken, TokenError, TokenState};
pub use history::{Details, Event, Expired};
pub use test_state::{test_state, StateTest, TestStatus, TestedState};
pub use time::{format_timestamp, parse_timestamp};

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
        }
    }
}

/// `asl-sim run --format json`: `{"status", "output", "error", "cause", "elapsedSeconds",
/// "events"}`, the events streamed as they are serialised.
impl serde::Serialize for Execution {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("status", self.status.as_str())?;
        map.serialize_entry("output", &self.output)?;
        map.serialize_entry("error", &self.error)?;
        map.serialize_entry("cause", &self.cause)?;
        map.serialize_entry("elapsedSeconds", &self.elapsed_seconds)?;
        map.serialize_entry("events", &self.events)?;
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

/// An error on its way to a Retry, a Catch, or the end of the execution.
#[derive(Clone, Debug)]
struct Failure {
    error: String,
    cause: String,
    /// A States.Timeout from a missed heartbeat (matched by States.HeartbeatTimeout too).
    heartbeat: bool,
    /// Raised by the service a task called: States.ALL catches even its
    /// States.DataLimitExceeded, as AWS's recorded executions show.
    from_service: bool,
}

impl Failure {
    /// The execution's end or pause, which no Retry or Catch may take.
    fn halts(&self) -> bool {
        self.error == TIMED_OUT || self.error == PAUSED
    }

    fn new(error: &str, cause: impl Into<String>) -> Self {
        Failure {
            error: error.to_string(),
            cause: cause.into(),
            heartbeat: false,
            from_service: false,
        }
    }

    /// An error the called service returned.
    fn from_service(error: &str, cause: impl Into<String>) -> Self {
        Failure {
            from_service: true,
            ..Failure::new(error, cause)
        }
    }
}

/// A small deterministic random source (SplitMix64): the same seed gives the same execution.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random fraction in [0, 1).
    pub fn fraction(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A version-4 UUID.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex = hex(&bytes);
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// Inputs, outputs and results are at most 256 KiB of UTF-8.
const MAX_PAYLOAD_BYTES: usize = 262_144;

/// The size of a value as compact JSON text, counted without building the text; it stops
/// counting once past `MAX_PAYLOAD_BYTES`.
fn payload_size(value: &Value) -> usize {
    fn string(s: &str) -> usize {
        2 + s.len()
            + s.bytes().fold(0, |extra, b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => extra + 1,
                0..=0x1f => extra + 5,
                _ => extra,
            })
    }
    fn walk(value: &Value, total: &mut usize) {
        if *total > MAX_PAYLOAD_BYTES {
            return;
        }
        *total += match value {
            Value::Null => 4,
            Value::Bool(b) => {
                if *b {
                    4
                } else {
                    5
                }
            }
            Value::Number(n) => {
                let digits = |u: u64| u.checked_ilog10().map_or(1, |d| d as usize + 1);
                if let Some(u) = n.as_u64() {
                    digits(u)
                } else if let Some(i) = n.as_i64() {
                    1 + digits(i.unsigned_abs())
                } else {
                    // A float, counted as written without building the text.
                    struct Count(usize);
                    impl std::fmt::Write for Count {
                        fn write_str(&mut self, s: &str) -> std::fmt::Result {
                            self.0 += s.len();
                            Ok(())
                        }
                    }
                    let mut count = Count(0);
                    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{n}"));
                    count.0
                }
            }
            Value::String(s) => string(s),
            Value::Array(items) => {
                *total += 2 + items.len().saturating_sub(1);
                for item in items {
                    walk(item, total);
                }
                0
            }
            Value::Object(map) => {
                *total += 2 + map.len().saturating_sub(1);
                for (k, v) in map {
                    *total += string(k) + 1;
                    walk(v, total);
                }
                0
            }
        };
    }
    let mut total = 0;
    walk(value, &mut total);
    total
}

/// History has at most this many events; an execution that would go further fails.
pub const MAX_EVENTS: usize = 25_000;
/// A Standard execution runs at most one year.
const MAX_DURATION_MS: i64 = 365 * 24 * 3600 * 1000;
/// An Express execution, five minutes.
const MAX_EXPRESS_DURATION_MS: i64 = 5 * 60 * 1000;

/// The context object an execution starts with (`Execution.Input` aside: see `Engine`).
fn context_object(options: &RunOptions) -> Value {
    let machine_arn = format!(
        "arn:aws:states:us-east-1:111111111111:stateMachine:{}",
        options.state_machine_name
    );
    let mut execution = json!({
        "Id": match options.workflow_type {
            crate::analysis::WorkflowType::Standard => format!(
                "arn:aws:states:us-east-1:111111111111:execution:{}:{}",
                options.state_machine_name, options.execution_name
            ),
            // An Express execution's ARN ends with an id of its own.
            crate::analysis::WorkflowType::Express => format!(
                "arn:aws:states:us-east-1:111111111111:express:{}:{}:{}",
                options.state_machine_name,
                options.execution_name,
                Rng::new(options.seed).uuid()
            ),
        },
        "Name": options.execution_name,
        "RoleArn": "arn:aws:iam::111111111111:role/asl-sim",
        "StartTime": format_timestamp(options.start_time_ms),
    });
    // Only a Standard execution can be redriven.
    if options.workflow_type == crate::analysis::WorkflowType::Standard {
        execution["RedriveCount"] = json!(0);
    }
    json!({
        "Execution": execution,
        "StateMachine": {"Id": machine_arn, "Name": options.state_machine_name},
    })
}

impl<'t> Engine<'t> {
    fn new(
        tree: &'t Tree,
        machine: &StateMachine,
        options: &RunOptions,
        context: Value,
        execution_input: Arc<Value>,
    ) -> Self {
        Engine {
            tree,
            clock_ms: options.start_time_ms,
            // A history stops at 25,000 events: room for them up front, so it never moves as it
            // grows (pages not written are never touched).
            events: Vec::with_capacity(options.max_history_events.min(MAX_EVENTS)),
            rng: Rc::new(RefCell::new(Rng::new(options.seed))),
            jsonata: jsonata::Jsonata::default(),
            context,
            execution_input,
            scopes: vec![Map::new()],
            deadline_ms: options.start_time_ms + {
                let limit = match options.workflow_type {
                    crate::analysis::WorkflowType::Standard => MAX_DURATION_MS,
                    crate::analysis::WorkflowType::Express => MAX_EXPRESS_DURATION_MS,
                };
                machine
                    .timeout_seconds
                    .map_or(limit, |s| (s as i64 * 1000).min(limit))
            },
            quiet: 0,
            max_events: options.max_history_events,
            mocks: options.mocks.clone(),
            invocations: crate::fxhash::FxHashMap::default(),
            warnings: Vec::new(),
            tokens: Vec::new(),
            handlings: Vec::new(),
            callbacks: options.callbacks.clone(),
            pause_at_ms: options.pause_at_ms,
            wakes_at_ms: None,
            cancelled: options.cancelled.clone(),
            tested: None,
            state_now: None,
            paths: RefCell::default(),
            calls: RefCell::default(),
        }
    }
}

/// Run `machine` (read from `tree`) to its end.
pub fn run(tree: &Tree, machine: &StateMachine, options: &RunOptions) -> Execution {
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
    let result = engine.machine(machine, input);
    let (status, output, error, cause) = match result {
        Err(failure) if failure.error == PAUSED => (Status::Running, None, None, None),
        Ok(output) => {
            engine.event(
                "ExecutionSucceeded",
                Details::Output(Box::new(output.clone())),
            );
            (Status::Succeeded, Some(output), None, None)
        }
        Err(failure) if failure.error == TIMED_OUT => {
            engine.event(
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
            engine.event(
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
    Execution {
        status,
        output,
        error,
        cause,
        elapsed_seconds: (engine.clock_ms - options.start_time_ms) as f64 / 1000.0,
        events: engine.events,
        warnings: engine.warnings,
        tokens: engine.tokens,
        handlings: engine.handlings,
        wakes_at_ms: (status == Status::Running)
            .then_some(engine.wakes_at_ms)
            .flatten(),
    }
}

/// The internal error name of an execution that ran out of time.
const TIMED_OUT: &str = "asl-sim.ExecutionTimedOut";
/// The internal error name of a run that reached a driver's "now" or was cancelled.
const PAUSED: &str = "asl-sim.Paused";

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
    /// Above zero while running child executions of a Distributed Map, whose events are in
    /// their own histories, not this one.
    quiet: u32,
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
}

/// The context object's `State`: the state running now.
#[derive(Clone, Debug)]
pub(crate) struct StateNow {
    name: crate::syntax::Text,
    entered_ms: i64,
    retry_count: Option<u64>,
}

impl StateNow {
    fn to_json(&self) -> Value {
        let mut state = json!({
            "EnteredTime": format_timestamp(self.entered_ms),
            "Name": &*self.name,
        });
        if let Some(count) = self.retry_count {
            state["RetryCount"] = json!(count);
        }
        state
    }
}

/// Where a state's processing is, for error messages: the state and its entered event.
struct At {
    /// The state's name, shared with the events that carry it.
    state: crate::syntax::Text,
    entered_event: usize,
}

impl At {
    fn runtime(&self, message: impl std::fmt::Display) -> Failure {
        Failure::new(
            "States.Runtime",
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {message}",
                self.state, self.entered_event
            ),
        )
    }
}

impl<'t> Engine<'t> {
    fn event(&mut self, kind: &'static str, details: Details) -> usize {
        let id = self.events.len() + 1;
        if self.quiet > 0 {
            return id;
        }
        self.events.push(Event {
            id,
            previous_event_id: id - 1,
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

    /// Evaluate a path string against the state's data.
    /// A path of the definition, parsed the first time it is evaluated.
    fn parsed_path(&self, text: &'t str) -> Result<Rc<path::Path<'t>>, String> {
        if let Some(parsed) = self.paths.borrow().get(text) {
            return Ok(Rc::clone(parsed));
        }
        let parsed = Rc::new(
            path::parse(text).map_err(|e| format!("Invalid path '{text}': {}", e.message))?,
        );
        self.paths.borrow_mut().insert(text, Rc::clone(&parsed));
        Ok(parsed)
    }

    fn select(
        &self,
        text: &'t str,
        input: &Value,
        context: &Value,
    ) -> Result<Option<Value>, String> {
        let parsed = self.parsed_path(text)?;
        let lookup = |name: &str| self.variable(name);
        let roots = jsonpath::Roots {
            input,
            context,
            execution_input: &self.execution_input,
            state: self.state_now.as_ref(),
            variable: &lookup,
        };
        Ok(jsonpath::select(&parsed, &roots))
    }

    /// InputPath / OutputPath: `None` (absent) keeps the value, `Some(None)` (null) gives `{}`.
    /// Only the part selected is copied, from a value borrowed or owned.
    fn filter_path<'v>(
        &self,
        field: &str,
        path: Option<&'t Option<crate::syntax::Text>>,
        value: Cow<'v, Value>,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        match path {
            None => Ok(value),
            Some(None) => Ok(Cow::Owned(json!({}))),
            Some(Some(p)) => match self.select(p, &value, &self.context) {
                Ok(Some(selected)) => Ok(Cow::Owned(selected)),
                Ok(None) => Err(at.runtime(missing_path(p, &value))),
                Err(e) => Err(at.runtime(format!("{e} (in {field})"))),
            },
        }
    }

    /// InputPath applied to an input that is still needed afterwards (by ResultPath): borrowed
    /// when there is no InputPath, so nothing is copied.
    fn effective<'v>(
        &self,
        path: Option<&'t Option<crate::syntax::Text>>,
        input: &'v Value,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        self.filter_path("InputPath", path, Cow::Borrowed(input), at)
    }

    /// OutputPath on a value that may be borrowed from the state input.
    fn output_path<'v>(
        &self,
        path: Option<&'t Option<crate::syntax::Text>>,
        value: Cow<'v, Value>,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        self.filter_path("OutputPath", path, value, at)
    }

    /// A JSONPath payload template: `"key.$"` values are paths or intrinsic functions.
    fn template(
        &self,
        node: Node<'t>,
        input: &Value,
        context: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        match node.kind() {
            NodeKind::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for m in members {
                    if let Some(key) = m.key.name.strip_suffix(".$") {
                        let expr = m.value.as_str().unwrap_or_default();
                        let value = if intrinsic_syntax::looks_like_call(expr) {
                            self.intrinsic(expr, input, context, at)?
                        } else {
                            match self.select(expr, input, context) {
                                Ok(Some(v)) => v,
                                Ok(None) => {
                                    return Err(at.runtime(format!(
                                        "The JSONPath '{expr}' specified for the field '{}' could not be found in the input '{}'",
                                        m.key.name,
                                        input
                                    )))
                                }
                                Err(e) => return Err(at.runtime(e)),
                            }
                        };
                        out.insert(key.to_string(), value);
                    } else {
                        let value = self.template(m.value, input, context, at)?;
                        out.insert(m.key.name.to_string(), value);
                    }
                }
                Ok(Value::Object(out))
            }
            NodeKind::Array(items) => items
                .map(|item| self.template(item, input, context, at))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Ok(node.to_json()),
        }
    }

    fn intrinsic(
        &self,
        text: &'t str,
        input: &Value,
        context: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let cached = self.calls.borrow().get(text).cloned();
        let call = match cached {
            Some(call) => call,
            None => {
                let call = Rc::new(
                    intrinsic_syntax::parse(text)
                        .map_err(|e| Failure::new("States.IntrinsicFailure", e.message))?,
                );
                self.calls.borrow_mut().insert(text, Rc::clone(&call));
                call
            }
        };
        self.call(&call, input, context, at)
    }

    fn call(
        &self,
        call: &intrinsic_syntax::Call<'_>,
        input: &Value,
        context: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let mut args = Vec::with_capacity(call.args.len());
        for (arg, _) in &call.args {
            args.push(match arg {
                Arg::String(s) => Value::String(s.clone()),
                Arg::Number(n) => Value::Number(n.clone()),
                Arg::Boolean(b) => Value::Bool(*b),
                Arg::Null => Value::Null,
                Arg::Path(p) => {
                    let lookup = |name: &str| self.variable(name);
                    let roots = jsonpath::Roots { input, context, execution_input: &self.execution_input, state: self.state_now.as_ref(), variable: &lookup };
                    jsonpath::select(p, &roots).ok_or_else(|| {
                        Failure::new(
                            "States.Runtime",
                            format!(
                                "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONPath in the arguments of {} could not be found in the input '{}'",
                                at.state, at.entered_event, call.name, input
                            ),
                        )
                    })?
                }
                Arg::Call(inner) => self.call(inner, input, context, at)?,
            });
        }
        intrinsics::call(call.name, args, &mut self.rng.borrow_mut()).map_err(|cause| {
            Failure::new(
                "States.IntrinsicFailure",
                format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). {cause}",
                    at.state, at.entered_event
                ),
            )
        })
    }

    /// ResultPath: where the result goes in the raw state input.
    fn result_path(
        &self,
        path: Option<&'t Option<crate::syntax::Text>>,
        input: &Value,
        result: Value,
        at: &At,
    ) -> Result<Value, Failure> {
        match path {
            None => Ok(result),
            Some(None) => Ok(input.clone()),
            Some(Some(p)) => {
                let parsed = self.parsed_path(p).map_err(|e| at.runtime(e))?;
                if parsed.segments.is_empty() {
                    return Ok(result);
                }
                let mut target = input.clone();
                jsonpath::assign(&mut target, &parsed, result).map_err(|()| {
                    Failure::new(
                        "States.ResultPathMatchFailure",
                        format!(
                            "An error occurred while executing the state '{}' (entered at the event id #{}). Unable to apply ResultPath '{p}' to input '{}'",
                            at.state, at.entered_event, target_preview(&target)
                        ),
                    )
                })?;
                Ok(target)
            }
        }
    }

    /// Assign: every value is evaluated first (seeing the variables as they were), then set.
    fn assign(&mut self, assign: Option<NodePtr>, data: &Value, at: &At) -> Result<(), Failure> {
        let Some(node) = assign.and_then(|p| self.node(p)) else {
            return Ok(());
        };
        let Value::Object(values) = self.template(node, data, &self.context, at)? else {
            return Ok(());
        };
        let scope = self.scopes.last_mut().expect("there is always a scope");
        scope.extend(values);
        Ok(())
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

    /// Run a state machine (the top one, a branch, or a Map iteration) from its StartAt.
    fn machine(&mut self, machine: &'t StateMachine, input: Arc<Value>) -> Result<Value, Failure> {
        let mut current = machine
            .start_at
            .as_ref()
            .and_then(|s| machine.state(&s.value))
            .ok_or_else(|| {
                Failure::new("States.Runtime", "The state machine has no valid StartAt.")
            })?;
        let mut data = input;
        loop {
            self.tick()?;
            let (output, next) = self.state(current, &data)?;
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

    /// Run one state: its output and the name of the next state (`None` at the end).
    /// Run one state: its output and the name of the next state (`None` at the end). The
    /// input and output are shared with the history events; a state that passes its input on
    /// hands on the same value.
    fn state(
        &mut self,
        state: &'t State,
        shared: &Arc<Value>,
    ) -> Result<(Arc<Value>, Option<Text>), Failure> {
        let input: &Value = shared;
        let type_name = state.kind.type_name();
        let name: &str = &state.name.value;
        let jsonata = state.query_language == QueryLanguage::Jsonata;
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
        self.state_now = match self.tested_context_state(&at) {
            // TestState with the caller's context object: its `State` as given.
            Some(test_state::ContextState::AsGiven) => None,
            tested => Some(StateNow {
                // TestState without a context object names no state (AWS records "StateName").
                name: match tested {
                    Some(test_state::ContextState::Unnamed) => "StateName".into(),
                    _ => state.name.value.clone(),
                },
                entered_ms: self.clock_ms,
                // A Task's first attempt sees RetryCount 0 (AWS's recorded Pass states have none).
                retry_count: (type_name == "Task").then_some(0),
            }),
        };
        let next_of = |state: &State| match &state.transition {
            Transition::Next(n) => Some(n.value.clone()),
            _ => None,
        };
        let (output, next) = match &state.kind {
            StateKind::Pass { .. } if jsonata => {
                let states = self.states_value(input, None, None);
                let output = Cow::Owned(self.jsonata_finish(
                    state.io.assign,
                    state.io.output,
                    &states,
                    input.clone(),
                    &at,
                )?);
                (output, next_of(state))
            }
            StateKind::Succeed if jsonata => {
                let states = self.states_value(input, None, None);
                let output = Cow::Owned(self.jsonata_finish(
                    None,
                    state.io.output,
                    &states,
                    input.clone(),
                    &at,
                )?);
                (output, None)
            }
            StateKind::Fail(fail) if jsonata => {
                let states = self.states_value(input, None, None);
                let mut text =
                    |value: &Option<String>, field: &str| -> Result<Option<String>, Failure> {
                        let Some(value) = value else { return Ok(None) };
                        let Some(expr) = crate::model::jsonata_expression(value) else {
                            return Ok(Some(value.clone()));
                        };
                        Ok(Some(
                            match self.jsonata_expr(expr, &states, field, &at)? {
                                Value::String(s) => s,
                                other => other.to_string(),
                            },
                        ))
                    };
                let error = text(&fail.error, "Error")?;
                let cause = text(&fail.cause, "Cause")?;
                return Err(Failure {
                    error: error.unwrap_or_default(),
                    cause: cause.unwrap_or_default(),
                    heartbeat: false,
                    from_service: false,
                });
            }
            StateKind::Choice(choice) if jsonata => {
                let states = self.states_value(input, None, None);
                let mut chosen = None;
                for rule in &choice.rules {
                    let condition = self
                        .node(rule.condition)
                        .and_then(|n| n.get("Condition"))
                        .map(
                            |c| match c.as_str().and_then(crate::model::jsonata_expression) {
                                Some(expr) => self.jsonata_expr(expr, &states, "Condition", &at),
                                None => Ok(c.to_json()),
                            },
                        )
                        .transpose()?;
                    if condition == Some(Value::Bool(true)) {
                        chosen = Some(rule);
                        break;
                    }
                }
                let (next, assign, output) = match chosen {
                    Some(rule) => (
                        rule.next.as_ref().map(|n| n.value.clone()),
                        rule.assign.or(state.io.assign),
                        rule.output.or(state.io.output),
                    ),
                    None => (
                        choice.default.as_ref().map(|d| d.value.clone()),
                        state.io.assign,
                        state.io.output,
                    ),
                };
                let Some(next) = next else {
                    return Err(Failure::new(
                        "States.NoChoiceMatched",
                        format!("No Matches! at the state '{name}' (entered at the event id #{entered})"),
                    ));
                };
                let output =
                    Cow::Owned(self.jsonata_finish(assign, output, &states, input.clone(), &at)?);
                (output, Some(next))
            }
            StateKind::Wait(wait) if jsonata => {
                let states = self.states_value(input, None, None);
                let until = match wait {
                    Wait::SecondsJsonata(expr) => {
                        let value = self.jsonata_expr(expr, &states, "Seconds", &at)?;
                        let seconds = value.as_i64().filter(|s| *s >= 0).ok_or_else(|| {
                            self.query_failure(
                                format!("An error occurred while executing the state '{name}' (entered at the event id #{entered}). The JSONata expression '{expr}' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '{}' for value: {value}", json_type_name(&value)),
                            )
                        })?;
                        self.clock_ms + seconds * 1000
                    }
                    Wait::TimestampJsonata(expr) => {
                        let value = self.jsonata_expr(expr, &states, "Timestamp", &at)?;
                        match value.as_str() {
                            Some(text) => parse_timestamp(text).ok_or_else(|| {
                                self.query_failure(
                                    format!("An error occurred while executing the state '{name}' (entered at the event id #{entered}). The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {text}"),
                                )
                            })?,
                            None => return Err(self.query_failure(
                                format!("An error occurred while executing the state '{name}' (entered at the event id #{entered}). The JSONata expression '{expr}' specified for the field 'Timestamp' returned an unexpected result type. Expected 'string', but was '{}' for value: {value}", json_type_name(&value)),
                            )),
                        }
                    }
                    other => self.wait_until(other, input, &at)?,
                };
                if until > self.clock_ms {
                    self.sleep(until - self.clock_ms)?;
                }
                let output = Cow::Owned(self.jsonata_finish(
                    state.io.assign,
                    state.io.output,
                    &states,
                    input.clone(),
                    &at,
                )?);
                (output, next_of(state))
            }
            StateKind::Pass { result } => {
                let parameters = state.io.parameters.and_then(|p| self.node(p));
                let fixed = result.and_then(|p| self.node(p));
                let effective = self.effective(state.io.input_path.as_ref(), input, &at)?;
                let result: Cow<'_, Value> = match (fixed, parameters) {
                    (Some(fixed), parameters) => {
                        if let Some(template) = parameters {
                            self.template(template, &effective, &self.context, &at)?;
                        }
                        Cow::Owned(fixed.to_json())
                    }
                    (None, Some(template)) => {
                        Cow::Owned(self.template(template, &effective, &self.context, &at)?)
                    }
                    (None, None) => effective,
                };
                self.assign(state.io.assign, &result, &at)?;
                let combined = match state.io.result_path {
                    None => result,
                    Some(_) => Cow::Owned(self.result_path(
                        state.io.result_path.as_ref(),
                        input,
                        result.into_owned(),
                        &at,
                    )?),
                };
                let output = self.output_path(state.io.output_path.as_ref(), combined, &at)?;
                (output, next_of(state))
            }
            StateKind::Succeed => {
                let effective = self.effective(state.io.input_path.as_ref(), input, &at)?;
                let output = self.output_path(state.io.output_path.as_ref(), effective, &at)?;
                (output, None)
            }
            StateKind::Fail(fail) => {
                let context = self.context.clone();
                let text = |fixed: &Option<String>,
                            path: &'t Option<String>,
                            field: &str|
                 -> Result<Option<String>, Failure> {
                    if let Some(p) = path {
                        let value = if intrinsic_syntax::looks_like_call(p) {
                            self.intrinsic(p, input, &context, &at)?
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
                // AWS records no exit event for a Fail state: the execution fails right away.
                return Err(Failure {
                    error: error.unwrap_or_default(),
                    cause: cause.unwrap_or_default(),
                    heartbeat: false,
                    from_service: false,
                });
            }
            StateKind::Choice(choice) => {
                let effective = self.effective(state.io.input_path.as_ref(), input, &at)?;
                let mut chosen = None;
                for rule in &choice.rules {
                    let Some(node) = self.node(rule.condition) else {
                        continue;
                    };
                    if self.rule(node, &effective, &at)? {
                        chosen = rule.next.as_ref().map(|n| n.value.clone());
                        self.assign(rule.assign, &effective, &at)?;
                        break;
                    }
                }
                let Some(next) =
                    chosen.or_else(|| choice.default.as_ref().map(|d| d.value.clone()))
                else {
                    return Err(Failure::new(
                        "States.NoChoiceMatched",
                        format!("No Matches! at the state '{name}' (entered at the event id #{entered})"),
                    ));
                };
                self.assign(state.io.assign, &effective, &at)?;
                let output = self.output_path(state.io.output_path.as_ref(), effective, &at)?;
                (output, Some(next))
            }
            StateKind::Wait(wait) => {
                let effective = self.effective(state.io.input_path.as_ref(), input, &at)?;
                let until = self.wait_until(wait, &effective, &at)?;
                if until > self.clock_ms {
                    self.sleep(until - self.clock_ms)?;
                }
                self.assign(state.io.assign, &effective, &at)?;
                let output = self.output_path(state.io.output_path.as_ref(), effective, &at)?;
                (output, next_of(state))
            }
            StateKind::Parallel(parallel) => {
                let body = |engine: &mut Self| engine.parallel(state, parallel, input, &at);
                let (output, next) = self.handled(
                    state,
                    &parallel.handlers,
                    Some("ParallelStateFailed"),
                    input,
                    &at,
                    body,
                )?;
                (Cow::Owned(output), next)
            }
            StateKind::Map(map) => {
                let body = |engine: &mut Self| engine.map(state, map, input, &at);
                let (output, next) = self.handled(
                    state,
                    &map.handlers,
                    Some("MapStateFailed"),
                    input,
                    &at,
                    body,
                )?;
                (Cow::Owned(output), next)
            }
            StateKind::Task(task) => {
                let body = |engine: &mut Self| engine.task(state, task, input, &at);
                let (output, next) = self.handled(state, &task.handlers, None, input, &at, body)?;
                (Cow::Owned(output), next)
            }
            StateKind::Unknown => {
                return Err(Failure::new(
                    "States.Runtime",
                    format!("State '{name}' has no valid Type."),
                ))
            }
        };
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
                format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."),
            ));
        }
        self.event(
            history::state_event(type_name, true),
            Details::StateExited {
                name: state.name.value.clone(),
                output: Arc::clone(&output),
            },
        );
        Ok((output, next))
    }

    /// ResultSelector, Assign, ResultPath and OutputPath after a result.
    fn after_result(
        &mut self,
        state: &'t State,
        input: &Value,
        result: Value,
        at: &At,
    ) -> Result<Value, Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, Some(&result), None);
            return self.jsonata_finish(state.io.assign, state.io.output, &states, result, at);
        }
        let result = match state.io.result_selector.and_then(|p| self.node(p)) {
            Some(selector) => self.template(selector, &result, &self.context, at)?,
            None => result,
        };
        self.assign(state.io.assign, &result, at)?;
        let combined = self.result_path(state.io.result_path.as_ref(), input, result, at)?;
        self.filter_path(
            "OutputPath",
            state.io.output_path.as_ref(),
            Cow::Owned(combined),
            at,
        )
        .map(Cow::into_owned)
    }

    /// A state that produces a result under Retry and Catch (Map, Parallel): the output after
    /// the result (or the Catcher's), and the next state; `failed_event` is recorded when the
    /// error leaves the state (AWS records none for States.Runtime).
    fn handled(
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
                if let (Some(kind), false) = (failed_event, f.error == "States.Runtime") {
                    self.event(kind, Details::None);
                }
                Err(f)
            }
        }
    }

    /// Run `attempt` under a state's Retry and Catch.
    fn with_handlers(
        &mut self,
        handlers: &'t Handlers,
        input: &Value,
        jsonata: bool,
        at: &At,
        mut attempt: impl FnMut(&mut Self) -> Result<Value, Failure>,
    ) -> Handled {
        let mut retries: Vec<u64> = vec![0; handlers.retry.len()];
        loop {
            let failure = match attempt(self) {
                Ok(result) => return Handled::Done(result),
                Err(f) => f,
            };
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
                    if let Err(f) = self.sleep(delay) {
                        return Handled::Failed(f);
                    }
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
    fn record_handling(&mut self, at: &At, failure: &Failure, by: Handler) {
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
    fn catch(
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
        self.assign(catcher.assign, &error_output, at)?;
        self.result_path(catcher.result_path.as_ref(), input, error_output, at)
    }

    fn parallel(
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

    fn map(
        &mut self,
        state: &'t State,
        map: &'t MapState,
        input: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = if jsonata {
            Cow::Borrowed(input)
        } else {
            self.effective(state.io.input_path.as_ref(), input, at)?
        };
        let jsonata_items = match map.items.and_then(|p| self.node(p)) {
            Some(items) if jsonata => {
                let states = self.states_value(input, None, None);
                Some(self.jsonata_template(items, &states, "Items", at)?)
            }
            _ => None,
        };
        let items = match &map.items_path {
            _ if jsonata_items.is_some() => jsonata_items.unwrap_or_default(),
            Some(p) => self
                .select(p, &effective, &self.context)
                .map_err(|e| at.runtime(e))?
                .ok_or_else(|| {
                    at.runtime(format!(
                        "Invalid path '{p}' : No results for path: {}",
                        jayway_path(p)
                    ))
                })?,
            None => effective.as_ref().clone(),
        };
        if let (true, Some(node)) = (jsonata, map.items.and_then(|p| self.node(p))) {
            if let (Some(expr), false) = (
                node.as_str().and_then(crate::model::jsonata_expression),
                items.is_array(),
            ) {
                return Err(self.query_failure(
                    format!(
                        "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONata expression '{}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {items}",
                        at.state, at.entered_event, expr.trim(), json_type_name(&items)
                    ),
                ));
            }
        }
        let Value::Array(items) = items else {
            if jsonata {
                return Err(self.query_failure(format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). Map state input must be an array but was: {items}",
                    at.state, at.entered_event
                )));
            }
            // AWS names a context path without its first `$`.
            if let Some(context_path) = map
                .items_path
                .as_deref()
                .and_then(|p| p.strip_prefix('$'))
                .filter(|p| p.starts_with('$'))
            {
                return Err(Failure::new(
                    "States.Runtime",
                    format!("Reference path \"{context_path}\" must point to array."),
                ));
            }
            return Err(at.runtime(format!(
                "Map state input must be an array, but was: {}",
                value_type(&items)
            )));
        };
        // AWS reads MaxConcurrency before the Map starts and the tolerated failures after.
        let max_concurrency = self.map_setting(
            "MaxConcurrency",
            map.max_concurrency,
            &effective,
            "MaxConcurrency cannot be negative.",
            at,
        )?;
        if let Some(result) = self.mocked_result(at) {
            return result;
        }
        let Some(processor) = &map.processor else {
            return Err(at.runtime("The Map state has no ItemProcessor."));
        };
        let context = self.context.clone();
        let state_now = self.state_now.clone();
        self.event(
            "MapStateStarted",
            Details::MapStarted {
                length: items.len(),
            },
        );
        let tolerated_count = self.map_setting(
            "ToleratedFailureCount",
            map.tolerated_failure_count,
            &effective,
            "ToleratedFailureCount cannot be negative.",
            at,
        )?;
        let tolerated_percentage = self.tolerated_percentage(map, &effective, at)?;
        let distributed = map.is_distributed();
        // Only a Distributed Map Run tolerates failed children; an inline Map fails with the first.
        let tolerated = (distributed
            && (tolerated_count.is_some() || tolerated_percentage.is_some()))
        .then(|| concurrent::Tolerated {
            count: tolerated_count.and_then(|c| u64::try_from(c).ok()),
            percentage: tolerated_percentage,
        });
        if distributed {
            self.event("MapRunStarted", Details::None);
            self.quiet += 1;
        }
        // Each child's input: its item through ItemSelector; with an ItemBatcher, a batch.
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            inputs.push(self.item_input(map, jsonata, index, item, &effective, at)?);
        }
        if let Some(batcher) = map.item_batcher.and_then(|p| self.node(p)) {
            inputs = self.batches(batcher, inputs, &effective, jsonata, at)?;
        }
        let iteration = |index: usize| Details::MapIteration {
            index,
            name: at.state.clone(),
        };
        let limit = usize::try_from(max_concurrency.unwrap_or(0)).unwrap_or(0);
        let result = self.side_by_side(
            inputs,
            limit,
            false,
            tolerated,
            |engine, index, item_input| {
                engine.event("MapIterationStarted", iteration(index));
                engine.scopes.push(Map::new());
                let result = engine.machine(processor, Arc::new(item_input));
                engine.scopes.pop();
                match &result {
                    Ok(_) => engine.event("MapIterationSucceeded", iteration(index)),
                    Err(f) if f.halts() => 0,
                    Err(_) => engine.event("MapIterationFailed", iteration(index)),
                };
                result
            },
            |engine, index| {
                engine.event("MapIterationAborted", iteration(index));
            },
        );
        self.context = context;
        self.state_now = state_now;
        let outputs = match result {
            Ok(outputs) => outputs,
            Err(f) => {
                if distributed {
                    self.quiet -= 1;
                    if !f.halts() {
                        self.event(
                            "MapRunFailed",
                            Details::Error {
                                error: f.error.clone(),
                                cause: f.cause.clone(),
                            },
                        );
                    }
                }
                return Err(f);
            }
        };
        if distributed {
            self.quiet -= 1;
            self.event("MapRunSucceeded", Details::None);
        }
        self.event("MapStateSucceeded", Details::None);
        Ok(Value::Array(outputs))
    }

    /// A `States.QueryEvaluationError`, recorded as AWS records it: an EvaluationFailed event.
    fn query_failure(&mut self, cause: String) -> Failure {
        self.event(
            "EvaluationFailed",
            Details::Error {
                error: "States.QueryEvaluationError".into(),
                cause: cause.clone(),
            },
        );
        Failure::new("States.QueryEvaluationError", cause)
    }

    /// `$states` for a JSONata expression.
    fn states_value(
        &self,
        input: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> Value {
        let context = jsonpath::full_context(
            &self.context,
            &self.execution_input,
            self.state_now.as_ref(),
        );
        let mut states = json!({"input": input, "context": context});
        if let Some(result) = result {
            states["result"] = result.clone();
        }
        if let Some(error_output) = error_output {
            states["errorOutput"] = error_output.clone();
        }
        states
    }

    /// One JSONata expression (the text inside `{% %}`).
    fn jsonata_expr(
        &mut self,
        expr: &str,
        states: &Value,
        field: &str,
        at: &At,
    ) -> Result<Value, Failure> {
        let rng = self.rng.clone();
        let expr = expr.trim();
        self.jsonata.evaluate(expr, states, &self.scopes, &rng).map_err(|e| {
            let problem = match e {
                jsonata::JsonataError::Undefined => "returned nothing (undefined).".to_string(),
                jsonata::JsonataError::Failed(message) => {
                    format!("could not be evaluated: {message}.")
                }
                // AWS ends this one with JSONata's message, unpunctuated.
                jsonata::JsonataError::Thrown { code, message } => {
                    format!("threw an error during evaluation. {code}: {message}")
                }
            };
            self.query_failure(
                format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONata expression '{expr}' specified for the field '{field}' {problem}",
                    at.state, at.entered_event
                ),
            )
        })
    }

    /// JSON in which `{% %}` strings are JSONata; `field` names where it stands (`Output/result`).
    fn jsonata_template(
        &mut self,
        node: Node<'_>,
        states: &Value,
        field: &str,
        at: &At,
    ) -> Result<Value, Failure> {
        match node.kind() {
            NodeKind::String(s) => match crate::model::jsonata_expression(s) {
                Some(expr) => self.jsonata_expr(expr, states, field, at),
                None => Ok(Value::String(s.to_string())),
            },
            NodeKind::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for m in members {
                    let value = self.jsonata_template(
                        m.value,
                        states,
                        &format!("{field}/{}", m.key.name),
                        at,
                    )?;
                    out.insert(m.key.name.to_string(), value);
                }
                Ok(Value::Object(out))
            }
            NodeKind::Array(items) => items
                .enumerate()
                .map(|(i, item)| self.jsonata_template(item, states, &format!("{field}/{i}"), at))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Ok(node.to_json()),
        }
    }

    /// A JSONata state's Assign and Output: both see the variables as they were, then the
    /// assignments take effect. Without Output the state outputs `default`.
    fn jsonata_finish(
        &mut self,
        assign: Option<NodePtr>,
        output: Option<NodePtr>,
        states: &Value,
        default: Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let assigned = match assign.and_then(|p| self.node(p)) {
            Some(node) => Some(self.jsonata_template(node, states, "Assign", at)?),
            None => None,
        };
        let output = match output.and_then(|p| self.node(p)) {
            Some(node) => self.jsonata_template(node, states, "Output", at)?,
            None => default,
        };
        if let Some(Value::Object(values)) = assigned {
            self.scopes
                .last_mut()
                .expect("there is always a scope")
                .extend(values);
        }
        Ok(output)
    }

    /// One Map item through ItemSelector, which sees the Map state's context with the item.
    #[allow(clippy::too_many_arguments)]
    fn item_input(
        &mut self,
        map: &'t MapState,
        jsonata: bool,
        index: usize,
        item: Value,
        effective: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let Some(selector) = map.item_selector.and_then(|p| self.node(p)) else {
            return Ok(item);
        };
        self.context["Map"] = json!({"Item": {"Index": index, "Value": item}});
        let selected = if jsonata {
            let full = jsonpath::full_context(
                &self.context,
                &self.execution_input,
                self.state_now.as_ref(),
            );
            let states = json!({"input": effective, "context": full});
            self.jsonata_template(selector, &states, "ItemSelector", at)
        } else {
            self.template(selector, effective, &self.context, at)
        };
        if let Some(object) = self.context.as_object_mut() {
            object.shift_remove("Map");
        }
        selected
    }

    /// ItemBatcher: children receive `{"Items": [...], "BatchInput": ...}`, at most
    /// MaxItemsPerBatch items and MaxInputBytesPerBatch bytes each.
    fn batches(
        &mut self,
        batcher: Node<'t>,
        items: Vec<Value>,
        input: &Value,
        jsonata: bool,
        at: &At,
    ) -> Result<Vec<Value>, Failure> {
        let limit = |engine: &mut Self, field: &str| -> Result<Option<i64>, Failure> {
            let path_field = format!("{field}Path");
            let node = batcher.get(field).or_else(|| batcher.get(&path_field));
            engine.map_setting(
                field,
                node.map(NodePtr::new),
                input,
                &format!("{field} must be positive."),
                at,
            )
        };
        let max_items = limit(self, "MaxItemsPerBatch")?
            .filter(|n| *n > 0)
            .map_or(usize::MAX, |n| n as usize);
        let max_bytes = limit(self, "MaxInputBytesPerBatch")?
            .filter(|n| *n > 0)
            .map_or(usize::MAX, |n| n as usize);
        let batch_input = match batcher.get("BatchInput") {
            Some(node) if jsonata => {
                let states = self.states_value(input, None, None);
                Some(self.jsonata_template(node, &states, "BatchInput", at)?)
            }
            Some(node) => Some(self.template(node, input, &self.context, at)?),
            None => None,
        };
        let mut groups = Vec::new();
        let mut current: Vec<Value> = Vec::new();
        let mut bytes = 0;
        for item in items {
            let size = payload_size(&item) + 1;
            if !current.is_empty() && (current.len() == max_items || bytes + size > max_bytes) {
                groups.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(item);
        }
        if !current.is_empty() {
            groups.push(current);
        }
        Ok(groups
            .into_iter()
            .map(|items| {
                let mut batch = json!({"Items": items});
                if let Some(b) = &batch_input {
                    batch["BatchInput"] = b.clone();
                }
                batch
            })
            .collect())
    }

    /// A Map's `MaxConcurrency(Path)` / `ToleratedFailureCount(Path)`: a non-negative integer.
    /// ToleratedFailurePercentage (0 to 100, decimals allowed), literal or from a path.
    fn tolerated_percentage(
        &mut self,
        map: &'t crate::model::MapState,
        input: &Value,
        at: &At,
    ) -> Result<Option<f64>, Failure> {
        let Some(node) = map.tolerated_failure_percentage.and_then(|p| self.node(p)) else {
            return Ok(None);
        };
        let value = match node.as_str() {
            Some(s) if crate::model::jsonata_expression(s).is_some() => {
                let states = self.states_value(input, None, None);
                let value =
                    self.jsonata_template(node, &states, "ToleratedFailurePercentage", at)?;
                value.as_f64()
            }
            Some(path) => {
                let found = self
                    .select(path, input, &self.context)
                    .map_err(|e| at.runtime(e))?;
                match &found {
                    Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
                    other => other.as_ref().and_then(Value::as_f64),
                }
            }
            None => node.as_number().and_then(serde_json::Number::as_f64),
        };
        match value {
            Some(p) if (0.0..=100.0).contains(&p) => Ok(Some(p)),
            _ => Err(at
                .runtime("ToleratedFailurePercentage must be a number from 0 to 100.".to_string())),
        }
    }

    fn map_setting(
        &mut self,
        field: &str,
        setting: Option<NodePtr>,
        input: &Value,
        negative: &str,
        at: &At,
    ) -> Result<Option<i64>, Failure> {
        let Some(node) = setting.and_then(|p| self.node(p)) else {
            return Ok(None);
        };
        let value = match node.as_str() {
            Some(s) if crate::model::jsonata_expression(s).is_some() => {
                let states = self.states_value(input, None, None);
                match self.jsonata_template(node, &states, field, at)?.as_i64() {
                    Some(n) => n,
                    None => return Err(at.runtime(format!("{field} is not a whole number."))),
                }
            }
            Some(p) => {
                let found = self
                    .select(p, input, &self.context)
                    .map_err(|e| at.runtime(e))?;
                // A number, or a string that holds one ("1"), as AWS accepts.
                let number = match &found {
                    Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
                    other => other.as_ref().and_then(Value::as_i64),
                };
                match number {
                    Some(n) => n,
                    None => {
                        let shown = match &found {
                            Some(Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => "null".into(),
                        };
                        return Err(at.runtime(format!(
                            "The {field}Path field refers to value \"{shown}\" which is not a valid integer: {p}"
                        )));
                    }
                }
            }
            None => node
                .as_number()
                .and_then(serde_json::Number::as_i64)
                .unwrap_or(0),
        };
        if value < 0 {
            return Err(at.runtime(negative));
        }
        Ok(Some(value))
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
                    _ => Err(at.runtime(format!(
                        "The SecondsPath parameter does not reference a valid positive integer: {p}"
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

    /// A Choice rule (JSONPath): comparisons, `And` / `Or` / `Not`.
    fn rule(&mut self, node: Node<'t>, input: &Value, at: &At) -> Result<bool, Failure> {
        // One pass over the rule's members (this runs at every Choice evaluation).
        let mut variable = "$";
        let mut comparison = None;
        for m in node.members() {
            match m.key.name {
                "And" => {
                    for n in m.value.elements() {
                        if !self.rule(n, input, at)? {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
                "Or" => {
                    for n in m.value.elements() {
                        if self.rule(n, input, at)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                "Not" => return Ok(!self.rule(m.value, input, at)?),
                "Variable" => variable = m.value.as_str().unwrap_or("$"),
                "Next" | "Comment" | "Assign" => {}
                _ => {
                    comparison.get_or_insert(m);
                }
            }
        }
        let Some(m) = comparison else {
            return Ok(false);
        };
        let value = self
            .select(variable, input, &self.context)
            .map_err(|e| at.runtime(e))?;
        let op = m.key.name;
        if let Some(op_path) = op.strip_suffix("Path") {
            let p = m.value.as_str().unwrap_or("$");
            let v = self
                .select(p, input, &self.context)
                .map_err(|e| at.runtime(e))?;
            let Some(v) = v else {
                return Err(at.runtime(missing_path(p, input)));
            };
            return compare_rule(op_path, value.as_ref(), &v, variable, at);
        }
        compare_rule(op, value.as_ref(), &m.value.to_json(), variable, at)
    }
}

enum Handled {
    Done(Value),
    Caught(Value, Text),
    Failed(Failure),
}

/// Whether an error name is matched by a Retrier's or Catcher's `ErrorEquals`.
fn matches(names: &[crate::model::Spanned<crate::syntax::Text>], failure: &Failure) -> bool {
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
fn retry_delay(retrier: &Retrier, attempt: u64, rng: &mut Rng) -> i64 {
    let mut seconds = retrier.interval_seconds as f64 * retrier.backoff_rate.powi(attempt as i32);
    if let Some(max) = retrier.max_delay_seconds {
        seconds = seconds.min(max as f64);
    }
    if retrier.jitter_full {
        seconds *= rng.fraction();
    }
    (seconds * 1000.0).round() as i64
}

/// Jayway's rendering of a path in its "No results" message: `$.a.b` as `$['a']['b']`.
/// AWS's (Jayway's) message for a path that selects nothing in `data`: a missing property with
/// more path after it is "Missing property in path" up to it; otherwise "No results for path".
fn missing_path(p: &str, data: &Value) -> String {
    if let Ok(parsed) = path::parse(p) {
        if matches!(parsed.root, PathRoot::Input) {
            let mut node = data;
            let mut walked = String::from("$");
            for (i, segment) in parsed.segments.iter().enumerate() {
                let path::Segment::Field(field) = segment else {
                    break;
                };
                let _ = write!(walked, "['{field}']");
                let Value::Object(object) = node else {
                    break;
                };
                match object.get(field.as_ref() as &str) {
                    Some(next) => node = next,
                    None if i + 1 < parsed.segments.len() => {
                        return format!("Invalid path '{p}' : Missing property in path {walked}");
                    }
                    None => break,
                }
            }
        }
    }
    format!(
        "Invalid path '{p}' : No results for path: {}",
        jayway_path(p)
    )
}

fn jayway_path(p: &str) -> String {
    match path::parse(p) {
        Ok(parsed) => {
            let mut out = String::from(match parsed.root {
                PathRoot::Input => "$",
                PathRoot::Context => "$$",
                PathRoot::Variable(_) => "$",
            });
            for segment in &parsed.segments {
                let _ = match segment {
                    path::Segment::Field(f) => write!(out, "['{f}']"),
                    path::Segment::Index(i) => write!(out, "[{i}]"),
                    path::Segment::Query(q) => write!(out, "{q}"),
                };
            }
            out
        }
        Err(_) => p.to_string(),
    }
}

fn target_preview(value: &Value) -> String {
    value.to_string()
}

fn json_type_name(value: &Value) -> &'static str {
    value_type(value)
}

fn value_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One Choice comparison. A missing Variable fails every comparison but `IsPresent`.
#[allow(clippy::items_after_statements)] // the short ordering names read best next to the table
fn compare_rule(
    op: &str,
    value: Option<&Value>,
    operand: &Value,
    variable: &str,
    at: &At,
) -> Result<bool, Failure> {
    use std::cmp::Ordering;
    let truth = operand.as_bool().unwrap_or(false);
    if op == "IsPresent" {
        return Ok(value.is_some() == truth);
    }
    let Some(value) = value else {
        return Err(at.runtime(format!(
            "Invalid path '{variable}' : No results for path: {}",
            jayway_path(variable)
        )));
    };
    let number = |v: &Value| v.as_f64();
    let order = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => None,
    };
    let string_order = || match (value.as_str(), operand.as_str()) {
        (Some(a), Some(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let time_order = || match (
        value.as_str().and_then(parse_timestamp),
        operand.as_str().and_then(parse_timestamp),
    ) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => None,
    };
    let is = |o: Option<Ordering>, want: &[Ordering]| o.is_some_and(|o| want.contains(&o));
    use Ordering::{Equal as Eq, Greater as Gt, Less as Lt};
    Ok(match op {
        "IsNull" => value.is_null() == truth,
        "IsNumeric" => value.is_number() == truth,
        "IsString" => value.is_string() == truth,
        "IsBoolean" => value.is_boolean() == truth,
        "IsTimestamp" => value.as_str().and_then(parse_timestamp).is_some() == truth,
        "StringEquals" => is(string_order(), &[Eq]),
        "StringLessThan" => is(string_order(), &[Lt]),
        "StringGreaterThan" => is(string_order(), &[Gt]),
        "StringLessThanEquals" => is(string_order(), &[Lt, Eq]),
        "StringGreaterThanEquals" => is(string_order(), &[Gt, Eq]),
        "StringMatches" => match (value.as_str(), operand.as_str()) {
            (Some(v), Some(pattern)) => wildcard_match(pattern, v),
            _ => false,
        },
        "NumericEquals" => is(order(number(value), number(operand)), &[Eq]),
        "NumericLessThan" => is(order(number(value), number(operand)), &[Lt]),
        "NumericGreaterThan" => is(order(number(value), number(operand)), &[Gt]),
        "NumericLessThanEquals" => is(order(number(value), number(operand)), &[Lt, Eq]),
        "NumericGreaterThanEquals" => is(order(number(value), number(operand)), &[Gt, Eq]),
        "BooleanEquals" => value.as_bool().is_some() && value.as_bool() == operand.as_bool(),
        "TimestampEquals" => is(time_order(), &[Eq]),
        "TimestampLessThan" => is(time_order(), &[Lt]),
        "TimestampGreaterThan" => is(time_order(), &[Gt]),
        "TimestampLessThanEquals" => is(time_order(), &[Lt, Eq]),
        "TimestampGreaterThanEquals" => is(time_order(), &[Gt, Eq]),
        _ => false,
    })
}

/// `StringMatches`: `*` matches any run of characters; `\*` is a literal star.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts: Vec<String> = vec![String::new()];
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '\\')) => {
                let escaped = chars.next().unwrap_or('\\');
                parts.last_mut().expect("never empty").push(escaped);
            }
            '*' => parts.push(String::new()),
            other => parts.last_mut().expect("never empty").push(other),
        }
    }
    if parts.len() == 1 {
        return parts[0] == text;
    }
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    if !text.starts_with(first.as_str()) || !text[first.len()..].ends_with(last.as_str()) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Lower-case hexadecimal of some bytes (hashes, UUIDs).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_size_is_the_compact_json_length() {
        for value in [
            json!({"a": [1, 2.5, null, true, false], "b\"c": "x\ny\u{1}é"}),
            json!([0, 9, 10, 99, 100, -1, -10, u64::MAX, i64::MIN, 1e300, -0.5]),
            json!([]),
            json!({}),
            json!("plain"),
        ] {
            assert_eq!(payload_size(&value), value.to_string().len(), "{value}");
        }
    }

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
