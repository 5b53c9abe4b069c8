//! AWS's TestState request and response objects, as `aws stepfunctions test-state
//! --cli-input-json` sends them and the API answers: the request is checked as AWS checks it
//! (its ValidationException / InvalidDefinition texts, recorded in
//! `../shared/conformance/localstack/test_state`), the state run by [`super::test_state`], and
//! the answer written member for member, `inspectionData` at the level asked for.
//!
//! A mocked result is checked against the integrated API's output shape by a
//! [`MockValidator`]: the API models' (`model::output_check`) unless the caller passes another.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::{test_state, Inspection, StateTest, TestStatus, TestedState};
use crate::engine::RunOptions;
use crate::mocks::Outcome;
use crate::model::{Pattern, Resource, State, StateKind, StateMachine};
use crate::syntax::{self, Format};

/// An answer AWS gives instead of a response: `{"__type": code, "message": message}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    fn validation(message: impl Into<String>) -> Self {
        ApiError {
            code: "ValidationException",
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({"__type": self.code, "message": self.message})
    }
}

pub use crate::model::output_check::FieldValidationMode;

/// Checks a mocked result against the output shape of the API `resource` calls; `Err` holds
/// what follows "Mock result schema validation error: ". By default the API models'
/// ([`crate::model::output_check::check_result`]).
pub type MockValidator<'a> =
    &'a dyn Fn(&Resource, &Value, FieldValidationMode) -> Result<(), String>;

/// `inspectionLevel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InspectionLevel {
    Info,
    Debug,
    Trace,
}

/// A JSON member the API takes as JSON text, here also taken parsed (as the recordings keep it).
fn json_member(request: &Value, name: &str) -> Result<Option<Value>, ApiError> {
    match request.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => serde_json::from_str(text)
            .map(Some)
            .map_err(|_| ApiError::validation(format!("Invalid {name}: it must be JSON text"))),
        Some(value) => Ok(Some(value.clone())),
    }
}

/// The definition's text, and whether it is one state rather than a machine.
fn definition_text(request: &Value) -> Result<(String, bool), ApiError> {
    let definition = match request.get("definition") {
        Some(Value::String(text)) => serde_json::from_str::<Value>(text).map_err(|e| ApiError {
            code: "InvalidDefinition",
            message: format!("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'"),
        })?,
        Some(value) => value.clone(),
        None => return Err(ApiError::validation("definition is required")),
    };
    let single = definition.get("States").is_none();
    let text = serde_json::to_string_pretty(&definition).unwrap_or_default();
    Ok((text, single))
}

/// A definition of one state as AWS validates it: the machine `{"StartAt": "StateName",
/// "States": {"StateName": ...}}`, the states it may go to standing in as Succeed states.
pub fn single_state_machine(state: &Value) -> Value {
    let mut state = state.clone();
    let mut targets: Vec<String> = Vec::new();
    targets.extend(state["Next"].as_str().map(str::to_string));
    targets.extend(state["Default"].as_str().map(str::to_string));
    for list in ["Choices", "Catch"] {
        for item in state[list].as_array().into_iter().flatten() {
            targets.extend(item["Next"].as_str().map(str::to_string));
        }
    }
    let flows = !matches!(state["Type"].as_str(), Some("Choice" | "Succeed" | "Fail"));
    if flows && state.get("Next").is_none() && state.get("End").is_none() {
        state["End"] = json!(true);
    }
    let mut states = Map::new();
    states.insert("StateName".into(), state);
    for target in targets {
        states
            .entry(target)
            .or_insert_with(|| json!({"Type": "Succeed"}));
    }
    json!({"StartAt": "StateName", "States": states})
}

/// AWS's wording of the first thing in the definition it would refuse.
pub(crate) fn invalid_definition(text: &str, single: bool) -> Option<ApiError> {
    let checked_text = if single {
        let state: Value = serde_json::from_str(text).ok()?;
        serde_json::to_string_pretty(&single_state_machine(&state)).ok()?
    } else {
        text.to_string()
    };
    let checked = crate::check(&checked_text, Format::Json, crate::CheckOptions::default());
    let first = checked
        .diagnostics
        .iter()
        .find(|d| crate::analysis::code_rule(d.code).is_some_and(|r| r.stops_run))?;
    let root = checked.tree.root();
    let (pointer, field) = pointer_to(root, first.range, "").unwrap_or_default();
    let what = match first.code {
        "invalid-value" if field == "Type" => {
            "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]".to_string()
        }
        "empty-array" => "Value cannot be empty".to_string(),
        _ => first.message.clone(),
    };
    let at = if pointer.is_empty() {
        "/".into()
    } else {
        pointer
    };
    Some(ApiError {
        code: "InvalidDefinition",
        message: format!(
            "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: {what} at {at}'"
        ),
    })
}

