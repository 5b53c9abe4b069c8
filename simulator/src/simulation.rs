//! What a simulation says about each state, as diagnostics on the states themselves: how every
//! token wait ended, which timeout fired and which Retry or Catch took it, what each `.sync` job
//! did, where an uncaught error ended the execution, which states it never reached; and, for
//! every callback that did arrive, where the execution goes if it never does.
//!
//! Plain data over the engine's results, for the language server and the CLI alike.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::engine::{
    run, Details, Event, Execution, Expired, Handler, MockedRun, RunOptions, Status,
};
use crate::mocks::{MockedResponse, Outcome, Response, TestCase};
use crate::model::{Pattern, Resource, State, StateKind, StateMachine};
use crate::syntax::Tree;

/// Run the definition and report on its states, and where each answered callback's loss leads.
pub fn simulate(tree: &Tree, machine: &StateMachine, options: &RunOptions) -> Vec<Diagnostic> {
    let execution = run(tree, machine, options);
    explain(tree, machine, options, &execution)
}

/// The report on an execution already run with `options`, and its lost-callback forks.
pub fn explain(
    tree: &Tree,
    machine: &StateMachine,
    options: &RunOptions,
    execution: &Execution,
) -> Vec<Diagnostic> {
    let mut diagnostics = report(machine, execution, options.start_time_ms);
    diagnostics.extend(lost_callbacks(tree, machine, options, execution));
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    diagnostics
}

/// The facts of one execution, on the states they concern.
pub fn report(machine: &StateMachine, execution: &Execution, start_ms: i64) -> Vec<Diagnostic> {
    let states = machine.all_states();
    // By name, so that reading a long history stays linear.
    let by_name: std::collections::HashMap<&str, &State> =
        states.iter().map(|s| (&*s.name.value, *s)).collect();
    let find = |name: &str| by_name.get(name).copied();
    let handled_errors = handlings(execution);
    let mut out = Vec::new();
    // The state each event belongs to: the last one entered (events of concurrent branches
    // are interleaved, so track per state name the start of its current attempt).
    let mut current: Option<&State> = None;
    let mut attempt_started: Vec<(&str, i64)> = Vec::new();
    let mut entered: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for event in &execution.events {
        if let Details::StateEntered { name, .. } = &event.details {
            current = find(name);
            entered.insert(name);
            continue;
        }
        let Some(state) = current else { continue };
        let name: &str = &state.name.value;
        if event.kind.ends_with("Scheduled") {
            attempt_started.retain(|(n, _)| *n != name);
            attempt_started.push((name, event.timestamp_ms));
            continue;
        }
        let started = attempt_started
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map_or(event.timestamp_ms, |(_, t)| *t);
        let after = duration(event.timestamp_ms - started);
        let pattern = task_pattern(state);
        let message = match (&event.details, pattern) {
            (Details::Output(_), Some(Pattern::WaitForTaskToken)) if is_task_end(event) => {
                format!(
                    "Waits for its task token: the callback came after {after} (SendTaskSuccess)."
                )
            }
            (Details::Output(_), Some(Pattern::Sync | Pattern::Sync2)) if is_task_end(event) => {
                format!("Runs a job: it succeeded after {after}.")
            }
            (Details::Error { error, .. }, Some(p)) if is_task_end(event) => {
                let what = match p {
                    Pattern::WaitForTaskToken => "the worker reported failure",
                    Pattern::Sync | Pattern::Sync2 => "the job failed",
                    Pattern::RequestResponse => "the call failed",
                };
                format!("{} with `{error}` after {after}.", capitalise(what))
            }
            (Details::TaskTimedOut { expired, .. }, _) => match expired {
                Expired::Heartbeat(s) => format!(
                    "No heartbeat for {s} s (HeartbeatSeconds): States.Timeout after {after}."
                ),
                Expired::Timeout(s) => {
                    format!("TimeoutSeconds ({s} s) passed: States.Timeout after {after}.")
                }
                Expired::Reported => format!("The service reported States.Timeout after {after}."),
            },
            _ => continue,
        };
        let (handled, related) = handling(state, &handled_errors, event);
        out.push(Diagnostic {
            code: "simulation",
            severity: Severity::Information,
            range: state.name.range,
            message: format!("{message}{handled}"),
            related,
            suggestion: None,
        });
    }
    // A wait that never ended: the execution ran out of time while the task waited.
    if matches!(execution.status, Status::TimedOut | Status::Failed) {
        if let Some(state) = execution.states_entered().next_back().and_then(find) {
            out.push(ending(state, execution, start_ms));
        }
    }
    if execution.status != Status::Running {
        for state in &states {
            if !entered.contains(&*state.name.value) {
                out.push(Diagnostic {
                    code: "simulation-not-reached",
                    severity: Severity::Hint,
                    range: state.name.range,
                    message: "The simulation never reached this state.".into(),
                    related: Vec::new(),
                    suggestion: None,
                });
            }
        }
    }
    out
}

