//! Snapshots of what the checker says about broken documents: code, severity, exact location
//! (line:column, 1-based) and message. A change in wording or range shows up in review.

use std::fmt::Write;

use asl_sim::syntax::{Format, LineIndex, PositionEncoding};
use asl_sim::{check, CheckOptions, WorkflowType};

fn render(text: &str, format: Format, options: CheckOptions) -> String {
    let index = LineIndex::new(text);
    let checked = check(text, format, options);
    let mut out = String::new();
    for d in &checked.diagnostics {
        let (s, e) = index.range(text, d.range, PositionEncoding::Utf16);
        let snippet = &text[d.range.start as usize..d.range.end as usize];
        let _ = write!(
            out,
            "{}:{}-{}:{} {} [{}] {:?}\n    {}\n",
            s.line + 1,
            s.character + 1,
            e.line + 1,
            e.character + 1,
            d.severity.as_str(),
            d.code,
            snippet,
            d.message
        );
        for r in &d.related {
            let p = index.position(text, r.range.start as usize, PositionEncoding::Utf16);
            let _ = writeln!(
                out,
                "    related {}:{} {}",
                p.line + 1,
                p.character + 1,
                r.message
            );
        }
    }
    out
}

fn example(name: &str) -> (String, Format) {
    let path = format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (text, Format::from_path(name))
}

#[test]
fn typos() {
    let (text, format) = example("broken/typos.asl.json");
    insta::assert_snapshot!(render(&text, format, CheckOptions::default()));
}

#[test]
fn jsonata_mistakes() {
    let (text, format) = example("broken/jsonata.asl.json");
    insta::assert_snapshot!(render(&text, format, CheckOptions::default()));
}

#[test]
fn half_typed_document() {
    let (text, format) = example("broken/half-typed.asl.json");
    insta::assert_snapshot!(render(&text, format, CheckOptions::default()));
}

#[test]
fn yaml_document() {
    let (text, format) = example("broken/callback.asl.yaml");
    insta::assert_snapshot!(render(&text, format, CheckOptions::default()));
}

#[test]
fn express_workflow_patterns() {
    let (text, format) = example("heartbeat.asl.json");
    let options = CheckOptions {
        workflow_type: WorkflowType::Express,
    };
    insta::assert_snapshot!(render(&text, format, options));
}

#[test]
fn token_wait_without_bounds_is_a_warning() {
    let text = r#"{"StartAt": "W", "States": {"W": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token", "who.$": "$owner"}},
        "End": true}}}"#;
    insta::assert_snapshot!(render(text, Format::Json, CheckOptions::default()));
}

#[test]
fn examples_are_clean() {
    for name in [
        "sns-publish.asl.json",
        "batch-job.asl.json",
        "sqs-callback.asl.json",
        "heartbeat.asl.json",
        "order-fulfilment.asl.json",
        "callback-jsonata.asl.yaml",
    ] {
        let (text, format) = example(name);
        assert_eq!(render(&text, format, CheckOptions::default()), "", "{name}");
    }
}

#[test]
fn yaml_and_json_read_the_same() {
    let (json, _) = example("sqs-callback.asl.json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid");
    let yaml = json_to_yaml(&value, 0);
    let from_yaml = asl_sim::syntax::parse(&yaml, Format::Yaml);
    assert!(
        from_yaml.diagnostics.is_empty(),
        "{:?}\n{yaml}",
        from_yaml.diagnostics
    );
    assert_eq!(from_yaml.tree.root().to_json(), value);
}

/// A small block-style YAML writer for the test above (strings always quoted).
fn json_to_yaml(value: &serde_json::Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::Object(_) => {
                    format!("{pad}{k:?}:\n{}", json_to_yaml(v, indent + 2))
                }
                _ => format!("{pad}{k:?}: {}\n", v),
            })
            .collect(),
        other => format!("{pad}{other}\n"),
    }
}

