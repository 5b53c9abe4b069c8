//! The classes of false alarm found on deployed state machines (issue 14), written here: each
//! definition is legal for AWS, so it checks without an error, and the engine runs it as AWS does.

use std::sync::Arc;

use asl_sim::engine::{run, RunOptions, Status};
use asl_sim::model::integrations::resolve;
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions, Diagnostic, Severity};
use serde_json::{json, Value};

fn errors(definition: &Value) -> Vec<Diagnostic> {
    let text = serde_json::to_string_pretty(definition).expect("serialisable");
    check(&text, Format::Json, CheckOptions::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn output(definition: &Value, input: Value) -> Value {
    let text = serde_json::to_string_pretty(definition).expect("serialisable");
    let checked = check(&text, Format::Json, CheckOptions::default());
    let options = RunOptions {
        input: Arc::new(input),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    assert_eq!(
        execution.status,
        Status::Succeeded,
        "{:?} {:?}",
        execution.error,
        execution.cause
    );
    execution.output.expect("an output")
}

fn pass(fields: &Value) -> Value {
    let mut state = json!({"Type": "Pass", "End": true});
    for (k, v) in fields.as_object().expect("fields") {
        state[k] = v.clone();
    }
    json!({"StartAt": "P", "States": {"P": state}})
}

#[test]
fn jayway_dot_before_a_bracket_in_every_path_field_and_template() {
    let input = json!({"Items": [{"Id": "a", "n": 1}, {"Id": "b", "n": 0}]});
    let machine = pass(&json!({
        "InputPath": "$.Items.[0]",
        "Parameters": {"id.$": "$.['Id']", "n.$": "$.n"},
        "ResultPath": "$.picked",
        "OutputPath": "$.['picked']",
    }));
    assert!(errors(&machine).is_empty(), "{:?}", errors(&machine));
    assert_eq!(output(&machine, input.clone()), json!({"id": "a", "n": 1}));
    let forms = pass(&json!({"Parameters": {
        "first.$": "$.[0]",
        "id.$": "$.[0].Id",
        "positive.$": "$.[?(@.n > 0)]",
        "all.$": "$.[*].Id",
        "format.$": "States.Format('{}', $.[1].Id)",
    }}));
    assert!(errors(&forms).is_empty(), "{:?}", errors(&forms));
    assert_eq!(
        output(&forms, input["Items"].clone()),
        json!({
            "first": {"Id": "a", "n": 1}, "id": "a", "positive": [{"Id": "a", "n": 1}],
            "all": ["a", "b"], "format": "b"
        })
    );
    let map = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.['Items']", "End": true,
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "OutputPath": "$.Id", "End": true}}}
    }}});
    assert!(errors(&map).is_empty(), "{:?}", errors(&map));
    assert_eq!(output(&map, input), json!(["a", "b"]));
}

#[test]
fn a_states_prefixed_error_a_fail_state_raises_is_legal() {
    let machine = json!({"StartAt": "Try", "States": {
        "Try": {"Type": "Parallel", "Next": "Done",
            "Branches": [{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "States.Custom", "Cause": "c"}}}],
            "Catch": [{"ErrorEquals": ["States.Custom"], "Next": "Done"}]},
        "Done": {"Type": "Succeed"}
    }});
    let text = serde_json::to_string(&machine).expect("serialisable");
    let all = check(&text, Format::Json, CheckOptions::default()).diagnostics;
    assert!(all.is_empty(), "{all:?}");
    // Nothing raises `States.Timeot`: a warning with the closest name, never an error.
    let typo = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Parameters": {"FunctionName": "f"},
        "Retry": [{"ErrorEquals": ["States.Timeot"]}]
    }}});
    let text = serde_json::to_string(&typo).expect("serialisable");
    let found = check(&text, Format::Json, CheckOptions::default()).diagnostics;
    assert!(
        found.iter().any(|d| d.code == "unknown-error-name"
            && d.severity == Severity::Warning
            && d.message.contains("Did you mean `States.Timeout`?")),
        "{found:?}"
    );
    assert!(errors(&typo).is_empty());
}

#[test]
fn integration_arns_with_region_and_account_resolve_like_the_short_form() {
    for (long, short) in [
        (
            "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject",
            "arn:aws:states:::aws-sdk:s3:getObject",
        ),
        (
            "arn:aws:states:eu-west-1:123456789012:lambda:invoke",
            "arn:aws:states:::lambda:invoke",
        ),
        (
            "arn:aws:states:us-east-1:123456789012:sqs:sendMessage.waitForTaskToken",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        ),
    ] {
        assert_eq!(resolve(long).ok(), resolve(short).ok(), "{long}");
        assert!(resolve(long).is_ok(), "{long}");
    }
    assert!(resolve("arn:aws:states:us-east-1:123456789012:activity:Work").is_ok());
    assert!(resolve("arn:aws:states:us-east-1:123456789012:lambda:nope").is_err());
}

