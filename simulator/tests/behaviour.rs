//! The engine where it differed from AWS (issue 14), case by case from the developer guide's
//! rules: when a state's Assign takes effect, Wait's limit, the causes of wrongly typed JSONata
//! results and of `*Path` fields that select nothing.

use asl_sim::engine::{run, Execution, RunOptions, Status};
use asl_sim::WorkflowType;
use serde_json::{json, Value};

mod common;

fn execute(definition: &Value, input: Value) -> Execution {
    execute_as(WorkflowType::Standard, definition, input)
}

fn execute_as(workflow_type: WorkflowType, definition: &Value, input: Value) -> Execution {
    let text = serde_json::to_string_pretty(definition).expect("serialisable");
    let checked = common::checked(&text);
    let options = RunOptions {
        input: input.into(),
        workflow_type,
        ..RunOptions::default()
    };
    run(&checked.tree, &checked.machine, &options)
}

fn succeeded(definition: &Value, input: Value) -> Value {
    let execution = execute(definition, input);
    assert_eq!(
        execution.status,
        Status::Succeeded,
        "{:?}: {:?}",
        execution.error,
        execution.cause
    );
    execution.output.expect("an output")
}

/// The error and cause of a failed execution.
fn failed(definition: &Value, input: Value) -> (String, String) {
    let execution = execute(definition, input);
    assert_eq!(execution.status, Status::Failed, "{:?}", execution.output);
    (
        execution.error.unwrap_or_default(),
        execution.cause.unwrap_or_default(),
    )
}

/// `Init` sets `x` to "old", then `state` runs, then `Show` outputs `{x, y}` as they are then.
fn after_init(state: Value) -> Value {
    let mut machine = json!({"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"x": "old", "y": "unset"}, "Next": "S"},
        "Show": {"Type": "Pass", "Parameters": {"x.$": "$x", "y.$": "$y", "output.$": "$"}, "End": true}
    }});
    machine["States"]["S"] = state;
    machine
}

#[test]
fn a_jsonpath_states_assign_is_invisible_to_its_own_output_path() {
    let shown = |state: Value| succeeded(&after_init(state), json!({"a": 1}));
    // Pass: Assign's own values read the old `x`; OutputPath, after Assign, still sees "old".
    assert_eq!(
        shown(
            json!({"Type": "Pass", "Assign": {"x": "new", "y.$": "$x"}, "OutputPath": "$x", "Next": "Show"})
        ),
        json!({"x": "new", "y": "old", "output": "old"})
    );
    // Wait: the same order.
    assert_eq!(
        shown(
            json!({"Type": "Wait", "Seconds": 0, "Assign": {"x": "new"}, "OutputPath": "$x", "Next": "Show"})
        ),
        json!({"x": "new", "y": "unset", "output": "old"})
    );
    // Parallel: ResultSelector, then Assign, ResultPath, OutputPath.
    assert_eq!(
        shown(json!({"Type": "Parallel", "Next": "Show",
            "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "r", "End": true}}}],
            "ResultSelector": {"r.$": "$[0]", "x.$": "$x"},
            "Assign": {"x": "new", "y.$": "$.x"},
            "ResultPath": "$.result",
            "OutputPath": "$x"})),
        json!({"x": "new", "y": "old", "output": "old"})
    );
}

#[test]
fn a_choice_rules_assign_and_the_states_both_see_the_variables_from_before() {
    let choice = json!({"Type": "Choice",
        "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Assign": {"x": "new"}, "Next": "Show"}],
        "Assign": {"y.$": "$x"},
        "OutputPath": "$x",
        "Default": "Show"});
    assert_eq!(
        succeeded(&after_init(choice), json!({"a": 1})),
        json!({"x": "new", "y": "old", "output": "old"})
    );
}

#[test]
fn a_catchers_assign_takes_effect_for_the_next_state_only() {
    let state = json!({"Type": "Parallel", "Next": "Show",
        "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Fail", "Error": "E", "Cause": "c"}}}],
        "Assign": {"x": "from the state"},
        "Catch": [{"ErrorEquals": ["E"], "Assign": {"x": "caught", "y.$": "$x"}, "ResultPath": "$.error", "Next": "Show"}]});
    assert_eq!(
        succeeded(&after_init(state), json!({"a": 1})),
        json!({"x": "caught", "y": "old", "output": {"a": 1, "error": {"Error": "E", "Cause": "c"}}})
    );
}

