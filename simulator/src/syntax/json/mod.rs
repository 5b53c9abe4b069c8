//! A hand-written, error-tolerant JSON parser: a streaming lexer with two tokens of lookahead
//! (enough for recovery) under a recursive descent with a depth bound. Every error is
//! reported with a byte range and parsing carries on, so a half-typed document still gives a
//! usable tree around the hole.

use crate::fxhash::{FxBuildHasher, FxHashMap};

use super::tree::{Open, TextRange, TreeBuilder};
use super::Parse;
use crate::diagnostic::Diagnostic;

/// Deeper nesting is reported and skipped (iteratively) instead of recursing further.
const MAX_DEPTH: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    /// A string literal; its decoded text travels beside the token.
    Str,
    Number,
    True,
    False,
    Null,
    /// Anything else: an unquoted word or a stray character.
    Garbage,
    Eof,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    range: TextRange,
    /// A string token with escapes: its decoded text's index in the lexer's `decoded`. Any
    /// other string's text is the slice inside its quotes (`PLAIN`).
    decoded: u32,
}

const PLAIN: u32 = u32::MAX;

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Strings that had escapes, decoded.
    decoded: Vec<String>,
    /// Reused while decoding strings that have escapes.
    scratch: String,
    diagnostics: Vec<Diagnostic>,
}

/// The bytes that end a string's fast path: the closing quote, an escape, a line break, a
/// control character.
static ENDS_PLAIN_STRING: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Eight bytes at a time, as one number (the first byte lowest).
fn words(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or_default()))
}

/// Every byte of a word set to `b`.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of each byte of `word` that is zero. Bytes above the first zero may be marked
/// wrongly (a borrow runs up), so only the lowest mark counts.
const fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(splat(1)) & !word & splat(0x80)
}

/// How many spaces `bytes` starts with.
fn leading_spaces(bytes: &[u8]) -> usize {
    let mut count = 0;
    for word in words(bytes) {
        let others = word ^ splat(b' ');
        if others != 0 {
            return count + (others.trailing_zeros() / 8) as usize;
        }
        count += 8;
    }
    count + bytes[count..].iter().take_while(|&&b| b == b' ').count()
}

/// Where the first byte that ends a plain string is (`ENDS_PLAIN_STRING`), eight at a time.
fn plain_string_len(bytes: &[u8]) -> Option<usize> {
    let mut count = 0;
    for word in words(bytes) {
        // Control characters are the bytes below 0x20: zero once 0x20 is taken away, with no
        // borrow from a byte of 0x80 or more (`!word` masks those).
        let ends = zero_bytes(word ^ splat(b'"'))
            | zero_bytes(word ^ splat(b'\\'))
            | (word.wrapping_sub(splat(0x20)) & !word & splat(0x80));
        if ends != 0 {
            return Some(count + (ends.trailing_zeros() / 8) as usize);
        }
        count += 8;
    }
    bytes[count..]
        .iter()
        .position(|&b| ENDS_PLAIN_STRING[b as usize])
        .map(|i| count + i)
}

