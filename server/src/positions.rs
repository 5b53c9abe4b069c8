//! LSP positions and ranges ↔ the simulator's byte offsets, in the negotiated encoding.

use asl_sim::syntax::{LineIndex, PositionEncoding, TextRange};
use tower_lsp_server::ls_types::{Position, Range};

/// The byte offset of an LSP position (clamped to the text, as `LineIndex` does).
pub fn offset(
    index: &LineIndex,
    text: &str,
    position: Position,
    encoding: PositionEncoding,
) -> usize {
    index.offset(
        text,
        asl_sim::syntax::Position {
            line: position.line,
            character: position.character,
        },
        encoding,
    )
}

/// The LSP range of a byte range.
pub fn range(index: &LineIndex, text: &str, range: TextRange, encoding: PositionEncoding) -> Range {
    let (start, end) = index.range(text, range, encoding);
    Range::new(
        Position::new(start.line, start.character),
        Position::new(end.line, end.character),
    )
}
