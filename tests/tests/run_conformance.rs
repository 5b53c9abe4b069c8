#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! `asl-sim run` semantics against executions recorded on AWS
//! (`../shared/conformance/localstack/service_free`): status, output, error and cause compared
//! exactly (loosely where the recording normalised values), event types where history was kept.
//! The ids that pass are committed in `tests/conformance/service_free.passing`; losing one fails
//! the test, and new passes are printed so the list can grow.

use std::collections::{BTreeMap, BTreeSet};

use asl_e2e::corpus;
use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use serde_json::Value;

const PASSING: &str = include_str!("../conformance/service_free.passing");

/// A recorded value normalised by the recorder (`<ExecArnPart_0idx>`, `timestamp`, ...).
fn is_placeholder(s: &str) -> bool {
    (s.starts_with('<') && s.ends_with('>'))
        || matches!(
            s,
            "timestamp" | "date" | "snf_role_arn" | "RandomNumberGenerated"
        )
}

/// `expected` with `<...>` placeholders inside (`... the input '<json-input:1>'`): each
/// placeholder stands for any text.
fn matches_template(expected: &str, actual: &str) -> bool {
    let mut parts = Vec::new();
    let mut rest = expected;
    while let Some(open) = rest.find('<') {
        match rest[open..].find('>') {
            Some(close) => {
                parts.push(&rest[..open]);
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    parts.push(rest);
    let Some((first, others)) = parts.split_first() else {
        return expected == actual;
    };
    let Some(mut remaining) = actual.strip_prefix(first) else {
        return false;
    };
    for (i, part) in others.iter().enumerate() {
        if i == others.len() - 1 {
            return remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.is_empty()
}

fn loosely_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if is_placeholder(e) => true,
        (Value::String(e), Value::String(a)) if e.contains('<') => matches_template(e, a),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|av| loosely_equal(v, av)))
        }
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| loosely_equal(x, y))
        }
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

/// Strings in snapshots that began with `{` were stored parsed: compare those parsed.
fn normalise(actual: &Value) -> Value {
    match actual {
        Value::String(s) if s.starts_with('{') => {
            serde_json::from_str(s).unwrap_or_else(|_| actual.clone())
        }
        other => other.clone(),
    }
}

fn outcome(case: &Value) -> Result<(), String> {
    let wrapped;
    let mut definition = &case["definition"];
    if case["api"] == "test_state" && definition.get("StartAt").is_none() {
        // TestState runs one state: run it as a machine whose targets are stand-ins that pass
        // their input on, so the machine's output is the state's.
        wrapped = single_state_machine(definition);
        definition = &wrapped;
    }
    let text = match definition {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).expect("serialisable"),
    };
    let checked = asl_sim::check(&text, Format::Json, asl_sim::CheckOptions::default());
    let input = match &case["input"] {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
        other => other.clone(),
    };
    let options = RunOptions {
        input,
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    let expected = &case["expected"];
    let loose = case["has_placeholders"] == true;
    // Exact, numbers by value; loose where the recording normalised values.
    let same = |e: &Value, a: &Value| {
        if loose {
            loosely_equal(e, a)
        } else {
            numerically_equal(e, a)
        }
    };
    let status = execution.status.as_str();
    if expected["status"] != status {
        return Err(format!(
            "status {status} (error {:?}: {:?}), expected {}",
            execution.error, execution.cause, expected["status"]
        ));
    }
    if status == "SUCCEEDED" {
        let actual = normalise(&execution.output.unwrap_or(Value::Null));
        let wanted = &expected["output"];
        if !same(wanted, &actual) {
            return Err(format!("output {actual}, expected {wanted}"));
        }
    } else {
        let error_name = execution.error.map_or(Value::Null, Value::String);
        let actual_cause = execution
            .cause
            .map_or(Value::Null, |c| normalise(&Value::String(c)));
        if !same(&expected["error"], &error_name) {
            return Err(format!(
                "error {error_name}, expected {}",
                expected["error"]
            ));
        }
        if !same(&expected["cause"], &actual_cause) {
            return Err(format!(
                "cause {actual_cause}, expected {}",
                expected["cause"]
            ));
        }
    }
    if let Some(history) = case["history"].as_array() {
        let wanted: Vec<&str> = history.iter().filter_map(|e| e["type"].as_str()).collect();
        let actual: Vec<&str> = execution.events.iter().map(|e| e.kind).collect();
        if wanted != actual {
            return Err(format!("event types {actual:?}, expected {wanted:?}"));
        }
    }
    Ok(())
}

