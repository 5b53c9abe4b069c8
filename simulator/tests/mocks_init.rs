//! `asl-sim mocks init` on every example writes a mock file `asl-sim test` passes as written.

#[path = "common/binary.rs"]
mod binary;
use binary::asl_sim;

fn examples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("examples/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.contains(".asl."))
        .map(|name| format!("examples/{name}"))
        .collect();
    found.sort();
    found
}

#[test]
#[allow(clippy::print_stdout)] // says how many cases it checked
fn every_examples_generated_mock_file_passes_asl_sim_test() {
    let dir = std::env::temp_dir().join(format!("asl-sim-mocks-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let examples = examples();
    assert!(examples.len() >= 5, "examples found: {examples:?}");
    let mut cases = 0;
    for example in &examples {
        let file = dir.join("mocks.json");
        let file = file.to_str().expect("a UTF-8 path");
        let (code, _, err) = asl_sim(&["mocks", "init", example, "-o", file]);
        assert_eq!(code, 0, "mocks init {example}: {err}");
        let (code, out, err) = asl_sim(&["test", example, "--mocks", file]);
        assert_eq!(
            code, 0,
            "test {example} with its generated mocks:\n{out}{err}"
        );
        cases += out.lines().filter(|l| l.starts_with("PASS")).count();
    }
    println!(
        "mocks init: {} examples, {cases} generated test cases pass",
        examples.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The happy path with the example's own input, and a case per Catch of a Task.
#[test]
fn generated_mock_file_of_order_fulfilment() {
    let input = r#"{"orderId": "o-1", "total": 1500, "items": [{"sku": "a"}, {"sku": "b"}]}"#;
    let (code, out, err) = asl_sim(&[
        "mocks",
        "init",
        "examples/order-fulfilment.asl.json",
        "--input",
        input,
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_definition_that_cannot_be_read_is_reported() {
    let (code, _, err) = asl_sim(&["mocks", "init", "examples/nope.asl.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("examples/nope.asl.json"), "{err}");
}

/// The generated file for `definition` (JSON text), with no input given.
fn generated(name: &str, definition: &str) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("asl-sim-mocks-reads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(format!("{name}.asl.json"));
    std::fs::write(&path, definition).expect("scratch file");
    let (code, out, err) = asl_sim(&["mocks", "init", path.to_str().expect("UTF-8")]);
    assert_eq!(code, 0, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    serde_json::from_str(&out).expect("JSON")
}

/// What later states read of a result is in its minimal answer: a ResultSelector's path, a
/// Choice variable behind a ResultPath (the value that avoids the Fail branch, of the model's
/// type), an ItemsPath (a list), JSONata's `$states.result.x`; and the input holds what the
/// states read of it. The HappyPath then succeeds.
#[test]
fn answers_hold_what_later_states_read() {
    let config = generated(
        "reads",
        r#"{
  "StartAt": "Get",
  "States": {
    "Get": {
      "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "get", "Payload": {"id.$": "$.orderId"}},
      "ResultSelector": {"body.$": "$.Payload.body"}, "ResultPath": "$.got", "Next": "Look up"
    },
    "Look up": {
      "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
      "Parameters": {"TableName": "t", "Key": {"id": {"S.$": "$.got.body.id"}}},
      "ResultPath": "$.item", "Next": "Active?"
    },
    "Active?": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.item.Item.status.S", "StringEquals": "CLOSED", "Next": "Closed"},
        {"Variable": "$.item.Item.status.S", "StringEquals": "ACTIVE", "Next": "Each line"}
      ],
      "Default": "Closed"
    },
    "Closed": {"Type": "Fail", "Error": "Closed"},
    "Each line": {
      "Type": "Map", "ItemsPath": "$.got.body.lines",
      "ItemProcessor": {"StartAt": "Line", "States": {"Line": {"Type": "Pass", "End": true}}},
      "ResultPath": null, "Next": "Describe"
    },
    "Describe": {
      "Type": "Task", "QueryLanguage": "JSONata",
      "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
      "Arguments": {"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e"},
      "Output": {"done": "{% $states.result.Output %}"},
      "End": true
    }
  }
}"#,
    );
    let machine = &config["StateMachines"]["reads"];
    let happy = &machine["Expectations"]["HappyPath"];
    assert_eq!(happy["Status"], "SUCCEEDED", "{config:#}");
    assert_eq!(happy["Input"], serde_json::json!({"orderId": "x"}));
    let answer =
        |state: &str| &config["MockedResponses"][format!("{state} returns")]["0-9999"]["Return"];
    assert_eq!(answer("Get")["Payload"]["body"]["id"], "x");
    // A list a Map goes through holds one item, for the Map's states to run on.
    assert_eq!(
        answer("Get")["Payload"]["body"]["lines"],
        serde_json::json!(["x"])
    );
    assert_eq!(answer("Look up")["Item"]["status"]["S"], "ACTIVE");
    assert!(
        answer("Describe")["Output"].is_string(),
        "the model's type: {config:#}"
    );
    assert_eq!(
        answer("Describe")["Status"],
        "RUNNING",
        "its required members stay"
    );
}

/// A Map's and a Parallel's Catch get a case each: a task inside throws what the Catch takes
/// (not the task that catches it itself), and the case's Expectations show the Catch taken.
#[test]
fn map_and_parallel_catchers_get_a_case() {
    let config = generated(
        "nested",
        r#"{
  "StartAt": "Both",
  "States": {
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Guarded", "States": {"Guarded": {
          "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "a"},
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recovered"}], "End": true},
          "Recovered": {"Type": "Pass", "End": true}}},
        {"StartAt": "Bare", "States": {"Bare": {
          "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
          "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": true}}}
      ],
      "Catch": [{"ErrorEquals": ["Busy"], "Next": "Busy"}, {"ErrorEquals": ["States.ALL"], "Next": "Broken"}],
      "ResultPath": null,
      "Next": "Each"
    },
    "Each": {
      "Type": "Map", "ItemsPath": "$.orders",
      "ItemProcessor": {"StartAt": "Ship", "States": {"Ship": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
        "Parameters": {"QueueUrl": "q", "MessageBody.$": "$.id"}, "End": true}}},
      "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Broken"}],
      "End": true
    },
    "Busy": {"Type": "Succeed"},
    "Broken": {"Type": "Fail", "Error": "Broken"}
  }
}"#,
    );
    let machine = &config["StateMachines"]["nested"];
    let cases: Vec<&String> = machine["TestCases"]
        .as_object()
        .expect("cases")
        .keys()
        .collect();
    assert_eq!(
        cases,
        [
            "HappyPath",
            "Guarded throws States.TaskFailed",
            "Both catches Busy from Bare",
            "Both catches States.TaskFailed from Bare",
            "Each catches States.TaskFailed from Ship",
        ]
        .iter()
        .collect::<Vec<_>>(),
        "{config:#}"
    );
    let expected = &machine["Expectations"];
    assert_eq!(expected["HappyPath"]["Status"], "SUCCEEDED", "{config:#}");
    assert_eq!(
        expected["HappyPath"]["Input"],
        serde_json::json!({"orders": [{"id": "x"}]})
    );
    assert_eq!(
        expected["Both catches Busy from Bare"]["Status"],
        "SUCCEEDED"
    );
    let broken = &expected["Each catches States.TaskFailed from Ship"];
    assert_eq!(broken["Error"], "Broken");
    assert!(broken["States"]
        .as_array()
        .expect("states")
        .contains(&"Broken".into()));
}
