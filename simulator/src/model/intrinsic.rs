//! Intrinsic functions (`States.Format('{}', $.x)`): a parser with offsets, and the table of the
//! 18 functions with their parameter types, for the checker and the engine alike.

use super::path::{self, Path};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    Any,
    String,
    Number,
    Integer,
    Array,
    Boolean,
}

impl ParamType {
    pub fn describe(self) -> &'static str {
        match self {
            ParamType::Any => "any value",
            ParamType::String => "a string",
            ParamType::Number => "a number",
            ParamType::Integer => "an integer",
            ParamType::Array => "an array",
            ParamType::Boolean => "a boolean",
        }
    }
}

pub struct IntrinsicSpec {
    pub name: &'static str,
    /// Fixed parameters, in order.
    pub params: &'static [ParamType],
    /// How many of `params` may be left out at the end.
    pub optional: usize,
    /// Whether any number of further arguments may follow (`States.Format`, `States.Array`).
    pub variadic: bool,
    pub signature: &'static str,
    pub doc: &'static str,
}

use ParamType as P;

pub const INTRINSICS: &[IntrinsicSpec] = &[
    IntrinsicSpec {
        name: "States.Format",
        params: &[P::String],
        optional: 0,
        variadic: true,
        signature: "States.Format(template, ...values)",
        doc: "Builds a string: each `{}` in the template is replaced by the next value.",
    },
    IntrinsicSpec {
        name: "States.StringToJson",
        params: &[P::String],
        optional: 0,
        variadic: false,
        signature: "States.StringToJson(string)",
        doc: "Parses a JSON string into a value.",
    },
    IntrinsicSpec {
        name: "States.JsonToString",
        params: &[P::Any],
        optional: 0,
        variadic: false,
        signature: "States.JsonToString(path)",
        doc: "Serialises a value to a JSON string.",
    },
    IntrinsicSpec {
        name: "States.Array",
        params: &[],
        optional: 0,
        variadic: true,
        signature: "States.Array(...values)",
        doc: "Makes an array of its arguments.",
    },
    IntrinsicSpec {
        name: "States.ArrayPartition",
        params: &[P::Array, P::Integer],
        optional: 0,
        variadic: false,
        signature: "States.ArrayPartition(array, chunkSize)",
        doc: "Splits an array into chunks of the given size.",
    },
    IntrinsicSpec {
        name: "States.ArrayContains",
        params: &[P::Array, P::Any],
        optional: 0,
        variadic: false,
        signature: "States.ArrayContains(array, value)",
        doc: "Whether the array contains the value.",
    },
    IntrinsicSpec {
        name: "States.ArrayRange",
        params: &[P::Integer, P::Integer, P::Integer],
        optional: 0,
        variadic: false,
        signature: "States.ArrayRange(first, last, step)",
        doc: "An array of numbers from first to last (inclusive) by step; at most 1000 items.",
    },
    IntrinsicSpec {
        name: "States.ArrayGetItem",
        params: &[P::Array, P::Integer],
        optional: 0,
        variadic: false,
        signature: "States.ArrayGetItem(array, index)",
        doc: "The item at a zero-based index.",
    },
    IntrinsicSpec {
        name: "States.ArrayLength",
        params: &[P::Array],
        optional: 0,
        variadic: false,
        signature: "States.ArrayLength(array)",
        doc: "The number of items in an array.",
    },
    IntrinsicSpec {
        name: "States.ArrayUnique",
        params: &[P::Array],
        optional: 0,
        variadic: false,
        signature: "States.ArrayUnique(array)",
        doc: "The array without duplicate values.",
    },
    IntrinsicSpec {
        name: "States.Base64Encode",
        params: &[P::String],
        optional: 0,
        variadic: false,
        signature: "States.Base64Encode(string)",
        doc: "Base64-encodes a string (at most 10,000 characters).",
    },
    IntrinsicSpec {
        name: "States.Base64Decode",
        params: &[P::String],
        optional: 0,
        variadic: false,
        signature: "States.Base64Decode(base64)",
        doc: "Decodes a base64 string (at most 10,000 characters).",
    },
    IntrinsicSpec {
        name: "States.Hash",
        params: &[P::Any, P::String],
        optional: 0,
        variadic: false,
        signature: "States.Hash(data, algorithm)",
        doc: "Hash of the data: MD5, SHA-1, SHA-256, SHA-384 or SHA-512.",
    },
    IntrinsicSpec {
        name: "States.JsonMerge",
        params: &[P::Any, P::Any, P::Boolean],
        optional: 0,
        variadic: false,
        signature: "States.JsonMerge(left, right, false)",
        doc: "Shallow-merges two objects (the deep-merge flag must be false).",
    },
    IntrinsicSpec {
        name: "States.MathRandom",
        params: &[P::Integer, P::Integer, P::Integer],
        optional: 1,
        variadic: false,
        signature: "States.MathRandom(start, end[, seed])",
        doc: "A random integer in [start, end).",
    },
    IntrinsicSpec {
        name: "States.MathAdd",
        params: &[P::Number, P::Number],
        optional: 0,
        variadic: false,
        signature: "States.MathAdd(a, b)",
        doc: "The sum of two numbers.",
    },
    IntrinsicSpec {
        name: "States.StringSplit",
        params: &[P::String, P::String],
        optional: 0,
        variadic: false,
        signature: "States.StringSplit(string, separators)",
        doc: "Splits a string at any of the separator characters.",
    },
    IntrinsicSpec {
        name: "States.UUID",
        params: &[],
        optional: 0,
        variadic: false,
        signature: "States.UUID()",
        doc: "A random version-4 UUID.",
    },
];