/// The JSON pointer of the value (or key) at `range`, and the name of its member.
pub(crate) fn pointer_to(
    node: syntax::Node<'_>,
    range: syntax::TextRange,
    at: &str,
) -> Option<(String, String)> {
    for m in node.members() {
        let here = format!("{at}/{}", m.key.name);
        if m.key.range == range || m.value.range() == range {
            return Some((here, m.key.name.to_string()));
        }
        let inside = m.value.range();
        if inside.start <= range.start && range.end <= inside.end {
            return pointer_to(m.value, range, &here);
        }
    }
    None
}

fn inspection_level(request: &Value) -> Result<InspectionLevel, ApiError> {
    match request.get("inspectionLevel").and_then(Value::as_str) {
        None | Some("INFO") => Ok(InspectionLevel::Info),
        Some("DEBUG") => Ok(InspectionLevel::Debug),
        Some("TRACE") => Ok(InspectionLevel::Trace),
        Some(other) => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{other}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
        ))),
    }
}

fn mock_outcome(request: &Value) -> Result<Option<Outcome>, ApiError> {
    let Some(mock) = request.get("mock").filter(|m| m.is_object()) else {
        return Ok(None);
    };
    match (mock.get("result"), mock.get("errorOutput")) {
        (Some(Value::String(text)), None) => serde_json::from_str(text)
            .map(|v| Some(Outcome::Return(v)))
            .map_err(|_| ApiError::validation("Mocked result must be valid JSON")),
        (Some(value), None) => Ok(Some(Outcome::Return(value.clone()))),
        (None, Some(error)) => Ok(Some(Outcome::Throw {
            error: error["error"].as_str().unwrap_or_default().to_string(),
            cause: error["cause"].as_str().map(str::to_string),
        })),
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(ApiError::validation(
            "A mock has either a result or an errorOutput, not both",
        )),
    }
}

fn field_validation_mode(request: &Value) -> FieldValidationMode {
    match request["mock"]["fieldValidationMode"].as_str() {
        Some("PRESENT") => FieldValidationMode::Present,
        Some("NONE") => FieldValidationMode::None,
        _ => FieldValidationMode::Strict,
    }
}

/// What AWS refuses about the tested state, the mock and the state configuration.
fn state_rules(
    request: &Value,
    state: &State,
    mock: Option<&Outcome>,
    validator: Option<MockValidator<'_>>,
) -> Result<(), ApiError> {
    let type_name = state.kind.type_name();
    let task = match &state.kind {
        StateKind::Task(task) => Some(task),
        _ => None,
    };
    if mock.is_some()
        && !matches!(
            state.kind,
            StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel(_)
        )
    {
        return Err(ApiError::validation(format!(
            "State type '{type_name}' is not supported when a mock is specified"
        )));
    }
    let configuration = &request["stateConfiguration"];
    if mock.is_none() {
        // AWS refuses the configuration before the state type.
        if configuration.get("mapIterationFailureCount").is_some() {
            return Err(ApiError::validation(
                "TestState does not support MapIterationFailureCount when a mock is not specified.",
            ));
        }
        if matches!(state.kind, StateKind::Map(_) | StateKind::Parallel(_)) {
            return Err(ApiError {
                code: "InvalidDefinition",
                message: "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]".into(),
            });
        }
        let waits = task
            .and_then(|t| t.target.as_ref())
            .is_some_and(|r| r.pattern() != Pattern::RequestResponse);
        if waits {
            // AWS's documented rule (no refusal of it is recorded): the wording follows its
            // recorded refusal of a MapIterationFailureCount without a mock.
            return Err(ApiError::validation(
                "TestState does not support Activity tasks, .sync or .waitForTaskToken service integration patterns when a mock is not specified.",
            ));
        }
        if task.is_some() && request.get("roleArn").is_none() {
            return Err(ApiError::validation(
                "RoleArn must be specified when testing a Task state",
            ));
        }
    }
    // A Map's children give an array (an object when a ResultWriter writes it), as do a
    // Parallel's branches.
    if let Some(Outcome::Return(result)) = mock {
        let array_expected = match &state.kind {
            StateKind::Map(map) => map.result_writer.is_none(),
            StateKind::Parallel(_) => true,
            _ => false,
        };
        if array_expected && !result.is_array() {
            return Err(ApiError::validation("Mocked result must be an array."));
        }
    }
    if let (Some(Outcome::Return(result)), Some(target)) =
        (mock, task.and_then(|t| t.target.as_ref()))
    {
        let validator = validator.unwrap_or(&crate::model::output_check::check_result);
        validator(target, result, field_validation_mode(request)).map_err(|e| {
            ApiError::validation(format!("Mock result schema validation error: {e}"))
        })?;
    }
    Ok(())
}

