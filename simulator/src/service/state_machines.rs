//! CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
//! ListStateMachines, ValidateStateMachineDefinition (our checker, in AWS's diagnostics shape)
//! and TestState (the engine's `test_state_request`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::names::{self, Kind};
use super::{arn_member, optional, paging, required, timestamp, ApiError, Service};
use crate::analysis::Checked;
use crate::syntax::Format;
use crate::{Severity, WorkflowType};

pub(super) struct StateMachineRecord {
    pub arn: String,
    pub name: String,
    pub definition: Arc<str>,
    pub checked: Arc<Checked>,
    pub role_arn: String,
    pub workflow_type: WorkflowType,
    pub description: Option<String>,
    pub logging: Value,
    pub tracing: Value,
    pub created_ms: i64,
    pub revision: u64,
    /// Its executions by the order they started in.
    pub executions: BTreeMap<u64, String>,
}

impl StateMachineRecord {
    pub fn type_name(&self) -> &'static str {
        type_name(self.workflow_type)
    }

    /// DescribeStateMachine's answer (DescribeStateMachineForExecution's, with the definition
    /// an execution started with).
    pub fn describe(&self, definition: &str) -> Value {
        let mut out = json!({
            "stateMachineArn": self.arn,
            "name": self.name,
            "status": "ACTIVE",
            "definition": definition,
            "roleArn": self.role_arn,
            "type": self.type_name(),
            "creationDate": timestamp(self.created_ms),
            "loggingConfiguration": self.logging,
            "tracingConfiguration": self.tracing,
            "revisionId": self.revision.to_string(),
        });
        if let Some(description) = &self.description {
            out["description"] = json!(description);
        }
        out
    }
}

fn type_name(workflow_type: WorkflowType) -> &'static str {
    match workflow_type {
        WorkflowType::Standard => "STANDARD",
        WorkflowType::Express => "EXPRESS",
    }
}

fn workflow_type(request: &Value) -> Result<WorkflowType, ApiError> {
    match optional(request, "type")? {
        None | Some("STANDARD") => Ok(WorkflowType::Standard),
        Some("EXPRESS") => Ok(WorkflowType::Express),
        Some(other) => Err(ApiError::validation(format!(
            "1 validation error detected: Value '{other}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
        ))),
    }
}

/// The definition checked: AWS's InvalidDefinition for what it would refuse.
fn checked_definition(text: &str, workflow_type: WorkflowType) -> Result<Arc<Checked>, ApiError> {
    if text.len() > 1024 * 1024 {
        return Err(ApiError::validation(
            "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576",
        ));
    }
    if let Some(refused) = crate::engine::invalid_definition(text, false) {
        return Err(refused.into());
    }
    let options = crate::CheckOptions { workflow_type };
    Ok(Arc::new(crate::check(text, Format::Json, options)))
}

fn role_arn(request: &Value) -> Result<String, ApiError> {
    let role = required(request, "roleArn")?;
    if !role.starts_with("arn:") {
        return Err(ApiError::new(
            "InvalidArn",
            format!("Invalid Arn: 'Resource type not valid in this context: {role}'"),
        ));
    }
    Ok(role.to_string())
}

pub(super) fn create(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let name = required(request, "name")?;
    names::check_name(name, "state machine")?;
    let definition = required(request, "definition")?;
    let workflow_type = workflow_type(request)?;
    let role = role_arn(request)?;
    let arn = names::state_machine_arn(name);
    if let Some(existing) = service.state_machines.get(&arn) {
        // AWS: the same request again answers the machine it made.
        if *existing.definition == *definition && existing.role_arn == role {
            return Ok(
                json!({"stateMachineArn": arn, "creationDate": timestamp(existing.created_ms)}),
            );
        }
        return Err(ApiError::new(
            "StateMachineAlreadyExists",
            format!("State Machine Already Exists: '{arn}'"),
        ));
    }
    let checked = checked_definition(definition, workflow_type)?;
    let tags = super::tags::tag_list(request.get("tags"))?;
    let created_ms = service.clock.now_ms();
    let record = StateMachineRecord {
        arn: arn.clone(),
        name: name.to_string(),
        definition: definition.into(),
        checked,
        role_arn: role,
        workflow_type,
        description: optional(request, "description")?.map(str::to_string),
        logging: request
            .get("loggingConfiguration")
            .cloned()
            .unwrap_or_else(|| json!({"level": "OFF", "includeExecutionData": false})),
        tracing: request
            .get("tracingConfiguration")
            .cloned()
            .unwrap_or_else(|| json!({"enabled": false})),
        created_ms,
        revision: 1,
        executions: BTreeMap::new(),
    };
    service.state_machines.insert(arn.clone(), record);
    if !tags.is_empty() {
        service.tags.insert(arn.clone(), tags);
    }
    Ok(json!({"stateMachineArn": arn, "creationDate": timestamp(created_ms)}))
}

/// The state machine an ARN argument names, or AWS's error.
pub(super) fn machine<'s>(
    service: &'s Service,
    arn: &str,
) -> Result<&'s StateMachineRecord, ApiError> {
    names::check_arn(arn, &[Kind::StateMachine])?;
    service
        .state_machines
        .get(arn)
        .ok_or_else(|| does_not_exist(arn))
}

