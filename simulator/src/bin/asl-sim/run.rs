//! `asl-sim run DEFINITION`: simulate an execution on the virtual clock.

use std::io::{Read, Write};

use asl_sim::analysis::{check, CheckOptions, WorkflowType};
use asl_sim::engine::{
    format_timestamp, run, test_state, Execution, RunOptions, StateTest, Status, TestStatus,
};
use asl_sim::mocks::Outcome as MockOutcome;
use asl_sim::syntax::Format;
use serde_json::Value;

use crate::flags;
use crate::mock_file::{definition_name, MockFile};
use crate::render::{self, OutputFormat};
use crate::Outcome;

struct Args {
    file: String,
    input: Option<String>,
    input_file: Option<String>,
    start_ms: Option<i64>,
    seed: u64,
    format: OutputFormat,
    history: bool,
    explain: bool,
    mocks: Option<String>,
    test_case: Option<String>,
    state_machine: Option<String>,
    timeline: Option<String>,
    workflow_type: WorkflowType,
    history_limit: usize,
    /// TestState: the one state to run, and what it is given.
    state: Option<String>,
    mock_result: Option<String>,
    mock_error: Option<String>,
    mock_cause: Option<String>,
    context: Option<String>,
    variables: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        file: String::new(),
        input: None,
        input_file: None,
        start_ms: None,
        seed: 0,
        format: OutputFormat::Human,
        history: false,
        explain: false,
        mocks: None,
        test_case: None,
        state_machine: None,
        timeline: None,
        workflow_type: WorkflowType::Standard,
        history_limit: asl_sim::engine::MAX_EVENTS,
        state: None,
        mock_result: None,
        mock_error: None,
        mock_cause: None,
        context: None,
        variables: None,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--input" => parsed.input = Some(value("--input")?),
            "--input-file" => parsed.input_file = Some(value("--input-file")?),
            "--start-time" => parsed.start_ms = Some(flags::start_time(&value("--start-time")?)?),
            "--seed" => parsed.seed = flags::seed(&value("--seed")?)?,
            "--format" => {
                parsed.format = match value("--format")?.as_str() {
                    "text" | "human" => OutputFormat::Human,
                    "json" => OutputFormat::Json,
                    other => return Err(format!("--format takes `text` or `json`, not {other:?}")),
                }
            }
            "--history" => parsed.history = true,
            "--explain" => parsed.explain = true,
            "--mocks" => parsed.mocks = Some(value("--mocks")?),
            "--test-case" => parsed.test_case = Some(value("--test-case")?),
            "--state-machine" => parsed.state_machine = Some(value("--state-machine")?),
            "--timeline" => parsed.timeline = Some(value("--timeline")?),
            "--type" => parsed.workflow_type = flags::workflow_type(&value("--type")?)?,
            "--history-limit" => {
                let limit = value("--history-limit")?;
                parsed.history_limit = limit.parse().ok().filter(|n| *n > 0).ok_or(format!(
                    "--history-limit takes a positive whole number, not {limit:?}"
                ))?;
            }
            "--state" => parsed.state = Some(value("--state")?),
            "--mock-result" => parsed.mock_result = Some(value("--mock-result")?),
            "--mock-error" => parsed.mock_error = Some(value("--mock-error")?),
            "--mock-cause" => parsed.mock_cause = Some(value("--mock-cause")?),
            "--context" => parsed.context = Some(value("--context")?),
            "--variables" => parsed.variables = Some(value("--variables")?),
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            file if parsed.file.is_empty() => parsed.file = file.to_string(),
            extra => return Err(format!("one definition at a time (also got `{extra}`)")),
        }
    }
    if parsed.file.is_empty() {
        return Err("name the definition to run".into());
    }
    if parsed.input.is_some() && parsed.input_file.is_some() {
        return Err("give --input or --input-file, not both".into());
    }
    if parsed.mocks.is_some() != parsed.test_case.is_some() {
        return Err("--mocks and --test-case go together".into());
    }
    let testing = parsed.mock_result.is_some()
        || parsed.mock_error.is_some()
        || parsed.mock_cause.is_some()
        || parsed.context.is_some()
        || parsed.variables.is_some();
    if testing && parsed.state.is_none() {
        return Err("--mock-result, --mock-error, --context and --variables test one state: name it with --state".into());
    }
    if parsed.mock_result.is_some() && parsed.mock_error.is_some() {
        return Err("give --mock-result or --mock-error, not both".into());
    }
    if parsed.mock_cause.is_some() && parsed.mock_error.is_none() {
        return Err("--mock-cause goes with --mock-error".into());
    }
    if parsed.state.is_some() && (parsed.history || parsed.explain || parsed.timeline.is_some()) {
        return Err("--state tests one state: --history, --explain and --timeline describe whole executions".into());
    }
    Ok(parsed)
}

pub fn main(args: &[String]) -> Outcome {
    let mut stderr = std::io::stderr().lock();
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim run: {e}");
            return Outcome::Usage;
        }
    };
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim run: {}: {e}", args.file);
            return Outcome::Usage;
        }
    };
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
        return test_one_state(&args, state, &text, input, start_time_ms);
    }
    let checked = check(
        &text,
        Format::from_path(&args.file),
        CheckOptions {
            workflow_type: args.workflow_type,
        },
    );
    if render::refused_for_errors("run", "run", &args.file, &text, &checked.diagnostics) {
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
        workflow_type: args.workflow_type,
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
        OutputFormat::Json => write_json(&mut out, &execution),
        OutputFormat::Human => write_text(&mut out, &execution, start_time_ms, args.history),
    };
    if args.explain {
        let explained =
            asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
        let reports = vec![(args.file.clone(), text, explained)];
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
    text: &str,
    input: Value,
    start_time_ms: i64,
) -> Outcome {
    let mut stderr = std::io::stderr().lock();
    let format = Format::from_path(&args.file);
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
                workflow_type: args.workflow_type,
            },
        )
        .diagnostics
    };
    if render::refused_for_errors("run", "run", &args.file, text, &diagnostics) {
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
        workflow_type: args.workflow_type,
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
        OutputFormat::Json => write_json(&mut out, &tested),
        OutputFormat::Human => write_fields(
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
