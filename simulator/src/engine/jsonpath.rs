//! Evaluating ASL paths on JSON values. A Reference Path (plain steps) selects one value or
//! nothing; a path with wildcards, slices, unions, filters or `..` selects a list, which
//! Step Functions hands on as an array (Jayway's "indefinite path" rule).

use serde_json::Value;

use super::StateNow;
use crate::model::path::{Path, PathRoot, Segment};

/// The values a path starts from.
pub struct Roots<'v> {
    pub input: &'v Value,
    /// The context object without `Execution.Input`, which stays in `execution_input`: the
    /// context is copied for every state, the input can be large.
    pub context: &'v Value,
    pub execution_input: &'v Value,
    /// `$$.State`, when it is not in `context` (see `StateNow`).
    pub state: Option<&'v StateNow>,
    pub variable: &'v dyn Fn(&str) -> Option<Value>,
}

/// The whole context object, with `Execution.Input` and `State` in place.
pub fn full_context(context: &Value, execution_input: &Value, state: Option<&StateNow>) -> Value {
    let mut full = context.clone();
    if let Some(execution) = full.get_mut("Execution").and_then(Value::as_object_mut) {
        // TestState's given context may be `"Execution": {}`, which AWS leaves without Input.
        if !(execution.is_empty() && execution_input.is_null()) {
            execution.insert("Input".into(), execution_input.clone());
        }
    }
    if let (Some(state), Some(full)) = (state, full.as_object_mut()) {
        full.insert("State".into(), state.to_json());
    }
    full
}

/// Select with `path`. `None`: a definite path matched nothing.
pub fn select(path: &Path<'_>, roots: &Roots<'_>) -> Option<Value> {
    let variable_value;
    let full_context;
    let state_value;
    let mut segments = path.segments.as_slice();
    let start: &Value = match &path.root {
        PathRoot::Input => roots.input,
        PathRoot::Context => match segments {
            [Segment::Field(a), Segment::Field(b), rest @ ..]
                if a == "Execution" && b == "Input" =>
            {
                segments = rest;
                roots.execution_input
            }
            [Segment::Field(a), rest @ ..] if a == "State" && roots.state.is_some() => {
                segments = rest;
                state_value = roots.state.map(StateNow::to_json)?;
                &state_value
            }
            [Segment::Field(a), ..] if a != "Execution" => roots.context,
            _ => {
                full_context = super::jsonpath::full_context(
                    roots.context,
                    roots.execution_input,
                    roots.state,
                );
                &full_context
            }
        },
        PathRoot::Variable(name) => {
            variable_value = (roots.variable)(name)?;
            &variable_value
        }
    };
    if path.is_reference() {
        return definite(start, segments).cloned();
    }
    // Jayway applies a function at the end to what the rest of the path selects.
    if let Some((Segment::Query(name), rest)) = segments.split_last() {
        if crate::model::path::is_function(name) {
            return function(name, &walk(start, rest)?);
        }
    }
    walk(start, segments)
}

