#![allow(clippy::float_cmp)] // virtual time is exact: these tests compare it exactly
//! Distributed Map as AWS runs it: items read from S3 (CSV with and without a header row, JSON,
//! JSON Lines, an S3 Inventory manifest, a listing), batches, tolerated failures, Express
//! children, the ResultWriter's files, and each reader error; the parent's and the children's
//! histories as snapshots.

use std::collections::BTreeMap;

use asl_sim::engine::{run, Execution, RunOptions, S3Object, S3Source, Status};
use serde_json::{json, Value};

mod common;

/// A machine of one Distributed Map `Process` over `reader`, its processor one Pass state
/// unless `fields` give another; `fields` are added to the Map state.
fn machine(reader: Value, fields: Value) -> String {
    let mut map = json!({
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Each",
            "States": {"Each": {"Type": "Pass", "End": true}}
        },
        "End": true
    });
    map["ItemReader"] = reader;
    if let Value::Object(fields) = fields {
        for (key, value) in fields {
            map[key] = value;
        }
    }
    json!({"StartAt": "Process", "States": {"Process": map}}).to_string()
}

fn get_object(key: &str, config: Value) -> Value {
    let mut reader = json!({
        "Resource": "arn:aws:states:::s3:getObject",
        "Parameters": {"Bucket": "data", "Key": key}
    });
    reader["ReaderConfig"] = config;
    reader
}

fn objects(pairs: &[(&str, &str)]) -> S3Source {
    S3Source {
        root: None,
        objects: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), S3Object::Text(v.to_string())))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn execute(definition: &str, input: Value, s3: S3Source) -> Execution {
    let checked = common::checked(definition);
    let options = RunOptions {
        input: input.into(),
        s3,
        ..RunOptions::default()
    };
    run(&checked.tree, &checked.machine, &options)
}

/// A fresh folder of this test's own under the target directory.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    dir
}

fn output(execution: &Execution) -> Value {
    assert_eq!(
        execution.status,
        Status::Succeeded,
        "{:?}: {:?}",
        execution.error,
        execution.cause
    );
    execution.output.clone().unwrap_or_default()
}

fn failure(execution: &Execution) -> (String, String) {
    assert_eq!(execution.status, Status::Failed);
    (
        execution.error.clone().unwrap_or_default(),
        execution.cause.clone().unwrap_or_default(),
    )
}

/// The parent's events, then each child's, one line each: type and state name.
fn histories(execution: &Execution) -> String {
    let line = |e: &asl_sim::engine::Event| {
        let line = format!(
            "{:>3} {} {}",
            e.id,
            e.kind,
            e.state_name().unwrap_or_default()
        );
        line.trim_end().to_string()
    };
    let mut out: Vec<String> = execution.events.iter().map(line).collect();
    for run in &execution.map_runs {
        out.push(format!("map run {} ({})", run.state, run.status));
        let mut children: Vec<_> = run.children.iter().collect();
        children.sort_by_key(|c| c.index);
        for child in children {
            out.push(format!("  child {} {}", child.index, child.status.as_str()));
            out.extend(child.events.iter().map(|e| format!("    {}", line(e))));
        }
    }
    out.join("\n")
}

const ORDERS: &str = "id,item\n1,apple\n2,\"pear, green\"\n3,plum\n";

#[test]
fn csv_with_a_header_row_gives_one_child_execution_per_row() {
    let definition = machine(
        get_object(
            "orders.csv",
            json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}),
        ),
        json!({}),
    );
    let execution = execute(
        &definition,
        json!({}),
        objects(&[("data/orders.csv", ORDERS)]),
    );
    assert_eq!(
        output(&execution),
        json!([{"id": "1", "item": "apple"}, {"id": "2", "item": "pear, green"}, {"id": "3", "item": "plum"}])
    );
    let run = &execution.map_runs[0];
    assert_eq!(run.children.len(), 3);
    assert!(run
        .arn
        .starts_with("arn:aws:states:us-east-1:111111111111:mapRun:StateMachine/Process:"));
    let started = execution
        .events
        .iter()
        .find(|e| e.kind == "MapRunStarted")
        .expect("recorded");
    assert_eq!(
        started.to_json()["mapRunStartedEventDetails"]["mapRunArn"],
        json!(run.arn)
    );
    // Each child's `$$.Execution` is its own.
    assert!(run.children[0]
        .arn
        .contains(":execution:StateMachine/Process:"));
    insta::assert_snapshot!(histories(&execution));
}

