//! A definition's text built from pieces of another text, with where each piece came from.
//!
//! Every byte of the built text belongs to one segment. An *exact* segment was copied character
//! for character (an offset inside it maps to the same offset inside its source); any other
//! segment (an escape `\"`, a substituted value, the quotes and commas a rendering adds) maps as
//! a whole to its source range. Segments are kept in source order, so both directions are a
//! binary search.

use crate::diagnostic::Diagnostic;
use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    /// Start in the built text; the segment runs to the next one's start.
    out: u32,
    source: TextRange,
    exact: bool,
}

/// How a literal `${` is written in a text [`Mapped::substitute`] works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escapes {
    /// No way (`DefinitionSubstitutions`).
    None,
    /// `${!Name}` is the literal `${Name}` (`Fn::Sub`).
    Bang,
    /// `$${` is a literal `${` (Terraform's `templatefile`).
    DoubledDollar,
}

/// Text with the source range of every piece of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapped {
    pub text: String,
    segments: Vec<Segment>,
}

impl Mapped {
    pub fn new() -> Self {
        Self::default()
    }

    /// `s`, copied from the source at `source_start`.
    pub fn exact(s: &str, source_start: usize) -> Self {
        let mut m = Self::new();
        m.push_exact(s, source_start);
        m
    }

