//! The Step Functions service without HTTP: what `asl-sim serve` answers, as AWS's operations
//! on plain JSON values. A request is the API's request object, an answer its response object
//! or an [`ApiError`] (`__type` and `message`). Each running execution is an
//! [`engine::Resumable`](crate::engine::Resumable), moved on by callbacks and by the clock: a
//! resume costs what it unblocks, never a replay, and a history is read a page at a time from
//! the events the engine keeps.
//!
//! One file per group of operations: `state_machines`, `executions`, `history`, `tasks`
//! (callbacks and the Lambda calls left to the front end), `activities`, `tags`; `clock` is real,
//! scaled or manual time and the heap of wake-ups; `names` the ARNs and AWS's name rules, `paging` the lists' tokens.

mod activities;
mod clock;
mod executions;
mod history;
mod names;
mod paging;
mod state_machines;
mod tags;
mod tasks;

use std::collections::{BTreeMap, BinaryHeap, VecDeque};

use serde_json::{json, Value};

use crate::fxhash::FxHashMap;

pub use clock::{Clock, ClockMode};
pub use tasks::{LambdaAnswer, LambdaCall};

/// The largest request body the service reads (a 1 MB definition with room to spare); AWS's
/// payload limits (256 KiB inputs and outputs) are checked member by member.
pub const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// How many finished executions are kept unless told otherwise.
pub const DEFAULT_MAX_EXECUTIONS: usize = 10_000;

/// An answer AWS gives instead of a response: HTTP 400 with `{"__type", "message"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub type_name: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(type_name: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            type_name,
            message: message.into(),
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        ApiError::new("ValidationException", message)
    }

    /// A body that is not a JSON object, as AWS JSON 1.0 services answer it.
    pub fn serialization(message: impl Into<String>) -> Self {
        ApiError::new("SerializationException", message)
    }

    pub fn to_json(&self) -> Value {
        json!({"__type": self.type_name, "message": self.message})
    }
}

impl From<crate::engine::ApiError> for ApiError {
    fn from(e: crate::engine::ApiError) -> Self {
        ApiError::new(e.code, e.message)
    }
}

/// What the service is started with.
#[derive(Clone, Debug)]
pub struct Config {
    /// A mock file in Step Functions Local's format: `StartExecution` on `ARN#TestCase` runs
    /// that test case of the state machine named like the one started.
    pub mocks: Option<Value>,
    /// Whether unmocked Lambda calls are left to the front end ([`Service::take_lambda_calls`]).
    pub lambda: bool,
    pub clock: ClockMode,
    /// Finished executions kept; past it the oldest finished is dropped.
    pub max_executions: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mocks: None,
            lambda: false,
            clock: ClockMode::Real { scale: 1.0 },
            max_executions: DEFAULT_MAX_EXECUTIONS,
        }
    }
}

/// An operation's answer: at once, or once something happens (a worker's task to hand out, an
/// Express execution's end): the front end asks [`Service::poll`] again as things change.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Done(Value),
    Later(Poll),
}

/// What a long call waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum Poll {
    /// GetActivityTask: a task of this activity. AWS answers an empty task after 60 s.
    ActivityTask { activity_arn: String },
    /// StartSyncExecution: the execution's end.
    SyncExecution { execution_arn: String },
}

impl Poll {
    /// How long a client is kept waiting before [`Poll::gave_up`]'s answer, in real seconds.
    pub fn timeout_seconds(&self) -> Option<u64> {
        match self {
            Poll::ActivityTask { .. } => Some(60),
            Poll::SyncExecution { .. } => None,
        }
    }

    /// The answer when the wait ran out: no task.
    pub fn gave_up(&self) -> Value {
        json!({})
    }
}

type Operation = fn(&mut Service, &Value) -> Result<Value, ApiError>;

/// `AWSStepFunctions.<name>`: each operation answered at once.
const OPERATIONS: &[(&str, Operation)] = &[
    ("CreateStateMachine", state_machines::create),
    ("DescribeStateMachine", state_machines::describe),
    ("UpdateStateMachine", state_machines::update),
    ("DeleteStateMachine", state_machines::delete),
    ("ListStateMachines", state_machines::list),
    (
        "ValidateStateMachineDefinition",
        state_machines::validate_definition,
    ),
    ("TestState", state_machines::test_state),
    ("StartExecution", executions::start_execution),
    ("DescribeExecution", executions::describe),
    ("ListExecutions", executions::list),
    ("StopExecution", executions::stop),
    (
        "DescribeStateMachineForExecution",
        executions::describe_state_machine,
    ),
    ("GetExecutionHistory", history::get_execution_history),
    ("SendTaskSuccess", tasks::send_success),
    ("SendTaskFailure", tasks::send_failure),
    ("SendTaskHeartbeat", tasks::send_heartbeat),
    ("CreateActivity", activities::create),
    ("DescribeActivity", activities::describe),
    ("ListActivities", activities::list),
    ("DeleteActivity", activities::delete),
    ("TagResource", tags::tag),
    ("UntagResource", tags::untag),
    ("ListTagsForResource", tags::list),
];

type LongOperation = fn(&mut Service, &Value) -> Result<Reply, ApiError>;

