//! `asl-sim run DEFINITION`: simulate an execution on the virtual clock.

use std::io::{Read, Write};

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::{
    format_timestamp, run, test_state, Execution, RunOptions, StateTest, Status, TestStatus,
};
use asl_sim::mocks::Outcome as MockOutcome;
use serde_json::Value;

use crate::flags;
use crate::mock_file::{definition_name, MockFile};
use crate::render;
use crate::Outcome;

pub const AFTER_HELP: &str = "\
Exit status: 0 SUCCEEDED, 1 the execution did not succeed, 2 usage problem or a definition with
errors. With --state, runs that one state once, as AWS's TestState API does (the definition may
be one state): status SUCCEEDED or CAUGHT_ERROR (exit 0), RETRIABLE or FAILED (exit 1), its
output and next state.";

#[derive(clap::Args)]
pub struct Args {
    /// The definition to run: a file, or FILE#NAME for a state machine in a template
    #[arg(value_name = "DEFINITION")]
    file: String,
    /// The execution's input, as JSON text (default: the test case's Input, else {})
    #[arg(long, value_name = "JSON", conflicts_with = "input_file")]
    input: Option<String>,
    /// Read the input from a file, or from stdin with -
    #[arg(long, value_name = "PATH|-")]
    input_file: Option<String>,
    /// When the execution starts on the virtual clock (default: now)
    #[arg(long = "start-time", value_name = "RFC3339", value_parser = flags::start_time)]
    start_ms: Option<i64>,
    /// Fix every random choice (jitter, States.MathRandom, States.UUID, $random, $uuid)
    #[arg(long, value_name = "N", value_parser = flags::seed, default_value = "0")]
    seed: u64,
    /// A timeline for people, or one JSON object (events in GetExecutionHistory's shape)
    #[arg(long, value_enum, default_value_t = RunFormat::Text)]
    format: RunFormat,
    /// Show every event in the timeline, not only the states'
    #[arg(long)]
    history: bool,
    /// After the result, what the simulation found, as diagnostics on the definition
    #[arg(long)]
    explain: bool,
    /// A Step Functions Local mock file (goes with --test-case)
    #[arg(long, value_name = "MockConfigFile.json")]
    mocks: Option<String>,
    /// The mock file's test case to run
    #[arg(long, value_name = "NAME")]
    test_case: Option<String>,
    /// The mock file's state machine (default: the one named like the definition)
    #[arg(long, value_name = "NAME")]
    state_machine: Option<String>,
    /// Also draw the execution's timeline to this SVG file
    #[arg(long, value_name = "FILE.svg")]
    timeline: Option<String>,
    /// The workflow type (Express: request-response only)
    #[arg(long = "type", value_enum, ignore_case = true, default_value_t)]
    workflow_type: flags::WorkflowType,
    /// Stop the execution after this many history events
    #[arg(long, value_name = "N", value_parser = flags::positive, default_value_t = asl_sim::engine::MAX_EVENTS)]
    history_limit: usize,
    /// TestState: run this one state once
    #[arg(long, value_name = "NAME", help_heading = "Testing one state")]
    state: Option<String>,
    /// The state's task returns this JSON
    #[arg(long, value_name = "JSON", help_heading = "Testing one state")]
    mock_result: Option<String>,
    /// The state's task fails with this error
    #[arg(long, value_name = "ERROR", help_heading = "Testing one state")]
    mock_error: Option<String>,
    /// The mocked error's cause
    #[arg(long, value_name = "TEXT", help_heading = "Testing one state")]
    mock_cause: Option<String>,
    /// The context object ($$) the state sees
    #[arg(long, value_name = "JSON", help_heading = "Testing one state")]
    context: Option<String>,
    /// The variables the state sees, as a JSON object
    #[arg(long, value_name = "JSON", help_heading = "Testing one state")]
    variables: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RunFormat {
    #[value(alias = "human")]
    Text,
    Json,
}

/// What clap's declarations cannot say: which flags go together.
fn usage_problem(parsed: &Args) -> Option<&'static str> {
    let testing = parsed.mock_result.is_some()
        || parsed.mock_error.is_some()
        || parsed.mock_cause.is_some()
        || parsed.context.is_some()
        || parsed.variables.is_some();
    if parsed.mocks.is_some() != parsed.test_case.is_some() {
        Some("--mocks and --test-case go together")
    } else if testing && parsed.state.is_none() {
        Some("--mock-result, --mock-error, --context and --variables test one state: name it with --state")
    } else if parsed.mock_result.is_some() && parsed.mock_error.is_some() {
        Some("give --mock-result or --mock-error, not both")
    } else if parsed.mock_cause.is_some() && parsed.mock_error.is_none() {
        Some("--mock-cause goes with --mock-error")
    } else if parsed.state.is_some()
        && (parsed.history || parsed.explain || parsed.timeline.is_some())
    {
        Some("--state tests one state: --history, --explain and --timeline describe whole executions")
    } else {
        None
    }
}

