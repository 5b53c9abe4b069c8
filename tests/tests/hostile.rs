//! Hostile definitions and inputs get a clear diagnostic or error and a bounded run, never a
//! hang or a crash: through the library (what the server runs on every edit) and the CLI.
#![allow(clippy::needless_pass_by_value)]

use std::time::{Duration, Instant};

use asl_sim::engine::{run, Execution, RunOptions};
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions, Severity};
use serde_json::{json, Value};

/// Check and run, and how long both took (debug build: the bounds are generous).
fn checked_run(definition: &str, input: Value) -> (Execution, Duration) {
    let started = Instant::now();
    let checked = check(definition, Format::Json, CheckOptions::default());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let options = RunOptions {
        input: input.into(),
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    // The report on it too, as the language server makes it.
    let _ = asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
    (execution, started.elapsed())
}

const BOUND: Duration = Duration::from_secs(30);

#[test]
fn an_infinite_loop_stops_at_the_history_limit() {
    let (execution, took) = checked_run(
        // A way out that is never taken: the checker cannot call it a loop without end.
        r#"{"StartAt": "Again", "States": {
            "Again": {"Type": "Pass", "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": false, "Next": "Again"}], "Default": "Done"},
            "Done": {"Type": "Succeed"}}}"#,
        json!({}),
    );
    assert_eq!(execution.error.as_deref(), Some("States.Runtime"));
    assert!(
        execution
            .cause
            .as_deref()
            .is_some_and(|c| c.contains("25000 history events")),
        "{:?}",
        execution.cause
    );
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn a_map_over_a_million_items_stops_at_the_history_limit() {
    let items: Vec<u32> = (0..1_000_000).collect();
    let (execution, took) = checked_run(
        r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true}}}"#,
        json!({ "items": items }),
    );
    // AWS fails it one way or another: the input alone passes 256 KiB, or the history its limit.
    assert_eq!(execution.status.as_str(), "FAILED", "{:?}", execution.error);
    assert!(
        matches!(
            execution.error.as_deref(),
            Some("States.Runtime" | "States.DataLimitExceeded")
        ),
        "{:?}",
        execution.error
    );
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn a_huge_array_range_is_an_intrinsic_failure() {
    let (execution, took) = checked_run(
        r#"{"StartAt": "R", "States": {"R": {"Type": "Pass",
            "Parameters": {"r.$": "States.ArrayRange(0, 1000000000, 1)"}, "End": true}}}"#,
        json!({}),
    );
    assert_eq!(
        execution.error.as_deref(),
        Some("States.IntrinsicFailure"),
        "{:?}",
        execution.cause
    );
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn payloads_over_256_kib_exceed_the_data_limit() {
    let big = "x".repeat(300 * 1024);
    let definition = json!({"StartAt": "Big", "States": {"Big": {"Type": "Pass", "Result": {"s": big}, "End": true}}});
    let (execution, took) = checked_run(&definition.to_string(), json!({}));
    assert_eq!(execution.error.as_deref(), Some("States.DataLimitExceeded"));
    assert!(took < BOUND, "{took:?}");
}

#[test]
fn regex_heavy_jsonata_is_bounded() {
    let input = json!({"s": format!("{}b", "a".repeat(5_000))});
    let (execution, took) = checked_run(
        r#"{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Pass",
            "Output": "{% $match($states.input.s, /(a+)+$/) %}", "End": true}}}"#,
        input,
    );
    assert!(took < BOUND, "{took:?} {:?}", execution.status);
    let (execution, took) = checked_run(
        r#"{"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": {"Type": "Pass",
            "Output": "{% $count($range(0, 1000000000, 1)) %}", "End": true}}}"#,
        json!({}),
    );
    assert!(took < BOUND, "{took:?} {:?}", execution.status);
    assert_eq!(
        execution.status.as_str(),
        "FAILED",
        "{:?}",
        execution.output
    );
}

#[test]
fn deep_nesting_and_enormous_strings_are_diagnosed_not_crashed() {
    for format in [Format::Json, Format::Yaml] {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let started = Instant::now();
        let checked = check(&deep, format, CheckOptions::default());
        assert!(!checked.diagnostics.is_empty(), "{format:?}");
        assert!(started.elapsed() < BOUND);
        let deep_objects = format!("{}1{}", "{\"a\": ".repeat(10_000), "}".repeat(10_000));
        let checked = check(&deep_objects, format, CheckOptions::default());
        assert!(
            checked
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error),
            "{format:?}"
        );
    }
    let huge = format!(
        r#"{{"Comment": "{}", "StartAt": "A", "States": {{"A": {{"Type": "Succeed"}}}}}}"#,
        "é".repeat(10_000_000)
    );
    let started = Instant::now();
    let checked = check(&huge, Format::Json, CheckOptions::default());
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    assert!(started.elapsed() < BOUND, "{:?}", started.elapsed());
}

#[test]
fn the_cli_fails_cleanly_on_hostile_files() {
    let dir = std::env::temp_dir().join(format!("asl-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let deep = dir.join("deep.asl.json");
    std::fs::write(
        &deep,
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
    )
    .expect("write");
    let not_utf8 = dir.join("binary.asl.json");
    std::fs::write(&not_utf8, [0xff, 0xfe, 0x00, 0x7b]).expect("write");
    let check = |file: &std::path::Path| {
        std::process::Command::new(asl_e2e::binary("asl-sim"))
            .arg("check")
            .arg(file)
            .output()
            .expect("asl-sim runs")
    };
    // Exit 1: findings, reported with a location; not a crash (101) or a signal.
    let out = check(&deep);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("deep.asl.json:1:"), "{stdout}");
    // Exit 2: the file cannot be read as text; where, and that it was not checked.
    let out = check(&not_utf8);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not UTF-8 text (invalid byte at offset 0)"),
        "{stderr}"
    );
    assert!(stderr.contains("1 file could not be read"), "{stderr}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