#[test]
fn csv_without_a_header_row_takes_the_given_headers_and_delimiter() {
    let definition = machine(
        get_object(
            "rows.psv",
            json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["user", "score"], "CSVDelimiter": "PIPE"}),
        ),
        json!({}),
    );
    let execution = execute(
        &definition,
        json!({}),
        objects(&[("data/rows.psv", "ada|3\nlin|\n")]),
    );
    // A short row has "" for the fields it lacks.
    assert_eq!(
        output(&execution),
        json!([{"user": "ada", "score": "3"}, {"user": "lin", "score": ""}])
    );
}

#[test]
fn json_and_json_lines_objects() {
    let json_reader = machine(
        get_object("a.json", json!({"InputType": "JSON"})),
        json!({}),
    );
    let execution = execute(
        &json_reader,
        json!({}),
        objects(&[("data/a.json", r#"[1, {"b": 2}, "c"]"#)]),
    );
    assert_eq!(output(&execution), json!([1, {"b": 2}, "c"]));

    let lines_reader = machine(
        get_object("a.jsonl", json!({"InputType": "JSONL"})),
        json!({}),
    );
    let execution = execute(
        &lines_reader,
        json!({}),
        objects(&[("data/a.jsonl", "{\"n\": 1}\r\n\n{\"n\": 2}\n")]),
    );
    assert_eq!(output(&execution), json!([{"n": 1}, {"n": 2}]));
}

/// A gzip member of `data`, as S3 Inventory writes its data files.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend([0; 4]); // the CRC, which the reader does not check
    out.extend((data.len() as u32).to_le_bytes());
    out
}

#[test]
fn an_inventory_manifest_gives_the_rows_of_its_data_files() {
    let dir = temp_dir("dmap-manifest");
    let inventory = dir.join("inventory/source/config");
    std::fs::create_dir_all(inventory.join("data")).expect("a folder");
    std::fs::write(
        inventory.join("manifest.json"),
        json!({
            "sourceBucket": "source", "destinationBucket": "arn:aws:s3:::inventory",
            "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
            "files": [{"key": "source/config/data/a.csv.gz"}, {"key": "source/config/data/b.csv"}]
        })
        .to_string(),
    )
    .expect("written");
    std::fs::write(
        inventory.join("data/a.csv.gz"),
        gzip(b"source,photos/1.jpg,10\nsource,photos/2.jpg,20\n"),
    )
    .expect("written");
    std::fs::write(inventory.join("data/b.csv"), "source,photos/3.jpg,30\n").expect("written");
    let reader = json!({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "MANIFEST"},
        "Parameters": {"Bucket": "inventory", "Key": "source/config/manifest.json"}
    });
    let s3 = S3Source {
        root: Some(dir.clone()),
        objects: BTreeMap::new(),
    };
    let execution = execute(&machine(reader, json!({})), json!({}), s3);
    let keys: Vec<Value> = output(&execution)
        .as_array()
        .expect("an array")
        .iter()
        .map(|row| row["Key"].clone())
        .collect();
    assert_eq!(
        keys,
        vec![
            json!("photos/1.jpg"),
            json!("photos/2.jpg"),
            json!("photos/3.jpg")
        ]
    );
    assert_eq!(
        output(&execution)[0],
        json!({"Bucket": "source", "Key": "photos/1.jpg", "Size": "10"})
    );
}

#[test]
fn a_listing_gives_each_object_as_aws_describes_it() {
    let reader = json!({
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket": "data", "Prefix": "in/"}
    });
    let s3 = objects(&[
        ("data/in/b.txt", "bb"),
        ("data/in/a.txt", "a"),
        ("data/out/c.txt", "c"),
    ]);
    let execution = execute(&machine(reader, json!({})), json!({}), s3);
    let start_s = RunOptions::default().start_time_ms / 1000;
    assert_eq!(
        output(&execution),
        json!([
            {"Etag": "\"0cc175b9c0f1b6a831c399e269772661\"", "Key": "in/a.txt", "LastModified": start_s, "Size": 1, "StorageClass": "STANDARD"},
            {"Etag": "\"21ad0bd836b90d08f4cf640b4c298e7c\"", "Key": "in/b.txt", "LastModified": start_s, "Size": 2, "StorageClass": "STANDARD"}
        ])
    );
}

#[test]
fn max_items_and_max_items_path_stop_the_reading() {
    let lines = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n";
    let literal = machine(
        get_object("a.jsonl", json!({"InputType": "JSONL", "MaxItems": 2})),
        json!({}),
    );
    let execution = execute(&literal, json!({}), objects(&[("data/a.jsonl", lines)]));
    assert_eq!(output(&execution), json!([{"n": 1}, {"n": 2}]));
    let path = machine(
        get_object(
            "a.jsonl",
            json!({"InputType": "JSONL", "MaxItemsPath": "$.max"}),
        ),
        json!({}),
    );
    let execution = execute(
        &path,
        json!({"max": 1}),
        objects(&[("data/a.jsonl", lines)]),
    );
    assert_eq!(output(&execution), json!([{"n": 1}]));
}

#[test]
fn jsonata_arguments_and_reader_config_are_expressions() {
    let definition = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "Process",
        "States": {"Process": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.max %}"},
                "Arguments": {"Bucket": "data", "Key": "{% $states.input.key %}"}
            },
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Each",
                "States": {"Each": {"Type": "Pass", "Output": "{% $states.input.n * 10 %}", "End": true}}
            },
            "End": true
        }}
    })
    .to_string();
    let execution = execute(
        &definition,
        json!({"max": 2, "key": "n.json"}),
        objects(&[("data/n.json", r#"[{"n": 1}, {"n": 2}, {"n": 3}]"#)]),
    );
    assert_eq!(output(&execution), json!([10, 20]));
}

#[test]
fn each_reader_error_is_states_item_reader_failed_with_aws_cause() {
    let csv = |key: &str| {
        machine(
            get_object(
                key,
                json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}),
            ),
            json!({}),
        )
    };
    let s3 = objects(&[
        ("data/long-row.csv", "a,b\n1,2\n1,2,3\n"),
        ("data/twice.csv", "a,a\n1,2\n"),
        ("data/not-array.json", "{\"a\": 1}"),
        ("data/bad.jsonl", "{\"n\": 1}\n{\"n\": \n"),
    ]);
    let cases = [
        (csv("missing.csv"), "The specified key does not exist."),
        (
            csv("long-row.csv"),
            "The CSV row at line 3 has 3 fields, more than the 2 headers.",
        ),
        (csv("twice.csv"), "CSV headers cannot contain duplicates."),
        (
            machine(
                get_object("not-array.json", json!({"InputType": "JSON"})),
                json!({}),
            ),
            "Attempting to map over non-iterable node.",
        ),
        (
            machine(
                get_object("bad.jsonl", json!({"InputType": "JSONL"})),
                json!({}),
            ),
            "line 2",
        ),
        (
            machine(
                get_object("x.parquet", json!({"InputType": "PARQUET"})),
                json!({}),
            ),
            "The specified key does not exist.",
        ),
    ];
    for (definition, cause) in cases {
        let (error, said) = failure(&execute(&definition, json!({}), s3.clone()));
        assert_eq!(error, "States.ItemReaderFailed", "{said}");
        assert!(said.contains(cause), "{said:?} should say {cause:?}");
    }
    let other_bucket = machine(
        json!({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
               "Parameters": {"Bucket": "nope", "Key": "a.json"}}),
        json!({}),
    );
    let (_, cause) = failure(&execute(&other_bucket, json!({}), s3.clone()));
    assert!(
        cause.starts_with("The specified bucket does not exist"),
        "{cause}"
    );
    // Parquet is not simulated, and says so.
    let parquet = machine(
        get_object("x.parquet", json!({"InputType": "PARQUET"})),
        json!({}),
    );
    let execution = execute(&parquet, json!({}), objects(&[("data/x.parquet", "PAR1")]));
    assert!(failure(&execution).1.contains("not simulated"));
    // An item over 256 KiB.
    let big = format!("[\"{}\"]", "x".repeat(300_000));
    let json_reader = machine(
        get_object("big.json", json!({"InputType": "JSON"})),
        json!({}),
    );
    let (_, cause) = failure(&execute(
        &json_reader,
        json!({}),
        objects(&[("data/big.json", &big)]),
    ));
    assert!(cause.contains("maximum item size"), "{cause}");
}

