//! The text an LSP edit makes, by the protocol's own rules, written apart from the server's
//! rope: the reference that the edit property test and the soak test hold the server to.
#![allow(dead_code)]

use asl_sim::syntax::PositionEncoding;
use tower_lsp_server::ls_types::{Position, Range};

/// The byte offset of an LSP position in `text`, as the protocol defines lines (`\n`,
/// `\r\n`, `\r`) and as the server clamps: past the last line → the end; past a line's end →
/// its end; inside a character → its start.
pub fn reference_offset(text: &str, position: Position, encoding: PositionEncoding) -> usize {
    let mut line_starts = vec![0];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                line_starts.push(i + 2);
                i += 2;
                continue;
            }
            b'\r' | b'\n' => line_starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    let Some(&start) = line_starts.get(position.line as usize) else {
        return text.len();
    };
    let mut remaining = position.character as usize;
    let mut at = start;
    for c in text[start..].chars() {
        let width = match encoding {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
        };
        if c == '\n' || c == '\r' || remaining == 0 || width > remaining {
            break;
        }
        remaining -= width;
        at += c.len_utf8();
    }
    at
}

/// `text` after replacing `range` with `new`, as the protocol (and the server's clamping) says.
pub fn apply(text: &mut String, range: Range, new: &str, encoding: PositionEncoding) {
    let start = reference_offset(text, range.start, encoding);
    let end = reference_offset(text, range.end, encoding).max(start);
    text.replace_range(start..end, new);
}