#[test]
fn jsonata_without_inner_spaces_is_a_hint_and_evaluates() {
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {
        "Type": "Pass", "Output": "{%$states.input.a + 1%}", "End": true
    }}});
    assert!(errors(&machine).is_empty(), "{:?}", errors(&machine));
    assert_eq!(output(&machine, json!({"a": 1})), json!(2));
}

#[test]
fn intrinsics_in_credentials() {
    let machine = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Parameters": {"FunctionName": "f"},
        "Credentials": {"RoleArn.$": "States.Format('arn:aws:iam::{}:role/r', $.account)"}
    }}});
    assert!(errors(&machine).is_empty(), "{:?}", errors(&machine));
    let bad = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Parameters": {"FunctionName": "f"},
        "Credentials": {"RoleArn.$": "States.Nope($.account)"}
    }}});
    assert!(errors(&bad).iter().any(|d| d.code == "unknown-intrinsic"));
}

#[test]
fn jayway_functions_and_filters_in_templates_result_selectors_and_items_paths() {
    let input = json!({"Items": [
        {"Id": "a1", "n": 1, "tags": []},
        {"Id": "B2", "n": 4, "tags": ["x"]},
        {"Id": "c3", "n": 7, "tags": ["x", "y"]}
    ]});
    let forms = pass(&json!({"Parameters": {
        "count.$": "$.Items.length()",
        "sum.$": "$.Items[*].n.sum()",
        "min.$": "$.Items[*].n.min()",
        "max.$": "$.Items[*].n.max()",
        "avg.$": "$.Items[*].n.avg()",
        "keys.$": "$.Items[0].keys()",
        "last.$": "$.Items[*].Id.last()",
        "quoted.$": "$.Items[?(@['n'] > 3)].Id",
        "nested.$": "$.Items[?(@.tags[0] == 'x')].Id",
        "regex.$": "$.Items[?(@.Id =~ /[a-z]\\d/)].Id",
        "ignoring_case.$": "$.Items[?(@.Id =~ /b\\d/i)].Id",
        "in.$": "$.Items[?(@.Id in ['a1', 'c3'])].n",
        "nin.$": "$.Items[?(@.Id nin ['a1', 'c3'])].n",
        "size.$": "$.Items[?(@.tags size 2)].Id",
        "empty.$": "$.Items[?(@.tags empty true)].Id",
        "not.$": "$.Items[?(!(@.n > 3))].Id",
        "grouped.$": "$.Items[?(@.n == 1 || (@.n > 3 && @.Id != 'c3'))].Id"
    }}));
    assert!(errors(&forms).is_empty(), "{:?}", errors(&forms));
    assert_eq!(
        output(&forms, input.clone()),
        json!({
            "count": 3, "sum": 12.0, "min": 1.0, "max": 7.0, "avg": 4.0,
            "keys": ["Id", "n", "tags"], "last": "c3",
            "quoted": ["B2", "c3"], "nested": ["B2", "c3"],
            "regex": ["a1", "c3"], "ignoring_case": ["B2"],
            "in": [1, 7], "nin": [4], "size": ["c3"], "empty": ["a1"],
            "not": ["a1"], "grouped": ["a1", "B2"]
        })
    );
    // The same forms where a result is reshaped, and in a Map's ItemSelector (ItemsPath takes
    // a Reference Path, which AWS holds to).
    let parallel = json!({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "End": true,
        "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}],
        "ResultSelector": {"count.$": "$[0].Items.length()", "big.$": "$[0].Items[?(@.n > 3)].Id"}
    }}});
    assert!(errors(&parallel).is_empty(), "{:?}", errors(&parallel));
    assert_eq!(
        output(&parallel, input.clone()),
        json!({"count": 3, "big": ["B2", "c3"]})
    );
    let map = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$['Items']", "End": true,
        "ItemSelector": {"tags.$": "$$.Map.Item.Value.tags.length()", "x.$": "$$.Map.Item.Value.tags[?(@ == 'x')]"},
        "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}
    }}});
    assert!(errors(&map).is_empty(), "{:?}", errors(&map));
    assert_eq!(
        output(&map, input),
        json!([{"tags": 0, "x": []}, {"tags": 1, "x": ["x"]}, {"tags": 2, "x": ["x"]}])
    );
}
