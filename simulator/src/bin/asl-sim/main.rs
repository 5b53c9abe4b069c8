//! `asl-sim`: the headless front end: `check`, `run`, `test`, `graph` and `serve`.

// Many small JSON values per run or edit: mimalloc is markedly faster here than the system
// allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod check;
mod flags;
mod graph;
mod messages;
mod mock_file;
mod mocks;
mod render;
mod run;
mod serve;
mod source;
mod test;
mod test_state;

use std::process::ExitCode;

use std::io::Write;

use clap::{CommandFactory, Parser, Subcommand};

/// Check and simulate Amazon States Language state machines
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
    /// Serve the Step Functions API on a local port, for SDKs and test suites
    #[command(after_help = serve::AFTER_HELP)]
    Serve(serve::Args),
    /// Write mock files
    #[command(subcommand)]
    Mocks(mocks::Command),
    /// Print the completion script for bash, zsh or fish
    #[command(after_help = "\
For bash: asl-sim completions bash > ~/.local/share/bash-completion/completions/asl-sim
For zsh:  asl-sim completions zsh > ~/.zfunc/_asl-sim (with ~/.zfunc in $fpath)
For fish: asl-sim completions fish > ~/.config/fish/completions/asl-sim.fish")]
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page asl-sim(1), or asl-sim-SUBCOMMAND(1), in roff
    #[command(after_help = "\
Read it with: asl-sim man | man -l -    Install it: asl-sim man > ~/.local/share/man/man1/asl-sim.1")]
    Man {
        /// The subcommand whose page to print
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
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
        Command::Serve(args) => serve::main(&args),
        Command::Mocks(command) => mocks::main(&command),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "asl-sim",
                &mut std::io::stdout(),
            );
            Outcome::Ok
        }
        Command::Man { subcommand } => manual(subcommand.as_deref()),
    }
    .into()
}

/// `asl-sim man [SUBCOMMAND]`: the page asl-sim(1), or asl-sim-SUBCOMMAND(1), in roff.
fn manual(subcommand: Option<&str>) -> Outcome {
    let mut command = Cli::command();
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            // Built, a subcommand is displayed as `asl-sim-NAME`, the page's title.
            Some(sub) => sub.clone(),
            None => {
                let names = command.get_subcommands().map(clap::Command::get_name);
                let near = messages::did_you_mean(name, names);
                return flags::usage_error("man", format!("no subcommand `{name}`.{near}"));
            }
        },
    };
    let mut roff = Vec::new();
    let written = clap_mangen::Man::new(page)
        .source(format!("asl-sim {}", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .and_then(|()| std::io::stdout().lock().write_all(&roff));
    match written {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            messages::error(format!("cannot write the manual page: {e}"));
            Outcome::Failed
        }
    }
}
