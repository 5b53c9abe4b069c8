//! The engine on arbitrary definitions and inputs (the first line of the data is the input):
//! what checks clean is run, bounded by the history limit.
#![no_main]
use asl_sim::engine::{run, RunOptions};
use asl_sim::syntax::Format;
use asl_sim::{check, CheckOptions, Severity};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (input, definition) = text.split_once('\n').unwrap_or(("{}", &text));
    let Ok(input) = serde_json::from_str::<serde_json::Value>(input) else {
        return;
    };
    let checked = check(definition, Format::Json, CheckOptions::default());
    if checked.diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return;
    }
    let options = RunOptions {
        input: input.into(),
        // Smaller than AWS's 25,000 so that each input stays fast; the limit is the same code.
        max_history_events: 2_000,
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    let _ = asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
});