/// Where the execution ended, failed or timed out, and after how long.
fn ending(state: &State, execution: &Execution, start_ms: i64) -> Diagnostic {
    let at = execution
        .events
        .last()
        .map_or(0, |e| e.timestamp_ms - start_ms);
    let message = match (&execution.status, &execution.error) {
        (Status::TimedOut, _) if task_pattern(state) == Some(Pattern::WaitForTaskToken) => {
            format!(
                "No callback ever came: the execution timed out after {}, still waiting here.",
                duration(at)
            )
        }
        (Status::TimedOut, _) => {
            format!("The execution timed out after {}, here.", duration(at))
        }
        (_, Some(error)) => format!(
            "The execution fails here with `{error}` after {}.{}",
            duration(at),
            execution
                .cause
                .as_ref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default()
        ),
        _ => format!("The execution fails here after {}.", duration(at)),
    };
    Diagnostic {
        code: "simulation-end",
        severity: Severity::Warning,
        range: state.name.range,
        message,
        related: Vec::new(),
        suggestion: None,
    }
}

/// For every token wait that got its callback, the same run with the callback lost.
fn lost_callbacks(
    tree: &Tree,
    machine: &StateMachine,
    options: &RunOptions,
    execution: &Execution,
) -> Vec<Diagnostic> {
    lost_executions(tree, machine, options, execution)
        .into_iter()
        .map(|(state, lost)| lost_callback(state, &lost, options.start_time_ms))
        .collect()
}

/// Each state whose callback came (once, however many tokens it got: a Map can issue
/// thousands), by name, with the execution in which none of its callbacks ever comes. One run
/// with the given mocks pauses just before each such state's first token, in time order, and
/// a fork of it goes on from there with the state's callbacks lost: the prefix is run once, not
/// once per state.
fn lost_executions<'m>(
    tree: &Tree,
    machine: &'m StateMachine,
    options: &RunOptions,
    execution: &Execution,
) -> Vec<(&'m State, Execution)> {
    let answered: BTreeSet<&str> = execution
        .tokens
        .iter()
        .filter(|t| t.state_now == crate::engine::TokenState::Answered)
        .map(|t| t.state.as_str())
        .collect();
    let mut first_token: BTreeMap<&str, i64> = BTreeMap::new();
    for token in &execution.tokens {
        if answered.contains(token.state.as_str()) {
            let first = first_token.entry(&token.state).or_insert(token.issued_ms);
            *first = (*first).min(token.issued_ms);
        }
    }
    let mut in_time_order: Vec<(i64, &str)> = first_token.iter().map(|(n, t)| (*t, *n)).collect();
    in_time_order.sort_unstable();
    let states = machine.all_states();
    let mut prefix: Option<MockedRun> = None;
    let mut out = Vec::new();
    for (first_ms, name) in in_time_order {
        let Some(state) = states.iter().find(|s| &*s.name.value == name) else {
            continue;
        };
        let lost_mocks = Some(lost_mocks(options, name));
        // The state's mock is read when its task starts: up to the instant before.
        let lost = if first_ms > options.start_time_ms {
            let before_ms = first_ms - 1;
            let paused = match prefix.take() {
                Some(mut paused) => {
                    paused.advance_to(before_ms);
                    paused
                }
                None => MockedRun::start(tree, machine, options, before_ms),
            };
            let mut fork = paused.clone();
            prefix = Some(paused);
            fork.set_mocks(lost_mocks);
            fork.finish()
        } else {
            let options = RunOptions {
                mocks: lost_mocks,
                ..options.clone()
            };
            run(tree, machine, &options)
        };
        out.push((*state, lost));
    }
    out.sort_by(|(a, _), (b, _)| a.name.value.cmp(&b.name.value));
    out
}