pub fn spec(name: &str) -> Option<&'static IntrinsicSpec> {
    INTRINSICS.iter().find(|s| s.name == name)
}

/// An argument; paths and names borrow from the string the call was parsed from.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<'a> {
    String(String),
    Number(serde_json::Number),
    Boolean(bool),
    Null,
    Path(Path<'a>),
    Call(Call<'a>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call<'a> {
    pub name: &'a str,
    /// Byte offsets of the name within the source string.
    pub name_span: (usize, usize),
    pub args: Vec<(Arg<'a>, (usize, usize))>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// Whether a string is meant as an intrinsic call (as opposed to a path).
pub fn looks_like_call(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

/// Parse a whole intrinsic function call.
pub fn parse(text: &str) -> Result<Call<'_>, IntrinsicError> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    let call = p.call(0)?;
    p.skip_ws();
    if p.pos != text.len() {
        return Err(p.error(
            p.pos,
            text.len(),
            "Unexpected text after the function call.",
        ));
    }
    Ok(call)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

const MAX_NESTING: usize = 64;

impl<'a> Parser<'a> {
    #[allow(clippy::unused_self)] // a method so every error site reads `self.error(...)`
    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> IntrinsicError {
        IntrinsicError {
            start,
            end: end.max(start),
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        while self.text[self.pos..].starts_with([' ', '\t', '\n', '\r']) {
            self.pos += 1;
        }
    }

    fn call(&mut self, depth: usize) -> Result<Call<'a>, IntrinsicError> {
        if depth > MAX_NESTING {
            return Err(self.error(self.pos, self.pos, "Intrinsic functions nest too deeply."));
        }
        let start = self.pos;
        let len = self.text[start..]
            .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(self.text.len() - start);
        let name = &self.text[start..start + len];
        self.pos += len;
        if !name.starts_with("States.") {
            return Err(self.error(
                start,
                self.pos,
                "An intrinsic function's name starts with `States.`.",
            ));
        }
        self.skip_ws();
        if !self.text[self.pos..].starts_with('(') {
            return Err(self.error(start, self.pos, format!("Expected `(` after `{name}`.")));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.text[self.pos..].starts_with(')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let arg_start = self.pos;
                let arg = self.arg(depth)?;
                args.push((arg, (arg_start, self.pos)));
                self.skip_ws();
                match self.text[self.pos..].chars().next() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(c) => {
                        return Err(self.error(
                            self.pos,
                            self.pos + c.len_utf8(),
                            format!("Expected `,` or `)`, found `{c}`."),
                        ))
                    }
                    None => {
                        return Err(self.error(
                            start,
                            self.pos,
                            format!("`{name}(` is not closed: add a `)`."),
                        ))
                    }
                }
            }
        }
        Ok(Call {
            name,
            name_span: (start, start + len),
            args,
        })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg<'a>, IntrinsicError> {
        let start = self.pos;
        let rest = &self.text[start..];
        let Some(first) = rest.chars().next() else {
            return Err(self.error(start, start, "Expected an argument."));
        };
        match first {
            '\'' => self.string(),
            '$' => {
                let (path, len) = path::parse_prefix(rest, true)
                    .map_err(|e| self.error(start + e.offset, start + e.offset + 1, e.message))?;
                self.pos += len;
                Ok(Arg::Path(path))
            }
            '-' | '0'..='9' => {
                let len = rest
                    .find(|c: char| {
                        !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                    })
                    .unwrap_or(rest.len());
                let raw = &rest[..len];
                self.pos += len;
                serde_json::from_str::<serde_json::Number>(raw)
                    .map(Arg::Number)
                    .map_err(|_| self.error(start, self.pos, format!("`{raw}` is not a number.")))
            }
            _ if rest.starts_with("States.") => Ok(Arg::Call(self.call(depth + 1)?)),
            _ => {
                let len = rest
                    .find(|c: char| !c.is_alphanumeric())
                    .unwrap_or(rest.len())
                    .max(first.len_utf8());
                let word = &rest[..len];
                self.pos += len;
                match word {
                    "true" => Ok(Arg::Boolean(true)),
                    "false" => Ok(Arg::Boolean(false)),
                    "null" => Ok(Arg::Null),
                    _ => Err(self.error(start, self.pos, format!(
                        "`{word}` is not an argument: use a 'string', a number, a path or an intrinsic function."
                    ))),
                }
            }
        }
    }

    fn string(&mut self) -> Result<Arg<'a>, IntrinsicError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut chars = self.text[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e)) => value.push(e),
                    None => break,
                },
                '\'' => {
                    self.pos += i + 1;
                    return Ok(Arg::String(value));
                }
                _ => value.push(c),
            }
        }
        Err(self.error(
            start,
            self.text.len(),
            "This string is not closed: add a `'`.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_calls() {
        let call = parse("States.Format('a {} \\' b', States.MathAdd($.x, -1), $$.Task.Token)")
            .expect("valid");
        assert_eq!(call.name, "States.Format");
        assert_eq!(call.args.len(), 3);
        assert_eq!(call.args[0].0, Arg::String("a {} ' b".into()));
        assert!(matches!(&call.args[1].0, Arg::Call(c) if c.name == "States.MathAdd"));
    }

    #[test]
    fn reports_errors_with_offsets() {
        let e = parse("States.Format('x', $.a").expect_err("unclosed");
        assert!(e.message.contains("not closed"));
        let e = parse("States.MathAdd(1, foo)").expect_err("bad arg");
        assert_eq!(e.start, 18);
    }
}