/// Past the closing quote of the string whose opening quote is at `at`, if it has no escape,
/// control character or line break (its text is then the slice between the quotes).
fn plain_string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let len = plain_string_len(&bytes[at + 1..])?;
    (bytes[at + 1 + len] == b'"').then_some(at + len + 2)
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            decoded: Vec::new(),
            scratch: String::new(),
            diagnostics: Vec::new(),
        }
    }

    #[inline]
    fn next(&mut self) -> Token {
        // A byte-order mark is whitespace to us.
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                // Indentation comes in runs of spaces after a line break.
                b' ' | b'\n' => {
                    self.pos += 1;
                    self.pos += leading_spaces(&self.bytes[self.pos..]);
                }
                b'\t' | b'\r' => self.pos += 1,
                0xEF if self.text[self.pos..].starts_with('\u{feff}') => self.pos += 3,
                _ => break,
            }
        }
        let start = self.pos;
        let Some(&byte) = self.bytes.get(start) else {
            return Token {
                tok: Tok::Eof,
                range: TextRange::empty(start),
                decoded: PLAIN,
            };
        };
        let single = |tok| (tok, 1);
        let (tok, len) = match byte {
            b'{' => single(Tok::LBrace),
            b'}' => single(Tok::RBrace),
            b'[' => single(Tok::LBracket),
            b']' => single(Tok::RBracket),
            b':' => single(Tok::Colon),
            b',' => single(Tok::Comma),
            b'"' => return self.string(),
            b'-' | b'0'..=b'9' => return self.number(),
            _ => return self.word(),
        };
        self.pos += len;
        Token {
            tok,
            range: TextRange::new(start, self.pos),
            decoded: PLAIN,
        }
    }

    #[inline]
    fn string(&mut self) -> Token {
        let start = self.pos;
        // Fast path: no escape and no line break before the closing quote, so the value is a
        // slice of the text.
        if let Some(end) = plain_string_end(self.bytes, start) {
            self.pos = end;
            return Token {
                tok: Tok::Str,
                range: TextRange::new(start, end),
                decoded: PLAIN,
            };
        }
        self.decoded_string()
    }

    /// A string with escapes (decoded aside), or one not closed on its line.
    #[cold]
    #[inline(never)]
    fn decoded_string(&mut self) -> Token {
        let start = self.pos;
        self.pos += 1;
        let mut value = std::mem::take(&mut self.scratch);
        value.clear();
        let mut run_start = self.pos;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                value.push_str(&self.text[run_start..self.pos]);
                self.diagnostics.push(Diagnostic::error(
                    "unclosed-string",
                    TextRange::new(start, self.pos),
                    "This string is not closed: add a `\"` at its end.",
                ));
                break;
            };
            match b {
                b'"' => {
                    value.push_str(&self.text[run_start..self.pos]);
                    self.pos += 1;
                    break;
                }
                b'\n' | b'\r' => {
                    // JSON strings cannot span lines: end the string at the line break.
                    value.push_str(&self.text[run_start..self.pos]);
                    self.diagnostics.push(Diagnostic::error(
                        "unclosed-string",
                        TextRange::new(start, self.pos),
                        "This string is not closed before the end of the line: add a `\"`.",
                    ));
                    break;
                }
                b'\\' => {
                    value.push_str(&self.text[run_start..self.pos]);
                    self.escape(&mut value);
                    run_start = self.pos;
                }
                0..=0x1f => {
                    self.diagnostics.push(Diagnostic::error(
                        "control-character",
                        TextRange::new(self.pos, self.pos + 1),
                        "A control character must be escaped inside a string (e.g. `\\t`).",
                    ));
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        let decoded = self.decoded.len() as u32;
        self.decoded.push(value.clone());
        self.scratch = value;
        Token {
            tok: Tok::Str,
            range: TextRange::new(start, self.pos),
            decoded,
        }
    }

    fn escape(&mut self, out: &mut String) {
        let start = self.pos;
        self.pos += 1; // the backslash
        let Some(&c) = self.bytes.get(self.pos) else {
            return;
        };
        self.pos += 1;
        let simple = match c {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return;
        }
        if c == b'u' {
            if let Some(unit) = self.hex4() {
                if (0xD800..0xDC00).contains(&unit) && self.text[self.pos..].starts_with("\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    if let Some(low) = self.hex4().filter(|l| (0xDC00..0xE000).contains(l)) {
                        let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        return;
                    }
                    self.pos = save;
                }
                out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                return;
            }
            self.diagnostics.push(Diagnostic::error(
                "invalid-escape",
                TextRange::new(start, self.pos),
                "`\\u` must be followed by four hexadecimal digits.",
            ));
            return;
        }
        // Keep the position on a char boundary when the escaped char is multi-byte.
        while !self.text.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        self.diagnostics.push(Diagnostic::error(
            "invalid-escape",
            TextRange::new(start, self.pos),
            "Invalid escape: use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX.",
        ));
        out.push_str(&self.text[start..self.pos]);
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let unit = u32::from_str_radix(digits, 16).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        Some(unit)
    }

    #[inline(never)]
    fn number(&mut self) -> Token {
        let start = self.pos;
        let b = self.bytes;
        let mut p = self.pos;
        let mut valid = true;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        match b.get(p) {
            Some(b'0') => {
                p += 1;
                if b.get(p).is_some_and(u8::is_ascii_digit) {
                    valid = false; // leading zero
                }
            }
            Some(b'1'..=b'9') => {}
            _ => valid = false,
        }
        while b.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            if !b.get(p).is_some_and(u8::is_ascii_digit) {
                valid = false;
            }
            while b.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
        }
        if matches!(b.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if !b.get(p).is_some_and(u8::is_ascii_digit) {
                valid = false;
            }
            while b.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
        }
        // Swallow trailing word characters so `12abc` is one bad token, not two.
        while b
            .get(p)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            p += 1;
            valid = false;
        }
        self.pos = p;
        let range = TextRange::new(start, p);
        if !valid {
            self.diagnostics.push(Diagnostic::error(
                "invalid-number",
                range,
                format!("`{}` is not a valid JSON number.", &self.text[start..p]),
            ));
            return Token {
                tok: Tok::Garbage,
                range,
                decoded: PLAIN,
            };
        }
        Token {
            tok: Tok::Number,
            range,
            decoded: PLAIN,
        }
    }

    #[inline(never)]
    fn word(&mut self) -> Token {
        let start = self.pos;
        // A single-quoted string is one bad token, not a run of words.
        if self.bytes[start] == b'\'' {
            let line_end = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i);
            let end = self.text[start + 1..line_end]
                .find('\'')
                .map_or(line_end, |i| start + 1 + i + 1);
            self.pos = end;
            return Token {
                tok: Tok::Garbage,
                range: TextRange::new(start, end),
                decoded: PLAIN,
            };
        }
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.';
        let mut end = start;
        for (i, c) in self.text[start..].char_indices() {
            if i == 0 && !is_word(c) {
                end = start + c.len_utf8();
                break;
            }
            if !is_word(c) {
                break;
            }
            end = start + i + c.len_utf8();
        }
        self.pos = end;
        let range = TextRange::new(start, end);
        let tok = match &self.text[start..end] {
            "true" => Tok::True,
            "false" => Tok::False,
            "null" => Tok::Null,
            _ => Tok::Garbage,
        };
        Token {
            tok,
            range,
            decoded: PLAIN,
        }
    }
}

