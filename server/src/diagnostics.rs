//! textDocument/publishDiagnostics: the checker's findings and, when the definition is sound,
//! the simulation's report on each state (one run per test case of the mock file beside the
//! document, or one unmocked run). A pure function of the text: the server decides what to
//! publish.

use std::path::Path;

use asl_sim::engine::RunOptions;
use asl_sim::syntax::{Format, LineIndex, PositionEncoding, TextRange};
use asl_sim::{check, CheckOptions, Severity};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::positions;

/// One version of a document, checked and simulated: what diagnostics publish and what hover
/// reads, kept by the server until the next version.
pub struct Analysis {
    pub version: i32,
    pub checked: asl_sim::analysis::Checked,
    /// The simulation's report (empty when the checker found errors).
    pub facts: Vec<asl_sim::Diagnostic>,
}

/// Check the text and, when it has no errors, simulate it. `open_mocks` is the text of its mock
/// file when the editor has it open (unsaved edits count); otherwise the file is read from disk.
pub fn analyse(
    uri: &Uri,
    text: &str,
    format: Format,
    version: i32,
    open_mocks: Option<&str>,
) -> Analysis {
    let checked = check(text, format, CheckOptions::default());
    let facts = if checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        Vec::new()
    } else {
        simulate(uri, &checked, open_mocks)
    };
    Analysis {
        version,
        checked,
        facts,
    }
}

/// Everything to publish for an analysis of `text`.
pub fn to_lsp(
    uri: &Uri,
    text: &str,
    analysis: &Analysis,
    encoding: PositionEncoding,
) -> Vec<Diagnostic> {
    let found = analysis
        .checked
        .diagnostics
        .iter()
        .chain(&analysis.facts)
        .cloned();
    convert(uri, text, found, encoding)
}

/// A mock file's problems (`asl_sim::mocks::check_file`), to publish on it.
pub fn mock_file(uri: &Uri, text: &str, encoding: PositionEncoding) -> Vec<Diagnostic> {
    let mut found = asl_sim::mocks::check_file(text);
    // A response several test cases use is reported once.
    found.dedup_by(|a, b| a.range == b.range && a.message == b.message);
    convert(uri, text, found.into_iter(), encoding)
}

/// Is this document a mock file rather than a definition?
pub fn is_mock_file(uri: &Uri) -> bool {
    let path = uri.as_str();
    path.ends_with(".mocks.json") || path.ends_with("/MockConfigFile.json")
}

/// The mock files a definition reads, in order of preference.
pub fn mock_files_of(uri: &Uri) -> Vec<String> {
    let path = uri.as_str();
    let Some((dir, _)) = path.rsplit_once('/') else {
        return Vec::new();
    };
    let name = asl_sim::mocks::definition_name(path);
    asl_sim::mocks::sibling_file_names(&name)
        .iter()
        .map(|file| format!("{dir}/{file}"))
        .collect()
}

/// The names of every state of the definition a mock file serves, nested ones included: from
/// the definition open in the editor (`open`), else `NAME.asl.json|yaml|yml` beside
/// `NAME.mocks.json` on disk.
pub fn states_for_mock_file(uri: &Uri, open: Option<(String, Format)>) -> Vec<String> {
    let (text, format) = match open {
        Some(found) => found,
        None => {
            let Some(path) = uri.to_file_path() else {
                return Vec::new();
            };
            let Some(stem) = path
                .to_str()
                .and_then(|p| p.strip_suffix(".mocks.json"))
                .map(str::to_string)
            else {
                return Vec::new();
            };
            let Some(found) = [".asl.json", ".asl.yaml", ".asl.yml"]
                .iter()
                .find_map(|ext| {
                    let file = format!("{stem}{ext}");
                    std::fs::read_to_string(&file)
                        .ok()
                        .map(|t| (t, Format::from_path(&file)))
                })
            else {
                return Vec::new();
            };
            found
        }
    };
    let parsed = asl_sim::syntax::parse(&text, format);
    let machine = asl_sim::model::StateMachine::from_tree(parsed.tree.root());
    machine
        .all_states()
        .into_iter()
        .map(|s| s.name.value.to_string())
        .collect()
}

