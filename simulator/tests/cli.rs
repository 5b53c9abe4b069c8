//! `asl-sim check` as a user runs it: exit codes, human and JSON output.

use std::process::Command;

#[path = "common/binary.rs"]
mod binary;
use binary::asl_sim;

#[test]
fn clean_files_exit_zero() {
    let (code, stdout, _) = asl_sim(&[
        "check",
        "examples/heartbeat.asl.json",
        "examples/callback-jsonata.asl.yaml",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("2 files checked: no problems found"),
        "{stdout}"
    );
}

#[test]
fn errors_exit_one_with_rustc_style_locations() {
    let (code, stdout, _) = asl_sim(&["check", "examples/broken/typos.asl.json"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("error[unknown-state]"), "{stdout}");
    assert!(
        stdout.contains("--> examples/broken/typos.asl.json:13:15"),
        "{stdout}"
    );
    assert!(stdout.contains("6 errors, 2 warnings"), "{stdout}");
}

#[test]
fn json_output_uses_lsp_positions() {
    let (code, stdout, _) = asl_sim(&[
        "check",
        "--format",
        "json",
        "examples/broken/typos.asl.json",
    ]);
    assert_eq!(code, 1);
    let diagnostics: serde_json::Value = serde_json::from_str(&stdout).expect("JSON array");
    let unknown = diagnostics
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "unknown-state")
        .expect("unknown-state reported");
    assert_eq!(unknown["file"], "examples/broken/typos.asl.json");
    assert_eq!(unknown["severity"], "error");
    // 0-based line 12, UTF-16 column 14: the `"Aproved"` string.
    assert_eq!(
        unknown["range"]["start"],
        serde_json::json!({"line": 12, "character": 14})
    );
    assert_eq!(
        unknown["range"]["end"],
        serde_json::json!({"line": 12, "character": 23})
    );
}

#[test]
fn express_type_rejects_callbacks() {
    let (code, stdout, _) = asl_sim(&[
        "check",
        "--type",
        "express",
        "examples/sqs-callback.asl.json",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("error[express-pattern]"), "{stdout}");
}

/// `asl-sim ARGS` refuses with exit 2 and a message that says `reason`.
fn exits_two_saying(args: &[&str], reason: &str) {
    let (code, _, stderr) = asl_sim(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(stderr.contains(reason), "{args:?}: {stderr}");
}

#[test]
fn usage_and_io_problems_exit_two() {
    exits_two_saying(&["check"], "name at least one file");
    exits_two_saying(&["check", "no/such/file.asl.json"], "no/such/file.asl.json");
    exits_two_saying(
        &["check", "--format", "xml", "examples/heartbeat.asl.json"],
        "--format",
    );
    let (code, _, _) = asl_sim(&["frobnicate"]);
    assert_eq!(code, 2);
}

const REMINDERS_INPUT: &str = r#"{"round": 1, "customers": [{"name": "Ada", "plan": "Pro"}]}"#;

#[test]
fn run_prints_a_timeline_and_exits_zero_on_success() {
    let (code, stdout, stderr) = asl_sim(&[
        "run",
        "examples/renewal-reminders.asl.json",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--input",
        REMINDERS_INPUT,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("WaitStateEntered"), "{stdout}");
    assert!(
        stdout.contains("+365d 00:00:00.000  PassStateEntered"),
        "{stdout}"
    );
    assert!(stdout.contains("status:   SUCCEEDED"), "{stdout}");
}

#[test]
fn run_json_reports_status_output_virtual_time_and_events() {
    let (code, stdout, _) = asl_sim(&[
        "run",
        "examples/renewal-reminders.asl.json",
        "--format",
        "json",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--input",
        REMINDERS_INPUT,
    ]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(report["status"], "SUCCEEDED");
    assert_eq!(report["output"]["round"], 2);
    assert_eq!(report["elapsedSeconds"], 31_536_000.0);
    let events = report["events"].as_array().expect("events");
    assert_eq!(events[0]["type"], "ExecutionStarted");
    assert_eq!(
        events.last().map(|e| e["type"].clone()),
        Some("ExecutionSucceeded".into())
    );
    assert_eq!(
        events.last().map(|e| e["timestamp"].clone()),
        Some("2027-01-01T00:00:00.000Z".into())
    );
}

#[test]
fn run_exits_one_when_the_execution_fails() {
    let (code, stdout, _) = asl_sim(&[
        "run",
        "examples/renewal-reminders.asl.json",
        "--input",
        "{}",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("status:   FAILED"), "{stdout}");
    assert!(stdout.contains("States.Runtime"), "{stdout}");
}

#[test]
fn run_rejects_bad_definitions_and_inputs_with_exit_two() {
    exits_two_saying(
        &["run", "examples/broken/typos.asl.json"],
        "error[unknown-state]",
    );
    exits_two_saying(
        &[
            "run",
            "examples/renewal-reminders.asl.json",
            "--input",
            "{not json",
        ],
        "the input is not JSON",
    );
    exits_two_saying(
        &[
            "run",
            "examples/renewal-reminders.asl.json",
            "--start-time",
            "soon",
        ],
        "--start-time",
    );
}

#[test]
fn run_with_mocks_shows_the_heartbeat_expiring() {
    let (code, stdout, stderr) = asl_sim(&[
        "run",
        "examples/heartbeat.asl.json",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--mocks",
        "examples/heartbeat.mocks.json",
        "--test-case",
        "WorkerSilent",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("+00:10:00.000  ExecutionFailed"),
        "{stdout}"
    );
    assert!(stdout.contains("error:    States.Timeout"), "{stdout}");
    // The timeline says which clock ran out, and what the task called.
    assert!(
        stdout.contains(
            "+00:10:00.000  TaskTimedOut                 States.Timeout: no heartbeat for 600 s (HeartbeatSeconds)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("TaskScheduled                sqs:sendMessage.waitForTaskToken"),
        "{stdout}"
    );
    let (code, stdout, _) = asl_sim(&[
        "run",
        "examples/batch-job.asl.json",
        "--mocks",
        "examples/batch-job.mocks.json",
        "--test-case",
        "JobTooSlow",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("States.Timeout: 3600 s passed (TimeoutSeconds)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FailStateEntered             Job took too long"),
        "{stdout}"
    );
    let (code, stdout, _) = asl_sim(&[
        "run",
        "examples/heartbeat.asl.json",
        "--mocks",
        "examples/heartbeat.mocks.json",
        "--test-case",
        "HeartbeatsKeepItAlive",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("status:   SUCCEEDED"), "{stdout}");
}

#[test]
fn mock_file_problems_are_reported_before_running() {
    exits_two_saying(
        &[
            "run",
            "examples/heartbeat.asl.json",
            "--mocks",
            "examples/heartbeat.mocks.json",
            "--test-case",
            "Nope",
        ],
        "No test case `Nope`",
    );
    exits_two_saying(
        &[
            "run",
            "examples/heartbeat.asl.json",
            "--mocks",
            "examples/heartbeat.asl.json",
            "--test-case",
            "X",
        ],
        "StateMachines",
    );
    exits_two_saying(
        &[
            "run",
            "examples/heartbeat.asl.json",
            "--mocks",
            "examples/heartbeat.mocks.json",
        ],
        "--test-case",
    );
}

/// A scratch directory under the target directory, fresh for each test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

#[test]
fn test_runs_every_case_of_the_seed_examples_and_writes_junit() {
    let junit = scratch("test-junit").join("report.xml");
    let (code, stdout, stderr) = asl_sim(&[
        "test",
        "examples/sns-publish.asl.json",
        "examples/batch-job.asl.json",
        "examples/sqs-callback.asl.json",
        "examples/heartbeat.asl.json",
        "--junit",
        junit.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("PASS  heartbeat / WorkerSilent: FAILED States.Timeout at +00:10:00.000"),
        "{stdout}"
    );
    assert!(
        stdout.contains("10 test cases: 10 passed, 0 failed"),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).expect("scratch file");
    assert!(
        xml.contains("<testsuites name=\"asl-sim test\" tests=\"10\" failures=\"0\" errors=\"0\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<testcase name=\"HeartbeatsStop\" classname=\"heartbeat\""),
        "{xml}"
    );
}

#[test]
fn test_reports_every_unmet_expectation_and_exits_one() {
    let dir = scratch("test-failing");
    let definition = dir.join("flow.asl.json");
    std::fs::copy("../examples/heartbeat.asl.json", &definition).expect("scratch file");
    std::fs::write(
        dir.join("flow.mocks.json"),
        r#"{"StateMachines": {"flow": {
             "TestCases": {"Silent": {"Push to SQS": "Never"}, "Unmocked": {}},
             "Expectations": {"Silent": {"Status": "SUCCEEDED", "States": ["Push to SQS", "Done"],
                                         "DurationSeconds": 5, "OutputIncludes": {"ok": true}},
                              "Unmocked": {"Status": "FAILED"}}}},
           "MockedResponses": {"Never": {"0": {"NoResponse": true}}}}"#,
    )
    .expect("scratch file");
    let junit = dir.join("report.xml");
    let (code, stdout, stderr) = asl_sim(&[
        "test",
        definition.to_str().expect("UTF-8 path"),
        "--junit",
        junit.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    for expected in [
        "FAIL  flow / Silent: FAILED States.Timeout at +00:10:00.000",
        "status: expected SUCCEEDED, got FAILED (States.Timeout)",
        "states: expected Push to SQS → Done, entered Push to SQS",
        "duration: expected 5 s, took 600 s",
        "output: expected it to include {\"ok\":true}, got no output",
        "warning: The test case has no mock for `Push to SQS`: nobody returns its task token.",
        "PASS  flow / Unmocked: FAILED States.Timeout at +00:10:00.000",
        "2 test cases: 1 passed, 1 failed",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    let xml = std::fs::read_to_string(&junit).expect("scratch file");
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(
        xml.contains(
            "<failure message=\"status: expected SUCCEEDED, got FAILED (States.Timeout)\">"
        ),
        "{xml}"
    );
}

#[test]
fn test_locates_mock_file_mistakes_and_runs_nothing() {
    let dir = scratch("test-bad-mocks");
    let definition = dir.join("flow.asl.json");
    std::fs::copy("../examples/heartbeat.asl.json", &definition).expect("scratch file");
    let mocks = dir.join("flow.mocks.json");
    std::fs::write(
        &mocks,
        "{\"StateMachines\": {\"flow\": {\n  \"TestCases\": {\"A\": {\"Push to SQS\": \"R\"}},\n  \"Expectations\": {\"A\": {\"Staus\": \"FAILED\"}}}},\n \"MockedResponses\": {\"R\": {\"0\": {\"Return\": {}}}}}",
    )
    .expect("scratch file");
    let (code, stdout, _) = asl_sim(&["test", definition.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("flow.mocks.json:3:26: Unknown expectation `Staus`"),
        "{stdout}"
    );
    assert!(!stdout.contains("PASS"), "{stdout}");
    // Both Return and Throw: located at the response.
    std::fs::write(
        &mocks,
        "{\"StateMachines\": {\"flow\": {\"TestCases\": {\"A\": {\"Push to SQS\": \"R\"}}}},\n \"MockedResponses\": {\"R\": {\"0\": {\"Return\": {}, \"Throw\": {\"Error\": \"E\"}}}}}",
    )
    .expect("scratch file");
    let (code, stdout, _) = asl_sim(&["test", definition.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("flow.mocks.json:2:"), "{stdout}");
    // A state the definition does not have.
    std::fs::write(
        &mocks,
        "{\"StateMachines\": {\"flow\": {\"TestCases\": {\"A\": {\"Push to SQSS\": \"R\"}}}},\n \"MockedResponses\": {\"R\": {\"0\": {\"Return\": {}}}}}",
    )
    .expect("scratch file");
    let (code, stdout, _) = asl_sim(&["test", definition.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("flow.mocks.json:1:49: The definition has no state `Push to SQSS` (its Task states: Push to SQS)."),
        "{stdout}"
    );
    // No mock file at all.
    std::fs::remove_file(&mocks).expect("scratch file");
    let (code, stdout, _) = asl_sim(&["test", definition.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("flow.mocks.json: "), "{stdout}");
}

#[test]
fn run_explain_puts_the_simulation_on_the_states() {
    let (code, stdout, stderr) = asl_sim(&[
        "run",
        "examples/batch-job.asl.json",
        "--mocks",
        "examples/batch-job.mocks.json",
        "--test-case",
        "JobTooSlow",
        "--explain",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    for expected in [
        "information[simulation]: TimeoutSeconds (3600 s) passed: States.Timeout after 60 min. Catch #1 takes it, on to `Job took too long`.",
        " --> examples/batch-job.asl.json:5:5",
        "= note: this Catch at examples/batch-job.asl.json:15:9",
        "warning[simulation-end]: The execution fails here with `JobTimedOut` after 60 min.",
        "hint[simulation-not-reached]: The simulation never reached this state.",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    assert!(!stdout.contains("checked: "), "{stdout}");
}

#[test]
fn test_finds_a_mock_config_file_beside_the_definition() {
    let dir = std::env::temp_dir().join(format!("asl-sim-mockconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let definition = dir.join("approval.asl.json");
    std::fs::write(
        &definition,
        include_str!("../../examples/sqs-callback.asl.json"),
    )
    .expect("write");
    // Step Functions Local's file name, for the machine named like the definition.
    let mocks = include_str!("../../examples/sqs-callback.mocks.json")
        .replace("\"sqs-callback\"", "\"approval\"");
    std::fs::write(dir.join("MockConfigFile.json"), mocks).expect("write");
    let (code, stdout, stderr) = asl_sim(&["test", definition.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("2 test cases: 2 passed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_with_state_tests_one_state_as_aws_test_state_does() {
    let dir = scratch("test-state");
    let lone = dir.join("charge.json");
    std::fs::write(
        &lone,
        r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["Throttled"]}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "Next": "Done"}"#,
    )
    .expect("scratch file");
    let lone = lone.to_str().expect("UTF-8 path");
    let (code, stdout, stderr) = asl_sim(&[
        "run",
        lone,
        "--state",
        "Charge",
        "--format",
        "json",
        "--mock-result",
        r#"{"Payload": {"charged": true}}"#,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"status": "SUCCEEDED", "output": {"Payload": {"charged": true}}, "nextState": "Done"})
    );
    let (code, stdout, _) = asl_sim(&[
        "run",
        lone,
        "--state",
        "Charge",
        "--mock-error",
        "Throttled",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("status:     RETRIABLE"), "{stdout}");
    let (code, stdout, _) = asl_sim(&[
        "run",
        lone,
        "--state",
        "Charge",
        "--mock-error",
        "Declined",
        "--mock-cause",
        "no funds",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("CAUGHT_ERROR") && stdout.contains("next state: Handle"),
        "{stdout}"
    );

    // A state inside a machine, with its variables.
    let machine = dir.join("greet.asl.json");
    std::fs::write(
        &machine,
        r#"{"StartAt": "Greet", "States": {"Greet": {"Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('Hi {}', $name)"}, "Next": "Bye"},
            "Bye": {"Type": "Succeed"}}}"#,
    )
    .expect("scratch file");
    let (code, stdout, stderr) = asl_sim(&[
        "run",
        machine.to_str().expect("UTF-8 path"),
        "--state",
        "Greet",
        "--variables",
        r#"{"name": "Ada"}"#,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(r#"output:     {"greeting":"Hi Ada"}"#),
        "{stdout}"
    );
    assert!(stdout.contains("next state: Bye"), "{stdout}");
    let (code, stdout, stderr) =
        asl_sim(&["run", "examples/sqs-callback.asl.json", "--state", "Nope"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("error: examples/sqs-callback.asl.json: there is no state `Nope`."),
        "{stderr}"
    );
    exits_two_saying(&["run", lone, "--mock-error", "X"], "name it with --state");
    exits_two_saying(
        &["run", lone, "--state", "Charge", "--variables", "[1]"],
        "--variables takes a JSON object",
    );
    exits_two_saying(
        &["run", lone, "--state", "Charge", "--context", "{oops"],
        "--context is not JSON",
    );
}

#[test]
fn the_same_file_problem_reads_the_same_in_every_command() {
    let dir = scratch("same-problem");
    let directory = dir.join("folder.asl.json");
    std::fs::create_dir_all(&directory).expect("scratch directory");
    let binary = dir.join("binary.asl.json");
    std::fs::write(&binary, [0xff, 0xfe]).expect("scratch file");
    let missing = dir.join("missing.asl.json");
    for (path, problem) in [
        (&missing, "no such file"),
        (&directory, "is a directory, not a file"),
        (&binary, "not UTF-8 text (invalid byte at offset 0)"),
    ] {
        let path = path.to_str().expect("UTF-8 path");
        let said = format!("{path}: {problem}");
        for command in ["check", "run", "graph", "test"] {
            let (code, stdout, stderr) = asl_sim(&[command, path]);
            assert_eq!(code, 2, "{command} {path}: {stdout}{stderr}");
            assert!(
                stderr.contains(&format!("error: {said}")) || stdout.contains(&said),
                "{command}: {stdout}{stderr}"
            );
        }
    }
}

#[test]
fn check_json_reports_an_unreadable_file_inside_its_output() {
    let (code, stdout, stderr) = asl_sim(&[
        "check",
        "--format",
        "json",
        "no/such/file.asl.json",
        "examples/heartbeat.asl.json",
    ]);
    assert_eq!(code, 2, "{stderr}");
    let diagnostics: serde_json::Value = serde_json::from_str(&stdout).expect("JSON array");
    assert_eq!(
        diagnostics,
        serde_json::json!([{"file": "no/such/file.asl.json",
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "severity": "error", "code": "unreadable-file", "message": "no such file"}])
    );
    assert!(
        stderr.contains("error: no/such/file.asl.json: no such file"),
        "{stderr}"
    );
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let dir = scratch("deny-warnings");
    let file = dir.join("wait.asl.json");
    std::fs::write(
        &file,
        r#"{"StartAt": "W", "States": {"W": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}}}"#,
    )
    .expect("scratch file");
    let file = file.to_str().expect("UTF-8 path");
    let (code, stdout, _) = asl_sim(&["check", file]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("warning[unbounded-callback-wait]"),
        "{stdout}"
    );
    let (code, stdout, _) = asl_sim(&["check", "--deny-warnings", file]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("error[unbounded-callback-wait]"),
        "{stdout}"
    );
}

#[test]
fn every_mistake_of_a_mock_file_is_reported_at_once_with_its_place() {
    let dir = scratch("all-mock-mistakes");
    let definition = dir.join("flow.asl.json");
    std::fs::copy("../examples/heartbeat.asl.json", &definition).expect("scratch file");
    std::fs::write(
        dir.join("flow.mocks.json"),
        "{\"StateMachines\": {\"flow\": {\n  \"TestCases\": {\"A\": {\"Push to SQS\": \"Nope\"},\n    \"B\": {\"Push to SQSS\": \"R\"}},\n  \"Expectations\": {\"A\": {\"Staus\": \"FAILED\"}, \"C\": {}}}},\n \"MockedResponses\": {\"R\": {\"x\": {\"Return\": {}}}}}",
    )
    .expect("scratch file");
    let (code, stdout, _) = asl_sim(&["test", definition.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 2, "{stdout}");
    for expected in [
        "flow.mocks.json:4:46: Expectations for `C`, which is not one of the TestCases.",
        "flow.mocks.json:2:23: No mocked response `Nope` under `MockedResponses`.",
        "flow.mocks.json:4:26: Unknown expectation `Staus`",
        "flow.mocks.json:5:28: `x` is not an invocation number",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    assert!(!stdout.contains("PASS"), "{stdout}");
}

#[test]
fn graph_of_a_broken_definition_says_so_draws_it_and_exits_one() {
    let (code, stdout, stderr) = asl_sim(&["graph", "examples/broken/typos.asl.json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.starts_with("<svg"), "{stdout}");
    assert!(stderr.contains("error[unknown-state]"), "{stderr}");
    assert!(
        stderr.contains("error: examples/broken/typos.asl.json: the definition has errors; the picture shows what could be read"),
        "{stderr}"
    );
    let (code, stdout, _) = asl_sim(&["graph", "examples/heartbeat.asl.json", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("digraph"), "{stdout}");
}

/// `asl-sim test-state -` with `request` on stdin.
fn test_state(request: &serde_json::Value) -> (i32, serde_json::Value) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-sim"))
        .args(["test-state", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("asl-sim runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("request written");
    let out = child.wait_with_output().expect("asl-sim ends");
    let response = serde_json::from_slice(&out.stdout).expect("a JSON answer");
    (out.status.code().unwrap_or(-1), response)
}

#[test]
fn test_state_answers_the_apis_request_with_its_response() {
    let definition =
        serde_json::json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Retry": [{"ErrorEquals": ["Throttled"]}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "Next": "Done"})
        .to_string();
    let (code, response) = test_state(&serde_json::json!({
        "definition": definition, "input": "{\"n\": 1}",
        "mock": {"result": "{\"ok\": true}"}}));
    assert_eq!(code, 0);
    assert_eq!(
        response,
        serde_json::json!({"status": "SUCCEEDED", "output": "{\"ok\":true}", "nextState": "Done"})
    );
    let (code, response) = test_state(&serde_json::json!({
        "definition": definition, "inspectionLevel": "DEBUG",
        "mock": {"errorOutput": {"error": "Throttled", "cause": "slow"}}}));
    assert_eq!(code, 1);
    assert_eq!(response["status"], "RETRIABLE");
    assert_eq!(response["inspectionData"]["errorDetails"]["retryIndex"], 0);
    let (code, response) = test_state(&serde_json::json!({
        "definition": definition, "inspectionLevel": "LOUD"}));
    assert_eq!(code, 2);
    assert_eq!(response["__type"], "ValidationException");
    assert!(
        response["message"]
            .as_str()
            .is_some_and(|m| m.contains("[INFO, DEBUG, TRACE]")),
        "{response}"
    );
}

#[test]
fn run_state_sends_inspection_level_and_state_configuration_as_the_api_does() {
    let dir = scratch("run-state-inspection");
    let lone = dir.join("charge.json");
    std::fs::write(
        &lone,
        r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["Throttled"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}], "Next": "Done"}"#,
    )
    .expect("scratch file");
    let lone = lone.to_str().expect("UTF-8 path");
    let (code, stdout, stderr) = asl_sim(&[
        "run",
        lone,
        "--state",
        "Charge",
        "--mock-error",
        "Throttled",
        "--inspection-level",
        "DEBUG",
    ]);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "status:     RETRIABLE",
        "inspection data:",
        "  afterParameters:",
        "{\"FunctionName\":\"charge\",\"Payload\":{}}",
        "  errorDetails.retryIndex:",
    ] {
        assert!(stdout.contains(expected), "{expected}\n{stdout}");
    }
    // Retries used up: the Catch takes it.
    let (code, stdout, _) = asl_sim(&[
        "run",
        lone,
        "--state",
        "Charge",
        "--mock-error",
        "Throttled",
        "--state-configuration",
        r#"{"retrierRetryCount": 2}"#,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["status"], "CAUGHT_ERROR");
    assert_eq!(json["nextState"], "Handle");
    exits_two_saying(
        &[
            "run",
            lone,
            "--state",
            "Charge",
            "--inspection-level",
            "LOUD",
        ],
        "[possible values: INFO, DEBUG, TRACE]",
    );
}

#[test]
fn completions_and_manual_pages_come_from_the_same_definitions() {
    for (shell, marks) in [
        ("bash", ["complete -F _asl__sim", "test-state"]),
        ("zsh", ["#compdef asl-sim", "--deny-warnings"]),
        ("fish", ["complete -c asl-sim", "-l inspection-level"]),
    ] {
        let (code, stdout, stderr) = asl_sim(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for mark in marks {
            assert!(stdout.contains(mark), "{shell}: {mark}\n{stdout}");
        }
    }
    let (code, page, _) = asl_sim(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH asl-sim 1"), "{page}");
    assert!(page.contains("asl\\-sim\\-check(1)"), "{page}");
    let (code, page, _) = asl_sim(&["man", "run"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH asl-sim-run 1"), "{page}");
    assert!(page.contains("\\-\\-state\\-configuration"), "{page}");
    exits_two_saying(&["man", "chek"], "Did you mean `check`?");
}

/// `--field-validation-mode` is the request's `mock.fieldValidationMode`: STRICT (the default)
/// wants the required members, PRESENT checks only the members given, NONE nothing.
#[test]
fn run_state_validates_the_mock_result_as_field_validation_mode_says() {
    let dir = scratch("run-state-field-validation");
    let lone = dir.join("describe.json");
    std::fs::write(
        &lone,
        r#"{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
            "Parameters": {"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e"},
            "End": true}"#,
    )
    .expect("scratch file");
    let lone = lone.to_str().expect("UTF-8 path");
    let run = |result: &str, mode: Option<&str>| {
        let mut args = vec!["run", lone, "--state", "Describe", "--mock-result", result];
        if let Some(mode) = mode {
            args.extend(["--field-validation-mode", mode]);
        }
        asl_sim(&args)
    };
    let partial = r#"{"Status": "SUCCEEDED"}"#;
    let (code, _, stderr) = run(partial, None);
    assert_eq!(code, 2, "STRICT by default: {stderr}");
    assert!(
        stderr.contains("Mock result schema validation error: Required field"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(partial, Some("PRESENT"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let wrong = r#"{"Status": 7}"#;
    let (code, _, stderr) = run(wrong, Some("present"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("Field 'Status' must be a string"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(wrong, Some("NONE"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(r#"{"Status":7}"#), "{stdout}");
    let (code, _, stderr) = asl_sim(&[
        "run",
        lone,
        "--state",
        "Describe",
        "--field-validation-mode",
        "NONE",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--field-validation-mode"), "{stderr}");
}