#[test]
fn a_reader_failure_is_caught_like_any_error() {
    let definition = json!({"StartAt": "Process", "States": {
        "Process": {
            "Type": "Map",
            "ItemReader": get_object("missing.json", json!({"InputType": "JSON"})),
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Each", "States": {"Each": {"Type": "Pass", "End": true}}
            },
            "Catch": [{"ErrorEquals": ["States.ItemReaderFailed"], "ResultPath": "$.error", "Next": "Handled"}],
            "Next": "Handled"
        },
        "Handled": {"Type": "Pass", "End": true}
    }})
    .to_string();
    let execution = execute(
        &definition,
        json!({}),
        objects(&[("data/other.json", "[]")]),
    );
    assert_eq!(
        output(&execution)["error"]["Error"],
        json!("States.ItemReaderFailed")
    );
    // No S3 at all: the reader is mocked, and without a mock reads nothing.
    let execution = execute(&definition, json!({}), S3Source::default());
    assert_eq!(output(&execution), json!([]));
    assert!(
        execution.warnings[0].contains("read no items"),
        "{:?}",
        execution.warnings
    );
}

#[test]
fn batches_carry_batch_input_and_respect_both_limits() {
    let items = "[1, 2, 3, 4, 5]";
    let by_count = machine(
        get_object("n.json", json!({"InputType": "JSON"})),
        json!({"ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.run"}}}),
    );
    let execution = execute(
        &by_count,
        json!({"run": 7}),
        objects(&[("data/n.json", items)]),
    );
    assert_eq!(
        output(&execution),
        json!([{"Items": [1, 2], "BatchInput": {"run": 7}}, {"Items": [3, 4], "BatchInput": {"run": 7}}, {"Items": [5], "BatchInput": {"run": 7}}])
    );
    assert_eq!(execution.map_runs[0].children.len(), 3);
    // Each item is 2 bytes with its separator: 5 bytes hold two.
    let by_bytes = machine(
        get_object("n.json", json!({"InputType": "JSON"})),
        json!({"ItemBatcher": {"MaxInputBytesPerBatchPath": "$.bytes"}}),
    );
    let execution = execute(
        &by_bytes,
        json!({"bytes": 5}),
        objects(&[("data/n.json", items)]),
    );
    assert_eq!(
        output(&execution),
        json!([{"Items": [1, 2]}, {"Items": [3, 4]}, {"Items": [5]}])
    );
}

