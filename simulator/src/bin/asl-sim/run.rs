//! `asl-sim run DEFINITION`: simulate an execution on the virtual clock.

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::{format_timestamp, run, Execution, RunOptions, Status};
use asl_sim::model::output_check::FieldValidationMode;
use serde_json::Value;

use crate::messages::{self, Problems};
use crate::mock_file::{definition_name, MockFile};
use crate::render;
use crate::test_state::StateArgs;
use crate::{flags, Outcome};

pub const AFTER_HELP: &str = "\
Exit status: 0 SUCCEEDED, 1 the execution did not succeed, 2 usage problem or a definition with
errors. With --state, runs that one state once, as AWS's TestState API does (the definition may
be one state): status SUCCEEDED or CAUGHT_ERROR (exit 0), RETRIABLE or FAILED (exit 1), its
output and next state.";

#[derive(clap::Args)]
pub struct Args {
    /// The definition to run: a file, or FILE#NAME for a state machine in a template
    #[arg(value_name = "DEFINITION")]
    pub file: String,
    /// The execution's input, as JSON text (default: the test case's Input, else {})
    #[arg(long, value_name = "JSON", conflicts_with = "input_file")]
    pub input: Option<String>,
    /// Read the input from a file, or from stdin with -
    #[arg(long, value_name = "PATH|-")]
    pub input_file: Option<String>,
    /// When the execution starts on the virtual clock (default: now)
    #[arg(long = "start-time", value_name = "RFC3339", value_parser = flags::start_time)]
    pub start_ms: Option<i64>,
    /// Fix every random choice (jitter, States.MathRandom, States.UUID, $random, $uuid)
    #[arg(long, value_name = "N", value_parser = flags::seed, default_value = "0")]
    pub seed: u64,
    /// A timeline for people, or one JSON object (events in GetExecutionHistory's shape)
    #[arg(long, value_enum, default_value_t = RunFormat::Text)]
    pub format: RunFormat,
    /// Show every event in the timeline, not only the states'
    #[arg(long)]
    pub history: bool,
    /// After the result, what the simulation found, as diagnostics on the definition
    #[arg(long)]
    pub explain: bool,
    /// A Step Functions Local mock file (goes with --test-case)
    #[arg(long, value_name = "MockConfigFile.json")]
    pub mocks: Option<String>,
    /// The mock file's test case to run
    #[arg(long, value_name = "NAME")]
    pub test_case: Option<String>,
    /// How mocked results are checked against their APIs' output shapes (a response's own
    /// "FieldValidationMode" wins)
    #[arg(long, value_name = "MODE", value_parser = flags::mock_validation, default_value = "strict")]
    pub mock_validation: FieldValidationMode,
    /// The mock file's state machine (default: the one named like the definition)
    #[arg(long, value_name = "NAME")]
    pub state_machine: Option<String>,
    /// Also draw the execution's timeline to this SVG file
    #[arg(long, value_name = "FILE.svg")]
    pub timeline: Option<String>,
    /// The workflow type (Express: request-response only)
    #[arg(long = "type", value_enum, ignore_case = true, default_value_t)]
    pub workflow_type: flags::WorkflowType,
    /// The folder standing for S3 for Distributed Maps' ItemReaders and ResultWriters
    /// (DIR/BUCKET/KEY is an object), where the test case names no S3Root of its own
    #[arg(long, value_name = "DIR")]
    pub s3_root: Option<std::path::PathBuf>,
    /// Stop the execution after this many history events
    #[arg(long, value_name = "N", value_parser = flags::positive, default_value_t = asl_sim::engine::MAX_EVENTS)]
    pub history_limit: usize,
    #[command(flatten)]
    pub state: StateArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RunFormat {
    #[value(alias = "human")]
    Text,
    Json,
}

/// What clap's declarations cannot say: which flags go together.
fn usage_problem(args: &Args) -> Option<&'static str> {
    if args.mocks.is_some() != args.test_case.is_some() {
        Some("--mocks and --test-case go together")
    } else if args.state.state.is_some()
        && (args.history || args.explain || args.timeline.is_some())
    {
        Some("--state tests one state: --history, --explain and --timeline describe whole executions")
    } else {
        args.state.usage_problem()
    }
}

pub fn main(args: &Args) -> Outcome {
    if let Some(problem) = usage_problem(args) {
        return flags::usage_error("run", problem);
    }
    execute(args).unwrap_or_else(|problems| {
        problems.print();
        Outcome::Usage
    })
}

