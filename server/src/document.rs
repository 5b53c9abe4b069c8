//! An open document: its text on a rope, edited in place by incremental changes, and its version;
//! and a snapshot of one version that every request on it shares (its text, line index and
//! parse are computed once per version, not once per request).

use std::sync::{Arc, OnceLock};

use asl_sim::syntax::templates::{Mapped, TemplateKind};
use asl_sim::syntax::{parse, Format, LineIndex, Parse, PositionEncoding, TextRange};
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub format: Format,
    /// A yaml / json / terraform document that is no state machine file: it may be a template
    /// holding state machines (`crate::templates`).
    pub template: Option<TemplateKind>,
    /// The current version's snapshot, made on first request; reset by each change.
    snapshot: OnceLock<Arc<Snapshot>>,
}

/// One version of a document, as requests read it.
pub struct Snapshot {
    pub text: Arc<str>,
    pub format: Format,
    pub version: i32,
    pub encoding: PositionEncoding,
    index: OnceLock<LineIndex>,
    parse: OnceLock<Parse>,
    pub template: Option<TemplateKind>,
    /// A template's state machines, read on first request.
    pub(crate) views: crate::templates::ViewCache,
    /// For one state machine of a template: its definition's text is `text`, and positions
    /// are the template's.
    view: Option<View>,
}

/// Where a state machine's definition text came from in its template.
struct View {
    template_text: Arc<str>,
    template_index: Arc<LineIndex>,
    mapped: Arc<Mapped>,
}

impl Snapshot {
    pub fn new(text: &str, format: Format, version: i32, encoding: PositionEncoding) -> Self {
        Snapshot {
            text: text.into(),
            format,
            version,
            encoding,
            index: OnceLock::new(),
            parse: OnceLock::new(),
            template: None,
            views: crate::templates::ViewCache::default(),
            view: None,
        }
    }

    /// One state machine of the template `template`: its definition text, read and answered
    /// on as a state machine file, its positions the template's.
    pub fn of_definition(template: &Snapshot, mapped: Arc<Mapped>) -> Self {
        let mut snapshot = Snapshot::new(
            &mapped.text,
            Format::Json,
            template.version,
            template.encoding,
        );
        snapshot.view = Some(View {
            template_text: Arc::clone(&template.text),
            template_index: Arc::new(template.index().clone()),
            mapped,
        });
        snapshot
    }

    /// The range this definition's text covers in its template (the whole text otherwise).
    pub fn span_in_template(&self) -> TextRange {
        let whole = TextRange::new(0, self.text.len());
        self.view
            .as_ref()
            .map_or(whole, |v| v.mapped.source_range(whole))
    }

    pub fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn parse(&self) -> &Parse {
        self.parse.get_or_init(|| parse(&self.text, self.format))
    }

    /// The byte offset of an LSP position (clamped to the text, as `LineIndex` does).
    pub fn offset(&self, position: Position) -> usize {
        let at = asl_sim::syntax::Position {
            line: position.line,
            character: position.character,
        };
        match &self.view {
            Some(v) => {
                let offset = v.template_index.offset(&v.template_text, at, self.encoding);
                v.mapped.built_offset(offset).unwrap_or(0)
            }
            None => self.index().offset(&self.text, at, self.encoding),
        }
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: TextRange) -> Range {
        let (start, end) = match &self.view {
            Some(v) => {
                let in_template = v.mapped.source_range(range);
                v.template_index
                    .range(&v.template_text, in_template, self.encoding)
            }
            None => self.index().range(&self.text, range, self.encoding),
        };
        Range::new(
            Position::new(start.line, start.character),
            Position::new(end.line, end.character),
        )
    }
}

