//! ASL paths: `$` (input), `$$` (context object) and `$name` (a variable), followed by JSONPath
//! segments. A *Reference Path* uses only plain field and index steps. Offsets in errors are byte
//! offsets into the path string.

use std::borrow::Cow;

/// Paths borrow from the string they were parsed from: checking a document parses thousands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathRoot<'a> {
    Input,
    Context,
    Variable(&'a str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// A field name (owned only when a quoted name had escapes).
    Field(Cow<'a, str>),
    Index(i64),
    /// `*`, `..`, slices, unions, filters: anything a Reference Path may not use, as written.
    Query(&'a str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path<'a> {
    pub root: PathRoot<'a>,
    pub segments: Vec<Segment<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub offset: usize,
    pub message: String,
}

impl Path<'_> {
    /// Whether this is a Reference Path: no wildcards, filters, slices, unions or recursion.
    pub fn is_reference(&self) -> bool {
        self.segments
            .iter()
            .all(|s| !matches!(s, Segment::Query(_)))
    }

    /// The plain field names after the root, up to the first non-field step.
    pub fn field_prefix(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map_while(|s| match s {
            Segment::Field(f) => Some(f.as_ref()),
            _ => None,
        })
    }
}

fn err(offset: usize, message: impl Into<String>) -> PathError {
    PathError {
        offset,
        message: message.into(),
    }
}

/// Parse a path string. Returns the path and, on error, where it went wrong.
pub fn parse(text: &str) -> Result<Path<'_>, PathError> {
    let (path, end) = parse_prefix(text, false)?;
    if end != text.len() {
        return Err(err(end, format!("Unexpected `{}` in path.", &text[end..])));
    }
    Ok(path)
}

/// Parse a path at the start of `text`, stopping (when `in_args`) at a top-level `,` or `)`, as
/// inside intrinsic function arguments. Returns the path and the offset after it.
pub fn parse_prefix(text: &str, in_args: bool) -> Result<(Path<'_>, usize), PathError> {
    let mut segments = Vec::new();
    let (root, end) = scan_prefix(text, in_args, |segment| segments.push(segment))?;
    Ok((Path { root, segments }, end))
}

/// What checking a path needs to know of it, found without keeping its segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary<'a> {
    pub root: PathRoot<'a>,
    /// Whether it is a Reference Path (`Path::is_reference`).
    pub is_reference: bool,
}

/// Check a whole path string: `parse` without building the path (checking a document looks
/// at thousands).
pub fn check(text: &str) -> Result<Summary<'_>, PathError> {
    let mut is_reference = true;
    let (root, end) = scan_prefix(text, false, |segment| {
        is_reference &= !matches!(segment, Segment::Query(_));
    })?;
    if end != text.len() {
        return Err(err(end, format!("Unexpected `{}` in path.", &text[end..])));
    }
    Ok(Summary { root, is_reference })
}

/// The path at the start of `text`, its segments handed to `segment` one by one.
fn scan_prefix<'a>(
    text: &'a str,
    in_args: bool,
    mut segment: impl FnMut(Segment<'a>),
) -> Result<(PathRoot<'a>, usize), PathError> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'$') {
        return Err(err(
            0,
            "A path starts with `$` (input), `$$` (context) or `$name` (variable).",
        ));
    }
    let mut pos = 1;
    let root = if bytes.get(1) == Some(&b'$') {
        pos = 2;
        PathRoot::Context
    } else {
        let name_len = text[1..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - 1);
        if name_len > 0 {
            pos = 1 + name_len;
            PathRoot::Variable(&text[1..pos])
        } else {
            PathRoot::Input
        }
    };
    loop {
        match bytes.get(pos) {
            None => break,
            Some(b',' | b')' | b' ') if in_args => break,
            Some(b'.') => {
                pos += 1;
                // Jayway (AWS's JSONPath) reads a `.` before a bracket as nothing: `$.[0]`,
                // `$.Items.[0].Id`, `$.[?(@.n > 0)]`.
                if bytes.get(pos) == Some(&b'[') {
                    continue;
                }
                if bytes.get(pos) == Some(&b'.') {
                    // Recursive descent: `..name`, `..*` or `..[`.
                    pos += 1;
                    let end = field_end(text, pos, in_args);
                    if end == pos && bytes.get(pos) != Some(&b'[') {
                        return Err(err(pos, "`..` must be followed by a name, `*` or `[`."));
                    }
                    segment(Segment::Query(&text[pos - 2..end]));
                    pos = end;
                    continue;
                }
                let end = field_end(text, pos, in_args);
                if end == pos {
                    return Err(err(pos, "Expected a field name after `.`."));
                }
                let name = &text[pos..end];
                segment(if name == "*" || is_function(name) {
                    Segment::Query(name)
                } else {
                    Segment::Field(Cow::Borrowed(name))
                });
                pos = end;
            }
            Some(b'[') => {
                let close = bracket_end(text, pos)
                    .ok_or_else(|| err(pos, "This `[` is not closed: add a `]`."))?;
                let inner = text[pos + 1..close].trim();
                let whole = &text[pos..=close];
                segment(bracket_segment(inner, whole).map_err(|m| err(pos, m))?);
                pos = close + 1;
            }
            Some(_) => {
                return Err(err(
                    pos,
                    format!(
                        "Unexpected `{}`: path steps are `.name` or `[...]`.",
                        text[pos..].chars().next().unwrap_or(' ')
                    ),
                ))
            }
        }
    }
    Ok((root, pos))
}

