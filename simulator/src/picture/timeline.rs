//! The execution as a Gantt timeline on the virtual clock: a row per state visit, indented by
//! nesting, token waits and job runs marked, failures and timeouts in red. The time axis is
//! logarithmic in each gap between events, with a break drawn in every gap over an hour, so a
//! year-long wait and a two-second task are both legible.

use std::fmt::Write as _;

use crate::engine::{Details, Execution};
use crate::model::StateMachine;

const LEFT: f64 = 220.0;
const ROW: f64 = 22.0;
/// The rows start under the title, the legend and the band of the axis breaks' labels.
const TOP: f64 = 70.0;

/// One visit of a state: when it was entered and left (ms from the start), its depth, and
/// what marks it carries.
struct Visit {
    name: String,
    /// The name, with the Map iteration's index when it runs in one (`Ship #2`).
    label: String,
    depth: usize,
    entered: i64,
    left: Option<i64>,
    /// From TaskSubmitted (a job runs or a token is awaited) to the task's end.
    waiting_from: Option<i64>,
    failed_at: Option<(i64, String)>,
}

fn depths(machine: &StateMachine) -> std::collections::HashMap<String, usize> {
    let mut out = std::collections::HashMap::new();
    let mut stack = vec![(machine, 0)];
    while let Some((m, depth)) = stack.pop() {
        for state in &m.states {
            out.insert(state.name.value.to_string(), depth);
            match &state.kind {
                crate::model::StateKind::Parallel(p) => {
                    stack.extend(p.branches.iter().map(|b| (b, depth + 1)));
                }
                crate::model::StateKind::Map(map) => {
                    stack.extend(map.processor.iter().map(|p| (p, depth + 1)));
                }
                _ => {}
            }
        }
    }
    out
}