pub fn main(args: &Args) -> Outcome {
    if let Some(problem) = usage_problem(args) {
        return flags::usage_error("run", problem);
    }
    let mut stderr = std::io::stderr().lock();
    let source = match crate::source::read(&args.file) {
        Ok(source) => source,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim run: {e}");
            return Outcome::Usage;
        }
    };
    let text = source.text.clone();
    let input_text = match (&args.input, &args.input_file) {
        (Some(json), _) => json.clone(),
        (None, Some(path)) if path == "-" => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                let _ = writeln!(stderr, "asl-sim run: reading the input from stdin: {e}");
                return Outcome::Usage;
            }
            s
        }
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(stderr, "asl-sim run: {path}: {e}");
                return Outcome::Usage;
            }
        },
        // A test case's own input (its Expectations' `Input`), as `asl-sim test` runs it.
        (None, None) => match (&args.mocks, &args.test_case) {
            (Some(file), Some(case)) => MockFile::case_input(
                file,
                args.state_machine.as_deref(),
                &definition_name(&args.file),
                case,
            )
            .map_or_else(|| "{}".to_string(), |v| v.to_string()),
            _ => "{}".to_string(),
        },
    };
    let input = match json_option("the input", &input_text) {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim run: {e}");
            return Outcome::Usage;
        }
    };
    let start_time_ms = args.start_ms.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    });
    if let Some(state) = &args.state {
        return test_one_state(args, state, &source, input, start_time_ms);
    }
    let checked = check(
        &text,
        source.format,
        CheckOptions {
            workflow_type: args.workflow_type.into(),
        },
    );
    if render::refused_for_errors(
        "run",
        "run",
        &source.located(&args.file, &checked.diagnostics),
    ) {
        return Outcome::Usage;
    }
    let name = definition_name(&args.file);
    let mocks = match (&args.mocks, &args.test_case) {
        (Some(file), Some(case)) => {
            match load_mocks(
                file,
                case,
                args.state_machine.as_deref(),
                &name,
                &checked.machine,
            ) {
                Ok(mocks) => Some(mocks),
                Err(message) => {
                    let _ = writeln!(stderr, "asl-sim run: {message}");
                    return Outcome::Usage;
                }
            }
        }
        _ => None,
    };
    let options = RunOptions {
        input: input.into(),
        start_time_ms,
        seed: args.seed,
        execution_name: "asl-sim".into(),
        state_machine_name: name,
        workflow_type: args.workflow_type.into(),
        max_history_events: args.history_limit,
        mocks,
        ..RunOptions::default()
    };
    let execution = run(&checked.tree, &checked.machine, &options);
    for warning in &execution.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    // Buffered: a history can run to tens of thousands of lines.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = match args.format {
        RunFormat::Json => write_json(&mut out, &execution),
        RunFormat::Text => write_text(&mut out, &execution, start_time_ms, args.history),
    };
    if args.explain {
        let explained =
            asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
        let reports = vec![source.located(&args.file, &explained)];
        let _ = writeln!(out);
        render::write_notes(&mut out, &reports);
    }
    if let Some(path) = &args.timeline {
        let svg = asl_sim::picture::timeline::to_svg(&checked.machine, &execution);
        if let Err(e) = std::fs::write(path, svg) {
            let _ = writeln!(stderr, "asl-sim run: writing the timeline to {path}: {e}");
            return Outcome::Usage;
        }
    }
    let _ = out.flush();
    let succeeded = execution.status == Status::Succeeded;
    // The process ends here: returning the memory of a large history one value at a time
    // would only delay the exit.
    std::mem::forget(execution);
    std::mem::forget(checked);
    if succeeded {
        Outcome::Ok
    } else {
        Outcome::Failed
    }
}

/// A JSON option's value, or what is wrong with it and where.
fn json_option(what: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "{what} is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        )
    })
}

