//! AWS's TestState from the command line, two ways, both through
//! `asl_sim::engine::test_state_request` (the one place a request is checked and run):
//!
//! - `asl-sim test-state REQUEST.json|-`: the API's request object in (as `aws stepfunctions
//!   test-state --cli-input-json` takes it), the API's response object out;
//! - `asl-sim run DEFINITION --state NAME ...`: the friendly form, the request built from flags.

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::test_state_request;
use serde_json::{json, Map, Value};

use crate::messages::{self, Problems};
use crate::run::{write_fields, write_json, Args as RunArgs, RunFormat};
use crate::{render, Outcome};

pub const AFTER_HELP: &str = "\
The request is the API's TestState request object: definition, stateName, input, variables,
context (JSON text or JSON), inspectionLevel, mock {result | errorOutput, fieldValidationMode},
stateConfiguration {retrierRetryCount, errorCausedByState, mapIterationFailureCount,
mapItemReaderData}, revealSecrets, roleArn. The answer is the API's response object.
Exit status: 0 SUCCEEDED or CAUGHT_ERROR, 1 FAILED or RETRIABLE, 2 a request AWS refuses (its
exception printed as {\"__type\": ..., \"message\": ...}) or one that cannot be read.";

#[derive(clap::Args)]
pub struct Args {
    /// The request object, as a JSON file, or - to read it from stdin
    #[arg(value_name = "REQUEST.json|-")]
    request: String,
}

/// `run --state`'s flags: the request's members, spelled for a shell.
#[derive(clap::Args)]
#[command(next_help_heading = "Testing one state (AWS's TestState)")]
pub struct StateArgs {
    /// Run this one state once (the definition may be the state alone)
    #[arg(long, value_name = "NAME")]
    pub state: Option<String>,
    /// The state's task returns this JSON (the request's mock.result)
    #[arg(long, value_name = "JSON")]
    mock_result: Option<String>,
    /// The state's task fails with this error (the request's mock.errorOutput.error)
    #[arg(long, value_name = "ERROR")]
    mock_error: Option<String>,
    /// The mocked error's cause (mock.errorOutput.cause)
    #[arg(long, value_name = "TEXT")]
    mock_cause: Option<String>,
    /// How --mock-result is checked against the API's output shape (mock.fieldValidationMode;
    /// default STRICT)
    #[arg(long, value_enum, value_name = "MODE", ignore_case = true)]
    field_validation_mode: Option<FieldValidationMode>,
    /// The context object ($$) the state sees
    #[arg(long, value_name = "JSON")]
    context: Option<String>,
    /// The variables the state sees, as a JSON object
    #[arg(long, value_name = "JSON")]
    variables: Option<String>,
    /// Also print what the state did step by step (inspectionData)
    #[arg(long, value_enum, value_name = "LEVEL", ignore_case = true)]
    inspection_level: Option<InspectionLevel>,
    /// The state's situation, as a JSON object: retrierRetryCount, errorCausedByState,
    /// mapIterationFailureCount, mapItemReaderData
    #[arg(long, value_name = "JSON")]
    state_configuration: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
enum InspectionLevel {
    Info,
    Debug,
    Trace,
}

/// TestState's `mock.fieldValidationMode`.
#[derive(Clone, Copy, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
enum FieldValidationMode {
    Strict,
    Present,
    None,
}

impl FieldValidationMode {
    fn as_str(self) -> &'static str {
        match self {
            FieldValidationMode::Strict => "STRICT",
            FieldValidationMode::Present => "PRESENT",
            FieldValidationMode::None => "NONE",
        }
    }
}

impl InspectionLevel {
    fn as_str(self) -> &'static str {
        match self {
            InspectionLevel::Info => "INFO",
            InspectionLevel::Debug => "DEBUG",
            InspectionLevel::Trace => "TRACE",
        }
    }
}

impl StateArgs {
    /// Which of these flags go together, beyond what clap's declarations say.
    pub fn usage_problem(&self) -> Option<&'static str> {
        let testing = self.mock_result.is_some()
            || self.mock_error.is_some()
            || self.mock_cause.is_some()
            || self.context.is_some()
            || self.variables.is_some()
            || self.inspection_level.is_some()
            || self.state_configuration.is_some();
        if testing && self.state.is_none() {
            Some("--mock-result, --mock-error, --context, --variables, --inspection-level and --state-configuration test one state: name it with --state")
        } else if self.mock_result.is_some() && self.mock_error.is_some() {
            Some("give --mock-result or --mock-error, not both")
        } else if self.mock_cause.is_some() && self.mock_error.is_none() {
            Some("--mock-cause goes with --mock-error")
        } else if self.field_validation_mode.is_some() && self.mock_result.is_none() {
            Some("--field-validation-mode checks --mock-result: give it too")
        } else {
            None
        }
    }

    /// The API's request for state `state` of `definition`.
    fn request(&self, state: &str, definition: &Value, input: &Value) -> Result<Value, String> {
        let mut request = json!({
            "definition": definition.to_string(),
            "stateName": state,
            "input": input.to_string(),
        });
        if let Some(result) = &self.mock_result {
            messages::parse_json("--mock-result", result)?;
            request["mock"] = json!({"result": result});
            if let Some(mode) = self.field_validation_mode {
                request["mock"]["fieldValidationMode"] = json!(mode.as_str());
            }
        }
        if let Some(error) = &self.mock_error {
            let mut output = json!({"error": error});
            if let Some(cause) = &self.mock_cause {
                output["cause"] = json!(cause);
            }
            request["mock"] = json!({"errorOutput": output});
        }
        if let Some(context) = &self.context {
            request["context"] = json!(messages::parse_json("--context", context)?.to_string());
        }
        if let Some(variables) = &self.variables {
            let Value::Object(variables) = messages::parse_json("--variables", variables)? else {
                return Err("--variables takes a JSON object of names and values".into());
            };
            request["variables"] = json!(Value::Object(variables).to_string());
        }
        if let Some(level) = self.inspection_level {
            request["inspectionLevel"] = json!(level.as_str());
        }
        if let Some(configuration) = &self.state_configuration {
            let configuration = messages::parse_json("--state-configuration", configuration)?;
            if !configuration.is_object() {
                return Err(
                    "--state-configuration takes a JSON object such as {\"retrierRetryCount\": 1}"
                        .into(),
                );
            }
            request["stateConfiguration"] = configuration;
        }
        Ok(request)
    }
}

