//! A Map Run: each item (or batch) of a Distributed Map run as a child workflow execution of
//! the processor's ExecutionType, with a history of its own (ExecutionStarted to
//! ExecutionSucceeded / Failed / TimedOut, ids from 1), while the parent's history records
//! only MapRunStarted (with the Map Run's ARN) and MapRunSucceeded / MapRunFailed. An Express
//! child runs at most five minutes of its own. The records of the Map Run and its children
//! are in [`super::super::Execution::map_runs`].

use std::sync::Arc;

use serde_json::{json, Value};

use super::super::{
    format_timestamp, At, Details, Engine, Event, Failure, MapState, StateMachine, Status,
    MAX_DURATION_MS, MAX_EXPRESS_DURATION_MS, TIMED_OUT,
};
use crate::analysis::WorkflowType;
use crate::syntax::Text;

const REGION_ACCOUNT: &str = "us-east-1:111111111111";

/// One Map Run of a Distributed Map, as the engine recorded it.
#[derive(Clone, Debug)]
pub struct MapRun {
    pub arn: String,
    /// The Map state's name.
    pub state: Text,
    pub label: Option<String>,
    /// The children's ExecutionType.
    pub execution_type: WorkflowType,
    /// SUCCEEDED, FAILED or (the execution paused inside it) RUNNING.
    pub status: &'static str,
    /// How many children the items made (started or not).
    pub total: usize,
    /// The children that started, by index once the run ended.
    pub children: Vec<ChildExecution>,
    /// The children aborted when the run failed (marked when it ends).
    aborted: Vec<usize>,
    /// The ResultWriter's objects: written into the S3 folder, or (without one) only here.
    pub result_files: Vec<ResultFile>,
    /// The children's inputs, kept only for a ResultWriter's PENDING file.
    pub(crate) inputs: Vec<Value>,
    /// The state machine ARN the children run, `…:stateMachine:NAME/LABEL`.
    pub(crate) machine_arn: String,
}

/// A child workflow execution of a Map Run.
#[derive(Clone, Debug)]
pub struct ChildExecution {
    /// The item's (or batch's) index.
    pub index: usize,
    pub name: String,
    pub arn: String,
    pub status: Status,
    pub input: Arc<Value>,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_ms: i64,
    pub stop_ms: i64,
    /// Its own history, ids from 1.
    pub events: Vec<Event>,
}

/// An object a ResultWriter produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultFile {
    pub bucket: String,
    pub key: String,
    pub content: String,
    /// Written into the S3 folder (else recorded only).
    pub written: bool,
}

impl MapRun {
    /// The Map Run as `asl-sim run --format json` shows it, its children's histories in it.
    pub fn to_json(&self) -> Value {
        let count = |status: Status| self.children.iter().filter(|c| c.status == status).count();
        json!({
            "mapRunArn": self.arn,
            "stateName": &*self.state,
            "label": self.label,
            "executionType": match self.execution_type {
                WorkflowType::Standard => "STANDARD",
                WorkflowType::Express => "EXPRESS",
            },
            "status": self.status,
            "itemCounts": {
                "total": self.total,
                "succeeded": count(Status::Succeeded),
                "failed": count(Status::Failed),
                "timedOut": count(Status::TimedOut),
                "aborted": count(Status::Aborted),
                "pending": self.total.saturating_sub(self.children.len()),
            },
            "childExecutions": self.children.iter().map(ChildExecution::to_json).collect::<Vec<_>>(),
            "resultFiles": self.result_files.iter().map(|f| json!({
                "bucket": f.bucket, "key": f.key, "written": f.written, "content": f.content,
            })).collect::<Vec<_>>(),
        })
    }
}

impl MapRun {
    /// The children by index, those aborted marked so (a sort, not a search per child: a Map
    /// Run may have a hundred thousand).
    pub(super) fn in_index_order(&mut self) {
        self.children.sort_by_key(|c| c.index);
        for index in std::mem::take(&mut self.aborted) {
            if let Ok(at) = self.children.binary_search_by_key(&index, |c| c.index) {
                self.children[at].status = Status::Aborted;
            }
        }
    }
}

impl ChildExecution {
    pub fn to_json(&self) -> Value {
        json!({
            "index": self.index,
            "name": self.name,
            "executionArn": self.arn,
            "status": self.status.as_str(),
            "input": *self.input,
            "output": self.output,
            "error": self.error,
            "cause": self.cause,
            "startDate": format_timestamp(self.start_ms),
            "stopDate": format_timestamp(self.stop_ms),
            "events": self.events,
        })
    }
}

