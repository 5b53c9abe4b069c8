//! `asl-sim check FILE...`

use std::io::Write;

use asl_sim::analysis::{check, CheckOptions};
use asl_sim::syntax::Format;

use crate::flags;
use crate::render::{self, OutputFormat};
use crate::Outcome;

pub fn main(args: &[String]) -> Outcome {
    let mut format = OutputFormat::Human;
    let mut options = CheckOptions::default();
    let mut files = Vec::new();
    let mut stderr = std::io::stderr().lock();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--format" => match iter.next().map(String::as_str) {
                Some("human" | "text") => format = OutputFormat::Human,
                Some("json") => format = OutputFormat::Json,
                other => {
                    let _ = writeln!(
                        stderr,
                        "asl-sim check: --format takes `human` or `json`, not {other:?}"
                    );
                    return Outcome::Usage;
                }
            },
            "--type" => match flags::workflow_type(iter.next().map_or("", String::as_str)) {
                Ok(workflow_type) => options.workflow_type = workflow_type,
                Err(e) => {
                    let _ = writeln!(stderr, "asl-sim check: {e}");
                    return Outcome::Usage;
                }
            },
            flag if flag.starts_with("--") => {
                let _ = writeln!(stderr, "asl-sim check: unknown option `{flag}`");
                return Outcome::Usage;
            }
            file => files.push(file.to_string()),
        }
    }
    if files.is_empty() {
        let _ = writeln!(stderr, "asl-sim check: name at least one file to check");
        return Outcome::Usage;
    }
    let mut reports = Vec::new();
    let mut unread = 0;
    for file in &files {
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