/// A processor that fails on the items whose `fail` is true.
fn failing_on_some(tolerance: Value) -> String {
    let mut fields = json!({
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Check",
            "States": {
                "Check": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": true, "Next": "Boom"}], "Default": "Fine"},
                "Boom": {"Type": "Fail", "Error": "Item.Bad", "Cause": "bad item"},
                "Fine": {"Type": "Pass", "End": true}
            }
        },
        "MaxConcurrency": 1
    });
    if let Value::Object(tolerance) = tolerance {
        for (key, value) in tolerance {
            fields[key] = value;
        }
    }
    machine(
        get_object("items.json", json!({"InputType": "JSON"})),
        fields,
    )
}

const SOME_FAIL: &str = r#"[{"fail": false}, {"fail": true}, {"fail": false}, {"fail": true}]"#;

#[test]
fn tolerated_failures_under_the_threshold_let_the_map_succeed() {
    let definition = failing_on_some(json!({"ToleratedFailurePercentage": 50}));
    let execution = execute(
        &definition,
        json!({}),
        objects(&[("data/items.json", SOME_FAIL)]),
    );
    let out = output(&execution);
    assert_eq!(out[1], json!({"Error": "Item.Bad", "Cause": "bad item"}));
    let statuses: Vec<&str> = execution.map_runs[0]
        .children
        .iter()
        .map(|c| c.status.as_str())
        .collect();
    assert_eq!(statuses, ["SUCCEEDED", "FAILED", "SUCCEEDED", "FAILED"]);
    let path = failing_on_some(json!({"ToleratedFailureCountPath": "$.tolerate"}));
    let execution = execute(
        &path,
        json!({"tolerate": 2}),
        objects(&[("data/items.json", SOME_FAIL)]),
    );
    assert_eq!(execution.status, Status::Succeeded);
}

#[test]
fn tolerated_failures_over_the_threshold_fail_the_map_run() {
    let definition = failing_on_some(json!({"ToleratedFailureCount": 1}));
    let execution = execute(
        &definition,
        json!({}),
        objects(&[("data/items.json", SOME_FAIL)]),
    );
    let (error, _) = failure(&execution);
    assert_eq!(error, "States.ExceedToleratedFailureThreshold");
    assert_eq!(execution.map_runs[0].status, "FAILED");
    insta::assert_snapshot!(histories(&execution));
}

