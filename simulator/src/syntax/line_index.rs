//! Byte offsets ↔ (line, character) positions, in UTF-16 code units (LSP's default) or UTF-8
//! bytes. Building is linear; each conversion costs a binary search plus the length of one line.

use super::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
}

/// A zero-based line and character, as LSP counts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Lines end as LSP says they do: `\n`, `\r\n` or a lone `\r`.
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(i as u32 + 1);
            }
        }
        Self {
            line_starts,
            len: text.len() as u32,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The position of a byte offset (clamped to the text; an offset inside a multi-byte char
    /// counts from that char's start).
    pub fn position(&self, text: &str, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = offset.min(self.len as usize);
        let line = self.line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let segment = &text[start..end];
        let character = match encoding {
            PositionEncoding::Utf8 => segment.len(),
            PositionEncoding::Utf16 => segment.chars().map(char::len_utf16).sum(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The byte offset of a position. Positions past the end of a line clamp to the line's end
    /// (before its line break), lines past the end clamp to the end of the text, a position
    /// inside a character to its start: LSP asks servers to be lenient with what buggy clients
    /// send.
    pub fn offset(&self, text: &str, position: Position, encoding: PositionEncoding) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.len as usize;
        };
        let start = start as usize;
        let line_end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(self.len as usize, |&next| next as usize);
        let line = &text[start..line_end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let want = position.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            units += match encoding {
                PositionEncoding::Utf8 => c.len_utf8(),
                PositionEncoding::Utf16 => c.len_utf16(),
            };
            if units > want {
                return start + i;
            }
        }
        start + line.len()
    }

    pub fn range(
        &self,
        text: &str,
        range: TextRange,
        encoding: PositionEncoding,
    ) -> (Position, Position) {
        (
            self.position(text, range.start as usize, encoding),
            self.position(text, range.end as usize, encoding),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_count_surrogate_pairs() {
        let text = "{\"a\": \"é😀x\"}\nsecond";
        let index = LineIndex::new(text);
        let x = text.find('x').expect("x is in the text");
        let pos = index.position(text, x, PositionEncoding::Utf16);
        // `{"a": "` is 7 units, é is 1, 😀 is 2.
        assert_eq!(
            pos,
            Position {
                line: 0,
                character: 10
            }
        );
        assert_eq!(index.offset(text, pos, PositionEncoding::Utf16), x);
        let pos8 = index.position(text, x, PositionEncoding::Utf8);
        assert_eq!(pos8.character as usize, x);
        assert_eq!(index.offset(text, pos8, PositionEncoding::Utf8), x);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        let p = Position {
            line: 0,
            character: 99,
        };
        assert_eq!(index.offset(text, p, PositionEncoding::Utf16), 2);
        let p = Position {
            line: 7,
            character: 0,
        };
        assert_eq!(index.offset(text, p, PositionEncoding::Utf16), text.len());
        assert_eq!(
            index.position(text, 999, PositionEncoding::Utf16),
            Position {
                line: 1,
                character: 2
            }
        );
    }
}