/// A string token's text: inside its quotes in the document, or decoded by the lexer.
fn token_text<'t>(text: &'t str, decoded: &'t [String], token: Token) -> &'t str {
    match token.decoded {
        PLAIN => &text[token.range.start as usize + 1..token.range.end as usize - 1],
        i => &decoded[i as usize],
    }
}

struct Parser<'a> {
    text: &'a str,
    lexer: Lexer<'a>,
    out: TreeBuilder,
    /// The next token, and the one after it once asked for.
    current: Token,
    second: Option<Token>,
    prev_end: usize,
    diagnostics: Vec<Diagnostic>,
    /// Open brackets, innermost last, so a closer that belongs to an ancestor ends the inner value.
    open: Vec<Tok>,
    /// The most brackets open when a container was opened (for joining a part: `join_part`).
    deepest: usize,
    /// The document's second part, parsed ahead on another thread.
    part: Option<&'a split::Ahead>,
    /// Whether runs of plain members and elements are read from the bytes (`plain`); off
    /// only to compare with the token loop alone.
    plain_runs: bool,
}

pub fn parse(text: &str) -> Parse {
    split::parse_in_two_parts(text).unwrap_or_else(|| parse_document(text, None))
}

fn parse_document<'a>(text: &'a str, part: Option<&'a split::Ahead>) -> Parse {
    parse_with(Parser::new(text, 0, part))
}

/// The whole document with the token loop alone (no plain runs), for tests to compare with.
#[cfg(test)]
fn parse_with_tokens_only(text: &str) -> Parse {
    let mut parser = Parser::new(text, 0, None);
    parser.plain_runs = false;
    parse_with(parser)
}

fn parse_with(mut parser: Parser<'_>) -> Parse {
    if parser.peek().tok == Tok::Eof {
        parser.diagnostics.push(Diagnostic::error(
            "empty-document",
            TextRange::empty(0),
            "The document is empty: a state machine is a JSON object with `StartAt` and `States`.",
        ));
        parser.out.missing(TextRange::empty(0));
    } else {
        parser.value();
    }
    // Anything after the root value.
    while parser.peek().tok != Tok::Eof {
        let token = parser.bump();
        let mut end = token.range.end as usize;
        while parser.peek().tok != Tok::Eof {
            end = parser.bump().range.end as usize;
        }
        parser.diagnostics.push(Diagnostic::error(
            "trailing-content",
            TextRange::new(token.range.start as usize, end),
            "Unexpected content after the end of the document.",
        ));
    }
    // Lexer errors first, so that ties in position keep the order they were found in.
    let mut diagnostics = std::mem::take(&mut parser.lexer.diagnostics);
    diagnostics.append(&mut parser.diagnostics);
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    Parse {
        tree: parser.out.build(),
        diagnostics,
    }
}