/// `stateConfiguration.errorCausedByState`: the state inside a tested Map or Parallel that a
/// mocked error stands for. The API documents its length (1 to 80); no refusal of a name is
/// recorded, so the second text is ours: a name that is no state of the branches or the item
/// processor is refused rather than ignored.
fn error_origin_rule(configuration: &Value, state: &State) -> Result<(), ApiError> {
    let Some(origin) = configuration.get("errorCausedByState") else {
        return Ok(());
    };
    let Some(origin) = origin
        .as_str()
        .filter(|o| (1..=80).contains(&o.chars().count()))
    else {
        return Err(ApiError::validation(
            "Invalid errorCausedByState: it must be a state name of 1 to 80 characters",
        ));
    };
    let inner: Vec<&State> = match &state.kind {
        StateKind::Map(map) => map.processor.iter().flat_map(|m| m.all_states()).collect(),
        StateKind::Parallel(parallel) => parallel
            .branches
            .iter()
            .flat_map(|m| m.all_states())
            .collect(),
        _ => return Ok(()),
    };
    if inner.iter().any(|s| &*s.name.value == origin) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "Invalid errorCausedByState: '{origin}' is not a state of the tested {}'s {}",
            state.kind.type_name(),
            if matches!(state.kind, StateKind::Map(_)) {
                "item processor"
            } else {
                "branches"
            }
        )))
    }
}