/// Branches and inline Map processors see their parent's variables; a Distributed Map's child
/// executions do not, and a parent never sees a child's.
#[test]
fn variable_scopes() {
    let text = r#"{
  "StartAt": "Set",
  "States": {
    "Set": {"Type": "Pass", "Assign": {"outer": 1}, "Next": "Fan"},
    "Fan": {"Type": "Parallel", "Branches": [
      {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"inner": 1},
        "Parameters": {"a.$": "$outer"}, "End": true}}}
    ], "Next": "Each"},
    "Each": {"Type": "Map", "ItemProcessor": {
      "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "M", "States": {"M": {"Type": "Pass",
        "Parameters": {"b.$": "States.Format('{}', $outer)"}, "End": true}}
    }, "Next": "Done"},
    "Done": {"Type": "Pass", "Parameters": {"c.$": "$inner"}, "End": true}
  }
}"#;
    insta::assert_snapshot!(render(text, Format::Json, CheckOptions::default()));
}

/// Large documents are checked on two threads (field walk beside the model's checks): both
/// halves still report, and in a stable order.
#[test]
fn large_documents_report_from_both_halves() {
    let mut states = serde_json::Map::new();
    for i in 0..3000 {
        let mut state = serde_json::json!({"Type": "Pass", "Comment": "x".repeat(60), "Next": format!("S{}", i + 1)});
        if i == 2999 {
            state = serde_json::json!({"Type": "Pass", "End": true});
        }
        states.insert(format!("S{i}"), state);
    }
    states["S10"]["Nxet"] = serde_json::json!("S11"); // a field walk error
    states["S20"]["Next"] = serde_json::json!("Nowhere"); // a graph error
    let text =
        serde_json::to_string_pretty(&serde_json::json!({"StartAt": "S0", "States": states}))
            .expect("serialisable");
    assert!(
        text.len() > 256 * 1024,
        "large enough for the two-thread path"
    );
    let first = check(&text, Format::Json, CheckOptions::default()).diagnostics;
    let codes: Vec<&str> = first.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"unknown-field"), "{codes:?}");
    assert!(codes.contains(&"unknown-state"), "{codes:?}");
    assert!(codes.contains(&"unreachable-state"), "{codes:?}");
    for _ in 0..3 {
        assert_eq!(
            check(&text, Format::Json, CheckOptions::default()).diagnostics,
            first
        );
    }
}

#[test]
fn a_variable_only_its_own_state_assigns_has_no_value_there_yet() {
    let text = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Pass",
      "Output": {"who": "{% $requester %}"},
      "Assign": {"requester": "{% $states.input.user %}"},
      "Next": "Count"
    },
    "Count": {
      "Type": "Pass",
      "Assign": {"tries": "{% $tries + 1 %}", "seen": "{% $requester %}"},
      "Next": "Again"
    },
    "Again": {
      "Type": "Choice",
      "Choices": [{"Condition": "{% $tries < 3 %}", "Next": "Count"}],
      "Default": "Init"
    },
    "Init": {"Type": "Pass", "Assign": {"total": 0}, "Next": "Add"},
    "Add": {"Type": "Pass", "Assign": {"total": "{% $total + 1 %}"}, "End": true}
  }
}"#;
    // `$requester` read by Ask, which alone assigns it; `$tries` read by Count, which alone
    // assigns it. `$requester` in Count and `$tries` in Again are fine (assigned before), and so
    // is `$total` in Add (Init assigns it too).
    insta::assert_snapshot!(render(text, Format::Json, CheckOptions::default()));
}

#[test]
fn parameters_against_the_api_models() {
    let (text, format) = example("broken/parameters.asl.json");
    insta::assert_snapshot!(render(&text, format, CheckOptions::default()));
}

#[test]
fn arguments_against_the_api_models() {
    let (text, format) = example("broken/arguments.asl.yaml");
    insta::assert_snapshot!(render(&text, format, CheckOptions::default()));
}

