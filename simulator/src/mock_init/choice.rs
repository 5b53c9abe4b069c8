//! The values a Choice's variables need to take a branch that does not fail: the first rule
//! whose `Next` is not a Fail state is made true and every rule before it false (or every
//! rule false, when only the `Default` goes on). JSONPath rules by their operators; JSONata
//! `Condition`s of the plain forms `$states.input.x OP literal`, `and`, `or`, a bare path.

use serde_json::{json, Value};

use super::reads::{dotted, path_read, Path, States};
use crate::model::minimal_result::Wanted;

const EARLIEST: &str = "1970-01-01T00:00:00Z";
const LATEST: &str = "9999-12-31T23:59:59Z";

/// What a Choice state's variables want (for other states, nothing).
pub(super) fn choice_reads(
    state: &Value,
    jsonata: bool,
    states: &States<'_>,
) -> Vec<(Path, Wanted)> {
    let Some(rules) = state["Choices"].as_array() else {
        return Vec::new();
    };
    let goes_on = rules
        .iter()
        .position(|r| !states.is_fail(r["Next"].as_str()));
    let default_goes_on = state["Default"]
        .as_str()
        .is_some_and(|d| !states.is_fail(Some(d)));
    let taken = match goes_on {
        Some(i) => Some(i),
        None if default_goes_on => None,
        None => Some(0),
    };
    let mut found = Vec::new();
    let rule_wants = |rule: &Value, satisfy: bool, found: &mut Vec<(Path, Wanted)>| {
        if jsonata {
            if let Some(condition) = rule["Condition"].as_str() {
                condition_wants(condition, satisfy, found);
            }
        } else {
            rule_wants(rule, satisfy, found);
        }
    };
    if let Some(i) = taken {
        rule_wants(&rules[i], true, &mut found);
    }
    for rule in &rules[..taken.unwrap_or(rules.len())] {
        rule_wants(rule, false, &mut found);
    }
    found
}

/// A JSONPath rule made true (`satisfy`) or false.
fn rule_wants(rule: &Value, satisfy: bool, found: &mut Vec<(Path, Wanted)>) {
    // `And` is true when all are, false when one is; `Or` the other way round.
    let (parts, every) = match (rule["And"].as_array(), rule["Or"].as_array()) {
        (Some(all), _) => (Some(all), satisfy),
        (_, Some(any)) => (Some(any), !satisfy),
        _ => (None, false),
    };
    if let Some(parts) = parts {
        let count = if every { parts.len() } else { 1 };
        for part in parts.iter().take(count) {
            rule_wants(part, satisfy, found);
        }
    } else if let Some(not) = rule.get("Not") {
        rule_wants(not, !satisfy, found);
    } else if let Some(variable) = rule["Variable"].as_str() {
        let operator = rule
            .as_object()
            .into_iter()
            .flatten()
            .find(|(k, _)| !matches!(k.as_str(), "Variable" | "Next" | "Comment" | "Assign"));
        if let Some((op, Value::String(other))) = operator.filter(|(op, _)| op.ends_with("Path")) {
            let Some((mine, theirs)) = path_comparison(op, satisfy) else {
                return;
            };
            found.extend(path_read(variable, Wanted::Exactly(mine)));
            found.extend(path_read(other, Wanted::Exactly(theirs)));
            return;
        }
        let wanted = operator.and_then(|(op, operand)| comparison(op, operand, satisfy));
        if let Some(read) = wanted.and_then(|w| path_read(variable, w)) {
            found.push(read);
        }
    }
}

/// The values of the variable and of the other path that make `Variable OPERATORPath path`
/// true (`satisfy`) or false.
fn path_comparison(operator: &str, satisfy: bool) -> Option<(Value, Value)> {
    let operator = operator.strip_suffix("Path")?;
    let (low, high) = [
        ("Boolean", (json!(false), json!(true))),
        ("Numeric", (json!(0), json!(1))),
        ("String", (json!("a"), json!("b"))),
        ("Timestamp", (json!(EARLIEST), json!(LATEST))),
    ]
    .into_iter()
    .find(|(kind, _)| operator.starts_with(kind))?
    .1;
    let (less, greater) = (
        operator.contains("LessThan"),
        operator.contains("GreaterThan"),
    );
    Some(match (less, greater, satisfy) {
        (true, _, true) | (_, true, false) => (low, high),
        (true, _, false) | (_, true, true) => (high, low),
        (_, _, true) => (low.clone(), low),
        (_, _, false) => (low, high),
    })
}

