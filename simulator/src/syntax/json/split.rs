//! Large documents parsed in two parts at once. The second part starts at a member's key
//! near the middle and is parsed on another thread as the members of an object of unknown
//! depth, up to the `}` that closes it; the first part, when it reaches that key inside an
//! object, takes those members in and goes on after them. A part that found anything to
//! report is dropped and the first part parses through it itself, so errors and recovery
//! never depend on the split.

use std::sync::{Condvar, Mutex};

use super::{parse_document, plain_string_end, Parser, Tok, Token, MAX_DEPTH, PLAIN};
use crate::syntax::tree::{Open, TextRange, TreeBuilder};
use crate::syntax::Parse;

/// Parse a large document in two parts, the second from a member near the middle
/// (`split_point`) on another thread of the pool; `None` when it is small or has no such
/// place.
pub(super) fn parse_in_two_parts(text: &str) -> Option<Parse> {
    if !crate::threads::worth_two(text.len()) {
        return None;
    }
    let at = split_point(text)?;
    let ahead = Ahead {
        at,
        state: Mutex::new(AheadState::Waiting),
        done: Condvar::new(),
    };
    // The second closure runs on another thread of the pool if one is free; the first never
    // waits for a part that has not started, so one thread is enough.
    let first = || {
        let parsed = parse_document(text, Some(&ahead));
        // Not reached (the split was not where a member starts): not to be parsed.
        ahead.take();
        parsed
    };
    Some(crate::threads::join(first, || ahead.run(text)).0)
}

/// The members of an object from a line on, parsed ahead on another thread while the first
/// part is parsed up to them.
pub(super) struct Ahead {
    /// Where the part starts: a key's opening quote.
    pub(super) at: usize,
    state: Mutex<AheadState>,
    done: Condvar,
}

enum AheadState {
    /// Not started: the first part may still take it over.
    Waiting,
    Running,
    Done(Option<Part>),
    /// Taken over by the first part (or joined): not to be parsed, or parsed for nothing.
    Taken,
}

impl Ahead {
    /// Parse the part, unless the first part has taken it over already.
    fn run(&self, text: &str) {
        {
            let mut state = lock(&self.state);
            if !matches!(*state, AheadState::Waiting) {
                return;
            }
            *state = AheadState::Running;
        }
        let part = parse_part(text, self.at);
        let mut state = lock(&self.state);
        if matches!(*state, AheadState::Running) {
            *state = AheadState::Done(part);
        }
        self.done.notify_all();
    }

    /// The part, waiting for it if it is being parsed; `None` if it had not started (the first
    /// part then parses on through it: on a single thread nothing else would).
    fn take(&self) -> Option<Part> {
        let mut state = lock(&self.state);
        while matches!(*state, AheadState::Running) {
            state = self
                .done
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        match std::mem::replace(&mut *state, AheadState::Taken) {
            AheadState::Done(part) => part,
            _ => None,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Members parsed without the text before them, with no diagnostic: exactly what parsing the
/// whole document would give there (nothing the parser does depends on what encloses a value
/// except its error recovery and the depth bound, which `join_part` checks).
pub(super) struct Part {
    out: TreeBuilder,
    pub(super) members: u32,
    /// The `}` that closes the object the members belong to.
    closer: Token,
    /// Brackets open in the part (its enclosing object counted) when it opened its deepest.
    deepest: usize,
}

/// A line start near the middle of a large document where an object's member begins (a key
/// then `:`, after a `,`), the least indented of the next lines: a place to parse from without
/// the text before it, at the level that holds most of the document (`States`, not one
/// state's `Parameters`). Tokens never span lines (a string ends at a line break), so a line's
/// first token is the same token whatever comes before it.
pub(super) fn split_point(text: &str) -> Option<usize> {
    const LINES_TRIED: usize = 2_000;
    let bytes = text.as_bytes();
    // Bytes, not chars: the middle may fall inside a character. A line start never does.
    let mut line = text.len() / 2;
    let mut best: Option<(usize, usize)> = None;
    for _ in 0..LINES_TRIED {
        let Some(newline) = bytes[line..].iter().position(|&b| b == b'\n') else {
            break;
        };
        line += newline + 1;
        let Some(indent) = bytes[line..].iter().position(|&b| b != b' ' && b != b'\t') else {
            break;
        };
        let key = line + indent;
        if best.is_some_and(|(_, least)| least <= indent) || !begins_member(text, line, key) {
            continue;
        }
        best = Some((key, indent));
    }
    best.map(|(key, _)| key)
}

/// Whether the line at `line`, whose first token is at `key`, starts an object's member that
/// follows another: `"name":` after a `,`.
fn begins_member(text: &str, line: usize, key: usize) -> bool {
    let bytes = text.as_bytes();
    if bytes[key] != b'"' {
        return false;
    }
    let Some(after_key) = plain_string_end(bytes, key) else {
        return false;
    };
    bytes[after_key..]
        .iter()
        .find(|&&b| b != b' ' && b != b'\t')
        == Some(&b':')
        && text[..line].trim_end_matches(is_whitespace).ends_with(',')
}

/// What the lexer skips between tokens.
fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{feff}')
}

/// Parse the members from `at` to the `}` that closes their object, as if the text before
/// them were not there. `None` when anything is wrong: the first part then parses on.
pub(super) fn parse_part(text: &str, at: usize) -> Option<Part> {
    let mut parser = Parser::new(text, at, None);
    let open = Token {
        tok: Tok::LBrace,
        range: TextRange::empty(at),
        decoded: PLAIN,
    };
    parser.open.push(Tok::LBrace);
    let mut object = parser.out.open_object(at);
    parser.members(open, &mut object);
    if !parser.diagnostics.is_empty() || !parser.lexer.diagnostics.is_empty() {
        return None;
    }
    let end = parser.prev_end;
    let closer = Token {
        tok: Tok::RBrace,
        range: TextRange::new(end - 1, end),
        decoded: PLAIN,
    };
    Some(Part {
        members: object.count(),
        out: parser.out,
        closer,
        deepest: parser.deepest,
    })
}

impl Parser<'_> {
    /// At the start of the part parsed ahead, inside `object`: take its members and go on
    /// from the `}` after them, unless the part found a problem or would be nested too deep
    /// here (then parsing simply goes on through it).
    pub(super) fn join_part(&mut self, object: &mut Open) {
        let Some(part) = self.part.take().and_then(Ahead::take) else {
            return;
        };
        // The part counted this object as depth 1; here it is depth `open.len()`. A container
        // the part opened at depth `d` opens here at `d + open.len() - 1`, which must stay
        // below `MAX_DEPTH`.
        if part.deepest + self.open.len() > MAX_DEPTH {
            return;
        }
        self.out.append_members(object, part.out, part.members);
        self.lexer.pos = part.closer.range.end as usize;
        // `prev_end` stays behind: only error recovery reads it, and the closer, taken next,
        // needs none.
        self.current = part.closer;
        self.second = None;
    }
}
