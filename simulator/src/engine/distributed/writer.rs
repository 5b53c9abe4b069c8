//! ResultWriter: a Map Run's results as AWS exports them. With `Resource` and `Parameters`
//! (Bucket, Prefix), the objects `PREFIX/<map run id>/manifest.json` and `SUCCEEDED_0.json`,
//! `FAILED_0.json`, `PENDING_0.json` (each written only when it has entries), written into the
//! S3 folder, or only recorded in the Map Run when there is none; the Map's output is then
//! `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`. `WriterConfig.Transformation`:
//! NONE (each child's record: ARN, input, output, dates, status; the default when exporting),
//! COMPACT (the outputs alone; the default otherwise), FLATTEN (outputs that are arrays spliced
//! in); a failed child keeps its record whatever the transformation. `OutputType` JSONL puts one
//! entry on each line. `WriterConfig` alone reshapes the Map's output, exports nothing.

use serde_json::{json, Value};

use super::super::{format_timestamp, At, Engine, Failure, MapState, QueryLanguage, State, Status};
use super::json_text;
use super::map_run::{ChildExecution, MapRun, ResultFile};
use crate::syntax::Node;

const WRITER_FAILED: &str = "States.ResultWriterFailed";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Transformation {
    None,
    Compact,
    Flatten,
}

impl<'t> Engine<'t> {
    /// With a ResultWriter, the Map's output in its place (`None`: the outputs stand).
    pub(in super::super) fn write_results(
        &mut self,
        state: &'t State,
        map: &'t MapState,
        run: usize,
        input: &Value,
        at: &At,
    ) -> Result<Option<Value>, Failure> {
        let Some(writer) = map.result_writer.and_then(|p| self.node(p)) else {
            return Ok(None);
        };
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let (arguments, config) = self.writer_fields(writer, jsonata, input, at)?;
        let exports = writer.get("Resource").is_some();
        let transformation = match config.get("Transformation").and_then(Value::as_str) {
            Some("NONE") => Transformation::None,
            Some("FLATTEN") => Transformation::Flatten,
            Some("COMPACT") => Transformation::Compact,
            _ if exports => Transformation::None,
            _ => Transformation::Compact,
        };
        let lines = config.get("OutputType").and_then(Value::as_str) == Some("JSONL");
        let Some(record) = self.distributed.runs.get_mut(run) else {
            return Ok(None);
        };
        record.in_index_order();
        let record = &*record;
        if !exports {
            let entries = entries(record, transformation, Status::Succeeded);
            return Ok(Some(Value::Array(entries)));
        }
        let bucket = arguments
            .get("Bucket")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let prefix = arguments
            .get("Prefix")
            .and_then(Value::as_str)
            .unwrap_or("");
        let id = record.arn.rsplit(':').next().unwrap_or_default();
        let folder = match prefix.trim_end_matches('/') {
            "" => id.to_string(),
            p => format!("{p}/{id}"),
        };
        let files = result_files(record, transformation, lines, &bucket, &folder);
        let manifest_key = format!("{folder}/manifest.json");
        let arn = record.arn.clone();
        let mut written = Vec::with_capacity(files.len());
        for (key, content) in files {
            let stored = self
                .distributed
                .s3
                .put(&bucket, &key, content.as_bytes())
                .map_err(|e| {
                    Failure::new(WRITER_FAILED, format!("The results cannot be written: {e}"))
                })?;
            written.push(ResultFile {
                bucket: bucket.clone(),
                key,
                content,
                written: stored,
            });
        }
        if let Some(record) = self.distributed.runs.get_mut(run) {
            record.result_files = written;
        }
        Ok(Some(json!({
            "MapRunArn": arn,
            "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key},
        })))
    }

    /// The writer's Parameters (Arguments) and WriterConfig, evaluated.
    fn writer_fields(
        &mut self,
        writer: Node<'t>,
        jsonata: bool,
        input: &Value,
        at: &At,
    ) -> Result<(Value, Value), Failure> {
        if jsonata {
            let states = self.states_value(input, None, None);
            let arguments = match writer.get("Arguments") {
                Some(node) => self.jsonata_template(node, &states, "ResultWriter/Arguments", at)?,
                None => json!({}),
            };
            let config = match writer.get("WriterConfig") {
                Some(node) => {
                    self.jsonata_template(node, &states, "ResultWriter/WriterConfig", at)?
                }
                None => json!({}),
            };
            return Ok((arguments, config));
        }
        let arguments = match writer.get("Parameters") {
            Some(node) => self.template(node, input, &self.context, at)?,
            None => json!({}),
        };
        let config = writer.get("WriterConfig").map_or(json!({}), Node::to_json);
        Ok((arguments, config))
    }
}

