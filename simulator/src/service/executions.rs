//! StartExecution (with Step Functions Local's `ARN#TestCase`), StartSyncExecution,
//! DescribeExecution, ListExecutions, StopExecution, DescribeStateMachineForExecution; and what
//! follows each move of an execution (`settle`): its new tokens registered, its workers' tasks
//! queued, its wake-up put on the heap, and once it ends, its place among the finished.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::names::{self, Kind};
use super::tasks::LambdaCall;
use super::{arn_member, optional, paging, timestamp, ApiError, Reply, Service};
use crate::engine::{
    Callbacks, Execution, Resumable, Rng, RunOptions, Status, Unmocked, WorkerTask,
};
use crate::WorkflowType;

/// AWS's limit on an execution's input and output, and on a callback's output.
pub(super) const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

pub(super) struct ExecutionRecord {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    /// The definition it started with, and the machine's record then (for
    /// DescribeStateMachineForExecution).
    pub definition: Arc<str>,
    pub sequence: u64,
    pub input_text: String,
    pub run: Resumable,
    pub start_ms: i64,
    pub stop_ms: Option<i64>,
    /// How many of the execution's tokens have been registered.
    pub tokens_seen: usize,
    /// The wake-up on the heap for it, if any.
    pub wake_queued: Option<i64>,
}

impl ExecutionRecord {
    pub fn execution(&self) -> &Execution {
        self.run.execution()
    }

    fn status(&self) -> &'static str {
        self.execution().status.as_str()
    }

    /// DescribeExecution's answer.
    fn describe(&self) -> Value {
        let execution = self.execution();
        let mut out = json!({
            "executionArn": self.arn,
            "stateMachineArn": self.state_machine_arn,
            "name": self.name,
            "status": self.status(),
            "startDate": timestamp(self.start_ms),
            "input": self.input_text,
            "inputDetails": {"included": true},
            "redriveCount": 0,
            "redriveStatus": "NOT_REDRIVABLE",
        });
        self.ending(&mut out, execution);
        out
    }

    /// `stopDate`, `output`, `error` and `cause`, once ended.
    fn ending(&self, out: &mut Value, execution: &Execution) {
        if let Some(stop) = self.stop_ms {
            out["stopDate"] = timestamp(stop);
        }
        if let Some(output) = &execution.output {
            out["output"] = json!(output.to_string());
            out["outputDetails"] = json!({"included": true});
        }
        if let Some(error) = &execution.error {
            out["error"] = json!(error);
        }
        if let Some(cause) = &execution.cause {
            out["cause"] = json!(cause);
        }
    }
}

/// The execution an ARN argument names, or AWS's error.
pub(super) fn record<'s>(service: &'s Service, arn: &str) -> Result<&'s ExecutionRecord, ApiError> {
    names::check_arn(arn, &[Kind::Execution])?;
    service
        .executions
        .get(arn)
        .ok_or_else(|| does_not_exist(arn))
}

fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new(
        "ExecutionDoesNotExist",
        format!("Execution Does Not Exist: '{arn}'"),
    )
}

/// The execution's input: JSON text of at most 256 KiB (`{}` when absent).
fn execution_input(request: &Value) -> Result<(String, Value), ApiError> {
    let text = optional(request, "input")?.unwrap_or("{}");
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to {MAX_PAYLOAD_BYTES}"
        )));
    }
    let value = serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            "InvalidExecutionInput",
            format!("Invalid State Machine Execution Input: '{e}'"),
        )
    })?;
    Ok((text.to_string(), value))
}

/// The test case `ARN#Case` asks for, from the mock file: AWS's error when there is none.
fn test_case(
    service: &Service,
    machine: &str,
    case: &str,
) -> Result<crate::mocks::TestCase, ApiError> {
    let Some(config) = &service.config.mocks else {
        return Err(ApiError::validation(format!(
            "No mock file is loaded, so there is no test case '{case}' (start the server with --mocks FILE or SFN_MOCK_CONFIG)."
        )));
    };
    crate::mocks::read_test_case(config, machine, case).map_err(|problems| {
        let messages: Vec<String> = problems
            .iter()
            .map(|p| format!("{} (at {})", p.message, p.pointer))
            .collect();
        ApiError::validation(format!(
            "The test case '{case}' of the state machine '{machine}' cannot be run: {}",
            messages.join("; ")
        ))
    })
}

