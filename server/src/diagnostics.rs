//! textDocument/publishDiagnostics: the checker's findings and, when the definition is sound,
//! the simulation's report on each state (one run per test case of the mock file beside the
//! document, or one unmocked run). A pure function of the text: the server decides what to
//! publish.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use asl_sim::engine::RunOptions;
use asl_sim::syntax::{Format, TextRange};
use asl_sim::{CheckOptions, Severity};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::document::Snapshot;

/// One version of a document, checked and simulated: what diagnostics publish and what hover
/// reads, kept by the server until the next version.
pub struct Analysis {
    pub version: i32,
    pub checked: asl_sim::analysis::Checked,
    /// The simulation's report (empty when the checker found errors).
    pub facts: Vec<asl_sim::Diagnostic>,
    /// The simulation's runs: one per test case simulated, or one unmocked (none when the
    /// checker found errors).
    pub runs: Vec<Run>,
    /// Whether simulation was asked for (`asl.simulateOnChange` off: edits only check).
    pub simulated: bool,
}

pub struct Run {
    pub test_case: Option<String>,
    pub execution: asl_sim::engine::Execution,
    /// For a test case: every way its execution differs from what it expects (empty: it
    /// passes). `None` for the unmocked run.
    pub problems: Option<Vec<String>>,
}

/// Where a definition's mocks come from: its mock files in order of preference (the first
/// that exists is read), the text of one the editor has open (unsaved edits count), the
/// test case to run (default: each), and the folder standing for S3.
#[derive(Default)]
pub struct MockSource {
    /// The definition's name (`order` for `order.asl.json`): the state machine to look up.
    pub definition: String,
    pub files: Vec<String>,
    pub open_text: Option<String>,
    pub test_case: Option<String>,
    /// `asl.s3Root`: the folder standing for S3 (a test case's own S3Root / S3Objects first).
    pub s3_root: Option<std::path::PathBuf>,
}

/// Check the text and, when it has no errors and `simulate` is set, simulate it with its mocks.
/// `cancelled` stops the simulation early when a newer text supersedes this one.
pub fn analyse(
    doc: &Snapshot,
    mocks: &MockSource,
    simulate: bool,
    cancelled: Option<&Arc<AtomicBool>>,
) -> Analysis {
    let checked = Analysis::checked_only(doc, false);
    if simulate {
        checked.simulated(mocks, cancelled)
    } else {
        checked
    }
}

impl Analysis {
    /// The checker's findings alone: what is published first, before any simulation.
    /// `deny_warnings`: warnings are shown as errors (`asl.denyWarnings`).
    pub fn checked_only(doc: &Snapshot, deny_warnings: bool) -> Analysis {
        let mut checked = checked(doc);
        if deny_warnings {
            asl_sim::analysis::deny_warnings(&mut checked.diagnostics);
        }
        Analysis {
            version: doc.version,
            checked,
            facts: Vec::new(),
            runs: Vec::new(),
            simulated: false,
        }
    }

    /// Whether a simulation may run: only what AWS itself refuses at creation stops one
    /// (analysis/codes.rs).
    pub fn can_simulate(&self) -> bool {
        !asl_sim::analysis::stops_run(&self.checked.diagnostics)
    }

    /// This analysis with the simulation's report and runs added (none when the checker found
    /// errors).
    pub fn simulated(self, mocks: &MockSource, cancelled: Option<&Arc<AtomicBool>>) -> Analysis {
        let (facts, runs) = if self.can_simulate() {
            simulate(&self.checked, mocks, cancelled)
        } else {
            (Vec::new(), Vec::new())
        };
        Analysis {
            facts,
            runs,
            simulated: true,
            ..self
        }
    }
}

/// The checker's findings on a version, from the parse its requests share (parsed once).
pub fn checked(doc: &Snapshot) -> asl_sim::analysis::Checked {
    asl_sim::analysis::check_parsed(&doc.text, doc.parse().clone(), CheckOptions::default())
}

