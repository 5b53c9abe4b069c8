//! Task states: the call, its pattern (request-response, `.sync`, `.waitForTaskToken`,
//! activities), and what the mocks say happens, on the virtual clock: when the response or
//! callback arrives, which heartbeats the worker sends, which timeout fires first.

use serde_json::{json, Value};

use super::resume::{Frame, TaskWait};
use super::{
    missing_path, At, Details, Engine, Expired, Failure, TaskToken, TokenState, Unmocked,
    WorkerTask, PAUSED,
};
use crate::mocks::Outcome;
use crate::model::{Pattern, QueryLanguage, Resource, Seconds, State, Task};

/// AWS's default TimeoutSeconds for a task.
const DEFAULT_TIMEOUT_SECONDS: u64 = 99_999_999;

/// The history events of a task, by the kind of resource: optimized and SDK integrations record
/// `Task*` events, a bare Lambda ARN `LambdaFunction*`, an activity `Activity*`.
struct Events {
    scheduled: &'static str,
    started: &'static str,
    submitted: Option<&'static str>,
    succeeded: &'static str,
    failed: &'static str,
    timed_out: &'static str,
}

fn events(target: Option<&Resource>, pattern: Pattern) -> Events {
    match target {
        Some(Resource::LambdaFunction { .. }) => Events {
            scheduled: "LambdaFunctionScheduled",
            started: "LambdaFunctionStarted",
            submitted: None,
            succeeded: "LambdaFunctionSucceeded",
            failed: "LambdaFunctionFailed",
            timed_out: "LambdaFunctionTimedOut",
        },
        Some(Resource::Activity { .. }) => Events {
            scheduled: "ActivityScheduled",
            started: "ActivityStarted",
            submitted: None,
            succeeded: "ActivitySucceeded",
            failed: "ActivityFailed",
            timed_out: "ActivityTimedOut",
        },
        _ => Events {
            scheduled: "TaskScheduled",
            started: "TaskStarted",
            submitted: (pattern != Pattern::RequestResponse).then_some("TaskSubmitted"),
            succeeded: "TaskSucceeded",
            failed: "TaskFailed",
            timed_out: "TaskTimedOut",
        },
    }
}

impl<'t> Engine<'t> {
    /// Run one attempt of a Task; its raw result (before ResultSelector).
    pub(super) fn task(
        &mut self,
        state: &'t State,
        task: &'t Task,
        input: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        if let Some(Frame::Task(wait)) = self.resuming(|f| matches!(f, Frame::Task(_))) {
            return self.task_wait(task, *wait);
        }
        let pattern = task
            .target
            .as_ref()
            .map_or(Pattern::RequestResponse, Resource::pattern);
        let events = events(task.target.as_ref(), pattern);

        // A callback task gets a fresh token every attempt, visible only while its request is built.
        let token = (pattern == Pattern::WaitForTaskToken).then(|| self.rng.borrow_mut().uuid());
        let request = self.task_request(state, input, token.as_deref(), at)?;
        let timeout = self
            .task_seconds(task.timeout.as_ref(), input, "TimeoutSeconds", at)?
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        let heartbeat =
            self.task_seconds(task.heartbeat.as_ref(), input, "HeartbeatSeconds", at)?;
        let name = state.name.value.as_ref();
        let unmocked = self.callbacks.as_ref().map(|c| c.unmocked);
        let served = matches!(unmocked, Some(Unmocked::Workers { .. }))
            && !self
                .mocks
                .as_ref()
                .is_some_and(|m| m.states.contains_key(name));
        let worker = served
            .then(|| worker_task(task, pattern, &request, unmocked))
            .flatten();
        // A worker's task is answered through a token of its own, out of the request's sight.
        let token = token.or_else(|| worker.is_some().then(|| self.rng.borrow_mut().uuid()));
        self.record_call(task, &events, request);
        let driven = token.is_some() && (served || unmocked == Some(Unmocked::MinimalResult));
        let mut mocked = self.mocked_answer(name, task.target.as_ref(), pattern, driven, at)?;
        if served && token.is_none() {
            mocked = (unserved(name, &task.resource.value), 0, Vec::new());
        }
        let token_index = token.as_ref().map(|token| {
            self.tokens.push(TaskToken {
                token: token.clone(),
                state: name.to_string(),
                issued_ms: self.clock_ms,
                state_now: TokenState::Waiting,
                heartbeats_ms: Vec::new(),
                worker: worker.map(Box::new),
            });
            let index = self.tokens.len() - 1;
            if driven {
                (self.token_fibers).insert(token.clone(), (index, self.fiber.clone()));
            }
            index
        });
        let wait = TaskWait {
            started_ms: self.clock_ms,
            token_index,
            token: token.filter(|_| driven),
            timeout,
            heartbeat,
            mocked,
        };
        self.task_wait(task, wait)
    }