#[test]
fn express_children_run_five_minutes_at_most_each() {
    let waiting = |execution_type: &str| {
        machine(
            get_object("n.json", json!({"InputType": "JSON"})),
            json!({
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                    "StartAt": "Wait",
                    "States": {
                        "Wait": {"Type": "Wait", "SecondsPath": "$.s", "Next": "Again"},
                        "Again": {"Type": "Wait", "SecondsPath": "$.s", "End": true}
                    }
                },
                "ToleratedFailureCount": 5
            }),
        )
    };
    // The second child waits 2 × 200 s: past an Express execution's five minutes.
    let items = objects(&[("data/n.json", r#"[{"s": 10}, {"s": 200}]"#)]);
    let execution = execute(&waiting("EXPRESS"), json!({}), items.clone());
    let run = &execution.map_runs[0];
    let statuses: Vec<&str> = run.children.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(statuses, ["SUCCEEDED", "TIMED_OUT"]);
    assert!(run.children[0].arn.contains(":express:"));
    assert_eq!(output(&execution)[1]["Error"], json!("States.Timeout"));
    insta::assert_snapshot!(histories(&execution));
    let execution = execute(&waiting("STANDARD"), json!({}), items);
    assert_eq!(output(&execution), json!([{"s": 10}, {"s": 200}]));
    assert_eq!(execution.elapsed_seconds, 400.0);
}

#[test]
fn max_concurrency_spreads_children_on_the_virtual_clock_and_label_names_the_run() {
    let definition = machine(
        get_object("n.json", json!({"InputType": "JSON"})),
        json!({
            "Label": "Waves",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Wait",
                "States": {"Wait": {"Type": "Wait", "Seconds": 10, "End": true}}
            }
        }),
    );
    let execution = execute(
        &definition,
        json!({}),
        objects(&[("data/n.json", "[1, 2, 3, 4, 5]")]),
    );
    assert_eq!(execution.elapsed_seconds, 30.0);
    assert!(execution.map_runs[0]
        .arn
        .contains(":mapRun:StateMachine/Waves:"));
}

fn writer_machine(writer: Value) -> String {
    let mut fields = json!({"ToleratedFailureCount": 3});
    fields["ResultWriter"] = writer;
    failing_on_some(fields)
}

#[test]
fn result_files_are_recorded_without_a_folder_and_written_with_one() {
    let writer = json!({"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "results", "Prefix": "runs"}});
    let execution = execute(
        &writer_machine(writer.clone()),
        json!({}),
        objects(&[("data/items.json", SOME_FAIL)]),
    );
    let run = &execution.map_runs[0];
    let id = run.arn.rsplit(':').next().expect("an id");
    assert_eq!(
        output(&execution),
        json!({"MapRunArn": run.arn, "ResultWriterDetails": {"Bucket": "results", "Key": format!("runs/{id}/manifest.json")}})
    );
    let keys: Vec<&str> = run.result_files.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            format!("runs/{id}/SUCCEEDED_0.json"),
            format!("runs/{id}/FAILED_0.json"),
            format!("runs/{id}/manifest.json")
        ]
    );
    assert!(run.result_files.iter().all(|f| !f.written));
    let manifest: Value = serde_json::from_str(&run.result_files[2].content).expect("JSON");
    assert_eq!(manifest["DestinationBucket"], json!("results"));
    assert_eq!(
        manifest["ResultFiles"]["FAILED"][0]["Key"],
        json!(format!("runs/{id}/FAILED_0.json"))
    );
    assert_eq!(manifest["ResultFiles"]["PENDING"], json!([]));
    let failed: Value = serde_json::from_str(&run.result_files[1].content).expect("JSON");
    assert_eq!(failed[0]["Error"], json!("Item.Bad"));
    assert_eq!(failed[0]["Input"], json!("{\"fail\":true}"));
    let succeeded: Value = serde_json::from_str(&run.result_files[0].content).expect("JSON");
    assert_eq!(succeeded[0]["Status"], json!("SUCCEEDED"));
    assert_eq!(succeeded[0]["Output"], json!("{\"fail\":false}"));

    // With a folder, the files are written into it.
    let dir = temp_dir("dmap-writer");
    std::fs::create_dir_all(dir.join("data")).expect("a folder");
    std::fs::write(dir.join("data/items.json"), SOME_FAIL).expect("written");
    let s3 = S3Source {
        root: Some(dir.clone()),
        objects: BTreeMap::new(),
    };
    let execution = execute(&writer_machine(writer), json!({}), s3);
    let run = &execution.map_runs[0];
    assert!(run.result_files.iter().all(|f| f.written));
    let on_disk = std::fs::read_to_string(dir.join("results").join(&run.result_files[2].key))
        .expect("written");
    assert_eq!(on_disk, run.result_files[2].content);
}

#[test]
fn writer_config_transforms_the_output() {
    let items = "[[1, 2], [3]]";
    let with = |writer: Value| {
        let definition = machine(
            get_object("n.json", json!({"InputType": "JSON"})),
            json!({"ResultWriter": writer}),
        );
        execute(&definition, json!({}), objects(&[("data/n.json", items)]))
    };
    let flatten =
        with(json!({"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}));
    assert_eq!(output(&flatten), json!([1, 2, 3]));
    let compact = with(json!({"WriterConfig": {"Transformation": "COMPACT"}}));
    assert_eq!(output(&compact), json!([[1, 2], [3]]));
    let lines = with(
        json!({"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": ""},
                           "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}}),
    );
    assert_eq!(lines.map_runs[0].result_files[0].content, "[1,2]\n[3]\n");
}

#[test]
fn without_s3_the_reader_is_mocked_like_a_task() {
    let config = json!({
        "StateMachines": {"SM": {"TestCases": {"Csv": {"Process": "Rows"}}}},
        "MockedResponses": {"Rows": {"0": {"Return": "a,b\n1,2\n"}}}
    });
    let definition = machine(
        get_object(
            "rows.csv",
            json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}),
        ),
        json!({}),
    );
    let checked = common::checked(&definition);
    let mocks = asl_sim::mocks::test_case(&config, "SM", "Csv").expect("sound mocks");
    assert!(asl_sim::mocks::misplaced_states(&mocks, &checked.machine, "SM", "Csv").is_empty());
    let options = RunOptions {
        mocks: Some(mocks),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    assert_eq!(output(&execution), json!([{"a": "1", "b": "2"}]));
}

#[test]
fn a_test_case_s3_objects_are_read_and_checked() {
    let config = json!({"StateMachines": {"SM": {"TestCases": {"C": {
        "S3Objects": {"data/a.json": "[1]", "data/b.json": {"File": "b.json"}, "nokey": "x", "data/c": {"Path": 1}},
        "S3Root": 3
    }}}}});
    let problems = asl_sim::mocks::read_test_case(&config, "SM", "C").expect_err("wrong fields");
    let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/StateMachines/SM/TestCases/C/S3Root",
            "/StateMachines/SM/TestCases/C/S3Objects/nokey",
            "/StateMachines/SM/TestCases/C/S3Objects/data~1c"
        ]
    );
    let config = json!({"StateMachines": {"SM": {"TestCases": {"C": {
        "S3Objects": {"data/a.json": "[1]", "data/b.json": {"File": "b.json"}}, "S3Root": "s3"
    }}}}});
    let case = asl_sim::mocks::test_case(&config, "SM", "C").expect("sound");
    let resolved = case.s3.resolved(std::path::Path::new("/tmp/mocks"));
    assert_eq!(resolved.root, Some("/tmp/mocks/s3".into()));
    assert_eq!(
        resolved.objects["data/b.json"],
        S3Object::File("/tmp/mocks/b.json".into())
    );
}

#[test]
fn a_driven_map_run_waits_for_its_children_tokens() {
    let definition = machine(
        get_object("n.json", json!({"InputType": "JSON"})),
        json!({"ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Ask",
            "States": {"Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": true
            }}
        }}),
    );
    let checked = common::checked(&definition);
    let options = RunOptions {
        s3: objects(&[("data/n.json", "[1, 2]")]),
        ..RunOptions::default()
    };
    let mut driver = asl_sim::engine::Driver::start(&checked.tree, &checked.machine, options);
    let tokens: Vec<String> = driver.waiting().iter().map(|w| w.token.clone()).collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(driver.execution().map_runs[0].status, "RUNNING");
    for (n, token) in tokens.iter().enumerate() {
        driver.advance(5.0);
        driver
            .send_success(token, json!({"answer": n}))
            .expect("waiting");
    }
    let execution = driver.execution();
    assert_eq!(output(execution), json!([{"answer": 0}, {"answer": 1}]));
    let run = &execution.map_runs[0];
    assert_eq!(run.status, "SUCCEEDED");
    let statuses: Vec<&str> = run.children.iter().map(|c| c.status.as_str()).collect();
    assert_eq!(statuses, ["SUCCEEDED", "SUCCEEDED"]);
    assert_eq!(run.children[1].output, Some(json!({"answer": 1})));
}
