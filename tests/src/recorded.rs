//! Comparing an asl-sim execution with one recorded on AWS, as the conformance corpora store
//! them: the recorder replaced run-specific values with placeholders (`<ExecArnPart_0idx>`,
//! `timestamp`) and stored JSON text parsed.

use std::collections::{BTreeMap, BTreeSet};

use asl_sim::engine::{Execution, TestedState};
use serde_json::Value;

/// A recorded value normalised by the recorder (`<ExecArnPart_0idx>`, `timestamp`, ...).
pub fn is_placeholder(s: &str) -> bool {
    (s.starts_with('<') && s.ends_with('>'))
        || matches!(
            s,
            "timestamp"
                | "date"
                | "start-time"
                | "start-date"
                | "entered-time"
                | "snf_role_arn"
                | "sfn_role_arn"
                | "RandomNumberGenerated"
        )
}

/// `expected` with `<...>` placeholders inside (`... the input '<json-input:1>'`): each
/// placeholder stands for any text.
pub fn matches_template(expected: &str, actual: &str) -> bool {
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

/// Equal, numbers by value (`1` and `1.0` are one JSON number), placeholders matching what
/// they stand for.
pub fn recorded_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), _) if is_placeholder(e) => true,
        (Value::String(e), Value::String(a)) if e.contains('<') => matches_template(e, a),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(k, v)| a.get(k).is_some_and(|av| recorded_equal(v, av)))
        }
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| recorded_equal(x, y))
        }
        _ => expected == actual,
    }
}

/// JSON text the recorder stored parsed: compare it parsed.
pub fn parsed(value: &Value) -> Value {
    match value {
        Value::String(s) if s.starts_with('{') || s.starts_with('[') => {
            serde_json::from_str(s).unwrap_or_else(|_| value.clone())
        }
        other => other.clone(),
    }
}

/// A case's definition as text (stored as text or as JSON).
pub fn definition_text(definition: &Value) -> String {
    match definition {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).expect("serialisable"),
    }
}

/// A case's execution input (stored as JSON text or as JSON).
pub fn execution_input(case: &Value) -> Value {
    match &case["input"] {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
        other => other.clone(),
    }
}

/// Status, then output (on success) or error and cause, against the recorded `expected`.
/// What a run ended with, as the recordings give it: an execution's or a TestState call's.
pub struct Outcome<'a> {
    pub status: &'a str,
    pub output: Option<&'a Value>,
    pub error: Option<&'a str>,
    pub cause: Option<&'a str>,
}

impl<'a> From<&'a Execution> for Outcome<'a> {
    fn from(execution: &'a Execution) -> Self {
        Outcome {
            status: execution.status.as_str(),
            output: execution.output.as_ref(),
            error: execution.error.as_deref(),
            cause: execution.cause.as_deref(),
        }
    }
}

impl<'a> From<&'a TestedState> for Outcome<'a> {
    fn from(tested: &'a TestedState) -> Self {
        Outcome {
            status: tested.status.as_str(),
            output: tested.output.as_ref(),
            error: tested.error.as_deref(),
            cause: tested.cause.as_deref(),
        }
    }
}

/// Status, then output or error and cause, as recorded (loosely where normalised).
pub fn compare_outcome<'a>(expected: &Value, actual: impl Into<Outcome<'a>>) -> Result<(), String> {
    let actual = actual.into();
    let status = actual.status;
    if expected["status"] != status {
        return Err(format!(
            "status {status} (error {:?}: {:?}), expected {}",
            actual.error, actual.cause, expected["status"]
        ));
    }
    if status == "SUCCEEDED" {
        let output = parsed(actual.output.unwrap_or(&Value::Null));
        if !recorded_equal(&parsed(&expected["output"]), &output) {
            return Err(format!("output {output}, expected {}", expected["output"]));
        }
        return Ok(());
    }
    let error_name = actual
        .error
        .map_or(Value::Null, |e| Value::String(e.into()));
    if !recorded_equal(&expected["error"], &error_name) {
        return Err(format!(
            "error {error_name}, expected {}",
            expected["error"]
        ));
    }
    let actual_cause = actual
        .cause
        .map_or(Value::Null, |c| parsed(&Value::String(c.into())));
    if !recorded_equal(&parsed(&expected["cause"]), &actual_cause) {
        return Err(format!(
            "cause {actual_cause}, expected {}",
            expected["cause"]
        ));
    }
    Ok(())
}