    /// The request a task sends: its Parameters or Arguments, which see `$$.Task.Token`.
    fn task_request(
        &mut self,
        state: &'t State,
        input: &Value,
        token: Option<&str>,
        at: &At,
    ) -> Result<Value, Failure> {
        if let Some(token) = token {
            self.context["Task"] = json!({"Token": token});
        }
        let request = if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, None, None);
            match state.io.arguments.and_then(|p| self.node(p)) {
                Some(arguments) => self.jsonata_template(arguments, &states, "Arguments", at),
                None => Ok(input.clone()),
            }
        } else {
            self.effective(state.io.input_path.as_ref(), input, at)
                .and_then(
                    |effective| match state.io.parameters.and_then(|p| self.node(p)) {
                        Some(template) => self.template(template, &effective, &self.context, at),
                        None => Ok(effective.into_owned()),
                    },
                )
        };
        if token.is_some() {
            if let Some(context) = self.context.as_object_mut() {
                context.shift_remove("Task");
            }
        }
        request
    }

    /// The call's events: scheduled (with the API named as AWS names it), started, submitted.
    fn record_call(&mut self, task: &'t Task, events: &Events, request: Value) {
        let (resource_type, resource) = match task.target.as_ref() {
            // AWS names the API with its pattern: `sendMessage.waitForTaskToken`.
            Some(Resource::Optimized {
                service,
                api,
                pattern,
                ..
            }) => (
                (*service).into(),
                format!("{api}{}", pattern.suffix()).into(),
            ),
            Some(Resource::AwsSdk {
                service,
                action,
                pattern,
            }) => (
                format!("aws-sdk:{service}").into(),
                format!("{action}{}", pattern.suffix()).into(),
            ),
            _ => ("lambda".into(), task.resource.value.clone()),
        };
        self.event(
            events.scheduled,
            Details::TaskScheduled {
                resource_type,
                resource,
                parameters: Box::new(request),
            },
        );
        self.event(events.started, Details::None);
        if let Some(submitted) = events.submitted {
            self.event(submitted, Details::None);
        }
    }

    /// What the mocks say this attempt of `name` does: the outcome, its delay and the worker's
    /// heartbeats in ms. Without a mock, a call answers at once with the minimal valid result of
    /// its API (`model::minimal_result`: `{}` where no model describes it) and a callback never
    /// comes.
    fn mocked_answer(
        &mut self,
        name: &str,
        target: Option<&Resource>,
        pattern: Pattern,
        driven: bool,
        at: &At,
    ) -> Result<(Outcome, i64, Vec<i64>), Failure> {
        let attempt = {
            let count = self.invocations.entry(name.to_string()).or_insert(0);
            let n = *count;
            *count += 1;
            n
        };
        let tested = self.mocked_response(at);
        let mocked = self.mocks.as_ref().and_then(|m| m.states.get(name));
        let response = match mocked {
            _ if tested.is_some() => tested,
            Some(mocked) => match mocked.invocation(attempt) {
                Some(response) => Some(response.clone()),
                None => {
                    return Err(Failure::new(
                        "States.Runtime",
                        format!("An error occurred while executing the state '{name}' (entered at the event id #{}). The mock for this state has no response for invocation {attempt}.", at.entered_event),
                    ))
                }
            },
            None => None,
        };
        if response.is_none() && self.mocks.is_some() && attempt == 0 && !driven {
            self.warnings.push(match pattern {
                Pattern::WaitForTaskToken => format!(
                    "The test case has no mock for `{name}`: nobody returns its task token."
                ),
                _ => format!(
                    "The test case has no mock for `{name}`: the call answered at once with the minimal valid result of its API."
                ),
            });
        }
        Ok(match response {
            Some(r) => (
                r.outcome,
                r.delay_seconds as i64 * 1000,
                r.heartbeats.iter().map(|b| *b as i64 * 1000).collect(),
            ),
            None if pattern == Pattern::WaitForTaskToken => (Outcome::NoResponse, 0, Vec::new()),
            None => (
                Outcome::Return(crate::model::minimal_result::minimal_result(target)),
                0,
                Vec::new(),
            ),
        })
    }

    /// A task attempt from its call on: which comes first on the virtual clock, the answer, a
    /// missed heartbeat or the timeout; paused until then if it is past "now".
    fn task_wait(&mut self, task: &'t Task, wait: TaskWait) -> Result<Value, Failure> {
        let pattern = task
            .target
            .as_ref()
            .map_or(Pattern::RequestResponse, Resource::pattern);
        let events = events(task.target.as_ref(), pattern);
        // Milliseconds after the task started: when it answers, when the worker beats. A
        // driver answers token waits itself.
        let (outcome, delay_ms, beats) = match (&self.callbacks, &wait.token) {
            (Some(callbacks), Some(token)) => callbacks.answer(token, wait.started_ms),
            _ => wait.mocked.clone(),
        };
        let (timeout, heartbeat, token_index) = (wait.timeout, wait.heartbeat, wait.token_index);

        // Which comes first on the virtual clock: the answer, a missed heartbeat, the timeout.
        let timeout_ms = timeout as i64 * 1000;
        let answer_at = (!matches!(outcome, Outcome::NoResponse)).then_some(delay_ms);
        let sent_beats = beats.clone();
        let heartbeat_expiry = heartbeat.map(|hb| {
            let hb = hb as i64 * 1000;
            let mut last = 0;
            let mut beats: Vec<i64> = beats
                .into_iter()
                .filter(|b| answer_at.is_none_or(|a| *b < a))
                .collect();
            beats.sort_unstable();
            for beat in beats {
                if beat - last > hb {
                    break;
                }
                last = beat;
            }
            last + hb
        });
        let first = [answer_at, heartbeat_expiry, Some(timeout_ms)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(timeout_ms);
        if let Err(f) = self.sleep(wait.started_ms + first - self.clock_ms) {
            if f.error == PAUSED {
                self.unwind(Frame::Task(Box::new(wait)));
            }
            return Err(f);
        }
        let answered = answer_at == Some(first)
            && heartbeat_expiry.is_none_or(|h| h > first)
            && timeout_ms > first;
        if let Some(i) = token_index {
            let issued = self.tokens[i].issued_ms;
            self.tokens[i].heartbeats_ms = sent_beats
                .iter()
                .filter(|b| **b < first)
                .map(|b| issued + b)
                .collect();
            self.tokens[i].state_now = if answered {
                TokenState::Answered
            } else {
                TokenState::TimedOut
            };
        }

        if answered {
            return self.answered(task, &events, outcome);
        }
        let heartbeat_fired = heartbeat_expiry == Some(first) && first < timeout_ms;
        let expired = match heartbeat {
            Some(seconds) if heartbeat_fired => Expired::Heartbeat(seconds),
            _ => Expired::Timeout(timeout),
        };
        self.event(
            events.timed_out,
            Details::TaskTimedOut {
                cause: String::new(),
                expired,
            },
        );
        Err(Failure {
            error: "States.Timeout".into(),
            cause: String::new(),
            heartbeat: heartbeat_fired,
            from_service: false,
        })
    }

    /// The answer that came in time: the result, or the error the task fails with.
    fn answered(
        &mut self,
        task: &'t Task,
        events: &Events,
        outcome: Outcome,
    ) -> Result<Value, Failure> {
        match outcome {
            Outcome::Return(value) => {
                let result = match task.target {
                    // A bare Lambda ARN returns the function's payload.
                    Some(Resource::LambdaFunction { .. }) => {
                        value.get("Payload").cloned().unwrap_or(value)
                    }
                    _ => value,
                };
                self.event(events.succeeded, Details::Output(Box::new(result.clone())));
                Ok(result)
            }
            Outcome::Throw { error, cause } if error == "States.Timeout" => {
                self.event(
                    events.timed_out,
                    Details::TaskTimedOut {
                        cause: cause.clone().unwrap_or_default(),
                        expired: Expired::Reported,
                    },
                );
                Err(Failure {
                    error,
                    cause: cause.unwrap_or_default(),
                    heartbeat: false,
                    from_service: true,
                })
            }
            Outcome::Throw { error, cause } => {
                let cause = cause.unwrap_or_default();
                self.event(
                    events.failed,
                    Details::Error {
                        error: error.clone(),
                        cause: cause.clone(),
                    },
                );
                Err(Failure::from_service(&error, cause))
            }
            Outcome::NoResponse => unreachable!("NoResponse never answers"),
        }
    }

    /// TimeoutSeconds / HeartbeatSeconds: fixed, from a path, or from JSONata.
    fn task_seconds(
        &mut self,
        seconds: Option<&'t crate::model::Spanned<Seconds>>,
        input: &Value,
        field: &str,
        at: &At,
    ) -> Result<Option<u64>, Failure> {
        let Some(seconds) = seconds else {
            return Ok(None);
        };
        match &seconds.value {
            Seconds::Fixed(s) => Ok(Some(*s)),
            Seconds::Path(p) => {
                let value = self
                    .select(p, input, &self.context)
                    .map_err(|e| at.runtime(e))?;
                let Some(value) = value else {
                    return Err(at.runtime(missing_path(p, input)));
                };
                value.as_u64().filter(|s| *s > 0).map(Some).ok_or_else(|| {
                    at.runtime(format!(
                        "The {field}Path parameter does not reference a valid positive integer: {p}"
                    ))
                })
            }
            Seconds::Jsonata(expr) => {
                let states = self.states_value(input, None, None);
                let value = self.jsonata_expr(expr, &states, field, at)?;
                match positive_whole(&value) {
                    Some(seconds) => Ok(Some(seconds)),
                    None => Err(self.unexpected_type(expr, field, "integer", &value, at)),
                }
            }
        }
    }
}