/// The steps from `start`: one value (or nothing) for plain steps, else the list selected.
fn walk(start: &Value, segments: &[Segment<'_>]) -> Option<Value> {
    if segments.iter().all(|s| !matches!(s, Segment::Query(_))) {
        return definite(start, segments).cloned();
    }
    let mut current: Vec<&Value> = vec![start];
    for segment in segments {
        let mut next = Vec::new();
        for value in current {
            step(value, segment, &mut next);
        }
        current = next;
    }
    Some(Value::Array(current.into_iter().cloned().collect()))
}

/// Plain steps from `start`: the one value they reach, if any.
#[inline]
fn definite<'v>(start: &'v Value, segments: &[Segment<'_>]) -> Option<&'v Value> {
    let mut current = start;
    for segment in segments {
        current = match segment {
            Segment::Field(name) => field(current.as_object()?, name)?,
            Segment::Index(i) => index(current.as_array()?, *i)?,
            Segment::Query(_) => return None,
        };
    }
    Some(current)
}

/// A Jayway function on the value selected: `length()` of an array, object or string; the
/// numeric ones (as Java doubles) over an array of numbers; `keys()`, `first()`, `last()`.
fn function(name: &str, value: &Value) -> Option<Value> {
    let numbers = || -> Option<Vec<f64>> {
        let items = value.as_array()?;
        let numbers: Vec<f64> = items.iter().filter_map(Value::as_f64).collect();
        (!numbers.is_empty()).then_some(numbers)
    };
    let double = |f: f64| serde_json::Number::from_f64(f).map(Value::Number);
    match name {
        "length()" => match value {
            Value::Array(items) => Some(Value::from(items.len())),
            Value::Object(members) => Some(Value::from(members.len())),
            Value::String(text) => Some(Value::from(text.chars().count())),
            _ => None,
        },
        "sum()" => double(numbers()?.iter().sum()),
        "min()" => double(numbers()?.into_iter().fold(f64::INFINITY, f64::min)),
        "max()" => double(numbers()?.into_iter().fold(f64::NEG_INFINITY, f64::max)),
        "avg()" => numbers().and_then(|n| double(n.iter().sum::<f64>() / n.len() as f64)),
        "stddev()" => numbers().and_then(|n| {
            let mean = n.iter().sum::<f64>() / n.len() as f64;
            let variance = n.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n.len() as f64;
            double(variance.sqrt())
        }),
        "keys()" => value
            .as_object()
            .map(|o| Value::Array(o.keys().cloned().map(Value::String).collect())),
        "first()" => value.as_array()?.first().cloned(),
        "last()" => value.as_array()?.last().cloned(),
        _ => None,
    }
}

fn index(items: &[Value], i: i64) -> Option<&Value> {
    let i = if i < 0 { items.len() as i64 + i } else { i };
    usize::try_from(i).ok().and_then(|i| items.get(i))
}

fn step<'v>(value: &'v Value, segment: &Segment<'_>, out: &mut Vec<&'v Value>) {
    match segment {
        Segment::Field(name) => out.extend(value.as_object().and_then(|o| field(o, name))),
        Segment::Index(i) => out.extend(value.as_array().and_then(|a| index(a, *i))),
        Segment::Query(q) => query(value, q, out),
    }
}

fn children(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Object(o) => Box::new(o.values()),
        Value::Array(a) => Box::new(a.iter()),
        _ => Box::new(std::iter::empty()),
    }
}

fn query<'v>(value: &'v Value, q: &str, out: &mut Vec<&'v Value>) {
    if q == "*" || q == "[*]" {
        out.extend(children(value));
        return;
    }
    if let Some(rest) = q.strip_prefix("..") {
        // Every descendant-or-self, then the step.
        let mut stack = vec![value];
        let mut all = Vec::new();
        while let Some(v) = stack.pop() {
            all.push(v);
            let kids: Vec<&Value> = children(v).collect();
            stack.extend(kids.into_iter().rev());
        }
        for v in all {
            if rest == "*" {
                out.extend(children(v));
            } else if rest.starts_with('[') {
                query(v, rest, out);
            } else if let Some(found) = v.as_object().and_then(|o| o.get(rest)) {
                out.push(found);
            }
        }
        return;
    }
    let Some(inner) = q.strip_prefix('[').and_then(|q| q.strip_suffix(']')) else {
        return;
    };
    let inner = inner.trim();
    if let Some(filter) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        if let Some(items) = value.as_array() {
            out.extend(items.iter().filter(|item| filter_matches(item, filter)));
        } else if let Some(object) = value.as_object() {
            out.extend(object.values().filter(|item| filter_matches(item, filter)));
        }
        return;
    }
    if inner.contains(':') {
        if let Some(items) = value.as_array() {
            let parts: Vec<&str> = inner.split(':').map(str::trim).collect();
            let len = items.len() as i64;
            let bound = |s: &str, default: i64| {
                s.parse::<i64>().map_or(
                    default,
                    |n| if n < 0 { (len + n).max(0) } else { n.min(len) },
                )
            };
            let start = bound(parts[0], 0);
            let end = bound(parts.get(1).copied().unwrap_or(""), len);
            let stride = parts
                .get(2)
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|s| *s > 0)
                .unwrap_or(1);
            let mut i = start;
            while i < end {
                out.push(&items[i as usize]);
                i += stride;
            }
        }
        return;
    }
    for part in inner.split(',').map(str::trim) {
        if let Ok(i) = part.parse::<i64>() {
            out.extend(value.as_array().and_then(|a| index(a, i)));
        } else {
            let name = part.trim_matches(|c| c == '\'' || c == '"');
            out.extend(value.as_object().and_then(|o| o.get(name)));
        }
    }
}