/// `--state NAME`: AWS's TestState on one state of the definition (or on a definition that is
/// one state), with its mocked result or error, context object and variables.
fn test_one_state(
    args: &Args,
    state: &str,
    source: &crate::source::Source,
    input: Value,
    start_time_ms: i64,
) -> Outcome {
    let mut stderr = std::io::stderr().lock();
    let (text, format) = (source.text.as_str(), source.format);
    let parsed = asl_sim::syntax::parse(text, format);
    let root = parsed.tree.root();
    let single = root.get("Type").is_some() && root.get("States").is_none();
    // A whole machine is checked as `run` checks it; a lone state has no machine to check.
    let diagnostics = if single {
        parsed.diagnostics.clone()
    } else {
        check(
            text,
            format,
            CheckOptions {
                workflow_type: args.workflow_type.into(),
            },
        )
        .diagnostics
    };
    if render::refused_for_errors("run", "run", &source.located(&args.file, &diagnostics)) {
        return Outcome::Usage;
    }
    let machine = if single {
        asl_sim::model::StateMachine::single_state(root, state)
    } else {
        asl_sim::model::StateMachine::from_tree(root)
    };
    let given = || -> Result<StateTest, String> {
        let mock = match (&args.mock_result, &args.mock_error) {
            (Some(result), _) => Some(MockOutcome::Return(json_option("--mock-result", result)?)),
            (None, Some(error)) => Some(MockOutcome::Throw {
                error: error.clone(),
                cause: args.mock_cause.clone(),
            }),
            (None, None) => None,
        };
        let context = args
            .context
            .as_deref()
            .map(|c| json_option("--context", c))
            .transpose()?;
        let variables = match args
            .variables
            .as_deref()
            .map(|v| json_option("--variables", v))
            .transpose()?
        {
            None => serde_json::Map::new(),
            Some(Value::Object(variables)) => variables,
            Some(_) => return Err("--variables takes a JSON object of names and values".into()),
        };
        Ok(StateTest {
            state_name: state.to_string(),
            mock,
            context,
            variables,
            ..StateTest::default()
        })
    };
    let options = RunOptions {
        input: input.into(),
        start_time_ms,
        seed: args.seed,
        state_machine_name: definition_name(&args.file),
        workflow_type: args.workflow_type.into(),
        ..RunOptions::default()
    };
    let tested = match given().and_then(|test| test_state(&parsed.tree, &machine, &options, &test))
    {
        Ok(tested) => tested,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim run: {e}");
            return Outcome::Usage;
        }
    };
    for warning in &tested.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        RunFormat::Json => write_json(&mut out, &tested),
        RunFormat::Text => write_fields(
            &mut out,
            &[
                ("status", Some(tested.status.as_str().to_string())),
                ("output", tested.output.as_ref().map(Value::to_string)),
                ("error", tested.error.clone()),
                ("cause", tested.cause.clone()),
                (
                    "next state",
                    Some(
                        tested
                            .next_state
                            .clone()
                            .unwrap_or_else(|| "(none: the execution ends)".into()),
                    ),
                ),
            ],
        ),
    };
    match tested.status {
        TestStatus::Succeeded | TestStatus::CaughtError => Outcome::Ok,
        TestStatus::Failed | TestStatus::Retriable => Outcome::Failed,
    }
}

/// One test case of a mock file, with its problems located in the file.
pub(crate) fn load_mocks(
    file: &str,
    case: &str,
    machine: Option<&str>,
    definition_name: &str,
    definition: &asl_sim::model::StateMachine,
) -> Result<asl_sim::mocks::TestCase, String> {
    let mock_file = MockFile::read(file)?;
    let machine = mock_file.machine(machine, definition_name);
    let test_case = asl_sim::mocks::test_case(&mock_file.config, &machine, case)
        .map_err(|e| mock_file.locate(&e))?;
    match asl_sim::mocks::misplaced_state(&test_case, definition, &machine, case) {
        Some(e) => Err(mock_file.locate(&e)),
        None => Ok(test_case),
    }
}

/// An execution's or a tested state's result, as one JSON object.
fn write_json(out: &mut impl Write, result: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, result)?;
    writeln!(out)
}

fn write_text(
    out: &mut impl Write,
    execution: &Execution,
    start_ms: i64,
    history: bool,
) -> std::io::Result<()> {
    for line in asl_sim::simulation::timeline(execution, start_ms, history) {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    let ended_ms = (execution.elapsed_seconds * 1000.0) as i64;
    write_fields(
        out,
        &[
            ("status", Some(execution.status.as_str().to_string())),
            ("output", execution.output.as_ref().map(Value::to_string)),
            ("error", execution.error.clone()),
            ("cause", execution.cause.clone()),
            (
                "duration",
                Some(format!(
                    "{} virtual (ended {})",
                    asl_sim::simulation::offset(ended_ms),
                    format_timestamp(start_ms + ended_ms)
                )),
            ),
        ],
    )
}

/// `label:   value` lines for the values present, aligned after the longest label.
fn write_fields(out: &mut impl Write, fields: &[(&str, Option<String>)]) -> std::io::Result<()> {
    let width = fields
        .iter()
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0)
        + 2;
    for (label, value) in fields {
        if let Some(value) = value {
            writeln!(out, "{:<width$}{value}", format!("{label}:"))?;
        }
    }
    Ok(())
}
