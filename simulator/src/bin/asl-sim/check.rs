//! `asl-sim check FILE...`

use asl_sim::analysis::{check, deny_warnings, CheckOptions};
use asl_sim::syntax::{Format, TextRange};
use asl_sim::Diagnostic;

use crate::render::{self, OutputFormat};
use crate::Outcome;
use crate::{flags, messages, source};

pub const AFTER_HELP: &str = "\
Files named *.asl.yaml, *.asl.yml, *.yaml or *.yml are read as YAML, any other as JSON.
A SAM / CloudFormation / CDK template or a Terraform file (.tf): each state machine in it is
checked, its diagnostics at their places in the template.
Exit status: 0 no errors (warnings allowed, unless --deny-warnings), 1 errors found, 2 usage or\nI/O problem (with --format json, a file that cannot be read is also an `unreadable-file` error\nin the output).";

#[derive(clap::Args)]
pub struct Args {
    /// How to print the diagnostics: for people (rustc style) or as a JSON array (LSP positions)
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// The workflow type whose rules apply (Express: request-response only)
    #[arg(long = "type", value_enum, ignore_case = true, default_value_t)]
    workflow_type: flags::WorkflowType,
    /// Report warnings as errors (and exit 1 for them), for CI
    #[arg(long)]
    deny_warnings: bool,
    /// The definitions to check
    #[arg(value_name = "FILE")]
    files: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    #[value(alias = "text")]
    Human,
    Json,
}

pub fn main(args: &Args) -> Outcome {
    let format = match args.format {
        CheckFormat::Human => OutputFormat::Human,
        CheckFormat::Json => OutputFormat::Json,
    };
    let options = CheckOptions {
        workflow_type: args.workflow_type.into(),
    };
    if args.files.is_empty() {
        return flags::usage_error("check", "name at least one file to check");
    }
    let mut reports = Vec::new();
    let mut unread = 0;
    for file in &args.files {
        let text = match messages::read_text(file) {
            Ok(text) => text,
            Err(problem) => {
                messages::error(&problem);
                unread += 1;
                // A program reading the JSON learns of it too, as a diagnostic of the file.
                if let OutputFormat::Json = format {
                    let message = problem
                        .strip_prefix(&format!("{file}: "))
                        .unwrap_or(&problem);
                    let unreadable =
                        Diagnostic::error("unreadable-file", TextRange::new(0, 0), message);
                    reports.push((file.clone(), String::new(), vec![unreadable]));
                }
                continue;
            }
        };
        if let Some(template) = source::template(file, &text) {
            let mut found = source::check_template(file, &text, &template, options);
            if args.deny_warnings {
                for report in &mut found {
                    deny_warnings(&mut report.2);
                }
            }
            reports.extend(found);
            continue;
        }
        let mut checked = check(&text, Format::from_path(file), options);
        if args.deny_warnings {
            deny_warnings(&mut checked.diagnostics);
        }
        reports.push((file.clone(), text, checked.diagnostics));
    }
    let errors = render::write_report(&mut std::io::stdout().lock(), format, &reports);
    if unread > 0 {
        messages::error(format!(
            "{} could not be read, so {} not checked",
            asl_sim::diagnostic::count(unread, "file"),
            if unread == 1 { "it was" } else { "they were" }
        ));
        Outcome::Usage
    } else if errors > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}