/// The filter operators that are words, matched before the symbols they contain.
const WORDS: [&str; 8] = [
    " subsetof ",
    " noneof ",
    " anyof ",
    " empty ",
    " size ",
    " nin ",
    " in ",
    " =~ ",
];

/// A Jayway filter on one item: comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`, `=~ /re/i`,
/// `in`, `nin`, `subsetof`, `anyof`, `noneof`, `size`, `empty`), `@...` alone (exists),
/// `!`, parentheses, `&&` before `||`.
fn filter_matches(item: &Value, filter: &str) -> bool {
    let filter = filter.trim();
    if let Some((a, b)) = split_outside(filter, "||") {
        return filter_matches(item, a) || filter_matches(item, b);
    }
    if let Some((a, b)) = split_outside(filter, "&&") {
        return filter_matches(item, a) && filter_matches(item, b);
    }
    if let Some(inner) = filter.strip_prefix('!') {
        return !filter_matches(item, inner);
    }
    if let Some(inner) = filter.strip_prefix('(').and_then(|f| f.strip_suffix(')')) {
        if split_outside(inner, ")").is_none() {
            return filter_matches(item, inner);
        }
    }
    for op in WORDS
        .iter()
        .copied()
        .chain(["==", "!=", "<=", ">=", "<", ">", "=~"])
    {
        if let Some((left, right)) = split_outside(filter, op) {
            let Some(left) = operand(item, left.trim()) else {
                return false;
            };
            return compare(&left, op.trim(), right.trim());
        }
    }
    operand(item, filter).is_some()
}

/// `text` split at the first `sep` outside quotes, brackets, parentheses and `/regex/`.
fn split_outside<'s>(text: &'s str, sep: &str) -> Option<(&'s str, &'s str)> {
    let bytes = text.as_bytes();
    let (mut depth, mut quote) = (0usize, None::<u8>);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' {
                i += 1;
            } else if b == q {
                quote = None;
            }
        } else if matches!(b, b'\'' | b'"') || (b == b'/' && text[..i].trim_end().ends_with("=~")) {
            quote = Some(b);
        } else if matches!(b, b'[' | b'(') {
            depth += 1;
        } else if depth > 0 && matches!(b, b']' | b')') {
            depth -= 1;
        } else if depth == 0 && text[i..].starts_with(sep) {
            return Some((&text[..i], &text[i + sep.len()..]));
        }
        i += 1;
    }
    None
}

/// `@...` read on the item with the path parser (`@.a.b`, `@['a']`, `@.a[0]`), or a literal.
fn operand(item: &Value, text: &str) -> Option<Value> {
    if let Some(rest) = text.strip_prefix('@') {
        let whole = format!("${rest}");
        let path = crate::model::path::parse(&whole).ok()?;
        return walk(item, &path.segments);
    }
    Some(
        serde_json::from_str(text)
            .or_else(|_| serde_json::from_str(&text.replace('\'', "\"")))
            .unwrap_or_else(|_| Value::String(text.trim_matches('\'').to_string())),
    )
}

fn compare(left: &Value, op: &str, right: &str) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    if op == "=~" {
        return regex_matches(left, right);
    }
    let right = operand(&Value::Null, right).unwrap_or(Value::Null);
    let members = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let ordering = match (left, &right) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let length = |v: &Value| match v {
        Value::Array(a) => Some(a.len()),
        Value::String(s) => Some(s.chars().count()),
        Value::Object(o) => Some(o.len()),
        _ => None,
    };
    match op {
        "==" => *left == right || ordering == Some(Equal),
        "!=" => *left != right && ordering != Some(Equal),
        "<" => ordering == Some(Less),
        ">" => ordering == Some(Greater),
        "<=" => matches!(ordering, Some(Less | Equal)),
        ">=" => matches!(ordering, Some(Greater | Equal)),
        "in" => members(&right).contains(left),
        "nin" => !members(&right).contains(left),
        "subsetof" => members(left).iter().all(|v| members(&right).contains(v)),
        "anyof" => members(left).iter().any(|v| members(&right).contains(v)),
        "noneof" => !members(left).iter().any(|v| members(&right).contains(v)),
        "size" => length(left).is_some_and(|n| right.as_u64() == Some(n as u64)),
        "empty" => length(left).is_some_and(|n| (n == 0) == (right == Value::Bool(true))),
        _ => false,
    }
}

