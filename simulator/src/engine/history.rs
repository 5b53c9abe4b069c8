//! Execution history: typed events while the engine runs (cheap to record, tens of thousands
//! per run), turned into AWS's GetExecutionHistory JSON only when shown.

use std::sync::Arc;

use serde_json::{json, Value};

use super::time::format_timestamp;
use crate::syntax::Text;

/// What an event carries besides its type.
#[derive(Clone, Debug, PartialEq)]
pub enum Details {
    None,
    ExecutionStarted {
        /// Shared with the engine, which reads it as `$$.Execution.Input`.
        input: Arc<Value>,
        role_arn: Text,
    },
    /// Boxed, as the larger payloads are: an event is as big as its largest variant, and a
    /// history holds tens of thousands.
    Output(Box<Value>),
    Error {
        error: String,
        cause: String,
    },
    /// Input and output are shared with the engine, not copied.
    StateEntered {
        name: Text,
        input: Arc<Value>,
    },
    StateExited {
        name: Text,
        output: Arc<Value>,
    },
    MapStarted {
        length: usize,
    },
    MapRunStarted {
        map_run_arn: String,
    },
    /// A task's call: the service, the API and the request it was given.
    TaskScheduled {
        resource_type: Text,
        resource: Text,
        parameters: Box<Value>,
    },
    MapIteration {
        index: usize,
        name: Text,
    },
    /// A state still running when a sibling branch or iteration failed (AWS records no details).
    StateAborted {
        name: Text,
    },
    /// A task that ran out of time: AWS records only `States.Timeout`; which clock fired is kept
    /// for people reading the timeline.
    TaskTimedOut {
        cause: String,
        expired: Expired,
    },
}

/// Which limit ended a task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expired {
    /// No heartbeat within HeartbeatSeconds.
    Heartbeat(u64),
    /// TimeoutSeconds elapsed.
    Timeout(u64),
    /// The mocked service itself answered States.Timeout.
    Reported,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: usize,
    pub previous_event_id: usize,
    /// Virtual time, milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// AWS's HistoryEventType (`PassStateEntered`, `MapIterationStarted`, ...).
    pub kind: &'static str,
    pub details: Details,
    /// Which run of states the event belongs to: 0 the machine's own, each Parallel branch and
    /// Map iteration its own number. Not part of AWS's history (its merged order interleaves
    /// concurrent children); the timeline uses it to tell one iteration's visits from another's.
    pub lane: u32,
}

/// `PassStateEntered`, `MapStateExited`, ...: the event types of entering and leaving a state.
pub fn state_event(state_type: &str, exited: bool) -> &'static str {
    macro_rules! types {
        ($($t:literal),*) => {
            match (state_type, exited) {
                $(($t, false) => concat!($t, "StateEntered"), ($t, true) => concat!($t, "StateExited"),)*
                (_, false) => "StateEntered",
                (_, true) => "StateExited",
            }
        };
    }
    types!("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
}

impl Event {
    /// The name of the state the event concerns, if any.
    pub fn state_name(&self) -> Option<&str> {
        match &self.details {
            Details::StateEntered { name, .. }
            | Details::StateExited { name, .. }
            | Details::MapIteration { name, .. }
            | Details::StateAborted { name } => Some(name),
            _ => None,
        }
    }

    /// A few words on what happened, for a timeline read by people; empty when the type says it all.
    pub fn summary(&self) -> String {
        match &self.details {
            Details::TaskScheduled {
                resource_type,
                resource,
                ..
            } => format!("{resource_type}:{resource}"),
            Details::TaskTimedOut { expired, .. } => match expired {
                Expired::Heartbeat(s) => {
                    format!("States.Timeout: no heartbeat for {s} s (HeartbeatSeconds)")
                }
                Expired::Timeout(s) => format!("States.Timeout: {s} s passed (TimeoutSeconds)"),
                Expired::Reported => "States.Timeout".to_string(),
            },
            Details::MapRunStarted { map_run_arn } => map_run_arn.clone(),
            Details::Error { error, cause } if cause.is_empty() => error.clone(),
            Details::Error { error, cause } => format!("{error}: {cause}"),
            _ => self.state_name().unwrap_or_default().to_string(),
        }
    }