/// What an unmocked task leaves to a worker under [`Unmocked::Workers`]: an activity's input, a
/// Lambda function's payload. `None`: nobody outside serves it (a `.waitForTaskToken` task's
/// worker learns its token from the request itself).
fn worker_task(
    task: &Task,
    pattern: Pattern,
    request: &Value,
    unmocked: Option<Unmocked>,
) -> Option<WorkerTask> {
    let lambda = matches!(unmocked, Some(Unmocked::Workers { lambda: true }));
    match task.target.as_ref()? {
        Resource::Activity { .. } => Some(WorkerTask::Activity {
            arn: task.resource.value.to_string(),
            input: request.clone(),
        }),
        Resource::LambdaFunction { .. } if lambda => Some(WorkerTask::Lambda {
            function: task.resource.value.to_string(),
            payload: request.clone(),
            callback: false,
        }),
        Resource::Optimized {
            service: "lambda",
            api: "invoke",
            ..
        } if lambda => Some(WorkerTask::Lambda {
            function: request["FunctionName"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            payload: request.get("Payload").cloned().unwrap_or(Value::Null),
            callback: pattern == Pattern::WaitForTaskToken,
        }),
        _ => None,
    }
}

/// The failure of a task that no mock answers and no worker serves.
fn unserved(state: &str, resource: &str) -> Outcome {
    Outcome::Throw {
        error: "States.TaskFailed".into(),
        cause: Some(format!(
            "No mock answers the state '{state}' ({resource}) and no worker serves it: outside the mocks only activities, .waitForTaskToken callbacks and Lambda calls (given a Lambda endpoint) are answered."
        )),
    }
}

/// A positive whole number of seconds; JSONata's arithmetic gives `1.0` for 1.
fn positive_whole(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        })
        .filter(|s| *s > 0)
}