/// Start an execution: its ARN. `sync` for StartSyncExecution, which runs only Express.
fn start(service: &mut Service, request: &Value, sync: bool) -> Result<String, ApiError> {
    let requested = &arn_member(request, "stateMachineArn")?;
    // Step Functions Local: `ARN#TestCase` runs that test case of the mock file.
    let (machine_arn, case) = match requested.split_once('#') {
        Some((arn, case)) => (arn, Some(case)),
        None => (requested.as_str(), None),
    };
    let machine = super::state_machines::machine(service, machine_arn)?;
    let express = machine.workflow_type == WorkflowType::Express;
    if sync && !express {
        return Err(ApiError::new(
            "StateMachineTypeNotSupported",
            "This operation is not supported by this type of state machine: StartSyncExecution runs EXPRESS state machines.",
        ));
    }
    let (input_text, input) = execution_input(request)?;
    let mocks = case
        .map(|case| test_case(service, &machine.name, case))
        .transpose()?;
    let sequence = service.started + 1;
    let seed = service.seed_base.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ sequence;
    let name = match optional(request, "name")? {
        Some(name) => name.to_string(),
        None => Rng::new(seed ^ 0x5EED).uuid(),
    };
    names::check_name(&name, "execution")?;
    let express_id = express.then(|| Rng::new(seed).uuid());
    let arn = names::execution_arn(&machine.name, &name, express_id.as_deref());
    if let Some(existing) = service.executions.get(&arn) {
        // AWS: the same start again of a running execution answers it.
        if existing.input_text == input_text && existing.run.is_paused() {
            return Ok(arn);
        }
        return Err(ApiError::new(
            "ExecutionAlreadyExists",
            format!("Execution Already Exists: '{arn}'"),
        ));
    }
    let now = service.clock.now_ms();
    let options = RunOptions {
        input: Arc::new(input),
        start_time_ms: now,
        seed,
        execution_name: name.clone(),
        state_machine_name: machine.name.clone(),
        workflow_type: machine.workflow_type,
        mocks,
        callbacks: Some(Callbacks::new(Unmocked::Workers {
            lambda: service.config.lambda,
        })),
        ..RunOptions::default()
    };
    let record = ExecutionRecord {
        arn: arn.clone(),
        name,
        state_machine_arn: machine.arn.clone(),
        definition: Arc::clone(&machine.definition),
        sequence,
        input_text,
        run: Resumable::start(Arc::clone(&machine.checked), options),
        start_ms: now,
        stop_ms: None,
        tokens_seen: 0,
        wake_queued: None,
    };
    service.started = sequence;
    if let Some(machine) = service.state_machines.get_mut(machine_arn) {
        machine.executions.insert(sequence, arn.clone());
    }
    service.executions.insert(arn.clone(), record);
    service.settle(&arn);
    Ok(arn)
}

pub(super) fn start_execution(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = start(service, request, false)?;
    let start_ms = service.executions.get(&arn).map_or(0, |r| r.start_ms);
    Ok(json!({"executionArn": arn, "startDate": timestamp(start_ms)}))
}

/// StartSyncExecution: the answer once the Express execution ends.
pub(super) fn start_sync_execution(
    service: &mut Service,
    request: &Value,
) -> Result<Reply, ApiError> {
    let arn = start(service, request, true)?;
    let poll = super::Poll::SyncExecution { execution_arn: arn };
    Ok(match service.poll(&poll) {
        Some(answer) => Reply::Done(answer),
        None => Reply::Later(poll),
    })
}

impl Service {
    /// StartSyncExecution's answer, once the execution has ended.
    pub(super) fn sync_result(&self, arn: &str) -> Option<Value> {
        let record = self.executions.get(arn)?;
        if record.run.is_paused() {
            return None;
        }
        let execution = record.execution();
        let mut out = json!({
            "executionArn": record.arn,
            "stateMachineArn": record.state_machine_arn,
            "name": record.name,
            "status": record.status(),
            "startDate": timestamp(record.start_ms),
            "input": record.input_text,
            "inputDetails": {"included": true},
            "billingDetails": {
                "billedMemoryUsedInMB": 64,
                "billedDurationInMilliseconds": (execution.elapsed_seconds * 1000.0).ceil().max(100.0) as u64,
            },
        });
        record.ending(&mut out, execution);
        Some(out)
    }

    /// After an execution moved: register its new tokens, hand its workers' tasks out, put its
    /// wake-up on the heap, and once it has ended, count it among the finished.
    pub(super) fn settle(&mut self, arn: &str) {
        let Some(record) = self.executions.get_mut(arn) else {
            return;
        };
        let execution = record.run.execution();
        for (index, token) in execution.tokens.iter().enumerate().skip(record.tokens_seen) {
            self.tokens
                .insert(token.token.clone(), (arn.to_string(), index));
            match token.worker.as_deref() {
                Some(WorkerTask::Activity { arn: activity, .. }) => self
                    .activity_tasks
                    .entry(super::names::canonical(activity))
                    .or_default()
                    .push_back(token.token.clone()),
                Some(WorkerTask::Lambda {
                    function,
                    payload,
                    callback,
                }) => self.lambda_calls.push(LambdaCall {
                    token: token.token.clone(),
                    function: function.clone(),
                    payload: payload.clone(),
                    callback: *callback,
                }),
                None => {}
            }
        }
        record.tokens_seen = execution.tokens.len();
        if let Some(wake) = execution.wakes_at_ms.filter(|_| record.run.is_paused()) {
            if record.wake_queued != Some(wake) {
                record.wake_queued = Some(wake);
                self.wakes.push(std::cmp::Reverse((wake, arn.to_string())));
            }
        }
        if !record.run.is_paused() && record.stop_ms.is_none() {
            record.stop_ms = Some(
                execution
                    .events
                    .last()
                    .map_or(record.start_ms, |e| e.timestamp_ms),
            );
            record.wake_queued = None;
            self.finished.push_back(arn.to_string());
            self.drop_oldest_finished();
        }
    }

