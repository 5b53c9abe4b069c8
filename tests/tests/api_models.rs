#![allow(clippy::print_stdout)] // the test reports its counts
//! The API models' checks on definitions no one here wrote: every Task of the recorded corpora
//! (AWS executions, TestState calls, asl-validator's valid files) and the repository's examples
//! draws none of the parameter diagnostics, and the members those Tasks pass are found in the
//! models as they are spelt (the proof of the Java SDK v2 member naming: a wrong conversion would
//! be an `unknown-parameter` or `parameter-spelling` here).

use asl_e2e::corpus;
use asl_sim::analysis::{check, CheckOptions};
use asl_sim::model::integration_models;
use asl_sim::model::integrations::resolve;
use asl_sim::syntax::Format;
use serde_json::Value;

const CODES: &[&str] = &[
    "unknown-parameter",
    "missing-parameter",
    "parameter-spelling",
    "parameter-type",
    "parameter-value",
    "parameter-bound",
    "unknown-sdk-action",
    "unknown-sdk-service",
];

/// Every definition of the corpora, as (name, JSON text).
fn definitions() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for sub in [
        "conformance/localstack/service_free",
        "conformance/localstack/mocked",
        "conformance/localstack/test_state",
    ] {
        for path in corpus(sub) {
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                    .expect("JSON");
            let definition = case
                .get("definition")
                .or_else(|| case.get("request").and_then(|r| r.get("definition")));
            let Some(definition) = definition else {
                continue;
            };
            let text = match definition {
                Value::String(s) => s.clone(),
                // A TestState state alone: wrapped so the checker sees it as a machine.
                d if d.get("States").is_none() => serde_json::json!({
                    "StartAt": "S", "States": {"S": d}
                })
                .to_string(),
                d => d.to_string(),
            };
            out.push((path.display().to_string(), text));
        }
    }
    for path in corpus("conformance/asl-validator") {
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("valid-"))
        {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).expect("readable"),
            ));
        }
    }
    out
}

/// The literal member names a payload passes, at the top level.
fn passed_members(definition: &Value, found: &mut Vec<(String, String)>) {
    match definition {
        Value::Object(map) => {
            if let (Some(Value::String(resource)), Some(Value::Object(params))) = (
                map.get("Resource"),
                map.get("Parameters").or_else(|| map.get("Arguments")),
            ) {
                for key in params.keys() {
                    found.push((resource.clone(), key.trim_end_matches(".$").to_string()));
                }
            }
            for v in map.values() {
                passed_members(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| passed_members(v, found)),
        _ => {}
    }
}

#[test]
fn recorded_definitions_draw_no_parameter_diagnostics() {
    if !asl_e2e::shared_present("recorded_definitions_draw_no_parameter_diagnostics") {
        return;
    }
    let definitions = definitions();
    let mut alarms = Vec::new();
    for (name, text) in &definitions {
        for d in check(text, Format::Json, CheckOptions::default()).diagnostics {
            if CODES.contains(&d.code) {
                alarms.push(format!("{name}: {} {}", d.code, d.message));
            }
        }
    }
    let figure = format!(
        "{} definitions, {} false alarms",
        definitions.len(),
        alarms.len()
    );
    println!("parameter checks: {figure}");
    asl_e2e::counts::record(
        "Task parameters of the recorded definitions, against the API models",
        &figure,
    );
    assert!(
        definitions.len() > 300,
        "corpora found: {}",
        definitions.len()
    );
    assert!(alarms.is_empty(), "{}", alarms.join("\n"));
}

#[test]
fn recorded_member_names_are_the_models_step_functions_spelling() {
    if !asl_e2e::shared_present("recorded_member_names_are_the_models_step_functions_spelling") {
        return;
    }
    let mut passed = Vec::new();
    for (_, text) in definitions() {
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            passed_members(&v, &mut passed);
        }
    }
    let mut matched = 0;
    let mut unmatched = Vec::new();
    for (resource, key) in &passed {
        let Some(target) = resolve(resource)
            .ok()
            .as_ref()
            .and_then(integration_models::target)
        else {
            continue;
        };
        let Some(input) = target.operation.input else {
            continue;
        };
        if target.service.members(input).iter().any(|m| &m.name == key) {
            matched += 1;
        } else {
            unmatched.push(format!("{resource}: {key}"));
        }
    }
    let figure = format!("{matched} found, {} not", unmatched.len());
    println!("member names: {figure}");
    asl_e2e::counts::record(
        "members those Tasks pass, found in the API models as spelt",
        &figure,
    );
    assert!(matched >= 100, "{matched}");
    assert!(unmatched.is_empty(), "{}", unmatched.join("\n"));
}
