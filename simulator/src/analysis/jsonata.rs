//! JSONata inside `{% %}`: syntax errors with a position, and the `$variables` an expression reads.

use std::sync::RwLock;

use crate::fxhash::FxHashSet;
use crate::model::jsonata_functions::is_function;

/// Expressions that parsed without error, kept from one check to the next: an editor checks
/// every version of a document, and an expression unchanged since the last is not parsed again
/// (parsing is the costly part of its check). Emptied beyond `REMEMBERED` expressions, so it
/// stays about the size of the documents being edited.
static PARSED: RwLock<Option<FxHashSet<Box<str>>>> = RwLock::new(None);
const REMEMBERED: usize = 50_000;

#[cfg(test)]
thread_local! {
    /// How many expressions this thread parsed (tests run side by side on other threads).
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A syntax error in an expression: byte offset within the expression, and the message.
pub fn syntax_error(expression: &str) -> Option<(usize, String)> {
    let known = PARSED
        .read()
        .is_ok_and(|p| p.as_ref().is_some_and(|p| p.contains(expression)));
    if known {
        return None;
    }
    #[cfg(test)]
    PARSES.with(|n| n.set(n.get() + 1));
    if let Err(error) = jsonata_core::parser::parse(expression) {
        return Some((locate(expression), error.to_string()));
    }
    if let Ok(mut parsed) = PARSED.write() {
        let parsed = parsed.get_or_insert_with(FxHashSet::default);
        if parsed.len() >= REMEMBERED {
            parsed.clear();
        }
        parsed.insert(expression.into());
    }
    None
}

/// Whether an error only says the text stopped too early (so the real fault is further on).
fn is_incomplete(error: &jsonata_core::parser::ParserError) -> bool {
    use jsonata_core::parser::ParserError as E;
    match error {
        E::UnexpectedEnd | E::UnclosedString | E::UnclosedComment | E::UnclosedBacktick => true,
        other => {
            let m = other.to_string();
            m.contains("end of expression") || m.contains("Eof") || m.starts_with("S0203")
        }
    }
}

/// jsonata-core's errors carry no position, so find the shortest prefix that already fails for
/// a reason other than ending early: the fault is at its end. Binary search keeps it O(n log n)
/// on short expressions.
fn locate(expression: &str) -> usize {
    let boundaries: Vec<usize> = expression
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(expression.len()))
        .collect();
    let fails_early = |end: usize| match jsonata_core::parser::parse(&expression[..end]) {
        Ok(_) => false,
        Err(e) => !is_incomplete(&e),
    };
    let (mut lo, mut hi) = (0usize, boundaries.len() - 1);
    if !fails_early(boundaries[hi]) {
        // Only an "ended early" error: the fault is the end of the expression.
        return expression.trim_end().len();
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if fails_early(boundaries[mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    // The prefix ending at boundaries[lo] fails: its last character is the culprit.
    boundaries[lo.saturating_sub(1)]
}

/// The `$name`s an expression reads that it does not bind itself, with their byte offsets.
pub fn free_variables(expression: &str) -> Vec<(String, usize)> {
    let bytes = expression.as_bytes();
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = expression[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
            }
            b'$' => {
                let start = i;
                i += 1;
                let len = expression[i..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(expression.len() - i);
                let name = &expression[i..i + len];
                i += len;
                if name.is_empty() {
                    continue;
                }
                let rest = expression[i..].trim_start();
                if rest.starts_with(":=") {
                    bound.push(name.to_string());
                } else if !rest.starts_with('(') && !is_function(name) {
                    found.push((name.to_string(), start));
                }
            }
            _ => {
                if expression[i..].starts_with("function") {
                    // Parameters of a lambda are bound inside it.
                    let after = &expression[i + 8..];
                    if let Some(open) = after.trim_start().strip_prefix('(') {
                        if let Some(close) = open.find(')') {
                            for p in open[..close].split(',') {
                                let p = p.trim().trim_start_matches('$');
                                let p = p.split('<').next().unwrap_or(p).trim();
                                bound.push(p.to_string());
                            }
                        }
                    }
                    i += 8;
                } else {
                    i += expression[i..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
    }
    found.retain(|(name, _)| !bound.contains(name));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        // `*` is a wildcard step in JSONata, so the fault is the `2` after it.
        let (at, _) = syntax_error(" 10 + * 2 ").expect("invalid");
        assert_eq!(at, 8, "at the `2`");
        let (at, _) = syntax_error(" $x := ) ").expect("invalid");
        assert_eq!(at, 7, "at the `)`");
        let (at, _) = syntax_error(" $sum($states.input.items.numbers ").expect("invalid");
        assert_eq!(at, " $sum($states.input.items.numbers".len());
        assert!(syntax_error(" $states.input.x + 1 ").is_none());
    }

    #[test]
    fn free_variables_skip_functions_and_bindings() {
        let vars =
            free_variables("$x := 1; $count($items) + $x + $y + $map($a, function($v) { $v })");
        let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["items", "y", "a"]);
        assert!(free_variables("'$notavar' & $states.input").is_empty());
    }
}

#[cfg(test)]
mod memo_tests {
    use super::*;

    #[test]
    fn an_expression_parsed_once_is_not_parsed_again_in_a_later_check() {
        let parses = || PARSES.with(std::cell::Cell::get);
        let expression = "$states.input.memo_test_only_here + 1";
        let text = format!(
            r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Output": "{{% {expression} %}}", "End": true}}}}}}"#
        );
        let check = || {
            crate::check(
                &text,
                crate::syntax::Format::Json,
                crate::CheckOptions::default(),
            )
        };
        let before = parses();
        assert!(check().diagnostics.is_empty());
        assert_eq!(parses(), before + 1);
        // A later check (the next version of the document) finds it parsed.
        assert!(check().diagnostics.is_empty());
        assert_eq!(parses(), before + 1, "parsed again");
        // One with an error is parsed each time it is met (its message needs the parse).
        assert!(syntax_error("$states.input +").is_some());
        assert!(syntax_error("$states.input +").is_some());
        assert_eq!(parses(), before + 3);
    }
}