    /// `s`, standing for the source's `source` as a whole.
    pub fn opaque(s: &str, source: TextRange) -> Self {
        let mut m = Self::new();
        m.push_opaque(s, source);
        m
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Append `s`, copied from the source at `source_start`.
    pub fn push_exact(&mut self, s: &str, source_start: usize) {
        if s.is_empty() {
            return;
        }
        let source = TextRange::new(source_start, source_start + s.len());
        if let Some(last) = self.segments.last() {
            let last_len = self.text.len() as u32 - last.out;
            if last.exact && last.source.start + last_len == source.start {
                self.text.push_str(s);
                self.segments.last_mut().expect("checked").source.end = source.end;
                return;
            }
        }
        self.push_segment(s, source, true);
    }

    /// Append `s`, standing for the source's `source` as a whole.
    pub fn push_opaque(&mut self, s: &str, source: TextRange) {
        if s.is_empty() {
            return;
        }
        self.push_segment(s, source, false);
    }

    fn push_segment(&mut self, s: &str, mut source: TextRange, exact: bool) {
        // Source order is what the searches rely on: a piece from before the last one is
        // pinned to the last one's end.
        if let Some(last) = self.segments.last() {
            if source.start < last.source.end {
                let end = source.end.max(last.source.end);
                source = TextRange::new(last.source.end as usize, end as usize);
                if exact && source.len() != s.len() {
                    return self.push_segment(s, source, false);
                }
            }
        }
        self.segments.push(Segment {
            out: self.text.len() as u32,
            source,
            exact,
        });
        self.text.push_str(s);
    }

    /// Append another mapped text.
    pub fn append(&mut self, other: &Mapped) {
        self.append_slice(other, 0, other.len());
    }

    /// Append `other.text[start..end]` with its sources.
    pub fn append_slice(&mut self, other: &Mapped, start: usize, end: usize) {
        let mut at = start;
        while at < end {
            let i = other.segment_at(at);
            let seg = other.segments[i];
            let seg_end = other.segment_end(i).min(end);
            let piece = &other.text[at..seg_end];
            if seg.exact {
                let offset = at - seg.out as usize;
                self.push_exact(piece, seg.source.start as usize + offset);
            } else {
                self.push_opaque(piece, seg.source);
            }
            at = seg_end;
        }
    }

    fn segment_end(&self, i: usize) -> usize {
        self.segments
            .get(i + 1)
            .map_or(self.text.len(), |s| s.out as usize)
    }

    /// The segment holding the byte at `offset` (the last one at the text's end).
    fn segment_at(&self, offset: usize) -> usize {
        self.segments
            .partition_point(|s| s.out as usize <= offset)
            .saturating_sub(1)
    }

    /// The source range of `self.text[start..end]`.
    pub fn source_range(&self, range: TextRange) -> TextRange {
        if self.segments.is_empty() {
            return TextRange::empty(0);
        }
        let (start, end) = (range.start as usize, range.end as usize);
        let from = self.source_start(start.min(self.text.len()));
        if end <= start {
            return TextRange::empty(from);
        }
        let last = self.segment_at(end - 1);
        let seg = self.segments[last];
        let to = if seg.exact {
            seg.source.start as usize + (end - seg.out as usize).min(seg.source.len())
        } else {
            seg.source.end as usize
        };
        TextRange::new(from, to.max(from))
    }

    fn source_start(&self, offset: usize) -> usize {
        if offset >= self.text.len() {
            return self.segments.last().map_or(0, |s| s.source.end as usize);
        }
        let seg = self.segments[self.segment_at(offset)];
        if seg.exact {
            seg.source.start as usize + (offset - seg.out as usize)
        } else {
            seg.source.start as usize
        }
    }

    /// The offset in the built text of the source's `offset` (a cursor): inside an exact piece,
    /// the same character; elsewhere, the start of the piece it falls in or follows.
    pub fn built_offset(&self, offset: usize) -> Option<usize> {
        let after = self
            .segments
            .partition_point(|s| s.source.start as usize <= offset);
        let seg = self.segments.get(after.checked_sub(1)?)?;
        if (offset as u32) > seg.source.end {
            let next = self.segments.get(after)?;
            return Some(next.out as usize);
        }
        // A cursor at an exact piece's end may sit where the next piece starts: prefer the
        // piece it ends (the string being typed).
        let seg = match after.checked_sub(2).map(|i| self.segments[i]) {
            Some(prev) if prev.exact && prev.source.end as usize == offset && !seg.exact => prev,
            _ => *seg,
        };
        Some(if seg.exact {
            seg.out as usize + (offset - seg.source.start as usize)
        } else {
            seg.out as usize
        })
    }

    /// Whether the byte at `offset` was copied from the source as it stands.
    fn is_exact_at(&self, offset: usize) -> bool {
        !self.segments.is_empty() && self.segments[self.segment_at(offset)].exact
    }

    /// `${Name}` replaced where `lookup(Name, its source range)` gives a value (mapped as a
    /// whole to the `${...}`); kept where it gives none. Only text copied from the source is
    /// looked at: a value put in by an earlier substitution is not substituted again.
    /// `escapes` says how a literal `${` is written.
    pub fn substitute(
        &self,
        escapes: Escapes,
        mut lookup: impl FnMut(&str, TextRange) -> Option<String>,
    ) -> Mapped {
        let mut out = Mapped::new();
        let mut copied = 0;
        let mut from = 0;
        while let Some(at) = self.text[from..].find("${").map(|i| i + from) {
            from = at + 2;
            let Some(close) = self.text[from..].find('}').map(|i| i + from) else {
                break;
            };
            if !self.is_exact_at(at) {
                continue;
            }
            let doubled =
                at > 0 && self.text.as_bytes()[at - 1] == b'$' && self.is_exact_at(at - 1);
            if escapes == Escapes::DoubledDollar && doubled {
                // `$${`: the first `$` dropped, the rest kept as written (each character at
                // its place), nothing substituted.
                out.append_slice(self, copied, at - 1);
                copied = at;
                continue;
            }
            let name = &self.text[at + 2..close];
            let placeholder = self.source_range(TextRange::new(at, close + 1));
            let replacement = match name.strip_prefix('!') {
                Some(literal) if escapes == Escapes::Bang => Some(format!("${{{literal}}}")),
                _ => lookup(name, placeholder),
            };
            if let Some(value) = replacement {
                out.append_slice(self, copied, at);
                out.push_opaque(&value, placeholder);
                copied = close + 1;
            }
            from = close + 1;
        }
        out.append_slice(self, copied, self.len());
        out
    }

    /// Append `m` as a JSON string (quoted and escaped), the quotes at `range`'s ends.
    pub fn push_json_string(&mut self, m: &Mapped, range: TextRange) {
        self.push_opaque("\"", TextRange::empty(range.start as usize));
        let mut copied = 0;
        for (i, c) in m.text.char_indices() {
            if !matches!(c, '"' | '\\' | '\u{0}'..='\u{1f}') {
                continue;
            }
            self.append_slice(m, copied, i);
            let escaped = serde_json::to_string(&c.to_string()).unwrap_or_default();
            let source = m.source_range(TextRange::new(i, i + c.len_utf8()));
            self.push_opaque(&escaped[1..escaped.len() - 1], source);
            copied = i + c.len_utf8();
        }
        self.append_slice(m, copied, m.len());
        self.push_opaque("\"", TextRange::empty(range.end as usize));
    }

    /// Move a diagnostic found in the built text onto the source.
    pub fn map_diagnostic(&self, d: &mut Diagnostic) {
        d.range = self.source_range(d.range);
        for related in &mut d.related {
            related.range = self.source_range(related.range);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_pieces_map_each_character_and_opaque_ones_as_a_whole() {
        // Built: `{"a":VALUE}` from source `xx{"a":${V}}` (the value substituted for `${V}`).
        let mut m = Mapped::exact("{\"a\":", 2);
        m.push_opaque("VALUE", TextRange::new(7, 11));
        m.push_exact("}", 11);
        assert_eq!(m.text, "{\"a\":VALUE}");
        assert_eq!(m.source_range(TextRange::new(1, 4)), TextRange::new(3, 6));
        assert_eq!(m.source_range(TextRange::new(6, 8)), TextRange::new(7, 11));
        assert_eq!(m.source_range(TextRange::new(0, 11)), TextRange::new(2, 12));
        assert_eq!(m.built_offset(4), Some(2));
        assert_eq!(m.built_offset(9), Some(5));
        assert_eq!(m.built_offset(11), Some(10));
        let mut sliced = Mapped::new();
        sliced.append_slice(&m, 2, 7);
        assert_eq!(sliced.text, "a\":VA");
        assert_eq!(
            sliced.source_range(TextRange::new(0, 5)),
            TextRange::new(4, 11)
        );
    }

    #[test]
    fn a_doubled_dollar_is_a_literal_placeholder_mapped_to_its_own_characters() {
        let source = r#"{"a": "$${keep}", "b": "${v}"}"#;
        let m = Mapped::exact(source, 0);
        let mut asked = Vec::new();
        let out = m.substitute(Escapes::DoubledDollar, |name, _| {
            asked.push(name.to_string());
            Some("V".into())
        });
        assert_eq!(out.text, r#"{"a": "${keep}", "b": "V"}"#);
        assert_eq!(asked, ["v"]);
        // `keep` in the output maps to `keep` in the source, one character further on.
        let built = out.text.find("keep").expect("there");
        let at = source.find("keep").expect("there");
        assert_eq!(
            out.source_range(TextRange::new(built, built + 4)),
            TextRange::new(at, at + 4)
        );
        assert_eq!(out.built_offset(at), Some(built));
        // Elsewhere a doubled dollar is no escape.
        let plain = m.substitute(Escapes::None, |_, _| Some("V".into()));
        assert_eq!(plain.text, r#"{"a": "$V", "b": "V"}"#);
    }
}