impl<'a> Parser<'a> {
    /// A parser of `text` from `start`.
    fn new(text: &'a str, start: usize, part: Option<&'a split::Ahead>) -> Self {
        let mut lexer = Lexer::new(text);
        lexer.pos = start;
        let first = lexer.next();
        Parser {
            text,
            lexer,
            out: TreeBuilder::with_capacity(text.len() - start),
            current: first,
            second: None,
            prev_end: start,
            diagnostics: Vec::new(),
            open: Vec::new(),
            deepest: 0,
            part,
            plain_runs: true,
        }
    }

    fn peek(&self) -> Token {
        self.current
    }

    /// The token after the next one.
    fn peek_second(&mut self) -> Token {
        if self.current.tok == Tok::Eof {
            return self.current;
        }
        *self.second.get_or_insert_with(|| self.lexer.next())
    }

    fn bump(&mut self) -> Token {
        let token = self.current;
        // End of input stays current: every later peek sees it again.
        if token.tok == Tok::Eof {
            return token;
        }
        self.prev_end = token.range.end as usize;
        self.current = match self.second.take() {
            Some(next) => next,
            None => self.lexer.next(),
        };
        token
    }

    fn prev_end(&self) -> usize {
        self.prev_end
    }

    fn error(&mut self, code: &'static str, range: TextRange, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(code, range, message));
    }

    /// Parse one value into the tree.
    fn value(&mut self) {
        let token = self.peek();
        match token.tok {
            Tok::LBrace | Tok::LBracket if self.open.len() >= MAX_DEPTH => self.skip_deep(),
            Tok::LBrace => {
                self.deepest = self.deepest.max(self.open.len());
                self.object();
            }
            Tok::LBracket => {
                self.deepest = self.deepest.max(self.open.len());
                self.array();
            }
            Tok::Str => {
                self.bump();
                let s = token_text(self.text, &self.lexer.decoded, token);
                self.out.string(token.range, s);
            }
            Tok::Number => {
                self.bump();
                let raw = &self.text[token.range.start as usize..token.range.end as usize];
                match serde_json::from_str::<serde_json::Number>(raw) {
                    Ok(n) => self.out.number(token.range, n),
                    Err(_) => {
                        self.error(
                            "invalid-number",
                            token.range,
                            format!("`{raw}` is out of the range of a JSON number."),
                        );
                        self.out.missing(token.range);
                    }
                }
            }
            Tok::True | Tok::False => {
                self.bump();
                self.out.bool(token.range, token.tok == Tok::True);
            }
            Tok::Null => {
                self.bump();
                self.out.null(token.range);
            }
            Tok::Garbage => {
                self.bump();
                let raw = &self.text[token.range.start as usize..token.range.end as usize];
                let message = if raw.starts_with('\'') {
                    "JSON strings use double quotes (`\"`), not single quotes.".to_string()
                } else if raw.chars().next().is_some_and(char::is_alphabetic) {
                    format!("`{raw}` is not a JSON value: put text in double quotes.")
                } else {
                    format!("Unexpected `{raw}`: expected a value.")
                };
                // The lexer already reported bad numbers.
                if !self
                    .lexer
                    .diagnostics
                    .iter()
                    .rev()
                    .any(|d| d.range == token.range)
                {
                    self.error("expected-value", token.range, message);
                }
                self.out.missing(token.range);
            }
            Tok::RBrace | Tok::RBracket | Tok::Colon | Tok::Comma | Tok::Eof => {
                let at = self.prev_end();
                self.error(
                    "expected-value",
                    TextRange::new(at, (token.range.start as usize).max(at)),
                    "A value is missing here.",
                );
                self.out.missing(TextRange::empty(at));
            }
        }
    }

    /// Nesting past `MAX_DEPTH`: skip the whole bracketed group without recursion.
    fn skip_deep(&mut self) {
        let start = self.peek().range.start as usize;
        let mut depth = 0usize;
        loop {
            let token = self.bump();
            match token.tok {
                Tok::LBrace | Tok::LBracket => depth += 1,
                Tok::RBrace | Tok::RBracket => depth = depth.saturating_sub(1),
                Tok::Eof => break,
                _ => {}
            }
            if depth == 0 {
                break;
            }
        }
        self.error(
            "nesting-too-deep",
            TextRange::new(start, start + 1),
            format!(
                "Nesting deeper than {MAX_DEPTH} levels is not supported; this value is skipped."
            ),
        );
        let end = self.prev_end().max(start);
        self.out.missing(TextRange::new(start, end));
    }

