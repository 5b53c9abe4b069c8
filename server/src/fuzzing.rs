//! The request path without the transport, for the fuzz target `lsp_edits`: a document takes
//! arbitrary edits at arbitrary positions (a buggy client's included), and after each, every
//! position-taking feature runs at arbitrary positions. Not an API: it exists so the fuzzer
//! reaches what a client reaches.

use asl_sim::syntax::{Format, PositionEncoding};
use tower_lsp_server::ls_types::{FormattingOptions, Position, Range, Uri};

use crate::diagnostics::{self, MockSource};
use crate::document::Document;
use crate::{code_actions, code_lens, completion, formatting, hover, navigation};

/// One thing a client does.
#[derive(Clone, Debug)]
pub enum Op {
    /// Replace `range` (possibly past the text) with `text`, or the whole text.
    Edit(Option<(u32, u32, u32, u32)>, String),
    /// Every request at this position.
    Ask(u32, u32),
}

/// Open `initial`, then apply each op; panics are the fuzzer's findings.
pub fn session(initial: &str, yaml: bool, utf8: bool, ops: &[Op]) {
    let format = if yaml { Format::Yaml } else { Format::Json };
    let encoding = if utf8 {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    };
    let uri: Uri = "file:///fuzz/machine.asl.json".parse().expect("a URI");
    let mut doc = Document::new(initial, 1, format);
    let mut version = 1;
    for op in ops {
        match op {
            Op::Edit(range, text) => {
                let range = range.map(|(l1, c1, l2, c2)| {
                    Range::new(Position::new(l1, c1), Position::new(l2, c2))
                });
                doc.apply(range, text, encoding);
                version += 1;
                doc.set_version(version);
            }
            Op::Ask(line, character) => {
                let snapshot = doc.snapshot(encoding);
                let at = Position::new(*line, *character);
                let analysis = diagnostics::analyse(&snapshot, &MockSource::default(), true, None);
                let _ = diagnostics::to_lsp(&uri, &snapshot, &analysis);
                let _ = hover::hover(&snapshot, &analysis, at);
                let _ = completion::complete(&snapshot, at, completion::ClientEdits::default());
                let _ = completion::complete_mock_file(
                    &snapshot,
                    &["A".into()],
                    at,
                    completion::ClientEdits::default(),
                );
                let _ = navigation::locations(&uri, &snapshot, at, true);
                let _ = navigation::rename(&uri, &snapshot, at, "B\"\\é");
                let _ = navigation::symbols(&snapshot);
                let _ = code_actions::quick_fixes(
                    &uri,
                    &snapshot,
                    &analysis.checked.diagnostics,
                    Range::new(at, Position::new(line.saturating_add(3), 0)),
                );
                let _ = code_lens::lenses(&uri, &snapshot, &analysis);
                let _ = formatting::format(&snapshot, &FormattingOptions::default());
                let _ = diagnostics::mock_file(&uri, &snapshot);
            }
        }
    }
}