/// Everything to publish for an analysis of `text`; `source` says what produced each one
/// (`asl` for the checker, `asl simulation` for the simulation).
pub fn to_lsp(uri: &Uri, doc: &Snapshot, analysis: &Analysis) -> Vec<Diagnostic> {
    let mut published = convert(
        uri,
        doc,
        analysis.checked.diagnostics.iter().cloned(),
        CHECKER,
    );
    published.extend(convert(
        uri,
        doc,
        analysis.facts.iter().cloned(),
        SIMULATION,
    ));
    published
}

/// The `source` of the checker's diagnostics.
pub const CHECKER: &str = "asl";
/// The `source` of the simulation's.
pub const SIMULATION: &str = "asl simulation";

/// A mock file's problems (`asl_sim::mocks::check_file`), to publish on it.
pub fn mock_file(uri: &Uri, doc: &Snapshot) -> Vec<Diagnostic> {
    let mut found = asl_sim::mocks::check_file(&doc.text);
    // A response several test cases use is reported once.
    found.dedup_by(|a, b| a.range == b.range && a.message == b.message);
    convert(uri, doc, found.into_iter(), CHECKER)
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

pub fn convert(
    uri: &Uri,
    doc: &Snapshot,
    found: impl Iterator<Item = asl_sim::Diagnostic>,
    source: &str,
) -> Vec<Diagnostic> {
    let range = |r: TextRange| doc.range(r);
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
            source: Some(source.into()),
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

/// The simulation's report and runs: each test case of the mock file run as `asl-sim test`
/// runs it (`asl_sim::test_cases`; named in the message when there are several), else one run
/// with the default mocks and `{}` as input.
fn simulate(
    checked: &asl_sim::analysis::Checked,
    mocks: &MockSource,
    cancelled: Option<&Arc<AtomicBool>>,
) -> (Vec<asl_sim::Diagnostic>, Vec<Run>) {
    // Superseded by a newer text: what is left would be dropped unread.
    let superseded = || {
        cancelled
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    };
    let (cases, mut out) = mock_cases(checked, mocks);
    if cases.is_empty() {
        let options = RunOptions {
            cancelled: cancelled.cloned(),
            s3: asl_sim::engine::S3Source {
                root: mocks.s3_root.clone(),
                ..asl_sim::engine::S3Source::default()
            },
            ..RunOptions::default()
        };
        let execution = asl_sim::engine::run(&checked.tree, &checked.machine, &options);
        if superseded() {
            return (Vec::new(), Vec::new());
        }
        out.extend(asl_sim::simulation::explain(
            &checked.tree,
            &checked.machine,
            &options,
            &execution,
        ));
        let run = Run {
            test_case: None,
            execution,
            problems: None,
        };
        return (out, vec![run]);
    }
    let several = cases.len() > 1;
    let mut runs = Vec::new();
    let mut not_reached: Vec<(TextRange, usize)> = Vec::new();
    for mut case in cases {
        case.options.cancelled = cancelled.cloned();
        let outcome = asl_sim::test_cases::run_case(&checked.tree, &checked.machine, &case);
        if superseded() {
            return (Vec::new(), Vec::new());
        }
        let facts = asl_sim::simulation::explain(
            &checked.tree,
            &checked.machine,
            &case.options,
            &outcome.execution,
        );
        for mut d in facts {
            if d.code == "simulation-not-reached" {
                match not_reached.iter_mut().find(|(r, _)| *r == d.range) {
                    Some((_, n)) => *n += 1,
                    None => not_reached.push((d.range, 1)),
                }
                continue;
            }
            // A failure the test case expects is what it tests, not a warning.
            if d.code == "simulation-end" && outcome.passed() {
                d.severity = Severity::Information;
                d.message.push_str(" The test case expects this.");
            }
            if several {
                d.message = format!("[{}] {}", case.name, d.message);
            }
            out.push(d);
        }
        runs.push(Run {
            test_case: Some(case.name),
            execution: outcome.execution,
            problems: Some(outcome.problems),
        });
    }
    // Unreached only if no test case reached it.
    for (range, n) in not_reached {
        if n == runs.len() {
            out.push(asl_sim::Diagnostic {
                code: "simulation-not-reached",
                severity: Severity::Hint,
                range,
                message: if several {
                    "No test case's simulation reached this state.".into()
                } else {
                    "The simulation never reached this state.".into()
                },
                related: Vec::new(),
                suggestion: None,
            });
        }
    }
    (out, runs)
}

/// The test cases to run, from the first mock file that exists (or the open one), for the
/// state machine named like the definition, prepared as `asl-sim test` prepares them; and a
/// warning when the mock file cannot be used or `asl.testCase` names none of its cases.
fn mock_cases(
    checked: &asl_sim::analysis::Checked,
    mocks: &MockSource,
) -> (Vec<asl_sim::test_cases::Case>, Vec<asl_sim::Diagnostic>) {
    let read = |uri: &String| {
        let path = uri.parse::<Uri>().ok()?.to_file_path()?.into_owned();
        let text = std::fs::read_to_string(&path).ok()?;
        Some((path.display().to_string(), text))
    };
    let Some((file, text)) = mocks
        .open_text
        .clone()
        .map(|t| ("the open mock file".to_string(), t))
        .or_else(|| mocks.files.iter().find_map(read))
    else {
        return (Vec::new(), Vec::new());
    };
    let at_start = checked
        .tree
        .root()
        .get("StartAt")
        .map_or(TextRange::empty(0), asl_sim::syntax::Node::range);
    let unusable = |why: String| {
        let message = format!("{file}: {why}; simulated without its mocks, with `{{}}` as input.");
        (
            Vec::new(),
            vec![asl_sim::Diagnostic::warning("mock-file", at_start, message)],
        )
    };
    let config = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(config) => config,
        Err(e) => return unusable(format!("the mock file is not JSON: {e}")),
    };
    let machine = asl_sim::mocks::machine_name(&config, None, &mocks.definition);
    // A test case's S3Objects files are relative to the mock file's folder (the configured
    // file's, or the definition's, where its sibling mock files are).
    let mock_dir = mocks
        .files
        .first()
        .and_then(|uri| {
            uri.parse::<Uri>()
                .ok()?
                .to_file_path()
                .map(std::borrow::Cow::into_owned)
        })
        .and_then(|path| path.parent().map(std::path::Path::to_path_buf));
    let settings = asl_sim::test_cases::RunSettings {
        s3_root: mocks.s3_root.clone(),
        mock_dir,
        ..asl_sim::test_cases::RunSettings::default()
    };
    let cases = match asl_sim::test_cases::prepare(&config, &machine, &checked.machine, &settings) {
        Ok(cases) => cases,
        // A mock file for other state machines only: this definition is simulated unmocked.
        Err(asl_sim::test_cases::SuiteError::NoStateMachine(_)) => return (Vec::new(), Vec::new()),
        Err(asl_sim::test_cases::SuiteError::Mock(errors)) => {
            let each: Vec<String> = errors
                .iter()
                .map(|e| format!("{} (at {})", e.message, e.pointer))
                .collect();
            return unusable(each.join("\n"));
        }
    };
    let Some(case) = &mocks.test_case else {
        return (cases, Vec::new());
    };
    if cases.iter().any(|c| c.name == *case) {
        return (
            cases.into_iter().filter(|c| c.name == *case).collect(),
            Vec::new(),
        );
    }
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let warning = asl_sim::Diagnostic::warning(
        "unknown-test-case",
        at_start,
        format!(
            "`asl.testCase` is `{case}`, but state machine `{machine}` of the mock file has only: {}. Simulating each.",
            names.join(", ")
        ),
    );
    (cases, vec![warning])
}