/// `asl-sim test-state REQUEST.json|-`.
pub fn main(args: &Args) -> Outcome {
    let path = if args.request == "-" {
        "stdin"
    } else {
        &args.request
    };
    let request = messages::read_text(&args.request)
        .and_then(|text| messages::parse_json_file(path, "the request", &text));
    let request = match request {
        Ok(request) if request.is_object() => request,
        Ok(_) => {
            messages::error(format!("{path}: the request is a JSON object (TestState's request, as `aws stepfunctions test-state --cli-input-json` takes it)"));
            return Outcome::Usage;
        }
        Err(problem) => {
            messages::error(problem);
            return Outcome::Usage;
        }
    };
    let mut out = std::io::stdout().lock();
    match test_state_request(&request, None) {
        Ok(response) => {
            let _ = write_json(&mut out, &response);
            outcome(&response)
        }
        Err(refused) => {
            let _ = write_json(&mut out, &refused.to_json());
            Outcome::Usage
        }
    }
}

/// SUCCEEDED and CAUGHT_ERROR exit 0; FAILED and RETRIABLE 1.
fn outcome(response: &Value) -> Outcome {
    match response["status"].as_str() {
        Some("SUCCEEDED" | "CAUGHT_ERROR") => Outcome::Ok,
        _ => Outcome::Failed,
    }
}

/// `asl-sim run DEFINITION --state NAME ...`: the definition checked as `run` checks it (a lone
/// state as the state it is), then the request built and answered as `test-state` answers it.
pub fn run_state(
    args: &RunArgs,
    source: &crate::source::Source,
    input: &Value,
) -> Result<Outcome, Problems> {
    let state = args.state.state.as_deref().unwrap_or_default();
    let (text, format) = (source.text.as_str(), source.format);
    let parsed = asl_sim::syntax::parse(text, format);
    let root = parsed.tree.root();
    let single = root.get("Type").is_some() && root.get("States").is_none();
    let diagnostics = if single {
        parsed.diagnostics.clone()
    } else {
        let options = CheckOptions {
            workflow_type: args.workflow_type.into(),
        };
        check(text, format, options).diagnostics
    };
    if render::refused_for_errors("run", &source.located(&args.file, &diagnostics)) {
        return Ok(Outcome::Usage);
    }
    if !single {
        let machine = asl_sim::model::StateMachine::from_tree(root);
        let states = machine.all_states();
        if !states.iter().any(|s| *s.name.value == *state) {
            let names = states.iter().map(|s| &*s.name.value);
            return Err(format!(
                "{}: there is no state `{state}`.{}",
                args.file,
                messages::did_you_mean(state, names)
            )
            .into());
        }
    }
    let request = args.state.request(state, &root.to_json(), input)?;
    let response = test_state_request(&request, None).map_err(|refused| {
        format!(
            "TestState refuses this ({}): {}",
            refused.code, refused.message
        )
    })?;
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        RunFormat::Json => write_json(&mut out, &friendly(&response)),
        RunFormat::Text => write_text(&mut out, &response),
    };
    Ok(outcome(&response))
}

/// The response with its JSON text members (output, inspectionData's payloads) as JSON.
fn friendly(response: &Value) -> Value {
    fn parsed(value: &Value) -> Value {
        match value {
            Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), parsed(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let mut out = response.clone();
    for member in ["output", "inspectionData"] {
        if let Some(value) = response.get(member) {
            out[member] = parsed(value);
        }
    }
    out
}

/// `status:`, `output:`, ... then, when asked for, each inspectionData field on its line
/// (`errorDetails.catchIndex:` for the nested ones).
fn write_text(out: &mut impl Write, response: &Value) -> std::io::Result<()> {
    let member = |name: &str| response[name].as_str().map(str::to_string);
    let next_state = member("nextState").unwrap_or_else(|| "(none: the execution ends)".into());
    write_fields(
        out,
        &[
            ("status", member("status")),
            ("output", member("output")),
            ("error", member("error")),
            ("cause", member("cause")),
            ("next state", Some(next_state)),
        ],
    )?;
    if let Some(Value::Object(data)) = response.get("inspectionData") {
        writeln!(out, "inspection data:")?;
        let mut fields = Vec::new();
        flatten("  ", data, &mut fields);
        let borrowed: Vec<(&str, Option<String>)> = fields
            .iter()
            .map(|(label, value)| (label.as_str(), Some(value.clone())))
            .collect();
        write_fields(out, &borrowed)?;
    }
    Ok(())
}

fn flatten(prefix: &str, data: &Map<String, Value>, fields: &mut Vec<(String, String)>) {
    for (name, value) in data {
        match value {
            Value::Object(inner) => flatten(&format!("{prefix}{name}."), inner, fields),
            Value::String(text) => fields.push((format!("{prefix}{name}"), text.clone())),
            other => fields.push((format!("{prefix}{name}"), other.to_string())),
        }
    }
}
