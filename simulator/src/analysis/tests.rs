use super::{check_on_threads, CheckOptions};
use crate::syntax::{self, Format};

/// A large machine with something to report in many of its states, spread over the whole
/// document: unknown fields, bad paths, variables assigned in one state and read in a later
/// one (or never assigned), Parallel branches and Map processors with scopes of their own.
fn large_machine_with_problems(states: usize) -> String {
    let mut out = serde_json::Map::new();
    for i in 0..states {
        let next = format!("S{}", i + 1);
        let state = match i % 6 {
            0 => serde_json::json!({
                "Type": "Pass", "QueryLanguage": "JSONata",
                "Assign": { format!("v{i}"): 1 }, "Next": next
            }),
            1 => serde_json::json!({
                "Type": "Pass", "QueryLanguage": "JSONata",
                "Output": format!("{{% $v{} + $never{i} + $late %}}", i - 1), "Next": next
            }),
            2 => serde_json::json!({
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "InputPath": "$..[", "Unknown": true, "Next": next
            }),
            3 => serde_json::json!({
                "Type": "Parallel", "QueryLanguage": "JSONata", "Next": next,
                "Branches": [{
                    "StartAt": "B", "States": {
                        "B": {
                            "Type": "Pass", "Assign": { format!("inner{i}"): 1 },
                            "Output": "{% $v0 + $nowhere %}", "Next": "C"
                        },
                        // A scope in a scope: it sees its branch's variables.
                        "C": {
                            "Type": "Parallel", "End": true,
                            "Branches": [{ "StartAt": "D", "States": { "D": {
                                "Type": "Pass", "End": true,
                                "Output": format!("{{% $inner{i} + $inner{} %}}", i + 6)
                            }}}]
                        }
                    }
                }]
            }),
            4 => serde_json::json!({
                "Type": "Map", "QueryLanguage": "JSONata", "Next": next,
                "ItemProcessor": {
                    "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                    "StartAt": "M", "States": { "M": { "Type": "Pass", "End": true, "Result.$": "$.x" } }
                }
            }),
            _ => serde_json::json!({ "Type": "Wait", "Seconds": -1, "Next": next }),
        };
        out.insert(format!("S{i}"), state);
    }
    out.insert(
        format!("S{states}"),
        serde_json::json!({ "Type": "Pass", "QueryLanguage": "JSONata", "Assign": { "late": 1 }, "End": true }),
    );
    let machine = serde_json::json!({ "StartAt": "S0", "States": out, "Unknown": 1 });
    serde_json::to_string_pretty(&machine).expect("serialisable")
}

#[test]
fn checking_on_two_threads_finds_what_one_thread_finds() {
    let text = large_machine_with_problems(1500);
    assert!(crate::threads::worth_two(text.len()));
    let check = |share| {
        let parse = syntax::parse(&text, Format::Json);
        check_on_threads(&text, parse, CheckOptions::default(), share)
    };
    let one = check(false);
    let codes = |d: &[crate::Diagnostic]| {
        let mut codes: Vec<_> = d.iter().map(|d| d.code).collect();
        codes.dedup();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    // The machine has problems of many kinds, variables among them.
    let found = codes(&one.diagnostics);
    for code in ["undefined-variable", "unknown-field", "invalid-path"] {
        assert!(found.contains(&code), "{code} not in {found:?}");
    }
    assert!(one.diagnostics.len() > 1500, "{}", one.diagnostics.len());
    for _ in 0..5 {
        assert_eq!(check(true).diagnostics, one.diagnostics);
    }
    // On a pool of one thread, the model's thread runs after the walk took every state.
    let pool = rayon_core::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    assert_eq!(pool.install(|| check(true)).diagnostics, one.diagnostics);
}

#[test]
fn a_repeated_jsonata_expression_is_checked_at_each_place() {
    // Parsed once when valid; its variables and any error still count at every place.
    let text = r#"{
  "QueryLanguage": "JSONata", "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "Output": "{% $x + 1 %}", "Next": "B" },
    "B": { "Type": "Pass", "Output": "{% $x + 1 %}", "Next": "C" },
    "C": { "Type": "Pass", "Output": "{% $states.input + %}", "Next": "D" },
    "D": { "Type": "Pass", "Output": "{% $states.input + %}", "End": true }
  }
}"#;
    let checked = crate::check(text, Format::Json, CheckOptions::default());
    let count = |code: &str| {
        checked
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .count()
    };
    assert_eq!(count("undefined-variable"), 2, "{:?}", checked.diagnostics);
    assert_eq!(count("jsonata-syntax"), 2, "{:?}", checked.diagnostics);
}
