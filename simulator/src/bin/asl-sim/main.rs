//! `asl-sim`: the headless front end: `check`, `run` and `test`.

// Many small JSON values per run or edit: mimalloc is markedly faster here than the system
// allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check;
mod flags;
mod graph;
mod mock_file;
mod render;
mod run;
mod test;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
asl-sim: check and simulate Amazon States Language state machines

Usage:
  asl-sim check [--format human|json] [--type standard|express] FILE...
  asl-sim run DEFINITION [--input JSON | --input-file PATH|-] [--start-time RFC3339]
              [--seed N] [--format text|json] [--history] [--explain] [--timeline FILE.svg]
              [--mocks MockConfigFile.json --test-case NAME [--state-machine NAME]]
              [--type standard|express] [--history-limit N]
              [--state NAME [--mock-result JSON | --mock-error ERROR [--mock-cause TEXT]]
                            [--context JSON] [--variables JSON]]
  asl-sim test DEFINITION... [--mocks FILE] [--state-machine NAME] [--junit FILE]
              [--start-time RFC3339] [--seed N]
  asl-sim graph DEFINITION [--format svg|dot|mermaid] [-o FILE] [--simulate]
              [--mocks MockConfigFile.json --test-case NAME] [--input JSON]

check: exit 0 no errors, 1 errors found, 2 usage or I/O problem.
run:   exit 0 SUCCEEDED, 1 the execution did not succeed, 2 usage problem or a definition
       with errors. With --state, runs that one state once, as AWS's TestState API does
       (the definition may be one state): status SUCCEEDED, CAUGHT_ERROR (exit 0), RETRIABLE
       or FAILED (exit 1), its output and next state.
graph: draws the states (Parallel and Map nested), transitions, Choice rules and Catches;
       simulated (--simulate, or a test case), the path taken, visits and what happened.
test:  runs every test case of each definition's mock file (default NAME.mocks.json beside
       NAME.asl.json) and checks its Expectations; exit 0 all pass, 1 a case failed, 2 a
       definition or mock file could not be tested.
";

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stderr = std::io::stderr().lock();
    let Some(command) = args.first() else {
        let _ = write!(stderr, "{USAGE}");
        return Outcome::Usage.into();
    };
    match command.as_str() {
        "check" => check::main(&args[1..]).into(),
        "run" => run::main(&args[1..]).into(),
        "test" => test::main(&args[1..]).into(),
        "graph" => graph::main(&args[1..]).into(),
        "-h" | "--help" | "help" => {
            let _ = write!(std::io::stdout().lock(), "{USAGE}");
            Outcome::Ok.into()
        }
        "-V" | "--version" => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "asl-sim {}",
                env!("CARGO_PKG_VERSION")
            );
            Outcome::Ok.into()
        }
        other => {
            let _ = write!(stderr, "asl-sim: unknown command `{other}`\n\n{USAGE}");
            Outcome::Usage.into()
        }
    }
}
