//! Ranges inside string values: a path or expression error points at the characters at fault,
//! not the whole string, whenever the string's source text maps one-to-one onto its value.

use crate::syntax::{Node, TextRange};

/// The source range of bytes `[start, end)` of a string node's value.
pub fn inner_range(text: &str, node: Node<'_>, start: usize, end: usize) -> TextRange {
    let Some(value) = node.as_str() else {
        return node.range();
    };
    let range = node.range();
    let raw = &text[range.start as usize..(range.end as usize).min(text.len())];
    // JSON and quoted YAML: one quote either side; plain YAML: none.
    let offset = if raw.len() == value.len() + 2 && &raw[1..raw.len() - 1] == value {
        1
    } else if raw == value {
        0
    } else {
        return node.range();
    };
    let mut end = end.max(start).min(value.len());
    let mut start = start.min(end);
    // Never an empty range: a zero-width marker is hard to see in an editor.
    if end == start {
        end = (start + 1).min(value.len());
    }
    // Offsets from sub-parsers may land inside a character: widen to whole characters.
    while !value.is_char_boundary(start) {
        start -= 1;
    }
    while !value.is_char_boundary(end) {
        end += 1;
    }
    TextRange::new(
        range.start as usize + offset + start,
        range.start as usize + offset + end,
    )
}

/// The first character of a node: where a message about the whole object is anchored.
pub fn head(text: &str, range: TextRange) -> TextRange {
    let start = range.start as usize;
    let len = match text.as_bytes().get(start) {
        Some(b) if b.is_ascii() => 1,
        _ => text[start..].chars().next().map_or(0, char::len_utf8),
    };
    TextRange::new(start, (start + len).min(range.end as usize).max(start))
}