    /// The event as GetExecutionHistory returns it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// `stateEnteredEventDetails`, `mapIterationStartedEventDetails`, ...
    fn details_key(&self) -> std::borrow::Cow<'static, str> {
        if self.kind.ends_with("StateEntered") {
            "stateEnteredEventDetails".into()
        } else if self.kind.ends_with("StateExited") {
            "stateExitedEventDetails".into()
        } else {
            let mut chars = self.kind.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_lowercase())
                .unwrap_or_default();
            format!("{first}{}EventDetails", chars.as_str()).into()
        }
    }
}

/// AWS's GetExecutionHistory shape, written straight to the output (a history can hold tens of
/// thousands of events): payloads are JSON text, as AWS returns them.
impl serde::Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let json_text = |value: &Value| value.to_string();
        let not_truncated = json!({"truncated": false});
        let mut event = serializer.serialize_map(None)?;
        event.serialize_entry("id", &self.id)?;
        event.serialize_entry("previousEventId", &self.previous_event_id)?;
        event.serialize_entry("timestamp", &format_timestamp(self.timestamp_ms))?;
        event.serialize_entry("type", self.kind)?;
        let details = match &self.details {
            Details::None | Details::StateAborted { .. } => return event.end(),
            Details::ExecutionStarted { input, role_arn } => json!({
                "input": json_text(input),
                "inputDetails": not_truncated,
                "roleArn": role_arn.as_ref(),
            }),
            Details::Output(output) => {
                json!({"output": json_text(output), "outputDetails": not_truncated})
            }
            Details::Error { error, cause } => json!({"error": error, "cause": cause}),
            Details::StateEntered { name, input } => json!({
                "input": json_text(input),
                "inputDetails": not_truncated,
                "name": name.as_ref(),
            }),
            Details::StateExited { name, output } => json!({
                "name": name.as_ref(),
                "output": json_text(output),
                "outputDetails": not_truncated,
            }),
            Details::MapStarted { length } => json!({"length": length}),
            Details::MapRunStarted { map_run_arn } => json!({"mapRunArn": map_run_arn}),
            Details::TaskScheduled {
                resource_type,
                resource,
                parameters,
            } => json!({
                "resourceType": resource_type.as_ref(),
                "resource": resource.as_ref(),
                "region": "us-east-1",
                "parameters": json_text(parameters),
            }),
            Details::MapIteration { index, name } => json!({"index": index, "name": name.as_ref()}),
            Details::TaskTimedOut { cause, .. } => {
                json!({"error": "States.Timeout", "cause": cause})
            }
        };
        event.serialize_entry(&*self.details_key(), &details)?;
        event.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_take_aws_shape() {
        let event = Event {
            id: 2,
            previous_event_id: 1,
            lane: 0,
            timestamp_ms: 0,
            kind: state_event("Pass", false),
            details: Details::StateEntered {
                name: "S".into(),
                input: Arc::new(json!({"a": 1})),
            },
        };
        assert_eq!(
            event.to_json(),
            json!({"id": 2, "previousEventId": 1, "timestamp": "1970-01-01T00:00:00.000Z", "type": "PassStateEntered",
                   "stateEnteredEventDetails": {"input": "{\"a\":1}", "inputDetails": {"truncated": false}, "name": "S"}})
        );
        let iteration = Event {
            id: 3,
            previous_event_id: 2,
            lane: 0,
            timestamp_ms: 0,
            kind: "MapIterationStarted",
            details: Details::MapIteration {
                index: 4,
                name: "M".into(),
            },
        };
        assert_eq!(
            iteration.to_json()["mapIterationStartedEventDetails"],
            json!({"index": 4, "name": "M"})
        );
    }
}
