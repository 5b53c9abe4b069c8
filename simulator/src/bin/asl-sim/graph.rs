//! `asl-sim graph DEFINITION`: the state machine as a picture (SVG, DOT or Mermaid), with the
//! simulated path when asked for (`--simulate`, or a test case of a mock file).

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::engine::{run, RunOptions};
use asl_sim::picture::{dot, graph, svg};
use asl_sim::syntax::Format;

use crate::mock_file::definition_name;
use crate::render;
use crate::run::load_mocks;
use crate::Outcome;

pub fn main(args: &[String]) -> Outcome {
    let mut stderr = std::io::stderr().lock();
    let mut file = None;
    let (mut format, mut output) = ("svg".to_string(), None);
    let (mut mocks, mut test_case, mut machine, mut input) = (None, None, None, None);
    let mut simulate = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or(format!("{name} needs a value"));
        let parsed = match arg.as_str() {
            "--format" => value("--format").map(|v| format = v),
            "-o" | "--output" => value("-o").map(|v| output = Some(v)),
            "--mocks" => value("--mocks").map(|v| mocks = Some(v)),
            "--test-case" => value("--test-case").map(|v| test_case = Some(v)),
            "--state-machine" => value("--state-machine").map(|v| machine = Some(v)),
            "--input" => value("--input").map(|v| input = Some(v)),
            "--simulate" => {
                simulate = true;
                Ok(())
            }
            flag if flag.starts_with("--") => Err(format!("unknown option `{flag}`")),
            name if file.is_none() => {
                file = Some(name.to_string());
                Ok(())
            }
            extra => Err(format!("one definition at a time (also got `{extra}`)")),
        };
        if let Err(e) = parsed {
            let _ = writeln!(stderr, "asl-sim graph: {e}");
            return Outcome::Usage;
        }
    }
    let Some(file) = file else {
        let _ = writeln!(stderr, "asl-sim graph: name the definition to draw");
        return Outcome::Usage;
    };
    if !matches!(format.as_str(), "svg" | "dot" | "mermaid") {
        let _ = writeln!(
            stderr,
            "asl-sim graph: --format takes svg, dot or mermaid, not `{format}`"
        );
        return Outcome::Usage;
    }
    if mocks.is_some() != test_case.is_some() {
        let _ = writeln!(stderr, "asl-sim graph: --mocks and --test-case go together");
        return Outcome::Usage;
    }
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(stderr, "asl-sim graph: {file}: {e}");
            return Outcome::Usage;
        }
    };
    let checked = check(&text, Format::from_path(&file), CheckOptions::default());
    let simulate = simulate || mocks.is_some();
    if simulate
        && render::refused_for_errors("graph", "simulate", &file, &text, &checked.diagnostics)
    {
        return Outcome::Usage;
    }
    let simulated = if simulate {
        let name = definition_name(&file);
        let mocks_file = mocks.clone();
        let mocks = match (&mocks, &test_case) {
            (Some(f), Some(case)) => {
                match load_mocks(f, case, machine.as_deref(), &name, &checked.machine) {
                    Ok(m) => Some(m),
                    Err(message) => {
                        let _ = writeln!(stderr, "asl-sim graph: {message}");
                        return Outcome::Usage;
                    }
                }
            }
            _ => None,
        };
        // Without --input, the test case's own (its Expectations' `Input`), as `asl-sim test`.
        let case_input = || {
            crate::mock_file::MockFile::case_input(
                mocks_file.as_deref()?,
                machine.as_deref(),
                &name,
                test_case.as_deref()?,
            )
        };
        let input = match input.as_deref().map(serde_json::from_str) {
            None => case_input().unwrap_or_else(|| serde_json::json!({})),
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                let _ = writeln!(stderr, "asl-sim graph: the input is not JSON: {e}");
                return Outcome::Usage;
            }
        };
        let options = RunOptions {
            input: input.into(),
            mocks,
            state_machine_name: name,
            ..RunOptions::default()
        };
        let execution = run(&checked.tree, &checked.machine, &options);
        let facts =
            asl_sim::simulation::explain(&checked.tree, &checked.machine, &options, &execution);
        Some((execution, facts))
    } else {
        None
    };
    let root = graph(
        &checked.tree,
        &checked.machine,
        simulated.as_ref().map(|(e, f)| (e, f.as_slice())),
    );
    let drawing = match format.as_str() {
        "dot" => dot::to_dot(&root),
        "mermaid" => dot::to_mermaid(&root),
        _ => svg::to_svg(&root),
    };
    let written = match &output {
        Some(path) => std::fs::write(path, drawing),
        None => std::io::stdout().lock().write_all(drawing.as_bytes()),
    };
    if let Err(e) = written {
        let _ = writeln!(
            stderr,
            "asl-sim graph: writing {}: {e}",
            output.as_deref().unwrap_or("stdout")
        );
        return Outcome::Usage;
    }
    Outcome::Ok
}
