#![allow(clippy::print_stdout)] // the conformance tests report their pass counts
//! `asl-sim check` against corpora no one here wrote: AWS-recorded executions (no errors
//! allowed), AWS-rejected definitions (each must be an error), asl-validator's labelled files.

use asl_e2e::{corpus, counts, shared_present};
use asl_sim::analysis::{check, CheckOptions, WorkflowType};
use asl_sim::syntax::Format;
use asl_sim::Severity;
use serde_json::{json, Value};

fn errors(text: &str, workflow_type: WorkflowType) -> Vec<String> {
    check(text, Format::Json, CheckOptions { workflow_type })
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            format!(
                "{} {}..{}: {}",
                d.code, d.range.start, d.range.end, d.message
            )
        })
        .collect()
}

fn workflow_type(case: &Value) -> WorkflowType {
    if case["state_machine_type"] == "EXPRESS" {
        WorkflowType::Express
    } else {
        WorkflowType::Standard
    }
}

/// TestState cases hold one state: wrap it in a machine, with stand-ins for its targets.
fn as_machine(case: &Value) -> Value {
    let definition = &case["definition"];
    if case["api"] != "test_state" || definition.get("StartAt").is_some() {
        return definition.clone();
    }
    let mut state = definition.clone();
    let mut states = serde_json::Map::new();
    let mut targets = Vec::new();
    if let Some(next) = state["Next"].as_str() {
        targets.push(next.to_string());
    }
    for rule in state["Choices"].as_array().into_iter().flatten() {
        targets.extend(rule["Next"].as_str().map(str::to_string));
    }
    targets.extend(state["Default"].as_str().map(str::to_string));
    for c in state["Catch"].as_array().into_iter().flatten() {
        targets.extend(c["Next"].as_str().map(str::to_string));
    }
    let flows = !matches!(state["Type"].as_str(), Some("Choice" | "Succeed" | "Fail"));
    if flows && state.get("Next").is_none() && state.get("End").is_none() {
        state["End"] = json!(true);
    }
    states.insert("TestedState".into(), state);
    for t in targets {
        states
            .entry(t)
            .or_insert_with(|| json!({"Type": "Succeed"}));
    }
    json!({"StartAt": "TestedState", "States": states})
}

fn definition_text(case: &Value) -> String {
    match &case["definition"] {
        Value::String(s) => s.clone(),
        _ => serde_json::to_string_pretty(&as_machine(case)).expect("serialisable"),
    }
}

fn load(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("corpus JSON")
}

#[test]
fn aws_executed_definitions_have_no_errors() {
    if !shared_present("aws_executed_definitions_have_no_errors") {
        return;
    }
    let mut files = corpus("conformance/localstack/service_free");
    files.extend(corpus("conformance/localstack/mocked"));
    let mut failures = Vec::new();
    for path in &files {
        let case = load(path);
        let found = errors(&definition_text(&case), workflow_type(&case));
        if !found.is_empty() {
            failures.push(format!("{}\n    {}", path.display(), found.join("\n    ")));
        }
    }
    let figure = format!(
        "{} of {} check clean",
        files.len() - failures.len(),
        files.len()
    );
    println!("service_free + mocked: {figure} (definitions AWS ran)");
    counts::record("definitions AWS ran (`service_free` + `mocked`)", &figure);
    assert!(
        failures.is_empty(),
        "false alarms on definitions AWS ran:\n{}",
        failures.join("\n")
    );
}

#[test]
fn aws_rejected_definitions_are_errors() {
    if !shared_present("aws_rejected_definitions_are_errors") {
        return;
    }
    let files = corpus("conformance/localstack/invalid_definitions");
    let (mut rejected, mut accepted_by_aws) = (0, 0);
    let mut missed = Vec::new();
    for path in &files {
        let case = load(path);
        // ValidateStateMachineDefinition cases that AWS answered `OK` are valid: no error allowed.
        let aws_ok = case["expected"]["result"] == "OK";
        let found = errors(&definition_text(&case), workflow_type(&case));
        if aws_ok {
            accepted_by_aws += 1;
            assert!(
                found.is_empty(),
                "{}: AWS accepted it, we said {found:?}",
                path.display()
            );
        } else if found.is_empty() {
            missed.push(format!("{} ({})", path.display(), case["expected"]));
        } else {
            rejected += 1;
        }
    }
    let figure = format!(
        "{rejected} of {} that AWS rejected are errors; the {accepted_by_aws} it accepted check clean",
        files.len() - accepted_by_aws
    );
    println!("invalid_definitions: {figure}");
    counts::record("definitions AWS validated (`invalid_definitions`)", &figure);
    assert!(
        missed.is_empty(),
        "AWS rejected these, we did not:\n{}",
        missed.join("\n")
    );
}

/// asl-validator verdicts we deliberately do not share, with the reason.
const VALIDATOR_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "valid-task-credentials.json",
        "AWS requires `RoleArn` in Credentials (localstack/invalid_definitions records the rejection) and runs no `arn:aws:swf:...:task:` resource",
    ),
    (
        "valid-task-parameters.json",
        "`arn:aws:swf:...:task:X` is the ASL spec's placeholder; AWS accepts only its integrations, Lambda functions and activities",
    ),
    (
        "valid-task-timeout-jsonata.json",
        "`arn:aws:swf:...:task:X` is the ASL spec's placeholder; AWS accepts only its integrations, Lambda functions and activities",
    ),
    (
        "invalid-jsonata-surround-syntax-no-spaces.json",
        "deployed projects write `{%expr%}` without inner spaces and the emulators' grammars accept it (only the `{%` at the start and `%}` at the end matter): a style hint (`jsonata-spacing`), not an error",
    ),
    (
        "invalid-json-surround-syntax-extra-spaces.json",
        "a line break inside `{% %}` is whitespace to AWS; multi-line JSONata is accepted, so flagging it would be a false alarm",
    ),
];

#[test]
fn asl_validator_verdicts() {
    if !shared_present("asl_validator_verdicts") {
        return;
    }
    let files = corpus("conformance/asl-validator");
    let mut agree = 0;
    let mut disagree = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(path).expect("readable");
        let found = errors(&text, WorkflowType::Standard);
        let expect_invalid = name.starts_with("invalid-");
        let excepted = VALIDATOR_EXCEPTIONS.iter().any(|(n, _)| *n == name);
        let ok = expect_invalid != found.is_empty();
        if ok {
            agree += 1;
            assert!(
                !excepted,
                "{name} is in the exceptions list but now agrees: remove it"
            );
        } else if !excepted {
            disagree.push(format!(
                "{name}: {}",
                if expect_invalid {
                    "no error".to_string()
                } else {
                    found.join("; ")
                }
            ));
        }
    }
    let figure = format!(
        "{agree} of {} verdicts shared, {} documented exceptions",
        files.len(),
        VALIDATOR_EXCEPTIONS.len()
    );
    println!("asl-validator: {figure}");
    counts::record("asl-validator's labelled definitions", &figure);
    assert!(
        disagree.is_empty(),
        "verdicts not shared:\n{}",
        disagree.join("\n")
    );
}