/// The entries of the children of `wanted` status (failed: failed, timed out, aborted).
fn entries(record: &MapRun, transformation: Transformation, wanted: Status) -> Vec<Value> {
    let mut children: Vec<&ChildExecution> = record
        .children
        .iter()
        .filter(|c| (c.status == Status::Succeeded) == (wanted == Status::Succeeded))
        .collect();
    children.sort_by_key(|c| c.index);
    let mut out = Vec::with_capacity(children.len());
    for child in children {
        match (transformation, &child.output) {
            (Transformation::Compact, Some(output)) => out.push(output.clone()),
            (Transformation::Flatten, Some(Value::Array(items))) => {
                out.extend(items.iter().cloned())
            }
            (Transformation::Flatten, Some(output)) => out.push(output.clone()),
            _ => out.push(child_record(record, child)),
        }
    }
    out
}

/// A child's entry in a result file, as AWS writes it.
fn child_record(record: &MapRun, child: &ChildExecution) -> Value {
    let mut entry = json!({
        "ExecutionArn": child.arn,
        "Input": json_text(&child.input),
        "InputDetails": {"Included": true},
        "Name": child.name,
        "RedriveCount": 0,
        "StartDate": format_timestamp(child.start_ms),
        "StateMachineArn": record.machine_arn,
        "Status": child.status.as_str(),
        "StopDate": format_timestamp(child.stop_ms),
    });
    match (&child.output, child.status) {
        (Some(output), _) => {
            entry["Output"] = json!(json_text(output));
            entry["OutputDetails"] = json!({"Included": true});
            entry["RedriveStatus"] = json!("NOT_REDRIVABLE");
            entry["RedriveStatusReason"] = json!("Execution is SUCCEEDED and cannot be redriven");
        }
        (None, _) => {
            entry["Error"] = json!(child.error);
            entry["Cause"] = json!(child.cause);
            entry["RedriveStatus"] = json!(if record.execution_type
                == crate::analysis::WorkflowType::Express
            {
                "NOT_REDRIVABLE"
            } else {
                "REDRIVABLE_BY_MAP_RUN"
            });
        }
    }
    entry
}

/// The objects a ResultWriter exports: the result files that have entries, then the manifest.
fn result_files(
    record: &MapRun,
    transformation: Transformation,
    lines: bool,
    bucket: &str,
    folder: &str,
) -> Vec<(String, String)> {
    let render = |entries: &[Value]| -> String {
        if lines {
            entries.iter().fold(String::new(), |mut out, e| {
                out.push_str(&e.to_string());
                out.push('\n');
                out
            })
        } else {
            Value::Array(entries.to_vec()).to_string()
        }
    };
    let succeeded = entries(record, transformation, Status::Succeeded);
    let failed = entries(record, Transformation::None, Status::Failed);
    let started: std::collections::HashSet<usize> =
        record.children.iter().map(|c| c.index).collect();
    let pending: Vec<Value> = (record.inputs.iter().enumerate())
        .filter(|(i, _)| !started.contains(i))
        .map(|(_, input)| json!({"Input": json_text(input), "InputDetails": {"Included": true}, "Status": "PENDING"}))
        .collect();
    let mut files = Vec::new();
    let mut listed = json!({"FAILED": [], "PENDING": [], "SUCCEEDED": []});
    for (kind, entries) in [
        ("SUCCEEDED", succeeded),
        ("FAILED", failed),
        ("PENDING", pending),
    ] {
        if entries.is_empty() {
            continue;
        }
        let key = format!("{folder}/{kind}_0.json");
        let content = render(&entries);
        if let Some(list) = listed[kind].as_array_mut() {
            list.push(json!({"Key": key, "Size": content.len()}));
        }
        files.push((key, content));
    }
    let manifest = json!({
        "DestinationBucket": bucket,
        "MapRunArn": record.arn,
        "ResultFiles": listed,
    });
    files.push((format!("{folder}/manifest.json"), manifest.to_string()));
    files
}