/// The value that makes `Variable OPERATOR operand` true (`satisfy`) or false, when one does.
fn comparison(operator: &str, operand: &Value, satisfy: bool) -> Option<Wanted> {
    let exactly = |v: Value| Some(Wanted::Exactly(v));
    if operator.ends_with("Path") {
        return Some(Wanted::Any);
    }
    if let Some(kind) = operator.strip_prefix("Is") {
        let wants_kind = operand.as_bool()? == satisfy;
        return match (kind, wants_kind) {
            ("Present", true) => Some(Wanted::Any),
            ("Present", false) => None,
            ("Null", true) => exactly(Value::Null),
            ("Numeric", true) => Some(Wanted::Number),
            ("Boolean", true) => Some(Wanted::Boolean),
            ("Timestamp", true) => Some(Wanted::Timestamp),
            ("String", false) => Some(Wanted::Number),
            _ => Some(Wanted::Text),
        };
    }
    if let Some(n) = operand.as_f64() {
        let (yes, no) = match operator {
            "NumericEquals" | "NumericLessThanEquals" | "NumericGreaterThanEquals" if satisfy => {
                return exactly(operand.clone())
            }
            "NumericEquals" => (n, n + 1.0),
            "NumericLessThan" => (n - 1.0, n),
            "NumericLessThanEquals" => (n, n + 1.0),
            "NumericGreaterThan" => (n + 1.0, n),
            "NumericGreaterThanEquals" => (n, n - 1.0),
            _ => return None,
        };
        return exactly(number(if satisfy { yes } else { no }));
    }
    if let Some(b) = operand.as_bool() {
        return exactly(json!(b == satisfy));
    }
    let s = operand.as_str()?;
    let later = format!("{s}~");
    let (yes, no) = match operator {
        "StringEquals" => (s.to_string(), format!("{s}-other")),
        "StringLessThan" => (String::new(), s.to_string()),
        "StringLessThanEquals" => (s.to_string(), later),
        "StringGreaterThan" => (later, String::new()),
        "StringGreaterThanEquals" => (s.to_string(), String::new()),
        "StringMatches" if satisfy => (
            s.replace("\\*", "\u{0}")
                .replace('*', "")
                .replace('\u{0}', "*"),
            String::new(),
        ),
        "StringMatches" if s.contains('*') => return None,
        "StringMatches" => (String::new(), format!("{s}-other")),
        "TimestampEquals" => (
            s.to_string(),
            if s == EARLIEST { LATEST } else { EARLIEST }.into(),
        ),
        "TimestampLessThan" => (EARLIEST.into(), LATEST.into()),
        "TimestampLessThanEquals" => (s.to_string(), LATEST.into()),
        "TimestampGreaterThan" => (LATEST.into(), EARLIEST.into()),
        "TimestampGreaterThanEquals" => (s.to_string(), EARLIEST.into()),
        _ => return None,
    };
    exactly(json!(if satisfy { yes } else { no }))
}

/// A whole number as JSON's integer, so that `1` compares as written.
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// A JSONata condition made true or false: `and` of parts, `or` of parts, each part
/// `[not] $states.input.x [OP literal]`.
fn condition_wants(condition: &str, satisfy: bool, found: &mut Vec<(Path, Wanted)>) {
    let Some(expression) = condition
        .trim()
        .strip_prefix("{%")
        .and_then(|c| c.strip_suffix("%}"))
    else {
        return;
    };
    let expression = expression.trim();
    let (parts, all): (Vec<&str>, bool) = if expression.contains(" and ") {
        (expression.split(" and ").collect(), true)
    } else {
        (expression.split(" or ").collect(), false)
    };
    // Each part must hold (`and` made true, `or` made false) or one must.
    let every = all == satisfy;
    for part in parts.iter().take(if every { parts.len() } else { 1 }) {
        part_wants(part.trim(), satisfy, found);
    }
}

fn part_wants(part: &str, satisfy: bool, found: &mut Vec<(Path, Wanted)>) {
    let part = part.trim_start_matches('(').trim_end_matches(')').trim();
    if let Some(inner) = part
        .strip_prefix("not(")
        .or_else(|| part.strip_prefix("$not("))
    {
        return part_wants(inner, !satisfy, found);
    }
    let Some(rest) = part.strip_prefix("$states.input") else {
        return;
    };
    let (path, len) = dotted(rest);
    if path.is_empty() {
        return;
    }
    let tail = rest[len..].trim();
    if tail.is_empty() {
        found.push((path, Wanted::Exactly(json!(satisfy))));
        return;
    }
    let operators = ["!=", ">=", "<=", "=", ">", "<"];
    let Some(op) = operators.iter().find(|op| tail.starts_with(**op)) else {
        return;
    };
    let literal = tail[op.len()..].trim();
    let value: Option<Value> = quoted_literal(literal)
        .map(|s| json!(s))
        .or_else(|| serde_json::from_str(literal).ok());
    let Some(value) = value else {
        return;
    };
    let (operator, satisfy) = match (*op, value.is_number()) {
        ("=", true) => ("NumericEquals", satisfy),
        ("!=", true) => ("NumericEquals", !satisfy),
        (">", _) => ("NumericGreaterThan", satisfy),
        ("<", _) => ("NumericLessThan", satisfy),
        (">=", _) => ("NumericGreaterThanEquals", satisfy),
        ("<=", _) => ("NumericLessThanEquals", satisfy),
        ("=", false) => ("StringEquals", satisfy),
        _ => ("StringEquals", !satisfy),
    };
    let wanted = if value.is_boolean() {
        let equal = *op == "=";
        Some(Wanted::Exactly(json!(
            value.as_bool() == Some(equal == satisfy)
        )))
    } else {
        comparison(operator, &value, satisfy)
    };
    if let Some(wanted) = wanted {
        found.push((path, wanted));
    }
}

fn quoted_literal(text: &str) -> Option<&str> {
    ['\'', '"']
        .iter()
        .find_map(|q| text.strip_prefix(*q)?.strip_suffix(*q))
}