/// What running a corpus of recorded executions gave.
pub struct Tally {
    pub total: usize,
    /// The ids that match.
    pub passing: BTreeSet<String>,
    /// Per group (a feature, a flag): (matching, all).
    pub by_group: BTreeMap<String, (usize, usize)>,
    /// Why each case that does not match differs.
    pub failures: Vec<String>,
}

/// Run `outcome` on every case of the corpus `sub` (a panic counts as a difference), counting
/// by the groups `groups` names for a case; `ASL_SHOW_FAILURES` prints each difference.
#[allow(clippy::print_stdout)] // the conformance tests report their failures on request
pub fn run_corpus(
    sub: &str,
    outcome: impl Fn(&Value) -> Result<(), String>,
    groups: impl Fn(&Value) -> Vec<String>,
) -> Tally {
    let files = crate::corpus(sub);
    let mut tally = Tally {
        total: files.len(),
        passing: BTreeSet::new(),
        by_group: BTreeMap::new(),
        failures: Vec::new(),
    };
    for path in &files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| outcome(&case)))
            .unwrap_or_else(|_| Err("panicked".into()));
        for group in groups(&case) {
            let entry = tally.by_group.entry(group).or_default();
            entry.1 += 1;
            entry.0 += usize::from(result.is_ok());
        }
        match result {
            Ok(()) => {
                tally
                    .passing
                    .insert(case["id"].as_str().unwrap_or_default().to_string());
            }
            Err(reason) => {
                if let Some(show) = std::env::var_os("ASL_SHOW_FAILURES") {
                    // `ASL_SHOW_FAILURES=full` prints each difference whole.
                    let width = if show == "full" { usize::MAX } else { 700 };
                    println!(
                        "FAIL {}\n     {}",
                        path.display(),
                        reason.chars().take(width).collect::<String>()
                    );
                }
                tally.failures.push(reason);
            }
        }
    }
    tally
}

impl Tally {
    /// `NAME: N of M executions match AWS`, then the count per group; the figure is the
    /// README's `counts_name` (see [`crate::counts`]).
    #[allow(clippy::print_stdout)]
    pub fn report(&self, name: &str, width: usize, counts_name: &str) {
        let figure = format!("{} of {} match", self.passing.len(), self.total);
        println!("{name}: {figure} AWS");
        crate::counts::record(counts_name, &figure);
        for (group, (pass, total)) in &self.by_group {
            println!("  {group:<width$} {pass:>4} / {total}");
        }
    }
}

/// The committed list of ids that pass: fails on any that no longer does, and rewrites the
/// list when `ASL_WRITE_PASSING` is set.
#[allow(clippy::print_stdout)] // the conformance tests report their lists' changes
pub fn guard_passing(list: &str, list_file: &str, header: &str, passing_now: &BTreeSet<String>) {
    let passing_before: BTreeSet<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let gained = passing_now
        .iter()
        .filter(|id| !passing_before.contains(id.as_str()))
        .count();
    if gained > 0 {
        println!("{gained} newly passing (ASL_WRITE_PASSING=1 adds them to {list_file})");
    }
    if std::env::var_os("ASL_WRITE_PASSING").is_some() {
        let ids: Vec<&str> = passing_now.iter().map(String::as_str).collect();
        std::fs::write(list_file, format!("# {header}\n{}\n", ids.join("\n"))).expect("writable");
    }
    let regressions: Vec<&str> = passing_before
        .into_iter()
        .filter(|id| !passing_now.contains(*id))
        .collect();
    assert!(
        regressions.is_empty(),
        "regressions: these passed before:\n{}",
        regressions.join("\n")
    );
}
