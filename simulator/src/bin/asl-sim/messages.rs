//! Every message `asl-sim` prints about a problem that is not a diagnostic, in one style, so
//! that the same problem reads the same in `check`, `run`, `test`, `graph` and `test-state`:
//!
//! - `error: ` (or `warning: `) first, as clap and the diagnostics print theirs;
//! - a file is named first, as `PATH: ...`, or `PATH:LINE:COLUMN: ...` when the place is known:
//!   a position is printed once, never again in the text after it;
//! - names (states, test cases, flags' values) in backticks, as the checker's messages do;
//! - "did you mean" where a name was expected.

use std::fmt::Display;
use std::io::Write;

use serde_json::Value;

/// `error: MESSAGE` on stderr.
pub fn error(message: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

/// `warning: MESSAGE` on stderr.
pub fn warning(message: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "warning: {message}");
}

/// Why a command stops: every problem found, each printed as an `error: ` line.
pub struct Problems(pub Vec<String>);

impl From<String> for Problems {
    fn from(problem: String) -> Self {
        Problems(vec![problem])
    }
}

impl From<&str> for Problems {
    fn from(problem: &str) -> Self {
        Problems(vec![problem.to_string()])
    }
}

impl Problems {
    pub fn print(&self) {
        for problem in &self.0 {
            error(problem);
        }
    }
}

/// What is wrong with a file that cannot be read as text (without the path).
pub fn unreadable(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file".into(),
        ErrorKind::IsADirectory => "is a directory, not a file".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // The OS's own words without its "(os error N)".
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_lowercase().chain(chars).collect()
            })
        }
    }
}

/// The text of the file at `path` (`-` is stdin), or `PATH: what is wrong`.
pub fn read_text(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("stdin: {}", unreadable(&e)))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| format!("{path}: {}", unreadable(&e)))?
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// serde_json's words, made to read as the rest: without its position (printed once, by the
/// caller), and a few phrases plainer.
const JSON_WORDING: &[(&str, &str)] = &[
    ("expected value", "expected a value"),
    (
        "EOF while parsing a value",
        "the text ends where a value should be",
    ),
    (
        "EOF while parsing an object",
        "the text ends inside an object",
    ),
    ("EOF while parsing a list", "the text ends inside an array"),
    (
        "EOF while parsing a string",
        "the text ends inside a string",
    ),
    ("trailing characters", "more text after the value"),
    ("key must be a string", "expected a key in double quotes"),
];

fn json_problem(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let text = text.strip_suffix(&suffix).unwrap_or(&text);
    JSON_WORDING
        .iter()
        .find(|(serde, _)| *serde == text)
        .map_or_else(|| text.to_string(), |(_, ours)| (*ours).to_string())
}

/// JSON given on the command line (`what` names it: `the input`, `--context`), or
/// `WHAT is not JSON: PROBLEM at line L, column C`.
pub fn parse_json(what: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "{what} is not JSON: {} at line {}, column {}",
            json_problem(&e),
            e.line(),
            column(&e)
        )
    })
}

/// serde_json's column, 1-based (it says 0 at the very start of a line).
fn column(error: &serde_json::Error) -> usize {
    error.column().max(1)
}

/// JSON read from the file `path` (`what` names it: `the mock file`), or
/// `PATH:L:C: WHAT is not JSON: PROBLEM`.
pub fn parse_json_file(path: &str, what: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "{path}:{}:{}: {what} is not JSON: {}",
            e.line(),
            column(&e),
            json_problem(&e)
        )
    })
}

/// ` Did you mean `X`?` when one of `candidates` is close to `name`, else nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    asl_sim::analysis::closest(name, candidates)
        .map_or_else(String::new, |near| format!(" Did you mean `{near}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_problems_name_their_place_once() {
        assert_eq!(
            parse_json("the input", "{not json").expect_err("refused"),
            "the input is not JSON: expected a key in double quotes at line 1, column 2"
        );
        assert_eq!(
            parse_json_file("m.json", "the mock file", "{\n  \"a\": ").expect_err("refused"),
            "m.json:2:7: the mock file is not JSON: the text ends where a value should be"
        );
    }

    #[test]
    fn file_problems_read_the_same_for_every_command() {
        assert_eq!(
            read_text("no/such/file.json").expect_err("refused"),
            "no/such/file.json: no such file"
        );
        assert_eq!(
            read_text("/").expect_err("refused"),
            "/: is a directory, not a file"
        );
    }
}
