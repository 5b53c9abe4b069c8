//! AWS's TestState API as a request object (`asl-sim test-state`): a case for each class of
//! answer the recorded calls taught, written here (the recorded calls themselves are run by
//! `tests/tests/test_state_conformance.rs`).

use asl_sim::engine::test_state_request;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::111111111111:role/Tester";

fn answer(request: &Value) -> Value {
    match test_state_request(request, None) {
        Ok(response) => response,
        Err(error) => error.to_json(),
    }
}

/// A JSON-text member of the response, parsed.
fn member(response: &Value, path: &str) -> Value {
    let text = response
        .pointer(path)
        .and_then(Value::as_str)
        .unwrap_or("null");
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn batch_map(extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map",
        "QueryLanguage": "JSONata",
        "Items": "{% $states.input.orders %}",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "Ship",
            "States": {"Ship": {"Type": "Pass", "End": true}}
        },
        "ToleratedFailureCount": 1,
        "End": true
    });
    // `null` takes a member out.
    let Value::Object(extra) = extra else {
        return map;
    };
    for (k, v) in extra {
        match v {
            Value::Null => drop(map.as_object_mut().and_then(|m| m.shift_remove(&k))),
            _ => map[&k] = v,
        }
    }
    map
}

#[test]
fn failed_map_iterations_beyond_the_tolerated_count_fail_the_map() {
    let request = |failed: u64, extra: Value| {
        json!({
            "definition": batch_map(extra),
            "input": {"orders": [1, 2, 3, 4]},
            "mock": {"result": "[1, 0, 0, 1]"},
            "stateConfiguration": {"mapIterationFailureCount": failed},
            "inspectionLevel": "DEBUG",
        })
    };
    let tolerated = answer(&request(1, json!({})));
    assert_eq!(tolerated["status"], "SUCCEEDED", "{tolerated}");
    let failed = answer(&request(2, json!({})));
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert_eq!(failed["error"], "States.ExceedToleratedFailureThreshold");
    let caught = answer(&request(
        2,
        json!({"Catch": [
            {"ErrorEquals": ["Other"], "Next": "A"},
            {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "Over"}
        ]}),
    ));
    assert_eq!(caught["status"], "CAUGHT_ERROR", "{caught}");
    assert_eq!(caught["nextState"], "Over");
    assert_eq!(
        caught["inspectionData"]["errorDetails"],
        json!({"catchIndex": 1})
    );
    // The limits as evaluated, the result itself never.
    assert_eq!(caught["inspectionData"]["toleratedFailureCount"], 1);
    assert!(caught["inspectionData"].get("result").is_none());
}

#[test]
fn a_maps_inspection_shows_each_childs_input_after_item_selector_and_item_batcher() {
    let response = answer(&json!({
        "definition": {
            "Type": "Map",
            "ItemsPath": "$.orders",
            "ItemSelector": {"order.$": "$$.Map.Item.Value", "shop.$": "$.shop"},
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Ship",
                "States": {"Ship": {"Type": "Pass", "End": true}}
            },
            "End": true
        },
        "input": {"orders": [1, 2, 3], "shop": "s"},
        "mock": {"result": "[{}, {}]"},
        "inspectionLevel": "DEBUG",
    }));
    assert_eq!(
        member(&response, "/inspectionData/afterItemSelector"),
        json!([{"order": 1, "shop": "s"}, {"order": 2, "shop": "s"}, {"order": 3, "shop": "s"}]),
        "{response}"
    );
    let batches = member(&response, "/inspectionData/afterItemBatcher");
    assert_eq!(batches.as_array().map(Vec::len), Some(2), "{response}");
    assert_eq!(response["inspectionData"]["maxConcurrency"], 0);
}

#[test]
fn a_retrier_reports_its_backoff_in_whole_seconds_and_its_index_when_exhausted() {
    let request = |count: u64| {
        json!({
            "definition": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"},
                "Retry": [
                    {"ErrorEquals": ["Other"]},
                    {"ErrorEquals": ["Busy"], "IntervalSeconds": 3, "BackoffRate": 2, "MaxAttempts": 3}
                ],
                "End": true
            },
            "mock": {"errorOutput": {"error": "Busy", "cause": "try later"}},
            "stateConfiguration": {"retrierRetryCount": count},
            "inspectionLevel": "DEBUG",
        })
    };
    let retried = answer(&request(2));
    assert_eq!(retried["status"], "RETRIABLE", "{retried}");
    assert_eq!(
        retried["inspectionData"]["errorDetails"],
        json!({"retryIndex": 1, "retryBackoffIntervalSeconds": 12})
    );
    let exhausted = answer(&request(3));
    assert_eq!(exhausted["status"], "FAILED", "{exhausted}");
    assert_eq!(
        exhausted["inspectionData"]["errorDetails"],
        json!({"retryIndex": 1})
    );
}