/// Jayway's functions without arguments, which end a path: `$.items.length()`.
pub const FUNCTIONS: &[&str] = &[
    "avg()", "first()", "keys()", "last()", "length()", "max()", "min()", "stddev()", "sum()",
];

/// Whether a `.name` step is one of Jayway's functions (`length()`, `sum()`, ...).
pub fn is_function(name: &str) -> bool {
    name.ends_with("()") && FUNCTIONS.contains(&name)
}

fn field_end(text: &str, start: usize, in_args: bool) -> usize {
    text[start..]
        .find(|c: char| c == '.' || c == '[' || (in_args && (c == ',' || c == ')' || c == ' ')))
        .map_or(text.len(), |i| start + i)
}

/// The matching `]` for the `[` at `open`, skipping quoted strings and nested brackets.
fn bracket_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let bytes = text.as_bytes();
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'[' | b'(' => depth += 1,
                b']' | b')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return (b == b']').then_some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// A `[...]` step: `inner` is what the brackets hold, `whole` the step as written.
fn bracket_segment<'a>(inner: &'a str, whole: &'a str) -> Result<Segment<'a>, String> {
    if inner.is_empty() {
        return Err("Empty `[]`: put an index, a quoted name, `*` or a filter inside.".into());
    }
    if let Some(quoted) = quoted_name(inner) {
        return Ok(Segment::Field(quoted));
    }
    if let Ok(i) = inner.parse::<i64>() {
        return Ok(Segment::Index(i));
    }
    if inner == "*" {
        return Ok(Segment::Query(whole));
    }
    if inner.starts_with("?(") || inner.starts_with('(') {
        if !inner.ends_with(')') {
            return Err("A filter `[?(...)]` must end with `)`.".into());
        }
        return Ok(Segment::Query(whole));
    }
    let is_slice_or_union = inner.split([':', ',']).all(|part| {
        let part = part.trim();
        part.is_empty() || part.parse::<i64>().is_ok() || quoted_name(part).is_some()
    });
    if is_slice_or_union && (inner.contains(':') || inner.contains(',')) {
        return Ok(Segment::Query(whole));
    }
    Err(format!(
        "`[{inner}]` is not a valid step: use an index, `'name'`, `*`, a slice or a filter."
    ))
}

fn quoted_name(s: &str) -> Option<Cow<'_, str>> {
    let q = s.chars().next()?;
    if (q == '\'' || q == '"') && s.len() >= 2 && s.ends_with(q) {
        let name = &s[1..s.len() - 1];
        Some(if name.contains('\\') {
            Cow::Owned(name.replace(&format!("\\{q}"), &q.to_string()))
        } else {
            Cow::Borrowed(name)
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `check` says of a path what `parse` does, without keeping its segments.
        #[test]
        fn check_agrees_with_parse(text in "\\$[$a-z0-9_.*\\[\\]'?@(),: -]{0,16}") {
            let summary = parse(&text).map(|p| Summary {
                is_reference: p.is_reference(),
                root: p.root,
            });
            proptest::prop_assert_eq!(check(&text), summary);
        }
    }

    #[test]
    fn reference_paths() {
        let p = parse("$.a.b[0]['c d']").expect("valid");
        assert_eq!(p.root, PathRoot::Input);
        assert!(p.is_reference());
        assert_eq!(p.segments.len(), 4);
        assert_eq!(
            parse("$$.Task.Token").expect("valid").root,
            PathRoot::Context
        );
        assert_eq!(
            parse("$myVar.x").expect("valid").root,
            PathRoot::Variable("myVar")
        );
        assert!(parse("$.path-with-hyphen").is_ok());
    }

    #[test]
    fn query_paths_are_not_reference_paths() {
        for q in [
            "$.a[*]",
            "$..b",
            "$.a[?(@.x > 1)]",
            "$.a[1:3]",
            "$.a[0,1]",
            "$.*",
        ] {
            let p = parse(q).expect(q);
            assert!(!p.is_reference(), "{q}");
        }
    }

    #[test]
    fn jayway_reads_a_dot_before_a_bracket_as_nothing() {
        assert_eq!(parse("$.[0]"), parse("$[0]"));
        assert_eq!(parse("$.Items.[0].Id"), parse("$.Items[0].Id"));
        assert_eq!(parse("$.['a b']"), parse("$['a b']"));
        assert!(parse("$.[?(@.n > 0)]").is_ok_and(|p| !p.is_reference()));
        assert!(parse("$.a.[0]").is_ok_and(|p| p.is_reference()));
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(parse("bug$.x").expect_err("invalid").offset, 0);
        assert_eq!(parse("$.a[0").expect_err("invalid").offset, 3);
        assert_eq!(parse("$.").expect_err("invalid").offset, 2);
        assert_eq!(parse("$.a[]").expect_err("invalid").offset, 3);
    }
}
