//! Diagnostics for people (rustc style) and for programs (JSON, LSP conventions).

use std::io::Write;

use asl_sim::diagnostic::count;
use asl_sim::syntax::{LineIndex, PositionEncoding, TextRange};
use asl_sim::{Diagnostic, Severity};
use serde_json::json;

#[derive(Clone, Copy)]
pub enum OutputFormat {
    Human,
    Json,
}

/// Write every file's diagnostics; returns how many errors there were.
pub fn write_report(
    out: &mut impl Write,
    format: OutputFormat,
    reports: &[(String, String, Vec<Diagnostic>)],
) -> usize {
    let errors = reports
        .iter()
        .flat_map(|(_, _, d)| d)
        .filter(|d| d.severity == Severity::Error)
        .count();
    let result = match format {
        OutputFormat::Json => write_json(out, reports),
        OutputFormat::Human => write_human(out, reports, errors, true),
    };
    // A closed pipe (e.g. `| head`) is not worth a panic.
    let _ = result;
    errors
}

fn lsp_range(index: &LineIndex, text: &str, range: TextRange) -> serde_json::Value {
    let (start, end) = index.range(text, range, PositionEncoding::Utf16);
    json!({
        "start": {"line": start.line, "character": start.character},
        "end": {"line": end.line, "character": end.character},
    })
}

fn write_json(
    out: &mut impl Write,
    reports: &[(String, String, Vec<Diagnostic>)],
) -> std::io::Result<()> {
    let mut all = Vec::new();
    for (file, text, diagnostics) in reports {
        let index = LineIndex::new(text);
        for d in diagnostics {
            let mut entry = json!({
                "file": file,
                "range": lsp_range(&index, text, d.range),
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
            });
            if !d.related.is_empty() {
                entry["related"] = d
                    .related
                    .iter()
                    .map(|r| json!({"range": lsp_range(&index, text, r.range), "message": r.message}))
                    .collect();
            }
            all.push(entry);
        }
    }
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// Diagnostics that are not a check's verdict (the simulation's notes): no summary line.
pub fn write_notes(out: &mut impl Write, reports: &[(String, String, Vec<Diagnostic>)]) {
    let _ = write_human(out, reports, 0, false);
}

fn write_human(
    out: &mut impl Write,
    reports: &[(String, String, Vec<Diagnostic>)],
    errors: usize,
    summary: bool,
) -> std::io::Result<()> {
    let mut warnings = 0;
    for (file, text, diagnostics) in reports {
        let index = LineIndex::new(text);
        for d in diagnostics {
            if d.severity == Severity::Warning {
                warnings += 1;
            }
            let (start, end) = index.range(text, d.range, PositionEncoding::Utf8);
            writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message)?;
            let line_text = text.lines().nth(start.line as usize).unwrap_or("");
            let col = line_text
                .get(..start.character as usize)
                .map_or(0, |s| s.chars().count());
            let gutter = (start.line + 1).to_string().len();
            writeln!(
                out,
                "{:gutter$}--> {file}:{}:{}",
                "",
                start.line + 1,
                col + 1
            )?;
            writeln!(out, "{:gutter$} |", "")?;
            writeln!(out, "{} | {}", start.line + 1, line_text.trim_end())?;
            let width = if end.line == start.line {
                line_text
                    .get(start.character as usize..end.character as usize)
                    .map_or(1, |s| s.chars().count().max(1))
            } else {
                line_text.chars().count().saturating_sub(col).max(1)
            };
            writeln!(
                out,
                "{:gutter$} | {}{}",
                "",
                " ".repeat(col),
                "^".repeat(width)
            )?;
            for r in &d.related {
                let p = index.position(text, r.range.start as usize, PositionEncoding::Utf8);
                writeln!(
                    out,
                    "{:gutter$} = note: {} at {file}:{}:{}",
                    "",
                    r.message,
                    p.line + 1,
                    p.character + 1
                )?;
            }
            writeln!(out)?;
        }
    }
    let files = reports.len();
    if !summary || files == 0 {
        Ok(())
    } else if errors == 0 && warnings == 0 {
        writeln!(out, "{} checked: no problems found", count(files, "file"))
    } else {
        writeln!(
            out,
            "{} checked: {}, {}",
            count(files, "file"),
            count(errors, "error"),
            count(warnings, "warning")
        )
    }
}

/// When a report's diagnostics hold an error that stops a run: print them to stderr as `check` does, and
/// that the definition cannot be `action`ed (`run`, `simulate`). Whether it did (the caller then
/// exits 2).
pub fn refused_for_errors(action: &str, report: &crate::source::Report) -> bool {
    // Only what AWS itself refuses at creation stops a run (analysis/codes.rs).
    if !asl_sim::analysis::stops_run(&report.2) {
        return false;
    }
    write_report(
        &mut std::io::stderr().lock(),
        OutputFormat::Human,
        std::slice::from_ref(report),
    );
    crate::messages::error(format!(
        "{}: the definition has errors; fix them to {action} it",
        report.0
    ));
    true
}