/// `options`' mocks with every invocation of the state `name` never answered.
fn lost_mocks(options: &RunOptions, name: &str) -> TestCase {
    let mut mocks = options.mocks.clone().unwrap_or_default();
    mocks.states.insert(
        name.to_string(),
        MockedResponse {
            invocations: vec![(
                0,
                u64::MAX,
                Response {
                    outcome: Outcome::NoResponse,
                    delay_seconds: 0,
                    heartbeats: Vec::new(),
                },
            )],
        },
    );
    mocks
}

/// What happens to the execution when `state`'s callbacks never come, as `lost` ran.
fn lost_callback(state: &State, lost: &Execution, start_ms: i64) -> Diagnostic {
    let timed_out = lost.events.iter().find_map(|e| match &e.details {
        Details::TaskTimedOut { expired, .. } if e.kind.ends_with("TimedOut") => {
            Some((e, *expired))
        }
        _ => None,
    });
    let ending = match (lost.status, &lost.error) {
        (Status::Succeeded, _) => "The execution still succeeds".to_string(),
        (Status::TimedOut, _) => format!(
            "The execution times out after {}",
            duration((lost.elapsed_seconds * 1000.0) as i64)
        ),
        (_, Some(error)) => format!(
            "The execution fails with `{error}` after {}",
            duration((lost.elapsed_seconds * 1000.0) as i64)
        ),
        _ => "The execution fails".to_string(),
    };
    let how = match timed_out {
        Some((event, _)) => {
            let (handled, _) = handling(state, &handlings(lost), event);
            format!(
                "States.Timeout after {}.{handled} ",
                duration(event.timestamp_ms - start_ms)
            )
        }
        None => String::new(),
    };
    Diagnostic {
        code: "simulation-lost-callback",
        severity: Severity::Information,
        range: state.name.range,
        message: format!("If the callback never came: {how}{ending}."),
        related: Vec::new(),
        suggestion: None,
    }
}

/// Which handler took the error of `event`, as words, with the handler's place.
/// An execution's handled errors by (state, instant): looked up once per task event.
type Handlings<'e> = std::collections::HashMap<(&'e str, i64), &'e crate::engine::Handling>;

fn handlings(execution: &Execution) -> Handlings<'_> {
    let mut by_place = Handlings::new();
    for h in &execution.handlings {
        by_place.entry((&*h.state, h.at_ms)).or_insert(h);
    }
    by_place
}

