//! The data-flow pipeline of a state's fields: JSONPath processing (InputPath, Parameters and
//! payload templates with intrinsic functions, ResultSelector, ResultPath, OutputPath, Assign)
//! and JSONata evaluation (Arguments, Output, Assign, `$states`), with AWS's messages for what
//! goes wrong; the 256 KiB payload limit.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::{json, Map, Value};

use super::{intrinsics, jsonata, jsonpath, At, Details, Engine, Failure, QueryLanguage, State};
use crate::model::intrinsic::{self as intrinsic_syntax, Arg};
use crate::model::path::{self, PathRoot};
use crate::syntax::{Node, NodeKind, NodePtr};

/// Inputs, outputs and results are at most 256 KiB of UTF-8.
pub(super) const MAX_PAYLOAD_BYTES: usize = 262_144;

/// The size of a value as compact JSON text, counted without building the text; it stops
/// counting once past `MAX_PAYLOAD_BYTES`.
pub(super) fn payload_size(value: &Value) -> usize {
    fn string(s: &str) -> usize {
        2 + s.len()
            + s.bytes().fold(0, |extra, b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => extra + 1,
                0..=0x1f => extra + 5,
                _ => extra,
            })
    }
    fn walk(value: &Value, total: &mut usize) {
        if *total > MAX_PAYLOAD_BYTES {
            return;
        }
        *total += match value {
            Value::Null => 4,
            Value::Bool(b) => {
                if *b {
                    4
                } else {
                    5
                }
            }
            Value::Number(n) => {
                let digits = |u: u64| u.checked_ilog10().map_or(1, |d| d as usize + 1);
                if let Some(u) = n.as_u64() {
                    digits(u)
                } else if let Some(i) = n.as_i64() {
                    1 + digits(i.unsigned_abs())
                } else {
                    // A float, counted as written without building the text.
                    struct Count(usize);
                    impl std::fmt::Write for Count {
                        fn write_str(&mut self, s: &str) -> std::fmt::Result {
                            self.0 += s.len();
                            Ok(())
                        }
                    }
                    let mut count = Count(0);
                    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{n}"));
                    count.0
                }
            }
            Value::String(s) => string(s),
            Value::Array(items) => {
                *total += 2 + items.len().saturating_sub(1);
                for item in items {
                    walk(item, total);
                }
                0
            }
            Value::Object(map) => {
                *total += 2 + map.len().saturating_sub(1);
                for (k, v) in map {
                    *total += string(k) + 1;
                    walk(v, total);
                }
                0
            }
        };
    }
    let mut total = 0;
    walk(value, &mut total);
    total
}

/// Jayway's rendering of a path in its "No results" message: `$.a.b` as `$['a']['b']`.
/// AWS's (Jayway's) message for a path that selects nothing in `data`: a missing property with
/// more path after it is "Missing property in path" up to it; otherwise "No results for path".
pub(super) fn missing_path(p: &str, data: &Value) -> String {
    if let Ok(parsed) = path::parse(p) {
        if matches!(parsed.root, PathRoot::Input) {
            let mut node = data;
            let mut walked = String::from("$");
            for (i, segment) in parsed.segments.iter().enumerate() {
                let path::Segment::Field(field) = segment else {
                    break;
                };
                let _ = write!(walked, "['{field}']");
                let Value::Object(object) = node else {
                    break;
                };
                match object.get(field.as_ref() as &str) {
                    Some(next) => node = next,
                    None if i + 1 < parsed.segments.len() => {
                        return format!("Invalid path '{p}' : Missing property in path {walked}");
                    }
                    None => break,
                }
            }
        }
    }
    format!(
        "Invalid path '{p}' : No results for path: {}",
        jayway_path(p)
    )
}

pub(super) fn jayway_path(p: &str) -> String {
    match path::parse(p) {
        Ok(parsed) => {
            let mut out = String::from(match parsed.root {
                PathRoot::Input => "$",
                PathRoot::Context => "$$",
                PathRoot::Variable(_) => "$",
            });
            for segment in &parsed.segments {
                let _ = match segment {
                    path::Segment::Field(f) => write!(out, "['{f}']"),
                    path::Segment::Index(i) => write!(out, "[{i}]"),
                    path::Segment::Query(q) if path::is_function(q) => write!(out, ".{q}"),
                    path::Segment::Query(q) => write!(out, "{q}"),
                };
            }
            out
        }
        Err(_) => p.to_string(),
    }
}

pub(super) fn target_preview(value: &Value) -> String {
    value.to_string()
}