/// Each operation whose answer may have to wait.
const LONG_OPERATIONS: &[(&str, LongOperation)] = &[
    ("GetActivityTask", activities::get_activity_task),
    ("StartSyncExecution", executions::start_sync_execution),
];

/// The service's own control calls, `AslWorkbench.<name>`.
const CONTROLS: &[(&str, Operation)] = &[("AdvanceClock", clock::advance_clock)];

/// Every state machine, execution, activity and tag, and the clock that moves them.
pub struct Service {
    config: Config,
    clock: Clock,
    /// By ARN (so listed in name order).
    state_machines: BTreeMap<String, state_machines::StateMachineRecord>,
    executions: FxHashMap<String, executions::ExecutionRecord>,
    /// Each token issued: its execution's ARN and its place in that execution's tokens.
    tokens: FxHashMap<String, (String, usize)>,
    activities: BTreeMap<String, activities::ActivityRecord>,
    /// Tokens of activity tasks not handed out yet, by activity ARN.
    activity_tasks: FxHashMap<String, VecDeque<String>>,
    tags: FxHashMap<String, BTreeMap<String, String>>,
    /// When each paused execution wakes (stale entries are skipped).
    wakes: BinaryHeap<std::cmp::Reverse<(i64, String)>>,
    /// Finished executions, oldest first, for `max_executions`.
    finished: VecDeque<String>,
    lambda_calls: Vec<LambdaCall>,
    /// Counts executions started: their order in listings, and their seeds.
    started: u64,
    seed_base: u64,
}

impl Service {
    pub fn new(config: Config) -> Self {
        let clock = Clock::new(config.clock);
        Service {
            seed_base: clock.now_ms() as u64,
            config,
            clock,
            state_machines: BTreeMap::new(),
            executions: FxHashMap::default(),
            tokens: FxHashMap::default(),
            activities: BTreeMap::new(),
            activity_tasks: FxHashMap::default(),
            tags: FxHashMap::default(),
            wakes: BinaryHeap::new(),
            finished: VecDeque::new(),
            lambda_calls: Vec::new(),
            started: 0,
        }
    }

    /// Answer one call: `target` is the request's `X-Amz-Target` (`AWSStepFunctions.StartExecution`),
    /// `body` its JSON text.
    pub fn call(&mut self, target: &str, body: &[u8]) -> Result<Reply, ApiError> {
        let (service, operation) = target.split_once('.').unwrap_or(("", target));
        let unknown = || {
            ApiError::new(
                "UnknownOperationException",
                format!("Operation '{operation}' is not supported (X-Amz-Target: {target})."),
            )
        };
        let request = parse_request(body)?;
        match service {
            "AWSStepFunctions" => {
                if let Some((_, run)) = OPERATIONS.iter().find(|(name, _)| *name == operation) {
                    return run(self, &request).map(Reply::Done);
                }
                match LONG_OPERATIONS.iter().find(|(name, _)| *name == operation) {
                    Some((_, run)) => run(self, &request),
                    None => Err(unknown()),
                }
            }
            "AslWorkbench" => match CONTROLS.iter().find(|(name, _)| *name == operation) {
                Some((_, run)) => run(self, &request).map(Reply::Done),
                None => Err(unknown()),
            },
            _ => Err(unknown()),
        }
    }

    /// A long call's answer, if it has come.
    pub fn poll(&mut self, poll: &Poll) -> Option<Value> {
        match poll {
            Poll::ActivityTask { activity_arn } => self.next_activity_task(activity_arn),
            Poll::SyncExecution { execution_arn } => self.sync_result(execution_arn),
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The earliest virtual time at which a paused execution wakes.
    pub fn next_wake_ms(&self) -> Option<i64> {
        self.wakes.peek().map(|std::cmp::Reverse((at, _))| *at)
    }

    /// Move every execution whose wake-up is due by now on to now.
    pub fn advance_due(&mut self) {
        let now = self.clock.now_ms();
        while let Some(std::cmp::Reverse((at, arn))) = self.wakes.peek().cloned() {
            if at > now {
                break;
            }
            self.wakes.pop();
            let Some(record) = self.executions.get_mut(&arn) else {
                continue;
            };
            if record.wake_queued != Some(at) {
                continue;
            }
            record.wake_queued = None;
            record.run.advance_to(now);
            self.settle(&arn);
        }
    }
}

/// The request object: a JSON object (an empty body is an empty request).
fn parse_request(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(request) if request.is_object() => Ok(request),
        Ok(_) => Err(ApiError::serialization(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::serialization(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}

/// A required string member, or AWS's validation error naming it.
fn required<'r>(request: &'r Value, member: &str) -> Result<&'r str, ApiError> {
    match request.get(member) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(ApiError::validation(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))),
        Some(_) => Err(ApiError::serialization(format!(
            "The member '{member}' must be a string."
        ))),
    }
}

/// A required ARN member, with its region and account taken as ours: suites written for Step
/// Functions Local name its account (123456789012) and their own region.
fn arn_member(request: &Value, member: &str) -> Result<String, ApiError> {
    required(request, member).map(names::canonical)
}

/// An optional string member.
fn optional<'r>(request: &'r Value, member: &str) -> Result<Option<&'r str>, ApiError> {
    match request.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::serialization(format!(
            "The member '{member}' must be a string."
        ))),
    }
}

/// Epoch seconds, as the API's timestamps are sent.
fn timestamp(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}