fn handling(state: &State, handlings: &Handlings<'_>, event: &Event) -> (String, Vec<Related>) {
    let Some(handling) = handlings.get(&(&*state.name.value, event.timestamp_ms)) else {
        return (String::new(), Vec::new());
    };
    let handlers = state.handlers();
    match handling.by {
        Handler::Retry { index, delay_ms } => {
            let related = handlers.and_then(|h| h.retry.get(index)).map(|r| Related {
                range: r.range,
                message: "this Retry".into(),
            });
            (
                format!(
                    " Retry #{} takes it: the next attempt after {}.",
                    index + 1,
                    duration(delay_ms)
                ),
                related.into_iter().collect(),
            )
        }
        Handler::Catch { index } => {
            let catcher = handlers.and_then(|h| h.catch.get(index));
            let next = catcher
                .and_then(|c| c.next.as_ref())
                .map(|n| n.value.to_string())
                .unwrap_or_default();
            (
                format!(" Catch #{} takes it, on to `{next}`.", index + 1),
                catcher
                    .map(|c| Related {
                        range: c.range,
                        message: "this Catch".into(),
                    })
                    .into_iter()
                    .collect(),
            )
        }
        Handler::Uncaught => (" Nothing catches it.".into(), Vec::new()),
    }
}

/// A task's own end (not the execution's, which follows while the task is the current state).
fn is_task_end(event: &Event) -> bool {
    matches!(
        event.kind,
        "TaskSucceeded"
            | "TaskFailed"
            | "ActivitySucceeded"
            | "ActivityFailed"
            | "LambdaFunctionSucceeded"
            | "LambdaFunctionFailed"
    )
}

