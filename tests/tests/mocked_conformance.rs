#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! Task states against executions that called services on AWS, replayed through Step Functions
//! Local-format mocks (`../shared/conformance/localstack/mocked`): status, output, error and
//! cause compared exactly (the recorder's `<placeholders>` as wildcards). Passing ids are in
//! `tests/conformance/mocked.passing`; losing one fails the test.

use std::collections::{BTreeMap, BTreeSet};

use asl_e2e::corpus;
use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use serde_json::Value;

const PASSING: &str = include_str!("../conformance/mocked.passing");

fn is_placeholder(s: &str) -> bool {
    (s.starts_with('<') && s.ends_with('>'))
        || matches!(
            s,
            "timestamp" | "date" | "snf_role_arn" | "RandomNumberGenerated"
        )
}

/// Equal, numbers by value; the recorder's `<...>` stand for any text.
fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if is_placeholder(e) => true,
        (Value::String(e), Value::String(a)) if e.contains('<') => {
            let parts: Vec<&str> = e.split(['<', '>']).step_by(2).collect();
            let mut rest = a.as_str();
            for (i, part) in parts.iter().enumerate() {
                match rest.find(part) {
                    Some(at) if i > 0 || at == 0 => rest = &rest[at + part.len()..],
                    _ => return false,
                }
            }
            true
        }
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|av| same(v, av)))
        }
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| same(x, y))
        }
        _ => expected == actual,
    }
}

/// JSON text stored parsed by the recorder: compare parsed.
fn parsed(value: &Value) -> Value {
    match value {
        Value::String(s) if s.starts_with('{') || s.starts_with('[') => {
            serde_json::from_str(s).unwrap_or_else(|_| value.clone())
        }
        other => other.clone(),
    }
}

fn outcome(case: &Value) -> Result<(), String> {
    let text = match &case["definition"] {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).expect("serialisable"),
    };
    let checked = asl_sim::check(&text, Format::Json, asl_sim::CheckOptions::default());
    let machine = case["state_machine_name"].as_str().unwrap_or_default();
    let test_case = case["test_case"].as_str().unwrap_or_default();
    let mocks = asl_sim::mocks::test_case(&case["mocks"], machine, test_case)
        .map_err(|e| format!("mocks: {} at {}", e.message, e.pointer))?;
    let input = match &case["input"] {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
        other => other.clone(),
    };
    let options = RunOptions {
        input,
        mocks: Some(mocks),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    let expected = &case["expected"];
    let status = execution.status.as_str();
    if expected["status"] != status {
        return Err(format!(
            "status {status} ({:?}: {:?}), expected {}",
            execution.error, execution.cause, expected["status"]
        ));
    }
    if status == "SUCCEEDED" {
        let actual = parsed(&execution.output.unwrap_or(Value::Null));
        if !same(&parsed(&expected["output"]), &actual) {
            return Err(format!("output {actual}, expected {}", expected["output"]));
        }
    } else {
        let error_name = execution.error.map_or(Value::Null, Value::String);
        if !same(&expected["error"], &error_name) {
            return Err(format!(
                "error {error_name}, expected {}",
                expected["error"]
            ));
        }
        let actual_cause = execution
            .cause
            .map_or(Value::Null, |c| parsed(&Value::String(c)));
        if !same(&parsed(&expected["cause"]), &actual_cause) {
            return Err(format!(
                "cause {actual_cause}, expected {}",
                expected["cause"]
            ));
        }
    }
    Ok(())
}

#[test]
fn mocked_executions() {
    let passing_before: BTreeSet<&str> = PASSING
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut passing_now = BTreeSet::new();
    let mut by_flag: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let files = corpus("conformance/localstack/mocked");
    for path in &files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
        let id = case["id"].as_str().unwrap_or_default().to_string();
        let result =
            std::panic::catch_unwind(|| outcome(&case)).unwrap_or_else(|_| Err("panicked".into()));
        for flag in case["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let entry = by_flag.entry(flag.to_string()).or_default();
            entry.1 += 1;
            entry.0 += usize::from(result.is_ok());
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
                        reason.chars().take(600).collect::<String>()
                    );
                }
            }
        }
    }
    println!(
        "mocked: {} of {} executions match AWS",
        passing_now.len(),
        files.len()
    );
    for (flag, (pass, total)) in &by_flag {
        println!("  {flag:<40} {pass:>4} / {total}");
    }
    if std::env::var_os("ASL_WRITE_PASSING").is_some() {
        let ids: Vec<&str> = passing_now.iter().map(String::as_str).collect();
        let list_file = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/mocked.passing");
        std::fs::write(
            list_file,
            format!(
                "# ids of mocked cases that asl-sim run matches; CI fails if one is lost\n{}\n",
                ids.join("\n")
            ),
        )
        .expect("writable");
    }
    let lost: Vec<&&str> = passing_before
        .iter()
        .filter(|id| !passing_now.contains(**id))
        .collect();
    assert!(
        lost.is_empty(),
        "regressions: these passed before:\n{}",
        lost.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
