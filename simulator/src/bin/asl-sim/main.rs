//! `asl-sim`: the headless front end: `check`, `run`, `test` and `graph`.

// Many small JSON values per run or edit: mimalloc is markedly faster here than the system
// allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check;
mod flags;
mod graph;
mod messages;
mod mock_file;
mod render;
mod run;
mod source;
mod test;
mod test_state;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// asl-sim: check and simulate Amazon States Language state machines.
#[derive(Parser)]
#[command(
    name = "asl-sim",
    version,
    arg_required_else_help = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check definitions and print every problem with its place
    #[command(after_help = check::AFTER_HELP)]
    Check(check::Args),
    /// Simulate an execution on a virtual clock, or test one state as AWS's TestState does
    #[command(after_help = run::AFTER_HELP)]
    Run(Box<run::Args>),
    /// Run every test case of each definition's mock file and check its Expectations
    #[command(after_help = test::AFTER_HELP)]
    Test(test::Args),
    /// Draw the state machine (SVG, DOT or Mermaid), simulated on request
    #[command(after_help = graph::AFTER_HELP)]
    Graph(graph::Args),
    /// Answer a TestState request object (as `aws stepfunctions test-state --cli-input-json`)
    #[command(after_help = test_state::AFTER_HELP)]
    TestState(test_state::Args),
}

/// Exit codes shared by every subcommand.
pub enum Outcome {
    Ok,
    Failed,
    Usage,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(match o {
            Outcome::Ok => 0,
            Outcome::Failed => 1,
            Outcome::Usage => 2,
        })
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version on stdout (exit 0), usage problems on stderr (exit 2).
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    match cli.command {
        Command::Check(args) => check::main(&args),
        Command::Run(args) => run::main(&args),
        Command::Test(args) => test::main(&args),
        Command::Graph(args) => graph::main(&args),
        Command::TestState(args) => test_state::main(&args),
    }
    .into()
}
