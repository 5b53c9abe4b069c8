//! SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: a worker's callback resumes the task its
//! token belongs to, at now. And the Lambda calls no mock answers, which the front end makes
//! (`take_lambda_calls`) and whose answers it brings back (`lambda_answered`).

use serde_json::{json, Value};

use super::executions::MAX_PAYLOAD_BYTES;
use super::{optional, required, ApiError, Service};
use crate::engine::{CallbackKind, TokenError};

/// A Lambda function to invoke for a task that no mock answers.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaCall {
    /// The task's token: the answer goes back through it.
    pub token: String,
    /// The function's name or ARN, as the task names it.
    pub function: String,
    pub payload: Value,
    /// `.waitForTaskToken`: the function's answer is not the task's (its token's callback is),
    /// unless the call fails.
    pub callback: bool,
}

impl LambdaCall {
    /// The function's name, as Lambda's Invoke API takes it in its path (an ARN's qualifier
    /// and account left out).
    pub fn function_name(&self) -> &str {
        match self.function.split_once(":function:") {
            Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
            None => &self.function,
        }
    }

    /// The request body: the payload as JSON text (a string payload is sent as it is).
    pub fn body(&self) -> Vec<u8> {
        match &self.payload {
            Value::String(text) => text.clone().into_bytes(),
            Value::Null => b"{}".to_vec(),
            other => other.to_string().into_bytes(),
        }
    }
}

/// What Lambda's Invoke API answered.
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaAnswer {
    pub status: u16,
    /// The `X-Amz-Function-Error` header: the function threw.
    pub function_error: Option<String>,
    pub body: Vec<u8>,
}

fn token_error(error: &TokenError, token: &str) -> ApiError {
    let message = match error {
        TokenError::InvalidToken => format!("Invalid Token: '{token}'"),
        TokenError::TaskDoesNotExist => {
            "Task Does Not Exist: the execution of the task this token belongs to has ended"
                .to_string()
        }
        TokenError::TaskTimedOut => {
            "Task Timed Out: 'Provided task does not exist anymore'".to_string()
        }
    };
    ApiError::new(error.as_str(), message)
}

impl Service {
    /// Send a callback for `token` at now.
    pub(super) fn send(&mut self, token: &str, kind: CallbackKind) -> Result<(), ApiError> {
        let Some((arn, _)) = self.tokens.get(token).cloned() else {
            return Err(token_error(&TokenError::InvalidToken, token));
        };
        self.catch_up(&arn);
        let Some(record) = self.executions.get_mut(&arn) else {
            return Err(token_error(&TokenError::TaskDoesNotExist, token));
        };
        let sent = record.run.send(token, kind);
        self.settle(&arn);
        sent.map_err(|e| token_error(&e, token))
    }

    /// The Lambda calls to make, each once.
    pub fn take_lambda_calls(&mut self) -> Vec<LambdaCall> {
        std::mem::take(&mut self.lambda_calls)
    }

    /// What Lambda answered `call` (or why it could not be reached): the task's result, or
    /// its failure as Step Functions reports a Lambda's (the function's own error type, or
    /// `Lambda.ServiceException`).
    pub fn lambda_answered(&mut self, call: &LambdaCall, answer: Result<LambdaAnswer, String>) {
        let kind = match answer {
            Err(why) => CallbackKind::Failure {
                error: "Lambda.ServiceException".into(),
                cause: format!(
                    "The Lambda endpoint could not be reached for '{}': {why}",
                    call.function
                ),
            },
            Ok(answer) if !(200..300).contains(&answer.status) => CallbackKind::Failure {
                error: "Lambda.ServiceException".into(),
                cause: format!(
                    "The Lambda endpoint answered HTTP {} for '{}': {}",
                    answer.status,
                    call.function,
                    String::from_utf8_lossy(&answer.body)
                ),
            },
            Ok(answer) => {
                let text = String::from_utf8_lossy(&answer.body).into_owned();
                let payload: Value =
                    serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
                match answer.function_error {
                    Some(_) => CallbackKind::Failure {
                        error: payload["errorType"]
                            .as_str()
                            .unwrap_or("Lambda.Unknown")
                            .to_string(),
                        cause: text,
                    },
                    None if call.callback => return,
                    None => CallbackKind::Success(json!({
                        "ExecutedVersion": "$LATEST",
                        "Payload": payload,
                        "StatusCode": answer.status,
                    })),
                }
            }
        };
        // The execution may have moved on meanwhile (stopped, timed out): nothing to answer.
        let _ = self.send(&call.token, kind);
    }
}

pub(super) fn send_success(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let token = required(request, "taskToken")?;
    let text = required(request, "output")?;
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to {MAX_PAYLOAD_BYTES}"
        )));
    }
    let output = serde_json::from_str(text)
        .map_err(|e| ApiError::new("InvalidOutput", format!("Invalid Output: '{e}'")))?;
    service.send(token, CallbackKind::Success(output))?;
    Ok(json!({}))
}

pub(super) fn send_failure(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let token = required(request, "taskToken")?;
    let error = optional(request, "error")?.unwrap_or_default().to_string();
    let cause = optional(request, "cause")?.unwrap_or_default().to_string();
    service.send(token, CallbackKind::Failure { error, cause })?;
    Ok(json!({}))
}

pub(super) fn send_heartbeat(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let token = required(request, "taskToken")?;
    service.send(token, CallbackKind::Heartbeat)?;
    Ok(json!({}))
}