/// Every state visit in the order entered. Concurrent children (Parallel branches, Map
/// iterations) interleave in the history and may be in the same state at once: an exit closes
/// the visit open in its own lane, and a task's events mark the visit of their lane.
fn visits(
    execution: &Execution,
    start: i64,
    depth_of: &std::collections::HashMap<String, usize>,
) -> Vec<Visit> {
    let mut visits: Vec<Visit> = Vec::new();
    let mut open: std::collections::HashMap<(u32, &str), usize> = std::collections::HashMap::new();
    // The visit each lane is in now, and the Map iteration a lane runs (`#index`).
    let mut current: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut iteration: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for event in &execution.events {
        let at = event.timestamp_ms - start;
        match &event.details {
            Details::MapIteration { index, .. } if event.kind == "MapIterationStarted" => {
                iteration.insert(event.lane, *index);
            }
            Details::StateEntered { name, .. } => {
                let label = match iteration.get(&event.lane) {
                    Some(index) => format!("{name} #{index}"),
                    None => name.to_string(),
                };
                visits.push(Visit {
                    name: name.to_string(),
                    label,
                    depth: depth_of.get(&**name).copied().unwrap_or(0),
                    entered: at,
                    left: None,
                    waiting_from: None,
                    failed_at: None,
                });
                open.insert((event.lane, name), visits.len() - 1);
                current.insert(event.lane, visits.len() - 1);
            }
            Details::StateExited { name, .. } => {
                if let Some(i) = open.remove(&(event.lane, &**name)) {
                    visits[i].left = Some(at);
                }
            }
            _ => {
                let Some(&i) = current.get(&event.lane) else {
                    continue;
                };
                match event.kind {
                    "TaskSubmitted" => visits[i].waiting_from = Some(at),
                    "TaskFailed" | "TaskTimedOut" | "ExecutionFailed" | "ExecutionTimedOut" => {
                        let what = match &event.details {
                            Details::Error { error, .. } => error.clone(),
                            _ if event.kind.ends_with("TimedOut") => "States.Timeout".to_string(),
                            _ => event.kind.to_string(),
                        };
                        if visits[i].failed_at.is_none() {
                            visits[i].failed_at = Some((at, what));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    visits
}

/// The time axis: each distinct instant, gaps sized by log2(1 + seconds).
struct Axis {
    instants: Vec<i64>,
    xs: Vec<f64>,
    /// Instants of history events (heartbeats are ticks without a label).
    labelled: std::collections::HashSet<i64>,
}

impl Axis {
    fn new(execution: &Execution, start: i64, beats: &[(&str, i64, i64)]) -> Axis {
        let labelled: std::collections::HashSet<i64> = execution
            .events
            .iter()
            .map(|e| e.timestamp_ms - start)
            .collect();
        let mut instants: Vec<i64> = labelled
            .iter()
            .copied()
            .chain(beats.iter().map(|b| b.2))
            .collect();
        instants.sort_unstable();
        instants.dedup();
        let mut xs = Vec::with_capacity(instants.len());
        let mut x = LEFT + 10.0;
        for (k, &t) in instants.iter().enumerate() {
            if k > 0 {
                let gap_s = (t - instants[k - 1]) as f64 / 1000.0;
                x += 14.0 + 28.0 * (1.0 + gap_s).log2();
            }
            xs.push(x);
        }
        Axis {
            instants,
            xs,
            labelled,
        }
    }

    fn x_of(&self, t: i64) -> f64 {
        let k = self
            .instants
            .partition_point(|&i| i < t)
            .min(self.instants.len().saturating_sub(1));
        self.xs.get(k).copied().unwrap_or(LEFT + 10.0)
    }

    fn right(&self) -> f64 {
        self.xs.last().copied().unwrap_or(LEFT + 10.0)
    }
}

/// Approximate widths of the timeline's texts (Helvetica / Arial), generous.
fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().count() as f64 * font_size * 0.56
}

/// The SVG timeline of an execution of `machine`.
pub fn to_svg(machine: &StateMachine, execution: &Execution) -> String {
    let start = execution.events.first().map_or(0, |e| e.timestamp_ms);
    let end = execution.events.last().map_or(start, |e| e.timestamp_ms) - start;
    let visits = visits(execution, start, &depths(machine));
    // Heartbeats are not history events; they go on the axis too, unlabelled.
    let beats: Vec<(&str, i64, i64)> = execution
        .tokens
        .iter()
        .flat_map(|t| {
            t.heartbeats_ms
                .iter()
                .map(move |b| (t.state.as_str(), t.issued_ms - start, b - start))
        })
        .collect();
    let axis = Axis::new(execution, start, &beats);
    // Room on the right for the last tick's label and a failure's name.
    let widest_failure = visits
        .iter()
        .filter_map(|v| v.failed_at.as_ref())
        .map(|(_, what)| text_width(what, 10.0) + 8.0)
        .fold(60.0, f64::max);
    let width = (axis.right() + widest_failure.max(48.0) + 12.0).max(LEFT + 560.0);
    let height = TOP + ROW * visits.len() as f64 + 44.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Helvetica, Arial, sans-serif" font-size="11">"#
    );
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        out,
        r##"<text x="10" y="18" font-size="12" font-weight="bold" fill="#202124">{} · {} (virtual)</text>"##,
        execution.status.as_str(),
        crate::simulation::duration(end)
    );
    // The legend on a line of its own, under the title: nothing else is drawn there.
    let legend = [
        ("#8ab4f8", "in the state"),
        ("#fdd663", "waiting for a callback or a job"),
        ("#188038", "heartbeat"),
        ("#f28b82", "failed or timed out"),
    ];
    let mut lx = 10.0;
    for (color, what) in legend {
        let _ = writeln!(
            out,
            r##"<rect x="{lx:.1}" y="26" width="10" height="10" rx="2" fill="{color}"/><text x="{:.1}" y="35" font-size="10" fill="#5f6368">{what}</text>"##,
            lx + 14.0
        );
        lx += 14.0 + text_width(what, 10.0) * 0.93 + 16.0;
    }
    draw_axis(&mut out, &axis, height);
    for (row, visit) in visits.iter().enumerate() {
        draw_row(&mut out, &axis, visit, TOP + ROW * row as f64, end, width);
    }
    // Each heartbeat on the row of the task that waited for it.
    for (state, issued, at) in &beats {
        let row = visits.iter().position(|v| {
            v.name == *state && v.entered <= *issued && v.left.is_none_or(|l| l >= *at)
        });
        if let Some(row) = row {
            let (bx, y) = (axis.x_of(*at), TOP + ROW * row as f64);
            let _ = writeln!(
                out,
                r##"<line x1="{bx:.1}" y1="{:.1}" x2="{bx:.1}" y2="{:.1}" stroke="#188038" stroke-width="2"><title>heartbeat at {}</title></line>"##,
                y + 2.0,
                y + ROW - 2.0,
                crate::simulation::offset(*at)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A tick per instant, labelled on one of two lines below the rows where the label fits (a
/// label that would touch its neighbours on both lines is left out: its tick stays); a break
/// in each gap over an hour, labelled with the gap, in the band between the legend and the
/// rows.
fn draw_axis(out: &mut String, axis: &Axis, height: f64) {
    // The right end of the last label on each line.
    let mut line_ends = [f64::MIN; 2];
    for (k, &t) in axis.instants.iter().enumerate() {
        let x = axis.xs[k];
        let _ = writeln!(
            out,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#e8eaed"/>"##,
            TOP - 6.0,
            height - 34.0
        );
        if axis.labelled.contains(&t) {
            let label = crate::simulation::offset(t);
            let half = text_width(&label, 9.0) / 2.0;
            if let Some(line) = (0..2).find(|&l| line_ends[l] + 6.0 < x - half) {
                line_ends[line] = x + half;
                let _ = writeln!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" font-size="9" fill="#5f6368" text-anchor="middle">{label}</text>"##,
                    height - 22.0 + 12.0 * line as f64
                );
            }
        }
        if k > 0 && t - axis.instants[k - 1] > 3_600_000 {
            let mid = f64::midpoint(axis.xs[k - 1], x);
            let _ = writeln!(
                out,
                r##"<path d="M{:.1},{:.1}l6,-6l6,12l6,-6" fill="none" stroke="#9aa0a6"/><text x="{mid:.1}" y="{:.1}" font-size="9" fill="#5f6368" text-anchor="middle">{}</text>"##,
                mid - 9.0,
                TOP - 14.0,
                TOP - 23.0,
                crate::simulation::duration(t - axis.instants[k - 1])
            );
        }
    }
}

/// One visit's row: its name (cut to fit beside the bars), its bar, the wait inside it and
/// where it failed.
fn draw_row(out: &mut String, axis: &Axis, visit: &Visit, y: f64, end: i64, width: f64) {
    let indent = 10.0 + 14.0 * visit.depth as f64;
    let room = ((LEFT - indent) / (11.0 * 0.56)).max(4.0) as usize;
    let name = if visit.label.chars().count() > room {
        let cut: String = visit.label.chars().take(room - 1).collect();
        format!("{cut}…")
    } else {
        visit.label.clone()
    };
    let _ = writeln!(
        out,
        r##"<text x="{indent:.1}" y="{:.1}" fill="#202124">{}</text>"##,
        y + 14.0,
        escape(&name)
    );
    let x1 = axis.x_of(visit.entered);
    let x2 = axis
        .x_of(
            visit
                .left
                .or(visit.failed_at.as_ref().map(|f| f.0))
                .unwrap_or(end),
        )
        .max(x1 + 3.0);
    let color = if visit.failed_at.is_some() {
        "#f28b82"
    } else {
        "#8ab4f8"
    };
    let _ = writeln!(
        out,
        r#"<rect x="{x1:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="{color}"/>"#,
        y + 4.0,
        x2 - x1,
        ROW - 8.0
    );
    if let Some(from) = visit.waiting_from {
        let wx = axis.x_of(from);
        if x2 > wx {
            // Waiting: for a callback (a token) or for a job to end.
            let _ = writeln!(
                out,
                r##"<rect x="{wx:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#fdd663" opacity="0.85"/>"##,
                y + 8.0,
                x2 - wx,
                ROW - 16.0
            );
        }
    }
    if let Some((at, what)) = &visit.failed_at {
        let fx = axis.x_of(*at);
        // Right of the mark, or left of it when the picture ends first.
        let (tx, anchor) = if fx + 4.0 + text_width(what, 10.0) < width - 4.0 {
            (fx + 4.0, "start")
        } else {
            (fx - 4.0, "end")
        };
        let _ = writeln!(
            out,
            r##"<line x1="{fx:.1}" y1="{:.1}" x2="{fx:.1}" y2="{:.1}" stroke="#c5221f" stroke-width="2"/><text x="{tx:.1}" y="{:.1}" font-size="10" fill="#c5221f" text-anchor="{anchor}">{}</text>"##,
            y + 2.0,
            y + ROW - 2.0,
            y + 14.0,
            escape(what)
        );
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use crate::engine::{run, RunOptions};
    use crate::syntax::Format;
    use crate::{check, CheckOptions};

    #[test]
    fn heartbeats_are_marked_on_their_task() {
        let text = r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}},
            "HeartbeatSeconds": 600, "End": true}}}"#;
        let checked = check(text, Format::Json, CheckOptions::default());
        let mocks: serde_json::Value = serde_json::json!({
            "StateMachines": {"m": {"TestCases": {"T": {"Wait": "Beats"}}}},
            "MockedResponses": {"Beats": {"0": {"NoResponse": true, "Heartbeats": [300, 700]}}}});
        let options = RunOptions {
            mocks: Some(crate::mocks::test_case(&mocks, "m", "T").expect("a test case")),
            ..RunOptions::default()
        };
        let execution = run(&checked.tree, &checked.machine, &options);
        assert_eq!(execution.tokens[0].heartbeats_ms.len(), 2);
        let svg = super::to_svg(&checked.machine, &execution);
        assert!(svg.contains("heartbeat at +00:05:00.000"), "{svg}");
        assert!(svg.contains("heartbeat at +00:11:40.000"), "{svg}");
    }

    /// Map iterations run two at a time and a Parallel's branches side by side: every row runs
    /// from its own visit's entry to its own exit (the history interleaves them).
    #[test]
    fn concurrent_iterations_and_branches_each_span_their_own_visit() {
        let text = r#"{"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true,
            "Branches": [
              {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
                "MaxConcurrency": 2, "End": true,
                "ItemProcessor": {"StartAt": "Work", "States": {
                  "Work": {"Type": "Wait", "SecondsPath": "$.s", "Next": "Done"},
                  "Done": {"Type": "Pass", "End": true}}}}}},
              {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 6, "Next": "After"},
                "After": {"Type": "Wait", "Seconds": 2, "End": true}}}]}}}"#;
        let checked = check(text, Format::Json, CheckOptions::default());
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        let options = RunOptions {
            input: std::sync::Arc::new(
                serde_json::json!({"items": [{"s": 5}, {"s": 3}, {"s": 4}]}),
            ),
            ..RunOptions::default()
        };
        let execution = run(&checked.tree, &checked.machine, &options);
        assert_eq!(execution.status, crate::engine::Status::Succeeded);
        let start = execution.events[0].timestamp_ms;
        let rows: Vec<(String, i64, Option<i64>)> =
            super::visits(&execution, start, &super::depths(&checked.machine))
                .into_iter()
                .map(|v| (v.label, v.entered, v.left))
                .collect();
        let mut rows_sorted = rows.clone();
        rows_sorted.sort();
        let expected = [
            ("After", 6_000, 8_000),
            ("Both", 0, 8_000),
            ("Done #0", 5_000, 5_000),
            ("Done #1", 3_000, 3_000),
            ("Done #2", 7_000, 7_000),
            ("Each", 0, 7_000),
            ("Slow", 0, 6_000),
            ("Work #0", 0, 5_000),
            ("Work #1", 0, 3_000),
            // Starts when the second iteration frees its slot.
            ("Work #2", 3_000, 7_000),
        ];
        let expected: Vec<(String, i64, Option<i64>)> = expected
            .iter()
            .map(|(name, entered, left)| ((*name).to_string(), *entered, Some(*left)))
            .collect();
        assert_eq!(rows_sorted, expected, "rows in the order entered: {rows:?}");
        // Drawn: the first iteration's bar ends at the 5 s tick, not at the Map's end.
        let svg = super::to_svg(&checked.machine, &execution);
        let bar = |label: &str| -> (f64, f64) {
            let row = svg
                .split('\n')
                .position(|line| line.contains(&format!(">{label}<")))
                .expect(label);
            let rect = svg.split('\n').nth(row + 1).expect("the row's bar");
            let number = |key: &str| -> f64 {
                rect.split(&format!(" {key}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .and_then(|n| n.parse().ok())
                    .expect(key)
            };
            (number("x"), number("x") + number("width"))
        };
        let tick = |label: &str| -> f64 {
            let line = svg
                .lines()
                .find(|l| l.ends_with(&format!(">{label}</text>")))
                .expect(label);
            line.split(" x=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|n| n.parse().ok())
                .expect("x")
        };
        let (x0, x5, x7) = (
            tick("+00:00:00.000"),
            tick("+00:00:05.000"),
            tick("+00:00:07.000"),
        );
        let (from, to) = bar("Work #0");
        assert!(
            (from - x0).abs() < 0.2 && (to - x5).abs() < 0.2,
            "{from}-{to} vs {x0}, {x5}"
        );
        let (from, to) = bar("Each");
        assert!(
            (from - x0).abs() < 0.2 && (to - x7).abs() < 0.2,
            "{from}-{to} vs {x0}, {x7}"
        );
    }

    /// The issue's case: MaxConcurrency 2 over three five-second items. The first two run
    /// 0–5 s, the third 5–10 s, and the first is not drawn to the Map's end.
    #[test]
    fn two_slots_over_three_five_second_items() {
        let text = r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 2,
            "ItemProcessor": {"StartAt": "Work", "States": {
              "Work": {"Type": "Wait", "Seconds": 5, "End": true}}}, "End": true}}}"#;
        let checked = check(text, Format::Json, CheckOptions::default());
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        let options = RunOptions {
            input: std::sync::Arc::new(serde_json::json!([1, 2, 3])),
            ..RunOptions::default()
        };
        let execution = run(&checked.tree, &checked.machine, &options);
        let start = execution.events[0].timestamp_ms;
        let rows: Vec<(String, i64, Option<i64>)> =
            super::visits(&execution, start, &super::depths(&checked.machine))
                .into_iter()
                .map(|v| (v.label, v.entered, v.left))
                .collect();
        let row = |label: &str, entered: i64, left: i64| (label.to_string(), entered, Some(left));
        assert_eq!(
            rows,
            [
                row("Each", 0, 10_000),
                row("Work #0", 0, 5_000),
                row("Work #1", 0, 5_000),
                row("Work #2", 5_000, 10_000),
            ]
        );
        let svg = super::to_svg(&checked.machine, &execution);
        assert!(svg.contains("SUCCEEDED · 10 s (virtual)"), "{svg}");
    }

    #[test]
    fn durations_are_exact_to_the_second() {
        let said: Vec<String> = [
            1_500, 90_000, 600_000, 700_000, 5_400_000, 86_400_000, 90_061_000,
        ]
        .into_iter()
        .map(crate::simulation::duration)
        .collect();
        assert_eq!(
            said,
            [
                "1.500 s",
                "90 s",
                "10 min",
                "11 min 40 s",
                "90 min",
                "24 h",
                "25 h 1 min 1 s"
            ]
        );
    }

    #[test]
    fn a_year_and_a_task_share_one_legible_axis() {
        let text = r#"{"StartAt": "Quick", "States": {
            "Quick": {"Type": "Wait", "Seconds": 2, "Next": "Year"},
            "Year": {"Type": "Wait", "Seconds": 31000000, "Next": "Fail"},
            "Fail": {"Type": "Fail", "Error": "Done.Badly"}}}"#;
        let checked = check(text, Format::Json, CheckOptions::default());
        let execution = run(&checked.tree, &checked.machine, &RunOptions::default());
        let svg = super::to_svg(&checked.machine, &execution);
        assert!(svg.starts_with("<svg"));
        // Three rows, the year's gap broken and labelled, the failure in red.
        assert_eq!(svg.matches(r#"rx="3""#).count(), 3);
        assert!(svg.contains(">358 d 19 h 6 min 40 s<"), "{svg}");
        assert!(svg.contains("Done.Badly"), "{svg}");
        // The 2-second wait is drawn wide enough to see.
        let widths: Vec<f64> = svg
            .split(r#"rx="3""#)
            .filter_map(|part| part.rsplit("width=\"").next())
            .filter_map(|w| w.split('"').next()?.parse().ok())
            .collect();
        assert!(widths.first().is_some_and(|w| *w > 30.0), "{widths:?}");
    }
}