fn convert(
    uri: &Uri,
    text: &str,
    found: impl Iterator<Item = asl_sim::Diagnostic>,
    encoding: PositionEncoding,
) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let range = |r: TextRange| positions::range(&index, text, r, encoding);
    found
        .map(|d| Diagnostic {
            range: range(d.range),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Information => DiagnosticSeverity::INFORMATION,
                Severity::Hint => DiagnosticSeverity::HINT,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("asl-sim".into()),
            message: d.message,
            related_information: (!d.related.is_empty()).then(|| {
                d.related
                    .into_iter()
                    .map(|r| DiagnosticRelatedInformation {
                        location: Location::new(uri.clone(), range(r.range)),
                        message: r.message,
                    })
                    .collect()
            }),
            ..Diagnostic::default()
        })
        .collect()
}

/// The simulation's report: per test case of the mock file beside the document (named in the
/// message when there are several), else one run with the default mocks.
fn simulate(
    uri: &Uri,
    checked: &asl_sim::analysis::Checked,
    open_mocks: Option<&str>,
) -> Vec<asl_sim::Diagnostic> {
    let cases = uri
        .to_file_path()
        .and_then(|path| mock_cases(&path, open_mocks))
        .unwrap_or_default();
    if cases.is_empty() {
        return asl_sim::simulation::simulate(
            &checked.tree,
            &checked.machine,
            &RunOptions::default(),
        );
    }
    let several = cases.len() > 1;
    let mut out: Vec<asl_sim::Diagnostic> = Vec::new();
    let mut not_reached: Vec<(TextRange, usize)> = Vec::new();
    for (name, mocks) in &cases {
        let options = RunOptions {
            mocks: Some(mocks.clone()),
            ..RunOptions::default()
        };
        for mut d in asl_sim::simulation::simulate(&checked.tree, &checked.machine, &options) {
            if d.code == "simulation-not-reached" {
                match not_reached.iter_mut().find(|(r, _)| *r == d.range) {
                    Some((_, n)) => *n += 1,
                    None => not_reached.push((d.range, 1)),
                }
                continue;
            }
            if several {
                d.message = format!("[{name}] {}", d.message);
            }
            out.push(d);
        }
    }
    // Unreached only if no test case reached it.
    for (range, n) in not_reached {
        if n == cases.len() {
            out.push(asl_sim::Diagnostic {
                code: "simulation-not-reached",
                severity: Severity::Hint,
                range,
                message: "No test case's simulation reached this state.".into(),
                related: Vec::new(),
                suggestion: None,
            });
        }
    }
    out
}

/// The test cases of `NAME.mocks.json` (or `MockConfigFile.json`) beside `NAME.asl.json`.
fn mock_cases(
    definition: &Path,
    open_mocks: Option<&str>,
) -> Option<Vec<(String, asl_sim::mocks::TestCase)>> {
    let name = asl_sim::mocks::definition_name(definition.to_str()?);
    let dir = definition.parent()?;
    let text = match open_mocks {
        Some(text) => text.to_string(),
        None => asl_sim::mocks::sibling_file_names(&name)
            .iter()
            .find_map(|f| std::fs::read_to_string(dir.join(f)).ok())?,
    };
    let config: serde_json::Value = serde_json::from_str(&text).ok()?;
    let machine = asl_sim::mocks::machine_name(&config, None, &name);
    let (_, cases) = asl_sim::mocks::state_machines(&config)
        .into_iter()
        .find(|(m, _)| *m == machine)?;
    Some(
        cases
            .into_iter()
            .filter_map(|case| {
                let mocks = asl_sim::mocks::test_case(&config, &machine, &case).ok()?;
                Some((case, mocks))
            })
            .collect(),
    )
}
