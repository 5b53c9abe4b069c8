//! workspace/executeCommand. `asl.simulate` returns the simulation of an open document: each
//! run (per test case) with its status, output or error, virtual duration, a one-line summary,
//! the history as readable timeline lines, and the whole execution history in AWS's
//! GetExecutionHistory shape; plus the errors that stopped it from running.

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::diagnostics::Analysis;

pub const SIMULATE: &str = "asl.simulate";
pub const COMMANDS: &[&str] = &[SIMULATE];

/// `asl.simulate` with `[{"uri": ..., "testCase"?: ...}]` or `[uri]`.
pub struct Request {
    pub uri: Uri,
    pub test_case: Option<String>,
}

impl Request {
    pub fn parse(command: &str, arguments: &[Value]) -> Result<Request> {
        if command != SIMULATE {
            return Err(Error::invalid_params(format!(
                "unknown command `{command}`; this server runs: {}",
                COMMANDS.join(", ")
            )));
        }
        let first = arguments.first();
        let uri = first
            .and_then(|a| a.as_str().or_else(|| a.get("uri").and_then(Value::as_str)))
            .ok_or_else(|| {
                Error::invalid_params(format!(
                    "`{SIMULATE}` takes [{{\"uri\": DOCUMENT, \"testCase\"?: NAME}}] or [DOCUMENT]"
                ))
            })?;
        let uri = uri
            .parse::<Uri>()
            .map_err(|e| Error::invalid_params(format!("`{uri}` is not a URI: {e}")))?;
        let test_case = first
            .and_then(|a| a.get("testCase"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(Request { uri, test_case })
    }
}

pub fn not_open(uri: &Uri) -> Error {
    Error::invalid_params(format!(
        "`{}` is not open: open it in the editor first",
        uri.as_str()
    ))
}

pub fn simulate(request: &Request, analysis: &Analysis) -> Result<Value> {
    let runs: Vec<Value> = analysis
        .runs
        .iter()
        .filter(|r| request.test_case.is_none() || r.test_case == request.test_case)
        .map(|run| {
            let mut value = run.execution.to_json();
            if let Value::Object(fields) = &mut value {
                fields.insert("testCase".into(), json!(run.test_case));
                fields.insert(
                    "summary".into(),
                    json!(asl_sim::simulation::summary(&run.execution)),
                );
                let start = run.execution.events.first().map_or(0, |e| e.timestamp_ms);
                fields.insert(
                    "timeline".into(),
                    json!(asl_sim::simulation::timeline(&run.execution, start, true)),
                );
            }
            value
        })
        .collect();
    if let (Some(case), true, false) = (
        &request.test_case,
        runs.is_empty(),
        analysis.runs.is_empty(),
    ) {
        let known: Vec<&str> = analysis
            .runs
            .iter()
            .filter_map(|r| r.test_case.as_deref())
            .collect();
        return Err(Error::invalid_params(format!(
            "no test case `{case}` was simulated; the simulated ones are: {}",
            known.join(", ")
        )));
    }
    let errors: Vec<Value> = analysis
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == asl_sim::Severity::Error)
        .map(|d| json!({"code": d.code, "message": d.message, "start": d.range.start, "end": d.range.end}))
        .collect();
    Ok(json!({
        "uri": request.uri.as_str(),
        "version": analysis.version,
        "runs": runs,
        "errors": errors,
    }))
}