#[test]
fn a_jsonata_states_assign_is_invisible_to_its_output() {
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"x": "old"}, "Next": "S"},
        "S": {"Type": "Pass", "Assign": {"x": "new", "y": "{% $x %}"}, "Output": {"x": "{% $x %}"}, "Next": "Show"},
        "Show": {"Type": "Pass", "Output": {"before": "{% $states.input.x %}", "x": "{% $x %}", "y": "{% $y %}"}, "End": true}
    }});
    assert_eq!(
        succeeded(&machine, json!({})),
        json!({"before": "old", "x": "new", "y": "old"})
    );
}

fn one_state(state: Value) -> Value {
    let jsonata = state.to_string().contains("{%");
    let mut machine = json!({"StartAt": "W", "States": {}});
    machine["States"]["W"] = state;
    if jsonata {
        machine["QueryLanguage"] = json!("JSONata");
    }
    machine
}

#[test]
fn a_wait_past_the_execution_limit_fails_however_its_end_is_given() {
    // Runs start at 2026-01-01T00:00:00Z; a Standard execution lasts at most a year.
    let too_long = [
        (
            json!({"Type": "Wait", "Seconds": 99_999_999, "End": true}),
            json!({}),
        ),
        (
            json!({"Type": "Wait", "SecondsPath": "$.s", "End": true}),
            json!({"s": 31_536_001}),
        ),
        (
            json!({"Type": "Wait", "Timestamp": "2027-01-01T00:00:01Z", "End": true}),
            json!({}),
        ),
        (
            json!({"Type": "Wait", "TimestampPath": "$.t", "End": true}),
            json!({"t": "2030-06-01T00:00:00Z"}),
        ),
        (
            json!({"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": true}),
            json!({"s": 40_000_000}),
        ),
        (
            json!({"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": true}),
            json!({"t": "2028-01-01T00:00:00Z"}),
        ),
    ];
    for (state, input) in too_long {
        let machine = one_state(state);
        let (error, cause) = failed(&machine, input);
        assert_eq!(error, "States.Runtime", "{machine}");
        assert_eq!(
            cause,
            "An error occurred while executing the state 'W' (entered at the event id #2). Wait state delay is too long",
            "{machine}"
        );
    }
    // Exactly the limit is allowed, and so is a timestamp already past.
    for (state, input) in [
        (
            json!({"Type": "Wait", "SecondsPath": "$.s", "End": true}),
            json!({"s": 31_536_000}),
        ),
        (
            json!({"Type": "Wait", "Timestamp": "2027-01-01T00:00:00Z", "End": true}),
            json!({}),
        ),
        (
            json!({"Type": "Wait", "Timestamp": "2020-01-01T00:00:00Z", "End": true}),
            json!({}),
        ),
    ] {
        succeeded(&one_state(state), input);
    }
    // An Express execution waits at most five minutes.
    let express = |seconds: u64| {
        execute_as(
            WorkflowType::Express,
            &one_state(json!({"Type": "Wait", "Seconds": seconds, "End": true})),
            json!({}),
        )
    };
    assert_eq!(express(300).status, Status::Succeeded);
    let refused = express(301);
    assert_eq!(refused.error.as_deref(), Some("States.Runtime"));
    assert!(refused
        .cause
        .unwrap_or_default()
        .ends_with("Wait state delay is too long"));
}

/// The cause AWS gives a failure in state `W`, entered at event 2.
fn in_w(cause: &str) -> String {
    format!("An error occurred while executing the state 'W' (entered at the event id #2). {cause}")
}

fn task(fields: &Value) -> Value {
    let mut state =
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
    for (k, v) in fields.as_object().expect("fields") {
        state[k] = v.clone();
    }
    state
}

fn map(fields: &Value) -> Value {
    let mut state = json!({"Type": "Map", "End": true, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}});
    for (k, v) in fields.as_object().expect("fields") {
        state[k] = v.clone();
    }
    state
}