fn execute(args: &Args) -> Result<Outcome, Problems> {
    let source = crate::source::read(&args.file)?;
    let input = input(args)?;
    if args.state.state.is_some() {
        return crate::test_state::run_state(args, &source, &input);
    }
    let start_time_ms = args.start_ms.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    });
    let checked = check(
        &source.text,
        source.format,
        CheckOptions {
            workflow_type: args.workflow_type.into(),
        },
    );
    if render::refused_for_errors("run", &source.located(&args.file, &checked.diagnostics)) {
        return Ok(Outcome::Usage);
    }
    let name = definition_name(&args.file);
    let mocks = match (&args.mocks, &args.test_case) {
        (Some(file), Some(case)) => Some(load_mocks(
            file,
            case,
            args.state_machine.as_deref(),
            &name,
            &checked.machine,
            args.mock_validation,
        )?),
        _ => None,
    };
    let settings = asl_sim::test_cases::RunSettings {
        s3_root: args.s3_root.clone(),
        mock_dir: args
            .mocks
            .as_deref()
            .and_then(|m| std::path::Path::new(m).parent())
            .map(std::path::Path::to_path_buf),
        ..Default::default()
    };
    let s3 = asl_sim::test_cases::case_s3(
        &mocks.as_ref().map(|m| m.s3.clone()).unwrap_or_default(),
        &settings,
    );
    let options = RunOptions {
        s3,
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
        messages::warning(warning);
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
    let _ = out.flush();
    if let Some(path) = &args.timeline {
        let svg = asl_sim::picture::timeline::to_svg(&checked.machine, &execution);
        std::fs::write(path, svg).map_err(|e| {
            format!(
                "{path}: cannot write the timeline: {}",
                messages::unreadable(&e)
            )
        })?;
    }
    let succeeded = execution.status == Status::Succeeded;
    // The process ends here: returning the memory of a large history one value at a time
    // would only delay the exit.
    std::mem::forget(execution);
    std::mem::forget(checked);
    Ok(if succeeded {
        Outcome::Ok
    } else {
        Outcome::Failed
    })
}

/// The execution's input: `--input`, `--input-file`, else the test case's own (its
/// Expectations' `Input`, as `asl-sim test` runs it), else `{}`.
fn input(args: &Args) -> Result<Value, String> {
    match (&args.input, &args.input_file) {
        (Some(json), _) => messages::parse_json("the input", json),
        (None, Some(path)) => {
            let text = messages::read_text(path)?;
            let name = if path == "-" { "stdin" } else { path };
            messages::parse_json_file(name, "the input", &text)
        }
        (None, None) => Ok(match (&args.mocks, &args.test_case) {
            (Some(file), Some(case)) => MockFile::case_input(
                file,
                args.state_machine.as_deref(),
                &definition_name(&args.file),
                case,
            )
            .unwrap_or_else(|| serde_json::json!({})),
            _ => serde_json::json!({}),
        }),
    }
}

/// One test case of a mock file, or every problem of it, located in the file.
pub(crate) fn load_mocks(
    file: &str,
    case: &str,
    machine: Option<&str>,
    definition_name: &str,
    definition: &asl_sim::model::StateMachine,
    mock_validation: FieldValidationMode,
) -> Result<asl_sim::mocks::TestCase, Problems> {
    let mock_file = MockFile::read(file)?;
    let machine = mock_file.machine(machine, definition_name);
    let test_case = asl_sim::mocks::read_test_case(&mock_file.config, &machine, case)
        .map_err(|errors| Problems(mock_file.locate(&errors)))?;
    let mut misplaced = asl_sim::mocks::misplaced_states(&test_case, definition, &machine, case);
    misplaced.extend(asl_sim::mock_validation::invalid_returns(
        &mock_file.config,
        definition,
        &machine,
        case,
        mock_validation,
    ));
    if misplaced.is_empty() {
        Ok(test_case)
    } else {
        Err(Problems(mock_file.locate(&misplaced)))
    }
}

/// An execution's or a tested state's result, as one JSON object.
pub(crate) fn write_json(
    out: &mut impl Write,
    result: &impl serde::Serialize,
) -> std::io::Result<()> {
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
    if history {
        write_map_runs(out, execution, start_ms)?;
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

/// Each Map Run of the execution folded: one line for the run, one for each child execution
/// (`--format json` has their histories in full).
fn write_map_runs(
    out: &mut impl Write,
    execution: &Execution,
    start_ms: i64,
) -> std::io::Result<()> {
    for run in &execution.map_runs {
        writeln!(out)?;
        writeln!(
            out,
            "Map Run of {} ({} child executions, {}): {}",
            run.state,
            run.children.len(),
            run.status,
            run.arn
        )?;
        let mut children: Vec<&asl_sim::engine::ChildExecution> = run.children.iter().collect();
        children.sort_by_key(|c| c.index);
        for child in children {
            let ended = match &child.error {
                Some(error) => format!("{} with {error}", child.status.as_str()),
                None => child.status.as_str().to_string(),
            };
            writeln!(
                out,
                "{:>18}  ▸ child {:<5} {ended}, {} events, {}",
                asl_sim::simulation::offset(child.start_ms - start_ms),
                child.index,
                child.events.len(),
                child.name
            )?;
        }
    }
    Ok(())
}

/// `label:   value` lines for the values present, aligned after the longest label.
pub(crate) fn write_fields(
    out: &mut impl Write,
    fields: &[(&str, Option<String>)],
) -> std::io::Result<()> {
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
