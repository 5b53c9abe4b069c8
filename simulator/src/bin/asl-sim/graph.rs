//! `asl-sim graph DEFINITION`: the state machine as a picture (SVG, DOT or Mermaid), with the
//! simulated path when asked for (`--simulate`, or a test case of a mock file).

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::{run, Execution, RunOptions};
use asl_sim::picture::{dot, graph, svg};
use asl_sim::{Diagnostic, Severity};

use crate::messages::{self, Problems};
use crate::mock_file::definition_name;
use crate::render::{self, OutputFormat};
use crate::run::load_mocks;
use crate::Outcome;

pub const AFTER_HELP: &str = "\
Draws the states (Parallel and Map nested), transitions, Choice rules and Catches; simulated
(--simulate, or a test case), the path taken, visits and what happened.
Exit status: 0 drawn; 1 the definition has errors (printed on stderr as `check` prints them; the
picture shows what could be read, not simulated when AWS would refuse it); 2 usage or I/O
problem.";

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
    /// Count warnings as errors (printed, and exit 1)
    #[arg(long)]
    deny_warnings: bool,
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
    draw(args).unwrap_or_else(|problems| {
        problems.print();
        Outcome::Usage
    })
}

fn draw(args: &Args) -> Result<Outcome, Problems> {
    let file = &args.file;
    let source = crate::source::read(file)?;
    let mut checked = check(&source.text, source.format, CheckOptions::default());
    if args.deny_warnings {
        asl_sim::analysis::deny_warnings(&mut checked.diagnostics);
    }
    let broken = checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    if broken {
        // What is wrong first, as `check` says it; then the picture of what could be read.
        let reports = vec![source.located(file, &checked.diagnostics)];
        render::write_report(&mut std::io::stderr().lock(), OutputFormat::Human, &reports);
    }
    let simulate = args.simulate || args.mocks.is_some();
    let runnable = !asl_sim::analysis::stops_run(&checked.diagnostics);
    let simulated = if simulate && runnable {
        Some(simulation(args, &checked)?)
    } else {
        None
    };
    if broken {
        let unsimulated = if simulate && !runnable {
            ", not simulated"
        } else {
            ""
        };
        messages::error(format!("{file}: the definition has errors; the picture shows what could be read{unsimulated}, broken transitions marked"));
    }
    let root = graph(
        &checked.tree,
        &checked.machine,
        simulated.as_ref().map(|(e, f)| (e, f.as_slice())),
    );
    let drawing = match args.format {
        GraphFormat::Dot => dot::to_dot(&root),
        GraphFormat::Mermaid => dot::to_mermaid(&root),
        GraphFormat::Svg => svg::to_svg(&root),
    };
    match &args.output {
        Some(path) => std::fs::write(path, drawing).map_err(|e| {
            format!(
                "{path}: cannot write the picture: {}",
                messages::unreadable(&e)
            )
        })?,
        None => {
            let _ = std::io::stdout().lock().write_all(drawing.as_bytes());
        }
    }
    Ok(if broken { Outcome::Failed } else { Outcome::Ok })
}

/// The simulated execution to draw, and what the simulation says about each state.
fn simulation(
    args: &Args,
    checked: &asl_sim::analysis::Checked,
) -> Result<(Execution, Vec<Diagnostic>), Problems> {
    let name = definition_name(&args.file);
    let machine = args.state_machine.as_deref();
    let mocks = match (&args.mocks, &args.test_case) {
        (Some(f), Some(case)) => Some(load_mocks(
            f,
            case,
            machine,
            &name,
            &checked.machine,
            asl_sim::model::output_check::FieldValidationMode::default(),
        )?),
        _ => None,
    };
    // Without --input, the test case's own (its Expectations' `Input`), as `asl-sim test`.
    let case_input = || {
        crate::mock_file::MockFile::case_input(
            args.mocks.as_deref()?,
            machine,
            &name,
            args.test_case.as_deref()?,
        )
    };
    let input = match args.input.as_deref() {
        None => case_input().unwrap_or_else(|| serde_json::json!({})),
        Some(text) => messages::parse_json("the input", text)?,
    };
    let options = RunOptions {
        input: input.into(),
        mocks,
        state_machine_name: name,
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    let facts = asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
    Ok((execution, facts))
}