/// What AWS refuses in a given context object.
fn context_rules(context: &Value, state: &State) -> Result<(), ApiError> {
    let Some(members) = context.as_object() else {
        return Err(ApiError::validation(
            "Invalid Context object provided: it must be an object",
        ));
    };
    let invalid = |m: String| ApiError::validation(format!("Invalid Context object provided: {m}"));
    let known: &[(&str, &[&str])] = &[
        (
            "Execution",
            &[
                "Id",
                "Input",
                "Name",
                "RoleArn",
                "StartTime",
                "RedriveCount",
                "RedriveTime",
            ],
        ),
        ("State", &["EnteredTime", "Name", "RetryCount"]),
        ("StateMachine", &["Id", "Name"]),
        ("Task", &["Token"]),
    ];
    for (name, value) in members {
        if name == "Map" {
            return Err(invalid(
                "'Map' field is not supported when mocking a Context object".into(),
            ));
        }
        let Some((_, fields)) = known.iter().find(|(k, _)| k == name) else {
            return Err(invalid(format!("Field '{name}' is not allowed")));
        };
        for field in value.as_object().into_iter().flat_map(Map::keys) {
            if !fields.contains(&field.as_str()) {
                return Err(invalid(format!("Field '{field}' is not allowed")));
            }
        }
    }
    let callback = matches!(&state.kind, StateKind::Task(t) if t.target.as_ref().is_some_and(|r| r.pattern() != Pattern::RequestResponse));
    if members.contains_key("Task") && !callback {
        return Err(invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern".into()));
    }
    Ok(())
}

/// Run a TestState request: the API's response object, or the exception AWS would answer.
/// `validator` checks a mocked Task result (`None`: against the API models).
pub fn test_state_request(
    request: &Value,
    validator: Option<MockValidator<'_>>,
) -> Result<Value, ApiError> {
    let (text, single) = definition_text(request)?;
    let level = inspection_level(request)?;
    if let Some(error) = invalid_definition(&text, single) {
        return Err(error);
    }
    let state_name = match request.get("stateName").and_then(Value::as_str) {
        Some(name) => name.to_string(),
        None if single => "StateName".to_string(),
        None => {
            return Err(ApiError::validation(
                "stateName is required when the definition is a state machine",
            ))
        }
    };
    let parsed = syntax::parse(&text, Format::Json);
    let root = parsed.tree.root();
    let machine = if single {
        StateMachine::single_state(root, &state_name)
    } else {
        StateMachine::from_tree(root)
    };
    let Some(state) = machine
        .all_states()
        .into_iter()
        .find(|s| *s.name.value == *state_name)
    else {
        return Err(ApiError::validation("State not found in definition"));
    };
    let mock = mock_outcome(request)?;
    state_rules(request, state, mock.as_ref(), validator)?;
    error_origin_rule(&request["stateConfiguration"], state)?;
    let context = json_member(request, "context")?;
    if let Some(context) = &context {
        context_rules(context, state)?;
    }
    let input = json_member(request, "input")?.unwrap_or_else(|| json!({}));
    let variables = json_member(request, "variables")?
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let configuration = &request["stateConfiguration"];
    let state_test = StateTest {
        state_name,
        mock,
        context,
        variables,
        retrier_retry_count: configuration["retrierRetryCount"].as_u64().unwrap_or(0),
        map_iteration_failure_count: configuration["mapIterationFailureCount"].as_u64(),
        map_item_reader_data: json_member(configuration, "mapItemReaderData")?,
        role_arn: request["roleArn"].as_str().map(str::to_string),
        inspect: level > InspectionLevel::Info,
    };
    let options = RunOptions {
        input: Arc::new(input.clone()),
        ..RunOptions::default()
    };
    let tested =
        test_state(&parsed.tree, &machine, &options, &state_test).map_err(ApiError::validation)?;
    Ok(response(&tested, level, &input))
}

/// JSON text, as the API gives every payload.
fn text_of(value: &Value) -> Value {
    Value::String(serde_json::to_string(value).unwrap_or_default())
}

/// The API's response object for a tested state.
pub fn response(tested: &TestedState, level: InspectionLevel, input: &Value) -> Value {
    let mut out = Map::new();
    out.insert("status".into(), json!(tested.status.as_str()));
    if let Some(output) = &tested.output {
        out.insert("output".into(), text_of(output));
    }
    if let Some(error) = &tested.error {
        out.insert("error".into(), json!(error));
    }
    if let Some(cause) = &tested.cause {
        out.insert("cause".into(), json!(cause));
    }
    if let Some(next) = &tested.next_state {
        out.insert("nextState".into(), json!(next));
    }
    if level > InspectionLevel::Info {
        out.insert(
            "inspectionData".into(),
            inspection_data(tested.inspection.as_ref(), input, tested.status),
        );
    }
    Value::Object(out)
}

fn inspection_data(inspection: Option<&Inspection>, input: &Value, status: TestStatus) -> Value {
    let mut data = Map::new();
    data.insert("input".into(), text_of(input));
    let Some(inspection) = inspection else {
        return Value::Object(data);
    };
    let payloads = [
        ("afterInputPath", &inspection.after_input_path),
        ("afterParameters", &inspection.after_parameters),
        ("afterArguments", &inspection.after_arguments),
        ("afterItemsPath", &inspection.after_items_path),
        ("afterItemSelector", &inspection.after_item_selector),
        ("afterItemBatcher", &inspection.after_item_batcher),
        ("result", &inspection.result),
        ("afterResultSelector", &inspection.after_result_selector),
        ("afterResultPath", &inspection.after_result_path),
    ];
    for (name, value) in payloads {
        if let Some(value) = value {
            data.insert(name.into(), text_of(value));
        }
    }
    if let Some(variables) = &inspection.variables {
        data.insert("variables".into(), text_of(variables));
    }
    for (name, value) in [
        ("maxConcurrency", inspection.max_concurrency),
        ("toleratedFailureCount", inspection.tolerated_failure_count),
    ] {
        if let Some(n) = value {
            data.insert(name.into(), json!(n));
        }
    }
    if let Some(p) = inspection.tolerated_failure_percentage {
        data.insert("toleratedFailurePercentage".into(), json!(p));
    }
    let mut details = Map::new();
    if let Some(index) = inspection.retry_index {
        details.insert("retryIndex".into(), json!(index));
    }
    if let Some(seconds) = inspection
        .retry_backoff_seconds
        .filter(|_| status == TestStatus::Retriable)
    {
        details.insert("retryBackoffIntervalSeconds".into(), json!(seconds));
    }
    if let Some(index) = inspection
        .catch_index
        .filter(|_| status == TestStatus::CaughtError || status == TestStatus::Failed)
    {
        details.insert("catchIndex".into(), json!(index));
    }
    if !details.is_empty() {
        data.insert("errorDetails".into(), Value::Object(details));
    }
    Value::Object(data)
}
