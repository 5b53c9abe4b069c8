//! Choice states: JSONPath rules (comparisons, `And` / `Or` / `Not`) or JSONata Conditions,
//! the first match's Next (or Default), and the rule's Assign and Output.

use std::borrow::Cow;

use serde_json::Value;

use super::{
    jayway_path, missing_path, parse_timestamp, Assigned, At, Engine, Failure, QueryLanguage,
    State, Text,
};
use crate::model::Choice;
use crate::syntax::Node;

impl<'t> Engine<'t> {
    /// A Choice state's output and the state it chose.
    pub(super) fn choice<'v>(
        &mut self,
        state: &'t State,
        choice: &'t Choice,
        input: &'v Value,
        at: &At,
    ) -> Result<(Cow<'v, Value>, Option<Text>), Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            return self.choice_jsonata(state, choice, input, at);
        }
        let effective = self.effective(state.io.input_path.as_ref(), input, at)?;
        let mut chosen = None;
        let mut assigned = Assigned::default();
        for rule in &choice.rules {
            let Some(node) = self.node(rule.condition) else {
                continue;
            };
            if self.rule(node, &effective, at)? {
                chosen = rule.next.as_ref().map(|n| n.value.clone());
                assigned = self.assigned(rule.assign, &effective, at)?;
                break;
            }
        }
        let Some(next) = chosen.or_else(|| choice.default.as_ref().map(|d| d.value.clone())) else {
            return Err(no_choice_matched(at));
        };
        // The state's Assign, like the rule's, sees the variables as they were before the state.
        let assigned = assigned.and(self.assigned(state.io.assign, &effective, at)?);
        let output = self.output_path(state.io.output_path.as_ref(), effective, at)?;
        self.commit(assigned);
        Ok((output, Some(next)))
    }

    fn choice_jsonata<'v>(
        &mut self,
        state: &'t State,
        choice: &'t Choice,
        input: &'v Value,
        at: &At,
    ) -> Result<(Cow<'v, Value>, Option<Text>), Failure> {
        let states = self.states_value(input, None, None);
        let mut chosen = None;
        for rule in &choice.rules {
            let condition = self
                .node(rule.condition)
                .and_then(|n| n.get("Condition"))
                .map(
                    |c| match c.as_str().and_then(crate::model::jsonata_expression) {
                        Some(expr) => self.jsonata_expr(expr, &states, "Condition", at),
                        None => Ok(c.to_json()),
                    },
                )
                .transpose()?;
            if condition == Some(Value::Bool(true)) {
                chosen = Some(rule);
                break;
            }
        }
        let (next, assign, output) = match chosen {
            Some(rule) => (
                rule.next.as_ref().map(|n| n.value.clone()),
                rule.assign.or(state.io.assign),
                rule.output.or(state.io.output),
            ),
            None => (
                choice.default.as_ref().map(|d| d.value.clone()),
                state.io.assign,
                state.io.output,
            ),
        };
        let Some(next) = next else {
            return Err(no_choice_matched(at));
        };
        let output = self.jsonata_finish(assign, output, &states, input.clone(), at)?;
        Ok((Cow::Owned(output), Some(next)))
    }

    /// A Choice rule (JSONPath): comparisons, `And` / `Or` / `Not`.
    fn rule(&mut self, node: Node<'t>, input: &Value, at: &At) -> Result<bool, Failure> {
        // One pass over the rule's members (this runs at every Choice evaluation).
        let mut variable = "$";
        let mut comparison = None;
        for m in node.members() {
            match m.key.name {
                "And" => {
                    for n in m.value.elements() {
                        if !self.rule(n, input, at)? {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
                "Or" => {
                    for n in m.value.elements() {
                        if self.rule(n, input, at)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                "Not" => return Ok(!self.rule(m.value, input, at)?),
                "Variable" => variable = m.value.as_str().unwrap_or("$"),
                "Next" | "Comment" | "Assign" => {}
                _ => {
                    comparison.get_or_insert(m);
                }
            }
        }
        let Some(m) = comparison else {
            return Ok(false);
        };
        let value = self
            .select(variable, input, &self.context)
            .map_err(|e| at.runtime(e))?;
        let op = m.key.name;
        if let Some(op_path) = op.strip_suffix("Path") {
            let p = m.value.as_str().unwrap_or("$");
            let v = self
                .select(p, input, &self.context)
                .map_err(|e| at.runtime(e))?;
            let Some(v) = v else {
                return Err(at.runtime(missing_path(p, input)));
            };
            return compare_rule(op_path, value.as_ref(), &v, variable, at);
        }
        compare_rule(op, value.as_ref(), &m.value.to_json(), variable, at)
    }
}

fn no_choice_matched(at: &At) -> Failure {
    Failure::new(
        "States.NoChoiceMatched",
        format!(
            "No Matches! at the state '{}' (entered at the event id #{})",
            at.state, at.entered_event
        ),
    )
}

/// One Choice comparison. A missing Variable fails every comparison but `IsPresent`.
#[allow(clippy::items_after_statements)] // the short ordering names read best next to the table
fn compare_rule(
    op: &str,
    value: Option<&Value>,
    operand: &Value,
    variable: &str,
    at: &At,
) -> Result<bool, Failure> {
    use std::cmp::Ordering;
    let truth = operand.as_bool().unwrap_or(false);
    if op == "IsPresent" {
        return Ok(value.is_some() == truth);
    }
    let Some(value) = value else {
        return Err(at.runtime(format!(
            "Invalid path '{variable}' : No results for path: {}",
            jayway_path(variable)
        )));
    };
    let number = |v: &Value| v.as_f64();
    let order = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => None,
    };
    let string_order = || match (value.as_str(), operand.as_str()) {
        (Some(a), Some(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let time_order = || match (
        value.as_str().and_then(parse_timestamp),
        operand.as_str().and_then(parse_timestamp),
    ) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => None,
    };
    let is = |o: Option<Ordering>, want: &[Ordering]| o.is_some_and(|o| want.contains(&o));
    use Ordering::{Equal as Eq, Greater as Gt, Less as Lt};
    Ok(match op {
        "IsNull" => value.is_null() == truth,
        "IsNumeric" => value.is_number() == truth,
        "IsString" => value.is_string() == truth,
        "IsBoolean" => value.is_boolean() == truth,
        "IsTimestamp" => value.as_str().and_then(parse_timestamp).is_some() == truth,
        "StringEquals" => is(string_order(), &[Eq]),
        "StringLessThan" => is(string_order(), &[Lt]),
        "StringGreaterThan" => is(string_order(), &[Gt]),
        "StringLessThanEquals" => is(string_order(), &[Lt, Eq]),
        "StringGreaterThanEquals" => is(string_order(), &[Gt, Eq]),
        "StringMatches" => match (value.as_str(), operand.as_str()) {
            (Some(v), Some(pattern)) => wildcard_match(pattern, v),
            _ => false,
        },
        "NumericEquals" => is(order(number(value), number(operand)), &[Eq]),
        "NumericLessThan" => is(order(number(value), number(operand)), &[Lt]),
        "NumericGreaterThan" => is(order(number(value), number(operand)), &[Gt]),
        "NumericLessThanEquals" => is(order(number(value), number(operand)), &[Lt, Eq]),
        "NumericGreaterThanEquals" => is(order(number(value), number(operand)), &[Gt, Eq]),
        "BooleanEquals" => value.as_bool().is_some() && value.as_bool() == operand.as_bool(),
        "TimestampEquals" => is(time_order(), &[Eq]),
        "TimestampLessThan" => is(time_order(), &[Lt]),
        "TimestampGreaterThan" => is(time_order(), &[Gt]),
        "TimestampLessThanEquals" => is(time_order(), &[Lt, Eq]),
        "TimestampGreaterThanEquals" => is(time_order(), &[Gt, Eq]),
        _ => false,
    })
}

/// `StringMatches`: `*` matches any run of characters; `\*` is a literal star.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts: Vec<String> = vec![String::new()];
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '\\')) => {
                let escaped = chars.next().unwrap_or('\\');
                parts.last_mut().expect("never empty").push(escaped);
            }
            '*' => parts.push(String::new()),
            other => parts.last_mut().expect("never empty").push(other),
        }
    }
    if parts.len() == 1 {
        return parts[0] == text;
    }
    let (first, last) = (&parts[0], &parts[parts.len() - 1]);
    if !text.starts_with(first.as_str()) || !text[first.len()..].ends_with(last.as_str()) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}
