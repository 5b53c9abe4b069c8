//! workspace/executeCommand. `asl.simulate` returns the simulation of an open document: each
//! run (per test case) with its status, output or error, virtual duration, a one-line summary,
//! the history as readable timeline lines, and the whole execution history in AWS's
//! GetExecutionHistory shape, and for a test case how it differs from what the case expects;
//! plus the errors that stopped it from running.

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::diagnostics::Analysis;

pub const SIMULATE: &str = "asl.simulate";
pub const GRAPH: &str = "asl.graph";
pub const COMMANDS: &[&str] = &[SIMULATE, GRAPH];

/// `asl.simulate` / `asl.graph` with `[{"uri": ..., "testCase"?: ..., "format"?: ...}]` or
/// `[uri]`.
pub struct Request {
    pub command: &'static str,
    pub uri: Uri,
    pub test_case: Option<String>,
    /// For `asl.graph`: `svg` (default), `dot` or `mermaid`.
    pub format: String,
}

impl Request {
    pub fn parse(command: &str, arguments: &[Value]) -> Result<Request> {
        let Some(command) = COMMANDS.iter().copied().find(|c| *c == command) else {
            return Err(Error::invalid_params(format!(
                "unknown command `{command}`; this server runs: {}",
                COMMANDS.join(", ")
            )));
        };
        let first = arguments.first();
        let uri = first
            .and_then(|a| a.as_str().or_else(|| a.get("uri").and_then(Value::as_str)))
            .ok_or_else(|| {
                Error::invalid_params(format!(
                    "`{command}` takes [{{\"uri\": DOCUMENT, \"testCase\"?: NAME}}] or [DOCUMENT]"
                ))
            })?;
        let uri = uri
            .parse::<Uri>()
            .map_err(|e| Error::invalid_params(format!("`{uri}` is not a URI: {e}")))?;
        let test_case = first
            .and_then(|a| a.get("testCase"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let format = first
            .and_then(|a| a.get("format"))
            .and_then(Value::as_str)
            .unwrap_or("svg")
            .to_string();
        if !matches!(format.as_str(), "svg" | "dot" | "mermaid") {
            return Err(Error::invalid_params(format!(
                "`format` is svg, dot or mermaid, not `{format}`"
            )));
        }
        Ok(Request {
            command,
            uri,
            test_case,
            format,
        })
    }
}

pub fn not_open(uri: &Uri) -> Error {
    Error::invalid_params(format!(
        "`{}` is not open: open it in the editor first",
        uri.as_str()
    ))
}

/// Run the request's command on the document's analysis.
pub fn run(request: &Request, analysis: &Analysis) -> Result<Value> {
    if request.command == GRAPH {
        Ok(graph(request, analysis))
    } else {
        simulate(request, analysis)
    }
}

/// `asl.graph`: the state machine drawn, with the (first, or the requested) simulated run on
/// it, and its timeline; the test case drawn and every one simulated.
fn graph(request: &Request, analysis: &Analysis) -> Value {
    use asl_sim::picture;
    let checked = &analysis.checked;
    let run = analysis
        .runs
        .iter()
        .find(|r| request.test_case.is_none() || r.test_case == request.test_case);
    // The facts of that run: with several test cases, each message names its case.
    let facts: Vec<asl_sim::Diagnostic> = match run.and_then(|r| r.test_case.as_deref()) {
        Some(case) if analysis.runs.len() > 1 => {
            let prefix = format!("[{case}] ");
            analysis
                .facts
                .iter()
                .filter_map(|d| {
                    let message = d.message.strip_prefix(&prefix)?.to_string();
                    Some(asl_sim::Diagnostic {
                        message,
                        ..d.clone()
                    })
                })
                .collect()
        }
        _ => analysis.facts.clone(),
    };
    let root = picture::graph(
        &checked.tree,
        &checked.machine,
        run.map(|r| (&r.execution, facts.as_slice())),
    );
    let drawing = match request.format.as_str() {
        "dot" => picture::dot::to_dot(&root),
        "mermaid" => picture::dot::to_mermaid(&root),
        _ => picture::svg::to_svg(&root),
    };
    let timeline = run.map(|r| picture::timeline::to_svg(&checked.machine, &r.execution));
    json!({
        "uri": request.uri.as_str(),
        "version": analysis.version,
        "format": request.format,
        "graph": drawing,
        "testCase": run.and_then(|r| r.test_case.clone()),
        // Every simulated test case, for a client to offer to draw each.
        "testCases": analysis.runs.iter().filter_map(|r| r.test_case.as_deref()).collect::<Vec<_>>(),
        "timeline": timeline,
    })
}

fn simulate(request: &Request, analysis: &Analysis) -> Result<Value> {
    let runs: Vec<Value> = analysis
        .runs
        .iter()
        .filter(|r| request.test_case.is_none() || r.test_case == request.test_case)
        .map(|run| {
            let mut value = run.execution.to_json();
            if let Value::Object(fields) = &mut value {
                fields.insert("testCase".into(), json!(run.test_case));
                // What `asl-sim test` says of it: [] when it passes, null without a test case.
                fields.insert("problems".into(), json!(run.problems));
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