pub(super) fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new(
        "StateMachineDoesNotExist",
        format!("State Machine Does Not Exist: '{arn}'"),
    )
}

pub(super) fn describe(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let record = machine(service, &arn_member(request, "stateMachineArn")?)?;
    Ok(record.describe(&record.definition))
}

pub(super) fn update(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "stateMachineArn")?;
    let workflow_type = machine(service, arn)?.workflow_type;
    let definition = optional(request, "definition")?;
    let checked = definition
        .map(|text| checked_definition(text, workflow_type))
        .transpose()?;
    let role = match request.get("roleArn") {
        Some(Value::String(_)) => Some(role_arn(request)?),
        _ => None,
    };
    let now = service.clock.now_ms();
    let Some(record) = service.state_machines.get_mut(arn) else {
        return Err(does_not_exist(arn));
    };
    if let (Some(text), Some(checked)) = (definition, checked) {
        record.definition = text.into();
        record.checked = checked;
    }
    if let Some(role) = role {
        record.role_arn = role;
    }
    for (member, field) in [
        ("loggingConfiguration", &mut record.logging),
        ("tracingConfiguration", &mut record.tracing),
    ] {
        if let Some(value) = request.get(member).filter(|v| v.is_object()) {
            value.clone_into(field);
        }
    }
    record.revision += 1;
    Ok(json!({"updateDate": timestamp(now), "revisionId": record.revision.to_string()}))
}

/// AWS deletes a state machine once its executions stop; here at once (their records stay).
pub(super) fn delete(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let arn = &arn_member(request, "stateMachineArn")?;
    names::check_arn(arn, &[Kind::StateMachine])?;
    service.state_machines.remove(arn);
    service.tags.remove(arn);
    Ok(json!({}))
}

pub(super) fn list(service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    let (page, next) = paging::keyed_page(&service.state_machines, request, "stateMachines")?;
    let page = page
        .into_iter()
        .map(|(arn, record)| {
            json!({
                "stateMachineArn": arn,
                "name": record.name,
                "type": record.type_name(),
                "creationDate": timestamp(record.created_ms),
            })
        })
        .collect();
    let mut out = Map::new();
    if let Some(next) = next {
        out.insert("nextToken".into(), next);
    }
    out.insert("stateMachines".into(), Value::Array(page));
    Ok(Value::Object(out))
}

/// AWS's diagnostic code for ours: the one its table row names, else the schema's.
fn aws_code(code: &str, severity: Severity) -> String {
    const AWS_CODES: [&str; 4] = [
        "INVALID_JSON_DESCRIPTION",
        "DUPLICATE_STATE_NAME",
        "MISSING_TRANSITION_TARGET",
        "SCHEMA_VALIDATION_FAILED",
    ];
    let why = crate::analysis::code_rule(code).map_or("", |r| r.why);
    match AWS_CODES.iter().find(|c| why.contains(*c)) {
        Some(aws) => (*aws).to_string(),
        None if severity == Severity::Error => "SCHEMA_VALIDATION_FAILED".to_string(),
        None => code.replace('-', "_").to_ascii_uppercase(),
    }
}

/// ValidateStateMachineDefinition: our checker's errors (and with `severity: WARNING` its
/// warnings) as AWS's `{result, diagnostics: [{severity, code, message, location}], truncated}`.
pub(super) fn validate_definition(
    _service: &mut Service,
    request: &Value,
) -> Result<Value, ApiError> {
    let definition = required(request, "definition")?;
    let workflow_type = workflow_type(request)?;
    let with_warnings = match optional(request, "severity")? {
        None | Some("ERROR") => false,
        Some("WARNING") => true,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{other}' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]"
            )))
        }
    };
    let limit = match request.get("maxResults").and_then(Value::as_u64) {
        None | Some(0) => 100,
        Some(n) => n.min(100) as usize,
    };
    let checked = crate::check(
        definition,
        Format::Json,
        crate::CheckOptions { workflow_type },
    );
    let root = checked.tree.root();
    let shown = checked.diagnostics.iter().filter(|d| {
        d.severity == Severity::Error || (with_warnings && d.severity == Severity::Warning)
    });
    let failed = checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let mut diagnostics = Vec::new();
    let mut truncated = false;
    for d in shown {
        if diagnostics.len() == limit {
            truncated = true;
            break;
        }
        let location = crate::engine::pointer_to(root, d.range, "")
            .map_or_else(|| "/".to_string(), |(p, _)| p);
        diagnostics.push(json!({
            "severity": if d.severity == Severity::Error { "ERROR" } else { "WARNING" },
            "code": aws_code(d.code, d.severity),
            "message": d.message,
            "location": location,
        }));
    }
    Ok(json!({
        "result": if failed { "FAIL" } else { "OK" },
        "diagnostics": diagnostics,
        "truncated": truncated,
    }))
}

pub(super) fn test_state(_service: &mut Service, request: &Value) -> Result<Value, ApiError> {
    crate::engine::test_state_request(request, None).map_err(ApiError::from)
}
