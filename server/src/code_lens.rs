//! textDocument/codeLens: on `StartAt`, one lens per simulated run with its summary (status,
//! states entered, virtual duration) and, for a test case, whether it did what the case
//! expects; clicking it runs `asl.simulate` for that run.

use serde_json::json;
use tower_lsp_server::ls_types::{CodeLens, Command, Uri};

use crate::diagnostics::Analysis;
use crate::document::Snapshot;

pub fn lenses(uri: &Uri, doc: &Snapshot, analysis: &Analysis) -> Vec<CodeLens> {
    // Where StartAt is in the text as it is now (the analysis may be a version behind).
    let Some(start_at) = doc.parse().tree.root().member("StartAt") else {
        return Vec::new();
    };
    let range = doc.range(start_at.key.range);
    if analysis.runs.is_empty() {
        let errors = analysis
            .checked
            .diagnostics
            .iter()
            .filter(|d| asl_sim::analysis::code_rule(d.code).is_some_and(|r| r.stops_run))
            .count();
        let (title, command) = if errors > 0 {
            (
                format!(
                    "Not simulated: {errors} error{} to fix first",
                    if errors == 1 { "" } else { "s" }
                ),
                String::new(),
            )
        } else {
            // asl.simulateOnChange is off: a click simulates.
            (
                "▶ Simulate".to_string(),
                crate::commands::SIMULATE.to_string(),
            )
        };
        return vec![CodeLens {
            range,
            command: Some(Command::new(
                title,
                command,
                Some(vec![json!({"uri": uri.as_str()})]),
            )),
            data: None,
        }];
    }
    analysis
        .runs
        .iter()
        .map(|run| {
            let summary = asl_sim::simulation::summary(&run.execution);
            let title = match (&run.test_case, &run.problems) {
                (Some(case), Some(problems)) if problems.is_empty() => {
                    format!("▶ {case} ✓ as expected: {summary}")
                }
                (Some(case), Some(problems)) => {
                    format!("▶ {case} ✗ {}: {summary}", problems.join("; "))
                }
                _ => format!("▶ Simulated with {{}} as input (no test case): {summary}"),
            };
            CodeLens {
                range,
                command: Some(Command::new(
                    title,
                    crate::commands::SIMULATE.into(),
                    Some(vec![
                        json!({"uri": uri.as_str(), "testCase": run.test_case}),
                    ]),
                )),
                data: None,
            }
        })
        .collect()
}
