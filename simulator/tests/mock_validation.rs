//! `--mock-validation` on `asl-sim test` and `run`: a mocked `Return` its API could not answer
//! is refused with AWS's TestState message at its place in the mock file, unless the mode (or
//! the response's own `FieldValidationMode`) says otherwise.

use std::path::PathBuf;
use std::process::Command;

fn asl_sim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl-sim"))
        .args(args)
        .output()
        .expect("asl-sim runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const DEFINITION: &str = r#"{"QueryLanguage": "JSONata", "StartAt": "Describe", "States": {
  "Describe": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
               "Arguments": {"ExecutionArn": "arn:aws:states:us-east-1:1:execution:m:e"},
               "End": true}}}"#;

/// A directory with `describe.asl.json` and a mock file whose `Return` is given.
fn fixture(tag: &str, entry: &str) -> (PathBuf, String, String) {
    let dir = std::env::temp_dir().join(format!(
        "asl-sim-mock-validation-{tag}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let definition = dir.join("describe.asl.json");
    std::fs::write(&definition, DEFINITION).expect("written");
    let mocks = dir.join("describe.mocks.json");
    let text = format!(
        "{{\"StateMachines\": {{\"describe\": {{\"TestCases\": {{\"T\": {{\"Describe\": \"R\"}}}}}}}},\n \"MockedResponses\": {{\"R\": {{\"0\":\n   {entry}}}}}}}\n"
    );
    std::fs::write(&mocks, text).expect("written");
    let path = |p: PathBuf| p.to_str().expect("UTF-8").to_string();
    (dir, path(definition), path(mocks))
}

#[test]
fn test_refuses_a_return_missing_a_required_member_at_its_place() {
    let (dir, definition, mocks) = fixture("strict", r#"{"Return": {"Status": "RUNNING"}}"#);
    let (code, out, _) = asl_sim(&["test", &definition]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!(
            "{mocks}:3:5: Mock result schema validation error: Required field '"
        )),
        "{out}"
    );
    let (code, out, _) = asl_sim(&["test", &definition, "--mock-validation", "present"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = asl_sim(&["run", &definition, "--mocks", &mocks, "--test-case", "T"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Mock result schema validation error"), "{err}");
    let (code, _, err) = asl_sim(&[
        "run",
        &definition,
        "--mocks",
        &mocks,
        "--test-case",
        "T",
        "--mock-validation",
        "none",
    ]);
    assert_eq!(code, 0, "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_responses_own_mode_overrides_the_flag() {
    let (dir, definition, _) = fixture(
        "own",
        r#"{"Return": {"Status": "ASLEEP"}, "FieldValidationMode": "NONE"}"#,
    );
    let (code, out, _) = asl_sim(&["test", &definition]);
    assert_eq!(code, 0, "{out}");
    let _ = std::fs::remove_dir_all(dir);
    let (dir, definition, _) = fixture(
        "enum",
        r#"{"Return": {"Status": "ASLEEP"}, "FieldValidationMode": "PRESENT"}"#,
    );
    let (code, out, _) = asl_sim(&["test", &definition, "--mock-validation", "none"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("Field 'Status' is not an expected value"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