/// `=~ /pattern/flags`: Java's `matches`, the whole string; `i` ignores case.
fn regex_matches(left: &Value, right: &str) -> bool {
    let Some(text) = left.as_str() else {
        return false;
    };
    let Some((pattern, flags)) = right.strip_prefix('/').and_then(|r| r.rsplit_once('/')) else {
        return false;
    };
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .case_insensitive(flags.contains('i'))
        .build()
        .is_ok_and(|re| re.is_match(text))
}

/// A member of an object. Payloads are mostly small objects, in which comparing a few keys
/// costs less than hashing one (serde_json's maps hash with SipHash).
pub fn field<'v>(object: &'v serde_json::Map<String, Value>, name: &str) -> Option<&'v Value> {
    const SCAN_UP_TO: usize = 8;
    if object.len() <= SCAN_UP_TO {
        object.iter().find_map(|(k, v)| (k == name).then_some(v))
    } else {
        object.get(name)
    }
}

/// Put `value` at a Reference Path inside `target`, creating objects on the way (ResultPath).
/// Fails when a step meets something that is not an object.
pub fn assign(target: &mut Value, path: &Path<'_>, value: Value) -> Result<(), ()> {
    let mut current = target;
    for segment in &path.segments {
        match segment {
            Segment::Field(name) => {
                if current.is_null() {
                    *current = Value::Object(serde_json::Map::new());
                }
                let object = current.as_object_mut().ok_or(())?;
                // An existing member is replaced in place (found without hashing when small).
                let existing = (object.len() <= 8)
                    .then(|| object.iter().position(|(k, _)| k == name.as_ref()))
                    .flatten();
                current = match existing {
                    Some(index) => object.values_mut().nth(index).ok_or(())?,
                    None => object.entry(name.to_string()).or_insert(Value::Null),
                };
            }
            Segment::Index(i) => {
                let items = current.as_array_mut().ok_or(())?;
                let i = usize::try_from(*i).map_err(|_| ())?;
                current = items.get_mut(i).ok_or(())?;
            }
            Segment::Query(_) => return Err(()),
        }
    }
    *current = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::parse;
    use serde_json::json;

    fn sel(path: &str, input: &Value) -> Option<Value> {
        let nothing = |_: &str| None;
        let roots = Roots {
            input,
            context: &Value::Null,
            execution_input: &Value::Null,
            state: None,
            variable: &nothing,
        };
        select(&parse(path).expect("valid"), &roots)
    }

    #[test]
    fn reference_and_query_paths() {
        let input = json!({"a": {"b": [1, 2, 3]}, "items": [{"x": 1}, {"x": 5}]});
        assert_eq!(sel("$.a.b[1]", &input), Some(json!(2)));
        assert_eq!(sel("$.a.b[-1]", &input), Some(json!(3)));
        assert_eq!(sel("$.a.c", &input), None);
        assert_eq!(sel("$.a.b[0:2]", &input), Some(json!([1, 2])));
        assert_eq!(sel("$.items[*].x", &input), Some(json!([1, 5])));
        assert_eq!(sel("$.items[?(@.x > 2)]", &input), Some(json!([{"x": 5}])));
        assert_eq!(sel("$..x", &input), Some(json!([1, 5])));
    }

    #[test]
    fn context_paths_read_the_execution_input_in_place() {
        let nothing = |_: &str| None;
        let context = json!({"Execution": {"Name": "e"}, "State": {"Name": "S"}});
        let execution_input = json!({"big": [1, 2, 3]});
        let roots = Roots {
            input: &Value::Null,
            context: &context,
            execution_input: &execution_input,
            state: None,
            variable: &nothing,
        };
        let get = |p: &str| select(&parse(p).expect("valid"), &roots);
        assert_eq!(get("$$.Execution.Input.big[1]"), Some(json!(2)));
        assert_eq!(get("$$.State.Name"), Some(json!("S")));
        assert_eq!(
            get("$$.Execution"),
            Some(json!({"Name": "e", "Input": {"big": [1, 2, 3]}}))
        );
    }

    #[test]
    fn assign_creates_objects() {
        let mut target = json!({"keep": 1});
        assign(&mut target, &parse("$.a.b").expect("valid"), json!(2)).expect("assignable");
        assert_eq!(target, json!({"keep": 1, "a": {"b": 2}}));
        assert!(assign(&mut target, &parse("$.keep.x").expect("valid"), json!(3)).is_err());
    }
}