#[test]
fn a_jsonata_result_of_the_wrong_type_names_the_field_and_the_type_it_takes() {
    let cases = [
        (
            json!({"Type": "Wait", "Seconds": "{% $states.input.v %}", "End": true}),
            json!("ten"),
            "Seconds",
            "integer",
            "string",
            "\"ten\"",
        ),
        (
            json!({"Type": "Wait", "Seconds": "{% $states.input.v %}", "End": true}),
            json!(1.5),
            "Seconds",
            "integer",
            "number",
            "1.5",
        ),
        (
            json!({"Type": "Wait", "Timestamp": "{% $states.input.v %}", "End": true}),
            json!(20),
            "Timestamp",
            "string",
            "number",
            "20",
        ),
        (
            task(
                &json!({"Arguments": {"FunctionName": "f"}, "TimeoutSeconds": "{% $states.input.v %}"}),
            ),
            json!("60"),
            "TimeoutSeconds",
            "integer",
            "string",
            "\"60\"",
        ),
        (
            task(
                &json!({"Arguments": {"FunctionName": "f"}, "HeartbeatSeconds": "{% $states.input.v %}"}),
            ),
            json!([5]),
            "HeartbeatSeconds",
            "integer",
            "array",
            "[5]",
        ),
        (
            map(&json!({"Items": "{% $states.input.v %}"})),
            json!({"a": 1}),
            "Items",
            "array",
            "object",
            "{\"a\":1}",
        ),
        (
            map(&json!({"Items": [1], "MaxConcurrency": "{% $states.input.v %}"})),
            json!("2"),
            "MaxConcurrency",
            "integer",
            "string",
            "\"2\"",
        ),
        (
            map(&json!({"Items": [1], "ToleratedFailureCount": "{% $states.input.v %}"})),
            json!(true),
            "ToleratedFailureCount",
            "integer",
            "boolean",
            "true",
        ),
        (
            map(&json!({"Items": [1], "ToleratedFailurePercentage": "{% $states.input.v %}"})),
            json!("5%"),
            "ToleratedFailurePercentage",
            "number",
            "string",
            "\"5%\"",
        ),
    ];
    for (state, v, field, expected, was, shown) in cases {
        let machine = one_state(state);
        let (error, cause) = failed(&machine, json!({"v": v}));
        assert_eq!(error, "States.QueryEvaluationError", "{machine}");
        assert_eq!(
            cause,
            in_w(&format!("The JSONata expression '$states.input.v' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{was}' for value: {shown}")),
            "{machine}"
        );
    }
    // JSONata's arithmetic gives whole numbers as `2.0`: still an integer.
    let whole =
        one_state(json!({"Type": "Wait", "Seconds": "{% $states.input.v / 2 %}", "End": true}));
    assert_eq!(succeeded(&whole, json!({"v": 4})), json!({"v": 4}));
}

#[test]
fn a_path_field_that_selects_nothing_fails_with_jayways_message() {
    let cases = [
        (
            task(&json!({"Parameters": {"FunctionName": "f"}, "TimeoutSecondsPath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            task(&json!({"Parameters": {"FunctionName": "f"}, "HeartbeatSecondsPath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            task(&json!({"Parameters": {"FunctionName": "f"}, "InputPath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            map(&json!({"ItemsPath": "$.a.b"})),
            "Invalid path '$.a.b' : Missing property in path $['a']",
        ),
        (
            map(&json!({"ItemsPath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            map(&json!({"ItemsPath": "$.items", "MaxConcurrencyPath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            map(&json!({"ItemsPath": "$.items", "ToleratedFailureCountPath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            map(&json!({"ItemsPath": "$.items", "ToleratedFailurePercentagePath": "$.x"})),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            json!({"Type": "Pass", "OutputPath": "$.x", "End": true}),
            "Invalid path '$.x' : No results for path: $['x']",
        ),
        (
            json!({"Type": "Wait", "SecondsPath": "$.x", "End": true}),
            "The SecondsPath parameter does not reference an input value: $.x",
        ),
    ];
    for (state, cause) in cases {
        let machine = one_state(state);
        let (error, got) = failed(&machine, json!({"items": [1]}));
        assert_eq!(error, "States.Runtime", "{machine}");
        assert_eq!(got, in_w(cause), "{machine}");
    }
}