/// The values a state's Assign evaluated, not yet visible (see [`Engine::assigned`]).
#[derive(Debug, Default)]
#[must_use = "assigned values take effect only through Engine::commit"]
// Boxed: a state without Assign (most) moves and drops one null pointer.
pub(super) struct Assigned(Option<Box<Map<String, Value>>>);

impl Assigned {
    /// Both sets, `later`'s values winning where both assign a name.
    pub(super) fn and(self, later: Assigned) -> Assigned {
        match (self.0, later.0) {
            (Some(mut first), Some(second)) => {
                first.extend(*second);
                Assigned(Some(first))
            }
            (first, second) => Assigned(first.or(second)),
        }
    }
}

/// A whole number, as JSONata's arithmetic may give it (`2.0` for 2).
pub(super) fn whole_number(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= i64::MAX as f64)
            .map(|f| f as i64)
    })
}

pub(super) fn value_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl<'t> Engine<'t> {
    /// Evaluate a path string against the state's data.
    /// A path of the definition, parsed the first time it is evaluated.
    pub(super) fn parsed_path(&self, text: &'t str) -> Result<Rc<path::Path<'t>>, String> {
        if let Some(parsed) = self.paths.borrow().get(text) {
            return Ok(Rc::clone(parsed));
        }
        let parsed = Rc::new(
            path::parse(text).map_err(|e| format!("Invalid path '{text}': {}", e.message))?,
        );
        self.paths.borrow_mut().insert(text, Rc::clone(&parsed));
        Ok(parsed)
    }

    pub(super) fn select(
        &self,
        text: &'t str,
        input: &Value,
        context: &Value,
    ) -> Result<Option<Value>, String> {
        let parsed = self.parsed_path(text)?;
        let lookup = |name: &str| self.variable(name);
        let roots = jsonpath::Roots {
            input,
            context,
            execution_input: &self.execution_input,
            state: self.state_now.as_ref(),
            variable: &lookup,
        };
        Ok(jsonpath::select(&parsed, &roots))
    }

    /// InputPath / OutputPath: `None` (absent) keeps the value, `Some(None)` (null) gives `{}`.
    /// Only the part selected is copied, from a value borrowed or owned.
    pub(super) fn filter_path<'v>(
        &self,
        field: &str,
        path: Option<&'t Option<crate::syntax::Text>>,
        value: Cow<'v, Value>,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        match path {
            None => Ok(value),
            Some(None) => Ok(Cow::Owned(json!({}))),
            Some(Some(p)) => match self.select(p, &value, &self.context) {
                Ok(Some(selected)) => Ok(Cow::Owned(selected)),
                Ok(None) => Err(at.runtime(missing_path(p, &value))),
                Err(e) => Err(at.runtime(format!("{e} (in {field})"))),
            },
        }
    }

    /// InputPath applied to an input that is still needed afterwards (by ResultPath): borrowed
    /// when there is no InputPath, so nothing is copied.
    pub(super) fn effective<'v>(
        &self,
        path: Option<&'t Option<crate::syntax::Text>>,
        input: &'v Value,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        self.filter_path("InputPath", path, Cow::Borrowed(input), at)
    }

    /// OutputPath on a value that may be borrowed from the state input.
    pub(super) fn output_path<'v>(
        &self,
        path: Option<&'t Option<crate::syntax::Text>>,
        value: Cow<'v, Value>,
        at: &At,
    ) -> Result<Cow<'v, Value>, Failure> {
        self.filter_path("OutputPath", path, value, at)
    }

    /// A JSONPath payload template: `"key.$"` values are paths or intrinsic functions.
    pub(super) fn template(
        &self,
        node: Node<'t>,
        input: &Value,
        context: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        match node.kind() {
            NodeKind::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for m in members {
                    if let Some(key) = m.key.name.strip_suffix(".$") {
                        let expr = m.value.as_str().unwrap_or_default();
                        let value = if intrinsic_syntax::looks_like_call(expr) {
                            self.intrinsic(expr, input, context, at)?
                        } else {
                            match self.select(expr, input, context) {
                                Ok(Some(v)) => v,
                                Ok(None) => {
                                    return Err(at.runtime(format!(
                                        "The JSONPath '{expr}' specified for the field '{}' could not be found in the input '{}'",
                                        m.key.name,
                                        input
                                    )))
                                }
                                Err(e) => return Err(at.runtime(e)),
                            }
                        };
                        out.insert(key.to_string(), value);
                    } else {
                        let value = self.template(m.value, input, context, at)?;
                        out.insert(m.key.name.to_string(), value);
                    }
                }
                Ok(Value::Object(out))
            }
            NodeKind::Array(items) => items
                .map(|item| self.template(item, input, context, at))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Ok(node.to_json()),
        }
    }

    pub(super) fn intrinsic(
        &self,
        text: &'t str,
        input: &Value,
        context: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let cached = self.calls.borrow().get(text).cloned();
        let call = match cached {
            Some(call) => call,
            None => {
                let call = Rc::new(
                    intrinsic_syntax::parse(text)
                        .map_err(|e| Failure::new("States.IntrinsicFailure", e.message))?,
                );
                self.calls.borrow_mut().insert(text, Rc::clone(&call));
                call
            }
        };
        self.call(&call, input, context, at)
    }

    pub(super) fn call(
        &self,
        call: &intrinsic_syntax::Call<'_>,
        input: &Value,
        context: &Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let mut args = Vec::with_capacity(call.args.len());
        for (arg, _) in &call.args {
            args.push(match arg {
                Arg::String(s) => Value::String(s.clone()),
                Arg::Number(n) => Value::Number(n.clone()),
                Arg::Boolean(b) => Value::Bool(*b),
                Arg::Null => Value::Null,
                Arg::Path(p) => {
                    let lookup = |name: &str| self.variable(name);
                    let roots = jsonpath::Roots { input, context, execution_input: &self.execution_input, state: self.state_now.as_ref(), variable: &lookup };
                    jsonpath::select(p, &roots).ok_or_else(|| {
                        Failure::new(
                            "States.Runtime",
                            format!(
                                "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONPath in the arguments of {} could not be found in the input '{}'",
                                at.state, at.entered_event, call.name, input
                            ),
                        )
                    })?
                }
                Arg::Call(inner) => self.call(inner, input, context, at)?,
            });
        }
        intrinsics::call(call.name, args, &mut self.rng.borrow_mut()).map_err(|cause| {
            Failure::new(
                "States.IntrinsicFailure",
                format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). {cause}",
                    at.state, at.entered_event
                ),
            )
        })
    }

    /// ResultPath: where the result goes in the raw state input.
    pub(super) fn result_path(
        &self,
        path: Option<&'t Option<crate::syntax::Text>>,
        input: &Value,
        result: Value,
        at: &At,
    ) -> Result<Value, Failure> {
        match path {
            None => Ok(result),
            Some(None) => Ok(input.clone()),
            Some(Some(p)) => {
                let parsed = self.parsed_path(p).map_err(|e| at.runtime(e))?;
                if parsed.segments.is_empty() {
                    return Ok(result);
                }
                let mut target = input.clone();
                jsonpath::assign(&mut target, &parsed, result).map_err(|()| {
                    Failure::new(
                        "States.ResultPathMatchFailure",
                        format!(
                            "An error occurred while executing the state '{}' (entered at the event id #{}). Unable to apply ResultPath '{p}' to input '{}'",
                            at.state, at.entered_event, target_preview(&target)
                        ),
                    )
                })?;
                Ok(target)
            }
        }
    }

    /// Assign's values, evaluated against `data` with the variables as they were. They are not
    /// set yet: AWS makes them visible to the next state only, so no field the state evaluates
    /// after Assign (ResultPath, OutputPath, Output) sees them; [`Self::commit`] sets them once
    /// the state is done.
    pub(super) fn assigned(
        &self,
        assign: Option<NodePtr>,
        data: &Value,
        at: &At,
    ) -> Result<Assigned, Failure> {
        let Some(node) = assign.and_then(|p| self.node(p)) else {
            return Ok(Assigned::default());
        };
        match self.template(node, data, &self.context, at)? {
            Value::Object(values) => Ok(Assigned(Some(Box::new(values)))),
            _ => Ok(Assigned::default()),
        }
    }

    /// Sets the values a state assigned, when nothing after its Assign failed.
    pub(super) fn commit(&mut self, assigned: Assigned) {
        if let Some(values) = assigned.0 {
            let scope = self.scopes.last_mut().expect("there is always a scope");
            scope.extend(*values);
        }
    }

    /// ResultSelector, Assign, ResultPath and OutputPath after a result.
    pub(super) fn after_result(
        &mut self,
        state: &'t State,
        input: &Value,
        result: Value,
        at: &At,
    ) -> Result<Value, Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let states = self.states_value(input, Some(&result), None);
            return self.jsonata_finish(state.io.assign, state.io.output, &states, result, at);
        }
        let result = match state.io.result_selector.and_then(|p| self.node(p)) {
            Some(selector) => self.template(selector, &result, &self.context, at)?,
            None => result,
        };
        let assigned = self.assigned(state.io.assign, &result, at)?;
        let combined = self.result_path(state.io.result_path.as_ref(), input, result, at)?;
        let output = self.filter_path(
            "OutputPath",
            state.io.output_path.as_ref(),
            Cow::Owned(combined),
            at,
        )?;
        self.commit(assigned);
        Ok(output.into_owned())
    }

    /// A `States.QueryEvaluationError`, recorded as AWS records it: an EvaluationFailed event.
    pub(super) fn query_failure(&mut self, cause: String) -> Failure {
        self.event(
            "EvaluationFailed",
            Details::Error {
                error: "States.QueryEvaluationError".into(),
                cause: cause.clone(),
            },
        );
        Failure::new("States.QueryEvaluationError", cause)
    }

    /// AWS's `States.QueryEvaluationError` for a JSONata expression in `field` whose result is
    /// not of the type the field takes (`integer`, `string`, `array`, `number`).
    pub(super) fn unexpected_type(
        &mut self,
        expr: &str,
        field: &str,
        expected: &str,
        value: &Value,
        at: &At,
    ) -> Failure {
        self.query_failure(format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {value}",
            at.state,
            at.entered_event,
            expr.trim(),
            value_type(value)
        ))
    }

    /// `$states` for a JSONata expression.
    pub(super) fn states_value(
        &self,
        input: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> Value {
        let context = jsonpath::full_context(
            &self.context,
            &self.execution_input,
            self.state_now.as_ref(),
        );
        let mut states = json!({"input": input, "context": context});
        if let Some(result) = result {
            states["result"] = result.clone();
        }
        if let Some(error_output) = error_output {
            states["errorOutput"] = error_output.clone();
        }
        states
    }

    /// One JSONata expression (the text inside `{% %}`).
    pub(super) fn jsonata_expr(
        &mut self,
        expr: &str,
        states: &Value,
        field: &str,
        at: &At,
    ) -> Result<Value, Failure> {
        let rng = self.rng.clone();
        let expr = expr.trim();
        self.jsonata.evaluate(expr, states, &self.scopes, &rng).map_err(|e| {
            let problem = match e {
                jsonata::JsonataError::Undefined => "returned nothing (undefined).".to_string(),
                jsonata::JsonataError::Failed(message) => {
                    format!("could not be evaluated: {message}.")
                }
                // AWS ends this one with JSONata's message, unpunctuated.
                jsonata::JsonataError::Thrown { code, message } => {
                    format!("threw an error during evaluation. {code}: {message}")
                }
            };
            self.query_failure(
                format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONata expression '{expr}' specified for the field '{field}' {problem}",
                    at.state, at.entered_event
                ),
            )
        })
    }

    /// JSON in which `{% %}` strings are JSONata; `field` names where it stands (`Output/result`).
    pub(super) fn jsonata_template(
        &mut self,
        node: Node<'_>,
        states: &Value,
        field: &str,
        at: &At,
    ) -> Result<Value, Failure> {
        match node.kind() {
            NodeKind::String(s) => match crate::model::jsonata_expression(s) {
                Some(expr) => self.jsonata_expr(expr, states, field, at),
                None => Ok(Value::String(s.to_string())),
            },
            NodeKind::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for m in members {
                    let value = self.jsonata_template(
                        m.value,
                        states,
                        &format!("{field}/{}", m.key.name),
                        at,
                    )?;
                    out.insert(m.key.name.to_string(), value);
                }
                Ok(Value::Object(out))
            }
            NodeKind::Array(items) => items
                .enumerate()
                .map(|(i, item)| self.jsonata_template(item, states, &format!("{field}/{i}"), at))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Ok(node.to_json()),
        }
    }

    /// A JSONata state's Assign and Output: both see the variables as they were, then the
    /// assignments take effect. Without Output the state outputs `default`.
    pub(super) fn jsonata_finish(
        &mut self,
        assign: Option<NodePtr>,
        output: Option<NodePtr>,
        states: &Value,
        default: Value,
        at: &At,
    ) -> Result<Value, Failure> {
        let assigned = match assign.and_then(|p| self.node(p)) {
            Some(node) => match self.jsonata_template(node, states, "Assign", at)? {
                Value::Object(values) => Assigned(Some(Box::new(values))),
                _ => Assigned::default(),
            },
            None => Assigned::default(),
        };
        let output = match output.and_then(|p| self.node(p)) {
            Some(node) => self.jsonata_template(node, states, "Output", at)?,
            None => default,
        };
        self.commit(assigned);
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_size_is_the_compact_json_length() {
        for value in [
            json!({"a": [1, 2.5, null, true, false], "b\"c": "x\ny\u{1}é"}),
            json!([0, 9, 10, 99, 100, -1, -10, u64::MAX, i64::MIN, 1e300, -0.5]),
            json!([]),
            json!({}),
            json!("plain"),
        ] {
            assert_eq!(payload_size(&value), value.to_string().len(), "{value}");
        }
    }
}
