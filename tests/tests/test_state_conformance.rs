#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! AWS's TestState API against the calls recorded on AWS: every case of
//! `../shared/conformance/localstack/test_state` and the `test_state` cases of `service_free`,
//! sent as the API's own request object to `asl_sim::engine::test_state_request` (what
//! `asl-sim test-state` prints), its response (status, output, error, cause, nextState,
//! inspectionData member for member) or exception (`__type` and message) compared with AWS's.
//! The ids that pass are committed in `tests/conformance/test_state.passing`; losing one fails.
//!
//! Every call compared must match (the test fails on any difference and prints the
//! differences grouped by cause). The cases of `test_field_validation_mode*.py` check a mocked
//! result against the service's API model (`asl_sim::model::output_check`). Left out, with the
//! reason: `client_side` cases (the SDK refused the request; nothing reached AWS) and
//! `unmocked_service_call` cases answered by a real Lambda function (those AWS refused before
//! calling anything are compared).

use std::collections::{BTreeMap, BTreeSet};

use asl_e2e::recorded::{guard_passing, parsed, recorded_equal, run_corpus};
use asl_sim::engine::test_state_request;
use serde_json::{json, Value};

const PASSING: &str = include_str!("../conformance/test_state.passing");

/// Recorded answers we deliberately do not reproduce, each with its reason.
const EXCEPTIONS: &[(&str, &str)] = &[(
    "test_present_mode_aws_sdk_lambda_get_function_task[integer_more_than_maximum_allowed]",
    // AWS checked the mock against the Lambda model of November 2025, in which
    // FunctionConfiguration.MemorySize had at most 10240; the pinned botocore 1.44.8 allows
    // 32768 (Lambda raised the limit), so 10241 is valid for the model we ship.
    "the pinned Lambda model allows MemorySize up to 32768",
)];

/// Why a case is left out, if it is.
fn excluded(case: &Value) -> Option<&'static str> {
    let id = case["id"].as_str().unwrap_or_default();
    if let Some((_, reason)) = EXCEPTIONS.iter().find(|(case_id, _)| id.contains(case_id)) {
        return Some(reason);
    }
    if case["client_side"] == true || case["expected"]["exception"]["client_side"] == true {
        return Some("client_side");
    }
    // A refusal came before any call: only the answers a real Lambda gave are left out.
    if case["unmocked_service_call"] == true && case["expected"]["exception"].is_null() {
        return Some("unmocked_service_call");
    }
    None
}

/// What the recorder wrote for "any valid role" (`snf_role_arn`), as a role's ARN.
const ANY_ROLE: &str = "arn:aws:iam::111111111111:role/TestStateRole";

/// The request and AWS's answer, from either corpus's layout.
fn request_and_expected(case: &Value) -> (Value, Value) {
    if let Some(request) = case.get("request") {
        let mut request = request.clone();
        if request["roleArn"] == "snf_role_arn" {
            request["roleArn"] = json!(ANY_ROLE);
        }
        return (request, case["expected"].clone());
    }
    // service_free: the definition and input beside the other arguments.
    let mut request = case["test_state_args"].clone();
    if !request.is_object() {
        request = json!({});
    }
    request["definition"] = case["definition"].clone();
    request["input"] = case["input"].clone();
    (request, json!({"response": case["expected"]}))
}

/// A recorded member against ours: JSON text compared parsed, placeholders loosely.
fn member_equal(expected: &Value, actual: &Value) -> bool {
    let actual = match actual {
        Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| actual.clone()),
        other => other.clone(),
    };
    let expected = match expected {
        Value::String(text) if !text.starts_with('{') && !text.starts_with('[') => {
            serde_json::from_str(text).unwrap_or_else(|_| expected.clone())
        }
        other => parsed(other),
    };
    recorded_equal(&expected, &actual)
}