impl<'t> Engine<'t> {
    /// Start a Map Run: its record and its MapRunStarted event; its index in the records.
    pub(in super::super) fn start_map_run(
        &mut self,
        map: &'t MapState,
        at: &At,
        total: usize,
    ) -> usize {
        let label = map.label.clone();
        let run_label = label.clone().unwrap_or_else(|| at.state.to_string());
        let machine = self.distributed.machine_name.clone();
        let arn = format!(
            "arn:aws:states:{REGION_ACCOUNT}:mapRun:{machine}/{run_label}:{}",
            self.distributed.uuid()
        );
        let execution_type = match map
            .processor
            .as_ref()
            .and_then(|p| p.execution_type.as_deref())
        {
            Some("EXPRESS") => WorkflowType::Express,
            _ => WorkflowType::Standard,
        };
        self.event(
            "MapRunStarted",
            Details::MapRunStarted {
                map_run_arn: arn.clone(),
            },
        );
        self.distributed.runs.push(MapRun {
            arn,
            state: at.state.clone(),
            label,
            execution_type,
            status: "RUNNING",
            total,
            children: Vec::with_capacity(total),
            aborted: Vec::new(),
            result_files: Vec::new(),
            inputs: Vec::new(),
            machine_arn: format!(
                "arn:aws:states:{REGION_ACCOUNT}:stateMachine:{machine}/{run_label}"
            ),
        });
        self.distributed.runs.len() - 1
    }

    /// The Map Run's end in the parent's history.
    pub(in super::super) fn end_map_run(
        &mut self,
        run: Option<usize>,
        result: &Result<Vec<Value>, Failure>,
    ) {
        let status = match result {
            Ok(_) => {
                self.event("MapRunSucceeded", Details::None);
                "SUCCEEDED"
            }
            Err(f) if f.halts() => "RUNNING",
            Err(f) => {
                self.event(
                    "MapRunFailed",
                    Details::Error {
                        error: f.error.clone(),
                        cause: f.cause.clone(),
                    },
                );
                "FAILED"
            }
        };
        if let Some(record) = run.and_then(|r| self.distributed.runs.get_mut(r)) {
            record.status = status;
            record.in_index_order();
        }
    }

    /// A child that was still running when the Map Run failed: aborted.
    pub(in super::super) fn child_aborted(&mut self, run: usize, index: usize) {
        if let Some(record) = self.distributed.runs.get_mut(run) {
            record.aborted.push(index);
        }
    }

    /// Run child `index` of Map Run `run` as an execution of its own: its history apart from
    /// the parent's, its own context object (`$$.Execution` is the child's) and time limit.
    pub(in super::super) fn child_execution(
        &mut self,
        processor: &'t StateMachine,
        run: usize,
        index: usize,
        input: Value,
    ) -> Result<Value, Failure> {
        let (arn, name, machine_arn, express) = self.child_names(run);
        let input = Arc::new(input);
        let start_ms = self.clock_ms;
        let limit = if express {
            MAX_EXPRESS_DURATION_MS
        } else {
            MAX_DURATION_MS
        };
        let own_deadline = start_ms + limit;
        let parent = ParentParts {
            events: std::mem::replace(&mut self.events, Vec::with_capacity(8)),
            context: std::mem::replace(
                &mut self.context,
                child_context(&arn, &name, &machine_arn, start_ms, express),
            ),
            input: std::mem::replace(&mut self.execution_input, Arc::clone(&input)),
            deadline_ms: self.deadline_ms,
            longest_wait_ms: std::mem::replace(&mut self.longest_wait_ms, limit),
            quiet: std::mem::take(&mut self.quiet),
        };
        let times_out_first = own_deadline < parent.deadline_ms;
        self.deadline_ms = own_deadline.min(parent.deadline_ms);
        self.event(
            "ExecutionStarted",
            Details::ExecutionStarted {
                input: Arc::clone(&input),
                role_arn: "arn:aws:iam::111111111111:role/asl-sim".into(),
            },
        );
        let mut result = self.machine(processor, Some(Arc::clone(&input)));
        // The child's own time limit ends the child, not the parent.
        if times_out_first && matches!(&result, Err(f) if f.error == TIMED_OUT) {
            result = Err(Failure::new(
                "States.Timeout",
                "The execution ran past its time limit.",
            ));
            self.event(
                "ExecutionTimedOut",
                Details::Error {
                    error: "States.Timeout".into(),
                    cause: String::new(),
                },
            );
        }
        let status = self.child_ended_event(&result);
        let events = std::mem::replace(&mut self.events, parent.events);
        self.context = parent.context;
        self.execution_input = parent.input;
        self.deadline_ms = parent.deadline_ms;
        self.longest_wait_ms = parent.longest_wait_ms;
        self.quiet = parent.quiet;
        let (output, error, cause) = match &result {
            Ok(output) => (Some(output.clone()), None, None),
            Err(f) => (None, Some(f.error.clone()), Some(f.cause.clone())),
        };
        if let Some(record) = self.distributed.runs.get_mut(run) {
            record.children.push(ChildExecution {
                index,
                name,
                arn,
                status,
                input,
                output,
                error,
                cause,
                start_ms,
                stop_ms: self.clock_ms,
                events,
            });
        }
        result
    }

