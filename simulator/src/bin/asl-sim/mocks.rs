//! `asl-sim mocks init DEFINITION [-o FILE]`: write a mock file for a definition (see
//! `asl_sim::mock_init`).

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::test_cases::RunSettings;

use crate::mock_file::definition_name;
use crate::render::{self, OutputFormat};
use crate::Outcome;

pub const AFTER_HELP: &str = "\
The file has a HappyPath test case (every Task answers the minimal valid result of its API, with
values where the later states read it: a Choice's variable takes a branch that does not fail)
one test case per Catch of a Task (the Task throws an error that Catch takes) and per Catch of a
Map or Parallel (a task inside throws it), with the
Expectations each met when written: `asl-sim test DEFINITION --mocks FILE` passes it as written.
Without --input, the cases run with the least input holding what the states read of it.";

#[derive(clap::Subcommand)]
pub enum Command {
    /// Write a mock file whose test cases walk the happy path and every Catch
    #[command(after_help = AFTER_HELP)]
    Init(InitArgs),
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// The definition
    #[arg(value_name = "DEFINITION")]
    definition: String,
    /// The input every test case runs with, as JSON text (default: the least input holding
    /// what the states read)
    #[arg(long, value_name = "JSON")]
    input: Option<String>,
    /// Write the mock file here (default: standard output)
    #[arg(short, long, value_name = "FILE")]
    output: Option<String>,
}

pub fn main(command: &Command) -> Outcome {
    match command {
        Command::Init(args) => init(args),
    }
}

fn init(args: &InitArgs) -> Outcome {
    let definition = &args.definition;
    let input = match args
        .input
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
    {
        None => None,
        Some(Ok(input)) => Some(input),
        Some(Err(e)) => {
            return crate::flags::usage_error("mocks", format!("--input is not JSON: {e}"))
        }
    };
    let source = match crate::source::read(definition) {
        Ok(source) => source,
        Err(problem) => {
            crate::messages::error(problem);
            return Outcome::Usage;
        }
    };
    let checked = check(&source.text, source.format, CheckOptions::default());
    if asl_sim::analysis::stops_run(&checked.diagnostics) {
        let reports = vec![source.located(definition, &checked.diagnostics)];
        render::write_report(&mut std::io::stderr().lock(), OutputFormat::Human, &reports);
        crate::messages::error(format!(
            "{definition}: the definition has errors (above); fix them to write its mocks"
        ));
        return Outcome::Usage;
    }
    let config = asl_sim::mock_init::init(
        &checked.tree,
        &checked.machine,
        &definition_name(definition),
        input.as_ref(),
        &RunSettings::default(),
    );
    let mut text = serde_json::to_string_pretty(&config).unwrap_or_default();
    text.push('\n');
    let written = match &args.output {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    match written {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            let place = args.output.as_deref().unwrap_or("standard output");
            crate::messages::error(format!(
                "{place}: cannot write the mock file: {}",
                crate::messages::unreadable(&e)
            ));
            Outcome::Failed
        }
    }
}
