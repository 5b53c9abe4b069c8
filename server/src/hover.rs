//! textDocument/hover: a field's documentation, a Resource's service and pattern, and on a
//! state's name, what the simulation says about it (`asl_sim::ide::hover`).

use asl_sim::syntax::{LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::diagnostics::Analysis;
use crate::positions;

pub fn hover(
    text: &str,
    analysis: &Analysis,
    position: Position,
    encoding: PositionEncoding,
) -> Option<Hover> {
    let index = LineIndex::new(text);
    let offset = positions::offset(&index, text, position, encoding);
    let checked = &analysis.checked;
    let info = asl_sim::ide::hover(&checked.tree, &checked.machine, &analysis.facts, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(positions::range(&index, text, info.range, encoding)),
    })
}
