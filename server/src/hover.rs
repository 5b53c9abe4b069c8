//! textDocument/hover: a field's documentation, a Resource's service and pattern, and on a
//! state's name, what the simulation says about it (`asl_sim::ide::hover`).

use asl_sim::syntax::{Format, LineIndex, PositionEncoding};
use asl_sim::{check, CheckOptions, Severity};
use tower_lsp_server::ls_types::{
    Hover, HoverContents, MarkupContent, MarkupKind, Position, Range, Uri,
};

use crate::diagnostics;

pub fn hover(
    uri: &Uri,
    text: &str,
    format: Format,
    position: Position,
    encoding: PositionEncoding,
) -> Option<Hover> {
    let index = LineIndex::new(text);
    let offset = index.offset(
        text,
        asl_sim::syntax::Position {
            line: position.line,
            character: position.character,
        },
        encoding,
    );
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
    let (start, end) = index.range(text, info.range, encoding);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(Range::new(
            Position::new(start.line, start.character),
            Position::new(end.line, end.character),
        )),
    })
}
