//! `asl-sim graph DEFINITION`: the state machine as a picture (SVG, DOT or Mermaid), with the
//! simulated path when asked for (`--simulate`, or a test case of a mock file).

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::{run, RunOptions};
use asl_sim::picture::{dot, graph, svg};

use crate::mock_file::definition_name;
use crate::render;
use crate::run::load_mocks;
use crate::Outcome;

pub const AFTER_HELP: &str = "\
Draws the states (Parallel and Map nested), transitions, Choice rules and Catches; simulated
(--simulate, or a test case), the path taken, visits and what happened.
Exit status: 0 drawn, 2 usage or I/O problem, or a definition with errors asked to simulate.";

#[derive(clap::Args)]
pub struct Args {
    /// The definition to draw: a file, or FILE#NAME for a state machine in a template
    #[arg(value_name = "DEFINITION")]
    file: String,
    /// The picture's format
    #[arg(long, value_enum, default_value_t = GraphFormat::Svg)]
    format: GraphFormat,
    /// Write the picture to this file (default: stdout)
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
    /// Simulate an execution and draw what it did
    #[arg(long)]
    simulate: bool,
    /// A Step Functions Local mock file (goes with --test-case; implies --simulate)
    #[arg(long, value_name = "MockConfigFile.json")]
    mocks: Option<String>,
    /// The mock file's test case to simulate
    #[arg(long, value_name = "NAME")]
    test_case: Option<String>,
    /// The mock file's state machine (default: the one named like the definition)
    #[arg(long, value_name = "NAME")]
    state_machine: Option<String>,
    /// The simulated execution's input, as JSON text (default: the test case's Input, else {})
    #[arg(long, value_name = "JSON")]
    input: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Svg,
    Dot,
    Mermaid,
}

pub fn main(args: &Args) -> Outcome {
    if args.mocks.is_some() != args.test_case.is_some() {
        return crate::flags::usage_error("graph", "--mocks and --test-case go together");
    }
    let mut stderr = std::io::stderr().lock();
    let Args {
        file,
        format,
        output,
        simulate,
        mocks,
        test_case,
        state_machine: machine,
        input,
    } = args;
    let source = match crate::source::read(file) {
        Ok(source) => source,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim graph: {e}");
            return Outcome::Usage;
        }
    };
    let checked = check(&source.text, source.format, CheckOptions::default());
    let simulate = *simulate || mocks.is_some();
    if simulate
        && render::refused_for_errors(
            "graph",
            "simulate",
            &source.located(file, &checked.diagnostics),
        )
    {
        return Outcome::Usage;
    }
    let simulated = if simulate {
        let name = definition_name(file);
        let mocks_file = mocks.clone();
        let mocks = match (&mocks, &test_case) {
            (Some(f), Some(case)) => {
                match load_mocks(f, case, machine.as_deref(), &name, &checked.machine) {
                    Ok(m) => Some(m),
                    Err(message) => {
                        let _ = writeln!(stderr, "asl-sim graph: {message}");
                        return Outcome::Usage;
                    }
                }
            }
            _ => None,
        };
        // Without --input, the test case's own (its Expectations' `Input`), as `asl-sim test`.
        let case_input = || {
            crate::mock_file::MockFile::case_input(
                mocks_file.as_deref()?,
                machine.as_deref(),
                &name,
                test_case.as_deref()?,
            )
        };
        let input = match input.as_deref().map(serde_json::from_str) {
            None => case_input().unwrap_or_else(|| serde_json::json!({})),
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                let _ = writeln!(stderr, "asl-sim graph: the input is not JSON: {e}");
                return Outcome::Usage;
            }
        };
        let options = RunOptions {
            input: input.into(),
            mocks,
            state_machine_name: name,
            ..RunOptions::default()
        };
        let execution = run(&checked.tree, &checked.machine, &options);
        let facts =
            asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
        Some((execution, facts))
    } else {
        None
    };
    let root = graph(
        &checked.tree,
        &checked.machine,
        simulated.as_ref().map(|(e, f)| (e, f.as_slice())),
    );
    let drawing = match format {
        GraphFormat::Dot => dot::to_dot(&root),
        GraphFormat::Mermaid => dot::to_mermaid(&root),
        GraphFormat::Svg => svg::to_svg(&root),
    };
    let written = match &output {
        Some(path) => std::fs::write(path, drawing),
        None => std::io::stdout().lock().write_all(drawing.as_bytes()),
    };
    if let Err(e) = written {
        let _ = writeln!(
            stderr,
            "asl-sim graph: writing {}: {e}",
            output.as_deref().unwrap_or("stdout")
        );
        return Outcome::Usage;
    }
    Outcome::Ok
}
