//! `asl-sim test DEFINITION...`: run every test case of each definition's mock file and check
//! what each expects (see `asl_sim::expectations`). A summary on stdout, JUnit XML on request.

use std::fmt::Write as _;
use std::io::Write;
use std::time::Instant;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::RunOptions;
use asl_sim::test_cases::{prepare, run_case, CaseOutcome, RunSettings, SuiteError};

use crate::flags;
use crate::mock_file::{definition_name, MockFile};
use crate::render::{self, OutputFormat};
use crate::Outcome;
use asl_sim::simulation::offset;

pub const AFTER_HELP: &str = "\
Each definition's mock file is --mocks, else NAME.mocks.json (or MockConfigFile.json) beside
NAME.asl.json. Exit status: 0 all pass, 1 a case failed, 2 a definition or mock file could not
be tested.";

#[derive(clap::Args)]
pub struct Args {
    /// The definitions to test
    #[arg(value_name = "DEFINITION", required = true)]
    definitions: Vec<String>,
    /// The mock file (one definition only; default: NAME.mocks.json beside it)
    #[arg(long, value_name = "FILE")]
    mocks: Option<String>,
    /// The mock file's state machine (default: the one named like the definition)
    #[arg(long, value_name = "NAME")]
    state_machine: Option<String>,
    /// Also write the results as JUnit XML to this file
    #[arg(long, value_name = "FILE")]
    junit: Option<String>,
    /// When each execution starts on the virtual clock (default: 2026-01-01T00:00:00Z)
    #[arg(long = "start-time", value_name = "RFC3339", value_parser = flags::start_time)]
    start_ms: Option<i64>,
    /// Fix every random choice (jitter, States.MathRandom, States.UUID, $random, $uuid)
    #[arg(long, value_name = "N", value_parser = flags::seed, default_value = "0")]
    seed: u64,
    /// How mocked results are checked against their APIs' output shapes (a response's own
    /// "FieldValidationMode" wins)
    #[arg(long, value_name = "MODE", value_parser = flags::mock_validation, default_value = "strict")]
    mock_validation: asl_sim::model::output_check::FieldValidationMode,
    /// The folder standing for S3 for Distributed Maps' ItemReaders and ResultWriters
    /// (DIR/BUCKET/KEY is an object), where a test case names no S3Root of its own
    #[arg(long, value_name = "DIR")]
    s3_root: Option<std::path::PathBuf>,
}

/// One test case's result.
struct CaseResult {
    name: String,
    problems: Vec<String>,
    wall_seconds: f64,
}

/// One definition's test cases, or the reason none could run.
struct Suite {
    name: String,
    cases: Vec<CaseResult>,
    error: Option<String>,
}

/// `examples/heartbeat.asl.json` → `examples/heartbeat.mocks.json`, else a
/// `MockConfigFile.json` beside it (the first that exists; the first named when neither does),
/// as the language server looks.
fn sibling_mocks(definition: &str) -> String {
    let name = definition_name(definition);
    let path = std::path::Path::new(definition);
    let candidates = asl_sim::mocks::sibling_file_names(&name).map(|f| path.with_file_name(f));
    candidates
        .iter()
        .find(|p| p.exists())
        .unwrap_or(&candidates[0])
        .to_string_lossy()
        .into_owned()
}