    /// Whether the container opened by `open` ends at the next token: its own closer (taken),
    /// the end of the text, or the closer of an enclosing container (both reported as
    /// unclosed). Returns where it ends.
    fn container_end(&mut self, open: Token, closer: Tok) -> Option<usize> {
        let (code, what, close, other) = match closer {
            Tok::RBrace => ("unclosed-object", "object", '}', Tok::RBracket),
            _ => ("unclosed-array", "array", ']', Tok::RBrace),
        };
        let token = self.peek();
        if token.tok == closer {
            self.bump();
            return Some(token.range.end as usize);
        }
        let message = if token.tok == Tok::Eof {
            format!("This {what} is not closed: add a `{close}`.")
        } else if token.tok == other && self.closes_ancestor(other) {
            let found = if other == Tok::RBrace { '}' } else { ']' };
            format!("This {what} is not closed: add a `{close}` before the `{found}`.")
        } else {
            return None;
        };
        self.error(code, open.range, message);
        Some(self.prev_end())
    }

    /// A closer that belongs to an enclosing bracket, not the current one.
    fn closes_ancestor(&self, tok: Tok) -> bool {
        let want = match tok {
            Tok::RBrace => Tok::LBrace,
            Tok::RBracket => Tok::LBracket,
            _ => return false,
        };
        self.open[..self.open.len().saturating_sub(1)].contains(&want)
    }

    fn object(&mut self) {
        let open_token = self.bump();
        self.open.push(Tok::LBrace);
        let mut object = self.out.open_object(open_token.range.start as usize);
        let end = self.members(open_token, &mut object);
        self.open.pop();
        let end = end.max(open_token.range.end as usize);
        self.out.finish(object, end);
        self.duplicate_keys(object);
    }

    /// The members of the object opened by `open_token`, up to its end (returned).
    fn members(&mut self, open_token: Token, object: &mut Open) -> usize {
        loop {
            if self.plain_members(object) {
                // Its key taken, a member's value opens here.
                self.value();
            } else {
                if self
                    .part
                    .is_some_and(|part| part.at == self.peek().range.start as usize)
                {
                    self.join_part(object);
                }
                if let Some(end) = self.container_end(open_token, Tok::RBrace) {
                    return end;
                }
                if !self.member_or_stray(object) {
                    continue;
                }
            }
            self.after_member();
        }
    }

    /// A member from the current token, or a stray `,` or other token reported and skipped
    /// (`false`).
    fn member_or_stray(&mut self, object: &mut Open) -> bool {
        let token = self.peek();
        match token.tok {
            Tok::Str | Tok::Garbage => {
                self.member(object);
                true
            }
            Tok::Comma => {
                self.bump();
                self.error(
                    "unexpected-comma",
                    token.range,
                    "Unexpected `,`: expected a property name.",
                );
                false
            }
            _ => {
                self.bump();
                self.error(
                    "expected-property",
                    token.range,
                    "Expected a property name in double quotes.",
                );
                false
            }
        }
    }

    /// After a member: `,` then another member, or `}`.
    fn after_member(&mut self) {
        let token = self.peek();
        match token.tok {
            Tok::Comma => {
                self.bump();
                if self.peek().tok == Tok::RBrace {
                    self.error(
                        "trailing-comma",
                        token.range,
                        "Trailing comma: remove it, JSON does not allow a `,` before `}`.",
                    );
                }
            }
            Tok::RBrace | Tok::Eof | Tok::RBracket => {}
            Tok::Str | Tok::Garbage => {
                let at = self.prev_end();
                self.error(
                    "missing-comma",
                    TextRange::new(at, at),
                    "Missing `,` between properties.",
                );
            }
            _ => {
                self.bump();
                self.error(
                    "expected-comma",
                    token.range,
                    "Expected `,` or `}` after a property.",
                );
            }
        }
    }

