//! The context object (`$$`): what an execution starts with, and the state running now.

use serde_json::{json, Value};

use super::{format_timestamp, Rng, RunOptions};

/// The context object an execution starts with (`Execution.Input` aside: see `Engine`).
pub(super) fn context_object(options: &RunOptions) -> Value {
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

/// The context object's `State`: the state running now.
#[derive(Clone, Debug)]
pub(crate) struct StateNow {
    pub(super) name: crate::syntax::Text,
    pub(super) entered_ms: i64,
    pub(super) retry_count: Option<u64>,
}

impl StateNow {
    pub(super) fn to_json(&self) -> Value {
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
