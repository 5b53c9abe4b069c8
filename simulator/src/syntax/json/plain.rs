//! The parser's fast path: runs of plain members (`"key": scalar,`) and plain array elements
//! (`scalar,`) read straight from the bytes, without tokens. Most of a state machine is such
//! runs. At the first thing that is not plain (a container value, an escape, a line break
//! between a key and its value, a number with a fraction, anything to report) the token loop
//! takes over from the start of that member or element, so every diagnostic and every
//! recovery stays in one place: this path only ever does what the token loop would do on text
//! with nothing wrong in it (the tests compare the two on arbitrary edits).

use serde_json::Number;

use super::{plain_string_end, Parser, Tok};
use crate::syntax::tree::{Open, TextRange};

/// A scalar read from the bytes: its end, and what to add to the tree.
enum Scalar {
    /// A string without escapes: the text between the quotes.
    Str,
    Number(Number),
    Bool(bool),
    Null,
}

impl Parser<'_> {
    /// Members of the object `object` from the current token on, while they are plain;
    /// stops before the first one that is not, or at the `}`, or at where the part parsed
    /// ahead starts. The token loop goes on from there. A member whose value is an object or
    /// an array is taken up to its value: then the current token opens the value, and the
    /// answer is `true`.
    pub(super) fn plain_members(&mut self, object: &mut Open) -> bool {
        let Some(mut at) = self.plain_start() else {
            return false;
        };
        let bytes = self.text.as_bytes();
        let stop = self.part.map_or(usize::MAX, |part| part.at);
        let mut taken = false;
        while at != stop && bytes.get(at) == Some(&b'"') {
            let Some(key_end) = plain_string_end(bytes, at) else {
                break;
            };
            let colon = skip_whitespace(bytes, key_end);
            if bytes.get(colon) != Some(&b':') {
                break;
            }
            let value = skip_whitespace(bytes, colon + 1);
            let key = TextRange::new(at, key_end);
            if let Some(b'{' | b'[') = bytes.get(value) {
                self.push_key(object, key);
                self.prev_end = colon + 1;
                self.resume_at(value);
                return true;
            }
            let Some((value_end, scalar)) = scalar(bytes, value) else {
                break;
            };
            // (A string on a later line followed by `:` is the next key, not this value: the
            // token loop reports the hole, as no `,` or `}` follows it.)
            let Some((next, last_end)) = self.after_plain(value_end, b'}') else {
                break;
            };
            self.push_key(object, key);
            self.push_scalar(TextRange::new(value, value_end), scalar);
            self.prev_end = last_end;
            taken = true;
            at = next;
        }
        if taken {
            self.resume_at(at);
        }
        false
    }

    /// Elements of the array `array` from the current token on, while they are plain
    /// scalars; stops before the first one that is not, or at the `]`.
    pub(super) fn plain_elements(&mut self, array: &mut Open) {
        let Some(mut at) = self.plain_start() else {
            return;
        };
        let bytes = self.text.as_bytes();
        let mut taken = false;
        while let Some((value_end, scalar)) = scalar(bytes, at) {
            let Some((next, last_end)) = self.after_plain(value_end, b']') else {
                break;
            };
            self.out.element(array);
            self.push_scalar(TextRange::new(at, value_end), scalar);
            self.prev_end = last_end;
            taken = true;
            at = next;
        }
        if taken {
            self.resume_at(at);
        }
    }

    /// Where the bytes can be read from: the current token's start, if no second token has
    /// been read ahead (the lexer is then just past the current one).
    fn plain_start(&self) -> Option<usize> {
        (self.plain_runs && self.second.is_none() && self.current.tok != Tok::Eof)
            .then_some(self.current.range.start as usize)
    }

    /// After a plain value ending at `value_end`: `,` and the start of the next member or
    /// element, or the `closer` itself (where the token loop will take it). With where the
    /// last token taken ends. `None` for anything else, a trailing comma included.
    fn after_plain(&self, value_end: usize, closer: u8) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let after = skip_whitespace(bytes, value_end);
        match bytes.get(after) {
            Some(b',') => {
                let next = skip_whitespace(bytes, after + 1);
                let trailing = bytes.get(next).is_none_or(|&b| b == closer);
                (!trailing).then_some((next, after + 1))
            }
            Some(&b) if b == closer => Some((after, value_end)),
            _ => None,
        }
    }

    /// A key without escapes at `range` (its quotes included).
    fn push_key(&mut self, object: &mut Open, range: TextRange) {
        let name = &self.text[range.start as usize + 1..range.end as usize - 1];
        self.out.key(object, name, range);
    }

    fn push_scalar(&mut self, range: TextRange, scalar: Scalar) {
        match scalar {
            Scalar::Str => {
                let text = &self.text[range.start as usize + 1..range.end as usize - 1];
                self.out.string(range, text);
            }
            Scalar::Number(n) => self.out.number(range, n),
            Scalar::Bool(b) => self.out.bool(range, b),
            Scalar::Null => self.out.null(range),
        }
    }

    /// Go on with tokens from `at`, a token's start.
    fn resume_at(&mut self, at: usize) {
        self.lexer.pos = at;
        self.current = self.lexer.next();
    }
}

/// Past the spaces, tabs and line breaks from `at` (a byte-order mark stops it: the lexer
/// handles those).
fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// A plain scalar at `at`: a string without escapes, an integer of up to 18 digits, `true`,
/// `false` or `null`, followed by a byte that ends a token.
fn scalar(bytes: &[u8], at: usize) -> Option<(usize, Scalar)> {
    let (end, scalar) = match *bytes.get(at)? {
        b'"' => (plain_string_end(bytes, at)?, Scalar::Str),
        b'-' | b'0'..=b'9' => integer(bytes, at)?,
        b't' => word(bytes, at, b"true", Scalar::Bool(true))?,
        b'f' => word(bytes, at, b"false", Scalar::Bool(false))?,
        b'n' => word(bytes, at, b"null", Scalar::Null)?,
        _ => return None,
    };
    // What the lexer would read on with (`12abc`, `truex`, `1.5`, `é`) is not plain.
    let ends_token = bytes.get(end).is_none_or(|&b| {
        !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.') || b >= 0x80)
    });
    ends_token.then_some((end, scalar))
}

fn word(bytes: &[u8], at: usize, word: &[u8], scalar: Scalar) -> Option<(usize, Scalar)> {
    bytes[at..]
        .starts_with(word)
        .then_some((at + word.len(), scalar))
}

/// `-?(0|[1-9][0-9]*)` with at most 18 digits (so it fits an `i64`); `-0`, fractions and
/// exponents are left to the token loop.
fn integer(bytes: &[u8], at: usize) -> Option<(usize, Scalar)> {
    let negative = bytes[at] == b'-';
    let digits_start = at + usize::from(negative);
    let digits = bytes[digits_start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = digits_start + digits;
    let text = &bytes[digits_start..end];
    if digits == 0 || digits > 18 || (text[0] == b'0' && (digits > 1 || negative)) {
        return None;
    }
    let magnitude = text.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let number = if negative {
        Number::from(-magnitude)
    } else {
        Number::from(magnitude)
    };
    Some((end, Scalar::Number(number)))
}