/// The snippets messages quote are spelt as the document is written: `"End": true` in JSON,
/// `End: true` in YAML (keys and plain values unquoted, JSONata still quoted).
#[test]
fn snippets_are_spelt_as_the_document_is_written() {
    let json = r#"{"StartAt": "Ask", "States": {
  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"QueueUrl": "q", "MessageBody": "hi"}, "Next": "Done", "End": true},
  "Done": {"Type": "Pass"},
  "Ask again": {"Type": "Task", "QueryLanguage": "JSONata",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Arguments": {"QueueUrl": "q", "MessageBody": "hi"}, "TimeoutSeconds": 60, "End": true}}}
"#;
    let yaml = "StartAt: Ask
States:
  Ask:
    Type: Task
    Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
    Parameters: {QueueUrl: q, MessageBody: hi}
    Next: Done
    End: true
  Done:
    Type: Pass
  Ask again:
    Type: Task
    QueryLanguage: JSONata
    Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
    Arguments: {QueueUrl: q, MessageBody: hi}
    TimeoutSeconds: 60
    End: true
";
    let json_said = render(json, Format::Json, CheckOptions::default());
    let yaml_said = render(yaml, Format::Yaml, CheckOptions::default());
    assert!(json_said.contains(r#"`"End": true`"#), "{json_said}");
    assert!(yaml_said.contains("`End: true`"), "{yaml_said}");
    assert!(!yaml_said.contains(r#"`"End""#), "{yaml_said}");
    insta::assert_snapshot!("snippets_in_json", json_said);
    insta::assert_snapshot!("snippets_in_yaml", yaml_said);
}

/// A Distributed Map's rules across its fields: the reader's API and InputType against the
/// ReaderConfig fields, the ResultWriter's sets, the resources each takes, the child
/// executions' type, and the Distributed Map's fields on an inline Map.
#[test]
fn distributed_map_rules() {
    let text = r#"{
  "StartAt": "Csv",
  "States": {
    "Csv": {
      "Type": "Map",
      "ItemsPath": "$.rows",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "ManifestType": "S3_INVENTORY", "MaxItems": 200000000},
        "Parameters": {"Bucket": "b", "Key": "rows.csv"}
      },
      "ItemBatcher": {"BatchInput": {"run": 1}},
      "ResultWriter": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "Job",
        "States": {"Job": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "j"}, "End": true}}
      },
      "Next": "Listing"
    },
    "Listing": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:putObject",
        "ReaderConfig": {"InputType": "JSON", "CSVDelimiter": "PIPE", "CSVHeaders": ["a"]}
      },
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}
      },
      "Next": "Objects"
    },
    "Objects": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVHeaders": ["a"]},
        "Parameters": {"Bucket": "b", "Prefix": "in/"}
      },
      "ResultWriter": {"Parameters": {"Bucket": "b", "Prefix": "out/"}},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P2", "States": {"P2": {"Type": "Pass", "End": true}}
      },
      "Next": "Inline"
    },
    "Inline": {
      "Type": "Map",
      "Label": "rows",
      "ToleratedFailurePercentage": 5,
      "ResultWriter": {},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE", "ExecutionType": "STANDARD"},
        "StartAt": "P3", "States": {"P3": {"Type": "Pass", "End": true}}
      },
      "End": true
    }
  }
}"#;
    insta::assert_snapshot!(render(text, Format::Json, CheckOptions::default()));
}

/// The ResultWriter's and reader's accepted forms raise nothing: WriterConfig alone (the
/// output shaped, nothing written), Resource with Parameters, all three; a CSV read with
/// GIVEN headers; a manifest; a listing with MaxItems; JSONata Arguments.
#[test]
fn distributed_map_forms_aws_takes_are_clean() {
    let text = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "name"], "CSVDelimiter": "SEMICOLON", "MaxItems": 10},
        "Arguments": {"Bucket": "b", "Key": "{% $states.input.key %}"}
      },
      "ItemBatcher": {"MaxItemsPerBatch": 10, "BatchInput": {"run": "{% $states.input.run %}"}},
      "ResultWriter": {"WriterConfig": {"OutputType": "JSONL", "Transformation": "FLATTEN"}},
      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
      "Label": "rows",
      "ToleratedFailurePercentage": 5,
      "Next": "B"
    },
    "B": {
      "Type": "Map",
      "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "MANIFEST", "ManifestType": "S3_INVENTORY"}, "Arguments": {"Bucket": "b", "Key": "manifest.json"}},
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b", "Prefix": "out"}, "WriterConfig": {"Transformation": "COMPACT"}},
      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P2", "States": {"P2": {"Type": "Pass", "End": true}}},
      "Next": "C"
    },
    "C": {
      "Type": "Map",
      "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"MaxItems": 5}, "Arguments": {"Bucket": "b", "Prefix": "in/"}},
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b", "Prefix": "out"}},
      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P3", "States": {"P3": {"Type": "Pass", "End": true}}},
      "End": true
    }
  }
}"#;
    assert_eq!(render(text, Format::Json, CheckOptions::default()), "");
}