    /// Keep at most `max_executions` finished executions: the oldest finished go first.
    fn drop_oldest_finished(&mut self) {
        while self.finished.len() > self.config.max_executions {
            let Some(arn) = self.finished.pop_front() else {
                break;
            };
            let Some(record) = self.executions.remove(&arn) else {
                continue;
            };
            for token in &record.execution().tokens {
                self.tokens.remove(&token.token);
            }
            if let Some(machine) = self.state_machines.get_mut(&record.state_machine_arn) {
                machine.executions.remove(&record.sequence);
            }
        }
    }
}

pub(super) fn describe(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "executionArn")?;
    service.catch_up(arn);
    Ok(record(service, arn)?.describe())
}

pub(super) fn describe_state_machine(
    service: &mut Service,
    request: &Value,
) -> Result<Value, ApiError> {
    let execution = record(service, &arn_member(request, "executionArn")?)?;
    match service.state_machines.get(&execution.state_machine_arn) {
        Some(machine) => {
            let mut out = machine.describe(&execution.definition);
            if let Some(members) = out.as_object_mut() {
                members.remove("status");
                members.remove("creationDate");
                members.remove("type");
                members.insert("updateDate".into(), timestamp(machine.created_ms));
            }
            Ok(out)
        }
        None => Err(super::state_machines::does_not_exist(
            &execution.state_machine_arn,
        )),
    }
}

/// ListExecutions' `statusFilter` values.
const STATUSES: [&str; 6] = [
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
    "PENDING_REDRIVE",
];

/// ListExecutions: newest first, optionally of one status, a page at a time.
pub(super) fn list(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let size = paging::page_size(request)?;
    let machine_arn = &arn_member(request, "stateMachineArn")?;
    let machine = super::state_machines::machine(service, machine_arn)?;
    let status = optional(request, "statusFilter")?;
    if let Some(status) = status.filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            STATUSES.join(", ")
        )));
    }
    let list_name = format!("executions:{machine_arn}:{}", status.unwrap_or(""));
    let before = paging::index(request, &list_name)?.unwrap_or(u64::MAX);
    let mut page = Vec::new();
    let mut next = None;
    for (sequence, arn) in machine.executions.range(..before).rev() {
        let Some(record) = service.executions.get(arn) else {
            continue;
        };
        if status.is_some_and(|s| s != record.status()) {
            continue;
        }
        if page.len() == size {
            next = Some(sequence + 1);
            break;
        }
        let mut item = json!({
            "executionArn": record.arn,
            "stateMachineArn": record.state_machine_arn,
            "name": record.name,
            "status": record.status(),
            "startDate": timestamp(record.start_ms),
            "redriveCount": 0,
        });
        if let Some(stop) = record.stop_ms {
            item["stopDate"] = timestamp(stop);
        }
        page.push(item);
    }
    let mut out = Map::new();
    out.insert("executions".into(), Value::Array(page));
    if let Some(next) = next {
        out.insert("nextToken".into(), paging::next_token(&list_name, next));
    }
    Ok(Value::Object(out))
}

/// StopExecution: it ends ABORTED now.
pub(super) fn stop(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "executionArn")?;
    record(service, arn)?;
    let error = optional(request, "error")?.unwrap_or("");
    let cause = optional(request, "cause")?.unwrap_or("");
    service.catch_up(arn);
    let now = service.clock.now_ms();
    if let Some(record) = service.executions.get_mut(arn) {
        if record.execution().status == Status::Running {
            record.run.stop(error, cause);
        }
    }
    service.settle(arn);
    Ok(
        json!({"stopDate": timestamp(service.executions.get(arn).and_then(|r| r.stop_ms).unwrap_or(now))}),
    )
}

impl Service {
    /// Bring one execution up to now before reading or answering it: what fell due since the
    /// timer last ran happens first.
    pub(super) fn catch_up(&mut self, arn: &str) {
        let now = self.clock.now_ms();
        let Some(record) = self.executions.get_mut(arn) else {
            return;
        };
        if record.run.is_paused() {
            record.run.advance_to(now);
            self.settle(arn);
        }
    }
}