#[test]
fn inspection_reports_each_state_types_own_steps() {
    // A Pass state's Result stands for its work: its input's steps are not reported.
    let pass = answer(&json!({
        "definition": {"Type": "Pass", "InputPath": "$.a", "Result": {"r": 1}, "ResultPath": "$.out", "End": true},
        "input": {"a": {"b": 2}},
        "inspectionLevel": "TRACE",
    }));
    let data = &pass["inspectionData"];
    assert!(data.get("afterInputPath").is_none(), "{pass}");
    assert_eq!(member(&pass, "/inspectionData/result"), json!({"r": 1}));
    assert_eq!(
        member(&pass, "/inspectionData/afterResultPath"),
        json!({"a": {"b": 2}, "out": {"r": 1}})
    );
    // A Parallel state reports only what follows its branches' result.
    let parallel = answer(&json!({
        "definition": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}],
            "ResultPath": "$.all",
            "End": true
        },
        "input": {"x": 1},
        "mock": {"result": "[{\"y\": 2}]"},
        "inspectionLevel": "DEBUG",
    }));
    assert!(parallel["inspectionData"].get("afterInputPath").is_none());
    assert_eq!(
        member(&parallel, "/inspectionData/afterResultPath"),
        json!({"x": 1, "all": [{"y": 2}]})
    );
    // Variables after the state: the given ones with the state's Assign.
    let assigned = answer(&json!({
        "definition": {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"b": "{% $a + 1 %}"}, "End": true},
        "variables": "{\"a\": 1}",
        "inspectionLevel": "TRACE",
    }));
    assert_eq!(
        member(&assigned, "/inspectionData/variables"),
        json!({"a": 1, "b": 2})
    );
}

#[test]
fn the_context_names_the_requests_role_and_a_maps_attempt() {
    let response = answer(&json!({
        "definition": batch_map(json!({"Output": "{% $states.context %}"})),
        "input": {"orders": []},
        "mock": {"result": "[]"},
        "roleArn": ROLE,
    }));
    let context = member(&response, "/output");
    assert_eq!(context["Execution"]["RoleArn"], ROLE, "{response}");
    assert_eq!(context["State"]["RetryCount"], 0);
}

#[test]
fn an_item_readers_items_come_from_the_state_configuration() {
    // The input is the reader's request, not the items; the tolerated percentage counts the
    // reader's four items.
    let request = |failed: u64| {
        json!({
            "definition": batch_map(json!({
                "Items": null,
                "ToleratedFailureCount": null,
                "ToleratedFailurePercentage": 30,
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Arguments": {"Bucket": "b", "Key": "k"}},
            })),
            "input": {"Bucket": "b", "Key": "k"},
            "mock": {"result": "[1, 1, 1, 1]"},
            "stateConfiguration": {
                "mapItemReaderData": "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}, {\"id\": 4}]",
                "mapIterationFailureCount": failed
            },
        })
    };
    let within = answer(&request(1));
    assert_eq!(within["status"], "SUCCEEDED", "{within}");
    let beyond = answer(&request(2));
    assert_eq!(
        beyond["error"], "States.ExceedToleratedFailureThreshold",
        "{beyond}"
    );
}

#[test]
fn a_mocked_result_is_checked_against_the_api_model_as_the_mode_says() {
    let request = |result: &str, mode: Option<&str>| {
        let mut mock = json!({"result": result});
        if let Some(mode) = mode {
            mock["fieldValidationMode"] = json!(mode);
        }
        json!({
            "definition": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution", "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:M"}, "End": true},
            "mock": mock,
        })
    };
    let message = |response: Value| response["message"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        message(answer(&request("{}", None))),
        "Mock result schema validation error: Required field 'ExecutionArn' is missing"
    );
    assert_eq!(
        answer(&request("{}", Some("PRESENT")))["status"],
        "SUCCEEDED"
    );
    assert_eq!(
        message(answer(&request("{\"StartDate\": false}", Some("PRESENT")))),
        "Mock result schema validation error: Field 'StartDate' must be a string"
    );
    assert_eq!(
        answer(&request("{\"StartDate\": false}", Some("NONE")))["status"],
        "SUCCEEDED"
    );
}

#[test]
fn states_that_wait_for_a_worker_or_a_job_need_a_mock() {
    for resource in [
        "arn:aws:states:us-east-1:111111111111:activity:Review",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync:2",
    ] {
        let definition = json!({"Type": "Task", "Resource": resource, "End": true});
        let unmocked = answer(&json!({"definition": definition, "roleArn": ROLE}));
        assert_eq!(
            unmocked["__type"], "ValidationException",
            "{resource}: {unmocked}"
        );
        let mocked = answer(&json!({"definition": definition, "mock": {"result": "{}"}}));
        assert_eq!(mocked["status"], "SUCCEEDED", "{resource}: {mocked}");
    }
}

#[test]
fn an_error_caused_by_state_names_a_state_inside_the_map() {
    let request = |origin: &str| {
        json!({
            "definition": batch_map(json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]})),
            "input": {"orders": [1]},
            "mock": {"errorOutput": {"error": "ShipFailed", "cause": "no truck"}},
            "stateConfiguration": {"errorCausedByState": origin},
        })
    };
    let inside = answer(&request("Ship"));
    assert_eq!(inside["status"], "CAUGHT_ERROR", "{inside}");
    assert_eq!(inside["error"], "ShipFailed");
    let outside = answer(&request("Nowhere"));
    assert_eq!(outside["__type"], "ValidationException", "{outside}");
    assert_eq!(
        outside["message"],
        "Invalid errorCausedByState: 'Nowhere' is not a state of the tested Map's item processor"
    );
    let empty = answer(&request(""));
    assert_eq!(empty["__type"], "ValidationException", "{empty}");
}
