//! `asl-sim`: the headless front end. `check` now; `run` and `test` come with the engine.

mod check;
mod render;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
asl-sim: check and simulate Amazon States Language state machines

Usage:
  asl-sim check [--format human|json] [--type standard|express] FILE...

Exit status: 0 no errors, 1 errors found, 2 usage or I/O problem.
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
