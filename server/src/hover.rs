//! textDocument/hover: a field's documentation, a Resource's service and pattern, and on a
//! state's name, what the simulation says about it (`asl_sim::ide::hover`).

use asl_sim::syntax::{Format, LineIndex, PositionEncoding};
use asl_sim::{check, CheckOptions, Severity};
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Uri};

use crate::{diagnostics, positions};

pub fn hover(
    uri: &Uri,
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
) -> Option<Hover> {
    let index = LineIndex::new(text);
    let offset = positions::offset(&index, text, position, encoding);
    let checked = check(text, format, CheckOptions::default());
    let facts = if checked
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        Vec::new()
    } else {
        diagnostics::simulate(uri, &checked)
    };
    let info = asl_sim::ide::hover(&checked.tree, &checked.machine, &facts, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(positions::range(&index, text, info.range, encoding)),
    })
}