impl Document {
    pub fn new(text: &str, version: i32, format: Format) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            format,
            template: None,
            snapshot: OnceLock::new(),
        }
    }

    /// This version as requests read it.
    pub fn snapshot(&self, encoding: PositionEncoding) -> Arc<Snapshot> {
        Arc::clone(self.snapshot.get_or_init(|| {
            let mut snapshot = Snapshot::new(&self.text(), self.format, self.version, encoding);
            snapshot.template = self.template;
            Arc::new(snapshot)
        }))
    }

    /// A new version number after changes.
    pub fn set_version(&mut self, version: i32) {
        self.version = version;
        self.snapshot = OnceLock::new();
    }

    /// Apply one content change: the whole text, or a range replaced. Positions past the end of
    /// a line or of the document are clamped (a client's mistake must not crash the server).
    pub fn apply(&mut self, range: Option<Range>, text: &str, encoding: PositionEncoding) {
        self.snapshot = OnceLock::new();
        match range {
            None => self.rope = Rope::from_str(text),
            Some(range) => {
                let start = self.char_index(range.start, encoding);
                let end = self.char_index(range.end, encoding).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, text);
            }
        }
    }

    /// The char index of an LSP position.
    pub fn char_index(&self, position: Position, encoding: PositionEncoding) -> usize {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let line_start = self.rope.line_to_char(line);
        let mut remaining = position.character as usize;
        let mut chars = 0;
        for c in self.rope.line(line).chars() {
            if remaining == 0 || c == '\n' || c == '\r' {
                break;
            }
            let width = match encoding {
                PositionEncoding::Utf8 => c.len_utf8(),
                PositionEncoding::Utf16 => c.len_utf16(),
            };
            // A position inside a character lands on its start.
            if width > remaining {
                break;
            }
            remaining -= width;
            chars += 1;
        }
        line_start + chars
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}

/// The protocol's own rules, which the property test below holds the rope to.
#[cfg(test)]
#[path = "../tests/editor/lsp_text.rs"]
mod lsp_text;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn incremental_edits_in_utf16_and_clamped_positions() {
        let mut doc = Document::new("{\"a\": \"é😀\"}\n", 1, Format::Json);
        // After the emoji (UTF-16: é=1, 😀=2 → character 10 is after it).
        doc.apply(
            Some(Range::new(at(0, 10), at(0, 10))),
            "!",
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "{\"a\": \"é😀!\"}\n");
        // A range past the end is clamped, not a panic.
        doc.apply(
            Some(Range::new(at(0, 200), at(9, 0))),
            "",
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "{\"a\": \"é😀!\"}");
        doc.apply(None, "{}", PositionEncoding::Utf16);
        assert_eq!(doc.text(), "{}");
    }

    use super::lsp_text::reference_offset;

    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a",
            "{\"k\": 1}",
            "\n",
            "\r\n",
            "\r",
            "é",
            "😀",
            "\u{2028}",
            "\u{85}",
            " ",
            "\"",
            "",
        ])
        .prop_map(str::to_string)
    }

    fn edit() -> impl Strategy<Value = ((u32, u32), (u32, u32), String)> {
        // Positions run past the text's lines and lines' ends, as a buggy client's may.
        (
            (0u32..12, 0u32..14),
            (0u32..12, 0u32..14),
            prop::collection::vec(piece(), 0..4),
        )
            .prop_map(|(a, b, pieces)| (a, b, pieces.concat()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Thousands of incremental edits in all: the rope always equals the text the
        /// protocol's own rules give, in both encodings.
        #[test]
        fn edits_keep_the_rope_equal_to_the_protocols_text(
            initial in prop::collection::vec(piece(), 0..8),
            edits in prop::collection::vec(edit(), 1..20),
            utf8 in any::<bool>(),
        ) {
            let encoding = if utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
            let mut expected = initial.concat();
            let mut doc = Document::new(&expected, 1, Format::Json);
            for ((l1, c1), (l2, c2), new) in edits {
                let range = Range::new(at(l1, c1), at(l2, c2));
                let start = reference_offset(&expected, range.start, encoding);
                let end = reference_offset(&expected, range.end, encoding).max(start);
                expected.replace_range(start..end, &new);
                doc.apply(Some(range), &new, encoding);
                prop_assert_eq!(doc.text(), expected.clone());
                // Requests read positions the same way the edits do.
                let snapshot = doc.snapshot(encoding);
                for position in [range.start, range.end] {
                    prop_assert_eq!(
                        snapshot.offset(position),
                        reference_offset(&expected, position, encoding)
                    );
                }
            }
        }
    }
}
