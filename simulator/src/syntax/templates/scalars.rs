//! A template's string value with the place of each of its characters in the template: the
//! decoded value of a JSON string or a YAML scalar (plain, quoted, block) set against its raw
//! text. Whatever cannot be lined up character by character maps as a whole to the scalar.

use super::source_map::Mapped;
use crate::syntax::TextRange;

/// `value`, the decoded scalar whose raw text is `text[range]`.
pub fn mapped_scalar(text: &str, range: TextRange, value: &str) -> Mapped {
    let start = range.start as usize;
    let raw = text.get(start..range.end as usize).unwrap_or("");
    if raw == value {
        return Mapped::exact(value, start);
    }
    let decoded = match raw.as_bytes().first() {
        Some(b'"') => raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .and_then(|inner| escaped(inner, start + 1, Style::Json)),
        Some(b'\'') => single_quoted(raw, start),
        _ => block(raw, start, value),
    };
    match decoded {
        Some(m) if m.text == value => m,
        _ => Mapped::opaque(value, range),
    }
}

/// A literal piece of a Terraform string or heredoc, `value` decoded from `text[range]`:
/// `$${` and `%%{` are a literal `${` and `%{`; a quoted string's backslash escapes are
/// decoded, a heredoc's backslashes are its own characters.
pub fn mapped_literal(text: &str, range: TextRange, value: &str) -> Mapped {
    let start = range.start as usize;
    let raw = text.get(start..range.end as usize).unwrap_or("");
    if raw == value {
        return Mapped::exact(value, start);
    }
    let decoded = [Style::HclHeredoc, Style::HclQuoted]
        .into_iter()
        .find_map(|style| escaped(raw, start, style).filter(|m| m.text == value));
    match decoded.or_else(|| block(raw, start, value)) {
        Some(m) if m.text == value => m,
        _ => Mapped::opaque(value, range),
    }
}

/// Which escapes a string's text has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// A JSON string or YAML double-quoted scalar: backslash escapes.
    Json,
    /// A Terraform quoted string: backslash escapes, and `$${` / `%%{`.
    HclQuoted,
    /// A Terraform heredoc: only `$${` / `%%{`.
    HclHeredoc,
}

/// The inside of a string on one line, starting at `base`, in `style`: escapes map to their
/// source; a template escape's `${` or `%{` to its own two characters.
fn escaped(inner: &str, base: usize, style: Style) -> Option<Mapped> {
    let mut out = Mapped::new();
    let mut chars = inner.char_indices().peekable();
    let mut run_start = 0;
    while let Some((i, c)) = chars.next() {
        if style != Style::Json
            && matches!(c, '$' | '%')
            && inner[i + 1..].starts_with(c)
            && inner[i + 2..].starts_with('{')
        {
            out.push_exact(&inner[run_start..i], base + run_start);
            chars.next();
            run_start = i + 1;
            continue;
        }
        if c != '\\' || style == Style::HclHeredoc {
            continue;
        }
        out.push_exact(&inner[run_start..i], base + run_start);
        let (j, e) = chars.next()?;
        let decoded = match e {
            '"' | '\\' | '/' => e,
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            '0' => '\0',
            'u' => {
                let hex = inner.get(j + 1..j + 5)?;
                for _ in 0..4 {
                    chars.next();
                }
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
            }
            _ => return None,
        };
        let end = chars.peek().map_or(inner.len(), |&(k, _)| k);
        out.push_opaque(
            decoded.encode_utf8(&mut [0; 4]),
            TextRange::new(base + i, base + end),
        );
        run_start = end;
    }
    out.push_exact(&inner[run_start..], base + run_start);
    Some(out)
}

/// A YAML single-quoted scalar: `''` is one quote.
fn single_quoted(raw: &str, start: usize) -> Option<Mapped> {
    let inner = raw.strip_prefix('\'')?.strip_suffix('\'')?;
    let base = start + 1;
    let mut out = Mapped::new();
    let mut run_start = 0;
    while let Some(i) = inner[run_start..].find("''").map(|i| i + run_start) {
        out.push_exact(&inner[run_start..=i], base + run_start);
        run_start = i + 2;
    }
    out.push_exact(&inner[run_start..], base + run_start);
    Some(out)
}

/// A block scalar (`|`, `|-`, with or without its header) or a plain one over several lines:
/// each line of the value is found at the end of its line in the source.
fn block(raw: &str, start: usize, value: &str) -> Option<Mapped> {
    let mut lines = raw.split_inclusive('\n').map(|line| {
        let at = line.as_ptr() as usize - raw.as_ptr() as usize;
        (start + at, line)
    });
    if raw.starts_with(['|', '>']) {
        lines.next();
    }
    let mut out = Mapped::new();
    for wanted in value.split_inclusive('\n') {
        let content = wanted.strip_suffix('\n').unwrap_or(wanted);
        let (line_start, line) = lines.next()?;
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.ends_with(content) {
            return None;
        }
        let content_start = line_start + body.len() - content.len();
        out.push_exact(content, content_start);
        if wanted.ends_with('\n') {
            let newline_at = line_start + body.len();
            if line.len() > body.len() {
                out.push_opaque("\n", TextRange::new(newline_at, line_start + line.len()));
            } else {
                out.push_opaque("\n", TextRange::empty(newline_at));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, value: &str, piece: &str) -> TextRange {
        let start = text.find(piece).expect("piece in text");
        let range = TextRange::new(start, start + piece.len());
        let m = mapped_scalar(text, range, value);
        assert_eq!(m.text, value);
        range
    }

    #[test]
    fn escapes_quotes_and_blocks_map_back_to_their_characters() {
        let text = r#"x: "{\"StartAt\": \"A\"}""#;
        let range = check(text, "{\"StartAt\": \"A\"}", &text[3..]);
        let m = mapped_scalar(text, range, "{\"StartAt\": \"A\"}");
        // `StartAt` in the value is at 2..9; in the text after `x: "{\"`.
        let at = text.find("StartAt").expect("there");
        assert_eq!(
            m.source_range(TextRange::new(2, 9)),
            TextRange::new(at, at + 7)
        );
        // The escaped quote before it maps to its two characters.
        assert_eq!(
            m.source_range(TextRange::new(1, 2)),
            TextRange::new(at - 2, at)
        );

        let text = "x: 'it''s'\n";
        check(text, "it's", "'it''s'");

        let text = "x: |\n  {\n    \"A\": 1\n  }\nnext: 1\n";
        let raw = "|\n  {\n    \"A\": 1\n  }";
        let start = text.find(raw).expect("there");
        let range = TextRange::new(start, start + raw.len());
        let m = mapped_scalar(text, range, "{\n  \"A\": 1\n}\n");
        assert_eq!(m.text, "{\n  \"A\": 1\n}\n");
        let a = text.find("\"A\"").expect("there");
        assert_eq!(
            m.source_range(TextRange::new(4, 7)),
            TextRange::new(a, a + 3)
        );
    }
}