    /// The Map Run of the Map state `state` still running (a driven execution resuming it).
    pub(in super::super) fn open_map_run(&self, state: &str) -> Option<usize> {
        self.distributed
            .runs
            .iter()
            .rposition(|r| &*r.state == state && r.status == "RUNNING")
    }

    /// A paused child of Map Run `run` resumed: run on without events (its history stays as it
    /// was at its pause), its record brought up to date once it ends.
    pub(in super::super) fn resumed_child(
        &mut self,
        processor: &'t StateMachine,
        run: usize,
        index: usize,
    ) -> Result<Value, Failure> {
        let result = self.machine(processor, None);
        let stop_ms = self.clock_ms;
        // Children start, and are recorded, in index order.
        let child = self.distributed.runs.get_mut(run).and_then(|r| {
            let at = r.children.binary_search_by_key(&index, |c| c.index).ok()?;
            r.children.get_mut(at)
        });
        if let (Some(child), false) = (child, matches!(&result, Err(f) if f.halts())) {
            child.stop_ms = stop_ms;
            match &result {
                Ok(output) => {
                    child.status = Status::Succeeded;
                    child.output = Some(output.clone());
                }
                Err(f) => {
                    child.status = Status::Failed;
                    child.error = Some(f.error.clone());
                    child.cause = Some(f.cause.clone());
                }
            }
        }
        result
    }

    /// The child's ARN, name and state machine ARN, and whether it is Express.
    fn child_names(&mut self, run: usize) -> (String, String, String, bool) {
        let name = self.distributed.uuid();
        let Some(record) = self.distributed.runs.get(run) else {
            return (String::new(), name, String::new(), false);
        };
        let machine = record
            .machine_arn
            .split_once(":stateMachine:")
            .map_or("", |(_, m)| m)
            .to_string();
        let express = record.execution_type == WorkflowType::Express;
        let machine_arn = record.machine_arn.clone();
        let arn = if express {
            let id = self.distributed.uuid();
            format!("arn:aws:states:{REGION_ACCOUNT}:express:{machine}:{name}:{id}")
        } else {
            format!("arn:aws:states:{REGION_ACCOUNT}:execution:{machine}:{name}")
        };
        (arn, name, machine_arn, express)
    }

    /// The child's last event, and its status.
    fn child_ended_event(&mut self, result: &Result<Value, Failure>) -> Status {
        match result {
            Ok(output) => {
                self.event(
                    "ExecutionSucceeded",
                    Details::Output(Box::new(output.clone())),
                );
                Status::Succeeded
            }
            Err(f) if f.error == "States.Timeout" && f.cause.ends_with("its time limit.") => {
                Status::TimedOut
            }
            Err(f) if f.halts() => Status::Running,
            Err(f) => {
                self.event(
                    "ExecutionFailed",
                    Details::Error {
                        error: f.error.clone(),
                        cause: f.cause.clone(),
                    },
                );
                Status::Failed
            }
        }
    }
}

/// What a child execution takes over from its parent while it runs.
struct ParentParts {
    events: Vec<Event>,
    context: Value,
    input: Arc<Value>,
    deadline_ms: i64,
    longest_wait_ms: i64,
    quiet: u32,
}

/// A child execution's context object (`Execution.Input` aside, as for any execution).
fn child_context(arn: &str, name: &str, machine_arn: &str, start_ms: i64, express: bool) -> Value {
    let machine_name = machine_arn.rsplit(':').next().unwrap_or_default();
    let mut execution = json!({
        "Id": arn,
        "Name": name,
        "RoleArn": "arn:aws:iam::111111111111:role/asl-sim",
        "StartTime": format_timestamp(start_ms),
    });
    if !express {
        execution["RedriveCount"] = json!(0);
    }
    json!({
        "Execution": execution,
        "StateMachine": {"Id": machine_arn, "Name": machine_name},
    })
}
