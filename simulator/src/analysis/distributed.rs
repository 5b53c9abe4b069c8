//! A Distributed Map's rules across its fields (each field's own type is the schema's): which
//! fields need `Mode` DISTRIBUTED, which ReaderConfig fields go with which reader and InputType,
//! and the sets of fields a ResultWriter takes. Only the ResultWriter's sets are errors (AWS
//! documents them as the only ones it takes); AWS runs the rest, or ignores the field, so they
//! are warnings. `codes.rs` gives the reason for each.

use crate::diagnostic::Diagnostic;
use crate::syntax::{Member, Node};

/// The fields that mean something only to a Distributed Map.
const DISTRIBUTED_ONLY: &[&str] = &[
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "Label",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
];

/// The ReaderConfig fields that say how to read one object (all but MaxItems).
const OBJECT_READING: &[&str] = &[
    "InputType",
    "CSVHeaderLocation",
    "CSVHeaders",
    "CSVDelimiter",
    "ManifestType",
];

const CSV_ONLY: &[&str] = &["CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"];

/// The most items AWS reads from one source.
const MAX_ITEMS: u64 = 100_000_000;

/// The rules of one Map state.
pub fn check_map(map: Node<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let config = map
        .get("ItemProcessor")
        .or_else(|| map.get("Iterator"))
        .and_then(|p| p.get("ProcessorConfig"));
    let mode = config.and_then(|c| c.member("Mode"));
    match mode.map(|m| m.value.as_str()) {
        Some(Some("DISTRIBUTED")) if config.and_then(|c| c.get("ExecutionType")).is_none() => {
            let at = mode.map_or_else(|| map.range(), |m| m.key.range);
            diagnostics.push(Diagnostic::warning(
                "missing-execution-type",
                at,
                "A Distributed Map names the type of its child executions: add \"ExecutionType\": \"STANDARD\" (or \"EXPRESS\") beside `Mode`.",
            ));
        }
        // INLINE, or no Mode (INLINE by default); a `${...}` substitution is left alone.
        None | Some(Some("INLINE")) => inline_fields(map, config, diagnostics),
        _ => {}
    }
    if let Some(reader) = map.get("ItemReader").filter(|r| r.is_object()) {
        reader_rules(map, reader, diagnostics);
    }
    if let Some(writer) = map.member("ResultWriter").filter(|w| w.value.is_object()) {
        writer_rules(writer, diagnostics);
    }
    if let Some(batcher) = map.member("ItemBatcher").filter(|b| b.value.is_object()) {
        let sized = [
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
        ]
        .iter()
        .any(|f| batcher.value.get(f).is_some());
        if !sized {
            diagnostics.push(Diagnostic::warning(
                "unbounded-item-batcher",
                batcher.key.range,
                "This ItemBatcher sets no batch size: give `MaxItemsPerBatch`, `MaxInputBytesPerBatch`, or both.",
            ));
        }
    }
}

/// On an inline Map, the Distributed Map's fields (and ExecutionType) do nothing.
fn inline_fields(map: Node<'_>, config: Option<Node<'_>>, diagnostics: &mut Vec<Diagnostic>) {
    for name in DISTRIBUTED_ONLY {
        if let Some(member) = map.member(name) {
            diagnostics.push(Diagnostic::warning(
                "distributed-only-field",
                member.key.range,
                format!(
                    "`{name}` is for a Distributed Map, and this Map runs inline: set \"ProcessorConfig\": {{\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"}} in its ItemProcessor, or remove it."
                ),
            ));
        }
    }
    if let Some(member) = config.and_then(|c| c.member("ExecutionType")) {
        diagnostics.push(Diagnostic::warning(
            "distributed-only-field",
            member.key.range,
            "`ExecutionType` is the type of a Distributed Map's child executions; an inline Map has none (set `Mode` to DISTRIBUTED, or remove it).",
        ));
    }
}

/// A string value as written, unless it is a JSONata expression or a `${...}` substitution.
fn literal(node: Node<'_>) -> Option<&str> {
    node.as_str()
        .filter(|s| !s.starts_with("{%") && !s.contains("${"))
}