fn compare_response(expected: &Value, actual: &Value) -> Result<(), String> {
    let differ = |what: &str| format!("{what}: ours {actual}, AWS {expected}");
    let (Some(expected), Some(actual)) = (expected.as_object(), actual.as_object()) else {
        return Err(differ("not objects"));
    };
    for (name, want) in expected {
        let Some(got) = actual.get(name) else {
            return Err(differ(&format!("`{name}` missing")));
        };
        if name == "inspectionData" {
            // Named member by member: `inspectionData.afterInputPath` differs.
            compare_response(want, got).map_err(|inner| format!("inspectionData.{inner}"))?;
            continue;
        }
        let equal = if name == "errorDetails" {
            want == got
        } else {
            member_equal(want, got)
        };
        if !equal {
            return Err(differ(&format!("`{name}` differs")));
        }
    }
    if let Some(extra) = actual.keys().find(|k| !expected.contains_key(*k)) {
        return Err(differ(&format!("`{extra}` is not in AWS's answer")));
    }
    Ok(())
}

fn outcome(case: &Value) -> Result<(), String> {
    let (request, expected) = request_and_expected(case);
    let answer = test_state_request(&request, None);
    match (&expected["exception"], answer) {
        (Value::Object(exception), Err(error)) => {
            if exception["code"] == error.code && exception["message"] == error.message.as_str() {
                Ok(())
            } else {
                Err(format!("exception {error:?}, AWS {exception:?}"))
            }
        }
        (Value::Object(exception), Ok(response)) => {
            Err(format!("answered {response}, AWS refused: {exception:?}"))
        }
        (_, Err(error)) => Err(format!(
            "refused {error:?}, AWS answered {}",
            expected["response"]
        )),
        (_, Ok(response)) => compare_response(&expected["response"], &response),
    }
}

/// The failures grouped by what differs (the text before the first `:`), biggest first;
/// excluded cases and other APIs' calls are not failures.
fn causes(failures: &[String]) -> Vec<(String, usize)> {
    let mut by_cause: BTreeMap<String, usize> = BTreeMap::new();
    for reason in failures {
        if reason.starts_with("excluded") || reason == "not a TestState call" {
            continue;
        }
        let cause = reason.split(':').next().unwrap_or(reason);
        *by_cause.entry(cause.to_string()).or_default() += 1;
    }
    let mut causes: Vec<(String, usize)> = by_cause.into_iter().collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    causes
}

#[test]
fn test_state_calls_match_aws() {
    if !asl_e2e::shared_present("test_state_calls_match_aws") {
        return;
    }
    let mut passing = BTreeSet::new();
    let mut counted = 0;
    let mut matching = 0;
    let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for corpus in [
        "conformance/localstack/test_state",
        "conformance/localstack/service_free",
    ] {
        let check = |case: &Value| {
            if case["api"] != "test_state" {
                return Err("not a TestState call".to_string());
            }
            match excluded(case) {
                Some(reason) => Err(format!("excluded: {reason}")),
                None => outcome(case),
            }
        };
        let groups = |case: &Value| -> Vec<String> {
            if case["api"] != "test_state" {
                return Vec::new();
            }
            vec![excluded(case).map_or_else(|| "compared".to_string(), |r| format!("excluded: {r}"))]
        };
        let tally = run_corpus(corpus, check, groups);
        let name = corpus.rsplit('/').next().unwrap_or(corpus);
        for (group, (pass, total)) in &tally.by_group {
            if let Some(reason) = group.strip_prefix("excluded: ") {
                *left_out.entry(reason.to_string()).or_default() += total;
            } else {
                println!("{name}: {pass} of {total} TestState calls match AWS");
                counted += total;
                matching += pass;
            }
        }
        passing.extend(tally.passing);
        failures.extend(tally.failures);
    }
    let figure = format!("{matching} of {counted} compared calls match AWS");
    println!("test_state + service_free: {figure}");
    asl_e2e::counts::record("TestState calls (`test_state` + `service_free`)", &figure);
    for (reason, count) in &left_out {
        println!("  left out ({reason}): {count}");
    }
    let causes = causes(&failures);
    for (cause, count) in &causes {
        println!("  differing, by cause: {count} {cause}");
    }
    guard_passing(
        PASSING,
        concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/test_state.passing"),
        "ids of TestState calls (test_state + service_free) whose answer asl-sim test-state matches; CI fails if one is lost",
        &passing,
    );
    // Every call compared matches: a new difference fails here even before it is listed.
    assert!(
        causes.is_empty(),
        "{} compared calls differ from AWS (ASL_SHOW_FAILURES=full shows them)",
        counted - matching
    );
}