fn task_pattern(state: &State) -> Option<Pattern> {
    match &state.kind {
        StateKind::Task(task) => Some(
            task.target
                .as_ref()
                .map_or(Pattern::RequestResponse, Resource::pattern),
        ),
        _ => None,
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One visit of a state in an execution: when it was entered and left (milliseconds from the
/// start) and with what.
#[derive(Clone, Debug)]
pub struct Visit {
    pub entered_ms: i64,
    pub input: std::sync::Arc<serde_json::Value>,
    pub left: Option<(i64, std::sync::Arc<serde_json::Value>)>,
}

/// Every visit of the state `name` in the execution, in order (a state in a Map iteration or a
/// loop is visited many times).
pub fn visits(execution: &Execution, name: &str) -> Vec<Visit> {
    let start = execution.events.first().map_or(0, |e| e.timestamp_ms);
    let mut out: Vec<Visit> = Vec::new();
    for event in &execution.events {
        match &event.details {
            Details::StateEntered { name: n, input } if &**n == name => out.push(Visit {
                entered_ms: event.timestamp_ms - start,
                input: input.clone(),
                left: None,
            }),
            Details::StateExited { name: n, output } if &**n == name => {
                if let Some(open) = out.iter_mut().rev().find(|v| v.left.is_none()) {
                    open.left = Some((event.timestamp_ms - start, output.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The execution as lines of `+offset  EventType  summary`, on the virtual clock from
/// `start_ms`. Without `full`: the state transitions, what tasks called and how they ended,
/// and the end.
pub fn timeline(execution: &Execution, start_ms: i64, full: bool) -> Vec<String> {
    // Most events share their instant with the one before: its offset is written once.
    let mut at = (i64::MIN, String::new());
    execution
        .events
        .iter()
        .filter(|event| {
            let kind = event.kind;
            full || kind.ends_with("StateEntered")
                || kind.starts_with("Execution")
                || matches!(
                    kind,
                    "TaskScheduled" | "TaskSucceeded" | "TaskFailed" | "TaskTimedOut"
                )
        })
        .map(|event| {
            if at.0 != event.timestamp_ms {
                at = (event.timestamp_ms, offset(event.timestamp_ms - start_ms));
            }
            let mut line = String::with_capacity(80);
            let _ = write!(line, "{:>18}  {:<28} ", at.1, event.kind);
            // The summary of a state's event is its name: no copy needed.
            match event.state_name() {
                Some(name) => line.push_str(name),
                None => line.push_str(&event.summary()),
            }
            line.truncate(line.trim_end().len());
            line
        })
        .collect()
}

/// `+1d 02:03:04.005` from the start: a year-long wait and a 2-second task both read well.
pub fn offset(ms: i64) -> String {
    let days = ms / 86_400_000;
    let rest = ms % 86_400_000;
    let clock = format!(
        "{:02}:{:02}:{:02}.{:03}",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    );
    if days > 0 {
        format!("+{days}d {clock}")
    } else {
        format!("+{clock}")
    }
}

/// One line on a whole run: `SUCCEEDED · 7 states · 2 h 5 min (virtual)`, or with the error.
pub fn summary(execution: &Execution) -> String {
    let states = execution.states_entered().count();
    let ended = match &execution.error {
        Some(error) => format!("{} with {error}", execution.status.as_str()),
        None => execution.status.as_str().to_string(),
    };
    // Whole milliseconds of virtual time.
    #[allow(clippy::cast_possible_truncation)]
    let elapsed = duration((execution.elapsed_seconds * 1000.0).round() as i64);
    format!(
        "{ended} · {} entered · {elapsed} (virtual)",
        crate::diagnostic::count(states, "state")
    )
}

/// `90 s`, `1.500 s`, `10 min`, `11 min 40 s`, `90 min`, `24 h 30 s`, `358 d 19 h 6 min 40 s`: virtual
/// durations as people say them, exact to the second (to the millisecond under two minutes).
pub fn duration(ms: i64) -> String {
    if ms < 120_000 {
        let s = ms as f64 / 1000.0;
        return if s.fract() == 0.0 {
            format!("{s} s")
        } else {
            format!("{s:.3} s")
        };
    }
    // The largest unit is minutes under two hours, hours under two days (`90 min`, `24 h`).
    let seconds = (ms + 500) / 1000;
    let (days, hours, minutes) = match seconds {
        s if s < 7200 => (0, 0, s / 60),
        s if s < 172_800 => (0, s / 3600, s / 60 % 60),
        s => (s / 86_400, s / 3600 % 24, s / 60 % 60),
    };
    let parts = [
        (days, "d"),
        (hours, "h"),
        (minutes, "min"),
        (seconds % 60, "s"),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    said.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Format;
    use crate::{check, CheckOptions};

    /// Callbacks answered after a delay inside a Map (two at a time, retried on a timeout) and
    /// a Parallel branch that waits first: the forks start from a paused Map and Parallel.
    const SIDE_BY_SIDE: &str = r#"{"StartAt": "Settle", "States": {
        "Settle": {"Type": "Wait", "Seconds": 5, "Next": "Each"},
        "Each": {"Type": "Map", "MaxConcurrency": 2, "Next": "Both",
            "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "HeartbeatSeconds": 30, "TimeoutSeconds": 60,
                "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1, "IntervalSeconds": 7}],
                "End": true}}}},
        "Both": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Pause", "States": {
                "Pause": {"Type": "Wait", "Seconds": 3, "Next": "Confirm"},
                "Confirm": {"Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                    "TimeoutSeconds": 100,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gave up"}],
                    "End": true},
                "Gave up": {"Type": "Pass", "End": true}}},
            {"StartAt": "Note", "States": {"Note": {"Type": "Pass", "End": true}}}]}}}"#;

    const SIDE_BY_SIDE_MOCKS: &str = r#"{
        "StateMachines": {"side": {"TestCases": {"Answered": {
            "Ask": "AfterTwentySeconds", "Confirm": "AfterFiveSeconds"}}}},
        "MockedResponses": {
            "AfterTwentySeconds": {"0-9": {"Return": {"ok": 1}, "DelaySeconds": 20, "Heartbeats": [10]}},
            "AfterFiveSeconds": {"0-9": {"Return": {"ok": 2}, "DelaySeconds": 5}}}}"#;

    /// Every lost callback of `text` run with each test case of `mocks` (and none): the forked
    /// execution reports what a fresh run with the lost mocks does, and has its events, handled
    /// errors and outcome. Only random values may differ: an uninterrupted run draws each Map
    /// iteration's tokens child by child, a resumed one instant by instant, as every paused
    /// execution does (`engine::resume`). The number of forks compared, and of those that went
    /// on from a paused prefix.
    fn forks_equal_fresh_runs(text: &str, format: Format, mocks: Option<&str>) -> (usize, usize) {
        let checked = check(text, format, CheckOptions::default());
        let config: Option<serde_json::Value> =
            mocks.map(|m| serde_json::from_str(m).expect("mock file"));
        let mut cases = vec![None];
        for (machine, names) in config
            .as_ref()
            .map(crate::mocks::state_machines)
            .unwrap_or_default()
        {
            for name in names {
                let config = config.as_ref().expect("a mock file");
                cases.push(Some(
                    crate::mocks::test_case(config, &machine, &name).expect("case"),
                ));
            }
        }
        let (mut compared, mut paused) = (0, 0);
        for mocks in cases {
            let options = RunOptions {
                mocks,
                input: serde_json::json!([1, 2, 3]).into(),
                ..RunOptions::default()
            };
            let execution = run(&checked.tree, &checked.machine, &options);
            for (state, forked) in
                lost_executions(&checked.tree, &checked.machine, &options, &execution)
            {
                let name = &*state.name.value;
                let fresh = run(
                    &checked.tree,
                    &checked.machine,
                    &RunOptions {
                        mocks: Some(lost_mocks(&options, name)),
                        ..options.clone()
                    },
                );
                let report = |e: &Execution| lost_callback(state, e, options.start_time_ms);
                assert_eq!(report(&forked), report(&fresh), "{name}");
                // The same events at the same instants in the same lanes (the tokens inside
                // may differ: see above).
                let shape = |e: &Execution| -> Vec<(i64, &str, u32)> {
                    (e.events.iter())
                        .map(|e| (e.timestamp_ms, e.kind, e.lane))
                        .collect()
                };
                assert_eq!(shape(&forked), shape(&fresh), "{name}");
                // Recorded as each child ran: in time order, the same.
                let handled = |e: &Execution| {
                    let mut handled = e.handlings.clone();
                    handled.sort_by_key(|h| h.at_ms);
                    handled
                };
                assert_eq!(handled(&forked), handled(&fresh), "{name}");
                assert_eq!(forked.tokens.len(), fresh.tokens.len(), "{name}");
                assert_eq!(
                    (
                        forked.status,
                        &forked.error,
                        &forked.cause,
                        forked.elapsed_seconds
                    ),
                    (
                        fresh.status,
                        &fresh.error,
                        &fresh.cause,
                        fresh.elapsed_seconds
                    ),
                    "{name}"
                );
                compared += 1;
                let first = execution.tokens.iter().filter(|t| t.state == name);
                if first.map(|t| t.issued_ms).min() > Some(options.start_time_ms) {
                    paused += 1;
                }
            }
        }
        (compared, paused)
    }

    #[test]
    fn a_lost_callback_forked_at_the_pause_is_the_fresh_run_with_the_callback_lost() {
        let (compared, paused) =
            forks_equal_fresh_runs(SIDE_BY_SIDE, Format::Json, Some(SIDE_BY_SIDE_MOCKS));
        // Ask and Confirm, both after a wait.
        assert_eq!((compared, paused), (2, 2));
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/");
        let (mut compared, mut examples) = (0, 0);
        for entry in std::fs::read_dir(root).expect("examples") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let Some(stem) = name
                .strip_suffix(".asl.json")
                .or(name.strip_suffix(".asl.yaml"))
            else {
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("example");
            let mocks = std::fs::read_to_string(format!("{root}{stem}.mocks.json")).ok();
            let format = Format::from_path(name);
            compared += forks_equal_fresh_runs(&text, format, mocks.as_deref()).0;
            examples += 1;
        }
        assert!(
            examples >= 5 && compared >= 3,
            "{examples} examples, {compared} forks"
        );
    }
}