    /// Report keys defined twice. Small objects (most of them) are scanned pairwise; large
    /// ones through a map, so the pass stays linear.
    fn duplicate_keys(&mut self, object: Open) {
        let members = self.out.members_of(object);
        let mut found: Vec<(TextRange, TextRange, String)> = Vec::new();
        if members.len() <= 16 {
            // On the stack: this runs for every object of the document.
            let mut keys = [("", TextRange::empty(0)); 16];
            for (i, m) in members.enumerate() {
                let (name, range) = (m.key.name, m.key.range);
                if let Some(first) = keys[..i].iter().find(|(n, _)| *n == name) {
                    found.push((first.1, range, name.to_string()));
                }
                keys[i] = (name, range);
            }
        } else {
            let mut seen: FxHashMap<&str, TextRange> =
                FxHashMap::with_capacity_and_hasher(members.len(), FxBuildHasher::default());
            for m in members {
                match seen.get(m.key.name) {
                    Some(first) => found.push((*first, m.key.range, m.key.name.to_string())),
                    None => {
                        seen.insert(m.key.name, m.key.range);
                    }
                }
            }
        }
        for (first, dup, name) in found {
            self.diagnostics.push(
                Diagnostic::error(
                    "duplicate-key",
                    dup,
                    format!(
                        "Duplicate key `{name}`: remove one of them (AWS rejects duplicate keys)."
                    ),
                )
                .with_related(first, "first defined here"),
            );
        }
    }

    fn member(&mut self, object: &mut Open) {
        let token = self.bump();
        let decoded;
        let name: &str = match token.tok {
            Tok::Str if token.decoded == PLAIN => token_text(self.text, &[], token),
            Tok::Str => {
                decoded = self.lexer.decoded[token.decoded as usize].clone();
                &decoded
            }
            _ => {
                let raw = &self.text[token.range.start as usize..token.range.end as usize];
                self.error(
                    "unquoted-key",
                    token.range,
                    format!("Property names must be in double quotes: `\"{raw}\"`."),
                );
                raw
            }
        };
        self.out.key(object, name, token.range);
        let colon = self.peek();
        if colon.tok == Tok::Colon {
            self.bump();
        } else {
            let at = self.prev_end();
            let message = format!("Missing `:` after `\"{name}\"`.");
            self.error("missing-colon", TextRange::new(at, at), message);
            // `"Key" "value"`: take the value; `"Key", ...` or `"Key" }`: no value.
            if !matches!(
                colon.tok,
                Tok::Str
                    | Tok::Number
                    | Tok::True
                    | Tok::False
                    | Tok::Null
                    | Tok::LBrace
                    | Tok::LBracket
            ) {
                self.out.missing(TextRange::empty(at));
                return;
            }
        }
        // A hole before the next property (`"Next": ⎀ "Type": "Pass"`): the string followed by
        // `:` on a later line is the next key, not this value.
        let next = self.peek();
        if next.tok == Tok::Str
            && self.peek_second().tok == Tok::Colon
            && self.text[self.prev_end()..next.range.start as usize].contains('\n')
        {
            let at = self.prev_end();
            let message = format!("The value of `\"{name}\"` is missing.");
            self.error("expected-value", TextRange::new(at, at), message);
            self.out.missing(TextRange::empty(at));
            return;
        }
        self.value();
    }

    fn array(&mut self) {
        let open_token = self.bump();
        self.open.push(Tok::LBracket);
        let mut array = self.out.open_array(open_token.range.start as usize);
        let end;
        loop {
            self.plain_elements(&mut array);
            if let Some(at) = self.container_end(open_token, Tok::RBracket) {
                end = at;
                break;
            }
            let token = self.peek();
            match token.tok {
                Tok::Comma => {
                    self.bump();
                    self.error(
                        "unexpected-comma",
                        token.range,
                        "Unexpected `,`: expected a value.",
                    );
                    continue;
                }
                Tok::RBrace | Tok::Colon => {
                    self.bump();
                    self.error(
                        "expected-value",
                        token.range,
                        format!(
                            "Unexpected `{}` in an array.",
                            &self.text[token.range.start as usize..token.range.end as usize]
                        ),
                    );
                    continue;
                }
                _ => {}
            }
            self.out.element(&mut array);
            self.value();
            let token = self.peek();
            match token.tok {
                Tok::Comma => {
                    self.bump();
                    if self.peek().tok == Tok::RBracket {
                        self.error(
                            "trailing-comma",
                            token.range,
                            "Trailing comma: remove it, JSON does not allow a `,` before `]`.",
                        );
                    }
                }
                Tok::RBracket | Tok::Eof | Tok::RBrace | Tok::Colon => {}
                _ => {
                    let at = self.prev_end();
                    self.error(
                        "missing-comma",
                        TextRange::new(at, at),
                        "Missing `,` between array elements.",
                    );
                }
            }
        }
        self.open.pop();
        let end = end.max(open_token.range.end as usize);
        self.out.finish(array, end);
    }
}

mod plain;
mod split;
#[cfg(test)]
mod tests;
