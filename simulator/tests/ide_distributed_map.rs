//! Completion and hover inside a Distributed Map's configuration objects (ItemReader,
//! ReaderConfig, ItemBatcher, ResultWriter, WriterConfig, ProcessorConfig): the fields of each
//! object, its enum values with what each means, the S3 Resources each takes, and the field's
//! own documentation where a name is shared (an ItemReader's Resource is not a Task's).

use std::fmt::Write;

use asl_sim::ide::{complete, hover};
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions};

/// A Distributed Map with every configuration object; `@NAME@` marks a cursor.
const MACHINE: &str = r#"{
  "StartAt": "Rows",
  "States": {
    "Rows": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "@reader-resource@arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "@input-type@CSV", "CSVHeaderLocation": "@header-location@FIRST_ROW", "CSVDelimiter": "@delimiter@COMMA", "ManifestType": "@manifest@S3_INVENTORY", "@reader-config-key@MaxItems": 10},
        "@item-reader-key@Parameters": {"Bucket": "b", "Key": "rows.csv"}
      },
      "ItemBatcher": {"@batcher-key@MaxItemsPerBatch": 10},
      "ResultWriter": {
        "Resource": "@writer-resource@arn:aws:states:::s3:putObject",
        "WriterConfig": {"OutputType": "@output-type@JSON", "@writer-config-key@Transformation": "@transformation@NONE"},
        "Parameters": {"Bucket": "b", "Prefix": "out"}
      },
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "@mode@DISTRIBUTED", "ExecutionType": "@execution-type@STANDARD"},
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "End": true}}
      },
      "End": true
    }
  }
}"#;

/// The machine with the markers taken out, and where each marker was.
fn cursors() -> (String, Vec<(String, usize)>) {
    let mut text = String::new();
    let mut marks = Vec::new();
    let mut rest = MACHINE;
    while let Some(start) = rest.find('@') {
        text.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('@').expect("a closing @");
        marks.push((after[..end].to_string(), text.len()));
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    (text, marks)
}

#[test]
fn completion_in_distributed_map_objects() {
    let (text, marks) = cursors();
    let parsed = asl_sim::syntax::parse(&text, Format::Json);
    let mut out = String::new();
    for (name, offset) in &marks {
        let _ = writeln!(out, "## {name}");
        for item in complete(&parsed.tree, &text, *offset) {
            let _ = writeln!(out, "{} — {}", item.label, item.detail);
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn hover_in_distributed_map_objects() {
    let (text, marks) = cursors();
    let checked = check(&text, Format::Json, CheckOptions::default());
    let mut out = String::new();
    for (name, offset) in &marks {
        // One character in: on the value or the key, not its opening quote.
        let markdown = hover(&checked.tree, &checked.machine, &[], offset + 1)
            .map_or_else(|| "(none)".to_string(), |h| h.markdown);
        let _ = writeln!(out, "## {name}\n{markdown}\n");
    }
    insta::assert_snapshot!(out);
}
