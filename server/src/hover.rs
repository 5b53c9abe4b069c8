//! textDocument/hover: a field's documentation, a Resource's service and pattern, and on a
//! state's name, what the simulation says about it (`asl_sim::ide::hover`).

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::diagnostics::Analysis;
use crate::document::Snapshot;

/// Hover on `doc`, whose `analysis` is of the same version.
pub fn hover(doc: &Snapshot, analysis: &Analysis, position: Position) -> Option<Hover> {
    let offset = doc.offset(position);
    let checked = &analysis.checked;
    let runs: Vec<asl_sim::ide::RunView<'_>> = analysis
        .runs
        .iter()
        .map(|run| asl_sim::ide::RunView {
            test_case: run.test_case.as_deref(),
            execution: &run.execution,
        })
        .collect();
    let info = asl_sim::ide::hover(&checked.tree, &checked.machine, &runs, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(doc.range(info.range)),
    })
}