pub fn main(args: &Args) -> Outcome {
    if args.definitions.len() > 1 && (args.mocks.is_some() || args.state_machine.is_some()) {
        return flags::usage_error("test", "--mocks and --state-machine name one definition's mocks; with several definitions each uses its own NAME.mocks.json");
    }
    // Fixed by default, so that expected durations and outputs do not depend on the day.
    let start_time_ms = args.start_ms.unwrap_or(RunOptions::default().start_time_ms);
    let mut out = std::io::stdout().lock();
    let mut suites = Vec::new();
    for definition in &args.definitions {
        let suite = run_suite(definition, args, start_time_ms, &mut out);
        suites.push(suite);
    }

    let cases: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failed: usize = suites
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| !c.problems.is_empty())
        .count();
    let broken = suites.iter().filter(|s| s.error.is_some()).count();
    let _ = writeln!(
        out,
        "\n{cases} test cases: {} passed, {failed} failed{}",
        cases - failed,
        if broken > 0 {
            format!(
                "; {broken} definition{} could not be tested",
                if broken == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, junit(&suites)) {
            crate::messages::error(format!(
                "{path}: cannot write the JUnit report: {}",
                crate::messages::unreadable(&e)
            ));
            return Outcome::Usage;
        }
    }
    if broken > 0 {
        Outcome::Usage
    } else if failed > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

fn run_suite(definition: &str, args: &Args, start_time_ms: i64, out: &mut impl Write) -> Suite {
    let name = definition_name(definition);
    let mut suite = Suite {
        name: name.clone(),
        cases: Vec::new(),
        error: None,
    };
    let fail = |mut suite: Suite, problems: Vec<String>, out: &mut dyn Write| {
        let _ = writeln!(out, "ERROR {definition}");
        for problem in &problems {
            let _ = writeln!(out, "      {problem}");
        }
        suite.error = Some(problems.join("\n"));
        suite
    };
    let source = match crate::source::read(definition) {
        Ok(source) => source,
        Err(problem) => return fail(suite, vec![problem], out),
    };
    let checked = check(&source.text, source.format, CheckOptions::default());
    if asl_sim::analysis::stops_run(&checked.diagnostics) {
        let reports = vec![source.located(definition, &checked.diagnostics)];
        render::write_report(&mut std::io::stderr().lock(), OutputFormat::Human, &reports);
        return fail(
            suite,
            vec![format!(
                "{definition}: the definition has errors (above); fix them to test it"
            )],
            out,
        );
    }
    let mocks_path = args
        .mocks
        .clone()
        .unwrap_or_else(|| sibling_mocks(definition));
    let mock_file = match MockFile::read(&mocks_path) {
        Ok(m) => m,
        Err(problem) => return fail(suite, vec![problem], out),
    };
    let machine = mock_file.machine(args.state_machine.as_deref(), &name);
    let settings = RunSettings {
        start_time_ms,
        seed: args.seed,
        mock_validation: args.mock_validation,
        s3_root: args.s3_root.clone(),
        mock_dir: std::path::Path::new(&mocks_path)
            .parent()
            .map(std::path::Path::to_path_buf),
    };
    let prepared = match prepare(&mock_file.config, &machine, &checked.machine, &settings) {
        Ok(cases) => cases,
        Err(SuiteError::NoStateMachine(machine)) => {
            let known = asl_sim::mocks::state_machines(&mock_file.config);
            let near =
                crate::messages::did_you_mean(&machine, known.iter().map(|(m, _)| m.as_str()));
            let message = format!(
                "{mocks_path}: no state machine `{machine}` (name it with --state-machine).{near}"
            );
            return fail(suite, vec![message], out);
        }
        Err(SuiteError::Mock(errors)) => return fail(suite, mock_file.locate(&errors), out),
    };
    suite.name.clone_from(&machine);
    for case in prepared {
        let started = Instant::now();
        let CaseOutcome {
            execution,
            problems,
        } = run_case(&checked.tree, &checked.machine, &case);
        let case = case.name;
        let verdict = if problems.is_empty() {
            "PASS "
        } else {
            "FAIL "
        };
        let ending = match &execution.error {
            Some(error) => format!("{} {error}", execution.status.as_str()),
            None => execution.status.as_str().to_string(),
        };
        let _ = writeln!(
            out,
            "{verdict} {machine} / {case}: {ending} at {}",
            offset((execution.elapsed_seconds * 1000.0) as i64)
        );
        for problem in &problems {
            let _ = writeln!(out, "      {problem}");
        }
        for warning in &execution.warnings {
            let _ = writeln!(out, "      warning: {warning}");
        }
        suite.cases.push(CaseResult {
            name: case.clone(),
            problems,
            wall_seconds: started.elapsed().as_secs_f64(),
        });
    }
    suite
}

fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// JUnit XML as CI systems read it: a suite per state machine, a testcase per test case.
fn junit(suites: &[Suite]) -> String {
    let total: usize = suites.iter().map(|s| s.cases.len().max(1)).sum();
    let failures: usize = suites
        .iter()
        .map(|s| s.cases.iter().filter(|c| !c.problems.is_empty()).count())
        .sum();
    let errors = suites.iter().filter(|s| s.error.is_some()).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"asl-sim test\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for suite in suites {
        let name = xml_escape(&suite.name);
        if let Some(error) = &suite.error {
            let _ = writeln!(
                xml,
                "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"(definition)\" classname=\"{name}\">\n      <error message=\"{}\"/>\n    </testcase>\n  </testsuite>",
                xml_escape(error)
            );
            continue;
        }
        let failed = suite
            .cases
            .iter()
            .filter(|c| !c.problems.is_empty())
            .count();
        let time: f64 = suite.cases.iter().map(|c| c.wall_seconds).sum();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" time=\"{time:.6}\">",
            suite.cases.len()
        );
        for case in &suite.cases {
            let _ = write!(
                xml,
                "    <testcase name=\"{}\" classname=\"{name}\" time=\"{:.6}\"",
                xml_escape(&case.name),
                case.wall_seconds
            );
            if case.problems.is_empty() {
                xml.push_str("/>\n");
            } else {
                let _ = writeln!(
                    xml,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    xml_escape(&case.problems[0]),
                    xml_escape(&case.problems.join("\n"))
                );
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}
