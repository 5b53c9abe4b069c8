#![allow(clippy::print_stdout)] // the conformance tests report their pass counts

//! `asl-sim mocks init` on the definitions AWS ran (`service_free` + `mocked`): how many get a
//! HappyPath test case that SUCCEEDS, its minimal answers holding what the later states read,
//! (1) those with a Task, each with its recorded input, (2) all of them without an input (mocks
//! init writes one). The figures are in `tests/conformance/counts.txt`; a change fails.
//! `ASL_SHOW_FAILURES=1` prints each one that does not succeed, with its error.

use asl_e2e::recorded::{definition_text, execution_input};
use asl_e2e::{corpus, counts, shared_present};
use asl_sim::model::StateKind;
use asl_sim::syntax::Format;
use asl_sim::test_cases::RunSettings;
use serde_json::Value;

/// The HappyPath's recorded Status and Error, or `None` for a definition without a Task when
/// `recorded_input`.
fn happy_path(case: &Value, recorded_input: bool) -> Option<(String, String)> {
    let text = definition_text(&case["definition"]);
    let checked = asl_sim::check(&text, Format::Json, asl_sim::CheckOptions::default());
    let has_task = checked
        .machine
        .all_states()
        .iter()
        .any(|s| matches!(s.kind, StateKind::Task(_)));
    if recorded_input && !has_task {
        return None;
    }
    let input = recorded_input.then(|| execution_input(case));
    let config = asl_sim::mock_init::init(
        &checked.tree,
        &checked.machine,
        "SM",
        input.as_ref(),
        &RunSettings::default(),
    );
    let expected = &config["StateMachines"]["SM"]["Expectations"]["HappyPath"];
    Some((
        expected["Status"].as_str().unwrap_or("not run").to_string(),
        expected["Error"].as_str().unwrap_or_default().to_string(),
    ))
}

#[test]
fn generated_happy_paths_of_the_definitions_aws_ran() {
    if !shared_present("generated_happy_paths_of_the_definitions_aws_ran") {
        return;
    }
    let mut files = corpus("conformance/localstack/service_free");
    files.extend(corpus("conformance/localstack/mocked"));
    let show = std::env::var_os("ASL_SHOW_FAILURES").is_some();
    let cases: Vec<Value> = files
        .iter()
        .map(|path| {
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
        })
        .collect();
    let tally = |recorded_input: bool| {
        let (mut counted, mut succeeded) = (0, 0);
        for (case, path) in cases.iter().zip(&files) {
            let outcome = std::panic::catch_unwind(|| happy_path(case, recorded_input))
                .unwrap_or_else(|_| Some(("panicked".into(), String::new())));
            let Some((status, error)) = outcome else {
                continue;
            };
            counted += 1;
            if status == "SUCCEEDED" {
                succeeded += 1;
            } else if show {
                let input = if recorded_input {
                    "recorded"
                } else {
                    "written"
                };
                println!("{status} {error} ({input} input): {}", path.display());
            }
        }
        (succeeded, counted)
    };
    let (with_tasks_succeeded, with_tasks) = tally(true);
    let (all_succeeded, all) = tally(false);
    let figure = format!(
        "{with_tasks_succeeded} of {with_tasks} with a Task and their recorded input succeed; \
         {all_succeeded} of {all} with the input mocks init writes"
    );
    println!("mocks init HappyPath: {figure}");
    counts::record(
        "`mocks init`'s HappyPath on the definitions AWS ran",
        &figure,
    );
}
