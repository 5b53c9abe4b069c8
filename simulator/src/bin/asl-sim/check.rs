//! `asl-sim check FILE...`

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::syntax::Format;

use crate::flags;
use crate::render::{self, OutputFormat};
use crate::source;
use crate::Outcome;

pub const AFTER_HELP: &str = "\
Files named *.asl.yaml, *.asl.yml, *.yaml or *.yml are read as YAML, any other as JSON.
A SAM / CloudFormation / CDK template or a Terraform file (.tf): each state machine in it is
checked, its diagnostics at their places in the template.
Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O problem.";

#[derive(clap::Args)]
pub struct Args {
    /// How to print the diagnostics: for people (rustc style) or as a JSON array (LSP positions)
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// The workflow type whose rules apply (Express: request-response only)
    #[arg(long = "type", value_enum, ignore_case = true, default_value_t)]
    workflow_type: flags::WorkflowType,
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
    let files = &args.files;
    if files.is_empty() {
        return flags::usage_error("check", "name at least one file to check");
    }
    let mut stderr = std::io::stderr().lock();
    let mut reports = Vec::new();
    let mut unread = 0;
    for file in files {
        let text = match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let _ = writeln!(
                        stderr,
                        "asl-sim check: {file}: not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    );
                    unread += 1;
                    continue;
                }
            },
            Err(e) => {
                let _ = writeln!(stderr, "asl-sim check: {file}: {e}");
                unread += 1;
                continue;
            }
        };
        if let Some(template) = source::template(file, &text) {
            reports.extend(source::check_template(file, &text, &template, options));
            continue;
        }
        let checked = check(&text, Format::from_path(file), options);
        reports.push((file.clone(), text, checked.diagnostics));
    }
    let errors = render::write_report(&mut std::io::stdout().lock(), format, &reports);
    if unread > 0 {
        let _ = writeln!(
            stderr,
            "asl-sim check: {unread} file(s) could not be read, so were not checked"
        );
        Outcome::Usage
    } else if errors > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}