/// Which ReaderConfig fields go with the reader's API and InputType.
fn reader_rules(map: Node<'_>, reader: Node<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let api = reader
        .get("Resource")
        .and_then(literal)
        .and_then(|r| r.split_once(":::"))
        .map(|(_, api)| api);
    let config = reader.get("ReaderConfig");
    let field = |name: &str| config.and_then(|c| c.member(name));
    let mut warn = |member: Member<'_>, message: String| {
        diagnostics.push(Diagnostic::warning(
            "reader-config",
            member.key.range,
            message,
        ));
    };
    for source in ["ItemsPath", "Items"] {
        if let Some(member) = map.member(source) {
            warn(member, format!("With an `ItemReader` the items come from S3: `{source}`, which takes them from the state input, is not used."));
        }
    }
    match api {
        Some("s3:listObjectsV2") => {
            for name in OBJECT_READING {
                if let Some(member) = field(name) {
                    warn(member, format!("A listing (`s3:listObjectsV2`) gives one item per object: `{name}` applies only to an object read with `s3:getObject`."));
                }
            }
        }
        Some("s3:getObject") if field("InputType").is_none() => {
            if let Some(resource) = reader.member("Resource") {
                warn(resource, "`s3:getObject` reads one object: `ReaderConfig.InputType` says how to read it (CSV, JSON, JSONL, MANIFEST or PARQUET).".to_string());
            }
        }
        _ => {}
    }
    // A listing has no format: its fields were all reported above.
    if api != Some("s3:listObjectsV2") {
        format_rules(&field, &mut warn);
    }
    if let Some(member) = field("MaxItems") {
        if member
            .value
            .as_number()
            .and_then(serde_json::Number::as_u64)
            .is_some_and(|n| n > MAX_ITEMS)
        {
            warn(
                member,
                "AWS reads at most 100,000,000 items: a larger `MaxItems` reads no more."
                    .to_string(),
            );
        }
    }
}

/// The fields that say how to read one object, against its InputType.
fn format_rules<'t>(
    field: &dyn Fn(&str) -> Option<Member<'t>>,
    warn: &mut dyn FnMut(Member<'t>, String),
) {
    let input_type = field("InputType").and_then(|m| literal(m.value));
    match input_type {
        Some("CSV") => csv_rules(field("InputType"), field, warn),
        Some(other) => {
            for name in CSV_ONLY {
                if let Some(member) = field(name) {
                    warn(
                        member,
                        format!("`{name}` applies to InputType CSV, not {other}."),
                    );
                }
            }
        }
        None => {}
    }
    if let Some(member) = field("ManifestType") {
        let mismatch = match (literal(member.value), input_type) {
            (Some("S3_INVENTORY"), Some(t)) if t != "MANIFEST" => {
                Some("ManifestType S3_INVENTORY goes with InputType MANIFEST (an S3 Inventory manifest.json).")
            }
            (Some("ATHENA_DATA"), Some("JSON" | "MANIFEST")) => {
                Some("An Athena manifest lists CSV, JSONL or PARQUET files: InputType names their format.")
            }
            _ => None,
        };
        if let Some(message) = mismatch {
            warn(member, message.to_string());
        }
    }
}

/// A CSV reader's header: FIRST_ROW, or GIVEN with `CSVHeaders`.
fn csv_rules<'t>(
    input_type: Option<Member<'t>>,
    field: &dyn Fn(&str) -> Option<Member<'t>>,
    warn: &mut dyn FnMut(Member<'t>, String),
) {
    let location = field("CSVHeaderLocation");
    let headers = field("CSVHeaders");
    match (location.map(|m| (m, literal(m.value))), headers) {
        (None, _) => {
            if let Some(input_type) = input_type {
                warn(input_type, "A CSV reader says where the column names come from: add `CSVHeaderLocation`, FIRST_ROW (the file's first row) or GIVEN (with `CSVHeaders`).".to_string());
            }
        }
        (Some((at, Some("GIVEN"))), None) => {
            warn(at, "With CSVHeaderLocation GIVEN, `CSVHeaders` names the columns: without it no row can be read.".to_string());
        }
        (Some((_, Some("FIRST_ROW"))), Some(headers)) => {
            warn(headers, "`CSVHeaders` is read only with CSVHeaderLocation GIVEN: with FIRST_ROW the file's first row names the columns.".to_string());
        }
        _ => {}
    }
    if let Some(headers) = headers.filter(|h| h.value.is_array() && h.value.elements().is_empty()) {
        warn(headers, "`CSVHeaders` names no column.".to_string());
    }
}

/// A ResultWriter takes `WriterConfig`, or `Resource` with `Parameters` / `Arguments`, or all.
fn writer_rules(writer: Member<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let object = writer.value;
    let resource = object.member("Resource");
    let request = object
        .member("Parameters")
        .or_else(|| object.member("Arguments"));
    let shaped = object.get("WriterConfig").is_some();
    let (at, message) = match (resource, request) {
        (None, None) if !shaped => (
            writer.key.range,
            "A ResultWriter needs `WriterConfig` (to shape the Map's output), or `Resource` with `Parameters` (JSONata: `Arguments`) to write the results to S3, or all three.".to_string(),
        ),
        (Some(resource), None) => (
            resource.key.range,
            "The results are written to the Bucket and Prefix that `Parameters` (JSONata: `Arguments`) give: add them beside `Resource`.".to_string(),
        ),
        (None, Some(request)) => (
            request.key.range,
            format!(
                "`{}` says where to write the results; it needs \"Resource\": \"arn:aws:states:::s3:putObject\".",
                request.key.name
            ),
        ),
        _ => return,
    };
    diagnostics.push(Diagnostic::error("result-writer-fields", at, message));
}