/// A machine made of one state and a pass-through stand-in for each state it can go to.
fn single_state_machine(state: &Value) -> Value {
    let mut state = state.clone();
    let mut targets: Vec<String> = Vec::new();
    targets.extend(state["Next"].as_str().map(str::to_string));
    for rule in state["Choices"].as_array().into_iter().flatten() {
        targets.extend(rule["Next"].as_str().map(str::to_string));
    }
    targets.extend(state["Default"].as_str().map(str::to_string));
    for catcher in state["Catch"].as_array().into_iter().flatten() {
        targets.extend(catcher["Next"].as_str().map(str::to_string));
    }
    let language = state["QueryLanguage"].clone();
    let mut states = serde_json::Map::new();
    for target in targets {
        let mut stand_in = serde_json::json!({"Type": "Succeed"});
        if !language.is_null() {
            stand_in["QueryLanguage"] = language.clone();
        }
        states.insert(target, stand_in);
    }
    if state.get("Next").is_none()
        && !matches!(state["Type"].as_str(), Some("Choice" | "Succeed" | "Fail"))
    {
        state["End"] = Value::Bool(true);
    }
    states.insert("TestedState".into(), state);
    serde_json::json!({"StartAt": "TestedState", "States": states})
}

/// Equal, with numbers compared by value (`1` and `1.0` are one JSON number).
fn numerically_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if is_placeholder(e) => true,
        (Value::String(e), Value::String(a)) if e.contains('<') => matches_template(e, a),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|av| numerically_equal(v, av)))
        }
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| numerically_equal(x, y))
        }
        _ => expected == actual,
    }
}

#[test]
fn service_free_executions() {
    let passing_before: BTreeSet<&str> = PASSING
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut by_feature: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut passing_now = BTreeSet::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let files = corpus("conformance/localstack/service_free");
    for path in &files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
        let id = case["id"].as_str().unwrap_or_default().to_string();
        let result =
            std::panic::catch_unwind(|| outcome(&case)).unwrap_or_else(|_| Err("panicked".into()));
        let mut features: Vec<String> = case["features"]["state_types"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        if case["features"]["query_language_jsonata"] == true {
            features.push("JSONata".into());
        }
        if case["features"]["intrinsic_functions"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            features.push("intrinsics".into());
        }
        for f in features {
            let entry = by_feature.entry(f).or_default();
            entry.1 += 1;
            if result.is_ok() {
                entry.0 += 1;
            }
        }
        match result {
            Ok(()) => {
                passing_now.insert(id);
            }
            Err(reason) => {
                if std::env::var_os("ASL_SHOW_FAILURES").is_some() {
                    println!(
                        "FAIL {}\n     {}",
                        path.display(),
                        reason.chars().take(700).collect::<String>()
                    );
                }
                let key: String = reason.chars().take(60).collect();
                *reasons.entry(key).or_default() += 1;
            }
        }
    }
    println!(
        "service_free: {} of {} executions match AWS",
        passing_now.len(),
        files.len()
    );
    for (feature, (pass, total)) in &by_feature {
        println!("  {feature:<12} {pass:>4} / {total}");
    }
    let mut common: Vec<_> = reasons.into_iter().collect();
    common.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    println!("most common differences:");
    for (reason, count) in common.iter().take(12) {
        println!("  {count:>4}  {reason}");
    }
    let lost: Vec<&&str> = passing_before
        .iter()
        .filter(|id| !passing_now.contains(**id))
        .collect();
    let gained: Vec<&String> = passing_now
        .iter()
        .filter(|id| !passing_before.contains(id.as_str()))
        .collect();
    if !gained.is_empty() {
        println!(
            "{} newly passing (add them to tests/conformance/service_free.passing):",
            gained.len()
        );
        if std::env::var_os("ASL_WRITE_PASSING").is_some() {
            let ids: Vec<&str> = passing_now.iter().map(String::as_str).collect();
            let list_file = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/conformance/service_free.passing"
            );
            std::fs::write(list_file, format!("# ids of service_free cases that asl-sim run matches; CI fails if one is lost\n{}\n", ids.join("\n"))).expect("writable");
        }
    }
    assert!(
        lost.is_empty(),
        "regressions: these passed before:\n{}",
        lost.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
